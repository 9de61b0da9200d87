package valuations_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/internal/fakesite"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/job"
	"github.com/rollcall/rollcall/scraper/store"
	"github.com/rollcall/rollcall/valuations"
)

// Two roll years scraped into one data dir never touch each other, and
// every property is matched across them exactly as planted: by rate
// number, by legal description where the rate number changed or there is
// none, and not at all when new or gone, with the value's change.
func TestRollYearsStayApartAndMatch(t *testing.T) {
	app := apptest.NewEmpty(t)
	later := fakesite.Generate(fakesite.Config{Seed: 3, FullRows: 2500, SectionalRows: 500})
	earlier, links := fakesite.EarlierRoll(later, 2017, 3)
	scrape := func(d *fakesite.Dataset) {
		t.Helper()
		srv := httptest.NewServer(fakesite.New(d))
		defer srv.Close()
		res, err := job.Run(context.Background(), app, job.Options{
			Spec:  store.Spec{Rolls: []scraper.Roll{scraper.FullTitle, scraper.Sectional}, BaseURL: srv.URL, Concurrency: 4},
			Sleep: func(context.Context, time.Duration) error { return nil },
		})
		if err != nil || res.Status != "ok" {
			t.Fatalf("scrape %d: %q, %v", d.RollYear(), res.Status, err)
		}
	}
	scrape(later)
	scrape(earlier)
	// The 2017 run marked nothing of 2022 gone and changed none of it.
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE year = 2022 AND gone_at != ''"); n != 0 {
		t.Fatalf("the 2017 run marked %d properties of 2022 gone", n)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM property_history"); n != 0 {
		t.Fatalf("the 2017 run recorded %d changes", n)
	}
	for year, want := range map[int]int{2022: len(later.Properties), 2017: len(earlier.Properties)} {
		if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE year = "+itoa(year)); n != want {
			t.Fatalf("%d: %d properties stored, the site has %d", year, n, want)
		}
	}

	svc := valuations.New(app)
	version, err := svc.Version()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{} // "year/pin" → id
	var rows []struct {
		ID   string `db:"id"`
		Year int    `db:"year"`
		PIN  string `db:"pin"`
	}
	if err := app.DB().NewQuery("SELECT id, year, pin FROM properties").All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		ids[itoa(r.Year)+"/"+r.PIN] = r.ID
	}
	matchedBy := map[string]string{fakesite.MatchRateNumber: "rateNumber", fakesite.MatchLegal: "legalDescription"}
	kinds := map[string]int{}
	for _, l := range links {
		kinds[l.Kind]++
		check := func(pin string, year, other int, otherPIN string, value, otherValue int64) {
			t.Helper()
			d, err := svc.Get(ids[itoa(year)+"/"+pin], version)
			if err != nil {
				t.Fatalf("%d/%s: %v", year, pin, err)
			}
			if otherPIN == "" || l.Match == "" {
				if len(d.OtherYears) != 0 {
					t.Errorf("%s %d/%s matched %+v; it has no counterpart", l.Kind, year, pin, d.OtherYears)
				}
				return
			}
			if len(d.OtherYears) != 1 {
				t.Fatalf("%s %d/%s: other years %+v; want %d/%s", l.Kind, year, pin, d.OtherYears, other, otherPIN)
			}
			m := d.OtherYears[0]
			if m.Year != other || m.ID != ids[itoa(other)+"/"+otherPIN] || m.MatchedBy != matchedBy[l.Match] {
				t.Errorf("%s %d/%s: matched %+v; want %d/%s by %s", l.Kind, year, pin, m, other, otherPIN, l.Match)
			}
			if value > 0 && otherValue > 0 {
				from, to := min(year, other), max(year, other)
				if m.Change == nil || m.Change.From != from || m.Change.To != to || m.Change.Amount != l.LaterValue-l.EarlierValue {
					t.Errorf("%s %d/%s: change %+v; want %d → %d: %d", l.Kind, year, pin, m.Change, from, to, l.LaterValue-l.EarlierValue)
				}
			}
		}
		if l.LaterPIN != "" {
			check(l.LaterPIN, 2022, 2017, l.EarlierPIN, l.LaterValue, l.EarlierValue)
		}
		if l.EarlierPIN != "" {
			check(l.EarlierPIN, 2017, 2022, l.LaterPIN, l.EarlierValue, l.LaterValue)
		}
	}
	for _, kind := range []string{fakesite.LinkSame, fakesite.LinkRenumbered, fakesite.LinkUnnumbered, fakesite.LinkNew, fakesite.LinkGone} {
		if kinds[kind] == 0 {
			t.Errorf("no %s property planted: the test proves nothing of it", kind)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
