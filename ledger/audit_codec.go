package ledger

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"shopbooks/store"
)

// How the audit trail stores images (schema 6 on). DOMAIN.md §9 asks every change of a
// row for its full before and after images. Stored as JSON text, they made three
// quarters of a busy shop's book: a document's save and audit wrote its whole image
// three times. A record of an image change (fmt 1) keeps both images exactly — each can
// be rebuilt byte for byte — in the blobs img_before and img_after, each one tag byte
// and its data:
//
//	'J' the image as JSON text
//	'Z' the image deflated (raw DEFLATE, RFC 1951) with imageDict as preset dictionary
//	'R' (before only) an unsigned varint: the seq of the earlier record whose after
//	    image this before image is — the entity's previous image, not copied again
//	'D' (after only) a delta, as JSON, to apply to this record's before image
//	'E' a 'D' delta deflated like 'Z'
//
// The writer picks the shortest form and checks, before storing a reference or a delta,
// that it rebuilds the image exactly (otherwise the image is stored whole). A delta is
// {"set":{key:value…},"del":[key…]} over the image's top-level keys, values as their
// JSON text; images are canonical (sorted keys, as json.Marshal writes a map), so the
// rebuilt image is the same bytes. A chain of deltas is at most maxImageDepth long.
//
// The hash of a fmt 1 record covers the stored bytes (AuditRecord.computeHash): the
// chain proves the blobs, and the blobs determine the images, so verify checks the
// chain without decompressing anything and rebuilds images only where it compares them
// with rows. Records of fmt 0 (books written before schema 6, and events, which have no
// images) keep before/after as JSON text, hashed as they always were.

// compactImages is false only in tests that write records as books before schema 6 did.
var compactImages = true

// maxImageDepth bounds how many deltas rebuilding an image may apply.
const maxImageDepth = 12

// imageDict primes the compression of images with the keys and shapes they repeat. It
// is part of the stored format: never change it (a new dictionary needs a new tag).
const imageDict = `{"active":1,"name":"","name_en":"","version":1}` +
	`{"closed":0,"closed_at":null,"closed_by":null,"period":"2025-01"}` +
	`{"account":"1122","amount":0,"id":1,"partner_id":null,"ytd_credit":0,"ytd_debit":0}` +
	`{"amount":0,"id":1,"item_id":1,"qty":10000,"warehouse_id":1}` +
	`{"active":1,"can_unclose":0,"can_view_cost":0,"id":1,"name":"admin","password_digest":null,"role":"admin","version":1}` +
	`{"active":1,"aux":"","aux_required":0,"category":"A","code":"1122","controlled":0,"level":1,"name":"应收账款","name_en":"Accounts receivable","parent":null,"seeded":1,"settlement":0,"side":"D","version":1}` +
	`{"active":1,"address":"","code":"K001","contact":"","id":1,"is_customer":1,"is_supplier":0,"mnemonic":"","name":"","phone":"","tax_id":"","terms_days":30,"version":1}` +
	`{"active":1,"barcode":"6900000000000","buy_price":10000000,"category_id":1,"code":"SP0001","id":1,"mnemonic":"","name":"","other_business":0,"ref_cost":10000000,"reorder_qty":100000,"sell_price":12000000,"spec":"","unit":"个","vat_bp":1300,"version":1}` +
	`{"Period":"2025-01","Date":"2025-01-01","Source":"manual","Status":"unaudited","Summary":"","No":1,"lines":[{"account":"1002","amount":100,"item_id":0,"partner_id":0,"side":"D","summary":""},{"account":"1001","amount":100,"item_id":0,"partner_id":0,"side":"C","summary":""}]}` +
	`{"set":{"audit_seq":1,"audited_at":"2025-01-01T00:00:00Z","auditor":"admin","status":"audited","version":2}}` +
	`{"set":{"audit_seq":null,"audited_at":null,"auditor":null,"status":"draft","version":3}}` +
	`{"account":null,"advance":0,"advance_used":0,"amount":0,"applied":0,"audit_seq":null,"audited_at":null,"auditor":null,"date":"2025-01-01","deductible":0,"gross":0,"id":1,"inclusive":1,"lines":[` +
	`{"abnormal":0,"account":null,"base":0,"book_qty":null,"discount":0,"discount_amount":null,"discount_rate":0,"doc_id":1,"gross":0,"id":1,"inv_amount":0,"item_id":1,"line_no":1,"memo":"","net":0,"price":10000000,"qty":10000,"source_line_id":null,"vat":0,"vat_bp":1300,"vat_override":null,"warehouse_id":1},` +
	`{"abnormal":0,"account":null,"base":0,"book_qty":null,"discount":0,"discount_amount":null,"discount_rate":0,"doc_id":1,"gross":0,"id":2,"inv_amount":0,"item_id":2,"line_no":2,"memo":"","net":0,"price":10000000,"qty":10000,"source_line_id":null,"vat":0,"vat_bp":1300,"vat_override":null,"warehouse_id":1}],` +
	`"made_at":"2025-01-01T00:00:00Z","maker":"admin","memo":"","net":0,"number":"XS-202501-0001","order_closed":0,"paid":0,"partner_id":1,"period":"2025-01","seq":1,"source_id":null,"status":"draft","to_warehouse_id":null,"type":"XS","vat":0,"version":1,"warehouse_id":1}`

var (
	// Deflate's default level: on a document's image it writes within 2% of the best
	// level's size in two thirds of its time (the level is the writer's choice, not part
	// of the format: any level inflates the same way).
	deflaters = sync.Pool{New: func() any {
		w, err := flate.NewWriterDict(nil, flate.DefaultCompression, []byte(imageDict))
		if err != nil {
			panic(err)
		}
		return w
	}}
	inflaters = sync.Pool{New: func() any { return flate.NewReaderDict(bytes.NewReader(nil), []byte(imageDict)) }}
)

func deflateImage(tag byte, s string) []byte {
	var buf bytes.Buffer
	buf.Grow(len(s)/3 + 16)
	buf.WriteByte(tag)
	w := deflaters.Get().(*flate.Writer)
	w.Reset(&buf)
	w.Write([]byte(s)) // a bytes.Buffer does not fail
	w.Close()
	deflaters.Put(w)
	return buf.Bytes()
}

func inflateImage(data []byte) (string, error) {
	r := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(data), []byte(imageDict)); err != nil {
		return "", err
	}
	out, err := io.ReadAll(r)
	return string(out), err
}

// encodeFull stores an image whole: deflated when that is shorter.
func encodeFull(img string) []byte {
	z := deflateImage('Z', img)
	if len(z) < len(img)+1 {
		return z
	}
	return append([]byte{'J'}, img...)
}

// imageDelta is the delta from before to after, or ok false when either is not a JSON
// object.
func imageDelta(before, after string) (string, bool) {
	var b, a map[string]json.RawMessage
	if json.Unmarshal([]byte(before), &b) != nil || json.Unmarshal([]byte(after), &a) != nil || b == nil || a == nil {
		return "", false
	}
	d := struct {
		Set map[string]json.RawMessage `json:"set,omitempty"`
		Del []string                   `json:"del,omitempty"`
	}{Set: map[string]json.RawMessage{}}
	for k, v := range a {
		if bv, ok := b[k]; !ok || !bytes.Equal(bv, v) {
			d.Set[k] = v
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			d.Del = append(d.Del, k)
		}
	}
	out, err := json.Marshal(d)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// applyDelta rebuilds an image from the image it was made against and its delta. Both
// are compact JSON objects with sorted keys, so it merges their top-level members
// without decoding the values (json.Marshal of the merged map writes the same bytes).
func applyDelta(before, delta string) (string, error) {
	base, ok := splitObject(before, true)
	if !ok {
		return "", errors.New("delta base: not a compact JSON object")
	}
	top, ok := splitObject(delta, false) // {"set":…,"del":…}
	if !ok {
		return "", errors.New("delta: not a compact JSON object")
	}
	var set []member
	var del map[string]bool
	for _, m := range top {
		switch m.key {
		case `"set"`:
			if set, ok = splitObject(m.val, true); !ok {
				return "", errors.New("delta: set is not an object")
			}
		case `"del"`:
			var keys []string
			if err := json.Unmarshal([]byte(m.val), &keys); err != nil {
				return "", fmt.Errorf("delta: del: %w", err)
			}
			del = map[string]bool{}
			for _, k := range keys {
				del[string(appendCanonString(nil, k))] = true
			}
		default:
			return "", fmt.Errorf("delta: unknown member %s", m.key)
		}
	}
	var out strings.Builder
	out.Grow(len(before) + len(delta))
	out.WriteByte('{')
	first := true
	put := func(m member) {
		if del[m.key] {
			return
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		out.WriteString(m.key)
		out.WriteByte(':')
		out.WriteString(m.val)
	}
	i, j := 0, 0
	for i < len(base) || j < len(set) {
		switch {
		case j == len(set) || (i < len(base) && base[i].name < set[j].name):
			put(base[i])
			i++
		case i == len(base) || set[j].name < base[i].name:
			put(set[j])
			j++
		default: // the same key: the delta's value
			put(set[j])
			i++
			j++
		}
	}
	out.WriteByte('}')
	return out.String(), nil
}

// member is one member of a JSON object: its key as written (quoted) and as a name,
// and its value as written.
type member struct {
	key, name, val string
}

// splitObject cuts a compact JSON object into its members, in order, or ok false when
// s is not one, its keys need unescaping, or, when sorted, they are not in order.
func splitObject(s string, sorted bool) (ms []member, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	i := 1
	if s[i] == '}' {
		return nil, i == len(s)-1
	}
	ms = make([]member, 0, 48)
	for {
		if i >= len(s) || s[i] != '"' {
			return nil, false
		}
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return nil, false
		}
		key := s[i : i+end+2]
		if strings.IndexByte(key, '\\') >= 0 {
			return nil, false
		}
		i += end + 2
		if i >= len(s) || s[i] != ':' {
			return nil, false
		}
		i++
		n := skipValue(s, i)
		if n <= i {
			return nil, false
		}
		name := key[1 : len(key)-1]
		if sorted && len(ms) > 0 && ms[len(ms)-1].name >= name {
			return nil, false
		}
		ms = append(ms, member{key: key, name: name, val: s[i:n]})
		i = n
		if i >= len(s) {
			return nil, false
		}
		switch s[i] {
		case ',':
			i++
		case '}':
			return ms, i == len(s)-1
		default:
			return nil, false
		}
	}
}

// skipValue returns where the compact JSON value starting at s[i] ends, or i when it
// does not end well.
func skipValue(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch c := s[j]; c {
		case '"':
			for j++; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return i
			}
			if depth == 0 {
				return j + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return j // the end of the enclosing object
			}
			depth--
			if depth == 0 {
				return j + 1
			}
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	if depth == 0 {
		return len(s)
	}
	return i
}

// encodeAfter stores an after image against the record's before image: as a delta when
// that is shorter than the whole image and rebuilds it exactly.
//
// A delta of at most smallDelta bytes is taken without deflating the whole image to
// compare: a whole image (a record's every member) never deflates that small, so only
// its cost would be paid — an audit or an un-audit changes four members of a document.
func encodeAfter(before, after string, depth int) []byte {
	if before == "" || depth >= maxImageDepth {
		return encodeFull(after)
	}
	delta, ok := imageDelta(before, after)
	if !ok {
		return encodeFull(after)
	}
	if back, err := applyDelta(before, delta); err != nil || back != after {
		return encodeFull(after)
	}
	enc := append([]byte{'D'}, delta...)
	if z := deflateImage('E', delta); len(z) < len(enc) {
		enc = z
	}
	if len(enc) <= smallDelta {
		return enc
	}
	if full := encodeFull(after); len(full) <= len(enc) {
		return full
	}
	return enc
}

// smallDelta is the size under which encodeAfter takes a delta as it is.
const smallDelta = 48

func refImage(seq int64) []byte {
	return binary.AppendUvarint([]byte{'R'}, uint64(seq))
}

// blobHash is what a record's hash takes of a stored image: nil for none.
func blobHash(b []byte) any {
	if b == nil {
		return nil
	}
	s := sha256.Sum256(b)
	return fmt.Sprintf("%x", s)
}

var errBadImage = errors.New("audit image: unknown form")

// auditRow is a record as stored: what rebuilding its images reads.
type auditRow struct {
	seq                 int64
	fmt                 int
	before, after       string // fmt 0
	imgBefore, imgAfter []byte // fmt 1
}

// images rebuilds the images of audit records, reading the records they refer to. It
// keeps what it rebuilt for the rest of its read transaction.
type images struct {
	ctx   context.Context
	tx    *store.Tx
	after map[int64]imageAt
	known map[int64]auditRow // records already read, by seq
}

type imageAt struct {
	img   string
	depth int
}

func newImages(ctx context.Context, tx *store.Tx) *images {
	return &images{ctx: ctx, tx: tx, after: map[int64]imageAt{}}
}

const auditRowCols = "seq, fmt, ifnull(before, ''), ifnull(after, ''), img_before, img_after"

// scanAuditRow reads auditRowCols, after the columns of dest.
func scanAuditRow(sc interface{ Scan(...any) error }, dest ...any) (auditRow, error) {
	var r auditRow
	err := sc.Scan(append(dest, &r.seq, &r.fmt, &r.before, &r.after, &r.imgBefore, &r.imgAfter)...)
	return r, err
}

func (m *images) row(seq int64) (auditRow, error) {
	if r, ok := m.known[seq]; ok {
		return r, nil
	}
	r, err := scanAuditRow(m.tx.QueryRowContext(m.ctx, "SELECT "+auditRowCols+" FROM audit_log WHERE seq = ?", seq))
	if err == sql.ErrNoRows {
		return r, fmt.Errorf("audit record %d: referred to but missing", seq)
	}
	return r, err
}

// afterOf is record seq's after image and the number of deltas it took.
func (m *images) afterOf(seq int64) (string, int, error) {
	if a, ok := m.after[seq]; ok {
		return a.img, a.depth, nil
	}
	r, err := m.row(seq)
	if err != nil {
		return "", 0, err
	}
	img, depth, err := m.rowAfter(r, 0)
	if err != nil {
		return "", 0, err
	}
	if len(m.after) > 4096 {
		clear(m.after)
	}
	m.after[seq] = imageAt{img, depth}
	return img, depth, nil
}

// beforeOf is a record's before image ("" for none).
func (m *images) beforeOf(r auditRow) (string, int, error) {
	return m.rowBefore(r, 0)
}

func (m *images) rowBefore(r auditRow, hops int) (string, int, error) {
	if r.fmt == 0 {
		return r.before, 0, nil
	}
	if r.imgBefore == nil {
		return "", 0, nil
	}
	if r.imgBefore[0] == 'R' {
		seq, n := binary.Uvarint(r.imgBefore[1:])
		if n <= 0 || int64(seq) >= r.seq || hops > maxImageDepth+1 {
			return "", 0, fmt.Errorf("audit record %d: %w", r.seq, errBadImage)
		}
		if a, ok := m.after[int64(seq)]; ok {
			return a.img, a.depth, nil
		}
		t, err := m.row(int64(seq))
		if err != nil {
			return "", 0, err
		}
		return m.rowAfter(t, hops+1)
	}
	img, err := decodeFull(r.imgBefore)
	if err != nil {
		return "", 0, fmt.Errorf("audit record %d: %w", r.seq, err)
	}
	return img, 0, nil
}

// afterOfRow is a record's after image ("" for none).
func (m *images) afterOfRow(r auditRow) (string, int, error) {
	if a, ok := m.after[r.seq]; ok {
		return a.img, a.depth, nil
	}
	return m.rowAfter(r, 0)
}

func (m *images) rowAfter(r auditRow, hops int) (string, int, error) {
	if r.fmt == 0 {
		return r.after, 0, nil
	}
	if r.imgAfter == nil {
		return "", 0, nil
	}
	switch r.imgAfter[0] {
	case 'D', 'E':
		delta := string(r.imgAfter[1:])
		if r.imgAfter[0] == 'E' {
			var err error
			if delta, err = inflateImage(r.imgAfter[1:]); err != nil {
				return "", 0, fmt.Errorf("audit record %d: %w", r.seq, err)
			}
		}
		before, depth, err := m.rowBefore(r, hops)
		if err != nil {
			return "", 0, err
		}
		img, err := applyDelta(before, delta)
		if err != nil {
			return "", 0, fmt.Errorf("audit record %d: %w", r.seq, err)
		}
		return img, depth + 1, nil
	}
	img, err := decodeFull(r.imgAfter)
	if err != nil {
		return "", 0, fmt.Errorf("audit record %d: %w", r.seq, err)
	}
	return img, 0, nil
}

func decodeFull(b []byte) (string, error) {
	switch b[0] {
	case 'J':
		return string(b[1:]), nil
	case 'Z':
		return inflateImage(b[1:])
	}
	return "", errBadImage
}

// encodeImages is how appendAudit stores an image change: the before image as a
// reference to the entity's previous record when that record's after image is it, the
// after image as a delta where shorter.
func encodeImages(ctx context.Context, tx *store.Tx, e, id, before, after string) (imgBefore, imgAfter []byte, err error) {
	depth := 0
	if before != "" {
		var prev int64
		err := tx.QueryRowContext(ctx, `SELECT seq FROM audit_log WHERE image = 1 AND entity = ? AND entity_id = ?
			ORDER BY seq DESC LIMIT 1`, e, id).Scan(&prev)
		if err != nil && err != sql.ErrNoRows {
			return nil, nil, err
		}
		if err == nil {
			img, d, err := newImages(ctx, tx).afterOf(prev)
			if err != nil {
				return nil, nil, err
			}
			if img == before {
				imgBefore, depth = refImage(prev), d
			}
		}
		if imgBefore == nil {
			imgBefore = encodeFull(before)
		}
	}
	if after != "" {
		imgAfter = encodeAfter(before, after, depth)
	}
	return imgBefore, imgAfter, nil
}

// fill rebuilds the images of a record read by scanAudit.
func (m *images) fill(r *AuditRecord) error {
	if r.Fmt != 1 {
		return nil
	}
	row := auditRow{seq: r.Seq, fmt: r.Fmt, imgBefore: r.ImgBefore, imgAfter: r.ImgAfter}
	var err error
	if r.Before, _, err = m.beforeOf(row); err != nil {
		return err
	}
	after, depth, err := m.afterOfRow(row)
	if err != nil {
		return err
	}
	r.After = after
	m.after[r.Seq] = imageAt{after, depth}
	return nil
}
