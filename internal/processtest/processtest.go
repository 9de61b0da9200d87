// Package processtest runs the rollcall binary for tests and benchmarks:
// it builds it, starts `rollcall serve` (or bare PocketBase's serve) on a
// free loopback port, waits until it answers, stops or kills it, and keeps
// its output for the log of a failed test. e2e/ and bench/ share it; it
// imports only the standard library, so neither depends on the app's
// packages through it.
package processtest

import (
	"fmt"
	"net"
	"os/exec"
)

// Build compiles pkg (a package path as `go build` takes it, relative to
// the working directory) into out with the extra go build flags. The error
// carries the compiler's output. -buildvcs=false: the build must not shell
// out to git (and `make build` sets it too).
func Build(out, pkg string, flags ...string) error {
	args := append([]string{"build", "-buildvcs=false"}, flags...)
	msg, err := exec.Command("go", append(args, "-o", out, pkg)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("build %s: %v\n%s", pkg, err, msg)
	}
	return nil
}

// FreeAddr is a loopback address with a port that was free a moment ago.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// ServeArgs is the command line of `serve` on the data dir dir, then extra,
// for Options.Args.
func ServeArgs(dir string, extra ...string) func(addr string) []string {
	return func(addr string) []string {
		return append([]string{"serve", "--http=" + addr, "--dir=" + dir}, extra...)
	}
}
