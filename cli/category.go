package cli

import "shopbooks/ledger"

func categoryCommands() []command {
	return []command{
		{name: "list", usage: "category list", book: true, run: func(c *call) error {
			cs, err := c.book.Categories(c.ctx)
			if err != nil {
				return err
			}
			rows := make([][]any, len(cs))
			for i, x := range cs {
				rows[i] = []any{x.Code, x.Name, x.Active}
			}
			return c.list([]col{{key: "code"}, {key: "name"}, {key: "active"}}, rows)
		}},
		{name: "add", usage: "category add --code C --name N", flags: "code= name=", required: "code name", book: true,
			run: func(c *call) error {
				x, err := c.book.AddCategory(c.ctx, c.user, ledger.Category{Code: c.str("code"), Name: c.str("name"), Active: true})
				if err != nil {
					return err
				}
				c.done("added", "category", x.Code)
				return nil
			}},
		{name: "edit", usage: "category edit CODE [--code NEW] [--name N] [--active=on|off]", flags: "code= name= active",
			minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error {
				cs, err := c.book.Categories(c.ctx)
				if err != nil {
					return err
				}
				var x *ledger.Category
				for i := range cs {
					if equalCode(cs[i].Code, c.args[0]) {
						x = &cs[i]
					}
				}
				if x == nil {
					return &ledger.Error{Code: ledger.CodeUnknownCategory, Args: map[string]any{"value": c.args[0]}}
				}
				setText(c, "code", &x.Code)
				setText(c, "name", &x.Name)
				setSwitch(c, "active", &x.Active)
				y, err := c.book.UpdateCategory(c.ctx, c.user, *x)
				if err != nil {
					return err
				}
				c.done("saved", "category", y.Code)
				return nil
			}},
	}
}

func unitCommands() []command {
	return []command{
		{name: "list", usage: "unit list", book: true, run: func(c *call) error {
			us, err := c.book.Units(c.ctx)
			if err != nil {
				return err
			}
			rows := make([][]any, len(us))
			for i, u := range us {
				rows[i] = []any{u.Name, u.NameEN, u.Active}
			}
			return c.list([]col{{key: "name"}, {key: "name_en"}, {key: "active"}}, rows)
		}},
		{name: "add", usage: "unit add NAME [--en NAME]", flags: "en=", minArgs: 1, maxArgs: 1, book: true,
			run: func(c *call) error {
				if err := c.book.AddUnit(c.ctx, c.user, c.args[0], c.str("en")); err != nil {
					return err
				}
				c.done("added", "unit", c.args[0])
				return nil
			}},
	}
}
