package cli

import "shopbooks/ledger"

func initCommands() []command {
	return []command{{
		usage: "init --name NAME --start YYYY-MM [--costing moving|monthly|fifo] [--taxpayer general|small] " +
			"[--levy 3|1] [--admin NAME]   (admin password: " + envPassword + ")",
		flags: "name= start= costing= taxpayer= levy= admin=", required: "name start", run: initBook,
	}}
}

// initBook creates a book at --book (else ./shop.book) and remembers it as the last one
// opened. In a batch, the following lines work in the new book as its admin.
func initBook(c *call) error {
	if c.book != nil {
		return refuse("cli.init.book_open", nil)
	}
	s := ledger.Settings{Name: c.str("name"), Taxpayer: ledger.TaxpayerGeneral}
	for _, err := range []error{
		setFrom(c, "start", func(v string) (ledger.Period, error) { return ledger.ParsePeriod("start", v) }, &s.Start),
		setFrom(c, "costing", func(v string) (ledger.Costing, error) { return ledger.ParseCosting("costing", v) }, &s.Costing),
		setFrom(c, "taxpayer", func(v string) (ledger.Taxpayer, error) { return ledger.ParseTaxpayer("taxpayer", v) }, &s.Taxpayer),
		setFrom(c, "levy", rateParser("levy"), &s.LevyRate),
	} {
		if err != nil {
			return err
		}
	}
	path := c.bookFlag
	if path == "" {
		path = "shop.book"
	}
	path = absPath(path)
	admin := c.str("admin")
	if admin == "" {
		admin = "admin"
	}
	password := c.env.Getenv(envPassword)
	b, err := ledger.Create(c.ctx, path, ledger.NewBook{Settings: s, Admin: admin, AdminPassword: password}, c.log)
	if err != nil {
		return err
	}
	c.book = b
	c.remember(path)
	if c.batch {
		if c.user, err = b.Login(c.ctx, admin, password); err != nil {
			return err
		}
	}
	c.say("cli.init.done", map[string]any{"name": s.Name, "path": path, "user": admin})
	return nil
}
