package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	kflate "github.com/klauspost/compress/flate"

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

// inflaters keep flate readers, each with its source (inflater).
var inflaters = sync.Pool{New: func() any {
	f := &inflater{}
	f.r = kflate.NewReaderDict(&f.src, imageDictBytes)
	return f
}}

// imageDictBytes is imageDict as the flate API takes it, made once: a reader copies it
// into its window at each Reset, so it is never written.
var imageDictBytes = []byte(imageDict)

// inflater is a flate reader with the source it reads, kept together in a pool so that
// inflating an image allocates nothing but its output. It is klauspost/compress's
// decoder (the backups' gzip already uses that module): any decoder gives the same
// bytes, and verify, which inflates every document's images, spends a quarter less in
// this one, which also deflates them (deflateImage).
type inflater struct {
	src bytes.Reader
	r   io.ReadCloser
}

// deflateImage is tag and s deflated with imageDict. The writer is klauspost/compress's
// stateless encoder: it keeps no state between calls, so a call pays for hashing the
// dictionary and the image and nothing else, where the standard library's writer
// cleared ~640 KB of match tables at each reset — half an image's cost, a fifth of a
// document's save in a batch — for images ~15% smaller. Any encoder's output inflates
// the same way; the format does not name one.
func deflateImage(tag byte, s string) []byte {
	var buf bytes.Buffer
	buf.Grow(len(s)/3 + 16)
	buf.WriteByte(tag)
	if err := kflate.StatelessDeflate(&buf, []byte(s), true, imageDictBytes); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
	return buf.Bytes()
}

func inflateImage(data []byte) (string, error) {
	out, err := appendInflated(make([]byte, 0, 512), data)
	return string(out), err
}

// appendInflated appends what data inflates to (raw DEFLATE with imageDict) to dst.
func appendInflated(dst, data []byte) ([]byte, error) {
	f := inflaters.Get().(*inflater)
	defer inflaters.Put(f)
	f.src.Reset(data)
	if err := f.r.(kflate.Resetter).Reset(&f.src, imageDictBytes); err != nil {
		return dst, err
	}
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := f.r.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
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
	out, err := appendDelta(make([]byte, 0, len(before)+len(delta)), []byte(before), []byte(delta), nil)
	return string(out), err
}

// appendDelta appends to dst the image applyDelta rebuilds from before and delta; sc,
// when not nil, keeps the members it cuts from one call to the next.
func appendDelta(dst, before, delta []byte, sc *deltaScratch) ([]byte, error) {
	if sc == nil {
		sc = &deltaScratch{}
	}
	var ok bool
	if sc.base, ok = splitObject(sc.base[:0], before, true); !ok {
		return dst, errors.New("delta base: not a compact JSON object")
	}
	if sc.top, ok = splitObject(sc.top[:0], delta, false); !ok { // {"set":…,"del":…}
		return dst, errors.New("delta: not a compact JSON object")
	}
	sc.set = sc.set[:0]
	setAt := 0 // where in the delta the set object starts: its members' offsets count from there
	var del map[string]bool
	for _, m := range sc.top {
		switch string(m.key(delta)) {
		case `"set"`:
			if sc.set, ok = splitObject(sc.set[:0], m.val(delta), true); !ok {
				return dst, errors.New("delta: set is not an object")
			}
			setAt = m.vs
		case `"del"`:
			var keys []string
			if err := json.Unmarshal(m.val(delta), &keys); err != nil {
				return dst, fmt.Errorf("delta: del: %w", err)
			}
			del = map[string]bool{}
			for _, k := range keys {
				del[string(appendCanonString(nil, k))] = true
			}
		default:
			return dst, fmt.Errorf("delta: unknown member %s", m.key(delta))
		}
	}
	set := delta[setAt:]
	dst = append(dst, '{')
	first := true
	sc.marked = [2]int{-1, -1}
	put := func(src []byte, m member) {
		if del[string(m.key(src))] {
			return
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		if sc.mark != "" && string(m.name(src)) == sc.mark {
			sc.marked = [2]int{len(dst) + m.vs - m.ks, len(dst) + m.ve - m.ks}
		}
		dst = append(dst, src[m.ks:m.ve]...) // "key":value
	}
	base := sc.base
	i, j := 0, 0
	for i < len(base) || j < len(sc.set) {
		var c int
		switch {
		case j == len(sc.set):
			c = -1
		case i == len(base):
			c = 1
		default:
			c = bytes.Compare(base[i].name(before), sc.set[j].name(set))
		}
		switch {
		case c < 0:
			put(before, base[i])
			i++
		case c > 0:
			put(set, sc.set[j])
			j++
		default: // the same key: the delta's value
			put(set, sc.set[j])
			i++
			j++
		}
	}
	return append(dst, '}'), nil
}

// deltaScratch is what appendDelta cuts its objects into, kept between calls.
type deltaScratch struct {
	base, top, set []member
	// mark names a member whose value's place in its output appendDelta records in
	// marked: offsets into dst, -1 when the output has no such member.
	mark   string
	marked [2]int
}

// member is one member of a compact JSON object, as offsets into the object's text: its
// key as written (quoted) is [ks:ke], its value [vs:ve], with a colon between them.
type member struct {
	ks, ke, vs, ve int
}

func (m member) key(s []byte) []byte  { return s[m.ks:m.ke] }
func (m member) name(s []byte) []byte { return s[m.ks+1 : m.ke-1] }
func (m member) val(s []byte) []byte  { return s[m.vs:m.ve] }

// splitObject appends to ms the members of the compact JSON object s, in order, or
// returns ok false when s is not one, its keys need unescaping, or, when sorted, they
// are not in order.
func splitObject(ms []member, s []byte, sorted bool) (_ []member, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return ms, false
	}
	i := 1
	if s[i] == '}' {
		return ms, i == len(s)-1
	}
	first := len(ms)
	for {
		if i >= len(s) || s[i] != '"' {
			return ms, false
		}
		end := bytes.IndexByte(s[i+1:], '"')
		if end < 0 {
			return ms, false
		}
		m := member{ks: i, ke: i + end + 2}
		if bytes.IndexByte(m.key(s), '\\') >= 0 {
			return ms, false
		}
		i = m.ke
		if i >= len(s) || s[i] != ':' {
			return ms, false
		}
		i++
		n := skipValue(s, i)
		if n <= i {
			return ms, false
		}
		m.vs, m.ve = i, n
		if sorted && len(ms) > first && bytes.Compare(ms[len(ms)-1].name(s), m.name(s)) >= 0 {
			return ms, false
		}
		ms = append(ms, m)
		i = n
		if i >= len(s) {
			return ms, false
		}
		switch s[i] {
		case ',':
			i++
		case '}':
			return ms, i == len(s)-1
		default:
			return ms, false
		}
	}
}

// skipValue returns where the compact JSON value starting at s[i] ends, or i when it
// does not end well.
func skipValue(s []byte, i int) int {
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
	return encodeDelta(before, delta, depth)
}

// smallDelta is the size under which encodeAfter takes a delta as it is.
const smallDelta = 48

func refImage(seq int64) []byte {
	return binary.AppendUvarint([]byte{'R'}, uint64(seq))
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
	bufs  [][]byte           // scratch for the images deltas apply to (appendAfter)
	delta deltaScratch
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
	if r.fmt == 0 {
		return r.before, 0, nil
	}
	b, depth, err := m.appendBefore(nil, r, 0)
	return string(b), depth, err
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
	b, depth, err := m.appendAfter(nil, r, hops)
	return string(b), depth, err
}

// appendBefore appends a record's before image to dst (nothing for none) and tells how
// many deltas it took; hops counts the references followed to get here.
func (m *images) appendBefore(dst []byte, r auditRow, hops int) ([]byte, int, error) {
	if r.fmt == 0 {
		return append(dst, r.before...), 0, nil
	}
	if r.imgBefore == nil {
		return dst, 0, nil
	}
	if r.imgBefore[0] == 'R' {
		seq, n := binary.Uvarint(r.imgBefore[1:])
		if n <= 0 || int64(seq) >= r.seq || hops > maxImageDepth+1 {
			return dst, 0, fmt.Errorf("audit record %d: %w", r.seq, errBadImage)
		}
		if a, ok := m.after[int64(seq)]; ok {
			return append(dst, a.img...), a.depth, nil
		}
		t, err := m.row(int64(seq))
		if err != nil {
			return dst, 0, err
		}
		return m.appendAfter(dst, t, hops+1)
	}
	dst, err := appendFull(dst, r.imgBefore)
	if err != nil {
		return dst, 0, fmt.Errorf("audit record %d: %w", r.seq, err)
	}
	return dst, 0, nil
}

// appendAfter appends a record's after image to dst (nothing for none) and tells how
// many deltas it took. A delta's before image is rebuilt in a buffer of m's own.
func (m *images) appendAfter(dst []byte, r auditRow, hops int) ([]byte, int, error) {
	if r.fmt == 0 {
		return append(dst, r.after...), 0, nil
	}
	if r.imgAfter == nil {
		return dst, 0, nil
	}
	switch r.imgAfter[0] {
	case 'D', 'E':
		delta := r.imgAfter[1:]
		if r.imgAfter[0] == 'E' {
			var err error
			delta, err = appendInflated(m.buffer(2*hops), r.imgAfter[1:])
			m.keep(2*hops, delta)
			if err != nil {
				return dst, 0, fmt.Errorf("audit record %d: %w", r.seq, err)
			}
		}
		before, depth, err := m.appendBefore(m.buffer(2*hops+1), r, hops)
		m.keep(2*hops+1, before)
		if err != nil {
			return dst, 0, err
		}
		if dst, err = appendDelta(dst, before, delta, &m.delta); err != nil {
			return dst, 0, fmt.Errorf("audit record %d: %w", r.seq, err)
		}
		return dst, depth + 1, nil
	}
	dst, err := appendFull(dst, r.imgAfter)
	if err != nil {
		return dst, 0, fmt.Errorf("audit record %d: %w", r.seq, err)
	}
	return dst, 0, nil
}

// buffer is m's scratch buffer i, emptied; keep hands it back, grown as it was used.
func (m *images) buffer(i int) []byte {
	for len(m.bufs) <= i {
		m.bufs = append(m.bufs, make([]byte, 0, 4096))
	}
	return m.bufs[i][:0]
}

func (m *images) keep(i int, b []byte) {
	if cap(b) > cap(m.bufs[i]) {
		m.bufs[i] = b
	}
}

func decodeFull(b []byte) (string, error) {
	if b[0] == 'J' {
		return string(b[1:]), nil
	}
	out, err := appendFull(make([]byte, 0, 512), b)
	return string(out), err
}

// appendFull appends a whole stored image ('J' or 'Z') to dst.
func appendFull(dst, b []byte) ([]byte, error) {
	switch b[0] {
	case 'J':
		return append(dst, b[1:]...), nil
	case 'Z':
		return appendInflated(dst, b[1:])
	}
	return dst, errBadImage
}

// encodeImages is how appendAudit stores an image change: the before image as a
// reference to the entity's previous record when that record's after image is it, the
// after image as a delta where shorter. It also tells how many deltas rebuilding the
// after image takes. A hint spares the look-ups a caller can answer (imageHint).
func encodeImages(ctx context.Context, tx *store.Tx, e, id, before, after string, hint imageHint) (imgBefore, imgAfter []byte, afterDepth int, err error) {
	depth := 0
	if before != "" {
		if p := hint.prev; p != nil && p.img != "" && p.img == before {
			imgBefore, depth = refImage(p.seq), p.depth
		} else {
			var prev int64
			err := tx.QueryRowContext(ctx, `SELECT seq FROM audit_log WHERE image = 1 AND entity = ? AND entity_id = ?
				ORDER BY seq DESC LIMIT 1`, e, id).Scan(&prev)
			if err != nil && err != sql.ErrNoRows {
				return nil, nil, 0, err
			}
			if err == nil {
				img, d, err := newImages(ctx, tx).afterOf(prev)
				if err != nil {
					return nil, nil, 0, err
				}
				if img == before {
					imgBefore, depth = refImage(prev), d
				}
			}
		}
		if imgBefore == nil {
			imgBefore = encodeFull(before)
		}
	}
	switch {
	case hint.delta != "" && before != "":
		imgAfter = encodeDelta(before, hint.delta, depth)
	case after != "":
		imgAfter = encodeAfter(before, after, depth)
	}
	if imgAfter != nil && (imgAfter[0] == 'D' || imgAfter[0] == 'E') {
		afterDepth = depth + 1
	}
	return imgBefore, imgAfter, afterDepth, nil
}

// imageHint is what the caller of appendAudit knows that spares encodeImages work.
type imageHint struct {
	// prev is a record written earlier in the transaction, for the same entity: when its
	// after image is the new record's before image, the before image refers to it
	// without reading the trail.
	prev *imageRef
	// delta, when set, is the change as a delta (imageDelta's form, values as canonJSON
	// writes them) from the record's before image: the record's After is not needed.
	delta string
}

// imageRef is the after image of an audit record just written: its seq, the image
// ("" when the writer did not need it whole) and how many deltas rebuilding it takes.
type imageRef struct {
	seq   int64
	img   string
	depth int
}

// encodeDelta stores an after image given as a delta from before (whose rebuilding
// takes depth deltas): the delta ('D', or 'E' deflated when shorter) when it is short
// or shorter than the whole image, the whole image past maxImageDepth.
func encodeDelta(before, delta string, depth int) []byte {
	enc := append([]byte{'D'}, delta...)
	if depth < maxImageDepth {
		if z := deflateImage('E', delta); len(z) < len(enc) {
			enc = z
		}
		if len(enc) <= smallDelta {
			return enc
		}
	}
	after, err := applyDelta(before, delta)
	if err != nil {
		panic(fmt.Sprintf("audit delta %s: %v", delta, err)) // the caller's delta is of its own making
	}
	if full := encodeFull(after); depth >= maxImageDepth || len(full) <= len(enc) {
		return full
	}
	return enc
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
