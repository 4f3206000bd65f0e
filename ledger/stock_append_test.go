package ledger

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"shopbooks/store"
)

func movesDump(t *testing.T, b *Book) string {
	t.Helper()
	var out string
	err := b.db.Read(t.Context(), func(tx *store.Tx) (err error) {
		out, err = dumpMoves(t.Context(), tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dumpMoves(ctx context.Context, tx *store.Tx) (string, error) {
	var out strings.Builder
	rows, err := tx.QueryContext(ctx, "SELECT id, amount, adj, qty_after, amount_after FROM stock_moves ORDER BY id")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var id, a, adj, q, aa int64
		if err := rows.Scan(&id, &a, &adj, &q, &aa); err != nil {
			return "", err
		}
		fmt.Fprintf(&out, "%d %d %d %d %d\n", id, a, adj, q, aa)
	}
	return out.String(), rows.Err()
}

// recostDump is the costs that costing every item again from the first open period
// gives, in a transaction rolled back: the book is left as it is.
func recostDump(t *testing.T, b *Book) string {
	t.Helper()
	ctx := t.Context()
	s, err := b.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	rollback := errors.New("rollback")
	err = b.db.Write(ctx, func(tx *store.Tx) error {
		var ids []int64
		rows, err := tx.QueryContext(ctx, "SELECT id FROM items")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		items := map[int64]bool{}
		for _, id := range ids {
			items[id] = true
		}
		if err := recost(ctx, tx, s, items); err != nil {
			return err
		}
		if out, err = dumpMoves(ctx, tx); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	return out
}

// TestAppendCostingEqualsRecost: random documents, mostly in date order and sometimes
// back-dated, audited one by one (the fast paths where they apply: appended movements
// alone, or a back-dated document's and the later ones of its month), leave exactly the
// costs that costing every item again from the opening gives.
func TestAppendCostingEqualsRecost(t *testing.T) {
	for _, c := range []struct {
		method    Costing
		seed      uint64
		noReturns bool // no linked sales returns: the back-dated path runs for most items
	}{{CostingMoving, 7, false}, {CostingMoving, 8, true}, {CostingMoving, 9, true}, {CostingFIFO, 7, false}, {CostingMonthly, 7, false}} {
		method := c.method
		t.Run(fmt.Sprintf("%s/%d", method, c.seed), func(t *testing.T) {
			nb := testNewBook(TaxpayerGeneral)
			nb.Costing = method
			b, u := openTestBookWith(t, nb)
			ctx := t.Context()
			if _, err := b.AddWarehouse(ctx, u, Warehouse{Code: "W1", Name: "主仓"}); err != nil {
				t.Fatal(err)
			}
			b.AddPartner(ctx, u, Partner{Code: "S1", Name: "供", Supplier: true})
			b.AddPartner(ctx, u, Partner{Code: "C1", Name: "客", Customer: true})
			for i := range 4 {
				code := fmt.Sprintf("I%d", i)
				if _, err := b.AddItem(ctx, u, Item{Code: code, Name: "品" + code, Unit: "个", VAT: 1300}); err != nil {
					t.Fatal(err)
				}
				b.SetOpeningStock(ctx, u, code, "W1", Units(int64(10*i)), Money(1000*i))
			}
			r := rand.New(rand.NewPCG(c.seed, uint64(len(method))))
			var receipts, deliveries []string
			day := 1
			for n := 0; n < 120; n++ {
				if r.IntN(5) != 0 && day < 58 {
					day++
				}
				d := day
				switch {
				case r.IntN(6) == 0: // back-dated
					d = 1 + r.IntN(day)
				case c.noReturns && r.IntN(3) == 0: // a few days back
					d = max(1, day-r.IntN(6))
				}
				date := Date(fmt.Sprintf("2025-%02d-%02d", 1+(d-1)/28, 1+(d-1)%28))
				item := fmt.Sprintf("I%d", r.IntN(4))
				var doc Doc
				switch k := r.IntN(6); {
				case k <= 1:
					doc = Doc{Type: DocReceipt, Partner: "S1", Warehouse: "W1", Deductible: true,
						Lines: []DocLine{{Item: item, Qty: Units(int64(1 + r.IntN(20))), Price: Price(1_000_000 + r.Int64N(9_000_000)), UseItemVAT: true}}}
				case k == 2 && len(receipts) > 0:
					doc = Doc{Type: DocPReturn, Partner: "S1", Warehouse: "W1", Lines: []DocLine{{Item: "", Qty: Units(1), SourceLine: receipts[r.IntN(len(receipts))]}}}
				case k == 3 && len(deliveries) > 0 && !c.noReturns:
					doc = Doc{Type: DocSReturn, Partner: "C1", Warehouse: "W1", Lines: []DocLine{{Qty: Units(1), SourceLine: deliveries[r.IntN(len(deliveries))]}}}
				case k == 4:
					doc = Doc{Type: DocOtherIn, Warehouse: "W1", Lines: []DocLine{{Item: item, Qty: Units(int64(1 + r.IntN(5))), InvAmount: Money(r.Int64N(5000))}}}
				default:
					doc = Doc{Type: DocDelivery, Partner: "C1", Warehouse: "W1",
						Lines: []DocLine{{Item: item, Qty: Units(int64(1 + r.IntN(8))), Price: 20_000_000, UseItemVAT: true}}}
				}
				doc.Date = date
				if doc.Lines[0].SourceLine != "" {
					src, err := b.Doc(ctx, strings.Split(doc.Lines[0].SourceLine, "/")[0])
					if err != nil {
						t.Fatal(err)
					}
					doc.Lines[0].Item = src.Lines[0].Item
					if src.Date > date {
						doc.Date = src.Date
					}
				}
				saved, err := b.SaveAndAuditDoc(ctx, u, doc)
				if err != nil {
					continue // refusals (short stock, returns beyond the source) are fine here
				}
				// After each audit, not only at the end: a later recost of the item would
				// hide a wrong cost an earlier audit left.
				if got, want := movesDump(t, b), recostDump(t, b); got != want {
					t.Fatalf("after %s (%s): costs differ from costing again:\nincremental:\n%s\nfull:\n%s", saved.Number, saved.Date, got, want)
				}
				switch saved.Type {
				case DocReceipt:
					receipts = append(receipts, saved.Number+"/1")
				case DocDelivery:
					deliveries = append(deliveries, saved.Number+"/1")
				}
			}
			incremental := movesDump(t, b)
			s, _ := b.Settings(ctx)
			err := b.db.Write(ctx, func(tx *store.Tx) error {
				return recost(ctx, tx, s, map[int64]bool{1: true, 2: true, 3: true, 4: true})
			})
			if err != nil {
				t.Fatal(err)
			}
			if full := movesDump(t, b); full != incremental {
				t.Errorf("costs after auditing one by one differ from costing again:\nincremental:\n%s\nfull:\n%s", incremental, full)
			}
			if strings.Count(incremental, "\n") < 60 {
				t.Errorf("only %d movements: the test did too little", strings.Count(incremental, "\n"))
			}
		})
	}
}
