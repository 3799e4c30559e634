package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// BenchmarkHTTPCompanyCreate measures POST /api/companies through the real router,
// middleware and store over loopback HTTP.
func BenchmarkHTTPCompanyCreate(b *testing.B) {
	e := newEnv(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		// Distinct names, as in the store benchmark: same-name companies measure the
		// ever longer prefix search instead of a typical create.
		name := fmt.Sprintf("%c%c%c Co", 'A'+i%26, 'A'+i/26%26, 'A'+i/676%26)
		if r := e.do(http.MethodPost, "/api/companies", map[string]any{"name": name, "budgetMonthlyCents": 5000}); r.Status != 201 {
			b.Fatalf("status %d", r.Status)
		}
	}
}

// BenchmarkHTTPCompanyGet measures GET /api/companies/{id} end to end.
func BenchmarkHTTPCompanyGet(b *testing.B) {
	e := newEnv(b)
	id := e.mustCompany("Bench Co")["id"].(string)
	b.ReportAllocs()
	for b.Loop() {
		if r := e.do(http.MethodGet, "/api/companies/"+id, nil); r.Status != 200 {
			b.Fatalf("status %d", r.Status)
		}
	}
}

// BenchmarkHTTPIssueGetParallel measures GET /api/issues/{id} (the full detail view of
// an issue with a parent and a blocker, as store's BenchmarkIssueGet) from parallel
// clients over loopback, so the JSON encoding, middleware and the read pool under
// concurrency are in the figure.
func BenchmarkHTTPIssueGetParallel(b *testing.B) {
	e := newEnv(b)
	cid := e.mustCompany("Bench Co")["id"].(string)
	mk := func(body map[string]any) string {
		r := e.do(http.MethodPost, "/api/companies/"+cid+"/issues", body)
		if r.Status != 201 {
			b.Fatalf("create issue: %d %s", r.Status, r.Body)
		}
		var out struct{ ID, Identifier string }
		if err := json.Unmarshal(r.Body, &out); err != nil {
			b.Fatal(err)
		}
		return out.ID
	}
	parent := mk(map[string]any{"title": "parent"})
	blocker := mk(map[string]any{"title": "blocker"})
	id := mk(map[string]any{"title": "detail", "parentId": parent, "blockedByIssueIds": []string{blocker}})
	url := e.srv.URL + "/api/issues/" + id
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
}
