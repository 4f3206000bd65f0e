package ledger_test

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
)

// The speed targets of issues 4 and 5 on the generated book of package demo (3 years,
// 2,000 items, about 100,000 document lines a year; SHOPBOOKS_BENCH_YEARS and
// SHOPBOOKS_BENCH_SCALE make it smaller), cached across runs and copied here once per
// process; the benchmarks that write take a copy of their own.

var benchOpt = demo.BenchOptions()

var benchSrc = sync.OnceValues(func() (string, error) {
	return demo.CachedBook(context.Background(), benchOpt, slog.New(slog.DiscardHandler))
})

var benchCopy = sync.OnceValues(func() (string, error) {
	src, err := benchSrc()
	if err != nil {
		return "", err
	}
	dir, err := ledger.RunTempDir("shopbooks-benchbook-*")
	if err != nil {
		return "", err
	}
	return demo.CopyBook(src, dir)
})

// lastPeriod is the generated book's last month (closed).
func lastPeriod() ledger.Period {
	p := benchOpt.Start
	for range benchOpt.Months - 1 {
		p = p.Next()
	}
	return p
}

// openBench opens the generated book: the process's shared copy, or a copy of its own
// for a benchmark that writes.
func openBench(b *testing.B, writes bool) (*ledger.Book, *ledger.User) {
	b.Helper()
	path, err := benchCopy()
	if err != nil {
		b.Fatal(err)
	}
	if writes {
		src, err := benchSrc()
		if err != nil {
			b.Fatal(err)
		}
		if path, err = demo.CopyBook(src, b.TempDir()); err != nil {
			b.Fatal(err)
		}
	}
	return openLoggedIn(b, path, slog.New(slog.DiscardHandler))
}

// openLoggedIn opens the book at path, logged in as admin; it is closed with b.
func openLoggedIn(b *testing.B, path string, log *slog.Logger) (*ledger.Book, *ledger.User) {
	b.Helper()
	book, err := ledger.Open(b.Context(), path, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { book.Close() })
	u, err := book.Login(b.Context(), "admin", "")
	if err != nil {
		b.Fatal(err)
	}
	return book, u
}

// timed runs f in b.Loop and reports the median and 95th percentile (ms), the target,
// and the median CPU time (of every thread: steadier than the wall clock on a shared
// machine).
func timed(b *testing.B, targetMS float64, f func()) {
	var times, cpu []time.Duration
	for b.Loop() {
		t, c := time.Now(), cpuTime()
		f()
		times, cpu = append(times, time.Since(t)), append(cpu, cpuTime()-c)
	}
	report(b, times, targetMS)
	reportCPU(b, cpu)
}

func report(b *testing.B, times []time.Duration, targetMS float64) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)/2]), "median-ms")
	b.ReportMetric(ms(times[len(times)*95/100]), "p95-ms")
	if targetMS > 0 {
		b.ReportMetric(targetMS, "target-ms")
	}
}

// BenchmarkBookOnHand: on-hand of every item at a date in the last year (issue 4:
// under 50 ms).
func BenchmarkBookOnHand(b *testing.B) {
	book, u := openBench(b, false)
	date := ledger.Date(fmt.Sprintf("%s-06-15", lastPeriod()[:4]))
	n := 0
	timed(b, 50, func() {
		rows, err := book.StockOnHand(b.Context(), u, ledger.OnHandFilter{Date: date})
		if err != nil {
			b.Fatal(err)
		}
		n = len(rows)
	})
	b.ReportMetric(float64(n), "items")
}

// busiestItem is the item of the book with the most movements in a month.
func busiestItem(b *testing.B, book *ledger.Book, u *ledger.User, p ledger.Period) string {
	b.Helper()
	rows, err := book.StockOnHand(b.Context(), u, ledger.OnHandFilter{})
	if err != nil {
		b.Fatal(err)
	}
	best, most := "", -1
	for _, r := range rows[:min(len(rows), 300)] {
		led, err := book.StockLedger(b.Context(), u, r.Item, p)
		if err != nil {
			b.Fatal(err)
		}
		if len(led) > most {
			best, most = r.Item, len(led)
		}
	}
	return best
}

// BenchmarkBookStockLedger: the busiest item's stock ledger for each month of the last
// year (issue 4: a year under 50 ms).
func BenchmarkBookStockLedger(b *testing.B) {
	book, u := openBench(b, false)
	last := lastPeriod()
	item := busiestItem(b, book, u, last)
	n := 0
	timed(b, 50, func() {
		n = 0
		p := last
		for range 12 {
			rows, err := book.StockLedger(b.Context(), u, item, p)
			if err != nil {
				b.Fatal(err)
			}
			n += len(rows)
			p = p.Prev()
		}
	})
	b.ReportMetric(float64(n), "rows")
}

// BenchmarkBookAuditDelivery: auditing a 10-line delivery under moving average in a
// busy month of the generated book: its last month, re-opened, with its ~2,600
// documents (issue 4: under 3 ms median, fsync included). in-order: dated the month's
// last day, after every document of the month, as a shop enters the day's deliveries.
// Back-dated deliveries are reported without the target, their time growing
// with the movements of their items dated after them (the later-moves metric, their
// mean), whose running quantity and cost (stored on them: DOMAIN §3, issue 4) are read,
// costed again and rewritten: a-day-late, dated the day before (yesterday's delivery
// entered today: the last day's movements of its items); back-dated, dated any day of
// the month (a delivery found weeks late: hundreds of movements an audit).
func BenchmarkBookAuditDelivery(b *testing.B) {
	for _, c := range []struct {
		name   string
		day    func(n int) int // 0: the month's last day; < 0: that many days before it
		target float64
	}{
		{"in-order", func(int) int { return 0 }, 3},
		{"a-day-late", func(int) int { return -1 }, 0},
		{"back-dated", func(n int) int { return 1 + (n*11)%27 }, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			book, u, p := reopened(b)
			ctx := b.Context()
			stock, err := book.StockOnHand(ctx, u, ledger.OnHandFilter{Warehouse: "W1"})
			if err != nil {
				b.Fatal(err)
			}
			slices.SortFunc(stock, func(x, y ledger.OnHand) int { return cmp.Or(int(y.Qty-x.Qty), strings.Compare(x.Item, y.Item)) })
			if len(stock) < 60 {
				b.Fatal("fewer than 60 items in stock")
			}
			// Enough of each on the month's first day that a delivery of one dated any
			// day of it leaves the running quantity positive everywhere after it.
			in := ledger.Doc{Type: ledger.DocOtherIn, Date: p.FirstDay(), Warehouse: "W1"}
			for _, r := range stock[:60] {
				in.Lines = append(in.Lines, ledger.DocLine{Item: r.Item, Qty: ledger.Units(1000), InvAmount: 500_000})
			}
			if _, err := book.SaveAndAuditDoc(ctx, u, in); err != nil {
				b.Fatal(err)
			}
			raw, err := sql.Open("sqlite", "file:"+book.Path()+"?mode=ro")
			if err != nil {
				b.Fatal(err)
			}
			defer raw.Close()
			n, later := 0, 0
			var times, cpu []time.Duration
			for b.Loop() {
				b.StopTimer()
				date := p.LastDay()
				switch d := c.day(n); {
				case d > 0:
					date = ledger.Date(fmt.Sprintf("%s-%02d", p, d))
				case d < 0:
					last, _ := time.Parse(time.DateOnly, string(date))
					date = ledger.Date(last.AddDate(0, 0, d).Format(time.DateOnly))
				}
				d := ledger.Doc{Type: ledger.DocDelivery, Date: date, Partner: "C001", Warehouse: "W1"}
				var codes []any
				for j := range 10 {
					d.Lines = append(d.Lines, ledger.DocLine{Item: stock[(n+j)%60].Item, Qty: ledger.Units(1), Price: 9_000_000, UseItemVAT: true})
					codes = append(codes, stock[(n+j)%60].Item)
				}
				n++
				var k int
				if err := raw.QueryRow(`SELECT count(*) FROM stock_moves WHERE kind <> 0 AND date > ? AND item_id IN (SELECT id FROM items WHERE code IN (`+
					strings.Repeat("?, ", len(codes)-1)+"?))", append([]any{string(date)}, codes...)...).Scan(&k); err != nil {
					b.Fatal(err)
				}
				later += k
				saved, err := book.SaveDoc(ctx, u, d)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t, c := time.Now(), cpuTime()
				if err := book.AuditDoc(ctx, u, saved.Number); err != nil {
					b.Fatal(err)
				}
				times, cpu = append(times, time.Since(t)), append(cpu, cpuTime()-c)
			}
			report(b, times, c.target)
			reportCPU(b, cpu)
			b.ReportMetric(float64(later)/float64(max(n, 1)), "later-moves")
		})
	}
}

// reopened is a writable copy of the book with its last month un-closed.
func reopened(b *testing.B) (*ledger.Book, *ledger.User, ledger.Period) {
	book, u := openBench(b, true)
	last := lastPeriod()
	if err := book.UnclosePeriod(b.Context(), u, last, "benchmark"); err != nil {
		b.Fatal(err)
	}
	return book, u, last
}

// BenchmarkBookCloseCheck: the pre-checks of a full month (issue 5: under 200 ms).
func BenchmarkBookCloseCheck(b *testing.B) {
	book, u, p := reopened(b)
	timed(b, 200, func() {
		fs, err := book.CheckClose(b.Context(), u, p)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range fs {
			if f.Block {
				b.Fatalf("blocked: %+v", f)
			}
		}
	})
}

// BenchmarkBookClose: the whole close of a full month: costing, vouchers,
// carry-forwards, checks (issue 5: under 1 s). Un-closed again outside the timing.
func BenchmarkBookClose(b *testing.B) {
	book, u, p := reopened(b)
	res := closeRuns(b, book, u, p)
	b.ReportMetric(float64(len(res.Vouchers)), "vouchers")
}

// closeRuns closes the open period p in b.Loop, un-closing it outside the timing, and
// reports the wall and CPU medians against issue 5's 1 s; it returns the last close's
// result.
func closeRuns(b *testing.B, book *ledger.Book, u *ledger.User, p ledger.Period) ledger.CloseResult {
	ctx := b.Context()
	var times, cpu []time.Duration
	var res ledger.CloseResult
	for b.Loop() {
		t, c := time.Now(), cpuTime()
		var err error
		if res, err = book.ClosePeriod(ctx, u, p, ledger.CloseOptions{}); err != nil {
			b.Fatal(err)
		}
		times, cpu = append(times, time.Since(t)), append(cpu, cpuTime()-c)
		b.StopTimer()
		if err := book.UnclosePeriod(ctx, u, p, "benchmark"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	report(b, times, 1000)
	reportCPU(b, cpu)
	return res
}

// busyOpt is issue 5's month: ~8,000 documents and ~25,000 lines, three times the
// generated shop's volume, after two months of the same (a book of its own, cached
// beside the 3-year one).
var busyOpt = demo.Options{Months: 3, Seed: 1, Start: "2025-10", Scale: 3}

// BenchmarkBusyMonthClose: the whole close of a month of issue 5's size (under 1 s): the
// last month of busyOpt's book re-opened, closed, re-opened again between the runs.
func BenchmarkBusyMonthClose(b *testing.B) {
	src, err := demo.CachedBook(b.Context(), busyOpt, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	path, err := demo.CopyBook(src, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	book, u := openLoggedIn(b, path, slog.New(slog.DiscardHandler))
	p := busyOpt.Start.Next().Next()
	ctx := b.Context()
	if err := book.UnclosePeriod(ctx, u, p, "benchmark"); err != nil {
		b.Fatal(err)
	}
	docs, err := book.Docs(ctx, u, ledger.DocFilter{Period: p})
	if err != nil {
		b.Fatal(err)
	}
	var lines int
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	err = raw.QueryRowContext(ctx, "SELECT count(*) FROM doc_lines l JOIN docs d ON d.id = l.doc_id WHERE d.period = ?", p).Scan(&lines)
	raw.Close()
	if err != nil {
		b.Fatal(err)
	}
	closeRuns(b, book, u, p)
	b.ReportMetric(float64(len(docs)), "documents")
	b.ReportMetric(float64(lines), "lines")
}

// BenchmarkBookGeneralLedger: the general ledger of cash (every walk-in sale posts to
// it) for the last year (issue 5: under 50 ms).
func BenchmarkBookGeneralLedger(b *testing.B) {
	book, u := openBench(b, false)
	last := lastPeriod()
	from := ledger.Period(string(last[:4]) + "-01")
	timed(b, 50, func() {
		if _, err := book.GeneralLedger(b.Context(), u, "1001", from, last); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkBookTrialBalance: the trial balance of the last month (no target of its
// own; the statements build on the same sums).
func BenchmarkBookTrialBalance(b *testing.B) {
	book, u := openBench(b, false)
	last := lastPeriod()
	timed(b, 0, func() {
		if _, err := book.TrialBalance(b.Context(), u, last); err != nil {
			b.Fatal(err)
		}
	})
}
