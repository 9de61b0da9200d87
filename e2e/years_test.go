package e2e

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rollcall/rollcall/internal/fakesite"
)

// Two roll years scraped into one data dir by the real binary: the page
// shows the newest, offers the other in a year choice, and a property page
// links its counterpart on the other roll with the value's change.
func TestValuationsRollYears(t *testing.T) {
	s := StartServer(t)
	later := fakesite.Generate(fakesite.Config{Seed: 11, FullRows: 320, SectionalRows: 80})
	earlier, links := fakesite.EarlierRoll(later, 2017, 11)
	for _, d := range []*fakesite.Dataset{later, earlier} {
		fake := httptest.NewServer(fakesite.New(d))
		scrapeInto(t, s.Dir, fake.URL)
		fake.Close()
	}
	var link fakesite.YearLink
	for _, l := range links {
		if l.Kind == fakesite.LinkSame && l.EarlierValue > 0 && l.LaterValue > l.EarlierValue {
			link = l
			break
		}
	}
	var rate string
	for _, p := range later.Properties {
		if p.PIN == link.LaterPIN {
			rate = p.RateNumber
		}
	}
	if rate == "" {
		t.Fatal("no planted match with a rate number and a rise")
	}

	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations?rateNumber="+rate)
	shown := shownQuery(tab, url.Values{"rateNumber": {rate}, "gone": {"false"}, "perPage": {"50"}}, "the 2022 search")
	if len(shown) != 1 {
		t.Fatalf("rate number %s on the newest roll: %d rows", rate, len(shown))
	}
	if got := Eval[string](tab, `document.getElementById("v-year-select")?.value ?? "missing"`); got != "2022" {
		t.Fatalf("year choice shows %q; want the newest, 2022", got)
	}
	if summary := Eval[string](tab, `document.getElementById("v-summary").textContent`); !strings.Contains(summary, "2022 roll") {
		t.Errorf("summary %q does not name the roll year", summary)
	}

	// The property page links the 2017 counterpart with the rise.
	tab.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-id=%q] a`, shown[0]))))
	tab.WaitTrue(`!!document.querySelector("#v-years li[data-year='2017'] a")`, "the other roll's link")
	rise := randsSA(link.LaterValue - link.EarlierValue)
	if text := Eval[string](tab, `document.getElementById("v-years").innerText`); !strings.Contains(text, "+"+rise) || !strings.Contains(text, "from 2017 to 2022") || !strings.Contains(text, "same rate number") {
		t.Errorf("other rolls read %q; want +%s from 2017 to 2022, matched by rate number", text, rise)
	}
	tab.Click("#v-years li[data-year='2017'] a")
	tab.WaitTrue(`(document.querySelector('dd[data-field="year"]')?.textContent ?? "") === "2017"`, "the 2017 property page")
	if got := Eval[string](tab, `document.querySelector('dd[data-field="pin"]').textContent`); got != link.EarlierPIN {
		t.Errorf("the 2017 page shows PIN %s; want %s", got, link.EarlierPIN)
	}
	tab.Screenshot("valuations-years-property-390", 390, 900, true)

	// Choosing 2017 on the search lists the 2017 roll.
	tab.Open(s, "/valuations")
	tab.WaitTrue(`!!document.getElementById("v-year-select")`, "the year choice")
	tab.Do(chromedp.SetValue(chromedp.CSS("#v-year-select"), "2017"))
	Eval[bool](tab, `document.getElementById("v-year-select").dispatchEvent(new Event("change"))`)
	tab.WaitTrue(`new URLSearchParams(location.search).get("year") === "2017" && document.getElementById("v-results").dataset.state === "ready" && document.getElementById("v-summary").textContent.includes("2017 roll")`, "the 2017 roll listed")
	if n := Eval[string](tab, `document.getElementById("v-summary").dataset.total`); n != fmt.Sprint(countOnRoll(earlier)) {
		t.Errorf("the 2017 roll lists %s properties on the roll; the site has %d", n, countOnRoll(earlier))
	}
	tab.Screenshot("valuations-years-1280", 1280, 900, false)
}

// countOnRoll is how many of d's properties a scrape stores as present.
func countOnRoll(d *fakesite.Dataset) int { return len(d.Properties) }
