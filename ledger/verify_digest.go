package ledger

import (
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"shopbooks/store"
)

// Verify reads the audit trail only to hash it: it does so inside SQLite, through an
// aggregate function (store.Digest), instead of fetching every column of every record
// through the driver.
func init() {
	for name, make := range map[string]func() store.Digest{
		"verify_chain":     func() store.Digest { return &chainDigest{} },
		"verify_net":       func() store.Digest { return &netDigest{} },
		"verify_doc_heads": func() store.Digest { return &headsDigest{} },
		"verify_doc_lines": func() store.Digest { return &linesDigest{} },
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
type chainDigest struct {
	h     recordHasher
	prev  []byte // the previous record's hash (a copy: SQLite reuses the row's memory)
	want  int64
	bad   int64
	begun bool
}

func (c *chainDigest) Step(args []driver.Value) error {
	if c.bad != 0 {
		return nil
	}
	if !c.begun {
		first, _ := args[0].(int64)
		prev, _ := args[1].(string)
		c.want, c.prev, c.begun = first, append(c.prev[:0], prev...), true
	}
	hash, ok := c.check(args[2:])
	if !ok {
		c.bad = c.want
		return nil
	}
	c.prev, c.want = append(c.prev[:0], hash...), c.want+1
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

func (c *chainDigest) Result() (driver.Value, error) { return c.bad, nil }

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
// that overflows does not cancel.
type netDigest struct {
	at    map[string]int // a key's JSON text → its sums' index in sums
	sums  []int64        // m a key
	over  []bool         // a key's sums overflowed
	keys  []string       // in the order met
	key   []byte
	n, m  int
	begun bool
}

func (d *netDigest) Step(args []driver.Value) error {
	if !d.begun {
		n, ok := args[0].(int64)
		if !ok || n < 1 || int(n) >= len(args) {
			return errors.New("verify_net: the key's length comes first")
		}
		d.n, d.m, d.at, d.begun = int(n), len(args)-1-int(n), map[string]int{}, true
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
	at, ok := d.at[string(d.key)]
	if !ok {
		key := string(d.key) // a copy: the key outlives the row
		at = d.newKey(key)
		d.at[key] = at
	}
	return d.add(at, args[1+d.n:])
}

// newKey makes room for the sums of a key met for the first time.
func (d *netDigest) newKey(text string) int {
	d.keys = append(d.keys, text)
	d.sums = append(d.sums, make([]int64, d.m)...)
	d.over = append(d.over, false)
	return len(d.keys) - 1
}

// add adds a row's values to the sums of key at.
func (d *netDigest) add(at int, values []driver.Value) error {
	sums := d.sums[at*d.m : (at+1)*d.m]
	for i, v := range values {
		switch v := v.(type) {
		case nil:
		case int64:
			s := sums[i] + v
			if (v > 0 && s < sums[i]) || (v < 0 && s > sums[i]) {
				d.over[at] = true
			}
			sums[i] = s
		default:
			return fmt.Errorf("verify_net: a value of type %T", v)
		}
	}
	return nil
}

func (d *netDigest) Result() (driver.Value, error) {
	out := []byte{'['}
	for at, key := range d.keys {
		if !d.over[at] && !slices.ContainsFunc(d.sums[at*d.m:(at+1)*d.m], func(s int64) bool { return s != 0 }) {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, key...)
	}
	return string(append(out, ']')), nil
}
