package ledger

import (
	"context"
	"fmt"
	"slices"

	"shopbooks/store"
)

// preChecks are DOMAIN.md §6.2's checks of a period before its close.
func preChecks(ctx context.Context, tx *store.Tx, s Settings, period Period) ([]Finding, error) {
	var out []Finding
	add := func(check string, block bool, refs []string) {
		if len(refs) == 0 {
			return
		}
		f := Finding{Check: check, Block: block, Count: len(refs), Refs: refs}
		if len(f.Refs) > 50 {
			f.Refs = f.Refs[:50]
		}
		out = append(out, f)
	}
	list := func(q string, args ...any) ([]string, error) { return column[string](ctx, tx, q, args...) }
	// B1: the previous period is closed (or this is the first).
	if period != s.Start {
		prev, err := list("SELECT period FROM periods WHERE period < ? AND closed = 0 ORDER BY period", period)
		if err != nil {
			return nil, err
		}
		if len(prev) == 0 {
			var closed int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM periods WHERE period = ? AND closed = 1", period.Prev()).Scan(&closed); err != nil {
				return nil, err
			}
			if closed == 0 && period.Prev() >= s.Start {
				prev = []string{string(period.Prev())}
			}
		}
		add("B1", true, prev)
	}
	// B2: the first period's opening balances balance.
	if period == s.Start {
		var c OpeningCheck
		var err error
		if c, err = openingCheck(ctx, tx); err != nil {
			return nil, err
		}
		var refs []string
		if !c.Balanced {
			refs = append(refs, fmt.Sprintf("debit %s credit %s", c.Debit.Format(), c.Credit.Format()))
		}
		if !c.StockMatches {
			refs = append(refs, fmt.Sprintf("stock %s 1405 %s", c.Stock.Format(), c.Account1405.Format()))
		}
		add("B2", true, refs)
	}
	// B3: drafts among the period's non-order documents.
	refs, err := list(`SELECT number FROM docs WHERE period = ? AND status = 'draft' AND type NOT IN ('CD', 'XD') ORDER BY number`, period)
	if err != nil {
		return nil, err
	}
	add("B3", true, refs)
	// B4: unaudited manual vouchers.
	if refs, err = list(`SELECT period || '/记-' || printf('%04d', no) FROM vouchers WHERE period = ? AND status = 'unaudited' ORDER BY no`, period); err != nil {
		return nil, err
	}
	add("B4", true, refs)
	// B5: unbalanced vouchers or vouchers of fewer than two lines.
	if refs, err = list(`SELECT v.period || '/记-' || printf('%04d', v.no) FROM vouchers v WHERE v.period = ? AND (
		(SELECT count(*) FROM voucher_lines l WHERE l.voucher_id = v.id) < 2 OR
		(SELECT ifnull(sum(CASE side WHEN 'D' THEN amount ELSE -amount END), 0) FROM voucher_lines l WHERE l.voucher_id = v.id) <> 0)
		ORDER BY v.no`, period); err != nil {
		return nil, err
	}
	add("B5", true, refs)
	// B6: gaps in the voucher numbers.
	var count, maxNo int
	if err := tx.QueryRowContext(ctx, "SELECT count(*), ifnull(max(no), 0) FROM vouchers WHERE period = ?", period).Scan(&count, &maxNo); err != nil {
		return nil, err
	}
	if count != maxNo {
		add("B6", true, []string{fmt.Sprintf("%d/%d", count, maxNo)})
	}
	// B7: an item negative in a warehouse at the period's end: the opening stock plus the
	// quantities moved up to the period (stock_period_qty), or the on-hand quantities less
	// those moved after it, whichever side has fewer months to add up.
	var lastMoved string
	if err := tx.QueryRowContext(ctx, "SELECT ifnull(max(period), '') FROM stock_period_qty").Scan(&lastMoved); err != nil {
		return nil, err
	}
	qtys := `SELECT item_id, warehouse_id, qty FROM stock_on_hand
		UNION ALL SELECT item_id, warehouse_id, -qty FROM stock_period_qty WHERE period > ?`
	if monthsBetween(s.Start, period) < monthsBetween(period, Period(lastMoved)) {
		qtys = `SELECT item_id, warehouse_id, qty FROM opening_stock
			UNION ALL SELECT item_id, warehouse_id, qty FROM stock_period_qty WHERE period <= ?`
	}
	if refs, err = list(`SELECT i.code || '@' || w.code FROM (
			SELECT item_id, warehouse_id, sum(qty) AS q FROM (`+qtys+`)
			GROUP BY item_id, warehouse_id HAVING q < 0) n
		JOIN items i ON i.id = n.item_id JOIN warehouses w ON w.id = n.warehouse_id ORDER BY i.code, w.code`, period); err != nil {
		return nil, err
	}
	add("B7", true, refs)
	// B8: December: 1901 (the pending disposal role's root, as the balance sheet reads it)
	// is not zero after the count disposal.
	if period.Month() == 12 {
		b, err := balance(ctx, tx, RoleRoot(PendingDisposalRole), period)
		if err != nil {
			return nil, err
		}
		if !s.DisposeCounts {
			// the count vouchers are not generated yet: their effect stays in 1901
			var pd Money
			if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(m.amount), 0) FROM stock_moves m JOIN docs d ON d.id = m.doc_id
				WHERE d.type = 'PD' AND m.period = ?`, period).Scan(&pd); err != nil {
				return nil, err
			}
			b -= pd
		}
		if b != 0 {
			add("B8", true, []string{b.Format()})
		}
	}
	// W1: orders not fully received or delivered (and not closed), and draft orders.
	if refs, err = list(`SELECT d.number FROM docs d WHERE d.period = ? AND d.type IN ('CD', 'XD') AND (d.status = 'draft' OR
		(d.status = 'audited' AND d.order_closed = 0 AND EXISTS (SELECT 1 FROM doc_lines o WHERE o.doc_id = d.id AND o.qty >
			ifnull((SELECT sum(l.qty) FROM doc_lines l JOIN docs x ON x.id = l.doc_id WHERE l.source_line_id = o.id
				AND x.status = 'audited' AND x.type IN ('CG', 'XS')), 0)))) ORDER BY d.number`, period); err != nil {
		return nil, err
	}
	add("W1", false, refs)
	// W3: cash or bank in credit at the period's end.
	docs, err := unpostedCash(ctx, tx, period)
	if err != nil {
		return nil, err
	}
	var w3 []string
	for i, acct := range []string{"1001", "1002"} {
		b, err := balance(ctx, tx, acct, period)
		if err != nil {
			return nil, err
		}
		if b+docs[i] < 0 {
			w3 = append(w3, acct)
		}
	}
	add("W3", false, w3)
	// W4: a partner with both a receivable and an advance, or a payable and a prepayment,
	// at the period's end (partner_balance.go: what was posted, and the open months'
	// audited documents and manual vouchers).
	sums, err := readPartnerSums(ctx, tx, partnerScope{upTo: period})
	if err != nil {
		return nil, err
	}
	var w4 []string
	if len(sums) > 0 {
		codes, err := codesByID(ctx, tx, "partners")
		if err != nil {
			return nil, err
		}
		for pid, s := range sums {
			if s[0] > 0 && s[1] < 0 || s[2] < 0 && s[3] > 0 {
				w4 = append(w4, codes[pid])
			}
		}
		slices.SortFunc(w4, compareNoCase)
	}
	add("W4", false, w4)
	return out, nil
}

// postChecks are DOMAIN.md §6.3 step 6: what must hold once the vouchers are in. The stock
// is checked against the inventory role's account; the partner sums, the VAT and the
// profit for the year against their roles' roots, the accounts the statements read.
func postChecks(ctx context.Context, tx *store.Tx, s Settings, roles RoleMap, period Period) error {
	fail := func(check, detail string) error {
		return refuse(CodePostCheck, "check", check, "detail", detail)
	}
	// Every voucher of the period balances.
	var bad string
	err := tx.QueryRowContext(ctx, `SELECT ifnull(min(v.no), 0) FROM vouchers v WHERE v.period = ? AND
		(SELECT ifnull(sum(CASE side WHEN 'D' THEN amount ELSE -amount END), 0) FROM voucher_lines l WHERE l.voucher_id = v.id) <> 0`, period).Scan(&bad)
	if err != nil {
		return err
	}
	if bad != "0" {
		return fail("voucher", bad)
	}
	// The trial balance balances.
	var dr, cr Money
	if err := tx.QueryRowContext(ctx, "SELECT ifnull(sum(debit), 0), ifnull(sum(credit), 0) FROM account_periods WHERE period = ?", period).Scan(&dr, &cr); err != nil {
		return err
	}
	if dr != cr {
		return fail("trial_balance", dr.Format()+" / "+cr.Format())
	}
	// Every P&L account is zero: each one's movements, found by its code.
	var code string
	err = tx.QueryRowContext(ctx, `SELECT ifnull(min(a.code), '') FROM accounts a WHERE a.category = 'P' AND
		(SELECT ifnull(sum(p.debit - p.credit), 0) FROM account_periods p WHERE p.account = a.code AND p.period <= ?) <> 0`, period).Scan(&code)
	if err != nil {
		return err
	}
	if code != "" {
		return fail("pl_zero", code)
	}
	// The stock subledger equals 1405, per item and in total. The month before was checked
	// the same way at its close and cannot change since (or, for the first month, the
	// opening is the opening stock and the opening balances): what is left to check is
	// that each item's state moved by what this month posted to 1405 for it.
	inv := roles[InventoryRole]
	first := period == s.Start
	var item string
	err = tx.QueryRowContext(ctx, `WITH gl AS (
			SELECT item_id, sum(a) AS a FROM (
				SELECT item_id, amount AS a FROM item_period_costs WHERE period = ?3
				UNION ALL SELECT item_id, amount FROM opening_stock WHERE ?4
				UNION ALL SELECT item_id, debit - credit FROM account_periods WHERE period = ?1 AND account = ?2)
			GROUP BY item_id)
		SELECT ifnull(min(i.code), '') FROM item_period_costs c JOIN items i ON i.id = c.item_id
		LEFT JOIN gl ON gl.item_id = c.item_id WHERE c.period = ?1
		AND c.amount <> ifnull(gl.a, 0)`, period, inv, period.Prev(), first).Scan(&item)
	if err != nil {
		return err
	}
	if item != "" {
		return fail("stock_1405", item)
	}
	var before, moved, stock Money
	if first {
		if before, err = balance(ctx, tx, inv, period.Prev()); err != nil {
			return err
		}
	} else if before, err = stockTotal(ctx, tx, period.Prev()); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(debit - credit), 0) FROM account_periods
		WHERE period = ?2 AND account BETWEEN ?1 AND ?1 || ':'`, inv, period).Scan(&moved); err != nil {
		return err
	}
	if stock, err = stockTotal(ctx, tx, period); err != nil {
		return err
	}
	if stock != before+moved {
		return fail("stock_1405", stock.Format()+" / "+(before+moved).Format())
	}
	// The partner balances add up to the partner accounts, and are what the documents said.
	if err := checkPartners(ctx, tx, period); err != nil {
		return err
	}
	// VAT: no credit left in 222101 (zero or input carried forward).
	if s.Taxpayer == TaxpayerGeneral {
		b, err := balance(ctx, tx, vatRoot, period)
		if err != nil {
			return err
		}
		if b < 0 {
			return fail("vat", b.Format())
		}
	}
	if period.Month() == 12 {
		b, err := balance(ctx, tx, RoleRoot(ProfitYearRole), period)
		if err != nil {
			return err
		}
		if b != 0 {
			return fail("3103", b.Format())
		}
	}
	return nil
}

// unpostedCash is what the period's audited documents without a voucher yet pay into
// (positive) or out of cash (1001) and the bank (1002) and their sub-accounts: for W3, one
// pass over the documents for both.
func unpostedCash(ctx context.Context, tx *store.Tx, period Period) ([2]Money, error) {
	var docs [2]Money
	err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(CASE WHEN account BETWEEN '1001' AND '1001:' THEN x END), 0),
			ifnull(sum(CASE WHEN account BETWEEN '1002' AND '1002:' THEN x END), 0) FROM (
		SELECT account, CASE type WHEN 'XS' THEN paid WHEN 'CT' THEN paid WHEN 'SK' THEN amount
				WHEN 'XT' THEN -paid WHEN 'CG' THEN -paid WHEN 'FK' THEN -amount WHEN 'FY' THEN -paid ELSE 0 END AS x
			FROM docs WHERE period = ?1 AND status = 'audited' AND (account BETWEEN '1001' AND '1001:' OR account BETWEEN '1002' AND '1002:')
			AND NOT EXISTS (SELECT 1 FROM vouchers v WHERE v.doc_id = docs.id))`, period).Scan(&docs[0], &docs[1])
	return docs, err
}

// stockTotal is the sum of the items' costing states at the end of a period, as its close
// stored them.
func stockTotal(ctx context.Context, tx *store.Tx, period Period) (Money, error) {
	var m Money
	err := tx.QueryRowContext(ctx, "SELECT ifnull(sum(amount), 0) FROM item_period_costs WHERE period = ?", period).Scan(&m)
	return m, err
}

// storePartnerDocs sums up what the period's audited documents did to each partner's
// four balances (partner_doc_periods, in partnerRoles' order), for the close's check that
// the vouchers posted it (checkPartners).
func storePartnerDocs(ctx context.Context, tx *store.Tx, period Period) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO partner_doc_periods(period, partner_id, receivable, advance_received, payable, prepayment)
		SELECT d.period, d.partner_id, `+docEffects.sums()+` FROM docs d
		WHERE d.period = ? AND d.status = 'audited' AND d.partner_id IS NOT NULL GROUP BY d.partner_id`, period)
	return err
}

// monthsBetween is how many months `to` comes after `from` (0 when it does not).
func monthsBetween(from, to Period) int {
	n := 0
	for p := from; p < to; p = p.Next() {
		n++
	}
	return n
}
