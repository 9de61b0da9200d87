package fakesite

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// testConfig is big enough for suburbs above the cap, small enough to be quick.
var testConfig = Config{Seed: 7, FullRows: 25_500, SectionalRows: 4_500}

var (
	sharedOnce sync.Once
	sharedData *Dataset
)

// shared is the read-only dataset most tests use; tests that mutate make their own Site.
func shared() *Dataset {
	sharedOnce.Do(func() { sharedData = Generate(testConfig) })
	return sharedData
}

func serve(t testing.TB, s *Site) *httptest.Server {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func get(t testing.TB, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// searchPath builds the 12-key query as a scraper does (in order, encoded).
func searchPath(roll int, set map[string]string) string {
	var b strings.Builder
	b.WriteString("/FramePages/SearchResult.aspx?")
	for i, k := range queryKeys {
		if i > 0 {
			b.WriteByte('&')
		}
		v := set[k]
		switch k {
		case "Roll":
			v = strconv.Itoa(roll)
		case "All":
			if v == "" {
				v = "false"
			}
		}
		b.WriteString(k + "=" + url.QueryEscape(v))
	}
	return b.String()
}

type resultPage struct {
	banner, message, header bool
	caption                 string
	rows                    [][]string // 8 trimmed cells
	pins                    []string
}

func parseResult(t testing.TB, body string) resultPage {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var p resultPage
	table := doc.Find("table.searchResultTable")
	if table.Length() != 1 {
		t.Fatalf("no result table in %.300q", body)
	}
	p.banner = table.Find("tr.HeaderMessage").Length() == 1
	p.message = table.Find("td.Message").Length() == 1
	p.header = table.Find("tr.SearchResultRowHeader th").Length() == 8
	p.caption = strings.TrimSpace(table.Find("td.searchResultCaption").Text())
	table.Find("tr.color0, tr.color1").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, strings.TrimSpace(td.Text())) })
		href, _ := tr.Find("a").First().Attr("href")
		u, _ := url.Parse(href)
		p.rows = append(p.rows, cells)
		p.pins = append(p.pins, u.Query().Get("id"))
	})
	return p
}

// reference is a brute-force search written independently of index/matcher.
func reference(props []Property, roll int, set map[string]string) []string {
	has := func(field, key string) bool {
		return set[key] == "" || strings.Contains(strings.ToLower(field), strings.ToLower(set[key]))
	}
	var out []string
	for _, p := range props {
		if p.Roll != roll ||
			(set["VolumeNo"] != "" && p.Volume != set["VolumeNo"]) ||
			(set["Suburb"] != "" && p.SuburbID != set["Suburb"]) ||
			(set["DeedsTown"] != "" && p.DeedsTownID != set["DeedsTown"]) ||
			(set["SchemeName"] != "" && !strings.EqualFold(strings.TrimSpace(p.Scheme), strings.TrimSpace(set["SchemeName"]))) ||
			!has(p.RateNumber, "RateNumber") || !has(p.StreetNo, "StreetNo") || !has(p.StreetName, "StreetName") ||
			!has(p.ERF, "ERF") || !has(p.Portion, "Portion") || !has(p.SectionNumber, "SectionNumber") {
			continue
		}
		out = append(out, p.PIN)
		if len(out) == 1000 {
			break
		}
	}
	return out
}

func mustStatus(t testing.TB, got, want int, body string) {
	t.Helper()
	if got != want {
		t.Fatalf("status %d, want %d: %.200q", got, want, body)
	}
}

var _ http.Handler = (*Site)(nil)
