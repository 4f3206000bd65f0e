package ledger

import (
	"context"

	"shopbooks/store"
)

// StockSummaryRow is an item's line of the stock summary (库存收发存汇总表, DOMAIN.md
// §7.4): all warehouses, transfers excluded.
type StockSummaryRow struct {
	Item, Name, Unit string
	OpenQty          Qty
	OpenAmount       Money
	InQty            Qty // receipts − purchase returns + other-in + count gains
	InAmount         Money
	OutQty           Qty // deliveries − sales returns + other-out + count losses (+ adjustments, quantity 0)
	OutAmount        Money
	CloseQty         Qty
	CloseAmount      Money
}

// StockSummary is every item with stock or movements in the period. The opening of a
// month after a closed one is the state its close stored; amounts need PermViewCost (0
// without it). Needs PermViewDocs.
func (b *Book) StockSummary(ctx context.Context, by *User, period Period) ([]StockSummaryRow, error) {
	if !by.Can(PermViewDocs) {
		return nil, forbidden(string(PermViewDocs))
	}
	cost := by.Can(PermViewCost)
	var out []StockSummaryRow
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		// The opening: the previous month's close where it exists, else the book's
		// opening and every movement before the month.
		var closedPrev int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM item_period_costs WHERE period = ?", period.Prev()).Scan(&closedPrev); err != nil {
			return err
		}
		openSQL := `SELECT item_id, sum(q) AS q, sum(a) AS a FROM (
				SELECT item_id, qty AS q, amount AS a FROM opening_stock
				UNION ALL SELECT item_id, qty, amount - adj FROM stock_moves WHERE period < ?1 AND kind <> 0)
			GROUP BY item_id`
		if closedPrev > 0 {
			openSQL = `SELECT item_id, qty AS q, amount AS a FROM item_period_costs WHERE period = ?2`
		}
		rows, err := tx.QueryContext(ctx, `WITH open AS (`+openSQL+`),
			mov AS (SELECT item_id,
				sum(CASE WHEN kind IN (1, 2, 4) THEN qty ELSE 0 END) AS iq,
				sum(CASE WHEN kind IN (1, 2, 4) THEN amount ELSE 0 END) AS ia,
				sum(CASE WHEN kind IN (3, 5) THEN -qty ELSE 0 END) AS oq,
				sum(CASE WHEN kind IN (3, 5) THEN -amount ELSE 0 END) + sum(adj) AS oa
				FROM stock_moves WHERE period = ?1 AND kind <> 0 GROUP BY item_id)
			SELECT i.code, i.name, i.unit, ifnull(o.q, 0), ifnull(o.a, 0), ifnull(m.iq, 0), ifnull(m.ia, 0), ifnull(m.oq, 0), ifnull(m.oa, 0)
			FROM items i LEFT JOIN open o ON o.item_id = i.id LEFT JOIN mov m ON m.item_id = i.id
			WHERE o.item_id IS NOT NULL OR m.item_id IS NOT NULL ORDER BY i.code`, period, period.Prev())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r StockSummaryRow
			if err := rows.Scan(&r.Item, &r.Name, &r.Unit, &r.OpenQty, &r.OpenAmount, &r.InQty, &r.InAmount, &r.OutQty, &r.OutAmount); err != nil {
				return err
			}
			r.CloseQty = r.OpenQty + r.InQty - r.OutQty
			r.CloseAmount = r.OpenAmount + r.InAmount - r.OutAmount
			if r.OpenQty == 0 && r.InQty == 0 && r.OutQty == 0 && r.OpenAmount == 0 && r.InAmount == 0 && r.OutAmount == 0 {
				continue
			}
			if !cost {
				r.OpenAmount, r.InAmount, r.OutAmount, r.CloseAmount = 0, 0, 0, 0
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// ItemStock is an item's stock over every warehouse: quantity and amount at cost.
type ItemStock struct {
	Item   string
	Qty    Qty
	Amount Money
}

// ClosedStock is each item's stock at the end of a closed period as its close stored it
// (item_period_costs: the costing's state, DOMAIN.md §3), by item code; items with
// neither quantity nor amount are left out. closed is false, with no rows, for a period
// that is not closed. Amounts need PermViewCost (0 without it). Needs PermViewDocs.
func (b *Book) ClosedStock(ctx context.Context, by *User, period Period) (out []ItemStock, closed bool, err error) {
	if !by.Can(PermViewDocs) {
		return nil, false, forbidden(string(PermViewDocs))
	}
	cost := by.Can(PermViewCost)
	err = b.db.Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM periods WHERE period = ? AND closed = 1", period).Scan(&closed); err != nil || !closed {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT i.code, c.qty, c.amount FROM item_period_costs c JOIN items i ON i.id = c.item_id
			WHERE c.period = ? AND (c.qty <> 0 OR c.amount <> 0) ORDER BY i.code`, period)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s ItemStock
			if err := rows.Scan(&s.Item, &s.Qty, &s.Amount); err != nil {
				return err
			}
			if !cost {
				s.Amount = 0
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, closed, fromStore(err)
}
