package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

func voucherEntry(t *testing.T, s *session) *voucherEditor {
	t.Helper()
	e, ok := s.screens["voucher_entry"].(*voucherEditor)
	if !ok {
		t.Fatalf("voucher entry not open: %T", s.screens["voucher_entry"])
	}
	return e
}

// TestVoucherSaves: DOMAIN.md §8's depreciation voucher typed in the view-model saves as
// 记-0001, balanced, with 金额大写; audit and un-audit work.
func TestVoucherSaves(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "voucher_entry", "zh-CN")
	e := voucherEntry(t, s)
	vm := e.vm
	vm.SetDate("0131")
	if err := vm.BlurDate(); err != nil || !strings.HasSuffix(vm.date, "-01-31") {
		t.Fatalf("date %q %v", vm.date, err)
	}
	vm.SetDate("2025-01-31")
	vm.SetCell(0, "summary", "计提折旧")
	vm.SetCell(0, "account", "560207")
	vm.SetCell(0, "debit", "500")
	vm.SetCell(1, "summary", "..")
	vm.SetCell(1, "account", "1602")
	vm.SetCell(1, "credit", "500")
	if vm.Cell(1, "summary") != "计提折旧" || vm.Cell(0, "name") != "折旧费" {
		t.Errorf("line 2 summary %q, line 1 name %q", vm.Cell(1, "summary"), vm.Cell(0, "name"))
	}
	if txt, ok := vm.Balance(); !ok || txt != "借贷平衡" {
		t.Errorf("balance %q %v", txt, ok)
	}
	if w := vm.InWords(); w != "伍佰元整" {
		t.Errorf("in words %q", w)
	}
	if !vm.dirty() || !strings.HasSuffix(vm.Title(), "•") {
		t.Errorf("not dirty: %q", vm.Title())
	}
	e.cmdSave()
	if vm.msg != nil {
		t.Fatalf("save refused: %s", e.msgText())
	}
	if vm.v.Number() != "记-0001" || vm.dirty() || vm.v.Debit() != 50000 {
		t.Fatalf("saved %s dirty %v debit %s", vm.v.Number(), vm.dirty(), vm.v.Debit())
	}
	if !strings.Contains(e.words.Text, "伍佰元整") || e.balance.Text != "借贷平衡" || !strings.Contains(e.totals.Text, "500.00") {
		t.Errorf("footer %q %q %q", e.words.Text, e.balance.Text, e.totals.Text)
	}
	// Ctrl+H through the menu's command, then Ctrl+Shift+H
	s.docCmd(docCommands.cmdAudit)
	if !vm.v.Audited || vm.Editable() || vm.Banner() == "" {
		t.Fatalf("audit: audited %v editable %v msg %v", vm.v.Audited, vm.Editable(), vm.msg)
	}
	s.docCmd(docCommands.cmdUnaudit)
	if vm.v.Audited || !vm.Editable() {
		t.Fatalf("un-audit: %v %v", vm.v.Audited, vm.msg)
	}
}

// TestVoucherRefusals: an unbalanced voucher shows the 差额 and the service's refusal,
// the lines kept as typed; 1405 is refused at its line.
func TestVoucherRefusals(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "voucher_entry", "zh-CN")
	e := voucherEntry(t, s)
	vm := e.vm
	vm.SetDate("2025-01-31")
	vm.SetCell(0, "summary", "计提折旧")
	vm.SetCell(0, "account", "560207")
	vm.SetCell(0, "debit", "500")
	vm.SetCell(1, "summary", "//")
	vm.SetCell(1, "account", "1602")
	vm.SetCell(1, "credit", "450")
	e.refreshAll()
	if txt, ok := vm.Balance(); ok || txt != "差额 50.00" || e.balance.Text != "差额 50.00" {
		t.Errorf("balance %q %v, footer %q", txt, ok, e.balance.Text)
	}
	e.cmdSave()
	if ledger.CodeOf(vm.msg) != ledger.CodeUnbalanced || !e.msg.Visible() || !strings.Contains(e.msg.Text, "借贷平衡") {
		t.Fatalf("unbalanced: %v %q", vm.msg, e.msg.Text)
	}
	if vm.Saved() || vm.Cell(1, "credit") != "450" || vm.Cell(1, "summary") != "计提折旧" {
		t.Errorf("text lost: saved %v credit %q", vm.Saved(), vm.Cell(1, "credit"))
	}
	// `=` in an amount puts the difference that balances
	vm.SetCell(1, "credit", "=")
	if vm.Cell(1, "credit") != "500.00" {
		t.Errorf("= gave %q", vm.Cell(1, "credit"))
	}
	// 1405 takes only stock documents and the close
	vm.SetCell(0, "account", "1405")
	e.cmdSave()
	if ledger.CodeOf(vm.msg) != ledger.CodeVoucherControlled || vm.lines[0].err == nil || !strings.Contains(e.msg.Text, "1405") {
		t.Fatalf("1405: %v line err %v %q", vm.msg, vm.lines[0].err, e.msg.Text)
	}
	if strings.Count(e.msg.Text, "第 1 行") != 1 {
		t.Errorf("line named twice: %q", e.msg.Text)
	}
	if len(vm.MatchAccounts("1405")) != 0 {
		t.Errorf("the lookup offers 1405")
	}
}

// TestVoucherHabits: `..` and `//` copy summaries, Space swaps the side, `-` after a
// number makes red ink.
func TestVoucherHabits(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "voucher_entry", "en")
	e := voucherEntry(t, s)
	vm := e.vm
	vm.SetCell(0, "summary", "first")
	vm.SetCell(1, "summary", "second")
	vm.SetCell(2, "summary", "//")
	vm.SetCell(3, "summary", "..")
	if vm.Cell(2, "summary") != "first" || vm.Cell(3, "summary") != "first" {
		t.Errorf("// gave %q, .. gave %q", vm.Cell(2, "summary"), vm.Cell(3, "summary"))
	}
	vm.SetCell(1, "debit", "120")
	vm.SetCell(1, "debit", "120 ")
	if vm.Cell(1, "debit") != "" || vm.Cell(1, "credit") != "120" {
		t.Errorf("space: debit %q credit %q", vm.Cell(1, "debit"), vm.Cell(1, "credit"))
	}
	vm.SetCell(1, "credit", " 120")
	if vm.Cell(1, "debit") != "120" || vm.Cell(1, "credit") != "" {
		t.Errorf("space back: debit %q credit %q", vm.Cell(1, "debit"), vm.Cell(1, "credit"))
	}
	vm.SetCell(0, "debit", "30-")
	if vm.Cell(0, "debit") != "-30" {
		t.Errorf("red ink %q", vm.Cell(0, "debit"))
	}
	dr, _ := vm.Totals()
	if dr != 9000 {
		t.Errorf("debit total %s", dr)
	}
	// typed into the grid's entries, the habits show at once
	test.Type(e.grid.entryAt(4, "summary"), "..")
	if got := e.grid.entryAt(4, "summary").Text; got != "first" {
		t.Errorf("typed .. shows %q", got)
	}
	en := e.grid.entryAt(0, "account")
	test.Type(en, "560207")
	en.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if vm.Cell(0, "account") != "560207" || vm.Cell(0, "name") != "Depreciation" && vm.Cell(0, "name") == "" {
		t.Errorf("account %q name %q", vm.Cell(0, "account"), vm.Cell(0, "name"))
	}
	// a partner account asks for its partner, looked up by code
	vm.SetCell(4, "account", "1122")
	if !vm.NeedsAux(4) || vm.NeedsAux(0) {
		t.Errorf("aux: 1122 %v 560207 %v", vm.NeedsAux(4), vm.NeedsAux(0))
	}
	if ps := vm.MatchPartners(4, "C1"); len(ps) != 1 || ps[0].Code != "C1" {
		t.Errorf("partners %+v", ps)
	}
}

// TestVoucherCatalog: the keys built from names exist in both languages.
func TestVoucherCatalog(t *testing.T) {
	var keys []string
	for i := 1; i <= 5; i++ {
		keys = append(keys, "ui.close.step."+itoa(i))
	}
	for _, c := range []string{"B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "W1", "W2", "W3", "W4"} {
		keys = append(keys, "ui.close.check."+c)
	}
	for _, st := range []string{"check", "costing", "vouchers", "month-end", "post-check", "done"} {
		keys = append(keys, "ui.close.progress."+st)
	}
	for _, src := range []ledger.VoucherSource{ledger.SourceManual, ledger.SourceDoc, ledger.SourceSummary, ledger.SourceCOGS,
		ledger.SourceDisposal, ledger.SourceVAT, ledger.SourceSurcharge, ledger.SourcePL, ledger.SourceYearEnd} {
		keys = append(keys, "ui.voucher.source."+string(src))
	}
	keys = append(keys, "ui.ledger.dir.D", "ui.ledger.dir.C")
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if !i18n.For(l).Has(k) {
				t.Errorf("%s: missing in %s", k, l)
			}
		}
	}
}

func TestVoucherMatchAccounts(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "voucher_entry", "zh-CN")
	vm := voucherEntry(t, s).vm
	ms := vm.MatchAccounts("5602")
	if len(ms) == 0 {
		t.Fatal("no 5602 leaves")
	}
	for _, a := range ms {
		if !a.Leaf || !strings.HasPrefix(a.Code, "5602") {
			t.Errorf("offered %s (leaf %v)", a.Code, a.Leaf)
		}
	}
	if ok, _ := vm.EnterAccount(0); ok {
		t.Errorf("blank account accepted")
	}
	_ = context.Background()
}

// TestVoucherColumnsFit: the column titles of the voucher grid, the list and the ledgers
// fit their widths in both languages.
func TestVoucherColumnsFit(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(newTheme())
	s := &session{}
	for _, l := range i18n.Langs {
		s.cat, s.lang = i18n.For(l), l
		general := (&acctLedgerVM{s: s, general: true}).Columns()
		detail := (&acctLedgerVM{s: s}).Columns()
		for _, cols := range [][]docCol{voucherCols, voucherListCols, general, detail} {
			for _, c := range cols {
				w := fyne.MeasureText(s.t(c.title), 14, fyne.TextStyle{}).Width + 16
				if w > c.width {
					t.Errorf("%s: column %q needs %.0f, has %.0f", l, s.t(c.title), w, c.width)
				}
			}
		}
	}
}
