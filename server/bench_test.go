package server_test

import (
	"fmt"
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
