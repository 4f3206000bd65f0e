package report

import (
	"fmt"
	"strings"
	"testing"

	"shopbooks/ledger"
)

// grossRows renders a gross profit statement as "code qty revenue cost profit margin".
func grossRows(st Statement) string {
	var out []string
	for _, l := range st.Lines {
		s := l.Code
		for j, c := range st.Columns {
			switch {
			case c.Qty && l.Qtys == nil:
				s += " -"
			case c.Qty:
				s += " " + l.Qtys[j].String()
			case c.Pct:
				s += " " + FormatPct(l.Cols[j])
			default:
				s += " " + l.Cols[j].String()
			}
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// TestGrossProfitGoldenMonth: DOMAIN.md §8's month by item, customer and category. By item
// from §8.1's lines and §8.2's costs: A sold 150 + 100 − 10 returned = 240 for 4,800.00 +
// 3,040.00 − 320.00 = 7,520.00 at 3,090.00 + 2,054.55 − 206.00 = 4,938.55; B 300 + 200 =
// 500 for 2,336.28 + 1,600.00 = 3,936.28 at 1,554.76 + 1,036.50 = 2,591.26. Gross profit
// 3,926.47, 34.27% of 11,456.28 (UI.md's home: 毛利 3,926.47, 34.3%). Open, the statement
// is provisional; closed, Σ gross profit by item = NC(5001) − ND(5401) of the month's
// profit statement (lines 1 and 2), and the checks hold. A clerk sees it only with the
// view_cost grant.
func TestGrossProfitGoldenMonth(t *testing.T) {
	g := loadGolden(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	const p = ledger.Period("2025-01")
	wantItem := strings.Join([]string{
		"A 240 7520.00 4938.55 2581.45 34.33%",
		"B 500 3936.28 2591.26 1345.02 34.17%",
		" - 11456.28 7529.81 3926.47 34.27%"}, "\n")
	wantCustomer := strings.Join([]string{
		"C1 4480.00 2884.00 1596.00 35.63%",
		"C2 4640.00 3091.05 1548.95 33.38%",
		"WALKIN 2336.28 1554.76 781.52 33.45%",
		" 11456.28 7529.81 3926.47 34.27%"}, "\n")
	wantCategory := strings.Join([]string{
		" 11456.28 7529.81 3926.47 34.27%",
		" 11456.28 7529.81 3926.47 34.27%"}, "\n")
	for _, closed := range []bool{false, true} {
		if closed {
			if _, err := b.ClosePeriod(ctx, u, p, ledger.CloseOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		for by, want := range map[string]string{GrossByItem: wantItem, GrossByCustomer: wantCustomer, GrossByCategory: wantCategory} {
			st, err := GrossProfit(ctx, b, u, "", p, by)
			if err != nil {
				t.Fatal(err)
			}
			if got := grossRows(st); got != want {
				t.Errorf("closed %v, by %s:\n%s\nwant\n%s", closed, by, got, want)
			}
			if st.Provisional == closed || st.Kind != KindGross || st.By != by || st.Span() != "2025-01" {
				t.Errorf("closed %v, by %s: provisional %v, kind %s, by %s, span %s", closed, by, st.Provisional, st.Kind, st.By, st.Span())
			}
			if closed {
				checkOK(t, st)
				if len(st.Checks) != 2 {
					t.Errorf("by %s: checks %+v", by, st.Checks)
				}
			} else if len(st.Checks) != 0 {
				t.Errorf("open month, by %s: checks %+v", by, st.Checks)
			}
		}
	}
	// The identity: Σ gross profit by item = revenue 5001 − cost 5401 of the month.
	st, err := GrossProfit(ctx, b, u, p, p, GrossByItem)
	if err != nil {
		t.Fatal(err)
	}
	var sum ledger.Money
	for _, l := range st.Lines[:len(st.Lines)-1] {
		sum += st.Col(l, "profit")
	}
	pl, err := ProfitStatement(ctx, b, u, p)
	if err != nil {
		t.Fatal(err)
	}
	l1, _ := pl.Line(1)
	l2, _ := pl.Line(2)
	if want := pl.Col(l1, "month") - pl.Col(l2, "month"); sum != want || sum != 392647 {
		t.Errorf("Σ gross profit by item %s, profit statement 5001 − 5401 = %s", sum, want)
	}

	// The drill-down: the lines behind A, and behind the walk-in customer.
	lines, err := GrossLines(ctx, b, u, st, "A")
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, l := range lines {
		docs = append(docs, fmt.Sprintf("%s/%d %s %s %s", l.Doc, l.LineNo, l.Qty, l.Net, l.Cost))
	}
	if got, want := strings.Join(docs, " | "), "XS-202501-0001/1 150 4800.00 3090.00 | XS-202501-0003/1 100 3040.00 2054.55 | XT-202501-0001/1 -10 -320.00 -206.00"; got != want {
		t.Errorf("lines behind A: %s\nwant %s", got, want)
	}
	byCust, err := GrossProfit(ctx, b, u, p, p, GrossByCustomer)
	if err != nil {
		t.Fatal(err)
	}
	if lines, err := GrossLines(ctx, b, u, byCust, "WALKIN"); err != nil || len(lines) != 1 || lines[0].Doc != "XS-202501-0002" {
		t.Errorf("lines behind WALKIN: %+v %v", lines, err)
	}

	// Permissions, checked by the service: a clerk needs the view_cost grant.
	if _, err := b.AddUser(ctx, u, "clerk", ledger.RoleClerk, ""); err != nil {
		t.Fatal(err)
	}
	clerk, err := b.Login(ctx, "clerk", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := GrossProfit(ctx, b, clerk, p, p, GrossByItem); ledger.CodeOf(err) != ledger.CodeForbidden {
		t.Errorf("clerk without view_cost: %v", err)
	}
	if err := b.SetGrants(ctx, u, "clerk", false, true); err != nil {
		t.Fatal(err)
	}
	if clerk, err = b.Login(ctx, "clerk", ""); err != nil {
		t.Fatal(err)
	}
	st, err = GrossProfit(ctx, b, clerk, p, p, GrossByItem)
	if err != nil || grossRows(st) != wantItem || len(st.Checks) != 0 { // no ledger for a clerk: no checks
		t.Errorf("clerk with view_cost: %v\n%s %+v", err, grossRows(st), st.Checks)
	}
}
