package fakesite

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// templatePadding is the line break and indentation the templates put
// around a value (CRLF, read as LF); the value's own spaces stay.
var templatePadding = regexp.MustCompile(`^\n[ \t]*|\n[ \t]*$`)

// detailFields reads a profile page the way its templates lay it out:
// caption/value pairs by position in each table.tblInner row, keyed by
// caption without its unit ("Registered Extent"), and the owners under the
// "Name" caption in div#divOwnsers.
func detailFields(t *testing.T, body string) (map[string]string, []string) {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	doc.Find("table.tblInner").Not("div#divOwnsers table").Find("tr").Each(func(_ int, tr *goquery.Selection) {
		cells := tr.ChildrenFiltered("td")
		for i := 0; i+1 < cells.Length(); i += 2 {
			if c := cells.Eq(i).Text(); c != "" {
				key, _, _ := strings.Cut(c, " (m")
				fields[key] = templatePadding.ReplaceAllString(cells.Eq(i+1).Text(), "")
			}
		}
	})
	var owners []string
	doc.Find("div#divOwnsers table.tblInner tr").Slice(1, goquery.ToEnd).Each(func(_ int, tr *goquery.Selection) {
		owners = append(owners, templatePadding.ReplaceAllString(tr.Find("td.tdContaint").Text(), ""))
	})
	return fields, owners
}

func TestDetailPage(t *testing.T) {
	d := shared()
	srv := serve(t, New(d))
	var full, sect Property
	for _, p := range d.Properties {
		if p.Roll == 1 && full.PIN == "" && p.Portion != "" && len(p.Owners) > 1 {
			full = p
		}
		if p.Roll == 2 && sect.PIN == "" && strings.Contains(p.Scheme, "&") {
			sect = p
		}
	}
	status, body := get(t, srv, "/FramePages/SearchDeatils.aspx?id="+full.PIN+"&PType=1&FType=1")
	mustStatus(t, status, 200, body)
	fields, owners := detailFields(t, body)
	want := map[string]string{
		"Rate Number": full.RateNumber, "Property Description": full.Legal, "Address": full.Address,
		"Registered Extent": formatExtent(full.Extent), "ERF Number": full.ERF, "Deeds Township/ Farm": townName(d, full.DeedsTownID),
		"Use Code": full.UseCode, "Rating Category": full.Category, "Market Value": formatRands(full.MarketValue),
	}
	for k, v := range want {
		if got, ok := fields[k]; !ok || got != v {
			t.Errorf("%s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	if strings.Join(owners, "|") != strings.Join(full.Owners, "|") {
		t.Errorf("owners %q, want %q", owners, full.Owners)
	}
	// The list's link leads here.
	_, list := get(t, srv, searchPath(1, map[string]string{"Suburb": full.SuburbID, "VolumeNo": full.Volume, "DeedsTown": full.DeedsTownID}))
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(list))
	href, _ := doc.Find("tr.color1 a").First().Attr("href")
	u, _ := url.Parse("/FramePages/SearchResult.aspx")
	link, _ := u.Parse(href)
	if status, _ := get(t, srv, link.RequestURI()); status != 200 {
		t.Fatalf("result link %s: %d", link, status)
	}

	_, body = get(t, srv, "/FramePages/SearchDeatils.aspx?id="+sect.PIN+"&PType=2&FType=1")
	fields, owners = detailFields(t, body)
	for k, v := range map[string]string{"Section Number": sect.SectionNumber, "Scheme Name": sect.Scheme, "Scheme Number": sect.SchemeNumber,
		"Use Code": sect.UseCode, "Market Value": formatRands(sect.MarketValue), "Property Description": sect.Legal} {
		if fields[k] != v {
			t.Errorf("sectional %s = %q, want %q", k, fields[k], v)
		}
	}
	if _, ok := fields["ERF Number"]; ok || strings.Join(owners, "|") != strings.Join(sect.Owners, "|") {
		t.Errorf("sectional page: ERF shown %v, owners %q, want %q", ok, owners, sect.Owners)
	}

	for _, bad := range []string{"?id=P9999999&PType=1&FType=1", "?id=&PType=1&FType=1", "?id=" + full.PIN, "?PType=1&FType=1"} {
		if status, body := get(t, srv, "/FramePages/SearchDeatils.aspx"+bad); status != 500 || !strings.Contains(body, "Server Error in") {
			t.Errorf("%s: %d", bad, status)
		}
	}
}

func TestFramesAndSearchType(t *testing.T) {
	d := shared()
	srv := serve(t, New(d))
	for path, want := range map[string]string{
		"/": `name="mainFrame"`, "/PropertySearch.htm": `FramePages/SearchType.aspx`,
		"/FramePages/Search.aspx": `src="SearchCrit.aspx" name="frmSearchCriter"`, "/FramePages/Search2.aspx": `src="SearchCrit2.aspx"`,
		"/FramePages/SearchCrit.aspx":  `<select name="drpDeedsTown" id="drpDeedsTown">` + crlf + `  <option value="">[--Select Deeds Town--]</option>`,
		"/FramePages/SearchCrit2.aspx": `<option value="">[--Select Scheme Name--]</option>`,
	} {
		if status, body := get(t, srv, path); status != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d, missing %q", path, status, want)
		}
	}
	if status, _ := get(t, srv, "/owa/auth/logon.aspx"); status != 404 {
		t.Errorf("unknown path: %d", status)
	}
	if _, body := get(t, srv, "/FramePages/SearchCrit2.aspx"); !strings.Contains(body, "SS SUN &amp; SAND") || strings.Contains(body, "drpDeedsTown") {
		t.Error("sectional criteria page: raw scheme text or a deeds-town list")
	}

	_, form := get(t, srv, "/FramePages/SearchType.aspx")
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(form))
	vals := url.Values{}
	doc.Find("form input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		v, _ := in.Attr("value")
		vals.Set(name, v)
	})
	if vals.Get("__EVENTVALIDATION") == "" || vals.Get("__VIEWSTATE") == "" || doc.Find("select#drpSearchType option").Length() != 3 {
		t.Fatalf("SearchType form: %v", vals)
	}
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	post := func(v url.Values) (int, string) {
		resp, err := client.PostForm(srv.URL+"/FramePages/SearchType.aspx", v)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	for roll, loc := range map[string]string{"1": "/FramePages/Search.aspx", "2": "/FramePages/Search2.aspx"} {
		v := url.Values{}
		for k := range vals {
			v.Set(k, vals.Get(k))
		}
		v.Set("drpSearchType", roll)
		if status, got := post(v); status != 302 || got != loc {
			t.Errorf("roll %s: %d %q", roll, status, got)
		}
		v.Set("drpSearchType", "3")
		if status, _ := post(v); status != 500 {
			t.Errorf("drpSearchType=3: %d", status)
		}
		v.Set("drpSearchType", roll)
		v.Set("__EVENTVALIDATION", "/wEWBALtampered")
		if status, _ := post(v); status != 500 {
			t.Errorf("tampered __EVENTVALIDATION: %d", status)
		}
		v.Del("__EVENTVALIDATION")
		if status, _ := post(v); status != 500 {
			t.Errorf("missing __EVENTVALIDATION: %d", status)
		}
	}
}
