package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"shopbooks/store"
	"testing"
	"time"
)

// batchBook is a book with stock of two items, on a fixed clock (so two books written
// the same way are equal row for row, audit trail included).
func batchBook(t *testing.T) (*Book, *User) {
	t.Helper()
	b, u := openTestBook(t)
	at := time.Date(2025, 1, 20, 9, 30, 0, 0, time.UTC)
	b.db.Now = func() time.Time { return at }
	ctx := t.Context()
	if _, err := b.AddWarehouse(ctx, u, Warehouse{Code: "W1", Name: "主仓"}); err != nil {
		t.Fatal(err)
	}
	b.AddPartner(ctx, u, Partner{Code: "C1", Name: "客", Customer: true})
	b.AddPartner(ctx, u, Partner{Code: "S1", Name: "供", Supplier: true})
	for _, code := range []string{"A", "B"} {
		if _, err := b.AddItem(ctx, u, Item{Code: code, Name: "品" + code, Unit: "个", VAT: 1300}); err != nil {
			t.Fatal(err)
		}
		if err := b.SetOpeningStock(ctx, u, code, "W1", Units(20), 2000); err != nil {
			t.Fatal(err)
		}
	}
	return b, u
}

// twinBook is a copy of b on b's clock, logged in: b and its twin are equal row for row
// until they are written differently (two books made one after the other are not: their
// first records carry the seconds they were made in).
func twinBook(t *testing.T, b *Book) (*Book, *User) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "twin.book")
	if err := b.db.Snapshot(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	c, err := Open(t.Context(), path, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.db.Now = b.db.Now
	u, err := c.Login(t.Context(), "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	return c, u
}

// batchDocs: deliveries and receipts, the fourth of which would take more than is on
// hand, and a count.
func batchDocs() []Doc {
	var out []Doc
	for i := range 8 {
		d := Doc{Type: DocDelivery, Date: Date(fmt.Sprintf("2025-01-%02d", 2+i)), Partner: "C1", Warehouse: "W1",
			Lines: []DocLine{{Item: "A", Qty: Units(2), Price: 15_000_000, UseItemVAT: true}, {Item: "B", Qty: Units(1), Price: 9_000_000, UseItemVAT: true}}}
		switch i {
		case 3:
			d.Lines[0].Qty = Units(500)
		case 5:
			d = Doc{Type: DocReceipt, Date: d.Date, Partner: "S1", Warehouse: "W1", Deductible: true,
				Lines: []DocLine{{Item: "B", Qty: Units(10), Price: 6_000_000, UseItemVAT: true}}}
		case 7:
			d = Doc{Type: DocCount, Date: d.Date, Warehouse: "W1", Lines: []DocLine{{Item: "A", Qty: Units(3)}}}
		}
		out = append(out, d)
	}
	return out
}

// TestDocBatchEqualsOneByOne: documents saved and audited in a batch, one refused among
// them, leave the book exactly as the same calls one transaction each: numbers, stock,
// costs and the audit trail; the refusal is the same and leaves nothing behind.
func TestDocBatchEqualsOneByOne(t *testing.T) {
	ctx := t.Context()
	one, _ := batchBook(t)
	many, u2 := twinBook(t, one)
	u1, err := one.Login(t.Context(), "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	g, err := many.BeginDocBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range batchDocs() {
		want, err1 := one.SaveAndAuditDoc(ctx, u1, d)
		got, err2 := g.SaveAndAuditDoc(ctx, u2, d)
		if CodeOf(err1) != CodeOf(err2) || (err1 == nil) != (err2 == nil) {
			t.Fatalf("doc %d: one by one %v, in the batch %v", i, err1, err2)
		}
		if i == 3 && CodeOf(err2) != CodeStockNegative {
			t.Fatalf("doc 3: %v, want short stock", err2)
		}
		if err1 == nil && (got.Number != want.Number || got.Status != StatusAudited || fmt.Sprint(got.Lines) != fmt.Sprint(want.Lines)) {
			t.Errorf("doc %d: batch gave %+v, one by one %+v", i, got, want)
		}
		if err1 == nil {
			w1, _ := one.CountWarnings(ctx, u1, want.Number)
			w2, err := g.CountWarnings(ctx, u2, got.Number)
			if err != nil || fmt.Sprint(w1) != fmt.Sprint(w2) {
				t.Errorf("doc %d: count warnings %v / %v %v", i, w1, w2, err)
			}
		}
	}
	// A draft saved, then audited, in the batch.
	d := batchDocs()[0]
	d.Date = "2025-01-25"
	s1, err := one.SaveDoc(ctx, u1, d)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := g.SaveDoc(ctx, u2, d)
	if err != nil || s2.Number != s1.Number {
		t.Fatalf("draft %s / %s %v", s1.Number, s2.Number, err)
	}
	if err := one.AuditDoc(ctx, u1, s1.Number); err != nil {
		t.Fatal(err)
	}
	if err := g.AuditDoc(ctx, u2, s2.Number); err != nil {
		t.Fatal(err)
	}
	if err := g.AuditDoc(ctx, u2, s2.Number); CodeOf(err) != CodeDocNotDraft {
		t.Errorf("audited twice: %v", err)
	}
	if _, err := many.Doc(ctx, s2.Number); CodeOf(err) != CodeUnknownDoc {
		t.Errorf("the batch's document seen before the commit: %v", err)
	}
	if err := g.Commit(); err != nil {
		t.Fatal(err)
	}
	one.AuditDoc(ctx, u1, s1.Number) // the same refusal, for the same trail
	if a, b := dumpBook(t, one), dumpBook(t, many); a != b {
		t.Errorf("the batch's book differs from the one written one by one:\n%s", firstDiff(a, b))
	}
	if rep, err := many.Verify(ctx, false); err != nil || rep.Failure != nil {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
}

// TestDocBatchRollbackAndPermissions: a batch rolled back writes nothing; a viewer's
// saves are refused in a batch as outside one; the book's writes work again after.
func TestDocBatchRollbackAndPermissions(t *testing.T) {
	ctx := t.Context()
	b, u := batchBook(t)
	v := addUserAs(t, b, u, "viewer1", RoleViewer)
	before := dumpBook(t, b)
	g, err := b.BeginDocBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.SaveAndAuditDoc(ctx, u, batchDocs()[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := g.SaveDoc(ctx, v, batchDocs()[1]); CodeOf(err) != CodeForbidden {
		t.Errorf("a viewer saves in a batch: %v", err)
	}
	g.Rollback()
	if dumpBook(t, b) != before {
		t.Error("a rolled back batch wrote")
	}
	if _, err := g.SaveDoc(ctx, u, batchDocs()[1]); err == nil {
		t.Error("a batch used after its end")
	}
	if _, err := b.SaveAndAuditDoc(ctx, u, batchDocs()[0]); err != nil {
		t.Fatalf("after the batch: %v", err)
	}
}

func firstDiff(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(0, i-200)
			return fmt.Sprintf("…%q\n---\n…%q", a[lo:min(len(a), i+200)], b[lo:min(len(b), i+200)])
		}
	}
	return "(one is a prefix of the other)"
}

// TestDocBatchPanic: a panic inside a batch's call reaches the caller, ends the batch
// writing nothing (its Commit reports it), and leaves the book writable.
func TestDocBatchPanic(t *testing.T) {
	ctx := t.Context()
	b, u := batchBook(t)
	before := dumpBook(t, b)
	g, err := b.BeginDocBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.SaveAndAuditDoc(ctx, u, batchDocs()[0]); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		g.do(ctx, u, PermDraft, func(context.Context, *store.Tx, *User) error { panic("boom") })
	}()
	if _, err := g.SaveDoc(ctx, u, batchDocs()[1]); err == nil {
		t.Error("a batch used after a panic")
	}
	if err := g.Commit(); err == nil {
		t.Error("the commit of a batch that panicked succeeded")
	}
	if dumpBook(t, b) != before {
		t.Error("a batch that panicked wrote")
	}
	if _, err := b.SaveAndAuditDoc(ctx, u, batchDocs()[0]); err != nil {
		t.Fatalf("after the batch: %v", err)
	}
}

// TestDocBatchMastersBetweenBatches: a batch starts from what the last one read of the
// items while nothing was written in between, and reads them again after any write: an
// item deactivated between two batches is refused by the second.
func TestDocBatchMastersBetweenBatches(t *testing.T) {
	ctx := t.Context()
	b, u := batchBook(t)
	run := func(d Doc) (*batchMasters, error) {
		t.Helper()
		g, err := b.BeginDocBatch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = g.SaveAndAuditDoc(ctx, u, d)
		if cerr := g.Commit(); cerr != nil {
			t.Fatal(cerr)
		}
		return g.masters, err
	}
	first, err := run(batchDocs()[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := first.items["A"]; !ok {
		t.Fatalf("the batch kept no item: %+v", first.items)
	}
	second, err := run(batchDocs()[1])
	if err != nil || second != first {
		t.Errorf("a batch right after another read the items again (%v)", err)
	}
	if err := b.SetItemActive(ctx, u, "A", false); err != nil {
		t.Fatal(err)
	}
	third, err := run(batchDocs()[2])
	if CodeOf(err) != CodeItemInactive {
		t.Errorf("an item deactivated between two batches: %v", err)
	}
	if third == second {
		t.Error("a batch after a write kept the items it read before it")
	}
}
