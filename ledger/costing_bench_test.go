package ledger_test

import (
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"shopbooks/ledger"
)

// The costing run of issue 4 on the generated book (a shop that costs by moving
// average), run here with each of the three methods: one month (under 1 s for ~8,000
// documents) and every month from the book's opening stock (3 years under 15 s in under
// 300 MB; the target is scaled to the book's months). Each run is rolled back.

var costingMethods = []ledger.Costing{ledger.CostingMoving, ledger.CostingMonthly, ledger.CostingFIFO}

// BenchmarkBookCostingMonth: the last month's costing run, the month before closed.
func BenchmarkBookCostingMonth(b *testing.B) {
	book, _, p := reopened(b)
	for _, m := range costingMethods {
		b.Run(string(m), func(b *testing.B) {
			benchCosting(b, book, p, m, 1000)
		})
	}
}

// BenchmarkBookCostingScratch: every month recosted from the book's opening stock, all
// months open.
func BenchmarkBookCostingScratch(b *testing.B) {
	book, u := openBench(b, true)
	p := lastPeriod()
	for p >= benchOpt.Start {
		if err := book.UnclosePeriod(b.Context(), u, p, "benchmark"); err != nil {
			b.Fatal(err)
		}
		p = p.Prev()
	}
	for _, m := range costingMethods {
		b.Run(string(m), func(b *testing.B) {
			benchCosting(b, book, benchOpt.Start, m, 15000*float64(benchOpt.Months)/36)
		})
	}
}

func benchCosting(b *testing.B, book *ledger.Book, from ledger.Period, m ledger.Costing, targetMS float64) {
	var times, cpu []time.Duration
	var peak uint64
	moves := 0
	for b.Loop() {
		runtime.GC()
		stop := sampleHeap(&peak)
		t, c := time.Now(), cpuTime()
		n, err := book.CostingRun(b.Context(), from, m)
		times, cpu = append(times, time.Since(t)), append(cpu, cpuTime()-c)
		stop()
		if err != nil {
			b.Fatal(err)
		}
		moves = n
	}
	report(b, times, targetMS)
	reportCPU(b, cpu)
	b.ReportMetric(float64(moves), "moves")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// cpuTime is the CPU time this process used so far (user + system): on a busy machine
// a steadier figure than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the median CPU time (ms).
func reportCPU(b *testing.B, cpu []time.Duration) {
	if len(cpu) == 0 {
		return
	}
	s := append([]time.Duration(nil), cpu...)
	for i := 1; i < len(s); i++ { // insertion sort: a handful of figures
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	b.ReportMetric(float64(s[len(s)/2].Microseconds())/1000, "cpu-ms")
}

// sampleHeap records the largest live heap seen until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
