package fakesite

import (
	"encoding/base64"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Site serves a Dataset the way valuation2022.durban.gov.za (or the
// Dataset's year's site) does. It is an http.Handler, safe for concurrent
// use; Mutate may run while it serves.
type Site struct {
	mu     sync.RWMutex
	props  []Property // d.Properties until the first Mutate copies it
	owned  bool       // props is the site's own copy
	ix     *index     // mutable fields are never indexed, so Mutate keeps it valid
	d      *Dataset   // dropdowns only: the caller's Properties are not kept alive
	towns  map[string]string
	served atomic.Int64

	validation string // SearchType.aspx's __EVENTVALIDATION

	fmu    sync.Mutex // guards the fault state below
	faults Faults
	rng    *rand.Rand
	fails  map[string]int
}

// New serves d, which must not be changed afterwards. Mutate works on a
// copy made on its first call (copy-on-write keeps a 500k-row site's
// memory to one dataset), so d itself never changes.
func New(d *Dataset) *Site {
	s := &Site{
		props: d.Properties,
		d:     &Dataset{Year: d.RollYear(), Suburbs: d.Suburbs, DeedsTowns: d.DeedsTowns, Schemes: d.Schemes, seed: d.seed},
		towns: make(map[string]string, len(d.DeedsTowns)),
		rng:   rand.New(rand.NewPCG(uint64(d.seed), 0xfa17)),
		fails: map[string]int{},
	}
	s.ix = newIndex(s.props)
	for _, o := range d.DeedsTowns {
		s.towns[o.Value] = html.UnescapeString(o.Text)
	}
	mac := make([]byte, 36)
	copy(mac, []byte{0xff, 0x01, 0x16, 0x04})
	for i := 4; i < len(mac); i++ {
		mac[i] = byte(s.rng.Uint32())
	}
	s.validation = base64.StdEncoding.EncodeToString(mac)
	return s
}

// Year is the roll year the site shows (Dataset.Year, default 2022).
func (s *Site) Year() int { return s.d.Year }

// Requests counts the requests served, faulted ones included.
func (s *Site) Requests() int64 { return s.served.Load() }

// Snapshot copies the current data. Owners slices are shared but never
// modified in place (Mutate replaces them).
func (s *Site) Snapshot() []Property {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Property(nil), s.props...)
}

// ServeHTTP routes like IIS (paths are case-insensitive) after the
// configured faults had their turn.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Server", "Microsoft-IIS/10.0")
	h.Set("X-Powered-By", "ASP.NET")
	path := strings.ToLower(r.URL.Path)
	if s.intercept(w, r, path) {
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	switch path {
	case "/robots.txt":
		s.robots(w)
	case "/", "/propertysearch.htm":
		writeString(w, fmt.Sprintf(propertySearchPage, s.d.Year))
	case "/framepages/searchtype.aspx":
		if r.Method == http.MethodPost {
			s.searchTypePost(w, r)
			return
		}
		writeSearchType(w, s.validation, s.d.Year)
	case "/framepages/search.aspx":
		writeString(w, fmt.Sprintf(searchFrameset, "SearchCrit.aspx"))
	case "/framepages/search2.aspx":
		writeString(w, fmt.Sprintf(searchFrameset, "SearchCrit2.aspx"))
	case "/framepages/header.aspx":
		writeString(w, fmt.Sprintf(headerPage, s.d.Year, valuationDate(s.d.Year)))
	case "/framepages/footer.aspx":
		writeString(w, footerPage)
	case "/framepages/blank.htm":
		writeString(w, blankPage)
	case "/framepages/searchcrit.aspx":
		s.criteria(w, 1)
	case "/framepages/searchcrit2.aspx":
		s.criteria(w, 2)
	case "/framepages/searchresult.aspx":
		s.results(w, r)
	case "/framepages/searchdeatils.aspx":
		s.detail(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Site) criteria(w http.ResponseWriter, roll int) {
	if s.randomError() {
		serverError(w)
		return
	}
	c := Criteria{Roll: roll, Suburbs: s.d.Suburbs}
	if roll == 1 {
		c.DeedsTowns = s.d.DeedsTowns
	} else {
		c.Schemes = s.d.Schemes
	}
	if s.fault().EmptySuburbs { // the DB call behind the dropdown failed
		c.Suburbs = nil
	}
	WriteCriteria(w, c)
}

// results serves SearchResult.aspx: the 12 keys in order (else the
// positional reads fail: 500), the first 1,000 matches, the banner at 1,000.
func (s *Site) results(w http.ResponseWriter, r *http.Request) {
	q, err := parseSearch(r.URL.RawQuery)
	if err != nil || s.randomError() {
		serverError(w)
		return
	}
	s.mu.RLock()
	hits := s.ix.search(s.props, q)
	rows := make([]Row, len(hits))
	for i, n := range hits {
		rows[i] = s.d.Row(s.props[n])
	}
	s.mu.RUnlock()
	body := appendResultPage(nil, rows, len(hits) >= resultCap)
	if cut, ok := s.truncation(body); ok {
		body = body[:cut]
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// detail serves SearchDeatils.aspx; a missing parameter or unknown PIN
// fails like the real page ("PIN Number value NULL0", index errors).
func (s *Site) detail(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("PType") || !q.Has("FType") {
		serverError(w)
		return
	}
	s.mu.RLock()
	n := s.find(q.Get("id"))
	var p Property
	if n >= 0 {
		p = s.props[n]
	}
	s.mu.RUnlock()
	if n < 0 {
		serverError(w)
		return
	}
	WriteDetailPage(w, p, s.towns[p.DeedsTownID])
}

// find locates a PIN: generated PINs are a letter and a position
// ("P0000123" is the 123rd; an EarlierRoll's are "Q…"), anything else is
// looked up the slow way.
func (s *Site) find(pin string) int {
	if pin == "" {
		return -1
	}
	if n, err := strconv.Atoi(pin[1:]); err == nil && n >= 1 && n <= len(s.props) && s.props[n-1].PIN == pin {
		return n - 1
	}
	for i := range s.props {
		if s.props[i].PIN == pin {
			return i
		}
	}
	return -1
}

func (s *Site) robots(w http.ResponseWriter) {
	body := s.fault().Robots
	if body == "" {
		http.Error(w, "404 - File or directory not found.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	writeString(w, body)
}

// serverError is ASP.NET's unhandled-exception page (customErrors Off).
func serverError(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	writeString(w, ErrorPage)
}

func writeString(w http.ResponseWriter, s string) { _, _ = w.Write([]byte(s)) }
