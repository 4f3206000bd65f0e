package ledger

import (
	"cmp"
	"context"
	"fmt"
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

// BalanceAt is a point at which balances are read: the end of Period, or, with
// YearStart, the start of its year (年初余额, see YearStartBalances).
type BalanceAt struct {
	Period    Period
	YearStart bool
}

// readBalances reads balances at each of the points at (out[i] at at[i]) of the accounts
// under codes (every account when none), 1405 per item when perItem, in one transaction.
// A year's start is the end of the previous December but in the book's first year; the
// ends are read together (balancesAt). The caller checks the permission.
func (b *Book) readBalances(ctx context.Context, at []BalanceAt, perItem bool, codes ...string) ([][]AccountBalance, error) {
	out := make([][]AccountBalance, len(at))
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		rs := ranges(codes)
		var ends []Period
		end := make([]int, len(at)) // index in ends; -1 for the start of the book's first year
		for i, a := range at {
			p := a.Period
			if a.YearStart {
				if string(s.Start)[:4] == string(p)[:4] {
					end[i] = -1
					continue
				}
				p = Period(string(p)[:4] + "-01").Prev()
			}
			if end[i] = slices.Index(ends, p); end[i] < 0 {
				end[i] = len(ends)
				ends = append(ends, p)
			}
		}
		bals, err := balancesAt(ctx, tx, ends, rs, perItem)
		if err != nil {
			return err
		}
		used := make([]bool, len(ends))
		for i := range at {
			if end[i] < 0 {
				if out[i], err = firstYearStart(ctx, tx, rs, perItem); err != nil {
					return err
				}
				continue
			}
			out[i] = bals[end[i]]
			if used[end[i]] { // two points at the same end: each its own slice
				out[i] = slices.Clone(out[i])
			}
			used[end[i]] = true
		}
		return nil
	})
	return out, fromStore(err)
}

// readBalancesAt is readBalances at one point.
func (b *Book) readBalancesAt(ctx context.Context, at BalanceAt, perItem bool, codes ...string) ([]AccountBalance, error) {
	out, err := b.readBalances(ctx, []BalanceAt{at}, perItem, codes...)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// balancesAt reads the balances at the end of each of periods (out[i] at periods[i]) over
// the code ranges rs; 1405 per item when perItem, else one balance. The accounts other
// than 1405 are read once for all the periods, a sum per period.
func balancesAt(ctx context.Context, tx *store.Tx, periods []Period, rs []codeRange, perItem bool) ([][]AccountBalance, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	partners, err := codesByID(ctx, tx, "partners")
	if err != nil {
		return nil, err
	}
	type key struct {
		account string
		pid     int64
		item    string
	}
	n := len(periods)
	sums := map[key][]Money{}
	var order []key
	at := func(k key) []Money {
		s, ok := sums[k]
		if !ok {
			s = make([]Money, n)
			sums[k] = s
			order = append(order, k)
		}
		return s
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
	// The summaries up to the last period, a column per period.
	var cols strings.Builder
	args := []any{"", "", slices.Max(periods)}
	for _, p := range periods {
		fmt.Fprintf(&cols, ", sum(CASE WHEN period <= ?%d THEN debit - credit ELSE 0 END)", len(args)+1)
		args = append(args, p)
	}
	vals := make([]Money, n)
	dst := make([]any, 2, 2+n)
	for i := range vals {
		dst = append(dst, &vals[i])
	}
	for _, r := range others {
		// The opening balances, then the summaries: each read in its key order, so it
		// groups without a sort (a UNION of the two would sort every row).
		rows, err := tx.QueryContext(ctx, `SELECT account, ifnull(partner_id, 0), sum(amount) FROM opening_balances
			WHERE account >= ?1 AND account < ?2 GROUP BY account, ifnull(partner_id, 0)`, r.lo, r.hi)
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
			for i, s := 0, at(k); i < n; i++ {
				s[i] += m
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		args[0], args[1] = r.lo, r.hi
		rows, err = tx.QueryContext(ctx, `SELECT account, partner_id`+cols.String()+` FROM account_periods
			WHERE account >= ?1 AND account < ?2 AND +period <= ?3 GROUP BY account, partner_id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k key
			dst[0], dst[1] = &k.account, &k.pid
			if err := rows.Scan(dst...); err != nil {
				rows.Close()
				return nil, err
			}
			for i, s := 0, at(k); i < n; i++ {
				s[i] += vals[i]
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if inv {
		// 1405 per item: the stock stored by the last close at or before the period, then
		// the 1405 movements of the months after it; without a close, the opening stock
		// and every 1405 movement.
		lasts, err := lastClosedAt(ctx, tx, periods)
		if err != nil {
			return nil, err
		}
		var stored map[Period]Money
		if !perItem {
			if stored, err = storedStock(ctx, tx, lasts); err != nil {
				return nil, err
			}
		}
		for i, period := range periods {
			last := lasts[i]
			// (item_period_costs is keyed by period, then item: one period's rows are a run.)
			base := `SELECT i.code AS code, s.amount AS b FROM opening_stock s JOIN items i ON i.id = s.item_id`
			if last != "" {
				base = `SELECT i.code AS code, c.amount AS b FROM item_period_costs c JOIN items i ON i.id = c.item_id WHERE c.period = ?2`
				if !perItem { // summed already
					base = `SELECT '' AS code, ?4 AS b`
				}
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
			rows, err := tx.QueryContext(ctx, q, period, last, inventoryAccount, stored[last])
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
				at(k)[i] += m
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	out := make([][]AccountBalance, n)
	for i := range out {
		for _, k := range order {
			if m := sums[k][i]; m != 0 {
				out[i] = append(out[i], AccountBalance{Account: k.account, Partner: partners[k.pid], Item: k.item, Balance: m})
			}
		}
		sortBalances(out[i])
	}
	return out, nil
}

// lastClosedAt is, for each of periods, the last closed period at or before it ("" for
// none).
func lastClosedAt(ctx context.Context, tx *store.Tx, periods []Period) ([]Period, error) {
	rows, err := tx.QueryContext(ctx, "SELECT period FROM periods WHERE closed = 1 AND period <= ? ORDER BY period", slices.Max(periods))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var closed []Period
	for rows.Next() {
		var p Period
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		closed = append(closed, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Period, len(periods))
	for i, p := range periods {
		// closed periods come first (they close in order), so the last at or before p
		// is the one before the first after it
		if j, _ := slices.BinarySearch(closed, p.Next()); j > 0 {
			out[i] = closed[j-1]
		}
	}
	return out, nil
}

// storedStock sums the stock the closes stored (item_period_costs, keyed by period, then
// item) at each of the closed periods lasts ("" left out). Periods close together (a
// year's months) are read in one pass over the months they span; periods far apart, a
// run of rows each.
func storedStock(ctx context.Context, tx *store.Tx, lasts []Period) (map[Period]Money, error) {
	var ps []Period
	for _, p := range lasts {
		if p != "" && !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	out := map[Period]Money{}
	if len(ps) == 0 {
		return out, nil
	}
	slices.Sort(ps)
	span := 1
	for p := ps[0]; p < ps[len(ps)-1]; p = p.Next() {
		span++
	}
	type run struct{ lo, hi Period }
	runs := []run{{ps[0], ps[len(ps)-1]}}
	if span > 2*len(ps) {
		runs = runs[:0]
		for _, p := range ps {
			runs = append(runs, run{p, p})
		}
	}
	for _, r := range runs {
		q := `SELECT period, sum(amount) FROM item_period_costs WHERE period BETWEEN ?1 AND ?2 GROUP BY period`
		if r.lo == r.hi {
			q = `SELECT ?1, ifnull(sum(amount), 0) FROM item_period_costs WHERE period = ?1`
		}
		rows, err := tx.QueryContext(ctx, q, r.lo, r.hi)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p Period
			var m Money
			if err := rows.Scan(&p, &m); err != nil {
				rows.Close()
				return nil, err
			}
			out[p] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
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

// firstYearStart reads the balances at the start of the book's first year over the code
// ranges rs: the opening balances of the balance-sheet accounts less their year-to-date
// movements, and the opening stock (other years start with the previous December's end,
// readBalances).
func firstYearStart(ctx context.Context, tx *store.Tx, rs []codeRange, perItem bool) ([]AccountBalance, error) {
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
	return b.readBalancesAt(ctx, BalanceAt{Period: period}, false, codes...)
}

// YearStartByPartner is YearStartBalances of the accounts under codes (every account
// when none), with 1405 summed over its items (Item ""). Needs PermViewLedger.
func (b *Book) YearStartByPartner(ctx context.Context, by *User, period Period, codes ...string) ([]AccountBalance, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	return b.readBalancesAt(ctx, BalanceAt{Period: period, YearStart: true}, false, codes...)
}

// BalancesByPartnerAt is BalancesByPartner, or YearStartByPartner for a point with
// YearStart, at each of the points at (out[i] at at[i]), in one transaction: the
// summaries of the accounts other than 1405 are read once for all the points, so a
// statement of several months reads them once. Needs PermViewLedger.
func (b *Book) BalancesByPartnerAt(ctx context.Context, by *User, at []BalanceAt, codes ...string) ([][]AccountBalance, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	return b.readBalances(ctx, at, false, codes...)
}
