package report

import (
	"context"
	"time"

	"shopbooks/ledger"
)

// agingColumns: what is open in all, by age from the document's date to the period's
// last day (0–30, 31–60, 61–90, over 90 days), and how much of it is past its due date.
var agingColumns = []Column{{Key: "open"}, {Key: "days_0_30"}, {Key: "days_31_60"}, {Key: "days_61_90"}, {Key: "days_over_90"},
	{Key: "overdue"}}

// Aging is the receivables and payables aging (账龄分析) at the end of period: per
// customer what is open of their sales on credit (1122), per supplier of their purchases
// and expenses on credit (2202), by age. Payments up to the period's end are applied to
// the oldest documents first (DOMAIN.md §5.3's default); an opening balance counts as dated
// on the book's first day. Lines: a heading per account, a line per partner with something
// open, and a subtotal. Checks, once the period's vouchers are all in (closed or
// previewed): Σ open receivables = B⁺(1122), Σ open payables = C⁺(2202).
// Needs ledger.PermViewCost (partner balances) and ledger.PermViewLedger.
func Aging(ctx context.Context, b *ledger.Book, by *ledger.User, period ledger.Period) (Statement, error) {
	bk, err := open(ctx, b, by, period)
	if err != nil {
		return Statement{}, err
	}
	partners, err := b.Partners(ctx, ledger.PartnerFilter{Inactive: true})
	if err != nil {
		return Statement{}, err
	}
	st := bk.statement(KindAging, agingColumns...)
	end := period.LastDay()
	var totals [2]ledger.Money
	for k, acct := range []string{"1122", "2202"} {
		zh, en := names("report.aging." + acct)
		st.Lines = append(st.Lines, Line{No: len(st.Lines) + 1, Code: acct, Name: zh, NameEN: en, Bold: true,
			Cols: make([]ledger.Money, len(agingColumns))})
		head := len(st.Lines) - 1
		for _, p := range partners {
			if acct == "1122" && !p.Customer || acct == "2202" && !p.Supplier {
				continue
			}
			rows, err := b.PartnerStatement(ctx, by, p.Code, acct)
			if err != nil {
				return Statement{}, err
			}
			cols := ageRows(rows, bk.settings.Start.FirstDay(), end)
			if cols[0] == 0 {
				continue
			}
			st.Lines = append(st.Lines, Line{No: len(st.Lines) + 1, Code: p.Code, Name: p.Name, NameEN: p.Name, Cols: cols})
			for i, v := range cols {
				st.Lines[head].Cols[i] += v
			}
		}
		totals[k] = st.Lines[head].Cols[0]
	}
	if bk.reliable() {
		bal, err := bk.endBalances()
		if err != nil {
			return Statement{}, err
		}
		st.Checks = append(st.Checks, check("aging.1122", totals[0], bal.BPlus("1122")), check("aging.2202", totals[1], bal.CPlus("2202")))
	}
	return st, nil
}

// ageRows ages a partner statement at `end`: the documents up to it that raised the
// balance are open until the credits (payments, returns, a credit opening) pay them, the
// oldest first.
func ageRows(rows []ledger.StatementRow, start, end ledger.Date) []ledger.Money {
	type open struct {
		date, due ledger.Date
		amount    ledger.Money
	}
	var items []open
	var credits ledger.Money
	for i, r := range rows {
		if i == 0 { // the opening balance
			if r.Balance > 0 {
				items = append(items, open{date: start, due: start, amount: r.Balance})
			} else {
				credits -= r.Balance
			}
			continue
		}
		if r.Date > end {
			continue
		}
		if r.Debit > 0 {
			due := r.DueDate
			if due == "" {
				due = r.Date
			}
			items = append(items, open{date: r.Date, due: due, amount: r.Debit})
		}
		credits += r.Credit
	}
	cols := make([]ledger.Money, len(agingColumns))
	endT := day(end)
	for _, it := range items {
		take := min(credits, it.amount)
		credits -= take
		left := it.amount - take
		if left == 0 {
			continue
		}
		cols[0] += left
		switch age := int(endT.Sub(day(it.date)).Hours() / 24); {
		case age <= 30:
			cols[1] += left
		case age <= 60:
			cols[2] += left
		case age <= 90:
			cols[3] += left
		default:
			cols[4] += left
		}
		if it.due < end {
			cols[5] += left
		}
	}
	return cols
}

func day(d ledger.Date) time.Time {
	t, _ := time.Parse("2006-01-02", string(d))
	return t
}
