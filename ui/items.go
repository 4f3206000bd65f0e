package ui

import (
	"cmp"
	"context"
	"io"
	"strconv"

	"shopbooks/ledger"
	"shopbooks/report"
)

// itemsEntity is the 商品 screen: items with code, name, 助记码, spec, unit, category,
// barcode, VAT rate, prices and reorder level.
func itemsEntity(s *session) *entity[ledger.Item] {
	status := func(c *ctxT, active bool) string {
		if active {
			return c.t("ui.state.active")
		}
		return c.t("ui.state.inactive")
	}
	units := func() []choice {
		us, err := s.book.Units(s.ctx)
		if err != nil {
			return nil
		}
		var out []choice
		for _, u := range us {
			if !u.Active {
				continue
			}
			label := u.Name
			if s.lang == "en" && u.NameEN != "" {
				label = u.Name + " (" + u.NameEN + ")"
			}
			out = append(out, choice{value: u.Name, label: label})
		}
		return out
	}
	cats := func() []choice {
		out := []choice{{value: "", label: "ui.choice.none", key: true}}
		cs, _ := s.book.Categories(s.ctx)
		for _, c := range cs {
			if c.Active {
				out = append(out, choice{value: c.Code, label: c.Code + " " + c.Name})
			}
		}
		return out
	}
	rates := func() []choice {
		var out []choice
		for _, r := range ledger.VATRates {
			out = append(out, choice{value: r.String(), label: r.String() + "%"})
		}
		return out
	}
	price := func(field string) func(string) error {
		return func(t string) error { _, err := ledger.ParsePrice(field, t); return err }
	}
	return &entity[ledger.Item]{
		id:          "items",
		imports:     "item",
		exports:     func(w io.Writer, rows []ledger.Item) error { return report.ItemsWorkbook(w, rows) },
		exportsKind: ledger.ExportItems,
		perm:        ledger.PermMasterData,
		columns: []column[ledger.Item]{
			{title: "ui.col.code", width: 70, value: func(_ *ctxT, r ledger.Item) string { return r.Code }},
			{title: "ui.col.name", width: 150, value: func(_ *ctxT, r ledger.Item) string { return r.Name }},
			{title: "ui.col.spec", width: 80, value: func(_ *ctxT, r ledger.Item) string { return r.Spec }},
			{title: "ui.col.unit", width: 50, value: func(_ *ctxT, r ledger.Item) string { return r.Unit }},
			{title: "ui.col.sell", width: 80, right: true, value: func(_ *ctxT, r ledger.Item) string { return r.Sell.String() },
				less: func(a, b ledger.Item) int { return cmp.Compare(a.Sell, b.Sell) }},
			{title: "ui.col.barcode", width: 125, value: func(_ *ctxT, r ledger.Item) string { return r.Barcode }},
			{title: "ui.col.status", width: 60, value: func(c *ctxT, r ledger.Item) string { return status(c, r.Active) }},
		},
		fields: []fieldSpec{
			{key: "code", label: "field.code", required: true},
			{key: "name", label: "field.name", required: true},
			{key: "mnemonic", label: "field.mnemonic", hint: "ui.hint.mnemonic"},
			{key: "spec", label: "field.spec"},
			{key: "unit", label: "field.unit", required: true, kind: kChoice, choices: units},
			{key: "category", label: "field.category", kind: kChoice, choices: cats},
			{key: "barcode", label: "field.barcode"},
			{key: "vat", label: "field.vat", kind: kChoice, choices: rates},
			{key: "buy", label: "field.buy", check: price("buy")},
			{key: "sell", label: "field.sell", check: price("sell")},
			{key: "reorder", label: "field.reorder", check: func(t string) error { _, err := ledger.ParseQty("reorder", t, false); return err }},
			{key: "ref_cost", label: "field.ref_cost", check: price("ref_cost")},
			{key: "other", label: "ui.field.other_business", kind: kCheck},
		},
		load: func(ctx context.Context) ([]ledger.Item, error) {
			return s.book.Items(ctx, ledger.ItemFilter{Inactive: true})
		},
		key:    func(r ledger.Item) string { return r.Code },
		search: func(r ledger.Item) string { return r.Code + "\x00" + r.Name + "\x00" + r.Mnemonic + "\x00" + r.Barcode },
		active: func(r ledger.Item) bool { return r.Active },
		toForm: func(r ledger.Item) map[string]string {
			return map[string]string{"code": r.Code, "name": r.Name, "mnemonic": r.Mnemonic, "spec": r.Spec, "unit": r.Unit,
				"category": r.Category, "barcode": r.Barcode, "vat": r.VAT.String(), "buy": priceText(r.Buy),
				"sell": priceText(r.Sell), "reorder": qtyText(r.Reorder), "ref_cost": priceText(r.RefCost),
				"other": fromBool(r.OtherBusiness)}
		},
		blank: func(*ledger.Item) map[string]string {
			return map[string]string{"vat": ledger.Rate(1300).String(), "unit": ""}
		},
		save: func(ctx context.Context, old *ledger.Item, f map[string]string) (ledger.Item, error) {
			it := ledger.Item{Active: true}
			if old != nil {
				it = *old
			}
			it.Code, it.Name, it.Mnemonic, it.Spec = f["code"], f["name"], f["mnemonic"], f["spec"]
			it.Unit, it.Category, it.Barcode = f["unit"], f["category"], f["barcode"]
			it.OtherBusiness = isTrue(f["other"])
			var err error
			if it.VAT, err = ledger.ParseRate("vat", orZero(f["vat"])); err != nil {
				return it, err
			}
			if it.Buy, err = ledger.ParsePrice("buy", orZero(f["buy"])); err != nil {
				return it, err
			}
			if it.Sell, err = ledger.ParsePrice("sell", orZero(f["sell"])); err != nil {
				return it, err
			}
			if it.Reorder, err = ledger.ParseQty("reorder", orZero(f["reorder"]), false); err != nil {
				return it, err
			}
			if it.RefCost, err = ledger.ParsePrice("ref_cost", orZero(f["ref_cost"])); err != nil {
				return it, err
			}
			if old == nil {
				return s.book.AddItem(ctx, s.user, it)
			}
			return s.book.UpdateItem(ctx, s.user, it)
		},
		setActive: func(ctx context.Context, r ledger.Item, on bool) error {
			return s.book.SetItemActive(ctx, s.user, r.Code, on)
		},
		remove: func(ctx context.Context, r ledger.Item) error { return s.book.DeleteItem(ctx, s.user, r.Code) },
	}
}

// orZero reads an empty number field as zero.
func orZero(t string) string {
	if ledger.Normalize(t) == "" {
		return "0"
	}
	return t
}

// priceText shows a price for editing: "" for zero, no thousands separators.
func priceText(p ledger.Price) string {
	if p == 0 {
		return ""
	}
	return p.String()
}

func qtyText(q ledger.Qty) string {
	if q == 0 {
		return ""
	}
	return q.String()
}

func moneyText(m ledger.Money) string {
	if m == 0 {
		return ""
	}
	return m.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
