package report_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
	"shopbooks/report"
)

// Issue 6's speed targets on the generated book of package demo (see
// ledger/book_bench_test.go): the balance sheet and the profit statement of a period,
// under 20 ms each.

var benchOpt = demo.BenchOptions()

var benchSrc = sync.OnceValues(func() (string, error) {
	return demo.CachedBook(context.Background(), benchOpt, slog.New(slog.DiscardHandler))
})

func openBench(b *testing.B) (*ledger.Book, *ledger.User, ledger.Period) {
	b.Helper()
	src, err := benchSrc()
	if err != nil {
		b.Fatal(err)
	}
	path, err := demo.CopyBook(src, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	book, err := ledger.Open(b.Context(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { book.Close() })
	u, err := book.Login(b.Context(), "admin", "")
	if err != nil {
		b.Fatal(err)
	}
	p := benchOpt.Start
	for range benchOpt.Months - 1 {
		p = p.Next()
	}
	return book, u, p
}

func timed(b *testing.B, targetMS float64, f func()) {
	var times []time.Duration
	for b.Loop() {
		t := time.Now()
		f()
		times = append(times, time.Since(t))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(targetMS, "target-ms")
}

// BenchmarkBookBalanceSheet: the balance sheet of the last (closed) month.
func BenchmarkBookBalanceSheet(b *testing.B) {
	book, u, p := openBench(b)
	timed(b, 20, func() {
		if _, err := report.BalanceSheet(b.Context(), book, u, p); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkBookProfitStatement: the profit statement of the last (closed) month.
func BenchmarkBookProfitStatement(b *testing.B) {
	book, u, p := openBench(b)
	timed(b, 20, func() {
		if _, err := report.ProfitStatement(b.Context(), book, u, p); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkBookGrossProfit: the sales gross profit by item of the last (closed) month
// (no target in the issue; the screen opens on it).
func BenchmarkBookGrossProfit(b *testing.B) {
	book, u, p := openBench(b)
	timed(b, 100, func() {
		if _, err := report.GrossProfit(b.Context(), book, u, p, p, report.GrossByItem); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkBookStockSummary: the stock summary of the last (closed) month.
func BenchmarkBookStockSummary(b *testing.B) {
	book, u, p := openBench(b)
	timed(b, 100, func() {
		if _, err := report.StockSummary(b.Context(), book, u, p); err != nil {
			b.Fatal(err)
		}
	})
}
