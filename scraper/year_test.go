package scraper

import (
	"strings"
	"testing"
)

// The year comes from the banner's words, whatever markup holds them; a
// header without it is an error, never a guess.
func TestParseRollYear(t *testing.T) {
	for page, want := range map[string]int{
		`<html><body><div class="banner">VALUATION ROLL GV 2022 - Market Value as at 2 July 2021</div></body></html>`: 2022,
		`<html><body><table><tr><td><b>VALUATION ROLL GV 2017</b> - Market Value</td></tr></table></body></html>`:     2017,
		`<html><body><span>Valuation Roll   2012</span></body></html>`:                                                2012,
	} {
		got, err := ParseRollYear(strings.NewReader(page))
		if err != nil || got != want {
			t.Errorf("%.60s: %d, %v; want %d", page, got, err, want)
		}
	}
	for _, page := range []string{`<html><body>Market Value as at 2 July 2021</body></html>`, `<html><body>VALUATION ROLL GV</body></html>`, ``} {
		if got, err := ParseRollYear(strings.NewReader(page)); err == nil {
			t.Errorf("%q: year %d, want an error", page, got)
		}
	}
}
