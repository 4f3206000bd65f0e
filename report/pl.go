package report

import (
	"context"
	"fmt"

	"shopbooks/ledger"
)

// plLine is a line of the profit statement (DOMAIN.md §7.2): ND/NC over the column's
// movements, or a formula over the lines above it.
type plLine struct {
	no      int
	formula string
	bold    bool
	eval    func(m movements, l []ledger.Money) ledger.Money
}

// movements are leaf movements over a range of periods.
type movements map[string]move

// ND is debit − credit of the accounts and their sub-accounts.
func (ms movements) ND(codes ...string) ledger.Money {
	var s ledger.Money
	for acct, m := range ms {
		for _, c := range codes {
			if under(acct, c) {
				s += m.dr - m.cr
				break
			}
		}
	}
	return s
}

// NC is −ND.
func (ms movements) NC(codes ...string) ledger.Money { return -ms.ND(codes...) }

func nd(codes ...string) func(movements, []ledger.Money) ledger.Money {
	return func(m movements, _ []ledger.Money) ledger.Money { return m.ND(codes...) }
}

func nc(codes ...string) func(movements, []ledger.Money) ledger.Money {
	return func(m movements, _ []ledger.Money) ledger.Money { return m.NC(codes...) }
}

// tag is a line fed by accounts that carry its statement tag; the chart has no tags yet,
// so it is 0.
func tag(movements, []ledger.Money) ledger.Money { return 0 }

var plLines = []plLine{
	{1, "NC(5001)+NC(5051)", true, nc("5001", "5051")},
	{2, "ND(5401)+ND(5402)", false, nd("5401", "5402")},
	{3, "ND(5403)", false, nd("5403")},
	{4, "tag 4", false, tag},
	{5, "tag 5", false, tag},
	{6, "ND(540301)", false, nd("540301")},
	{7, "tag 7", false, tag},
	{8, "tag 8", false, tag},
	{9, "ND(540304)+ND(540305)", false, nd("540304", "540305")},
	{10, "ND(540302)+ND(540303)", false, nd("540302", "540303")},
	{11, "ND(5601)", false, nd("5601")},
	{12, "ND(560101)", false, nd("560101")},
	{13, "ND(560102)", false, nd("560102")},
	{14, "ND(5602)", false, nd("5602")},
	{15, "ND(560201)", false, nd("560201")},
	{16, "ND(560202)", false, nd("560202")},
	{17, "ND(560203)", false, nd("560203")},
	{18, "ND(5603)", false, nd("5603")},
	{19, "ND(560301)", false, nd("560301")},
	{20, "NC(5111)", false, nc("5111")},
	{21, "L1−L2−L3−L11−L14−L18+L20", true, func(_ movements, l []ledger.Money) ledger.Money {
		return l[1] - l[2] - l[3] - l[11] - l[14] - l[18] + l[20]
	}},
	{22, "NC(5301)", false, nc("5301")},
	{23, "NC(530102)", false, nc("530102")},
	{24, "ND(5711)", false, nd("5711")},
	{25, "ND(571103)", false, nd("571103")},
	{26, "ND(571104)", false, nd("571104")},
	{27, "ND(571105)", false, nd("571105")},
	{28, "ND(571106)", false, nd("571106")},
	{29, "ND(571107)", false, nd("571107")},
	{30, "L21+L22−L24", true, func(_ movements, l []ledger.Money) ledger.Money { return l[21] + l[22] - l[24] }},
	{31, "ND(5801)", false, nd("5801")},
	{32, "L30−L31", true, func(_ movements, l []ledger.Money) ledger.Money { return l[30] - l[31] }},
}

// evalPL computes the 32 lines over one range's movements; index = 行次.
func evalPL(m movements) []ledger.Money {
	l := make([]ledger.Money, 33)
	for _, d := range plLines {
		l[d.no] = d.eval(m, l)
	}
	return l
}

// ProfitStatement is the 利润表 (会小企02表) of period: columns "ytd" (本年累计金额, from
// January — in the book's first year from its start, with the year-to-date amounts entered
// with the opening balances) and "month" (本月金额); lines 1–32 by DOMAIN.md §7.2, the
// P&L carry-forward left out. Checks: 本年累计 = Σ 本月 of the year's months (+ the opening
// year-to-date amounts), and, once the period's vouchers are all in (closed or previewed)
// and before December, C(3103) = L32 本年累计. Needs ledger.PermViewLedger.
func ProfitStatement(ctx context.Context, b *ledger.Book, by *ledger.User, period ledger.Period) (Statement, error) {
	bk, err := open(ctx, b, by, period)
	if err != nil {
		return Statement{}, err
	}
	// Every line is over 5xxx accounts: one read of their months of the year.
	first := bk.yearStart()
	months, err := bk.monthly(first, true, "5")
	if err != nil {
		return Statement{}, err
	}
	ytdM := movements{}
	for _, mm := range months {
		for a, x := range mm {
			y := ytdM[a]
			y.dr += x.dr
			y.cr += x.cr
			ytdM[a] = y
		}
	}
	monthM := months[period]
	st := bk.statement(KindProfit, Column{Key: "ytd"}, Column{Key: "month"})
	y, m := evalPL(ytdM), evalPL(monthM)
	for _, d := range plLines {
		zh, en := names(fmt.Sprintf("report.pl.line.%d", d.no))
		st.Lines = append(st.Lines, Line{No: d.no, Name: zh, NameEN: en, Cols: []ledger.Money{y[d.no], m[d.no]}, Bold: d.bold, Formula: d.formula})
	}
	// 本年累计 = Σ 本月 (§7.5 3): each month's own profit, plus what the opening brought as
	// year-to-date (key "").
	var sum ledger.Money
	for _, mm := range months {
		sum += evalPL(mm)[32]
	}
	st.Checks = append(st.Checks, check("pl.ytd_months", y[32], sum))
	if bk.reliable() && period.Month() != 12 {
		end, err := bk.endBalances("3103")
		if err != nil {
			return Statement{}, err
		}
		st.Checks = append(st.Checks, check("pl.profit_3103", end.C("3103"), y[32]))
	}
	return st, nil
}
