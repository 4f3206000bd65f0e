package ledger

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"testing"

	"shopbooks/store"
)

// docsBook is a shop with drafts, audited documents and a deleted draft.
func docsBook(t *testing.T) (*Book, []string) {
	t.Helper()
	b, u := shopWithStock(t)
	ctx := t.Context()
	var numbers []string
	for i := range 6 {
		d := delivery(Date(fmt.Sprintf("2025-01-%02d", 3+i)), 1)
		d.Memo = fmt.Sprintf("第%d单 <&>", i)
		saved, err := b.SaveDoc(ctx, u, d)
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, saved.Number)
		if i%2 == 0 {
			if err := b.AuditDoc(ctx, u, saved.Number); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := b.DeleteDoc(ctx, u, numbers[5]); err != nil {
		t.Fatal(err)
	}
	return b, numbers
}

// The sums verify_doc_heads and verify_doc_lines make of the rows are docSums of the
// images docImages writes: for documents with lines, without lines (a deleted draft's
// are gone), and with text that needs escaping.
func TestRowDocSumsAreDocImages(t *testing.T) {
	b, _ := docsBook(t)
	ctx := t.Context()
	rawExec(t, rawDB(t, b.Path()), "DELETE FROM doc_lines WHERE doc_id = 3")
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		want, err := docImages(ctx, tx, "")
		if err != nil {
			return err
		}
		heads, lines, err := rowDocSums(ctx, tx)
		if err != nil {
			return err
		}
		n := 0
		var sc deltaScratch
		for ; len(heads) >= docSumLen; heads = heads[docSumLen:] {
			n++
			id := int64(binary.BigEndian.Uint64(heads))
			got := docSums{lines: emptyLines}
			copy(got.head[:], heads[8:docSumLen])
			if s, ok := lines[id]; ok {
				got.lines = s
			}
			if img := want[fmt.Sprint(id)]; got != docSumsOf([]byte(img), [2]int{-1, -1}, &sc) {
				t.Errorf("doc %d: the rows' sums are not those of %s", id, img)
			}
		}
		if n != len(want) || n != 5 || len(lines) != 4 {
			t.Errorf("%d documents summed (%d with lines), %d in the book", n, len(lines), len(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Documents edited behind the app's back are found and named, each way.
func TestVerifyDocRows(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sql   []string
		code  Code
		field string
	}{
		{"line quantity", []string{"UPDATE doc_lines SET qty = qty + 1 WHERE doc_id = 2"}, CodeVerifyChanged, "lines"},
		{"memo", []string{"UPDATE docs SET memo = 'x' WHERE id = 4"}, CodeVerifyChanged, "memo"},
		{"draft deleted", []string{"DELETE FROM doc_lines WHERE doc_id = 2", "DELETE FROM docs WHERE id = 2"}, CodeVerifyMissing, ""},
		{"deleted draft put back", []string{`INSERT INTO docs(id, type, number, seq, period, date, status, maker, made_at)
			SELECT 99, type, number || 'x', seq + 50, period, date, 'draft', maker, made_at FROM docs WHERE id = 2`}, CodeVerifyUnrecorded, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := docsBook(t)
			rawExec(t, rawDB(t, b.Path()), tc.sql...)
			rep, err := b.Verify(t.Context(), false)
			if err != nil {
				t.Fatal(err)
			}
			if f := rep.Failure; f == nil || f.Code != tc.code || f.Args["what"] != "doc" || (tc.field != "" && f.Args["field"] != tc.field) {
				t.Errorf("failure %v, want %s on a doc's %s", f, tc.code, tc.field)
			}
		})
	}
	b, _ := docsBook(t)
	if rep, err := b.Verify(t.Context(), true); err != nil || !rep.OK() {
		t.Fatalf("untouched book: %v %v", err, rep.Failure)
	}
}

// verify_doc_lines refuses lines that do not come in the order of their documents: a
// document's lines split in two would be summed as two documents.
func TestLinesDigestOrder(t *testing.T) {
	d := &linesDigest{}
	names := `["doc_id","line_no"]`
	for i, row := range [][]driver.Value{{names, int64(2), int64(1)}, {names, int64(2), int64(2)}, {names, int64(1), int64(1)}} {
		if err := d.Step(row); (err != nil) != (i == 2) {
			t.Errorf("row %d: %v", i, err)
		}
	}
}
