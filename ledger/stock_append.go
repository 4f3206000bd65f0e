package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"shopbooks/store"
)

// latest is an item's reference cost and the date and state after its latest movement
// outside the document being audited.
type latest struct {
	refCost Price
	date    sql.NullString
	qty     Qty
	amount  Money
}

// appendedMove is a movement of the document being audited, as costAppended costs it:
// its place in the document's movements and the costing's view of it.
type appendedMove struct {
	at   int // index in the document's movements
	date Date
	move Move
}

// costAppended costs the movements of a document being audited, before they are
// written, for each item whose new movements come after every other movement of the
// item (the usual case: documents entered in date order) when the book uses the moving
// average: the state after the item's previous movement is stored on it, so only the
// new movements are costed — their results set on moves, for insertMoves to write with
// them. A back-dated document's later movements of the item are costed again after it
// (their changed results written here). It returns the items it could not cost that
// way, to be costed again from the period's opening (recost) once the movements are
// written. The results equal recost's: TestAppendCostingEqualsRecost.
func costAppended(ctx context.Context, tx *store.Tx, s Settings, first Period, d Doc, moves []stockMove, items map[int64]bool) (map[int64]bool, error) {
	if s.Costing != CostingMoving {
		return items, nil
	}
	// The document's movements per item, in costing order (their lines' order: one
	// date, one audit).
	byItem := map[int64][]appendedMove{}
	var ids []any
	for i, sm := range moves {
		if sm.kind == 0 {
			continue // a transfer: costing ignores it
		}
		m := appendedMove{at: i, date: d.Date, move: costingMove(sm.lineID, sm.kind, sm.qty, sm.amount, sm.fixed, sm.link)}
		if byItem[sm.itemID] == nil {
			ids = append(ids, sm.itemID)
		}
		byItem[sm.itemID] = append(byItem[sm.itemID], m)
	}
	if len(ids) == 0 {
		return map[int64]bool{}, nil
	}
	// Each item's latest movement (any period) and its reference cost, in one query.
	last := map[int64]*latest{}
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.ref_cost, m.date, ifnull(m.qty_after, 0), ifnull(m.amount_after, 0)
		FROM items i LEFT JOIN stock_moves m ON m.id = (SELECT x.id FROM stock_moves x WHERE x.item_id = i.id AND x.kind <> 0 AND x.doc_id <> ?
			ORDER BY x.date DESC, x.audit_seq DESC, x.line_no DESC, x.sub DESC, x.id DESC LIMIT 1)
		WHERE i.id IN `+params(len(ids)), append([]any{d.ID}, ids...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var l latest
		if err := rows.Scan(&id, &l.refCost, &l.date, &l.qty, &l.amount); err != nil {
			rows.Close()
			return nil, err
		}
		last[id] = &l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rest := map[int64]bool{}
	var updates []any
	sorted := make([]int64, 0, len(items))
	for id := range items {
		sorted = append(sorted, id)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	// Back-dated: the items' later movements are costed again after the new ones.
	var back []any
	for _, itemID := range sorted {
		if l := last[itemID]; l != nil && len(byItem[itemID]) > 0 && l.date.Valid && Date(l.date.String) > d.Date {
			back = append(back, itemID)
		}
	}
	tails, err := appendTails(ctx, tx, first, d.ID, d.Date, back)
	if err != nil {
		return nil, err
	}
	for _, itemID := range sorted {
		own := byItem[itemID]
		if len(own) == 0 {
			continue // a transfer: costing ignores it
		}
		l := last[itemID]
		if l == nil {
			return nil, fmt.Errorf("item %d: not found", itemID)
		}
		var tail []movedRow
		if a, ok := tails[itemID]; ok {
			if !a.usable {
				rest[itemID] = true // cost the item's open periods again
				continue
			}
			tail, l.date, l.qty, l.amount = a.tail, a.date, a.qty, a.amount
		}
		state, err := appendState(ctx, tx, first, d.ID, itemID, l.refCost, l.date, l.qty, l.amount, own[0].date)
		if err != nil {
			return nil, err
		}
		run := make([]Move, len(own), len(own)+len(tail))
		for i := range own {
			run[i] = own[i].move
		}
		if err := linkSources(ctx, tx, d.ID, run); err != nil {
			return nil, err
		}
		for _, r := range tail {
			run = append(run, r.move)
		}
		costed := CostMoving(state, run)
		for i, c := range costed.Rows {
			amount := c.Cost
			if !run[i].Kind.In() {
				amount = -amount
			}
			if i < len(own) {
				sm := &moves[own[i].at]
				sm.amount, sm.adj, sm.qtyAfter, sm.amountAfter = amount, c.Adj, c.Qty, c.Amount
				continue
			}
			r := tail[i-len(own)]
			if now := [4]int64{int64(amount), int64(c.Adj), int64(c.Qty), int64(c.Amount)}; now != r.stored {
				updates = append(updates, r.id, amount, c.Adj, c.Qty, c.Amount)
			}
		}
	}
	return rest, storeCosts(ctx, tx, updates)
}

// appended is what appendTails finds of an item a back-dated document moves: whether
// the document's movements and the later ones can be costed from the movement before
// them (usable), that movement's date and state, and the later movements.
type appended struct {
	usable bool
	date   sql.NullString
	qty    Qty
	amount Money
	tail   []movedRow
}

// appendTails reads, for the items (ids) a document dated `date` back-dates (moving
// average), the state of each item's latest movement dated on or before the document
// and the movements dated after it, which the run costs again after the document's own:
// two queries for all of them. Where that run would not be the one recost runs, the item
// is not usable and is costed from the period's opening: later movements in another
// period (recost runs each period from the one before's close), or linked sales returns
// in the open periods (their cost follows their delivery's, which recost tracks across
// the periods).
func appendTails(ctx context.Context, tx *store.Tx, first Period, doc DocID, date Date, ids []any) (map[int64]*appended, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in := params(len(ids))
	found := map[int64]*appended{}
	rows, err := tx.QueryContext(ctx, `SELECT i.id,
		EXISTS (SELECT 1 FROM stock_moves WHERE item_id = i.id AND kind = ?1 AND link <> '' AND date >= ?2)
		OR EXISTS (SELECT 1 FROM stock_moves WHERE item_id = i.id AND kind <> 0 AND doc_id <> ?3 AND date >= ?4),
		m.date, ifnull(m.qty_after, 0), ifnull(m.amount_after, 0)
		FROM items i LEFT JOIN stock_moves m ON m.id = (SELECT x.id FROM stock_moves x WHERE x.item_id = i.id AND x.kind <> 0 AND x.doc_id <> ?3 AND x.date <= ?5
			ORDER BY x.date DESC, x.audit_seq DESC, x.line_no DESC, x.sub DESC, x.id DESC LIMIT 1)
		WHERE i.id IN `+in,
		append([]any{int(MoveSalesReturn), first.FirstDay(), doc, date.Period().Next().FirstDay(), date}, ids...)...)
	if err != nil {
		return nil, err
	}
	var usable []any
	for rows.Next() {
		var id int64
		var a appended
		var other bool
		if err := rows.Scan(&id, &other, &a.date, &a.qty, &a.amount); err != nil {
			rows.Close()
			return nil, err
		}
		a.usable = !other
		found[id] = &a
		if a.usable {
			usable = append(usable, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(usable) == 0 {
		return found, err
	}
	tails, err := movedRowsByItem(ctx, tx, "item_id IN "+params(len(usable))+" AND date > ? AND doc_id <> ?",
		append(usable, date, doc)...)
	for id, tail := range tails {
		found[id].tail = tail
	}
	return found, err
}

// appendState is an item's moving-average state before the document's movements: after
// its latest movement (date, qty, amount) when that is in an open period, else the
// opening of the first open period; with c_last from the last positive state.
func appendState(ctx context.Context, tx *store.Tx, first Period, doc DocID, itemID int64, refCost Price,
	date sql.NullString, q Qty, a Money, upTo Date) (CostState, error) {
	var state CostState
	var opened *CostState
	opening := func() (CostState, error) {
		if opened == nil {
			o, err := costOpening(ctx, tx, itemID, first)
			if err != nil {
				return o, err
			}
			o.Layers = nil
			opened = &o
		}
		return *opened, nil
	}
	if date.Valid && Date(date.String) >= first.FirstDay() {
		state = CostState{Qty: q, Amount: a, RefCost: refCost}
	} else {
		o, err := opening()
		if err != nil {
			return state, err
		}
		state = o
	}
	// c_last: the last positive state, of this run or of the opening.
	if state.Qty > 0 {
		state.LastQty, state.LastAmount = state.Qty, state.Amount
		return state, nil
	}
	o, err := opening()
	if err != nil {
		return state, err
	}
	state.LastQty, state.LastAmount = o.LastQty, o.LastAmount
	err = tx.QueryRowContext(ctx, `SELECT qty_after, amount_after FROM stock_moves
		WHERE item_id = ? AND kind <> 0 AND doc_id <> ? AND date >= ? AND date <= ? AND qty_after > 0
		ORDER BY date DESC, audit_seq DESC, line_no DESC, sub DESC, id DESC LIMIT 1`, itemID, doc, first.FirstDay(), upTo).Scan(&q, &a)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if o.Qty > 0 {
			state.LastQty, state.LastAmount = o.Qty, o.Amount
		}
	case err != nil:
		return state, err
	default:
		state.LastQty, state.LastAmount = q, a
	}
	return state, nil
}

// linkSources fills in what costing needs of the delivery a linked sales return
// returns: its quantity and cost, and what other returns took of it.
func linkSources(ctx context.Context, tx *store.Tx, doc DocID, moves []Move) error {
	for i := range moves {
		m := &moves[i]
		if m.Kind != MoveSalesReturn || m.Link == "" {
			continue
		}
		var srcLine int64
		fmt.Sscanf(m.Link, "L%d", &srcLine)
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(-sum(qty), 0), ifnull(-sum(amount), 0) FROM stock_moves WHERE line_id = ?`, srcLine).
			Scan(&m.SrcQty, &m.SrcCost); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(qty), 0), ifnull(sum(amount), 0) FROM stock_moves
			WHERE link = ? AND link <> '' AND kind = ? AND doc_id <> ?`, m.Link, int(MoveSalesReturn), doc).Scan(&m.SrcReturnedQty, &m.SrcReturnedCost); err != nil {
			return err
		}
	}
	return nil
}

// storeCosts writes costing results, five values a movement (id, amount, adj,
// qty_after, amount_after), a few dozen movements a statement.
func storeCosts(ctx context.Context, tx *store.Tx, updates []any) error {
	const per = 5
	for len(updates) > 0 {
		n := min(len(updates)/per, 50)
		q := "UPDATE stock_moves SET amount = v.column2, adj = v.column3, qty_after = v.column4, amount_after = v.column5 FROM (VALUES " +
			strings.Repeat("(?, ?, ?, ?, ?), ", n-1) + "(?, ?, ?, ?, ?)) AS v WHERE stock_moves.id = v.column1"
		if _, err := tx.ExecContext(ctx, q, updates[:n*per]...); err != nil {
			return err
		}
		updates = updates[n*per:]
	}
	return nil
}
