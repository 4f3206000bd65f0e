package report

import (
	"bytes"
	"testing"

	"shopbooks/ledger"
)

// An exported list of items or partners imports back as it was: the header is the
// import's, codes keep their leading zeros, numbers are exact.
func TestMastersExportImportsBack(t *testing.T) {
	items := []ledger.Item{
		{Code: "000123", Name: "洗衣液2kg", Unit: "瓶", Spec: "2kg/瓶", Category: "01", Barcode: "06901234567890", VAT: 1300,
			Buy: 21_500_000, Sell: 32_000_000, Reorder: 125_000, Mnemonic: "XYY", RefCost: 20_123_456, Active: true},
		{Code: "B", Name: "抽纸", Unit: "提", VAT: 900, Sell: 8_000_000, OtherBusiness: true, Mnemonic: "CZ", Active: true},
	}
	var buf bytes.Buffer
	if err := ItemsWorkbook(&buf, items); err != nil {
		t.Fatal(err)
	}
	rows, probs, err := ParseItems(bytes.NewReader(buf.Bytes()), "items.xlsx")
	if err != nil || len(probs) > 0 || len(rows) != len(items) {
		t.Fatalf("items read back: %d rows, %v, %v", len(rows), probs, err)
	}
	for i, r := range rows {
		if r.Item != items[i] || !r.HasVAT {
			t.Errorf("item %d: %+v, want %+v", i, r.Item, items[i])
		}
	}

	ps := []ledger.Partner{
		{Code: "007", Name: "明辉餐厅", Customer: true, Contact: "王明", Phone: "013800000001", TaxID: "91440101MA59XXXX1X",
			Address: "广州市天河区", TermsDays: 30, Mnemonic: "MHCT", Active: true},
		{Code: "S1", Name: "华南日化批发", Supplier: true, TermsDays: 45, Mnemonic: "HNRHPF", Active: true},
		{Code: "CS", Name: "两用", Customer: true, Supplier: true, Mnemonic: "LY", Active: true},
	}
	buf.Reset()
	if err := PartnersWorkbook(&buf, ps); err != nil {
		t.Fatal(err)
	}
	prows, probs, err := ParsePartners(bytes.NewReader(buf.Bytes()), "partners.xlsx")
	if err != nil || len(probs) > 0 || len(prows) != len(ps) {
		t.Fatalf("partners read back: %d rows, %v, %v", len(prows), probs, err)
	}
	for i, r := range prows {
		if r.Partner != ps[i] {
			t.Errorf("partner %d: %+v, want %+v", i, r.Partner, ps[i])
		}
	}
}
