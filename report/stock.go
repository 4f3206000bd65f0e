package report

import (
	"context"
	"fmt"

	"shopbooks/ledger"
)

// stockColumns are the stock summary's columns: 期初, 本期入库, 本期出库, 期末, each
// quantity and amount.
var stockColumns = []Column{{Key: "opening_qty", Qty: true}, {Key: "opening_amount"}, {Key: "in_qty", Qty: true}, {Key: "in_amount"},
	{Key: "out_qty", Qty: true}, {Key: "out_amount"}, {Key: "closing_qty", Qty: true}, {Key: "closing_amount"}}

// StockSummary is the 库存收发存汇总表 of period (DOMAIN.md §7.4): per item over every
// warehouse, opening, in (receipts − purchase returns + other-in + count gains), out
// (deliveries − sales returns + other-out + count losses + quantity-0 adjustments) and
// closing, quantity and amount; transfers left out. The last line totals the amounts
// (quantities of different units are not added). Amounts are at cost: provisional in an
// open period, and 0 for a user without ledger.PermViewCost. Checks: per item closing =
// opening + in − out; with costs and all of the period's vouchers in (closed or previewed)
// Σ closing = B(1405), Σ in = 1405's period debit, Σ out = its period credit.
// Needs ledger.PermViewDocs.
//
// One query (ledger.Book.StockSummary), the opening from the last close.
func StockSummary(ctx context.Context, b *ledger.Book, by *ledger.User, period ledger.Period) (Statement, error) {
	if !by.Can(ledger.PermViewDocs) {
		return Statement{}, &ledger.Error{Code: ledger.CodeForbidden, Args: map[string]any{"action": string(ledger.PermViewDocs)}}
	}
	var bk *book
	if by.Can(ledger.PermViewLedger) {
		var err error
		if bk, err = open(ctx, b, by, period); err != nil {
			return Statement{}, err
		}
	} else { // a clerk sees stock, not the ledger
		s, err := b.Settings(ctx)
		if err != nil {
			return Statement{}, err
		}
		closed, err := b.PeriodClosed(ctx, period)
		if err != nil {
			return Statement{}, err
		}
		bk = &book{ctx: ctx, b: b, by: by, period: period, settings: s, closed: closed}
	}
	rows, err := b.StockSummary(ctx, by, period)
	if err != nil {
		return Statement{}, err
	}
	st := bk.statement(KindStock, stockColumns...)
	var total [4]ledger.Money
	for _, r := range rows {
		st.Lines = append(st.Lines, Line{No: len(st.Lines) + 1, Code: r.Item, Name: r.Name, NameEN: r.Name,
			Cols: []ledger.Money{0, r.OpenAmount, 0, r.InAmount, 0, r.OutAmount, 0, r.CloseAmount},
			Qtys: []ledger.Qty{r.OpenQty, 0, r.InQty, 0, r.OutQty, 0, r.CloseQty, 0}})
		total[0] += r.OpenAmount
		total[1] += r.InAmount
		total[2] += r.OutAmount
		total[3] += r.CloseAmount
	}
	// Per item, closing = opening + in − out: ledger.StockSummary derives the closing so;
	// the check compares it with the stock kept apart from the movements of the month.
	itemsOK, bad, err := stockClosingsAgree(ctx, b, by, period, rows)
	if err != nil {
		return Statement{}, err
	}
	zh, en := names("report.total")
	st.Lines = append(st.Lines, Line{No: len(st.Lines) + 1, Name: zh, NameEN: en, Bold: true,
		Cols: []ledger.Money{0, total[0], 0, total[1], 0, total[2], 0, total[3]}})
	c := Check{Name: "stock.items", OK: itemsOK, Detail: bad}
	if itemsOK {
		c.Detail = fmt.Sprintf("%d", len(st.Lines)-1)
	}
	st.Checks = append(st.Checks, c)
	if by.Can(ledger.PermViewCost) && by.Can(ledger.PermViewLedger) && bk.reliable() {
		end, err := bk.endBalances("1405")
		if err != nil {
			return Statement{}, err
		}
		mv, err := bk.movements(period, period, false, false)
		if err != nil {
			return Statement{}, err
		}
		var dr, cr ledger.Money
		for acct, m := range mv {
			if under(acct, "1405") {
				dr += m.dr
				cr += m.cr
			}
		}
		st.Checks = append(st.Checks, check("stock.closing_1405", total[3], end.B("1405")),
			check("stock.in_1405", total[1], dr), check("stock.out_1405", total[2], cr))
	}
	return st, nil
}

// stockClosingsAgree checks each item's closing against the stock at the end of the
// period as it is kept apart from the summary. A closed period's is the state its close
// stored per item (ledger.Book.ClosedStock), quantities and amounts. An open period's is
// the stock on hand at its last day (ledger.Book.StockOnHand: quantities summed per
// period and warehouse), quantities only: its stored costs are provisional, and the
// monthly average keeps none per movement. It returns the first disagreement.
func stockClosingsAgree(ctx context.Context, b *ledger.Book, by *ledger.User, period ledger.Period, rows []ledger.StockSummaryRow) (bool, string, error) {
	type qa struct {
		q ledger.Qty
		a ledger.Money
	}
	want := map[string]qa{}
	stored, closed, err := b.ClosedStock(ctx, by, period)
	if err != nil {
		return false, "", err
	}
	for _, s := range stored {
		if s.Qty != 0 || s.Amount != 0 {
			want[s.Item] = qa{s.Qty, s.Amount}
		}
	}
	if !closed {
		on, err := b.StockOnHand(ctx, by, ledger.OnHandFilter{Date: period.LastDay()})
		if err != nil {
			return false, "", err
		}
		for _, o := range on {
			if o.Qty != 0 {
				want[o.Item] = qa{o.Qty, o.Amount}
			}
		}
	}
	for _, r := range rows {
		w := want[r.Item]
		delete(want, r.Item)
		if r.CloseQty != w.q || closed && r.CloseAmount != w.a {
			return false, fmt.Sprintf("%s: %s/%s ≠ %s/%s", r.Item, r.CloseQty, r.CloseAmount, w.q, w.a), nil
		}
	}
	for item, w := range want {
		return false, fmt.Sprintf("%s: 0/0.00 ≠ %s/%s", item, w.q, w.a), nil
	}
	return true, "", nil
}
