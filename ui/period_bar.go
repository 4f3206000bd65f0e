package ui

import (
	"slices"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// periodBar is the ‹ [month] › of the screens shown per month (home, statements): the
// book's periods in a select, with buttons for the month before and after. Choosing a
// month either way calls pick with it, once; current is the month shown first (listed
// even when the book has no such period yet).
func periodBar(periods []ledger.PeriodState, current ledger.Period, pick func(ledger.Period)) (sel *widget.Select, prev, next *widget.Button) {
	var opts []string
	for _, p := range periods {
		opts = append(opts, string(p.Period))
	}
	if !slices.Contains(opts, string(current)) {
		opts = append(opts, string(current))
	}
	shown := current
	sel = widget.NewSelect(opts, nil)
	sel.SetSelected(string(current))
	sel.OnChanged = func(p string) {
		if ledger.Period(p) != shown {
			shown = ledger.Period(p)
			pick(shown)
		}
	}
	// step selects the book's period d months from the one shown; nothing at either end
	// or when the one shown is not among them.
	step := func(d int) {
		i := slices.IndexFunc(periods, func(p ledger.PeriodState) bool { return p.Period == shown })
		if j := i + d; i >= 0 && j >= 0 && j < len(periods) {
			sel.SetSelected(string(periods[j].Period))
		}
	}
	prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { step(-1) })
	next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { step(1) })
	return sel, prev, next
}
