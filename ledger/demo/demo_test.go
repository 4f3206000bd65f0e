package demo

import (
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"shopbooks/ledger"
)

// small is a test-sized shop: two months, 60 items, 12 customers, 5 suppliers, a
// twentieth of the volume.
var small = Options{Months: 3, Seed: 7, Start: "2025-01", Items: 60, Customers: 12, Suppliers: 5, Scale: 0.05}

func generate(t *testing.T, opt Options) (*ledger.Book, *ledger.User, Stats) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.book")
	st, err := GenerateStats(t.Context(), path, opt, slog.New(slog.NewTextHandler(t.Output(), nil)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ledger.Open(t.Context(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	u, err := b.Login(t.Context(), "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	return b, u, st
}

// TestGenerate: the small book verifies, every month is closed and its trial balance
// balances, and every kind of document the issue names was made.
func TestGenerate(t *testing.T) {
	b, u, st := generate(t, small)
	ctx := t.Context()
	t.Logf("%+v", st)
	rep, err := b.Verify(ctx, true)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
	p := small.Start
	for range small.Months {
		if closed, err := b.PeriodClosed(ctx, p); err != nil || !closed {
			t.Errorf("%s not closed (%v)", p, err)
		}
		rows, err := b.TrialBalance(ctx, u, p)
		if err != nil {
			t.Fatal(err)
		}
		var od, oc, pd, pc, cd, cc ledger.Money
		for _, r := range rows {
			if r.Level != 1 {
				continue
			}
			od, oc, pd, pc, cd, cc = od+r.OpeningDebit, oc+r.OpeningCred, pd+r.PeriodDebit, pc+r.PeriodCredit, cd+r.ClosingDebit, cc+r.ClosingCred
		}
		if od != oc || pd != pc || cd != cc || pd == 0 {
			t.Errorf("%s: trial balance opening %s/%s period %s/%s closing %s/%s", p, od, oc, pd, pc, cd, cc)
		}
		p = p.Next()
	}
	for _, typ := range []ledger.DocType{ledger.DocPO, ledger.DocReceipt, ledger.DocPReturn, ledger.DocSO, ledger.DocDelivery,
		ledger.DocSReturn, ledger.DocTransfer, ledger.DocCount, ledger.DocCollect, ledger.DocPay, ledger.DocExpense} {
		if st.ByType[typ] == 0 {
			t.Errorf("no %s document", typ)
		}
	}
}

// TestDeterministic: the same seed gives the same vouchers, another seed others.
func TestDeterministic(t *testing.T) {
	opt := small
	opt.Months = 1
	a, ua, _ := generate(t, opt)
	b, ub, _ := generate(t, opt)
	opt.Seed++
	c, uc, _ := generate(t, opt)
	va, err := a.Vouchers(t.Context(), ua, opt.Start)
	if err != nil {
		t.Fatal(err)
	}
	vb, err := b.Vouchers(t.Context(), ub, opt.Start)
	if err != nil {
		t.Fatal(err)
	}
	vc, err := c.Vouchers(t.Context(), uc, opt.Start)
	if err != nil {
		t.Fatal(err)
	}
	if len(va) < 10 || !reflect.DeepEqual(va, vb) {
		t.Errorf("the same seed gave %d and %d vouchers, not the same", len(va), len(vb))
	}
	if reflect.DeepEqual(va, vc) {
		t.Error("another seed gave the same vouchers")
	}
}

// TestBuildBenchBook builds the benchmarks' cached book ahead of the benchmarks
// (scripts/bench.sh runs it with SHOPBOOKS_BENCH_BUILD=1), logging each month's timing.
func TestBuildBenchBook(t *testing.T) {
	if os.Getenv("SHOPBOOKS_BENCH_BUILD") == "" {
		t.Skip("SHOPBOOKS_BENCH_BUILD not set")
	}
	start := time.Now()
	path, err := CachedBook(t.Context(), BenchOptions(), slog.New(slog.NewTextHandler(t.Output(), nil)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d MB in %s", path, st.Size()>>20, time.Since(start).Round(time.Second))
}
