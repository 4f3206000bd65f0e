package ledger

import (
	"strings"
	"testing"
)

// shopWithStock is a book with item A (10 in W1 at 100.00), an inactive item Z, a
// supplier S1 and a customer C1.
func shopWithStock(t *testing.T) (*Book, *User) {
	t.Helper()
	b, u := openTestBook(t)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := b.AddItem(ctx, u, Item{Code: "A", Name: "洗衣液", Unit: "瓶", VAT: 1300})
	must(err)
	_, err = b.AddItem(ctx, u, Item{Code: "Z", Name: "停用品", Unit: "瓶", VAT: 1300})
	must(err)
	must(b.SetItemActive(ctx, u, "Z", false))
	_, err = b.AddWarehouse(ctx, u, Warehouse{Code: "W1", Name: "主仓"})
	must(err)
	_, err = b.AddWarehouse(ctx, u, Warehouse{Code: "W2", Name: "门店"})
	must(err)
	_, err = b.AddPartner(ctx, u, Partner{Code: "S1", Name: "华南日化", Supplier: true})
	must(err)
	_, err = b.AddPartner(ctx, u, Partner{Code: "C1", Name: "明辉餐厅", Customer: true})
	must(err)
	must(b.SetOpeningStock(ctx, u, "A", "W1", Units(10), 10000))
	return b, u
}

func delivery(date Date, qty int64) Doc {
	return Doc{Type: DocDelivery, Date: date, Partner: "C1", Warehouse: "W1",
		Lines: []DocLine{{Item: "A", Qty: Units(qty), Price: 20_000_000, UseItemVAT: true}}}
}

// TestDocRefusals: each bad input of issue 4 is refused with its code and changes
// nothing in the book.
func TestDocRefusals(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	receipt, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocReceipt, Date: "2025-01-05", Partner: "S1", Warehouse: "W1", Deductible: true,
		Lines: []DocLine{{Item: "A", Qty: Units(5), Price: 10_000_000, UseItemVAT: true}}})
	if err != nil {
		t.Fatal(err)
	}
	ret, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocPReturn, Date: "2025-01-06", Partner: "S1", Warehouse: "W1",
		Lines: []DocLine{{Item: "A", Qty: Units(2), SourceLine: receipt.Number + "/1"}}})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := b.SaveDoc(ctx, u, delivery("2025-01-07", 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveDoc(ctx, u, delivery("2025-01-08", 1)); err != nil {
		t.Fatal(err)
	}
	with := func(d Doc, f func(*Doc)) Doc { f(&d); return d }
	for _, tc := range []struct {
		name string
		do   func() error
		want Code
		says []string // the refusal's args must hold these
	}{
		{"unknown item", func() error {
			_, err := b.SaveDoc(ctx, u, with(delivery("2025-01-09", 1), func(d *Doc) { d.Lines[0].Item = "NOPE" }))
			return err
		}, CodeUnknownItem, []string{"NOPE"}},
		{"inactive item", func() error {
			_, err := b.SaveDoc(ctx, u, with(delivery("2025-01-09", 1), func(d *Doc) { d.Lines[0].Item = "Z" }))
			return err
		}, CodeItemInactive, []string{"Z"}},
		{"zero quantity on a receipt", func() error {
			_, err := b.SaveDoc(ctx, u, Doc{Type: DocReceipt, Date: "2025-01-09", Partner: "S1", Warehouse: "W1",
				Lines: []DocLine{{Item: "A", Qty: 0, Price: 1_000_000}}})
			return err
		}, CodeQtyNotPositive, []string{"A"}},
		{"negative quantity on a receipt", func() error {
			_, err := b.SaveDoc(ctx, u, Doc{Type: DocReceipt, Date: "2025-01-09", Partner: "S1", Warehouse: "W1",
				Lines: []DocLine{{Item: "A", Qty: Units(-3), Price: 1_000_000}}})
			return err
		}, CodeQtyNotPositive, nil},
		{"delivery beyond stock", func() error {
			_, err := b.SaveAndAuditDoc(ctx, u, delivery("2025-01-09", 200))
			return err
		}, CodeStockNegative, []string{"A", "W1", "2025-01-09", "13", "200"}},
		{"delivery beyond stock dated before the receipt", func() error {
			_, err := b.SaveAndAuditDoc(ctx, u, delivery("2025-01-04", 11))
			return err
		}, CodeStockNegative, []string{"A", "W1", "10", "11"}},
		{"a return of more than received", func() error {
			_, err := b.SaveDoc(ctx, u, Doc{Type: DocPReturn, Date: "2025-01-09", Partner: "S1", Warehouse: "W1",
				Lines: []DocLine{{Item: "A", Qty: Units(4), SourceLine: receipt.Number + "/1"}}})
			return err
		}, CodeReturnTooMuch, []string{"3", "4"}},
		{"a return dated before its receipt", func() error {
			_, err := b.SaveDoc(ctx, u, Doc{Type: DocPReturn, Date: "2025-01-04", Partner: "S1", Warehouse: "W1",
				Lines: []DocLine{{Item: "A", Qty: Units(1), SourceLine: receipt.Number + "/1"}}})
			return err
		}, CodeDocSource, nil},
		{"a date before the book's start", func() error {
			_, err := b.SaveDoc(ctx, u, delivery("2024-12-31", 1))
			return err
		}, CodeDocBeforeStart, []string{"2025-01"}},
		{"a malformed date", func() error {
			_, err := b.SaveDoc(ctx, u, delivery("2025-02-30", 1))
			return err
		}, CodeBadDate, nil},
		{"auditing twice", func() error { return b.AuditDoc(ctx, u, receipt.Number) }, CodeDocNotDraft, nil},
		{"un-auditing a receipt a return depends on", func() error { return b.UnauditDoc(ctx, u, receipt.Number) },
			CodeDocDependents, []string{ret.Number}},
		{"editing an audited document", func() error {
			d := receipt
			d.Memo = "changed"
			_, err := b.SaveDoc(ctx, u, d)
			return err
		}, CodeDocNotDraft, nil},
		{"deleting a draft that is not the last", func() error { return b.DeleteDoc(ctx, u, draft.Number) }, CodeDocNotLast, nil},
		{"a stale draft", func() error {
			d := draft
			d.Version = 99
			_, err := b.SaveDoc(ctx, u, d)
			return err
		}, CodeStale, nil},
		{"moving a numbered draft to another month", func() error {
			d := draft
			d.Date = "2025-02-01"
			_, err := b.SaveDoc(ctx, u, d)
			return err
		}, CodeDocMonth, nil},
		{"a customer as supplier", func() error {
			_, err := b.SaveDoc(ctx, u, Doc{Type: DocReceipt, Date: "2025-01-09", Partner: "C1", Warehouse: "W1",
				Lines: []DocLine{{Item: "A", Qty: Units(1), Price: 1_000_000}}})
			return err
		}, CodePartnerKind, nil},
		{"a transfer to the same warehouse", func() error {
			_, err := b.SaveDoc(ctx, u, Doc{Type: DocTransfer, Date: "2025-01-09", Warehouse: "W1", ToWarehouse: "W1",
				Lines: []DocLine{{Item: "A", Qty: Units(1)}}})
			return err
		}, CodeSameWarehouse, nil},
		{"paying through an expense account", func() error {
			_, err := b.SaveDoc(ctx, u, with(delivery("2025-01-09", 1), func(d *Doc) { d.Account = "560206" }))
			return err
		}, CodeNotSettlement, nil},
		{"a viewer", func() error {
			v := addUserAs(t, b, u, "viewer1", RoleViewer)
			_, err := b.SaveDoc(ctx, v, delivery("2025-01-09", 1))
			return err
		}, CodeForbidden, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := dumpBook(t, b)
			err := tc.do()
			if CodeOf(err) != tc.want {
				t.Fatalf("err = %v, want %s", err, tc.want)
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("refusal %v does not name %q", err, s)
				}
			}
			if tc.name != "a viewer" {
				if after := dumpBook(t, b); after != before {
					t.Errorf("a refused write changed the book")
				}
			}
		})
	}
}

func addUserAs(t *testing.T, b *Book, admin *User, name string, role Role) *User {
	t.Helper()
	if _, err := b.AddUser(t.Context(), admin, name, role, ""); err != nil {
		t.Fatal(err)
	}
	u, err := b.Login(t.Context(), name, "")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestDocLifeCycle: numbering is gap-free, audit then un-audit leaves stock as before,
// the last draft's number is given again, a voided one keeps its number.
func TestDocLifeCycle(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	stock := func() string {
		rows, err := b.StockOnHand(ctx, u, OnHandFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var s strings.Builder
		for _, r := range rows {
			s.WriteString(r.Item + " " + r.Qty.String() + " " + r.Amount.String() + ";")
		}
		return s.String()
	}
	before := stock()
	d1, err := b.SaveDoc(ctx, u, delivery("2025-01-10", 3))
	if err != nil {
		t.Fatal(err)
	}
	if d1.Number != "XS-202501-0001" || d1.Gross != 6780 {
		t.Fatalf("first delivery %s gross %s", d1.Number, d1.Gross)
	}
	if err := b.AuditDoc(ctx, u, d1.Number); err != nil {
		t.Fatal(err)
	}
	if s := stock(); s == before || !strings.Contains(s, "A 7 70.00") {
		t.Errorf("after audit: %s", s)
	}
	if err := b.UnauditDoc(ctx, u, d1.Number); err != nil {
		t.Fatal(err)
	}
	if s := stock(); s != before {
		t.Errorf("audit + un-audit: %s, want %s", s, before)
	}
	d2, err := b.SaveDoc(ctx, u, delivery("2025-01-11", 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteDoc(ctx, u, d2.Number); err != nil {
		t.Fatal(err)
	}
	d3, err := b.SaveDoc(ctx, u, delivery("2025-01-12", 1))
	if err != nil || d3.Number != d2.Number {
		t.Fatalf("after deleting %s the next is %s (%v)", d2.Number, d3.Number, err)
	}
	if err := b.VoidDoc(ctx, u, d1.Number); err != nil {
		t.Fatal(err)
	}
	if err := b.AuditDoc(ctx, u, d1.Number); CodeOf(err) != CodeDocNotDraft {
		t.Errorf("auditing a voided document: %v", err)
	}
	// Separation of duties: the maker may not audit.
	s, _ := b.Settings(ctx)
	s.Separation = true
	if err := b.UpdateSettings(ctx, u, s); err != nil {
		t.Fatal(err)
	}
	if err := b.AuditDoc(ctx, u, d3.Number); CodeOf(err) != CodeDocSeparation {
		t.Errorf("maker audits with separation on: %v", err)
	}
	clerk := addUserAs(t, b, u, "clerk1", RoleClerk)
	if err := b.AuditDoc(ctx, clerk, d3.Number); err != nil {
		t.Errorf("another user audits: %v", err)
	}
	if err := b.UnauditDoc(ctx, clerk, d3.Number); CodeOf(err) != CodeForbidden {
		t.Errorf("a clerk un-audits: %v", err)
	}
	// Saving and auditing at once: the maker of a draft edited by another stays its maker.
	boss := addUserAs(t, b, u, "boss2", RoleAdmin)
	d4, err := b.SaveDoc(ctx, u, delivery("2025-01-13", 1))
	if err != nil {
		t.Fatal(err)
	}
	d4.Memo = "改过"
	if _, err := b.SaveAndAuditDoc(ctx, u, d4); CodeOf(err) != CodeDocSeparation {
		t.Errorf("the maker saves and audits their draft with separation on: %v", err)
	}
	if _, err := b.SaveAndAuditDoc(ctx, u, delivery("2025-01-13", 1)); CodeOf(err) != CodeDocSeparation {
		t.Errorf("the maker saves and audits a new document with separation on: %v", err)
	}
	if got, err := b.SaveAndAuditDoc(ctx, boss, d4); err != nil || got.Maker != u.Name || got.Auditor != boss.Name || got.Memo != "改过" {
		t.Errorf("another user saves and audits a draft: %+v %v", got, err)
	}
	rep, err := b.Verify(ctx, true)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
}

// TestClosedPeriodDocuments: with a period closed (by SQL, as the close will), every
// write to its documents, lines and movements aborts, through the services and the SQL.
func TestClosedPeriodDocuments(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	d, err := b.SaveAndAuditDoc(ctx, u, delivery("2025-01-10", 3))
	if err != nil {
		t.Fatal(err)
	}
	draft, err := b.SaveDoc(ctx, u, delivery("2025-01-11", 1))
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, b.Path())
	rawExec(t, db, "UPDATE periods SET closed = 1 WHERE period = '2025-01'")
	before := dumpBook(t, b)
	if _, err := b.SaveDoc(ctx, u, delivery("2025-01-20", 1)); CodeOf(err) != CodePeriodClosed {
		t.Errorf("new document in a closed period: %v", err)
	}
	if err := b.UnauditDoc(ctx, u, d.Number); CodeOf(err) != CodePeriodClosed {
		t.Errorf("un-audit in a closed period: %v", err)
	}
	if err := b.AuditDoc(ctx, u, draft.Number); CodeOf(err) != CodePeriodClosed {
		t.Errorf("audit in a closed period: %v", err)
	}
	for _, q := range []string{
		"UPDATE docs SET memo = 'x'",
		"DELETE FROM docs WHERE status = 'draft'",
		"UPDATE doc_lines SET qty = 1",
		"DELETE FROM doc_lines",
		"UPDATE stock_moves SET amount = 0",
		"DELETE FROM stock_moves",
		"INSERT INTO stock_moves(doc_id, line_id, item_id, warehouse_id, date, period, audit_seq, line_no, kind, qty) SELECT doc_id, line_id, item_id, warehouse_id, date, period, 99, 9, kind, qty FROM stock_moves LIMIT 1",
	} {
		if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "period closed") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if dumpBook(t, b) != before {
		t.Error("writes into a closed period changed the book")
	}
	// A later period is open.
	if _, err := b.SaveAndAuditDoc(ctx, u, delivery("2025-02-03", 1)); err != nil {
		t.Errorf("February: %v", err)
	}
}

// TestCountWarnings: a delivery dated on or before an audited count of its item and
// warehouse is named by CountWarnings (DOMAIN.md §4.1); one after it, or of another
// warehouse, is not.
func TestCountWarnings(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	count, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocCount, Date: "2025-01-20", Warehouse: "W1", Lines: []DocLine{{Item: "A", Qty: Units(10)}}})
	if err != nil {
		t.Fatal(err)
	}
	before, err := b.SaveDoc(ctx, u, delivery("2025-01-15", 1))
	if err != nil {
		t.Fatal(err)
	}
	w, err := b.CountWarnings(ctx, u, before.Number)
	if err != nil || len(w) != 1 || w[0] != "A@W1 "+count.Number+" 2025-01-20" {
		t.Errorf("a delivery before the count: %v %v", w, err)
	}
	after, _ := b.SaveDoc(ctx, u, delivery("2025-01-25", 1))
	if w, _ := b.CountWarnings(ctx, u, after.Number); len(w) != 0 {
		t.Errorf("a delivery after the count: %v", w)
	}
}
