package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"shopbooks/store"
)

// onHandAt is an item's quantity in a warehouse at the end of a date: the opening stock
// and every audited movement dated on or before it.
func onHandAt(ctx context.Context, tx *store.Tx, item, warehouse string, date Date) (Qty, error) {
	it, err := loadItem(ctx, tx, item)
	if err != nil {
		return 0, err
	}
	w, err := loadWarehouse(ctx, tx, warehouse)
	if err != nil {
		return 0, err
	}
	var q Qty
	err = tx.QueryRowContext(ctx, `SELECT
		(SELECT ifnull(sum(qty), 0) FROM opening_stock WHERE item_id = ?1 AND warehouse_id = ?2) +
		(SELECT ifnull(sum(qty), 0) FROM stock_moves WHERE item_id = ?1 AND warehouse_id = ?2 AND date <= ?3)`,
		it.ID, w.ID, date).Scan(&q)
	return q, err
}

// OnHand is an item's stock: the quantity per warehouse, the total, and the amount at
// cost (costing is per item across warehouses, DOMAIN.md §3.1; provisional in open
// periods).
type OnHand struct {
	Item        string
	Name        string
	Unit        string
	Reorder     Qty
	ByWarehouse map[string]Qty // warehouse code → quantity
	Qty         Qty
	Amount      Money
	UnitCost    Price // Amount / Qty, for display (0 when Qty ≤ 0)
}

// OnHandFilter selects stock: one item, one warehouse (the amount is then the item's
// amount pro rata to that warehouse's quantity), at the end of a date ("" today: every
// audited movement); Below keeps only items under their reorder level.
type OnHandFilter struct {
	Item      string
	Warehouse string
	Date      Date
	Below     bool
	Zero      bool // also items with nothing on hand
}

// StockOnHand lists stock by item code. Amounts need PermViewCost; without it they are 0.
func (b *Book) StockOnHand(ctx context.Context, by *User, f OnHandFilter) ([]OnHand, error) {
	if !by.Can(PermViewDocs) {
		return nil, forbidden(string(PermViewDocs))
	}
	date := f.Date
	if date == "" {
		date = "9999-12-31"
	}
	var out []OnHand
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var itemID, whID int64
		if f.Item != "" {
			it, err := loadItem(ctx, tx, f.Item)
			if err != nil {
				return err
			}
			itemID = int64(it.ID)
		}
		if f.Warehouse != "" {
			w, err := loadWarehouse(ctx, tx, f.Warehouse)
			if err != nil {
				return err
			}
			whID = int64(w.ID)
		}
		// Quantities per item × warehouse at the end of the date: from whichever end is
		// nearer, the opening stock plus the periods before the date's month
		// (stock_period_qty) plus the month's movements up to the date, or the kept
		// on-hand less the later periods and the month's later movements.
		month := string(date)[:7]
		var before, after int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE period < ?1), count(*) FILTER (WHERE period > ?1) FROM periods",
			month).Scan(&before, &after); err != nil {
			return err
		}
		parts := `SELECT item_id, warehouse_id, qty FROM stock_on_hand WHERE (?2 = 0 OR item_id = ?2) AND (?3 = 0 OR warehouse_id = ?3)
				UNION ALL SELECT item_id, warehouse_id, -qty FROM stock_period_qty
				WHERE period > ?4 AND (?2 = 0 OR item_id = ?2) AND (?3 = 0 OR warehouse_id = ?3)
				UNION ALL SELECT item_id, warehouse_id, -qty FROM stock_moves
				WHERE period = ?4 AND date > ?1 AND (?2 = 0 OR item_id = ?2) AND (?3 = 0 OR warehouse_id = ?3)`
		if before < after {
			parts = `SELECT item_id, warehouse_id, qty FROM opening_stock WHERE (?2 = 0 OR item_id = ?2) AND (?3 = 0 OR warehouse_id = ?3)
				UNION ALL SELECT item_id, warehouse_id, qty FROM stock_period_qty
				WHERE period < ?4 AND (?2 = 0 OR item_id = ?2) AND (?3 = 0 OR warehouse_id = ?3)
				UNION ALL SELECT item_id, warehouse_id, qty FROM stock_moves
				WHERE period = ?4 AND date <= ?1 AND (?2 = 0 OR item_id = ?2) AND (?3 = 0 OR warehouse_id = ?3)`
		}
		rows, err := tx.QueryContext(ctx, `SELECT item_id, warehouse_id, sum(qty) FROM (`+parts+`)
			GROUP BY item_id, warehouse_id HAVING sum(qty) <> 0 OR ?5`, date, itemID, whID, month, f.Zero)
		if err != nil {
			return err
		}
		type held struct {
			item, wh int64
			qty      Qty
		}
		var qtys []held
		for rows.Next() {
			var h held
			if err := rows.Scan(&h.item, &h.wh, &h.qty); err != nil {
				rows.Close()
				return err
			}
			qtys = append(qtys, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Codes and names joined here: one read of the items instead of a look-up and
		// a sort in SQL per item × warehouse.
		whCode := map[int64]string{}
		whs, err := tx.QueryContext(ctx, "SELECT id, code FROM warehouses")
		if err != nil {
			return err
		}
		for whs.Next() {
			var id int64
			var code string
			if err := whs.Scan(&id, &code); err != nil {
				whs.Close()
				return err
			}
			whCode[id] = code
		}
		whs.Close()
		if err := whs.Err(); err != nil {
			return err
		}
		type itemRow struct {
			o      OnHand
			active bool
		}
		itemsByID := map[int64]*itemRow{}
		its, err := tx.QueryContext(ctx, "SELECT id, code, name, unit, reorder_qty, active FROM items WHERE ?1 = 0 OR id = ?1", itemID)
		if err != nil {
			return err
		}
		for its.Next() {
			var id int64
			var r itemRow
			if err := its.Scan(&id, &r.o.Item, &r.o.Name, &r.o.Unit, &r.o.Reorder, &r.active); err != nil {
				its.Close()
				return err
			}
			itemsByID[id] = &r
		}
		its.Close()
		if err := its.Err(); err != nil {
			return err
		}
		byCode := map[string]*OnHand{}
		var order []string
		for _, h := range qtys {
			r := itemsByID[h.item]
			if r == nil {
				return fmt.Errorf("on-hand of item %d: no such item", h.item)
			}
			cur := byCode[r.o.Item]
			if cur == nil {
				cur = &r.o
				cur.ByWarehouse = map[string]Qty{}
				byCode[cur.Item] = cur
				order = append(order, cur.Item)
			}
			cur.ByWarehouse[whCode[h.wh]] = h.qty
			cur.Qty += h.qty
		}
		if f.Zero || f.Below {
			for _, r := range itemsByID {
				if r.active && byCode[r.o.Item] == nil {
					r.o.ByWarehouse = map[string]Qty{}
					byCode[r.o.Item] = &r.o
					order = append(order, r.o.Item)
				}
			}
		}
		sort.Strings(order)
		// Amounts: every item's value at the date, in one query.
		var values map[string]itemValue
		if by.Can(PermViewCost) {
			if values, err = itemValues(ctx, tx, date, itemID); err != nil {
				return err
			}
		}
		for _, code := range order {
			o := byCode[code]
			if f.Below && (o.Reorder <= 0 || o.Qty >= o.Reorder) {
				continue
			}
			if by.Can(PermViewCost) {
				total, amount := values[code].qty, values[code].amount
				o.Amount = amount
				if whID != 0 && total != 0 {
					o.Amount = Ratio(amount, o.Qty, total)
				}
				if o.Qty > 0 {
					o.UnitCost = Price(mulDivRound(int64(o.Amount), 100_000_000, int64(o.Qty)))
				}
			}
			out = append(out, *o)
		}
		return nil
	})
	return out, fromStore(err)
}

type itemValue struct {
	qty    Qty
	amount Money
}

// itemValues is each item's quantity and amount (all warehouses) at the end of a date:
// from the state the last close before the date's month stored, plus the movements since
// (or, before any close, from the book's opening).
func itemValues(ctx context.Context, tx *store.Tx, date Date, itemID int64) (map[string]itemValue, error) {
	var last sql.NullString
	month := string(date)[:7]
	if err := tx.QueryRowContext(ctx, "SELECT max(period) FROM periods WHERE closed = 1 AND period < ?", month).Scan(&last); err != nil {
		return nil, err
	}
	base := "SELECT item_id, qty AS q, amount AS a FROM opening_stock"
	after := "0000-00"
	if last.Valid {
		// the period's rows, a run of the table's key (period, item)
		base = "SELECT item_id, qty AS q, amount AS a FROM item_period_costs WHERE period = ?1"
		after = last.String
	}
	// The months between, whole; the date's month up to the date (stock_moves_day: only
	// the movements up to the date are read from the table).
	rows, err := tx.QueryContext(ctx, `SELECT i.code, x.q, x.a FROM (
			SELECT item_id, sum(q) AS q, sum(a) AS a FROM (`+base+`
				UNION ALL SELECT item_id, qty, amount - adj FROM stock_moves
				WHERE kind <> 0 AND period > ?1 AND period < ?4
				UNION ALL SELECT item_id, qty, amount - adj FROM stock_moves
				WHERE period = ?4 AND date <= ?2 AND kind <> 0)
			WHERE ?3 = 0 OR item_id = ?3 GROUP BY item_id) x
		JOIN items i ON i.id = x.item_id`, after, date, itemID, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]itemValue{}
	for rows.Next() {
		var code string
		var v itemValue
		if err := rows.Scan(&code, &v.qty, &v.amount); err != nil {
			return nil, err
		}
		out[code] = v
	}
	return out, rows.Err()
}

// LedgerRow is one line of an item's stock ledger (库存明细账).
type LedgerRow struct {
	Date      Date
	Number    string // document number; "" for the opening row
	Type      DocType
	Warehouse string
	InQty     Qty
	InAmount  Money
	OutQty    Qty
	OutAmount Money
	Adj       Money // a quantity-0 adjustment (DOMAIN.md §3.1)
	Qty       Qty   // the item's running quantity, all warehouses
	Amount    Money // and its running amount
	UnitCost  Price // Amount / Qty (0 when Qty ≤ 0)
	InCost    Price // InAmount / InQty, OutAmount / OutQty: the movement's unit cost (0 without an amount)
	OutCost   Price
}

// StockLedger is an item's stock ledger over a period ("" for every period): an opening
// row, every movement in costing order with running quantity and amount (the item across
// warehouses; transfers show as a warehouse's out and in, changing neither), and the
// closing. Returns are negative in their own column, as in the stock summary (§7.4).
func (b *Book) StockLedger(ctx context.Context, by *User, item string, period Period) ([]LedgerRow, error) {
	if !by.Can(PermViewDocs) {
		return nil, forbidden(string(PermViewDocs))
	}
	cost := by.Can(PermViewCost)
	var out []LedgerRow
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		it, err := loadItem(ctx, tx, item)
		if err != nil {
			return err
		}
		from, to := Date("0000-00-00"), Date("9999-12-31")
		if period != "" {
			from, to = period.FirstDay(), Date(string(period)+"-31")
		}
		q, a, err := itemOpening(ctx, tx, int64(it.ID), from)
		if err != nil {
			return err
		}
		open := LedgerRow{Date: from, Qty: q, Amount: a}
		if period == "" {
			open.Date = ""
		}
		out = append(out, open)
		rows, err := tx.QueryContext(ctx, `SELECT m.date, d.number, d.type, w.code, m.kind, m.qty, m.amount, m.adj
			FROM stock_moves m JOIN docs d ON d.id = m.doc_id JOIN warehouses w ON w.id = m.warehouse_id
			WHERE m.item_id = ? AND m.date BETWEEN ? AND ? ORDER BY m.date, m.audit_seq, m.line_no, m.sub, m.id`, it.ID, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r LedgerRow
			var kind MoveKind
			var mq Qty
			var ma Money
			if err := rows.Scan(&r.Date, &r.Number, &r.Type, &r.Warehouse, &kind, &mq, &ma, &r.Adj); err != nil {
				return err
			}
			r.post(kind, mq, ma, &q, &a)
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fromStore(err)
	}
	for i := range out {
		out[i].finish(cost)
	}
	return out, nil
}

// itemOpening is an item's quantity and amount (all warehouses) before a date: the state
// the latest close before the date's month stored, plus the movements since; without
// such a close, the book's opening plus every movement before the date.
func itemOpening(ctx context.Context, tx *store.Tx, itemID int64, from Date) (Qty, Money, error) {
	stored, err := itemOpenings(ctx, tx, itemID, from)
	if err != nil {
		return 0, 0, err
	}
	if v, ok := stored[itemID]; ok {
		return v.qty, v.amount, nil
	}
	return bookOpening(ctx, tx, itemID, from)
}

// bookOpening is an item's quantity and amount before a date from the book's opening:
// the opening stock plus every movement before the date.
func bookOpening(ctx context.Context, tx *store.Tx, itemID int64, from Date) (Qty, Money, error) {
	var q Qty
	var a Money
	err := tx.QueryRowContext(ctx, `SELECT
		(SELECT ifnull(sum(qty), 0) FROM opening_stock WHERE item_id = ?1) +
		(SELECT ifnull(sum(qty), 0) FROM stock_moves WHERE item_id = ?1 AND date < ?2 AND kind <> 0),
		(SELECT ifnull(sum(amount), 0) FROM opening_stock WHERE item_id = ?1) +
		(SELECT ifnull(sum(amount - adj), 0) FROM stock_moves WHERE item_id = ?1 AND date < ?2 AND kind <> 0)`,
		itemID, from).Scan(&q, &a)
	return q, a, err
}

// CountLine is a line of a count sheet generated from the book: an item's quantity in
// the warehouse, to be replaced by what is counted.
type CountLine struct {
	Item    string
	Name    string
	Unit    string
	BookQty Qty
}

// CountSheet lists every active item with stock (or any movement) in a warehouse at the
// end of a date ("" for every audited movement), with its book quantity: the lines of a
// new stock count (按当前库存生成).
func (b *Book) CountSheet(ctx context.Context, by *User, warehouse string, date Date) ([]CountLine, error) {
	if !by.Can(PermViewDocs) {
		return nil, forbidden(string(PermViewDocs))
	}
	if date == "" {
		date = "9999-12-31" // every audited movement
	}
	var out []CountLine
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		w, err := loadWarehouse(ctx, tx, warehouse)
		if errors.Is(err, sql.ErrNoRows) || err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT i.code, i.name, i.unit, sum(q.qty) FROM (
				SELECT item_id, qty FROM opening_stock WHERE warehouse_id = ?1
				UNION ALL SELECT item_id, qty FROM stock_moves WHERE warehouse_id = ?1 AND date <= ?2) q
			JOIN items i ON i.id = q.item_id WHERE i.active = 1 GROUP BY i.id ORDER BY i.code`, w.ID, date)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c CountLine
			if err := rows.Scan(&c.Item, &c.Name, &c.Unit, &c.BookQty); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}
