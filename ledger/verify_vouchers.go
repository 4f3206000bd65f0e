package ledger

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"strconv"
	"strings"

	"shopbooks/store"
)

func init() {
	if err := store.RegisterDigest("verify_vouchers", func() store.Digest { return &vouchersDigest{} }); err != nil {
		panic(err)
	}
}

// voucherPass is what the ledger and seals checks learn of the vouchers from a period on
// and their lines, read once for both, inside SQLite (verify_vouchers): each closed
// period's seal, the first voucher that does not balance, and the lines' sums per
// summary. Both checks of one pass run in one group (one snapshot).
type voucherPass struct {
	from Period
	read bool
	vouchersOut
}

// vouchersOut is verify_vouchers' value.
type vouchersOut struct {
	// Seals maps each closed period with vouchers to its seal (periodSeal).
	Seals map[string]string `json:"seals"`
	// Unbalanced is the first voucher, in period and number order, with fewer than two
	// lines or whose debits and credits differ.
	Unbalanced *struct {
		Period string `json:"period"`
		No     int64  `json:"no"`
	} `json:"unbalanced"`
	// Sums is the lines' debits, credits and P&L carry-forward debits and credits per
	// account, partner, item and period (the keys of account_periods), negated, as
	// netDigest.appendState writes them.
	Sums []byte `json:"sums"`
}

// voucherCols is what verify_vouchers takes of a voucher v (its period p) and one of its
// lines l (the line's columns NULL for a voucher without lines), named as voucherArgs
// names them: whether the voucher is sealed (its period closed, and numbered as
// periodSeal's), the columns voucherImage writes, whether it carries the P&L forward,
// and the line's period where it is not the voucher's.
const (
	voucherCols = `coalesce(p.closed = 1 AND v.no < ?2, 0) AS sealed, v.period, v.id, v.no, v.date, v.source, v.status,
		v.summary, v.is_pl_close AS pl, l.id AS line, l.account, ifnull(l.partner_id, 0) AS partner,
		ifnull(l.item_id, 0) AS item, l.side, l.amount, l.summary AS line_summary,
		nullif(l.period, v.period) AS line_period`
	voucherArgs = `sealed, period, id, no, date, source, status, summary, pl, line, account, partner, item, side,
		amount, line_summary, line_period`
)

// load reads the pass once.
func (p *voucherPass) load(ctx context.Context, tx *store.Tx) error {
	if p.read {
		return nil
	}
	var out string
	err := tx.QueryRowContext(ctx, `SELECT verify_vouchers(`+voucherArgs+`) FROM (SELECT `+voucherCols+`
		FROM vouchers v LEFT JOIN periods p ON p.period = v.period LEFT JOIN voucher_lines l ON l.voucher_id = v.id
		WHERE v.period >= ?1 ORDER BY v.period, v.no, l.line_no)`, p.from, math.MaxInt32).Scan(&out)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(out), &p.vouchersOut); err != nil {
		return fmt.Errorf("verify_vouchers: %w", err)
	}
	p.read = true
	return nil
}

// verifySealsFrom recomputes the seal (periodSeal) of each closed period from `from` on
// and compares it with the one its latest close recorded.
func verifySealsFrom(ctx context.Context, tx *store.Tx, from Period) (*Error, error) {
	return (&voucherPass{from: from}).seals(ctx, tx)
}

// seals is verifySealsFrom from the pass.
func (p *voucherPass) seals(ctx context.Context, tx *store.Tx) (*Error, error) {
	periods, err := column[string](ctx, tx, "SELECT period FROM periods WHERE closed = 1 AND period >= ? ORDER BY period", p.from)
	if err != nil || len(periods) == 0 {
		return nil, err
	}
	if err := p.load(ctx, tx); err != nil {
		return nil, err
	}
	for _, period := range periods {
		seal, ok := p.Seals[period]
		if !ok {
			seal = sealOf(nil) // a period without vouchers
		}
		var after string
		err := tx.QueryRowContext(ctx, `SELECT ifnull(after, '') FROM audit_log WHERE action = 'period.close' AND image = 0
			AND entity = 'period' AND entity_id = ? ORDER BY seq DESC LIMIT 1`, period).Scan(&after)
		if err == sql.ErrNoRows {
			return refuse(CodeVerifySeal, "period", period), nil
		}
		if err != nil {
			return nil, err
		}
		var rec struct{ Seal string }
		json.Unmarshal([]byte(after), &rec)
		if seal != rec.Seal {
			return refuse(CodeVerifySeal, "period", period), nil
		}
	}
	return nil, nil
}

// summaries: the account summaries from the pass's period on equal the sums of their
// voucher lines. It names the first summary, by period and account, that differs from
// its lines (or lines without a summary).
func (p *voucherPass) summaries(ctx context.Context, tx *store.Tx) (*Error, error) {
	if err := p.load(ctx, tx); err != nil {
		return nil, err
	}
	var state []byte
	where, args := summariesFrom(p.from)
	err := tx.QueryRowContext(ctx, `SELECT verify_sums(4, account, partner_id, item_id, period, debit, credit, pl_debit,
		pl_credit) FROM account_periods `+where, args...).Scan(&state)
	if err != nil {
		return nil, err
	}
	var net netDigest
	for _, s := range [][]byte{p.Sums, state} {
		if len(s) == 0 {
			continue // no lines, or no summaries
		}
		if err := net.merge(s); err != nil {
			return nil, err
		}
	}
	var first []any
	for _, key := range net.unsettled() {
		var k []any
		if err := json.Unmarshal([]byte(key), &k); err != nil || len(k) != 4 {
			return nil, fmt.Errorf("verify_sums: a key %s", key)
		}
		if first == nil || cmp.Or(cmp.Compare(fmt.Sprint(k[3]), fmt.Sprint(first[3])),
			cmp.Compare(fmt.Sprint(k[0]), fmt.Sprint(first[0]))) < 0 {
			first = k
		}
	}
	if first != nil {
		return refuse(CodeVerifySummaries, "account", fmt.Sprint(first[0]), "period", fmt.Sprint(first[3])), nil
	}
	return nil, nil
}

// summariesFrom is the clause and arguments that keep the summaries (account_periods)
// from period `from` on: all of them are read in the table's own order, where its index
// on the period would find each row again in the table.
func summariesFrom(from Period) (string, []any) {
	if from == "" {
		return "NOT INDEXED", nil
	}
	return "WHERE period >= ?", []any{from}
}

// balanced: every voucher from the pass's period on balances, with two lines at least.
func (p *voucherPass) balanced(ctx context.Context, tx *store.Tx) (*Error, error) {
	if err := p.load(ctx, tx); err != nil {
		return nil, err
	}
	if u := p.Unbalanced; u != nil {
		return refuse(CodeVerifyVoucher, "number", fmt.Sprintf("%s/记-%04d", u.Period, u.No)), nil
	}
	return nil, nil
}

// vouchersDigest is verify_vouchers(voucherArgs…) over vouchers joined with their lines,
// in the order of periods, numbers and line numbers: its value is vouchersOut's JSON.
// Each sealed voucher's image is written and hashed as its rows come (sealOf), and
// nothing is kept of a voucher once its last line is read but the sums.
type vouchersDigest struct {
	out    vouchersOut
	h      hash.Hash
	sums   netDigest
	buf    []byte // the image of the voucher being written
	period string // its period (a copy: SQLite reuses the row's memory)
	id, no int64
	sealed bool  // whether it is hashed
	hashed bool  // whether a voucher of the period was
	pl     bool  // whether it carries the P&L forward
	lines  int   // how many of its lines were read
	net    int64 // its debits less its credits
	over   bool  // whether net overflowed
	begun  bool
}

func (d *vouchersDigest) Step(args []driver.Value) error {
	var v voucherImg
	var sealed, id, no, pl int64
	if len(args) != 17 || !as(args[0], &sealed) || !as(args[1], &v.Period) || !as(args[2], &id) || !as(args[3], &no) ||
		!as(args[4], &v.Date) || !as(args[5], &v.Source) || !as(args[6], &v.Status) || !as(args[7], &v.Summary) ||
		!as(args[8], &pl) {
		return errors.New("verify_vouchers: a voucher of other columns")
	}
	if !d.begun || id != d.id {
		switch {
		case !d.begun:
			d.h, d.out.Seals, d.begun = sha256.New(), map[string]string{}, true
			d.sums.start(4, 4)
			d.period = strings.Clone(v.Period)
		case v.Period < d.period || (v.Period == d.period && no <= d.no):
			return errors.New("verify_vouchers: vouchers out of order")
		case v.Period != d.period:
			d.endVoucher()
			d.endPeriod()
			d.period = strings.Clone(v.Period)
		default:
			d.endVoucher()
		}
		v.No = int(no)
		d.id, d.no, d.sealed, d.pl, d.lines, d.net, d.over = id, no, sealed != 0, pl != 0, 0, 0, false
		if d.sealed {
			d.buf = v.appendHead(d.buf[:0])
		}
	}
	if args[9] == nil {
		return nil // no lines
	}
	var l voucherImgLine
	period := v.Period
	if !as(args[10], &l.account) || !as(args[11], &l.partnerID) || !as(args[12], &l.itemID) || !as(args[13], &l.side) ||
		!as(args[14], &l.amount) || !as(args[15], &l.summary) || (args[16] != nil && !as(args[16], &period)) {
		return errors.New("verify_vouchers: a line of other columns")
	}
	d.lines++
	d.addLine(l, period)
	if d.sealed {
		if d.lines == 1 {
			d.buf = append(d.buf, '[')
		} else {
			d.buf = append(d.buf, ',')
		}
		d.buf = l.appendTo(d.buf)
	}
	return nil
}

// addLine adds the line to its voucher's balance and, negated, to the sums of its
// summary (account_periods' columns, as its triggers add it).
func (d *vouchersDigest) addLine(l voucherImgLine, period string) {
	signed := l.amount // a debit; a credit is subtracted (anything but 'D', as the SQL check did)
	if l.side != "D" {
		signed = -l.amount
		if l.amount == math.MinInt64 {
			d.over = true
		}
	}
	if s := d.net + signed; (signed > 0 && s < d.net) || (signed < 0 && s > d.net) {
		d.over = true
	} else {
		d.net = s
	}
	k := d.sums.key[:0]
	k = append(k, '[')
	k = appendCanonString(k, l.account)
	k = append(k, ',')
	k = strconv.AppendInt(k, l.partnerID, 10)
	k = append(k, ',')
	k = strconv.AppendInt(k, l.itemID, 10)
	k = append(k, ',')
	k = appendCanonString(k, period)
	d.sums.key = append(k, ']')
	at := d.sums.index(d.sums.key)
	sums := d.sums.sums[at*4 : at*4+4]
	col := -1 // debit, credit
	switch l.side {
	case "D":
		col = 0
	case "C":
		col = 1
	}
	if col >= 0 {
		d.sums.add(at, sums, col, -l.amount)
		if d.pl {
			d.sums.add(at, sums, col+2, -l.amount)
		}
		if l.amount == math.MinInt64 {
			d.sums.over[at] = true
		}
	}
}

// endVoucher checks the voucher's balance and hashes its image, as sealOf does.
func (d *vouchersDigest) endVoucher() {
	if d.out.Unbalanced == nil && (d.lines < 2 || d.net != 0 || d.over) {
		d.out.Unbalanced = &struct {
			Period string `json:"period"`
			No     int64  `json:"no"`
		}{d.period, d.no}
	}
	if !d.sealed {
		return
	}
	if d.lines == 0 {
		d.buf = append(d.buf, "null}"...) // a voucher without lines writes "lines":null
	} else {
		d.buf = append(d.buf, "]}"...)
	}
	d.h.Write(append(d.buf, '\n'))
	d.hashed = true
}

// endPeriod records the seal of the period's vouchers hashed.
func (d *vouchersDigest) endPeriod() {
	if d.hashed {
		d.out.Seals[d.period] = hex.EncodeToString(d.h.Sum(nil))
	}
	d.h.Reset()
	d.hashed = false
}

func (d *vouchersDigest) Result() (driver.Value, error) {
	if d.begun {
		d.endVoucher()
		d.endPeriod()
		d.begun = false
		d.out.Sums = d.sums.appendState(nil)
	}
	out, err := json.Marshal(d.out)
	return string(out), err
}
