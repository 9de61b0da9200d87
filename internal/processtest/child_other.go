//go:build !linux

package processtest

import "os/exec"

// Child returns cmd as it is: only Linux can tie a child's life to its
// parent's (Pdeathsig).
func Child(cmd *exec.Cmd) *exec.Cmd { return cmd }
