package scraper

import (
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/PuerkitoBio/goquery"
)

// HeaderPath is the header frame, whose banner names the roll
// ("VALUATION ROLL GV 2022 - Market Value as at …", durban.md §1.1).
const HeaderPath = "/FramePages/Header.aspx"

// The roll years a run or a query may name.
const (
	MinYear = 1990
	MaxYear = 2100
)

var rollYear = regexp.MustCompile(`(?i)valuation\s+roll\s+(?:gv\s+)?((?:19|20)\d\d)`)

// ParseRollYear reads the roll's year from the header frame's text. The
// markup around the banner is unseen, so only the words are read.
func ParseRollYear(r io.Reader) (int, error) {
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		return 0, fmt.Errorf("read header page: %w", err)
	}
	match := rollYear.FindStringSubmatch(CleanText(doc.Text()))
	if match == nil {
		return 0, fmt.Errorf(`the header page names no roll year (no "VALUATION ROLL GV <year>")`)
	}
	return strconv.Atoi(match[1])
}
