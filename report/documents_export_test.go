package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shopbooks/ledger"
)

// The documents export of DOMAIN.md §8's month, read back: a row per document line (a
// receipt as one row with its amount), every cell as DocRows says, numbers as numbers;
// the CSV has the same rows.
func TestDocumentsExport(t *testing.T) {
	b, u, _, _ := closedMonth(t)
	ctx := t.Context()
	var want []ledger.DocRow
	if err := b.DocRows(ctx, u, "2025-01", "2025-01", func(r ledger.DocRow) error { want = append(want, r); return nil }); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := DocumentsWorkbook(ctx, &buf, b, u, "2025-01", "2025-01"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("单据明细", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3+len(want) || rows[0][0] != "单据明细" || !strings.Contains(rows[1][0], "恒达便利店") || rows[2][1] != "单据编号" {
		t.Fatalf("%d rows (want %d); head %v", len(rows), 3+len(want), rows[:min(3, len(rows))])
	}
	cellAt := func(r []string, i int) string {
		if i < len(r) {
			return r[i]
		}
		return ""
	}
	for i, w := range want {
		r := rows[3+i]
		if cellAt(r, 1) != w.Number || cellAt(r, 8) != w.Item || cellAt(r, 4) != w.Partner {
			t.Errorf("row %d: %v, want %+v", i, r, w)
		}
		if got := cellAt(r, 16); !sameAmount(got, w.Gross) {
			t.Errorf("row %d (%s) 价税合计 %q, want %s", i, w.Number, got, w.Gross)
		}
		if w.LineNo > 0 && cellAt(r, 12) == "" {
			t.Errorf("row %d has no quantity", i)
		}
	}
	buf.Reset()
	if err := DocumentsCSV(ctx, &buf, b, u, "2025-01", "2025-01"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(buf.String(), "\uFEFF")), "\n")
	if len(lines) != 1+len(want) || !strings.HasPrefix(lines[0], "日期,单据编号") || !strings.HasPrefix(lines[1], string(want[0].Date)) {
		t.Errorf("CSV: %d lines, first %q", len(lines), lines[:min(2, len(lines))])
	}
}

// sameAmount compares a number cell's raw text with an amount.
func sameAmount(raw string, m ledger.Money) bool {
	got, err := ledger.ParseMoney("amount", raw)
	return err == nil && got == m
}
