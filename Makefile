# PocketBase v0.40 needs Go >= 1.27; the machine's go.env pins GOTOOLCHAIN=local,
# so the toolchain is named here (Go fetches it from the module proxy once).
export GOTOOLCHAIN := go1.27.4
# Pure-Go SQLite: a static binary, and build and test share one compile cache.
export CGO_ENABLED := 0
export GOFLAGS := -buildvcs=false

BIN ?= bin/rollcall
GO_PACKAGES := ./...

.PHONY: run build test bench lint fmt clean vendor-docs

build:
	go build -trimpath -ldflags="-s -w" -o $(BIN) .

# Serves on 127.0.0.1:8090 with SQLite in ./pb_data (migrations run on start).
run: build
	./$(BIN) serve --http=127.0.0.1:8090 --dir=pb_data

test:
	go test -count=1 -timeout 20m $(GO_PACKAGES)

# The release binary on loopback beside PocketBase's own endpoints, written to
# bench/RESULTS.md; then the proofs at full size (50-user storm with a rollover,
# kill -9 during a write storm and during a scrape, a scrape of a faulty site). Smaller runs, e.g.:
# make bench BENCH_ARGS='-questions 2000 -votes 10000 -answers 10000 -properties 20000'
BENCH_ARGS ?=
bench:
	go test -run '^$$' -bench . -benchtime 1x -timeout 90m ./bench -args $(BENCH_ARGS)
	go test -count=1 -timeout 20m -run TestConcurrentWritesLeaveNoDrift ./hooks -args -full
	go test -count=1 -timeout 30m -run 'TestServerKilled|TestScrapeKilled|TestScrapeUnderFaults' ./e2e -args -full

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet $(GO_PACKAGES)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin

# Re-vendor Swagger UI for /docs (pinned version and sha512 in the script).
vendor-docs:
	./ui/vendor-docs.sh
