package ledger

import (
	"context"
	"strings"
	"time"

	"shopbooks/store"
)

// Receivables and payables per partner (DOMAIN.md §5.3): the opening balances plus the
// effect of every audited document on 1122 应收账款, 2203 预收账款, 2202 应付账款 and
// 1123 预付账款, as its voucher will post it at the close. Balances are debit-positive.

// docEffectSQL gives, per audited document, its debit-positive effect on one partner
// account (?1). Columns of docs: gross G, paid S, advance_used P, applied, advance.
const docEffectSQL = `CASE ?1
	WHEN '1122' THEN CASE d.type WHEN 'XS' THEN d.gross - d.advance_used - d.paid
	                             WHEN 'XT' THEN -(d.gross - d.paid)
	                             WHEN 'SK' THEN -d.applied ELSE 0 END
	WHEN '2203' THEN CASE d.type WHEN 'XS' THEN d.advance_used WHEN 'SK' THEN -d.advance ELSE 0 END
	WHEN '2202' THEN CASE d.type WHEN 'CG' THEN -(d.gross - d.advance_used - d.paid)
	                             WHEN 'CT' THEN d.gross - d.paid
	                             WHEN 'FK' THEN d.applied
	                             WHEN 'FY' THEN -(d.gross - d.paid) ELSE 0 END
	WHEN '1123' THEN CASE d.type WHEN 'CG' THEN -d.advance_used WHEN 'FK' THEN d.advance ELSE 0 END
	ELSE 0 END`

// partnerAccountBalance is a partner's debit-positive balance on a partner account
// (1122, 2203, 2202, 1123): opening plus audited documents, leaving out document
// `except` (the one being saved).
func partnerAccountBalance(ctx context.Context, tx *store.Tx, partnerID int64, account string, except DocID) (Money, error) {
	var open, docs Money
	if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(amount), 0) FROM opening_balances WHERE partner_id = ?1 AND account BETWEEN ?2 AND ?2 || ':'`,
		partnerID, account).Scan(&open); err != nil {
		return 0, err
	}
	err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(`+docEffectSQL+`), 0) FROM docs d
		WHERE d.partner_id = ?2 AND d.status = 'audited' AND d.id <> ?3`, account, partnerID, except).Scan(&docs)
	return open + docs, err
}

// PartnerBalance is what a partner owes or is owed: each amount on its normal side.
type PartnerBalance struct {
	Partner     string
	Name        string
	Customer    bool
	Supplier    bool
	Receivable  Money // 1122 应收账款 (debit)
	AdvanceRecv Money // 2203 预收账款 (credit)
	Payable     Money // 2202 应付账款 (credit)
	Prepaid     Money // 1123 预付账款 (debit)
}

// PartnerBalances lists every partner with a balance (or all of them with all=true),
// by code. Needs PermViewCost (partner balances, DOMAIN.md §9).
func (b *Book) PartnerBalances(ctx context.Context, by *User, all bool) ([]PartnerBalance, error) {
	if !by.Can(PermViewCost) {
		return nil, forbidden(string(PermViewCost))
	}
	var out []PartnerBalance
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		// One pass over the documents, each giving its effect on the four accounts (a
		// cross join with the accounts would read each four times). The table is read in
		// its own order and the sums grouped by a sort: through the (partner, date) index
		// every document would cost a look-up. A document with nothing on credit and no
		// advance or settlement has no effect (every case of docEffectSQL is then 0) and is
		// left out before the sort: most sales are paid in full.
		rows, err := tx.QueryContext(ctx, `
			WITH docsum AS MATERIALIZED (
				SELECT d.partner_id AS pid, sum(`+docEffectSQLFor("'1122'")+`) AS r, sum(`+docEffectSQLFor("'2203'")+`) AS a,
					sum(`+docEffectSQLFor("'2202'")+`) AS y, sum(`+docEffectSQLFor("'1123'")+`) AS q
				FROM docs d NOT INDEXED
				WHERE d.status = 'audited' AND d.partner_id IS NOT NULL
					AND (d.gross <> d.paid OR d.advance_used <> 0 OR d.applied <> 0 OR d.advance <> 0)
				GROUP BY d.partner_id)
			, opensum AS MATERIALIZED (
				SELECT partner_id AS pid, sum(CASE substr(account, 1, 4) WHEN '1122' THEN amount ELSE 0 END) AS r,
					sum(CASE substr(account, 1, 4) WHEN '2203' THEN amount ELSE 0 END) AS a,
					sum(CASE substr(account, 1, 4) WHEN '2202' THEN amount ELSE 0 END) AS y,
					sum(CASE substr(account, 1, 4) WHEN '1123' THEN amount ELSE 0 END) AS q
				FROM opening_balances WHERE partner_id IS NOT NULL GROUP BY partner_id)
			SELECT p.code, p.name, p.is_customer, p.is_supplier,
				ifnull(d.r, 0) + ifnull(o.r, 0), -(ifnull(d.a, 0) + ifnull(o.a, 0)),
				-(ifnull(d.y, 0) + ifnull(o.y, 0)), ifnull(d.q, 0) + ifnull(o.q, 0)
			FROM partners p LEFT JOIN docsum d ON d.pid = p.id LEFT JOIN opensum o ON o.pid = p.id
			ORDER BY p.code`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pb PartnerBalance
			if err := rows.Scan(&pb.Partner, &pb.Name, &pb.Customer, &pb.Supplier, &pb.Receivable, &pb.AdvanceRecv, &pb.Payable, &pb.Prepaid); err != nil {
				return err
			}
			if all || pb.Receivable != 0 || pb.AdvanceRecv != 0 || pb.Payable != 0 || pb.Prepaid != 0 {
				out = append(out, pb)
			}
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// PartnerBalanceOf is one partner's balances (see PartnerBalances). Needs PermViewCost.
func (b *Book) PartnerBalanceOf(ctx context.Context, by *User, code string) (PartnerBalance, error) {
	if !by.Can(PermViewCost) {
		return PartnerBalance{}, forbidden(string(PermViewCost))
	}
	var pb PartnerBalance
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		p, err := loadPartner(ctx, tx, code)
		if err != nil {
			return err
		}
		pb = PartnerBalance{Partner: p.Code, Name: p.Name, Customer: p.Customer, Supplier: p.Supplier}
		for _, x := range []struct {
			acct string
			dst  *Money
			sign Money
		}{{"1122", &pb.Receivable, 1}, {"2203", &pb.AdvanceRecv, -1}, {"2202", &pb.Payable, -1}, {"1123", &pb.Prepaid, 1}} {
			bal, err := partnerAccountBalance(ctx, tx, int64(p.ID), x.acct, 0)
			if err != nil {
				return err
			}
			*x.dst = x.sign * bal
		}
		return nil
	})
	return pb, fromStore(err)
}

func docEffectSQLFor(acct string) string {
	return strings.ReplaceAll(docEffectSQL, "?1", acct)
}

// StatementRow is a document's effect on a partner's account, with the running balance
// (DOMAIN.md §5.3); for an invoice-like document (a delivery or a receipt on credit) also
// what is still open of it after payments, applied oldest first (§5.3's default).
type StatementRow struct {
	Date    Date
	Number  string // "" for the opening balance
	Type    DocType
	Debit   Money // on the account, debit-positive view: what the partner came to owe us more
	Credit  Money
	Balance Money // running, on the account's normal side
	Open    Money // what is still unpaid of this document
	DueDate Date  // date + the partner's terms, for documents on credit
}

// PartnerStatement lists, document by document, what changed a partner's receivable
// (account "1122", with 2203 advances beside it) or payable ("2202", with 1123), with the
// running balance and, for each sale or purchase on credit, what is still open after the
// partner's payments, applied oldest first. Needs PermViewCost.
func (b *Book) PartnerStatement(ctx context.Context, by *User, partner, account string) ([]StatementRow, error) {
	if !by.Can(PermViewCost) {
		return nil, forbidden(string(PermViewCost))
	}
	if account != "1122" && account != "2202" {
		return nil, refuse(CodeBadChoice, "field", "account", "value", account, "choices", "1122, 2202")
	}
	var out []StatementRow
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		p, err := loadPartner(ctx, tx, partner)
		if err != nil {
			return err
		}
		sign := Money(1) // receivables: debit-positive; payables: credit-positive
		if account == "2202" {
			sign = -1
		}
		var opening Money
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(amount), 0) FROM opening_balances WHERE partner_id = ?1 AND account BETWEEN ?2 AND ?2 || ':'`,
			p.ID, account).Scan(&opening); err != nil {
			return err
		}
		bal := sign * opening
		out = append(out, StatementRow{Balance: bal, Open: max(bal, 0)})
		rows, err := tx.QueryContext(ctx, `SELECT d.date, d.number, d.type, `+docEffectSQLFor("'"+account+"'")+` AS eff
			FROM docs d WHERE d.partner_id = ? AND d.status = 'audited' ORDER BY d.date, d.type, d.seq`, p.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r StatementRow
			var eff Money
			if err := rows.Scan(&r.Date, &r.Number, &r.Type, &eff); err != nil {
				return err
			}
			if eff == 0 {
				continue
			}
			eff *= sign
			if eff > 0 {
				r.Debit = eff
				r.Open = eff
				if t, err := time.Parse("2006-01-02", string(r.Date)); err == nil {
					r.DueDate = Date(t.AddDate(0, 0, p.TermsDays).Format("2006-01-02"))
				}
			} else {
				r.Credit = -eff
			}
			bal += eff
			r.Balance = bal
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// Apply what was paid (and credits) to the open documents, oldest first.
		var paid Money
		for _, r := range out {
			paid += r.Credit
		}
		if out[0].Balance < 0 {
			paid -= out[0].Balance
		}
		for i := range out {
			take := min(paid, out[i].Open)
			out[i].Open -= take
			paid -= take
		}
		return nil
	})
	return out, fromStore(err)
}
