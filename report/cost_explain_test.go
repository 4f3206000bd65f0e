package report

import (
	"log/slog"
	"path/filepath"
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

// juneBook is DOMAIN.md §3.6's item X, June 2025, in a book of the costing method:
// opening 100 / 1,000.00, P1 200 × 10.55 = 2,110.00 on 06-02, D1 140 on 06-05, P2 150 ×
// 11.33 on 06-08, D2 170 on 06-14 (the purchase return, transfer, sales return and count
// of §3.6 left out), every document audited, closed when close.
func juneBook(t *testing.T, method ledger.Costing, close bool) (*ledger.Book, *ledger.User) {
	t.Helper()
	ctx := t.Context()
	b, err := ledger.Create(ctx, filepath.Join(t.TempDir(), "june.book"), ledger.NewBook{Settings: ledger.Settings{Name: "六月",
		Start: "2025-06", Costing: method, Taxpayer: ledger.TaxpayerGeneral}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = b.AddItem(ctx, u, ledger.Item{Code: "X", Name: "商品X", Unit: "瓶", VAT: 1300})
	must(err)
	_, err = b.AddWarehouse(ctx, u, ledger.Warehouse{Code: "WH1", Name: "一号仓"})
	must(err)
	_, err = b.AddPartner(ctx, u, ledger.Partner{Code: "S", Name: "供应商", Supplier: true})
	must(err)
	_, err = b.AddPartner(ctx, u, ledger.Partner{Code: "C", Name: "客户", Customer: true})
	must(err)
	must(b.SetOpeningStock(ctx, u, "X", "WH1", ledger.Units(100), 100000))
	must(b.SetOpening(ctx, u, "3001", "", 100000, 0, 0))
	for _, d := range []ledger.Doc{
		{Type: ledger.DocReceipt, Date: "2025-06-02", Partner: "S", Warehouse: "WH1", Deductible: true,
			Lines: []ledger.DocLine{{Item: "X", Qty: ledger.Units(200), Price: 10_550_000, UseItemVAT: true}}},
		{Type: ledger.DocDelivery, Date: "2025-06-05", Partner: "C", Warehouse: "WH1",
			Lines: []ledger.DocLine{{Item: "X", Qty: ledger.Units(140), Price: 20_000_000, UseItemVAT: true}}},
		{Type: ledger.DocReceipt, Date: "2025-06-08", Partner: "S", Warehouse: "WH1", Deductible: true,
			Lines: []ledger.DocLine{{Item: "X", Qty: ledger.Units(150), Price: 11_330_000, UseItemVAT: true}}},
		{Type: ledger.DocDelivery, Date: "2025-06-14", Partner: "C", Warehouse: "WH1",
			Lines: []ledger.DocLine{{Item: "X", Qty: ledger.Units(170), Price: 20_000_000, UseItemVAT: true}}},
	} {
		_, err := b.SaveAndAuditDoc(ctx, u, d)
		must(err)
	}
	if close {
		_, err := b.ClosePeriod(ctx, u, "2025-06", ledger.CloseOptions{})
		must(err)
	}
	return b, u
}

// TestExplainCostMethods: §3.6's deliveries under each method, explained from what the
// close stored. Moving average: D1 round2(3,110.00 × 140 / 300) = 1,451.33 from the state
// before it; D2 round2(3,358.17 × 170 / 310) = 1,841.58. Monthly average: Qa = 100 + 350,
// Aa = 1,000.00 + 3,809.50 = 4,809.50; D1 round2(4,809.50 × 140 / 450) = 1,496.29. FIFO:
// D1 takes the opening layer and 40 of P1: 1,000.00 + 422.00; the explanation carries the
// state before (300 / 3,110.00) and the month's opening layer. The gross profit's costs
// are those stored: Σ = the deliveries' costs.
func TestExplainCostMethods(t *testing.T) {
	ctx := t.Context()
	for _, c := range []struct {
		method  ledger.Costing
		d1, d2  ledger.Money
		holdsD2 bool
		beforeQ int64
		beforeA ledger.Money
	}{
		{ledger.CostingMoving, 145133, 184158, true, 300, 311000},
		{ledger.CostingMonthly, 149629, 0, false, 0, 0},
		{ledger.CostingFIFO, 142200, 0, false, 300, 311000},
	} {
		b, u := juneBook(t, c.method, true)
		x, err := b.ExplainCost(ctx, u, "XS-202506-0001", 1)
		if err != nil {
			t.Fatal(err)
		}
		if x.Method != c.method || x.Cost != c.d1 || x.Provisional || x.Qty != ledger.Units(140) {
			t.Errorf("%s D1: %+v", c.method, x)
		}
		switch c.method {
		case ledger.CostingMoving:
			if !x.Holds || x.Want != c.d1 || x.BeforeQty != ledger.Units(c.beforeQ) || x.BeforeAmount != c.beforeA {
				t.Errorf("moving D1: %+v", x)
			}
			d2, err := b.ExplainCost(ctx, u, "XS-202506-0002", 1)
			if err != nil || !d2.Holds || d2.Cost != c.d2 || d2.BeforeQty != ledger.Units(310) || d2.BeforeAmount != 335817 {
				t.Errorf("moving D2: %+v %v", d2, err)
			}
		case ledger.CostingMonthly:
			if !x.Holds || x.OpenQty != ledger.Units(100) || x.OpenAmount != 100000 || x.FixedQty != ledger.Units(350) || x.FixedAmount != 380950 {
				t.Errorf("monthly D1: %+v", x)
			}
		case ledger.CostingFIFO:
			if !x.Holds || x.Want != c.d1 || x.BeforeQty != ledger.Units(c.beforeQ) || x.BeforeAmount != c.beforeA || len(x.OpenLayers) != 1 ||
				x.OpenLayers[0].Amount != 100000 {
				t.Errorf("fifo D1: %+v", x)
			}
			// The layers it took: all of the opening, 40 of P1's 200 (round2(2,110.00 × 40/200)).
			if len(x.Taken) != 2 || x.Taken[0] != (ledger.Layer{ID: "opening", Qty: ledger.Units(100), Amount: 100000}) ||
				x.Taken[1].Qty != ledger.Units(40) || x.Taken[1].Amount != 42200 {
				t.Errorf("fifo D1 took %+v", x.Taken)
			}
			// D2: the rest of P1 and 10 of P2 (after the purchase return took 30 of it).
			d2, err := b.ExplainCost(ctx, u, "XS-202506-0002", 1)
			if err != nil || !d2.Holds || d2.Cost != 180130 || len(d2.Taken) != 2 || d2.Taken[0].Amount != 168800 || d2.Taken[1].Amount != 11330 {
				t.Errorf("fifo D2: %+v %v", d2, err)
			}
		}
		st, err := GrossProfit(ctx, b, u, "2025-06", "2025-06", GrossByItem)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := b.SalesLines(ctx, u, ledger.SalesFilter{From: "2025-06", To: "2025-06"})
		if err != nil || len(lines) != 2 {
			t.Fatalf("%s: sales lines %v %v", c.method, lines, err)
		}
		if l := st.Lines[0]; st.Col(l, "cost") != lines[0].Cost+lines[1].Cost || st.Provisional {
			t.Errorf("%s: gross profit cost %s", c.method, st.Col(l, "cost"))
		}
		checkOK(t, st)
	}
	// Open, the monthly average's costs are provisional: so is the gross profit.
	b, u := juneBook(t, ledger.CostingMonthly, false)
	if st, err := GrossProfit(ctx, b, u, "2025-06", "2025-06", GrossByItem); err != nil || !st.Provisional || len(st.Checks) != 0 {
		t.Errorf("open month, monthly average: %v %+v", err, st)
	}
	if x, err := b.ExplainCost(ctx, u, "XS-202506-0001", 1); err != nil || !x.Provisional {
		t.Errorf("open month's D1: %+v %v", x, err)
	}
}
