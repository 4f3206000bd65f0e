package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"shopbooks/store"
)

// verifyDocRows is verifyRowsOf for documents, the one entity with hundreds of thousands
// of rows. The trail's latest image of each document is rebuilt and kept as its sums
// (docSums); the rows' images are written inside SQLite, by verify_doc_heads and
// verify_doc_lines, as the same sums, and the two are compared document by document in
// the order of their ids. Only a document that differs has its images rebuilt again, to
// name the field. Nothing holds every document's image at once.
//
// The documents' image records are read here, or taken from kept (verify_chain_keep's).
func verifyDocRows(ctx context.Context, tx *store.Tx, kept []byte) (*Error, error) {
	type latest struct {
		seq     int64
		sums    docSums
		deleted bool
	}
	last := map[string]latest{}
	var broken int64
	var sc deltaScratch
	err := latestImageBytesOf(ctx, tx, entDoc, kept, "lines", func(id string, seq int64, after []byte, lines [2]int, bad bool) bool {
		if bad {
			broken = seq
			return false
		}
		last[id] = latest{seq: seq, sums: docSumsOf(after, lines, &sc), deleted: len(after) == 0}
		return true
	})
	if err != nil {
		return nil, err
	}
	if broken != 0 {
		return refuse(CodeVerifyChain, "seq", broken), nil
	}

	heads, lines, err := rowDocSums(ctx, tx)
	if err != nil {
		return nil, err
	}
	for ; len(heads) >= docSumLen; heads = heads[docSumLen:] {
		n := int64(binary.BigEndian.Uint64(heads))
		id := strconv.FormatInt(n, 10)
		l, ok := last[id]
		delete(last, id)
		if !ok || l.deleted {
			img, err := docImages(ctx, tx, "WHERE id = ?", n)
			if err != nil {
				return nil, err
			}
			return refuse(CodeVerifyUnrecorded, "what", entDoc.name, "id", label(img[id], id)), nil
		}
		row := docSums{lines: emptyLines}
		copy(row.head[:], heads[8:docSumLen])
		if s, ok := lines[n]; ok {
			row.lines = s
		}
		if row == l.sums {
			continue
		}
		img, err := docImages(ctx, tx, "WHERE id = ?", n)
		if err != nil {
			return nil, err
		}
		after, _, err := newImages(ctx, tx).afterOf(l.seq)
		if err != nil {
			return nil, err
		}
		if field, was, now := imageDiff(after, img[id]); field != "" {
			return refuse(CodeVerifyChanged, "what", entDoc.name, "id", label(after, id), "field", field,
				"was", was, "now", now, "seq", l.seq), nil
		}
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

// docSums is a document's image as verifyDocRows compares it: the SHA-256 of its head —
// the image with the value of its "lines" member cut out, a zero byte in its place — and
// the SHA-256 of that value. Equal sums are equal images: the cut is where the member
// named "lines" begins, which nothing before it can hide.
type docSums struct {
	head, lines [sha256.Size]byte
}

// emptyLines is the lines' sum of a document without lines.
var emptyLines = sha256.Sum256([]byte("[]"))

// docSumsOf is docSums of an image (the zero docSums for none), the value of its member
// "lines" at lines when known (else -1: it is looked for). An image without such a
// member has its whole text as its head and a lines' sum no image has.
func docSumsOf(img []byte, lines [2]int, sc *deltaScratch) docSums {
	var s docSums
	if len(img) == 0 {
		return s
	}
	vs, ve := lines[0], lines[1]
	if vs < 0 {
		vs, ve = len(img), len(img)
		var ok bool
		if sc.base, ok = splitObject(sc.base[:0], img, true); ok {
			for _, m := range sc.base {
				if string(m.name(img)) == "lines" {
					vs, ve = m.vs, m.ve
				}
			}
		}
	}
	h := sha256.New()
	h.Write(img[:vs])
	h.Write([]byte{0})
	h.Write(img[ve:])
	h.Sum(s.head[:0])
	if vs == ve {
		s.lines = sha256.Sum256([]byte("no lines"))
	} else {
		s.lines = sha256.Sum256(img[vs:ve])
	}
	return s
}

// docSumLen is the length of an entry of verify_doc_heads and verify_doc_lines: a
// document's id, big-endian, and a sum.
const docSumLen = 8 + sha256.Size

// rowDocSums is the sums of the documents' images as docImages writes them from the
// rows: the heads' in the order of the ids (docSumLen a document), the lines' by id for
// the documents that have lines.
func rowDocSums(ctx context.Context, tx *store.Tx) (heads []byte, lines map[int64][sha256.Size]byte, err error) {
	sums := func(fn, table, order string) ([]byte, error) {
		rows, err := tx.QueryContext(ctx, "SELECT * FROM "+table+" LIMIT 0")
		if err != nil {
			return nil, err
		}
		cols, err := rows.Columns()
		rows.Close()
		if err != nil {
			return nil, err
		}
		names, _ := json.Marshal(cols)
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
		}
		var out []byte
		err = tx.QueryRowContext(ctx, "SELECT "+fn+"(?, "+strings.Join(quoted, ", ")+") FROM (SELECT * FROM "+table+
			" ORDER BY "+order+")", string(names)).Scan(&out)
		return out, err
	}
	if heads, err = sums("verify_doc_heads", "docs", "id"); err != nil {
		return nil, nil, err
	}
	all, err := sums("verify_doc_lines", "doc_lines", "doc_id, line_no")
	if err != nil {
		return nil, nil, err
	}
	lines = make(map[int64][sha256.Size]byte, len(all)/docSumLen)
	for ; len(all) >= docSumLen; all = all[docSumLen:] {
		lines[int64(binary.BigEndian.Uint64(all))] = [sha256.Size]byte(all[8:docSumLen])
	}
	return heads, lines, nil
}

// docImageWriter writes rows of docs or doc_lines as docImages does: an object with the
// row's columns as members, sorted by name, values as scanRowMap keeps them.
type docImageWriter struct {
	members []docMember // in the order written
	idAt    int         // the column of the document's id
	buf     []byte
}

type docMember struct {
	key []byte // quoted, with its colon
	at  int    // the column; -1 for "lines"
}

// newDocImageWriter is the writer of rows with columns named as in the JSON array
// names; withLines adds a member "lines" (a document's), and idCol names the column of
// the document's id.
func newDocImageWriter(names string, withLines bool, idCol string) (*docImageWriter, error) {
	var cols []string
	if err := json.Unmarshal([]byte(names), &cols); err != nil {
		return nil, fmt.Errorf("column names %q: %w", names, err)
	}
	w := &docImageWriter{idAt: slices.Index(cols, idCol)}
	if w.idAt < 0 {
		return nil, fmt.Errorf("no column %s in %s", idCol, names)
	}
	order := slices.Clone(cols)
	if withLines {
		order = append(order, "lines")
	}
	slices.Sort(order)
	for _, n := range order {
		at := slices.Index(cols, n)
		if withLines && n == "lines" {
			at = -1
		}
		w.members = append(w.members, docMember{append(appendCanonString(nil, n), ':'), at})
	}
	return w, nil
}

// appendRow appends the row's object to b; at the member "lines" it calls lines.
func (w *docImageWriter) appendRow(b []byte, row []driver.Value, lines func([]byte) []byte) ([]byte, error) {
	b = append(b, '{')
	for i, m := range w.members {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, m.key...)
		if m.at < 0 {
			b = lines(b)
			continue
		}
		v := row[m.at]
		if s, ok := v.([]byte); ok {
			v = string(s) // as scanRowMap keeps text
		}
		var err error
		if b, err = appendCanon(b, v); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// id is the document's id in the row.
func (w *docImageWriter) id(row []driver.Value) (int64, error) {
	id, ok := row[w.idAt].(int64)
	if !ok {
		return 0, fmt.Errorf("a document's id %v", row[w.idAt])
	}
	return id, nil
}

// docRows is what verify_doc_heads and verify_doc_lines share: the writer, made at the
// first row from the column names that come first in each, and the entries written.
type docRows struct {
	w   *docImageWriter
	out []byte
}

// row is the row in args (after the names) and its document's id.
func (d *docRows) row(args []driver.Value, withLines bool, idCol string) ([]driver.Value, int64, error) {
	if d.w == nil {
		names, _ := args[0].(string)
		w, err := newDocImageWriter(names, withLines, idCol)
		if err != nil {
			return nil, 0, err
		}
		d.w = w
	}
	id, err := d.w.id(args[1:])
	return args[1:], id, err
}

// sum adds the entry of document id: its id and the SHA-256 of b.
func (d *docRows) sum(id int64, b []byte) {
	d.out = binary.BigEndian.AppendUint64(d.out, uint64(id))
	s := sha256.Sum256(b)
	d.out = append(d.out, s[:]...)
}

// headsDigest is verify_doc_heads(names, columns…) over the rows of docs in the order of
// their ids: its value is, for each, the id and docSums' head of the image docImages
// writes of it.
type headsDigest struct{ docRows }

func (d *headsDigest) Step(args []driver.Value) error {
	row, id, err := d.row(args, true, "id")
	if err != nil {
		return err
	}
	if d.w.buf, err = d.w.appendRow(d.w.buf[:0], row, func(b []byte) []byte { return append(b, 0) }); err != nil {
		return err
	}
	d.sum(id, d.w.buf)
	return nil
}

func (d *headsDigest) Result() (driver.Value, error) { return d.out, nil }

// linesDigest is verify_doc_lines(names, columns…) over the rows of doc_lines in the
// order of their documents and line numbers: its value is, for each document, its id and
// docSums' lines of the image docImages writes of it.
type linesDigest struct {
	docRows
	doc   int64 // the document whose lines are being written
	begun bool
}

func (d *linesDigest) Step(args []driver.Value) error {
	row, doc, err := d.row(args, false, "doc_id")
	if err != nil {
		return err
	}
	switch {
	case !d.begun || doc != d.doc:
		if d.begun && doc < d.doc {
			return errors.New("verify_doc_lines: lines out of order")
		}
		d.done()
		d.doc, d.begun = doc, true
		d.w.buf = append(d.w.buf[:0], '[')
	default:
		d.w.buf = append(d.w.buf, ',')
	}
	d.w.buf, err = d.w.appendRow(d.w.buf, row, nil)
	return err
}

// done adds the entry of the document whose lines were written so far.
func (d *linesDigest) done() {
	if d.begun {
		d.sum(d.doc, append(d.w.buf, ']'))
	}
}

func (d *linesDigest) Result() (driver.Value, error) {
	d.done()
	d.begun = false
	return d.out, nil
}

// latestImages calls fn with each row's latest image in the trail for entity e (after
// "" when the row was deleted), or with bad set when that image cannot be rebuilt,
// until fn returns false.
func latestImages(ctx context.Context, tx *store.Tx, e entity, fn func(id string, seq int64, after string, bad bool) bool) error {
	return latestImageBytes(ctx, tx, e, "", func(id string, seq int64, after []byte, _ [2]int, bad bool) bool {
		return fn(id, seq, string(after), bad)
	})
}

// latestImageBytes is latestImages with each image in a buffer that is reused once fn
// returns, and where in it the value of the member named mark is when a delta wrote it
// last (-1 when not known: fn finds it itself). The entity's image records are read in
// one pass, each row's together: a row's records are all its latest image can refer to,
// so they are kept until the next row's begin.
func latestImageBytes(ctx context.Context, tx *store.Tx, e entity, mark string,
	fn func(id string, seq int64, after []byte, markAt [2]int, bad bool) bool) error {
	return latestImageBytesOf(ctx, tx, e, nil, mark, fn)
}

// latestImageBytesOf is latestImageBytes from the entity's image records in kept, as
// verify_chain_keep keeps them (in the order of the trail), or read here when nil.
func latestImageBytesOf(ctx context.Context, tx *store.Tx, e entity, kept []byte, mark string,
	fn func(id string, seq int64, after []byte, markAt [2]int, bad bool) bool) error {
	rows := &packedRows{b: kept}
	if kept == nil {
		// Read in one value (verify_pack): the stored records are a fraction of the images.
		err := tx.QueryRowContext(ctx, `SELECT verify_pack(entity_id, `+auditRowCols+`) FROM (SELECT entity_id, seq, fmt,
			before, after, img_before, img_after FROM audit_log WHERE image = 1 AND entity = ? ORDER BY entity_id, seq)`,
			e.name).Scan(&rows.b)
		if err != nil {
			return err
		}
	} else if err := rows.sortBy(0); err != nil {
		return err
	}
	imgs := newImages(ctx, tx)
	imgs.known = map[int64]auditRow{}
	imgs.delta.mark = mark
	var id, next string
	var last, r auditRow
	dest := []any{&next, &r.seq, &r.fmt, &r.before, &r.after, &r.imgBefore, &r.imgAfter} // auditRowCols
	buf := make([]byte, 0, 4096)
	more := true
	settle := func() {
		var err error
		imgs.delta.marked = [2]int{-1, -1}
		buf, _, err = imgs.appendAfter(buf[:0], last, 0)
		clear(imgs.known)
		clear(imgs.after)
		more = fn(id, last.seq, buf, imgs.delta.marked, err != nil)
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
