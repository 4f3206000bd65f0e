package ledger

import (
	"testing"

	"shopbooks/store"
)

// TestAuditImageAsRead: the after image an audit records, built from the before image,
// is the document as rowImage reads it after the audit, byte for byte.
func TestAuditImageAsRead(t *testing.T) {
	b, u := openTestBook(t)
	ctx := t.Context()
	if _, err := b.AddWarehouse(ctx, u, Warehouse{Code: "W1", Name: "主仓"}); err != nil {
		t.Fatal(err)
	}
	b.AddPartner(ctx, u, Partner{Code: "C1", Name: "客", Customer: true})
	for _, code := range []string{"A", "B"} {
		if _, err := b.AddItem(ctx, u, Item{Code: code, Name: "品" + code, Unit: "个", VAT: 1300}); err != nil {
			t.Fatal(err)
		}
		if err := b.SetOpeningStock(ctx, u, code, "W1", Units(50), 5000); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []Doc{
		{Type: DocDelivery, Date: "2025-01-05", Partner: "C1", Warehouse: "W1", Memo: "“引号” \\ <b>&",
			Lines: []DocLine{{Item: "A", Qty: Units(3), Price: 12_500_000, UseItemVAT: true}, {Item: "B", Qty: Units(1), Price: 9_000_000, UseItemVAT: true}}},
		{Type: DocCount, Date: "2025-01-06", Warehouse: "W1", Lines: []DocLine{{Item: "A", Qty: Units(40)}, {Item: "B", Qty: Units(52)}}},
	} {
		saved, err := b.SaveDoc(ctx, u, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AuditDoc(ctx, u, saved.Number); err != nil {
			t.Fatal(err)
		}
		head, _, err := b.ChainHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := b.AuditTrail(ctx, u, head, 1)
		if err != nil || len(recs) != 1 {
			t.Fatalf("%v %v", recs, err)
		}
		var now string
		err = b.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			now, err = rowImage(ctx, tx, entDoc, int64(saved.ID))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := recs[0]; r.Action != "doc.audit" || r.After != now {
			t.Errorf("%s: the audit recorded\n%s\nthe document reads\n%s", saved.Number, r.After, now)
		}
	}
	if rep, err := b.Verify(ctx, false); err != nil || rep.Failure != nil {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
}
