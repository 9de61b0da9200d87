package fakesite

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMutate(t *testing.T) {
	d := shared()
	s := New(d)
	before := s.Snapshot()
	changes := s.Mutate(9, 300)
	after := s.Snapshot()
	if len(changes) != 300 {
		t.Fatalf("%d changes", len(changes))
	}
	if !reflect.DeepEqual(d.Properties, before) {
		t.Fatal("New did not copy the dataset")
	}
	byPIN := map[string]Change{}
	fields := map[string]int{}
	for _, c := range changes {
		if _, dup := byPIN[c.PIN]; dup {
			t.Fatalf("property %s changed twice", c.PIN)
		}
		if c.Old == c.New {
			t.Fatalf("no-op change %+v", c)
		}
		byPIN[c.PIN] = c
		fields[c.Field]++
	}
	if len(fields) != 5 {
		t.Fatalf("fields changed: %v, want all five", fields)
	}
	// Exactly the reported fields differ, with the reported values.
	for i := range before {
		b, a := d.Row(before[i]), d.Row(after[i])
		c, changed := byPIN[b.PIN]
		diff := map[string][2]string{}
		for field, pair := range map[string][2]string{
			FieldMarketValue: {b.MarketValue, a.MarketValue}, FieldFirstOwner: {b.Owner, a.Owner},
			FieldUseCode: {b.UseCode, a.UseCode}, FieldExtent: {b.Extent, a.Extent}, FieldRatingCategory: {b.Category, a.Category},
		} {
			if pair[0] != pair[1] {
				diff[field] = pair
			}
		}
		if !changed {
			if len(diff) != 0 || !reflect.DeepEqual(before[i], after[i]) {
				t.Fatalf("%s changed unreported: %v", b.PIN, diff)
			}
			continue
		}
		if len(diff) != 1 || diff[c.Field] != [2]string{c.Old, c.New} {
			t.Fatalf("%s: reported %+v, page differs in %v", b.PIN, c, diff)
		}
	}
	if again := New(d).Mutate(9, 300); !reflect.DeepEqual(again, changes) {
		t.Fatal("Mutate is not deterministic")
	}
}

// TestMutateShowsOnPages: each change shows, with a 200, in the property's
// list row and on its profile page.
func TestMutateShowsOnPages(t *testing.T) {
	d := shared()
	s := New(d)
	srv := serve(t, s)
	changes := s.Mutate(11, 25)
	now := s.Snapshot()
	for _, c := range changes {
		p := now[pinIndex(t, d, c.PIN)]
		status, body := get(t, srv, searchPath(p.Roll, sliceOf(p)))
		mustStatus(t, status, 200, body)
		page := parseResult(t, body)
		row := rowOf(t, page, c.PIN)
		if got := row[resultColumn[c.Field]]; got != c.New {
			t.Fatalf("%s %s shows %q in the list, want %q", c.PIN, c.Field, got, c.New)
		}
		status, body = get(t, srv, detailPath(p))
		mustStatus(t, status, 200, body)
		if got := detailValues(t, body)[c.Field]; got != c.New {
			t.Fatalf("%s %s shows %q on its profile, want %q", c.PIN, c.Field, got, c.New)
		}
	}
}

// TestConcurrentServeAndMutate is also for -race: pages are served while
// Mutate copies and edits the data and the faults change. Each answer is a
// whole page (200) showing only values the property really had, or the
// fail-first error page (500); afterwards the site holds and serves exactly
// what the same mutations give without traffic.
func TestConcurrentServeAndMutate(t *testing.T) {
	d := shared()
	original := append([]Property(nil), d.Properties...)
	// The twin makes the same mutations alone.
	twin := New(d)
	want := make([][]Change, 5)
	for i := range want {
		want[i] = twin.Mutate(int64(i), 200)
	}
	// shown[pin][field] holds what a page may show: the original value and
	// every value a mutation gave it.
	shown := map[string]map[string]map[string]bool{}
	allow := func(pin, field, v string) {
		if shown[pin] == nil {
			shown[pin] = map[string]map[string]bool{}
		}
		if shown[pin][field] == nil {
			shown[pin][field] = map[string]bool{}
		}
		shown[pin][field][v] = true
		shown[pin][field][strings.TrimSpace(v)] = true // the list trims its cells
	}
	// Five changed properties from each mutation, then five never changed.
	var sample []Property
	for _, cs := range want {
		for _, c := range cs {
			allow(c.PIN, c.Field, c.New)
		}
		for _, c := range cs[:5] {
			sample = append(sample, d.Properties[pinIndex(t, d, c.PIN)])
		}
	}
	for i := 0; len(sample) < 30; i += 997 {
		if p := d.Properties[i]; shown[p.PIN] == nil {
			sample = append(sample, p)
		}
	}
	for _, p := range sample {
		for field, v := range fieldValues(d.Row(p)) {
			allow(p.PIN, field, v)
		}
	}
	check := func(where, pin string, values map[string]string) {
		t.Helper()
		for field, v := range values {
			if !shown[pin][field][v] {
				t.Fatalf("%s of %s shows %s %q, a value it never had", where, pin, field, v)
			}
		}
	}

	s := New(d)
	srv := serve(t, s)
	got := make([][]Change, 5)
	done, stop := make(chan struct{}), make(chan struct{})
	defer close(stop)
	go func() {
		defer close(done)
		for i := range got {
			// Spread the mutations over the traffic, or they are over
			// before the first page is served.
			for s.Requests() < int64(6+8*i) {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
			}
			got[i] = s.Mutate(int64(i), 200)
			s.SetFaults(Faults{FailFirst: i % 2})
		}
	}()
	failed := func(status int, body string) bool {
		t.Helper()
		if status == 500 && strings.Contains(body, "Server Error in") {
			return true // FailFirst was 1 and this URL had not failed yet
		}
		mustStatus(t, status, 200, body)
		return false
	}
	for _, p := range sample {
		if status, body := get(t, srv, searchPath(p.Roll, sliceOf(p))); !failed(status, body) {
			row := rowOf(t, parseResult(t, body), p.PIN)
			check("list row", p.PIN, rowValues(row))
		}
		if status, body := get(t, srv, detailPath(p)); !failed(status, body) {
			check("profile", p.PIN, detailValues(t, body))
		}
		_ = s.Snapshot()
	}
	<-done

	if !reflect.DeepEqual(got, want) {
		t.Fatal("Mutate under traffic made other changes than without")
	}
	final := s.Snapshot()
	if !reflect.DeepEqual(final, twin.Snapshot()) {
		t.Fatal("the data after Mutate under traffic differs from the same mutations without")
	}
	if !reflect.DeepEqual(d.Properties, original) {
		t.Fatal("Mutate under traffic changed the caller's dataset")
	}
	// The last SetFaults cleared FailFirst: every page now shows the final data.
	for _, p := range sample {
		now := final[pinIndex(t, d, p.PIN)]
		want := fieldValues(d.Row(now))
		status, body := get(t, srv, searchPath(p.Roll, sliceOf(p)))
		mustStatus(t, status, 200, body)
		row := rowValues(rowOf(t, parseResult(t, body), p.PIN))
		status, body = get(t, srv, detailPath(p))
		mustStatus(t, status, 200, body)
		profile := detailValues(t, body)
		for field, v := range want {
			if row[field] != strings.TrimSpace(v) || profile[field] != v {
				t.Fatalf("%s %s: list %q, profile %q, want %q", p.PIN, field, row[field], profile[field], v)
			}
		}
	}
}

// resultColumn is where each mutable field sits in a result row.
var resultColumn = map[string]int{FieldFirstOwner: 3, FieldUseCode: 4, FieldRatingCategory: 5, FieldMarketValue: 6, FieldExtent: 7}

// sliceOf is the search that lists p in its suburb×volume×town (or scheme)
// slice, under the 1,000-row cap.
func sliceOf(p Property) map[string]string {
	return map[string]string{"Suburb": p.SuburbID, "VolumeNo": p.Volume, "DeedsTown": p.DeedsTownID, "SchemeName": p.Scheme}
}

func detailPath(p Property) string {
	return "/FramePages/SearchDeatils.aspx?id=" + p.PIN + "&PType=" + strconv.Itoa(p.Roll) + "&FType=1"
}

// rowOf is pin's row on a result page.
func rowOf(t *testing.T, page resultPage, pin string) []string {
	t.Helper()
	for i, p := range page.pins {
		if p == pin {
			return page.rows[i]
		}
	}
	t.Fatalf("%s not on its slice's page (%d rows)", pin, len(page.rows))
	return nil
}

// rowValues are a result row's mutable fields.
func rowValues(row []string) map[string]string {
	out := map[string]string{}
	for field, col := range resultColumn {
		out[field] = row[col]
	}
	return out
}

// fieldValues are r's mutable fields as displayed.
func fieldValues(r Row) map[string]string {
	return map[string]string{
		FieldMarketValue: r.MarketValue, FieldFirstOwner: r.Owner, FieldUseCode: r.UseCode,
		FieldExtent: r.Extent, FieldRatingCategory: r.Category,
	}
}

// detailValues are a profile page's mutable fields.
func detailValues(t *testing.T, body string) map[string]string {
	t.Helper()
	fields, owners := detailFields(t, body)
	if _, ok := fields["Rate Number"]; !ok {
		t.Fatalf("not a profile page: %.200q", body)
	}
	owner := ""
	if len(owners) > 0 {
		owner = owners[0]
	}
	return map[string]string{
		FieldMarketValue: fields["Market Value"], FieldFirstOwner: owner, FieldUseCode: fields["Use Code"],
		FieldExtent: fields["Registered Extent"], FieldRatingCategory: fields["Rating Category"],
	}
}
