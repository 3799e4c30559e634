package server

import "context"

// SetImportHold makes every async import job call hold inside its transaction,
// after its writes and before its commit; an error from hold rolls the job back.
// Tests use it to keep a job running at a known point.
func (s *Server) SetImportHold(hold func(ctx context.Context) error) { s.importHold.Store(&hold) }
