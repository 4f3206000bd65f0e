package ledger

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

type goldenCosting struct {
	Opening   struct{ Qty, Amount string }
	Movements []struct {
		Seq    int
		Ref    string
		Kind   string
		Qty    string
		Amount string
		Links  string
	}
	Methods map[string]struct {
		Rows []struct {
			Seq         int
			Ref         string
			Cost        string
			QtyAfter    string                                `json:"qty_after"`
			AmountAfter string                                `json:"amount_after"`
			LayersAfter []struct{ Layer, Qty, Amount string } `json:"layers_after"`
		}
		Cogs      string
		CountLoss string `json:"count_loss"`
		Closing   struct {
			Qty, Amount string
			Layers      []struct{ Layer, Qty, Amount string }
		}
	}
}

func mustMoney(t *testing.T, s string) Money {
	t.Helper()
	m, err := ParseMoney("test", s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustQty(t *testing.T, s string) Qty {
	t.Helper()
	q, err := ParseQty("test", s, true)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestCostingGoldenJune2025 is DOMAIN.md §3.6, every row, under each method.
func TestCostingGoldenJune2025(t *testing.T) {
	raw, err := os.ReadFile("../../shared/golden/costing-june-2025.json")
	if err != nil {
		t.Skip("golden file not found:", err)
	}
	var g goldenCosting
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	var moves []Move
	refIdx := map[string]int{}
	for _, m := range g.Movements {
		mv := Move{ID: m.Ref, Link: m.Links}
		switch m.Kind {
		case "purchase_receipt":
			mv.Kind = MoveIn
			mv.Amount = mustMoney(t, m.Amount)
		case "purchase_return":
			mv.Kind = MovePurchaseReturn
			mv.Amount = mustMoney(t, m.Amount)
		case "delivery", "count_loss":
			mv.Kind = MoveOut
		case "sales_return":
			mv.Kind = MoveSalesReturn
		case "transfer":
			continue // costing ignores transfers
		default:
			t.Fatalf("kind %s", m.Kind)
		}
		mv.Qty = mustQty(t, m.Qty)
		refIdx[m.Ref] = len(moves)
		moves = append(moves, mv)
	}
	open := CostState{Qty: mustQty(t, g.Opening.Qty), Amount: mustMoney(t, g.Opening.Amount)}
	for name, method := range map[string]Costing{"moving_average": CostingMoving, "fifo": CostingFIFO, "monthly_average": CostingMonthly} {
		t.Run(name, func(t *testing.T) {
			o := open
			if method == CostingFIFO {
				o.Layers = []Layer{{ID: "L0", Qty: o.Qty, Amount: o.Amount}}
			}
			run := Cost(method, o, moves)
			want := g.Methods[name]
			for _, row := range want.Rows {
				i := refIdx[row.Ref]
				got := run.Rows[i]
				if got.Cost != mustMoney(t, row.Cost) && got.Cost != -mustMoney(t, row.Cost) {
					t.Errorf("%s cost = %s, want %s", row.Ref, got.Cost, row.Cost)
				}
				if row.QtyAfter != "" && (got.Qty != mustQty(t, row.QtyAfter) || got.Amount != mustMoney(t, row.AmountAfter)) {
					t.Errorf("%s after = %s / %s, want %s / %s", row.Ref, got.Qty, got.Amount, row.QtyAfter, row.AmountAfter)
				}
			}
			var cogs, loss Money
			for i, m := range moves {
				switch {
				case m.ID == "L1":
					loss += run.Rows[i].Cost
				case m.Kind == MoveOut:
					cogs += run.Rows[i].Cost
				case m.Kind == MoveSalesReturn:
					cogs -= run.Rows[i].Cost
				}
				cogs += run.Rows[i].Adj
			}
			if cogs != mustMoney(t, want.Cogs) || loss != mustMoney(t, want.CountLoss) {
				t.Errorf("COGS %s loss %s, want %s %s", cogs, loss, want.Cogs, want.CountLoss)
			}
			if run.Close.Qty != mustQty(t, want.Closing.Qty) || run.Close.Amount != mustMoney(t, want.Closing.Amount) {
				t.Errorf("closing %s / %s, want %s / %s", run.Close.Qty, run.Close.Amount, want.Closing.Qty, want.Closing.Amount)
			}
			if method == CostingFIFO {
				if len(run.Close.Layers) != len(want.Closing.Layers) {
					t.Fatalf("closing layers %+v, want %+v", run.Close.Layers, want.Closing.Layers)
				}
				for i, l := range want.Closing.Layers {
					got := run.Close.Layers[i]
					if !strings.HasPrefix(got.ID, l.Layer) || got.Qty != mustQty(t, l.Qty) || got.Amount != mustMoney(t, l.Amount) {
						t.Errorf("closing layer %d = %+v, want %+v", i, got, l)
					}
				}
			}
			if len(run.Warnings) != 0 {
				t.Errorf("warnings: %v", run.Warnings)
			}
		})
	}
}

// TestCostingExamples are the small examples in DOMAIN.md §3.2, §3.3 and §3.5.
func TestCostingExamples(t *testing.T) {
	// §3.2: Q=3, A=10.00: deliver 1 → 3.33; deliver 2 → 6.67, nothing left.
	run := CostMoving(CostState{Qty: Units(3), Amount: 1000}, []Move{{ID: "d1", Kind: MoveOut, Qty: Units(1)}, {ID: "d2", Kind: MoveOut, Qty: Units(2)}})
	if run.Rows[0].Cost != 333 || run.Rows[1].Cost != 667 || run.Close.Amount != 0 {
		t.Errorf("§3.2: %+v", run.Rows)
	}
	// §3.3: layers P1 2/24.00, P2 10/130.00; return 5 of P1 at 60.00 → L = 63.00, adj = 3.00.
	run = CostFIFO(CostState{Qty: Units(12), Amount: 15400, Layers: []Layer{{"P1", Units(2), 2400}, {"P2", Units(10), 13000}}},
		[]Move{{ID: "r", Kind: MovePurchaseReturn, Qty: Units(5), Amount: 6000, Link: "P1"}})
	if run.Rows[0].Adj != 300 || run.Rows[0].Cost != 6000 || run.Close.Qty != Units(7) || run.Close.Amount != 9100 {
		t.Errorf("§3.3: %+v close %+v", run.Rows[0], run.Close)
	}
	// §3.5: (10, 50.00); deliver 15 → 75.00, state (−5, −25.00); receive 20 at 120.00 → adj 5.00, (15, 90.00).
	for _, method := range []Costing{CostingMoving, CostingFIFO} {
		run = Cost(method, CostState{Qty: Units(10), Amount: 5000}, []Move{{ID: "d", Kind: MoveOut, Qty: Units(15)}, {ID: "p", Kind: MoveIn, Qty: Units(20), Amount: 12000}})
		if run.Rows[0].Cost != 7500 || run.Rows[0].Qty != Units(-5) || run.Rows[0].Amount != -2500 ||
			run.Rows[1].Adj != 500 || run.Close.Qty != Units(15) || run.Close.Amount != 9000 {
			t.Errorf("§3.5 %s: %+v close %+v", method, run.Rows, run.Close)
		}
	}
}

// randomMoves makes a plausible sequence: never more out than on hand (negative stock
// off), returns linked to earlier receipts and deliveries within their quantities.
func randomMoves(r *rand.Rand, open CostState) []Move {
	n := 1 + r.IntN(25)
	q := open.Qty
	var moves []Move
	type src struct {
		id       string
		qty, ret Qty
	}
	var receipts, deliveries []*src
	for i := 0; i < n; i++ {
		id := string(rune('a'+i%26)) + itoa(i)
		switch k := r.IntN(6); {
		case k <= 1 || q == 0:
			qty := Units(int64(1 + r.IntN(50)))
			amt := Money(r.Int64N(100000))
			moves = append(moves, Move{ID: id, Kind: MoveIn, Qty: qty, Amount: amt})
			receipts = append(receipts, &src{id: id, qty: qty})
			q += qty
		case k == 2 && len(receipts) > 0:
			s := receipts[r.IntN(len(receipts))]
			avail := min(s.qty-s.ret, q)
			if avail <= 0 {
				continue
			}
			rq := Qty(1 + r.Int64N(int64(avail)))
			moves = append(moves, Move{ID: id, Kind: MovePurchaseReturn, Qty: rq, Amount: Money(r.Int64N(50000)), Link: s.id})
			s.ret += rq
			q -= rq
		case k == 3 && len(deliveries) > 0:
			s := deliveries[r.IntN(len(deliveries))]
			if s.qty-s.ret <= 0 {
				continue
			}
			rq := Qty(1 + r.Int64N(int64(s.qty-s.ret)))
			moves = append(moves, Move{ID: id, Kind: MoveSalesReturn, Qty: rq, Link: s.id})
			s.ret += rq
			q += rq
		case k == 4:
			gq := Qty(1 + r.Int64N(50000))
			moves = append(moves, Move{ID: id, Kind: MoveGain, Qty: gq})
			q += gq
		default:
			oq := Qty(1 + r.Int64N(int64(q)))
			moves = append(moves, Move{ID: id, Kind: MoveOut, Qty: oq})
			deliveries = append(deliveries, &src{id: id, qty: oq})
			q -= oq
		}
	}
	return moves
}

// TestCostingProperties: for thousands of random sequences, under each method, quantity
// and amount are conserved (opening + in − out − adj = closing), zero quantity leaves no
// amount, FIFO layers are never negative and sum to the state, and with one inflow in a
// month moving and monthly average agree.
func TestCostingProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 3000; iter++ {
		open := CostState{}
		if r.IntN(2) == 0 {
			open.Qty = Units(int64(r.IntN(100)))
			if open.Qty > 0 {
				open.Amount = Money(r.Int64N(200000))
			}
		}
		moves := randomMoves(r, open)
		for _, method := range []Costing{CostingMoving, CostingFIFO, CostingMonthly} {
			run := Cost(method, open, moves)
			q, a := open.Qty, open.Amount
			for i, m := range moves {
				c := run.Rows[i]
				if m.Kind.In() {
					q, a = q+m.Qty, a+c.Cost
				} else {
					q, a = q-m.Qty, a-c.Cost
				}
				a -= c.Adj
				if method != CostingMonthly && (c.Qty != q || c.Amount != a) {
					t.Fatalf("iter %d %s row %d: state %s/%s, conservation says %s/%s", iter, method, i, c.Qty, c.Amount, q, a)
				}
				if method != CostingMonthly && c.Qty == 0 && c.Amount != 0 {
					t.Fatalf("iter %d %s row %d: residue %s at zero quantity", iter, method, i, c.Amount)
				}
			}
			if run.Close.Qty != q || run.Close.Amount != a {
				t.Fatalf("iter %d %s: closing %s/%s, conservation says %s/%s (moves %+v)", iter, method, run.Close.Qty, run.Close.Amount, q, a, moves)
			}
			if q == 0 && a != 0 {
				t.Fatalf("iter %d %s: residue %s at zero quantity", iter, method, a)
			}
			if method == CostingFIFO {
				var lq Qty
				var la Money
				for _, l := range run.Close.Layers {
					if l.Qty < 0 {
						t.Fatalf("iter %d: negative layer %+v with negative stock off", iter, l)
					}
					lq, la = lq+l.Qty, la+l.Amount
				}
				if lq != run.Close.Qty || la != run.Close.Amount {
					t.Fatalf("iter %d: layers sum %s/%s, state %s/%s", iter, lq, la, run.Close.Qty, run.Close.Amount)
				}
			}
		}
		// One inflow, then outflows only: moving and monthly average are the same method
		// up to rounding: every row and the closing agree within one fen per outflow.
		if r.IntN(3) == 0 {
			in := Move{ID: "in", Kind: MoveIn, Qty: Units(int64(1 + r.IntN(100))), Amount: Money(r.Int64N(500000))}
			ms := []Move{in}
			left := in.Qty
			for left > 0 && len(ms) < 8 {
				oq := Qty(1 + r.Int64N(int64(left)))
				ms = append(ms, Move{ID: "o" + itoa(len(ms)), Kind: MoveOut, Qty: oq})
				left -= oq
			}
			mv, mo := CostMoving(CostState{}, ms), CostMonthly(CostState{}, ms)
			tol := Money(len(ms) - 1)
			for i := range ms {
				if absMoney(mv.Rows[i].Cost-mo.Rows[i].Cost) > tol {
					t.Fatalf("iter %d: row %d moving %s monthly %s", iter, i, mv.Rows[i].Cost, mo.Rows[i].Cost)
				}
			}
			if mv.Close.Qty != mo.Close.Qty || absMoney(mv.Close.Amount-mo.Close.Amount) > tol {
				t.Fatalf("iter %d: closing moving %+v monthly %+v", iter, mv.Close, mo.Close)
			}
			if len(ms) == 2 && mv.Rows[1].Cost != mo.Rows[1].Cost && left == 0 {
				t.Fatalf("iter %d: a single outflow of everything: moving %s monthly %s", iter, mv.Rows[1].Cost, mo.Rows[1].Cost)
			}
		}
	}
}
