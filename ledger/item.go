package ledger

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"shopbooks/store"
)

// ItemID identifies an item row.
type ItemID int64

// Item is a good the shop buys and sells (商品).
type Item struct {
	ID            ItemID
	Code          string // 编码, unique (case-insensitive)
	Name          string // 名称
	Mnemonic      string // 助记码: "" on add makes it from the name (Mnemonic)
	Spec          string // 规格型号
	Unit          string // 计量单位: a unit of the book
	Category      string // category code, "" for none
	CategoryName  string // read only
	Barcode       string // 条码, unique when not empty
	VAT           Rate   // default VAT rate (DOMAIN.md §2.2)
	Buy, Sell     Price  // reference purchase and sale prices, tax-exclusive
	Reorder       Qty    // 最低库存: the reorder list shows items below it
	RefCost       Price  // 参考成本: the unit cost used when no cost is known (DOMAIN.md §3.1)
	OtherBusiness bool   // 其他业务: revenue to 5051, cost to 5402
	Active        bool
	Version       int64 // the version read; an edit of a stale version is refused
}

// VATRates are the rates an item or line may carry (DOMAIN.md §2.2).
var VATRates = []Rate{1300, 900, 600, 500, 300, 100, 0}

// ItemFilter selects items: Text matches any part of code, name, 助记码 or barcode,
// case-insensitively; inactive items only with Inactive.
type ItemFilter struct {
	Text     string
	Inactive bool
	Limit    int // 0: all
}

const itemCols = `i.id, i.code, i.name, i.mnemonic, i.spec, i.unit, ifnull(c.code, ''), ifnull(c.name, ''), i.barcode,
	i.vat_bp, i.buy_price, i.sell_price, i.reorder_qty, i.ref_cost, i.other_business, i.active, i.version`

const itemFrom = ` FROM items i LEFT JOIN categories c ON c.id = i.category_id`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	err := row.Scan(&it.ID, &it.Code, &it.Name, &it.Mnemonic, &it.Spec, &it.Unit, &it.Category, &it.CategoryName,
		&it.Barcode, &it.VAT, &it.Buy, &it.Sell, &it.Reorder, &it.RefCost, &it.OtherBusiness, &it.Active, &it.Version)
	return it, err
}

// Items lists items by code. The whole list (no text) is read from item_list, one ready
// text a row; a filtered one from items.
func (b *Book) Items(ctx context.Context, f ItemFilter) ([]Item, error) {
	var out []Item
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = readItems(ctx, tx, f)
		return err
	})
	return out, fromStore(err)
}

// readItems is Items inside a transaction.
func readItems(ctx context.Context, tx *store.Tx, f ItemFilter) ([]Item, error) {
	t := Normalize(f.Text)
	if t == "" {
		if out, err := listedItems(ctx, tx, f); err != errUnpacked {
			return out, err
		}
	}
	return scanItems(ctx, tx, f, t)
}

// scanItems reads the items of f (with its normalised text t) from items, value by value.
func scanItems(ctx context.Context, tx *store.Tx, f ItemFilter, t string) ([]Item, error) {
	q := "SELECT " + itemCols + itemFrom + " WHERE 1"
	var args []any
	if !f.Inactive {
		q += " AND i.active = 1"
	}
	if t != "" {
		q += ` AND (i.code LIKE ?1 ESCAPE '\' OR i.name LIKE ?1 ESCAPE '\' OR i.mnemonic LIKE ?1 ESCAPE '\' OR i.barcode LIKE ?1 ESCAPE '\')`
		args = append(args, likePattern(t))
	}
	q += " ORDER BY i.code"
	if f.Limit > 0 {
		q += " LIMIT " + itoa(f.Limit)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// errUnpacked: a row of item_list does not split into its values, or names a category
// that does not exist (changed behind the book's back: verify names it); the list is
// read from items instead.
var errUnpacked = errors.New("item row does not unpack")

// listedItems reads the items of f (no text) from item_list, in code order.
func listedItems(ctx context.Context, tx *store.Tx, f ItemFilter) ([]Item, error) {
	type category struct{ code, name string }
	cats := map[int64]category{}
	rows, err := tx.QueryContext(ctx, "SELECT id, code, name FROM categories")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c category
		if err := rows.Scan(&id, &c.code, &c.name); err != nil {
			return nil, err
		}
		cats[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// All rows as one text (rows apart by U+001E): the driver's cost is per row, and a
	// subquery in key order hands group_concat its rows in that order (checked below).
	q := "SELECT packed FROM item_list"
	if !f.Inactive {
		q += " WHERE active = 1"
	}
	q += " ORDER BY code"
	if f.Limit > 0 {
		q += " LIMIT " + itoa(f.Limit)
	}
	var all sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT group_concat(packed, char(30)) FROM ("+q+")").Scan(&all); err != nil {
		return nil, err
	}
	if all.String == "" {
		return nil, nil
	}
	out := make([]Item, 0, strings.Count(all.String, "\x1e")+1)
	for row := range strings.SplitSeq(all.String, "\x1e") {
		it, cat, ok := unpackItem(row)
		if ok && cat != 0 {
			c, found := cats[cat]
			it.Category, it.CategoryName, ok = c.code, c.name, found
		}
		if !ok {
			return nil, errUnpacked
		}
		out = append(out, it)
	}
	if !slices.IsSortedFunc(out, func(a, b Item) int { return compareNoCase(a.Code, b.Code) }) {
		slices.SortFunc(out, func(a, b Item) int { return compareNoCase(a.Code, b.Code) })
	}
	return out, nil
}

// unpackItem splits a row of item_list (migration 10: id, code, name, mnemonic, spec,
// unit, category_id or empty, barcode, vat_bp, buy_price, sell_price, reorder_qty,
// ref_cost, other_business, active, version) into an item and its category's id (0:
// none).
func unpackItem(row string) (Item, int64, bool) {
	ok := true
	text := func() string {
		f, rest, found := strings.Cut(row, "\x1f")
		ok = ok && found
		row = rest
		return f
	}
	num := func(last bool) int64 {
		f := row
		if !last {
			f = text()
		}
		v, err := strconv.ParseInt(f, 10, 64)
		ok = ok && err == nil
		return v
	}
	flag := func() bool {
		v := num(false)
		ok = ok && v&^1 == 0
		return v == 1
	}
	var it Item
	it.ID = ItemID(num(false))
	it.Code, it.Name, it.Mnemonic, it.Spec, it.Unit = text(), text(), text(), text(), text()
	var cat int64
	if c := text(); c != "" {
		var err error
		cat, err = strconv.ParseInt(c, 10, 64)
		ok = ok && err == nil && cat != 0
	}
	it.Barcode = text()
	it.VAT, it.Buy, it.Sell = Rate(num(false)), Price(num(false)), Price(num(false))
	it.Reorder, it.RefCost = Qty(num(false)), Price(num(false))
	it.OtherBusiness, it.Active = flag(), flag()
	it.Version = num(true)
	if !ok {
		return Item{}, 0, false
	}
	return it, cat, true
}

// Item returns the item with this code or barcode.
func (b *Book) Item(ctx context.Context, code string) (Item, error) {
	var it Item
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		it, err = loadItem(ctx, tx, code)
		return err
	})
	return it, fromStore(err)
}

func loadItem(ctx context.Context, tx *store.Tx, code string) (Item, error) {
	c := Normalize(code)
	// By code first, then by barcode: each an exact match on its own index.
	it, err := scanItem(tx.QueryRowContext(ctx, "SELECT "+itemCols+itemFrom+" WHERE i.code = ?", c))
	if errors.Is(err, sql.ErrNoRows) && c != "" {
		it, err = scanItem(tx.QueryRowContext(ctx, "SELECT "+itemCols+itemFrom+" WHERE i.barcode = ? AND i.barcode <> ''", c))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return it, refuse(CodeUnknownItem, "value", code)
	}
	return it, err
}

// loadLineItem is loadItem for a document line: what a line takes of its item alone
// (id, code, name, unit, VAT rate, active), by code or barcode as loadItem finds it.
func loadLineItem(ctx context.Context, tx *store.Tx, code string) (Item, error) {
	const cols = "SELECT id, code, name, unit, vat_bp, active FROM items"
	var it Item
	scan := func(row *sql.Row) error {
		return row.Scan(&it.ID, &it.Code, &it.Name, &it.Unit, &it.VAT, &it.Active)
	}
	c := Normalize(code)
	err := scan(tx.QueryRowContext(ctx, cols+" WHERE code = ?", c))
	if errors.Is(err, sql.ErrNoRows) && c != "" {
		err = scan(tx.QueryRowContext(ctx, cols+" WHERE barcode = ? AND barcode <> ''", c))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return it, refuse(CodeUnknownItem, "value", code)
	}
	return it, err
}

// checkItem validates and normalises what the user typed; it resolves the category.
func checkItem(ctx context.Context, tx *store.Tx, it *Item, lk *itemLookups) (catID sql.NullInt64, err error) {
	if it.Code, err = cleanCode("code", it.Code); err != nil {
		return
	}
	if it.Name, err = cleanText("name", it.Name, true, maxNameLen); err != nil {
		return
	}
	if it.Spec, err = cleanText("spec", it.Spec, false, maxNameLen); err != nil {
		return
	}
	it.Mnemonic = strings.ToUpper(Normalize(it.Mnemonic))
	if it.Mnemonic == "" {
		it.Mnemonic = Mnemonic(it.Name)
	}
	if it.Mnemonic, err = cleanText("mnemonic", it.Mnemonic, false, maxCodeLen); err != nil {
		return
	}
	if it.Barcode, err = cleanText("barcode", Normalize(it.Barcode), false, 64); err != nil {
		return
	}
	if strings.ContainsAny(it.Barcode, " \t") {
		err = refuse(CodeBadCode, "field", "barcode", "value", it.Barcode)
		return
	}
	okRate := false
	for _, r := range VATRates {
		okRate = okRate || r == it.VAT
	}
	if !okRate {
		err = refuse(CodeBadChoice, "field", "vat", "value", it.VAT.String(), "choices", "13, 9, 6, 5, 3, 1, 0")
		return
	}
	for _, p := range []struct {
		field string
		v     int64
	}{{"buy", int64(it.Buy)}, {"sell", int64(it.Sell)}, {"reorder", int64(it.Reorder)}, {"ref_cost", int64(it.RefCost)}} {
		if p.v < 0 {
			err = refuse(CodeNumberNegative, "field", p.field, "value", formatScaled(p.v, 6, 2, false))
			return
		}
	}
	it.Unit = Normalize(it.Unit)
	if it.Unit == "" {
		err = refuse(CodeRequired, "field", "unit")
		return
	}
	// A unit is found by its name or its English name ("pcs" is 个); the item keeps the name.
	unit, err := lk.unit(ctx, tx, it.Unit)
	if errors.Is(err, sql.ErrNoRows) {
		err = refuse(CodeUnknownUnit, "field", "unit", "value", it.Unit)
		return
	}
	if err != nil {
		return
	}
	it.Unit = unit
	if c := Normalize(it.Category); c != "" {
		var id int64
		id, err = lk.category(ctx, tx, c)
		if err != nil {
			err = refuse(CodeUnknownCategory, "field", "category", "value", it.Category)
			return
		}
		catID = sql.NullInt64{Int64: id, Valid: true}
	}
	return
}

// itemTaken turns a unique-constraint failure into the refusal naming the field.
func itemTaken(ctx context.Context, tx *store.Tx, it Item, id ItemID) error {
	var n int
	tx.QueryRowContext(ctx, "SELECT count(*) FROM items WHERE code = ? AND id <> ?", it.Code, id).Scan(&n)
	if n > 0 {
		return refuse(CodeCodeTaken, "field", "code", "value", it.Code)
	}
	return refuse(CodeCodeTaken, "field", "barcode", "value", it.Barcode)
}

// AddItem adds an item. Needs PermMasterData. Refuses a taken code or barcode, an empty
// name, an unknown unit or category, a VAT rate that is not one of VATRates, negative
// prices.
func (b *Book) AddItem(ctx context.Context, by *User, it Item) (Item, error) {
	err := b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		if err := addItem(ctx, tx, by, &it); err != nil {
			return err
		}
		var err error
		it, err = loadItem(ctx, tx, it.Code)
		return err
	})
	return it, err
}

// AddItems adds many items in one transaction (an import): all or none. A refusal
// names the failing item's index in Args["row"] (0-based). Needs PermMasterData.
func (b *Book) AddItems(ctx context.Context, by *User, items []Item) error {
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		lk := newItemLookups()
		ids := make([]int64, len(items))
		for i, it := range items {
			id, err := insertItem(ctx, tx, &it, lk)
			if err != nil {
				return withRow(err, i)
			}
			ids[i] = id
		}
		return logAdds(ctx, tx, by.Name, "item.add", entItem, ids)
	})
}

// addItem inserts the item (cleaned by checkItem in place) and logs it; an import does
// not read it back (AddItem does).
func addItem(ctx context.Context, tx *store.Tx, by *User, it *Item) error {
	id, err := insertItem(ctx, tx, it, newItemLookups())
	if err != nil {
		return err
	}
	return logChange(ctx, tx, by.Name, "item.add", entItem, id, "")
}

// insertItem checks the item (cleaned by checkItem in place, its unit and category
// looked up through lk) and inserts it, unlogged; it returns the new row's ID.
func insertItem(ctx context.Context, tx *store.Tx, it *Item, lk *itemLookups) (int64, error) {
	catID, err := checkItem(ctx, tx, it, lk)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO items(code, name, mnemonic, spec, unit, category_id, barcode, vat_bp,
		buy_price, sell_price, reorder_qty, ref_cost, other_business, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		it.Code, it.Name, it.Mnemonic, it.Spec, it.Unit, catID, it.Barcode, it.VAT, it.Buy, it.Sell, it.Reorder,
		it.RefCost, it.OtherBusiness)
	if isUnique(err) {
		return 0, itemTaken(ctx, tx, *it, 0)
	}
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// itemLookups keeps what items looked up, by what they named: an import's 10,000 items
// name a handful of units and categories.
type itemLookups struct {
	units map[string]string
	cats  map[string]int64
}

func newItemLookups() *itemLookups {
	return &itemLookups{units: map[string]string{}, cats: map[string]int64{}}
}

// unit is the name of the active unit named name or, in English, name_en.
func (lk *itemLookups) unit(ctx context.Context, tx *store.Tx, name string) (string, error) {
	if u, ok := lk.units[name]; ok {
		return u, nil
	}
	var unit string
	err := tx.QueryRowContext(ctx, `SELECT name FROM units WHERE active = 1 AND (name = ?1 OR (name_en <> '' AND name_en = ?1 COLLATE NOCASE))
		ORDER BY name = ?1 DESC LIMIT 1`, name).Scan(&unit)
	if err == nil {
		lk.units[name] = unit
	}
	return unit, err
}

// category is the ID of the category of a code.
func (lk *itemLookups) category(ctx context.Context, tx *store.Tx, code string) (int64, error) {
	if id, ok := lk.cats[code]; ok {
		return id, nil
	}
	id, err := lookupID(ctx, tx, entCategory, code)
	if err == nil {
		lk.cats[code] = id
	}
	return id, err
}

// withRow adds the row of an import to a refusal.
func withRow(err error, row int) error {
	if e, ok := err.(*Error); ok {
		if e.Args == nil {
			e.Args = map[string]any{}
		}
		e.Args["row"] = row
	}
	return err
}

// UpdateItem saves an edited item, found by ID; it.Version must be the version read.
// The code may change only while the item is unused. Needs PermMasterData.
func (b *Book) UpdateItem(ctx context.Context, by *User, it Item) (Item, error) {
	err := b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		catID, err := checkItem(ctx, tx, &it, newItemLookups())
		if err != nil {
			return err
		}
		var oldCode string
		if err := tx.QueryRowContext(ctx, "SELECT code FROM items WHERE id = ?", it.ID).Scan(&oldCode); errors.Is(err, sql.ErrNoRows) {
			return refuse(CodeUnknownItem, "value", it.Code)
		} else if err != nil {
			return err
		}
		if oldCode != it.Code {
			if used, err := itemUsed(ctx, tx, it.ID); err != nil {
				return err
			} else if used {
				return refuse(CodeRecordUsed, "what", "item", "value", oldCode)
			}
		}
		err = updateRow(ctx, tx, by, "item.edit", entItem, it.ID, it.Version, "item", oldCode, func() error {
			_, err := tx.ExecContext(ctx, `UPDATE items SET code = ?, name = ?, mnemonic = ?, spec = ?, unit = ?, category_id = ?,
				barcode = ?, vat_bp = ?, buy_price = ?, sell_price = ?, reorder_qty = ?, ref_cost = ?, other_business = ?,
				active = ? WHERE id = ?`, it.Code, it.Name, it.Mnemonic, it.Spec, it.Unit, catID, it.Barcode, it.VAT, it.Buy,
				it.Sell, it.Reorder, it.RefCost, it.OtherBusiness, it.Active, it.ID)
			if isUnique(err) {
				return itemTaken(ctx, tx, it, it.ID)
			}
			return err
		})
		if err != nil {
			return err
		}
		it, err = loadItem(ctx, tx, it.Code)
		return err
	})
	return it, err
}

// SetItemActive activates or deactivates (停用) an item. Needs PermMasterData.
func (b *Book) SetItemActive(ctx context.Context, by *User, code string, active bool) error {
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		it, err := loadItem(ctx, tx, code)
		if err != nil {
			return err
		}
		return setActive(ctx, tx, by, entItem, it.ID, it.Code, active)
	})
}

// DeleteItem deletes an item that nothing refers to; a used item can only be
// deactivated (CodeRecordUsed). Needs PermMasterData.
func (b *Book) DeleteItem(ctx context.Context, by *User, code string) error {
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		it, err := loadItem(ctx, tx, code)
		if err != nil {
			return err
		}
		used, err := itemUsed(ctx, tx, it.ID)
		return deleteUnused(ctx, tx, by, entItem, it.ID, it.Code, used, err)
	})
}

func itemUsed(ctx context.Context, tx *store.Tx, id ItemID) (bool, error) {
	return rowUsed(ctx, tx, id, [2]string{"opening_stock", "item_id"}, [2]string{"doc_lines", "item_id"},
		[2]string{"stock_moves", "item_id"})
}

func itoa(n int) string {
	return formatScaled(int64(n), 0, 0, false)
}
