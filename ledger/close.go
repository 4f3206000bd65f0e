package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"shopbooks/store"
)

// The month-end close (月末结账, DOMAIN.md §6): pre-checks, the costing run, vouchers
// from the documents and the month-end steps, post-checks, and the lock — one
// transaction, so that a failure or a crash at any instant leaves the book as it was.

// Finding is a pre-check's result (DOMAIN.md §6.2).
type Finding struct {
	Check string   // B1…B8 block, W1…W4 warn
	Block bool     // blocks the close
	Count int      // how many things it found
	Refs  []string // the documents, vouchers, items or accounts it names (at most 50)
}

// CloseOptions tune a close.
type CloseOptions struct {
	// Progress, when set, is told each step and how far it got.
	Progress func(step string, done, total int)
	// Counter, when not zero, is the book's change counter a preview reported: the close
	// is refused (CodeCloseStale) if anything was written since (DOMAIN.md §6.3).
	Counter int64
}

// CloseResult is what a close (or its preview) did.
type CloseResult struct {
	Period   Period
	Findings []Finding
	Vouchers []Voucher // the vouchers the close generated, by number
	Profit   Money     // the period's net profit (利润表 L32, 本月)
	Closed   bool
	Counter  int64 // the book's change counter before the close: hand it back to confirm a preview
}

// errPreview rolls back a preview's transaction.
var errPreview = errors.New("preview")

// CheckClose runs the pre-checks of a period (DOMAIN.md §6.2) without closing it.
// Needs PermClose.
func (b *Book) CheckClose(ctx context.Context, by *User, period Period) ([]Finding, error) {
	if !by.Can(PermClose) {
		return nil, forbidden(string(PermClose))
	}
	var out []Finding
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		out, err = preChecks(ctx, tx, s, period)
		return err
	})
	return out, fromStore(err)
}

// PreviewClose runs the whole close and rolls it back: the vouchers it would generate
// and the period's profit, nothing saved. Needs PermClose.
func (b *Book) PreviewClose(ctx context.Context, by *User, period Period, opts CloseOptions) (CloseResult, error) {
	var res CloseResult
	err := b.write(ctx, by, PermClose, func(tx *store.Tx) error {
		var err error
		if res, err = closeTx(ctx, tx, by, period, opts); err != nil {
			return err
		}
		return errPreview
	})
	if errors.Is(err, errPreview) {
		res.Closed = false
		return res, nil
	}
	return res, err
}

// ClosePeriod closes a period: the earliest open one, only when no pre-check blocks
// (CodeCloseBlocked, with the findings in the result). Warnings are recorded with the
// close as acknowledged by the closing user. Needs PermClose.
func (b *Book) ClosePeriod(ctx context.Context, by *User, period Period, opts CloseOptions) (CloseResult, error) {
	var res CloseResult
	err := b.write(ctx, by, PermClose, func(tx *store.Tx) error {
		var err error
		res, err = closeTx(ctx, tx, by, period, opts)
		return err
	})
	if err != nil {
		if e, ok := errors.AsType[*Error](err); ok && e.Code == CodeCloseBlocked {
			return res, err
		}
		return CloseResult{Period: period, Findings: res.Findings}, err
	}
	b.log.Info("period closed", "period", period, "vouchers", len(res.Vouchers), "profit", res.Profit.String())
	return res, nil
}

func closeTx(ctx context.Context, tx *store.Tx, by *User, period Period, opts CloseOptions) (CloseResult, error) {
	res := CloseResult{Period: period}
	// The change counter: every write appends to the audit trail (logins change nothing).
	if err := tx.QueryRowContext(ctx, "SELECT ifnull(max(seq), 0) FROM audit_log WHERE action NOT LIKE 'user.login%'").Scan(&res.Counter); err != nil {
		return res, err
	}
	if opts.Counter != 0 && opts.Counter != res.Counter {
		return res, refuse(CodeCloseStale, "period", string(period))
	}
	progress := func(step string, done, total int) {
		if opts.Progress != nil {
			opts.Progress(step, done, total)
		}
	}
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return res, err
	}
	roles, err := loadRoles(ctx, tx, s.Taxpayer)
	if err != nil {
		return res, err
	}
	first, err := firstOpenPeriod(ctx, tx, s)
	if err != nil {
		return res, err
	}
	if period != first {
		return res, refuse(CodeCloseOrder, "period", string(period), "expected", string(first))
	}
	progress("check", 0, 1)
	res.Findings, err = preChecks(ctx, tx, s, period)
	if err != nil {
		return res, err
	}
	var blocks []string
	var warns []string
	for _, f := range res.Findings {
		if f.Block {
			blocks = append(blocks, fmt.Sprintf("%s (%d)", f.Check, f.Count))
		} else {
			warns = append(warns, fmt.Sprintf("%s (%d)", f.Check, f.Count))
		}
	}
	if len(blocks) > 0 {
		return res, refuse(CodeCloseBlocked, "period", string(period), "findings", strings.Join(blocks, ", "))
	}
	if err := ensurePeriod(ctx, tx, by, period); err != nil {
		return res, err
	}
	// 2. The costing run.
	progress("costing", 0, 1)
	moves, warned, err := finalCosting(ctx, tx, s, period)
	if err != nil {
		return res, err
	}
	if len(warned) > 0 { // W2: found by the costing run itself, acknowledged with the close
		f := Finding{Check: "W2", Count: len(warned), Refs: warned}
		if len(f.Refs) > 50 {
			f.Refs = f.Refs[:50]
		}
		res.Findings = append(res.Findings, f)
		warns = append(warns, fmt.Sprintf("W2 (%d)", len(warned)))
	}
	// 3. Document vouchers, then the month-end ones.
	gen := &generator{ctx: ctx, tx: tx, by: by.Name, s: s, roles: roles, period: period, moves: moves}
	// Each step's vouchers are written before the next step reads the balances.
	step := func(f func() error) error {
		if err := f(); err != nil {
			return err
		}
		return gen.flush()
	}
	// The document vouchers, the cost of sales and the count disposal read no balances:
	// they are written together.
	if err := gen.documents(progress); err != nil {
		return res, err
	}
	progress("month-end", 0, 1)
	if err := gen.cogs(); err != nil {
		return res, err
	}
	if s.DisposeCounts {
		if err := gen.disposal(); err != nil {
			return res, err
		}
	}
	if err := gen.flush(); err != nil {
		return res, err
	}
	if s.Taxpayer == TaxpayerGeneral {
		if err := step(gen.vatCarry); err != nil {
			return res, err
		}
	}
	if s.Surcharges {
		if err := step(gen.surcharges); err != nil {
			return res, err
		}
	}
	var profit Money
	if err := step(func() (err error) { profit, err = gen.plCarry(); return err }); err != nil {
		return res, err
	}
	res.Profit = profit
	if period.Month() == 12 {
		if err := step(gen.yearEnd); err != nil {
			return res, err
		}
	}
	// 6. Post-checks (the partner check reads what the documents did, stored first).
	progress("post-check", 0, 1)
	if err := storePartnerDocs(ctx, tx, period); err != nil {
		return res, err
	}
	if err := postChecks(ctx, tx, s, roles, period); err != nil {
		return res, err
	}
	// 7. Lock.
	if _, err := tx.ExecContext(ctx, "UPDATE periods SET closed = 1, closed_at = ?, closed_by = ? WHERE period = ?",
		tx.Now.Format(time.RFC3339), by.Name, period); err != nil {
		return res, err
	}
	if err := ensurePeriod(ctx, tx, by, period.Next()); err != nil {
		return res, err
	}
	reason := ""
	if len(warns) > 0 {
		reason = "warnings acknowledged: " + strings.Join(warns, ", ")
	}
	seal, n, err := gen.seal()
	if err != nil {
		return res, err
	}
	if err := appendAudit(ctx, tx, AuditRecord{User: by.Name, Action: "period.close", Entity: entPeriod.name,
		EntityID: string(period), Image: false, Reason: reason, After: jsonString(map[string]any{"vouchers": n, "seal": seal})}); err != nil {
		return res, err
	}
	// The period row changed: its image is recorded for verify.
	if err := logChange(ctx, tx, by.Name, "period.lock", entPeriod, string(period), gen.periodBefore); err != nil {
		return res, err
	}
	res.Vouchers = gen.written // by number
	res.Closed = true
	progress("done", 1, 1)
	return res, nil
}

// finalCosting costs every item over the open periods and stores each item's state at
// the end of `period` (item_period_costs); it returns the period's movements as costed
// and the costing warnings of the period, named by item code (W2).
func finalCosting(ctx context.Context, tx *store.Tx, s Settings, period Period) ([]periodMove, []string, error) {
	run, err := runCosting(ctx, tx, s.Costing, period, false)
	if err != nil {
		return nil, nil, err
	}
	if err := storeCostStates(ctx, tx, period, run.items, run.close); err != nil {
		return nil, nil, err
	}
	var warned []string
	for _, id := range run.items {
		for _, w := range run.warnings[id] {
			warned = append(warned, run.code[id]+": "+w.Code)
		}
	}
	return run.period, warned, nil
}

// generator writes the generated vouchers of one close.
type generator struct {
	ctx          context.Context
	tx           *store.Tx
	by           string
	s            Settings
	roles        RoleMap // the accounts the templates and the month-end steps post to
	period       Period
	moves        []periodMove   // the period's movements as the costing run left them
	sales        map[int64]bool // the period's deliveries and sales returns, by id
	ids          []int64
	periodBefore string
	chart        *chartCache      // the chart, items and partners, read once
	pending      []pendingVoucher // posted, not yet written (flush)
	nextNo       int              // the next voucher number; 0 before the first post
	firstNo      int              // the first number the close gave
	images       []string         // the written vouchers' images (voucherImage), by number
	nextID       int64
	written      []Voucher // the generated vouchers as stored, by number
	// the pending-disposal (1901) amounts of this period's count vouchers, for the disposal
	countGains, countLosses Money
	vatBase                 Money // the credit to unpaid VAT (222102) of the VAT carry-forward: the surcharges' base
}

func (g *generator) post(v Voucher, lines []VoucherLine, docID sql.NullInt64) error {
	if len(lines) == 0 {
		return nil
	}
	if v.Summary == "" {
		v.Summary = lines[0].Summary
	}
	for i := range lines {
		if lines[i].Summary == "" {
			lines[i].Summary = v.Summary
		}
	}
	prepared, err := checkVoucherLines(g.ctx, g.tx, lines, false, g.chart)
	if err != nil {
		return fmt.Errorf("voucher %s: %w", v.Summary, err)
	}
	if g.nextNo == 0 {
		// Numbered after the highest existing number (§5.2), with the ids SQLite would
		// give them one by one.
		if err := g.tx.QueryRowContext(g.ctx, "SELECT ifnull(max(no), 0) + 1 FROM vouchers WHERE period = ?", g.period).Scan(&g.nextNo); err != nil {
			return err
		}
		g.firstNo = g.nextNo
		if err := g.tx.QueryRowContext(g.ctx, "SELECT ifnull(max(id), 0) + 1 FROM vouchers").Scan(&g.nextID); err != nil {
			return err
		}
	}
	v.Period, v.Audited = g.period, true
	v.No, v.ID = g.nextNo, g.nextID
	g.nextNo++
	g.nextID++
	g.pending = append(g.pending, pendingVoucher{v: v, lines: prepared, docID: docID})
	g.ids = append(g.ids, v.ID)
	// The voucher as loadVoucher will read it back.
	v.Maker, v.Auditor, v.Version = g.by, g.by, 1
	v.Lines = make([]VoucherLine, len(prepared))
	for i, p := range prepared {
		v.Lines[i] = p.line
	}
	g.written = append(g.written, v)
	return nil
}

// flush writes the vouchers posted since the last flush: before anything reads the
// balances they change.
func (g *generator) flush() error {
	if len(g.pending) == 0 {
		return nil
	}
	for _, p := range g.pending {
		g.images = append(g.images, p.image())
	}
	err := insertVouchers(g.ctx, g.tx, g.by, g.pending)
	g.pending = g.pending[:0]
	return err
}

// seal is periodSeal once the close's vouchers are written: the vouchers numbered before
// them read back, the close's own from the images of what it wrote.
func (g *generator) seal() (string, int, error) {
	if g.firstNo == 0 {
		return periodSeal(g.ctx, g.tx, g.period)
	}
	ids, imgs, err := voucherImagesBelow(g.ctx, g.tx, g.period, g.firstNo)
	if err != nil {
		return "", 0, err
	}
	return sealOf(append(imgs, g.images...)), len(ids) + len(g.images), nil
}

// documents generates the document vouchers (§5.3) in the order of §5.2, one per
// document or, in summary mode, one per type.
func (g *generator) documents(progress func(string, int, int)) error {
	ctx, tx := g.ctx, g.tx
	var err error
	if g.periodBefore, err = rowImage(ctx, tx, entPeriod, string(g.period)); err != nil {
		return err
	}
	if g.chart, err = loadChartCache(ctx, tx); err != nil {
		return err
	}
	other, vat := map[string]bool{}, map[string]Rate{}
	for c, it := range g.chart.items {
		other[c], vat[c] = it.OtherBusiness, it.VAT
	}
	docs, err := periodVoucherDocs(ctx, tx, g.period, g.moves, g.chart)
	if err != nil {
		return err
	}
	g.sales = map[int64]bool{}
	for _, d := range docs {
		if d.Type == DocDelivery || d.Type == DocSReturn {
			g.sales[int64(d.ID)] = true
		}
	}
	sort.Slice(docs, func(i, j int) bool {
		a, b := docs[i], docs[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		if docVoucherOrder[a.Type] != docVoucherOrder[b.Type] {
			return docVoucherOrder[a.Type] < docVoucherOrder[b.Type]
		}
		return a.Number < b.Number
	})
	summary := map[DocType][]VoucherLine{}
	var types []DocType
	for i, d := range docs {
		if i%200 == 0 {
			progress("vouchers", i, len(docs))
		}
		td := TemplateDoc{Doc: d, OtherBusiness: other, ItemVAT: vat}
		for _, l := range d.Lines {
			td.Cost = append(td.Cost, l.Cost)
		}
		lines := DocVoucherLines(g.s, g.roles, td)
		if d.Type == DocCount {
			for _, l := range lines {
				if l.Account == g.roles[PendingDisposalRole] && l.Side == "C" {
					g.countGains += l.Amount
				}
				if l.Account == g.roles[PendingDisposalRole] && l.Side == "D" {
					g.countLosses += l.Amount
				}
			}
		}
		if g.s.VoucherMode == "summary" {
			if _, ok := summary[d.Type]; !ok {
				types = append(types, d.Type)
			}
			summary[d.Type] = append(summary[d.Type], lines...)
			continue
		}
		if err := g.post(Voucher{Date: d.Date, Source: SourceDoc, Doc: d.Number, Summary: VoucherSummary(d)}, lines,
			sql.NullInt64{Int64: int64(d.ID), Valid: true}); err != nil {
			return fmt.Errorf("%s: %w", d.Number, err)
		}
	}
	sort.Slice(types, func(i, j int) bool { return docVoucherOrder[types[i]] < docVoucherOrder[types[j]] })
	for _, t := range types {
		name := docTypeZH[t] + "汇总 " + string(g.period)
		var ls []tline
		for _, l := range summary[t] {
			row := 1
			if l.Side == "C" {
				row = 2
			}
			ls = append(ls, tline{row: row, side: l.Side, account: l.Account, partner: l.Partner, item: l.Item, amount: l.Amount})
		}
		if err := g.post(Voucher{Date: g.period.LastDay(), Source: SourceSummary, Summary: name}, aggregate(ls, name), sql.NullInt64{}); err != nil {
			return err
		}
	}
	return nil
}

// cogs is 结转销售成本 (§5.4 step 1): per item, deliveries' costs less sales returns'
// costs plus the adjustments, from inventory to the cost of sales (main or other
// business).
func (g *generator) cogs() error {
	// The deliveries' and sales returns' movements found by their documents, the
	// adjustments among all the month's movements: as the costing run stored them.
	sums := map[int64]Money{}
	for _, m := range g.moves {
		if g.sales[m.doc] {
			sums[m.item] -= m.amount
		}
		if m.adj != 0 {
			sums[m.item] += m.adj
		}
	}
	type cost struct {
		item Item
		x    Money
	}
	var costs []cost
	for id, x := range sums {
		it, ok := g.chart.itemByID[ItemID(id)]
		if !ok {
			return fmt.Errorf("cost of sales: item %d: %w", id, sql.ErrNoRows)
		}
		costs = append(costs, cost{it, x})
	}
	slices.SortFunc(costs, func(a, b cost) int { return compareNoCase(a.item.Code, b.item.Code) }) // items.code's NOCASE
	var main, other Money
	var credits []VoucherLine
	for _, c := range costs {
		if c.x == 0 {
			continue
		}
		if c.item.OtherBusiness {
			other += c.x
		} else {
			main += c.x
		}
		credits = append(credits, VoucherLine{Account: g.roles[InventoryRole], Item: c.item.Code, Side: "C", Amount: c.x})
	}
	summary := "结转销售成本 " + string(g.period)
	var lines []VoucherLine
	if main != 0 {
		lines = append(lines, VoucherLine{Account: g.roles[CostMainRole], Side: "D", Amount: main})
	}
	if other != 0 {
		lines = append(lines, VoucherLine{Account: g.roles[CostOtherRole], Side: "D", Amount: other})
	}
	return g.post(Voucher{Date: g.period.LastDay(), Source: SourceCOGS, Summary: summary}, append(lines, credits...), sql.NullInt64{})
}

// disposal is 盘点损溢处理 (§5.4 step 2): this period's count differences out of pending
// disposal (1901) to the count gains and losses.
func (g *generator) disposal() error {
	var lines []VoucherLine
	pending := g.roles[PendingDisposalRole]
	if g.countGains != 0 {
		lines = append(lines, VoucherLine{Account: pending, Side: "D", Amount: g.countGains})
	}
	if g.countLosses != 0 {
		lines = append(lines, VoucherLine{Account: g.roles[CountLossRole], Side: "D", Amount: g.countLosses})
	}
	if g.countGains != 0 {
		lines = append(lines, VoucherLine{Account: g.roles[CountGainRole], Side: "C", Amount: g.countGains})
	}
	if g.countLosses != 0 {
		lines = append(lines, VoucherLine{Account: pending, Side: "C", Amount: g.countLosses})
	}
	return g.post(Voucher{Date: g.period.LastDay(), Source: SourceDisposal, Summary: "盘点损溢处理 " + string(g.period)}, lines, sql.NullInt64{})
}

// balance is an account's (and sub-accounts') debit-positive balance at the end of
// `period`, with everything posted so far.
func balance(ctx context.Context, tx *store.Tx, account string, period Period) (Money, error) {
	var open, mov, stock Money
	if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(amount), 0) FROM opening_balances WHERE account BETWEEN ?1 AND ?1 || ':'`, account).Scan(&open); err != nil {
		return 0, err
	}
	if strings.HasPrefix(inventoryAccount, account) || strings.HasPrefix(account, inventoryAccount) {
		if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(amount), 0) FROM opening_stock`).Scan(&stock); err != nil {
			return 0, err
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(debit - credit), 0) FROM account_periods WHERE account BETWEEN ?1 AND ?1 || ':' AND period <= ?2`,
		account, period).Scan(&mov); err != nil {
		return 0, err
	}
	return open + stock + mov, nil
}

// movement is an account's debit (side "D") or credit movement in the period.
func movement(ctx context.Context, tx *store.Tx, account, side string, period Period) (Money, error) {
	col := "debit"
	if side == "C" {
		col = "credit"
	}
	var m Money
	err := tx.QueryRowContext(ctx, `SELECT ifnull(sum(`+col+`), 0) FROM account_periods WHERE account BETWEEN ?1 AND ?1 || ':' AND period = ?2`,
		account, period).Scan(&m)
	return m, err
}

// vatCarry is 结转未交增值税 (§5.4 step 3, general taxpayers): V = C(222101), the VAT
// roles' root, to unpaid VAT; an overpayment back out of it up to the VAT paid this month.
func (g *generator) vatCarry() error {
	b222101, err := balance(g.ctx, g.tx, vatRoot, g.period)
	if err != nil {
		return err
	}
	v := -b222101 // C(222101)
	r := g.roles
	var lines []VoucherLine
	switch {
	case v > 0:
		lines = []VoucherLine{{Account: r[UnpaidVATOutRole], Side: "D", Amount: v}, {Account: r[UnpaidVATRole], Side: "C", Amount: v}}
	case v < 0:
		m, err := movement(g.ctx, g.tx, r[VATPaidRole], "D", g.period)
		if err != nil {
			return err
		}
		if m > 0 {
			x := min(m, -v)
			lines = []VoucherLine{{Account: r[UnpaidVATRole], Side: "D", Amount: x}, {Account: r[OverpaidVATOutRole], Side: "C", Amount: x}}
		}
	}
	g.vatBase = max(v, 0)
	return g.post(Voucher{Date: g.period.LastDay(), Source: SourceVAT, Summary: "结转未交增值税 " + string(g.period)}, lines, sql.NullInt64{})
}

// surcharges is 计提附加税费 (§5.4 step 4).
func (g *generator) surcharges() error {
	base := g.vatBase
	if g.s.Taxpayer == TaxpayerSmall {
		if err := g.tx.QueryRowContext(g.ctx, `SELECT ifnull(sum(CASE type WHEN 'XS' THEN vat WHEN 'XT' THEN -vat ELSE 0 END), 0)
			FROM docs WHERE period = ? AND status = 'audited'`, g.period).Scan(&base); err != nil {
			return err
		}
	}
	if base <= 0 {
		return nil
	}
	// NC(5001) + NC(5051): the revenue roles' roots, as the profit statement's line 1.
	sales, err := movement(g.ctx, g.tx, RoleRoot(RevenueMainRole), "C", g.period)
	if err != nil {
		return err
	}
	other, err := movement(g.ctx, g.tx, RoleRoot(RevenueOtherRole), "C", g.period)
	if err != nil {
		return err
	}
	dr1, _ := movement(g.ctx, g.tx, RoleRoot(RevenueMainRole), "D", g.period)
	dr2, _ := movement(g.ctx, g.tx, RoleRoot(RevenueOtherRole), "D", g.period)
	exemptEdu := sales+other-dr1-dr2 <= 100_000_00
	accrue := func(rate Rate) Money {
		f := RoundHalfAway(base.Decimal().Mul(rate.Decimal()))
		if g.s.HalfSurcharge {
			f -= RoundHalfAway(f.Decimal().Mul(decimal.New(5, -1))) // 减征 50%
		}
		return f
	}
	var lines []VoucherLine
	city := accrue(g.s.CityRate)
	lines = append(lines, VoucherLine{Account: "540301", Side: "D", Amount: city})
	var edu, local Money
	if !exemptEdu {
		edu, local = accrue(300), accrue(200)
		lines = append(lines, VoucherLine{Account: "540302", Side: "D", Amount: edu}, VoucherLine{Account: "540303", Side: "D", Amount: local})
	}
	lines = append(lines, VoucherLine{Account: "222103", Side: "C", Amount: city})
	if !exemptEdu {
		lines = append(lines, VoucherLine{Account: "222104", Side: "C", Amount: edu}, VoucherLine{Account: "222105", Side: "C", Amount: local})
	}
	var nz []VoucherLine
	for _, l := range lines {
		if l.Amount != 0 {
			nz = append(nz, l)
		}
	}
	return g.post(Voucher{Date: g.period.LastDay(), Source: SourceSurcharge, Summary: "计提附加税费 " + string(g.period)}, nz, sql.NullInt64{})
}

// plCarry is 结转损益 (§5.4 step 5): every P&L leaf to the profit for the year (3103). It
// returns the profit.
func (g *generator) plCarry() (Money, error) {
	rows, err := g.tx.QueryContext(g.ctx, `SELECT a.code, ifnull((SELECT sum(debit - credit) FROM account_periods p
		WHERE p.account = a.code AND p.period <= ?), 0) + ifnull((SELECT sum(amount) FROM opening_balances o WHERE o.account = a.code), 0)
		FROM accounts a WHERE a.category = 'P' AND NOT EXISTS (SELECT 1 FROM accounts c WHERE c.parent = a.code) ORDER BY a.code`, g.period)
	if err != nil {
		return 0, err
	}
	var debits, credits []VoucherLine // P&L lines: on the side opposite their balance
	var sumDr, sumCr Money
	for rows.Next() {
		var code string
		var b Money
		if err := rows.Scan(&code, &b); err != nil {
			rows.Close()
			return 0, err
		}
		switch {
		case b > 0:
			credits = append(credits, VoucherLine{Account: code, Side: "C", Amount: b})
			sumCr += b
		case b < 0:
			debits = append(debits, VoucherLine{Account: code, Side: "D", Amount: -b})
			sumDr += -b
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	lines := debits
	if sumDr != 0 {
		lines = append(lines, VoucherLine{Account: g.roles[ProfitYearRole], Side: "C", Amount: sumDr})
	}
	if sumCr != 0 {
		lines = append(lines, VoucherLine{Account: g.roles[ProfitYearRole], Side: "D", Amount: sumCr})
	}
	lines = append(lines, credits...)
	err = g.post(Voucher{Date: g.period.LastDay(), Source: SourcePL, PLClose: true, Summary: "结转损益 " + string(g.period)}, lines, sql.NullInt64{})
	return sumDr - sumCr, err
}

// yearEnd is 年度结转 (§5.4 step 6): 本年利润 and the other leaves of 3104 利润分配 into
// 未分配利润 (the profit for the year and undistributed profit roles).
func (g *generator) yearEnd() error {
	profit, undist := g.roles[ProfitYearRole], g.roles[UndistributedProfitRole]
	b3103, err := balance(g.ctx, g.tx, profit, g.period)
	if err != nil {
		return err
	}
	var lines []VoucherLine
	switch c := -b3103; {
	case c > 0:
		lines = append(lines, VoucherLine{Account: profit, Side: "D", Amount: c}, VoucherLine{Account: undist, Side: "C", Amount: c})
	case c < 0:
		lines = append(lines, VoucherLine{Account: undist, Side: "D", Amount: -c}, VoucherLine{Account: profit, Side: "C", Amount: -c})
	}
	subs, err := column[string](g.ctx, g.tx, `SELECT code FROM accounts WHERE code GLOB '3104*' AND code <> ? AND code <> '3104'
		AND NOT EXISTS (SELECT 1 FROM accounts c WHERE c.parent = accounts.code) ORDER BY code`, undist)
	if err != nil {
		return err
	}
	for _, c := range subs {
		b, err := balance(g.ctx, g.tx, c, g.period)
		if err != nil {
			return err
		}
		switch {
		case b > 0:
			lines = append(lines, VoucherLine{Account: undist, Side: "D", Amount: b}, VoucherLine{Account: c, Side: "C", Amount: b})
		case b < 0:
			lines = append(lines, VoucherLine{Account: c, Side: "D", Amount: -b}, VoucherLine{Account: undist, Side: "C", Amount: -b})
		}
	}
	var dr, cr []VoucherLine
	for _, l := range lines {
		if l.Side == "D" {
			dr = append(dr, l)
		} else {
			cr = append(cr, l)
		}
	}
	return g.post(Voucher{Date: g.period.LastDay(), Source: SourceYearEnd, Summary: "年度结转 " + string(g.period)}, append(dr, cr...), sql.NullInt64{})
}

// UnclosePeriod reopens the latest closed period (反结账, DOMAIN.md §6.4): its generated
// vouchers and costing results go; manual vouchers and documents stay as they are. The
// reason is required and recorded with the deleted vouchers' content hashes. Needs
// PermUnclose.
func (b *Book) UnclosePeriod(ctx context.Context, by *User, period Period, reason string) error {
	if err := b.require(by, PermUnclose); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return refuse(CodeUncloseReason, "field", "reason")
	}
	return b.write(ctx, by, PermUnclose, func(tx *store.Tx) error {
		var latest sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT max(period) FROM periods WHERE closed = 1").Scan(&latest); err != nil {
			return err
		}
		if !latest.Valid || Period(latest.String) != period {
			return refuse(CodeUncloseLatest, "period", string(period), "latest", latest.String)
		}
		before, err := rowImage(ctx, tx, entPeriod, string(period))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE periods SET closed = 0, closed_at = NULL, closed_by = NULL WHERE period = ?", period); err != nil {
			return err
		}
		generated, err := column[int64](ctx, tx, "SELECT id FROM vouchers WHERE period = ? AND source <> 'manual'", period)
		if err != nil {
			return err
		}
		isGen := make(map[int64]bool, len(generated))
		for _, id := range generated {
			isGen[id] = true
		}
		all, imgs, err := periodVoucherImages(ctx, tx, period)
		if err != nil {
			return err
		}
		h := sha256.New()
		var ids []int64
		for i, id := range all { // by number
			if !isGen[id] {
				continue
			}
			ids = append(ids, id)
			sum := sha256.Sum256([]byte(imgs[i]))
			fmt.Fprintf(h, "%x\n", sum)
		}
		// Every generated voucher goes, lines first; their sums leave account_periods in one
		// statement.
		err = summariesDeferred(ctx, tx, func() error {
			if _, err := tx.ExecContext(ctx, `UPDATE account_periods SET debit = account_periods.debit - s.debit,
				credit = account_periods.credit - s.credit, pl_debit = account_periods.pl_debit - s.pl_debit,
				pl_credit = account_periods.pl_credit - s.pl_credit
				FROM (`+lineSums+` WHERE l.voucher_id IN (SELECT id FROM vouchers WHERE period = ? AND source <> 'manual')
					GROUP BY 1, 2, 3, 4) AS s
				WHERE account_periods.account = s.account AND account_periods.partner_id = s.partner_id
					AND account_periods.item_id = s.item_id AND account_periods.period = s.period`, period); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM voucher_lines WHERE voucher_id IN
				(SELECT id FROM vouchers WHERE period = ? AND source <> 'manual')`, period)
			return err
		})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM vouchers WHERE period = ? AND source <> 'manual'", period); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM item_period_costs WHERE period = ?", period); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM partner_doc_periods WHERE period = ?", period); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, AuditRecord{User: by.Name, Action: "period.unclose", Entity: entPeriod.name,
			EntityID: string(period), Reason: fmt.Sprintf("%s (deleted %d vouchers, sha256 %s)", reason, len(ids),
				hex.EncodeToString(h.Sum(nil)))}); err != nil {
			return err
		}
		return logChange(ctx, tx, by.Name, "period.unlock", entPeriod, string(period), before)
	})
}

// periodSeal is the SHA-256 of every voucher of a period with its lines, in number
// order: the close records it, and verify recomputes it for each closed period, so a
// generated voucher edited behind the app's back is found.
func periodSeal(ctx context.Context, tx *store.Tx, period Period) (string, int, error) {
	ids, imgs, err := periodVoucherImages(ctx, tx, period)
	if err != nil {
		return "", 0, err
	}
	return sealOf(imgs), len(ids), nil
}

// sealOf is the SHA-256 of the vouchers' images, in the order given, one a line.
func sealOf(imgs []string) string {
	h := sha256.New()
	for _, img := range imgs {
		h.Write([]byte(img))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}
