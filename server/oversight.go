package server

// oversightRoutes gathers the board's oversight surface: instance settings, the
// dashboard and sidebar badges, evaluations, costs and budgets, and secrets. One entry
// in routes.go keeps that shared table stable while these domains grow.
func (s *Server) oversightRoutes() []route {
	var rs []route
	rs = append(rs, s.instanceSettingsRoutes()...)
	rs = append(rs, s.dashboardRoutes()...)
	rs = append(rs, s.costRoutes()...)
	rs = append(rs, s.budgetRoutes()...)
	rs = append(rs, s.secretRoutes()...)
	return rs
}
