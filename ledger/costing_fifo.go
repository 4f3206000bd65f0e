package ledger

// CostFIFO is first-in first-out (先进先出, DOMAIN.md §3.3): layers oldest first, each
// tagged with the inflow that made it; beyond the last layer, a negative layer follows
// the moving average's rules of §3.5.
func CostFIFO(open CostState, moves []Move) CostRun {
	s := open
	s.Layers = append([]Layer(nil), open.Layers...)
	s.remember()
	if len(s.Layers) == 0 && s.Qty != 0 {
		s.Layers = []Layer{{ID: "opening", Qty: s.Qty, Amount: s.Amount}}
	}
	run := CostRun{Rows: make([]Costed, len(moves))}
	links := newReturnTracker()
	for i, m := range moves {
		var r Costed
		switch m.Kind {
		case MoveIn:
			r.Cost = m.Amount
			r.Adj = s.fifoIn(m.ID, m.Qty, m.Amount)
		case MoveSalesReturn, MoveGain:
			var ok bool
			if m.Kind == MoveSalesReturn && links.linked(m) {
				r.Cost, ok = links.cost(m), true
			} else {
				r.Cost, ok = s.fifoCurrent(m.Qty)
			}
			if !ok {
				run.Warnings = append(run.Warnings, CostWarning{Move: i, Code: "c_last_zero"})
			}
			r.Adj = s.fifoIn(m.ID, m.Qty, r.Cost)
		case MovePurchaseReturn:
			r.Cost = m.Amount
			j := s.layerIndex(m.Link)
			if j >= 0 && s.Layers[j].Qty >= m.Qty {
				l := &s.Layers[j]
				l.Qty -= m.Qty
				l.Amount -= m.Amount
				r.Taken = []Layer{{ID: l.ID, Qty: m.Qty, Amount: m.Amount}}
				if l.Qty == 0 {
					r.Adj = l.Amount
					s.Layers = append(s.Layers[:j], s.Layers[j+1:]...)
				}
			} else {
				released, taken, ok := s.fifoOut(m.Qty)
				if !ok {
					run.Warnings = append(run.Warnings, CostWarning{Move: i, Code: "c_last_zero"})
				}
				r.Taken = taken
				r.Adj = released - m.Amount
			}
		case MoveOut:
			var ok bool
			r.Cost, r.Taken, ok = s.fifoOut(m.Qty)
			if !ok {
				run.Warnings = append(run.Warnings, CostWarning{Move: i, Code: "c_last_zero"})
			}
			links.delivered(i, m, r.Cost)
		}
		s.sumLayers()
		s.remember()
		r.Qty, r.Amount = s.Qty, s.Amount
		warnRow(&run.Warnings, i, r)
		run.Rows[i] = r
	}
	run.Close = s
	return run
}

func (s *CostState) layerIndex(id string) int {
	for j, l := range s.Layers {
		if l.ID == id && id != "" {
			return j
		}
	}
	return -1
}

func (s *CostState) sumLayers() {
	var q Qty
	var a Money
	for _, l := range s.Layers {
		q += l.Qty
		a += l.Amount
	}
	s.Qty, s.Amount = q, a
}

// negative returns the negative layer, which only ever stands alone.
func (s *CostState) negative() *Layer {
	if len(s.Layers) == 1 && s.Layers[0].Qty < 0 {
		return &s.Layers[0]
	}
	return nil
}

// fifoIn appends a layer, settling a negative layer first (§3.5); it returns adj.
func (s *CostState) fifoIn(id string, q Qty, a Money) Money {
	n := s.negative()
	if n == nil {
		s.Layers = append(s.Layers, Layer{ID: id, Qty: q, Amount: a})
		return 0
	}
	st := CostState{Qty: n.Qty, Amount: n.Amount}
	adj := st.inflow(q, a)
	if st.Qty == 0 {
		s.Layers = nil
	} else if st.Qty > 0 {
		s.Layers = []Layer{{ID: id, Qty: st.Qty, Amount: st.Amount}}
	} else {
		s.Layers = []Layer{{ID: "-", Qty: st.Qty, Amount: st.Amount}}
	}
	return adj
}

// fifoCurrent is the current cost of q on the newest layer with stock (§3.3).
func (s *CostState) fifoCurrent(q Qty) (Money, bool) {
	for j := len(s.Layers) - 1; j >= 0; j-- {
		if l := s.Layers[j]; l.Qty > 0 {
			return Ratio(l.Amount, q, l.Qty), true
		}
	}
	return s.cLast(q)
}

// fifoOut takes q from the oldest layers; what no layer holds becomes (or deepens) the
// negative layer at c_last.
func (s *CostState) fifoOut(q Qty) (Money, []Layer, bool) {
	var cost Money
	var taken []Layer
	left := q
	for left > 0 && len(s.Layers) > 0 && s.Layers[0].Qty > 0 {
		l := &s.Layers[0]
		if l.Qty <= left {
			cost += l.Amount
			taken = append(taken, *l)
			left -= l.Qty
			s.Layers = s.Layers[1:]
			continue
		}
		part := Ratio(l.Amount, left, l.Qty)
		taken = append(taken, Layer{ID: l.ID, Qty: left, Amount: part})
		l.Qty -= left
		l.Amount -= part
		cost += part
		left = 0
	}
	ok := true
	if left > 0 {
		var c Money
		c, ok = s.cLast(left)
		cost += c
		taken = append(taken, Layer{ID: "-", Qty: left, Amount: c})
		if n := s.negative(); n != nil {
			n.Qty -= left
			n.Amount -= c
		} else {
			s.Layers = []Layer{{ID: "-", Qty: -left, Amount: -c}}
		}
	}
	return cost, taken, ok
}
