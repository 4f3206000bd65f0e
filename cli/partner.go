package cli

import (
	"io"

	"shopbooks/ledger"
	"shopbooks/report"
)

const partnerFields = "code= name= customer supplier terms= contact= phone= tax-id= address= mnemonic="

const partnerFieldsUsage = "[--terms DAYS] [--contact C] [--phone P] [--tax-id T] [--address A] [--mnemonic M]"

func partnerCommands() []command {
	return append([]command{
		{name: "list", usage: "partner list [--customers|--suppliers] [--search TEXT] [--all] [--xlsx FILE]",
			flags: "customers suppliers search= all xlsx=", book: true, run: partnerList},
		{name: "add", usage: "partner add --code C --name N (--customer | --supplier | --customer --supplier) " + partnerFieldsUsage,
			flags: partnerFields, required: "code name", book: true, run: partnerAdd},
		{name: "edit", usage: "partner edit CODE [--code NEW] [--name N] [--customer[=off]] [--supplier[=off]] " + partnerFieldsUsage,
			flags: partnerFields, minArgs: 1, maxArgs: 1, book: true, run: partnerEdit},
		{name: "show", usage: "partner show CODE", minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error {
			p, err := c.book.Partner(c.ctx, c.args[0])
			if err != nil {
				return err
			}
			return c.record(partnerCols, partnerRow(p))
		}},
		{name: "delete", usage: "partner delete CODE", minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error {
			if err := c.book.DeletePartner(c.ctx, c.user, c.args[0]); err != nil {
				return err
			}
			c.done("deleted", "partner", c.args[0])
			return nil
		}},
	}, activeCommands("partner", "CODE", func(c *call, code string, active bool) error {
		return c.book.SetPartnerActive(c.ctx, c.user, code, active)
	}, "partner")...)
}

var partnerCols = []col{{key: "code"}, {key: "name"}, {key: "mnemonic", wide: true}, {key: "customer"}, {key: "supplier"},
	{key: "contact"}, {key: "phone"}, {key: "tax_id", wide: true}, {key: "address", wide: true}, {key: "terms"}, {key: "active"}}

func partnerRow(p ledger.Partner) []any {
	return []any{p.Code, p.Name, p.Mnemonic, p.Customer, p.Supplier, p.Contact, p.Phone, p.TaxID, p.Address, p.TermsDays, p.Active}
}

func partnerList(c *call) error {
	ps, err := c.book.Partners(c.ctx, ledger.PartnerFilter{Text: c.str("search"), Customers: c.on("customers"),
		Suppliers: c.on("suppliers"), Inactive: c.on("all")})
	if err != nil {
		return err
	}
	if path := c.str("xlsx"); path != "" { // the listed partners, in the layout `partner import` reads
		return c.exportList(ledger.ExportPartners, path, func(w io.Writer) error { return report.PartnersWorkbook(w, ps) })
	}
	rows := make([][]any, len(ps))
	for i, p := range ps {
		rows[i] = partnerRow(p)
	}
	return c.list(partnerCols, rows)
}

func applyPartner(c *call, p *ledger.Partner) error {
	setText(c, "code", &p.Code)
	setText(c, "name", &p.Name)
	setText(c, "contact", &p.Contact)
	setText(c, "phone", &p.Phone)
	setText(c, "tax-id", &p.TaxID)
	setText(c, "address", &p.Address)
	setText(c, "mnemonic", &p.Mnemonic)
	setSwitch(c, "customer", &p.Customer)
	setSwitch(c, "supplier", &p.Supplier)
	return setFrom(c, "terms", parseCount("terms"), &p.TermsDays)
}

func partnerAdd(c *call) error {
	p := ledger.Partner{Active: true}
	if err := applyPartner(c, &p); err != nil {
		return err
	}
	p, err := c.book.AddPartner(c.ctx, c.user, p)
	if err != nil {
		return err
	}
	c.done("added", "partner", p.Code)
	return nil
}

func partnerEdit(c *call) error {
	p, err := c.book.Partner(c.ctx, c.args[0])
	if err != nil {
		return err
	}
	renewMnemonic(c, p.Name, &p.Mnemonic)
	if err := applyPartner(c, &p); err != nil {
		return err
	}
	if p, err = c.book.UpdatePartner(c.ctx, c.user, p); err != nil {
		return err
	}
	c.done("saved", "partner", p.Code)
	return nil
}
