package ledger

import (
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

// forEachDocImage writes every document as docImages does.
func TestForEachDocImageIsDocImages(t *testing.T) {
	b, _ := docsBook(t)
	ctx := t.Context()
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		want, err := docImages(ctx, tx, "")
		if err != nil {
			return err
		}
		n := 0
		err = forEachDocImage(ctx, tx, func(id string, img []byte) error {
			n++
			if string(img) != want[id] {
				t.Errorf("doc %s:\n got %s\nwant %s", id, img, want[id])
			}
			return nil
		})
		if n != len(want) || n != 5 {
			t.Errorf("%d documents written, %d in the book", n, len(want))
		}
		return err
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
