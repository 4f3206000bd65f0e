package ledger

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"shopbooks/store"
)

// verifyDocRows is verifyRowsOf for documents, the one entity with hundreds of thousands
// of rows: the trail's latest image of each document is rebuilt and kept as its SHA-256,
// then every document's image is written from its rows, one at a time, and compared
// with it; only a document that differs has its image rebuilt again, to name the field.
// Nothing holds every document's image at once.
func verifyDocRows(ctx context.Context, tx *store.Tx) (*Error, error) {
	type latest struct {
		seq     int64
		sum     [32]byte
		deleted bool
	}
	last := map[string]latest{}
	var broken int64
	err := latestImageBytes(ctx, tx, entDoc, func(id string, seq int64, after []byte, bad bool) bool {
		if bad {
			broken = seq
			return false
		}
		last[id] = latest{seq: seq, sum: sha256.Sum256(after), deleted: len(after) == 0}
		return true
	})
	if err != nil {
		return nil, err
	}
	if broken != 0 {
		return refuse(CodeVerifyChain, "seq", broken), nil
	}

	var failure *Error
	err = forEachDocImage(ctx, tx, func(id string, img []byte) error {
		l, ok := last[id]
		delete(last, id)
		if !ok || l.deleted {
			failure = refuse(CodeVerifyUnrecorded, "what", entDoc.name, "id", label(string(img), id))
			return errStop
		}
		if sha256.Sum256(img) == l.sum {
			return nil
		}
		after, _, err := newImages(ctx, tx).afterOf(l.seq)
		if err != nil {
			return err
		}
		if field, was, now := imageDiff(after, string(img)); field != "" {
			failure = refuse(CodeVerifyChanged, "what", entDoc.name, "id", label(after, id), "field", field,
				"was", was, "now", now, "seq", l.seq)
			return errStop
		}
		return nil
	})
	if failure != nil {
		return failure, nil
	}
	if err != nil {
		return nil, err
	}
	// What the trail has and the book has not: the earliest such record is named.
	var gone []int64
	for _, l := range last {
		if !l.deleted {
			gone = append(gone, l.seq)
		}
	}
	if len(gone) > 0 {
		seq := slices.Min(gone)
		var r AuditRecord
		after, _, err := newImages(ctx, tx).afterOf(seq)
		if err != nil {
			return nil, err
		}
		r.After = after
		for k, l := range last {
			if l.seq == seq {
				r.EntityID = k
			}
		}
		return refuse(CodeVerifyMissing, "what", entDoc.name, "id", label(r.After, r.EntityID), "seq", seq), nil
	}
	return nil, nil
}

var errStop = fmt.Errorf("stop")

// forEachDocImage calls fn with every document's image, in the order of their ids: the
// same bytes as docImages, written from the rows of docs and doc_lines read side by
// side, without building a map per row.
func forEachDocImage(ctx context.Context, tx *store.Tx, fn func(id string, img []byte) error) error {
	heads, err := tx.QueryContext(ctx, "SELECT * FROM docs ORDER BY id")
	if err != nil {
		return err
	}
	defer heads.Close()
	lines, err := tx.QueryContext(ctx, "SELECT * FROM doc_lines ORDER BY doc_id, line_no")
	if err != nil {
		return err
	}
	defer lines.Close()
	hcols, err := heads.Columns()
	if err != nil {
		return err
	}
	lcols, err := lines.Columns()
	if err != nil {
		return err
	}
	// The members in the order json.Marshal writes a map: sorted keys; "lines" (-1)
	// among the head's columns.
	type col struct {
		name string
		key  []byte // quoted, with its colon
		at   int
	}
	order := func(names []string, withLines bool) []col {
		var cs []col
		for i, n := range names {
			cs = append(cs, col{n, append(appendCanonString(nil, n), ':'), i})
		}
		if withLines {
			cs = append(cs, col{"lines", []byte(`"lines":`), -1})
		}
		slices.SortFunc(cs, func(a, b col) int { return strings.Compare(a.name, b.name) })
		return cs
	}
	hord, lord := order(hcols, true), order(lcols, false)
	hid, ldoc := slices.Index(hcols, "id"), slices.Index(lcols, "doc_id")
	if hid < 0 || ldoc < 0 {
		return fmt.Errorf("docs or doc_lines without its key column")
	}
	hvals, hptrs := scanTargets(len(hcols))
	lvals, lptrs := scanTargets(len(lcols))
	haveLine := false
	nextLine := func() error {
		haveLine = lines.Next()
		if !haveLine {
			return lines.Err()
		}
		return lines.Scan(lptrs...)
	}
	if err := nextLine(); err != nil {
		return err
	}
	buf := make([]byte, 0, 4096)
	for heads.Next() {
		if err := heads.Scan(hptrs...); err != nil {
			return err
		}
		id, ok := hvals[hid].(int64)
		if !ok {
			return fmt.Errorf("docs: id %v", hvals[hid])
		}
		buf = append(buf[:0], '{')
		for i, c := range hord {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, c.key...)
			if c.at >= 0 {
				if buf, err = appendCanon(buf, textValue(hvals[c.at])); err != nil {
					return err
				}
				continue
			}
			buf = append(buf, '[')
			n := 0
			for haveLine {
				d, _ := lvals[ldoc].(int64)
				if d > id {
					break
				}
				if d == id {
					if n > 0 {
						buf = append(buf, ',')
					}
					n++
					buf = append(buf, '{')
					for j, lc := range lord {
						if j > 0 {
							buf = append(buf, ',')
						}
						buf = append(buf, lc.key...)
						if buf, err = appendCanon(buf, textValue(lvals[lc.at])); err != nil {
							return err
						}
					}
					buf = append(buf, '}')
				}
				if err := nextLine(); err != nil {
					return err
				}
			}
			buf = append(buf, ']')
		}
		buf = append(buf, '}')
		if err := fn(strconv.FormatInt(id, 10), buf); err != nil {
			return err
		}
	}
	return heads.Err()
}

func scanTargets(n int) ([]any, []any) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, ptrs
}

// textValue is a scanned value as scanRowMap keeps it: text as a string.
func textValue(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// latestImages calls fn with each row's latest image in the trail for entity e (after
// "" when the row was deleted), or with bad set when that image cannot be rebuilt,
// until fn returns false.
func latestImages(ctx context.Context, tx *store.Tx, e entity, fn func(id string, seq int64, after string, bad bool) bool) error {
	return latestImageBytes(ctx, tx, e, func(id string, seq int64, after []byte, bad bool) bool {
		return fn(id, seq, string(after), bad)
	})
}

// latestImageBytes is latestImages with each image in a buffer that is reused once fn
// returns. The entity's image records are read in one pass, each row's together: a
// row's records are all its latest image can refer to, so they are kept until the next
// row's begin.
func latestImageBytes(ctx context.Context, tx *store.Tx, e entity, fn func(id string, seq int64, after []byte, bad bool) bool) error {
	rows, err := tx.QueryContext(ctx, `SELECT entity_id, `+auditRowCols+` FROM audit_log
		WHERE image = 1 AND entity = ? ORDER BY entity_id, seq`, e.name)
	if err != nil {
		return err
	}
	defer rows.Close()
	imgs := newImages(ctx, tx)
	imgs.known = map[int64]auditRow{}
	var id, next string
	var last, r auditRow
	dest := []any{&next, &r.seq, &r.fmt, &r.before, &r.after, &r.imgBefore, &r.imgAfter} // auditRowCols
	buf := make([]byte, 0, 4096)
	more := true
	settle := func() {
		var err error
		buf, _, err = imgs.appendAfter(buf[:0], last, 0)
		clear(imgs.known)
		clear(imgs.after)
		more = fn(id, last.seq, buf, err != nil)
	}
	for more && rows.Next() {
		r = auditRow{}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if last.seq != 0 && next != id {
			if settle(); !more {
				break
			}
		}
		id, last = next, r
		imgs.known[r.seq] = r
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if more && last.seq != 0 {
		settle()
	}
	return nil
}
