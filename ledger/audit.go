package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"shopbooks/store"
)

// The audit trail (DOMAIN.md §9) is append-only and hash-chained. Each record's hash is
// SHA-256 over the previous record's hash, a newline, and a JSON array: for a record of
// fmt 0, [seq, at, user, action, entity, entity_id, image, before, after, reason]
// (before/after as their JSON text or null); for fmt 1 (an image change stored
// compactly, audit_codec.go), ["img", seq, at, user, action, entity, entity_id, image,
// before, after, reason] with before/after the hex SHA-256 of the stored blobs, or null.
// The triggers in store/schema refuse UPDATE and DELETE and any insert out of sequence.

// entity names a kind of audited row: its table and key column.
type entity struct {
	name, table, key string
}

var (
	entItem      = entity{"item", "items", "id"}
	entUnit      = entity{"unit", "units", "name"}
	entCategory  = entity{"category", "categories", "id"}
	entWarehouse = entity{"warehouse", "warehouses", "id"}
	entPartner   = entity{"partner", "partners", "id"}
	entAccount   = entity{"account", "accounts", "code"}
	entRole      = entity{"account_role", "account_roles", "role"}
	entBook      = entity{"book", "book", "id"}
	entUser      = entity{"user", "users", "id"}
	entPeriod    = entity{"period", "periods", "period"}
	entOpening   = entity{"opening", "opening_balances", "id"}
	entOpenStock = entity{"opening_stock", "opening_stock", "id"}
	entDoc       = entity{"doc", "docs", "id"} // its image holds its lines too
	// Manual vouchers, with their lines. Generated vouchers are sealed by their close
	// instead (a hash of the period's vouchers in the close's record, checked by verify).
	entVoucher = entity{"voucher", "vouchers", "id"}
)

// imaged lists every table whose rows verify compares with their last audit image.
var imaged = []entity{entBook, entPeriod, entUser, entUnit, entCategory, entWarehouse, entItem, entPartner, entAccount, entRole,
	entOpening, entOpenStock, entDoc, entVoucher}

// AuditRecord is one record of the trail, as verify and the audit log screen read it.
type AuditRecord struct {
	Seq      int64
	At       time.Time
	User     string
	Action   string
	Entity   string
	EntityID string
	Image    bool
	Before   string // JSON, "" for none
	After    string
	Reason   string
	PrevHash string
	Hash     string

	// How the record is stored: fmt 0 holds Before and After as they are; fmt 1 holds
	// them in the blobs (audit_codec.go), which images rebuilds.
	Fmt                 int
	ImgBefore, ImgAfter []byte
}

func (r *AuditRecord) computeHash() string {
	var h recordHasher
	sum, err := h.sum(r)
	if err != nil {
		panic(err) // only strings, numbers and valid JSON go in
	}
	return hex.EncodeToString(sum[:])
}

// recordHasher computes records' hashes one after the other, reusing its buffer and
// digest: verify hashes every record of the trail.
type recordHasher struct {
	buf []byte
	h   hash.Hash
}

// sum is the record's hash. It fails only on a fmt 0 record whose before or after is
// not JSON, which appendAudit never writes.
func (rh *recordHasher) sum(r *AuditRecord) (sum [sha256.Size]byte, err error) {
	if rh.h == nil {
		rh.h = sha256.New()
	}
	if rh.buf, err = r.appendHashed(rh.buf[:0]); err != nil {
		return sum, err
	}
	rh.h.Reset()
	rh.h.Write([]byte(r.PrevHash))
	rh.h.Write([]byte{'\n'})
	rh.h.Write(rh.buf)
	rh.h.Sum(sum[:0])
	return sum, nil
}

// appendHashed appends the JSON array a record's hash covers (see the top of this file),
// the bytes json.Marshal writes for it.
func (r *AuditRecord) appendHashed(b []byte) ([]byte, error) {
	b = append(b, '[')
	if r.Fmt == 1 {
		b = append(b, `"img",`...)
	}
	b = strconv.AppendInt(b, r.Seq, 10)
	b = append(b, ',', '"')
	b = r.At.UTC().AppendFormat(b, time.RFC3339) // digits, '-', ':', 'T' and 'Z': nothing to escape
	b = append(b, '"', ',')
	for _, s := range []string{r.User, r.Action, r.Entity, r.EntityID} {
		b = append(appendCanonString(b, s), ',')
	}
	b = append(strconv.AppendBool(b, r.Image), ',')
	if r.Fmt == 1 {
		for _, img := range [][]byte{r.ImgBefore, r.ImgAfter} {
			if img == nil {
				b = append(b, "null,"...)
				continue
			}
			sum := sha256.Sum256(img)
			b = append(hex.AppendEncode(append(b, '"'), sum[:]), '"', ',')
		}
	} else {
		for _, img := range []string{r.Before, r.After} {
			if img == "" {
				b = append(b, "null,"...)
				continue
			}
			var err error
			if b, err = appendCanon(b, json.RawMessage(img)); err != nil {
				return b, err
			}
			b = append(b, ',')
		}
	}
	return append(appendCanonString(b, r.Reason), ']'), nil
}

// appendAudit adds one record at the end of the chain, inside the caller's transaction.
func appendAudit(ctx context.Context, tx *store.Tx, r AuditRecord) error {
	_, err := appendAuditHint(ctx, tx, r, imageHint{})
	return err
}

// appendAuditHint is appendAudit with what the caller knows of the images (imageHint);
// it returns the record's after image for a change that follows in the transaction.
func appendAuditHint(ctx context.Context, tx *store.Tx, r AuditRecord, hint imageHint) (imageRef, error) {
	seq, hash, err := auditHead(ctx, tx)
	if err != nil {
		return imageRef{}, err
	}
	depth := 0
	if r.Image && compactImages {
		r.Fmt = 1
		if r.ImgBefore, r.ImgAfter, depth, err = encodeImages(ctx, tx, r.Entity, r.EntityID, r.Before, r.After, hint); err != nil {
			return imageRef{}, fmt.Errorf("audit images %s %s/%s: %w", r.Action, r.Entity, r.EntityID, err)
		}
	} else if hint.delta != "" {
		if r.After, err = applyDelta(r.Before, hint.delta); err != nil {
			return imageRef{}, err
		}
	}
	if _, err = insertAudit(ctx, tx, &r, seq, hash); err != nil {
		return imageRef{}, err
	}
	return imageRef{seq: r.Seq, img: r.After, depth: depth}, nil
}

// auditHead is the last record's seq and hash (0 and "" on an empty trail).
func auditHead(ctx context.Context, tx *store.Tx) (int64, string, error) {
	var last sql.NullInt64
	var prev sql.NullString
	err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&last, &prev)
	if err != nil && err != sql.ErrNoRows {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	return last.Int64, prev.String, nil
}

// insertAudit writes r as the record after the one of seq and hash (the chain's head),
// its images already encoded when r.Fmt is 1, and returns its hash.
func insertAudit(ctx context.Context, tx *store.Tx, r *AuditRecord, seq int64, hash string) (string, error) {
	r.Seq = seq + 1
	r.At = tx.Now
	r.PrevHash = hash
	before, after := nullStr(r.Before), nullStr(r.After)
	if r.Fmt == 1 {
		before, after = nil, nil
	}
	r.Hash = r.computeHash()
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log(seq, at, user_name, action, entity, entity_id, image, before, after, reason, prev_hash, hash,
		fmt, img_before, img_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Seq, r.At.UTC().Format(time.RFC3339), r.User, r.Action, r.Entity, r.EntityID, r.Image,
		before, after, r.Reason, r.PrevHash, r.Hash, r.Fmt, r.ImgBefore, r.ImgAfter)
	if err != nil {
		return "", fmt.Errorf("append audit %s %s/%s: %w", r.Action, r.Entity, r.EntityID, err)
	}
	return r.Hash, nil
}

// logAdds records the creation of many rows of e (an import), one record each in the
// order of ids, as logChange would one by one: the same records, but the rows' images
// read in one query and deflated on every core, and the chain's head read once.
func logAdds(ctx context.Context, tx *store.Tx, user, action string, e entity, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+e.table+" WHERE "+e.key+" BETWEEN ? AND ?", slices.Min(ids), slices.Max(ids))
	if err != nil {
		return fmt.Errorf("images of %s: %w", e.name, err)
	}
	imgs, err := scanImages(rows, e)
	if err != nil {
		return err
	}
	recs := make([]AuditRecord, len(ids))
	for i, id := range ids {
		key := strconv.FormatInt(id, 10)
		recs[i] = AuditRecord{User: user, Action: action, Entity: e.name, EntityID: key, Image: true, After: imgs[key]}
	}
	if compactImages { // encodeImages of a record without a before image: the after image alone
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for w := range workers {
			wg.Go(func() {
				for i := w; i < len(recs); i += workers {
					recs[i].Fmt = 1
					if recs[i].After != "" {
						recs[i].ImgAfter = encodeAfter("", recs[i].After, 0)
					}
				}
			})
		}
		wg.Wait()
	}
	seq, hash, err := auditHead(ctx, tx)
	if err != nil {
		return err
	}
	for i := range recs {
		if hash, err = insertAudit(ctx, tx, &recs[i], seq, hash); err != nil {
			return err
		}
		seq++
	}
	return nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// logEvent records an action that changes no audited row (a login, a refused login).
func logEvent(ctx context.Context, tx *store.Tx, user, action string, e entity, id any, reason string) error {
	return appendAudit(ctx, tx, AuditRecord{User: user, Action: action, Entity: e.name, EntityID: fmt.Sprint(id), Reason: reason})
}

// logChange records a change of one row: before is the image read before the change
// ("" on create); the after image is read now ("" once deleted).
func logChange(ctx context.Context, tx *store.Tx, user, action string, e entity, id any, before string) error {
	after, err := rowImage(ctx, tx, e, id)
	if err != nil {
		return err
	}
	return appendAudit(ctx, tx, AuditRecord{User: user, Action: action, Entity: e.name, EntityID: fmt.Sprint(id),
		Image: true, Before: before, After: after})
}

// rowImage is the row as canonical JSON (keys sorted), or "" when there is no such row.
func rowImage(ctx context.Context, tx *store.Tx, e entity, id any) (string, error) {
	switch e {
	case entDoc:
		imgs, err := docImages(ctx, tx, "WHERE id = ?", id)
		return imgs[fmt.Sprint(id)], err
	case entVoucher:
		return voucherImage(ctx, tx, toInt64(id))
	}
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+e.table+" WHERE "+e.key+" = ?", id)
	if err != nil {
		return "", fmt.Errorf("image of %s %v: %w", e.name, id, err)
	}
	imgs, err := scanImages(rows, e)
	if err != nil {
		return "", err
	}
	for _, img := range imgs {
		return img, nil
	}
	return "", nil
}

// allImages returns every row of e's table as key → image.
func allImages(ctx context.Context, tx *store.Tx, e entity) (map[string]string, error) {
	switch e {
	case entDoc:
		return docImages(ctx, tx, "")
	case entVoucher:
		ids, err := column[int64](ctx, tx, "SELECT id FROM vouchers WHERE source = 'manual'")
		if err != nil {
			return nil, err
		}
		out := make(map[string]string, len(ids))
		for _, id := range ids {
			if out[fmt.Sprint(id)], err = voucherImage(ctx, tx, id); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+e.table)
	if err != nil {
		return nil, fmt.Errorf("images of %s: %w", e.name, err)
	}
	return scanImages(rows, e)
}

// docImages are documents with their lines: the docs row as an object whose "lines" is
// the list of its doc_lines rows by line number.
func docImages(ctx context.Context, tx *store.Tx, where string, args ...any) (map[string]string, error) {
	heads, err := docImageMaps(ctx, tx, where, args...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(heads))
	for k, h := range heads {
		b, err := canonJSON(h)
		if err != nil {
			return nil, err
		}
		out[k] = string(b)
	}
	return out, nil
}

// docImageText is one document's image as docImages writes it, and its version: the
// canonical text made straight from the row and its lines (no maps to build and sort),
// for a change that knows what it changes. TestAuditImageAsRead holds it to rowImage.
func docImageText(ctx context.Context, tx *store.Tx, id DocID) (string, int64, error) {
	buf := make([]byte, 0, 2048)
	var version int64
	rows, err := tx.QueryContext(ctx, "SELECT * FROM docs WHERE id = ?", id)
	if err != nil {
		return "", 0, err
	}
	head, err := scanSortedRow(rows)
	if err != nil {
		return "", 0, err
	}
	if head.vals == nil {
		return "", 0, fmt.Errorf("image of doc %d: %w", id, sql.ErrNoRows)
	}
	lrows, err := tx.QueryContext(ctx, "SELECT * FROM doc_lines WHERE doc_id = ? ORDER BY line_no", id)
	if err != nil {
		return "", 0, err
	}
	defer lrows.Close()
	lines, err := appendSortedRows(nil, lrows)
	if err != nil {
		return "", 0, err
	}
	buf = append(buf, '{')
	keys := append(slices.Clone(head.cols), "lines")
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(appendCanonString(buf, k), ':')
		if k == "lines" {
			buf = append(buf, lines...)
			continue
		}
		v := head.vals[slices.Index(head.cols, k)]
		if k == "version" {
			version, _ = v.(int64)
		}
		if buf, err = appendCanon(buf, v); err != nil {
			return "", 0, err
		}
	}
	return string(append(buf, '}')), version, nil
}

// sortedRow is one row's values with its columns (scanRowMap's values: text as string).
type sortedRow struct {
	cols []string
	vals []any
}

// scanSortedRow reads the one row of rows (vals nil when there is none) and closes them.
func scanSortedRow(rows *sql.Rows) (sortedRow, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return sortedRow{}, err
	}
	r := sortedRow{cols: cols}
	if rows.Next() {
		if r.vals, err = scanRowValues(rows, len(cols)); err != nil {
			return r, err
		}
	}
	return r, rows.Err()
}

// appendSortedRows appends rows as a canonical JSON array of objects (each as
// canonJSON writes the map scanRowMap makes of it).
func appendSortedRows(buf []byte, rows *sql.Rows) ([]byte, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	order := make([]int, len(cols))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(cols[a], cols[b]) })
	buf = append(buf, '[')
	for n := 0; rows.Next(); n++ {
		vals, err := scanRowValues(rows, len(cols))
		if err != nil {
			return nil, err
		}
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '{')
		for i, c := range order {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(appendCanonString(buf, cols[c]), ':')
			if buf, err = appendCanon(buf, vals[c]); err != nil {
				return nil, err
			}
		}
		buf = append(buf, '}')
	}
	return append(buf, ']'), rows.Err()
}

// scanRowValues scans the current row's n values as scanRowMap does.
func scanRowValues(rows *sql.Rows, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	for i, v := range vals {
		if b, ok := v.([]byte); ok {
			vals[i] = string(b)
		}
	}
	return vals, nil
}

// docImageMaps are docImages as maps.
func docImageMaps(ctx context.Context, tx *store.Tx, where string, args ...any) (map[string]map[string]any, error) {
	rows, err := tx.QueryContext(ctx, "SELECT * FROM docs "+where, args...)
	if err != nil {
		return nil, err
	}
	heads, err := scanRowMaps(rows, "id")
	if err != nil {
		return nil, err
	}
	lwhere := ""
	if where != "" {
		lwhere = "WHERE doc_id IN (SELECT id FROM docs " + where + ")"
	}
	lrows, err := tx.QueryContext(ctx, "SELECT * FROM doc_lines "+lwhere+" ORDER BY doc_id, line_no", args...)
	if err != nil {
		return nil, err
	}
	defer lrows.Close()
	cols, err := lrows.Columns()
	if err != nil {
		return nil, err
	}
	lines := map[string][]map[string]any{}
	for lrows.Next() {
		m, err := scanRowMap(lrows, cols)
		if err != nil {
			return nil, err
		}
		k := fmt.Sprint(m["doc_id"])
		lines[k] = append(lines[k], m)
	}
	if err := lrows.Err(); err != nil {
		return nil, err
	}
	for k, h := range heads {
		ls := lines[k]
		if ls == nil {
			ls = []map[string]any{}
		}
		h["lines"] = ls
	}
	return heads, nil
}

func scanRowMap(rows *sql.Rows, cols []string) (map[string]any, error) {
	vals, err := scanRowValues(rows, len(cols))
	if err != nil {
		return nil, err
	}
	m := make(map[string]any, len(cols))
	for i, c := range cols {
		m[c] = vals[i]
	}
	return m, nil
}

func scanRowMaps(rows *sql.Rows, key string) (map[string]map[string]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{}
	for rows.Next() {
		m, err := scanRowMap(rows, cols)
		if err != nil {
			return nil, err
		}
		out[fmt.Sprint(m[key])] = m
	}
	return out, rows.Err()
}

func scanImages(rows *sql.Rows, e entity) (map[string]string, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for rows.Next() {
		m, err := scanRowMap(rows, cols)
		if err != nil {
			return nil, err
		}
		if e == entUser {
			// The image holds a digest of the hash, never the hash itself: a changed
			// password is still detected, and the trail carries nothing to attack.
			if s, ok := m["password_hash"].(string); ok {
				sum := sha256.Sum256([]byte(s))
				m["password_digest"] = hex.EncodeToString(sum[:])
			} else {
				m["password_digest"] = nil
			}
			delete(m, "password_hash")
		}
		b, err := canonJSON(m)
		if err != nil {
			return nil, err
		}
		out[fmt.Sprint(m[e.key])] = string(b)
	}
	return out, rows.Err()
}

// imageDiff names the first field where the audit image and the row differ. Fields the
// image does not hold (added by a later schema version) are not compared.
func imageDiff(audited, current string) (field, was, now string) {
	var a, c map[string]any
	for _, x := range []struct {
		s string
		m *map[string]any
	}{{audited, &a}, {current, &c}} {
		d := json.NewDecoder(strings.NewReader(x.s))
		d.UseNumber() // exact integers: fen and ×10⁶ prices exceed float64's 2⁵³
		d.Decode(x.m)
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cv, ok := c[k]
		if !ok {
			return k, fmt.Sprint(a[k]), "(missing)"
		}
		if fmt.Sprint(a[k]) != fmt.Sprint(cv) {
			return k, fmt.Sprint(a[k]), fmt.Sprint(cv)
		}
	}
	return "", "", ""
}

// AuditTrail returns records from seq `from` on (1 is the first), at most limit.
func (b *Book) AuditTrail(ctx context.Context, by *User, from int64, limit int) ([]AuditRecord, error) {
	if !by.Can(PermViewLedger) && !by.Can(PermSettings) {
		return nil, forbidden("audit.view")
	}
	var out []AuditRecord
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = readAudit(ctx, tx, "WHERE seq >= ? ORDER BY seq LIMIT ?", from, limit)
		return err
	})
	return out, fromStore(err)
}

// readAudit reads the records that the clause after FROM audit_log selects, their
// images rebuilt.
func readAudit(ctx context.Context, tx *store.Tx, clause string, args ...any) ([]AuditRecord, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+auditCols+" FROM audit_log "+clause, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	m := newImages(ctx, tx)
	for i := range out {
		if err := m.fill(&out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// auditCols are the columns scanAudit reads, in its order.
const auditCols = `seq, at, user_name, action, entity, entity_id, image, ifnull(before, ''), ifnull(after, ''),
	reason, prev_hash, hash, fmt, img_before, img_after`

// scanAudit reads a record as stored (auditCols): the images of a fmt 1 record are left
// to images.fill.
func scanAudit(rows *sql.Rows) (AuditRecord, error) {
	var r AuditRecord
	var at string
	if err := rows.Scan(&r.Seq, &at, &r.User, &r.Action, &r.Entity, &r.EntityID, &r.Image, &r.Before, &r.After,
		&r.Reason, &r.PrevHash, &r.Hash, &r.Fmt, &r.ImgBefore, &r.ImgAfter); err != nil {
		return r, err
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return r, fmt.Errorf("audit record %d: time %q: %w", r.Seq, at, err)
	}
	r.At = t
	return r, nil
}

// ChainHead returns the last record's sequence number and hash: the accountant keeps it
// to prove later that nothing before it changed.
func (b *Book) ChainHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
		if err == sql.ErrNoRows {
			return nil
		}
		return err
	})
	return seq, hash, fromStore(err)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return strings.TrimSpace(string(b))
}

func toInt64(id any) int64 {
	switch v := id.(type) {
	case int64:
		return v
	case int:
		return int64(v)
	}
	var n int64
	fmt.Sscan(fmt.Sprint(id), &n)
	return n
}
