package fakesite

import (
	"net/http/httptest"
	"testing"
)

func BenchmarkGenerate500k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Generate(Config{Seed: 1, FullRows: 425_000, SectionalRows: 75_000})
	}
}

// BenchmarkSearchSuburb serves the biggest suburb's capped page (index
// lookup, 1,000 rows rendered) from a 500k-row site.
func BenchmarkSearchSuburb(b *testing.B) {
	d := Generate(Config{Seed: 1, FullRows: 425_000, SectionalRows: 75_000})
	s := New(d)
	counts := map[string]int{}
	for _, p := range d.Properties {
		counts[p.SuburbID]++
	}
	top := ""
	for id, n := range counts {
		if n > counts[top] {
			top = id
		}
	}
	path := searchPath(1, map[string]string{"Suburb": top, "StreetName": "ROAD"})
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
