package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// openingScreen is 期初余额: account balances (per partner where the account is kept so)
// and the opening stock per item × warehouse, with the live check that debits equal
// credits and the stock equals 1405.
type openingScreen struct {
	s        *session
	balances *masterScreen
	stock    *masterScreen
	tab      int
	check    ledger.OpeningCheck
	checkErr error
	line     *widget.Label
	icon     *widget.Icon
}

func newOpening(s *session) *openingScreen {
	o := &openingScreen{s: s}
	o.balances = newMasterScreen(s, openingEntity(s, o.recheck))
	o.stock = newMasterScreen(s, openingStockEntity(s, o.recheck))
	// a file of openings holds balances and stock: both lists and the check follow it
	o.balances.onImport, o.stock.onImport = o.imported, o.imported
	o.recheck()
	return o
}

// recheck runs the live check again after a change.
func (o *openingScreen) recheck() {
	o.check, o.checkErr = o.s.book.CheckOpening(o.s.ctx)
	// the other list shows what the change did to it (1405 follows the stock)
	if o.balances != nil {
		o.balances.m.Reload()
		if o.balances.table != nil {
			o.balances.refreshList()
		}
	}
	o.showCheck()
}

// imported shows both lists and the check after an import of openings.
func (o *openingScreen) imported() {
	for _, v := range []*masterScreen{o.balances, o.stock} {
		if err := v.m.Reload(); err != nil {
			o.s.log.Warn("reload after import", "err", err)
		}
		if v.table != nil {
			v.refresh()
		}
	}
	o.recheck()
}

// CheckText is the check line in words, and whether it passes.
func (o *openingScreen) CheckText() (string, bool) {
	if o.checkErr != nil {
		return o.s.errText(o.checkErr), false
	}
	c := o.check
	args := map[string]any{"debit": c.Debit.Format(), "credit": c.Credit.Format(), "stock": c.Stock.Format(),
		"acct": c.Account1405.Format(), "diff": (c.Debit - c.Credit).Format()}
	var txt string
	if c.Balanced {
		txt = o.s.t("ui.opening.balanced", args)
	} else {
		txt = o.s.t("ui.opening.unbalanced", args)
	}
	txt += "    "
	if c.StockMatches {
		txt += o.s.t("ui.opening.stock_ok", args)
	} else {
		txt += o.s.t("ui.opening.stock_bad", args)
	}
	return txt, c.Balanced && c.StockMatches
}

func (o *openingScreen) showCheck() {
	if o.line == nil {
		return
	}
	txt, ok := o.CheckText()
	o.line.SetText(txt)
	if ok {
		o.line.Importance = widget.SuccessImportance
		o.icon.SetResource(theme.ConfirmIcon())
	} else {
		o.line.Importance = widget.DangerImportance
		o.icon.SetResource(theme.ErrorIcon())
	}
	o.line.Refresh()
}

func (o *openingScreen) build() fyne.CanvasObject {
	s := o.s
	tabs := container.NewAppTabs(
		container.NewTabItem(s.t("ui.opening.tab_balances"), o.balances.build()),
		container.NewTabItem(s.t("ui.opening.tab_stock"), o.stock.build()),
	)
	tabs.SelectIndex(o.tab)
	tabs.OnSelected = func(*container.TabItem) { o.tab = tabs.SelectedIndex() }
	o.line = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	o.icon = widget.NewIcon(nil)
	o.showCheck()
	set, _ := s.book.Settings(s.ctx)
	note := widget.NewLabel(s.t("ui.opening.note", map[string]any{"period": string(set.Start)}))
	note.Wrapping = fyne.TextWrapWord
	bottom := container.NewVBox(widget.NewSeparator(), container.NewHBox(o.icon, o.line))
	return container.NewBorder(note, bottom, nil, nil, tabs)
}

func (o *openingScreen) active() *masterScreen {
	if o.tab == 1 {
		return o.stock
	}
	return o.balances
}

func (o *openingScreen) dirty() bool { return o.balances.dirty() || o.stock.dirty() }
func (o *openingScreen) cmdNew()     { o.active().cmdNew() }
func (o *openingScreen) cmdSave()    { o.active().cmdSave() }
func (o *openingScreen) cmdFind()    { o.active().cmdFind() }
func (o *openingScreen) cmdCancel()  { o.active().cmdCancel() }

func openingEntity(s *session, after func()) *entity[ledger.OpeningBalance] {
	money := func(field string) func(string) error {
		return func(t string) error { _, err := ledger.ParseMoney(field, t); return err }
	}
	side := func(c *ctxT, r ledger.OpeningBalance) string { return c.t("ui.acct.side." + r.Side) }
	e := &entity[ledger.OpeningBalance]{
		id:      "opening",
		imports: "opening",
		perm:    ledger.PermChart,
		columns: []column[ledger.OpeningBalance]{
			{title: "ui.col.account", width: 80, value: func(_ *ctxT, r ledger.OpeningBalance) string { return r.Account }},
			{title: "ui.col.account_name", width: 140, value: func(_ *ctxT, r ledger.OpeningBalance) string { return r.AccountName }},
			{title: "ui.col.partner", width: 120, value: func(_ *ctxT, r ledger.OpeningBalance) string { return r.PartnerName }},
			{title: "ui.col.side", width: 50, value: side},
			{title: "ui.col.amount", width: 110, right: true, value: func(_ *ctxT, r ledger.OpeningBalance) string { return r.Amount.Format() },
				less: func(a, b ledger.OpeningBalance) int { return int(a.Amount - b.Amount) }},
			{title: "ui.col.ytd_debit", width: 100, right: true, value: func(_ *ctxT, r ledger.OpeningBalance) string { return r.YTDDebit.Format() }},
			{title: "ui.col.ytd_credit", width: 100, right: true, value: func(_ *ctxT, r ledger.OpeningBalance) string { return r.YTDCredit.Format() }},
		},
		fields: []fieldSpec{
			{key: "account", label: "field.account", required: true, fixed: true, hint: "ui.hint.opening_account"},
			{key: "partner", label: "field.partner", fixed: true, hint: "ui.hint.opening_partner"},
			{key: "amount", label: "ui.field.opening_amount", check: money("amount"), hint: "ui.hint.opening_amount"},
			{key: "ytd_debit", label: "field.ytd_debit", check: money("ytd_debit")},
			{key: "ytd_credit", label: "field.ytd_credit", check: money("ytd_credit")},
		},
		load: func(ctx context.Context) ([]ledger.OpeningBalance, error) {
			bal, _, err := s.book.Openings(ctx)
			return bal, err
		},
		key: func(r ledger.OpeningBalance) string { return r.Account + "/" + r.Partner },
		search: func(r ledger.OpeningBalance) string {
			return r.Account + "\x00" + r.AccountName + "\x00" + r.Partner + "\x00" + r.PartnerName
		},
		toForm: func(r ledger.OpeningBalance) map[string]string {
			return map[string]string{"account": r.Account, "partner": r.Partner, "amount": moneyText(r.Amount),
				"ytd_debit": moneyText(r.YTDDebit), "ytd_credit": moneyText(r.YTDCredit)}
		},
		blank: func(*ledger.OpeningBalance) map[string]string { return map[string]string{} },
		save: func(ctx context.Context, old *ledger.OpeningBalance, f map[string]string) (ledger.OpeningBalance, error) {
			var amt, yd, yc ledger.Money
			var err error
			if amt, err = parseSignedMoney("amount", f["amount"]); err != nil {
				return ledger.OpeningBalance{}, err
			}
			if yd, err = ledger.ParseMoney("ytd_debit", orZero(f["ytd_debit"])); err != nil {
				return ledger.OpeningBalance{}, err
			}
			if yc, err = ledger.ParseMoney("ytd_credit", orZero(f["ytd_credit"])); err != nil {
				return ledger.OpeningBalance{}, err
			}
			acct, partner := ledger.Normalize(f["account"]), ledger.Normalize(f["partner"])
			if acct == "" {
				return ledger.OpeningBalance{}, &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "account"}}
			}
			if err := s.book.SetOpening(ctx, s.user, acct, partner, amt, yd, yc); err != nil {
				return ledger.OpeningBalance{}, err
			}
			bal, _, err := s.book.Openings(ctx)
			for _, b := range bal {
				if b.Account == acct && (b.Partner == partner || partner == "") {
					return b, err
				}
			}
			return ledger.OpeningBalance{Account: acct, Partner: partner}, err
		},
		remove: func(ctx context.Context, r ledger.OpeningBalance) error {
			return s.book.SetOpening(ctx, s.user, r.Account, r.Partner, 0, 0, 0)
		},
		after: after,
	}
	// year-to-date amounts exist only when the first period is not January
	if set, err := s.book.Settings(s.ctx); err == nil && set.Start.Month() == 1 {
		e.columns = e.columns[:len(e.columns)-2]
		e.fields = e.fields[:len(e.fields)-2]
	}
	return e
}

// parseSignedMoney reads an opening amount: negative is allowed (a balance on the other
// side than the account's normal one).
func parseSignedMoney(field, t string) (ledger.Money, error) {
	n := ledger.Normalize(t)
	neg := len(n) > 0 && n[0] == '-'
	if neg {
		n = n[1:]
	}
	m, err := ledger.ParseMoney(field, orZero(n))
	if err != nil {
		if e, ok := err.(*ledger.Error); ok {
			e.Args["value"] = t
		}
		return 0, err
	}
	if neg {
		m = -m
	}
	return m, nil
}

func openingStockEntity(s *session, after func()) *entity[ledger.OpeningStock] {
	return &entity[ledger.OpeningStock]{
		id:      "opening_stock",
		imports: "opening",
		perm:    ledger.PermChart,
		columns: []column[ledger.OpeningStock]{
			{title: "ui.col.code", width: 90, value: func(_ *ctxT, r ledger.OpeningStock) string { return r.Item }},
			{title: "ui.col.name", width: 150, value: func(_ *ctxT, r ledger.OpeningStock) string { return r.ItemName }},
			{title: "ui.col.warehouse", width: 100, value: func(_ *ctxT, r ledger.OpeningStock) string { return r.WarehouseName }},
			{title: "ui.col.qty", width: 90, right: true, value: func(_ *ctxT, r ledger.OpeningStock) string { return r.Qty.String() },
				less: func(a, b ledger.OpeningStock) int { return int(a.Qty - b.Qty) }},
			{title: "ui.col.amount", width: 110, right: true, value: func(_ *ctxT, r ledger.OpeningStock) string { return r.Amount.Format() },
				less: func(a, b ledger.OpeningStock) int { return int(a.Amount - b.Amount) }},
		},
		fields: []fieldSpec{
			{key: "item", label: "field.item", required: true, fixed: true},
			{key: "warehouse", label: "field.warehouse", required: true, fixed: true},
			{key: "qty", label: "field.qty", required: true, check: func(t string) error { _, err := ledger.ParseQty("qty", t, false); return err }},
			{key: "amount", label: "field.amount", required: true, check: func(t string) error { _, err := ledger.ParseMoney("amount", t); return err }},
		},
		load: func(ctx context.Context) ([]ledger.OpeningStock, error) {
			_, st, err := s.book.Openings(ctx)
			return st, err
		},
		key: func(r ledger.OpeningStock) string { return r.Item + "/" + r.Warehouse },
		search: func(r ledger.OpeningStock) string {
			return r.Item + "\x00" + r.ItemName + "\x00" + ledger.Mnemonic(r.ItemName) + "\x00" + r.Warehouse
		},
		toForm: func(r ledger.OpeningStock) map[string]string {
			return map[string]string{"item": r.Item, "warehouse": r.Warehouse, "qty": qtyText(r.Qty), "amount": moneyText(r.Amount)}
		},
		blank: func(sel *ledger.OpeningStock) map[string]string {
			if sel != nil {
				return map[string]string{"warehouse": sel.Warehouse}
			}
			return map[string]string{}
		},
		save: func(ctx context.Context, old *ledger.OpeningStock, f map[string]string) (ledger.OpeningStock, error) {
			q, err := ledger.ParseQty("qty", orZero(f["qty"]), false)
			if err != nil {
				return ledger.OpeningStock{}, err
			}
			a, err := ledger.ParseMoney("amount", orZero(f["amount"]))
			if err != nil {
				return ledger.OpeningStock{}, err
			}
			item, wh := ledger.Normalize(f["item"]), ledger.Normalize(f["warehouse"])
			if item == "" {
				return ledger.OpeningStock{}, &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "item"}}
			}
			if wh == "" {
				return ledger.OpeningStock{}, &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "warehouse"}}
			}
			if err := s.book.SetOpeningStock(ctx, s.user, item, wh, q, a); err != nil {
				return ledger.OpeningStock{}, err
			}
			_, st, err := s.book.Openings(ctx)
			for _, r := range st {
				if r.Item == item && r.Warehouse == wh {
					return r, err
				}
			}
			return ledger.OpeningStock{Item: item, Warehouse: wh}, err
		},
		remove: func(ctx context.Context, r ledger.OpeningStock) error {
			return s.book.SetOpeningStock(ctx, s.user, r.Item, r.Warehouse, 0, 0)
		},
		after: after,
	}
}
