package ledger

// CostMonthly is the monthly weighted average (月末一次加权平均, DOMAIN.md §3.4): one
// average per item per period over the opening and the fixed inflows, applied to every
// valued row, the rounding difference going to one row so that the closing stock sits
// exactly at the average. moves are one period's, in costing order.
func CostMonthly(open CostState, moves []Move) CostRun {
	run := CostRun{Rows: make([]Costed, len(moves))}
	s := open
	s.Layers = nil
	s.remember()
	links := newReturnTracker()
	// Step 1: fixed rows.
	qa, aa := open.Qty, open.Amount
	// Deliveries of this period are valued rows: a return linked to one is valued too.
	for i, m := range moves {
		if m.Kind == MoveOut {
			links.inRunIdx[m.ID] = i
		}
	}
	valued := make([]int, 0, len(moves))
	sign := make([]int, len(moves))
	for i, m := range moves {
		switch {
		case m.Kind == MoveIn:
			run.Rows[i].Cost = m.Amount
			qa, aa = qa+m.Qty, aa+m.Amount
		case m.Kind == MovePurchaseReturn:
			run.Rows[i].Cost = m.Amount
			qa, aa = qa-m.Qty, aa-m.Amount
		case m.Kind == MoveSalesReturn && links.linked(m) && !links.inRun(m):
			c := links.cost(m)
			run.Rows[i].Cost = c
			qa, aa = qa+m.Qty, aa+c
		case m.Kind == MoveOut:
			valued, sign[i] = append(valued, i), 1
		default: // gains, unlinked returns, returns of this period's deliveries
			valued, sign[i] = append(valued, i), -1
		}
	}
	// Step 3: closing quantity.
	qc := qa
	for _, i := range valued {
		qc -= Qty(sign[i]) * moves[i].Qty
	}
	var ac, sum Money
	if qa > 0 {
		// Steps 3–4.
		ac = Ratio(aa, qc, qa)
		last := -1
		for _, i := range valued {
			c := Ratio(aa, moves[i].Qty, qa)
			run.Rows[i].Cost = c
			sum += Money(sign[i]) * c
			if sign[i] > 0 {
				last = i
			}
		}
		if last < 0 && len(valued) > 0 {
			last = valued[len(valued)-1]
		}
		if diff := (aa - ac) - sum; diff != 0 && last >= 0 {
			run.Rows[last].Cost += Money(sign[last]) * diff
		}
	} else {
		// Step 5: no average; c_last.
		for _, i := range valued {
			c, ok := s.cLast(moves[i].Qty)
			if !ok {
				run.Warnings = append(run.Warnings, CostWarning{Move: i, Code: "c_last_zero"})
			}
			run.Rows[i].Cost = c
			sum += Money(sign[i]) * c
		}
		if len(valued) == 0 && qa < 0 {
			run.Warnings = append(run.Warnings, CostWarning{Move: -1, Code: "c_last_zero"})
		}
		ac = aa - sum
		if qc == 0 && ac != 0 {
			adjRow := len(moves) - 1
			if len(valued) > 0 {
				adjRow = valued[len(valued)-1]
			}
			if adjRow >= 0 {
				run.Rows[adjRow].Adj = ac
				warnRow(&run.Warnings, adjRow, run.Rows[adjRow])
			}
			ac = 0
		}
	}
	s.Qty, s.Amount = qc, ac
	if qc > 0 {
		s.LastQty, s.LastAmount = qc, ac
	} else if qa > 0 {
		s.LastQty, s.LastAmount = qa, aa
	}
	if s.Qty > 0 && s.Amount < 0 {
		run.Warnings = append(run.Warnings, CostWarning{Move: -1, Code: "negative_amount"})
	}
	run.Close = s
	return run
}
