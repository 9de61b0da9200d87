// Command fakedurban serves a generated fake of eThekwini's Valuation 2022
// site (or of another roll year's) for benchmarks and development. It
// prints its base URL (one line) once listening and serves until killed.
//
// Two years of the same properties, on two ports:
//
//	fakedurban --seed 1 --addr 127.0.0.1:8022
//	fakedurban --seed 1 --addr 127.0.0.1:8017 --earlier 2017 --links links.csv
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/rollcall/rollcall/internal/fakesite"
)

func main() {
	rows := flag.Int("rows", 100_000, "total properties: 85% full title, 15% sectional")
	seed := flag.Int64("seed", 1, "data seed (same seed and rows, same data)")
	year := flag.Int("year", fakesite.DefaultYear, "roll year of the generated roll (banner, titles)")
	earlier := flag.Int("earlier", 0, "serve instead the roll of this earlier year, derived from the generated one (fakesite.EarlierRoll, same seed)")
	links := flag.String("links", "", "with --earlier, write the cross-year truth (fakesite.YearLink) to this CSV file")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()

	sectional := *rows * 15 / 100
	d := fakesite.Generate(fakesite.Config{Seed: *seed, FullRows: *rows - sectional, SectionalRows: sectional})
	d.Year = *year
	if *earlier != 0 {
		if *earlier >= *year {
			log.Fatalf("--earlier %d is not before --year %d", *earlier, *year)
		}
		var truth []fakesite.YearLink
		d, truth = fakesite.EarlierRoll(d, *earlier, *seed)
		if *links != "" {
			if err := writeLinks(*links, truth); err != nil {
				log.Fatal(err)
			}
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "http://%s\n", ln.Addr())
	srv := &http.Server{Handler: fakesite.New(d), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

// writeLinks writes one CSV row per YearLink, with a header.
func writeLinks(path string, links []fakesite.YearLink) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"kind", "match", "earlier_pin", "later_pin", "earlier_value", "later_value"})
	for _, l := range links {
		_ = w.Write([]string{l.Kind, l.Match, l.EarlierPIN, l.LaterPIN,
			strconv.FormatInt(l.EarlierValue, 10), strconv.FormatInt(l.LaterValue, 10)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
