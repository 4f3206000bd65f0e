//go:build !unix

package report_test

import "time"

// processCPU is 0 where the process's CPU time is not read (cpu_unix_test.go).
func processCPU() time.Duration { return 0 }
