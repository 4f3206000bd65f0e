package ledger

import (
	"sort"
)

// Voucher templates (DOMAIN.md §5.3): the lines a document's voucher posts, as a pure
// function of the document, its line costs, the book's settings and its account roles
// (§1.4: the table's 1405, 1122, 22210101, ... are the accounts of those roles). Zero
// lines are omitted; inventory lines are per (side, item), others aggregated per (side,
// account, partner); debit lines come first, then credit lines, each in the order of the
// table, inventory lines by item code.

// docTypeZH are the names vouchers give documents in their summaries.
var docTypeZH = map[DocType]string{
	DocReceipt: "采购入库", DocPReturn: "采购退货", DocDelivery: "销售出库", DocSReturn: "销售退货",
	DocCount: "盘点", DocOtherIn: "其他入库", DocOtherOut: "其他出库", DocCollect: "收款", DocPay: "付款", DocExpense: "费用",
	DocPO: "采购订单", DocSO: "销售订单", DocTransfer: "调拨",
}

// docVoucherOrder is the order of document vouchers within a day (§5.2).
var docVoucherOrder = map[DocType]int{DocReceipt: 1, DocPReturn: 2, DocDelivery: 3, DocSReturn: 4, DocOtherIn: 5,
	DocOtherOut: 6, DocCount: 7, DocCollect: 8, DocPay: 9, DocExpense: 10}

// TemplateDoc is what a template needs of a document beyond the Doc itself.
type TemplateDoc struct {
	Doc
	// Cost is each line's system cost (its movements' amount): other-out, count lines.
	Cost []Money
	// OtherBusiness tells, per item code, that its revenue goes to 5051 (其他业务: the
	// revenue_other role).
	OtherBusiness map[string]bool
	// ItemVAT is each item's default VAT rate, for the input VAT an abnormal loss
	// transfers out (§5.3).
	ItemVAT map[string]Rate
}

// VoucherSummary is the summary of a document's voucher: "采购入库 CG-202501-0001 华南日化批发".
func VoucherSummary(d Doc) string {
	s := docTypeZH[d.Type] + " " + d.Number
	if d.PartnerName != "" {
		s += " " + d.PartnerName
	}
	return s
}

// tline is a line being built: aggregated later.
type tline struct {
	row     int // the template row, for the order
	side    string
	account string
	partner string
	item    string
	amount  Money
}

// DocVoucherLines applies the template of the document's type (DOMAIN.md §5.3), posting
// to the accounts of the book's roles r (a small-scale taxpayer's output VAT role is
// 222101's). Orders and transfers post nothing.
func DocVoucherLines(s Settings, r RoleMap, td TemplateDoc) []VoucherLine {
	d := td.Doc
	gt := s.Taxpayer == TaxpayerGeneral
	inv := r[InventoryRole]
	var ls []tline
	add := func(row int, side, account, partner, item string, amount Money) {
		if amount != 0 {
			ls = append(ls, tline{row, side, account, partner, item, amount})
		}
	}
	sign := Money(1)
	switch d.Type {
	case DocPReturn, DocSReturn:
		sign = -1 // red ink: the template of the receipt or delivery, negated
	}
	G, S, P, T := d.Gross, d.Paid, d.AdvanceUsed, d.Tax
	switch d.Type {
	case DocReceipt, DocPReturn:
		if d.Type == DocPReturn {
			P = 0
		}
		for _, l := range d.Lines {
			add(1, "D", inv, "", l.Item, sign*l.InvAmount)
		}
		if gt && d.Deductible {
			add(2, "D", r[InputVATRole], "", "", sign*T)
		}
		add(3, "C", r[PrepaymentRole], d.Partner, "", P)
		add(4, "C", d.Account, "", "", sign*S)
		add(5, "C", r[PayableRole], d.Partner, "", sign*(G-P-S))
	case DocDelivery, DocSReturn:
		if d.Type == DocSReturn {
			P = 0
		}
		add(1, "D", r[AdvanceReceivedRole], d.Partner, "", P)
		add(2, "D", d.Account, "", "", sign*S)
		add(3, "D", r[ReceivableRole], d.Partner, "", sign*(G-P-S))
		var main, other Money
		for _, l := range d.Lines {
			if td.OtherBusiness[l.Item] {
				other += l.Net
			} else {
				main += l.Net
			}
		}
		add(4, "C", r[RevenueMainRole], "", "", sign*main)
		add(4, "C", r[RevenueOtherRole], "", "", sign*other)
		add(5, "C", r[OutputVATRole], "", "", sign*T)
	case DocCount:
		for i, l := range d.Lines {
			c := td.cost(i)
			diff := l.Qty - l.BookQty
			switch {
			case diff > 0:
				add(1, "D", inv, "", l.Item, c)
				add(1, "C", r[PendingDisposalRole], "", "", c)
			case diff < 0 && l.Abnormal && gt:
				v := RoundHalfAway(c.Decimal().Mul(td.ItemVAT[l.Item].Decimal()))
				add(2, "D", r[PendingDisposalRole], "", "", c+v)
				add(2, "C", inv, "", l.Item, c)
				add(3, "C", r[InputVATOutRole], "", "", v)
			case diff < 0:
				add(2, "D", r[PendingDisposalRole], "", "", c)
				add(2, "C", inv, "", l.Item, c)
			}
		}
	case DocOtherIn:
		for _, l := range d.Lines {
			add(1, "D", inv, "", l.Item, l.InvAmount)
			add(2, "C", d.Account, "", "", l.InvAmount)
		}
	case DocOtherOut:
		for i, l := range d.Lines {
			add(1, "D", d.Account, "", "", td.cost(i))
			add(2, "C", inv, "", l.Item, td.cost(i))
		}
	case DocCollect:
		add(1, "D", d.Account, "", "", d.Amount)
		add(2, "C", r[ReceivableRole], d.Partner, "", d.Applied)
		add(3, "C", r[AdvanceReceivedRole], d.Partner, "", d.Advance)
	case DocPay:
		add(1, "D", r[PayableRole], d.Partner, "", d.Applied)
		add(2, "D", r[PrepaymentRole], d.Partner, "", d.Advance)
		add(3, "C", d.Account, "", "", d.Amount)
	case DocExpense:
		deductible := gt && d.Deductible
		for _, l := range d.Lines {
			amt := l.Gross
			if deductible {
				amt = l.Net
			}
			add(1, "D", l.Account, "", "", amt)
		}
		if deductible {
			add(2, "D", r[InputVATRole], "", "", T)
		}
		add(3, "C", d.Account, "", "", S)
		add(4, "C", r[PayableRole], d.Partner, "", G-S)
	}
	return aggregate(ls, VoucherSummary(d))
}

func (td TemplateDoc) cost(i int) Money {
	if i < len(td.Cost) {
		return td.Cost[i]
	}
	return 0
}

// aggregate sums lines per (side, account, partner, item), keeps debit lines before
// credit lines, each in template-row order (inventory lines, the ones per item, by item
// code), and drops zeros.
func aggregate(ls []tline, summary string) []VoucherLine {
	type key struct{ side, account, partner, item string }
	sums := map[key]*tline{}
	var order []key
	for _, l := range ls {
		k := key{l.side, l.account, l.partner, l.item}
		if t, ok := sums[k]; ok {
			t.amount += l.amount
			continue
		}
		c := l
		sums[k] = &c
		order = append(order, k)
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := sums[order[i]], sums[order[j]]
		if a.side != b.side {
			return a.side == "D"
		}
		if a.row != b.row {
			return a.row < b.row
		}
		if a.item != "" && b.item != "" {
			return a.item < b.item
		}
		return false
	})
	var out []VoucherLine
	for _, k := range order {
		t := sums[k]
		if t.amount == 0 {
			continue
		}
		out = append(out, VoucherLine{Summary: summary, Account: t.account, Partner: t.partner, Item: t.item, Side: t.side, Amount: t.amount})
	}
	return out
}
