package bench

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// concurrency is the number of client goroutines driving the server.
const concurrency = 16

func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}, Timeout: 30 * time.Second}
}

// request builds the i-th request of a load run.
type request func(i int) (*http.Request, error)

// load sends n requests with `concurrency` workers and returns requests per
// second; any status other than want fails the benchmark.
func load(b *testing.B, client *http.Client, n int, want int, next request) float64 {
	b.Helper()
	var counter atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(counter.Add(1)) - 1
				if i >= n {
					return
				}
				req, err := next(i)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				res, err := client.Do(req)
				if err != nil {
					failed.Store(err.Error())
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != want {
					failed.Store(fmt.Sprintf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, body))
					return
				}
			}
		}()
	}
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		b.Fatal(msg)
	}
	return float64(n) / time.Since(start).Seconds()
}

func get(url, token string) request {
	return func(int) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err == nil && token != "" {
			req.Header.Set("Authorization", token)
		}
		return req, err
	}
}

func postJSON(url, token string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	return req, nil
}
