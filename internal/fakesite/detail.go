package fakesite

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// WriteDetailPage writes SearchDeatils.aspx, the property profile
// (durban.md §1.6). The real markup is unseen (only the XSLT's field list
// is known), so the fake uses plain, easy-to-select markup:
//
//	<h3 class="sectionTitle">Property Profile</h3>
//	<table class="profile" id="tblProfile">
//	  <tr><td class="label">Rate Number</td><td class="value">05100037</td></tr>
//	  … Property Description, Address, Registered Extent
//	</table>
//	<h3 class="sectionTitle">Property Details</h3>
//	<table class="profile" id="tblDetails">
//	  roll 1: ERF Number, Deeds Township/ Farm, Use Code, Rating Category,
//	          Government Code, Exemptions, Rebates, Phasing In, Exclusions, SRA Code, Property Type
//	  roll 2: Section Number, Scheme Name, Scheme Number, SRA Code, Use Code, Rating Category,
//	          Government Code, Exemptions, Rebates, Phasing In, Exclusions
//	</table>
//	<h3 class="sectionTitle">Valuations</h3>
//	<table class="profile" id="tblValuations"> Market Value </table>
//	<h3 class="sectionTitle">Owners</h3>
//	<table class="owners" id="tblOwners"><tr><td>NAME</td></tr>…</table>
//
// Labels are unique across the page; values are HTML-escaped and not
// trimmed (padded addresses stay padded); numbers use the list's formats
// ("1,830,000", "1,012.5", "" for zero). deedsTown is the decoded name.
func WriteDetailPage(w io.Writer, p Property, deedsTown string) {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">` + crlf)
	b.WriteString(`<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Property Details</title></head>` + crlf)
	fmt.Fprintf(&b, `<body><form name="form1" method="post" action="SearchDeatils.aspx?id=%s" id="form1"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTU2NzQ4NjQ1OGRk" />`+crlf, html.EscapeString(p.PIN))
	b.WriteString(`<div id="detailPanel">` + crlf)
	table := func(title, id string, rows [][2]string) {
		fmt.Fprintf(&b, `<h3 class="sectionTitle">%s</h3>`+crlf+`<table class="profile" id="%s">`+crlf, title, id)
		for _, r := range rows {
			fmt.Fprintf(&b, `  <tr><td class="label">%s</td><td class="value">%s</td></tr>`+crlf, r[0], html.EscapeString(r[1]))
		}
		b.WriteString("</table>" + crlf)
	}
	table("Property Profile", "tblProfile", [][2]string{
		{"Rate Number", p.RateNumber}, {"Property Description", p.Legal}, {"Address", p.Address},
		{"Registered Extent", formatExtent(p.Extent)},
	})
	tail := [][2]string{{"Government Code", ""}, {"Exemptions", "None"}, {"Rebates", "None"}, {"Phasing In", "No"}, {"Exclusions", "None"}}
	if p.Roll == 2 {
		table("Property Details", "tblDetails", append([][2]string{
			{"Section Number", p.SectionNumber}, {"Scheme Name", p.Scheme}, {"Scheme Number", p.SchemeNumber},
			{"SRA Code", ""}, {"Use Code", p.UseCode}, {"Rating Category", p.Category},
		}, tail...))
	} else {
		table("Property Details", "tblDetails", append(append([][2]string{
			{"ERF Number", p.ERF}, {"Deeds Township/ Farm", deedsTown}, {"Use Code", p.UseCode}, {"Rating Category", p.Category},
		}, tail...), [2]string{"SRA Code", ""}, [2]string{"Property Type", "Full Title"}))
	}
	table("Valuations", "tblValuations", [][2]string{{"Market Value", formatRands(p.MarketValue)}})
	b.WriteString(`<h3 class="sectionTitle">Owners</h3>` + crlf + `<table class="owners" id="tblOwners">` + crlf)
	for _, o := range p.Owners {
		fmt.Fprintf(&b, "  <tr><td>%s</td></tr>"+crlf, html.EscapeString(o))
	}
	b.WriteString("</table></div>" + crlf)
	b.WriteString(`<input type="button" name="btnBack" value="Back" id="btnBack" /><input type="button" name="btnSection49" value="Section 49 - English" id="btnSection49" /><input type="submit" name="btnDownload" value="Download Objection" id="btnDownload" />` + crlf)
	b.WriteString("</form></body></html>" + crlf)
	_, _ = io.WriteString(w, b.String())
}
