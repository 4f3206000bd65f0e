package ledger

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestBatchAdds: an import writes all its rows or none, names the failing row, and
// needs the same permissions as one row.
func TestBatchAdds(t *testing.T) {
	b, u := openTestBook(t)
	ctx := t.Context()
	before := dumpBook(t, b)
	items := []Item{{Code: "A", Name: "甲", Unit: "个", VAT: 1300}, {Code: "B", Name: "乙", Unit: "个", VAT: 1300}, {Code: "A", Name: "重复", Unit: "个", VAT: 1300}}
	err := b.AddItems(ctx, u, items)
	if e, ok := err.(*Error); !ok || e.Code != CodeCodeTaken || e.Args["row"] != 2 {
		t.Fatalf("a duplicate in the third row: %v", err)
	}
	if dumpBook(t, b) != before {
		t.Fatal("a refused import wrote rows")
	}
	if err := b.AddItems(ctx, u, items[:2]); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Items(ctx, ItemFilter{}); len(got) != 2 {
		t.Fatalf("%d items", len(got))
	}
	if err := b.AddPartners(ctx, u, []Partner{{Code: "C1", Name: "客", Customer: true}, {Code: "X", Name: ""}}); CodeOf(err) != CodeRequired {
		t.Fatalf("a partner without a name: %v", err)
	}
	if err := b.AddPartners(ctx, u, []Partner{{Code: "C1", Name: "客", Customer: true}}); err != nil {
		t.Fatal(err)
	}
	b.AddWarehouse(ctx, u, Warehouse{Code: "W1", Name: "仓"})
	err = b.SetOpenings(ctx, u, []OpeningBalance{{Account: "1001", Amount: 100000}, {Account: "1122", Partner: "C1", Amount: 5000}},
		[]OpeningStock{{Item: "A", Warehouse: "W1", Qty: Units(10), Amount: 1000}, {Item: "NOPE", Warehouse: "W1", Qty: Units(1), Amount: 1}})
	if e, ok := err.(*Error); !ok || e.Code != CodeUnknownItem || e.Args["row"] != 3 {
		t.Fatalf("an unknown item in row 3: %v", err)
	}
	if bals, stock, _ := b.Openings(ctx); len(bals) != 0 || len(stock) != 0 {
		t.Fatal("a refused opening import wrote rows")
	}
	v := addUserAs(t, b, u, "viewer1", RoleViewer)
	if err := b.AddItems(ctx, v, []Item{{Code: "V", Name: "v", Unit: "个", VAT: 1300}}); CodeOf(err) != CodeForbidden {
		t.Errorf("a viewer imports items: %v", err)
	}
	clerk := addUserAs(t, b, u, "clerk1", RoleClerk)
	if err := b.SetOpenings(ctx, clerk, []OpeningBalance{{Account: "1001", Amount: 1}}, nil); CodeOf(err) != CodeForbidden {
		t.Errorf("a clerk imports opening balances: %v", err)
	}
}

// TestFailedLoginsSlowDown: after three refused logins in a row each further one waits
// longer (0.5 s, 1 s, 2 s…); a good login starts the count again.
func TestFailedLoginsSlowDown(t *testing.T) {
	b, u := openTestBook(t)
	ctx := t.Context()
	if _, err := b.AddUser(ctx, u, "li", RoleAccountant, "right-pass"); err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	b.pause = func(_ context.Context, d time.Duration) { waits = append(waits, d) }
	for range 6 {
		if _, err := b.Login(ctx, "li", "wrong"); CodeOf(err) != CodeBadPassword {
			t.Fatal(err)
		}
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	if _, err := b.Login(ctx, "li", "right-pass"); err != nil {
		t.Fatal(err)
	}
	waits = nil
	b.Login(ctx, "li", "wrong")
	if len(waits) != 0 {
		t.Errorf("after a good login the first failure waited %v", waits)
	}
	for range 4 { // an unknown name is slowed down too
		b.Login(ctx, "nobody", "x")
	}
	if len(waits) != 1 || waits[0] != 500*time.Millisecond {
		t.Errorf("unknown name: waits %v", waits)
	}
}
