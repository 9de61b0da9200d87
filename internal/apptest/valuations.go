package apptest

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/store"
)

// When the seeded scrapes ran (UTC).
var (
	FirstScrape  = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	SecondScrape = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
)

// SeededRoll is the roll SeedValuations stores: seven properties, by PIN.
// Between the two scrapes PIN 1001's market value rises and PIN 1005 leaves
// the roll. The values exercise what the API must get right: empty values
// (1004), a formula-like owner (1004), quotes and commas (1003), a diacritic
// (1002) and a sectional scheme (2001, 2002).
func SeededRoll() []scraper.Property {
	i := func(n int) *int { return &n }
	v := func(n int64) *int64 { return &n }
	f := func(n float64) *float64 { return &n }
	amanzimtoti := scraper.Partition{Roll: scraper.FullTitle, SuburbID: "22136", SuburbName: "AMANZIMTOTI"}
	pinetown := scraper.Partition{Roll: scraper.FullTitle, SuburbID: "1190", SuburbName: "PINETOWN"}
	kingsburgh := scraper.Partition{Roll: scraper.FullTitle, SuburbID: "870", SuburbName: "KINGSBURGH"}
	town := scraper.Partition{Roll: scraper.FullTitle, DeedsTown: "41"}
	scheme := scraper.Partition{Roll: scraper.Sectional, Scheme: "SS 1 HAWTHORN ROAD"}
	return []scraper.Property{
		{Roll: scraper.FullTitle, PIN: "1001", RateNumber: "05100037", LegalDescription: "Portion 16 of ERF 74 of AMANZIMTOTI",
			Address: "26 SOMERSET WAY, AMANZIMTOTI", StreetNumber: "26", Street: "SOMERSET WAY", AddressSuburb: "AMANZIMTOTI",
			FirstOwner: "CRUCHINHO RUI PEREIRA", UseCode: i(15), UseLabel: "Single Residential", RatingCategory: "Residential",
			MarketValue: v(1_500_000), Extent: f(1634), Source: amanzimtoti},
		{Roll: scraper.FullTitle, PIN: "1002", RateNumber: "05100038", LegalDescription: "ERF 75 of AMANZIMTOTI",
			Address: "28 SOMERSET WAY, AMANZIMTOTI", StreetNumber: "28", Street: "SOMERSET WAY", AddressSuburb: "AMANZIMTOTI",
			FirstOwner: "MÜLLER HANS", UseCode: i(15), UseLabel: "Single Residential", RatingCategory: "Residential",
			MarketValue: v(980_000), Extent: f(800.5), Source: amanzimtoti},
		{Roll: scraper.FullTitle, PIN: "1003", RateNumber: "96150534", LegalDescription: "ERF 18288 of PINETOWN",
			Address: "10 211589 STREET, PINETOWN", StreetNumber: "10", Street: "211589 STREET", AddressSuburb: "PINETOWN",
			FirstOwner: `RAJKUMAR "RAJ", DAYANAND`, UseCode: i(47), UseLabel: "Vacant Land", RatingCategory: "Vacant Land",
			MarketValue: v(50_000), Extent: f(399), Source: pinetown},
		{Roll: scraper.FullTitle, PIN: "1004", LegalDescription: "Remainder of ERF 3 of KINGSBURGH",
			Address: "UNKNOWN, KINGSBURGH", AddressSuburb: "KINGSBURGH",
			FirstOwner: "=SUM(1+1)", UseLabel: "", RatingCategory: "Residential", Source: kingsburgh},
		{Roll: scraper.FullTitle, PIN: "1005", RateNumber: "51534286", LegalDescription: "ERF 195 of ELANGENI",
			Address: "19 400356, HAMMARSDALE", StreetNumber: "19", Street: "400356", AddressSuburb: "HAMMARSDALE",
			FirstOwner: "BLACK S TRANSPORT AND LOGISTICS CC", UseCode: i(47), UseLabel: "Vacant Land", RatingCategory: "Vacant Land",
			MarketValue: v(33_000), Extent: f(1084), Source: town},
		{Roll: scraper.Sectional, PIN: "2001", RateNumber: "05200001", LegalDescription: "SECTION 1 SS 1 HAWTHORN ROAD",
			Address: "3 HAWTHORN ROAD, DURBAN NORTH", StreetNumber: "3", Street: "HAWTHORN ROAD", AddressSuburb: "DURBAN NORTH",
			FirstOwner: "NAIDOO PRIYA", UseCode: i(16), UseLabel: "Sectional Residential", RatingCategory: "Residential",
			MarketValue: v(1_200_000), Extent: f(95), Source: scheme},
		{Roll: scraper.Sectional, PIN: "2002", RateNumber: "05200002", LegalDescription: "SECTION 2 SS 1 HAWTHORN ROAD",
			Address: "3 HAWTHORN ROAD, DURBAN NORTH", StreetNumber: "3", Street: "HAWTHORN ROAD", AddressSuburb: "DURBAN NORTH",
			FirstOwner: "GOVENDER ASHA", UseCode: i(16), UseLabel: "Sectional Residential", RatingCategory: "Residential",
			MarketValue: v(1_100_000), Extent: f(80), Source: scheme},
	}
}

// Seeded are the record ids and run ids of SeedValuations, by PIN.
type Seeded struct {
	IDs       map[string]string // PIN → properties id
	FirstRun  string
	SecondRun string
}

// SeedValuations stores SeededRoll through the scraper's store in two
// whole-roll runs, as a real scrape would: the second raises PIN 1001's
// market value to 1,650,000 and no longer finds PIN 1005.
func SeedValuations(app core.App) (Seeded, error) {
	seeded := Seeded{IDs: map[string]string{}}
	roll := SeededRoll()
	second := make([]scraper.Property, 0, len(roll))
	for _, p := range roll {
		switch p.PIN {
		case "1001":
			raised := int64(1_650_000)
			p.MarketValue = &raised
		case "1005":
			continue
		}
		second = append(second, p)
	}
	var err error
	if seeded.FirstRun, err = seedRun(app, FirstScrape, roll); err != nil {
		return seeded, err
	}
	if seeded.SecondRun, err = seedRun(app, SecondScrape, second); err != nil {
		return seeded, err
	}
	rows := []struct {
		ID  string `db:"id"`
		PIN string `db:"pin"`
	}{}
	if err := app.DB().NewQuery("SELECT id, pin FROM properties").All(&rows); err != nil {
		return seeded, err
	}
	for _, r := range rows {
		seeded.IDs[r.PIN] = r.ID
	}
	return seeded, nil
}

// seedRun stores props as one ok run of both rolls, its clock at start.
func seedRun(app core.App, start time.Time, props []scraper.Property) (string, error) {
	now := start
	clock := func() time.Time { now = now.Add(time.Second); return now }
	s := store.New(app, clock)
	run, err := s.Begin(store.Spec{Rolls: []scraper.Roll{scraper.FullTitle, scraper.Sectional}, BaseURL: "http://127.0.0.1:1"}, "apptest", true)
	if err != nil {
		return "", fmt.Errorf("seed run: %w", err)
	}
	byPartition := map[string][]scraper.Property{}
	var keys []scraper.Partition
	for _, p := range props {
		k := p.Source.Key()
		if _, ok := byPartition[k]; !ok {
			keys = append(keys, p.Source)
		}
		byPartition[k] = append(byPartition[k], p)
	}
	for _, part := range keys {
		out := scraper.Outcome{Partition: part, Status: scraper.StatusDone, Properties: byPartition[part.Key()]}
		if err := s.Apply(run, out); err != nil {
			return "", fmt.Errorf("seed run: %w", err)
		}
	}
	status, err := s.Finish(run, nil)
	if err != nil || status != "ok" {
		return "", fmt.Errorf("seed run ended %q: %v", status, err)
	}
	return run.ID, nil
}

// WithValuations derives a fixture that also holds SeedValuations' roll:
// every app cloned from it has the same property and run ids. Close it
// after use.
func (f *Fixture) WithValuations() (*Fixture, Seeded, error) {
	app, err := newTestApp(f.Dir)
	if err != nil {
		return nil, Seeded{}, fmt.Errorf("valuation fixture: %w", err)
	}
	seeded, err := SeedValuations(app)
	if err != nil {
		app.Cleanup()
		return nil, seeded, err
	}
	derived := &Fixture{Dir: app.DataDir(), Tokens: f.Tokens, bind: f.bind}
	// Keep the data dir: ClearBootstrap closes the DB without removing it.
	if err := app.ClearBootstrap(); err != nil {
		return nil, seeded, err
	}
	return derived, seeded, nil
}
