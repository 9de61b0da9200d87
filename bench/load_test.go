package bench

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// side is one endpoint of a comparison. fill sets the n-th request of the
// side (n counts over all its runs, so a write never repeats a pair);
// t.URL is a path, prefixed with the server's address by the attack.
type side struct {
	name     string
	fill     func(n uint64, t *vegeta.Target)
	capacity uint64 // requests the dataset allows (distinct writes); 0: any
	seq      atomic.Uint64
}

// get is a side of GETs to one path, with token as Authorization if set.
func get(name, path, token string) *side {
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", token)
	}
	return &side{name: name, fill: func(_ uint64, t *vegeta.Target) {
		t.Method, t.URL, t.Header = http.MethodGet, path, h
	}}
}

// postJSON fills t with a JSON POST.
func postJSON(t *vegeta.Target, path, token string, body []byte) {
	t.Method, t.URL, t.Body = http.MethodPost, path, body
	t.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {token}}
}

// tally sums a side's measured runs.
type tally struct {
	all      vegeta.Metrics // every measured result: the latency percentiles
	success  float64        // successful requests
	seconds  float64        // time they took, run by run
	requests float64
	cpu      time.Duration // the server's CPU time over the runs
}

// throughput is successful requests per second over all runs.
func (t *tally) throughput() float64 { return t.success / t.seconds }

// cpuPerRequest is the server's CPU time per request, in µs.
func (t *tally) cpuPerRequest() float64 {
	return float64(t.cpu.Microseconds()) / t.requests
}

func (t *tally) latencies() string {
	t.all.Close()
	l := t.all.Latencies
	return fmt.Sprintf("p50/p95/p99 %s/%s/%s ms", num(ms(l.P50)), num(ms(l.P95)), num(ms(l.P99)))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// stopAfter is a pacer with no pause (the workers' pace is the server's)
// that ends the attack after n requests.
type stopAfter uint64

func (p stopAfter) Pace(_ time.Duration, hits uint64) (time.Duration, bool) {
	return 0, hits >= uint64(p)
}

func (stopAfter) Rate(time.Duration) float64 { return 0 }

// newClient is shared by every side of a comparison: the same connection
// pool, one connection per worker.
func newClient() *http.Client {
	c := *flagConcurrency
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConnsPerHost: c, MaxConnsPerHost: c, DisableCompression: true,
	}}
}

// attack sends at most n requests of s to base, at most -seconds long,
// from -concurrency workers, and adds the outcome to into (when not nil).
// Any status outside 2xx fails the benchmark with the first such response.
func attack(b *testing.B, client *http.Client, base string, pid int, s *side, n int, limit time.Duration, into *tally) vegeta.Metrics {
	b.Helper()
	if s.capacity > 0 && s.seq.Load()+uint64(n) > s.capacity {
		b.Fatalf("%s: the dataset has room for %d distinct writes and %d are used; raise -questions or lower -writes",
			s.name, s.capacity, s.seq.Load())
	}
	workers := uint64(*flagConcurrency)
	atk := vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(workers), vegeta.MaxWorkers(workers), vegeta.Redirects(vegeta.NoFollow))
	targeter := func(t *vegeta.Target) error {
		s.fill(s.seq.Add(1)-1, t)
		t.URL = base + t.URL
		return nil
	}
	var m vegeta.Metrics
	var failed *vegeta.Result
	failures := 0
	cpu := cpuTime(pid)
	for r := range atk.Attack(targeter, stopAfter(n), limit, s.name) {
		m.Add(r)
		if into != nil {
			into.all.Add(r)
		}
		if r.Code < 200 || r.Code > 299 {
			failures++
			if failed == nil {
				failed = r
			}
		}
	}
	m.Close()
	if failures > 0 {
		b.Fatalf("%s: %d of %d requests failed (status codes %v); first: %s %s → %d %s %.500s",
			s.name, failures, m.Requests, m.StatusCodes, failed.Method, failed.URL, failed.Code, failed.Error, failed.Body)
	}
	if into != nil {
		into.cpu += cpuTime(pid) - cpu
		into.requests += float64(m.Requests)
		into.success += m.Success * float64(m.Requests)
		into.seconds += (m.Duration + m.Wait).Seconds()
	}
	return m
}

// compare measures sides against srv, every side once per round, rotating
// their order each round so that none always runs first or last. A short
// warm-up per side comes first.
func compare(b *testing.B, srv *server, n int, sides ...*side) []*tally {
	return compareRounds(b, srv, n, 1, sides...)
}

// compareRounds is compare with rounds rounds per benchmark iteration.
func compareRounds(b *testing.B, srv *server, n, rounds int, sides ...*side) []*tally {
	b.Helper()
	client := newClient()
	for _, s := range sides {
		attack(b, client, srv.URL, srv.PID, s, max(n/20, 2**flagConcurrency), *flagSeconds, nil)
	}
	tallies := make([]*tally, len(sides))
	for i := range tallies {
		tallies[i] = &tally{}
	}
	round := 0
	for b.Loop() {
		for range rounds {
			for k := range sides {
				i := (k + round) % len(sides)
				attack(b, client, srv.URL, srv.PID, sides[i], n, *flagSeconds, tallies[i])
			}
			round++
		}
	}
	return tallies
}

// recordVs adds the row "ours vs baseline" for two tallies of a comparison,
// with latency and server CPU per request of both in the note.
func recordVs(b *testing.B, figure string, ours *tally, baseline string, theirs *tally, t *target) row {
	note := fmt.Sprintf("%s (baseline %s); response %s kB (baseline %s kB); server CPU %s µs/req (baseline %s); 0 errors",
		ours.latencies(), strings.TrimPrefix(theirs.latencies(), "p50/p95/p99 "),
		num(ours.all.BytesIn.Mean/1e3), num(theirs.all.BytesIn.Mean/1e3),
		num(ours.cpuPerRequest()), num(theirs.cpuPerRequest()))
	return collector.add(b, row{figure: figure, value: ours.throughput(), unit: "req/s",
		baseline: baseline, base: theirs.throughput(), target: t, note: note})
}
