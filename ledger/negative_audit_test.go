package ledger

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNegativeCheckAsRun: random receipts, deliveries, other-ins, other-outs and
// transfers over two warehouses, a third of them back-dated, each saved and audited with
// negative stock forbidden. Each is refused exactly when, in costing order, the running
// quantity of one of the (item, warehouse) pairs it takes out of would go below zero
// from its date on, and the refusal names the first such point (of the first pair the
// document takes out of; the document's own movements of a pair are one point): a model
// of every accepted movement decides.
func TestNegativeCheckAsRun(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			b, u := twoWarehouseBook(t)
			ctx := t.Context()
			type move struct {
				item, wh  string
				date      Date
				seq       int
				line, sub int
				qty       int64 // units
			}
			var moves []move
			items := []string{"I0", "I1", "I2"}
			for i, code := range items {
				if _, err := b.AddItem(ctx, u, Item{Code: code, Name: "品" + code, Unit: "个", VAT: 1300}); err != nil {
					t.Fatal(err)
				}
				if err := b.SetOpeningStock(ctx, u, code, "W1", Units(int64(5*i)), Money(100*i)); err != nil {
					t.Fatal(err)
				}
				moves = append(moves, move{item: code, wh: "W1", date: "2025-01-00", qty: int64(5 * i)})
			}
			r := rand.New(rand.NewPCG(seed, 99))
			day, refused, accepted, backRefused := 1, 0, 0, 0
			for n := 0; n < 150; n++ {
				if r.IntN(4) == 0 && day < 56 {
					day++
				}
				d := day
				if r.IntN(3) == 0 {
					d = 1 + r.IntN(day)
				}
				date := Date(fmt.Sprintf("2025-%02d-%02d", 1+(d-1)/28, 1+(d-1)%28))
				wh := []string{"W1", "W2"}[r.IntN(2)]
				doc := Doc{Date: date, Warehouse: wh}
				var own []move
				lines := 1 + r.IntN(3)
				kind := r.IntN(5)
				for l := 1; l <= lines; l++ {
					item := items[r.IntN(len(items))]
					q := int64(1 + r.IntN(6))
					switch kind {
					case 0:
						doc.Type, doc.Partner = DocReceipt, "S1"
						doc.Lines = append(doc.Lines, DocLine{Item: item, Qty: Units(q), Price: 1_000_000, UseItemVAT: true})
						own = append(own, move{item: item, wh: wh, line: l, qty: q})
					case 1:
						doc.Type = DocOtherIn
						doc.Lines = append(doc.Lines, DocLine{Item: item, Qty: Units(q), InvAmount: 100})
						own = append(own, move{item: item, wh: wh, line: l, qty: q})
					case 2:
						doc.Type = DocOtherOut
						doc.Lines = append(doc.Lines, DocLine{Item: item, Qty: Units(q)})
						own = append(own, move{item: item, wh: wh, line: l, qty: -q})
					case 3:
						doc.Type, doc.ToWarehouse = DocTransfer, map[string]string{"W1": "W2", "W2": "W1"}[wh]
						doc.Lines = append(doc.Lines, DocLine{Item: item, Qty: Units(q)})
						own = append(own, move{item: item, wh: wh, line: l, qty: -q}, move{item: item, wh: doc.ToWarehouse, line: l, sub: 1, qty: q})
					default:
						doc.Type, doc.Partner = DocDelivery, "C1"
						doc.Lines = append(doc.Lines, DocLine{Item: item, Qty: Units(q), Price: 2_000_000, UseItemVAT: true})
						own = append(own, move{item: item, wh: wh, line: l, qty: -q})
					}
				}
				// The model: the pairs the document takes out of, in the order of its
				// lines; each pair's movements in costing order, the first point from the
				// document's date on where the running quantity is below zero.
				for i := range own {
					own[i].date, own[i].seq = date, n+1
				}
				all := append(slices.Clone(moves), own...)
				slices.SortFunc(all, func(x, y move) int {
					return cmp.Or(cmp.Compare(x.date, y.date), cmp.Compare(x.seq, y.seq), cmp.Compare(x.line, y.line), cmp.Compare(x.sub, y.sub))
				})
				var want map[string]any
				seen := map[[2]string]bool{}
				for _, o := range own {
					k := [2]string{o.item, o.wh}
					if o.qty > 0 || seen[k] || want != nil {
						continue
					}
					seen[k] = true
					var run int64
					for i, m := range all {
						if m.item != o.item || m.wh != o.wh {
							continue
						}
						run += m.qty
						// The document takes the pair out only: its movements are one point.
						if next := i + 1 + slices.IndexFunc(all[i+1:], func(x move) bool { return x.item == m.item && x.wh == m.wh }); m.seq == n+1 && next > i && all[next].seq == n+1 {
							continue
						}
						if run < 0 && m.date >= date {
							want = map[string]any{"item": o.item, "warehouse": o.wh, "date": string(m.date), "shortfall": Units(-run).String()}
							break
						}
					}
				}
				_, err := b.SaveAndAuditDoc(ctx, u, doc)
				switch {
				case want == nil && err != nil:
					t.Fatalf("%d: %+v refused: %v", n, doc, err)
				case want != nil && CodeOf(err) != CodeStockNegative:
					t.Fatalf("%d: %+v: %v, want %s %v", n, doc, err, CodeStockNegative, want)
				case want != nil:
					e := err.(*Error)
					for k, v := range want {
						if fmt.Sprint(e.Args[k]) != fmt.Sprint(v) {
							t.Fatalf("%d: %+v: refused with %v, want %v", n, doc, e.Args, want)
						}
					}
					refused++
					if want["date"] != string(date) {
						backRefused++
					}
				default:
					moves = append(moves, own...)
					accepted++
				}
			}
			if refused < 10 || accepted < 50 || backRefused < 2 {
				t.Errorf("refused %d (%d at a later point), accepted %d: the test did too little", refused, backRefused, accepted)
			}
		})
	}
}
