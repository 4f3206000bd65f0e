package ledger

import (
	"bytes"
	"fmt"
	"testing"
)

// TestAddItemsAuditRecords: an import (AddItems, its images read in one query and
// deflated on every core, the chain's head read once) writes, item by item, the records
// that adding the items one at a time writes: same action, entity, key and stored
// image bytes, chained in the items' order. The book verifies, and an imported item
// edited behind the app's back, or an import record's stored image, is found.
func TestAddItemsAuditRecords(t *testing.T) {
	ctx := t.Context()
	var items []Item
	for i := range 40 {
		items = append(items, Item{Code: fmt.Sprintf("IM%03d", i), Name: fmt.Sprintf("导入商品 %d", i), Unit: []string{"个", "瓶"}[i%2],
			VAT: 1300, Buy: Price(1_000_000 * (i + 1)), Barcode: fmt.Sprintf("69%011d", i)})
	}
	batch, bu := openTestBook(t)
	if err := batch.AddItems(ctx, bu, items); err != nil {
		t.Fatal(err)
	}
	single, su := openTestBook(t)
	for _, it := range items {
		if _, err := single.AddItem(ctx, su, it); err != nil {
			t.Fatal(err)
		}
	}
	trail := func(b *Book, u *User) []AuditRecord {
		rs, err := b.AuditTrail(ctx, u, 1, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		var out []AuditRecord
		for _, r := range rs {
			if r.Action == "item.add" {
				out = append(out, r)
			}
		}
		return out
	}
	got, want := trail(batch, bu), trail(single, su)
	if len(got) != len(items) || len(want) != len(items) {
		t.Fatalf("%d and %d records of %d items", len(got), len(want), len(items))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.User != w.User || g.Entity != w.Entity || g.EntityID != w.EntityID || !g.Image || g.Fmt != w.Fmt || g.Before != w.Before ||
			g.After != w.After || !bytes.Equal(g.ImgAfter, w.ImgAfter) || g.ImgBefore != nil {
			t.Fatalf("record %d:\n got %+v\nwant %+v", i, g, w)
		}
		if i > 0 && (g.Seq != got[i-1].Seq+1 || g.PrevHash != got[i-1].Hash) {
			t.Fatalf("record %d: seq %d after %d, prev %s", i, g.Seq, got[i-1].Seq, g.PrevHash)
		}
	}
	if rep, err := batch.Verify(ctx, true); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
	db := rawDB(t, batch.Path())
	rawExec(t, db, "UPDATE items SET buy_price = buy_price + 1 WHERE code = 'IM017'")
	if rep, err := batch.Verify(ctx, false); err != nil || rep.OK() {
		t.Errorf("an imported item edited behind the app's back: %v %+v", err, rep)
	}
	rawExec(t, db, "UPDATE items SET buy_price = buy_price - 1 WHERE code = 'IM017'")
	if rep, err := batch.Verify(ctx, false); err != nil || !rep.OK() {
		t.Fatalf("the edit undone: %v %v", err, rep.Failure)
	}
	rawExec(t, db, "DROP TRIGGER IF EXISTS audit_log_no_update",
		fmt.Sprintf("UPDATE audit_log SET img_after = X'4A7B7D' WHERE seq = %d", got[5].Seq))
	if rep, err := batch.Verify(ctx, false); err != nil || rep.OK() {
		t.Errorf("an import record's image replaced: %v %+v", err, rep)
	}
}
