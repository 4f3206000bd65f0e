package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// statementJSON runs `report KIND --period P --format json` and decodes it.
func (s *shop) statementJSON(kind, period string) (head map[string]any, lines map[int]map[string]any) {
	s.t.Helper()
	out := s.ok("report", kind, "--period", period, "--format", "json")
	var st struct {
		Kind, Period, Shop     string
		Provisional, Previewed bool
		Lines                  []map[string]any
		Checks                 []struct {
			Name   string
			OK     bool
			Detail string
		}
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		s.t.Fatalf("report %s: %v\n%s", kind, err, out)
	}
	if st.Kind != kind || st.Period != period || len(st.Checks) == 0 {
		s.t.Errorf("report %s: %+v", kind, st)
	}
	for _, c := range st.Checks {
		if !c.OK {
			s.t.Errorf("report %s %s: check %s failed: %s", kind, period, c.Name, c.Detail)
		}
	}
	head = map[string]any{"provisional": st.Provisional, "previewed": st.Previewed, "shop": st.Shop}
	lines = map[int]map[string]any{}
	for _, l := range st.Lines {
		lines[int(l["line"].(float64))] = l
	}
	return head, lines
}

func TestReports(t *testing.T) {
	t.Parallel()
	s := smallShop(t) // A001: 100 in at 10.00, 30 out at 20.00, 10 returned to the supplier

	// The open month: a preview of its close, marked as such.
	head, bs := s.statementJSON("bs", "2025-01")
	if head["provisional"] != true || head["previewed"] != true || head["shop"] != "测试小店" {
		t.Errorf("open month: %v", head)
	}
	if bs[30]["end"] != bs[53]["end"] || bs[30]["end"] != "1317.00" || bs[14]["end"] != "39.00" || bs[30]["year_start"] != "0.00" || bs[30]["name"] != "资产总计" ||
		bs[30]["name_en"] != "Total assets" || bs[12]["end"] != "600.00" || bs[51]["end"] != "300.00" {
		t.Errorf("balance sheet: %v / %v", bs[30], bs[53])
	}
	if out := s.ok("report", "bs", "--period", "2025-01", "--lang", "en"); !strings.Contains(out, "not closed: provisional") ||
		!strings.Contains(out, "Total assets") {
		t.Errorf("bs table:\n%s", out)
	}

	s.ok("close", "2025-01")
	head, pl := s.statementJSON("pl", "2025-01")
	if head["provisional"] != false || pl[1]["month"] != "600.00" || pl[2]["ytd"] != "300.00" || pl[32]["month"] != "300.00" ||
		pl[32]["ytd"] != "300.00" || pl[32]["formula"] != "L30−L31" || len(pl) != 32 {
		t.Errorf("profit statement: %v %v", head, pl[32])
	}
	out := s.ok("report", "pl", "--period", "2025-01", "--lang", "zh-CN")
	if !strings.Contains(out, "利润表") || !strings.Contains(out, "会小企02表") || !strings.Contains(out, "编制单位：测试小店") ||
		strings.Contains(out, "未结账") || !strings.Contains(out, "四、净利润") || !strings.Contains(out, "[通过]") {
		t.Errorf("pl table:\n%s", out)
	}
	_, tb := s.statementJSON("tb", "2025-01")
	var total map[string]any
	for _, l := range tb {
		if l["code"] == "1405" && (l["closing_debit"] != "600.00" || l["period_debit"] != "900.00" || l["level"] != 1.0) {
			t.Errorf("tb 1405: %v", l)
		}
		if l["name"] == "合计" {
			total = l
		}
	}
	if total == nil || total["closing_debit"] != total["closing_credit"] {
		t.Errorf("tb total: %v", total)
	}
	_, st := s.statementJSON("stock", "2025-01")
	if st[1]["code"] != "A001" || st[1]["in_qty"] != "90" || st[1]["in_amount"] != "900.00" || st[1]["out_qty"] != "30" ||
		st[1]["closing_qty"] != "60" || st[1]["closing_amount"] != "600.00" || st[2]["in_qty"] != nil || st[2]["closing_amount"] != "600.00" {
		t.Errorf("stock summary: %v", st)
	}
	_, ag := s.statementJSON("aging", "2025-01")
	if ag[1]["code"] != "1122" || ag[1]["open"] != "678.00" || ag[3]["code"] != "2202" || ag[3]["open"] != "1017.00" {
		t.Errorf("aging: %v", ag)
	}
	// Sales gross profit: 30 sold at 20.00, costing 10.00 each.
	_, gp := s.statementJSON("gross", "2025-01")
	if gp[1]["code"] != "A001" || gp[1]["qty"] != "30" || gp[1]["revenue"] != "600.00" || gp[1]["cost"] != "300.00" ||
		gp[1]["profit"] != "300.00" || gp[1]["margin"] != "50.00" || gp[2]["name"] != "合计" || gp[2]["qty"] != nil {
		t.Errorf("gross profit: %v", gp)
	}
	if out := s.ok("report", "gross", "--period", "2025-01", "--by", "customer", "--lang", "zh-CN"); !strings.Contains(out, "销售毛利表") ||
		!strings.Contains(out, "按客户") || !strings.Contains(out, "50.00%") || !strings.Contains(out, "[通过]") {
		t.Errorf("gross table:\n%s", out)
	}
	if out := s.ok("report", "gross", "--from", "2025-01", "--period", "2025-01", "--by", "category", "--lang", "en"); !strings.Contains(out, "Sales gross profit") ||
		!strings.Contains(out, "By category") || !strings.Contains(out, "(no category)") {
		t.Errorf("gross table, en:\n%s", out)
	}
	if g := s.csvRows("report", "gross", "--period", "2025-01", "--by", "customer"); strings.Join(g[0], ",") != "line,code,name,name_en,revenue,cost,profit,margin" {
		t.Errorf("gross csv: %v", g)
	}
	s.fails(1, "report", "gross", "--period", "2025-01", "--by", "colour")
	s.fails(1, "report", "gross", "--period", "2025-01", "--from", "2025-02")

	csv := s.csvRows("report", "bs", "--period", "2025-01")
	if strings.Join(csv[0], ",") != "line,code,name,name_en,end,year_start,formula" || len(csv) != 54 || csv[30][4] != "1317.00" {
		t.Errorf("bs csv: %v", csv[:2])
	}

	xlsx := filepath.Join(s.dir, "pl.xlsx")
	s.ok("report", "pl", "--period", "2025-01", "--xlsx", xlsx)
	if raw, err := os.ReadFile(xlsx); err != nil || !bytes.HasPrefix(raw, []byte("PK")) {
		t.Errorf("pl.xlsx: %v", err)
	}
	s.fails(1, "report", "pl", "--period", "2025-01", "--xlsx", filepath.Join(s.dir, "no", "such", "dir", "pl.xlsx"))

	s.fails(2, "report", "bs")
	s.fails(2, "report", "nope", "--period", "2025-01")
	s.fails(1, "report", "bs", "--period", "2025-13")
}
