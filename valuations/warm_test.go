package valuations

import (
	"testing"

	"github.com/pocketbase/dbx"
)

// cached reports whether c holds key for version v.
func cached[V any](c *versioned[V], v Version, key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.values[key]
	return c.version == v.Data && ok
}

// filled reports whether c holds anything for version v.
func filled[V any](c *versioned[V], v Version) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version == v.Data && len(c.values) > 0
}

func TestWarmerWaitsForSettledDataThenFillsTheCaches(t *testing.T) {
	s := findRoll(t)
	w := &Warmer{svc: s}
	v, err := s.Version()
	if err != nil {
		t.Fatal(err)
	}
	if warmed, err := w.Tick(); err != nil || warmed {
		t.Fatalf("first tick warmed %v (%v): the version has not been seen settled yet", warmed, err)
	}
	if cached(&s.snapshots, v, "2022") {
		t.Fatal("snapshot built before the data settled")
	}
	if warmed, err := w.Tick(); err != nil || !warmed {
		t.Fatalf("second tick of an unchanged version: warmed %v (%v)", warmed, err)
	}
	for name, ok := range map[string]bool{
		"snapshot":     cached(&s.snapshots, v, "2022"),
		"suburb names": filled(&s.suburbLists, v),
		"street names": filled(&s.streetLists, v),
		"facet count":  filled(&s.cubes, v),
	} {
		if !ok {
			t.Errorf("%s not warmed", name)
		}
	}
	if warmed, _ := w.Tick(); warmed {
		t.Error("an already warm version was warmed again")
	}

	// A write moves the version: the next tick only notes it, the one
	// after warms it.
	if _, err := s.app.DB().Update("properties", dbx.Params{"market_value": 123, "updated": "2030-01-01 00:00:00.000Z"},
		dbx.HashExp{"pin": "1"}).Execute(); err != nil {
		t.Fatal(err)
	}
	if warmed, _ := w.Tick(); warmed {
		t.Error("warmed a version seen on one tick only (a scrape may still be writing)")
	}
	if warmed, err := w.Tick(); err != nil || !warmed {
		t.Errorf("the settled new version was not warmed: %v %v", warmed, err)
	}
}
