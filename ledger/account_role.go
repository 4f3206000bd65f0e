package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"shopbooks/store"
)

// Account roles (DOMAIN.md §1.4). The voucher templates, the month-end steps and the
// close's checks never name an account by its code: they name a role, and the book maps
// each role to one leaf account (table account_roles), so a shop that keeps its
// receivables in a sub-account 112201 has its sales on credit posted there. An admin may
// move a role to another leaf until the first close; which leaf fits a role keeps the
// statements, whose lines name accounts by code (§7), right:
//
//   - Most roles stay at or under their root, the account the statements and the
//     identities of §7.5 read for them: the receivable under 1122 (资产负债表 line 4 and
//     the partner sums read 1122 with its sub-accounts), the profit for the year under
//     3103, the count gains under 530104 (利润表 line 22, not line 23's 政府补助), the main
//     revenue under 5001, ... A sub-account inherits its parent's category, normal side and
//     auxiliary, so the templates' partner and item lines still fit it.
//   - The VAT 专栏 roles are third-level accounts, which take no sub-accounts: their root is
//     222101 应交增值税, whose balance the VAT carry-forward (§5.4 step 3) and the balance
//     sheet read.
//   - The counter-accounts of other-in and other-out are only the defaults a document may
//     change (§5.3): any profit and loss leaf on the default's normal side (an income for
//     other-in, an expense for other-out) that needs no partner.
//   - No two roles share an account, except the counter-accounts. The roots keep the other
//     roles apart but under 222101, where two VAT roles on one account would mix the
//     input, output and paid VAT that the carry-forward tells apart.
//   - The inventory role stays on 1405: 1405 takes no sub-accounts (it is controlled), and
//     the opening stock and the per-item summaries are its own.
//
// Adding the first sub-account under a role's account moves the role to it (the parent
// stops being a leaf); deactivating or deleting a role's account is refused.

// AccountRole names what a template, a month-end step or a check means by an account.
type AccountRole string

// The roles of DOMAIN.md §1.4, with their default accounts.
const (
	InventoryRole           AccountRole = "inventory"            // 库存商品 1405
	ReceivableRole          AccountRole = "receivable"           // 应收账款 1122
	AdvanceReceivedRole     AccountRole = "advance_received"     // 预收账款 2203
	PayableRole             AccountRole = "payable"              // 应付账款 2202
	PrepaymentRole          AccountRole = "prepayment"           // 预付账款 1123
	InputVATRole            AccountRole = "input_vat"            // 进项税额 22210101 (general taxpayers)
	OutputVATRole           AccountRole = "output_vat"           // 销项税额 22210105; small-scale: 应交增值税 222101
	VATPaidRole             AccountRole = "vat_paid"             // 已交税金 22210102 (general taxpayers)
	UnpaidVATOutRole        AccountRole = "unpaid_vat_out"       // 转出未交增值税 22210103 (general taxpayers)
	InputVATOutRole         AccountRole = "input_vat_out"        // 进项税额转出 22210107 (general taxpayers)
	OverpaidVATOutRole      AccountRole = "overpaid_vat_out"     // 转出多交增值税 22210109 (general taxpayers)
	UnpaidVATRole           AccountRole = "unpaid_vat"           // 未交增值税 222102 (general taxpayers)
	PendingDisposalRole     AccountRole = "pending_disposal"     // 待处理财产损溢 1901
	CountGainRole           AccountRole = "count_gain"           // 盘盈收益 530104
	CountLossRole           AccountRole = "count_loss"           // 存货的盘亏、毁损、报废损失 571101
	RevenueMainRole         AccountRole = "revenue_main"         // 主营业务收入 5001
	CostMainRole            AccountRole = "cost_main"            // 主营业务成本 5401
	RevenueOtherRole        AccountRole = "revenue_other"        // 其他业务收入 5051
	CostOtherRole           AccountRole = "cost_other"           // 其他业务成本 5402
	ProfitYearRole          AccountRole = "profit_year"          // 本年利润 3103
	UndistributedProfitRole AccountRole = "undistributed_profit" // 利润分配—未分配利润 310415
	OtherInCounterRole      AccountRole = "other_in_counter"     // 其他入库's counter-account 530199
	OtherOutCounterRole     AccountRole = "other_out_counter"    // 其他出库's counter-account 560199
)

// roleDef is a role's defaults and the rule of the accounts that fit it.
type roleDef struct {
	role    AccountRole
	general string // the default of a general taxpayer's book
	small   string // of a small-scale taxpayer's book; "" when it has no such role
	root    string // a fitting account is root or under it; "" for the counter-accounts:
	side    string // then a P&L leaf on this normal side
}

// roleDefs are the roles in DOMAIN.md §1.4's order. store/schema's account_roles
// migration seeds the same defaults into books made before roles existed.
var roleDefs = []roleDef{
	{InventoryRole, inventoryAccount, inventoryAccount, inventoryAccount, ""},
	{ReceivableRole, "1122", "1122", "1122", ""},
	{AdvanceReceivedRole, "2203", "2203", "2203", ""},
	{PayableRole, "2202", "2202", "2202", ""},
	{PrepaymentRole, "1123", "1123", "1123", ""},
	{InputVATRole, "22210101", "", vatRoot, ""},
	{OutputVATRole, "22210105", vatRoot, vatRoot, ""},
	{VATPaidRole, "22210102", "", vatRoot, ""},
	{UnpaidVATOutRole, "22210103", "", vatRoot, ""},
	{InputVATOutRole, "22210107", "", vatRoot, ""},
	{OverpaidVATOutRole, "22210109", "", vatRoot, ""},
	{UnpaidVATRole, "222102", "", "222102", ""},
	{PendingDisposalRole, "1901", "1901", "1901", ""},
	{CountGainRole, "530104", "530104", "530104", ""},
	{CountLossRole, "571101", "571101", "571101", ""},
	{RevenueMainRole, "5001", "5001", "5001", ""},
	{CostMainRole, "5401", "5401", "5401", ""},
	{RevenueOtherRole, "5051", "5051", "5051", ""},
	{CostOtherRole, "5402", "5402", "5402", ""},
	{ProfitYearRole, "3103", "3103", "3103", ""},
	{UndistributedProfitRole, "310415", "310415", "310415", ""},
	{OtherInCounterRole, "530199", "530199", "", "C"},
	{OtherOutCounterRole, "560199", "560199", "", "D"},
}

// vatRoot is 应交增值税: the VAT roles' root, and a small-scale taxpayer's output VAT.
const vatRoot = "222101"

func roleDefOf(r AccountRole) (roleDef, bool) {
	for _, d := range roleDefs {
		if d.role == r {
			return d, true
		}
	}
	return roleDef{}, false
}

// def is the role's default account in a book of taxpayer type tp ("" none).
func (d roleDef) def(tp Taxpayer) string {
	if tp == TaxpayerSmall {
		return d.small
	}
	return d.general
}

// shared tells whether the role may share its account with another role.
func (d roleDef) shared() bool { return d.root == "" }

// RoleRoot is the account the statements read for role r: its account is r's root or a
// sub-account of it ("" for the counter-accounts, which any fitting P&L leaf may hold).
func RoleRoot(r AccountRole) string {
	d, _ := roleDefOf(r)
	return d.root
}

// RoleMap is the account of each role a book has.
type RoleMap map[AccountRole]string

// DefaultRoles are the accounts DOMAIN.md §1.4 gives the roles of a new book of taxpayer
// type tp; a small-scale taxpayer's book has no role for the general taxpayer's VAT
// accounts, and its output VAT is 222101.
func DefaultRoles(tp Taxpayer) RoleMap {
	m := RoleMap{}
	for _, d := range roleDefs {
		if a := d.def(tp); a != "" {
			m[d.role] = a
		}
	}
	return m
}

// loadRoles reads the book's roles: the defaults of its taxpayer type, and the accounts
// account_roles maps them to.
func loadRoles(ctx context.Context, tx *store.Tx, tp Taxpayer) (RoleMap, error) {
	m := DefaultRoles(tp)
	rows, err := tx.QueryContext(ctx, "SELECT role, account FROM account_roles")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r, a string
		if err := rows.Scan(&r, &a); err != nil {
			return nil, err
		}
		if _, ok := m[AccountRole(r)]; ok {
			m[AccountRole(r)] = a
		}
	}
	return m, rows.Err()
}

// rolesFixedSince is the first closed period: the roles have not changed since its close
// ("" while no period is closed).
func rolesFixedSince(ctx context.Context, tx *store.Tx) (Period, error) {
	var p string
	err := tx.QueryRowContext(ctx, "SELECT ifnull(min(period), '') FROM periods WHERE closed = 1").Scan(&p)
	return Period(p), err
}

// roleKey is the catalog key of a role's name, which translates it in a message.
func roleKey(r AccountRole) string { return "account_role." + string(r) }

// under tells whether code is root or one of its sub-accounts (codes extend their
// parent's: 4-2-2 digits).
func under(code, root string) bool { return strings.HasPrefix(code, root) }

// roleFits refuses an account that cannot hold role r (see the rules at the top): not an
// active leaf, outside the role's root or not a P&L leaf on its side, or another role's.
func roleFits(roles RoleMap, r AccountRole, a Account) error {
	d, _ := roleDefOf(r)
	switch {
	case !a.Leaf:
		return refuse(CodeAccountNotLeaf, "field", "account", "account", a.Code)
	case !a.Active:
		return refuse(CodeAccountInactive, "field", "account", "account", a.Code)
	case d.root != "" && !under(a.Code, d.root):
		return refuse(CodeRoleOutside, "field", "account", "role", roleKey(r), "account", a.Code, "root", d.root)
	case d.root == "" && (a.Category != "P" || a.Side != d.side || a.AuxRequired):
		code := CodeRoleNotExpense
		if d.side == "C" {
			code = CodeRoleNotIncome
		}
		return refuse(code, "field", "account", "role", roleKey(r), "account", a.Code)
	}
	if d.shared() {
		return nil
	}
	for _, o := range roleDefs {
		if o.role != r && !o.shared() && roles[o.role] == a.Code {
			return refuse(CodeRoleTaken, "field", "account", "role", roleKey(r), "account", a.Code, "other", roleKey(o.role))
		}
	}
	return nil
}

// RoleAccount is a role and the account it maps to.
type RoleAccount struct {
	Role    AccountRole
	Account string // the account's code
	Name    string // the account's names
	NameEN  string
	Default string // DOMAIN.md §1.4's account for the role in this book
	Root    string // the account is Root or under it ("" for a counter-account: a P&L leaf)
	// FixedSince is the first closed period: the role no longer changes ("" while it may).
	FixedSince Period
}

// AccountRoles lists the book's roles in DOMAIN.md §1.4's order, each with its account.
// Any user may read them, as the chart.
func (b *Book) AccountRoles(ctx context.Context, by *User) ([]RoleAccount, error) {
	if by == nil || !by.Active {
		return nil, forbidden("session")
	}
	var out []RoleAccount
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		roles, err := loadRoles(ctx, tx, s.Taxpayer)
		if err != nil {
			return err
		}
		fixed, err := rolesFixedSince(ctx, tx)
		if err != nil {
			return err
		}
		for _, d := range roleDefs {
			acct, ok := roles[d.role]
			if !ok {
				continue
			}
			ra := RoleAccount{Role: d.role, Account: acct, Default: d.def(s.Taxpayer), Root: d.root, FixedSince: fixed}
			err := tx.QueryRowContext(ctx, "SELECT name, name_en FROM accounts WHERE code = ?", acct).Scan(&ra.Name, &ra.NameEN)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			out = append(out, ra)
		}
		return nil
	})
	return out, fromStore(err)
}

// AccountRoleChoices lists the accounts role r may move to (the rules at the top of
// account_role.go), its own account included, by code. Any user may read them.
func (b *Book) AccountRoleChoices(ctx context.Context, by *User, r AccountRole) ([]Account, error) {
	if by == nil || !by.Active {
		return nil, forbidden("session")
	}
	var out []Account
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		roles, err := loadRoles(ctx, tx, s.Taxpayer)
		if err != nil {
			return err
		}
		if _, ok := roles[r]; !ok {
			return badRole(roles, r)
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts a WHERE a.active = 1 ORDER BY a.code")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				return err
			}
			if roleFits(roles, r, a) == nil {
				out = append(out, a)
			}
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// badRole refuses a role the book does not have, naming those it has.
func badRole(roles RoleMap, r AccountRole) error {
	var names []string
	for _, d := range roleDefs {
		if _, ok := roles[d.role]; ok {
			names = append(names, string(d.role))
		}
	}
	return refuse(CodeBadChoice, "field", "role", "value", string(r), "choices", strings.Join(names, ", "))
}

// SetAccountRole maps role r to account (DOMAIN.md §1.4): only before the first close
// (CodeRoleFixed), onto an account that fits the role (the rules at the top of
// account_role.go: CodeAccountNotLeaf, CodeAccountInactive, CodeRoleOutside,
// CodeRoleNotIncome, CodeRoleNotExpense, CodeRoleTaken). Mapping a role to its own
// account changes nothing. Needs PermSettings (admin).
func (b *Book) SetAccountRole(ctx context.Context, by *User, r AccountRole, account string) error {
	return b.write(ctx, by, PermSettings, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		roles, err := loadRoles(ctx, tx, s.Taxpayer)
		if err != nil {
			return err
		}
		cur, ok := roles[r]
		if !ok {
			return badRole(roles, r)
		}
		if fixed, err := rolesFixedSince(ctx, tx); err != nil || fixed != "" {
			if err != nil {
				return err
			}
			return refuse(CodeRoleFixed, "field", "account", "role", roleKey(r), "account", cur, "period", string(fixed))
		}
		a, err := loadAccount(ctx, tx, account)
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Args["field"] = "account"
			}
			return err
		}
		if a.Code == cur {
			return nil
		}
		if err := roleFits(roles, r, a); err != nil {
			return err
		}
		return mapRole(ctx, tx, by.Name, "account_role.set", r, a.Code)
	})
}

// mapRole writes a role's account and its audit record.
func mapRole(ctx context.Context, tx *store.Tx, by, action string, r AccountRole, account string) error {
	before, err := rowImage(ctx, tx, entRole, string(r))
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO account_roles(role, account) VALUES (?, ?)
		ON CONFLICT (role) DO UPDATE SET account = excluded.account`, r, account); err != nil {
		return err
	}
	return logChange(ctx, tx, by, action, entRole, string(r), before)
}

// seedRoles gives a new book its roles' default accounts, each recorded in the trail.
func seedRoles(ctx context.Context, tx *store.Tx, by string, tp Taxpayer) error {
	roles := DefaultRoles(tp)
	for _, d := range roleDefs {
		if a, ok := roles[d.role]; ok {
			if err := mapRole(ctx, tx, by, "account_role.add", d.role, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// followSubAccount moves the roles mapped to parent onto its first sub-account child,
// just added: parent is no longer a leaf. Once a period is closed roles are fixed, and
// the sub-account is refused (CodeRoleFixed).
func followSubAccount(ctx context.Context, tx *store.Tx, by string, tp Taxpayer, parent, child string) error {
	roles, err := loadRoles(ctx, tx, tp)
	if err != nil {
		return err
	}
	for _, d := range roleDefs {
		if a, ok := roles[d.role]; !ok || a != parent {
			continue
		}
		fixed, err := rolesFixedSince(ctx, tx)
		if err != nil {
			return err
		}
		if fixed != "" {
			return refuse(CodeRoleFixed, "field", "account", "role", roleKey(d.role), "account", parent, "period", string(fixed))
		}
		if err := mapRole(ctx, tx, by, "account_role.follow", d.role, child); err != nil {
			return err
		}
	}
	return nil
}

// roleUnder names a role whose account is code or under it ("" none): such an account is
// neither deactivated nor deleted.
func roleUnder(ctx context.Context, tx *store.Tx, code string) (AccountRole, error) {
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return "", err
	}
	roles, err := loadRoles(ctx, tx, s.Taxpayer)
	if err != nil {
		return "", err
	}
	for _, d := range roleDefs {
		if a, ok := roles[d.role]; ok && under(a, code) {
			return d.role, nil
		}
	}
	return "", nil
}

// roleBaseline is what verify holds a role row without an audit record to: the default
// the account_roles migration seeded into a book made before roles existed (a new book
// records its rows). Keys are roles, values row images as rowImage makes them.
func roleBaseline(ctx context.Context, tx *store.Tx) (map[string]string, error) {
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for r, a := range DefaultRoles(s.Taxpayer) {
		b, err := json.Marshal(map[string]any{"role": string(r), "account": a})
		if err != nil {
			return nil, err
		}
		out[string(r)] = string(b)
	}
	return out, nil
}
