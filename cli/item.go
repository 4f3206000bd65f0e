package cli

import (
	"io"

	"shopbooks/ledger"
	"shopbooks/report"
)

// itemFields are the flags of item add and item edit.
const itemFields = "code= name= unit= category= barcode= vat= buy= sell= reorder= spec= mnemonic= ref-cost= other-business"

const itemFieldsUsage = "[--category C] [--barcode B] [--vat 13] [--buy PRICE] [--sell PRICE] [--reorder QTY] " +
	"[--spec S] [--mnemonic M] [--ref-cost PRICE] [--other-business]"

func itemCommands() []command {
	return append([]command{
		{name: "list", usage: "item list [--search TEXT] [--all] [--xlsx FILE]", flags: "search= all xlsx=", book: true, run: itemList},
		{name: "add", usage: "item add --code C --name N --unit U " + itemFieldsUsage, flags: itemFields, required: "code name unit", book: true, run: itemAdd},
		{name: "edit", usage: "item edit CODE [--code NEW] [--name N] [--unit U] " + itemFieldsUsage, flags: itemFields,
			minArgs: 1, maxArgs: 1, book: true, run: itemEdit},
		{name: "show", usage: "item show CODE", minArgs: 1, maxArgs: 1, book: true, run: itemShow},
		{name: "delete", usage: "item delete CODE", minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error {
			if err := c.book.DeleteItem(c.ctx, c.user, c.args[0]); err != nil {
				return err
			}
			c.done("deleted", "item", c.args[0])
			return nil
		}},
	}, activeCommands("item", "CODE", func(c *call, code string, active bool) error {
		return c.book.SetItemActive(c.ctx, c.user, code, active)
	}, "item")...)
}

var itemCols = []col{{key: "code"}, {key: "name"}, {key: "mnemonic", wide: true}, {key: "spec"}, {key: "unit"},
	{key: "category", wide: true}, {key: "category_name"}, {key: "barcode"}, {key: "vat"}, {key: "buy"}, {key: "sell"},
	{key: "reorder"}, {key: "ref_cost", wide: true}, {key: "other_business", wide: true}, {key: "active"}}

// itemRow is an item in itemCols' order; the reference cost only for users who may
// see costs.
func (c *call) itemRow(it ledger.Item) []any {
	var refCost any = null{}
	if c.user.Can(ledger.PermViewCost) {
		refCost = it.RefCost
	}
	return []any{it.Code, it.Name, it.Mnemonic, it.Spec, it.Unit, it.Category, it.CategoryName, it.Barcode, it.VAT,
		it.Buy, it.Sell, it.Reorder, refCost, it.OtherBusiness, it.Active}
}

func itemList(c *call) error {
	items, err := c.book.Items(c.ctx, ledger.ItemFilter{Text: c.str("search"), Inactive: c.on("all")})
	if err != nil {
		return err
	}
	if path := c.str("xlsx"); path != "" { // the listed items, in the layout `item import` reads
		return c.exportList(ledger.ExportItems, path, func(w io.Writer) error { return report.ItemsWorkbook(w, items) })
	}
	rows := make([][]any, len(items))
	for i, it := range items {
		rows[i] = c.itemRow(it)
	}
	return c.list(itemCols, rows)
}

func itemShow(c *call) error {
	it, err := c.book.Item(c.ctx, c.args[0])
	if err != nil {
		return err
	}
	return c.record(itemCols, c.itemRow(it))
}

// applyItem copies the given flags into it, reading numbers with the ledger's parsers.
func applyItem(c *call, it *ledger.Item) error {
	setText(c, "code", &it.Code)
	setText(c, "name", &it.Name)
	setText(c, "unit", &it.Unit)
	setText(c, "category", &it.Category)
	setText(c, "barcode", &it.Barcode)
	setText(c, "spec", &it.Spec)
	setText(c, "mnemonic", &it.Mnemonic)
	setSwitch(c, "other-business", &it.OtherBusiness)
	for _, err := range []error{
		setFrom(c, "vat", rateParser("vat"), &it.VAT),
		setFrom(c, "buy", priceParser("buy"), &it.Buy),
		setFrom(c, "sell", priceParser("sell"), &it.Sell),
		setFrom(c, "reorder", qtyParser("reorder"), &it.Reorder),
		setFrom(c, "ref-cost", priceParser("ref_cost"), &it.RefCost),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func itemAdd(c *call) error {
	// The default VAT rate: 13% for a general taxpayer, the levy rate for a small one.
	it := ledger.Item{VAT: 1300, Active: true}
	if !c.has("vat") {
		s, err := c.book.Settings(c.ctx)
		if err != nil {
			return err
		}
		if s.Taxpayer == ledger.TaxpayerSmall {
			it.VAT = s.LevyRate
		}
	}
	if err := applyItem(c, &it); err != nil {
		return err
	}
	it, err := c.book.AddItem(c.ctx, c.user, it)
	if err != nil {
		return err
	}
	c.done("added", "item", it.Code)
	return nil
}

func itemEdit(c *call) error {
	it, err := c.book.Item(c.ctx, c.args[0])
	if err != nil {
		return err
	}
	renewMnemonic(c, it.Name, &it.Mnemonic)
	if err := applyItem(c, &it); err != nil {
		return err
	}
	it, err = c.book.UpdateItem(c.ctx, c.user, it)
	if err != nil {
		return err
	}
	c.done("saved", "item", it.Code)
	return nil
}
