package scraper

import (
	"encoding/json"
	"errors"
	"html"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/fakesite"
)

// profilePage wraps the XSLT output as SearchDeatils.aspx does: the
// WebForms page, SearchResult.ascx's header, and the XSLT's own html/body
// in the control's placeholder cell (durban.md §1.6). Written by hand from
// the templates, independently of internal/fakesite.
func profilePage(xslt string) string {
	return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" >
<head><title>
	PIN Details
</title></head>
<body>
    <form name="form1" method="post" action="SearchDeatils.aspx?id=4081617&amp;PType=1&amp;FType=1" id="form1">
<div>
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwULLTE2NjQ1NDE3NjNkZA==" />
</div>
<table id="3DTable1" cellspacing="0" cellpadding="0" width="100%" border="0">
    <tr>
        <td style="width: 57%" class="FormH">
            Search Value Assist - Property
        </td>
        <td class="FormH">
            <table border="0">
                <tr>
                    <td>
                        <input type="button" class="button" value="Back" onclick="history.back()" />
                    </td>
                    <td>
                        <input name="SearchResult1$btnSection49" type="button" id="SearchResult1_btnSection49" class="button" value="Section 49 - English" />
                    </td>
                    <td>
                    </td>
                </tr>
            </table>
        </td>
    </tr>
    <tr>
        <td colspan="2" valign="top">
<html><body><table class="tableWithBorderCSS" border="0" cellpadding="0" cellspacing="0" width="100%">
        <tr>
          <td>
   <table border="0" width="100%" cellpadding="0" cellspacing="0" style="padding-left:10px;padding-right:10px;">
    <tr>
      <td class="windowHeader1" align="center">Property Profile</td>
    </tr>
      <tr>
       <td>
          <table width="100%" cellpadding="0" cellspacing="0" border="0">
` + xslt + `
          </table>
          </td>
          </tr>
        </table>
          </td>
        </tr>
      </table>
    </body></html>
        </td>
    </tr>
</table>
    </form>
</body>
</html>
`
}

// profileRows are the "Property Profile" table and the "Property Details"
// title, as Search.Templates.xsl writes them.
const profileRows = `            <tr>
              <td valign="top">
                <table class="tblInner" width="100%" border="1" cellpadding="0" cellspacing="0">
                  <tr>
                    <td class="widowRowCaption">Rate Number</td>
                    <td class="tdContaint">05100037</td>
                    <td class="widowRowCaption">Property Description</td>
                    <td class="tdContaint">ERF 18288 of PINETOWN</td>
                  </tr>
                  <tr>
                    <td class="widowRowCaption">Address</td>
                    <td class="tdContaint">12    ACACIA ROAD , PINETOWN</td>
                    <td class="widowRowCaption">Registered Extent (m²)</td>
                    <td class="tdContaint">1,634.5</td>
                  </tr>
                </table>
              </td>
            </tr>
            <tr>
              <td class="BlankRow"> </td>
            </tr>
            <tr>
              <td class="windowSubHeader1"><div style="display:block;cursor:hand; align:center;" onclick="javascript:ToggleDiv('divPropertDetails')">Property Details</div></td>
            </tr>
            <tr>
              <td valign="top">
`

// valuationRows close the details row and write "Valuations" and the
// "Owners" title, as Search.Templates.xsl writes them.
const valuationRows = `              </td>
            </tr>
            <tr>
              <td class="BlankRow"> </td>
            </tr>
            <tr>
              <td class="windowSubHeader1"><div style="display:block;cursor:hand; align:center;" onclick="javascript:ToggleDiv('divValuations')">Valuations</div></td>
            </tr>
            <tr>
              <td valign="top">
                <div id="divValuations" style="display:block;">
                  <table class="tblInner" width="100%" border="1" cellpadding="0" cellspacing="0">
					  <tr>
						  <td class="widowRowCaption" width="10%">Market Value</td>
						  <td class="tdContaint">
							  1,830,000
						  </td>
						  <td width="9%" class="widowRowCaptionBlank"></td>
						  <td class="tdContaint"></td>
					  </tr>
                  </table>
                </div>
              </td>
            </tr>
            <tr>
              <td class="BlankRow"> </td>
            </tr>
            <tr>
              <td class="windowSubHeader1"><div style="display:block;cursor:hand; align:center;" onclick="javascript:ToggleDiv('divOwnsers')">Owners</div></td>
            </tr>
            <tr>
              <td valign="top">
`

const ownersEnd = `              </td>
            </tr>
`

// fullTitleDetails is Search.FullTitle.Profile.xsl's output, the empty
// caption pair included.
const fullTitleDetails = `<div id="divPropertDetails" style="display:block;">
  <table class="tblInner" width="100%" border="1" cellpadding="0" cellspacing="0">
    <tr>
      <td class="widowRowCaption">ERF Number</td>
      <td class="tdContaint">
        18288
      </td>
      <td class="widowRowCaption">Deeds Township/ Farm</td>
      <td class="tdContaint">
        PINETOWN   EXT 76
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Use Code</td>
      <td class="tdContaint">
        Single Residential (15)
      </td>
      <td class="widowRowCaption">Rating Category</td>
      <td class="tdContaint">
        Residential
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Government Code</td>
      <td class="tdContaint">
        
      </td>
      <td class="widowRowCaption"></td>
      <td class="tdContaint">
       
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Exemptions</td>
      <td class="tdContaint">
        None
      </td>
      <td class="widowRowCaption">Rebates</td>
      <td class="tdContaint">
        None
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Phasing In</td>
      <td class="tdContaint">
        No
      </td>
      <td class="widowRowCaption">Exclusions</td>
      <td class="tdContaint">
        None
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">SRA Code</td>
      <td class="tdContaint">
        
      </td>
      <td class="widowRowCaption">Property Type</td>
      <td class="tdContaint">
        Full Title
      </td>
    </tr>
  </table>
</div>
`

// sectionalDetails is Search.PDeatisl_SectionTitle.xsl's output.
const sectionalDetails = `<div id="divPropertDetails" style="display:block;">
  <table class="tblInner" width="100%" border="1" cellpadding="0" cellspacing="0">
    <tr>
      <td class="widowRowCaption">Section Number</td>
      <td class="tdContaint">
        12
      </td>
      <td class="widowRowCaption">Scheme Name</td>
      <td class="tdContaint">
        SS SUN &amp; SAND
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Scheme Number</td>
      <td class="tdContaint">
        301/1987
      </td>
      <td class="widowRowCaption">SRA Code</td>
      <td class="tdContaint">
        
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Use Code</td>
      <td class="tdContaint">
        Sectional Title (80)
      </td>
      <td class="widowRowCaption">Rating Category</td>
      <td class="tdContaint">
        Residential
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Government Code</td>
      <td class="tdContaint">
        
      </td>
      <td class="widowRowCaption"></td>
      <td class="tdContaint">
       
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Exemptions</td>
      <td class="tdContaint">
        None
      </td>
      <td class="widowRowCaption">Rebates</td>
      <td class="tdContaint">
        None
      </td>
    </tr>
    <tr>
      <td class="widowRowCaption">Phasing In</td>
      <td class="tdContaint">
        No
      </td>
      <td class="widowRowCaption">Exclusions</td>
      <td class="tdContaint">
        None
      </td>
    </tr>
  </table>
</div>
`

// ownersTable is Search.Owners.xsl's output for the names given as markup.
func ownersTable(divID string, names ...string) string {
	var b strings.Builder
	b.WriteString(`    <div id="` + divID + `" style="display:block;">
      <table class="tblInner" width="100%" border="1" cellpadding="0" cellspacing="0">
        <tr>
          <td class="widowRowCaption" align="center">Name</td>
        </tr>
`)
	for _, n := range names {
		b.WriteString("          <tr>\n            <td class=\"tdContaint\">\n              " + n + "\n            </td>\n          </tr>\n")
	}
	b.WriteString("      </table>\n    </div>\n")
	return b.String()
}

func xsltPage(details, owners string) string {
	return profilePage(profileRows + details + valuationRows + owners + ownersEnd)
}

// lineBreaks strip the page of the line breaks and indentation around
// values, in case the live XSLT strips its templates' whitespace.
var lineBreaks = regexp.MustCompile(`[ \t]*\n[ \t]*`)

func TestParseDetailsXSLTPage(t *testing.T) {
	cases := []struct {
		name string
		page string
		want Details
	}{
		{"full title", xsltPage(fullTitleDetails, ownersTable("divOwnsers", "SMITH &amp; SONS (PTY) LTD", "NAIDOO   PREM  ")),
			Details{ERF: "18288", DeedsTown: "PINETOWN EXT 76", Owners: []string{"SMITH & SONS (PTY) LTD", "NAIDOO PREM"}}},
		{"sectional", xsltPage(sectionalDetails, ownersTable("divOwnsers", "O'BRIEN &lt;TRUSTEE&gt;")),
			Details{SchemeName: "SS SUN & SAND", SchemeNumber: "301/1987", SectionNumber: "12", Owners: []string{"O'BRIEN <TRUSTEE>"}}},
	}
	for _, c := range cases {
		for form, page := range map[string]string{
			"padded": c.page, "CRLF": strings.ReplaceAll(c.page, "\n", "\r\n"), "unpadded": lineBreaks.ReplaceAllString(c.page, ""),
		} {
			got, err := ParseDetails(strings.NewReader(page))
			if err != nil {
				t.Fatalf("%s, %s: %v", c.name, form, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s, %s:\n got %#v\nwant %#v", c.name, form, got, c.want)
			}
		}
	}
}

// TestParseDetailsNoOwners: a page listing no owners gives an empty list,
// stored as [] like any other.
func TestParseDetailsNoOwners(t *testing.T) {
	got, err := ParseDetails(strings.NewReader(xsltPage(fullTitleDetails, ownersTable("divOwnsers"))))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(got.Owners); got.Owners == nil || string(b) != "[]" || got.ERF != "18288" {
		t.Fatalf("no owners: %#v (%s)", got, b)
	}
}

// TestParseDetailsOwnersBySection: should the site ever spell the div's id
// right, owners are still the table in the row after the "Owners" title.
func TestParseDetailsOwnersBySection(t *testing.T) {
	got, err := ParseDetails(strings.NewReader(xsltPage(sectionalDetails, ownersTable("divOwners", "A B NAIDOO", "C D PILLAY"))))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A B NAIDOO", "C D PILLAY"}; !reflect.DeepEqual(got.Owners, want) {
		t.Fatalf("owners %q, want %q", got.Owners, want)
	}
}

// TestParseDetailsIgnoresFakeOnlyMarkup: the old fake's table.owners, a
// class the site never emits, gives no owners.
func TestParseDetailsIgnoresFakeOnlyMarkup(t *testing.T) {
	old := profilePage(profileRows + fullTitleDetails + `              </td>
            </tr>
            <tr><td><h3 class="sectionTitle">Owners</h3>
<table class="owners" id="tblOwners">
  <tr><td>SMITH &amp; SONS (PTY) LTD</td></tr>
  <tr><td>NAIDOO PREM</td></tr>
</table></td></tr>
`)
	// Owners in a fake-only table are not found, and a page whose owners
	// cannot be found is refused rather than stored as owning nothing.
	got, err := ParseDetails(strings.NewReader(old))
	if !errors.Is(err, ErrNoResultTable) || len(got.Owners) != 0 {
		t.Fatalf("old fake markup: %v, owners %q; want an error and no owners", err, got.Owners)
	}
}

func TestParseDetailsErrors(t *testing.T) {
	for name, c := range map[string]struct {
		page string
		want error
	}{
		"server error":  {"<html><head><title>Runtime Error</title></head><body><h1>Server Error in '/' Application.</h1></body></html>", ErrServerError},
		"blocked":       {"<html><body>Web Page Blocked. Attack ID: 20000051</body></html>", ErrBlocked},
		"not a profile": {"<html><body><table><tr><td>ERF Number</td><td>1</td></tr></table></body></html>", ErrNoResultTable},
	} {
		if _, err := ParseDetails(strings.NewReader(c.page)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
}

// TestParseDetailsFakePages: every profile the fake writes, both rolls,
// comes back with its fields and exactly its owners.
func TestParseDetailsFakePages(t *testing.T) {
	d := fakesite.Generate(fakesite.Config{Seed: 3, FullRows: 1_500, SectionalRows: 500})
	towns := map[string]string{}
	for _, o := range d.DeedsTowns {
		towns[o.Value] = html.UnescapeString(o.Text)
	}
	rolls := map[int]int{}
	for _, p := range d.Properties {
		var b strings.Builder
		fakesite.WriteDetailPage(&b, p, towns[p.DeedsTownID])
		got, err := ParseDetails(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("%s: %v", p.PIN, err)
		}
		want := Details{Owners: p.Owners}
		if p.Roll == 2 {
			want.SchemeName, want.SchemeNumber, want.SectionNumber = CleanText(p.Scheme), CleanText(p.SchemeNumber), CleanText(p.SectionNumber)
		} else {
			want.ERF, want.DeedsTown = CleanText(p.ERF), CleanText(towns[p.DeedsTownID])
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s (roll %d):\n got %#v\nwant %#v", p.PIN, p.Roll, got, want)
		}
		rolls[p.Roll]++
	}
	if rolls[1] == 0 || rolls[2] == 0 {
		t.Fatalf("pages per roll: %v", rolls)
	}
}
