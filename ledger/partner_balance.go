package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"shopbooks/store"
)

// Receivables and payables per partner (DOMAIN.md §0's B(x,p), §5.3): a partner's balance
// on each account kept per partner — the receivable, advance received, payable and
// prepayment roles, each read under its root (1122, 2203, 2202, 1123) with its
// sub-accounts, as the statements and the identities of §7.5 read them — is
//
//   - its opening balance, plus
//   - what the vouchers of the closed periods posted for it (account_periods: every
//     voucher, the manual ones too; a closed period has only audited vouchers, B4), plus
//   - the open periods' audited documents, each with the effect its template will post at
//     the close (docEffects), and the open periods' audited manual vouchers.
//
// An open period's unaudited manual voucher does not count: it is not posted yet (§5.3
// "posted balances"), may still be edited or deleted, and blocks the close (B4) until it
// is audited. (The statements' previews and the trial balance of an open period do show
// it: they read every voucher line.) The close refuses to finish unless what it posted
// for each partner is what the documents and manual vouchers said (checkPartners), so
// a balance does not move when its period closes. Balances are debit-positive.

// partnerRoles are the accounts kept per partner, in the order of partnerSums.
var partnerRoles = [...]AccountRole{ReceivableRole, AdvanceReceivedRole, PayableRole, PrepaymentRole}

// partnerSums are a partner's debit-positive balances on partnerRoles' accounts.
type partnerSums [len(partnerRoles)]Money

// docEffects are, per partnerRoles' account, the debit-positive effect of an audited
// document d on its partner's balance, as its template (§5.3) posts it. Columns of docs:
// gross G, paid S, advance_used P, applied, advance.
var docEffects = partnerExprs{
	// receivable: a sale on credit less the advance used; a return takes back what was
	// not refunded now; a receipt's applied part
	`CASE d.type WHEN 'XS' THEN d.gross - d.advance_used - d.paid WHEN 'XT' THEN -(d.gross - d.paid)
		WHEN 'SK' THEN -d.applied ELSE 0 END`,
	// advance received: used by a sale (debit); a receipt's advance part (credit)
	`CASE d.type WHEN 'XS' THEN d.advance_used WHEN 'SK' THEN -d.advance ELSE 0 END`,
	// payable: a purchase or an expense on credit (credit); a return (debit); a payment's
	// applied part
	`CASE d.type WHEN 'CG' THEN -(d.gross - d.advance_used - d.paid) WHEN 'CT' THEN d.gross - d.paid
		WHEN 'FK' THEN d.applied WHEN 'FY' THEN -(d.gross - d.paid) ELSE 0 END`,
	// prepayment: used by a purchase (credit); a payment's prepayment part
	`CASE d.type WHEN 'CG' THEN -d.advance_used WHEN 'FK' THEN d.advance ELSE 0 END`,
}

// partnerExprs is an SQL expression per partnerRoles' account.
type partnerExprs [len(partnerRoles)]string

// sums is the four effects summed: "sum(e0), sum(e1), sum(e2), sum(e3)".
func (e partnerExprs) sums() string {
	var b strings.Builder
	for i, x := range e {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("sum(" + x + ")")
	}
	return b.String()
}

// partnerRoots is the VALUES list of partnerRoles' accounts as (k, lo, hi) rows: k the
// index in partnerSums, [lo, hi) the code range of the role's root and its sub-accounts,
// from the arguments ?1 to ?8 (partnerRootArgs).
var partnerRoots = func() string {
	var b strings.Builder
	b.WriteString("VALUES ")
	for k := range partnerRoles {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%d, ?%d, ?%d)", k, 2*k+1, 2*k+2)
	}
	return b.String()
}()

// partnerRootArgs are partnerRoots' arguments.
func partnerRootArgs() []any {
	var out []any
	for _, r := range partnerRoles {
		cr := rangeOf(RoleRoot(r))
		out = append(out, cr.lo, cr.hi)
	}
	return out
}

// partnerIndex is the index in partnerSums of the role whose root is account ("1122",
// "2203", "2202" or "1123"), or -1.
func partnerIndex(account string) int {
	for k, r := range partnerRoles {
		if RoleRoot(r) == account {
			return k
		}
	}
	return -1
}

// partnerScope says which partner balances readPartnerSums reads.
type partnerScope struct {
	partner int64  // one partner's, or every partner's when 0
	upTo    Period // at the end of this period; "" for everything audited so far
	except  DocID  // a document left out (the one being saved), or 0
}

// lastClosedPeriod is the latest closed period, "" when none is.
func lastClosedPeriod(ctx context.Context, tx *store.Tx) (Period, error) {
	var p Period
	err := tx.QueryRowContext(ctx, "SELECT ifnull(max(period), '') FROM periods WHERE closed = 1").Scan(&p)
	return p, err
}

// readPartnerSums reads the partners' balances of sc (see the top of this file), by
// partner id; a partner without any entry is left out. Four sums in SQL, each a range
// of an index: the opening balances; the closed periods' summaries per account and
// partner; the open periods' audited documents (by period, or the partner's by date); the
// open periods' audited manual vouchers.
func readPartnerSums(ctx context.Context, tx *store.Tx, sc partnerScope) (map[int64]*partnerSums, error) {
	closed, err := lastClosedPeriod(ctx, tx)
	if err != nil {
		return nil, err
	}
	upTo := sc.upTo
	if upTo == "" {
		upTo = "9999-12"
	}
	postedTo := min(closed, upTo) // the summaries up to it; documents and manual vouchers after it
	pLo, pHi := int64(1), int64(math.MaxInt64)
	if sc.partner != 0 {
		pLo, pHi = sc.partner, sc.partner
	}
	out := map[int64]*partnerSums{}
	at := func(pid int64) *partnerSums {
		if out[pid] == nil {
			out[pid] = &partnerSums{}
		}
		return out[pid]
	}
	add := func(q string, args ...any) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pid int64
			var k int
			var m Money
			if err := rows.Scan(&pid, &k, &m); err != nil {
				return err
			}
			at(pid)[k] += m
		}
		return rows.Err()
	}
	roots := partnerRootArgs() // ?1..?8
	args := func(more ...any) []any { return append(slices.Clone(roots), more...) }
	// The opening balances and the closed periods' summaries, account by account under
	// the roots (account_periods is keyed by account, then partner: the partner is a
	// range of the key, one partner a seek).
	if err := add(`WITH r(k, lo, hi) AS (`+partnerRoots+`)
		SELECT o.partner_id, r.k, sum(o.amount) FROM r JOIN opening_balances o ON o.account >= r.lo AND o.account < r.hi
		WHERE o.partner_id BETWEEN ?9 AND ?10 GROUP BY o.partner_id, r.k`, args(pLo, pHi)...); err != nil {
		return nil, err
	}
	if postedTo != "" {
		if err := add(`WITH r(k, lo, hi) AS (`+partnerRoots+`)
			SELECT a.partner_id, r.k, sum(a.debit - a.credit) FROM r JOIN accounts c ON c.code >= r.lo AND c.code < r.hi
			CROSS JOIN account_periods a ON a.account = c.code AND a.partner_id BETWEEN ?9 AND ?10
			WHERE +a.period <= ?11 GROUP BY a.partner_id, r.k`, args(pLo, pHi, postedTo)...); err != nil {
			return nil, err
		}
	}
	// The open periods' audited documents, each with its template's effect on the four
	// accounts: one partner's through docs_partner (partner, date), every partner's
	// through the periods' documents. With no period closed that is every document: it
	// is read in table order (through an index each would cost a look-up) and the ones
	// with nothing on credit, no advance and no settlement (most sales, paid in full)
	// are left out before the sums are grouped.
	from := Date("")
	if postedTo != "" {
		from = postedTo.LastDay()
	}
	docs := `FROM docs d WHERE d.partner_id = ?1 AND d.date > ?2 AND d.date <= ?3`
	dargs := []any{sc.partner, from, Period(upTo).LastDay(), sc.except}
	switch {
	case sc.partner != 0:
	case postedTo == "":
		docs = `FROM docs d NOT INDEXED WHERE d.partner_id IS NOT NULL AND d.period <= ?3
			AND (d.gross <> d.paid OR d.advance_used <> 0 OR d.applied <> 0 OR d.advance <> 0)`
		dargs[2] = upTo
	default:
		docs = `FROM docs d WHERE d.period > ?2 AND d.period <= ?3 AND d.partner_id IS NOT NULL`
		dargs[1], dargs[2] = postedTo, upTo
	}
	rows, err := tx.QueryContext(ctx, `SELECT d.partner_id, `+docEffects.sums()+` `+docs+`
		AND d.status = 'audited' AND d.id <> ?4 GROUP BY d.partner_id`, dargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var e partnerSums
		if err := rows.Scan(&pid, &e[0], &e[1], &e[2], &e[3]); err != nil {
			return nil, err
		}
		s := at(pid)
		for k := range e {
			s[k] += e[k]
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// The open periods' audited manual vouchers (the only vouchers an open period has but
	// during its own close, whose generated vouchers the documents above stand for), found
	// from the open periods' vouchers (CROSS JOIN: not from every line with a partner).
	if err := add(`WITH r(k, lo, hi) AS (`+partnerRoots+`)
		SELECT l.partner_id, r.k, sum(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END)
		FROM vouchers v CROSS JOIN voucher_lines l ON l.voucher_id = v.id CROSS JOIN r ON l.account >= r.lo AND l.account < r.hi
		WHERE v.period > ?11 AND v.period <= ?12 AND v.source = 'manual' AND v.status = 'audited'
			AND l.partner_id BETWEEN ?9 AND ?10 GROUP BY l.partner_id, r.k`, args(pLo, pHi, postedTo, upTo)...); err != nil {
		return nil, err
	}
	return out, nil
}

// partnerAccountBalance is a partner's debit-positive balance on a partner account
// (the root of a partnerRoles' role: "1122", "2203", "2202", "1123"), leaving out
// document `except` (the one being saved): what a receipt's applied part defaults to
// and what bounds the advance a document uses (DOMAIN.md §5.3).
func partnerAccountBalance(ctx context.Context, tx *store.Tx, partnerID int64, account string, except DocID) (Money, error) {
	k := partnerIndex(account)
	if k < 0 {
		return 0, fmt.Errorf("partner balance: %s is not kept per partner", account)
	}
	sums, err := readPartnerSums(ctx, tx, partnerScope{partner: partnerID, except: except})
	if err != nil || sums[partnerID] == nil {
		return 0, err
	}
	return sums[partnerID][k], nil
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

// set fills the four amounts from debit-positive sums.
func (pb *PartnerBalance) set(s *partnerSums) {
	if s != nil {
		pb.Receivable, pb.AdvanceRecv, pb.Payable, pb.Prepaid = s[0], -s[1], -s[2], s[3]
	}
}

func (pb PartnerBalance) zero() bool {
	return pb.Receivable == 0 && pb.AdvanceRecv == 0 && pb.Payable == 0 && pb.Prepaid == 0
}

// PartnerBalances lists every partner with a balance (or all of them with all=true),
// by code. Needs PermViewCost (partner balances, DOMAIN.md §9).
func (b *Book) PartnerBalances(ctx context.Context, by *User, all bool) ([]PartnerBalance, error) {
	if !by.Can(PermViewCost) {
		return nil, forbidden(string(PermViewCost))
	}
	var out []PartnerBalance
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		sums, err := readPartnerSums(ctx, tx, partnerScope{})
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, code, name, is_customer, is_supplier FROM partners ORDER BY code`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pb PartnerBalance
			var id int64
			if err := rows.Scan(&id, &pb.Partner, &pb.Name, &pb.Customer, &pb.Supplier); err != nil {
				return err
			}
			pb.set(sums[id])
			if all || !pb.zero() {
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
		sums, err := readPartnerSums(ctx, tx, partnerScope{partner: int64(p.ID)})
		pb.set(sums[int64(p.ID)])
		return err
	})
	return pb, fromStore(err)
}

// StatementRow is a document's (or a manual voucher's) effect on a partner's account,
// with the running balance (DOMAIN.md §5.3); for an invoice-like entry (a delivery or a
// receipt on credit, a manual debit to the partner) also what is still open of it after
// payments, applied oldest first (§5.3's default).
type StatementRow struct {
	Date    Date
	Number  string  // the document's number, a manual voucher's reference (2025-01/记-0003), "" for the opening balance
	Type    DocType // "" for a manual voucher
	Debit   Money   // on the account, debit-positive view: what the partner came to owe us more
	Credit  Money
	Balance Money // running, on the account's normal side
	Open    Money // what is still unpaid of this entry
	DueDate Date  // date + the partner's terms, for entries on credit
}

// PartnerStatement lists, entry by entry, what changed a partner's receivable (account
// "1122", with its sub-accounts) or payable ("2202"): the opening balance, the audited
// documents and the manual vouchers (audited ones in open periods), with the running
// balance and, for each sale or purchase on credit, what is still open after the
// partner's payments, applied oldest first. It ends on the partner's balance
// (PartnerBalanceOf). Needs PermViewCost.
func (b *Book) PartnerStatement(ctx context.Context, by *User, partner, account string) ([]StatementRow, error) {
	if !by.Can(PermViewCost) {
		return nil, forbidden(string(PermViewCost))
	}
	if account != RoleRoot(ReceivableRole) && account != RoleRoot(PayableRole) {
		return nil, refuse(CodeBadChoice, "field", "account", "value", account, "choices", RoleRoot(ReceivableRole)+", "+RoleRoot(PayableRole))
	}
	k := partnerIndex(account)
	var out []StatementRow
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		p, err := loadPartner(ctx, tx, partner)
		if err != nil {
			return err
		}
		sign := Money(1) // receivables: debit-positive; payables: credit-positive
		if account == RoleRoot(PayableRole) {
			sign = -1
		}
		cr := rangeOf(account)
		var opening Money
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(amount), 0) FROM opening_balances WHERE partner_id = ?1 AND account >= ?2 AND account < ?3`,
			p.ID, cr.lo, cr.hi).Scan(&opening); err != nil {
			return err
		}
		bal := sign * opening
		out = append(out, StatementRow{Balance: bal, Open: max(bal, 0)})
		rows, err := tx.QueryContext(ctx, `SELECT date, number, type, eff FROM (
				SELECT d.date, d.number, d.type, `+docEffects[k]+` AS eff, 0 AS kind, d.seq AS seq
				FROM docs d WHERE d.partner_id = ?1 AND d.status = 'audited'
				UNION ALL
				SELECT v.date, v.period || '/记-' || printf('%04d', v.no), '', sum(CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END), 1, v.no
				FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
				WHERE l.partner_id = ?1 AND l.account >= ?2 AND l.account < ?3 AND v.source = 'manual' AND v.status = 'audited'
				GROUP BY v.id)
			ORDER BY date, kind, type, seq`, p.ID, cr.lo, cr.hi)
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
		// Apply what was paid (and credits) to the open entries, oldest first.
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

// partnerGap is a leaf under partnerRoles' roots whose partners' balances do not add up
// to its balance: at the end of Period ("" for the opening balances), Balance is the
// account's and Partners the sum of its partners'. The difference is kept without a
// partner (a line or an opening without one, or with a partner that does not exist), so
// the partner balances miss it.
type partnerGap struct {
	Period            Period
	Account           string
	Balance, Partners Money
}

// firstPartnerGap finds a leaf under partnerRoles' roots at whose balance its partners'
// balances do not add up (DOMAIN.md §7.5 item 6: Σ_p B(x,p) = B(x) for 1122, 1123, 2202,
// 2203 with their sub-accounts). With ends, the first period end that fails among the
// opening and the ends of the periods up to upTo ("" for the opening only); else at the
// end of upTo only. nil when they add up. One grouped query over the roots' summaries
// (keyed by account, then partner: a few rows a partner and a month).
func firstPartnerGap(ctx context.Context, tx *store.Tx, upTo Period, ends bool) (*partnerGap, error) {
	// What each leaf keeps without a known partner: at the opening (period ''), then
	// moved in each period.
	q := `WITH r(k, lo, hi) AS (` + partnerRoots + `),
		acct AS (SELECT c.code FROM r JOIN accounts c ON c.code >= r.lo AND c.code < r.hi),
		nop(account, period, b) AS (
			SELECT o.account, '', o.amount FROM opening_balances o
			WHERE o.account IN acct AND NOT EXISTS (SELECT 1 FROM partners p WHERE p.id = o.partner_id)
			UNION ALL
			SELECT a.account, a.period, a.debit - a.credit FROM acct CROSS JOIN account_periods a ON a.account = acct.code
			WHERE a.period <= ?9 AND NOT EXISTS (SELECT 1 FROM partners p WHERE p.id = a.partner_id))`
	if ends { // running per account, period by period: the first end where it is not zero
		q += `, per AS (SELECT account, period, sum(b) AS b FROM nop GROUP BY account, period),
			run AS (SELECT account, period, sum(b) OVER (PARTITION BY account ORDER BY period) AS gap FROM per)
			SELECT account, period, gap FROM run WHERE gap <> 0 ORDER BY period, account LIMIT 1`
	} else {
		q += ` SELECT account, ?9, sum(b) FROM nop GROUP BY account HAVING sum(b) <> 0 ORDER BY account LIMIT 1`
	}
	var g partnerGap
	var gap Money
	err := tx.QueryRowContext(ctx, q, append(partnerRootArgs(), upTo)...).Scan(&g.Account, &g.Period, &gap)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT ifnull(sum(amount), 0) FROM opening_balances WHERE account = ?1) +
		(SELECT ifnull(sum(debit - credit), 0) FROM account_periods WHERE account = ?1 AND period <= ?2)`, g.Account, g.Period).Scan(&g.Balance); err != nil {
		return nil, err
	}
	g.Partners = g.Balance - gap
	return &g, nil
}

// checkPartners is the close's post-check of the partner balances at the end of period
// (DOMAIN.md §6.3 step 6, "partner sums = 1122/1123/2202/2203"): every leaf under the
// partner accounts' roots is its partners' balances added up (firstPartnerGap); and what
// the period's vouchers posted for each partner is what its documents' templates and its
// manual vouchers said (partner_doc_periods, stored by the close before), so the balances
// the documents were entered with (readPartnerSums) do not move when the period closes.
func checkPartners(ctx context.Context, tx *store.Tx, period Period) error {
	g, err := firstPartnerGap(ctx, tx, period, false)
	if err != nil {
		return err
	}
	if g != nil {
		return refuse(CodeClosePartners, "period", string(period), "account", g.Account, "balance", g.Balance.Format(),
			"partners", g.Partners.Format(), "difference", (g.Balance - g.Partners).Format())
	}
	var partner string
	var k int
	var posted, entered Money
	err = tx.QueryRowContext(ctx, `WITH r(k, lo, hi) AS (`+partnerRoots+`),
		e(pid, k, posted, entered) AS (
			SELECT a.partner_id, r.k, a.debit - a.credit, 0 FROM r JOIN account_periods a
				ON a.period = ?9 AND a.account >= r.lo AND a.account < r.hi WHERE a.partner_id <> 0
			UNION ALL
			SELECT d.partner_id, r.k, 0, CASE r.k WHEN 0 THEN d.receivable WHEN 1 THEN d.advance_received
				WHEN 2 THEN d.payable ELSE d.prepayment END
			FROM partner_doc_periods d CROSS JOIN r WHERE d.period = ?9
			UNION ALL
			SELECT l.partner_id, r.k, 0, CASE l.side WHEN 'D' THEN l.amount ELSE -l.amount END
			FROM vouchers v CROSS JOIN voucher_lines l ON l.voucher_id = v.id CROSS JOIN r ON l.account >= r.lo AND l.account < r.hi
			WHERE v.period = ?9 AND v.source = 'manual' AND l.partner_id IS NOT NULL)
		SELECT ifnull(p.code, e.pid), e.k, sum(e.posted), sum(e.entered) FROM e LEFT JOIN partners p ON p.id = e.pid
		GROUP BY e.pid, e.k HAVING sum(e.posted) <> sum(e.entered) ORDER BY 1, 2 LIMIT 1`,
		append(partnerRootArgs(), period)...).Scan(&partner, &k, &posted, &entered)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return refuse(CodePostCheck, "check", "partner_docs", "detail",
		fmt.Sprintf("%s %s: %s / %s", partner, RoleRoot(partnerRoles[k]), posted.Format(), entered.Format()))
}
