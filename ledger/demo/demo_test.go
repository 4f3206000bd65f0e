package demo

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"shopbooks/ledger"
	"shopbooks/store"
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

// A cached book at an older schema is upgraded once into a copy of its own, named by the
// schema's digest; a book at this schema is returned as it is; the original is left.
func TestCachedBookUpgrade(t *testing.T) {
	ctx := t.Context()
	log := slog.New(slog.DiscardHandler)
	dir := t.TempDir()
	old := filepath.Join(dir, "old.book")
	if err := store.CreateAt(ctx, old, store.Version()-1); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	got, err := migrated(ctx, old, log)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "old-s"+store.SchemaDigest()+".book"); got != want {
		t.Fatalf("upgraded copy at %s, want %s", got, want)
	}
	if after, _ := os.ReadFile(old); !bytes.Equal(before, after) {
		t.Error("the cached book itself was changed")
	}
	b, err := ledger.Open(ctx, got, log) // at this schema: nothing to upgrade
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.bak")); len(matches) > 0 {
		t.Errorf("left behind: %v", matches)
	}
	again, err := migrated(ctx, got, log)
	if err != nil || again != got {
		t.Errorf("a book at this schema: %s, %v; want itself", again, err)
	}
	if again, err := migrated(ctx, old, log); err != nil || again != got {
		t.Errorf("the second time: %s, %v; want the copy made the first time", again, err)
	}
}
