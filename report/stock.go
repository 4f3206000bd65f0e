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
// It reads each item's stock ledger (ledger.Book.StockLedger): one query per item, fine for
// a shop's few thousand items but not for "instant on years of data"; a per-item period
// summary in the ledger would make it one query.
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
	items, err := b.Items(ctx, ledger.ItemFilter{Inactive: true})
	if err != nil {
		return Statement{}, err
	}
	st := bk.statement(KindStock, stockColumns...)
	var total [4]ledger.Money
	itemsOK, bad := true, ""
	for _, it := range items {
		rows, err := b.StockLedger(ctx, by, it.Code, period)
		if err != nil {
			return Statement{}, err
		}
		var oq, iq, xq ledger.Qty
		var oa, ia, xa ledger.Money
		oq, oa = rows[0].Qty, rows[0].Amount
		for _, r := range rows[1:] {
			if r.Type == ledger.DocTransfer {
				continue
			}
			iq += r.InQty
			ia += r.InAmount
			xq += r.OutQty
			xa += r.OutAmount + r.Adj
		}
		last := rows[len(rows)-1]
		cq, ca := last.Qty, last.Amount
		if oq == 0 && oa == 0 && iq == 0 && ia == 0 && xq == 0 && xa == 0 && cq == 0 && ca == 0 {
			continue
		}
		if cq != oq+iq-xq || ca != oa+ia-xa {
			if itemsOK {
				bad = fmt.Sprintf("%s: %s/%s ≠ %s/%s", it.Code, cq, ca, oq+iq-xq, oa+ia-xa)
			}
			itemsOK = false
		}
		st.Lines = append(st.Lines, Line{No: len(st.Lines) + 1, Code: it.Code, Name: it.Name, NameEN: it.Name,
			Cols: []ledger.Money{0, oa, 0, ia, 0, xa, 0, ca}, Qtys: []ledger.Qty{oq, 0, iq, 0, xq, 0, cq, 0}})
		total[0] += oa
		total[1] += ia
		total[2] += xa
		total[3] += ca
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
		end, err := bk.endBalances()
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
