package cli

import "shopbooks/ledger"

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
