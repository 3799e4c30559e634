package server_test

import (
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkHTTPGoalTreeList1k measures GET /api/companies/{id}/goals for a company of
// 1 000 goals in a tree, end to end.
func BenchmarkHTTPGoalTreeList1k(b *testing.B) {
	e := newEnv(b)
	cid := e.mustCompany("Tree Co")["id"].(string)
	var ids []any
	for i := 0; i < 1000; i++ {
		body := map[string]any{"title": fmt.Sprintf("Goal %d", i)}
		if i >= 10 {
			body["parentId"] = ids[(i-10)/10]
		}
		r := e.do(http.MethodPost, "/api/companies/"+cid+"/goals", body)
		if r.Status != 201 {
			b.Fatalf("create %d %s", r.Status, r.Body)
		}
		ids = append(ids, r.JSON()["id"])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := e.do(http.MethodGet, "/api/companies/"+cid+"/goals", nil); r.Status != 200 {
			b.Fatalf("status %d", r.Status)
		}
	}
}

// BenchmarkHTTPApprovalCreateApprove measures an agent filing an approval and the board
// approving it: two requests through the real router.
func BenchmarkHTTPApprovalCreateApprove(b *testing.B) {
	e := newEnv(b)
	cid := e.mustCompany("Approve Co")["id"].(string)
	key := bearer(e.agentKey(e.mustAgent(cid, map[string]any{"name": "Chief", "role": "ceo"})["id"].(string)))
	b.ReportAllocs()
	for b.Loop() {
		r := e.do(http.MethodPost, "/api/companies/"+cid+"/approvals", map[string]any{"type": "approve_ceo_strategy",
			"payload": map[string]any{"title": "Plan"}}, key...)
		if r.Status != 201 {
			b.Fatalf("create %d %s", r.Status, r.Body)
		}
		if r = e.do(http.MethodPost, "/api/approvals/"+r.JSON()["id"].(string)+"/approve", nil); r.Status != 200 {
			b.Fatalf("approve %d %s", r.Status, r.Body)
		}
	}
}
