package ledger

import (
	"crypto/sha256"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"shopbooks/store"
)

// Verify reads the audit trail only to hash it: it does so inside SQLite, through an
// aggregate function (store.Digest), instead of fetching every column of every record
// through the driver.
func init() {
	for name, make := range map[string]func() store.Digest{
		"verify_chain":      func() store.Digest { return &chainDigest{} },
		"verify_chain_keep": func() store.Digest { return &chainDigest{keeping: true} },
		"verify_net":        func() store.Digest { return &netDigest{} },
		"verify_sums":       func() store.Digest { return &netDigest{state: true} },
		"verify_pack":       func() store.Digest { return &packDigest{} },
		"verify_doc_heads":  func() store.Digest { return &headsDigest{} },
		"verify_doc_lines":  func() store.Digest { return &linesDigest{} },
	} {
		if err := store.RegisterDigest(name, make); err != nil {
			panic(err)
		}
	}
}

// chainDigest is verify_chain(first, prev, auditCols…): it checks the records in the
// order given, from seq first on, the hash before first being prev, and its value is
// the seq of the first record that does not hash to its hash, link to its predecessor
// or number on without a gap (0 when all do).
//
// verify_chain_keep(first, prev, entity, auditCols…) is the same check that also keeps
// the image records of entity, as latestImageBytes reads them (entity_id, then
// auditRowCols), packed as verify_pack packs them in the order of the trail: its value
// is the seq (8 bytes, big-endian), then the records.
type chainDigest struct {
	h       recordHasher
	prev    []byte // the previous record's hash (a copy: SQLite reuses the row's memory)
	want    int64
	bad     int64
	begun   bool
	keeping bool
	keep    string     // the entity whose records are kept
	kept    packDigest // its records
	row     []driver.Value
}

func (c *chainDigest) Step(args []driver.Value) error {
	if c.bad != 0 {
		return nil
	}
	if !c.begun {
		first, _ := args[0].(int64)
		prev, _ := args[1].(string)
		c.want, c.prev, c.begun = first, append(c.prev[:0], prev...), true
		if c.keeping {
			keep, _ := args[2].(string)
			c.keep = strings.Clone(keep)
		}
	}
	rec := args[2:]
	if c.keeping {
		rec = args[3:]
	}
	hash, ok := c.check(rec)
	if !ok {
		c.bad = c.want
		return nil
	}
	c.prev, c.want = append(c.prev[:0], hash...), c.want+1
	if c.keeping && rec[6] == int64(1) && rec[4] == c.keep {
		// entity_id, then auditRowCols: seq, fmt, before, after, img_before, img_after.
		c.row = append(c.row[:0], rec[5], rec[0], rec[12], rec[7], rec[8], rec[13], rec[14])
		return c.kept.Step(c.row)
	}
	return nil
}

// check tells whether the record in args (auditCols) is the one expected next, with
// its hash.
func (c *chainDigest) check(args []driver.Value) (hash string, ok bool) {
	var r AuditRecord
	var at string
	var image, format int64
	if len(args) != 15 ||
		!as(args[0], &r.Seq) || !as(args[1], &at) || !as(args[2], &r.User) || !as(args[3], &r.Action) ||
		!as(args[4], &r.Entity) || !as(args[5], &r.EntityID) || !as(args[6], &image) || !as(args[7], &r.Before) ||
		!as(args[8], &r.After) || !as(args[9], &r.Reason) || !as(args[10], &r.PrevHash) || !as(args[11], &r.Hash) ||
		!as(args[12], &format) || !asBlob(args[13], &r.ImgBefore) || !asBlob(args[14], &r.ImgAfter) ||
		(image != 0 && image != 1) {
		return "", false
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil || r.Seq != c.want || r.PrevHash != string(c.prev) {
		return "", false
	}
	r.At, r.Image, r.Fmt = t, image == 1, int(format)
	sum, err := c.h.sum(&r)
	var hexSum [2 * sha256.Size]byte
	if hex.Encode(hexSum[:], sum[:]); err != nil || string(hexSum[:]) != r.Hash {
		return "", false
	}
	return r.Hash, true
}

func (c *chainDigest) Result() (driver.Value, error) {
	if !c.keeping {
		return c.bad, nil
	}
	return append(binary.BigEndian.AppendUint64(nil, uint64(c.bad)), c.kept.out...), nil
}

// as sets *dst to v when v is a T.
func as[T any](v driver.Value, dst *T) bool {
	x, ok := v.(T)
	*dst = x
	return ok
}

// asBlob sets *dst to v, a BLOB or NULL.
func asBlob(v driver.Value, dst *[]byte) bool {
	if v == nil {
		*dst = nil
		return true
	}
	return as(v, dst)
}

// netDigest is verify_net(n, k1…kn, v1…vm): it adds up the values v of the rows that
// share a key k1…kn, and its value is the keys whose sums are not all zero, as a JSON
// array of arrays: GROUP BY k1…kn HAVING sum(v1) <> 0 OR …, the sums kept in a hash
// table instead of the rows sorted. The values are integers (NULL adds nothing); a sum
// that overflows does not cancel. verify_sums(n, k1…kn, v1…vm) is the same digest whose
// value is every key's sums (appendState), for merge to net against others.
type netDigest struct {
	at    map[string]int // a key's JSON text → its sums' index in sums
	sums  []int64        // m a key
	over  []bool         // a key's sums overflowed
	keys  []string       // in the order met
	key   []byte
	n, m  int
	begun bool
	state bool // the value is every key's sums (appendState), not the unsettled keys
}

func (d *netDigest) Step(args []driver.Value) error {
	if !d.begun {
		n, ok := args[0].(int64)
		if !ok || n < 1 || int(n) >= len(args) {
			return errors.New("verify_net: the key's length comes first")
		}
		d.start(int(n), len(args)-1-int(n))
	}
	if len(args) != 1+d.n+d.m {
		return errors.New("verify_net: rows of different lengths")
	}
	d.key = append(d.key[:0], '[')
	for i, k := range args[1 : 1+d.n] {
		if i > 0 {
			d.key = append(d.key, ',')
		}
		switch k := k.(type) {
		case nil:
			d.key = append(d.key, "null"...)
		case int64:
			d.key = strconv.AppendInt(d.key, k, 10)
		case string:
			d.key = appendCanonString(d.key, k)
		default:
			return fmt.Errorf("verify_net: a key of type %T", k)
		}
	}
	d.key = append(d.key, ']')
	at := d.index(d.key)
	sums := d.sums[at*d.m : (at+1)*d.m]
	for i, v := range args[1+d.n:] {
		switch v := v.(type) {
		case nil:
		case int64:
			d.add(at, sums, i, v)
		default:
			return fmt.Errorf("verify_net: a value of type %T", v)
		}
	}
	return nil
}

// start makes d a digest of keys of n values and sums of m.
func (d *netDigest) start(n, m int) {
	d.n, d.m, d.at, d.begun = n, m, map[string]int{}, true
}

// index is where the sums of the key whose JSON text is key are, made for a key met
// for the first time.
func (d *netDigest) index(key []byte) int {
	if at, ok := d.at[string(key)]; ok {
		return at
	}
	text := string(key) // a copy: the key outlives the row
	d.keys = append(d.keys, text)
	d.sums = append(d.sums, make([]int64, d.m)...)
	d.over = append(d.over, false)
	d.at[text] = len(d.keys) - 1
	return len(d.keys) - 1
}

// add adds v to sums[i], the sums of the key at.
func (d *netDigest) add(at int, sums []int64, i int, v int64) {
	s := sums[i] + v
	if (v > 0 && s < sums[i]) || (v < 0 && s > sums[i]) {
		d.over[at] = true
	}
	sums[i] = s
}

// unsettled is the keys whose sums are not all zero, in the order met.
func (d *netDigest) unsettled() []string {
	var out []string
	for at, key := range d.keys {
		if d.over[at] || slices.ContainsFunc(d.sums[at*d.m:(at+1)*d.m], func(s int64) bool { return s != 0 }) {
			out = append(out, key)
		}
	}
	return out
}

// appendState appends what merge takes: m, then each key with its sums.
func (d *netDigest) appendState(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(d.m))
	for at, key := range d.keys {
		b = binary.AppendUvarint(b, uint64(len(key)))
		b = append(b, key...)
		for _, s := range d.sums[at*d.m : (at+1)*d.m] {
			b = binary.AppendVarint(b, s)
		}
		if d.over[at] {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b
}

// merge adds the sums of a digest's state (appendState) to d's.
func (d *netDigest) merge(state []byte) error {
	bad := errors.New("verify_net: a damaged state")
	m, n := binary.Uvarint(state)
	if n <= 0 || (d.begun && int(m) != d.m) {
		return bad
	}
	if !d.begun {
		d.start(0, int(m))
	}
	for state = state[n:]; len(state) > 0; {
		l, n := binary.Uvarint(state)
		if n <= 0 || uint64(len(state)-n) < l {
			return bad
		}
		at := d.index(state[n : n+int(l)])
		state = state[n+int(l):]
		sums := d.sums[at*d.m : (at+1)*d.m]
		for i := range sums {
			v, n := binary.Varint(state)
			if n <= 0 {
				return bad
			}
			d.add(at, sums, i, v)
			state = state[n:]
		}
		if len(state) == 0 {
			return bad
		}
		d.over[at] = d.over[at] || state[0] != 0
		state = state[1:]
	}
	return nil
}

func (d *netDigest) Result() (driver.Value, error) {
	if d.state {
		if !d.begun {
			return nil, nil // no rows
		}
		return d.appendState(nil), nil
	}
	out := []byte{'['}
	for _, key := range d.unsettled() {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, key...)
	}
	return string(append(out, ']')), nil
}

// packDigest is verify_pack(v1…vn): its value is its rows, each value as packedRows
// reads it, in one BLOB — a read of many small rows that leaves the per-row and
// per-column work of the driver (each value fetched, locked for and copied on its own)
// to one copy of the whole.
type packDigest struct{ out []byte }

// The kinds of a packed value.
const (
	packNull byte = iota
	packInt
	packText
	packBlob
)

func (d *packDigest) Step(args []driver.Value) error {
	d.out = binary.AppendUvarint(d.out, uint64(len(args)))
	for _, v := range args {
		switch v := v.(type) {
		case nil:
			d.out = append(d.out, packNull)
		case int64:
			d.out = binary.AppendVarint(append(d.out, packInt), v)
		case string:
			d.out = append(binary.AppendUvarint(append(d.out, packText), uint64(len(v))), v...)
		case []byte:
			d.out = append(binary.AppendUvarint(append(d.out, packBlob), uint64(len(v))), v...)
		default:
			return fmt.Errorf("verify_pack: a value of type %T", v)
		}
	}
	return nil
}

func (d *packDigest) Result() (driver.Value, error) {
	if d.out == nil {
		return []byte{0}, nil // a zero-length BLOB would read as none
	}
	return d.out, nil
}

// packedRows reads verify_pack's value row by row, as database/sql's Rows would: in
// the order packed, or in the order sortBy puts them.
type packedRows struct {
	b     []byte
	row   []driver.Value
	err   error
	order [][]byte // the rows still to read, each from its start, once sorted
}

// sortBy orders the rows by their value col (a text), keeping the order of equal ones.
func (r *packedRows) sortBy(col int) error {
	type at struct {
		key  string
		from []byte
	}
	var rows []at
	for from := r.b; r.Next(); from = r.b {
		key, ok := r.row[col].(string)
		if !ok {
			return fmt.Errorf("verify_pack: a key %v", r.row[col])
		}
		rows = append(rows, at{key, from})
	}
	if r.err != nil {
		return r.err
	}
	slices.SortStableFunc(rows, func(a, b at) int { return strings.Compare(a.key, b.key) })
	r.order = make([][]byte, len(rows))
	for i, row := range rows {
		r.order[i] = row.from
	}
	r.b = nil
	return nil
}

// Next reads the next row into r.row; false at the end or on damage (r.err).
func (r *packedRows) Next() bool {
	if r.order != nil {
		if len(r.order) == 0 {
			return false
		}
		r.b, r.order = r.order[0], r.order[1:]
		if len(r.order) == 0 {
			r.order = [][]byte{} // the end, not unsorted
		}
	}
	if len(r.b) == 0 || (len(r.b) == 1 && r.b[0] == 0) {
		return false
	}
	bad := func() bool { r.err = errors.New("verify_pack: a damaged value"); return false }
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)) {
		return bad()
	}
	r.b, r.row = r.b[k:], r.row[:0]
	for range n {
		if len(r.b) == 0 {
			return bad()
		}
		kind := r.b[0]
		r.b = r.b[1:]
		switch kind {
		case packNull:
			r.row = append(r.row, nil)
		case packInt:
			v, k := binary.Varint(r.b)
			if k <= 0 {
				return bad()
			}
			r.row, r.b = append(r.row, v), r.b[k:]
		case packText, packBlob:
			l, k := binary.Uvarint(r.b)
			if k <= 0 || l > uint64(len(r.b)-k) {
				return bad()
			}
			v := r.b[k : k+int(l) : k+int(l)]
			if kind == packText {
				r.row = append(r.row, string(v))
			} else {
				r.row = append(r.row, v)
			}
			r.b = r.b[k+int(l):]
		default:
			return bad()
		}
	}
	return true
}

// Err is what stopped Next before the end.
func (r *packedRows) Err() error { return r.err }

// Scan sets each of dest (*int64, *int, *string or *[]byte) to the row's value, as
// database/sql converts them (NULL to a nil []byte).
func (r *packedRows) Scan(dest ...any) error {
	if len(dest) != len(r.row) {
		return fmt.Errorf("verify_pack: %d values for %d", len(r.row), len(dest))
	}
	for i, d := range dest {
		ok := false
		switch d := d.(type) {
		case *int64:
			ok = as(r.row[i], d)
		case *int:
			var v int64
			ok = as(r.row[i], &v)
			*d = int(v)
		case *string:
			ok = as(r.row[i], d)
		case *[]byte:
			ok = asBlob(r.row[i], d)
		}
		if !ok {
			return fmt.Errorf("verify_pack: value %d (%T) into %T", i, r.row[i], d)
		}
	}
	return nil
}
