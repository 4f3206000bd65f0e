package report

import (
	"io"

	"github.com/xuri/excelize/v2"

	"shopbooks/ledger"
)

// Master data exported (导出, UI.md §3.1): items or partners as one sheet under a header
// the import reads back (ParseItems, ParsePartners), so that a list exported from one
// book, edited in Excel, imports into another as it was. Codes, barcodes and phone
// numbers are text cells (leading zeros kept); prices, rates, quantities and days are
// number cells.

// ItemsWorkbook writes items as the sheet 商品.
func ItemsWorkbook(w io.Writer, items []ledger.Item) error {
	head := []string{"编码", "名称", "单位", "规格型号", "类别", "条码", "税率", "进价", "销售价", "最低库存", "助记码", "参考成本", "其他业务"}
	return masterWorkbook(w, "商品", head, len(items), func(i int, n masterNumbers) []any {
		it := items[i]
		other := "否"
		if it.OtherBusiness {
			other = "是"
		}
		return []any{it.Code, it.Name, it.Unit, omitEmpty(it.Spec), omitEmpty(it.Category), omitEmpty(it.Barcode),
			n.rate(it.VAT), n.price(it.Buy), n.price(it.Sell), n.qty(it.Reorder), omitEmpty(it.Mnemonic), n.price(it.RefCost), other}
	})
}

// PartnersWorkbook writes customers and suppliers as the sheet 往来单位.
func PartnersWorkbook(w io.Writer, ps []ledger.Partner) error {
	head := []string{"编码", "名称", "客户/供应商", "联系人", "电话", "税号", "地址", "账期", "助记码"}
	return masterWorkbook(w, "往来单位", head, len(ps), func(i int, n masterNumbers) []any {
		p := ps[i]
		kind := "客户"
		switch {
		case p.Customer && p.Supplier:
			kind = "客户/供应商"
		case p.Supplier:
			kind = "供应商"
		}
		return []any{p.Code, p.Name, kind, omitEmpty(p.Contact), omitEmpty(p.Phone), omitEmpty(p.TaxID), omitEmpty(p.Address),
			p.TermsDays, omitEmpty(p.Mnemonic)}
	})
}

// masterNumbers makes the number cells of a master-data row in the workbook's styles.
type masterNumbers struct{ priceStyle, qtyStyle int }

func (n masterNumbers) price(p ledger.Price) any {
	return excelize.Cell{StyleID: n.priceStyle, Value: float64(p) / 1_000_000}
}
func (n masterNumbers) qty(q ledger.Qty) any {
	return excelize.Cell{StyleID: n.qtyStyle, Value: qtyFloat(q)}
}
func (n masterNumbers) rate(r ledger.Rate) any { return float64(r) / 100 }

// masterWorkbook streams a sheet of rows under a bold, frozen header, its columns sized
// from the header and the texts.
func masterWorkbook(w io.Writer, sheet string, head []string, rows int, row func(int, masterNumbers) []any) error {
	f := fastZip(excelize.NewFile())
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	var n masterNumbers
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if n.priceStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.00####")}); err != nil {
		return err
	}
	if n.qtyStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.####")}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := headRow(sw, head, bold, func(h string) float64 {
		switch h {
		case "名称", "地址":
			return 28
		case "条码", "税号", "电话":
			return 18
		}
		return 12
	}); err != nil {
		return err
	}
	for i := range rows {
		if err := sw.SetRow(cell(1, i+2), row(i, n)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
