package ui

import (
	"strconv"
	"strings"

	"shopbooks/ledger"
)

// srcLine is an open line of a source document that 选单 offers.
type srcLine struct {
	Doc  string
	Date ledger.Date
	Line ledger.DocLine
	Open ledger.Qty // what is left to receive, deliver or return
	Pick bool
}

// SourceLines lists the open lines of the partner's audited source documents: orders for
// a receipt or delivery (not closed), receipts or deliveries for a return.
func (v *docVM) SourceLines() ([]srcLine, error) {
	st := sourceTypeOf(v.typ)
	partner := ledger.Normalize(v.head["partner"])
	if st == "" {
		return nil, nil
	}
	if partner == "" {
		err := &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "partner"}}
		v.errs["partner"] = err
		v.notify()
		return nil, err
	}
	ctx, b, u := v.s.ctx, v.s.book, v.s.user
	srcs, err := b.Docs(ctx, u, ledger.DocFilter{Type: st, Partner: partner, Status: ledger.StatusAudited})
	if err != nil {
		return nil, err
	}
	// what the lines already on this document take (the book counts the saved ones)
	taken := map[string]ledger.Qty{}
	for _, l := range v.lines {
		if l.src != "" && v.doc.ID == 0 {
			q, _ := ledger.ParseQty("qty", orZero(l.text["qty"]), false)
			taken[l.src] += q
		}
	}
	var out []srcLine
	for _, h := range srcs {
		if h.OrderClosed {
			continue
		}
		open, err := b.OpenLines(ctx, u, h.Number)
		if err != nil {
			return nil, err
		}
		for _, o := range open {
			if q := o.OpenQty - taken[o.Source]; q > 0 {
				out = append(out, srcLine{Doc: h.Number, Date: h.Date, Line: o.Line, Open: q})
			}
		}
	}
	return out, nil
}

// CopySource copies picked source lines as linked lines with their open quantity, price,
// discount and VAT rate; the header's 源单 is the (first) source document.
func (v *docVM) CopySource(picked []srcLine) {
	if !v.Editable() {
		return
	}
	var added []*docLine
	for _, p := range picked {
		if !p.Pick {
			continue
		}
		l := newLine()
		sl := p.Line
		l.src = p.Doc + "/" + strconv.Itoa(sl.No)
		l.text["item"] = sl.Item
		l.item = v.itemByCode(sl.Item)
		l.text["qty"] = p.Open.String()
		l.text["price"] = sl.Price.String()
		l.text["vat"] = sl.VATRate.String()
		if sl.HasDiscountAmount {
			// an amount (the line's own, or its part of 整单折扣) goes with the quantity
			// copied: the open part of the line takes its share of the amount
			d := sl.DiscountAmount
			if p.Open != sl.Qty && sl.Qty != 0 {
				d = ledger.Ratio(d, p.Open, sl.Qty)
			}
			l.text["disc"] = "=" + d.String()
		} else if sl.DiscountRate != 0 {
			l.text["disc"] = sl.DiscountRate.String() + "%"
		}
		if v.typ == ledger.DocPReturn || v.typ == ledger.DocSReturn {
			a := ledger.LineAmounts{Base: sl.Base, Discount: sl.Discount, Net: sl.Net, VAT: sl.Tax, Gross: sl.Gross}
			l.srcAmt, l.srcQty = &a, sl.Qty
		}
		added = append(added, l)
		if v.head["source"] == "" {
			v.head["source"] = p.Doc
		}
	}
	if len(added) == 0 {
		return
	}
	// the source's price mode goes with its lines
	if src, err := v.s.book.Doc(v.s.ctx, strings.SplitN(added[0].src, "/", 2)[0]); err == nil {
		v.head["inclusive"] = fromBool(src.Inclusive)
		if v.typ == ledger.DocPReturn {
			v.head["deductible"] = fromBool(src.Deductible)
		}
		if v.head["warehouse"] == "" {
			v.head["warehouse"] = src.Warehouse
		}
	}
	var keep []*docLine
	for _, l := range v.lines {
		if !l.blank() {
			keep = append(keep, l)
		}
	}
	v.lines = append(keep, added...)
	v.ensureBlank()
	v.recompute()
	v.info = v.s.t("ui.doc.copied", map[string]any{"n": len(added)})
}
