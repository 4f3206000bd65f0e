package ledger

// Inventory costing (存货计价, DOMAIN.md §3) as pure functions over one item's movements
// in costing order (business date, audit sequence, line number). The stock documents
// build the []Move; the close and the previews call Cost; the results are stored on the
// movements so that reports never recompute history. Transfers are not movements here:
// costing is per item across warehouses.

// MoveKind is how costing treats a movement (DOMAIN.md §3.1's table).
type MoveKind int

// The kinds of movement.
const (
	// MoveIn is an inflow at a fixed amount: a purchase receipt (its inventory amount,
	// §2.3) or an other-in (the amount entered).
	MoveIn MoveKind = iota + 1
	// MovePurchaseReturn leaves at the fixed amount R of the return line (§2.5), from the
	// layer of the receipt it names in Link (FIFO).
	MovePurchaseReturn
	// MoveSalesReturn comes back in: linked to a delivery line (Link, or the Src fields
	// when the delivery is in an earlier period) at that delivery's cost, pro rata with
	// the remainder rule of §2.5; unlinked at the current cost.
	MoveSalesReturn
	// MoveGain is a count gain (盘盈), in at the current cost.
	MoveGain
	// MoveOut is a delivery, a count loss or an other-out: the system cost.
	MoveOut
)

// In tells whether the movement brings stock in.
func (k MoveKind) In() bool { return k == MoveIn || k == MoveSalesReturn || k == MoveGain }

// Move is one stock-ledger row of one item.
type Move struct {
	ID     string   // unique within the item's history: the document line, e.g. "CG-202506-0001/1"
	Kind   MoveKind //
	Qty    Qty      // > 0, in the movement's own direction
	Amount Money    // the fixed amount: MoveIn, MovePurchaseReturn
	// Link names the source line of a linked return: a delivery line for a sales return,
	// a receipt line (its FIFO layer) for a purchase return. When the source is not in
	// the same run (an earlier period), the Src fields carry what costing needs of it.
	Link            string
	SrcQty          Qty   // the source line's quantity
	SrcCost         Money // the source delivery line's cost
	SrcReturnedQty  Qty   // returned against that line before this run
	SrcReturnedCost Money // and the cost those returns took
}

// Layer is a FIFO layer: what is left of one inflow.
type Layer struct {
	ID     string // the inflow's Move.ID; "opening" for the book's opening; "-" for a negative layer
	Qty    Qty
	Amount Money
}

// CostState is an item's costing state between movements and between periods.
type CostState struct {
	Qty    Qty
	Amount Money
	Layers []Layer // FIFO: oldest first; Σ equals Qty and Amount
	// LastQty and LastAmount are the quantity and amount at the last moment the quantity
	// was positive (any period): c_last = LastAmount / LastQty, kept as a ratio so that
	// round2(c_last × q) is one exact division.
	LastQty    Qty
	LastAmount Money
	RefCost    Price // 参考成本, when no c_last is known
}

// Costed is the costing result of one movement.
type Costed struct {
	Cost Money // the amount the movement moved, in its own direction (in: added; out: removed)
	Adj  Money // the quantity-0 adjustment (§3.1): Dr 5401 / Cr 1405 when positive
	// Qty and Amount are the state after the movement (moving average and FIFO; zero
	// for the monthly average, which knows only the period end).
	Qty    Qty
	Amount Money
	Taken  []Layer // FIFO: the layers an outflow took, oldest first
}

// CostWarning is a finding for the close's pre-check W2 (§6.2).
type CostWarning struct {
	Move int    // index of the movement, -1 for the period
	Code string // "c_last_zero", "adj_large", "negative_amount"
}

// CostRun is the result of costing one item over a run of movements.
type CostRun struct {
	Rows     []Costed // one per movement, same order
	Close    CostState
	Warnings []CostWarning
}

// Cost runs the book's method over one item's movements from an opening state.
func Cost(method Costing, open CostState, moves []Move) CostRun {
	switch method {
	case CostingFIFO:
		return CostFIFO(open, moves)
	case CostingMonthly:
		return CostMonthly(open, moves)
	}
	return CostMoving(open, moves)
}

// cLast returns round2(c_last × q): the last known unit cost, else the reference cost,
// else zero with a warning.
func (s *CostState) cLast(q Qty) (Money, bool) {
	if s.LastQty > 0 {
		return Ratio(s.LastAmount, q, s.LastQty), true
	}
	if s.RefCost > 0 {
		return RoundHalfAway(s.RefCost.Decimal().Mul(q.Decimal())), true
	}
	return 0, false
}

// remember records c_last when the quantity is positive.
func (s *CostState) remember() {
	if s.Qty > 0 {
		s.LastQty, s.LastAmount = s.Qty, s.Amount
	}
}

// linkedCost is the cost of a linked sales return (§2.5): pro rata of the source
// delivery's cost, the last return of the line taking the remainder.
func linkedCost(q, srcQty Qty, srcCost Money, prevQty Qty, prevCost Money) Money {
	if srcQty <= 0 {
		return 0
	}
	if prevQty+q >= srcQty {
		return srcCost - prevCost
	}
	return Ratio(srcCost, q, srcQty)
}

// returnTracker knows the sources of linked sales returns within a run.
type returnTracker struct {
	src      map[string]*linkSrc
	inRunIdx map[string]int
}

type linkSrc struct {
	qty, returnedQty   Qty
	cost, returnedCost Money
}

func newReturnTracker() *returnTracker {
	return &returnTracker{src: map[string]*linkSrc{}, inRunIdx: map[string]int{}}
}

// delivered records a delivery line costed in this run.
func (t *returnTracker) delivered(i int, m Move, cost Money) {
	t.inRunIdx[m.ID] = i
	t.src[m.ID] = &linkSrc{qty: m.Qty, cost: cost}
}

// inRun tells whether m's source delivery is in this run.
func (t *returnTracker) inRun(m Move) bool {
	_, ok := t.inRunIdx[m.Link]
	return ok && m.Link != ""
}

// cost returns the cost of the linked sales return m and records it.
func (t *returnTracker) cost(m Move) Money {
	s, ok := t.src[m.Link]
	if !ok || m.Link == "" {
		s = &linkSrc{qty: m.SrcQty, cost: m.SrcCost, returnedQty: m.SrcReturnedQty, returnedCost: m.SrcReturnedCost}
		if m.Link != "" {
			t.src[m.Link] = s
		}
	}
	c := linkedCost(m.Qty, s.qty, s.cost, s.returnedQty, s.returnedCost)
	s.returnedQty += m.Qty
	s.returnedCost += c
	return c
}

func (t *returnTracker) linked(m Move) bool { return m.Link != "" || m.SrcQty > 0 }

func absMoney(m Money) Money {
	if m < 0 {
		return -m
	}
	return m
}

// adjWarnLimit is W2's threshold for an adjustment: 1.00 yuan.
const adjWarnLimit = Money(100)

func warnRow(w *[]CostWarning, i int, r Costed) {
	if absMoney(r.Adj) > adjWarnLimit {
		*w = append(*w, CostWarning{Move: i, Code: "adj_large"})
	}
	if r.Qty > 0 && r.Amount < 0 {
		*w = append(*w, CostWarning{Move: i, Code: "negative_amount"})
	}
}
