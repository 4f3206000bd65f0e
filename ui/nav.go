package ui

import (
	"strings"

	"shopbooks/ledger"
)

// area is one place of the navigation (UI.md §2). A leaf opens a screen; built screens
// have a view-model, the others a page saying what they will do.
type area struct {
	id       string
	children []string
	perm     []ledger.Perm // any of these shows it; none: everyone
	built    bool
}

// The navigation, in order. Group ids are not screens; their leaves are.
var navRoots = []string{"home", "master", "purchase", "sales", "stock", "funds", "vouchers", "close", "reports", "setup"}

var (
	pView   = []ledger.Perm{ledger.PermViewDocs}
	pLedger = []ledger.Perm{ledger.PermViewLedger, ledger.PermChart}
)

var areas = map[string]*area{
	"home":       {id: "home", built: true},
	"master":     {id: "master", children: []string{"items", "warehouses", "partners", "settlement", "accounts", "opening"}},
	"items":      {id: "items", perm: pView, built: true},
	"warehouses": {id: "warehouses", perm: pView, built: true},
	"partners":   {id: "partners", perm: pView, built: true},
	"settlement": {id: "settlement", perm: pLedger},
	"accounts":   {id: "accounts", perm: pLedger, built: true},
	"opening":    {id: "opening", perm: pLedger, built: true},

	"purchase":         {id: "purchase", children: []string{"purchase_order", "purchase_receipt", "purchase_return", "purchase_list"}},
	"purchase_order":   {id: "purchase_order", perm: pView, built: true},
	"purchase_receipt": {id: "purchase_receipt", perm: pView, built: true},
	"purchase_return":  {id: "purchase_return", perm: pView, built: true},
	"purchase_list":    {id: "purchase_list", perm: pView, built: true},

	"sales":          {id: "sales", children: []string{"sales_order", "sales_delivery", "sales_return", "sales_list"}},
	"sales_order":    {id: "sales_order", perm: pView, built: true},
	"sales_delivery": {id: "sales_delivery", perm: pView, built: true},
	"sales_return":   {id: "sales_return", perm: pView, built: true},
	"sales_list":     {id: "sales_list", perm: pView, built: true},

	"stock":        {id: "stock", children: []string{"stock_onhand", "stock_ledger", "transfer", "count", "other_in", "other_out", "reorder"}},
	"stock_onhand": {id: "stock_onhand", perm: pView, built: true},
	"stock_ledger": {id: "stock_ledger", perm: pView, built: true},
	"transfer":     {id: "transfer", perm: pView, built: true},
	"count":        {id: "count", perm: pView, built: true},
	"other_in":     {id: "other_in", perm: pView, built: true},
	"other_out":    {id: "other_out", perm: pView, built: true},
	"reorder":      {id: "reorder", perm: pView, built: true},

	"funds":           {id: "funds", children: []string{"receipt", "payment", "expense", "partner_balance"}},
	"receipt":         {id: "receipt", perm: pView, built: true},
	"payment":         {id: "payment", perm: pView, built: true},
	"expense":         {id: "expense", perm: pView, built: true},
	"partner_balance": {id: "partner_balance", perm: []ledger.Perm{ledger.PermViewCost}, built: true},

	"vouchers":       {id: "vouchers", children: []string{"voucher_entry", "voucher_list", "general_ledger", "detail_ledger"}},
	"voucher_entry":  {id: "voucher_entry", perm: []ledger.Perm{ledger.PermVoucher}, built: true},
	"voucher_list":   {id: "voucher_list", perm: []ledger.Perm{ledger.PermViewLedger}, built: true},
	"general_ledger": {id: "general_ledger", perm: []ledger.Perm{ledger.PermViewLedger}, built: true},
	"detail_ledger":  {id: "detail_ledger", perm: []ledger.Perm{ledger.PermViewLedger}, built: true},

	"close": {id: "close", perm: []ledger.Perm{ledger.PermClose}, built: true},

	"reports":       {id: "reports", children: []string{"balance_sheet", "profit", "trial_balance", "stock_summary", "aging", "gross_margin"}},
	"balance_sheet": {id: "balance_sheet", perm: []ledger.Perm{ledger.PermViewLedger}, built: true},
	"profit":        {id: "profit", perm: []ledger.Perm{ledger.PermViewLedger}, built: true},
	"trial_balance": {id: "trial_balance", perm: []ledger.Perm{ledger.PermViewLedger}, built: true},
	"stock_summary": {id: "stock_summary", perm: pView, built: true},
	"aging":         {id: "aging", perm: []ledger.Perm{ledger.PermViewCost}, built: true},
	"gross_margin":  {id: "gross_margin", perm: []ledger.Perm{ledger.PermViewCost}, built: true},

	"setup":     {id: "setup", children: []string{"settings", "users", "backup", "audit_log"}},
	"settings":  {id: "settings", perm: []ledger.Perm{ledger.PermSettings}, built: true},
	"users":     {id: "users", perm: []ledger.Perm{ledger.PermSettings}, built: true},
	"backup":    {id: "backup", perm: []ledger.Perm{ledger.PermBackup, ledger.PermRestore}, built: true},
	"audit_log": {id: "audit_log", perm: []ledger.Perm{ledger.PermViewAuditLog}},
}

// groupOf returns the group a leaf belongs to ("" for a root leaf).
func groupOf(id string) string {
	for _, g := range navRoots {
		for _, c := range areas[g].children {
			if c == id {
				return g
			}
		}
	}
	return ""
}

// allowed tells whether u may see an area: a group when any of its leaves is allowed.
func allowed(u *ledger.User, id string) bool {
	a, ok := areas[id]
	if !ok {
		return false
	}
	if len(a.children) > 0 {
		for _, c := range a.children {
			if allowed(u, c) {
				return true
			}
		}
		return false
	}
	if len(a.perm) == 0 {
		return true
	}
	for _, p := range a.perm {
		if u.Can(p) {
			return true
		}
	}
	return false
}

// visibleChildren lists what the navigation shows under id for u.
func visibleChildren(u *ledger.User, id string) []string {
	var src []string
	if id == "" {
		src = navRoots
	} else {
		src = areas[id].children
	}
	var out []string
	for _, c := range src {
		if allowed(u, c) {
			out = append(out, c)
		}
	}
	return out
}

// areaScreen makes the view-model of a document or stock area; nil for areas built
// elsewhere (run.go's switch) or not built yet.
func areaScreen(s *session, id string) screen {
	if t, ok := docAreas[id]; ok {
		return newDocEditor(s, id, t)
	}
	switch id {
	case "purchase_list":
		return newDocList(s, id, purchaseTypes)
	case "sales_list":
		return newDocList(s, id, salesTypes)
	case "stock_onhand":
		return newOnHandScreen(s, false)
	case "reorder":
		return newOnHandScreen(s, true)
	case "stock_ledger":
		return newStockLedgerScreen(s)
	case "partner_balance":
		return newPartnerBalances(s)
	case "voucher_entry":
		return newVoucherEditor(s, id)
	case "voucher_list":
		return newVoucherList(s)
	case "general_ledger":
		return newAcctLedger(s, true)
	case "detail_ledger":
		return newAcctLedger(s, false)
	case "close":
		return newCloseScreen(s)
	}
	if kind, ok := stmtAreas[id]; ok {
		return newStatementScreen(s, kind)
	}
	return nil
}

// openDoc opens a saved document in its own tab ("doc:NUMBER"), or selects the tab that
// already shows it.
func (s *session) openDoc(number string) {
	number = strings.ToUpper(ledger.Normalize(number))
	for id, sc := range s.screens {
		if e, ok := sc.(*docEditor); ok && e.vm.doc.Number == number {
			s.shell.openTab(id)
			return
		}
	}
	d, err := s.book.Doc(s.ctx, number)
	if err != nil {
		s.setStatus(s.errText(err))
		return
	}
	id := "doc:" + d.Number
	e := newDocEditor(s, id, d.Type)
	e.vm.show(d)
	s.screens[id] = e
	s.shell.openTab(id)
}

// docCmd runs a document command (audit, un-audit) on the current screen.
func (s *session) docCmd(f func(docCommands)) {
	if c, ok := s.current().(docCommands); ok {
		f(c)
	}
}
