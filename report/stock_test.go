package report

import (
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
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
	b, u := stockDemo(t)
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

// stockDemo is a small generated book of three closed months, logged in as admin.
func stockDemo(t *testing.T) (*ledger.Book, *ledger.User) {
	t.Helper()
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
	return b, u
}

// TestStockSummaryClosedCheck: a closed month's per-item check compares each closing with
// the stock the close stored for the item (ledger.Book.ClosedStock), quantity and amount:
// an amount changed there behind the book's back fails it, naming the item; an open
// month's compares quantities with the stock on hand.
func TestStockSummaryClosedCheck(t *testing.T) {
	ctx := t.Context()
	b, u := stockDemo(t)
	const p = ledger.Period("2025-02")
	stored, closed, err := b.ClosedStock(ctx, u, p)
	if err != nil || !closed || len(stored) == 0 {
		t.Fatalf("closed stock of %s: %d items, closed %v, %v", p, len(stored), closed, err)
	}
	st, err := StockSummary(ctx, b, u, p)
	if err != nil {
		t.Fatal(err)
	}
	checkOK(t, st)
	closings := map[string][2]string{}
	for _, l := range st.Lines[:len(st.Lines)-1] {
		closings[l.Code] = [2]string{l.Qtys[6].String(), l.Cols[7].String()}
	}
	for _, s := range stored {
		if c := closings[s.Item]; c != [2]string{s.Qty.String(), s.Amount.String()} {
			t.Errorf("%s: closing %v, stored %s/%s", s.Item, c, s.Qty, s.Amount)
		}
	}

	item := stored[0].Item
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: filepath.ToSlash(b.Path())}).String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"DROP TRIGGER item_period_costs_closed_upd",
		"UPDATE item_period_costs SET amount = amount + 1 WHERE period = '2025-02' AND item_id = (SELECT id FROM items WHERE code = '" + item + "')"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	st, err = StockSummary(ctx, b, u, p)
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Checks[0]; c.Name != "stock.items" || c.OK || !strings.HasPrefix(c.Detail, item+": ") {
		t.Errorf("after the stored amount of %s changed: %+v", item, c)
	}

	if err := b.UnclosePeriod(ctx, u, "2025-03", "test"); err != nil {
		t.Fatal(err)
	}
	if _, closed, err := b.ClosedStock(ctx, u, "2025-03"); err != nil || closed {
		t.Errorf("2025-03 reopened: closed %v, %v", closed, err)
	}
	st, err = StockSummary(ctx, b, u, "2025-03")
	if err != nil {
		t.Fatal(err)
	}
	checkOK(t, st)
}
