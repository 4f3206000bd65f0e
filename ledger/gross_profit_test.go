package ledger_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
)

// TestSalesSums: on a small generated book (closed months and an open one, with an item
// of no category sold and returned in the open month), SalesSums by item, category and
// partner are SalesLines added up, for each month and for ranges.
func TestSalesSums(t *testing.T) {
	ctx := t.Context()
	b, u, _ := demoBook(t, demo.Options{Months: 3, Seed: 11, Start: "2025-01", Items: 30, Customers: 6, Suppliers: 3, Scale: 0.03})
	// The open month: an item without a category, received, sold and partly returned.
	sups, err := b.Partners(ctx, ledger.PartnerFilter{Suppliers: true})
	if err != nil || len(sups) == 0 {
		t.Fatal(sups, err)
	}
	custs, err := b.Partners(ctx, ledger.PartnerFilter{Customers: true})
	if err != nil || len(custs) == 0 {
		t.Fatal(custs, err)
	}
	whs, err := b.Warehouses(ctx, false)
	if err != nil || len(whs) == 0 {
		t.Fatal(whs, err)
	}
	if _, err := b.AddItem(ctx, u, ledger.Item{Code: "NOCAT", Name: "散装白糖", Unit: "袋", VAT: 1300, Active: true}); err != nil {
		t.Fatal(err)
	}
	const day = ledger.Date("2025-04-10")
	line := func(q int64, price ledger.Price) []ledger.DocLine {
		return []ledger.DocLine{{Item: "NOCAT", Qty: ledger.Units(q), Price: price, UseItemVAT: true}}
	}
	for _, d := range []ledger.Doc{
		{Type: ledger.DocReceipt, Date: day, Partner: sups[0].Code, Warehouse: whs[0].Code, Lines: line(50, 3_000_000)},
		{Type: ledger.DocDelivery, Date: day, Partner: custs[0].Code, Warehouse: whs[0].Code, Lines: line(20, 5_000_000)},
		{Type: ledger.DocSReturn, Date: day, Partner: custs[0].Code, Warehouse: whs[0].Code, Lines: line(3, 5_000_000)},
	} {
		if _, err := b.SaveAndAuditDoc(ctx, u, d); err != nil {
			t.Fatalf("%s: %v", d.Type, err)
		}
	}

	type sum struct {
		name      string
		qty       ledger.Qty
		net, cost ledger.Money
	}
	for _, r := range [][2]ledger.Period{{"2025-01", "2025-01"}, {"2025-03", "2025-03"}, {"2025-04", "2025-04"}, {"2025-01", "2025-04"}, {"2025-05", "2025-05"}} {
		lines, err := b.SalesLines(ctx, u, ledger.SalesFilter{From: r[0], To: r[1]})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []ledger.SalesGroup{ledger.SalesByItem, ledger.SalesByCategory, ledger.SalesByPartner} {
			want := map[string]sum{}
			for _, l := range lines {
				code, name := l.Item, l.ItemName
				switch g {
				case ledger.SalesByCategory:
					code, name = l.Category, l.CategoryName
				case ledger.SalesByPartner:
					code, name = l.Partner, l.PartnerName
				}
				s := want[code]
				s.name = name
				if g == ledger.SalesByItem {
					s.qty += l.Qty
				}
				s.net += l.Net
				s.cost += l.Cost
				want[code] = s
			}
			sums, err := b.SalesSums(ctx, u, r[0], r[1], g)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]sum{}
			for i, s := range sums {
				if i > 0 && sums[i-1].Code >= s.Code {
					t.Errorf("%v by %d: %q before %q", r, g, sums[i-1].Code, s.Code)
				}
				got[s.Code] = sum{s.Name, s.Qty, s.Net, s.Cost}
			}
			if len(got) != len(want) {
				t.Errorf("%v by %d: %d sums, want %d", r, g, len(got), len(want))
			}
			for code, w := range want {
				if got[code] != w {
					t.Errorf("%v by %d, %q: %+v, want %+v", r, g, code, got[code], w)
				}
			}
			if r[0] == "2025-04" && g != ledger.SalesByPartner {
				nocat := map[ledger.SalesGroup]string{ledger.SalesByItem: "NOCAT", ledger.SalesByCategory: ""}[g]
				if s, ok := got[nocat]; !ok || s.net != 8500 {
					t.Errorf("2025-04 by %d: %q = %+v, want 17 sold for 85.00", g, nocat, s)
				}
			}
		}
	}
	clerk := &ledger.User{Name: "clerk", Role: ledger.RoleClerk, Active: true}
	if _, err := b.SalesSums(ctx, clerk, "2025-01", "2025-01", ledger.SalesByItem); ledger.CodeOf(err) != ledger.CodeForbidden {
		t.Errorf("clerk: %v", err)
	}
}

// demoBook generates a small book of package demo in the test's directory and opens it,
// logged in as admin; it returns the file's path too.
func demoBook(t *testing.T, opt demo.Options) (*ledger.Book, *ledger.User, string) {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "demo.book")
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
	return b, u, path
}
