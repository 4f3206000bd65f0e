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
		{Type: DocCount, Date: "2025-01-06", Warehouse: "W1", Lines: []DocLine{{Item: "A", Qty: Units(30)}, {Item: "B", Qty: Units(52)}}},
	} {
		for _, how := range []string{"apart", "together", "edited"} {
			var saved Doc
			var err error
			switch how {
			case "together":
				saved, err = b.SaveAndAuditDoc(ctx, u, d)
			case "edited": // a draft saved before, edited and audited at once
				if saved, err = b.SaveDoc(ctx, u, d); err == nil {
					saved.Memo += " <改>"
					saved, err = b.SaveAndAuditDoc(ctx, u, saved)
				}
			default:
				if saved, err = b.SaveDoc(ctx, u, d); err == nil {
					err = b.AuditDoc(ctx, u, saved.Number)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			checkAuditImage(t, b, u, saved)
		}
	}
	if rep, err := b.Verify(ctx, false); err != nil || rep.Failure != nil {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
}

// checkAuditImage: the last audit record is saved's audit, its after image is the
// document as read now, and its before image is the after image of the record before
// it (the save).
func checkAuditImage(t *testing.T, b *Book, u *User, saved Doc) {
	t.Helper()
	ctx := t.Context()
	head, _, err := b.ChainHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := b.AuditTrail(ctx, u, head-1, 2)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%v %v", recs, err)
	}
	if recs[1].Before != recs[0].After || (recs[0].Action != "doc.create" && recs[0].Action != "doc.edit") {
		t.Errorf("%s: the audit's before image\n%s\nthe save's after image\n%s", saved.Number, recs[1].Before, recs[0].After)
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
	if r := recs[1]; r.Action != "doc.audit" || r.After != now {
		t.Errorf("%s: the audit recorded\n%s\nthe document reads\n%s", saved.Number, r.After, now)
	}
	// Stored as a reference to the save's image and a delta (audit_codec.go).
	if r := recs[1]; saved.Type != DocCount && (r.Fmt != 1 || len(r.ImgBefore) == 0 || r.ImgBefore[0] != 'R' ||
		len(r.ImgAfter) == 0 || (r.ImgAfter[0] != 'E' && r.ImgAfter[0] != 'D')) {
		t.Errorf("%s: the audit's images stored as %q / %q", saved.Number, r.ImgBefore, r.ImgAfter)
	}
}
