package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"shopbooks/ledger"
)

// The ‹ › of the home and statement screens load the month before and after: they used
// to move the select after the model's period, so its change looked like no change and
// nothing was loaded.
func TestPeriodBarSteps(t *testing.T) {
	test.NewTempApp(t)
	periods := []ledger.PeriodState{{Period: "2025-01", Closed: true}, {Period: "2025-02", Closed: true}, {Period: "2025-03"}}
	var picked []ledger.Period
	sel, prev, next := periodBar(periods, "2025-02", func(p ledger.Period) { picked = append(picked, p) })
	test.Tap(prev)
	test.Tap(prev) // at the first month: nothing
	test.Tap(next)
	test.Tap(next)
	test.Tap(next)             // at the last: nothing
	sel.SetSelected("2025-03") // the month shown: no load
	sel.SetSelected("2025-01")
	want := []ledger.Period{"2025-01", "2025-02", "2025-03", "2025-01"}
	if !slices.Equal(picked, want) {
		t.Errorf("loaded %v, want %v", picked, want)
	}
	if sel.Selected != "2025-01" {
		t.Errorf("the select shows %s", sel.Selected)
	}
	// a month the book has no period for yet is listed; stepping from it does nothing
	picked = nil
	sel, prev, _ = periodBar(periods, "2025-04", func(p ledger.Period) { picked = append(picked, p) })
	test.Tap(prev)
	if len(picked) != 0 || !slices.Contains(sel.Options, "2025-04") {
		t.Errorf("from a month without a period: loaded %v, options %v", picked, sel.Options)
	}
}

// The statement screen loads the month chosen in its bar.
func TestStatementBarLoadsTheMonth(t *testing.T) {
	path := januaryBook(t, true)
	s := newWindow(t, path, "", "", "balance_sheet", "zh-CN")
	v := stmtOf(t, s, "balance_sheet")
	v.periodSel.SetSelected("2025-01")
	if v.m.period != "2025-01" || v.m.st.Period != "2025-01" {
		t.Errorf("after choosing 2025-01: period %s, statement of %s", v.m.period, v.m.st.Period)
	}
}
