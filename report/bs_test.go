package report

import (
	"testing"

	"shopbooks/ledger"
)

// TestBalanceSheetFormulas: partner balances of the wrong sign move to the opposite line
// per partner, 1901 by sign, VAT in debit (留抵, 多交) to line 14 and out of line 36, every
// other balance keeps its sign, and P&L balances not yet carried forward count in line 51.
func TestBalanceSheetFormulas(t *testing.T) {
	bal := balances{
		{Account: "1001", Balance: 1000},
		{Account: "101201", Balance: 500},
		{Account: "1122", Partner: "C1", Balance: 10000},
		{Account: "1122", Partner: "C2", Balance: -3000}, // overpaid: an advance
		{Account: "2203", Partner: "C3", Balance: -5000},
		{Account: "2203", Partner: "C4", Balance: 2000}, // advance used beyond: a receivable
		{Account: "1123", Partner: "S1", Balance: 1000},
		{Account: "1123", Partner: "S2", Balance: -700}, // a payable
		{Account: "2202", Partner: "S3", Balance: -4000},
		{Account: "2202", Partner: "S4", Balance: 500}, // a prepayment
		{Account: "1405", Item: "A", Balance: 9000},
		{Account: "1901", Balance: -70},
		{Account: "22210101", Balance: 1200}, // 留抵: 222101 in debit
		{Account: "222106", Balance: -300},
		{Account: "222107", Balance: 50}, // another 2221 sub-account in debit reduces line 36
		{Account: "1602", Balance: -800},
		{Account: "1601", Balance: 5000},
		{Account: "3001", Balance: -15580},
		{Account: "5001", Balance: -2000}, // an open period's revenue, not carried forward
		{Account: "5401", Balance: 1200},
	}
	l := evalBS(bal)
	for _, tc := range []struct {
		line int
		want ledger.Money
	}{
		{1, 1500}, {4, 12000}, {5, 1500}, {9, 9000}, {12, 9000}, {14, 1200}, {15, 25200},
		{18, 5000}, {19, 800}, {20, 4200}, {29, 4200}, {30, 29400},
		{33, 4700}, {34, 8000}, {36, 250}, {40, 70}, {41, 4700 + 8000 + 250 + 70},
		{48, 15580}, {51, 800}, {52, 16380}, {53, 29400},
	} {
		if l[tc.line] != tc.want {
			t.Errorf("line %d = %s, want %s", tc.line, l[tc.line], tc.want)
		}
	}
	// The synthetic balances sum to zero, so the sheet balances.
	var sum ledger.Money
	for _, b := range bal {
		sum += b.Balance
	}
	if sum != 0 || l[30] != l[53] {
		t.Errorf("Σ balances %s; L30 %s, L53 %s", sum, l[30], l[53])
	}
}
