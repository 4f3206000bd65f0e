//go:build unix

package report_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used so far, user and system: on a machine
// shared with other work an export's wall time depends on the load, its CPU time much
// less.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
