package cli

import (
	"sort"

	"shopbooks/ledger"
)

// The stock commands: on-hand by item and warehouse at any date, an item's stock ledger
// (库存明细账), the reorder list and a count sheet. Amounts are at cost, provisional in
// open periods, and shown only to users who may see costs.

// allDates is the date that takes every audited movement.
const allDates = ledger.Date("9999-12-31")

func stockCommands() []command {
	return []command{
		{name: "onhand", usage: "stock onhand [--item I] [--warehouse W] [--date YYYY-MM-DD] [--below] [--all]   (--all: items with nothing on hand too)",
			flags: "item= warehouse= date= below all", book: true, run: stockOnHand},
		{name: "ledger", usage: "stock ledger ITEM [--period YYYY-MM]", flags: "period=", minArgs: 1, maxArgs: 1, book: true, run: stockLedger},
		{name: "reorder", usage: "stock reorder   (items below their reorder level)", book: true, run: stockReorder},
		{name: "countsheet", usage: "stock countsheet --warehouse W [--date YYYY-MM-DD]", flags: "warehouse= date=", required: "warehouse",
			book: true, run: stockCountSheet},
	}
}

// cost is a value only users who may see costs see.
func (c *call) cost(v any) any {
	if c.user.Can(ledger.PermViewCost) {
		return v
	}
	return null{}
}

func stockOnHand(c *call) error {
	f := ledger.OnHandFilter{Item: c.str("item"), Warehouse: c.str("warehouse"), Below: c.on("below"), Zero: c.on("all")}
	if err := setFrom(c, "date", dateParser("date"), &f.Date); err != nil {
		return err
	}
	stock, err := c.book.StockOnHand(c.ctx, c.user, f)
	if err != nil {
		return err
	}
	cols := []col{{key: "item"}, {key: "name"}, {key: "unit"}, {key: "qty"}, {key: "amount"}, {key: "unit_cost"},
		{key: "reorder", wide: true}}
	// JSON: the quantities per warehouse as one object; table and CSV: a column each.
	var whs []string
	if c.format == "json" {
		cols = append(cols, col{key: "warehouses"})
	} else {
		seen := map[string]bool{}
		for _, o := range stock {
			for w := range o.ByWarehouse {
				if !seen[w] {
					seen[w] = true
					whs = append(whs, w)
				}
			}
		}
		sort.Strings(whs)
		if len(whs) > 1 || f.Warehouse == "" && len(whs) > 0 {
			for _, w := range whs {
				cols = append(cols, col{key: w})
			}
		} else {
			whs = nil
		}
	}
	rows := make([][]any, len(stock))
	for i, o := range stock {
		r := []any{o.Item, o.Name, o.Unit, o.Qty, c.cost(o.Amount), c.cost(o.UnitCost), o.Reorder}
		if c.format == "json" {
			byWH := make(map[string]string, len(o.ByWarehouse))
			for w, q := range o.ByWarehouse {
				byWH[w] = q.String()
			}
			r = append(r, byWH)
		}
		for _, w := range whs {
			q, ok := o.ByWarehouse[w]
			if ok {
				r = append(r, q)
			} else {
				r = append(r, null{})
			}
		}
		rows[i] = r
	}
	return c.list(cols, rows)
}

func stockLedger(c *call) error {
	var period ledger.Period
	if c.has("period") {
		var err error
		if period, err = ledger.ParsePeriod("period", c.str("period")); err != nil {
			return err
		}
	}
	led, err := c.book.StockLedger(c.ctx, c.user, c.args[0], period)
	if err != nil {
		return err
	}
	table := c.format == "table"
	// In the table a movement shows only its own side; JSON and CSV carry every column.
	q := func(v ledger.Qty) any {
		if table && v == 0 {
			return null{}
		}
		return v
	}
	m := func(v ledger.Money, side ledger.Qty) any {
		if table && v == 0 && side == 0 {
			return null{}
		}
		return c.cost(v)
	}
	rows := make([][]any, len(led))
	for i, r := range led {
		var date, number any = string(r.Date), r.Number
		typ := any(typeChoice(r.Type))
		if r.Number == "" {
			typ, number = choice{key: "cli.stock.opening", code: "opening"}, null{}
			if r.Date == "" {
				date = null{}
			}
		}
		adj := any(r.Adj)
		if table && r.Adj == 0 {
			adj = null{}
		} else {
			adj = c.cost(adj)
		}
		var unit any = null{}
		if r.Qty > 0 {
			unit = c.cost(r.UnitCost)
		}
		rows[i] = []any{date, number, typ, r.Warehouse, q(r.InQty), m(r.InAmount, r.InQty), q(r.OutQty), m(r.OutAmount, r.OutQty),
			adj, r.Qty, c.cost(r.Amount), unit}
	}
	return c.list([]col{{key: "date"}, {key: "number"}, {key: "type"}, {key: "warehouse"}, {key: "in_qty"}, {key: "in_amount"},
		{key: "out_qty"}, {key: "out_amount"}, {key: "adj"}, {key: "qty"}, {key: "amount"}, {key: "unit_cost"}}, rows)
}

func stockReorder(c *call) error {
	stock, err := c.book.StockOnHand(c.ctx, c.user, ledger.OnHandFilter{Below: true})
	if err != nil {
		return err
	}
	rows := make([][]any, len(stock))
	for i, o := range stock {
		rows[i] = []any{o.Item, o.Name, o.Unit, o.Qty, o.Reorder, o.Reorder - o.Qty}
	}
	return c.list([]col{{key: "item"}, {key: "name"}, {key: "unit"}, {key: "qty"}, {key: "reorder"}, {key: "short"}}, rows)
}

func stockCountSheet(c *call) error {
	date := allDates
	if err := setFrom(c, "date", dateParser("date"), &date); err != nil {
		return err
	}
	sheet, err := c.book.CountSheet(c.ctx, c.user, c.str("warehouse"), date)
	if err != nil {
		return err
	}
	rows := make([][]any, len(sheet))
	for i, l := range sheet {
		rows[i] = []any{l.Item, l.Name, l.Unit, l.BookQty, null{}}
	}
	return c.list([]col{{key: "item"}, {key: "name"}, {key: "unit"}, {key: "book_qty"}, {key: "counted"}}, rows)
}
