package ledger

import (
	"context"

	"shopbooks/store"
)

// TrialRow is a line of the trial balance (科目余额表, DOMAIN.md §7.3). Balances are
// shown in the column of their sign; movements are algebraic.
type TrialRow struct {
	Code, Name, NameEN        string
	Level                     int
	Leaf                      bool
	OpeningDebit, OpeningCred Money
	PeriodDebit, PeriodCredit Money
	YTDDebit, YTDCredit       Money
	ClosingDebit, ClosingCred Money
	Opening, Closing          Money // debit-positive
}

// TrialBalance is every account with an opening balance or a movement up to the period,
// parents summing their children, by code; the vouchers saved so far count (an open
// period shows what is posted; the close adds the rest). Needs PermViewLedger.
func (b *Book) TrialBalance(ctx context.Context, by *User, period Period) ([]TrialRow, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	var out []TrialRow
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		year := Period(string(period)[:4] + "-01")
		// Sums per leaf first, then rolled up to the parents here. The summaries are read in
		// key order (account first), so they group without a sort; the period is filtered on
		// the rows read (`+period`): through the (period, account) index each row would cost
		// a look-up, and most rows of the book are at or before the period. The opening
		// balances and the opening stock are added to the leaves' openings.
		type agg struct{ open, dr, cr, ydr, ycr Money }
		leaves := map[string]*agg{}
		leaf := func(code string) *agg {
			a := leaves[code]
			if a == nil {
				a = &agg{}
				leaves[code] = a
			}
			return a
		}
		sums, err := tx.QueryContext(ctx, `SELECT account, sum(CASE WHEN period < ?1 THEN debit - credit ELSE 0 END),
				sum(CASE WHEN period = ?1 THEN debit ELSE 0 END), sum(CASE WHEN period = ?1 THEN credit ELSE 0 END),
				sum(CASE WHEN period >= ?2 THEN debit ELSE 0 END), sum(CASE WHEN period >= ?2 THEN credit ELSE 0 END)
			FROM account_periods WHERE +period <= ?1 GROUP BY account`, period, year)
		if err != nil {
			return err
		}
		for sums.Next() {
			var code string
			var a agg
			if err := sums.Scan(&code, &a.open, &a.dr, &a.cr, &a.ydr, &a.ycr); err != nil {
				sums.Close()
				return err
			}
			*leaf(code) = a
		}
		sums.Close()
		if err := sums.Err(); err != nil {
			return err
		}
		opening, err := tx.QueryContext(ctx, `SELECT account, sum(amount) FROM opening_balances GROUP BY account
			UNION ALL SELECT ?, ifnull(sum(amount), 0) FROM opening_stock`, inventoryAccount)
		if err != nil {
			return err
		}
		for opening.Next() {
			var code string
			var m Money
			if err := opening.Scan(&code, &m); err != nil {
				opening.Close()
				return err
			}
			leaf(code).open += m
		}
		opening.Close()
		if err := opening.Err(); err != nil {
			return err
		}
		totals := map[string]*agg{}
		for code, a := range leaves {
			for l := 4; l <= len(code); l += 2 {
				t := totals[code[:l]]
				if t == nil {
					t = &agg{}
					totals[code[:l]] = t
				}
				t.open, t.dr, t.cr, t.ydr, t.ycr = t.open+a.open, t.dr+a.dr, t.cr+a.cr, t.ydr+a.ydr, t.ycr+a.ycr
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT a.code, a.name, a.name_en, a.level, NOT EXISTS (SELECT 1 FROM accounts c WHERE c.parent = a.code)
			FROM accounts a ORDER BY a.code`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r TrialRow
			if err := rows.Scan(&r.Code, &r.Name, &r.NameEN, &r.Level, &r.Leaf); err != nil {
				return err
			}
			t := totals[r.Code]
			if t == nil {
				continue
			}
			r.Opening, r.PeriodDebit, r.PeriodCredit, r.YTDDebit, r.YTDCredit = t.open, t.dr, t.cr, t.ydr, t.ycr
			r.Closing = r.Opening + r.PeriodDebit - r.PeriodCredit
			r.OpeningDebit, r.OpeningCred = max(r.Opening, 0), max(-r.Opening, 0)
			r.ClosingDebit, r.ClosingCred = max(r.Closing, 0), max(-r.Closing, 0)
			if r.Opening == 0 && r.Closing == 0 && r.PeriodDebit == 0 && r.PeriodCredit == 0 && r.YTDDebit == 0 && r.YTDCredit == 0 {
				continue
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}
