package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"shopbooks/store"
)

// stockMove is a row of stock_moves about to be written.
type stockMove struct {
	lineID, itemID, whID int64
	lineNo, sub          int
	kind                 MoveKind // 0: a transfer leg
	qty                  Qty      // signed
	amount               Money    // signed; set for fixed amounts, and by costAppended
	fixed                bool
	link                 string
	// What costAppended set, written with the movement: its cost adjustment and the
	// item's running quantity and amount after it.
	adj         Money
	qtyAfter    Qty
	amountAfter Money
}

// params is a list of n SQL parameters in parentheses: "(?, ?, ?)".
func params(n int) string { return "(" + strings.Repeat("?, ", n-1) + "?)" }

func moveID(lineID int64) string { return "L" + strconv.FormatInt(lineID, 10) }

// docMoves builds the movements of a document being audited (DOMAIN.md §3.1), with the
// ids of its lines and, for a count, the book quantities.
func docMoves(ctx context.Context, tx *store.Tx, d Doc, bookQty map[int]Qty) ([]stockMove, error) {
	if !d.Type.Stock() {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT l.id, l.line_no, l.item_id, ifnull(l.warehouse_id, d.warehouse_id), l.qty,
		l.inv_amount, ifnull(l.source_line_id, 0), ifnull(d.to_warehouse_id, 0)
		FROM doc_lines l JOIN docs d ON d.id = l.doc_id WHERE l.doc_id = ? ORDER BY l.line_no`, d.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stockMove
	for rows.Next() {
		var m stockMove
		var q Qty
		var inv Money
		var src, toWH int64
		if err := rows.Scan(&m.lineID, &m.lineNo, &m.itemID, &m.whID, &q, &inv, &src, &toWH); err != nil {
			return nil, err
		}
		if src != 0 {
			m.link = moveID(src)
		}
		switch d.Type {
		case DocReceipt, DocOtherIn:
			m.kind, m.qty, m.amount, m.fixed = MoveIn, q, inv, true
		case DocPReturn:
			m.kind, m.qty, m.amount, m.fixed = MovePurchaseReturn, -q, -inv, true
		case DocDelivery, DocOtherOut:
			m.kind, m.qty = MoveOut, -q
		case DocSReturn:
			m.kind, m.qty = MoveSalesReturn, q
		case DocTransfer:
			in := m
			m.kind, m.qty = 0, -q
			in.kind, in.qty, in.whID, in.sub = 0, q, toWH, 1
			out = append(out, m)
			m = in
		case DocCount:
			diff := q - bookQty[m.lineNo]
			switch {
			case diff > 0:
				m.kind, m.qty = MoveGain, diff
			case diff < 0:
				m.kind, m.qty = MoveOut, diff
			default:
				continue
			}
		default:
			continue
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// insertMoves writes the movements of an audited document and adds them to the on-hand
// quantities, a few dozen rows a statement.
func insertMoves(ctx context.Context, tx *store.Tx, d Doc, seq int64, moves []stockMove) error {
	const cols = 17
	for rest := moves; len(rest) > 0; {
		n := min(len(rest), 40)
		args := make([]any, 0, n*cols)
		for _, m := range rest[:n] {
			args = append(args, d.ID, m.lineID, m.itemID, m.whID, d.Date, d.Date.Period(), seq, m.lineNo, m.sub, int(m.kind), m.qty, m.fixed,
				m.link, m.amount, m.adj, m.qtyAfter, m.amountAfter)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO stock_moves(doc_id, line_id, item_id, warehouse_id, date, period, audit_seq,
			line_no, sub, kind, qty, fixed, link, amount, adj, qty_after, amount_after) VALUES `+valueRows(n, cols), args...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return addOnHands(ctx, tx, moves, 1)
}

// valueRows is n rows of cols placeholders for a VALUES clause.
func valueRows(n, cols int) string {
	row := params(cols)
	return strings.Repeat(row+", ", n-1) + row
}

// addOnHands adds sign × each movement's quantity to the on-hand of its item and
// warehouse.
func addOnHands(ctx context.Context, tx *store.Tx, moves []stockMove, sign Qty) error {
	type key struct{ item, wh int64 }
	sums := map[key]Qty{}
	var keys []key
	for _, m := range moves {
		k := key{m.itemID, m.whID}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sums[k] += sign * m.qty
	}
	for len(keys) > 0 {
		n := min(len(keys), 40)
		args := make([]any, 0, 3*n)
		for _, k := range keys[:n] {
			args = append(args, k.item, k.wh, sums[k])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO stock_on_hand(item_id, warehouse_id, qty) VALUES `+valueRows(n, 3)+`
			ON CONFLICT (item_id, warehouse_id) DO UPDATE SET qty = qty + excluded.qty`, args...); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// addOnHand adds q to the on-hand of an item in a warehouse.
func addOnHand(ctx context.Context, tx *store.Tx, itemID, whID int64, q Qty) error {
	return addOnHands(ctx, tx, []stockMove{{itemID: itemID, whID: whID, qty: q}}, 1)
}

// removeMoves deletes a document's movements (un-audit) and takes them off the on-hand
// quantities; it returns them.
func removeMoves(ctx context.Context, tx *store.Tx, docID DocID) ([]stockMove, error) {
	rows, err := tx.QueryContext(ctx, "SELECT item_id, warehouse_id, qty, kind FROM stock_moves WHERE doc_id = ?", docID)
	if err != nil {
		return nil, err
	}
	var moves []stockMove
	for rows.Next() {
		var m stockMove
		if err := rows.Scan(&m.itemID, &m.whID, &m.qty, &m.kind); err != nil {
			rows.Close()
			return nil, err
		}
		moves = append(moves, m)
	}
	rows.Close()
	if _, err := tx.ExecContext(ctx, "DELETE FROM stock_moves WHERE doc_id = ?", docID); err != nil {
		return nil, err
	}
	return moves, addOnHands(ctx, tx, moves, -1)
}

// checkNegative refuses when the running quantity of an item in a warehouse, in costing
// order, would go below zero at any point from `from` on (DOMAIN.md §3.1). The refusal
// names the item, the warehouse, the date, what was on hand and what was asked for.
func checkNegative(ctx context.Context, tx *store.Tx, itemID, whID int64, from Date) error {
	var date Date
	var qty, run Qty
	// The running quantity before `from`: the opening stock, the kept sums of the
	// periods before from's, and from's period's movements before it; then only the
	// movements from `from` on are run through.
	var base Qty
	err := tx.QueryRowContext(ctx, `SELECT
		(SELECT ifnull(sum(qty), 0) FROM opening_stock WHERE item_id = ?1 AND warehouse_id = ?2) +
		(SELECT ifnull(sum(qty), 0) FROM stock_period_qty WHERE item_id = ?1 AND warehouse_id = ?2 AND period < ?3) +
		(SELECT ifnull(sum(qty), 0) FROM stock_moves WHERE item_id = ?1 AND warehouse_id = ?2 AND date >= ?4 AND date < ?5)`,
		itemID, whID, from.Period(), from.Period().FirstDay(), from).Scan(&base)
	if err != nil {
		return err
	}
	err = tx.QueryRowContext(ctx, `SELECT date, qty, run FROM (
		SELECT date, qty, ?4 + sum(qty) OVER (ORDER BY date, audit_seq, line_no, sub, id ROWS UNBOUNDED PRECEDING) AS run
		FROM stock_moves WHERE item_id = ?1 AND warehouse_id = ?2 AND date >= ?3) WHERE run < 0 LIMIT 1`,
		itemID, whID, from, base).Scan(&date, &qty, &run)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	onhand := run - qty
	requested := -qty
	if requested <= 0 { // an inflow taken away (un-audit): the shortfall shows at this point
		requested, onhand = -run, 0
	}
	return refuseNegative(ctx, tx, [2]int64{itemID, whID}, date, onhand, requested, -run)
}

// firstOpenPeriod is the period after the latest closed one, or the first period.
func firstOpenPeriod(ctx context.Context, tx *store.Tx, s Settings) (Period, error) {
	var last sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT max(period) FROM periods WHERE closed = 1").Scan(&last); err != nil {
		return "", err
	}
	if !last.Valid {
		return s.Start, nil
	}
	return Period(last.String).Next(), nil
}

// costOpening is an item's costing state at the start of period `first` (the first open
// one): the state the close of the month before stored (item_period_costs), or, when no
// month is closed yet, the book's opening stock (FIFO: one layer).
func costOpening(ctx context.Context, tx *store.Tx, itemID int64, first Period) (CostState, error) {
	var s CostState
	var layers string
	err := tx.QueryRowContext(ctx, `SELECT qty, amount, last_qty, last_amount, layers FROM item_period_costs
		WHERE item_id = ? AND period = ?`, itemID, first.Prev()).Scan(&s.Qty, &s.Amount, &s.LastQty, &s.LastAmount, &layers)
	switch {
	case err == nil:
		if err := json.Unmarshal([]byte(layers), &s.Layers); err != nil {
			return s, fmt.Errorf("item %d: layers of %s: %w", itemID, first.Prev(), err)
		}
	case !errors.Is(err, sql.ErrNoRows):
		return s, err
	default:
		var closed int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM periods WHERE closed = 1").Scan(&closed); err != nil {
			return s, err
		}
		if closed == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(qty), 0), ifnull(sum(amount), 0) FROM opening_stock WHERE item_id = ?`,
				itemID).Scan(&s.Qty, &s.Amount); err != nil {
				return s, err
			}
			if s.Qty != 0 {
				s.Layers = []Layer{{ID: "opening", Qty: s.Qty, Amount: s.Amount}}
			}
		}
	}
	err = tx.QueryRowContext(ctx, "SELECT ref_cost FROM items WHERE id = ?", itemID).Scan(&s.RefCost)
	return s, err
}

// recost runs the book's costing method over the open periods of each item and stores
// the results on the movements (provisional until the close, DOMAIN.md §3.1).
func recost(ctx context.Context, tx *store.Tx, s Settings, items map[int64]bool) error {
	first, err := firstOpenPeriod(ctx, tx, s)
	if err != nil {
		return err
	}
	return recostFrom(ctx, tx, s, first, items)
}

// recostFrom is recost with the first open period known.
func recostFrom(ctx context.Context, tx *store.Tx, s Settings, first Period, items map[int64]bool) error {
	ids := make([]int64, 0, len(items))
	for id := range items {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if _, err := recostItem(ctx, tx, s.Costing, first, id); err != nil {
			return fmt.Errorf("cost item %d: %w", id, err)
		}
	}
	return nil
}

type movedRow struct {
	id     int64
	period Period
	move   Move
	stored [4]int64 // amount, adj, qty_after, amount_after as stored
}

// itemMovedRows are the costed movements (kind <> 0) that the condition on stock_moves
// selects, in costing order, as costing takes them: quantities and fixed amounts
// positive, the others' amounts left for costing. The condition names one item.
func itemMovedRows(ctx context.Context, tx *store.Tx, where string, args ...any) ([]movedRow, error) {
	byItem, err := movedRowsByItem(ctx, tx, where, args...)
	for _, rows := range byItem {
		return rows, err
	}
	return nil, err
}

// movedRowsByItem is itemMovedRows for a condition that may name several items: each
// item's movements in costing order.
func movedRowsByItem(ctx context.Context, tx *store.Tx, where string, args ...any) (map[int64][]movedRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT item_id, id, line_id, period, kind, qty, amount, fixed, link, adj, qty_after, amount_after
		FROM stock_moves WHERE `+where+` AND kind <> 0 ORDER BY item_id, date, audit_seq, line_no, sub, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	all := map[int64][]movedRow{}
	for rows.Next() {
		var itemID, id, lineID, kind int64
		var period Period
		var qty, qtyAfter Qty
		var amount, adj, amtAfter Money
		var fixed bool
		var link string
		if err := rows.Scan(&itemID, &id, &lineID, &period, &kind, &qty, &amount, &fixed, &link, &adj, &qtyAfter, &amtAfter); err != nil {
			return nil, err
		}
		all[itemID] = append(all[itemID], newMovedRow(id, lineID, period, kind, qty, amount, fixed, link, adj, qtyAfter, amtAfter))
	}
	return all, rows.Err()
}

// recostItem costs an item's movements of the open periods from `first` on, stores the
// results on them, and returns the closing state of each period it ran (a period without
// movements closes as it opened: the caller carries the state over) and the costing
// warnings of the first period (the close's W2).
func recostItem(ctx context.Context, tx *store.Tx, method Costing, first Period, itemID int64) (map[Period]CostState, error) {
	closing, _, err := recostItemWarn(ctx, tx, method, first, itemID)
	return closing, err
}

func recostItemWarn(ctx context.Context, tx *store.Tx, method Costing, first Period, itemID int64) (map[Period]CostState, []CostWarning, error) {
	var warnings []CostWarning
	closing := map[Period]CostState{}
	state, err := costOpening(ctx, tx, itemID, first)
	if err != nil {
		return nil, nil, err
	}
	all, err := itemMovedRows(ctx, tx, "item_id = ? AND date >= ?", itemID, first.FirstDay())
	if err != nil {
		return nil, nil, err
	}
	// One run per period, each opening with the previous one's closing state.
	for start := 0; start < len(all); {
		end := start
		for end < len(all) && all[end].period == all[start].period {
			end++
		}
		moves := make([]Move, end-start)
		inRun := map[string]bool{}
		for i := range moves {
			moves[i] = all[start+i].move
			inRun[moves[i].ID] = true
		}
		if err := linkedReturnSources(ctx, tx, moves, inRun, all[start].period, nil); err != nil {
			return nil, nil, err
		}
		run := Cost(method, state, moves)
		if all[start].period == first {
			warnings = append(warnings, run.Warnings...)
		}
		for i, c := range run.Rows {
			r := &all[start+i]
			amount := c.Cost
			if !r.move.Kind.In() {
				amount = -amount
			}
			qa, aa := c.Qty, c.Amount
			if method == CostingMonthly {
				qa, aa = 0, 0
			}
			now := [4]int64{int64(amount), int64(c.Adj), int64(qa), int64(aa)}
			if now != r.stored {
				if _, err := tx.ExecContext(ctx, "UPDATE stock_moves SET amount = ?, adj = ?, qty_after = ?, amount_after = ? WHERE id = ?",
					now[0], now[1], now[2], now[3], r.id); err != nil {
					return nil, nil, err
				}
			}
		}
		state = run.Close
		closing[all[start].period] = state
		start = end
	}
	return closing, warnings, nil
}

// checkNegativeAudit is checkNegative for the audit of document doc (its movements
// written), for each (item, warehouse) of pairs in turn. The usual case: nothing of
// the item in the warehouse is dated after the document, and the document only takes
// it out; the running quantity's lowest point is then where it ends, the kept on-hand.
// Otherwise (a back-dated document, or one that also brings the item in) the pair's
// movements from the document's date on are run through in costing order from the
// quantity before them (the kept on-hand less their sum): the run of checkNegative, for
// every such pair in one query, the document's own movements of a pair it only takes
// out of counted as one (the refusal names its whole quantity, as in the usual case).
func checkNegativeAudit(ctx context.Context, tx *store.Tx, pairs [][2]int64, date Date, doc DocID) error {
	if len(pairs) == 0 {
		return nil
	}
	type state struct {
		later, in  bool
		out, final Qty
	}
	states := map[[2]int64]state{}
	rows, err := tx.QueryContext(ctx, `SELECT m.item_id, m.warehouse_id,
		EXISTS (SELECT 1 FROM stock_moves x WHERE x.item_id = m.item_id AND x.warehouse_id = m.warehouse_id AND x.date > ?2 AND x.doc_id <> ?1),
		max(m.qty > 0), -sum(m.qty),
		ifnull((SELECT h.qty FROM stock_on_hand h WHERE h.item_id = m.item_id AND h.warehouse_id = m.warehouse_id), 0)
		FROM stock_moves m WHERE m.doc_id = ?1 GROUP BY m.item_id, m.warehouse_id`, doc, date)
	if err != nil {
		return err
	}
	var run []any // the items whose movements are run through
	for rows.Next() {
		var k [2]int64
		var st state
		if err := rows.Scan(&k[0], &k[1], &st.later, &st.in, &st.out, &st.final); err != nil {
			rows.Close()
			return err
		}
		states[k] = st
		if (st.later || st.in) && !slices.Contains(run, any(k[0])) {
			run = append(run, k[0])
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	type point struct {
		date Date
		qty  Qty
		own  bool // the document's
	}
	moved := map[[2]int64][]point{}
	if len(run) > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT item_id, warehouse_id, date, qty, doc_id = ? FROM stock_moves
			WHERE item_id IN `+params(len(run))+` AND date >= ?
			ORDER BY item_id, date, audit_seq, line_no, sub, id`, append(append([]any{doc}, run...), date)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k [2]int64
			var p point
			if err := rows.Scan(&k[0], &k[1], &p.date, &p.qty, &p.own); err != nil {
				rows.Close()
				return err
			}
			st, ok := states[k]
			if !ok || !(st.later || st.in) {
				continue
			}
			// A document that only takes the item out is one point of the run, as in
			// the usual case: its whole quantity requested.
			if ps := moved[k]; p.own && !st.in && len(ps) > 0 && ps[len(ps)-1].own {
				ps[len(ps)-1].qty += p.qty
				continue
			}
			moved[k] = append(moved[k], p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, k := range pairs {
		st := states[k]
		if st.later || st.in {
			points := moved[k]
			run := st.final
			for _, p := range points {
				run -= p.qty
			}
			for _, p := range points {
				run += p.qty
				if run >= 0 {
					continue
				}
				onhand, requested := run-p.qty, -p.qty
				if requested <= 0 { // an inflow taken away: the shortfall shows at this point
					requested, onhand = -run, 0
				}
				return refuseNegative(ctx, tx, k, p.date, onhand, requested, -run)
			}
			continue
		}
		if st.final >= 0 {
			continue
		}
		return refuseNegative(ctx, tx, k, date, st.final+st.out, st.out, -st.final)
	}
	return nil
}

// refuseNegative is the refusal of a movement that takes an item's running quantity in
// a warehouse (pair: item and warehouse ids) below zero.
func refuseNegative(ctx context.Context, tx *store.Tx, pair [2]int64, date Date, onhand, requested, shortfall Qty) error {
	var item, wh string
	if err := tx.QueryRowContext(ctx, "SELECT i.code, w.code FROM items i, warehouses w WHERE i.id = ? AND w.id = ?", pair[0], pair[1]).Scan(&item, &wh); err != nil {
		return err
	}
	return refuse(CodeStockNegative, "item", item, "warehouse", wh, "date", string(date), "onhand", onhand.String(),
		"requested", requested.String(), "shortfall", shortfall.String())
}

// linkedReturnSources fills in, for each linked sales return among moves whose delivery
// is not in the run (inRun), what costing needs of that delivery line as stored — its
// quantity and cost, and what returns of it in periods before `period` took back
// (earlier periods are costed and stored by then). before, when set, runs ahead of the
// first look-up (the close writes its pending results first).
func linkedReturnSources(ctx context.Context, tx *store.Tx, moves []Move, inRun map[string]bool, period Period, before func() error) error {
	for i := range moves {
		m := &moves[i]
		if m.Kind != MoveSalesReturn || m.Link == "" || inRun[m.Link] {
			continue
		}
		if before != nil {
			if err := before(); err != nil {
				return err
			}
			before = nil
		}
		var srcLine int64
		fmt.Sscanf(m.Link, "L%d", &srcLine)
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(-sum(qty), 0), ifnull(-sum(amount), 0) FROM stock_moves WHERE line_id = ?`, srcLine).
			Scan(&m.SrcQty, &m.SrcCost); err != nil {
			return err
		}
		// link <> '' lets SQLite use the partial index stock_moves_link (m.Link is set).
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(qty), 0), ifnull(sum(amount), 0) FROM stock_moves
			WHERE link = ? AND link <> '' AND kind = ? AND period < ?`, m.Link, int(MoveSalesReturn), period).Scan(&m.SrcReturnedQty, &m.SrcReturnedCost); err != nil {
			return err
		}
	}
	return nil
}
