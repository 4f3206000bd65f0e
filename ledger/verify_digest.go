package ledger

import (
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"time"

	"shopbooks/store"
)

// Verify reads the audit trail only to hash it: it does so inside SQLite, through an
// aggregate function (store.Digest), instead of fetching every column of every record
// through the driver.
func init() {
	if err := store.RegisterDigest("verify_chain", func() store.Digest { return &chainDigest{} }); err != nil {
		panic(err)
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
