package ledger_test

import (
	"testing"
	"time"

	"shopbooks/ledger"
)

// BenchmarkBookCloseAll: every month of the generated book closed in a row, from its
// opening (issue 5: 36 months under 30 s; the target is scaled to the book's months).
// The months are un-closed again outside the timing.
func BenchmarkBookCloseAll(b *testing.B) {
	book, u := openBench(b, true)
	ctx := b.Context()
	unclose := func() {
		for p := lastPeriod(); p >= benchOpt.Start; p = p.Prev() {
			if err := book.UnclosePeriod(ctx, u, p, "benchmark"); err != nil {
				b.Fatal(err)
			}
		}
	}
	unclose()
	var times, cpu []time.Duration
	for b.Loop() {
		t, c := time.Now(), cpuTime()
		for p := benchOpt.Start; p <= lastPeriod(); p = p.Next() {
			if _, err := book.ClosePeriod(ctx, u, p, ledger.CloseOptions{}); err != nil {
				b.Fatal(p, err)
			}
		}
		times, cpu = append(times, time.Since(t)), append(cpu, cpuTime()-c)
		b.StopTimer()
		unclose()
		b.StartTimer()
	}
	report(b, times, 30000*float64(benchOpt.Months)/36)
	reportCPU(b, cpu)
	b.ReportMetric(float64(benchOpt.Months), "months")
}
