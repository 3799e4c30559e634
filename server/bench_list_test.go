package server_test

import (
	"context"
	"net/http"
	"testing"

	"paperclip/server"
	"paperclip/store/storetest"
)

// benchListEnv is a server over one company of 10 000 issues (storetest.SeedLarge:
// projects, assignees, descriptions of realistic length), seeded into the database
// file before the server's store opens it, and that company's id.
func benchListEnv(b *testing.B) (*env, string) {
	var cid string
	e := newEnv(b, func(cfg *server.Config) {
		lc, err := storetest.SeedLarge(context.Background(), cfg.DatabasePath, storetest.LargeSpec{
			Issues: 10_000, Comments: 1_000, Agents: 20, CostEvents: 10, Projects: 5, KeyedAgents: 1})
		if err != nil {
			b.Fatal(err)
		}
		cid = lc.Company.ID
	})
	return e, cid
}

// BenchmarkHandlerIssueList10k serves GET /api/companies/{id}/issues (the default page
// of 500 rows of 10 000) through the server's handler, without a client: the store's
// FindIssues plus the handler's own cost, mostly the JSON of 500 rows.
func BenchmarkHandlerIssueList10k(b *testing.B) {
	e, cid := benchListEnv(b)
	h, req := e.app.Handler(), benchGetRequest(e, "/api/companies/"+cid+"/issues")
	w := &benchWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.serve(b, h, req)
	}
	b.ReportMetric(float64(w.n), "bytes/page")
}
