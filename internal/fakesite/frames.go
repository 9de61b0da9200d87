package fakesite

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
)

// The frame pages (durban.md §1.1–§1.2). A plain HTTP scraper needs none
// of them; they are here so a browser-like client can walk the real flow,
// and Header.aspx names the roll's year (a scraper reads it from there).

// propertySearchPage is the site's frameset; its title names the roll's year.
const propertySearchPage = `<html><head><title>eThekwini Municipality - Valuation Roll %d</title></head>
<frameset rows="125,*,25" frameborder="0" border="0" framespacing="0">
  <frame src="FramePages/Header.aspx" name="topFrame" id="topFrame" scrolling="no" noresize="noresize" />
  <frame src="FramePages/SearchType.aspx" name="mainFrame" id="mainFrame" />
  <frame src="FramePages/Footer.aspx" name="bottomFrame" id="bottomFrame" scrolling="no" noresize="noresize" />
</frameset><noframes><body>This site needs frames.</body></noframes></html>`

// searchFrameset is Search.aspx (criteria page SearchCrit.aspx) or
// Search2.aspx (SearchCrit2.aspx); results load into frameSearch.
const searchFrameset = `<html><head><title>Search</title></head>
<frameset id="frmSearchType" rows="155,*" frameborder="0" border="0">
  <frame src="%s" name="frmSearchCriter" id="frmSearchCriter" scrolling="no" />
  <frame src="blank.htm" name="frameSearch" id="frameSearch" />
</frameset></html>`

// headerPage is Header.aspx: the banner names the roll's year and valuation date.
const headerPage = `<html><head><title>Header</title></head><body><div class="banner">VALUATION ROLL GV %d - Market Value as at %s</div></body></html>`
const footerPage = `<html><head><title>Footer</title></head><body><div class="footer">Powered by <a href="http://www.dataworld.co.za">DataWorld</a></div></body></html>`
const blankPage = `<html><head></head><body></body></html>`

// valuationDate is a roll's date of valuation: 2 July of the year before
// (GV 2022: 2 July 2021; GV 2017: 2 July 2016).
func valuationDate(year int) string { return "2 July " + strconv.Itoa(year-1) }

// searchTypeViewState is a genuine SearchType.aspx __VIEWSTATE (durban-samples).
const searchTypeViewState = "/wEPDwUJNTA3NDQ2Mzk0ZGRtg9+d5jlTN82LRtqyjH+5xi9OqfeCvnEXXD7IjCQSww=="

// writeSearchType writes SearchType.aspx; its dates follow the roll's year
// (published 11 February, in force 1 July).
func writeSearchType(w io.Writer, eventValidation string, year int) {
	fmt.Fprintf(w, `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Search Type</title></head>
<body><form name="form1" method="post" action="SearchType.aspx" id="form1">
<div><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="%s" /></div>
<div><input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="C2EE9ABB" />
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="%s" /></div>
<p>This site represents the market valuation of your property as at %[3]s. This will come into effect on 1 July %[4]d.</p>
<table><tr><td>Property Register and Market Valuations :</td><td>11 February %[4]d</td></tr><tr><td>Ownership Information :</td><td>11 February %[4]d</td></tr></table>
<select name="drpSearchType" id="drpSearchType" style="font-family:Arial;font-size:8pt;width:150px;">
	<option value=""></option>
	<option value="1">Full Title Property</option>
	<option value="2">Sectional Title Property</option>
</select>
<span id="RequiredFieldValidator1" style="color:Red;visibility:hidden;">Please select valuation roll</span>
<input type="submit" name="btnGo" value="Go" id="btnGo" />
</form></body></html>`, searchTypeViewState, html.EscapeString(eventValidation), valuationDate(year), year)
}

// searchTypePost mimics the postback: __EVENTVALIDATION must come back as
// rendered and drpSearchType must be a rolled value, or ASP.NET fails with
// "Invalid postback or callback argument" (500); else 302 to the roll's frameset.
func (s *Site) searchTypePost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("__EVENTVALIDATION") != s.validation {
		serverError(w)
		return
	}
	switch r.PostForm.Get("drpSearchType") {
	case "1":
		http.Redirect(w, r, "/FramePages/Search.aspx", http.StatusFound)
	case "2":
		http.Redirect(w, r, "/FramePages/Search2.aspx", http.StatusFound)
	default:
		serverError(w)
	}
}
