package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"github.com/xuri/excelize/v2"

	"shopbooks/ledger"
	"shopbooks/report"
)

// TestExportVouchersAndHandOff: the voucher list offers 导出凭证 and the statements 交接包;
// what they write is the report package's workbook of the shown month (read back), and the
// file is written through the status bar's export: complete, or removed on a failure.
func TestExportVouchersAndHandOff(t *testing.T) {
	path := januaryBook(t, true)
	s := newWindow(t, path, "", "", "voucher_list", "zh-CN")
	ctx := context.Background()
	s.open("voucher_list")
	if !hasButton(s.win.Content(), "导出凭证") {
		t.Error("the voucher list has no 导出凭证")
	}
	s.open("balance_sheet")
	if !hasButton(s.win.Content(), "交接包") {
		t.Error("the statements have no 交接包")
	}

	// the vouchers, in each format, as report writes them
	vs, err := s.book.Vouchers(ctx, s.user, "2025-01")
	if err != nil || len(vs) == 0 {
		t.Fatalf("vouchers: %d, %v", len(vs), err)
	}
	names, err := report.LoadVoucherNames(ctx, s.book)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range voucherExportFormats {
		var got, want bytes.Buffer
		if err := s.vouchersExport("2025-01", f.layout, f.ext).write(ctx, &got); err != nil {
			t.Fatal(err)
		}
		if f.ext == ".csv" {
			err = report.VoucherCSV(&want, vs, f.layout, names)
			if err != nil || got.String() != want.String() {
				t.Errorf("%s: the CSV differs from report's (%v)", f.key, err)
			}
			continue
		}
		if err := report.VoucherWorkbook(&want, vs, f.layout, names); err != nil {
			t.Fatal(err)
		}
		if g, w := sheetRows(t, got.Bytes(), "凭证"), sheetRows(t, want.Bytes(), "凭证"); len(g) < 2 || !slices.EqualFunc(g, w, slices.Equal) {
			t.Errorf("%s: %d rows, want report's %d", f.key, len(g), len(w))
		}
	}
	if got := s.voucherExportName("2025-01", report.LayoutYonyou, ".csv"); got != "凭证-2025-01-用友.csv" {
		t.Errorf("file name %q", got)
	}

	// the hand-off workbook through the export's writer: a file, complete
	dir := t.TempDir()
	file := filepath.Join(dir, s.handOffName("2025-01"))
	w, err := storage.Writer(storage.NewFileURI(file))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	fyne.DoAndWait(func() { s.writeExport(w, s.handOff("2025-01"), func(err error) { done <- err }) })
	if err := waitErr(t, done); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the hand-off workbook does not open: %v", err)
	}
	if sheets := x.GetSheetList(); len(sheets) < 6 {
		t.Errorf("hand-off sheets: %v", sheets)
	}
	x.Close()
	if !strings.Contains(s.status, filepath.Base(file)) {
		t.Errorf("status %q", s.status)
	}

	// a failed export leaves no file and says so
	bad := filepath.Join(dir, "bad.xlsx")
	w, err = storage.Writer(storage.NewFileURI(bad))
	if err != nil {
		t.Fatal(err)
	}
	fyne.DoAndWait(func() {
		s.writeExport(w, export{ledger.ExportStatements, "", func(context.Context, io.Writer) error { return errors.New("disk full") }},
			func(err error) { done <- err })
	})
	if err := waitErr(t, done); err == nil {
		t.Error("a failing export reported no error")
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("a failed export left its file")
	}
	if !strings.Contains(s.status, "bad.xlsx") {
		t.Errorf("status after a failure: %q", s.status)
	}
}

func waitErr(t *testing.T, c chan error) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the export did not finish")
		return nil
	}
}

// sheetRows reads a sheet of a workbook.
func sheetRows(t *testing.T, data []byte, sheet string) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// 导出 on the items screen writes the rows it shows (filtered) in the import's layout,
// and the export is in the audit trail.
func TestExportItemsList(t *testing.T) {
	_, path := monthBook(t)
	s := openWithConfig(t, path, "items", "zh-CN")
	sc := screenOf[*masterScreen](t, s, "items")
	if !hasButton(s.win.Content(), "导出") {
		t.Error("the items screen has no 导出")
	}
	sc.m.SetFilter("洗衣液")
	x, name, ok := sc.m.Export()
	if !ok || name != "商品.xlsx" {
		t.Fatalf("export %q %v", name, ok)
	}
	file := filepath.Join(t.TempDir(), name)
	w, err := storage.Writer(storage.NewFileURI(file))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	fyne.DoAndWait(func() { s.writeExport(w, x, func(err error) { done <- err }) })
	if err := waitErr(t, done); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, probs, err := report.ParseItems(f, file)
	if err != nil || len(probs) > 0 || len(rows) != 1 || rows[0].Item.Code != "A" || rows[0].Item.Sell != 32_000_000 {
		t.Fatalf("read back: %+v %v %v", rows, probs, err)
	}
	head, _, err := s.book.ChainHead(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	trail, err := s.book.AuditTrail(s.ctx, s.user, head, 1)
	if err != nil || len(trail) != 1 || trail[0].Action != "book.export" || trail[0].Reason != "items 商品.xlsx" {
		t.Errorf("the trail's last record: %+v %v", trail, err)
	}
}

// 导出 on the stock ledger and on a document list: the shown item's ledger and every
// line of the listed months' documents, as report writes them.
func TestExportStockLedgerAndDocuments(t *testing.T) {
	path := januaryBook(t, true)
	s := newWindow(t, path, "", "", "stock_ledger", "zh-CN")
	ctx := context.Background()
	for _, screen := range []string{"stock_ledger", "sales_list"} {
		s.open(screen)
		if !hasButton(s.win.Content(), "导出") {
			t.Errorf("%s has no 导出", screen)
		}
	}
	if from, to := s.periodsOf("", ""); from != "2025-01" || to < "2025-02" {
		t.Errorf("the book's range: %s–%s", from, to)
	}
	if from, to := s.periodsOf("2025-01-05", "2025-01-31"); from != "2025-01" || to != "2025-01" {
		t.Errorf("January's dates: %s–%s", from, to)
	}
	var buf bytes.Buffer
	if err := s.stockLedgerExport("A", "2025-01", "2025-01").write(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if rows := sheetRows(t, buf.Bytes(), "库存明细账"); len(rows) < 6 {
		t.Errorf("A's stock ledger: %d rows", len(rows))
	}
	buf.Reset()
	if err := s.documentsExport("2025-01", "2025-01").write(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.book.DocRows(ctx, s.user, "2025-01", "2025-01", func(ledger.DocRow) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if rows := sheetRows(t, buf.Bytes(), "单据明细"); len(rows) != 3+n || n < 15 {
		t.Errorf("January's documents: %d rows, want 3 + %d", len(rows), n)
	}
}
