package ledger

import (
	"context"
	"fmt"

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

// SalesGroup is what SalesSums adds up by.
type SalesGroup int

// The groups of SalesSums.
const (
	SalesByItem SalesGroup = iota
	SalesByCategory
	SalesByPartner
)

// SalesSum is SalesLines added up for one item, category or partner (the document's):
// Code and Name are "" for items without a category. Qty is the item's, net of returns,
// by item only (0 by category or partner: units differ).
type SalesSum struct {
	Code, Name string
	Qty        Qty
	Net        Money
	Cost       Money
}

// salesGroups are, per SalesGroup, the key a line l of a document d is added up by
// (with the join it needs), and the code and name of a key, from the table g joined on it.
var salesGroups = map[SalesGroup]struct{ key, from, code, name, join string }{
	SalesByItem:     {"l.item_id", "", "g.code", "g.name", "JOIN items g ON g.id = s.k"},
	SalesByCategory: {"i.category_id", " JOIN items i ON i.id = l.item_id", "ifnull(g.code, '')", "ifnull(g.name, '')", "LEFT JOIN categories g ON g.id = s.k"},
	SalesByPartner:  {"d.partner_id", "", "ifnull(g.code, '')", "ifnull(g.name, '')", "LEFT JOIN partners g ON g.id = s.k"},
}

// SalesSums are the delivery and sales-return lines of from..to added up by group, in
// SQL: the sums of SalesLines' lines (a return negative; the cost the stored one of the
// line's movements) without reading each line into Go. The revenue is added up from the
// lines, the cost from the documents' movements, each by key, then the two by key.
// Ordered by code. Needs PermViewCost.
func (b *Book) SalesSums(ctx context.Context, by *User, from, to Period, group SalesGroup) ([]SalesSum, error) {
	if !by.Can(PermViewCost) {
		return nil, forbidden(string(PermViewCost))
	}
	g, ok := salesGroups[group]
	if !ok {
		return nil, fmt.Errorf("sales sums: no group %d", group)
	}
	where := g.from + ` WHERE d.period BETWEEN ?1 AND ?2 AND d.type IN ('XS', 'XT') AND d.status = 'audited'
		AND l.item_id IS NOT NULL GROUP BY 1`
	var out []SalesSum
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `WITH s AS (
				SELECT k, sum(q) AS q, sum(n) AS n, sum(c) AS c FROM (
					SELECT `+g.key+` AS k, sum(iif(d.type = 'XT', -l.qty, l.qty)) AS q,
						sum(iif(d.type = 'XT', -l.net, l.net)) AS n, 0 AS c
					FROM docs d JOIN doc_lines l ON l.doc_id = d.id`+where+`
					UNION ALL
					SELECT `+g.key+`, 0, 0, -sum(m.amount)
					FROM docs d JOIN stock_moves m ON m.doc_id = d.id JOIN doc_lines l ON l.id = m.line_id AND l.doc_id = d.id`+where+`)
				GROUP BY k)
			SELECT `+g.code+`, `+g.name+`, s.q, s.n, s.c FROM s `+g.join+` ORDER BY 1`, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s SalesSum
			if err := rows.Scan(&s.Code, &s.Name, &s.Qty, &s.Net, &s.Cost); err != nil {
				return err
			}
			if group != SalesByItem {
				s.Qty = 0
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}
