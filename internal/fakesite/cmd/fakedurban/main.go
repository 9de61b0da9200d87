// Command fakedurban serves a generated fake of eThekwini's Valuation 2022
// site for benchmarks. It prints its base URL (one line) once listening
// and serves until killed.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/rollcall/rollcall/internal/fakesite"
)

func main() {
	rows := flag.Int("rows", 100_000, "total properties: 85% full title, 15% sectional")
	seed := flag.Int64("seed", 1, "data seed (same seed and rows, same data)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()

	sectional := *rows * 15 / 100
	site := fakesite.New(fakesite.Generate(fakesite.Config{Seed: *seed, FullRows: *rows - sectional, SectionalRows: sectional}))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "http://%s\n", ln.Addr())
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
