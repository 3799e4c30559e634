package store_test

import (
	"context"
	"fmt"
	"testing"

	"paperclip/store"
)

func BenchmarkCompanyCreate(b *testing.B) {
	s := MustOpen(b)
	ctx := boardCtx()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		// Distinct names: the Nth same-named company reads N taken prefixes, which
		// measures the prefix search rather than a typical create.
		name := fmt.Sprintf("%c%c%c Co", 'A'+i%26, 'A'+i/26%26, 'A'+i/676%26)
		if _, err := s.CreateCompany(ctx, store.CompanyInput{Name: store.Some(name), BudgetMonthlyCents: store.Some[int64](5000)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompanyGet(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench Co")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.FindCompanyByID(ctx, c.ID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompanyGetParallel(b *testing.B) {
	s := MustOpen(b)
	c := mustCompany(b, s, "Bench Co")
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.FindCompanyByID(ctx, c.ID); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
