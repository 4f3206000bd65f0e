package cli

import "shopbooks/ledger"

func userCommands() []command {
	return append([]command{
		{name: "list", usage: "user list", book: true, run: userList},
		{name: "add", usage: "user add NAME --role admin|accountant|clerk|viewer [--no-password]   (password: " + envNewPassword + ")",
			flags: "role= no-password", required: "role", minArgs: 1, maxArgs: 1, book: true, run: userAdd},
		{name: "passwd", usage: "user passwd NAME [--no-password]   (password: " + envNewPassword + ")", flags: "no-password",
			minArgs: 1, maxArgs: 1, book: true, run: userPasswd},
		{name: "role", usage: "user role NAME admin|accountant|clerk|viewer", minArgs: 2, maxArgs: 2, book: true,
			run: func(c *call) error {
				role, err := ledger.ParseRole("role", c.args[1])
				if err != nil {
					return err
				}
				if err := c.book.SetRole(c.ctx, c.user, c.args[0], role); err != nil {
					return err
				}
				c.done("saved", "user", c.args[0])
				return nil
			}},
		{name: "grant", usage: "user grant NAME [--unclose] [--view-cost]   (what is not named is taken away)",
			flags: "unclose view-cost", minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error {
				if err := c.book.SetGrants(c.ctx, c.user, c.args[0], c.on("unclose"), c.on("view-cost")); err != nil {
					return err
				}
				c.done("saved", "user", c.args[0])
				return nil
			}},
	}, activeCommands("user", "NAME", func(c *call, name string, active bool) error {
		return c.book.SetUserActive(c.ctx, c.user, name, active)
	}, "user")...)
}

func userList(c *call) error {
	us, err := c.book.Users(c.ctx)
	if err != nil {
		return err
	}
	rows := make([][]any, len(us))
	for i, u := range us {
		rows[i] = []any{u.Name, choice{key: "cli.role." + string(u.Role), code: string(u.Role)}, u.HasPassword, u.CanUnclose,
			u.CanViewCost, u.Active, u.LastLogin}
	}
	return c.list([]col{{key: "name"}, {key: "role"}, {key: "has_password"}, {key: "can_unclose"}, {key: "can_view_cost"},
		{key: "active"}, {key: "last_login"}}, rows)
}

// userPassword is the new password: none with --no-password, else
// SHOPBOOKS_NEW_PASSWORD or the terminal.
func userPassword(c *call, name string) (string, error) {
	if c.on("no-password") {
		return "", nil
	}
	return c.newPassword(name)
}

func userAdd(c *call) error {
	role, err := ledger.ParseRole("role", c.str("role"))
	if err != nil {
		return err
	}
	pw, err := userPassword(c, c.args[0])
	if err != nil {
		return err
	}
	u, err := c.book.AddUser(c.ctx, c.user, c.args[0], role, pw)
	if err != nil {
		return err
	}
	c.done("added", "user", u.Name)
	return nil
}

func userPasswd(c *call) error {
	pw, err := userPassword(c, c.args[0])
	if err != nil {
		return err
	}
	if err := c.book.SetPassword(c.ctx, c.user, c.args[0], pw); err != nil {
		return err
	}
	key := "cli.password.changed"
	if pw == "" {
		key = "cli.password.removed"
	}
	c.say(key, map[string]any{"user": c.args[0]})
	return nil
}
