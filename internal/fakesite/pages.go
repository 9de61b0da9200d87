// Package fakesite imitates eThekwini's "Valuation 2022" site for tests and
// benchmarks, quirks included (research/durban.md §1, §2 and §6), and its
// sister sites of other roll years (valuation2017, valuation2012).
//
// pages.go, detail.go and frames.go write the pages (frames.go: the
// banner and titles naming Dataset.Year); data.go, places.go,
// fulltitle.go, sectional.go and values.go generate a roll (Generate);
// years.go derives an earlier year's roll from it with planted, reported
// differences (EarlierRoll, YearLink); search.go indexes and matches
// SearchResult.aspx queries; site.go serves it all (New, an http.Handler);
// faults.go injects failures; mutate.go changes data between scrapes.
// cmd/fakedurban serves a roll, of any year, on a port.
package fakesite

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Row is one property as the site displays it (already formatted: "1,830,000",
// padded addresses, "" for a zero value).
type Row struct {
	PIN, RateNumber, Legal, Address, Owner, UseCode, Category, MarketValue, Extent string
}

// Option is a dropdown entry; Text is raw HTML text (entities as in markup).
type Option struct{ Value, Text string }

const crlf = "\r\n"

// WriteResultPage writes SearchResult.aspx for rows: the banner when capped,
// the caption, the header row, a stray <div> around the rows, color1/color0
// rows, a Details link for an empty rate number, CRLF-indented cells, and the
// XSLT's own nested html/body inside the WebForms page.
func WriteResultPage(w io.Writer, rows []Row, capped bool) {
	_, _ = w.Write(appendResultPage(nil, rows, capped))
}

// appendResultPage appends the page WriteResultPage writes to b. The
// benchmark's fake shares the scraper's cores, so it builds a 1,000-row
// page in one buffer, without fmt (half of the page building's CPU).
func appendResultPage(b []byte, rows []Row, capped bool) []byte {
	b = slices.Grow(b, 2048+len(rows)*1280)
	b = append(b, `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">`+crlf...)
	b = append(b, `<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Search Result</title>`+crlf...)
	b = append(b, `<script type="text/javascript">if (!parent.frmSearchType) { location.href = "./../PropertySearch.htm"; }</script></head>`+crlf...)
	b = append(b, `<body><form name="form1" method="post" action="SearchResult.aspx" id="form1"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUJNTA3NDQ2Mzk0ZGQ=" />`+crlf...)
	b = append(b, `<div align="center"><html><body><div id="resultPanel">`+crlf...)
	b = append(b, `<table border="1" width="100%" align="left" class="searchResultTable" cellspacing="1" cellpadding="0">`+crlf...)
	if capped {
		b = append(b, `  <tr bgcolor="#9acd32" class="HeaderMessage"><td colspan="9" align="center">Due to resource constraints this search only returns a maximum of 100 records. If the property you're looking for is unavailable in the list, Please refine the Search</td></tr>`+crlf...)
	}
	b = append(b, `  <tr><td colspan="9" class="searchResultCaption">Search Results (Total found records: `...)
	b = strconv.AppendInt(b, int64(len(rows)), 10)
	b = append(b, `)</td></tr>`+crlf...)
	if len(rows) == 0 {
		b = append(b, `  <tr><td colspan="9" class="Message"><b>No Match records found. Please refine the Search.</b></td></tr>`+crlf...)
	} else {
		b = append(b, `  <tr bgcolor="#9acd32" class="SearchResultRowHeader">`...)
		for _, h := range []string{"Rate Number ", "Legal Description", "Address", "First Owner", "Use Code", "Rating Category", "Market Value", "Registered Extent"} {
			b = append(b, `<th align="left">`...)
			b = append(b, h...)
			b = append(b, `</th>`...)
		}
		b = append(b, "</tr>"+crlf+"  <div>"+crlf...)
		for i, r := range rows {
			b = appendRow(b, i, r)
		}
		b = append(b, "  </div>"+crlf...)
	}
	return append(b, "</table></div></body></html></div></form></body></html>"+crlf...)
}

func appendRow(b []byte, i int, r Row) []byte {
	pin := escape(r.PIN)
	link := func(b []byte, text string) []byte {
		b = append(b, `<a class="searchResultTblLink" href="../FramePages/SearchDeatils.aspx?id=`...)
		b = append(b, pin...)
		b = append(b, `&amp;PType=1&amp;FType=1" alt="Click to View the property profile" Title="Click to View the property profile" onclick="javascript:LoadingLayers();">`...)
		b = append(b, text...)
		return append(b, `</a>`...)
	}
	openCell := func(b []byte, align, extra string) []byte {
		b = append(b, `    <td align="`...)
		b = append(b, align...)
		b = append(b, '"')
		b = append(b, extra...)
		return append(b, ">"+crlf+"              "...)
	}
	closeCell := func(b []byte) []byte { return append(b, crlf+"    </td>"+crlf...) }
	textCell := func(b []byte, align, extra, text string) []byte {
		return closeCell(append(openCell(b, align, extra), text...))
	}

	b = append(b, `  <tr class="color`...)
	b = strconv.AppendInt(b, int64((i+1)%2), 10)
	b = append(b, `">`+crlf...)
	b = openCell(b, "left", "")
	if r.RateNumber == "" {
		b = link(link(b, ""), "Details")
	} else {
		b = link(b, escape(r.RateNumber))
	}
	b = closeCell(b)
	b = closeCell(link(openCell(b, "left", ""), escape(r.Legal)))
	b = textCell(b, "left", "", escape(r.Address))
	b = textCell(b, "left", "", escape(r.Owner))
	b = textCell(b, "left", ` width="10%"`, escape(r.UseCode))
	b = textCell(b, "left", ` width="10%"`, escape(r.Category))
	b = textCell(b, "right", ` style="padding-right:2px"`, r.MarketValue)
	b = textCell(b, "right", ` style="padding-right:2px"`, r.Extent)
	return append(b, "  </tr>"+crlf...)
}

// escape is html.EscapeString, skipping the common case with nothing to
// escape.
func escape(s string) string {
	if !strings.ContainsAny(s, `<>&'"`) {
		return s
	}
	return html.EscapeString(s)
}

// WriteCriteriaPage writes SearchCrit.aspx (roll 1) or SearchCrit2.aspx
// (roll 2) with DB-style dropdowns: placeholder first, raw option text.
// Roll 1's drpDeedsTown is left with only its placeholder; see WriteCriteria.
func WriteCriteriaPage(w io.Writer, roll int, suburbs, schemes []Option) {
	WriteCriteria(w, Criteria{Roll: roll, Suburbs: suburbs, Schemes: schemes})
}

// Criteria is what a criteria page lists.
type Criteria struct {
	Roll       int
	Suburbs    []Option
	DeedsTowns []Option // roll 1 only
	Schemes    []Option // roll 2 only
}

// WriteCriteria writes a criteria page: the fields of durban.md §1.3/§1.4
// (text boxes, drpVolumeNo 01–89, drpSuburb, drpDeedsTown or drpScheme).
func WriteCriteria(w io.Writer, c Criteria) {
	var b strings.Builder
	b.WriteString(`<html><head><title>Search Criteria</title></head><body><form id="form1">` + crlf)
	b.WriteString(`<select name="drpVolumeNo" id="drpVolumeNo"><option value="">[--Select Volume No.--]</option>`)
	for v := 1; v <= 89; v++ {
		fmt.Fprintf(&b, `<option value="%02d">%02d</option>`, v, v)
	}
	b.WriteString("</select>" + crlf)
	textBox := func(id string, max int) {
		fmt.Fprintf(&b, `<input name="%s" type="text" maxlength="%d" id="%s" />`+crlf, id, max, id)
	}
	textBox("txtRateNumber", 10)
	textBox("txtStreetNo", 20)
	textBox("txtStreetName", 30)
	writeSelect(&b, "drpSuburb", "[--Select Suburb--]", c.Suburbs)
	if c.Roll == 2 {
		textBox("txtSectionNumber", 10)
		writeSelect(&b, "drpScheme", "[--Select Scheme Name--]", c.Schemes)
		b.WriteString(`<input id="chkScheme" type="checkbox" name="chkScheme" /><label for="chkScheme">Show whole scheme</label>` + crlf)
	} else {
		textBox("txtERF", 10)
		textBox("txtPortion", 10)
		writeSelect(&b, "drpDeedsTown", "[--Select Deeds Town--]", c.DeedsTowns)
	}
	b.WriteString(`<input type="button" name="btnSearch" value="Search" id="btnSearch" /><input type="button" name="btnReset" value="Reset" id="btnReset" /><input type="button" name="btnBack" value="Back" id="btnBack" />` + crlf)
	b.WriteString(`<span id="SearchCriteria1_ValidateCriteria">Please enter atleast one search criteria.</span></form></body></html>`)
	_, _ = io.WriteString(w, b.String())
}

func writeSelect(b *strings.Builder, id, placeholder string, options []Option) {
	fmt.Fprintf(b, `<select name="%s" id="%s">`+crlf+`  <option value="">%s</option>`+crlf, id, id, placeholder)
	for _, o := range options {
		fmt.Fprintf(b, `  <option value="%s">%s</option>`+crlf, o.Value, o.Text)
	}
	b.WriteString("</select>" + crlf)
}

// WAFPage is a firewall block page (defensive: none is documented for this site).
const WAFPage = `<html><head><title>Web Page Blocked</title></head><body><h1>Web Page Blocked</h1><p>Access to the web page you were trying to visit has been blocked in accordance with company policy.</p><p>Attack ID: 20000051</p></body></html>`

// ErrorPage is ASP.NET's error page (customErrors Off).
const ErrorPage = `<html><head><title>Runtime Error</title></head><body><h1>Server Error in '/' Application.</h1><h2><i>Timeout expired.  The timeout period elapsed prior to obtaining a connection from the pool.</i></h2></body></html>`
