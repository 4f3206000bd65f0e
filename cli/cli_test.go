package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shopbooks/store"
)

// shop is a book in a temp dir driven through Main, with its own config dir.
type shop struct {
	t    *testing.T
	dir  string
	book string
	env  map[string]string
	gui  []GUIOptions
}

func newShop(t *testing.T) *shop {
	t.Helper()
	dir := t.TempDir()
	return &shop{t: t, dir: dir, book: filepath.Join(dir, "shop.book"), env: map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"HOME":            dir,
		"LANG":            "en_US.UTF-8",
	}}
}

// initShop makes a book without passwords: 测试小店, from 2025-01.
func initShop(t *testing.T) *shop {
	t.Helper()
	s := newShop(t)
	s.ok("init", "--name", "测试小店", "--start", "2025-01")
	return s
}

// runWith runs the program with the book, extra environment and stdin.
func (s *shop) runWith(env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	s.t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return s.env[k]
	}
	code = Main(context.Background(), append([]string{"--book", s.book}, args...), Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: getenv,
		GUI: func(o GUIOptions) error { s.gui = append(s.gui, o); return nil },
	})
	return code, out.String(), errb.String()
}

func (s *shop) run(args ...string) (int, string, string) {
	s.t.Helper()
	return s.runWith(nil, "", args...)
}

// ok runs a command that must succeed and returns its stdout.
func (s *shop) ok(args ...string) string {
	s.t.Helper()
	code, out, errs := s.run(args...)
	if code != 0 {
		s.t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
	}
	return out
}

// fails runs a command that must exit with want and returns its stderr.
func (s *shop) fails(want int, args ...string) string {
	s.t.Helper()
	code, _, errs := s.run(args...)
	if code != want {
		s.t.Fatalf("%v: exit %d, want %d; stderr %q", args, code, want, errs)
	}
	if strings.TrimSpace(errs) == "" {
		s.t.Fatalf("%v: exit %d without a message", args, code)
	}
	return errs
}

// jsonList runs a listing with --format json and decodes it.
func (s *shop) jsonList(args ...string) []map[string]any {
	s.t.Helper()
	out := s.ok(append(args, "--format", "json")...)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		s.t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return rows
}

func (s *shop) csvRows(args ...string) [][]string {
	s.t.Helper()
	out := s.ok(append(args, "--format", "csv")...)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		s.t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return recs
}

func TestItemsThroughTheCLI(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("warehouse", "add", "--code", "W1", "--name", "主仓")
	if out := s.ok("item", "add", "--code", "A001", "--name", "矿泉水 550ml", "--unit", "瓶", "--vat", "13", "--buy", "1.2",
		"--sell", "2"); !strings.Contains(out, "A001") {
		t.Errorf("item add said %q", out)
	}
	s.ok("item", "add", "--code=FW1", "--name=洗衣液", "--unit=个", "--buy", "１２．５", "--barcode", "6901234567890")

	out := s.ok("item", "list", "--format", "json")
	if !strings.HasPrefix(out, "[\n  {\n    \"code\": \"A001\",\n    \"name\": \"矿泉水 550ml\",\n") {
		t.Errorf("json not pretty-printed in key order:\n%s", out)
	}
	rows := s.jsonList("item", "list")
	if len(rows) != 2 {
		t.Fatalf("%d items, want 2", len(rows))
	}
	fw := rows[1]
	for k, want := range map[string]any{"code": "FW1", "buy": "12.50", "sell": "0.00", "vat": "13", "mnemonic": "XYY",
		"unit": "个", "barcode": "6901234567890", "active": true, "reorder": "0"} {
		if fw[k] != want {
			t.Errorf("FW1 %s = %#v, want %#v", k, fw[k], want)
		}
	}

	recs := s.csvRows("item", "list")
	if got := strings.Join(recs[0], ","); got != "code,name,mnemonic,spec,unit,category,category_name,barcode,vat,buy,sell,reorder,ref_cost,other_business,active" {
		t.Errorf("csv header %s", got)
	}
	if recs[1][0] != "A001" || recs[1][9] != "1.20" || recs[1][10] != "2.00" {
		t.Errorf("csv row %v", recs[1])
	}

	// search by 助记码, show, edit, deactivate, activate, delete
	if rows := s.jsonList("item", "list", "--search", "xyy"); len(rows) != 1 || rows[0]["code"] != "FW1" {
		t.Errorf("search xyy: %v", rows)
	}
	s.ok("category", "add", "--code", "C1", "--name", "日化")
	s.ok("item", "edit", "FW1", "--name", "洗洁精", "--category", "C1", "--sell=15", "--reorder", "2.5", "--spec", "1L")
	var shown map[string]any
	if err := json.Unmarshal([]byte(s.ok("item", "show", "FW1", "--format", "json")), &shown); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"name": "洗洁精", "mnemonic": "XJJ", "category": "C1", "category_name": "日化",
		"sell": "15.00", "reorder": "2.5", "spec": "1L", "buy": "12.50"} {
		if shown[k] != want {
			t.Errorf("after edit %s = %#v, want %#v", k, shown[k], want)
		}
	}
	s.ok("item", "edit", "FW1", "--code", "FW2")
	s.ok("item", "deactivate", "FW2")
	if rows := s.jsonList("item", "list"); len(rows) != 1 {
		t.Errorf("inactive item listed: %v", rows)
	}
	if rows := s.jsonList("item", "list", "--all"); len(rows) != 2 || rows[1]["active"] != false {
		t.Errorf("--all: %v", rows)
	}
	s.ok("item", "activate", "FW2")
	s.ok("item", "delete", "FW2")
	s.fails(1, "item", "show", "FW2")
	if rows := s.jsonList("item", "list", "--all"); len(rows) != 1 {
		t.Errorf("after delete: %v", rows)
	}
}

func TestRefusedInputChangesNothing(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("item", "add", "--code", "A001", "--name", "矿泉水", "--unit", "瓶", "--buy", "1.2")
	before := s.ok("item", "list", "--format", "csv")
	for _, bad := range []string{"12.345.6", "1e3", "NaN", "-5", "12,5", "1.1234567", "", "abc"} {
		s.fails(1, "item", "add", "--code", "X1", "--name", "bad", "--unit", "个", "--buy="+bad)
		s.fails(1, "item", "add", "--code", "X1", "--name", "bad", "--unit", "个", "--buy", bad)
		s.fails(1, "item", "edit", "A001", "--sell", bad)
	}
	for _, args := range [][]string{
		{"item", "add", "--code", "A001", "--name", "dup", "--unit", "个"},
		{"item", "add", "--code", "a001", "--name", "dup", "--unit", "个"},
		{"item", "add", "--code", "X2", "--name", " ", "--unit", "个"},
		{"item", "add", "--code", "X2", "--name", "x", "--unit", "吨"},
		{"item", "add", "--code", "X2", "--name", "x", "--unit", "个", "--category", "nope"},
		{"item", "add", "--code", "X2", "--name", "x", "--unit", "个", "--vat", "14"},
		{"item", "add", "--code", "X 2", "--name", "x", "--unit", "个"},
		{"item", "edit", "NOPE", "--name", "x"},
	} {
		s.fails(1, args...)
	}
	if after := s.ok("item", "list", "--format", "csv"); after != before {
		t.Errorf("refused input changed the items:\n%s\n%s", before, after)
	}
	if errs := s.fails(1, "item", "add", "--code", "X1", "--name", "bad", "--unit", "个", "--buy", "1e3"); !strings.Contains(errs, "1e3") {
		t.Errorf("the message does not name the value: %q", errs)
	}
}

func TestLanguages(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("item", "add", "--code", "A001", "--name", "x", "--unit", "个")
	dup := []string{"item", "add", "--code", "A001", "--name", "dup", "--unit", "个"}
	if errs := s.fails(1, append([]string{"--lang", "en"}, dup...)...); !strings.Contains(errs, "already exists") {
		t.Errorf("en: %q", errs)
	}
	if errs := s.fails(1, append(dup, "--lang", "zh-CN")...); !strings.Contains(errs, "已存在") {
		t.Errorf("zh-CN: %q", errs)
	}
	// the environment decides when nothing else does
	code, _, errs := s.runWith(map[string]string{"LANG": "zh_CN.UTF-8"}, "", dup...)
	if code != 1 || !strings.Contains(errs, "已存在") {
		t.Errorf("LANG=zh_CN: %d %q", code, errs)
	}
	// a saved language beats the environment; --lang beats both
	if err := saveConfig(filepath.Join(s.env["XDG_CONFIG_HOME"], "shopbooks"), config{LastBook: s.book, Lang: "zh-CN"}); err != nil {
		t.Fatal(err)
	}
	if errs := s.fails(1, dup...); !strings.Contains(errs, "已存在") {
		t.Errorf("saved zh-CN: %q", errs)
	}
	if errs := s.fails(1, append([]string{"--lang=en"}, dup...)...); !strings.Contains(errs, "already exists") {
		t.Errorf("--lang=en over saved zh-CN: %q", errs)
	}
	// table headers are translated, JSON keys are not
	if out := s.ok("item", "list"); !strings.HasPrefix(out, "编码") {
		t.Errorf("zh table header: %q", out)
	}
	if out := s.ok("item", "list", "--lang", "en"); !strings.HasPrefix(out, "Code") {
		t.Errorf("en table header: %q", out)
	}
	if out := s.ok("item", "list", "--format", "json"); !strings.Contains(out, `"code": "A001"`) {
		t.Errorf("json keys: %q", out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	for _, args := range [][]string{
		{"frobnicate"},
		{"item"},
		{"item", "frob"},
		{"item", "list", "--frob"},
		{"item", "list", "extra"},
		{"item", "add", "--code"},
		{"item", "add", "--name", "x", "--unit", "个"}, // --code missing
		{"item", "show"},
		{"item", "list", "--format", "xml"},
		{"--lang", "fr", "item", "list"},
		{"--nope"},
		{"opening", "stock", "A", "W", "1"},
		{"user", "add", "bob"},
		{"account", "add", "100201"},
	} {
		errs := s.fails(2, args...)
		if !strings.Contains(errs, "shopbooks") {
			t.Errorf("%v: no usage line in %q", args, errs)
		}
	}
	errs := s.fails(2, "item", "list", "--frob", "--lang", "zh-CN")
	if !strings.Contains(errs, "未知选项") || !strings.Contains(errs, "用法") {
		t.Errorf("translated usage: %q", errs)
	}
	if out := s.ok("--help"); !strings.Contains(out, "item add") || !strings.Contains(out, "batch") {
		t.Errorf("help: %q", out)
	}
	for _, args := range [][]string{{"item", "--help"}, {"help", "item"}} {
		if out := s.ok(args...); !strings.Contains(out, "item edit") || strings.Contains(out, "partner add") {
			t.Errorf("%v: %q", args, out)
		}
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	inv, err := parse([]string{"--format", "json", "item", "add", "--code", "A", "--unit", "个", "--buy", "-5", "--sell=-1", "--other-business", "--lang", "en", "--name=a=b"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.g.format != "json" || inv.g.lang != "en" || inv.cmd.usage[:8] != "item add" {
		t.Errorf("globals %+v", inv.g)
	}
	want := map[string]string{"buy": "-5", "sell": "-1", "other-business": "on", "name": "a=b"}
	for k, v := range want {
		if got := inv.flags[k]; len(got) != 1 || got[0] != v {
			t.Errorf("--%s = %v, want %s", k, got, v)
		}
	}
	inv, err = parse([]string{"opening", "set", "2202", "-500", "--partner", "S1"})
	if err != nil || len(inv.args) != 2 || inv.args[1] != "-500" {
		t.Errorf("negative argument: %v %v", inv.args, err)
	}
	if _, err := parse([]string{"item", "list", "--all=maybe"}); err == nil {
		t.Error("--all=maybe accepted")
	}
	if inv, err := parse(nil); err != nil || inv.cmd != nil {
		t.Errorf("no arguments: %v %v", inv.cmd, err)
	}
}

func TestSplitWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line string
		want []string
	}{
		{`item add --code A1 --name "矿泉水 550ml"`, []string{"item", "add", "--code", "A1", "--name", "矿泉水 550ml"}},
		{`a 'it''s' "say \"hi\"" b\ c`, []string{"a", "its", `say "hi"`, "b c"}},
		{`x # a comment`, []string{"x"}},
		{`x a#b`, []string{"x", "a#b"}},
		{`--book C:\books\shop.book verify`, []string{"--book", `C:\books\shop.book`, "verify"}},
		{`x ""`, []string{"x", ""}},
		{"   ", nil},
		{"# only", nil},
	} {
		got, err := splitWords(tc.line)
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
	for _, bad := range []string{`a "b`, `a 'b`} {
		if _, err := splitWords(bad); err == nil {
			t.Errorf("splitWords(%q): no error", bad)
		}
	}
}

func TestTableAlignsCJK(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("item", "add", "--code", "A1", "--name", "矿泉水５５０ml", "--unit", "瓶", "--sell", "2")
	s.ok("item", "add", "--code", "LONGCODE2", "--name", "soap", "--unit", "块", "--sell", "12.5")
	out := s.ok("item", "list", "--lang", "zh-CN")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("table:\n%s", out)
	}
	// every column starts at the same display column on every line
	starts := func(line string) []int {
		var cols []int
		w, prevSpace, spaces := 0, true, 0
		for _, r := range line {
			if r == ' ' {
				spaces++
			} else {
				if prevSpace && (w == 0 || spaces >= 2) {
					cols = append(cols, w)
				}
				spaces = 0
			}
			prevSpace = r == ' '
			w += displayWidth(string(r))
		}
		return cols
	}
	// the name column (second) and the sale price (right-aligned, ends together)
	h, r1, r2 := starts(lines[0]), starts(lines[1]), starts(lines[2])
	if h[1] != r1[1] || r1[1] != r2[1] {
		t.Errorf("name column misaligned %v %v %v:\n%s", h, r1, r2, out)
	}
	end := func(line, cell string) int {
		i := strings.Index(line, cell)
		return displayWidth(line[:i]) + displayWidth(cell)
	}
	if end(lines[1], "2.00") != end(lines[2], "12.50") {
		t.Errorf("prices not right-aligned:\n%s", out)
	}
	if displayWidth("矿泉水５５０ml") != 14 {
		t.Errorf("displayWidth = %d", displayWidth("矿泉水５５０ml"))
	}
}

func TestPasswordsAndRoles(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	boss := map[string]string{"SHOPBOOKS_PASSWORD": "boss-pass"}
	if code, _, errs := s.runWith(boss, "", "init", "--name", "pw", "--start", "2025-01", "--admin", "boss"); code != 0 {
		t.Fatalf("init: %d %s", code, errs)
	}
	asBoss := func(env map[string]string, args ...string) (int, string, string) {
		e := map[string]string{"SHOPBOOKS_PASSWORD": "boss-pass"}
		for k, v := range env {
			e[k] = v
		}
		return s.runWith(e, "", append([]string{"--user", "boss"}, args...)...)
	}
	// a password is needed: none given and no terminal
	if errs := s.fails(1, "item", "list"); !strings.Contains(errs, "SHOPBOOKS_PASSWORD") {
		t.Errorf("no password: %q", errs)
	}
	if code, _, _ := s.runWith(map[string]string{"SHOPBOOKS_PASSWORD": "wrong"}, "", "item", "list"); code != 1 {
		t.Errorf("wrong password: exit %d", code)
	}
	if code, _, errs := asBoss(map[string]string{"SHOPBOOKS_NEW_PASSWORD": "view-pass"}, "user", "add", "viewer1", "--role", "viewer"); code != 0 {
		t.Fatalf("user add: %d %s", code, errs)
	}
	if code, _, errs := asBoss(nil, "user", "add", "clerk1", "--role", "clerk", "--no-password"); code != 0 {
		t.Fatalf("user add clerk: %d %s", code, errs)
	}
	if code, _, errs := asBoss(nil, "user", "add", "x", "--role", "viewer"); code != 1 || !strings.Contains(errs, "SHOPBOOKS_NEW_PASSWORD") {
		t.Errorf("user add without a password source: %d %q", code, errs)
	}
	// several users: say which
	if code, _, errs := s.runWith(boss, "", "item", "list"); code != 1 || !strings.Contains(errs, "--user") {
		t.Errorf("several users: %d %q", code, errs)
	}
	// the viewer may look, not write
	viewer := map[string]string{"SHOPBOOKS_PASSWORD": "view-pass"}
	if code, _, errs := s.runWith(viewer, "", "--user", "viewer1", "item", "add", "--code", "V1", "--name", "v", "--unit", "个"); code != 1 || errs == "" {
		t.Errorf("viewer item add: exit %d %q", code, errs)
	}
	if code, _, _ := s.runWith(viewer, "", "--user", "viewer1", "item", "list"); code != 0 {
		t.Errorf("viewer item list: exit %d", code)
	}
	// a clerk without a password logs in with none, and sees no reference cost
	if code, _, errs := s.runWith(nil, "", "--user", "clerk1", "item", "add", "--code", "C1", "--name", "c", "--unit", "个", "--ref-cost", "3"); code != 0 {
		t.Fatalf("clerk item add: %d %s", code, errs)
	}
	_, out, _ := s.runWith(nil, "", "--user", "clerk1", "item", "show", "C1", "--format", "json")
	if !strings.Contains(out, `"ref_cost": null`) {
		t.Errorf("clerk sees the reference cost: %s", out)
	}
	_, out, _ = s.runWith(viewer, "", "--user", "viewer1", "item", "show", "C1", "--format", "json")
	if !strings.Contains(out, `"ref_cost": "3.00"`) {
		t.Errorf("viewer cannot see the reference cost: %s", out)
	}
	// roles, grants, activation, password removal
	// one login for three changes
	if code, _, errs := s.runWith(boss, "user role clerk1 accountant\nuser grant clerk1 --unclose\nuser deactivate clerk1\n",
		"--user", "boss", "batch", "-"); code != 0 {
		t.Fatalf("batch as boss: %d %s", code, errs)
	}
	if code, _, _ := s.runWith(nil, "", "--user", "clerk1", "item", "list"); code != 1 {
		t.Errorf("inactive user logged in: exit %d", code)
	}
	if code, _, errs := asBoss(nil, "user", "activate", "clerk1"); code != 0 {
		t.Fatalf("activate: %d %s", code, errs)
	}
	_, out, _ = asBoss(nil, "user", "list", "--format", "json")
	var users []map[string]any
	if err := json.Unmarshal([]byte(out), &users); err != nil {
		t.Fatal(err)
	}
	if len(users) != 3 || users[2]["name"] != "clerk1" || users[2]["role"] != "accountant" || users[2]["can_unclose"] != true ||
		users[0]["has_password"] != true || users[2]["has_password"] != false || users[0]["last_login"] == nil {
		t.Errorf("users: %v", users)
	}
	if code, _, errs := asBoss(nil, "user", "role", "boss", "viewer"); code != 1 || errs == "" {
		t.Errorf("the last admin lost the role: %d %q", code, errs)
	}
	if code, _, errs := asBoss(nil, "user", "passwd", "viewer1", "--no-password"); code != 0 {
		t.Fatalf("passwd: %d %s", code, errs)
	}
	if code, _, errs := s.runWith(nil, "", "--user", "viewer1", "item", "list"); code != 0 {
		t.Errorf("viewer without password: %d %s", code, errs)
	}
	log, err := os.ReadFile(filepath.Join(s.dir, "config", "shopbooks", "shopbooks.log"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), "boss-pass") || strings.Contains(string(log), "view-pass") || !strings.Contains(string(log), "refused") {
		t.Errorf("the log:\n%s", log)
	}
}

func TestBatch(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	script := filepath.Join(s.dir, "setup.txt")
	os.WriteFile(script, []byte("\ufeff# master data\n\nwarehouse add --code W1 --name '主 仓'\n"+
		"item add --code A1 --name \"矿泉水 550ml\" --unit 瓶 --buy 1.2   # water\n"+
		"item list --format json\n"+
		"item add --code A2 --name soap --unit 块 --buy 1e3\n"+
		"item add --code A3 --name never --unit 个\n"), 0o644)
	code, out, errs := s.run("--lang", "en", "batch", script)
	if code != 1 || !strings.Contains(errs, "Line 6") || !strings.Contains(errs, "1e3") {
		t.Errorf("batch: exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, `"code": "A1"`) {
		t.Errorf("the json line printed %q", out)
	}
	rows := s.jsonList("item", "list")
	if len(rows) != 1 || rows[0]["name"] != "矿泉水 550ml" {
		t.Errorf("after the batch: %v", rows)
	}
	if rows := s.jsonList("warehouse", "list"); len(rows) != 1 || rows[0]["name"] != "主 仓" {
		t.Errorf("warehouses: %v", rows)
	}
	// from stdin; a usage error stops it with exit 2 and names the line
	code, _, errs = s.runWith(nil, "item list\nitem frob\nitem list\n", "batch", "-")
	if code != 2 || !strings.Contains(errs, "Line 2") {
		t.Errorf("batch -: exit %d %q", code, errs)
	}
	code, _, errs = s.runWith(nil, "item add --code \"A9 --name x --unit 个\n", "batch", "-")
	if code != 2 || !strings.Contains(errs, "Line 1") {
		t.Errorf("unclosed quote: exit %d %q", code, errs)
	}
	code, out, errs = s.runWith(nil, "item list --format json --lang zh-CN\nitem list\n--book other.book item list\n", "batch", "-")
	if code != 1 || !strings.Contains(errs, "Line 3") || !strings.Contains(out, "Code") || !strings.Contains(out, `"code"`) {
		t.Errorf("per-line globals: exit %d %q\n%s", code, errs, out)
	}
	if code, _, _ := s.runWith(nil, "batch -\n", "batch", "-"); code != 1 {
		t.Errorf("nested batch: exit %d", code)
	}
	s.fails(1, "batch", filepath.Join(s.dir, "missing.txt"))

	// a batch may create the book and fill it, as its admin
	n := newShop(t)
	code, _, errs = n.runWith(map[string]string{"SHOPBOOKS_PASSWORD": "pw1"}, "init --name 新店 --start 2025-03 --admin boss\n"+
		"warehouse add --code W1 --name 主仓\nuser list\n", "batch", "-")
	if code != 0 {
		t.Fatalf("batch init: %d %s", code, errs)
	}
}

func TestConfigRemembersTheLastBook(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.ok("init", "--name", "店", "--start", "2025-01")
	s.ok("item", "add", "--code", "A1", "--name", "x", "--unit", "个")
	cfgFile := filepath.Join(s.dir, "config", "shopbooks", "config.json")
	b, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	var c config
	json.Unmarshal(b, &c)
	if c.LastBook != s.book {
		t.Errorf("last book %q, want %q", c.LastBook, s.book)
	}
	// without --book, the last book is used
	var out bytes.Buffer
	code := Main(context.Background(), []string{"item", "list", "--format", "csv"}, Env{Stdout: &out, Getenv: func(k string) string { return s.env[k] }})
	if code != 0 || !strings.Contains(out.String(), "A1") {
		t.Errorf("without --book: exit %d %q", code, out.String())
	}
	// the log is in the config dir, and holds no password
	if _, err := os.Stat(filepath.Join(s.dir, "config", "shopbooks", "shopbooks.log")); err != nil {
		t.Errorf("log: %v", err)
	}
}

func TestGUI(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	var opts GUIOptions
	env := Env{Getenv: func(k string) string { return s.env[k] }, GUI: func(o GUIOptions) error { opts = o; return nil }}
	if code := Main(context.Background(), nil, env); code != 0 {
		t.Fatalf("no command: exit %d", code)
	}
	if opts.BookPath != s.book || opts.BookExplicit || opts.Lang != "en" || opts.Screen != "" || opts.Remember == nil || opts.Log == nil {
		t.Errorf("options %+v", opts)
	}
	if code := Main(context.Background(), []string{"--lang", "zh-CN", "gui", "--screen", "items"}, env); code != 0 {
		t.Fatalf("gui: exit %d", code)
	}
	if opts.Screen != "items" || opts.Lang != "zh-CN" {
		t.Errorf("gui options %+v", opts)
	}
	if err := opts.Remember("", "zh-CN"); err != nil {
		t.Fatal(err)
	}
	if code := Main(context.Background(), []string{"gui", "--book", "other.book"}, env); code != 0 {
		t.Fatal(code)
	}
	if opts.Lang != "zh-CN" || !opts.BookExplicit || opts.BookPath != absPath("other.book") {
		t.Errorf("remembered language / explicit book: %+v", opts)
	}
	var errb bytes.Buffer
	if code := Main(context.Background(), nil, Env{Stderr: &errb, Getenv: env.Getenv}); code != 1 || errb.Len() == 0 {
		t.Errorf("no window in this build: exit %d %q", code, errb.String())
	}
}

func TestNotABook(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	os.WriteFile(s.book, []byte("hello\n"), 0o644)
	if errs := s.fails(1, "item", "list"); !strings.Contains(errs, "not a ShopBooks book") {
		t.Errorf("text file: %q", errs)
	}
	s.book = filepath.Join(s.dir, "missing.book")
	s.fails(1, "item", "list")
	s.book = filepath.Join(s.dir, "no-such-dir", "x.book")
	s.fails(1, "init", "--name", "x", "--start", "2025-01")
	s.book = filepath.Join(s.dir, "new.book")
	s.fails(1, "init", "--name", "x", "--start", "2025-13")
	s.fails(1, "init", "--name", "x", "--start", "2025-01", "--costing", "lifo")
	s.ok("init", "--name", "x", "--start", "2025-01", "--taxpayer", "small", "--levy", "1")
	s.fails(1, "init", "--name", "x", "--start", "2025-01") // exists
	s.ok("item", "add", "--code", "A", "--name", "a", "--unit", "个")
	if rows := s.jsonList("item", "list"); rows[0]["vat"] != "1" {
		t.Errorf("small taxpayer's default VAT: %v", rows[0]["vat"])
	}
}

func TestVerifyAndAudit(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("item", "add", "--code", "A001", "--name", "矿泉水", "--unit", "瓶")
	if out := s.ok("verify"); !strings.Contains(out, "✓") {
		t.Errorf("verify: %q", out)
	}
	s.ok("verify", "--full")
	// Every command logs its user in (DOMAIN.md §9), so the item's record is among the
	// last few, followed by logins.
	rows := s.jsonList("audit", "--limit", "10")
	found := false
	for _, r := range rows {
		found = found || r["action"] == "item.add" && r["user"] == "admin"
	}
	if len(rows) != 10 || !found || rows[9]["action"] != "user.login" {
		t.Errorf("audit: %v", rows)
	}
	if rows := s.jsonList("audit", "--from", "1", "--limit", "2"); len(rows) != 2 || rows[0]["seq"] != float64(1) {
		t.Errorf("audit --from 1: %v", rows)
	}
	s.fails(1, "audit", "--limit", "x")

	// change an item behind the app's back
	db, err := store.Open(t.Context(), s.book)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t.Context(), "UPDATE items SET name = 'tampered'"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	errs := s.fails(1, "verify")
	if !strings.Contains(errs, "tampered") || !strings.Contains(errs, "A001") {
		t.Errorf("verify names the tampering: %q", errs)
	}
	code, out, _ := s.run("verify", "--format", "json")
	if code != 1 || !strings.Contains(out, `"passed": false`) {
		t.Errorf("verify json: %d %s", code, out)
	}
}
