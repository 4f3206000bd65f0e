package ledger

import (
	"context"

	"shopbooks/store"
)

// Sales gross profit (销售毛利): the audited deliveries and sales returns of a range of
// months, each line with its tax-exclusive amount and the cost stored on its stock
// movement by costing (DOMAIN.md §3: never recomputed here). In an open month those
// costs are provisional; under the monthly average they are only an estimate until the
// close.

// SalesLine is one line of an audited delivery (XS) or sales return (XT). Qty, Net and
// Cost are signed as the gross profit counts them: a return negative.
type SalesLine struct {
	Doc                    string // document number
	Type                   DocType
	Date                   Date
	LineNo                 int
	Item, ItemName, Unit   string
	Category, CategoryName string // "" when the item has none
	Partner, PartnerName   string // "" when the document has none
	Qty                    Qty
	Net                    Money // 金额, tax-exclusive: the revenue (5001, or 5051 for 其他业务 items)
	VAT                    Money
	Cost                   Money // the cost on the line's stock movement (to 5401/5402)
	OtherBusiness          bool
}

// SalesFilter narrows SalesLines; empty fields match everything. Category "-" matches
// items without a category, Partner "-" documents without a partner.
type SalesFilter struct {
	From, To Period
	Item     string
	Category string
	Partner  string
}

// SalesLines returns the delivery and sales-return lines of f's months, by date,
// document and line. Needs PermViewCost (DOMAIN.md §9: gross profit is a cost figure).
func (b *Book) SalesLines(ctx context.Context, by *User, f SalesFilter) ([]SalesLine, error) {
	if !by.Can(PermViewCost) {
		return nil, forbidden(string(PermViewCost))
	}
	var out []SalesLine
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT d.number, d.type, d.date, l.line_no, i.code, i.name, i.unit,
				ifnull(c.code, ''), ifnull(c.name, ''), ifnull(p.code, ''), ifnull(p.name, ''),
				l.qty, l.net, l.vat, ifnull((SELECT -sum(m.amount) FROM stock_moves m WHERE m.line_id = l.id), 0), i.other_business
			FROM docs d JOIN doc_lines l ON l.doc_id = d.id JOIN items i ON i.id = l.item_id
			LEFT JOIN categories c ON c.id = i.category_id LEFT JOIN partners p ON p.id = d.partner_id
			WHERE d.period BETWEEN ?1 AND ?2 AND d.type IN ('XS', 'XT') AND d.status = 'audited'
				AND (?3 = '' OR i.code = ?3)
				AND (?4 = '' OR ifnull(c.code, '-') = ?4)
				AND (?5 = '' OR ifnull(p.code, '-') = ?5)
			ORDER BY d.date, d.number, l.line_no`, f.From, f.To, f.Item, f.Category, f.Partner)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s SalesLine
			if err := rows.Scan(&s.Doc, &s.Type, &s.Date, &s.LineNo, &s.Item, &s.ItemName, &s.Unit, &s.Category, &s.CategoryName,
				&s.Partner, &s.PartnerName, &s.Qty, &s.Net, &s.VAT, &s.Cost, &s.OtherBusiness); err != nil {
				return err
			}
			if s.Type == DocSReturn { // the movement's cost is already signed (in: −)
				s.Qty, s.Net, s.VAT = -s.Qty, -s.Net, -s.VAT
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// CostAdjustments are the quantity-0 adjustments (adj, DOMAIN.md §3.1) of f's months per
// item code: posted to 5401 (5402) with the cost of sales, on no sales line. Needs
// PermViewCost.
func (b *Book) CostAdjustments(ctx context.Context, by *User, f SalesFilter) (map[string]Money, error) {
	if !by.Can(PermViewCost) {
		return nil, forbidden(string(PermViewCost))
	}
	out := map[string]Money{}
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT i.code, sum(m.adj) FROM stock_moves m JOIN items i ON i.id = m.item_id
			LEFT JOIN categories c ON c.id = i.category_id
			WHERE m.period BETWEEN ?1 AND ?2 AND m.kind <> 0 AND m.adj <> 0
				AND (?3 = '' OR i.code = ?3) AND (?4 = '' OR ifnull(c.code, '-') = ?4)
			GROUP BY i.code`, f.From, f.To, f.Item, f.Category)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var m Money
			if err := rows.Scan(&code, &m); err != nil {
				return err
			}
			out[code] = m
		}
		return rows.Err()
	})
	return out, fromStore(err)
}
