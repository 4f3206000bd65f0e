package ui

import (
	"strings"
	"testing"

	"shopbooks/ledger"
)

// A FIFO cost is explained by the layers it took, each named by its inflow, in both
// languages.
func TestCostArithmeticFIFOLayers(t *testing.T) {
	_, path := newBook(t)
	x := ledger.CostExplanation{Doc: "XS-202506-0001", Line: 1, Item: "A", Method: ledger.CostingFIFO, Kind: ledger.MoveOut,
		Qty: ledger.Units(140), Cost: 142200, Want: 142200, Holds: true, BeforeQty: ledger.Units(300), BeforeAmount: 311000,
		AfterQty: ledger.Units(160), AfterAmount: 168800,
		Taken:     []ledger.Layer{{ID: "opening", Qty: ledger.Units(100), Amount: 100000}, {ID: "L7", Qty: ledger.Units(40), Amount: 42200}},
		TakenFrom: []string{"", "CG-202506-0001/1"}}
	for lang, want := range map[string]string{
		"zh-CN": "依次取批次 期初结存 100 / 1,000.00 + CG-202506-0001/1 40 / 422.00，合计 1,422.00",
		"en":    "took the opening stock 100 / 1,000.00 + CG-202506-0001/1 40 / 422.00 = 1,422.00",
	} {
		s := newWindow(t, path, "admin", "", "home", lang)
		if got := costArithmetic(s, x); !strings.Contains(got, want) {
			t.Errorf("%s: %s\nwants %s", lang, got, want)
		}
	}
}
