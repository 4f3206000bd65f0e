package cli

import (
	"strings"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// Reading values from flags: numbers only through the ledger's parsers, which normalise
// full-width digits and refuse what is not a plain decimal.

// setFrom parses the flag's value into dst when the flag was given.
func setFrom[T any](c *call, flag string, parse func(string) (T, error), dst *T) error {
	if !c.has(flag) {
		return nil
	}
	v, err := parse(c.str(flag))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// setText copies the flag's value into dst when the flag was given.
func setText(c *call, flag string, dst *string) {
	if c.has(flag) {
		*dst = c.str(flag)
	}
}

// setSwitch sets dst from a switch (--customer, --customer=off) when it was given.
func setSwitch(c *call, flag string, dst *bool) {
	if c.has(flag) {
		*dst = c.on(flag)
	}
}

func priceParser(field string) func(string) (ledger.Price, error) {
	return func(s string) (ledger.Price, error) { return ledger.ParsePrice(field, s) }
}

func qtyParser(field string) func(string) (ledger.Qty, error) {
	return func(s string) (ledger.Qty, error) { return ledger.ParseQty(field, s, false) }
}

func rateParser(field string) func(string) (ledger.Rate, error) {
	return func(s string) (ledger.Rate, error) { return ledger.ParseRate(field, s) }
}

// parseCount reads a whole, non-negative number (days, a sequence number, a limit).
func parseCount(field string) func(string) (int, error) {
	return func(s string) (int, error) {
		q, err := ledger.ParseQty(field, s, false)
		if err != nil {
			return 0, err
		}
		if q%ledger.Units(1) != 0 {
			return 0, &ledger.Error{Code: ledger.CodeNumberDecimals, Args: map[string]any{"field": fieldArg(field), "value": s, "max": 0}}
		}
		return int(q / ledger.Units(1)), nil
	}
}

// parseOnOff reads on|off (also yes/no, true/false, 1/0, 开/关).
func parseOnOff(field string) func(string) (bool, error) {
	return func(s string) (bool, error) {
		switch strings.ToLower(ledger.Normalize(s)) {
		case "on", "yes", "true", "1", "开", "是":
			return true, nil
		case "off", "no", "false", "0", "关", "否":
			return false, nil
		}
		return false, &ledger.Error{Code: ledger.CodeBadChoice, Args: map[string]any{"field": fieldArg(field), "value": s, "choices": "on, off"}}
	}
}

// what is the translated name of a kind of record, for the confirmations.
func what(kind string) i18n.Key { return i18n.Key("what." + kind) }

// done prints the confirmation of a change: "商品 A001：已新增".
func (c *call) done(action, kind, value string) {
	c.say("cli.done."+action, map[string]any{"what": what(kind), "value": value})
}

// activeCommands are `deactivate CODE` and `activate CODE` of a family.
func activeCommands(family, arg string, set func(c *call, code string, active bool) error, kind string) []command {
	mk := func(name string, active bool) command {
		return command{name: name, usage: family + " " + name + " " + arg, minArgs: 1, maxArgs: 1, book: true,
			run: func(c *call) error {
				if err := set(c, c.args[0], active); err != nil {
					return err
				}
				c.done(name+"d", kind, c.args[0])
				return nil
			}}
	}
	return []command{mk("deactivate", false), mk("activate", true)}
}

// equalCode compares codes as the book does: full-width folded, case-insensitive.
func equalCode(a, b string) bool { return strings.EqualFold(ledger.Normalize(a), ledger.Normalize(b)) }

// fieldArg names a field in a refusal: the catalog's field.<name> when it has one, else
// the CLI's column header, translated as the message is.
func fieldArg(name string) any {
	if i18n.For(i18n.EN).Has("field." + name) {
		return name
	}
	return i18n.Key("cli.col." + name)
}

// renewMnemonic clears a 助记码 that was made from the old name when the name changes
// and no --mnemonic is given, so the ledger makes it again from the new name.
func renewMnemonic(c *call, oldName string, mnemonic *string) {
	if c.has("name") && !c.has("mnemonic") && *mnemonic == ledger.Mnemonic(oldName) {
		*mnemonic = ""
	}
}
