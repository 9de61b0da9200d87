package fakesite

import (
	"reflect"
	"testing"
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

func TestMutateShowsOnPages(t *testing.T) {
	d := shared()
	s := New(d)
	srv := serve(t, s)
	changes := s.Mutate(11, 25)
	now := s.Snapshot()
	for _, c := range changes {
		p := now[pinIndex(t, d, c.PIN)]
		_, body := get(t, srv, searchPath(p.Roll, map[string]string{
			"Suburb": p.SuburbID, "VolumeNo": p.Volume, "DeedsTown": p.DeedsTownID, "SchemeName": p.Scheme,
		}))
		page := parseResult(t, body)
		col := map[string]int{FieldFirstOwner: 3, FieldUseCode: 4, FieldRatingCategory: 5, FieldMarketValue: 6, FieldExtent: 7}[c.Field]
		found := false
		for i, pin := range page.pins {
			if pin == c.PIN {
				found = true
				if got := page.rows[i][col]; got != c.New {
					t.Fatalf("%s %s shows %q, want %q", c.PIN, c.Field, got, c.New)
				}
			}
		}
		if !found {
			t.Fatalf("%s not on its slice's page", c.PIN)
		}
	}
}

// TestConcurrentServeAndMutate is for -race: pages are served while Mutate
// copies and edits the data.
func TestConcurrentServeAndMutate(t *testing.T) {
	d := shared()
	s := New(d)
	srv := serve(t, s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 5 {
			s.Mutate(int64(i), 200)
			s.SetFaults(Faults{FailFirst: i % 2})
		}
	}()
	for i := range 30 {
		p := d.Properties[i*500]
		get(t, srv, searchPath(p.Roll, map[string]string{"Suburb": p.SuburbID}))
		get(t, srv, "/FramePages/SearchDeatils.aspx?id="+p.PIN+"&PType=1&FType=1")
		_ = s.Snapshot()
	}
	<-done
}
