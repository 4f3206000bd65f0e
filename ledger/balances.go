package ledger

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

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
	return b.readBalancesAt(ctx, BalanceAt{Period: period}, true) // statement_sums.go: few rows read, whatever the book's age
}

// YearStartBalances are the balances at the start of the year of `period` (年初余额):
// the end of the previous December, or, in the book's first year, the opening balances
// less their year-to-date movements (DOMAIN.md §6.1). Needs PermViewLedger.
func (b *Book) YearStartBalances(ctx context.Context, by *User, period Period) ([]AccountBalance, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	return b.readBalancesAt(ctx, BalanceAt{Period: period, YearStart: true}, true) // statement_sums.go
}

// BalancesAt is Balances, or YearStartBalances for a point with YearStart, at each of the
// points at (out[i] at at[i]), in one transaction that reads the summaries of the
// accounts other than 1405 once (see BalancesByPartnerAt). Needs PermViewLedger.
func (b *Book) BalancesAt(ctx context.Context, by *User, at []BalanceAt) ([][]AccountBalance, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	return b.readBalances(ctx, at, true)
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
		out, err = movements(ctx, tx, from, to, excludePLClose, ytd)
		return err
	})
	return out, fromStore(err)
}

// movements sums account_periods per account from..to, with the opening year-to-date
// amounts when ytd. One month is found through the (period, account) index; a longer
// range reads the summaries in key order and filters the period on the rows read
// (`+period`), as statement_sums.go does: a year of 1405 per item is thousands of rows,
// each a key look-up through the index. Either way the rows come in account order and
// group without a sort; the opening amounts are added here.
func movements(ctx context.Context, tx *store.Tx, from, to Period, excludePLClose, ytd bool) ([]AccountMovement, error) {
	where := "period BETWEEN ?1 AND ?2"
	if from != to {
		where = "+" + where
	}
	sums := map[string]AccountMovement{}
	// add adds up (account, debit, credit) rows into sums.
	add := func(q string, args ...any) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m AccountMovement
			if err := rows.Scan(&m.Account, &m.Debit, &m.Credit); err != nil {
				return err
			}
			x := sums[m.Account]
			x.Account, x.Debit, x.Credit = m.Account, x.Debit+m.Debit, x.Credit+m.Credit
			sums[m.Account] = x
		}
		return rows.Err()
	}
	if err := add(`SELECT account, sum(debit) - CASE WHEN ?3 THEN sum(pl_debit) ELSE 0 END,
			sum(credit) - CASE WHEN ?3 THEN sum(pl_credit) ELSE 0 END
		FROM account_periods WHERE `+where+` GROUP BY account`, from, to, excludePLClose); err != nil {
		return nil, err
	}
	if ytd {
		if err := add(`SELECT account, sum(ytd_debit), sum(ytd_credit) FROM opening_balances GROUP BY account`); err != nil {
			return nil, err
		}
	}
	out := make([]AccountMovement, 0, len(sums))
	for _, m := range sums {
		if m.Debit != 0 || m.Credit != 0 {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b AccountMovement) int { return strings.Compare(a.Account, b.Account) })
	return out, nil
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
