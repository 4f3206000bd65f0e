package report

import (
	"testing"

	"shopbooks/ledger"
)

// TestExplainCost: DOMAIN.md §8's costs explained from what costing stored, open and
// closed: XS-0003's A left at round2(6,780.00 × 100 / 330) = 2,054.55 (§8.2), XS-0002's B
// at round2(8,292.04 × 300 / 1,600) = 1,554.76, XT-0001's A came back at
// round2(3,090.00 × 10 / 150) = 206.00, CG-0001 at its fixed 4,300.00; the VAT of an
// exclusive line round2(3,040.00 × 13%) = 395.20 and of an inclusive one
// round2(2,640.00 × 13 / 113) = 303.72.
func TestExplainCost(t *testing.T) {
	g := loadGolden(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	for _, closed := range []bool{false, true} {
		if closed {
			if _, err := b.ClosePeriod(ctx, u, "2025-01", ledger.CloseOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			doc            string
			line           int
			beforeQ        int64
			beforeA, cost  ledger.Money
			vat, vatWant   ledger.Money
			src            string
			fixed, inclVAT bool
		}{
			{"XS-202501-0003", 1, 330, 678000, 205455, 39520, 39520, "", false, false},
			{"XS-202501-0002", 1, 1600, 829204, 155476, 30372, 30372, "", false, true},
			{"XT-202501-0001", 1, 230, 472545, 20600, 4160, 4160, "XS-202501-0001/1", false, false},
			{"CG-202501-0001", 1, 300, 600000, 430000, 55900, 55900, "", true, false},
		} {
			x, err := b.ExplainCost(ctx, u, c.doc, c.line)
			if err != nil {
				t.Fatal(err)
			}
			if x.BeforeQty != ledger.Units(c.beforeQ) || x.BeforeAmount != c.beforeA || x.Cost != c.cost || !x.Holds || x.Want != c.cost ||
				x.SrcLine != c.src || x.Fixed != c.fixed || x.Provisional == closed {
				t.Errorf("closed %v, %s/%d: %+v", closed, c.doc, c.line, x)
			}
			if x.VAT != c.vat || x.VATWant != c.vatWant || x.Inclusive != c.inclVAT || x.Override {
				t.Errorf("%s/%d VAT: %s (want %s), inclusive %v", c.doc, c.line, x.VAT, x.VATWant, x.Inclusive)
			}
		}
	}
	if _, err := b.ExplainCost(ctx, u, "XS-202501-0009", 1); ledger.CodeOf(err) != ledger.CodeUnknownDoc {
		t.Errorf("unknown document: %v", err)
	}
}
