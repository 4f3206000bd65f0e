package report

import (
	"context"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// The documents export (单据明细): every line of the documents of a range of months, as
// ledger.Book.DocRows reads them, in date and number order.
//
//	A 日期  B 单据编号  C 单据类型  D 状态  E 往来单位编码  F 往来单位  G 仓库  H 行号
//	I 商品编码  J 商品名称  K 单位  L 科目  M 数量  N 单价  O 金额  P 税额  Q 价税合计
//	R 含税价  S 备注  T 制单人  U 审核人
//
// A receipt or payment (no lines) is one row with its amount as 价税合计 and no 行号;
// 单价 is the price as entered (含税价 says whether it includes VAT). Quantities, prices and
// amounts are number cells, the date a date cell; drafts and voided documents are listed
// with their status.

var documentsHead = []string{"日期", "单据编号", "单据类型", "状态", "往来单位编码", "往来单位", "仓库", "行号", "商品编码",
	"商品名称", "单位", "科目", "数量", "单价", "金额", "税额", "价税合计", "含税价", "备注", "制单人", "审核人"}

// documentRow makes the cells of a row: texts (nil for empty), the date and the numbers
// by date and number.
func documentRow(cat *i18n.Catalog, names map[string]string, r ledger.DocRow, date func(ledger.Date) any,
	number func(ledgerCell) any) []any {
	name := func(key string) any {
		t, ok := names[key]
		if !ok {
			t = cat.T(key)
			names[key] = t
		}
		return t
	}
	var line, qty, price, net, vat any
	if r.LineNo > 0 {
		line, qty, price = r.LineNo, number(ledgerCell{'q', int64(r.Qty)}), number(ledgerCell{'p', int64(r.Price)})
		net, vat = number(ledgerCell{'m', int64(r.Net)}), number(ledgerCell{'m', int64(r.VAT)})
	}
	inclusive := any(nil)
	if r.Inclusive {
		inclusive = "是"
	}
	return []any{date(r.Date), r.Number, name("cli.doc.type." + string(r.Type)), name("ui.doc.status." + string(r.Status)),
		omitEmpty(r.Partner), omitEmpty(r.PartnerName), omitEmpty(r.Warehouse), line, omitEmpty(r.Item), omitEmpty(r.ItemName),
		omitEmpty(r.Unit), omitEmpty(r.Account), qty, price, net, vat, number(ledgerCell{'m', int64(r.Gross)}), inclusive,
		omitEmpty(r.Memo), omitEmpty(r.Maker), omitEmpty(r.Auditor)}
}

// readDocumentRows is the reading of DocumentsWorkbook and DocumentsCSV: DocRows made
// into cells, on a goroutine of their own while the rows before are written.
func readDocumentRows(ctx context.Context, b *ledger.Book, by *ledger.User, from, to ledger.Period, date func(ledger.Date) any,
	number func(ledgerCell) any) rowSource {
	cat, names := i18n.For(i18n.ZH), map[string]string{}
	return pipelinedRows(ctx, func(ctx context.Context, row func([]any) error) error {
		return b.DocRows(ctx, by, from, to, func(r ledger.DocRow) error { return row(documentRow(cat, names, r, date, number)) })
	})
}

// DocumentsWorkbook writes the document lines of the periods from–to as one sheet (单据
// 明细): the title, 编制单位, the periods and 单位：元, a bold frozen header repeated on
// every printed page, A4 landscape fitted to the width; the rows streamed as they are
// read.
func DocumentsWorkbook(ctx context.Context, w io.Writer, b *ledger.Book, by *ledger.User, from, to ledger.Period) error {
	s, err := b.Settings(ctx)
	if err != nil {
		return err
	}
	cat := i18n.For(i18n.ZH)
	const sh = "单据明细"
	f, sw, styles, err := newListBook(sh, 3)
	if err != nil {
		return err
	}
	defer f.Close()
	widths := []float64{11, 16, 11, 8, 10, 20, 8, 6, 10, 20, 6, 8, 10, 11, 13, 11, 13, 7, 20, 8, 8}
	if err := listTop(sw, styles, cat, sh, s.Name, from, to, widths, 3); err != nil {
		return err
	}
	head := make([]any, len(documentsHead))
	for i, h := range documentsHead {
		head[i] = excelize.Cell{StyleID: styles.head, Value: h}
	}
	if err := sw.SetRow("A3", head); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", cell(len(documentsHead), 1)); err != nil {
		return err
	}
	rows := readDocumentRows(ctx, b, by, from, to,
		func(d ledger.Date) any { return excelize.Cell{StyleID: styles.date, Value: excelDate(d)} },
		func(c ledgerCell) any { return styles.number(c) })
	n := 3
	if err := rows(func(r []any) error {
		n++
		return sw.SetRow(cell(1, n), r)
	}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// DocumentsCSV writes the document lines of the periods from–to as CSV: UTF-8 with a BOM,
// the workbook's columns under one header row, numbers as plain decimals.
func DocumentsCSV(ctx context.Context, w io.Writer, b *ledger.Book, by *ledger.User, from, to ledger.Period) error {
	cw, err := newCSV(w, documentsHead)
	if err != nil {
		return err
	}
	rows := readDocumentRows(ctx, b, by, from, to, func(d ledger.Date) any { return string(d) },
		func(c ledgerCell) any { return c.String() })
	rec := make([]string, len(documentsHead))
	if err := rows(func(r []any) error {
		for i, v := range r {
			switch x := v.(type) {
			case string:
				rec[i] = x
			case int:
				rec[i] = strconv.Itoa(x)
			default:
				rec[i] = ""
			}
		}
		return cw.Write(rec)
	}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
