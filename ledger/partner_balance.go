package ledger

import (
	"context"
	"strings"

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
	if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(amount), 0) FROM opening_balances WHERE partner_id = ? AND account GLOB ? || '*'`,
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
		rows, err := tx.QueryContext(ctx, `
			WITH eff AS (
				SELECT o.partner_id AS pid, substr(o.account, 1, 4) AS acct, o.amount AS amt
				FROM opening_balances o WHERE o.partner_id IS NOT NULL
				UNION ALL
				SELECT d.partner_id, a.acct, `+docEffectSQLFor("a.acct")+`
				FROM docs d CROSS JOIN (SELECT '1122' AS acct UNION ALL SELECT '2203' UNION ALL SELECT '2202' UNION ALL SELECT '1123') a
				WHERE d.status = 'audited' AND d.partner_id IS NOT NULL)
			SELECT p.code, p.name, p.is_customer, p.is_supplier,
				ifnull(sum(CASE e.acct WHEN '1122' THEN e.amt END), 0),
				-ifnull(sum(CASE e.acct WHEN '2203' THEN e.amt END), 0),
				-ifnull(sum(CASE e.acct WHEN '2202' THEN e.amt END), 0),
				ifnull(sum(CASE e.acct WHEN '1123' THEN e.amt END), 0)
			FROM partners p LEFT JOIN eff e ON e.pid = p.id
			GROUP BY p.id ORDER BY p.code`)
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

func docEffectSQLFor(acct string) string {
	return strings.ReplaceAll(docEffectSQL, "?1", acct)
}
