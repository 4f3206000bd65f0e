package report

import (
	"context"
	"slices"
	"strings"

	"shopbooks/ledger"
)

// tbColumns are the trial balance's columns, in the order of the form.
var tbColumns = []Column{{Key: "opening_debit"}, {Key: "opening_credit"}, {Key: "period_debit"}, {Key: "period_credit"},
	{Key: "ytd_debit"}, {Key: "ytd_credit"}, {Key: "closing_debit"}, {Key: "closing_credit"}}

// TrialBalance is the 科目余额表 of period (DOMAIN.md §7.3): every account with an opening
// balance or a movement, leaves and parents (a parent sums its children), by code; columns
// 期初余额 借/贷, 本期发生额 借/贷, 本年累计发生额 借/贷 and 期末余额 借/贷, balances in the
// column of their sign, movements algebraic (red ink reduces its side). The last line is
// the total over level-1 accounts. Checks: opening, period, year-to-date and closing
// debits = credits at level 1; for a closed period, level-1 closing balances agree with
// ledger.Book.TrialBalance. Needs ledger.PermViewLedger.
func TrialBalance(ctx context.Context, b *ledger.Book, by *ledger.User, period ledger.Period) (Statement, error) {
	bk, err := open(ctx, b, by, period)
	if err != nil {
		return Statement{}, err
	}
	opening, err := b.BalancesByPartner(ctx, by, period.Prev()) // summed per account below: 1405 need not be per item
	if err != nil {
		return Statement{}, err
	}
	open := map[string]ledger.Money{}
	for _, x := range opening {
		open[x.Account] += x.Balance
	}
	mv, err := bk.movements(period, period, false, false)
	if err != nil {
		return Statement{}, err
	}
	ytd, err := bk.movements(bk.yearStart(), period, false, true)
	if err != nil {
		return Statement{}, err
	}
	chart, err := b.Accounts(ctx, true)
	if err != nil {
		return Statement{}, err
	}
	slices.SortFunc(chart, func(x, y ledger.Account) int { return strings.Compare(x.Code, y.Code) })
	leaves := map[string]bool{}
	for a := range open {
		leaves[a] = true
	}
	for a := range ytd {
		leaves[a] = true
	}
	st := bk.statement(KindTrialBalance, tbColumns...)
	total := make([]ledger.Money, len(tbColumns))
	closing := map[string]ledger.Money{}
	for _, a := range chart {
		var o, c ledger.Money
		var p, y move
		for leaf := range leaves {
			if !under(leaf, a.Code) {
				continue
			}
			o += open[leaf]
			p.dr += mv[leaf].dr
			p.cr += mv[leaf].cr
			y.dr += ytd[leaf].dr
			y.cr += ytd[leaf].cr
		}
		c = o + p.dr - p.cr
		if o == 0 && c == 0 && p == (move{}) && y == (move{}) {
			continue
		}
		cols := []ledger.Money{max(o, 0), max(-o, 0), p.dr, p.cr, y.dr, y.cr, max(c, 0), max(-c, 0)}
		st.Lines = append(st.Lines, Line{No: len(st.Lines) + 1, Code: a.Code, Name: a.Name, NameEN: a.NameEN, Level: a.Level,
			Cols: cols, Bold: a.Level == 1})
		if a.Level == 1 {
			closing[a.Code] = c
			for i, v := range cols {
				total[i] += v
			}
		}
	}
	zh, en := names("report.total")
	st.Lines = append(st.Lines, Line{No: len(st.Lines) + 1, Name: zh, NameEN: en, Cols: total, Bold: true})
	st.Checks = append(st.Checks, check("tb.opening", total[0], total[1]), check("tb.period", total[2], total[3]),
		check("tb.ytd", total[4], total[5]), check("tb.closing", total[6], total[7]))
	if bk.closed {
		rows, err := b.TrialBalance(ctx, by, period)
		if err != nil {
			return Statement{}, err
		}
		var mine, theirs ledger.Money
		ok := true
		for _, r := range rows {
			if r.Level == 1 {
				mine += max(closing[r.Code], 0)
				theirs += r.ClosingDebit
				ok = ok && closing[r.Code] == r.Closing
			}
		}
		c := check("tb.ledger", mine, theirs)
		c.OK = c.OK && ok
		st.Checks = append(st.Checks, c)
	}
	return st, nil
}
