package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shopbooks/store"
)

// Vouchers (记账凭证, DOMAIN.md §5). Manual vouchers are entered by the accountant and
// audited; the close generates the others, audited, from the documents and the month-end
// steps. A voucher of a closed period never changes: it is corrected by a new voucher in
// an open period.

// VoucherSource is where a voucher comes from.
type VoucherSource string

// The sources.
const (
	SourceManual    VoucherSource = "manual"
	SourceDoc       VoucherSource = "doc"
	SourceSummary   VoucherSource = "summary" // summary mode: one per document type
	SourceCOGS      VoucherSource = "cogs"    // 结转销售成本
	SourceDisposal  VoucherSource = "disposal"
	SourceVAT       VoucherSource = "vat"
	SourceSurcharge VoucherSource = "surcharge"
	SourcePL        VoucherSource = "pl"
	SourceYearEnd   VoucherSource = "yearend"
)

// Voucher is a voucher with its lines.
type Voucher struct {
	ID      int64
	Period  Period
	No      int // 记-0001 is 1
	Date    Date
	Source  VoucherSource
	Doc     string // the document's number for a document voucher
	Summary string
	Audited bool
	PLClose bool // the P&L carry-forward (excluded from the profit statement)
	Maker   string
	Auditor string
	Version int64
	Lines   []VoucherLine
}

// VoucherLine is a line: a leaf account, with the partner or item the account needs, on
// a side, for an amount (negative: red ink).
type VoucherLine struct {
	Summary string
	Account string
	Name    string // the account's name, read only
	Partner string // partner code
	Item    string // item code (1405)
	Side    string // "D" or "C"
	Amount  Money
}

// Number is the voucher's number as people write it: 记-0001.
func (v Voucher) Number() string { return fmt.Sprintf("记-%04d", v.No) }

// Ref is the voucher's reference across periods: 2025-01/记-0001.
func (v Voucher) Ref() string { return string(v.Period) + "/" + v.Number() }

// Debit and Credit are the voucher's totals (algebraic: red ink reduces its side).
func (v Voucher) Debit() Money  { return v.total("D") }
func (v Voucher) Credit() Money { return v.total("C") }

func (v Voucher) total(side string) Money {
	var t Money
	for _, l := range v.Lines {
		if l.Side == side {
			t += l.Amount
		}
	}
	return t
}

// ParseVoucherRef reads "2025-01/记-0001" (also "2025-01/1", "2025-01/0001").
func ParseVoucherRef(s string) (Period, int, error) {
	t := Normalize(s)
	p, no, ok := strings.Cut(t, "/")
	per, err := ParsePeriod("voucher", p)
	if !ok || err != nil {
		return "", 0, refuse(CodeUnknownVoucher, "value", s)
	}
	no = strings.TrimPrefix(strings.TrimPrefix(no, "记"), "-")
	n, err := strconv.Atoi(no)
	if err != nil || n <= 0 {
		return "", 0, refuse(CodeUnknownVoucher, "value", s)
	}
	return per, n, nil
}

func loadVoucher(ctx context.Context, tx *store.Tx, period Period, no int) (Voucher, error) {
	var v Voucher
	var auditor sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT v.id, v.period, v.no, v.date, v.source, ifnull(d.number, ''), v.summary,
		v.status = 'audited', v.is_pl_close, v.maker, v.auditor, v.version
		FROM vouchers v LEFT JOIN docs d ON d.id = v.doc_id WHERE v.period = ? AND v.no = ?`, period, no).
		Scan(&v.ID, &v.Period, &v.No, &v.Date, &v.Source, &v.Doc, &v.Summary, &v.Audited, &v.PLClose, &v.Maker, &auditor, &v.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return v, refuse(CodeUnknownVoucher, "value", fmt.Sprintf("%s/记-%04d", period, no))
	}
	if err != nil {
		return v, err
	}
	v.Auditor = auditor.String
	v.Lines, err = voucherLines(ctx, tx, v.ID)
	return v, err
}

func voucherLines(ctx context.Context, tx *store.Tx, id int64) ([]VoucherLine, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.summary, l.account, a.name, ifnull(p.code, ''), ifnull(i.code, ''), l.side, l.amount
		FROM voucher_lines l JOIN accounts a ON a.code = l.account LEFT JOIN partners p ON p.id = l.partner_id
		LEFT JOIN items i ON i.id = l.item_id WHERE l.voucher_id = ? ORDER BY l.line_no`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VoucherLine
	for rows.Next() {
		var l VoucherLine
		if err := rows.Scan(&l.Summary, &l.Account, &l.Name, &l.Partner, &l.Item, &l.Side, &l.Amount); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Voucher returns a voucher by its reference (2025-01/记-0001). Needs PermViewLedger.
func (b *Book) Voucher(ctx context.Context, by *User, ref string) (Voucher, error) {
	if !by.Can(PermViewLedger) {
		return Voucher{}, forbidden(string(PermViewLedger))
	}
	p, no, err := ParseVoucherRef(ref)
	if err != nil {
		return Voucher{}, err
	}
	var v Voucher
	err = b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		v, err = loadVoucher(ctx, tx, p, no)
		return err
	})
	return v, fromStore(err)
}

// Vouchers lists a period's vouchers with their lines, by number. Needs PermViewLedger.
func (b *Book) Vouchers(ctx context.Context, by *User, period Period) ([]Voucher, error) {
	if !by.Can(PermViewLedger) {
		return nil, forbidden(string(PermViewLedger))
	}
	var out []Voucher
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = periodVouchers(ctx, tx, period)
		return err
	})
	return out, fromStore(err)
}

// checkVoucherLines validates lines against the chart: leaf, active accounts; the
// partner or item an account needs, and only then; amounts not zero; at least two lines
// and debits equal to credits (algebraic, to the fen). manual refuses 1405. chart, when
// not nil, answers the look-ups from what the close read in bulk.
func checkVoucherLines(ctx context.Context, tx *store.Tx, lines []VoucherLine, manual bool, chart *chartCache) ([]preparedVLine, error) {
	if len(lines) < 2 {
		return nil, refuse(CodeVoucherLines)
	}
	var out []preparedVLine
	var dr, cr Money
	for i, l := range lines {
		n := i + 1
		a, err := chart.account(ctx, tx, l.Account)
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Args["line"] = n
			}
			return nil, err
		}
		switch {
		case !a.Leaf:
			return nil, refuse(CodeAccountNotLeaf, "field", "account", "account", a.Code, "line", n)
		case !a.Active:
			return nil, refuse(CodeAccountInactive, "field", "account", "account", a.Code, "line", n)
		case manual && a.Controlled:
			return nil, refuse(CodeVoucherControlled, "field", "account", "account", a.Code, "line", n)
		case l.Amount == 0:
			return nil, refuse(CodeRequired, "field", "amount", "line", n)
		case l.Side != "D" && l.Side != "C":
			return nil, refuse(CodeBadChoice, "field", "side", "value", l.Side, "choices", "D, C", "line", n)
		}
		p := preparedVLine{line: l}
		p.line.Account, p.line.Name = a.Code, a.Name
		switch {
		case a.Aux == "item":
			if l.Item == "" {
				return nil, refuse(CodeAuxRequired, "field", "item", "account", a.Code, "aux", "field.aux_item", "line", n)
			}
			it, err := chart.item(ctx, tx, l.Item)
			if err != nil {
				return nil, err
			}
			p.item, p.line.Item, p.line.Partner = sql.NullInt64{Int64: int64(it.ID), Valid: true}, it.Code, ""
		case a.Aux != "" && l.Partner != "":
			pt, err := chart.partner(ctx, tx, l.Partner)
			if err != nil {
				return nil, err
			}
			if a.Aux == "customer" && !pt.Customer || a.Aux == "supplier" && !pt.Supplier {
				return nil, refuse(CodeAuxWrongKind, "field", "partner", "account", a.Code, "partner", pt.Code, "aux", auxKey(a.Aux), "line", n)
			}
			p.partner, p.line.Partner, p.line.Item = sql.NullInt64{Int64: int64(pt.ID), Valid: true}, pt.Code, ""
		case a.AuxRequired:
			return nil, refuse(CodeAuxRequired, "field", "partner", "account", a.Code, "aux", auxKey(a.Aux), "line", n)
		case l.Partner != "" || l.Item != "":
			return nil, refuse(CodeAuxNotAllowed, "field", "partner", "account", a.Code, "line", n)
		}
		if l.Side == "D" {
			dr += l.Amount
		} else {
			cr += l.Amount
		}
		out = append(out, p)
	}
	if dr != cr {
		return nil, refuse(CodeUnbalanced, "debit", dr.Format(), "credit", cr.Format())
	}
	return out, nil
}

// preparedVLine is a checked line: its account, item and partner as the chart has them
// (code and the account's name), and the ids it is stored with.
type preparedVLine struct {
	line          VoucherLine
	partner, item sql.NullInt64
}

// insertVoucher writes a voucher with the next number of its period (or v.No when set).
func insertVoucher(ctx context.Context, tx *store.Tx, by string, v *Voucher, lines []preparedVLine, docID sql.NullInt64) error {
	if v.No == 0 {
		if err := tx.QueryRowContext(ctx, "SELECT ifnull(max(no), 0) + 1 FROM vouchers WHERE period = ?", v.Period).Scan(&v.No); err != nil {
			return err
		}
	}
	status := "unaudited"
	var auditor, auditedAt sql.NullString
	if v.Audited {
		status = "audited"
		auditor = sql.NullString{String: by, Valid: true}
		auditedAt = sql.NullString{String: tx.Now.Format(time.RFC3339), Valid: true}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO vouchers(period, no, date, source, doc_id, summary, status, is_pl_close, maker,
		made_at, auditor, audited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.Period, v.No, v.Date, v.Source, docID,
		v.Summary, status, v.PLClose, by, tx.Now.Format(time.RFC3339), auditor, auditedAt)
	if err != nil {
		return err
	}
	v.ID, _ = res.LastInsertId()
	return insertVoucherLines(ctx, tx, v, lines)
}

func insertVoucherLines(ctx context.Context, tx *store.Tx, v *Voucher, lines []preparedVLine) error {
	for i, l := range lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO voucher_lines(voucher_id, line_no, period, summary, account, partner_id,
			item_id, side, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, i+1, v.Period, l.line.Summary, l.line.Account,
			l.partner, l.item, l.line.Side, l.line.Amount); err != nil {
			return err
		}
	}
	return nil
}

// voucherImg is a voucher and its lines as the audit trail records them: the JSON of
// voucherImgJSON, written by encode without reflection (the close writes thousands).
type voucherImg struct {
	Period, Date, Source, Status, Summary string
	No                                    int
	Lines                                 []voucherImgLine
}

type voucherImgLine struct {
	account, side, summary    string
	partnerID, itemID, amount int64
}

// voucherImgJSON is the image's JSON shape (json.Marshal sorts the line maps' keys).
type voucherImgJSON struct {
	Period, Date, Source, Status, Summary string
	No                                    int
	Lines                                 []map[string]any `json:"lines"`
}

func newVoucherImgLine(acct string, pid, iid int64, side string, amt int64, summary string) voucherImgLine {
	return voucherImgLine{account: acct, side: side, summary: summary, partnerID: pid, itemID: iid, amount: amt}
}

// encode is jsonString(voucherImgJSON{...}), byte for byte.
func (v voucherImg) encode() string {
	b := v.appendHead(make([]byte, 0, 128+96*len(v.Lines)))
	if v.Lines == nil {
		b = append(b, "null}"...)
		return string(b)
	}
	b = append(b, '[')
	for i, l := range v.Lines {
		if i > 0 {
			b = append(b, ',')
		}
		b = l.appendTo(b)
	}
	b = append(b, "]}"...)
	return string(b)
}

// appendHead appends the image up to its lines' value: `{"Period":…,"lines":`.
func (v voucherImg) appendHead(b []byte) []byte {
	b = append(b, `{"Period":`...)
	b = appendJSONString(b, v.Period)
	b = append(b, `,"Date":`...)
	b = appendJSONString(b, v.Date)
	b = append(b, `,"Source":`...)
	b = appendJSONString(b, v.Source)
	b = append(b, `,"Status":`...)
	b = appendJSONString(b, v.Status)
	b = append(b, `,"Summary":`...)
	b = appendJSONString(b, v.Summary)
	b = append(b, `,"No":`...)
	b = strconv.AppendInt(b, int64(v.No), 10)
	return append(b, `,"lines":`...)
}

// appendTo appends the line's object in the image.
func (l voucherImgLine) appendTo(b []byte) []byte {
	b = append(b, `{"account":`...)
	b = appendJSONString(b, l.account)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, l.amount, 10)
	b = append(b, `,"item_id":`...)
	b = strconv.AppendInt(b, l.itemID, 10)
	b = append(b, `,"partner_id":`...)
	b = strconv.AppendInt(b, l.partnerID, 10)
	b = append(b, `,"side":`...)
	b = appendJSONString(b, l.side)
	b = append(b, `,"summary":`...)
	b = appendJSONString(b, l.summary)
	return append(b, '}')
}

// appendJSONString appends s as encoding/json writes it: as is between quotes when
// nothing in it needs escaping, else through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// voucherImage is a voucher and its lines as the audit trail records them.
func voucherImage(ctx context.Context, tx *store.Tx, id int64) (string, error) {
	var v voucherImg
	err := tx.QueryRowContext(ctx, "SELECT period, no, date, source, status, summary FROM vouchers WHERE id = ?", id).
		Scan(&v.Period, &v.No, &v.Date, &v.Source, &v.Status, &v.Summary)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	rows, err := tx.QueryContext(ctx, "SELECT account, ifnull(partner_id, 0), ifnull(item_id, 0), side, amount, summary FROM voucher_lines WHERE voucher_id = ? ORDER BY line_no", id)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var acct, side, summary string
		var pid, iid, amt int64
		if err := rows.Scan(&acct, &pid, &iid, &side, &amt, &summary); err != nil {
			return "", err
		}
		v.Lines = append(v.Lines, newVoucherImgLine(acct, pid, iid, side, amt, summary))
	}
	return v.encode(), rows.Err()
}

// periodVoucherImages is voucherImage of every voucher of a period, by number, in two
// queries; with their ids.
func periodVoucherImages(ctx context.Context, tx *store.Tx, period Period) ([]int64, []string, error) {
	return voucherImagesBelow(ctx, tx, period, 0)
}

// voucherImagesBelow is periodVoucherImages of the vouchers numbered below `below` (all of
// them when 0).
func voucherImagesBelow(ctx context.Context, tx *store.Tx, period Period, below int) ([]int64, []string, error) {
	if below == 0 {
		below = math.MaxInt32
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, period, no, date, source, status, summary FROM vouchers WHERE period = ? AND no < ? ORDER BY no", period, below)
	if err != nil {
		return nil, nil, err
	}
	var ids []int64
	var imgs []voucherImg
	at := map[int64]int{}
	for rows.Next() {
		var id int64
		var v voucherImg
		if err := rows.Scan(&id, &v.Period, &v.No, &v.Date, &v.Source, &v.Status, &v.Summary); err != nil {
			rows.Close()
			return nil, nil, err
		}
		at[id] = len(ids)
		ids = append(ids, id)
		imgs = append(imgs, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT voucher_id, account, ifnull(partner_id, 0), ifnull(item_id, 0), side, amount, summary
		FROM voucher_lines WHERE voucher_id IN (SELECT id FROM vouchers WHERE period = ? AND no < ?) ORDER BY voucher_id, line_no`, period, below)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var acct, side, summary string
		var vid, pid, iid, amt int64
		if err := rows.Scan(&vid, &acct, &pid, &iid, &side, &amt, &summary); err != nil {
			return nil, nil, err
		}
		if i, ok := at[vid]; ok {
			imgs[i].Lines = append(imgs[i].Lines, newVoucherImgLine(acct, pid, iid, side, amt, summary))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	out := make([]string, len(imgs))
	for i, v := range imgs {
		out[i] = v.encode()
	}
	return ids, out, nil
}

// periodVouchers is loadVoucher of every voucher of a period, by number, in two queries.
func periodVouchers(ctx context.Context, tx *store.Tx, period Period) ([]Voucher, error) {
	rows, err := tx.QueryContext(ctx, `SELECT v.id, v.period, v.no, v.date, v.source, ifnull(d.number, ''), v.summary,
		v.status = 'audited', v.is_pl_close, v.maker, v.auditor, v.version
		FROM vouchers v LEFT JOIN docs d ON d.id = v.doc_id WHERE v.period = ? ORDER BY v.no`, period)
	if err != nil {
		return nil, err
	}
	var out []Voucher
	at := map[int64]int{}
	for rows.Next() {
		var v Voucher
		var auditor sql.NullString
		if err := rows.Scan(&v.ID, &v.Period, &v.No, &v.Date, &v.Source, &v.Doc, &v.Summary, &v.Audited, &v.PLClose, &v.Maker, &auditor, &v.Version); err != nil {
			rows.Close()
			return nil, err
		}
		v.Auditor = auditor.String
		at[v.ID] = len(out)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT l.voucher_id, l.summary, l.account, a.name, ifnull(p.code, ''), ifnull(i.code, ''), l.side, l.amount
		FROM voucher_lines l JOIN accounts a ON a.code = l.account LEFT JOIN partners p ON p.id = l.partner_id
		LEFT JOIN items i ON i.id = l.item_id WHERE l.voucher_id IN (SELECT id FROM vouchers WHERE period = ?)
		ORDER BY l.voucher_id, l.line_no`, period)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l VoucherLine
		if err := rows.Scan(&id, &l.Summary, &l.Account, &l.Name, &l.Partner, &l.Item, &l.Side, &l.Amount); err != nil {
			return nil, err
		}
		if i, ok := at[id]; ok {
			out[i].Lines = append(out[i].Lines, l)
		}
	}
	return out, rows.Err()
}

// SaveVoucher saves a manual voucher: a new one (ID 0) is numbered next in its period;
// an existing one must be unaudited and manual. Lines are checked against the chart
// (DOMAIN.md §5.1): at least two, balanced, leaf accounts, never 1405. Needs PermVoucher.
func (b *Book) SaveVoucher(ctx context.Context, by *User, v Voucher) (Voucher, error) {
	var out Voucher
	err := b.write(ctx, by, PermVoucher, func(tx *store.Tx) error {
		var err error
		out, err = saveVoucher(ctx, tx, by, v)
		return err
	})
	return out, err
}

func saveVoucher(ctx context.Context, tx *store.Tx, by *User, v Voucher) (Voucher, error) {
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return Voucher{}, err
	}
	if err := periodOpen(ctx, tx, s, v.Date); err != nil {
		return Voucher{}, err
	}
	v.Period = v.Date.Period()
	v.Summary = strings.TrimSpace(v.Summary)
	for i := range v.Lines {
		v.Lines[i].Side = strings.ToUpper(v.Lines[i].Side)
		if v.Lines[i].Summary == "" {
			v.Lines[i].Summary = v.Summary
		}
	}
	lines, err := checkVoucherLines(ctx, tx, v.Lines, true, nil)
	if err != nil {
		return Voucher{}, err
	}
	if err := ensurePeriod(ctx, tx, by, v.Period); err != nil {
		return Voucher{}, err
	}
	v.Source, v.Audited, v.PLClose = SourceManual, false, false
	if v.ID == 0 {
		v.No = 0
		if err := insertVoucher(ctx, tx, by.Name, &v, lines, sql.NullInt64{}); err != nil {
			return Voucher{}, err
		}
		if err := logVoucher(ctx, tx, by.Name, "voucher.create", v.ID, ""); err != nil {
			return Voucher{}, err
		}
	} else {
		cur, err := voucherByID(ctx, tx, v.ID)
		if err != nil {
			return Voucher{}, err
		}
		switch {
		case cur.Source != SourceManual:
			return Voucher{}, refuse(CodeVoucherGenerated, "number", cur.Ref())
		case cur.Audited:
			return Voucher{}, refuse(CodeVoucherAudited, "number", cur.Ref())
		case v.Version != 0 && v.Version != cur.Version:
			return Voucher{}, refuse(CodeStale, "what", "voucher", "value", cur.Ref())
		case cur.Period != v.Period:
			return Voucher{}, refuse(CodeDocMonth, "number", cur.Ref())
		}
		before, err := voucherImage(ctx, tx, v.ID)
		if err != nil {
			return Voucher{}, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM voucher_lines WHERE voucher_id = ?", v.ID); err != nil {
			return Voucher{}, err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE vouchers SET date = ?, summary = ?, version = version + 1 WHERE id = ?", v.Date, v.Summary, v.ID); err != nil {
			return Voucher{}, err
		}
		v.No = cur.No
		if err := insertVoucherLines(ctx, tx, &v, lines); err != nil {
			return Voucher{}, err
		}
		if err := logVoucher(ctx, tx, by.Name, "voucher.edit", v.ID, before); err != nil {
			return Voucher{}, err
		}
	}
	return loadVoucher(ctx, tx, v.Period, v.No)
}

func voucherByID(ctx context.Context, tx *store.Tx, id int64) (Voucher, error) {
	var p Period
	var no int
	if err := tx.QueryRowContext(ctx, "SELECT period, no FROM vouchers WHERE id = ?", id).Scan(&p, &no); errors.Is(err, sql.ErrNoRows) {
		return Voucher{}, refuse(CodeUnknownVoucher, "value", fmt.Sprint(id))
	} else if err != nil {
		return Voucher{}, err
	}
	return loadVoucher(ctx, tx, p, no)
}

func logVoucher(ctx context.Context, tx *store.Tx, by, action string, id int64, before string) error {
	after, err := voucherImage(ctx, tx, id)
	if err != nil {
		return err
	}
	return appendAudit(ctx, tx, AuditRecord{User: by, Action: action, Entity: entVoucher.name, EntityID: fmt.Sprint(id),
		Image: true, Before: before, After: after})
}

// AuditVoucher audits (audit=true) or un-audits a manual voucher of an open period.
// With separation of duties nobody audits their own. Needs PermVoucher.
func (b *Book) AuditVoucher(ctx context.Context, by *User, ref string, audit bool) error {
	p, no, err := ParseVoucherRef(ref)
	if err != nil {
		return err
	}
	return b.write(ctx, by, PermVoucher, func(tx *store.Tx) error {
		return auditVoucher(ctx, tx, by, p, no, audit)
	})
}

func auditVoucher(ctx context.Context, tx *store.Tx, by *User, p Period, no int, audit bool) error {
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return err
	}
	v, err := loadVoucher(ctx, tx, p, no)
	if err != nil {
		return err
	}
	if err := periodOpen(ctx, tx, s, v.Date); err != nil {
		return err
	}
	switch {
	case v.Source != SourceManual:
		return refuse(CodeVoucherGenerated, "number", v.Ref())
	case audit && v.Audited:
		return refuse(CodeVoucherAudited, "number", v.Ref())
	case !audit && !v.Audited:
		return refuse(CodeVoucherNotAudited, "number", v.Ref())
	case audit && s.Separation && strings.EqualFold(v.Maker, by.Name):
		return refuse(CodeDocSeparation, "number", v.Ref())
	}
	before, err := voucherImage(ctx, tx, v.ID)
	if err != nil {
		return err
	}
	if audit {
		_, err = tx.ExecContext(ctx, "UPDATE vouchers SET status = 'audited', auditor = ?, audited_at = ?, version = version + 1 WHERE id = ?",
			by.Name, tx.Now.Format(time.RFC3339), v.ID)
	} else {
		_, err = tx.ExecContext(ctx, "UPDATE vouchers SET status = 'unaudited', auditor = NULL, audited_at = NULL, version = version + 1 WHERE id = ?", v.ID)
	}
	if err != nil {
		return err
	}
	action := "voucher.audit"
	if !audit {
		action = "voucher.unaudit"
	}
	return logVoucher(ctx, tx, by.Name, action, v.ID, before)
}

// DeleteVoucher deletes an unaudited manual voucher. Its number leaves a gap that blocks
// the close until RenumberVouchers. Needs PermVoucher.
func (b *Book) DeleteVoucher(ctx context.Context, by *User, ref string) error {
	p, no, err := ParseVoucherRef(ref)
	if err != nil {
		return err
	}
	return b.write(ctx, by, PermVoucher, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		v, err := loadVoucher(ctx, tx, p, no)
		if err != nil {
			return err
		}
		if err := periodOpen(ctx, tx, s, v.Date); err != nil {
			return err
		}
		if v.Source != SourceManual {
			return refuse(CodeVoucherGenerated, "number", v.Ref())
		}
		if v.Audited {
			return refuse(CodeVoucherAudited, "number", v.Ref())
		}
		before, err := voucherImage(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM voucher_lines WHERE voucher_id = ?", v.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM vouchers WHERE id = ?", v.ID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, AuditRecord{User: by.Name, Action: "voucher.delete", Entity: entVoucher.name, EntityID: fmt.Sprint(v.ID),
			Image: true, Before: before})
	})
}

// RenumberVouchers closes the gaps in an open period's numbers (整理凭证号): vouchers
// are numbered again 1, 2, 3… by (date, number). Needs PermVoucher.
func (b *Book) RenumberVouchers(ctx context.Context, by *User, period Period) error {
	return b.write(ctx, by, PermVoucher, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if err := periodOpen(ctx, tx, s, period.FirstDay()); err != nil {
			return err
		}
		ids, err := column[int64](ctx, tx, "SELECT id FROM vouchers WHERE period = ? ORDER BY date, no", period)
		if err != nil {
			return err
		}
		// Two passes, so no number is taken twice on the way.
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE vouchers SET no = ? WHERE id = ?", 1_000_000+i, id); err != nil {
				return err
			}
		}
		for i, id := range ids {
			before, err := voucherImage(ctx, tx, id)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE vouchers SET no = ?, version = version + 1 WHERE id = ?", i+1, id); err != nil {
				return err
			}
			if err := logVoucher(ctx, tx, by.Name, "voucher.renumber", id, before); err != nil {
				return err
			}
		}
		return logEvent(ctx, tx, by.Name, "voucher.renumber", entPeriod, string(period), "")
	})
}

// SaveAndAuditVoucher saves a new manual voucher and audits it in one transaction: the
// CLI's `voucher new --audit`. Nothing is written when the audit is refused (separation
// of duties). Needs PermVoucher.
func (b *Book) SaveAndAuditVoucher(ctx context.Context, by *User, v Voucher) (Voucher, error) {
	var out Voucher
	err := b.write(ctx, by, PermVoucher, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if s.Separation {
			return refuse(CodeDocSeparation, "number", "")
		}
		if out, err = saveVoucher(ctx, tx, by, v); err != nil {
			return err
		}
		return auditVoucher(ctx, tx, by, out.Period, out.No, true)
	})
	if err != nil {
		return Voucher{}, err
	}
	return b.Voucher(ctx, by, out.Ref())
}

// pendingVoucher is a voucher with its number and id set, waiting to be written with
// others (insertVouchers).
type pendingVoucher struct {
	v     Voucher
	lines []preparedVLine
	docID sql.NullInt64
}

// image is the voucher's voucherImage as it will read once written.
func (p pendingVoucher) image() string {
	v := p.v
	img := voucherImg{Period: string(v.Period), Date: string(v.Date), Source: string(v.Source), Status: "unaudited",
		Summary: v.Summary, No: v.No}
	if v.Audited {
		img.Status = "audited"
	}
	for _, l := range p.lines {
		img.Lines = append(img.Lines, newVoucherImgLine(l.line.Account, l.partner.Int64, l.item.Int64, l.line.Side,
			int64(l.line.Amount), l.line.Summary))
	}
	return img.encode()
}

// insertVouchers writes vouchers whose ID and No are set, many rows a statement, then
// their lines in the same order: every row is what insertVoucher one by one would have
// written, line ids included. The lines' sums go to account_periods a few statements at
// the end, added up here from the lines written, not line by line by the summary trigger
// (summariesDeferred).
func insertVouchers(ctx context.Context, tx *store.Tx, by string, vs []pendingVoucher) error {
	return summariesDeferred(ctx, tx, func() error {
		if err := writeVouchers(ctx, tx, by, vs); err != nil {
			return err
		}
		return addLineSums(ctx, tx, vs)
	})
}

// addLineSums adds the vouchers' lines to account_periods as the summary trigger would
// have, one line at a time: per account, partner, item and period, debits, credits and
// the part of each the P&L carry-forward posted.
func addLineSums(ctx context.Context, tx *store.Tx, vs []pendingVoucher) error {
	type key struct {
		account       string
		partner, item int64
		period        Period
	}
	sums := map[key]*[4]Money{} // debit, credit, pl_debit, pl_credit
	var keys []key
	for _, p := range vs {
		for _, l := range p.lines {
			k := key{l.line.Account, l.partner.Int64, l.item.Int64, p.v.Period}
			s, ok := sums[k]
			if !ok {
				s = new([4]Money)
				sums[k] = s
				keys = append(keys, k)
			}
			col := 0
			if l.line.Side == "C" {
				col = 1
			}
			s[col] += l.line.Amount
			if p.v.PLClose {
				s[col+2] += l.line.Amount
			}
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.account, b.account), cmp.Compare(a.partner, b.partner), cmp.Compare(a.item, b.item),
			strings.Compare(string(a.period), string(b.period)))
	})
	const perStmt = 250
	for lo := 0; lo < len(keys); lo += perStmt {
		batch := keys[lo:min(lo+perStmt, len(keys))]
		args := make([]any, 0, 8*len(batch))
		for _, k := range batch {
			s := sums[k]
			args = append(args, k.account, k.partner, k.item, k.period, s[0], s[1], s[2], s[3])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO account_periods(account, partner_id, item_id, period, debit, credit, pl_debit, pl_credit)
			VALUES `+valuesList(len(batch), 8)+`
			ON CONFLICT (account, partner_id, item_id, period) DO UPDATE SET
				debit = debit + excluded.debit, credit = credit + excluded.credit,
				pl_debit = pl_debit + excluded.pl_debit, pl_credit = pl_credit + excluded.pl_credit`, args...); err != nil {
			return err
		}
	}
	return nil
}

// lineSums selects the voucher lines' sums as the summary triggers keep them in
// account_periods (schema 3): per account, partner, item and period, the debits, the
// credits and the part of each posted by the P&L carry-forward; for the lines a WHERE
// picks, grouped by the first four columns (un-close takes them back).
const lineSums = `SELECT l.account, ifnull(l.partner_id, 0) AS partner_id, ifnull(l.item_id, 0) AS item_id, l.period,
	sum(CASE l.side WHEN 'D' THEN l.amount ELSE 0 END) AS debit, sum(CASE l.side WHEN 'C' THEN l.amount ELSE 0 END) AS credit,
	sum(CASE WHEN l.side = 'D' AND v.is_pl_close THEN l.amount ELSE 0 END) AS pl_debit,
	sum(CASE WHEN l.side = 'C' AND v.is_pl_close THEN l.amount ELSE 0 END) AS pl_credit
	FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id`

// summariesDeferred runs fn with the voucher lines' summary triggers aside (schema 9's
// summary_deferred): fn inserts or deletes many lines and brings account_periods up to
// date itself, a few statements for all of them (addLineSums, lineSums). The whole runs
// inside the caller's transaction, so nobody sees the lines without their sums.
func summariesDeferred(ctx context.Context, tx *store.Tx, fn func() error) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO summary_deferred(id) VALUES (1)"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM summary_deferred")
	return err
}

// writeVouchers is insertVouchers' rows.
func writeVouchers(ctx context.Context, tx *store.Tx, by string, vs []pendingVoucher) error {
	const vouchersPerStmt, linesPerStmt = 200, 300
	now := tx.Now.Format(time.RFC3339)
	for lo := 0; lo < len(vs); lo += vouchersPerStmt {
		batch := vs[lo:min(lo+vouchersPerStmt, len(vs))]
		args := make([]any, 0, 13*len(batch))
		for _, p := range batch {
			v := p.v
			status := "unaudited"
			var auditor, auditedAt sql.NullString
			if v.Audited {
				status = "audited"
				auditor = sql.NullString{String: by, Valid: true}
				auditedAt = sql.NullString{String: now, Valid: true}
			}
			args = append(args, v.ID, v.Period, v.No, v.Date, v.Source, p.docID, v.Summary, status, v.PLClose, by, now, auditor, auditedAt)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO vouchers(id, period, no, date, source, doc_id, summary, status, is_pl_close, maker,
			made_at, auditor, audited_at) VALUES `+valuesList(len(batch), 13), args...); err != nil {
			return err
		}
	}
	args := make([]any, 0, 9*linesPerStmt)
	n := 0
	write := func() error {
		if n == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO voucher_lines(voucher_id, line_no, period, summary, account, partner_id,
			item_id, side, amount) VALUES `+valuesList(n, 9), args...)
		args, n = args[:0], 0
		return err
	}
	for _, p := range vs {
		for i, l := range p.lines {
			args = append(args, p.v.ID, i+1, p.v.Period, l.line.Summary, l.line.Account, l.partner, l.item, l.line.Side, l.line.Amount)
			if n++; n == linesPerStmt {
				if err := write(); err != nil {
					return err
				}
			}
		}
	}
	return write()
}
