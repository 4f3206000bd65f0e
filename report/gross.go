package report

import (
	"context"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"shopbooks/ledger"
)

// KindGross is the sales gross profit (销售毛利) statement.
const KindGross = "gross"

// The ways to break down gross profit.
const (
	GrossByItem     = "item"
	GrossByCategory = "category"
	GrossByCustomer = "customer"
)

// GrossByValues are the breakdowns GrossProfit takes, in menu order.
var GrossByValues = []string{GrossByItem, GrossByCategory, GrossByCustomer}

// GrossProfit is the sales gross profit of the months from..to (from "" = to) by item,
// category or customer: quantity sold net of returns (by item only: units differ
// elsewhere), revenue (金额, tax-exclusive: deliveries − sales returns), cost of sales
// (the costs costing stored on their stock movements, never recomputed; by item and
// category with the quantity-0 adjustments, which by customer have a line of their own,
// as they belong to no sale), gross profit and margin (毛利率 = profit / revenue, in
// hundredths of a percent, rounded half away from zero; 0 without revenue). The line's
// Code is the item, category or customer code ("" for none: items without a category,
// documents without a customer), the last line the total.
//
// An open month makes it Provisional: its costs may still change at the close (under the
// monthly average they are only an estimate until then). With every month closed and the
// ledger visible, checks: Σ revenue = NC(5001)+NC(5051) and Σ cost = ND(5401)+ND(5402)
// over the months, the P&L carry-forward left out. Needs ledger.PermViewCost.
func GrossProfit(ctx context.Context, b *ledger.Book, by *ledger.User, from, to ledger.Period, breakdown string) (Statement, error) {
	if from == "" || from > to {
		from = to
	}
	if breakdown == "" {
		breakdown = GrossByItem
	}
	group := map[string]ledger.SalesGroup{GrossByItem: ledger.SalesByItem, GrossByCategory: ledger.SalesByCategory,
		GrossByCustomer: ledger.SalesByPartner}[breakdown]
	sums, err := b.SalesSums(ctx, by, from, to, group)
	if err != nil {
		return Statement{}, err
	}
	adj, err := b.CostAdjustments(ctx, by, ledger.SalesFilter{From: from, To: to})
	if err != nil {
		return Statement{}, err
	}
	s, err := b.Settings(ctx)
	if err != nil {
		return Statement{}, err
	}
	closed := true
	for p := from; p <= to; p = p.Next() {
		c, err := b.PeriodClosed(ctx, p)
		if err != nil {
			return Statement{}, err
		}
		closed = closed && c
	}
	cols := []Column{{Key: "revenue"}, {Key: "cost"}, {Key: "profit"}, {Key: "margin", Pct: true}}
	if breakdown == GrossByItem {
		cols = append([]Column{{Key: "qty", Qty: true}}, cols...)
	}
	st := Statement{Kind: KindGross, Period: to, From: from, Provisional: !closed, Shop: s.Name, Columns: cols, By: breakdown}

	type agg struct {
		code, name string
		qty        ledger.Qty
		revenue    ledger.Money
		cost       ledger.Money
		hasQty     bool
	}
	groups := map[string]*agg{}
	groupOf := func(code, name string) *agg {
		g := groups[code]
		if g == nil {
			g = &agg{code: code, name: name}
			groups[code] = g
		}
		return g
	}
	for _, l := range sums {
		g := groupOf(l.Code, l.Name)
		g.hasQty = group == ledger.SalesByItem
		g.qty += l.Qty
		g.revenue += l.Net
		g.cost += l.Cost
	}
	var adjTotal ledger.Money
	if breakdown != GrossByCustomer && len(adj) > 0 {
		// The adjustments' items, with their names and categories, even without a sale.
		all, err := b.Items(ctx, ledger.ItemFilter{Inactive: true})
		if err != nil {
			return Statement{}, err
		}
		for _, it := range all {
			a, ok := adj[it.Code]
			if !ok {
				continue
			}
			var g *agg
			if breakdown == GrossByCategory {
				g = groupOf(it.Category, it.CategoryName)
			} else {
				g = groupOf(it.Code, it.Name)
				g.hasQty = true
			}
			g.cost += a
		}
	} else {
		for _, a := range adj {
			adjTotal += a
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { // "" (no category, no customer) last
		if (keys[i] == "") != (keys[j] == "") {
			return keys[j] == ""
		}
		return keys[i] < keys[j]
	})
	var total agg
	row := func(code, name, nameEN string, g agg, bold bool) Line {
		profit := g.revenue - g.cost
		l := Line{No: len(st.Lines) + 1, Code: code, Name: name, NameEN: nameEN, Bold: bold}
		money := []ledger.Money{g.revenue, g.cost, profit, Margin(profit, g.revenue)}
		if breakdown == GrossByItem {
			l.Cols = append([]ledger.Money{0}, money...)
			if g.hasQty {
				l.Qtys = make([]ledger.Qty, len(cols))
				l.Qtys[0] = g.qty
			}
		} else {
			l.Cols = money
		}
		return l
	}
	for _, k := range keys {
		g := groups[k]
		name, nameEN := g.name, g.name
		if k == "" {
			key := "report.gross.no_category"
			if breakdown == GrossByCustomer {
				key = "report.gross.no_customer"
			}
			name, nameEN = names(key)
		}
		st.Lines = append(st.Lines, row(k, name, nameEN, *g, false))
		total.revenue += g.revenue
		total.cost += g.cost
	}
	if adjTotal != 0 {
		zh, en := names("report.gross.adjustments")
		st.Lines = append(st.Lines, row("", zh, en, agg{cost: adjTotal}, false))
		total.cost += adjTotal
	}
	zh, en := names("report.total")
	st.Lines = append(st.Lines, row("", zh, en, total, true))

	if closed && by.Can(ledger.PermViewLedger) {
		ms, err := b.PeriodMovements(ctx, by, from, to, false, "5001", "5051", "5401", "5402")
		if err != nil {
			return Statement{}, err
		}
		var revenue, cost ledger.Money
		for _, m := range ms {
			net := (m.Debit - m.PLDebit) - (m.Credit - m.PLCredit)
			if m.Account[:2] == "50" {
				revenue -= net
			} else {
				cost += net
			}
		}
		st.Checks = append(st.Checks, check("gross.revenue", total.revenue, revenue), check("gross.cost", total.cost, cost))
	}
	return st, nil
}

// GrossColumns are the catalog keys of the first two columns of a gross profit statement
// by breakdown: the code and the name of an item, category or customer.
func GrossColumns(breakdown string) (code, name string) {
	switch breakdown {
	case GrossByCategory:
		return "report.col.category", "report.col.category_name"
	case GrossByCustomer:
		return "report.col.customer", "report.col.customer_name"
	}
	return "report.col.item", "report.col.item_name"
}

// Margin is profit / revenue in hundredths of a percent (3427 = 34.27%), rounded half
// away from zero; 0 when there is no revenue.
func Margin(profit, revenue ledger.Money) ledger.Money {
	if revenue == 0 {
		return 0
	}
	r := decimal.NewFromInt(int64(profit)).Mul(decimal.NewFromInt(10000)).DivRound(decimal.NewFromInt(int64(revenue)), 0)
	return ledger.Money(r.IntPart())
}

// FormatPct is a margin of Margin as text: "34.27%".
func FormatPct(m ledger.Money) string { return fmt.Sprintf("%s%%", m.String()) }

// GrossLines are the sales lines behind a line of a gross profit statement (its code in
// the statement's breakdown; "" for no category or no customer): the drill-down from a
// figure to its documents. Needs ledger.PermViewCost.
func GrossLines(ctx context.Context, b *ledger.Book, by *ledger.User, st Statement, code string) ([]ledger.SalesLine, error) {
	f := ledger.SalesFilter{From: st.From, To: st.Period}
	if f.From == "" {
		f.From = f.To
	}
	if code == "" {
		code = "-"
	}
	switch st.By {
	case GrossByCategory:
		f.Category = code
	case GrossByCustomer:
		f.Partner = code
	default:
		f.Item = code
	}
	return b.SalesLines(ctx, by, f)
}
