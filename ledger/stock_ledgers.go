package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"shopbooks/store"
)

// ItemLedgerRow is a row of StockLedgers: an item's stock ledger row with the item.
type ItemLedgerRow struct {
	Item string
	Name string
	Unit string
	LedgerRow
}

// StockLedgers gives fn the stock ledgers (库存明细账) of the periods from–to of every item
// that moved in them, or of one item (item not ""; it need not have moved): items in code
// order, each its opening row and its movements, exactly the rows StockLedger gives for
// one item (running quantity and amount per item across warehouses, from the amounts
// costing stored on the movements). It reads one snapshot (one read transaction) and
// hands the rows over one at a time, so a year of a busy shop's movements never sits in
// memory; an error from fn stops it and is returned. Amounts need PermViewCost.
func (b *Book) StockLedgers(ctx context.Context, by *User, item string, from, to Period, fn func(ItemLedgerRow) error) error {
	if !by.Can(PermViewDocs) {
		return forbidden(string(PermViewDocs))
	}
	cost := by.Can(PermViewCost)
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var itemID int64
		if item != "" {
			it, err := loadItem(ctx, tx, item)
			if err != nil {
				return err
			}
			itemID = int64(it.ID)
		}
		first, last := from.FirstDay(), Date(string(to)+"-31")
		// The documents' numbers and types and the warehouses' codes are looked up here,
		// not joined: a join reads a document's row for every movement (twice the time).
		docs, err := rangeDocs(ctx, tx, from, to, itemID == 0)
		if err != nil {
			return err
		}
		whs, err := codesByID(ctx, tx, "warehouses")
		if err != nil {
			return err
		}
		openings, err := itemOpenings(ctx, tx, itemID, first)
		if err != nil {
			return err
		}
		items := map[int64]ItemLedgerRow{} // the item's columns of each row, by ID
		its, err := tx.QueryContext(ctx, "SELECT id, code, name, unit FROM items WHERE ?1 = 0 OR id = ?1", itemID)
		if err != nil {
			return err
		}
		for its.Next() {
			var id int64
			var it ItemLedgerRow
			if err := its.Scan(&id, &it.Item, &it.Name, &it.Unit); err != nil {
				its.Close()
				return err
			}
			items[id] = it
		}
		its.Close()
		if err := its.Err(); err != nil {
			return err
		}
		// Items by code, each its movements in costing order: the items' code index and,
		// per item, a range of stock_moves_order; SQLite sorts nothing.
		// A movement's values come packed in one text (as packedItems reads items): the
		// driver's cost is per value read.
		rows, err := tx.QueryContext(ctx, `SELECT i.id || ' ' || m.doc_id || ' ' || m.warehouse_id || ' ' || m.kind || ' ' || m.qty || ' ' ||
				m.amount || ' ' || m.adj || ' ' || m.date
			FROM items i JOIN stock_moves m ON m.item_id = i.id
			WHERE (?1 = 0 OR i.id = ?1) AND m.date BETWEEN ?2 AND ?3
			ORDER BY i.code, m.date, m.audit_seq, m.line_no, m.sub, m.id`, itemID, first, last)
		if err != nil {
			return err
		}
		defer rows.Close()
		var cur ItemLedgerRow
		var curID int64
		var q Qty
		var a Money
		opening := func(id int64) error {
			o, ok := openings[id]
			if !ok { // no state stored by the last close: from the book's opening
				var err error
				if o.qty, o.amount, err = bookOpening(ctx, tx, id, first); err != nil {
					return err
				}
			}
			q, a = o.qty, o.amount
			curID, cur = id, items[id]
			open := cur
			open.LedgerRow = LedgerRow{Date: first, Qty: q, Amount: a}
			open.finish(cost)
			return fn(open)
		}
		var packed sql.RawBytes
		var n [7]int64 // item, document and warehouse IDs, kind, qty, amount, adj
		for rows.Next() {
			if err := rows.Scan(&packed); err != nil {
				return err
			}
			rest := packed
			for i := range n {
				var v []byte
				var ok bool
				if v, rest, ok = bytes.Cut(rest, []byte{' '}); !ok {
					return fmt.Errorf("stock movement %q: not packed", packed)
				}
				if n[i], err = strconv.ParseInt(string(v), 10, 64); err != nil {
					return fmt.Errorf("stock movement %q: %w", packed, err)
				}
			}
			id, docID, whID, kind, mq, ma := n[0], n[1], n[2], MoveKind(n[3]), Qty(n[4]), Money(n[5])
			r := ItemLedgerRow{}
			r.Date, r.Adj = Date(rest), Money(n[6])
			if id != curID {
				if err := opening(id); err != nil {
					return err
				}
			}
			d, err := docs.get(ctx, tx, docID)
			if err != nil {
				return err
			}
			r.Item, r.Name, r.Unit, r.Number, r.Type, r.Warehouse = cur.Item, cur.Name, cur.Unit, d.number, d.typ, whs[whID]
			r.post(kind, mq, ma, &q, &a)
			r.finish(cost)
			if err := fn(r); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if itemID != 0 && curID == 0 { // the one item asked for, without movements: its opening
			return opening(itemID)
		}
		return nil
	})
	return fromStore(err)
}

// post fills a movement's row: its quantity and amount in the in or out column (returns
// negative in their own column, §7.4), and the item's running quantity and amount q and
// a, which a costed movement (not a transfer) moves on.
func (r *LedgerRow) post(kind MoveKind, mq Qty, ma Money, q *Qty, a *Money) {
	switch {
	case kind == 0 && mq < 0:
		r.OutQty = -mq
	case kind == 0:
		r.InQty = mq
	case kind == MovePurchaseReturn: // a negative receipt
		r.InQty, r.InAmount = mq, ma
	case kind == MoveSalesReturn: // a negative delivery
		r.OutQty, r.OutAmount = -mq, -ma
	case mq > 0:
		r.InQty, r.InAmount = mq, ma
	default:
		r.OutQty, r.OutAmount = -mq, -ma
	}
	if kind != 0 {
		*q += mq
		*a += ma - r.Adj
	}
	r.Qty, r.Amount = *q, *a
}

// finish clears a row's amounts for a user without PermViewCost (cost false), else sets
// its unit costs: the running one, and the in and out ones of a costed movement.
func (r *LedgerRow) finish(cost bool) {
	if !cost {
		r.InAmount, r.OutAmount, r.Adj, r.Amount = 0, 0, 0, 0
		return
	}
	if r.Qty > 0 {
		r.UnitCost = unitCost(r.Amount, r.Qty)
	}
	if r.InQty != 0 && r.InAmount != 0 {
		r.InCost = unitCost(r.InAmount, r.InQty)
	}
	if r.OutQty != 0 && r.OutAmount != 0 {
		r.OutCost = unitCost(r.OutAmount, r.OutQty)
	}
}

// unitCost is amount / qty as a Price (×10⁶), rounded half away from zero.
func unitCost(a Money, q Qty) Price { return Price(mulDivRound(int64(a), 100_000_000, int64(q))) }

// docRef is a document's number and type.
type docRef struct {
	number string
	typ    DocType
}

// docRefs are documents' numbers and types by ID, read as asked for.
type docRefs map[DocID]docRef

// rangeDocs is the numbers and types of the documents of the periods from–to when all
// is true (one read of their index), else none yet.
func rangeDocs(ctx context.Context, tx *store.Tx, from, to Period, all bool) (docRefs, error) {
	docs := docRefs{}
	if !all {
		return docs, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, number, type FROM docs WHERE period BETWEEN ? AND ?", from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id DocID
		var d docRef
		if err := rows.Scan(&id, &d.number, &d.typ); err != nil {
			return nil, err
		}
		docs[id] = d
	}
	return docs, rows.Err()
}

// get is a document's number and type.
func (docs docRefs) get(ctx context.Context, tx *store.Tx, id int64) (docRef, error) {
	if d, ok := docs[DocID(id)]; ok {
		return d, nil
	}
	var d docRef
	if err := tx.QueryRowContext(ctx, "SELECT number, type FROM docs WHERE id = ?", id).Scan(&d.number, &d.typ); err != nil {
		return docRef{}, fmt.Errorf("document %d: %w", id, err)
	}
	docs[DocID(id)] = d
	return d, nil
}

// itemOpenings is itemOpening of every item (or of one, itemID not 0) that has the state
// the latest close before from's month stored, in one query: that state plus the
// movements since, before from. An item without such a state is not in it (itemOpening
// then reads it from the book's opening).
func itemOpenings(ctx context.Context, tx *store.Tx, itemID int64, from Date) (map[int64]itemValue, error) {
	out := map[int64]itemValue{}
	var last sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT max(period) FROM periods WHERE closed = 1 AND period < ?", string(from)[:7]).Scan(&last); err != nil {
		return nil, err
	}
	if !last.Valid {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.item_id, c.qty + ifnull(sum(m.qty), 0), c.amount + ifnull(sum(m.amount - m.adj), 0)
		FROM item_period_costs c LEFT JOIN stock_moves m ON m.item_id = c.item_id AND m.date >= ?3 AND m.date < ?4 AND m.kind <> 0
		WHERE c.period = ?2 AND (?1 = 0 OR c.item_id = ?1) GROUP BY c.item_id`, itemID, last.String, Period(last.String).Next().FirstDay(), from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v itemValue
		if err := rows.Scan(&id, &v.qty, &v.amount); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}
