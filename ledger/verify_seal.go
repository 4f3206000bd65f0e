package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"math"
	"strings"

	"shopbooks/store"
)

// verifySeals recomputes each closed period's seal (periodSeal) and compares it with the
// one its latest close recorded.
func verifySeals(ctx context.Context, tx *store.Tx) (*Error, error) {
	return verifySealsFrom(ctx, tx, "")
}

// verifySealsFrom is verifySeals for the closed periods from `from` on. Their vouchers
// are read in one pass, in periodSeal's order (period, then number), inside SQLite
// (verify_seals), each image hashed as it is written.
func verifySealsFrom(ctx context.Context, tx *store.Tx, from Period) (*Error, error) {
	periods, err := column[string](ctx, tx, "SELECT period FROM periods WHERE closed = 1 AND period >= ? ORDER BY period", from)
	if err != nil || len(periods) == 0 {
		return nil, err
	}
	// periodSeal's vouchers: voucherImagesBelow's with no bound.
	var out string
	err = tx.QueryRowContext(ctx, `SELECT verify_seals(`+sealArgs+`) FROM (SELECT `+sealCols+`
		FROM vouchers v JOIN periods p ON p.period = v.period LEFT JOIN voucher_lines l ON l.voucher_id = v.id
		WHERE p.closed = 1 AND v.period >= ?1 AND v.no < ?2 ORDER BY v.period, v.no, l.line_no)`, from, math.MaxInt32).Scan(&out)
	if err != nil {
		return nil, err
	}
	var seals map[string]string
	if err := json.Unmarshal([]byte(out), &seals); err != nil {
		return nil, err
	}
	for _, p := range periods {
		seal, ok := seals[p]
		if !ok {
			seal = sealOf(nil) // a period without vouchers
		}
		var after string
		err := tx.QueryRowContext(ctx, `SELECT ifnull(after, '') FROM audit_log WHERE action = 'period.close' AND image = 0
			AND entity = 'period' AND entity_id = ? ORDER BY seq DESC LIMIT 1`, p).Scan(&after)
		if err == sql.ErrNoRows {
			return refuse(CodeVerifySeal, "period", p), nil
		}
		if err != nil {
			return nil, err
		}
		var rec struct{ Seal string }
		json.Unmarshal([]byte(after), &rec)
		if seal != rec.Seal {
			return refuse(CodeVerifySeal, "period", p), nil
		}
	}
	return nil, nil
}

func init() {
	if err := store.RegisterDigest("verify_seals", func() store.Digest { return &sealDigest{} }); err != nil {
		panic(err)
	}
}

// sealCols is what verify_seals takes of a voucher v and one of its lines l (the line's
// columns NULL for a voucher without lines): the columns voucherImage writes, named as
// sealArgs names them.
const (
	sealCols = `v.period, v.id, v.no, v.date, v.source, v.status, v.summary, l.id AS line, l.account,
		ifnull(l.partner_id, 0) AS partner, ifnull(l.item_id, 0) AS item, l.side, l.amount, l.summary AS line_summary`
	sealArgs = `period, id, no, date, source, status, summary, line, account, partner, item, side, amount, line_summary`
)

// sealDigest is verify_seals(sealCols…) over vouchers joined with their lines, in the
// order of periods, numbers and line numbers: its value is each period's seal as
// periodSeal computes it from the same vouchers, a JSON object from period to seal.
// Each image is written and hashed as its rows come, and nothing is kept of a voucher
// once its last line is written.
type sealDigest struct {
	h      hash.Hash
	buf    []byte // the image of the voucher being written
	period string // its period (a copy: SQLite reuses the row's memory)
	id, no int64
	lines  int // how many of its lines are written
	seals  map[string]string
	begun  bool
}

func (d *sealDigest) Step(args []driver.Value) error {
	var v voucherImg
	var id, no int64
	if len(args) != 14 || !as(args[0], &v.Period) || !as(args[1], &id) || !as(args[2], &no) || !as(args[3], &v.Date) ||
		!as(args[4], &v.Source) || !as(args[5], &v.Status) || !as(args[6], &v.Summary) {
		return errors.New("verify_seals: a voucher of other columns")
	}
	if !d.begun || id != d.id {
		switch {
		case !d.begun:
			d.h, d.seals, d.begun = sha256.New(), map[string]string{}, true
			d.period = strings.Clone(v.Period)
		case v.Period < d.period || (v.Period == d.period && no <= d.no):
			return errors.New("verify_seals: vouchers out of order")
		case v.Period != d.period:
			d.endVoucher()
			d.endPeriod()
			d.period = strings.Clone(v.Period)
		default:
			d.endVoucher()
		}
		v.No = int(no)
		d.id, d.no, d.lines = id, no, 0
		d.buf = v.appendHead(d.buf[:0])
	}
	if args[7] == nil {
		return nil // no lines
	}
	var l voucherImgLine
	if !as(args[8], &l.account) || !as(args[9], &l.partnerID) || !as(args[10], &l.itemID) || !as(args[11], &l.side) ||
		!as(args[12], &l.amount) || !as(args[13], &l.summary) {
		return errors.New("verify_seals: a line of other columns")
	}
	if d.lines == 0 {
		d.buf = append(d.buf, '[')
	} else {
		d.buf = append(d.buf, ',')
	}
	d.buf = l.appendTo(d.buf)
	d.lines++
	return nil
}

// endVoucher hashes the image written, as sealOf does.
func (d *sealDigest) endVoucher() {
	if d.lines == 0 {
		d.buf = append(d.buf, "null}"...) // a voucher without lines writes "lines":null
	} else {
		d.buf = append(d.buf, "]}"...)
	}
	d.h.Write(append(d.buf, '\n'))
}

// endPeriod records the seal of the period hashed.
func (d *sealDigest) endPeriod() {
	d.seals[d.period] = hex.EncodeToString(d.h.Sum(nil))
	d.h.Reset()
}

func (d *sealDigest) Result() (driver.Value, error) {
	if !d.begun {
		return "{}", nil
	}
	d.endVoucher()
	d.endPeriod()
	d.begun = false
	out, err := json.Marshal(d.seals)
	return string(out), err
}
