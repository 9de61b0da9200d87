package processtest

import (
	"os/exec"
	"syscall"
)

// Child makes cmd die with the test process (SIGKILL when its parent
// goes), so a killed or timed-out run leaves nothing behind.
func Child(cmd *exec.Cmd) *exec.Cmd {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	return cmd
}
