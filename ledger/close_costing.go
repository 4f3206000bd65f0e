package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"shopbooks/store"
)

// The close's costing run (DOMAIN.md §6.3 step 2): every item costed over the open
// periods from the one being closed, as recostItem does for one item, with the
// opening states, the item list and the movements read in a few queries instead of a
// few per item. Items are costed one after another in id order and each one's results
// are written before the next is read, so a linked sales return whose delivery lies in
// an earlier period reads that delivery's cost as stored, exactly as recostItem does.

// costChunkItems is how many items' movements are read at a time: a month's close
// reads its movements in a handful of queries, a run over years stays within bounded
// memory.
const costChunkItems = 250

// costingRun is the result of recosting every item from `first` on.
type costingRun struct {
	close    map[int64]CostState     // each item's state at the end of `first`
	warnings map[int64][]CostWarning // the first period's costing warnings, per item
	items    []int64                 // the items costed, by id
	code     map[int64]string        // item codes
	moves    int                     // movements costed
	// period is every costed movement of `first` with its results, when not all: what
	// the close's vouchers post of them (the cost of sales, the line costs of other-outs
	// and counts) without reading them back.
	period []periodMove
}

// periodMove is a costed movement of the period being closed, with its results as
// stored.
type periodMove struct {
	item, doc, line int64
	amount, adj     Money
}

// runCosting recosts every item that has movements from `first` on, an opening stock
// or a state left by the close of the month before, with `method`, and stores the
// results on the movements that changed. With all, every period from `first` on is
// recosted; without, `first`, and the later open periods only of the items whose
// results in `first` changed: the others' later results were costed from the same
// state when their documents were audited (the close needs only `first`; each later
// month is costed again at its own close).
func runCosting(ctx context.Context, tx *store.Tx, method Costing, first Period, all bool) (costingRun, error) {
	run := costingRun{close: map[int64]CostState{}, warnings: map[int64][]CostWarning{}, code: map[int64]string{}}
	open, refCost, err := costOpenings(ctx, tx, first, run.code)
	if err != nil {
		return run, err
	}
	ids := make([]int64, 0, len(run.code))
	for id := range run.code {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	upd := &moveUpdates{}
	// The close reads the month's movements at once (a month of a busy shop is ~30,000);
	// a run over years, a chunk of items at a time.
	var moved map[int64][]movedRow
	var refs map[int64][2]int64
	if !all {
		if moved, refs, err = loadPeriodMoves(ctx, tx, first); err != nil {
			return run, err
		}
	}
	for lo := 0; lo < len(ids); lo += costChunkItems {
		hi := min(lo+costChunkItems, len(ids)) - 1
		if all {
			if moved, err = loadMovedRows(ctx, tx, ids[lo], ids[hi], first.FirstDay()); err != nil {
				return run, err
			}
		}
		later := map[int64]bool{}
		if !all {
			if later, err = itemsMovedAfter(ctx, tx, ids[lo], ids[hi], first); err != nil {
				return run, err
			}
		}
		for _, id := range ids[lo : hi+1] {
			st, ok := open[id]
			rows := moved[id]
			if !ok && len(rows) == 0 && !later[id] {
				continue // never moved, no opening, no state: not costed
			}
			if !ok {
				st = CostState{RefCost: refCost[id]}
			}
			run.items = append(run.items, id)
			run.moves += len(rows)
			closing, warnings, changed, err := costMovedRows(ctx, tx, method, first, st, rows, upd)
			if err != nil {
				return run, fmt.Errorf("cost item %d: %w", id, err)
			}
			end, ok := closing[first]
			if !ok { // no movement this month: it closes as it opened
				end = st
			}
			run.close[id] = end
			if len(warnings) > 0 {
				run.warnings[id] = warnings
			}
			if changed && later[id] {
				// The later open months follow from the new state.
				rest, err := loadMovedRows(ctx, tx, id, id, first.Next().FirstDay())
				if err != nil {
					return run, err
				}
				run.moves += len(rest[id])
				if _, _, _, err := costMovedRows(ctx, tx, method, first, end, rest[id], upd); err != nil {
					return run, fmt.Errorf("cost item %d: %w", id, err)
				}
			}
		}
	}
	if !all {
		// Each row's results are in its stored values now (costMovedRows).
		run.period = make([]periodMove, 0, len(refs))
		for _, id := range run.items {
			for _, r := range moved[id] {
				ref := refs[r.id]
				run.period = append(run.period, periodMove{item: id, doc: ref[0], line: ref[1], amount: Money(r.stored[0]), adj: Money(r.stored[1])})
			}
		}
	}
	return run, upd.flush(ctx, tx)
}

// itemsMovedAfter is the items lo…hi (ids) with movements after `period`.
func itemsMovedAfter(ctx context.Context, tx *store.Tx, lo, hi int64, period Period) (map[int64]bool, error) {
	ids, err := column[int64](ctx, tx, `SELECT i.id FROM items i WHERE i.id BETWEEN ?1 AND ?2 AND EXISTS
		(SELECT 1 FROM stock_moves m WHERE m.item_id = i.id AND m.date >= ?3 AND m.kind <> 0)`, lo, hi, period.Next().FirstDay())
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// costOpenings is costOpening for every item that has an opening state: the states the
// close of the month before `first` stored, or, when no month is closed yet, the book's
// opening stock (FIFO: one layer). Items without one are absent (they open at zero with
// their reference cost, the second map). codes is filled with every item's code.
func costOpenings(ctx context.Context, tx *store.Tx, first Period, codes map[int64]string) (map[int64]CostState, map[int64]Price, error) {
	out := map[int64]CostState{}
	refCost := map[int64]Price{}
	rows, err := tx.QueryContext(ctx, "SELECT id, code, ref_cost FROM items")
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var code string
		var rc Price
		if err := rows.Scan(&id, &code, &rc); err != nil {
			rows.Close()
			return nil, nil, err
		}
		codes[id], refCost[id] = code, rc
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT item_id, qty, amount, last_qty, last_amount, layers FROM item_period_costs
		WHERE period = ?`, first.Prev())
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var s CostState
		var layers string
		if err := rows.Scan(&id, &s.Qty, &s.Amount, &s.LastQty, &s.LastAmount, &layers); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if err := json.Unmarshal([]byte(layers), &s.Layers); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("item %d: layers of %s: %w", id, first.Prev(), err)
		}
		out[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var closed int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM periods WHERE closed = 1").Scan(&closed); err != nil {
		return nil, nil, err
	}
	rows, err = tx.QueryContext(ctx, "SELECT item_id, ifnull(sum(qty), 0), ifnull(sum(amount), 0) FROM opening_stock GROUP BY item_id")
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var s CostState
		if err := rows.Scan(&id, &s.Qty, &s.Amount); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if _, ok := out[id]; ok {
			continue
		}
		if closed == 0 && s.Qty != 0 {
			s.Layers = []Layer{{ID: "opening", Qty: s.Qty, Amount: s.Amount}}
		}
		if closed != 0 {
			s = CostState{}
		}
		out[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for id, s := range out {
		if _, ok := codes[id]; !ok {
			return nil, nil, fmt.Errorf("item %d: %w", id, errors.New("costing state of an unknown item"))
		}
		s.RefCost = refCost[id]
		out[id] = s
	}
	return out, refCost, nil
}

// loadMovedRows reads the movements dated from `from` on of the items lo…hi (ids), each
// item's in costing order.
func loadMovedRows(ctx context.Context, tx *store.Tx, lo, hi int64, from Date) (map[int64][]movedRow, error) {
	// The range on the item and the date both sit in stock_moves_order: the rows come in
	// costing order, and only those of the dates are read from the table.
	rows, err := tx.QueryContext(ctx, `SELECT item_id, id, line_id, period, kind, qty, amount, fixed, link, adj, qty_after, amount_after
		FROM stock_moves WHERE item_id BETWEEN ? AND ? AND date >= ? AND kind <> 0
		ORDER BY item_id, date, audit_seq, line_no, sub, id`, lo, hi, from)
	if err != nil {
		return nil, err
	}
	return scanMovedRows(rows)
}

// loadPeriodMoves reads the costed movements of one period, every item's in costing
// order, and the document and line of each (by movement id). A month's movements are
// written side by side as its documents are audited: when their ids are that dense,
// they are read as one range of the table and put in costing order here, instead of
// each one found through stock_moves_order and then in the table. All come as one text
// (a row's values apart by U+001F, rows by U+001E): the driver's cost is per row and
// per value. Links are line ids ("L12"), periods and dates digits.
func loadPeriodMoves(ctx context.Context, tx *store.Tx, period Period) (map[int64][]movedRow, map[int64][2]int64, error) {
	lo, hi, dense, err := denseIDs(ctx, tx, "SELECT count(*), ifnull(min(id), 0), ifnull(max(id), 0) FROM stock_moves WHERE period = ?", period)
	if err != nil {
		return nil, nil, err
	}
	where, args := "period = ?3", []any{period.FirstDay(), period.LastDay(), period} // through stock_moves_day
	if dense {
		where, args = "id BETWEEN ?3 AND ?4", []any{period.FirstDay(), period.LastDay(), lo, hi}
	}
	var all sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT group_concat(concat_ws(char(31), item_id, id, doc_id, line_id, date, audit_seq,
		line_no, sub, kind, qty, amount, fixed, link, adj, qty_after, amount_after), char(30))
		FROM stock_moves WHERE `+where+` AND date BETWEEN ?1 AND ?2 AND kind <> 0`, args...).Scan(&all); err != nil {
		return nil, nil, err
	}
	type key struct { // stock_moves_order's order: item, date, audit_seq, line_no, sub, then id
		item, seq, no, sub, id int64
		date                   string
		at                     int // in rows
	}
	var keys []key
	var rows []movedRow
	refs := map[int64][2]int64{}
	if all.String != "" {
		n := strings.Count(all.String, "\x1e") + 1
		keys, rows, refs = make([]key, 0, n), make([]movedRow, 0, n), make(map[int64][2]int64, n)
	}
	for text := range strings.SplitSeq(all.String, "\x1e") {
		if text == "" {
			continue
		}
		f := packedRow{s: text}
		k := key{item: f.int(), at: len(rows)}
		k.id = f.int()
		doc, line := f.int(), f.int()
		k.date, k.seq, k.no, k.sub = f.str(), f.int(), f.int(), f.int()
		kind, qty, amount, fixed, link := f.int(), f.int(), f.int(), f.int(), f.str()
		adj, qa, aa := f.int(), f.int(), f.int()
		if err := f.end(); err != nil {
			return nil, nil, err
		}
		rows = append(rows, newMovedRow(k.id, line, period, kind, Qty(qty), Money(amount), fixed != 0, link, Money(adj), Qty(qa), Money(aa)))
		refs[k.id] = [2]int64{doc, line}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.item, b.item), strings.Compare(a.date, b.date), cmp.Compare(a.seq, b.seq),
			cmp.Compare(a.no, b.no), cmp.Compare(a.sub, b.sub), cmp.Compare(a.id, b.id))
	})
	out := map[int64][]movedRow{}
	for i := 0; i < len(keys); {
		j := i
		for j < len(keys) && keys[j].item == keys[i].item {
			j++
		}
		item := make([]movedRow, j-i)
		for x := range item {
			item[x] = rows[keys[i+x].at]
		}
		out[keys[i].item] = item
		i = j
	}
	return out, refs, nil
}

func scanMovedRows(rows *sql.Rows) (map[int64][]movedRow, error) {
	defer rows.Close()
	out := map[int64][]movedRow{}
	var periods []Period // one string per period
	for rows.Next() {
		var id, itemID, lineID int64
		var kind int64
		var qty Qty
		var amount, adj, amtAfter Money
		var qtyAfter Qty
		var fixed bool
		var period, link string
		if err := rows.Scan(&itemID, &id, &lineID, &period, &kind, &qty, &amount, &fixed, &link, &adj, &qtyAfter, &amtAfter); err != nil {
			return nil, err
		}
		r := newMovedRow(id, lineID, internPeriod(&periods, period), kind, qty, amount, fixed, link, adj, qtyAfter, amtAfter)
		out[itemID] = append(out[itemID], r)
	}
	return out, rows.Err()
}

// newMovedRow is a stock_moves row as costing takes it: quantities and fixed amounts
// positive, the others' amounts left for costing; with its stored results.
func newMovedRow(id, lineID int64, period Period, kind int64, qty Qty, amount Money, fixed bool, link string, adj Money, qtyAfter Qty, amtAfter Money) movedRow {
	r := movedRow{id: id, period: period, move: costingMove(lineID, MoveKind(kind), qty, amount, fixed, link)}
	r.stored = [4]int64{int64(amount), int64(adj), int64(qtyAfter), int64(amtAfter)}
	return r
}

// costingMove is a movement as costing takes it: its quantity and, when fixed, its
// amount positive (the others' amounts are costing's to find).
func costingMove(lineID int64, kind MoveKind, qty Qty, amount Money, fixed bool, link string) Move {
	m := Move{ID: moveID(lineID), Kind: kind, Link: link, Qty: qty}
	if qty < 0 {
		m.Qty = -qty
	}
	if fixed {
		m.Amount = amount
		if amount < 0 {
			m.Amount = -amount
		}
	}
	return m
}

// internPeriod shares one string per period among the rows.
func internPeriod(seen *[]Period, p string) Period {
	for _, s := range *seen {
		if string(s) == p {
			return s
		}
	}
	s := Period(strings.Clone(p))
	*seen = append(*seen, s)
	return s
}

// costMovedRows is recostItem's run over rows already read: one costing run per period,
// each opening with the previous one's closing state; changed results are stored.
// It tells whether any stored result changed.
func costMovedRows(ctx context.Context, tx *store.Tx, method Costing, first Period, state CostState, all []movedRow, upd *moveUpdates) (map[Period]CostState, []CostWarning, bool, error) {
	var warnings []CostWarning
	changed := false
	closing := map[Period]CostState{}
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
		// What is stored: the results not written yet go first.
		if err := linkedReturnSources(ctx, tx, moves, inRun, all[start].period, func() error { return upd.flush(ctx, tx) }); err != nil {
			return nil, nil, false, err
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
				changed = true
				if err := upd.add(ctx, tx, r.id, now); err != nil {
					return nil, nil, false, err
				}
				r.stored = now // as it is about to be
			}
		}
		state = run.Close
		closing[all[start].period] = state
		start = end
	}
	return closing, warnings, changed, nil
}

// moveUpdates collects the costing results that changed and writes them many rows a
// statement.
type moveUpdates struct {
	args []any
	n    int
}

const moveUpdatesPerStmt = 400

func (u *moveUpdates) add(ctx context.Context, tx *store.Tx, id int64, now [4]int64) error {
	u.args = append(u.args, id, now[0], now[1], now[2], now[3])
	if u.n++; u.n == moveUpdatesPerStmt {
		return u.flush(ctx, tx)
	}
	return nil
}

func (u *moveUpdates) flush(ctx context.Context, tx *store.Tx) error {
	if u.n == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `WITH v(id, amount, adj, qty_after, amount_after) AS (VALUES `+valuesList(u.n, 5)+`)
		UPDATE stock_moves SET amount = v.amount, adj = v.adj, qty_after = v.qty_after, amount_after = v.amount_after
		FROM v WHERE stock_moves.id = v.id`, u.args...)
	u.args, u.n = u.args[:0], 0
	return err
}

// storeCostStates writes each item's state at the end of `period` (item_period_costs),
// many rows a statement.
func storeCostStates(ctx context.Context, tx *store.Tx, period Period, ids []int64, states map[int64]CostState) error {
	const perStmt = 200
	for lo := 0; lo < len(ids); lo += perStmt {
		batch := ids[lo:min(lo+perStmt, len(ids))]
		args := make([]any, 0, 7*len(batch))
		for _, id := range batch {
			st := states[id]
			layers, err := json.Marshal(st.Layers)
			if err != nil {
				return err
			}
			if st.Layers == nil {
				layers = []byte("[]")
			}
			args = append(args, id, period, st.Qty, st.Amount, st.LastQty, st.LastAmount, string(layers))
		}
		q := "INSERT INTO item_period_costs(item_id, period, qty, amount, last_qty, last_amount, layers) VALUES " +
			valuesList(len(batch), 7)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// valuesList is "(?, ?), (?, ?)" for rows rows of cols columns.
func valuesList(rows, cols int) string {
	one := params(cols)
	var b strings.Builder
	b.Grow(rows * (len(one) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}
