package scraper

import (
	"net/url"
	"strconv"
	"strings"
)

// SearchQuery is the query string of SearchResult.aspx. The site reads its
// keys by position, so Encode always writes all twelve, in the site's order.
type SearchQuery struct {
	Roll          Roll
	VolumeNo      string
	RateNumber    string
	StreetNo      string
	StreetName    string
	Suburb        string // dropdown ID: matched exactly
	ERF           string
	Portion       string
	DeedsTown     string // dropdown ID
	SchemeName    string // the option's text (sectional roll)
	SectionNumber string
	All           bool
}

// Encode writes the twelve keys in order, each value percent-encoded (the
// site's own JavaScript forgot to, which breaks scheme names with "&").
func (q SearchQuery) Encode() string {
	pairs := [][2]string{
		{"Roll", strconv.Itoa(int(q.Roll))}, {"VolumeNo", q.VolumeNo}, {"RateNumber", q.RateNumber},
		{"StreetNo", q.StreetNo}, {"StreetName", q.StreetName}, {"Suburb", q.Suburb}, {"ERF", q.ERF},
		{"Portion", q.Portion}, {"DeedsTown", q.DeedsTown}, {"SchemeName", q.SchemeName},
		{"SectionNumber", q.SectionNumber}, {"All", strconv.FormatBool(q.All)},
	}
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p[0])
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p[1]))
	}
	return b.String()
}
