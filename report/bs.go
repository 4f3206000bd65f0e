package report

import (
	"context"
	"fmt"

	"shopbooks/ledger"
)

// bsLine is a line of the balance sheet: its formula over the balances and the lines
// above it (DOMAIN.md §7.1).
type bsLine struct {
	no      int
	formula string
	bold    bool
	eval    func(b balances, l []ledger.Money) ledger.Money
}

// sumLines is L[from]+…+L[to].
func sumLines(l []ledger.Money, nos ...int) ledger.Money {
	var s ledger.Money
	for _, n := range nos {
		s += l[n]
	}
	return s
}

func span(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func bsB(codes ...string) func(balances, []ledger.Money) ledger.Money {
	return func(b balances, _ []ledger.Money) ledger.Money { return b.B(codes...) }
}

func bsC(codes ...string) func(balances, []ledger.Money) ledger.Money {
	return func(b balances, _ []ledger.Money) ledger.Money { return b.C(codes...) }
}

func bsSum(nos ...int) func(balances, []ledger.Money) ledger.Money {
	return func(_ balances, l []ledger.Money) ledger.Money { return sumLines(l, nos...) }
}

func zero(balances, []ledger.Money) ledger.Money { return 0 }

// vd is VD = max(B(222101),0) + max(B(222102),0): VAT in debit (留抵, 多交), shown as an
// asset (财会〔2016〕22号).
func vd(b balances) ledger.Money { return max(b.B("222101"), 0) + max(b.B("222102"), 0) }

var bsLines = []bsLine{
	{1, "B(1001)+B(1002)+B(1012)", false, bsB("1001", "1002", "1012")},
	{2, "B(1101)", false, bsB("1101")},
	{3, "B(1121)", false, bsB("1121")},
	{4, "B⁺(1122)+B⁺(2203)", false, func(b balances, _ []ledger.Money) ledger.Money { return b.BPlus("1122") + b.BPlus("2203") }},
	{5, "B⁺(1123)+B⁺(2202)", false, func(b balances, _ []ledger.Money) ledger.Money { return b.BPlus("1123") + b.BPlus("2202") }},
	{6, "B(1131)", false, bsB("1131")},
	{7, "B(1132)", false, bsB("1132")},
	{8, "B(1221)", false, bsB("1221")},
	{9, "B(1401)+B(1402)+B(1403)+B(1404)+B(1405)+B(1407)+B(1408)+B(1411)+B(1421)+B(4001)", false,
		bsB("1401", "1402", "1403", "1404", "1405", "1407", "1408", "1411", "1421", "4001")},
	{10, "B(1403)+B(1404)", false, bsB("1403", "1404")},
	{11, "B(4001)", false, bsB("4001")},
	{12, "B(1405)+B(1407)", false, bsB("1405", "1407")},
	{13, "B(1411)", false, bsB("1411")},
	{14, "max(B(1901),0)+VD", false, func(b balances, _ []ledger.Money) ledger.Money { return max(b.B("1901"), 0) + vd(b) }},
	{15, "L1+…+L9+L14", true, bsSum(append(span(1, 9), 14)...)},
	{16, "B(1501)", false, bsB("1501")},
	{17, "B(1511)", false, bsB("1511")},
	{18, "B(1601)", false, bsB("1601")},
	{19, "C(1602)", false, bsC("1602")},
	{20, "L18−L19", false, func(_ balances, l []ledger.Money) ledger.Money { return l[18] - l[19] }},
	{21, "B(1604)", false, bsB("1604")},
	{22, "B(1605)", false, bsB("1605")},
	{23, "B(1606)", false, bsB("1606")},
	{24, "B(1621)+B(1622)", false, bsB("1621", "1622")},
	{25, "B(1701)+B(1702)", false, bsB("1701", "1702")},
	{26, "B(4301)", false, bsB("4301")},
	{27, "B(1801)", false, bsB("1801")},
	{28, "0", false, zero},
	{29, "L16+L17+L20+L21+…+L28", true, bsSum(append([]int{16, 17}, span(20, 28)...)...)},
	{30, "L15+L29", true, bsSum(15, 29)},
	{31, "C(2001)", false, bsC("2001")},
	{32, "C(2201)", false, bsC("2201")},
	{33, "C⁺(2202)+C⁺(1123)", false, func(b balances, _ []ledger.Money) ledger.Money { return b.CPlus("2202") + b.CPlus("1123") }},
	{34, "C⁺(2203)+C⁺(1122)", false, func(b balances, _ []ledger.Money) ledger.Money { return b.CPlus("2203") + b.CPlus("1122") }},
	{35, "C(2211)", false, bsC("2211")},
	{36, "C(2221)+VD", false, func(b balances, _ []ledger.Money) ledger.Money { return b.C("2221") + vd(b) }},
	{37, "C(2231)", false, bsC("2231")},
	{38, "C(2232)", false, bsC("2232")},
	{39, "C(2241)", false, bsC("2241")},
	{40, "max(C(1901),0)", false, func(b balances, _ []ledger.Money) ledger.Money { return max(b.C("1901"), 0) }},
	{41, "L31+…+L40", true, bsSum(span(31, 40)...)},
	{42, "C(2501)", false, bsC("2501")},
	{43, "C(2701)", false, bsC("2701")},
	{44, "C(2401)", false, bsC("2401")},
	{45, "0", false, zero},
	{46, "L42+…+L45", true, bsSum(span(42, 45)...)},
	{47, "L41+L46", true, bsSum(41, 46)},
	{48, "C(3001)", false, bsC("3001")},
	{49, "C(3002)", false, bsC("3002")},
	{50, "C(3101)", false, bsC("3101")},
	{51, "C(3103)+C(3104)+C(5xxx)", false, bsC("3103", "3104", "5")},
	{52, "L48+…+L51", true, bsSum(span(48, 51)...)},
	{53, "L47+L52", true, bsSum(47, 52)},
}

// evalBS computes the 53 lines over one set of balances; index = 行次.
func evalBS(b balances) []ledger.Money {
	l := make([]ledger.Money, 54)
	for _, d := range bsLines {
		l[d.no] = d.eval(b, l)
	}
	return l
}

// BalanceSheet is the 资产负债表 (会小企01表) at the end of period: columns "end" (期末余额)
// and "year_start" (年初余额), lines 1–53 by DOMAIN.md §7.1's formulas (partner
// reclassification of 1122/2203/1123/2202, 1901 by sign, VAT in debit as an asset).
// Checks: L30 = L53 in both columns. Needs ledger.PermViewLedger.
func BalanceSheet(ctx context.Context, b *ledger.Book, by *ledger.User, period ledger.Period) (Statement, error) {
	sts, err := BalanceSheets(ctx, b, by, period)
	if err != nil {
		return Statement{}, err
	}
	return sts[0], nil
}

// BalanceSheets is the BalanceSheet of each of periods (out[i] of periods[i]), with the
// balances of all of them read at once (ledger.Book.BalancesByPartnerAt): a year's
// months, as the home screen shows them, read the summaries once and each year's start
// once. Needs ledger.PermViewLedger.
func BalanceSheets(ctx context.Context, b *ledger.Book, by *ledger.User, periods ...ledger.Period) ([]Statement, error) {
	bks := make([]*book, len(periods))
	at := make([]ledger.BalanceAt, 0, 2*len(periods))
	for i, p := range periods {
		bk, err := open(ctx, b, by, p)
		if err != nil {
			return nil, err
		}
		bks[i] = bk
		at = append(at, ledger.BalanceAt{Period: p}, ledger.BalanceAt{Period: p, YearStart: true})
	}
	bals, err := b.BalancesByPartnerAt(ctx, by, at)
	if err != nil {
		return nil, err
	}
	out := make([]Statement, len(periods))
	for i, bk := range bks {
		end, ys := bk.withPreview(bals[2*i]), balances(bals[2*i+1])
		st := bk.statement(KindBalanceSheet, Column{Key: "end"}, Column{Key: "year_start"})
		e, y := evalBS(end.byPartner()), evalBS(ys)
		for _, d := range bsLines {
			zh, en := names(fmt.Sprintf("report.bs.line.%d", d.no))
			st.Lines = append(st.Lines, Line{No: d.no, Name: zh, NameEN: en, Cols: []ledger.Money{e[d.no], y[d.no]}, Bold: d.bold, Formula: d.formula})
		}
		st.Checks = append(st.Checks, check("bs.balanced.end", e[30], e[53]), check("bs.balanced.year_start", y[30], y[53]))
		out[i] = st
	}
	return out, nil
}
