package ledger

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"shopbooks/store"
)

// DocType is a document type, named by its number prefix (DOMAIN.md §4.1).
type DocType string

// The document types.
const (
	DocPO        DocType = "CD" // 采购订单 purchase order
	DocReceipt   DocType = "CG" // 采购入库单 purchase receipt
	DocPReturn   DocType = "CT" // 采购退货单 purchase return
	DocSO        DocType = "XD" // 销售订单 sales order
	DocDelivery  DocType = "XS" // 销售出库单 sales delivery
	DocSReturn   DocType = "XT" // 销售退货单 sales return
	DocTransfer  DocType = "DB" // 调拨单 transfer
	DocCount     DocType = "PD" // 盘点单 stock count
	DocOtherIn   DocType = "QR" // 其他入库单 other-in
	DocOtherOut  DocType = "QC" // 其他出库单 other-out
	DocCollect   DocType = "SK" // 收款单 customer receipt
	DocPay       DocType = "FK" // 付款单 supplier payment
	DocExpense   DocType = "FY" // 费用单 expense
	docTypeCount         = 13
)

// DocTypes lists the types in DOMAIN.md's order; CLI names are the keys of docTypeNames.
var DocTypes = []DocType{DocPO, DocReceipt, DocPReturn, DocSO, DocDelivery, DocSReturn, DocTransfer, DocCount,
	DocOtherIn, DocOtherOut, DocCollect, DocPay, DocExpense}

var docTypeNames = map[string]DocType{
	"po": DocPO, "receipt": DocReceipt, "preturn": DocPReturn, "so": DocSO, "delivery": DocDelivery,
	"sreturn": DocSReturn, "transfer": DocTransfer, "count": DocCount, "in": DocOtherIn, "out": DocOtherOut,
	"collect": DocCollect, "pay": DocPay, "expense": DocExpense,
}

// Name is the type's command-line name ("receipt").
func (t DocType) Name() string {
	for n, x := range docTypeNames {
		if x == t {
			return n
		}
	}
	return string(t)
}

// ParseDocType reads a type by its command-line name ("delivery") or prefix ("XS").
func ParseDocType(field, s string) (DocType, error) {
	n := strings.ToLower(Normalize(s))
	if t, ok := docTypeNames[n]; ok {
		return t, nil
	}
	for _, t := range DocTypes {
		if strings.EqualFold(n, string(t)) {
			return t, nil
		}
	}
	return "", refuse(CodeBadChoice, "field", field, "value", s,
		"choices", "po, receipt, preturn, so, delivery, sreturn, transfer, count, in, out, collect, pay, expense")
}

// Supplier tells whether the type's partner is a supplier (else a customer, or none).
func (t DocType) Supplier() bool {
	return t == DocPO || t == DocReceipt || t == DocPReturn || t == DocPay
}

// Customer tells whether the type's partner is a customer.
func (t DocType) Customer() bool {
	return t == DocSO || t == DocDelivery || t == DocSReturn || t == DocCollect
}

// Order tells whether the type is an order (no stock or ledger effect).
func (t DocType) Order() bool { return t == DocPO || t == DocSO }

// Stock tells whether an audited document of this type moves stock.
func (t DocType) Stock() bool {
	switch t {
	case DocReceipt, DocPReturn, DocDelivery, DocSReturn, DocTransfer, DocCount, DocOtherIn, DocOtherOut:
		return true
	}
	return false
}

// Priced tells whether lines carry prices and VAT (DOMAIN.md §2.1).
func (t DocType) Priced() bool {
	switch t {
	case DocPO, DocReceipt, DocPReturn, DocSO, DocDelivery, DocSReturn:
		return true
	}
	return false
}

// DocStatus is where a document is in its life cycle (DOMAIN.md §4.3).
type DocStatus string

// The statuses.
const (
	StatusDraft   DocStatus = "draft"   // 草稿
	StatusAudited DocStatus = "audited" // 已审核
	StatusVoided  DocStatus = "voided"  // 已作废
)

// DocID identifies a document row.
type DocID int64

// Doc is a document (单据) with its lines. Money fields are fen; the amounts of lines
// and the totals are computed by the service from what the user entered.
type Doc struct {
	ID          DocID
	Type        DocType
	Number      string // PREFIX-YYYYMM-NNNN, given at the first save
	Date        Date
	Status      DocStatus
	OrderClosed bool   // an order closed by the user (已关闭)
	Partner     string // partner code
	PartnerName string
	Warehouse   string // warehouse code; DB: the warehouse goods leave
	ToWarehouse string // DB: the warehouse goods arrive in
	// Account is the settlement account K (a leaf under 1001/1002/1012) for a payment made
	// or received now; for QR/QC the counter-account (defaults 530199/560199).
	Account     string
	Inclusive   bool // prices include VAT (含税价)
	Deductible  bool // 专用发票: input VAT deductible (general taxpayers; CG, CT, FY)
	Source      string
	Memo        string
	Amount      Money // SK/FK: the amount received or paid (negative: a refund)
	Paid        Money // S: paid or received now through Account
	AdvanceUsed Money // P: 冲预收/冲预付, out of the partner's advance balance
	Applied     Money // SK/FK: the part that settles receivables/payables
	Advance     Money // SK/FK: the part kept as an advance (预收/预付)
	Net         Money // N = Σ line net (金额)
	Tax         Money // T = Σ line VAT (税额)
	Gross       Money // G = N + T (价税合计)
	Maker       string
	MadeAt      time.Time
	Auditor     string
	AuditedAt   time.Time
	AuditSeq    int64
	Version     int64
	Lines       []DocLine
}

// DocLine is a line of a document.
type DocLine struct {
	No        int
	Item      string // item code or barcode as typed; the item's code once saved
	ItemName  string
	Unit      string
	Warehouse string // "" for the document's
	Qty       Qty    // PD: the counted quantity
	Price     Price  // per the document's Inclusive
	// Discount: DiscountAmount when HasDiscountAmount, else DiscountRate (bp of base).
	DiscountRate      Rate
	DiscountAmount    Money
	HasDiscountAmount bool
	VATRate           Rate // "use the item's" when UseItemVAT
	UseItemVAT        bool
	VATOverride       Money
	HasVATOverride    bool
	Base, Discount    Money
	Net, Tax, Gross   Money
	InvAmount         Money // the inventory amount: receipts, purchase returns, other-in (§2.3)
	// SourceLine links a line to its order line or its returned line: "DOC-NUMBER/LINE".
	SourceLine string
	BookQty    Qty  // PD: the book quantity computed at audit
	HasBookQty bool //
	Abnormal   bool // PD: a loss is 非正常损失
	Account    string
	Memo       string
	Cost       Money // read only: the system cost of the line's movements (provisional in open periods)
}

const docCols = `d.id, d.type, d.number, d.date, d.status, d.order_closed, ifnull(p.code, ''), ifnull(p.name, ''),
	ifnull(w.code, ''), ifnull(w2.code, ''), ifnull(d.account, ''), d.inclusive, d.deductible, ifnull(s.number, ''), d.memo,
	d.amount, d.paid, d.advance_used, d.applied, d.advance, d.net, d.vat, d.gross, d.maker, d.made_at,
	ifnull(d.auditor, ''), ifnull(d.audited_at, ''), ifnull(d.audit_seq, 0), d.version`

const docFrom = ` FROM docs d LEFT JOIN partners p ON p.id = d.partner_id LEFT JOIN warehouses w ON w.id = d.warehouse_id
	LEFT JOIN warehouses w2 ON w2.id = d.to_warehouse_id LEFT JOIN docs s ON s.id = d.source_id`

func scanDoc(row interface{ Scan(...any) error }) (Doc, error) {
	var d Doc
	var made, audited string
	err := row.Scan(&d.ID, &d.Type, &d.Number, &d.Date, &d.Status, &d.OrderClosed, &d.Partner, &d.PartnerName,
		&d.Warehouse, &d.ToWarehouse, &d.Account, &d.Inclusive, &d.Deductible, &d.Source, &d.Memo,
		&d.Amount, &d.Paid, &d.AdvanceUsed, &d.Applied, &d.Advance, &d.Net, &d.Tax, &d.Gross, &d.Maker, &made,
		&d.Auditor, &audited, &d.AuditSeq, &d.Version)
	d.MadeAt, _ = time.Parse(time.RFC3339, made)
	d.AuditedAt, _ = time.Parse(time.RFC3339, audited)
	return d, err
}

// loadDoc reads a document with its lines by number.
func loadDoc(ctx context.Context, tx *store.Tx, number string) (Doc, error) {
	d, err := scanDoc(tx.QueryRowContext(ctx, "SELECT "+docCols+docFrom+" WHERE d.number = ?", strings.ToUpper(Normalize(number))))
	if errors.Is(err, sql.ErrNoRows) {
		return d, refuse(CodeUnknownDoc, "value", number)
	}
	if err != nil {
		return d, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT l.line_no, ifnull(i.code, ''), ifnull(i.name, ''), ifnull(i.unit, ''),
		ifnull(w.code, ''), l.qty, l.price, l.discount_rate, ifnull(l.discount_amount, 0), l.discount_amount IS NOT NULL,
		l.vat_bp, ifnull(l.vat_override, 0), l.vat_override IS NOT NULL, l.base, l.discount, l.net, l.vat, l.gross,
		l.inv_amount, ifnull(sd.number || '/' || sl.line_no, ''), ifnull(l.book_qty, 0), l.book_qty IS NOT NULL,
		l.abnormal, ifnull(l.account, ''), l.memo,
		ifnull((SELECT -sum(m.amount) FROM stock_moves m WHERE m.line_id = l.id AND m.kind <> 0), 0)
		FROM doc_lines l LEFT JOIN items i ON i.id = l.item_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
		LEFT JOIN doc_lines sl ON sl.id = l.source_line_id LEFT JOIN docs sd ON sd.id = sl.doc_id
		WHERE l.doc_id = ? ORDER BY l.line_no`, d.ID)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var l DocLine
		if err := rows.Scan(&l.No, &l.Item, &l.ItemName, &l.Unit, &l.Warehouse, &l.Qty, &l.Price, &l.DiscountRate,
			&l.DiscountAmount, &l.HasDiscountAmount, &l.VATRate, &l.VATOverride, &l.HasVATOverride, &l.Base, &l.Discount,
			&l.Net, &l.Tax, &l.Gross, &l.InvAmount, &l.SourceLine, &l.BookQty, &l.HasBookQty, &l.Abnormal, &l.Account,
			&l.Memo, &l.Cost); err != nil {
			return d, err
		}
		if l.Cost < 0 {
			l.Cost = -l.Cost // an inflow's movement amount is positive
		}
		d.Lines = append(d.Lines, l)
	}
	return d, rows.Err()
}

// Doc returns a document with its lines.
func (b *Book) Doc(ctx context.Context, number string) (Doc, error) {
	var d Doc
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		d, err = loadDoc(ctx, tx, number)
		return err
	})
	return d, fromStore(err)
}

// DocFilter selects documents for lists.
type DocFilter struct {
	Type     DocType // "" for all
	Period   Period  // "" for all
	From, To Date    // inclusive; "" for open-ended
	Partner  string
	Status   DocStatus
	Text     string // any part of the number or memo
	Limit    int
}

// Docs lists documents (headers only, no lines) by date and number.
func (b *Book) Docs(ctx context.Context, by *User, f DocFilter) ([]Doc, error) {
	if !by.Can(PermViewDocs) {
		return nil, forbidden(string(PermViewDocs))
	}
	q := "SELECT " + docCols + docFrom + " WHERE 1"
	var args []any
	add := func(cond string, v any) {
		q += " AND " + cond
		args = append(args, v)
	}
	if f.Type != "" {
		add("d.type = ?", f.Type)
	}
	if f.Period != "" {
		add("d.period = ?", f.Period)
	}
	if f.From != "" {
		add("d.date >= ?", f.From)
	}
	if f.To != "" {
		add("d.date <= ?", f.To)
	}
	if f.Partner != "" {
		add("p.code = ?", Normalize(f.Partner))
	}
	if f.Status != "" {
		add("d.status = ?", f.Status)
	}
	if t := Normalize(f.Text); t != "" {
		q += ` AND (d.number LIKE ? ESCAPE '\' OR d.memo LIKE ? ESCAPE '\')`
		args = append(args, likePattern(t), likePattern(t))
	}
	q += " ORDER BY d.date, d.type, d.seq"
	if f.Limit > 0 {
		q += " LIMIT " + itoa(f.Limit)
	}
	var out []Doc
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDoc(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// OpenLine is a line of a source document with what is still open of it: an order line
// not yet received or delivered, a receipt or delivery line not yet returned.
type OpenLine struct {
	Source    string // "NUMBER/LINE", for DocLine.SourceLine
	Line      DocLine
	Done      Qty   // received/delivered against the order, or returned
	DoneNet   Money // what the returns so far took of the line's net and VAT (ReturnLine's prev)
	DoneVAT   Money
	OpenQty   Qty // Line.Qty − Done (never below zero)
	Warehouse string
}

// OpenLines lists the lines of an audited order, receipt or delivery with their open
// quantities: what "create from" (选单) copies. Orders count the non-voided receipts or
// deliveries linked to them; receipts and deliveries their non-voided returns.
func (b *Book) OpenLines(ctx context.Context, by *User, number string) ([]OpenLine, error) {
	if !by.Can(PermViewDocs) {
		return nil, forbidden(string(PermViewDocs))
	}
	var out []OpenLine
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		d, err := loadDoc(ctx, tx, number)
		if err != nil {
			return err
		}
		switch d.Type {
		case DocPO, DocSO, DocReceipt, DocDelivery:
		default:
			return refuse(CodeDocSource, "field", "source", "value", d.Number)
		}
		if d.Status != StatusAudited {
			return refuse(CodeDocNotAudited, "number", d.Number)
		}
		rows, err := tx.QueryContext(ctx, `SELECT s.line_no, ifnull(sum(l.qty), 0), ifnull(sum(l.net), 0), ifnull(sum(l.vat), 0)
			FROM doc_lines s LEFT JOIN (SELECT l.* FROM doc_lines l JOIN docs x ON x.id = l.doc_id WHERE x.status <> 'voided') l
			ON l.source_line_id = s.id WHERE s.doc_id = ? GROUP BY s.id ORDER BY s.line_no`, d.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var no int
			var done Qty
			var net, vat Money
			if err := rows.Scan(&no, &done, &net, &vat); err != nil {
				return err
			}
			l := d.Lines[no-1]
			wh := l.Warehouse
			if wh == "" {
				wh = d.Warehouse
			}
			ol := OpenLine{Source: d.Number + "/" + itoa(no), Line: l, Done: done, OpenQty: max(l.Qty-done, 0), Warehouse: wh}
			if d.Type == DocReceipt || d.Type == DocDelivery {
				ol.DoneNet, ol.DoneVAT = net, vat
			}
			out = append(out, ol)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}
