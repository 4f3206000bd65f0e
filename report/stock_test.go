package report

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
)

// stockByLedger is the stock summary as it was first built: each item's stock ledger
// walked row by row (transfers left out), the opening from its first row and the closing
// from its last.
func stockByLedger(t *testing.T, b *ledger.Book, u *ledger.User, p ledger.Period) []string {
	t.Helper()
	items, err := b.Items(t.Context(), ledger.ItemFilter{Inactive: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		rows, err := b.StockLedger(t.Context(), u, it.Code, p)
		if err != nil {
			t.Fatal(err)
		}
		var iq, xq ledger.Qty
		var ia, xa ledger.Money
		for _, r := range rows[1:] {
			if r.Type == ledger.DocTransfer {
				continue
			}
			iq, ia, xq, xa = iq+r.InQty, ia+r.InAmount, xq+r.OutQty, xa+r.OutAmount+r.Adj
		}
		o, c := rows[0], rows[len(rows)-1]
		if o.Qty == 0 && o.Amount == 0 && iq == 0 && ia == 0 && xq == 0 && xa == 0 && c.Qty == 0 && c.Amount == 0 {
			continue
		}
		out = append(out, fmt.Sprint(it.Code, o.Qty, o.Amount, iq, ia, xq, xa, c.Qty, c.Amount))
	}
	return out
}

// TestStockSummaryOneQuery: the stock summary from ledger.StockSummary (one query, the
// opening from the last close) gives, item by item, what walking every item's stock
// ledger gives, on a generated book's closed months and on its last month reopened; its
// checks hold.
func TestStockSummaryOneQuery(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "demo.book")
	opt := demo.Options{Months: 3, Seed: 5, Start: "2025-01", Items: 30, Customers: 6, Suppliers: 3, Scale: 0.03}
	if err := demo.Generate(ctx, path, opt, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	b, err := ledger.Open(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	compare := func(p ledger.Period) {
		st, err := StockSummary(ctx, b, u, p)
		if err != nil {
			t.Fatal(err)
		}
		checkOK(t, st)
		var got []string
		for _, l := range st.Lines[:len(st.Lines)-1] {
			got = append(got, fmt.Sprint(l.Code, l.Qtys[0], l.Cols[1], l.Qtys[2], l.Cols[3], l.Qtys[4], l.Cols[5], l.Qtys[6], l.Cols[7]))
		}
		want := stockByLedger(t, b, u, p)
		if strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) == 0 {
			t.Errorf("%s:\n%s\nwant\n%s", p, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	for _, p := range []ledger.Period{"2025-01", "2025-02", "2025-03"} {
		compare(p)
	}
	if err := b.UnclosePeriod(ctx, u, "2025-03", "test"); err != nil {
		t.Fatal(err)
	}
	compare("2025-03")
}
