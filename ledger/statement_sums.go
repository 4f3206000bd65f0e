package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"shopbooks/store"
)

// The statements' reads of the per-period account summaries (account_periods), shaped so
// that a balance sheet or a profit statement reads few rows whatever the book's age
// (issue 6: under 20 ms):
//
//   - account_periods is clustered by (account, partner, item, period), so a range of
//     account codes is read in key order; the period is filtered on the rows read
//     (`+period`), never through the (period, account) index, which costs a key look-up
//     per row.
//   - 1405 is kept per item and per period: most of the table. Its balance at the end of
//     a closed period is the stock the close stored per item (item_period_costs): the
//     close refuses to finish unless they agree per item and in total (DOMAIN.md §6.3
//     post-checks), verify re-checks it, and a closed period never changes. Only the
//     1405 movements of later, open periods are added to it.

// inventoryAccount is the account whose balance per item the close checks against its
// stored stock (close_check.go's stock_1405).
const inventoryAccount = "1405"

// codeRange is the key range [lo, hi) of an account code and its sub-accounts (codes are
// digits, so the code with its last byte incremented bounds them); ["", "\xff") is
// every account.
type codeRange struct{ lo, hi string }

func rangeOf(code string) codeRange {
	if code == "" {
		return codeRange{"", "\xff"}
	}
	hi := []byte(code)
	hi[len(hi)-1]++
	return codeRange{code, string(hi)}
}

// ranges are the code ranges of codes (every account when none).
func ranges(codes []string) []codeRange {
	if len(codes) == 0 {
		return []codeRange{rangeOf("")}
	}
	out := make([]codeRange, 0, len(codes))
	for _, c := range codes {
		out = append(out, rangeOf(c))
	}
	return out
}

// readBalances reads balances at the end of period (at the start of its year when
// yearStart) of the accounts under codes (every account when none), 1405 per item when
// perItem. The caller checks the permission.
func (b *Book) readBalances(ctx context.Context, period Period, yearStart, perItem bool, codes ...string) ([]AccountBalance, error) {
	var out []AccountBalance
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if yearStart {
			out, err = yearStartUnder(ctx, tx, period, ranges(codes), perItem)
		} else {
			out, err = balancesUnder(ctx, tx, period, ranges(codes), perItem)
		}
		return err
	})
	return out, fromStore(err)
}

// balancesUnder reads the balances at the end of period over the code ranges rs; 1405 per
// item when perItem, else one balance.
func balancesUnder(ctx context.Context, tx *store.Tx, period Period, rs []codeRange, perItem bool) ([]AccountBalance, error) {
	partners, err := codesByID(ctx, tx, "partners")
	if err != nil {
		return nil, err
	}
	type key struct {
		account string
		pid     int64
		item    string
	}
	sum := map[key]Money{}
	var order []key
	add := func(k key, m Money) {
		if _, ok := sum[k]; !ok {
			order = append(order, k)
		}
		sum[k] += m
	}
	inv := false
	var others []codeRange // the ranges without 1405 itself (its sub-accounts stay)
	for _, r := range rs {
		if r.lo <= inventoryAccount && inventoryAccount < r.hi {
			inv = true
			others = append(others, codeRange{r.lo, inventoryAccount}, codeRange{inventoryAccount + "\x00", r.hi})
			continue
		}
		others = append(others, r)
	}
	for _, r := range others {
		// The opening balances, then the summaries up to period: each read in its key
		// order, so it groups without a sort (a UNION of the two would sort every row).
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`SELECT account, ifnull(partner_id, 0), sum(amount) FROM opening_balances
				WHERE account >= ?1 AND account < ?2 GROUP BY account, ifnull(partner_id, 0)`, []any{r.lo, r.hi}},
			{`SELECT account, partner_id, sum(debit - credit) FROM account_periods
				WHERE account >= ?1 AND account < ?2 AND +period <= ?3 GROUP BY account, partner_id`, []any{r.lo, r.hi, period}},
		} {
			rows, err := tx.QueryContext(ctx, q.sql, q.args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var k key
				var m Money
				if err := rows.Scan(&k.account, &k.pid, &m); err != nil {
					rows.Close()
					return nil, err
				}
				add(k, m)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	if inv {
		// 1405 per item: the stock stored by the last close at or before period, then
		// the 1405 movements of the months after it; without a close, the opening stock
		// and every 1405 movement.
		var last sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT max(period) FROM periods WHERE closed = 1 AND period <= ?", period).Scan(&last); err != nil {
			return nil, err
		}
		// (item_period_costs is keyed by item, then period: one look-up per item.)
		base := `SELECT i.code AS code, s.amount AS b FROM opening_stock s JOIN items i ON i.id = s.item_id`
		if last.Valid {
			base = `SELECT i.code AS code, c.amount AS b FROM items i CROSS JOIN item_period_costs c ON c.item_id = i.id AND c.period = ?2`
		}
		// 1405 is not entered as an opening balance (DOMAIN.md §6.1); were it, it would
		// count here, without an item, as it did before any close.
		q := base + `
			UNION ALL SELECT '', amount FROM opening_balances WHERE account = ?3
			UNION ALL SELECT ifnull(i.code, ''), a.debit - a.credit FROM account_periods a LEFT JOIN items i ON i.id = a.item_id
			WHERE a.period > ?2 AND a.period <= ?1 AND +a.account = ?3`
		if !perItem {
			q = `SELECT '', ifnull(sum(b), 0) FROM (` + q + `)`
		}
		rows, err := tx.QueryContext(ctx, q, period, last.String, inventoryAccount)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			k := key{account: inventoryAccount}
			var m Money
			if err := rows.Scan(&k.item, &m); err != nil {
				rows.Close()
				return nil, err
			}
			add(k, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]AccountBalance, 0, len(order))
	for _, k := range order {
		if m := sum[k]; m != 0 {
			out = append(out, AccountBalance{Account: k.account, Partner: partners[k.pid], Item: k.item, Balance: m})
		}
	}
	sortBalances(out)
	return out, nil
}

// codesByID maps the ids of a master-data table (partners, items) to their codes.
func codesByID(ctx context.Context, tx *store.Tx, table string) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, code FROM "+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		out[id] = code
	}
	return out, rows.Err()
}

// sortBalances orders balances by account, partner code, item code (codes compare
// without ASCII case, as their NOCASE columns do).
func sortBalances(bs []AccountBalance) {
	slices.SortFunc(bs, func(a, b AccountBalance) int {
		return cmp.Or(strings.Compare(a.Account, b.Account), compareNoCase(a.Partner, b.Partner), compareNoCase(a.Item, b.Item))
	})
}

// compareNoCase compares like SQLite's NOCASE: ASCII letters folded, then byte order.
func compareNoCase(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// yearStartUnder reads the balances at the start of the year of period over the code
// ranges rs: the balances at the end of the previous December, or, in the book's first
// year, the opening balances of the balance-sheet accounts less their year-to-date
// movements, and the opening stock.
func yearStartUnder(ctx context.Context, tx *store.Tx, period Period, rs []codeRange, perItem bool) ([]AccountBalance, error) {
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	if string(s.Start)[:4] != string(period)[:4] {
		return balancesUnder(ctx, tx, Period(string(period)[:4]+"-01").Prev(), rs, perItem)
	}
	partners, err := codesByID(ctx, tx, "partners")
	if err != nil {
		return nil, err
	}
	var out []AccountBalance
	inv := false
	for _, r := range rs {
		inv = inv || (r.lo <= inventoryAccount && inventoryAccount < r.hi)
		rows, err := tx.QueryContext(ctx, `SELECT o.account, ifnull(o.partner_id, 0), sum(o.amount - (o.ytd_debit - o.ytd_credit))
			FROM opening_balances o JOIN accounts a ON a.code = o.account
			WHERE a.category <> 'P' AND o.account >= ?1 AND o.account < ?2
			GROUP BY o.account, ifnull(o.partner_id, 0)`, r.lo, r.hi)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var x AccountBalance
			var pid int64
			if err := rows.Scan(&x.Account, &pid, &x.Balance); err != nil {
				rows.Close()
				return nil, err
			}
			x.Partner = partners[pid]
			out = append(out, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if inv {
		q := `SELECT i.code, s.amount FROM opening_stock s JOIN items i ON i.id = s.item_id`
		if !perItem {
			q = `SELECT '', ifnull(sum(amount), 0) FROM opening_stock`
		}
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			x := AccountBalance{Account: inventoryAccount}
			if err := rows.Scan(&x.Item, &x.Balance); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// The same leaf, partner and item comes more than once (an item's stock in each
	// warehouse): add them up, as one GROUP BY would.
	sortBalances(out)
	merged := out[:0]
	for _, x := range out {
		if n := len(merged); n > 0 && merged[n-1].Account == x.Account && merged[n-1].Partner == x.Partner && merged[n-1].Item == x.Item {
			merged[n-1].Balance += x.Balance
			continue
		}
		merged = append(merged, x)
	}
	out = merged[:0]
	for _, x := range merged {
		if x.Balance != 0 {
			out = append(out, x)
		}
	}
	return out, nil
}

// PeriodMovement is a leaf account's movements in one period, over its partners and
// items.
type PeriodMovement struct {
	Account string
	// Period is the month; "" for the year-to-date amounts entered with the opening
	// balances of a book that starts after January (DOMAIN.md §6.1).
	Period Period
	Debit  Money
	Credit Money
	// PLDebit and PLCredit are the part of Debit and Credit posted by the P&L
	// carry-forward (is_pl_close), which the profit statement leaves out (§7.2).
	PLDebit  Money
	PLCredit Money
}

// PeriodMovements returns, per leaf account under codes (every account when none) and
// per period from..to, the debit and credit movements; with openingYTD and the book's
// first period in the range, also the opening year-to-date amounts (Period ""). Ordered
// by account, then period. Needs PermViewLedger.
func (b *Book) PeriodMovements(ctx context.Context, by *User, from, to Period, openingYTD bool, codes ...string) ([]PeriodMovement, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	var out []PeriodMovement
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		ytd := openingYTD && s.Start >= from && s.Start <= to
		for _, r := range ranges(codes) {
			rows, err := tx.QueryContext(ctx, `SELECT account, period, sum(debit), sum(credit), sum(pl_debit), sum(pl_credit) FROM (
					SELECT account, period, debit, credit, pl_debit, pl_credit FROM account_periods
					WHERE account >= ?1 AND account < ?2 AND +period BETWEEN ?3 AND ?4
					UNION ALL SELECT account, '', ytd_debit, ytd_credit, 0, 0 FROM opening_balances
					WHERE ?5 AND account >= ?1 AND account < ?2 AND (ytd_debit <> 0 OR ytd_credit <> 0))
				GROUP BY account, period
				HAVING sum(debit) <> 0 OR sum(credit) <> 0 ORDER BY account, period`, r.lo, r.hi, from, to, ytd)
			if err != nil {
				return err
			}
			for rows.Next() {
				var m PeriodMovement
				if err := rows.Scan(&m.Account, &m.Period, &m.Debit, &m.Credit, &m.PLDebit, &m.PLCredit); err != nil {
					rows.Close()
					return err
				}
				out = append(out, m)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return out, fromStore(err)
}

// BalancesByPartner is Balances of the accounts under codes (every account when none),
// with 1405 summed over its items (Item ""): what the balance sheet's formulas need (B,
// B⁺, C⁺), without a row per item. Needs PermViewLedger.
func (b *Book) BalancesByPartner(ctx context.Context, by *User, period Period, codes ...string) ([]AccountBalance, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	return b.readBalances(ctx, period, false, false, codes...)
}

// YearStartByPartner is YearStartBalances of the accounts under codes (every account
// when none), with 1405 summed over its items (Item ""). Needs PermViewLedger.
func (b *Book) YearStartByPartner(ctx context.Context, by *User, period Period, codes ...string) ([]AccountBalance, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	return b.readBalances(ctx, period, true, false, codes...)
}
