//go:build unix

package levy

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) this process has used, for benchmarks that
// report per-step cost independently of how loaded the machine is. ok is false where unknown.
func processCPU() (d time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
