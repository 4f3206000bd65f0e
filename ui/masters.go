package ui

import (
	"cmp"
	"context"
	"io"
	"strconv"
	"strings"

	"shopbooks/ledger"
	"shopbooks/report"
)

func stateText(c *ctxT, active bool) string {
	if active {
		return c.t("ui.state.active")
	}
	return c.t("ui.state.inactive")
}

// warehousesEntity is the 仓库 screen.
func warehousesEntity(s *session) *entity[ledger.Warehouse] {
	return &entity[ledger.Warehouse]{
		id:   "warehouses",
		perm: ledger.PermMasterData,
		columns: []column[ledger.Warehouse]{
			{title: "ui.col.code", width: 120, value: func(_ *ctxT, r ledger.Warehouse) string { return r.Code }},
			{title: "ui.col.name", width: 260, value: func(_ *ctxT, r ledger.Warehouse) string { return r.Name }},
			{title: "ui.col.status", width: 80, value: func(c *ctxT, r ledger.Warehouse) string { return stateText(c, r.Active) }},
		},
		fields: []fieldSpec{
			{key: "code", label: "field.code", required: true},
			{key: "name", label: "field.name", required: true},
		},
		load:   func(ctx context.Context) ([]ledger.Warehouse, error) { return s.book.Warehouses(ctx, true) },
		key:    func(r ledger.Warehouse) string { return r.Code },
		search: func(r ledger.Warehouse) string { return r.Code + "\x00" + r.Name + "\x00" + ledger.Mnemonic(r.Name) },
		active: func(r ledger.Warehouse) bool { return r.Active },
		toForm: func(r ledger.Warehouse) map[string]string { return map[string]string{"code": r.Code, "name": r.Name} },
		blank:  func(*ledger.Warehouse) map[string]string { return map[string]string{} },
		save: func(ctx context.Context, old *ledger.Warehouse, f map[string]string) (ledger.Warehouse, error) {
			w := ledger.Warehouse{Active: true}
			if old != nil {
				w = *old
			}
			w.Code, w.Name = f["code"], f["name"]
			if old == nil {
				return s.book.AddWarehouse(ctx, s.user, w)
			}
			return s.book.UpdateWarehouse(ctx, s.user, w)
		},
		setActive: func(ctx context.Context, r ledger.Warehouse, on bool) error {
			return s.book.SetWarehouseActive(ctx, s.user, r.Code, on)
		},
		remove: func(ctx context.Context, r ledger.Warehouse) error {
			return s.book.DeleteWarehouse(ctx, s.user, r.Code)
		},
	}
}

// partnersEntity is the 往来单位 screen: customers and suppliers, filtered by kind.
func partnersEntity(s *session) *entity[ledger.Partner] {
	kind := func(c *ctxT, r ledger.Partner) string {
		switch {
		case r.Customer && r.Supplier:
			return c.t("ui.partner.both")
		case r.Customer:
			return c.t("ui.partner.customer")
		case r.Supplier:
			return c.t("ui.partner.supplier")
		}
		return ""
	}
	return &entity[ledger.Partner]{
		id:          "partners",
		imports:     "partner",
		exports:     func(w io.Writer, rows []ledger.Partner) error { return report.PartnersWorkbook(w, rows) },
		exportsKind: ledger.ExportPartners,
		perm:        ledger.PermMasterData,
		columns: []column[ledger.Partner]{
			{title: "ui.col.code", width: 70, value: func(_ *ctxT, r ledger.Partner) string { return r.Code }},
			{title: "ui.col.name", width: 160, value: func(_ *ctxT, r ledger.Partner) string { return r.Name }},
			{title: "ui.col.kind", width: 90, value: kind},
			{title: "ui.col.contact", width: 70, value: func(_ *ctxT, r ledger.Partner) string { return r.Contact }},
			{title: "ui.col.phone", width: 110, value: func(_ *ctxT, r ledger.Partner) string { return r.Phone }},
			{title: "ui.col.status", width: 60, value: func(c *ctxT, r ledger.Partner) string { return stateText(c, r.Active) }},
		},
		fields: []fieldSpec{
			{key: "code", label: "field.code", required: true},
			{key: "name", label: "field.name", required: true},
			{key: "mnemonic", label: "field.mnemonic", hint: "ui.hint.mnemonic"},
			{key: "customer", label: "ui.partner.customer", kind: kCheck},
			{key: "supplier", label: "ui.partner.supplier", kind: kCheck},
			{key: "contact", label: "field.contact"},
			{key: "phone", label: "field.phone"},
			{key: "tax_id", label: "field.tax_id"},
			{key: "address", label: "field.address"},
			{key: "terms", label: "field.terms", check: func(t string) error { _, err := parseDays(t); return err }},
		},
		load: func(ctx context.Context) ([]ledger.Partner, error) {
			return s.book.Partners(ctx, ledger.PartnerFilter{Inactive: true})
		},
		key: func(r ledger.Partner) string { return r.Code },
		search: func(r ledger.Partner) string {
			return r.Code + "\x00" + r.Name + "\x00" + r.Mnemonic + "\x00" + r.Phone
		},
		active: func(r ledger.Partner) bool { return r.Active },
		scopes: []choice{{value: "", label: "ui.partner.all", key: true}, {value: "c", label: "ui.partner.customers", key: true},
			{value: "s", label: "ui.partner.suppliers", key: true}},
		inScope: func(r ledger.Partner, scope string) bool {
			return scope == "c" && r.Customer || scope == "s" && r.Supplier
		},
		toForm: func(r ledger.Partner) map[string]string {
			terms := ""
			if r.TermsDays != 0 {
				terms = strconv.Itoa(r.TermsDays)
			}
			return map[string]string{"code": r.Code, "name": r.Name, "mnemonic": r.Mnemonic, "customer": fromBool(r.Customer),
				"supplier": fromBool(r.Supplier), "contact": r.Contact, "phone": r.Phone, "tax_id": r.TaxID,
				"address": r.Address, "terms": terms}
		},
		blank: func(*ledger.Partner) map[string]string { return map[string]string{"customer": "1"} },
		save: func(ctx context.Context, old *ledger.Partner, f map[string]string) (ledger.Partner, error) {
			p := ledger.Partner{Active: true}
			if old != nil {
				p = *old
			}
			p.Code, p.Name, p.Mnemonic = f["code"], f["name"], f["mnemonic"]
			p.Customer, p.Supplier = isTrue(f["customer"]), isTrue(f["supplier"])
			p.Contact, p.Phone, p.TaxID, p.Address = f["contact"], f["phone"], f["tax_id"], f["address"]
			var err error
			if p.TermsDays, err = parseDays(f["terms"]); err != nil {
				return p, err
			}
			if old == nil {
				return s.book.AddPartner(ctx, s.user, p)
			}
			return s.book.UpdatePartner(ctx, s.user, p)
		},
		setActive: func(ctx context.Context, r ledger.Partner, on bool) error {
			return s.book.SetPartnerActive(ctx, s.user, r.Code, on)
		},
		remove: func(ctx context.Context, r ledger.Partner) error { return s.book.DeletePartner(ctx, s.user, r.Code) },
	}
}

// parseDays reads payment terms in days, a whole number ≥ 0 (the ledger's quantity parser
// gives the same messages as every other number).
func parseDays(t string) (int, error) {
	if ledger.Normalize(t) == "" {
		return 0, nil
	}
	q, err := ledger.ParseQty("terms", t, false)
	if err != nil {
		return 0, err
	}
	if int64(q)%10000 != 0 {
		return 0, &ledger.Error{Code: ledger.CodeNumberDecimals, Args: map[string]any{"field": "terms", "value": t, "max": 0}}
	}
	return int(int64(q) / 10000), nil
}

// accountsEntity is the 会计科目 screen: the chart by code, indented by level; add a
// sub-account under the selected one, rename, deactivate, delete an unused own one.
func accountsEntity(s *session) *entity[ledger.Account] {
	name := func(c *ctxT, r ledger.Account) string {
		n := r.Name
		if c.s.lang == "en" && r.NameEN != "" {
			n = r.NameEN
		}
		return strings.Repeat("    ", max(r.Level-1, 0)) + n
	}
	return &entity[ledger.Account]{
		id:   "accounts",
		perm: ledger.PermChart,
		columns: []column[ledger.Account]{
			{title: "ui.col.code", width: 90, value: func(_ *ctxT, r ledger.Account) string { return r.Code }},
			{title: "ui.col.name", width: 230, value: name,
				less: func(a, b ledger.Account) int { return cmp.Compare(a.Name, b.Name) }},
			{title: "ui.col.category", width: 80, value: func(c *ctxT, r ledger.Account) string { return c.t("ui.acct.cat." + r.Category) }},
			{title: "ui.col.side", width: 50, value: func(c *ctxT, r ledger.Account) string { return c.t("ui.acct.side." + r.Side) }},
			{title: "ui.col.aux", width: 80, value: func(c *ctxT, r ledger.Account) string {
				if r.Aux == "" {
					return ""
				}
				return c.t("ui.acct.aux." + r.Aux)
			}},
			{title: "ui.col.status", width: 70, value: func(c *ctxT, r ledger.Account) string { return stateText(c, r.Active) }},
		},
		fields: []fieldSpec{
			{key: "parent", label: "field.parent", kind: kLabel},
			{key: "account", label: "ui.field.account_code", required: true, fixed: true, hint: "ui.hint.account_code"},
			{key: "name", label: "field.name", required: true},
			{key: "name_en", label: "ui.field.name_en"},
			{key: "info", label: "ui.field.account_info", kind: kLabel},
		},
		load: func(ctx context.Context) ([]ledger.Account, error) { return s.book.Accounts(ctx, true) },
		key:  func(r ledger.Account) string { return r.Code },
		search: func(r ledger.Account) string {
			return r.Code + "\x00" + r.Name + "\x00" + r.NameEN + "\x00" + ledger.Mnemonic(r.Name)
		},
		active: func(r ledger.Account) bool { return r.Active },
		toForm: func(r ledger.Account) map[string]string {
			return map[string]string{"parent": r.Parent, "account": r.Code, "name": r.Name, "name_en": r.NameEN,
				"info": accountInfo(s, r)}
		},
		blank: func(sel *ledger.Account) map[string]string {
			if sel == nil {
				return map[string]string{}
			}
			return map[string]string{"parent": sel.Code + " " + sel.Name, "account": sel.Code}
		},
		save: func(ctx context.Context, old *ledger.Account, f map[string]string) (ledger.Account, error) {
			if old == nil {
				return s.book.AddAccount(ctx, s.user, f["account"], f["name"], f["name_en"])
			}
			if err := s.book.RenameAccount(ctx, s.user, old.Code, f["name"], f["name_en"]); err != nil {
				return *old, err
			}
			return s.book.Account(ctx, old.Code)
		},
		setActive: func(ctx context.Context, r ledger.Account, on bool) error {
			return s.book.SetAccountActive(ctx, s.user, r.Code, on)
		},
		remove: func(ctx context.Context, r ledger.Account) error { return s.book.DeleteAccount(ctx, s.user, r.Code) },
	}
}

// accountInfo says in words what rules bind an account.
func accountInfo(s *session, r ledger.Account) string {
	var parts []string
	if r.Seeded {
		parts = append(parts, s.t("ui.acct.seeded"))
	}
	if r.Used {
		parts = append(parts, s.t("ui.acct.used"))
	}
	if r.Controlled {
		parts = append(parts, s.t("ui.acct.controlled"))
	}
	if !r.Leaf {
		parts = append(parts, s.t("ui.acct.parent"))
	}
	return strings.Join(parts, "\n")
}
