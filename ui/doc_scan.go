package ui

import (
	"strconv"
	"strings"
	"time"

	"shopbooks/ledger"
)

// parseDateText reads a date as a clerk types it: 0115 or 01-15 is that day of now's year,
// anything ledger.ParseDate reads as is.
func parseDateText(s string, now time.Time) (ledger.Date, error) {
	t := strings.TrimSpace(ledger.Normalize(s))
	if len(t) == 4 && allDigitsText(t) {
		t = t[:2] + "-" + t[2:]
	}
	if m, d, ok := strings.Cut(t, "-"); ok && len(m) <= 2 && len(d) <= 2 && allDigitsText(m) && allDigitsText(d) {
		mi, _ := strconv.Atoi(m)
		di, _ := strconv.Atoi(d)
		return ledger.ParseDate("date", strconv.Itoa(now.Year())+"-"+pad2(mi)+"-"+pad2(di))
	}
	return ledger.ParseDate("date", t)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func allDigitsText(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// scanResult is what Enter in a 编码 cell did.
type scanResult int

const (
	scanNone    scanResult = iota // nothing typed
	scanFound                     // a new line with the item
	scanMerged                    // added to the line with the same item
	scanReplace                   // an existing line's item changed
	scanLookup                    // several matches: the lookup opens
	scanUnknown                   // no item: the red line under the grid
)

// matchItems finds items by code, barcode, name or 助记码, any part, any case.
func (v *docVM) matchItems(text string) []ledger.Item {
	t := strings.ToLower(ledger.Normalize(text))
	if t == "" {
		return nil
	}
	var out []ledger.Item
	for _, it := range v.items {
		if strings.Contains(strings.ToLower(it.Code), t) || strings.Contains(strings.ToLower(it.Name), t) ||
			strings.Contains(strings.ToLower(it.Mnemonic), t) || strings.Contains(it.Barcode, t) {
			out = append(out, it)
			if len(out) == 50 {
				break
			}
		}
	}
	return out
}

// findItem follows UI.md §4.3: exact barcode, exact code, one name/助记码 match.
func (v *docVM) findItem(code string) (*ledger.Item, []ledger.Item) {
	c := ledger.Normalize(code)
	for i := range v.items {
		if v.items[i].Barcode != "" && v.items[i].Barcode == c {
			return &v.items[i], nil
		}
	}
	for i := range v.items {
		if strings.EqualFold(v.items[i].Code, c) {
			return &v.items[i], nil
		}
	}
	m := v.matchItems(c)
	if len(m) == 1 {
		return v.itemByCode(m[0].Code), nil
	}
	return nil, m
}

// splitCount reads "12*6901234567890": 12 of the scanned item.
func splitCount(text string) (ledger.Qty, string, bool) {
	t := ledger.Normalize(text)
	if n, code, ok := strings.Cut(t, "*"); ok {
		q, err := ledger.ParseQty("qty", n, false)
		if err != nil || q <= 0 {
			return 0, t, false
		}
		return q, strings.TrimSpace(code), true
	}
	return 10000, t, true
}

// EnterCode handles Enter in a 编码 cell (the scan flow of UI.md §4.3). On the blank last
// line a found item merges with a line of the same item (adds the count) or makes a new
// line; an unknown code is shown in red under the grid, never in a dialog. It returns
// what happened and the line the item landed on.
func (v *docVM) EnterCode(line int) (scanResult, int) {
	if line < 0 || line >= len(v.lines) || !v.Editable() {
		return scanNone, line
	}
	l := v.lines[line]
	text := strings.TrimSpace(l.text["item"])
	if text == "" {
		return scanNone, line
	}
	v.scan = ""
	if v.typ == ledger.DocExpense {
		return scanNone, line
	}
	n, code, ok := splitCount(text)
	if !ok {
		v.scan = v.s.t("ui.doc.scan_unknown", map[string]any{"code": text})
		v.notify()
		return scanUnknown, line
	}
	it, matches := v.findItem(code)
	if it == nil {
		if len(matches) > 1 {
			return scanLookup, line
		}
		v.scan = v.s.t("ui.doc.scan_unknown", map[string]any{"code": code})
		v.notify()
		return scanUnknown, line
	}
	v.byScan = it.Barcode != "" && it.Barcode == code || strings.Contains(text, "*")
	v.flash = line
	fresh := !l.hasBook && l.src == "" && onlyItemTyped(l)
	if !fresh {
		v.PickItem(line, *it, 0)
		return scanReplace, line
	}
	res, at := v.addScanned(*it, n, line)
	if res == scanMerged {
		// the typed line is blank again, ready for the next scan
		l.text = map[string]string{}
		l.item = nil
	}
	v.ensureBlank()
	v.recompute()
	return res, at
}

func onlyItemTyped(l *docLine) bool {
	for k, s := range l.text {
		if k != "item" && strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// addScanned adds n of an item: with the book's 扫码合并 on, to another line with the
// same item, warehouse and default price; else (or with none) on the typed line itself.
func (v *docVM) addScanned(it ledger.Item, n ledger.Qty, line int) (scanResult, int) {
	if !v.scanMerge() {
		v.PickItem(line, it, n)
		v.scanStatus(it, n, n)
		return scanFound, line
	}
	price := v.defaultPrice(it)
	for i, l := range v.lines {
		if i == line || l.item == nil || l.item.Code != it.Code || l.src != "" || v.lineWH(l) != v.head["warehouse"] {
			continue
		}
		if v.typ.Priced() && l.text["price"] != price {
			continue
		}
		q, err := ledger.ParseQty("qty", orZero(l.text["qty"]), false)
		if err != nil {
			continue
		}
		l.text["qty"] = (q + n).String()
		v.scanStatus(it, n, q+n)
		v.flash = i
		return scanMerged, i
	}
	v.PickItem(line, it, n)
	v.scanStatus(it, n, n)
	return scanFound, line
}

// scanMerge reads 扫码合并 from the book as it is now: the settings screen may have changed
// it since the editor opened (one small read, well inside a scan's 10 ms).
func (v *docVM) scanMerge() bool {
	if set, err := v.s.book.Settings(v.s.ctx); err == nil {
		v.set = set
	}
	return v.set.ScanMerge
}

func (v *docVM) scanStatus(it ledger.Item, n, total ledger.Qty) {
	v.info = v.s.t("ui.doc.scanned", map[string]any{"name": it.Name, "n": n.String(), "total": total.String()})
	v.s.setStatus(v.info)
}

// defaultPrice is the item's reference price for the type: the sale price for sales,
// the purchase price for purchases, tax-exclusive unless the document is inclusive.
func (v *docVM) defaultPrice(it ledger.Item) string {
	if !v.typ.Priced() {
		return ""
	}
	p := it.Buy
	if v.typ.Customer() {
		p = it.Sell
	}
	if p == 0 {
		return ""
	}
	if isTrue(v.head["inclusive"]) {
		r := it.VAT
		if v.set.Taxpayer == ledger.TaxpayerSmall && v.typ.Customer() {
			r = v.set.LevyRate
		}
		// the inclusive reference price, rounded to the fen
		x := int64(p) * (10000 + int64(r)) / 10000
		p = ledger.Price((x + 5000) / 10000 * 10000)
	}
	return p.String()
}

// PickItem puts an item on a line (from the lookup, a scan or a typed code): its code,
// the default price and VAT rate, and the quantity n (0 keeps what is there, else 1).
func (v *docVM) PickItem(line int, it ledger.Item, n ledger.Qty) {
	if line < 0 || line >= len(v.lines) {
		return
	}
	l := v.lines[line]
	l.text["item"] = it.Code
	l.item = v.itemByCode(it.Code)
	l.err = nil
	if n > 0 || strings.TrimSpace(l.text["qty"]) == "" {
		if n == 0 {
			n = 10000
		}
		if v.typ != ledger.DocCount {
			l.text["qty"] = n.String()
		}
	}
	if v.typ.Priced() {
		if l.text["price"] == "" {
			l.text["price"] = v.defaultPrice(it)
		}
		l.text["vat"] = it.VAT.String()
		if r, _ := v.lineRate(l); r != it.VAT {
			l.text["vat"] = r.String()
		}
	}
	v.scan = ""
	v.ensureBlank()
	v.recompute()
}

// ScanCount is the count sheet's 扫码 box: a scan adds 1 (or n with n*) to 实盘 of the
// item's line, making the line if the sheet has none.
func (v *docVM) ScanCount(text string) scanResult {
	if !v.Editable() || v.typ != ledger.DocCount {
		return scanNone
	}
	n, code, ok := splitCount(text)
	if !ok || strings.TrimSpace(code) == "" {
		return scanNone
	}
	it, _ := v.findItem(code)
	if it == nil {
		v.scan = v.s.t("ui.doc.scan_unknown", map[string]any{"code": code})
		v.notify()
		return scanUnknown
	}
	v.scan = ""
	for _, l := range v.lines {
		if l.item != nil && l.item.Code == it.Code {
			q, _ := ledger.ParseQty("qty", orZero(l.text["qty"]), false)
			l.text["qty"] = (q + n).String()
			v.scanStatus(*it, n, q+n)
			v.recompute()
			return scanMerged
		}
	}
	last := len(v.lines) - 1
	v.lines[last].text["item"] = it.Code
	v.lines[last].item = it
	v.lines[last].text["qty"] = n.String()
	v.scanStatus(*it, n, n)
	v.ensureBlank()
	v.recompute()
	return scanFound
}

// Generate fills a count sheet from the book (按当前库存生成): a line per item with stock
// in the warehouse at the date, its book quantity shown, 实盘 left to count.
func (v *docVM) Generate() error {
	if !v.Editable() || v.typ != ledger.DocCount {
		return nil
	}
	date, err := parseDateText(v.head["date"], time.Now())
	if err != nil {
		v.errs["date"] = err
		v.notify()
		return err
	}
	if v.head["warehouse"] == "" {
		err := &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "warehouse"}}
		v.errs["warehouse"] = err
		v.notify()
		return err
	}
	sheet, err := v.s.book.CountSheet(v.s.ctx, v.s.user, v.head["warehouse"], date)
	if err != nil {
		v.place(err)
		v.notify()
		return err
	}
	have := map[string]*docLine{}
	for _, l := range v.lines {
		if l.item != nil {
			have[l.item.Code] = l
		}
	}
	for _, c := range sheet {
		if l, ok := have[c.Item]; ok {
			l.book, l.hasBook = c.BookQty, true
			continue
		}
		l := newLine()
		l.text["item"] = c.Item
		l.item = v.itemByCode(c.Item)
		l.book, l.hasBook = c.BookQty, true
		// before the blank last line
		v.lines = append(v.lines[:len(v.lines)-1], l, v.lines[len(v.lines)-1])
	}
	v.ensureBlank()
	v.recompute()
	v.info = v.s.t("ui.doc.generated", map[string]any{"n": len(sheet)})
	v.notify()
	return nil
}

// CountProgress is 已盘 n/m.
func (v *docVM) CountProgress() (counted, total int) {
	for _, l := range v.lines {
		if l.blank() {
			continue
		}
		total++
		if strings.TrimSpace(l.text["qty"]) != "" {
			counted++
		}
	}
	return counted, total
}
