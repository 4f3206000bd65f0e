package ledger

// CostMoving is the moving weighted average (移动加权平均, DOMAIN.md §3.2), with the
// negative-stock rules of §3.5.
func CostMoving(open CostState, moves []Move) CostRun {
	s := open
	s.Layers = nil
	s.remember()
	run := CostRun{Rows: make([]Costed, len(moves))}
	links := newReturnTracker()
	for i, m := range moves {
		var r Costed
		switch m.Kind {
		case MoveIn:
			r.Cost = m.Amount
			r.Adj = s.inflow(m.Qty, m.Amount)
		case MoveSalesReturn, MoveGain:
			var ok bool
			if m.Kind == MoveSalesReturn && links.linked(m) {
				r.Cost, ok = links.cost(m), true
			} else {
				r.Cost, ok = s.current(m.Qty)
			}
			if !ok {
				run.Warnings = append(run.Warnings, CostWarning{Move: i, Code: "c_last_zero"})
			}
			r.Adj = s.inflow(m.Qty, r.Cost)
		case MovePurchaseReturn:
			r.Cost = m.Amount
			s.Qty -= m.Qty
			s.Amount -= m.Amount
			if s.Qty == 0 && s.Amount != 0 {
				r.Adj, s.Amount = s.Amount, 0
			}
		case MoveOut:
			var ok bool
			r.Cost, ok = s.outflow(m.Qty)
			if !ok {
				run.Warnings = append(run.Warnings, CostWarning{Move: i, Code: "c_last_zero"})
			}
			links.delivered(i, m, r.Cost)
		}
		s.remember()
		r.Qty, r.Amount = s.Qty, s.Amount
		warnRow(&run.Warnings, i, r)
		run.Rows[i] = r
	}
	run.Close = s
	return run
}

// current returns the current cost of q (§3.2): round2(A × q / Q) while Q > 0, else
// round2(c_last × q).
func (s *CostState) current(q Qty) (Money, bool) {
	if s.Qty > 0 {
		return Ratio(s.Amount, q, s.Qty), true
	}
	return s.cLast(q)
}

// inflow adds (q, a), settling a negative state first (§3.5); it returns adj.
func (s *CostState) inflow(q Qty, a Money) Money {
	if s.Qty >= 0 {
		s.Qty += q
		s.Amount += a
		return 0
	}
	if s.Qty+q >= 0 {
		t := Ratio(a, -s.Qty, q)
		adj := t + s.Amount
		s.Qty += q
		s.Amount = a - t
		return adj
	}
	p := Ratio(s.Amount, q, s.Qty)
	adj := a - p
	s.Qty += q
	s.Amount += p
	return adj
}

// outflow removes q at the system cost (§3.2, §3.5) and returns that cost; ok is false
// when c_last had to be used and was unknown.
func (s *CostState) outflow(q Qty) (Money, bool) {
	var cost Money
	ok := true
	switch {
	case s.Qty >= q:
		if q == s.Qty {
			cost = s.Amount
		} else {
			cost = Ratio(s.Amount, q, s.Qty)
		}
	case s.Qty > 0:
		var excess Money
		excess, ok = s.cLast(q - s.Qty)
		cost = s.Amount + excess
	default:
		cost, ok = s.cLast(q)
	}
	s.Qty -= q
	s.Amount -= cost
	return cost, ok
}
