package ledger

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"shopbooks/store"
)

// twoWarehouseBook is a new book with warehouses W1 and W2, supplier S1 and customer C1.
func twoWarehouseBook(t *testing.T) (*Book, *User) {
	t.Helper()
	b, u := openTestBookWith(t, testNewBook(TaxpayerGeneral))
	for _, w := range []string{"W1", "W2"} {
		if _, err := b.AddWarehouse(t.Context(), u, Warehouse{Code: w, Name: "仓" + w}); err != nil {
			t.Fatal(err)
		}
	}
	b.AddPartner(t.Context(), u, Partner{Code: "S1", Name: "供", Supplier: true})
	b.AddPartner(t.Context(), u, Partner{Code: "C1", Name: "客", Customer: true})
	return b, u
}

// stockPeriodBook is a book with three months of random receipts, deliveries and
// transfers in two warehouses, some un-audited again, its first month closed.
func stockPeriodBook(t *testing.T) (*Book, *User) {
	t.Helper()
	b, u := twoWarehouseBook(t)
	ctx := t.Context()
	for i := range 5 {
		code := fmt.Sprintf("I%d", i)
		if _, err := b.AddItem(ctx, u, Item{Code: code, Name: "品" + code, Unit: "个", VAT: 1300}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := b.SetOpeningStock(ctx, u, code, "W1", Units(int64(20+i)), Money(2000+100*int64(i))); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, o := range []struct {
		account string
		amount  Money
	}{{"3001", 6600}} {
		if err := b.SetOpening(ctx, u, o.account, "", o.amount, 0, 0); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(3, 5))
	var audited []string
	for n := range 150 {
		m := 1 + n/50
		date := Date(fmt.Sprintf("2025-%02d-%02d", m, 1+r.IntN(28)))
		item := fmt.Sprintf("I%d", r.IntN(5))
		wh := []string{"W1", "W2"}[r.IntN(2)]
		var d Doc
		switch r.IntN(4) {
		case 0, 1:
			d = Doc{Type: DocReceipt, Partner: "S1", Warehouse: wh, Deductible: true,
				Lines: []DocLine{{Item: item, Qty: Units(int64(1 + r.IntN(20))), Price: Price(1_000_000 + r.Int64N(9_000_000)), UseItemVAT: true}}}
		case 2:
			d = Doc{Type: DocDelivery, Partner: "C1", Warehouse: wh,
				Lines: []DocLine{{Item: item, Qty: Units(int64(1 + r.IntN(6))), Price: 20_000_000, UseItemVAT: true}}}
		default:
			d = Doc{Type: DocTransfer, Warehouse: "W1", ToWarehouse: "W2", Lines: []DocLine{{Item: item, Qty: Units(int64(1 + r.IntN(3)))}}}
		}
		d.Date = date
		saved, err := b.SaveAndAuditDoc(ctx, u, d)
		if err != nil {
			continue // short stock
		}
		audited = append(audited, saved.Number)
		if r.IntN(10) == 0 {
			n := audited[r.IntN(len(audited))]
			switch err := b.UnauditDoc(ctx, u, n); {
			case err == nil:
				if err := b.VoidDoc(ctx, u, n); err != nil {
					t.Fatal(err)
				}
			case CodeOf(err) != CodeDocNotAudited && CodeOf(err) != CodeStockNegative && CodeOf(err) != CodePeriodClosed:
				t.Fatal(err)
			}
		}
	}
	if len(audited) < 80 {
		t.Fatalf("only %d documents audited", len(audited))
	}
	if _, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	return b, u
}

// TestStockPeriodQty: the quantities per period follow every audit and un-audit (verify
// agrees), on-hand at every date equals the opening plus the movements up to it, and the
// stock ledger of a month after a close opens where adding everything up does.
func TestStockPeriodQty(t *testing.T) {
	b, u := stockPeriodBook(t)
	ctx := t.Context()
	rep, err := b.Verify(ctx, false)
	if err != nil || rep.Failure != nil {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
	// On-hand at each date, from either end, against the movements added up.
	for day := range 100 {
		date := Date(fmt.Sprintf("2025-%02d-%02d", 1+day/31, 1+day%31))
		if day%31 >= 28 {
			date = Date(fmt.Sprintf("2025-%02d-28", 1+day/31))
		}
		want := map[string]Qty{}
		err := b.db.Read(ctx, func(tx *store.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT i.code || '@' || w.code, sum(q) FROM (
					SELECT item_id, warehouse_id, qty AS q FROM opening_stock
					UNION ALL SELECT item_id, warehouse_id, qty FROM stock_moves WHERE date <= ?) x
				JOIN items i ON i.id = x.item_id JOIN warehouses w ON w.id = x.warehouse_id GROUP BY 1`, date)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var k string
				var q Qty
				if err := rows.Scan(&k, &q); err != nil {
					return err
				}
				if q != 0 {
					want[k] = q
				}
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, wh := range []string{"", "W2"} {
			got, err := b.StockOnHand(ctx, u, OnHandFilter{Date: date, Warehouse: wh})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, o := range got {
				for w, q := range o.ByWarehouse {
					n++
					if want[o.Item+"@"+w] != q {
						t.Errorf("%s %s@%s: on-hand %v, movements add up to %v", date, o.Item, w, q, want[o.Item+"@"+w])
					}
				}
			}
			if wh == "" && n != len(want) {
				t.Errorf("%s: %d item × warehouse rows, want %d", date, n, len(want))
			}
		}
		// The amounts (all warehouses), against the opening and the movements' costs.
		got, err := b.StockOnHand(ctx, u, OnHandFilter{Date: date})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range got {
			var a Money
			err := b.db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT
					(SELECT ifnull(sum(amount), 0) FROM opening_stock WHERE item_id = i.id) +
					(SELECT ifnull(sum(amount - adj), 0) FROM stock_moves WHERE item_id = i.id AND date <= ?2 AND kind <> 0)
					FROM items i WHERE code = ?1`, o.Item, date).Scan(&a)
			})
			if err != nil {
				t.Fatal(err)
			}
			if o.Amount != a {
				t.Errorf("%s %s: amount %v, the movements add up to %v", date, o.Item, o.Amount, a)
			}
		}
	}
	// The stock ledger of February opens with the sum of everything before it.
	for i := range 5 {
		item := fmt.Sprintf("I%d", i)
		led, err := b.StockLedger(ctx, u, item, "2025-02")
		if err != nil {
			t.Fatal(err)
		}
		var q Qty
		var a Money
		err = b.db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT
				(SELECT ifnull(sum(qty), 0) FROM opening_stock WHERE item_id = i.id) +
				(SELECT ifnull(sum(qty), 0) FROM stock_moves WHERE item_id = i.id AND date < '2025-02-01' AND kind <> 0),
				(SELECT ifnull(sum(amount), 0) FROM opening_stock WHERE item_id = i.id) +
				(SELECT ifnull(sum(amount - adj), 0) FROM stock_moves WHERE item_id = i.id AND date < '2025-02-01' AND kind <> 0)
				FROM items i WHERE code = ?`, item).Scan(&q, &a)
		})
		if err != nil {
			t.Fatal(err)
		}
		if led[0].Qty != q || led[0].Amount != a {
			t.Errorf("%s: February opens with %v / %v, the movements before add up to %v / %v", item, led[0].Qty, led[0].Amount, q, a)
		}
	}
	// A closed month's quantities cannot change, even through SQL; verify finds an
	// open month's that no longer add up.
	db := rawDB(t, b.Path())
	for _, q := range []string{
		"UPDATE stock_period_qty SET qty = qty + 1 WHERE period = '2025-01'",
		"DELETE FROM stock_period_qty WHERE period = '2025-01'",
		"INSERT INTO stock_period_qty(period, item_id, warehouse_id, qty) VALUES ('2025-01', 1, 1, 5) ON CONFLICT DO UPDATE SET qty = 5",
	} {
		if _, err := db.Exec(q); err == nil || !errors.Is(store.Classify(err), store.ErrPeriodClosed) {
			t.Errorf("%s: %v, want period closed", q, err)
		}
	}
	rawExec(t, db, "UPDATE stock_period_qty SET qty = qty + 1 WHERE (period, item_id, warehouse_id) = (SELECT period, item_id, warehouse_id FROM stock_period_qty WHERE period = '2025-02' LIMIT 1)")
	rep, err = b.Verify(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failure == nil || rep.Failure.Code != CodeVerifyOnHand {
		t.Errorf("a changed period quantity: verify says %v", rep.Failure)
	}
}
