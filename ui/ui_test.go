package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newBook creates a real book in a temporary folder: a small-scale shop with one admin
// without a password.
func newBook(t testing.TB) (*ledger.Book, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "测试店.book")
	b, err := ledger.Create(context.Background(), path, ledger.NewBook{Settings: ledger.Settings{Name: "测试店", Start: "2025-01",
		Costing: ledger.CostingMoving, Taxpayer: ledger.TaxpayerSmall}}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, path
}

func admin(t testing.TB, b *ledger.Book) *ledger.User {
	t.Helper()
	u, err := b.Login(context.Background(), "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// newWindow opens the window on a book as the user (logged in with password pw), at a
// screen, in a language.
func newWindow(t *testing.T, path, user, pw, screen, lang string) *session {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	s := start(a, w, Options{BookPath: path, Lang: lang, Screen: screen, User: user, Password: pw, Log: quiet})
	t.Cleanup(func() {
		s.verifyWG.Wait()
		if s.book != nil {
			s.book.Close()
		}
	})
	if s.user == nil {
		t.Fatalf("not logged in: %v", s.login.err)
	}
	return s
}

func itemsScreen(t *testing.T, s *session) *masterScreen {
	t.Helper()
	v, ok := s.screens["items"].(*masterScreen)
	if !ok {
		t.Fatal("items screen not open")
	}
	return v
}

func addItem(t testing.TB, b *ledger.Book, u *ledger.User, code, name string) {
	t.Helper()
	if _, err := b.AddItem(context.Background(), u, ledger.Item{Code: code, Name: name, Unit: "瓶", VAT: 1300, Active: true}); err != nil {
		t.Fatal(err)
	}
}

func TestAddItemThroughForm(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "items", "zh-CN")
	v := itemsScreen(t, s)
	f := v.form
	test.Type(f.entries["code"], "A")
	test.Type(f.entries["name"], "洗衣液2kg")
	f.selects["unit"].SetSelected("瓶")
	test.Type(f.entries["sell"], "32")
	test.Tap(v.btnSave)
	if e := f.msg.Text; e != "" {
		t.Fatalf("save refused: %s", e)
	}
	items, err := s.book.Items(s.ctx, ledger.ItemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Code != "A" || items[0].Name != "洗衣液2kg" || items[0].Mnemonic != "XYY2KG" ||
		items[0].Sell != ledger.Yuan(32, 0) {
		t.Fatalf("items = %+v", items)
	}
	if v.m.Len() != 1 || v.m.Cell(0, 1) != "洗衣液2kg" {
		t.Errorf("list shows %d rows, %q", v.m.Len(), v.m.Cell(0, 1))
	}
	if v.m.Form().Dirty() || f.info.Text != "已保存" {
		t.Errorf("after save: dirty %v, info %q", v.m.Form().Dirty(), f.info.Text)
	}
}

func TestEnterSaves(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "items", "en")
	v := itemsScreen(t, s)
	f := v.form
	test.Type(f.entries["code"], "B")
	f.selects["unit"].SetSelected("瓶 (bottle)")
	test.Type(f.entries["name"], "抽纸")
	f.entries["name"].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if _, err := s.book.Item(s.ctx, "B"); err != nil {
		t.Fatalf("Enter did not save: %v (form says %q)", err, f.msg.Text)
	}
}

func TestRefusedSaveKeepsText(t *testing.T) {
	b, path := newBook(t)
	addItem(t, b, admin(t, b), "A", "洗衣液2kg")
	b.Close()
	s := newWindow(t, path, "", "", "items", "zh-CN")
	v := itemsScreen(t, s)
	f := v.form

	// a duplicate code: refused by the service, the message at the code field
	test.Type(f.entries["code"], "A")
	test.Type(f.entries["name"], "另一个")
	f.selects["unit"].SetSelected("瓶")
	test.Tap(v.btnSave)
	if got, want := f.errs["code"].Text, "编码 A 已存在。"; got != want || !f.errs["code"].Visible() {
		t.Errorf("code error = %q (visible %v), want %q", got, f.errs["code"].Visible(), want)
	}
	if f.entries["code"].Text != "A" || f.entries["name"].Text != "另一个" || f.selects["unit"].Selected != "瓶" {
		t.Errorf("typed text lost: %q %q %q", f.entries["code"].Text, f.entries["name"].Text, f.selects["unit"].Selected)
	}

	// a malformed price: shown on leaving the field, and the save refused, text kept
	f.entries["code"].SetText("C")
	test.Type(f.entries["sell"], "12,5")
	f.entries["sell"].FocusLost()
	want := "销售价：“12,5”不是有效的数字，请写成 12.5 或 1,234.56 的形式。"
	if got := f.errs["sell"].Text; got != want {
		t.Errorf("on leaving: sell error = %q, want %q", got, want)
	}
	test.Tap(v.btnSave)
	if got := f.errs["sell"].Text; got != want {
		t.Errorf("after save: sell error = %q", got)
	}
	if f.entries["sell"].Text != "12,5" || f.entries["code"].Text != "C" {
		t.Errorf("typed text lost: %q", f.entries["sell"].Text)
	}
	if items, _ := s.book.Items(s.ctx, ledger.ItemFilter{Inactive: true}); len(items) != 1 {
		t.Errorf("book changed: %d items", len(items))
	}
	// fixing the price clears the error and saves
	f.entries["sell"].SetText("12.5")
	test.Tap(v.btnSave)
	if f.errs["sell"].Visible() || f.errs["code"].Visible() || f.msg.Visible() {
		t.Errorf("errors still shown: %q %q %q", f.errs["sell"].Text, f.errs["code"].Text, f.msg.Text)
	}
	if it, err := s.book.Item(s.ctx, "C"); err != nil || it.Sell != ledger.Yuan(12, 50) {
		t.Errorf("C = %+v, %v", it, err)
	}
}

func TestEscReverts(t *testing.T) {
	b, path := newBook(t)
	addItem(t, b, admin(t, b), "A", "洗衣液2kg")
	b.Close()
	s := newWindow(t, path, "", "", "items", "zh-CN")
	v := itemsScreen(t, s)
	v.table.Select(widget.TableCellID{Row: 0, Col: 0})
	f := v.form
	if f.entries["name"].Text != "洗衣液2kg" {
		t.Fatalf("selecting the row shows %q", f.entries["name"].Text)
	}
	f.entries["name"].SetText("改过的名字")
	if !v.dirty() {
		t.Fatal("edit not tracked")
	}
	f.entries["name"].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.entries["name"].Text != "洗衣液2kg" || v.dirty() {
		t.Errorf("after Esc: %q, dirty %v", f.entries["name"].Text, v.dirty())
	}
	if it, _ := s.book.Item(s.ctx, "A"); it.Name != "洗衣液2kg" {
		t.Errorf("book changed: %q", it.Name)
	}
}

func TestSearchAndSort(t *testing.T) {
	b, path := newBook(t)
	u := admin(t, b)
	addItem(t, b, u, "B", "抽纸")
	addItem(t, b, u, "A", "洗衣液2kg")
	addItem(t, b, u, "C", "矿泉水")
	b.Close()
	s := newWindow(t, path, "", "", "items", "zh-CN")
	v := itemsScreen(t, s)
	test.Type(v.search, "xyy")
	if v.m.Len() != 1 || v.m.Cell(0, 1) != "洗衣液2kg" {
		t.Fatalf("xyy finds %d rows: %q", v.m.Len(), v.m.Cell(0, 1))
	}
	v.search.SetText("ＸＹＹ") // full-width, as a Chinese IME types it
	if v.m.Len() != 1 {
		t.Errorf("full-width XYY finds %d rows", v.m.Len())
	}
	v.search.SetText("")
	if v.m.Len() != 3 {
		t.Fatalf("empty search shows %d rows", v.m.Len())
	}
	codes := func() string {
		out := ""
		for i := range v.m.Len() {
			out += v.m.Cell(i, 0)
		}
		return out
	}
	if got := codes(); got != "ABC" {
		t.Errorf("as loaded: %s", got)
	}
	v.sortBy(0)
	v.sortBy(0) // a second tap reverses
	if got := codes(); got != "CBA" {
		t.Errorf("code descending: %s", got)
	}
	v.sortBy(1) // by name
	if got := codes(); got != "BCA" && got != "BAC" && got != "ACB" {
		t.Logf("by name: %s", got)
	}
	if sc, desc := v.m.SortState(); sc != 1 || desc {
		t.Errorf("sort state %d %v", sc, desc)
	}
}

func TestViewerCannotEdit(t *testing.T) {
	b, path := newBook(t)
	u := admin(t, b)
	addItem(t, b, u, "A", "洗衣液2kg")
	if _, err := b.AddUser(context.Background(), u, "小王", ledger.RoleViewer, "pw"); err != nil {
		t.Fatal(err)
	}
	b.Close()
	s := newWindow(t, path, "小王", "pw", "items", "zh-CN")
	v := itemsScreen(t, s)
	if hasButton(s.win.Content(), "新增") || hasButton(s.win.Content(), "保存") {
		t.Error("a viewer sees 新增 or 保存")
	}
	if !v.form.entries["name"].Disabled() {
		t.Error("a viewer can type in the form")
	}
	// the service refuses anyway
	v.m.Form().Set("code", "Z")
	v.m.Form().Set("name", "x")
	v.m.Form().Set("unit", "瓶")
	err := v.m.Save()
	if ledger.CodeOf(err) != ledger.CodeForbidden {
		t.Errorf("viewer save: %v", err)
	}
	_, err = s.book.AddItem(s.ctx, s.user, ledger.Item{Code: "Z", Name: "x", Unit: "瓶"})
	if !errors.Is(err, &ledger.Error{Code: ledger.CodeForbidden}) {
		t.Errorf("service: %v", err)
	}
	// and the navigation has no settings or users
	if allowed(s.user, "settings") || allowed(s.user, "users") || !allowed(s.user, "items") {
		t.Error("viewer navigation wrong")
	}
}

// hasButton tells whether a visible button with this text is in the tree.
func hasButton(o fyne.CanvasObject, text string) bool {
	switch x := o.(type) {
	case *widget.Button:
		return x.Visible() && x.Text == text
	case *fyne.Container:
		for _, c := range x.Objects {
			if hasButton(c, text) {
				return true
			}
		}
	case *container.Split:
		return hasButton(x.Leading, text) || hasButton(x.Trailing, text)
	case *container.Scroll:
		return hasButton(x.Content, text)
	case *container.DocTabs:
		for _, it := range x.Items {
			if hasButton(it.Content, text) {
				return true
			}
		}
	case *container.AppTabs:
		for _, it := range x.Items {
			if hasButton(it.Content, text) {
				return true
			}
		}
	}
	return false
}
