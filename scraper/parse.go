package scraper

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// RowCap is the most rows SearchResult.aspx returns for one query.
const RowCap = 1000

// Headers are the result table's column headings, in the order of
// RawRow.Cells. The page is read by heading, not by position.
var Headers = [8]string{"Rate Number", "Legal Description", "Address", "First Owner", "Use Code", "Rating Category", "Market Value", "Registered Extent"}

// Page errors: each is a failed request, never "zero rows".
var (
	ErrBlocked       = errors.New("a firewall block page")
	ErrServerError   = errors.New("the ASP.NET error page")
	ErrNoResultTable = errors.New("a page without the result table")
	ErrTruncated     = errors.New("a truncated result page")
	ErrNoOptions     = errors.New("an empty dropdown")
)

// ResultPage is one parsed SearchResult.aspx answer.
type ResultPage struct {
	Rows []RawRow
	// Capped is true when the site cut the result at RowCap: the query must
	// be split further.
	Capped bool
}

var captionCount = regexp.MustCompile(`Total found records:\s*(\d+)`)

// ParseResults reads a result page. Zero hits ("No Match records found") is
// an empty page; anything that is not a result page is an error.
func ParseResults(r io.Reader) (ResultPage, error) {
	tail := &tailReader{r: r}
	doc, err := goquery.NewDocumentFromReader(tail)
	if err != nil {
		return ResultPage{}, fmt.Errorf("read result page: %w", err)
	}
	table := doc.Find("table.searchResultTable").First()
	caption := captionCount.FindStringSubmatch(table.Find("td.searchResultCaption").Text())
	if table.Length() == 0 || caption == nil {
		// Only a page without results is searched for a block or error
		// text: reading a whole 1,000-row page's text cost ~5% of a scrape.
		if err := pageError(doc); err != nil {
			return ResultPage{}, err
		}
		return ResultPage{}, tail.cutOff(ErrNoResultTable)
	}
	total, _ := strconv.Atoi(caption[1])
	page := ResultPage{Capped: table.Find("tr.HeaderMessage").Length() > 0}
	if total == 0 && strings.Contains(table.Find("td.Message").Text(), "No Match records found") {
		return page, nil
	}

	columns, err := columnOrder(table)
	if err != nil {
		return ResultPage{}, tail.cutOff(err)
	}
	table.Find("tr.color0, tr.color1").Each(func(_ int, tr *goquery.Selection) {
		cells := tr.ChildrenFiltered("td")
		if cells.Length() != len(Headers) {
			return // not a data row
		}
		var row RawRow
		cells.Each(func(i int, td *goquery.Selection) {
			row.Cells[columns[i]] = td.Text()
		})
		// The "Details" link stands in for an empty rate number.
		if strings.TrimSpace(row.Cells[0]) == "Details" {
			row.Cells[0] = ""
		}
		if href, ok := tr.Find("a.searchResultTblLink").Attr("href"); ok {
			row.PIN, row.DetailQuery = linkQuery(href)
		}
		page.Rows = append(page.Rows, row)
	})
	// A page cut inside its last row's last cell still parses into whole
	// rows, with a shortened value: only the missing end of the page
	// shows it (found as an extent stored empty under injected faults).
	if !tail.complete() {
		return ResultPage{}, fmt.Errorf("%w: the page stops before </html>", ErrTruncated)
	}
	// The caption counts the rows sent: fewer parsed means the page broke off.
	if len(page.Rows) != total {
		return ResultPage{}, fmt.Errorf("%w: caption says %d rows, page has %d", ErrTruncated, total, len(page.Rows))
	}
	if len(page.Rows) >= RowCap {
		page.Capped = true
	}
	return page, nil
}

// tailReader keeps the last bytes read: a page that stops before its
// closing </html> was cut off in transit, whichever part of it is missing,
// and is worth fetching again rather than failing its partition.
type tailReader struct {
	r    io.Reader
	tail []byte
}

// tailBytes is how much of the end is kept: enough for a closing tag
// followed by some trailing whitespace or markup.
const tailBytes = 512

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n >= tailBytes {
		t.tail = append(t.tail[:0], p[n-tailBytes:n]...)
	} else {
		t.tail = append(t.tail, p[:n]...)
		if len(t.tail) > tailBytes {
			t.tail = t.tail[len(t.tail)-tailBytes:]
		}
	}
	return n, err
}

// complete reports whether the page reached its closing </html>.
func (t *tailReader) complete() bool {
	return bytes.Contains(bytes.ToLower(t.tail), []byte("</html>"))
}

// cutOff turns err into ErrTruncated when the page did not end.
func (t *tailReader) cutOff(err error) error {
	if t.complete() {
		return err
	}
	return fmt.Errorf("%w: %w", ErrTruncated, err)
}

// columnOrder maps each cell position to its place in Headers.
func columnOrder(table *goquery.Selection) ([len(Headers)]int, error) {
	var order [len(Headers)]int
	ths := table.Find("tr.SearchResultRowHeader th")
	if ths.Length() != len(Headers) {
		return order, fmt.Errorf("%w: %d column headings, want %d", ErrNoResultTable, ths.Length(), len(Headers))
	}
	seen := map[int]bool{}
	var err error
	ths.Each(func(i int, th *goquery.Selection) {
		name := CleanText(th.Text())
		for j, h := range Headers {
			if strings.EqualFold(name, h) {
				order[i] = j
				seen[j] = true
				return
			}
		}
		err = fmt.Errorf("%w: unknown column %q", ErrNoResultTable, name)
	})
	if err == nil && len(seen) != len(Headers) {
		err = fmt.Errorf("%w: repeated column headings", ErrNoResultTable)
	}
	return order, err
}

// linkQuery reads the PIN and the whole query string of a detail link.
func linkQuery(href string) (pin, query string) {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", ""
	}
	return u.Query().Get("id"), u.RawQuery
}

// blockMarkers are the texts of the firewall's block page; the fetcher
// looks for them in every page it receives, the parsers in a page's text.
var blockMarkers = []string{"Web Page Blocked", "Attack ID"}

// isBlockPage reports whether a raw page is the firewall's block page:
// cheap enough (no parsing) for every page fetched.
func isBlockPage(body []byte) bool {
	for _, m := range blockMarkers {
		if bytes.Contains(body, []byte(m)) {
			return true
		}
	}
	return false
}

// pageError recognises the pages that come back instead of results.
func pageError(doc *goquery.Document) error {
	text := doc.Text()
	switch {
	case slices.ContainsFunc(blockMarkers, func(m string) bool { return strings.Contains(text, m) }):
		return ErrBlocked
	case strings.Contains(text, "Server Error in") || strings.Contains(doc.Find("title").Text(), "Runtime Error"):
		return ErrServerError
	}
	return nil
}

// Option is one entry of a criteria-page dropdown.
type Option struct {
	Value string // the key to send (a suburb ID), or "" where the site keys by text
	Text  string // cleaned, entities decoded
	Raw   string // decoded but untrimmed, inner spaces kept
}

// ParseOptions reads the options of the select with the given id, skipping
// the "[--Select …--]" placeholder. An empty list is an error: the site
// renders one when its database fails.
func ParseOptions(r io.Reader, selectID string) ([]Option, error) {
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		return nil, fmt.Errorf("read criteria page: %w", err)
	}
	if err := pageError(doc); err != nil {
		return nil, err
	}
	sel := doc.Find("select#" + selectID)
	if sel.Length() == 0 {
		return nil, fmt.Errorf("%w: no select #%s", ErrNoResultTable, selectID)
	}
	var out []Option
	sel.Find("option").Each(func(_ int, o *goquery.Selection) {
		raw := o.Text()
		text := CleanText(raw)
		value, _ := o.Attr("value")
		if strings.HasPrefix(text, "[--") || (value == "" && text == "") {
			return
		}
		out = append(out, Option{Value: strings.TrimSpace(value), Text: text, Raw: raw})
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: #%s", ErrNoOptions, selectID)
	}
	return out, nil
}
