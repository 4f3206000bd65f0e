package ledger

import (
	"context"
	"database/sql"
	"errors"

	"shopbooks/store"
)

// AccountBalance is a leaf account's debit-positive balance (per partner where the
// account is kept by partner; 1405 per item) at the end of a period.
type AccountBalance struct {
	Account string
	Partner string // partner code, or ""
	Item    string // item code for 1405, or ""
	Balance Money
}

// Balances returns every leaf account's balance at the end of `period` (the opening
// balances and the opening stock plus every voucher up to it), per partner and item.
// Needs PermViewLedger. Statements use it (DOMAIN.md §7.1's B, B⁺, C⁺).
func (b *Book) Balances(ctx context.Context, by *User, period Period) ([]AccountBalance, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	return b.readBalances(ctx, period, false, true) // statement_sums.go: few rows read, whatever the book's age
}

// YearStartBalances are the balances at the start of the year of `period` (年初余额):
// the end of the previous December, or, in the book's first year, the opening balances
// less their year-to-date movements (DOMAIN.md §6.1). Needs PermViewLedger.
func (b *Book) YearStartBalances(ctx context.Context, by *User, period Period) ([]AccountBalance, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	return b.readBalances(ctx, period, true, true) // statement_sums.go
}

// AccountMovement is a leaf account's movements over a range of periods.
type AccountMovement struct {
	Account string
	Debit   Money
	Credit  Money
}

// Movements returns every leaf account's debit and credit movements from `from` to `to`
// (inclusive), leaving out the P&L carry-forward when excludePLClose (the profit
// statement's ND/NC, DOMAIN.md §7.2). In the book's first year, when it starts after
// January, the year-to-date amounts entered with the opening balances count as movements
// of the first period when includeOpeningYTD. Needs PermViewLedger.
func (b *Book) Movements(ctx context.Context, by *User, from, to Period, excludePLClose, includeOpeningYTD bool) ([]AccountMovement, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	var out []AccountMovement
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		ytd := includeOpeningYTD && s.Start >= from && s.Start <= to
		rows, err := tx.QueryContext(ctx, `SELECT account, sum(dr), sum(cr) FROM (
				SELECT account, debit - CASE WHEN ?3 THEN pl_debit ELSE 0 END AS dr, credit - CASE WHEN ?3 THEN pl_credit ELSE 0 END AS cr
				FROM account_periods WHERE period BETWEEN ?1 AND ?2
				UNION ALL SELECT account, ytd_debit, ytd_credit FROM opening_balances WHERE ?4)
			GROUP BY account HAVING sum(dr) <> 0 OR sum(cr) <> 0 ORDER BY account`, from, to, excludePLClose, ytd)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m AccountMovement
			if err := rows.Scan(&m.Account, &m.Debit, &m.Credit); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// PeriodClosed tells whether a period is closed.
func (b *Book) PeriodClosed(ctx context.Context, p Period) (bool, error) {
	var closed bool
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT closed FROM periods WHERE period = ?", p).Scan(&closed)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // a month not reached yet is open
		}
		return err
	})
	return closed, fromStore(err)
}
