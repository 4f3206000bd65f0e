package ledger

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"shopbooks/store"
)

// w4FullScan is the W4 check at the end of period p over the opening, every audited
// document up to it, one by one, and every audited manual voucher: what the closed
// months' summaries and the open months' documents must reproduce.
func w4FullScan(t *testing.T, b *Book, p Period) []string {
	t.Helper()
	var out []string
	err := b.db.Read(t.Context(), func(tx *store.Tx) error {
		var err error
		out, err = column[string](t.Context(), tx, `WITH eff AS (
				SELECT o.partner_id AS pid,
					CASE substr(o.account, 1, 4) WHEN '1122' THEN o.amount END AS ar,
					CASE substr(o.account, 1, 4) WHEN '2203' THEN o.amount END AS adv,
					CASE substr(o.account, 1, 4) WHEN '2202' THEN o.amount END AS ap,
					CASE substr(o.account, 1, 4) WHEN '1123' THEN o.amount END AS pre
				FROM opening_balances o WHERE o.partner_id IS NOT NULL
				UNION ALL
				SELECT d.partner_id, `+strings.Join(docEffects[:], ", ")+` FROM docs d
				WHERE d.status = 'audited' AND d.partner_id IS NOT NULL AND d.period <= ?1
				UNION ALL
				SELECT l.partner_id, CASE substr(l.account, 1, 4) WHEN '1122' THEN a END, CASE substr(l.account, 1, 4) WHEN '2203' THEN a END,
					CASE substr(l.account, 1, 4) WHEN '2202' THEN a END, CASE substr(l.account, 1, 4) WHEN '1123' THEN a END
				FROM (SELECT l.partner_id, l.account, CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END AS a
					FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
					WHERE v.source = 'manual' AND v.status = 'audited' AND v.period <= ?1 AND l.partner_id IS NOT NULL) l),
			bal AS (SELECT pid, sum(ar) AS ar, sum(adv) AS adv, sum(ap) AS ap, sum(pre) AS pre FROM eff GROUP BY pid)
			SELECT p.code FROM bal JOIN partners p ON p.id = bal.pid
			WHERE ifnull(ar, 0) > 0 AND ifnull(adv, 0) < 0 OR ifnull(ap, 0) < 0 AND ifnull(pre, 0) > 0 ORDER BY p.code`, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestW4OverClosedMonths: W4 adds up the closed months' postings from the summaries and
// the open months' documents one by one, and finds at the month's end the partners a scan
// of every document finds: before and after a close, after an un-close (the later
// month's receipt does not count at the end of the reopened one), and for a partner whose
// balances meet across the months.
func TestW4OverClosedMonths(t *testing.T) {
	ctx := t.Context()
	var b *Book
	var u *User
	check := func(when string, p Period, want []string) {
		t.Helper()
		fs, err := b.CheckClose(ctx, u, p)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			if f.Check == "W4" {
				got = f.Refs
			}
		}
		if scan := w4FullScan(t, b, p); !slices.Equal(got, scan) || !slices.Equal(got, want) {
			t.Errorf("%s: W4 %v, a scan of every document %v, want %v", when, got, scan, want)
		}
	}
	g := loadGoldenMonth(t)
	b, u = monthBook(t, g)
	enterMonth(t, b, u, g)
	if _, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocPay, Date: "2025-01-28", Partner: "S1", Account: "1002",
		Amount: 50000, Advance: 50000}); err != nil {
		t.Fatal(err)
	}
	check("nothing closed", "2025-01", []string{"S1"})
	b, u, _ = closedMonth(t) // 2025-01: C2 has an advance left, we owe S1 for its receipt
	check("January closed", "2025-02", nil)
	// February: C2 buys on credit without using its advance; we prepay S1 while we still
	// owe it.
	sale, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocDelivery, Date: "2025-02-10", Partner: "C2", Warehouse: "W1",
		Lines: []DocLine{{Item: "A", Qty: Units(2), Price: 32_000_000, UseItemVAT: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocPay, Date: "2025-02-11", Partner: "S1", Account: "1002",
		Amount: 50000, Advance: 50000}); err != nil {
		t.Fatal(err)
	}
	check("February open", "2025-02", []string{"C2", "S1"})
	if _, err := b.ClosePeriod(ctx, u, "2025-02", CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	check("February closed", "2025-03", []string{"C2", "S1"})
	// March: C2 pays for February's sale.
	if _, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocCollect, Date: "2025-03-05", Partner: "C2", Account: "1001",
		Amount: sale.Gross, Applied: sale.Gross}); err != nil {
		t.Fatal(err)
	}
	check("March open", "2025-03", []string{"S1"})
	if err := b.UnclosePeriod(ctx, u, "2025-02", "复核"); err != nil {
		t.Fatal(err)
	}
	check("February reopened", "2025-02", []string{"C2", "S1"})
	check("March still open", "2025-03", []string{"S1"})
}

// TestClosePostCheckStock: a posting to 1405 that no document made (written behind the
// app's back) fails the close's stock check, naming the item: in the first month, checked
// against the opening stock, and in a month after a close, against the close before.
func TestClosePostCheckStock(t *testing.T) {
	tamper := func(b *Book, p Period) {
		t.Helper()
		db := rawDB(t, b.Path())
		rawExec(t, db, fmt.Sprintf(`INSERT INTO vouchers(period, no, date, source, summary, status, maker, made_at, auditor, audited_at)
			SELECT '%[1]s', ifnull(max(no), 0) + 1, '%[1]s-20', 'manual', '盘盈', 'audited', 'admin', '2025-01-01T00:00:00Z',
				'admin', '2025-01-01T00:00:00Z' FROM vouchers WHERE period = '%[1]s'`, p),
			fmt.Sprintf(`INSERT INTO voucher_lines(voucher_id, line_no, period, summary, account, item_id, side, amount)
				SELECT max(id), 1, '%[1]s', '盘盈', '1405', (SELECT id FROM items WHERE code = 'A'), 'D', 100 FROM vouchers`, p),
			fmt.Sprintf(`INSERT INTO voucher_lines(voucher_id, line_no, period, summary, account, side, amount)
				SELECT max(id), 2, '%[1]s', '盘盈', '1001', 'C', 100 FROM vouchers`, p))
	}
	refused := func(b *Book, u *User, p Period) {
		t.Helper()
		_, err := b.ClosePeriod(t.Context(), u, p, CloseOptions{})
		if e, ok := errors.AsType[*Error](err); !ok || e.Code != CodePostCheck || e.Args["check"] != "stock_1405" || e.Args["detail"] != "A" {
			t.Errorf("close of %s with 1.00 more on item A in 1405: %v", p, err)
		}
	}
	t.Run("first month", func(t *testing.T) {
		g := loadGoldenMonth(t)
		b, u := monthBook(t, g)
		enterMonth(t, b, u, g)
		tamper(b, "2025-01")
		refused(b, u, "2025-01")
	})
	t.Run("after a close", func(t *testing.T) {
		b, u, _ := closedMonth(t)
		tamper(b, "2025-02")
		refused(b, u, "2025-02")
	})
}

// TestB7EitherWay: B7 finds an item negative in a warehouse at a month's end whether it
// adds the months up to it (a month early in the book) or takes the later months off the
// on-hand quantities (a month late in it).
func TestB7EitherWay(t *testing.T) {
	g := loadGoldenMonth(t)
	b, u := monthBook(t, g)
	enterMonth(t, b, u, g) // B: 100 in W2 at the end of January
	db := rawDB(t, b.Path())
	move := func(date Date, qty Qty) {
		t.Helper()
		rawExec(t, db, fmt.Sprintf(`INSERT INTO stock_moves(doc_id, line_id, item_id, warehouse_id, date, period, audit_seq, line_no, sub, kind, qty)
			SELECT doc_id, line_id, item_id, (SELECT id FROM warehouses WHERE code = 'W2'), '%s', '%s', audit_seq, line_no, 9, %d, %d
			FROM stock_moves WHERE item_id = (SELECT id FROM items WHERE code = 'B') LIMIT 1`, date, date.Period(), MoveOut, qty),
			fmt.Sprintf(`UPDATE stock_on_hand SET qty = qty + %d WHERE item_id = (SELECT id FROM items WHERE code = 'B')
				AND warehouse_id = (SELECT id FROM warehouses WHERE code = 'W2')`, qty))
	}
	move("2025-01-30", -Units(1000)) // 900 short at the end of January and February
	move("2025-03-02", Units(2000))  // back in stock in March
	for _, c := range []struct {
		period Period
		want   []string
	}{
		{"2025-01", []string{"B@W2"}}, // two months after it, none before: adds January up
		{"2025-02", []string{"B@W2"}}, // one each way: takes March off
		{"2025-03", nil},
	} {
		fs, err := b.CheckClose(t.Context(), u, c.period)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			if f.Check == "B7" {
				got = f.Refs
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("B7 of %s: %v, want %v", c.period, got, c.want)
		}
	}
}

// TestUnpostedCash: W3's one pass over the month's documents finds for cash and the bank
// what a pass per account finds, on DOMAIN.md §8's month before its close (documents paid
// and received through both).
func TestUnpostedCash(t *testing.T) {
	g := loadGoldenMonth(t)
	b, u := monthBook(t, g)
	enterMonth(t, b, u, g)
	ctx := t.Context()
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		got, err := unpostedCash(ctx, tx, "2025-01")
		if err != nil {
			return err
		}
		for i, acct := range []string{"1001", "1002"} {
			var want Money
			if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(CASE type WHEN 'XS' THEN paid WHEN 'CT' THEN paid WHEN 'SK' THEN amount
					WHEN 'XT' THEN -paid WHEN 'CG' THEN -paid WHEN 'FK' THEN -amount WHEN 'FY' THEN -paid ELSE 0 END), 0)
				FROM docs WHERE period = ?1 AND status = 'audited' AND account BETWEEN ?2 AND ?2 || ':'
				AND NOT EXISTS (SELECT 1 FROM vouchers v WHERE v.doc_id = docs.id)`, "2025-01", acct).Scan(&want); err != nil {
				return err
			}
			if got[i] != want || want == 0 {
				t.Errorf("%s: %s, want %s (not zero)", acct, got[i].Format(), want.Format())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
