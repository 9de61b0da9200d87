package valuations

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/rollcall/rollcall/internal/apptest"
)

// findRoll stores a synthetic roll of year 2022: suburb A with values
// 100..900 thousand (9 properties), suburb B with 6 at 2..7 million, C with
// 4 (too few for a median) and rate numbers 0700001.. in order.
func findRoll(t *testing.T) *Service {
	t.Helper()
	app := apptest.NewEmpty(t)
	n := 0
	add := func(suburb string, value int64) {
		n++
		_, err := app.DB().Insert("properties", dbx.Params{
			"id": fmt.Sprintf("p%014d", n), "year": 2022, "roll": "full", "pin": fmt.Sprint(n),
			"rate_number": fmt.Sprintf("07%06d", n), "address_suburb": suburb, "address": fmt.Sprintf("%d MAIN ROAD, %s", n, suburb),
			"street": "MAIN ROAD", "first_owner": fmt.Sprintf("OWNER %02d", n), "market_value": value, "extent": 100,
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := int64(1); i <= 9; i++ {
		add("A", i*100_000)
	}
	for i := int64(2); i <= 7; i++ {
		add("B", i*1_000_000)
	}
	for i := int64(1); i <= 4; i++ {
		add("C", 10_000_000)
	}
	return New(app)
}

func TestStatsRanksSuburbsByMedian(t *testing.T) {
	s := findRoll(t)
	v, err := s.Version()
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(Filter{}, v)
	if err != nil {
		t.Fatal(err)
	}
	// C's 10 million is the highest median, but four values are too few.
	want := []SuburbMedian{{Suburb: "B", Count: 6, Valued: 6, Median: 4_500_000}, {Suburb: "A", Count: 9, Valued: 9, Median: 500_000}}
	if !slices.Equal(st.Suburbs, want) {
		t.Errorf("suburbs %+v, want %+v", st.Suburbs, want)
	}
	if st.Count != 19 || st.ValuePerM2 == nil || st.ValuePerM2.Min != 1000 || st.ValuePerM2.Max != 100_000 {
		t.Errorf("count %d, value per m² %+v", st.Count, st.ValuePerM2)
	}
	// A second read is the cached answer of this version.
	if again, err := s.Stats(Filter{}, v); err != nil || !slices.Equal(again.Suburbs, st.Suburbs) {
		t.Errorf("cached stats differ: %+v, %v", again, err)
	}
}

func TestSuggestRateNumberPrefix(t *testing.T) {
	s := findRoll(t)
	v, err := s.Version()
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Suggest(SuggestQuery{Q: "0700"}, v)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range out.Groups {
		for _, item := range g.Items {
			count := "null"
			if item.Count != nil {
				count = fmt.Sprint(*item.Count)
			}
			got = append(got, g.Kind+" "+item.Param+"="+item.Value+" "+count)
		}
	}
	// Four rate numbers, then the prefix with its count: more start with it.
	want := []string{"rateNumber rateNumber=07000001 1", "rateNumber rateNumber=07000002 1", "rateNumber rateNumber=07000003 1",
		"rateNumber rateNumber=07000004 1", "rateNumber rateNumberPrefix=0700 19"}
	if !slices.Equal(got, want) {
		t.Errorf("suggest 0700:\n got %v\nwant %v", got, want)
	}
	// A street held by every address, counted as the address filter counts it.
	out, err = s.Suggest(SuggestQuery{Q: "main"}, v)
	if err != nil || len(out.Groups) != 1 || out.Groups[0].Kind != "street" || *out.Groups[0].Items[0].Count != 19 {
		t.Errorf("suggest main: %+v, %v", out, err)
	}
}

func TestHistogramBins(t *testing.T) {
	cases := []struct {
		values []int64
		want   []Bin
	}{
		{[]int64{150_000}, []Bin{{100_000, 200_000, 1}}},
		{[]int64{200_000, 499_999, 500_000}, []Bin{{200_000, 500_000, 2}, {500_000, 1_000_000, 1}}},
		{[]int64{0, 1, 3}, []Bin{{0, 1, 1}, {1, 2, 1}, {2, 5, 1}}},
		{[]int64{99_999, 1_000_000}, []Bin{{50_000, 100_000, 1}, {100_000, 200_000, 0}, {200_000, 500_000, 0}, {500_000, 1_000_000, 0}, {1_000_000, 2_000_000, 1}}},
	}
	for _, c := range cases {
		if got := histogram(c.values); !slices.Equal(got, c.want) {
			t.Errorf("histogram(%v) = %v, want %v", c.values, got, c.want)
		}
	}
}

func TestSpellingDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"PINETOWN", "PINETOWN", 0}, {"PINETWN", "PINETOWN", 1}, {"KINGSBRUGH", "KINGSBURGH", 1}, {"DURBAN", "DUBRAN", 1}, {"ABC", "XYZ", 3}, {"", "AB", 2}} {
		if got := distance([]rune(c.a), []rune(c.b)); got != c.d {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

// Rows without a rate number come after the others on every page, by id,
// whether a page holds both kinds or only the empty ones.
func TestListEmptyValuesLast(t *testing.T) {
	app := apptest.NewEmpty(t)
	for i, rate := range []string{"", "03", "", "01", "", "02", ""} {
		_, err := app.DB().Insert("properties", dbx.Params{"id": fmt.Sprintf("p%014d", i), "year": 2022, "roll": "full",
			"pin": fmt.Sprint(i), "rate_number": rate, "address_suburb": "A"}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	s := New(app)
	v, err := s.Version()
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, raw := range []string{"perPage=2&page=1", "perPage=2&page=2", "perPage=2&page=3", "perPage=2&page=4", "perPage=2&page=5"} {
		page, err := s.List(mustParse(t, raw), v)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range page.Items {
			all = append(all, item.PIN)
		}
	}
	// Rate numbers 01, 02, 03 (PINs 3, 5, 1), then PINs 0, 2, 4, 6 by id.
	if want := []string{"3", "5", "1", "0", "2", "4", "6"}; !slices.Equal(all, want) {
		t.Errorf("pages hold PINs %v, want %v", all, want)
	}
	page, err := s.List(mustParse(t, "sort=-rateNumber&perPage=10"), v)
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, item := range page.Items {
		desc = append(desc, item.PIN)
	}
	if want := []string{"1", "5", "3", "6", "4", "2", "0"}; !slices.Equal(desc, want) {
		t.Errorf("descending: %v, want %v", desc, want)
	}
}

// A suburb prefix lists the same rows in the same order whichever way it
// is read: one suburb's index lookup, a few suburbs read and sorted, or a
// wide prefix checked while walking the sort's index.
func TestSuburbPrefixReadEveryWay(t *testing.T) {
	app := apptest.NewEmpty(t)
	suburbs := []string{"KWA A", "kwa b", "KWA C", "LOVU", "KWAZULU"}
	for i := range 40 {
		rate := fmt.Sprintf("%02d", (i*7)%40)
		if i%9 == 0 {
			rate = "" // some without a rate number
		}
		_, err := app.DB().Insert("properties", dbx.Params{"id": fmt.Sprintf("p%014d", i), "year": 2022, "roll": "full",
			"pin": fmt.Sprint(i), "rate_number": rate, "address_suburb": suburbs[i%len(suburbs)],
			"address": fmt.Sprintf("%d ROAD", (i*13)%40), "market_value": i * 1000}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	list := func(raw string) []string {
		s := New(app)
		v, err := s.Version()
		if err != nil {
			t.Fatal(err)
		}
		var pins []string
		for page := 1; ; page++ {
			p, err := s.List(mustParse(t, raw+fmt.Sprintf("&perPage=7&page=%d", page)), v)
			if err != nil {
				t.Fatal(err)
			}
			for _, item := range p.Items {
				pins = append(pins, item.PIN)
			}
			if len(p.Items) < 7 {
				return pins
			}
		}
	}
	defer func(old int64) { maxSortedRows = old }(maxSortedRows)
	for _, sort := range []string{"", "sort=address", "sort=-address", "sort=suburb", "sort=-marketValue", "sort=-rateNumber"} {
		maxSortedRows = 5_000 // a few small suburbs: an IN list
		inList := list("suburb=kwa&" + sort)
		maxSortedRows = 1 // as if wide: walk the sort's index
		walked := list("suburb=kwa&" + sort)
		// KWA A, kwa b, KWA C and KWAZULU: 8 properties each.
		if len(inList) != 32 || !slices.Equal(inList, walked) {
			t.Errorf("%q: IN list %v, walked %v", sort, inList, walked)
		}
	}
	// One suburb, any case: its index lookup.
	if got := list("suburb=KWA%20B"); len(got) != 8 {
		t.Errorf("suburb=KWA B: %v", got)
	}
}
