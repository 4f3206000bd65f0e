package ui

import (
	"bytes"
	"context"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
	"shopbooks/report"
)

// export is one export of the window: what it is for the permission and the audit
// trail (ledger.Book.Export), and how it writes its file.
type export struct {
	kind  ledger.ExportKind
	what  string // what it covers, for the trail: a period, a list
	write func(ctx context.Context, w io.Writer) error
}

// exportFile asks where to save a file (name is the proposed name, ext its extension),
// then writes it off the window's goroutine, the progress in the status bar (UI.md
// §4.5: export runs in the status bar); a failed or refused export leaves no file.
func (s *session) exportFile(name, ext string, x export) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.setStatus(s.errText(err))
			return
		}
		if w == nil {
			return
		}
		s.writeExport(w, x, nil)
	}, s.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	d.SetConfirmText(s.t("ui.btn.save"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// writeExport writes the export into w (closed after) once the book allowed and recorded
// it, then says in the status bar how it went and calls done (when not nil) with the
// error.
func (s *session) writeExport(w fyne.URIWriteCloser, x export, done func(error)) {
	name := w.URI().Name()
	s.setStatus(s.t("ui.stmt.exporting", map[string]any{"file": name}))
	go func() {
		var buf bytes.Buffer // the file is written only once the whole export is made
		err := s.book.Export(s.ctx, s.user, x.kind, x.what)
		if err == nil {
			err = x.write(s.ctx, &buf)
		}
		if err == nil {
			_, err = w.Write(buf.Bytes())
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			storage.Delete(w.URI())
		}
		fyne.Do(func() {
			if err != nil {
				s.setStatus(s.t("ui.stmt.export_failed", map[string]any{"file": name}) + " " + s.errText(err))
			} else {
				s.setStatus(s.t("ui.stmt.exported", map[string]any{"file": name, "time": time.Now().Format("15:04")}))
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// handOffName is the hand-off workbook's proposed file name.
func (s *session) handOffName(p ledger.Period) string {
	return s.t("ui.export.handoff_file", map[string]any{"period": string(p)}) + ".xlsx"
}

// handOff is the accountant's hand-off workbook of period p (report.HandOff).
func (s *session) handOff(p ledger.Period) export {
	return export{ledger.ExportStatements, "handoff " + string(p), func(ctx context.Context, w io.Writer) error {
		return report.HandOff(ctx, w, s.book, s.user, p, time.Now())
	}}
}

// voucherExportFormats are the voucher export's choices: a layout's workbook or CSV.
var voucherExportFormats = []struct{ key, layout, ext string }{
	{"ui.export.kingdee", report.LayoutKingdee, ".xlsx"},
	{"ui.export.yonyou", report.LayoutYonyou, ".xlsx"},
	{"ui.export.kingdee_csv", report.LayoutKingdee, ".csv"},
	{"ui.export.yonyou_csv", report.LayoutYonyou, ".csv"},
}

// voucherExportName is the proposed file name of period p's vouchers in a layout.
func (s *session) voucherExportName(p ledger.Period, layout, ext string) string {
	return s.t("ui.export.vouchers_file", map[string]any{"period": string(p), "layout": s.t("ui.export.short." + layout)}) + ext
}

// vouchersExport is period p's vouchers for the accountant's own software in a layout,
// as a workbook or CSV (report.VoucherWorkbook, report.VoucherCSV).
func (s *session) vouchersExport(p ledger.Period, layout, ext string) export {
	return export{ledger.ExportVouchers, string(p) + " " + layout + ext, func(ctx context.Context, w io.Writer) error {
		vs, err := s.book.Vouchers(ctx, s.user, p)
		if err != nil {
			return err
		}
		names, err := report.LoadVoucherNames(ctx, s.book)
		if err != nil {
			return err
		}
		if ext == ".csv" {
			return report.VoucherCSV(w, vs, layout, names)
		}
		return report.VoucherWorkbook(w, vs, layout, names)
	}}
}

// exportVouchers asks for the layout, then where to save period p's vouchers.
func (s *session) exportVouchers(p ledger.Period) {
	var labels []string
	for _, f := range voucherExportFormats {
		labels = append(labels, s.t(f.key))
	}
	sel := widget.NewRadioGroup(labels, nil)
	sel.SetSelected(labels[0])
	dialog.ShowCustomConfirm(s.t("ui.export.vouchers_title", map[string]any{"period": string(p)}), s.t("ui.btn.next"),
		s.t("ui.btn.cancel"), sel, func(ok bool) {
			if !ok {
				return
			}
			f := voucherExportFormats[0]
			for i, l := range labels {
				if l == sel.Selected {
					f = voucherExportFormats[i]
				}
			}
			s.exportFile(s.voucherExportName(p, f.layout, f.ext), f.ext, s.vouchersExport(p, f.layout, f.ext))
		}, s.win)
}

// bookRange is the book's first and last periods ("" when it has none).
func (s *session) bookRange() (first, last ledger.Period) {
	ps, err := s.book.Periods(s.ctx)
	if err != nil || len(ps) == 0 {
		return "", ""
	}
	return ps[0].Period, ps[len(ps)-1].Period
}

// periodsOf is the range of months of the dates from–to ("" for open-ended: the book's
// first or last period).
func (s *session) periodsOf(from, to string) (ledger.Period, ledger.Period) {
	first, last := s.bookRange()
	if len(from) >= 7 {
		first = ledger.Period(from[:7])
	}
	if len(to) >= 7 {
		last = ledger.Period(to[:7])
	}
	return first, last
}

// rangeName is a range of months in a file name.
func rangeName(from, to ledger.Period) string {
	if from == to {
		return string(from)
	}
	return string(from) + "~" + string(to)
}

// stockLedgerExport is the stock ledger of an item ("" for every item) over the periods
// from–to (report.StockLedgerWorkbook).
func (s *session) stockLedgerExport(item string, from, to ledger.Period) export {
	what := rangeName(from, to)
	if item != "" {
		what += " " + item
	}
	return export{ledger.ExportStockLedger, what, func(ctx context.Context, w io.Writer) error {
		return report.StockLedgerWorkbook(ctx, w, s.book, s.user, item, from, to)
	}}
}

// documentsExport is every line of the documents of the periods from–to
// (report.DocumentsWorkbook).
func (s *session) documentsExport(from, to ledger.Period) export {
	return export{ledger.ExportDocuments, rangeName(from, to), func(ctx context.Context, w io.Writer) error {
		return report.DocumentsWorkbook(ctx, w, s.book, s.user, from, to)
	}}
}
