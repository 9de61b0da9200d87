package fakesite

import (
	"html"
	"io"
	"strconv"
	"strings"
)

// WriteDetailPage writes SearchDeatils.aspx, the property profile, in the
// markup of the site's own templates (durban.md §1.6): the WebForms page
// ("PIN Details", form1, the Back / Section 49 / Download Objection header)
// with the XSLT's nested html/body in it:
//
//	table.tableWithBorderCSS
//	  td.windowHeader1 "Property Profile"
//	  table.tblInner: Rate Number, Property Description / Address, Registered Extent (m²)
//	  td.windowSubHeader1 > div[onclick=ToggleDiv('divPropertDetails')] "Property Details"
//	  div#divPropertDetails > table.tblInner
//	    roll 1: ERF Number, Deeds Township/ Farm, Use Code, Rating Category, Government Code,
//	            (empty), Exemptions, Rebates, Phasing In, Exclusions, SRA Code, Property Type
//	    roll 2: Section Number, Scheme Name, Scheme Number, SRA Code, Use Code, Rating Category,
//	            Government Code, (empty), Exemptions, Rebates, Phasing In, Exclusions
//	  … "Valuations"  div#divValuations > table.tblInner: Market Value, blank pair
//	  … "Owners"      div#divOwnsers > table.tblInner: a "Name" caption row, then
//	                  one row per owner with one td.tdContaint
//
// Each value is a td.widowRowCaption caption then its td.tdContaint value,
// two pairs to a row. Text is escaped as the XSLT's html output escapes it
// (&, <, >; quotes stay). The profile's first four values sit inline; the
// rest are padded with a line break and indentation on both sides, as the
// templates lay them out. Numbers use format-number's "####,###.##"
// ("1,830,000", "1,012.5", "" for zero). deedsTown is the decoded name.
func WriteDetailPage(w io.Writer, p Property, deedsTown string) {
	pg := &detailPage{}
	pg.head(p)

	pg.line(0, `<html><body>`)
	pg.line(6, `<table class="tableWithBorderCSS" border="0" cellpadding="0" cellspacing="0" width="100%">`)
	pg.line(8, `<tr>`)
	pg.line(10, `<td>`)
	pg.line(11, `<table border="0" width="100%" cellpadding="0" cellspacing="0" style="padding-left:10px;padding-right:10px;">`)
	pg.line(12, `<tr>`)
	pg.line(14, `<td class="windowHeader1" align="center">Property Profile</td>`)
	pg.line(12, `</tr>`)
	pg.line(12, `<tr>`)
	pg.line(13, `<td>`)
	pg.line(14, `<table width="100%" cellpadding="0" cellspacing="0" border="0">`)

	// Property Profile: inline values.
	pg.line(16, `<tr>`)
	pg.line(18, `<td valign="top">`)
	pg.line(20, tblInner)
	pg.inlineRow(22, "Rate Number", p.RateNumber, "Property Description", p.Legal)
	pg.inlineRow(22, "Address", p.Address, "Registered Extent (m²)", formatExtent(p.Extent))
	pg.line(20, `</table>`)
	pg.line(18, `</td>`)
	pg.line(16, `</tr>`)

	pg.section("Property Details", "divPropertDetails")
	pg.line(0, `<div id="divPropertDetails" style="display:block;">`)
	pg.line(2, tblInner)
	if p.Roll == 2 {
		pg.pairs(4, [][2]string{
			{"Section Number", p.SectionNumber}, {"Scheme Name", p.Scheme},
			{"Scheme Number", p.SchemeNumber}, {"SRA Code", ""},
			{"Use Code", p.UseCode}, {"Rating Category", p.Category},
			{"Government Code", ""}, {"", ""},
			{"Exemptions", "None"}, {"Rebates", "None"},
			{"Phasing In", "No"}, {"Exclusions", "None"},
		})
	} else {
		pg.pairs(4, [][2]string{
			{"ERF Number", p.ERF}, {"Deeds Township/ Farm", deedsTown},
			{"Use Code", p.UseCode}, {"Rating Category", p.Category},
			{"Government Code", ""}, {"", ""},
			{"Exemptions", "None"}, {"Rebates", "None"},
			{"Phasing In", "No"}, {"Exclusions", "None"},
			{"SRA Code", ""}, {"Property Type", "Full Title"},
		})
	}
	pg.line(2, `</table>`)
	pg.line(0, `</div>`)
	pg.line(18, `</td>`)
	pg.line(16, `</tr>`)

	// Valuations: one pair and a blank one; this template indents with tabs.
	pg.section("Valuations", "divValuations")
	pg.line(20, `<div id="divValuations" style="display:block;">`)
	pg.line(22, tblInner)
	pg.raw("\t\t\t\t\t  <tr>" + crlf)
	pg.raw("\t\t\t\t\t\t  " + `<td class="widowRowCaption" width="10%">Market Value</td>` + crlf)
	pg.raw("\t\t\t\t\t\t  " + `<td class="tdContaint">` + crlf + "\t\t\t\t\t\t\t  " + formatRands(p.MarketValue) + crlf + "\t\t\t\t\t\t  </td>" + crlf)
	pg.raw("\t\t\t\t\t\t  " + `<td width="9%" class="widowRowCaptionBlank"></td>` + crlf)
	pg.raw("\t\t\t\t\t\t  " + `<td class="tdContaint"></td>` + crlf)
	pg.raw("\t\t\t\t\t  </tr>" + crlf)
	pg.line(22, `</table>`)
	pg.line(20, `</div>`)
	pg.line(18, `</td>`)
	pg.line(16, `</tr>`)

	// Owners: a lone "Name" caption, then one value cell per owner.
	pg.section("Owners", "divOwnsers")
	pg.line(4, `<div id="divOwnsers" style="display:block;">`)
	pg.line(6, tblInner)
	pg.line(8, `<tr>`)
	pg.line(10, `<td class="widowRowCaption" align="center">Name</td>`)
	pg.line(8, `</tr>`)
	for _, o := range p.Owners {
		pg.line(8, `<tr>`)
		pg.value(10, o)
		pg.line(8, `</tr>`)
	}
	pg.line(6, `</table>`)
	pg.line(4, `</div>`)
	pg.line(18, `</td>`)
	pg.line(16, `</tr>`)

	pg.line(14, `</table>`)
	pg.line(13, `</td>`)
	pg.line(12, `</tr>`)
	pg.line(11, `</table>`)
	pg.line(10, `</td>`)
	pg.line(8, `</tr>`)
	pg.line(6, `</table>`)
	pg.line(4, `</body></html>`)
	pg.foot()
	_, _ = io.WriteString(w, pg.String())
}

// xsltText escapes text as the XSLT's html output does: quotes stay as they are.
var xsltText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

const tblInner = `<table class="tblInner" width="100%" border="1" cellpadding="0" cellspacing="0">`

type detailPage struct{ strings.Builder }

func (pg *detailPage) raw(s string) { pg.WriteString(s) }

func (pg *detailPage) line(indent int, s string) {
	pg.WriteString(strings.Repeat(" ", indent))
	pg.WriteString(s)
	pg.WriteString(crlf)
}

// value writes a padded td.tdContaint: the value on its own line.
func (pg *detailPage) value(indent int, v string) {
	pad := strings.Repeat(" ", indent)
	pg.WriteString(pad + `<td class="tdContaint">` + crlf + pad + "  " + xsltText.Replace(v) + crlf + pad + `</td>` + crlf)
}

func (pg *detailPage) inlineRow(indent int, c1, v1, c2, v2 string) {
	pg.line(indent, `<tr>`)
	for _, cv := range [][2]string{{c1, v1}, {c2, v2}} {
		pg.line(indent+2, `<td class="widowRowCaption">`+cv[0]+`</td>`)
		pg.line(indent+2, `<td class="tdContaint">`+xsltText.Replace(cv[1])+`</td>`)
	}
	pg.line(indent, `</tr>`)
}

// pairs writes caption/value pairs two to a row; an empty caption stays an
// empty cell, as the templates leave it.
func (pg *detailPage) pairs(indent int, pairs [][2]string) {
	for i := 0; i < len(pairs); i += 2 {
		pg.line(indent, `<tr>`)
		for _, cv := range pairs[i:min(i+2, len(pairs))] {
			pg.line(indent+2, `<td class="widowRowCaption">`+cv[0]+`</td>`)
			pg.value(indent+2, cv[1])
		}
		pg.line(indent, `</tr>`)
	}
}

// section writes a blank row, the title row and opens the section's row.
func (pg *detailPage) section(title, div string) {
	pg.line(16, `<tr>`)
	pg.line(18, `<td class="BlankRow"> </td>`)
	pg.line(16, `</tr>`)
	pg.line(16, `<tr>`)
	pg.line(18, `<td class="windowSubHeader1"><div style="display:block;cursor:hand; align:center;" onclick="javascript:ToggleDiv('`+div+`')">`+title+`</div></td>`)
	pg.line(16, `</tr>`)
	pg.line(16, `<tr>`)
	pg.line(18, `<td valign="top">`)
}

// head writes the WebForms page up to the cell the XSLT output goes in.
func (pg *detailPage) head(p Property) {
	pg.raw(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">` + crlf)
	pg.raw(`<html xmlns="http://www.w3.org/1999/xhtml" >` + crlf)
	pg.raw(`<head><title>` + crlf + "\tPIN Details" + crlf + `</title><link href="../App_Themes/PINDetails/PinDetails.css" type="text/css" rel="stylesheet" /></head>` + crlf)
	pg.raw(`<body>` + crlf)
	pg.line(4, `<form name="form1" method="post" action="SearchDeatils.aspx?id=`+html.EscapeString(p.PIN)+`&amp;PType=`+strconv.Itoa(p.Roll)+`&amp;FType=1" id="form1">`)
	pg.raw(`<div>` + crlf + `<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTU2NzQ4NjQ1OGRk" />` + crlf + `</div>` + crlf + crlf)
	pg.line(8, `<table id="3DTable1" cellspacing="0" cellpadding="0" width="100%" border="0">`)
	pg.line(4, `<tr>`)
	pg.line(8, `<td style="width: 57%" class="FormH">`)
	pg.line(12, `Search Value Assist - Property`)
	pg.line(8, `</td>`)
	pg.line(8, `<td class="FormH">`)
	pg.line(12, `<table border="0">`)
	pg.line(16, `<tr>`)
	pg.line(20, `<td>`)
	pg.line(24, `<input type="button" class="button" value="Back" onclick="history.back()" style="cursor: hand;" title="Back to the previous page" />`)
	pg.line(20, `</td>`)
	pg.line(20, `<td>`)
	pg.line(24, `<input name="SearchResult1$btnSection49" type="button" id="SearchResult1_btnSection49" class="button" value="Section 49 - English" onclick="history.back()" style="cursor: hand;" title="Section 49 Notice - English" />`)
	pg.line(20, `</td>`)
	pg.line(20, `<td>`)
	pg.line(24, `<input type="submit" name="SearchResult1$btnObjection" value="Download Objection" id="SearchResult1_btnObjection" class="button" />`)
	pg.line(20, `</td>`)
	pg.line(20, `<td>`)
	pg.line(20, `</td>`)
	pg.line(16, `</tr>`)
	pg.line(12, `</table>`)
	pg.line(8, `</td>`)
	pg.line(4, `</tr>`)
	pg.line(4, `<tr>`)
	pg.line(8, `<td colspan="2" valign="top">`)
}

func (pg *detailPage) foot() {
	pg.line(8, `</td>`)
	pg.line(4, `</tr>`)
	pg.raw(`</table>` + crlf)
	pg.line(4, `</form>`)
	pg.raw(`</body>` + crlf + `</html>` + crlf)
}
