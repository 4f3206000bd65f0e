package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"shopbooks/store"
)

// AuditDoc audits a draft (审核): it checks the document again, applies its stock
// movements, refuses negative stock where the book forbids it (and always for a
// purchase return), costs the items it touches, and records the audit — one
// transaction. Needs PermAuditDoc; with separation of duties nobody audits their own.
func (b *Book) AuditDoc(ctx context.Context, by *User, number string) error {
	if err := b.require(by, PermAuditDoc); err != nil {
		return err
	}
	return fromStore(b.db.Write(ctx, func(tx *store.Tx) error {
		now, err := actingUser(ctx, tx, by)
		if err != nil {
			return err
		}
		if !now.Can(PermAuditDoc) {
			return forbidden(string(PermAuditDoc))
		}
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		return auditDoc(ctx, tx, s, now, number)
	}))
}

func auditDoc(ctx context.Context, tx *store.Tx, s Settings, by *User, number string) error {
	d, err := loadDoc(ctx, tx, number)
	if err != nil {
		return err
	}
	return auditLoaded(ctx, tx, s, by, d, nil)
}

// auditLoaded audits d, as loadDoc read it in this transaction, or as saveDocImage
// saved it in this transaction with its image (saved; nil for a document saved before).
func auditLoaded(ctx context.Context, tx *store.Tx, s Settings, by *User, d Doc, saved *savedImage) error {
	if d.Status != StatusDraft {
		return refuse(CodeDocNotDraft, "number", d.Number, "status", "status."+string(d.Status))
	}
	if s.Separation && strings.EqualFold(d.Maker, by.Name) {
		return refuse(CodeDocSeparation, "number", d.Number)
	}
	var before string
	var prev *imageRef // the record of the save, when it is in this transaction
	var version int64
	if saved != nil {
		// Saved in this transaction: its save checked it against the book as it is.
		before, prev, version = saved.ref.img, &saved.ref, saved.version
	} else {
		if err := recheck(ctx, tx, s, d); err != nil {
			return err
		}
		var err error
		if before, version, err = docImageText(ctx, tx, d.ID); err != nil {
			return err
		}
	}
	seq, err := nextCounter(ctx, tx, "*", "*")
	if err != nil {
		return err
	}
	book := map[int]Qty{}
	if d.Type == DocCount {
		for _, l := range d.Lines {
			q, err := onHandAt(ctx, tx, l.Item, d.Warehouse, d.Date)
			if err != nil {
				return err
			}
			book[l.No] = q
			if _, err := tx.ExecContext(ctx, "UPDATE doc_lines SET book_qty = ? WHERE doc_id = ? AND line_no = ?", q, d.ID, l.No); err != nil {
				return err
			}
		}
	}
	moves, err := docMoves(ctx, tx, d, book)
	if err != nil {
		return err
	}
	items := map[int64]bool{}
	checked := map[[2]int64]bool{}
	var pairs [][2]int64
	for _, m := range moves {
		items[m.itemID] = true
		if m.qty < 0 && (!s.AllowNegative || m.kind == MovePurchaseReturn) && !checked[[2]int64{m.itemID, m.whID}] {
			checked[[2]int64{m.itemID, m.whID}] = true
			pairs = append(pairs, [2]int64{m.itemID, m.whID})
		}
	}
	// Costed before they are written where the moving average allows (costAppended),
	// the other items' open periods costed again once they are.
	first, err := firstOpenPeriod(ctx, tx, s)
	if err != nil {
		return err
	}
	rest, err := costAppended(ctx, tx, s, first, d, moves, items)
	if err != nil {
		return err
	}
	if err := insertMoves(ctx, tx, d, seq, moves); err != nil {
		return err
	}
	if err := checkNegativeAudit(ctx, tx, pairs, d.Date, d.ID); err != nil {
		return err
	}
	if err := recostFrom(ctx, tx, s, first, rest); err != nil {
		return err
	}
	auditedAt := tx.Now.Format(time.RFC3339)
	if _, err := tx.ExecContext(ctx, `UPDATE docs SET status = 'audited', auditor = ?, audited_at = ?, audit_seq = ?,
		version = version + 1 WHERE id = ?`, by.Name, auditedAt, seq, d.ID); err != nil {
		return err
	}
	if d.Type == DocCount { // its lines changed too (book_qty): read it again
		return logChange(ctx, tx, by.Name, "doc.audit", entDoc, int64(d.ID), before)
	}
	// The after image is the before image with what the UPDATE above changed, as
	// rowImage would read it (TestAuditImageAsRead): recorded as that change.
	delta, err := canonJSON(map[string]any{"set": map[string]any{"status": "audited", "auditor": by.Name,
		"audited_at": auditedAt, "audit_seq": seq, "version": version + 1}})
	if err != nil {
		return err
	}
	_, err = appendAuditHint(ctx, tx, AuditRecord{User: by.Name, Action: "doc.audit", Entity: entDoc.name, EntityID: fmt.Sprint(int64(d.ID)),
		Image: true, Before: before}, imageHint{prev: prev, delta: string(delta)})
	return err
}

// UnauditDoc returns an audited document to draft (反审核), keeping its number: its
// movements go, the items are costed again. Refused in a closed period and when another
// document depends on it (DOMAIN.md §4.3, CodeDocDependents). Needs PermUnauditDoc.
func (b *Book) UnauditDoc(ctx context.Context, by *User, number string) error {
	return b.write(ctx, by, PermUnauditDoc, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		d, err := loadDoc(ctx, tx, number)
		if err != nil {
			return err
		}
		if d.Status != StatusAudited {
			return refuse(CodeDocNotAudited, "number", d.Number)
		}
		if err := periodOpen(ctx, tx, s, d.Date); err != nil {
			return err
		}
		if deps, err := dependents(ctx, tx, d); err != nil {
			return err
		} else if len(deps) > 0 {
			return refuse(CodeDocDependents, "number", d.Number, "dependents", strings.Join(deps, ", "))
		}
		before, err := rowImage(ctx, tx, entDoc, int64(d.ID))
		if err != nil {
			return err
		}
		moves, err := removeMoves(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		items := map[int64]bool{}
		checked := map[[2]int64]bool{}
		for _, m := range moves {
			items[m.itemID] = true
			key := [2]int64{m.itemID, m.whID}
			if m.qty > 0 && !s.AllowNegative && !checked[key] {
				checked[key] = true
				if err := checkNegative(ctx, tx, m.itemID, m.whID, d.Date); err != nil {
					return err
				}
			}
		}
		if err := recost(ctx, tx, s, items); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE docs SET status = 'draft', auditor = NULL, audited_at = NULL, audit_seq = NULL,
			version = version + 1 WHERE id = ?`, d.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE doc_lines SET book_qty = NULL WHERE doc_id = ?", d.ID); err != nil {
			return err
		}
		return logChange(ctx, tx, by.Name, "doc.unaudit", entDoc, int64(d.ID), before)
	})
}

// dependents lists the documents that keep d from being un-audited (DOMAIN.md §4.3).
func dependents(ctx context.Context, tx *store.Tx, d Doc) ([]string, error) {
	var q string
	var args []any
	switch d.Type {
	case DocPO, DocSO:
		q = `SELECT number FROM docs WHERE status <> 'voided' AND (source_id = ?1 OR id IN (SELECT l.doc_id FROM doc_lines l
			JOIN doc_lines o ON o.id = l.source_line_id WHERE o.doc_id = ?1)) ORDER BY number`
		args = []any{d.ID}
	case DocReceipt, DocDelivery:
		q = `SELECT DISTINCT r.number FROM docs r JOIN doc_lines l ON l.doc_id = r.id JOIN doc_lines s ON s.id = l.source_line_id
			WHERE s.doc_id = ?1 AND r.status <> 'voided' AND r.id <> ?1 AND r.type IN ('CT', 'XT') ORDER BY r.number`
		args = []any{d.ID}
	case DocCollect, DocPay:
		if d.Advance <= 0 {
			return nil, nil
		}
		t := DocDelivery
		if d.Type == DocPay {
			t = DocReceipt
		}
		q = `SELECT number FROM docs WHERE status = 'audited' AND type = ?2 AND advance_used > 0 AND date >= ?3
			AND partner_id = (SELECT partner_id FROM docs WHERE id = ?1) ORDER BY number`
		args = []any{d.ID, t, d.Date}
	default:
		return nil, nil
	}
	return column[string](ctx, tx, q, args...)
}

// DeleteDoc deletes a draft that holds the highest number of its sequence, so the number
// is given again and no gap remains; any other draft is voided instead
// (CodeDocNotLast). Own drafts with PermDraft, others' with PermDraftOthers.
func (b *Book) DeleteDoc(ctx context.Context, by *User, number string) error {
	return b.write(ctx, by, PermDraft, func(tx *store.Tx) error {
		d, last, err := ownDraft(ctx, tx, by, number)
		if err != nil {
			return err
		}
		var seq int64
		if err := tx.QueryRowContext(ctx, "SELECT seq FROM docs WHERE id = ?", d.ID).Scan(&seq); err != nil {
			return err
		}
		if seq != last {
			return refuse(CodeDocNotLast, "number", d.Number, "last", docNumber(d.Type, d.Date.Period(), last))
		}
		before, err := rowImage(ctx, tx, entDoc, int64(d.ID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM doc_lines WHERE doc_id = ?", d.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM docs WHERE id = ?", d.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE doc_counters SET last = last - 1 WHERE type = ? AND period = ?", d.Type, d.Date.Period()); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditRecord{User: by.Name, Action: "doc.delete", Entity: entDoc.name,
			EntityID: itoa(int(d.ID)), Image: true, Before: before})
	})
}

// VoidDoc voids a draft (作废): it keeps its number and has no effect, for good. Own
// drafts with PermDraft, others' with PermDraftOthers.
func (b *Book) VoidDoc(ctx context.Context, by *User, number string) error {
	return b.write(ctx, by, PermDraft, func(tx *store.Tx) error {
		d, _, err := ownDraft(ctx, tx, by, number)
		if err != nil {
			return err
		}
		before, err := rowImage(ctx, tx, entDoc, int64(d.ID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE docs SET status = 'voided', version = version + 1 WHERE id = ?", d.ID); err != nil {
			return err
		}
		return logChange(ctx, tx, by.Name, "doc.void", entDoc, int64(d.ID), before)
	})
}

// ownDraft loads a draft the user may change, in an open period, with its sequence's
// highest number.
func ownDraft(ctx context.Context, tx *store.Tx, by *User, number string) (Doc, int64, error) {
	now, err := actingUser(ctx, tx, by)
	if err != nil {
		return Doc{}, 0, err
	}
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return Doc{}, 0, err
	}
	d, err := loadDoc(ctx, tx, number)
	if err != nil {
		return d, 0, err
	}
	if d.Status != StatusDraft {
		return d, 0, refuse(CodeDocNotDraft, "number", d.Number, "status", "status."+string(d.Status))
	}
	if !strings.EqualFold(d.Maker, now.Name) && !now.Can(PermDraftOthers) {
		return d, 0, forbidden(string(PermDraftOthers))
	}
	if err := periodOpen(ctx, tx, s, d.Date); err != nil {
		return d, 0, err
	}
	var last int64
	err = tx.QueryRowContext(ctx, "SELECT last FROM doc_counters WHERE type = ? AND period = ?", d.Type, d.Date.Period()).Scan(&last)
	if err == sql.ErrNoRows {
		err = nil
	}
	return d, last, err
}

// SetOrderClosed closes an audited order (已关闭: the rest is not expected) or reopens
// it, while its period is open. Needs PermAuditDoc.
func (b *Book) SetOrderClosed(ctx context.Context, by *User, number string, closed bool) error {
	return b.write(ctx, by, PermAuditDoc, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		d, err := loadDoc(ctx, tx, number)
		if err != nil {
			return err
		}
		if !d.Type.Order() {
			return refuse(CodeDocNotOrder, "number", d.Number)
		}
		if d.Status != StatusAudited {
			return refuse(CodeDocNotAudited, "number", d.Number)
		}
		if err := periodOpen(ctx, tx, s, d.Date); err != nil {
			return err
		}
		before, err := rowImage(ctx, tx, entDoc, int64(d.ID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE docs SET order_closed = ?, version = version + 1 WHERE id = ?", closed, d.ID); err != nil {
			return err
		}
		return logChange(ctx, tx, by.Name, "doc.order_closed", entDoc, int64(d.ID), before)
	})
}

// SaveAndAuditDoc saves a document and audits it in the same transaction: the CLI's
// `doc new ... --audit`. Nothing is written when the audit is refused.
func (b *Book) SaveAndAuditDoc(ctx context.Context, by *User, d Doc) (Doc, error) {
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
		out, err = saveAndAudit(ctx, tx, s, now, d)
		return err
	})
	return out, err
}

func saveAndAudit(ctx context.Context, tx *store.Tx, s Settings, by *User, d Doc) (Doc, error) {
	return saveAndAuditAs(ctx, tx, s, by, d, false)
}

// saveAndAuditAs is saveAndAudit returning, when brief, the document as saved and
// audited without reading it again: its number, type, status, maker, auditor, version,
// header and totals are the book's, its lines as given (amounts computed) without
// their cost, names or sources.
func saveAndAuditAs(ctx context.Context, tx *store.Tx, s Settings, by *User, d Doc, brief bool) (Doc, error) {
	if !by.Can(PermAuditDoc) {
		return d, forbidden(string(PermAuditDoc))
	}
	// A stock count's audit reads its lines as saved (their numbers, items and
	// warehouse); any other needs what the save knows.
	saved, img, err := saveDocImage(ctx, tx, s, by, d, d.Type == DocCount)
	if err != nil {
		return d, err
	}
	if err := auditLoaded(ctx, tx, s, by, saved, img); err != nil {
		return d, err
	}
	if brief {
		saved.Status, saved.Auditor, saved.AuditedAt, saved.Version = StatusAudited, by.Name, tx.Now, saved.Version+1
		return saved, nil
	}
	return loadDoc(ctx, tx, saved.Number)
}

// recheck repeats, at audit, the checks of the save that may have changed since: the
// period, and whether the items, warehouses and partner are still active. Documents
// whose amounts depend on other documents (returns, payments, advances used) go
// through the whole of prepareDoc again.
func recheck(ctx context.Context, tx *store.Tx, s Settings, d Doc) error {
	if d.Type == DocPReturn || d.Type == DocSReturn || d.Type == DocCollect || d.Type == DocPay || d.AdvanceUsed != 0 {
		check := d
		_, err := prepareDoc(ctx, tx, s, &check)
		return err
	}
	if err := periodOpen(ctx, tx, s, d.Date); err != nil {
		return err
	}
	// The first inactive item (by line), warehouse or partner, in one query.
	var kind, line int
	var code string
	err := tx.QueryRowContext(ctx, `SELECT kind, code, line FROM (
		SELECT 1 AS kind, i.code AS code, l.line_no AS line FROM doc_lines l JOIN items i ON i.id = l.item_id
			WHERE l.doc_id = ?1 AND i.active = 0
		UNION ALL SELECT 2, w.code, 0 FROM warehouses w WHERE w.active = 0 AND w.id IN (
			SELECT warehouse_id FROM docs WHERE id = ?1 UNION SELECT to_warehouse_id FROM docs WHERE id = ?1
			UNION SELECT warehouse_id FROM doc_lines WHERE doc_id = ?1)
		UNION ALL SELECT 3, p.code, 0 FROM partners p JOIN docs d ON d.partner_id = p.id WHERE d.id = ?1 AND p.active = 0)
		ORDER BY kind, line LIMIT 1`, d.ID).Scan(&kind, &code, &line)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case kind == 1:
		return refuse(CodeItemInactive, "field", "item", "value", code, "line", line)
	case kind == 2:
		return refuse(CodeWHInactive, "field", "warehouse", "value", code)
	}
	return refuse(CodePartnerInactive, "field", "partner", "value", code)
}

// CountWarnings lists, for a stock document, the audited stock counts of the same item
// and warehouse dated on or after it (DOMAIN.md §4.1: auditing it warns; the difference
// the count recorded is not recomputed): "ITEM@WAREHOUSE PD-…-NNNN DATE". Empty for other
// documents. Needs PermViewDocs.
func (b *Book) CountWarnings(ctx context.Context, by *User, number string) ([]string, error) {
	if !by.Can(PermViewDocs) {
		return nil, forbidden(string(PermViewDocs))
	}
	var out []string
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = countWarnings(ctx, tx, number)
		return err
	})
	return out, fromStore(err)
}

func countWarnings(ctx context.Context, tx *store.Tx, number string) ([]string, error) {
	var id DocID
	var t DocType
	var counts bool // an audited count dated on or after it: the usual answer is no
	err := tx.QueryRowContext(ctx, `SELECT d.id, d.type, EXISTS (SELECT 1 FROM docs c WHERE c.type = 'PD' AND c.period >= d.period
		AND c.date >= d.date AND c.status = 'audited') FROM docs d WHERE d.number = ?`, strings.ToUpper(Normalize(number))).Scan(&id, &t, &counts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, refuse(CodeUnknownDoc, "value", number)
	}
	if err != nil || !t.Stock() || t == DocCount || !counts {
		return nil, err
	}
	return column[string](ctx, tx, `SELECT DISTINCT i.code || '@' || w.code || ' ' || c.number || ' ' || c.date
		FROM doc_lines l JOIN docs d ON d.id = l.doc_id
		JOIN doc_lines cl ON cl.item_id = l.item_id AND cl.warehouse_id = ifnull(l.warehouse_id, d.warehouse_id)
		JOIN docs c ON c.id = cl.doc_id AND c.type = 'PD' AND c.status = 'audited' AND c.date >= d.date
		JOIN items i ON i.id = l.item_id JOIN warehouses w ON w.id = cl.warehouse_id
		WHERE l.doc_id = ? ORDER BY 1`, id)
}
