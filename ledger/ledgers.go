package ledger

import (
	"context"

	"shopbooks/store"
)

// DetailRow is a line of an account's detail ledger (明细账): a voucher line, with the
// running balance of the account (and its sub-accounts), debit-positive.
type DetailRow struct {
	Date    Date
	Voucher string // 2025-01/记-0003; "" for the opening and the month totals
	Doc     string // the document behind a generated voucher
	Summary string
	Account string // the leaf posted
	Partner string
	Item    string
	Debit   Money
	Credit  Money
	Balance Money
	Kind    string // "open", "line", "total" (本月合计), "ytd" (本年累计)
}

// DetailLedger is an account's detail ledger from period `from` to `to`: the opening
// balance, every voucher line in date and number order with the running balance, and
// the month's totals after each month. partner narrows it to one partner. Needs
// PermViewLedger.
func (b *Book) DetailLedger(ctx context.Context, by *User, account, partner string, from, to Period) ([]DetailRow, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	var out []DetailRow
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		a, err := loadAccount(ctx, tx, account)
		if err != nil {
			return err
		}
		var pid int64
		if partner != "" {
			p, err := loadPartner(ctx, tx, partner)
			if err != nil {
				return err
			}
			pid = int64(p.ID)
		}
		var open Money
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT ifnull(sum(amount), 0) FROM opening_balances WHERE account BETWEEN ?1 AND ?1 || ':' AND (?2 = 0 OR partner_id = ?2)) +
			(SELECT CASE WHEN ?1 GLOB '1405*' OR '1405' GLOB ?1 || '*' THEN (SELECT ifnull(sum(amount), 0) FROM opening_stock) ELSE 0 END) +
			(SELECT ifnull(sum(debit - credit), 0) FROM account_periods WHERE account BETWEEN ?1 AND ?1 || ':' AND period < ?3 AND (?2 = 0 OR partner_id = ?2))`,
			a.Code, pid, from).Scan(&open); err != nil {
			return err
		}
		bal := open
		out = append(out, DetailRow{Date: from.FirstDay(), Summary: "期初余额", Balance: bal, Kind: "open"})
		rows, err := tx.QueryContext(ctx, `SELECT v.date, v.period, v.no, ifnull(d.number, ''), l.summary, l.account,
			ifnull(p.code, ''), ifnull(i.code, ''), l.side, l.amount
			FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id LEFT JOIN docs d ON d.id = v.doc_id
			LEFT JOIN partners p ON p.id = l.partner_id LEFT JOIN items i ON i.id = l.item_id
			WHERE l.account BETWEEN ?1 AND ?1 || ':' AND l.period BETWEEN ?2 AND ?3 AND (?4 = 0 OR l.partner_id = ?4)
			ORDER BY v.period, v.date, v.no, l.line_no`, a.Code, from, to, pid)
		if err != nil {
			return err
		}
		defer rows.Close()
		var cur Period
		var mdr, mcr, ydr, ycr Money
		flush := func() {
			if cur == "" {
				return
			}
			out = append(out, DetailRow{Date: cur.LastDay(), Summary: "本月合计", Debit: mdr, Credit: mcr, Balance: bal, Kind: "total"})
			out = append(out, DetailRow{Date: cur.LastDay(), Summary: "本年累计", Debit: ydr, Credit: ycr, Balance: bal, Kind: "ytd"})
			mdr, mcr = 0, 0
		}
		for rows.Next() {
			var r DetailRow
			var p Period
			var no int
			var side string
			var amt Money
			if err := rows.Scan(&r.Date, &p, &no, &r.Doc, &r.Summary, &r.Account, &r.Partner, &r.Item, &side, &amt); err != nil {
				return err
			}
			if p != cur {
				flush()
				if cur == "" || string(p)[:4] != string(cur)[:4] {
					ydr, ycr = 0, 0
				}
				cur = p
			}
			r.Voucher = Voucher{Period: p, No: no}.Ref()
			if side == "D" {
				r.Debit = amt
				bal += amt
				mdr += amt
				ydr += amt
			} else {
				r.Credit = amt
				bal -= amt
				mcr += amt
				ycr += amt
			}
			r.Balance, r.Kind = bal, "line"
			out = append(out, r)
		}
		flush()
		return rows.Err()
	})
	return out, fromStore(err)
}

// GeneralRow is a month of an account's general ledger (总账).
type GeneralRow struct {
	Period        Period
	Opening       Money
	Debit, Credit Money
	YTDDebit      Money
	YTDCredit     Money
	Closing       Money
}

// GeneralLedger is an account's general ledger: a row per month from `from` to `to` with
// opening, movements, year-to-date movements and closing (debit-positive). Needs
// PermViewLedger.
func (b *Book) GeneralLedger(ctx context.Context, by *User, account string, from, to Period) ([]GeneralRow, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	var out []GeneralRow
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		a, err := loadAccount(ctx, tx, account)
		if err != nil {
			return err
		}
		var open Money
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT ifnull(sum(amount), 0) FROM opening_balances WHERE account BETWEEN ?1 AND ?1 || ':') +
			(SELECT CASE WHEN ?1 GLOB '1405*' OR '1405' GLOB ?1 || '*' THEN (SELECT ifnull(sum(amount), 0) FROM opening_stock) ELSE 0 END) +
			(SELECT ifnull(sum(debit - credit), 0) FROM account_periods WHERE account BETWEEN ?1 AND ?1 || ':' AND period < ?2)`,
			a.Code, from).Scan(&open); err != nil {
			return err
		}
		var ydr, ycr Money
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(debit), 0), ifnull(sum(credit), 0) FROM account_periods
			WHERE account BETWEEN ?1 AND ?1 || ':' AND period >= ?2 AND period < ?3`, a.Code, string(from)[:4]+"-01", from).Scan(&ydr, &ycr); err != nil {
			return err
		}
		for p := from; p <= to; p = p.Next() {
			if p.Month() == 1 {
				ydr, ycr = 0, 0
			}
			var dr, cr Money
			if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(debit), 0), ifnull(sum(credit), 0) FROM account_periods
				WHERE account BETWEEN ?1 AND ?1 || ':' AND period = ?2`, a.Code, p).Scan(&dr, &cr); err != nil {
				return err
			}
			ydr, ycr = ydr+dr, ycr+cr
			r := GeneralRow{Period: p, Opening: open, Debit: dr, Credit: cr, YTDDebit: ydr, YTDCredit: ycr, Closing: open + dr - cr}
			out = append(out, r)
			open = r.Closing
		}
		return nil
	})
	return out, fromStore(err)
}
