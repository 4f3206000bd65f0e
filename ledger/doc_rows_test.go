package ledger

import (
	"testing"
)

// DocRows lists DOMAIN.md §8's month line by line: every document line once, a receipt
// or payment (no lines) as one row with its amount, in date and number order; a month
// outside the range gives nothing.
func TestDocRows(t *testing.T) {
	g := loadGoldenMonth(t)
	b, u := monthBook(t, g)
	enterMonth(t, b, u, g)
	ctx := t.Context()
	docs, err := b.Docs(ctx, u, DocFilter{Period: "2025-01"})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, d := range docs {
		full, err := b.Doc(ctx, d.Number)
		if err != nil {
			t.Fatal(err)
		}
		want += max(len(full.Lines), 1)
	}
	var rows []DocRow
	if err := b.DocRows(ctx, u, "2025-01", "2025-01", func(r DocRow) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != want || want < 15 {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	var receipt, sale *DocRow
	for i, r := range rows {
		if i > 0 && (r.Date < rows[i-1].Date || r.Date == rows[i-1].Date && r.Number < rows[i-1].Number) {
			t.Errorf("row %d (%s %s) out of order", i, r.Date, r.Number)
		}
		switch {
		case r.Type == DocCollect && receipt == nil:
			receipt = &rows[i]
		case r.Number == "XS-202501-0001" && r.LineNo == 1:
			sale = &rows[i]
		}
	}
	if receipt == nil || receipt.LineNo != 0 || receipt.Gross != Money(1_000_000) || receipt.Partner != "C1" || receipt.Account != "1002" {
		t.Errorf("the first receipt: %+v", receipt)
	}
	if sale == nil || sale.Item != "A" || sale.Qty != Units(150) || sale.Warehouse != "W1" || sale.Gross == 0 || sale.Status != StatusAudited {
		t.Errorf("the first sale's line: %+v", sale)
	}
	n := 0
	if err := b.DocRows(ctx, u, "2025-02", "2025-03", func(DocRow) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("February–March: %d rows, %v", n, err)
	}
}
