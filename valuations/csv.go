package valuations

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CSVHeader names the export's columns as the JSON fields.
var CSVHeader = []string{
	"id", "year", "roll", "pin", "rateNumber", "legalDescription", "address", "streetNumber", "street",
	"addressSuburb", "suburb", "suburbId", "scheme", "firstOwner", "owners", "useCode", "useLabel",
	"ratingCategory", "marketValue", "extent", "erf", "deedsTown", "schemeName", "schemeNumber",
	"sectionNumber", "firstSeen", "lastSeen", "goneAt", "updated",
}

// csvFlushRows is how many rows are written between flushes: the client
// sees progress and the server holds no more than this in its buffers.
const csvFlushRows = 2000

// Export writes every row of q as CSV, streaming from the database: rows are
// read and written one at a time, so memory stays flat at any size. flush
// is called every csvFlushRows rows.
func (s *Service) Export(w io.Writer, q Query, v Version, flush func()) (int64, error) {
	if err := s.resolve(&q.Filter, v); err != nil {
		return 0, err
	}
	q.suburbWalk = q.suburbWalk && q.Sort.Key != "suburb" // the suburb index is the sort's
	out := csv.NewWriter(w)
	if err := out.Write(CSVHeader); err != nil {
		return 0, err
	}
	var n int64
	record := make([]string, len(CSVHeader))
	for _, part := range q.Sort.parts() {
		if err := s.exportPart(out, record, &n, q.Filter, part, flush); err != nil {
			return n, err
		}
	}
	out.Flush()
	flush()
	return n, out.Error()
}

// exportPart writes one sort part's rows, counting them in n.
func (s *Service) exportPart(out *csv.Writer, record []string, n *int64, f Filter, part sortPart, flush func()) error {
	where, params := f.listWhere()
	if part.cond != "" {
		where += " AND " + f.order(sortPart{orderBy: part.cond})
	}
	rows, err := s.app.DB().NewQuery("SELECT " + columns + " FROM properties p WHERE " + where +
		" ORDER BY " + f.order(part)).Bind(params).Rows()
	if err != nil {
		return fmt.Errorf("export valuations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanValuation(rows)
		if err != nil {
			return fmt.Errorf("read valuation: %w", err)
		}
		if err := out.Write(v.csvRecord(record)); err != nil {
			return err
		}
		if *n++; *n%csvFlushRows == 0 {
			out.Flush()
			if err := out.Error(); err != nil {
				return err // the client went away
			}
			flush()
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export valuations: %w", err)
	}
	return nil
}

func (v Valuation) csvRecord(r []string) []string {
	optInt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	extent, gone, owners := "", "", ""
	if v.Owners != nil {
		owners = strings.Join(*v.Owners, "; ")
	}
	if v.Extent != nil {
		extent = strconv.FormatFloat(*v.Extent, 'f', -1, 64)
		if math.IsInf(*v.Extent, 0) || math.IsNaN(*v.Extent) {
			extent = SafeCell(extent) // "+Inf" would start a formula
		}
	}
	if v.GoneAt != nil {
		gone = *v.GoneAt
	}
	copy(r, []string{
		v.ID, strconv.Itoa(v.Year), v.Roll, v.PIN, v.RateNumber, v.LegalDescription, v.Address, v.StreetNumber, v.Street,
		v.AddressSuburb, v.Suburb, v.SuburbID, v.Scheme, v.FirstOwner, owners,
		optInt(v.UseCode), v.UseLabel, v.RatingCategory, optInt(v.MarketValue), extent, v.ERF,
		v.DeedsTown, v.SchemeName, v.SchemeNumber, v.SectionNumber, v.FirstSeen, v.LastSeen, gone, v.Updated,
	})
	for i := range r {
		if !numericCSVColumn[i] {
			r[i] = SafeCell(r[i])
		}
	}
	return r
}

// numericCSVColumn marks the columns that only ever hold a number this
// server formatted (strconv, from an int or a finite float): a negative
// one must stay a number in the spreadsheet, and no formula can be written
// with digits, a sign and a point.
var numericCSVColumn = func() []bool {
	numeric := make([]bool, len(CSVHeader))
	for i, name := range CSVHeader {
		switch name {
		case "year", "useCode", "marketValue", "extent":
			numeric[i] = true
		}
	}
	return numeric
}()

// SafeCell keeps a spreadsheet from reading a text cell as a formula (CSV
// injection): a cell starting with = + - @, a tab, a carriage return or
// line feed, a space, a double quote, or the full-width ＝ ＋ － ＠ gets a
// leading apostrophe, as OWASP advises. The writer (encoding/csv) then
// quotes the field where needed and doubles inner quotes.
func SafeCell(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', ' ', '"', '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}
