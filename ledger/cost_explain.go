package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"shopbooks/store"
)

// CostExplanation is what a document line's cost and VAT were made of, read from what
// costing and the document stored (DOMAIN.md §2.1, §3): nothing is recomputed but the
// check that the stored figures satisfy their formula (Holds).
type CostExplanation struct {
	Doc         string
	Line        int
	Item        string
	Method      Costing
	Kind        MoveKind // 0 when the line moves no stock
	Qty         Qty      // the movement's quantity, positive
	Cost        Money    // the amount it moved: an outflow's cost, an inflow's amount (positive)
	Adj         Money    // its quantity-0 adjustment (§3.1)
	Fixed       bool     // the document's own amount: a receipt, a purchase return, an other-in
	Provisional bool     // the month is open: the cost may change at the close

	// Moving average and FIFO: the item's state (all warehouses) before and after the
	// movement, as costing stored it after the movement.
	BeforeQty, AfterQty       Qty
	BeforeAmount, AfterAmount Money

	// A sales return linked to a delivery line: that line, its quantity and cost.
	SrcLine string
	SrcQty  Qty
	SrcCost Money

	// Monthly average: the month's opening and fixed rows (receipts, purchase returns,
	// other-in, returns of earlier deliveries): Qa = OpenQty + FixedQty, Aa = OpenAmount +
	// FixedAmount, each valued row costs round2(Aa × q / Qa).
	OpenQty     Qty
	OpenAmount  Money
	FixedQty    Qty
	FixedAmount Money
	// FIFO: the layers the month opened with (the previous close's), oldest first, and
	// those an outflow took (its cost is their sum; a layer "-" is what no layer held,
	// at the last known cost), found by running the month's movements up to this one
	// through the costing function again.
	OpenLayers []Layer
	Taken      []Layer
	TakenFrom  []string // each taken layer's inflow as "CG-202506-0001/1" ("" for the opening and "-")

	// Holds tells whether the stored cost is what the formula of its method gives from
	// the stored figures: round2(A × q / Q) with the state before (moving average; the
	// whole amount when q = Q), round2(source cost × q / source quantity) for a linked
	// return, round2(Aa × q / Qa) for the monthly average (the month's last outflow takes
	// the rounding difference, so it may not); false where no formula applies here
	// (FIFO takes layers; negative stock).
	Holds bool
	Want  Money // what the formula gives, when one applies

	// The line's VAT (§2.1): net, rate, VAT and gross as stored, the price mode, and
	// whether the VAT was overridden to match an invoice.
	Net, VAT, Gross Money
	Rate            Rate
	Inclusive       bool
	Override        bool
	VATWant         Money // round2(net × r), or round2(gross × r / (1 + r)) when inclusive
}

// ExplainCost explains the cost and the VAT of a document line ("XS-202501-0003", 1).
// Needs PermViewCost.
func (b *Book) ExplainCost(ctx context.Context, by *User, doc string, line int) (CostExplanation, error) {
	if !by.Can(PermViewCost) {
		return CostExplanation{}, forbidden(string(PermViewCost))
	}
	x := CostExplanation{Doc: doc, Line: line}
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		x.Method = s.Costing
		var lineID, itemID int64
		var period string
		var override sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT l.id, ifnull(l.item_id, 0), ifnull(i.code, ''), d.period, l.net, l.vat, l.gross, l.vat_bp,
				d.inclusive, l.vat_override
			FROM docs d JOIN doc_lines l ON l.doc_id = d.id LEFT JOIN items i ON i.id = l.item_id
			WHERE d.number = ? AND l.line_no = ?`, doc, line).Scan(&lineID, &itemID, &x.Item, &period, &x.Net, &x.VAT, &x.Gross, &x.Rate,
			&x.Inclusive, &override)
		if errors.Is(err, sql.ErrNoRows) {
			return refuse(CodeUnknownDoc, "value", doc+"/"+strconv.Itoa(line))
		}
		if err != nil {
			return err
		}
		x.Override = override.Valid
		if x.Inclusive {
			x.VATWant = Money(mulDivRound(int64(x.Gross), int64(x.Rate), 10000+int64(x.Rate)))
		} else {
			x.VATWant = RoundHalfAway(x.Net.Decimal().Mul(x.Rate.Decimal()))
		}
		var closed bool
		if err := tx.QueryRowContext(ctx, "SELECT ifnull((SELECT closed FROM periods WHERE period = ?), 0)", period).Scan(&closed); err != nil {
			return err
		}
		x.Provisional = !closed
		// The movement (a transfer has two and no cost: not explained).
		var kind MoveKind
		var qty Qty
		var amount Money
		var link string
		var moveID int64
		err = tx.QueryRowContext(ctx, `SELECT id, kind, qty, amount, adj, fixed, link, qty_after, amount_after
			FROM stock_moves WHERE line_id = ? AND kind <> 0 ORDER BY id LIMIT 1`, lineID).Scan(&moveID, &kind, &qty, &amount, &x.Adj, &x.Fixed, &link,
			&x.AfterQty, &x.AfterAmount)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no stock: the VAT only
		}
		if err != nil {
			return err
		}
		x.Kind = kind
		x.Qty, x.Cost = qty, amount
		if qty < 0 {
			x.Qty, x.Cost = -qty, -amount
		}
		// The state before: after − this movement (in: + amount; out: − cost).
		x.BeforeQty, x.BeforeAmount = x.AfterQty-qty, x.AfterAmount-amount+x.Adj
		if link != "" && kind == MoveSalesReturn { // Link is the source line's move ID, "L<line id>"
			var src int64
			if _, err := fmt.Sscanf(link, "L%d", &src); err == nil {
				err := tx.QueryRowContext(ctx, `SELECT d.number || '/' || l.line_no, -m.qty, -m.amount FROM doc_lines l JOIN docs d ON d.id = l.doc_id
					JOIN stock_moves m ON m.line_id = l.id WHERE l.id = ? AND m.kind <> 0 ORDER BY m.id LIMIT 1`,
					src).Scan(&x.SrcLine, &x.SrcQty, &x.SrcCost)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
		}
		// The month's opening: the previous close, else the book's opening and every
		// movement before the month.
		var layers string
		err = tx.QueryRowContext(ctx, `SELECT qty, amount, layers FROM item_period_costs WHERE item_id = ? AND period = ?`,
			itemID, Period(period).Prev()).Scan(&x.OpenQty, &x.OpenAmount, &layers)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := tx.QueryRowContext(ctx, `SELECT
					(SELECT ifnull(sum(qty), 0) FROM opening_stock WHERE item_id = ?1) + (SELECT ifnull(sum(qty), 0) FROM stock_moves WHERE item_id = ?1 AND period < ?2 AND kind <> 0),
					(SELECT ifnull(sum(amount), 0) FROM opening_stock WHERE item_id = ?1) + (SELECT ifnull(sum(amount - adj), 0) FROM stock_moves WHERE item_id = ?1 AND period < ?2 AND kind <> 0)`,
				itemID, period).Scan(&x.OpenQty, &x.OpenAmount); err != nil {
				return err
			}
			if x.OpenQty != 0 || x.OpenAmount != 0 {
				x.OpenLayers = []Layer{{ID: "opening", Qty: x.OpenQty, Amount: x.OpenAmount}}
			}
		case err != nil:
			return err
		default:
			if err := json.Unmarshal([]byte(layers), &x.OpenLayers); err != nil {
				return err
			}
		}
		// The month as a range of dates: the item's movements of it in stock_moves_order.
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(qty), 0), ifnull(sum(amount), 0) FROM stock_moves
			WHERE item_id = ? AND date BETWEEN ? AND ? AND kind <> 0 AND fixed = 1`, itemID, Period(period).FirstDay(), Period(period).LastDay()).
			Scan(&x.FixedQty, &x.FixedAmount); err != nil {
			return err
		}
		x.Want, x.Holds = x.formula()
		if x.Method == CostingFIFO && !x.Fixed {
			return x.replayFIFO(ctx, tx, s, itemID, Period(period), moveID)
		}
		return nil
	})
	return x, fromStore(err)
}

// replayFIFO runs the item's movements of the month, from the month's opening state up
// to the movement moveID, through CostFIFO and keeps what that movement took.
func (x *CostExplanation) replayFIFO(ctx context.Context, tx *store.Tx, s Settings, itemID int64, p Period, moveID int64) error {
	rows, err := itemMovedRows(ctx, tx, "item_id = ? AND period = ?", itemID, p)
	if err != nil {
		return err
	}
	at := slices.IndexFunc(rows, func(r movedRow) bool { return r.id == moveID })
	if at < 0 {
		return nil
	}
	moves := make([]Move, at+1)
	inRun := map[string]bool{}
	for i := range moves {
		moves[i] = rows[i].move
		inRun[moves[i].ID] = true
	}
	if err := linkedReturnSources(ctx, tx, moves, inRun, p, nil); err != nil {
		return err
	}
	open, err := costOpening(ctx, tx, itemID, p)
	if err != nil {
		return err
	}
	if p == s.Start { // the book's opening stock, whatever was closed since
		open.Layers = nil
		if len(x.OpenLayers) > 0 {
			open.Layers = append(open.Layers, x.OpenLayers...)
		}
		open.Qty, open.Amount = x.OpenQty, x.OpenAmount
	}
	c := CostFIFO(open, moves).Rows[at]
	x.Taken = c.Taken
	x.TakenFrom = make([]string, len(c.Taken))
	for i, l := range c.Taken {
		var line int64
		if _, err := fmt.Sscanf(l.ID, "L%d", &line); err != nil {
			continue
		}
		err := tx.QueryRowContext(ctx, `SELECT d.number || '/' || l.line_no FROM doc_lines l JOIN docs d ON d.id = l.doc_id
			WHERE l.id = ?`, line).Scan(&x.TakenFrom[i])
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	x.Want, x.Holds = c.Cost, c.Cost == x.Cost
	return nil
}

// formula is what the method's formula gives for the stored figures, and whether it is
// the stored cost.
func (x CostExplanation) formula() (Money, bool) {
	switch {
	case x.Fixed || x.Kind == 0:
		return x.Cost, true
	case x.Kind == MoveSalesReturn && x.SrcLine != "" && x.SrcQty > 0:
		w := Ratio(x.SrcCost, x.Qty, x.SrcQty)
		return w, w == x.Cost
	case x.Method == CostingMonthly:
		qa, aa := x.OpenQty+x.FixedQty, x.OpenAmount+x.FixedAmount
		if qa <= 0 {
			return 0, false
		}
		w := Ratio(aa, x.Qty, qa)
		return w, w == x.Cost
	case x.Method == CostingMoving && !x.Kind.In() && x.BeforeQty > 0 && x.Qty <= x.BeforeQty:
		w := x.BeforeAmount
		if x.Qty != x.BeforeQty {
			w = Ratio(x.BeforeAmount, x.Qty, x.BeforeQty)
		}
		return w, w == x.Cost
	case x.Method == CostingMoving && x.Kind.In() && x.BeforeQty > 0: // unlinked return, count gain: the current cost
		w := Ratio(x.BeforeAmount, x.Qty, x.BeforeQty)
		return w, w == x.Cost
	}
	return 0, false
}

// ExplainItemCost is ExplainCost of the first line of document doc that moves item (a
// stock ledger's row names the document and the item, not the line). Needs PermViewCost.
func (b *Book) ExplainItemCost(ctx context.Context, by *User, doc, item string) (CostExplanation, error) {
	if !by.Can(PermViewCost) {
		return CostExplanation{}, forbidden(string(PermViewCost))
	}
	var line int
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT l.line_no FROM docs d JOIN doc_lines l ON l.doc_id = d.id JOIN items i ON i.id = l.item_id
			JOIN stock_moves m ON m.line_id = l.id AND m.kind <> 0
			WHERE d.number = ? AND i.code = ? ORDER BY l.line_no LIMIT 1`, doc, item).Scan(&line)
		if errors.Is(err, sql.ErrNoRows) {
			return refuse(CodeUnknownDoc, "value", doc+" "+item)
		}
		return err
	})
	if err != nil {
		return CostExplanation{}, fromStore(err)
	}
	return b.ExplainCost(ctx, by, doc, line)
}
