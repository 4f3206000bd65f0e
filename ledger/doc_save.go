package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shopbooks/store"
)

// preparedDoc is a document checked and resolved against the book, ready to write.
type preparedDoc struct {
	partnerID, warehouseID, toWarehouseID, sourceID sql.NullInt64
	account                                         sql.NullString
	lines                                           []preparedLine
}

type preparedLine struct {
	itemID, warehouseID, sourceLineID sql.NullInt64
	account                           sql.NullString
	discountAmount, vatOverride       sql.NullInt64
}

// SaveDoc saves a draft document: a new one (ID 0) gets the next number of its type and
// month; an existing one must still be a draft, at the version read (CodeStale), in the
// same month, and be the user's own unless they may edit others' drafts. Line amounts and
// totals are computed here (DOMAIN.md §2), links to orders and returned lines checked, and
// payment parts defaulted (§5.3). Needs PermDraft.
func (b *Book) SaveDoc(ctx context.Context, by *User, d Doc) (Doc, error) {
	var out Doc
	err := b.write(ctx, by, PermDraft, func(tx *store.Tx) error {
		now, err := actingUser(ctx, tx, by)
		if err != nil {
			return err
		}
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		out, err = saveDoc(ctx, tx, s, now, d)
		return err
	})
	return out, err
}

func saveDoc(ctx context.Context, tx *store.Tx, s Settings, by *User, d Doc) (Doc, error) {
	saved, _, err := saveDocImage(ctx, tx, s, by, d, true)
	return saved, err
}

// saveDocImage is saveDoc returning also the saved document's audit image and its
// record (savedImage) for a change that follows in the same transaction. Without reload, the document returned is d as saved — its id, number,
// status, maker and version set, its lines as given — not read again.
func saveDocImage(ctx context.Context, tx *store.Tx, s Settings, by *User, d Doc, reload bool) (Doc, *savedImage, error) {
	fail := func(err error) (Doc, *savedImage, error) { return d, nil, err }
	var cur Doc
	if d.ID != 0 {
		var number string
		if err := tx.QueryRowContext(ctx, "SELECT number FROM docs WHERE id = ?", d.ID).Scan(&number); errors.Is(err, sql.ErrNoRows) {
			return fail(refuse(CodeUnknownDoc, "value", d.Number))
		} else if err != nil {
			return fail(err)
		}
		var err error
		if cur, err = loadDoc(ctx, tx, number); err != nil {
			return fail(err)
		}
		switch {
		case cur.Status != StatusDraft:
			return fail(refuse(CodeDocNotDraft, "number", cur.Number, "status", "status."+string(cur.Status)))
		case d.Version != 0 && d.Version != cur.Version:
			return fail(refuse(CodeStale, "what", "doc", "value", cur.Number))
		case !strings.EqualFold(cur.Maker, by.Name) && !by.Can(PermDraftOthers):
			return fail(forbidden(string(PermDraftOthers)))
		case d.Date.Period() != cur.Date.Period():
			return fail(refuse(CodeDocMonth, "number", cur.Number))
		}
		d.Type, d.Number = cur.Type, cur.Number
	}
	p, err := prepareDoc(ctx, tx, s, &d)
	if err != nil {
		return fail(err)
	}
	if err := ensurePeriod(ctx, tx, by, d.Date.Period()); err != nil {
		return fail(err)
	}
	var id int64
	var before string
	if d.ID == 0 {
		seq, err := nextCounter(ctx, tx, string(d.Type), string(d.Date.Period()))
		if err != nil {
			return fail(err)
		}
		d.Number = docNumber(d.Type, d.Date.Period(), seq)
		res, err := tx.ExecContext(ctx, `INSERT INTO docs(type, number, seq, date, period, partner_id, warehouse_id, to_warehouse_id,
			account, inclusive, deductible, source_id, memo, amount, paid, advance_used, applied, advance, net, vat, gross,
			maker, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.Type, d.Number, seq, d.Date, d.Date.Period(), p.partnerID, p.warehouseID, p.toWarehouseID, p.account,
			d.Inclusive, d.Deductible, p.sourceID, d.Memo, d.Amount, d.Paid, d.AdvanceUsed, d.Applied, d.Advance,
			d.Net, d.Tax, d.Gross, by.Name, tx.Now.Format(time.RFC3339))
		if err != nil {
			return fail(err)
		}
		id, _ = res.LastInsertId()
	} else {
		id = int64(d.ID)
		if before, err = rowImage(ctx, tx, entDoc, id); err != nil {
			return fail(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE docs SET date = ?, partner_id = ?, warehouse_id = ?, to_warehouse_id = ?,
			account = ?, inclusive = ?, deductible = ?, source_id = ?, memo = ?, amount = ?, paid = ?, advance_used = ?,
			applied = ?, advance = ?, net = ?, vat = ?, gross = ?, version = version + 1 WHERE id = ?`,
			d.Date, p.partnerID, p.warehouseID, p.toWarehouseID, p.account, d.Inclusive, d.Deductible, p.sourceID, d.Memo,
			d.Amount, d.Paid, d.AdvanceUsed, d.Applied, d.Advance, d.Net, d.Tax, d.Gross, id); err != nil {
			return fail(err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM doc_lines WHERE doc_id = ?", id); err != nil {
			return fail(err)
		}
	}
	// The lines, a few dozen a statement.
	const cols = 20
	for from := 0; from < len(d.Lines); {
		n := min(len(d.Lines)-from, 40)
		args := make([]any, 0, n*cols)
		for i := from; i < from+n; i++ {
			l, pl := d.Lines[i], p.lines[i]
			args = append(args, id, i+1, pl.itemID, pl.warehouseID, l.Qty, l.Price, l.DiscountRate, pl.discountAmount, l.VATRate,
				pl.vatOverride, l.Base, l.Discount, l.Net, l.Tax, l.Gross, l.InvAmount, pl.sourceLineID, l.Abnormal, pl.account, l.Memo)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO doc_lines(doc_id, line_no, item_id, warehouse_id, qty, price, discount_rate,
			discount_amount, vat_bp, vat_override, base, discount, net, vat, gross, inv_amount, source_line_id, abnormal,
			account, memo) VALUES `+valueRows(n, cols), args...); err != nil {
			return fail(err)
		}
		from += n
	}
	action := "doc.edit"
	if before == "" {
		action = "doc.create"
	}
	// The record of the change, with the image as logChange would read it; kept for the
	// caller's next change (an audit in the same transaction).
	after, version, err := docImageText(ctx, tx, DocID(id))
	if err != nil {
		return fail(err)
	}
	ref, err := appendAuditHint(ctx, tx, AuditRecord{User: by.Name, Action: action, Entity: entDoc.name, EntityID: fmt.Sprint(id),
		Image: true, Before: before, After: after}, imageHint{})
	if err != nil {
		return fail(err)
	}
	saved := &savedImage{ref: ref, version: version}
	if reload {
		d, err = loadDoc(ctx, tx, d.Number)
		return d, saved, err
	}
	d.ID, d.Status, d.Maker, d.Version = DocID(id), StatusDraft, by.Name, version
	if cur.ID != 0 {
		d.Maker = cur.Maker
	}
	return d, saved, nil
}

// savedImage is the record of a document's save in this transaction (its after image
// is the document's image, docImageText) and the version the save gave it.
type savedImage struct {
	ref     imageRef
	version int64
}

// docNumber formats PREFIX-YYYYMM-NNNN; past 9999 the counter widens (DOMAIN.md §4.2).
func docNumber(t DocType, p Period, seq int64) string {
	return fmt.Sprintf("%s-%s-%04d", t, strings.ReplaceAll(string(p), "-", ""), seq)
}

// nextCounter takes the next number of a gap-free sequence.
func nextCounter(ctx context.Context, tx *store.Tx, kind, period string) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO doc_counters(type, period, last) VALUES (?, ?, 1)
		ON CONFLICT (type, period) DO UPDATE SET last = last + 1 RETURNING last`, kind, period).Scan(&n)
	return n, err
}

// ensurePeriod adds the row of a period at or after the first one, so its state can be
// recorded (and closed later).
func ensurePeriod(ctx context.Context, tx *store.Tx, by *User, p Period) error {
	res, err := tx.ExecContext(ctx, "INSERT INTO periods(period) VALUES (?) ON CONFLICT DO NOTHING", p)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return logChange(ctx, tx, by.Name, "period.open", entPeriod, string(p), "")
	}
	return nil
}

// periodOpen refuses a date before the first period or in a closed one.
func periodOpen(ctx context.Context, tx *store.Tx, s Settings, date Date) error {
	if _, err := ParseDate("date", string(date)); err != nil {
		return err
	}
	if date.Period() < s.Start {
		return refuse(CodeDocBeforeStart, "field", "date", "date", string(date), "start", string(s.Start))
	}
	// A period after a closed one that has no row yet is open; one before the latest
	// closed period without a row cannot exist (periods are closed in order).
	var closed, later int
	if err := tx.QueryRowContext(ctx, `SELECT ifnull((SELECT closed FROM periods WHERE period = ?1), 0),
		(SELECT count(*) FROM periods WHERE closed = 1 AND period > ?1)`, date.Period()).Scan(&closed, &later); err != nil {
		return err
	}
	if closed == 1 || later > 0 {
		return refuse(CodePeriodClosed, "period", string(date.Period()))
	}
	return nil
}

// prepareDoc checks a document against DOMAIN.md §4 and computes its amounts (§2).
func prepareDoc(ctx context.Context, tx *store.Tx, s Settings, d *Doc) (preparedDoc, error) {
	var p preparedDoc
	t := d.Type
	if _, err := ParseDocType("type", string(t)); err != nil {
		return p, err
	}
	if err := periodOpen(ctx, tx, s, d.Date); err != nil {
		return p, err
	}
	d.Memo = strings.TrimSpace(d.Memo)
	if len([]rune(d.Memo)) > 200 {
		return p, refuse(CodeTooLong, "field", "memo", "max", 200)
	}
	if s.Taxpayer == TaxpayerSmall {
		d.Deductible = false
	}
	// Partner.
	needPartner := t.Supplier() || t.Customer()
	if d.Partner != "" {
		pt, err := cachedMaster(ctx, func(m *batchMasters) map[string]Partner { return m.partners }, d.Partner,
			func() (Partner, error) { return loadPartner(ctx, tx, d.Partner) })
		if err != nil {
			return p, err
		}
		switch {
		case !pt.Active:
			return p, refuse(CodePartnerInactive, "field", "partner", "value", pt.Code)
		case (t.Supplier() || t == DocExpense) && !pt.Supplier:
			return p, refuse(CodePartnerKind, "field", "partner", "value", pt.Code, "kind", "field.aux_supplier")
		case t.Customer() && !pt.Customer:
			return p, refuse(CodePartnerKind, "field", "partner", "value", pt.Code, "kind", "field.aux_customer")
		case !needPartner && t != DocExpense:
			d.Partner = ""
		default:
			p.partnerID = sql.NullInt64{Int64: int64(pt.ID), Valid: true}
			d.Partner = pt.Code
		}
	} else if needPartner {
		return p, refuse(CodeRequired, "field", "partner")
	}
	// Warehouses.
	if t.Stock() {
		if d.Warehouse == "" {
			return p, refuse(CodeRequired, "field", "warehouse")
		}
		id, err := activeWarehouse(ctx, tx, d.Warehouse, "warehouse")
		if err != nil {
			return p, err
		}
		p.warehouseID = sql.NullInt64{Int64: id, Valid: true}
	}
	if t == DocTransfer {
		if d.ToWarehouse == "" {
			return p, refuse(CodeRequired, "field", "to_warehouse")
		}
		id, err := activeWarehouse(ctx, tx, d.ToWarehouse, "to_warehouse")
		if err != nil {
			return p, err
		}
		if id == p.warehouseID.Int64 {
			return p, refuse(CodeSameWarehouse, "field", "to_warehouse", "value", d.ToWarehouse)
		}
		p.toWarehouseID = sql.NullInt64{Int64: id, Valid: true}
	}
	// The account: settlement K, or the counter-account of other-in/out (by default its
	// role's, DOMAIN.md §1.4).
	switch t {
	case DocOtherIn, DocOtherOut:
		if d.Account == "" {
			roles, err := loadRoles(ctx, tx, s.Taxpayer)
			if err != nil {
				return p, err
			}
			d.Account = roles[map[DocType]AccountRole{DocOtherIn: OtherInCounterRole, DocOtherOut: OtherOutCounterRole}[t]]
		}
		a, err := postableAccount(ctx, tx, d.Account, "account")
		if err != nil {
			return p, err
		}
		p.account = sql.NullString{String: a.Code, Valid: true}
	case DocReceipt, DocPReturn, DocDelivery, DocSReturn, DocCollect, DocPay, DocExpense:
		if d.Account != "" {
			a, err := postableAccount(ctx, tx, d.Account, "account")
			if err != nil {
				return p, err
			}
			if !a.Settlement {
				return p, refuse(CodeNotSettlement, "field", "account", "account", a.Code)
			}
			p.account = sql.NullString{String: a.Code, Valid: true}
		} else if t == DocCollect || t == DocPay {
			return p, refuse(CodeRequired, "field", "account")
		}
	default:
		d.Account = ""
	}
	// The source document.
	if d.Source != "" {
		src, err := loadDoc(ctx, tx, d.Source)
		if err != nil {
			return p, refuse(CodeDocSource, "field", "source", "value", d.Source)
		}
		want := map[DocType]DocType{DocReceipt: DocPO, DocDelivery: DocSO, DocPReturn: DocReceipt, DocSReturn: DocDelivery}[t]
		if want == "" || src.Type != want || src.Status != StatusAudited || src.Partner != d.Partner {
			return p, refuse(CodeDocSource, "field", "source", "value", src.Number)
		}
		p.sourceID = sql.NullInt64{Int64: int64(src.ID), Valid: true}
		d.Source = src.Number
	}
	// Lines.
	if len(d.Lines) == 0 && t != DocCollect && t != DocPay {
		return p, refuse(CodeDocNoLines, "number", d.Number)
	}
	if t == DocCollect || t == DocPay {
		d.Lines = nil
	}
	seen := map[[2]int64]bool{}
	d.Net, d.Tax, d.Gross = 0, 0, 0
	for i := range d.Lines {
		l := &d.Lines[i]
		l.No = i + 1
		pl, err := prepareLine(ctx, tx, s, d, l, p)
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Args["line"] = l.No
			}
			return p, err
		}
		if t == DocCount {
			key := [2]int64{pl.itemID.Int64, pl.warehouseID.Int64}
			if seen[key] {
				return p, refuse(CodeDuplicateLine, "line", l.No, "item", l.Item)
			}
			seen[key] = true
		}
		p.lines = append(p.lines, pl)
		d.Net += l.Net
		d.Tax += l.Tax
		d.Gross += l.Gross
	}
	return p, preparePayment(ctx, tx, d, p)
}

func activeWarehouse(ctx context.Context, tx *store.Tx, code, field string) (int64, error) {
	w, err := cachedMaster(ctx, func(m *batchMasters) map[string]Warehouse { return m.warehouses }, code,
		func() (Warehouse, error) { return loadWarehouse(ctx, tx, code) })
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Args["field"] = field
		}
		return 0, err
	}
	if !w.Active {
		return 0, refuse(CodeWHInactive, "field", field, "value", w.Code)
	}
	return int64(w.ID), nil
}

// postableAccount is an active leaf that manual or document entries may post to (not
// the controlled 1405).
func postableAccount(ctx context.Context, tx *store.Tx, code, field string) (Account, error) {
	a, err := loadAccount(ctx, tx, code)
	switch {
	case err != nil:
		if e, ok := err.(*Error); ok {
			e.Args["field"] = field
		}
		return a, err
	case !a.Leaf:
		return a, refuse(CodeAccountNotLeaf, "field", field, "account", a.Code)
	case !a.Active:
		return a, refuse(CodeAccountInactive, "field", field, "account", a.Code)
	case a.Controlled:
		return a, refuse(CodeOpeningStock, "field", field, "account", a.Code)
	}
	return a, nil
}

// sourceLine resolves "NUMBER/LINE".
func sourceLine(ctx context.Context, tx *store.Tx, ref string) (id int64, doc Doc, line DocLine, err error) {
	num, no, ok := strings.Cut(strings.ToUpper(Normalize(ref)), "/")
	n, convErr := strconv.Atoi(no)
	if !ok || convErr != nil {
		return 0, doc, line, refuse(CodeDocSource, "field", "source_line", "value", ref)
	}
	if doc, err = loadDoc(ctx, tx, num); err != nil {
		return 0, doc, line, refuse(CodeDocSource, "field", "source_line", "value", ref)
	}
	if n < 1 || n > len(doc.Lines) {
		return 0, doc, line, refuse(CodeDocSource, "field", "source_line", "value", ref)
	}
	err = tx.QueryRowContext(ctx, "SELECT id FROM doc_lines WHERE doc_id = ? AND line_no = ?", doc.ID, n).Scan(&id)
	return id, doc, doc.Lines[n-1], err
}

func prepareLine(ctx context.Context, tx *store.Tx, s Settings, d *Doc, l *DocLine, p preparedDoc) (preparedLine, error) {
	var pl preparedLine
	t := d.Type
	if t == DocExpense {
		a, err := postableAccount(ctx, tx, l.Account, "account")
		if err != nil {
			return pl, err
		}
		pl.account = sql.NullString{String: a.Code, Valid: true}
		l.Account = a.Code
		l.Item, l.Qty, l.Price = "", 0, 0
		if l.UseItemVAT {
			l.VATRate = 0
		}
		if s.Taxpayer == TaxpayerSmall {
			l.VATRate = 0
		}
		if l.Net == 0 && l.Gross == 0 {
			return pl, refuse(CodeRequired, "field", "amount")
		}
		l.Tax = RoundHalfAway(l.Net.Decimal().Mul(l.VATRate.Decimal()))
		l.Gross = l.Net + l.Tax
		return pl, nil
	}
	it, err := cachedMaster(ctx, func(m *batchMasters) map[string]Item { return m.items }, l.Item,
		func() (Item, error) { return loadLineItem(ctx, tx, l.Item) })
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Args["field"] = "item"
		}
		return pl, err
	}
	if !it.Active {
		return pl, refuse(CodeItemInactive, "field", "item", "value", it.Code)
	}
	l.Item, l.ItemName, l.Unit = it.Code, it.Name, it.Unit
	pl.itemID = sql.NullInt64{Int64: int64(it.ID), Valid: true}
	pl.warehouseID = p.warehouseID
	if l.Warehouse != "" && t != DocTransfer && t != DocCount && !t.Order() {
		id, err := activeWarehouse(ctx, tx, l.Warehouse, "warehouse")
		if err != nil {
			return pl, err
		}
		pl.warehouseID = sql.NullInt64{Int64: id, Valid: true}
	}
	if t.Order() {
		pl.warehouseID = sql.NullInt64{}
	}
	if t == DocCount {
		if l.Qty < 0 {
			return pl, refuse(CodeNumberNegative, "field", "qty", "value", l.Qty.String())
		}
	} else if l.Qty <= 0 {
		return pl, refuse(CodeQtyNotPositive, "field", "qty", "item", it.Code)
	}
	if l.Price < 0 {
		return pl, refuse(CodeNumberNegative, "field", "price", "value", l.Price.String())
	}
	if l.UseItemVAT {
		l.VATRate = it.VAT
	}
	if s.Taxpayer == TaxpayerSmall && (t == DocSO || t == DocDelivery || t == DocSReturn) {
		l.VATRate = s.LevyRate
	}
	// Links: an order line for a receipt or delivery; the returned line for a return.
	if l.SourceLine != "" {
		id, src, sl, err := sourceLine(ctx, tx, l.SourceLine)
		if err != nil {
			return pl, err
		}
		want := map[DocType]DocType{DocReceipt: DocPO, DocDelivery: DocSO, DocPReturn: DocReceipt, DocSReturn: DocDelivery}[t]
		if want == "" || src.Type != want || src.Status != StatusAudited || src.Partner != d.Partner || sl.Item != it.Code {
			return pl, refuse(CodeDocSource, "field", "source_line", "value", l.SourceLine)
		}
		pl.sourceLineID = sql.NullInt64{Int64: id, Valid: true}
		l.SourceLine = fmt.Sprintf("%s/%d", src.Number, sl.No)
		if t == DocPReturn || t == DocSReturn {
			if src.Date > d.Date {
				return pl, refuse(CodeDocSource, "field", "date", "value", string(d.Date))
			}
			var prevQty Qty
			var prevNet, prevVAT Money
			if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(l.qty), 0), ifnull(sum(l.net), 0), ifnull(sum(l.vat), 0)
				FROM doc_lines l JOIN docs d ON d.id = l.doc_id
				WHERE l.source_line_id = ? AND d.status <> 'voided' AND d.id <> ?`, id, d.ID).Scan(&prevQty, &prevNet, &prevVAT); err != nil {
				return pl, err
			}
			if prevQty+l.Qty > sl.Qty {
				return pl, refuse(CodeReturnTooMuch, "field", "qty", "item", it.Code, "returnable", (sl.Qty - prevQty).String(),
					"requested", l.Qty.String())
			}
			a := ReturnLine(LineAmounts{Base: sl.Base, Discount: sl.Discount, Net: sl.Net, VAT: sl.Tax, Gross: sl.Gross},
				sl.Qty, l.Qty, prevQty, prevNet, prevVAT)
			l.Base, l.Discount, l.Net, l.Tax, l.Gross = a.Net, 0, a.Net, a.VAT, a.Gross
			l.Price, l.DiscountRate, l.HasDiscountAmount, l.HasVATOverride = sl.Price, 0, false, false
			l.VATRate = sl.VATRate
			if t == DocPReturn {
				l.InvAmount = inventoryAmount(s, src.Deductible, a.Net, a.Gross)
				d.Deductible = src.Deductible
			}
			return pl, nil
		}
	}
	switch {
	case t.Priced():
		a, err := ComputeLine(LineInput{Qty: l.Qty, Price: l.Price, Inclusive: d.Inclusive, DiscountRate: l.DiscountRate,
			DiscountAmount: l.DiscountAmount, HasDiscountAmount: l.HasDiscountAmount, VAT: l.VATRate,
			VATOverride: l.VATOverride, HasVATOverride: l.HasVATOverride})
		if err != nil {
			return pl, err
		}
		l.Base, l.Discount, l.Net, l.Tax, l.Gross = a.Base, a.Discount, a.Net, a.VAT, a.Gross
		if l.HasDiscountAmount {
			pl.discountAmount = sql.NullInt64{Int64: int64(l.DiscountAmount), Valid: true}
		}
		if l.HasVATOverride {
			pl.vatOverride = sql.NullInt64{Int64: int64(l.VATOverride), Valid: true}
		}
		if t == DocReceipt || t == DocPReturn {
			l.InvAmount = inventoryAmount(s, d.Deductible, a.Net, a.Gross)
		} else {
			l.InvAmount = 0
		}
	case t == DocOtherIn:
		if l.InvAmount < 0 {
			return pl, refuse(CodeNumberNegative, "field", "amount", "value", l.InvAmount.String())
		}
		l.Price, l.VATRate, l.Base, l.Discount, l.Net, l.Tax, l.Gross = 0, 0, 0, 0, 0, 0, 0
	default: // transfers, counts, other-out: quantities only
		l.Price, l.VATRate, l.Base, l.Discount, l.Net, l.Tax, l.Gross, l.InvAmount = 0, 0, 0, 0, 0, 0, 0, 0
	}
	if t != DocCount {
		l.Abnormal = false
	}
	return pl, nil
}

// inventoryAmount is a receipt line's amount in stock (DOMAIN.md §2.3, §2.4): the net
// when its input VAT is deductible, else the gross.
func inventoryAmount(s Settings, deductible bool, net, gross Money) Money {
	if s.Taxpayer == TaxpayerGeneral && deductible {
		return net
	}
	return gross
}

// preparePayment checks and defaults the payment parts of DOMAIN.md §5.3: S, P, and the
// applied/advance split of a receipt or payment.
func preparePayment(ctx context.Context, tx *store.Tx, d *Doc, p preparedDoc) error {
	switch d.Type {
	case DocCollect, DocPay:
		if d.Amount == 0 {
			return refuse(CodeRequired, "field", "amount")
		}
		if d.Applied == 0 && d.Advance == 0 {
			acct := "1122"
			if d.Type == DocPay {
				acct = "2202"
			}
			bal, err := partnerAccountBalance(ctx, tx, p.partnerID.Int64, acct, d.ID)
			if err != nil {
				return err
			}
			if d.Type == DocPay {
				bal = -bal
			}
			d.Applied = d.Amount
			if d.Amount > 0 {
				d.Applied = min(d.Amount, max(bal, 0))
			}
			d.Advance = d.Amount - d.Applied
		}
		if d.Applied+d.Advance != d.Amount {
			return refuse(CodeSplitMismatch, "field", "applied", "applied", d.Applied.String(), "advance", d.Advance.String(),
				"amount", d.Amount.String())
		}
		d.Paid, d.AdvanceUsed = 0, 0
		return nil
	case DocReceipt, DocPReturn, DocDelivery, DocSReturn, DocExpense:
	default:
		d.Paid, d.AdvanceUsed, d.Amount, d.Applied, d.Advance = 0, 0, 0, 0, 0
		return nil
	}
	d.Amount, d.Applied, d.Advance = 0, 0, 0
	if d.Account != "" && d.Paid == 0 {
		d.Paid = d.Gross // a settlement account without an amount: paid in full now
	}
	if d.Paid != 0 && d.Account == "" {
		return refuse(CodeRequired, "field", "account")
	}
	if d.Paid < 0 || d.Paid > d.Gross {
		return refuse(CodePaidTooMuch, "field", "paid", "paid", d.Paid.String(), "gross", d.Gross.String())
	}
	if d.Type == DocPReturn || d.Type == DocSReturn || d.Type == DocExpense {
		d.AdvanceUsed = 0
	}
	if d.AdvanceUsed < 0 || d.AdvanceUsed > d.Gross-d.Paid {
		return refuse(CodePaidTooMuch, "field", "advance_used", "paid", (d.Paid + d.AdvanceUsed).String(), "gross", d.Gross.String())
	}
	if d.AdvanceUsed > 0 {
		acct, sign := "2203", Money(-1) // advances received are a credit balance
		if d.Type == DocReceipt {
			acct, sign = "1123", 1
		}
		bal, err := partnerAccountBalance(ctx, tx, p.partnerID.Int64, acct, d.ID)
		if err != nil {
			return err
		}
		if d.AdvanceUsed > sign*bal {
			return refuse(CodeAdvanceTooBig, "field", "advance_used", "value", d.AdvanceUsed.String(), "balance", (sign * bal).String())
		}
	}
	if d.Type == DocExpense && d.Paid < d.Gross && d.Partner == "" {
		return refuse(CodeRequired, "field", "partner")
	}
	return nil
}
