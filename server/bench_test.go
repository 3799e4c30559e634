package server_test

import (
	"net/http"
	"testing"
)

// BenchmarkHTTPCompanyCreate measures POST /api/companies through the real router,
// middleware and store over loopback HTTP.
func BenchmarkHTTPCompanyCreate(b *testing.B) {
	e := newEnv(b)
	b.ReportAllocs()
	for b.Loop() {
		if r := e.do(http.MethodPost, "/api/companies", map[string]any{"name": "Bench Co", "budgetMonthlyCents": 5000}); r.Status != 201 {
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
