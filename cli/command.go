package cli

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"shopbooks/assets/i18n"
)

// command is one subcommand: `shopbooks FAMILY NAME args... --flags`.
type command struct {
	name  string // "" when the family is itself the command (init, verify, ...)
	usage string // the synopsis after "shopbooks ", untranslated
	// flags lists the command's flags, space-separated; a trailing "=" marks one that
	// takes a value ("code= name= all"). A flag without "=" is a switch that also
	// accepts --flag=on|off.
	flags    string
	required string // flags that must be given: "code name"
	minArgs  int
	maxArgs  int  // -1: any number
	book     bool // needs the open book and a logged-in user
	run      func(*call) error
}

// family is a group of commands under one word (item, partner, ...).
type family struct {
	name string
	cmds []command
}

// commandTable is the one table of the command line: a later family (doc, voucher,
// stock, close, report, ...) is a new file and one line here.
func commandTable() []family {
	return []family{
		{"init", initCommands()},
		{"item", append(itemCommands(), importCommand("item"))},
		{"warehouse", warehouseCommands()},
		{"partner", append(partnerCommands(), partnerBalancesCommand(), importCommand("partner"))},
		{"category", categoryCommands()},
		{"unit", unitCommands()},
		{"account", accountCommands()},
		{"opening", append(openingCommands(), importCommand("opening"))},
		{"doc", docCommands()},
		{"stock", stockCommands()},
		{"report", reportCommands()},
		{"export", exportCommands()},
		{"voucher", voucherCommands()},
		{"close", closeCommands()},
		{"unclose", uncloseCommands()},
		{"ledger", ledgerCommands()},
		{"user", userCommands()},
		{"settings", settingsCommands()},
		{"verify", verifyCommands()},
		{"backup", backupCommands()},
		{"restore", restoreCommands()},
		{"audit", auditCommands()},
		{"batch", batchCommands()},
		{"gui", guiCommands()},
		{"demo", demoCommands()},
	}
}

func findFamily(name string) *family {
	for _, f := range commandTable() {
		if f.name == name {
			return &f
		}
	}
	return nil
}

func (f *family) find(name string) *command {
	for i := range f.cmds {
		if f.cmds[i].name == name {
			return &f.cmds[i]
		}
	}
	return nil
}

// globals are the flags every command accepts, before or after the command.
type globals struct {
	book, user, lang, format string
}

var globalUsage = "[--book FILE] [--user NAME] [--lang zh-CN|en] [--format table|json|csv]"

// invocation is a parsed command line.
type invocation struct {
	g      globals
	family *family
	cmd    *command // nil: no command (the window)
	args   []string
	flags  map[string][]string
	help   bool
}

// parse reads a command line: global flags anywhere, the family word, the command word,
// then the command's arguments and flags in any order. `--flag value` and
// `--flag=value` both work, and a value may start with '-' (`--buy -5`); an argument
// that starts with '-' and a digit (`-500`) is a value, not a flag; `--` ends the flags.
func parse(argv []string) (invocation, error) {
	inv := invocation{flags: map[string][]string{}}
	var spec map[string]bool
	usage := globalUsage + " COMMAND ..."
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			if inv.cmd == nil {
				return inv, &usageError{key: "cli.usage.missing_command", usage: usage}
			}
			inv.args = append(inv.args, argv[i+1:]...)
			break
		}
		if !isFlag(a) {
			switch {
			case inv.family == nil && a == "help" && !inv.help:
				inv.help = true
			case inv.family == nil:
				inv.family = findFamily(a)
				if inv.family == nil {
					return inv, &usageError{key: "cli.usage.unknown_command", args: map[string]any{"command": a}, usage: usage}
				}
				if c := inv.family.find(""); c != nil {
					inv.cmd, spec, usage = c, flagSpec(c.flags), c.usage
				}
			case inv.cmd == nil:
				inv.cmd = inv.family.find(a)
				if inv.cmd == nil {
					return inv, &usageError{key: "cli.usage.unknown_command", args: map[string]any{"command": inv.family.name + " " + a},
						usage: inv.family.name + " " + subNames(inv.family)}
				}
				spec, usage = flagSpec(inv.cmd.flags), inv.cmd.usage
			default:
				inv.args = append(inv.args, a)
			}
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "help" || name == "h" {
			inv.help = true
			continue
		}
		takesValue, known := spec[name]
		isGlobal := name == "book" || name == "user" || name == "lang" || name == "format"
		if !known && !isGlobal {
			return inv, &usageError{key: "cli.usage.unknown_flag", args: map[string]any{"flag": "--" + name}, usage: usage}
		}
		if isGlobal || takesValue {
			if !hasVal {
				if i+1 >= len(argv) {
					return inv, &usageError{key: "cli.usage.missing_value", args: map[string]any{"flag": "--" + name}, usage: usage}
				}
				i++
				val = argv[i]
			}
		} else {
			v, ok := "on", true
			if hasVal {
				v, ok = onOff(val)
			}
			if !ok {
				return inv, &usageError{key: "cli.usage.bad_value", args: map[string]any{"flag": "--" + name, "value": val, "choices": "on, off"}, usage: usage}
			}
			val = v
		}
		if isGlobal {
			if err := setGlobal(&inv.g, name, val, usage); err != nil {
				return inv, err
			}
			continue
		}
		inv.flags[name] = append(inv.flags[name], val)
	}
	if inv.help {
		return inv, nil
	}
	if inv.family != nil && inv.cmd == nil {
		return inv, &usageError{key: "cli.usage.missing_command", usage: inv.family.name + " " + subNames(inv.family)}
	}
	if c := inv.cmd; c != nil {
		if len(inv.args) < c.minArgs {
			return inv, &usageError{key: "cli.usage.missing_args", usage: c.usage}
		}
		if c.maxArgs >= 0 && len(inv.args) > c.maxArgs {
			return inv, &usageError{key: "cli.usage.extra_args", args: map[string]any{"arg": inv.args[c.maxArgs]}, usage: c.usage}
		}
		for f := range strings.FieldsSeq(c.required) {
			if len(inv.flags[f]) == 0 {
				return inv, &usageError{key: "cli.usage.missing_flag", args: map[string]any{"flag": "--" + f}, usage: c.usage}
			}
		}
	}
	return inv, nil
}

func setGlobal(g *globals, name, val, usage string) error {
	switch name {
	case "book":
		g.book = val
	case "user":
		g.user = val
	case "lang":
		l, ok := i18n.Parse(val)
		if !ok {
			return &usageError{key: "cli.usage.bad_value", args: map[string]any{"flag": "--lang", "value": val, "choices": "zh-CN, en"}, usage: usage}
		}
		g.lang = string(l)
	case "format":
		f := strings.ToLower(val)
		if f != "table" && f != "json" && f != "csv" {
			return &usageError{key: "cli.usage.bad_value", args: map[string]any{"flag": "--format", "value": val, "choices": "table, json, csv"}, usage: usage}
		}
		g.format = f
	}
	return nil
}

func subNames(f *family) string {
	names := make([]string, len(f.cmds))
	for i, c := range f.cmds {
		names[i] = c.name
	}
	return strings.Join(names, "|")
}

// flagSpec reads a command's flag list into name → takes a value.
func flagSpec(s string) map[string]bool {
	m := map[string]bool{}
	for f := range strings.FieldsSeq(s) {
		name, v := strings.CutSuffix(f, "=")
		m[name] = v
	}
	return m
}

// isFlag tells a flag from a value: "-5", "-0.5" and "-５" are values.
func isFlag(a string) bool {
	if len(a) < 2 || a[0] != '-' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(a[1:])
	return !(unicode.IsDigit(r) || r == '.' || r == '．')
}

// onOff reads a switch's value.
func onOff(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true", "yes", "1", "":
		return "on", true
	case "off", "false", "no", "0":
		return "off", true
	}
	return "", false
}

// call is one command being run: the session, its arguments and its flags.
type call struct {
	*session
	cmd   *command
	args  []string
	flags map[string][]string
}

// has tells whether the flag was given.
func (c *call) has(name string) bool { return len(c.flags[name]) > 0 }

// str returns the flag's value (the last one when repeated), or "".
func (c *call) str(name string) string {
	v := c.flags[name]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// on tells whether a switch was given and not turned off.
func (c *call) on(name string) bool { return c.str(name) == "on" }

// helpText lists every command, or one family's.
func helpText(s *session, f *family) string {
	var b strings.Builder
	b.WriteString(s.t("cli.help.title") + "\n\n")
	b.WriteString("  shopbooks " + globalUsage + " COMMAND ...\n\n")
	fams := commandTable()
	if f != nil {
		fams = []family{*f}
	}
	for _, fam := range fams {
		for _, c := range fam.cmds {
			b.WriteString("  shopbooks " + c.usage + "\n")
		}
	}
	b.WriteString("\n" + s.t("cli.help.env") + "\n")
	return b.String()
}
