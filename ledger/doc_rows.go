package ledger

import (
	"context"
	"database/sql"

	"shopbooks/store"
)

// DocRow is one line of a document with its header, as the documents export lists a
// range of months; a document without lines (a receipt or a payment) is one row with
// LineNo 0 and its amount as Gross.
type DocRow struct {
	Date        Date
	Number      string
	Type        DocType
	Status      DocStatus
	Partner     string // code
	PartnerName string
	Warehouse   string // the line's warehouse, else the document's (code)
	Inclusive   bool   // prices include VAT
	LineNo      int
	Item        string // code; "" on an expense line or a row without lines
	ItemName    string
	Unit        string
	Account     string // an expense line's account, or the document's settlement account
	Qty         Qty
	Price       Price
	Net, VAT    Money
	Gross       Money
	Memo        string // the line's, else the document's
	Maker       string
	Auditor     string
}

// DocRows hands fn every line of the documents of the periods from–to, in date and
// number order, one read transaction; fn's error stops it. Drafts and voided documents
// are listed with their status. Needs PermViewDocs.
func (b *Book) DocRows(ctx context.Context, by *User, from, to Period, fn func(DocRow) error) error {
	if err := b.require(by, PermViewDocs); err != nil {
		return err
	}
	return fromStore(b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT d.date, d.number, d.type, d.status, ifnull(p.code, ''), ifnull(p.name, ''),
				ifnull(w.code, ''), d.inclusive, ifnull(l.line_no, 0), ifnull(i.code, ''), ifnull(i.name, ''), ifnull(i.unit, ''),
				ifnull(l.account, ifnull(d.account, '')), ifnull(l.qty, 0), ifnull(l.price, 0), ifnull(l.net, 0), ifnull(l.vat, 0),
				CASE WHEN l.id IS NULL THEN d.amount ELSE l.gross END, CASE WHEN ifnull(l.memo, '') <> '' THEN l.memo ELSE d.memo END,
				d.maker, ifnull(d.auditor, '')
			FROM docs d LEFT JOIN doc_lines l ON l.doc_id = d.id
			LEFT JOIN partners p ON p.id = d.partner_id
			LEFT JOIN warehouses w ON w.id = ifnull(l.warehouse_id, d.warehouse_id)
			LEFT JOIN items i ON i.id = l.item_id
			WHERE d.period BETWEEN ?1 AND ?2
			ORDER BY d.date, d.number, l.line_no`, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r DocRow
			var lineNo sql.NullInt64
			if err := rows.Scan(&r.Date, &r.Number, &r.Type, &r.Status, &r.Partner, &r.PartnerName, &r.Warehouse, &r.Inclusive,
				&lineNo, &r.Item, &r.ItemName, &r.Unit, &r.Account, &r.Qty, &r.Price, &r.Net, &r.VAT, &r.Gross, &r.Memo,
				&r.Maker, &r.Auditor); err != nil {
				return err
			}
			r.LineNo = int(lineNo.Int64)
			if err := fn(r); err != nil {
				return err
			}
		}
		return rows.Err()
	}))
}
