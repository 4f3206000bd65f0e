package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"shopbooks/store"
)

// costAppended costs the movements a document just added for one item, when they come
// after every other movement of the item (the usual case: documents entered in date
// order) and the book uses the moving average: the state after the item's previous
// movement is stored on it, so only the new movements are costed. It reports false when
// the fast path does not apply and the item must be costed again from the period's
// opening (recost). The results equal recost's: TestAppendCostingEqualsRecost.
func costAppended(ctx context.Context, tx *store.Tx, s Settings, first Period, doc DocID, itemID int64) (bool, error) {
	if s.Costing != CostingMoving {
		return false, nil
	}
	// (+item_id: the document's index, not the item's, which holds its whole history)
	var minDate Date
	if err := tx.QueryRowContext(ctx, `SELECT ifnull(min(date), '') FROM stock_moves WHERE doc_id = ? AND +item_id = ? AND kind <> 0`,
		doc, itemID).Scan(&minDate); err != nil || minDate == "" {
		return minDate == "" && err == nil, err
	}
	var later int
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM stock_moves WHERE item_id = ? AND kind <> 0 AND date > ? AND doc_id <> ?)`,
		itemID, minDate, doc).Scan(&later); err != nil || later == 1 {
		return false, err
	}
	// The state after the item's last movement before this document's.
	state, err := costOpening(ctx, tx, itemID, first)
	if err != nil {
		return false, err
	}
	state.Layers = nil
	var q Qty
	var a Money
	err = tx.QueryRowContext(ctx, `SELECT qty_after, amount_after FROM stock_moves
		WHERE item_id = ? AND kind <> 0 AND doc_id <> ? AND date >= ?
		ORDER BY date DESC, audit_seq DESC, line_no DESC, sub DESC, id DESC LIMIT 1`, itemID, doc, first.FirstDay()).Scan(&q, &a)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, err
	default:
		state.Qty, state.Amount = q, a
	}
	// c_last: the last positive state, of this run or of the opening.
	if state.Qty > 0 {
		state.LastQty, state.LastAmount = state.Qty, state.Amount
	} else {
		err = tx.QueryRowContext(ctx, `SELECT qty_after, amount_after FROM stock_moves
			WHERE item_id = ? AND kind <> 0 AND doc_id <> ? AND date >= ? AND qty_after > 0
			ORDER BY date DESC, audit_seq DESC, line_no DESC, sub DESC, id DESC LIMIT 1`, itemID, doc, first.FirstDay()).Scan(&q, &a)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			open, err := costOpening(ctx, tx, itemID, first)
			if err != nil {
				return false, err
			}
			if open.Qty > 0 {
				state.LastQty, state.LastAmount = open.Qty, open.Amount
			}
		case err != nil:
			return false, err
		default:
			state.LastQty, state.LastAmount = q, a
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, line_id, kind, qty, amount, fixed, link FROM stock_moves
		WHERE doc_id = ? AND +item_id = ? AND kind <> 0 ORDER BY date, audit_seq, line_no, sub, id`, doc, itemID)
	if err != nil {
		return false, err
	}
	var ids []int64
	var moves []Move
	for rows.Next() {
		var id, lineID int64
		var kind int
		var qty Qty
		var amount Money
		var fixed bool
		var link string
		if err := rows.Scan(&id, &lineID, &kind, &qty, &amount, &fixed, &link); err != nil {
			rows.Close()
			return false, err
		}
		m := Move{ID: moveID(lineID), Kind: MoveKind(kind), Qty: qty, Link: link}
		if qty < 0 {
			m.Qty = -qty
		}
		if fixed {
			m.Amount = amount
			if amount < 0 {
				m.Amount = -amount
			}
		}
		ids = append(ids, id)
		moves = append(moves, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	for i := range moves {
		m := &moves[i]
		if m.Kind != MoveSalesReturn || m.Link == "" {
			continue
		}
		var srcLine int64
		fmt.Sscanf(m.Link, "L%d", &srcLine)
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(-sum(qty), 0), ifnull(-sum(amount), 0) FROM stock_moves WHERE line_id = ?`, srcLine).
			Scan(&m.SrcQty, &m.SrcCost); err != nil {
			return false, err
		}
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(qty), 0), ifnull(sum(amount), 0) FROM stock_moves
			WHERE link = ? AND kind = ? AND doc_id <> ?`, m.Link, int(MoveSalesReturn), doc).Scan(&m.SrcReturnedQty, &m.SrcReturnedCost); err != nil {
			return false, err
		}
	}
	run := CostMoving(state, moves)
	for i, c := range run.Rows {
		amount := c.Cost
		if !moves[i].Kind.In() {
			amount = -amount
		}
		if _, err := tx.ExecContext(ctx, "UPDATE stock_moves SET amount = ?, adj = ?, qty_after = ?, amount_after = ? WHERE id = ?",
			amount, c.Adj, c.Qty, c.Amount, ids[i]); err != nil {
			return false, err
		}
	}
	return true, nil
}

// costAudited costs the items a just-audited document moved: the appended movements
// alone where costAppended can, the item's open periods again where it cannot.
func costAudited(ctx context.Context, tx *store.Tx, s Settings, doc DocID, items map[int64]bool) error {
	first, err := firstOpenPeriod(ctx, tx, s)
	if err != nil {
		return err
	}
	rest := map[int64]bool{}
	for id := range items {
		done, err := costAppended(ctx, tx, s, first, doc, id)
		if err != nil {
			return fmt.Errorf("cost item %d: %w", id, err)
		}
		if !done {
			rest[id] = true
		}
	}
	return recost(ctx, tx, s, rest)
}
