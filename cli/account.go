package cli

import (
	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

func accountCommands() []command {
	return append([]command{
		{name: "list", usage: "account list [--all]", flags: "all", book: true, run: accountList},
		{name: "show", usage: "account show CODE", minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error {
			a, err := c.book.Account(c.ctx, c.args[0])
			if err != nil {
				return err
			}
			return c.record(accountCols, accountRow(a))
		}},
		{name: "add", usage: "account add CODE NAME [--en NAME] [--parent CODE]", flags: "en= parent=", minArgs: 2, maxArgs: 2,
			book: true, run: accountAdd},
		{name: "edit", usage: "account edit CODE [--name N] [--en N]", flags: "name= en=", minArgs: 1, maxArgs: 1, book: true,
			run: accountEdit},
		{name: "role", usage: accountRoleUsage, minArgs: 1, maxArgs: 3, book: true, run: accountRole},
		{name: "delete", usage: "account delete CODE", minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error {
			if err := c.book.DeleteAccount(c.ctx, c.user, c.args[0]); err != nil {
				return err
			}
			c.done("deleted", "account", c.args[0])
			return nil
		}},
	}, activeCommands("account", "CODE", func(c *call, code string, active bool) error {
		return c.book.SetAccountActive(c.ctx, c.user, code, active)
	}, "account")...)
}

var accountCols = []col{{key: "code"}, {key: "name"}, {key: "name_en", wide: true}, {key: "parent", wide: true},
	{key: "level", wide: true}, {key: "category"}, {key: "side"}, {key: "aux"}, {key: "aux_required", wide: true},
	{key: "controlled", wide: true}, {key: "settlement", wide: true}, {key: "seeded", wide: true}, {key: "leaf", wide: true},
	{key: "used", wide: true}, {key: "active"}}

func accountRow(a ledger.Account) []any {
	aux := choice{code: a.Aux}
	if a.Aux != "" {
		aux.key = "field.aux_" + a.Aux
	}
	return []any{a.Code, indent{a.Name, a.Level}, a.NameEN, a.Parent, a.Level,
		choice{key: "cli.account.category." + a.Category, code: a.Category}, choice{key: "cli.account.side." + a.Side, code: a.Side},
		aux, a.AuxRequired, a.Controlled, a.Settlement, a.Seeded, a.Leaf, a.Used, a.Active}
}

func accountList(c *call) error {
	as, err := c.book.Accounts(c.ctx, c.on("all"))
	if err != nil {
		return err
	}
	rows := make([][]any, len(as))
	for i, a := range as {
		rows[i] = accountRow(a)
	}
	return c.list(accountCols, rows)
}

// accountAdd adds a sub-account. --parent, when given, must be CODE less its last two
// digits: the code alone says where the account goes.
func accountAdd(c *call) error {
	code := ledger.Normalize(c.args[0])
	if c.has("parent") && (len(code) <= 4 || ledger.Normalize(c.str("parent")) != code[:len(code)-2]) {
		return &ledger.Error{Code: ledger.CodeAccountParent, Args: map[string]any{"account": code, "parent": c.str("parent")}}
	}
	a, err := c.book.AddAccount(c.ctx, c.user, code, c.args[1], c.str("en"))
	if err != nil {
		return err
	}
	c.done("added", "account", a.Code)
	return nil
}

func accountEdit(c *call) error {
	a, err := c.book.Account(c.ctx, c.args[0])
	if err != nil {
		return err
	}
	setText(c, "name", &a.Name)
	setText(c, "en", &a.NameEN)
	if err := c.book.RenameAccount(c.ctx, c.user, a.Code, a.Name, a.NameEN); err != nil {
		return err
	}
	c.done("saved", "account", a.Code)
	return nil
}

const accountRoleUsage = "account role list | account role set ROLE ACCOUNT"

var accountRoleCols = []col{{key: "role"}, {key: "name"}, {key: "account"}, {key: "account_name"},
	{key: "default_account"}, {key: "root", wide: true}, {key: "fixed_since", wide: true}}

// accountRole is `account role list` (the account of each role, DOMAIN.md §1.4) and
// `account role set ROLE ACCOUNT` (an admin, before the first close).
func accountRole(c *call) error {
	switch sub, n := c.args[0], len(c.args); {
	case sub == "list" && n == 1:
		rs, err := c.book.AccountRoles(c.ctx, c.user)
		if err != nil {
			return err
		}
		rows := make([][]any, len(rs))
		for i, r := range rs {
			name := r.Name
			if c.lang == i18n.EN && r.NameEN != "" {
				name = r.NameEN
			}
			var fixed any = null{}
			if r.FixedSince != "" {
				fixed = string(r.FixedSince)
			}
			rows[i] = []any{string(r.Role), c.t("account_role." + string(r.Role)), r.Account, name, r.Default, r.Root, fixed}
		}
		return c.list(accountRoleCols, rows)
	case sub == "set" && n == 3:
		role, acct := c.args[1], ledger.Normalize(c.args[2])
		if err := c.book.SetAccountRole(c.ctx, c.user, ledger.AccountRole(role), acct); err != nil {
			return err
		}
		c.done("saved", "account_role", role+" → "+acct)
		return nil
	case sub == "list":
		return &usageError{key: "cli.usage.extra_args", args: map[string]any{"arg": c.args[1]}, usage: accountRoleUsage}
	case sub == "set" && n > 3:
		return &usageError{key: "cli.usage.extra_args", args: map[string]any{"arg": c.args[3]}, usage: accountRoleUsage}
	case sub == "set":
		return &usageError{key: "cli.usage.missing_args", usage: accountRoleUsage}
	}
	return &usageError{key: "cli.usage.unknown_command", args: map[string]any{"command": "account role " + c.args[0]}, usage: accountRoleUsage}
}
