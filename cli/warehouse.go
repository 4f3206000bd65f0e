package cli

import "shopbooks/ledger"

func warehouseCommands() []command {
	return append([]command{
		{name: "list", usage: "warehouse list [--all]", flags: "all", book: true, run: func(c *call) error {
			ws, err := c.book.Warehouses(c.ctx, c.on("all"))
			if err != nil {
				return err
			}
			rows := make([][]any, len(ws))
			for i, w := range ws {
				rows[i] = []any{w.Code, w.Name, w.Active}
			}
			return c.list([]col{{key: "code"}, {key: "name"}, {key: "active"}}, rows)
		}},
		{name: "add", usage: "warehouse add --code C --name N", flags: "code= name=", required: "code name", book: true,
			run: func(c *call) error {
				w, err := c.book.AddWarehouse(c.ctx, c.user, ledger.Warehouse{Code: c.str("code"), Name: c.str("name"), Active: true})
				if err != nil {
					return err
				}
				c.done("added", "warehouse", w.Code)
				return nil
			}},
		{name: "edit", usage: "warehouse edit CODE [--code NEW] [--name N]", flags: "code= name=", minArgs: 1, maxArgs: 1,
			book: true, run: func(c *call) error {
				w, err := c.book.Warehouse(c.ctx, c.args[0])
				if err != nil {
					return err
				}
				setText(c, "code", &w.Code)
				setText(c, "name", &w.Name)
				if w, err = c.book.UpdateWarehouse(c.ctx, c.user, w); err != nil {
					return err
				}
				c.done("saved", "warehouse", w.Code)
				return nil
			}},
		{name: "delete", usage: "warehouse delete CODE", minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error {
			if err := c.book.DeleteWarehouse(c.ctx, c.user, c.args[0]); err != nil {
				return err
			}
			c.done("deleted", "warehouse", c.args[0])
			return nil
		}},
	}, activeCommands("warehouse", "CODE", func(c *call, code string, active bool) error {
		return c.book.SetWarehouseActive(c.ctx, c.user, code, active)
	}, "warehouse")...)
}
