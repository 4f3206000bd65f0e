package ui

import "shopbooks/ledger"

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
	"purchase_order":   {id: "purchase_order", perm: pView},
	"purchase_receipt": {id: "purchase_receipt", perm: pView},
	"purchase_return":  {id: "purchase_return", perm: pView},
	"purchase_list":    {id: "purchase_list", perm: pView},

	"sales":          {id: "sales", children: []string{"sales_order", "sales_delivery", "sales_return", "sales_list"}},
	"sales_order":    {id: "sales_order", perm: pView},
	"sales_delivery": {id: "sales_delivery", perm: pView},
	"sales_return":   {id: "sales_return", perm: pView},
	"sales_list":     {id: "sales_list", perm: pView},

	"stock":        {id: "stock", children: []string{"stock_onhand", "stock_ledger", "transfer", "count", "other_in", "other_out", "reorder"}},
	"stock_onhand": {id: "stock_onhand", perm: pView},
	"stock_ledger": {id: "stock_ledger", perm: pView},
	"transfer":     {id: "transfer", perm: pView},
	"count":        {id: "count", perm: pView},
	"other_in":     {id: "other_in", perm: pView},
	"other_out":    {id: "other_out", perm: pView},
	"reorder":      {id: "reorder", perm: pView},

	"funds":           {id: "funds", children: []string{"receipt", "payment", "expense", "partner_balance"}},
	"receipt":         {id: "receipt", perm: pView},
	"payment":         {id: "payment", perm: pView},
	"expense":         {id: "expense", perm: pView},
	"partner_balance": {id: "partner_balance", perm: []ledger.Perm{ledger.PermViewCost}},

	"vouchers":       {id: "vouchers", children: []string{"voucher_entry", "voucher_list", "general_ledger", "detail_ledger"}},
	"voucher_entry":  {id: "voucher_entry", perm: []ledger.Perm{ledger.PermVoucher}},
	"voucher_list":   {id: "voucher_list", perm: []ledger.Perm{ledger.PermViewLedger}},
	"general_ledger": {id: "general_ledger", perm: []ledger.Perm{ledger.PermViewLedger}},
	"detail_ledger":  {id: "detail_ledger", perm: []ledger.Perm{ledger.PermViewLedger}},

	"close": {id: "close", perm: []ledger.Perm{ledger.PermClose}},

	"reports":       {id: "reports", children: []string{"balance_sheet", "profit", "trial_balance", "stock_summary", "aging", "gross_margin"}},
	"balance_sheet": {id: "balance_sheet", perm: []ledger.Perm{ledger.PermViewLedger}},
	"profit":        {id: "profit", perm: []ledger.Perm{ledger.PermViewLedger}},
	"trial_balance": {id: "trial_balance", perm: []ledger.Perm{ledger.PermViewLedger}},
	"stock_summary": {id: "stock_summary", perm: pView},
	"aging":         {id: "aging", perm: []ledger.Perm{ledger.PermViewCost}},
	"gross_margin":  {id: "gross_margin", perm: []ledger.Perm{ledger.PermViewCost}},

	"setup":     {id: "setup", children: []string{"settings", "users", "backup", "audit_log"}},
	"settings":  {id: "settings", perm: []ledger.Perm{ledger.PermSettings}, built: true},
	"users":     {id: "users", perm: []ledger.Perm{ledger.PermSettings}, built: true},
	"backup":    {id: "backup", perm: []ledger.Perm{ledger.PermBackup}},
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
