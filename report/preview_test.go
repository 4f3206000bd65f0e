package report

import (
	"testing"

	"shopbooks/ledger"
)

// TestPreviewsOncePerChange: with a cache, the balance sheet and the profit statement of
// the open January share one preview (the same vouchers come back), until the book
// changes: a draft then blocks the preview, and the statements show posted vouchers only.
func TestPreviewsOncePerChange(t *testing.T) {
	g := loadGolden(t)
	b, u := monthBook(t, g)
	ctx := WithPreviews(t.Context(), NewPreviews())
	const p = ledger.Period("2025-01")
	first, err := Preview(ctx, b, u, p)
	if err != nil || len(first.Vouchers) != 16 {
		t.Fatalf("preview: %d vouchers, %v", len(first.Vouchers), err)
	}
	again, err := Preview(ctx, b, u, p)
	if err != nil || &again.Vouchers[0] != &first.Vouchers[0] {
		t.Errorf("the unchanged book was previewed again (%v)", err)
	}
	if fresh, err := Preview(t.Context(), b, u, p); err != nil || &fresh.Vouchers[0] == &first.Vouchers[0] {
		t.Errorf("without the cache: %v", err)
	}
	bs, err := BalanceSheet(ctx, b, u, p)
	if err != nil || !bs.Previewed {
		t.Fatalf("balance sheet: %v", err)
	}
	checkOK(t, bs)
	if _, err := b.SaveDoc(t.Context(), u, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-30", Partner: "C1", Warehouse: "W1",
		Lines: []ledger.DocLine{{Item: "A", Qty: ledger.Units(1), Price: ledger.Yuan(32, 0), UseItemVAT: true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Preview(ctx, b, u, p); ledger.CodeOf(err) != ledger.CodeCloseBlocked {
		t.Errorf("after a draft: %v", err)
	}
	if bs, err := BalanceSheet(ctx, b, u, p); err != nil || bs.Previewed {
		t.Errorf("after a draft the balance sheet is previewed %v (%v)", bs.Previewed, err)
	}
}
