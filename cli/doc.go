package cli

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"shopbooks/ledger"
)

// The document commands (单据, DOMAIN.md §4): `doc new TYPE ... --line ...` saves a draft
// (or saves and audits it in one transaction with --audit) and prints its number; the
// life cycle commands take numbers. Amounts are computed by the ledger; the command line
// only reads what the user typed.

// docNewFlags are the flags of doc new.
const docNewFlags = "date= partner= warehouse= to-warehouse= account= tax-inclusive no-invoice from= memo= paid= advance= audit " +
	"line= from-stock amount= applied= advance-part= expense-account="

const docNewUsage = "doc new TYPE --date YYYY-MM-DD [--partner P] [--warehouse W] [--to-warehouse W] [--account ACCOUNT] " +
	"[--tax-inclusive] [--no-invoice] [--from NUMBER] [--memo TEXT] [--paid AMOUNT] [--advance AMOUNT] [--audit] " +
	"--line ITEM:QTY[:PRICE[:VAT%]][:d5%|:d12.50][:tax=VAT][:@WAREHOUSE] ...\n" +
	"    TYPE: po receipt preturn so delivery sreturn transfer count in out collect pay expense.\n" +
	"    PRICE excludes VAT unless --tax-inclusive; VAT% defaults to the item's; d5% is a 5% discount, d12.50 one of 12.50;\n" +
	"    tax=4.57 replaces the line's VAT by the invoice's. --no-invoice: the input VAT is not deductible.\n" +
	"    --from NUMBER (receipt from po, delivery from so, preturn from receipt, sreturn from delivery) copies the\n" +
	"    source's open quantities when no --line is given, else links each line to the source line of its item.\n" +
	"    count: --line ITEM:COUNTED[:abnormal], --from-stock fills the warehouse's book quantities first.\n" +
	"    in: --line ITEM:QTY:AMOUNT; out, transfer: --line ITEM:QTY (transfer: --warehouse FROM --to-warehouse TO).\n" +
	"    collect, pay: --amount AMOUNT --account 1001|1002... [--applied AMOUNT] [--advance-part AMOUNT].\n" +
	"    expense: --line ACCOUNT:AMOUNT[:VAT%[:MEMO]] ... or --amount AMOUNT --expense-account ACCOUNT;\n" +
	"    --account (paid now through it), --partner (a supplier: required unless paid in full)."

func docCommands() []command {
	return []command{
		{name: "new", usage: docNewUsage, flags: docNewFlags, required: "date", minArgs: 1, maxArgs: 1, book: true, run: docNew},
		{name: "edit", usage: "doc edit NUMBER [the flags of doc new]   (a draft; --line replaces all its lines)",
			flags: strings.Replace(docNewFlags, " audit ", " ", 1), minArgs: 1, maxArgs: 1, book: true, run: docEdit},
		{name: "list", usage: "doc list [--type T] [--period YYYY-MM] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--status draft|audited|voided] " +
			"[--partner P] [--search TEXT] [--limit N]", flags: "type= period= from= to= status= partner= search= limit=", book: true, run: docList},
		{name: "show", usage: "doc show NUMBER", minArgs: 1, maxArgs: 1, book: true, run: docShow},
		{name: "audit", usage: "doc audit NUMBER...   (in turn; stops at the first refusal)", minArgs: 1, maxArgs: -1, book: true, run: docAudit},
		{name: "unaudit", usage: "doc unaudit NUMBER", minArgs: 1, maxArgs: 1, book: true, run: docStep("unaudited",
			func(c *call, n string) error { return c.book.UnauditDoc(c.ctx, c.user, n) })},
		{name: "delete", usage: "doc delete NUMBER   (the highest draft of its sequence; void any other)", minArgs: 1, maxArgs: 1,
			book: true, run: docStep("deleted", func(c *call, n string) error { return c.book.DeleteDoc(c.ctx, c.user, n) })},
		{name: "void", usage: "doc void NUMBER", minArgs: 1, maxArgs: 1, book: true, run: docStep("voided",
			func(c *call, n string) error { return c.book.VoidDoc(c.ctx, c.user, n) })},
		{name: "close", usage: "doc close NUMBER   (an audited order: the rest is not expected)", minArgs: 1, maxArgs: 1, book: true,
			run: docStep("closed", func(c *call, n string) error { return c.book.SetOrderClosed(c.ctx, c.user, n, true) })},
		{name: "reopen", usage: "doc reopen NUMBER", minArgs: 1, maxArgs: 1, book: true, run: docStep("reopened",
			func(c *call, n string) error { return c.book.SetOrderClosed(c.ctx, c.user, n, false) })},
		docPrintCommand(),
	}
}

// docStep is a life-cycle command on one document: it runs and confirms.
func docStep(done string, do func(c *call, number string) error) func(*call) error {
	return func(c *call) error {
		number := docNumberArg(c.args[0])
		if err := do(c, number); err != nil {
			return err
		}
		c.say("cli.doc."+done, map[string]any{"number": number})
		return nil
	}
}

// docNumberArg reads a number as typed (full-width, lower case).
func docNumberArg(s string) string { return strings.ToUpper(ledger.Normalize(s)) }

func docAudit(c *call) error {
	for _, a := range c.args {
		n := docNumberArg(a)
		if err := c.docBook().AuditDoc(c.ctx, c.user, n); err != nil {
			if len(c.args) == 1 {
				return err
			}
			_, msg := c.describe(err)
			return refuse("cli.doc.failed", map[string]any{"number": n, "message": msg})
		}
		c.say("cli.doc.audited", map[string]any{"number": n})
		c.countWarnings(n)
	}
	return nil
}

// countWarnings tells, on stderr, of audited counts the audited document predates
// (DOMAIN.md §4.1): their recorded differences are not recomputed.
func (c *call) countWarnings(number string) {
	ws, err := c.docBook().CountWarnings(c.ctx, c.user, number)
	if err != nil {
		c.log.Warn("count warnings", "number", number, "err", err)
		return
	}
	for _, w := range ws {
		fmt.Fprintln(c.env.Stderr, c.t("cli.doc.count_warning", map[string]any{"number": number, "count": w}))
	}
}

// typeChoice shows a document type: its prefix in JSON and CSV, its name in the table.
func typeChoice(t ledger.DocType) choice {
	return choice{key: "cli.doc.type." + string(t), code: string(t)}
}

func statusChoice(d ledger.Doc) choice {
	if d.OrderClosed && d.Status == ledger.StatusAudited {
		return choice{key: "cli.doc.status.closed", code: string(d.Status)}
	}
	return choice{key: "status." + string(d.Status), code: string(d.Status)}
}

// docTotal is what a document comes to: the amount of a receipt or payment, else G.
func docTotal(d ledger.Doc) ledger.Money {
	if d.Type == ledger.DocCollect || d.Type == ledger.DocPay {
		return d.Amount
	}
	return d.Gross
}

var docListCols = []col{{key: "number"}, {key: "type"}, {key: "date"}, {key: "status"}, {key: "partner"}, {key: "partner_name"},
	{key: "warehouse"}, {key: "to_warehouse", wide: true}, {key: "source", wide: true}, {key: "net", wide: true},
	{key: "tax", wide: true}, {key: "gross", wide: true}, {key: "amount", wide: true}, {key: "total"}, {key: "closed", wide: true},
	{key: "memo"}, {key: "maker", wide: true}, {key: "auditor", wide: true}}

func docList(c *call) error {
	var f ledger.DocFilter
	var err error
	if c.has("type") {
		if f.Type, err = ledger.ParseDocType("type", c.str("type")); err != nil {
			return err
		}
	}
	if c.has("period") {
		if f.Period, err = ledger.ParsePeriod("period", c.str("period")); err != nil {
			return err
		}
	}
	for _, e := range []error{
		setFrom(c, "from", dateParser("from"), &f.From),
		setFrom(c, "to", dateParser("to"), &f.To),
		setFrom(c, "limit", parseCount("limit"), &f.Limit),
	} {
		if e != nil {
			return e
		}
	}
	if c.has("status") {
		switch s := ledger.DocStatus(strings.ToLower(ledger.Normalize(c.str("status")))); s {
		case ledger.StatusDraft, ledger.StatusAudited, ledger.StatusVoided:
			f.Status = s
		default:
			return &ledger.Error{Code: ledger.CodeBadChoice, Args: map[string]any{"field": fieldArg("status"), "value": c.str("status"),
				"choices": "draft, audited, voided"}}
		}
	}
	f.Partner, f.Text = c.str("partner"), c.str("search")
	docs, err := c.book.Docs(c.ctx, c.user, f)
	if err != nil {
		return err
	}
	rows := make([][]any, len(docs))
	for i, d := range docs {
		rows[i] = []any{d.Number, typeChoice(d.Type), string(d.Date), statusChoice(d), d.Partner, d.PartnerName, d.Warehouse,
			d.ToWarehouse, d.Source, d.Net, d.Tax, d.Gross, d.Amount, docTotal(d), d.OrderClosed, d.Memo, d.Maker, d.Auditor}
	}
	return c.list(docListCols, rows)
}

func dateParser(field string) func(string) (ledger.Date, error) {
	return func(s string) (ledger.Date, error) { return ledger.ParseDate(field, s) }
}

// The columns of a document: its header, its totals and its lines. JSON carries them all
// (one object, lines inside); the table shows what the document's type uses.
var docHeadCols = []col{{key: "number"}, {key: "type"}, {key: "date"}, {key: "status"}, {key: "partner"}, {key: "partner_name"},
	{key: "warehouse"}, {key: "to_warehouse"}, {key: "account"}, {key: "inclusive"}, {key: "deductible"}, {key: "source"},
	{key: "memo"}, {key: "closed"}, {key: "maker"}, {key: "made_at"}, {key: "auditor"}, {key: "audited_at"}, {key: "version"}}

var docTotalCols = []col{{key: "net"}, {key: "tax"}, {key: "gross"}, {key: "paid"}, {key: "advance_used"}, {key: "amount"},
	{key: "applied"}, {key: "advance"}, {key: "in_words"}}

var docLineKeys = []string{"line", "item", "item_name", "account", "unit", "warehouse", "qty", "price", "discount_rate", "discount", "vat_rate",
	"vat_override", "base", "net", "tax", "gross", "inv_amount", "source_line", "book_qty", "difference", "abnormal", "memo", "cost"}

// docLineShown lists, per kind of document, the line columns the table shows.
func docLineShown(t ledger.DocType, cost bool) string {
	s := ""
	switch {
	case t.Priced():
		s = "line item item_name unit qty price discount vat_rate net tax gross source_line"
		if t == ledger.DocReceipt || t == ledger.DocPReturn {
			s += " inv_amount"
		}
	case t == ledger.DocCount:
		s = "line item item_name unit qty book_qty difference abnormal"
	case t == ledger.DocOtherIn:
		s = "line item item_name unit qty inv_amount"
	case t == ledger.DocExpense:
		s = "line account memo net vat_rate tax gross"
	default:
		s = "line item item_name unit qty"
	}
	if t.Stock() && cost {
		s += " cost"
	}
	return s
}

func docLineCols(t ledger.DocType, cost bool) []col {
	shown := map[string]bool{}
	for _, k := range strings.Fields(docLineShown(t, cost)) {
		shown[k] = true
	}
	cols := make([]col, len(docLineKeys))
	for i, k := range docLineKeys {
		cols[i] = col{key: k, wide: !shown[k]}
	}
	return cols
}

func (c *call) docLineRow(d ledger.Doc, l ledger.DocLine) []any {
	var cost, book, diff any = null{}, null{}, null{}
	if c.user.Can(ledger.PermViewCost) && d.Type.Stock() && d.Status == ledger.StatusAudited {
		cost = l.Cost
	}
	if l.HasBookQty {
		book, diff = l.BookQty, l.Qty-l.BookQty
	}
	var vatOverride any = null{}
	if l.HasVATOverride {
		vatOverride = l.VATOverride
	}
	disc := any(l.DiscountRate)
	if l.HasDiscountAmount {
		disc = null{}
	}
	return []any{l.No, l.Item, l.ItemName, l.Account, l.Unit, l.Warehouse, l.Qty, l.Price, disc, l.Discount, l.VATRate, vatOverride,
		l.Base, l.Net, l.Tax, l.Gross, l.InvAmount, l.SourceLine, book, diff, l.Abnormal, l.Memo, cost}
}

func docHeadRow(d ledger.Doc) []any {
	return []any{d.Number, typeChoice(d.Type), string(d.Date), statusChoice(d), d.Partner, d.PartnerName, d.Warehouse,
		d.ToWarehouse, d.Account, d.Inclusive, d.Deductible, d.Source, d.Memo, d.OrderClosed, d.Maker, d.MadeAt, d.Auditor,
		d.AuditedAt, d.Version}
}

func docTotalRow(d ledger.Doc) []any {
	return []any{d.Net, d.Tax, d.Gross, d.Paid, d.AdvanceUsed, d.Amount, d.Applied, d.Advance, ledger.InWords(docTotal(d))}
}

func docShow(c *call) error {
	d, err := c.book.Doc(c.ctx, docNumberArg(c.args[0]))
	if err != nil {
		return err
	}
	return c.showDoc(d)
}

// showDoc writes a document: in the table its header, lines and totals with the total in
// Chinese capitals (金额大写); in JSON one object with its lines; in CSV its lines.
func (c *call) showDoc(d ledger.Doc) error {
	lineCols := docLineCols(d.Type, c.user.Can(ledger.PermViewCost))
	lines := make([][]any, len(d.Lines))
	for i, l := range d.Lines {
		lines[i] = c.docLineRow(d, l)
	}
	w := c.env.Stdout
	switch c.format {
	case "json":
		var b bytes.Buffer
		writeObject(&b, slices.Concat(docHeadCols, docTotalCols), slices.Concat(docHeadRow(d), docTotalRow(d)), "")
		b.Truncate(b.Len() - 2) // reopen the object: "\n}"
		b.WriteString(",\n  \"lines\": [")
		for i, r := range lines {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n    ")
			writeObject(&b, lineCols, r, "    ")
		}
		if len(lines) > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString("]\n}\n")
		_, err := w.Write(b.Bytes())
		return err
	case "csv":
		cols := slices.Concat([]col{{key: "number"}}, lineCols)
		rows := make([][]any, len(lines))
		for i, r := range lines {
			rows[i] = append([]any{d.Number}, r...)
		}
		return c.writeCSV(w, cols, rows)
	}
	// The table: the header's fields that are set, the lines, the totals.
	var hc []col
	var hr []any
	head := docHeadRow(d)
	for i, k := range docHeadCols {
		if blank(head[i]) || k.key == "version" || k.key == "partner_name" || k.key == "closed" ||
			(k.key == "deductible" && !(d.Type == ledger.DocReceipt || d.Type == ledger.DocPReturn || d.Type == ledger.DocExpense)) ||
			(k.key == "inclusive" && !d.Type.Priced()) {
			continue
		}
		if k.key == "partner" {
			hr = append(hr, strings.TrimSpace(d.Partner+" "+d.PartnerName))
		} else {
			hr = append(hr, head[i])
		}
		hc = append(hc, k)
	}
	if err := c.record(hc, hr); err != nil {
		return err
	}
	if len(lines) > 0 {
		fmt.Fprintln(w)
		if err := c.list(lineCols, lines); err != nil {
			return err
		}
	}
	var tc []col
	var tr []any
	totals := docTotalRow(d)
	for i, k := range docTotalCols {
		keep := false
		switch k.key {
		case "net", "tax", "gross":
			keep = d.Type.Priced() || d.Type == ledger.DocExpense
		case "paid":
			keep = d.Paid != 0 || d.Account != "" && !d.Type.Order() && d.Type != ledger.DocCollect && d.Type != ledger.DocPay
		case "advance_used":
			keep = d.AdvanceUsed != 0
		case "amount", "applied", "advance":
			keep = d.Type == ledger.DocCollect || d.Type == ledger.DocPay
		case "in_words":
			keep = d.Type.Priced() || d.Type == ledger.DocExpense || d.Type == ledger.DocCollect || d.Type == ledger.DocPay
		}
		if keep {
			tc, tr = append(tc, k), append(tr, totals[i])
		}
	}
	if len(tc) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	return c.record(tc, tr)
}

// blank tells an empty header value (left out of the table).
func blank(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case bool:
		return !x
	case null, nil:
		return true
	case time.Time:
		return x.IsZero()
	}
	return false
}

// docNew builds a document from the flags and saves it (and audits it with --audit).
func docNew(c *call) error {
	t, err := ledger.ParseDocType("type", c.args[0])
	if err != nil {
		return err
	}
	d := ledger.Doc{Type: t, Deductible: true}
	if err := c.applyDoc(&d, true); err != nil {
		return err
	}
	var saved ledger.Doc
	if c.group != nil {
		c.group.Brief = c.format == "table" // the table shows the number and the total only
	}
	if c.on("audit") {
		saved, err = c.docBook().SaveAndAuditDoc(c.ctx, c.user, d)
	} else {
		saved, err = c.docBook().SaveDoc(c.ctx, c.user, d)
	}
	if err != nil {
		return err
	}
	if c.on("audit") {
		c.countWarnings(saved.Number)
	}
	return c.savedDoc(saved)
}

// docEdit changes a draft: the header fields given, and all its lines when --line (or
// --from, --from-stock, --amount for an expense) is given; the rest stays as saved.
// The ledger refuses anything but a draft, a draft saved by someone else since it was
// read, and a move to another month.
func docEdit(c *call) error {
	d, err := c.book.Doc(c.ctx, docNumberArg(c.args[0]))
	if err != nil {
		return err
	}
	if err := c.applyDoc(&d, false); err != nil {
		return err
	}
	saved, err := c.book.SaveDoc(c.ctx, c.user, d)
	if err != nil {
		return err
	}
	return c.savedDoc(saved)
}

// savedDoc prints a saved document: its number on stdout and a confirmation on stderr in
// the table format (so `$(shopbooks doc new ...)` is the number), else the document.
func (c *call) savedDoc(saved ledger.Doc) error {
	if c.format != "table" {
		return c.showDoc(saved)
	}
	fmt.Fprintln(c.env.Stdout, saved.Number)
	key := "cli.doc.saved"
	if saved.Status == ledger.StatusAudited {
		key = "cli.doc.saved_audited"
	}
	fmt.Fprintln(c.env.Stderr, c.t(key, map[string]any{"type": c.t("cli.doc.type." + string(saved.Type)), "number": saved.Number,
		"total": docTotal(saved).String()}))
	return nil
}

// applyDoc copies the given flags into d: a new document (isNew) gets its lines from
// them; a draft being edited keeps its lines unless new ones are given.
func (c *call) applyDoc(d *ledger.Doc, isNew bool) error {
	if c.has("date") {
		var err error
		if d.Date, err = ledger.ParseDate("date", c.str("date")); err != nil {
			return err
		}
	}
	setText(c, "partner", &d.Partner)
	setText(c, "warehouse", &d.Warehouse)
	setText(c, "to-warehouse", &d.ToWarehouse)
	setText(c, "account", &d.Account)
	setText(c, "memo", &d.Memo)
	setSwitch(c, "tax-inclusive", &d.Inclusive)
	if c.has("no-invoice") {
		d.Deductible = !c.on("no-invoice")
	}
	newLines := isNew || len(c.flags["line"]) > 0 || c.has("from") || c.on("from-stock") ||
		d.Type == ledger.DocExpense && (c.has("amount") || c.has("expense-account"))
	if !isNew && newLines && !c.has("paid") && d.Paid == d.Gross {
		d.Paid = 0 // paid in full: in full again with the new lines
	}
	for _, e := range []error{
		setFrom(c, "paid", nonNegativeMoney("paid"), &d.Paid),
		setFrom(c, "advance", nonNegativeMoney("advance_used"), &d.AdvanceUsed),
	} {
		if e != nil {
			return e
		}
	}
	switch {
	case d.Type == ledger.DocCollect || d.Type == ledger.DocPay:
		return c.payment(d, isNew)
	case !newLines:
		return nil
	case d.Type == ledger.DocExpense:
		d.Lines = nil
		return c.expenseLines(d)
	}
	d.Lines = nil
	return c.stockLines(d)
}

// payment reads a receipt's or payment's amount and its split (DOMAIN.md §5.3): when one
// part is given the other is the rest; when neither, the ledger applies what the partner
// owes and keeps the rest as an advance.
func (c *call) payment(d *ledger.Doc, isNew bool) error {
	if err := setFrom(c, "amount", moneyParser("amount"), &d.Amount); err != nil {
		return err
	}
	if isNew && !c.has("amount") {
		return &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "amount"}}
	}
	if c.has("amount") && !c.has("applied") && !c.has("advance-part") {
		d.Applied, d.Advance = 0, 0 // split again
	}
	for _, e := range []error{
		setFrom(c, "applied", moneyParser("applied"), &d.Applied),
		setFrom(c, "advance-part", moneyParser("advance"), &d.Advance),
	} {
		if e != nil {
			return e
		}
	}
	switch {
	case c.has("applied") && !c.has("advance-part"):
		d.Advance = d.Amount - d.Applied
	case c.has("advance-part") && !c.has("applied"):
		d.Applied = d.Amount - d.Advance
	}
	if len(c.flags["line"]) > 0 {
		return refuse("cli.doc.no_lines_here", map[string]any{"type": c.args[0]})
	}
	return nil
}

func moneyParser(field string) func(string) (ledger.Money, error) {
	return func(s string) (ledger.Money, error) { return ledger.ParseMoney(field, s) }
}

// expenseLines reads an expense's lines: ACCOUNT:AMOUNT[:VAT%[:MEMO]], or one line from
// --amount and --expense-account.
func (c *call) expenseLines(d *ledger.Doc) error {
	if c.has("amount") || c.has("expense-account") {
		if !c.has("amount") || !c.has("expense-account") {
			return &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": map[bool]string{true: "account", false: "amount"}[c.has("amount")]}}
		}
		amt, err := nonNegativeMoney("amount")(c.str("amount"))
		if err != nil {
			return err
		}
		d.Lines = append(d.Lines, ledger.DocLine{Account: c.str("expense-account"), Net: amt, Memo: d.Memo})
	}
	for _, spec := range c.flags["line"] {
		parts := strings.SplitN(strings.ReplaceAll(spec, "：", ":"), ":", 4)
		if len(parts) < 2 || strings.TrimSpace(parts[0]) == "" {
			return badLine(spec, ledger.DocExpense)
		}
		l := ledger.DocLine{Account: strings.TrimSpace(parts[0])}
		amt, err := nonNegativeMoney("amount")(parts[1])
		if err != nil {
			return c.lineError(spec, err)
		}
		l.Net = amt
		if len(parts) > 2 && strings.TrimSpace(parts[2]) != "" {
			if l.VATRate, err = ledger.ParseRate("vat", parts[2]); err != nil {
				return c.lineError(spec, err)
			}
		}
		if len(parts) > 3 {
			l.Memo = strings.TrimSpace(parts[3])
		}
		d.Lines = append(d.Lines, l)
	}
	return nil
}

// lineOpts records what a --line gave, so a linked line takes the rest from its source.
type lineOpts struct {
	spec                         string
	price, vat, discount, amount bool
}

// lineSyntax is the syntax of a --line per kind of document, for the refusal.
func lineSyntax(t ledger.DocType) string {
	switch {
	case t.Priced():
		return "ITEM:QTY[:PRICE[:VAT%]][:d5%|:d12.50][:tax=VAT][:@WAREHOUSE]"
	case t == ledger.DocCount:
		return "ITEM:COUNTED[:abnormal]"
	case t == ledger.DocOtherIn:
		return "ITEM:QTY:AMOUNT[:@WAREHOUSE]"
	case t == ledger.DocExpense:
		return "ACCOUNT:AMOUNT[:VAT%[:MEMO]]"
	case t == ledger.DocOtherOut:
		return "ITEM:QTY[:@WAREHOUSE]"
	}
	return "ITEM:QTY"
}

func badLine(spec string, t ledger.DocType) error {
	return refuse("cli.doc.bad_line", map[string]any{"value": spec, "syntax": lineSyntax(t)})
}

// lineError names the --line a value of which was refused.
func (c *call) lineError(spec string, err error) error {
	if _, ok := err.(*ledger.Error); !ok {
		return err
	}
	_, msg := c.describe(err)
	return refuse("cli.doc.line_error", map[string]any{"value": spec, "message": msg})
}

// parseLine reads one --line of a goods document.
func (c *call) parseLine(t ledger.DocType, spec string) (ledger.DocLine, lineOpts, error) {
	o := lineOpts{spec: spec}
	parts := strings.Split(strings.ReplaceAll(spec, "：", ":"), ":")
	l := ledger.DocLine{Item: strings.TrimSpace(parts[0]), UseItemVAT: true}
	if len(parts) < 2 || l.Item == "" {
		return l, o, badLine(spec, t)
	}
	q, err := ledger.ParseQty("qty", parts[1], false)
	if err != nil {
		return l, o, c.lineError(spec, err)
	}
	l.Qty = q
	slots := 0 // positional fields read after the quantity: price, VAT (in: the amount)
	maxSlots := 0
	switch {
	case t.Priced():
		maxSlots = 2
	case t == ledger.DocOtherIn:
		maxSlots = 1
	}
	for _, raw := range parts[2:] {
		p := ledger.Normalize(raw)
		low := strings.ToLower(p)
		num := func(s string) bool { return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '.') }
		switch {
		case p == "" && slots < maxSlots:
			slots++
		case p == "":
		case low == "abnormal" || p == "非正常" || p == "非正常损失":
			if t != ledger.DocCount {
				return l, o, badLine(spec, t)
			}
			l.Abnormal = true
		case strings.HasPrefix(p, "@"):
			l.Warehouse = strings.TrimSpace(p[1:])
		case t.Priced() && (strings.HasPrefix(low, "tax=") || strings.HasPrefix(low, "vat=")):
			v, err := ledger.ParseMoney("tax", p[4:])
			if err != nil {
				return l, o, c.lineError(spec, err)
			}
			l.VATOverride, l.HasVATOverride = v, true
		case t.Priced() && (strings.HasPrefix(low, "d") && num(p[1:]) || strings.HasPrefix(p, "-") ||
			strings.HasSuffix(p, "%") && slots >= maxSlots):
			v := strings.TrimPrefix(strings.TrimPrefix(low, "d"), "-")
			if strings.HasSuffix(v, "%") {
				r, err := ledger.ParseRate("discount", v)
				if err != nil {
					return l, o, c.lineError(spec, err)
				}
				l.DiscountRate = r
			} else {
				m, err := ledger.ParseMoney("discount", v)
				if err != nil {
					return l, o, c.lineError(spec, err)
				}
				l.DiscountAmount, l.HasDiscountAmount = m, true
			}
			o.discount = true
		case slots < maxSlots && t == ledger.DocOtherIn:
			m, err := nonNegativeMoney("amount")(p)
			if err != nil {
				return l, o, c.lineError(spec, err)
			}
			l.InvAmount, o.amount = m, true
			slots++
		case slots == 0 && maxSlots > 0:
			pr, err := ledger.ParsePrice("price", p)
			if err != nil {
				return l, o, c.lineError(spec, err)
			}
			l.Price, o.price = pr, true
			slots++
		case slots == 1 && maxSlots > 1:
			r, err := ledger.ParseRate("vat", p)
			if err != nil {
				return l, o, c.lineError(spec, err)
			}
			l.VATRate, l.UseItemVAT, o.vat = r, false, true
			slots++
		default:
			return l, o, badLine(spec, t)
		}
	}
	if t == ledger.DocOtherIn && !o.amount {
		return l, o, badLine(spec, t)
	}
	return l, o, nil
}

// sourceOf is the type a document of type t is made from with --from.
var sourceOf = map[ledger.DocType]ledger.DocType{ledger.DocReceipt: ledger.DocPO, ledger.DocDelivery: ledger.DocSO,
	ledger.DocPReturn: ledger.DocReceipt, ledger.DocSReturn: ledger.DocDelivery}

// stockLines reads the lines of a goods document, with --from and --from-stock.
func (c *call) stockLines(d *ledger.Doc) error {
	var lines []ledger.DocLine
	var opts []lineOpts
	for _, spec := range c.flags["line"] {
		l, o, err := c.parseLine(d.Type, spec)
		if err != nil {
			return err
		}
		lines, opts = append(lines, l), append(opts, o)
	}
	if c.on("from-stock") {
		if d.Type != ledger.DocCount {
			return refuse("cli.doc.from_stock_count", nil)
		}
		if d.Warehouse == "" {
			return &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "warehouse"}}
		}
		sheet, err := c.book.CountSheet(c.ctx, c.user, d.Warehouse, d.Date)
		if err != nil {
			return err
		}
		// The sheet's order; a --line replaces its item's book quantity by the counted one.
		var filled []ledger.DocLine
		used := make([]bool, len(lines))
		for _, s := range sheet {
			l := ledger.DocLine{Item: s.Item, Qty: s.BookQty, UseItemVAT: true}
			for i := range lines {
				if !used[i] && equalCode(lines[i].Item, s.Item) {
					l, used[i] = lines[i], true
					break
				}
			}
			filled = append(filled, l)
		}
		for i, l := range lines {
			if !used[i] {
				filled = append(filled, l)
			}
		}
		lines = filled
	}
	if c.has("from") {
		d.Source = docNumberArg(c.str("from"))
	}
	if d.Source != "" {
		var err error
		if lines, err = c.fromSource(d, lines, opts); err != nil {
			return err
		}
	}
	d.Lines = lines
	return nil
}

// fromSource fills a document from its source (--from): the partner, warehouse and price
// mode by default; without --line the source's open quantities, each line linked to its
// source line; with --line, each line linked to the source line of its item (the first
// with enough left open), taking the price, VAT rate and discount it does not give.
func (c *call) fromSource(d *ledger.Doc, lines []ledger.DocLine, opts []lineOpts) ([]ledger.DocLine, error) {
	src, err := c.book.Doc(c.ctx, d.Source)
	if err != nil {
		return nil, err
	}
	if sourceOf[d.Type] != src.Type || src.Status != ledger.StatusAudited {
		return nil, &ledger.Error{Code: ledger.CodeDocSource, Args: map[string]any{"field": "source", "value": src.Number}}
	}
	if !c.has("partner") {
		d.Partner = src.Partner
	}
	if !c.has("warehouse") && src.Warehouse != "" {
		d.Warehouse = src.Warehouse
	}
	if !c.has("tax-inclusive") && d.Type.Priced() {
		d.Inclusive = src.Inclusive
	}
	open, err := c.openQty(src, d.Type, d.Number)
	if err != nil {
		return nil, err
	}
	link := func(l *ledger.DocLine, o lineOpts, sl ledger.DocLine) {
		l.SourceLine = fmt.Sprintf("%s/%d", src.Number, sl.No)
		if !o.price {
			l.Price = sl.Price
		}
		if !o.vat {
			l.VATRate, l.UseItemVAT = sl.VATRate, false
		}
		if !o.discount {
			switch {
			case sl.HasDiscountAmount && l.Qty == sl.Qty:
				l.DiscountAmount, l.HasDiscountAmount = sl.DiscountAmount, true
			case sl.HasDiscountAmount:
				l.DiscountAmount, l.HasDiscountAmount = ledger.Ratio(sl.DiscountAmount, l.Qty, sl.Qty), true
			default:
				l.DiscountRate = sl.DiscountRate
			}
		}
	}
	if len(lines) == 0 {
		for _, sl := range src.Lines {
			q := open[sl.No]
			if q <= 0 {
				continue
			}
			l := ledger.DocLine{Item: sl.Item, Qty: q, Memo: sl.Memo}
			link(&l, lineOpts{}, sl)
			lines = append(lines, l)
		}
		if len(lines) == 0 {
			return nil, refuse("cli.doc.nothing_open", map[string]any{"number": src.Number})
		}
		return lines, nil
	}
	for i := range lines {
		l := &lines[i]
		var match *ledger.DocLine
		for j := range src.Lines {
			sl := &src.Lines[j]
			if !equalCode(sl.Item, l.Item) {
				continue
			}
			if match == nil {
				match = sl
			}
			if open[sl.No] >= l.Qty {
				match = sl
				break
			}
		}
		if match == nil {
			return nil, refuse("cli.doc.not_in_source", map[string]any{"value": opts[i].spec, "item": l.Item, "number": src.Number})
		}
		open[match.No] -= l.Qty
		link(l, opts[i], *match)
	}
	return lines, nil
}

// openQty is what is left of each line of a source document: its quantity less what the
// documents of type t linked to it (voided ones and the one being edited aside) took.
func (c *call) openQty(src ledger.Doc, t ledger.DocType, except string) (map[int]ledger.Qty, error) {
	docs, err := c.book.Docs(c.ctx, c.user, ledger.DocFilter{Type: t, Partner: src.Partner})
	if err != nil {
		return nil, err
	}
	taken := map[int]ledger.Qty{}
	for _, h := range docs {
		if h.Status == ledger.StatusVoided || h.Number == except {
			continue
		}
		d, err := c.book.Doc(c.ctx, h.Number)
		if err != nil {
			return nil, err
		}
		for _, l := range d.Lines {
			num, no, ok := strings.Cut(l.SourceLine, "/")
			if n, err := strconv.Atoi(no); ok && err == nil && num == src.Number {
				taken[n] += l.Qty
			}
		}
	}
	open := map[int]ledger.Qty{}
	for _, l := range src.Lines {
		open[l.No] = l.Qty - taken[l.No]
	}
	return open, nil
}

// partnerBalancesCommand is `partner balances`: receivables and payables per partner.
func partnerBalancesCommand() command {
	return command{name: "balances", usage: "partner balances [--all]   (receivable, advance received, payable, prepaid)",
		flags: "all", book: true, run: func(c *call) error {
			bals, err := c.book.PartnerBalances(c.ctx, c.user, c.on("all"))
			if err != nil {
				return err
			}
			rows := make([][]any, len(bals))
			for i, b := range bals {
				rows[i] = []any{b.Partner, b.Name, b.Customer, b.Supplier, b.Receivable, b.AdvanceRecv, b.Payable, b.Prepaid}
			}
			return c.list([]col{{key: "partner"}, {key: "partner_name"}, {key: "customer", wide: true}, {key: "supplier", wide: true},
				{key: "receivable"}, {key: "advance_received"}, {key: "payable"}, {key: "prepaid"}}, rows)
		}}
}
