package ui

import (
	"errors"
	"strings"
	"time"

	"shopbooks/ledger"
)

// voucherCols are the voucher grid's columns (UI.md §3.6): 摘要, 科目 (code, looked up),
// its name, the partner the account needs, 借方, 贷方.
var voucherCols = []docCol{{"summary", "ui.voucher.col.summary", 220, true, false},
	{"account", "ui.voucher.col.account", 100, true, false}, {"name", "ui.voucher.col.account_name", 220, false, false},
	{"aux", "ui.voucher.col.aux", 140, true, false},
	{"debit", "ui.voucher.col.debit", 130, true, true}, {"credit", "ui.voucher.col.credit", 130, true, true}}

// vLine is a voucher line as typed.
type vLine struct {
	summary, account, aux, debit, credit string
	err                                  error
}

func (l *vLine) blank() bool {
	return strings.TrimSpace(l.summary+l.account+l.aux+l.debit+l.credit) == ""
}

func (l *vLine) get(col string) string {
	switch col {
	case "summary":
		return l.summary
	case "account":
		return l.account
	case "aux":
		return l.aux
	case "debit":
		return l.debit
	case "credit":
		return l.credit
	}
	return ""
}

func (l *vLine) set(col, val string) {
	switch col {
	case "summary":
		l.summary = val
	case "account":
		l.account = val
	case "aux":
		l.aux = val
	case "debit":
		l.debit = val
	case "credit":
		l.credit = val
	}
}

// voucherVM is the view-model of 凭证录入: the voucher as loaded, the text as typed, the
// refusal and where it points. Kingdee's habits are methods here, so tests drive them
// without a window: `..` and `//` in 摘要, Space and `-` in an amount, `=` balances.
type voucherVM struct {
	s      *session
	v      ledger.Voucher // as loaded; ID 0 for a new one
	date   string
	lines  []*vLine
	saved  string
	msg    error
	info   string
	closed bool // the voucher's period is closed
	accts  map[string]ledger.Account
	leaves []ledger.Account // postable by hand: leaf, active, not 1405
}

func newVoucherVM(s *session) *voucherVM {
	m := &voucherVM{s: s}
	m.reloadAccounts()
	m.New()
	return m
}

func (m *voucherVM) reloadAccounts() {
	m.accts = map[string]ledger.Account{}
	m.leaves = nil
	all, err := m.s.book.Accounts(m.s.ctx, false)
	if err != nil {
		return
	}
	for _, a := range all {
		m.accts[a.Code] = a
		if a.Leaf && a.Active && !a.Controlled {
			m.leaves = append(m.leaves, a)
		}
	}
}

// defaultDate is today when it falls in the first open period, else that period's last day.
func (m *voucherVM) defaultDate() string {
	p := firstOpen(m.s)
	today := ledger.Date(time.Now().Format("2006-01-02"))
	if p == "" || today.Period() == p {
		return string(today)
	}
	return string(p.LastDay())
}

// firstOpen is the earliest open period of the book ("" when it cannot be read).
func firstOpen(s *session) ledger.Period {
	ps, err := s.book.Periods(s.ctx)
	if err != nil {
		return ""
	}
	for _, p := range ps {
		if !p.Closed {
			return p.Period
		}
	}
	return ""
}

// periodClosed tells whether a period is closed.
func periodClosed(s *session, p ledger.Period) bool {
	ps, err := s.book.Periods(s.ctx)
	if err != nil {
		return false
	}
	for _, x := range ps {
		if x.Period == p {
			return x.Closed
		}
	}
	return false
}

// New starts a blank voucher (新增).
func (m *voucherVM) New() {
	m.v = ledger.Voucher{}
	m.date = m.defaultDate()
	m.lines = nil
	m.closed = false
	m.msg, m.info = nil, ""
	m.ensureBlank()
	m.saved = m.snapshot()
}

// Load shows a saved voucher by its reference (2025-01/记-0001).
func (m *voucherVM) Load(ref string) error {
	v, err := m.s.book.Voucher(m.s.ctx, m.s.user, ref)
	if err != nil {
		m.msg = err
		return err
	}
	m.show(v)
	return nil
}

func (m *voucherVM) show(v ledger.Voucher) {
	m.v = v
	m.date = string(v.Date)
	m.lines = nil
	for _, l := range v.Lines {
		x := &vLine{summary: l.Summary, account: l.Account, aux: l.Partner}
		if l.Item != "" {
			x.aux = l.Item
		}
		if l.Side == "D" {
			x.debit = editMoney(l.Amount)
		} else {
			x.credit = editMoney(l.Amount)
		}
		m.lines = append(m.lines, x)
	}
	m.closed = periodClosed(m.s, v.Period)
	m.msg = nil
	m.ensureBlank()
	m.saved = m.snapshot()
}

// Editable: a manual, unaudited voucher of an open period, for a user who may enter vouchers.
func (m *voucherVM) Editable() bool {
	return m.s.user.Can(ledger.PermVoucher) && !m.closed && !m.v.Audited &&
		(m.v.ID == 0 || m.v.Source == ledger.SourceManual)
}

func (m *voucherVM) Saved() bool     { return m.v.ID != 0 }
func (m *voucherVM) Generated() bool { return m.v.ID != 0 && m.v.Source != ledger.SourceManual }
func (m *voucherVM) ShowEdit() bool  { return m.s.user.Can(ledger.PermVoucher) }
func (m *voucherVM) CanSave() bool   { return m.Editable() }
func (m *voucherVM) CanDelete() bool { return m.Editable() && m.Saved() }
func (m *voucherVM) CanAudit() bool  { return m.Editable() && m.ShowEdit() }
func (m *voucherVM) CanUnaudit() bool {
	return m.ShowEdit() && m.v.Audited && !m.closed && !m.Generated()
}

// Number is 记-0001, or （保存后生成） until saved.
func (m *voucherVM) Number() string {
	if m.v.ID == 0 {
		return m.s.t("ui.doc.unsaved_number")
	}
	return m.v.Number()
}

// Title is the tab's text.
func (m *voucherVM) Title() string {
	t := m.s.t("ui.voucher.title")
	if m.v.ID != 0 {
		t += " " + m.v.Number()
	}
	if m.dirty() {
		t += " •"
	}
	return t
}

// Banner says why the voucher is read-only, "" when it is not.
func (m *voucherVM) Banner() string {
	switch {
	case m.closed:
		return m.s.t("ui.voucher.banner_closed", map[string]any{"period": string(m.v.Period)})
	case m.Generated():
		return m.s.t("ui.voucher.banner_generated")
	case m.v.Audited:
		return m.s.t("ui.voucher.banner_audited")
	case !m.ShowEdit():
		return m.s.t("ui.msg.read_only")
	}
	return ""
}

// Status is 未审核 / 已审核.
func (m *voucherVM) Status() string {
	if m.v.Audited {
		return m.s.t("ui.voucher.audited")
	}
	return m.s.t("ui.voucher.unaudited")
}

func (m *voucherVM) snapshot() string {
	var b strings.Builder
	b.WriteString(m.date)
	for _, l := range m.lines {
		if l.blank() {
			continue
		}
		b.WriteString("\n" + l.summary + "\x00" + l.account + "\x00" + l.aux + "\x00" + l.debit + "\x00" + l.credit)
	}
	return b.String()
}

func (m *voucherVM) dirty() bool { return m.Editable() && m.snapshot() != m.saved }

// ensureBlank keeps one blank line at the end while editing.
func (m *voucherVM) ensureBlank() {
	if !m.Editable() {
		return
	}
	if len(m.lines) == 0 || !m.lines[len(m.lines)-1].blank() {
		m.lines = append(m.lines, &vLine{})
	}
}

// Len is the number of grid rows.
func (m *voucherVM) Len() int { return len(m.lines) }

// Cell is a cell's text: what was typed, the account's name for "name".
func (m *voucherVM) Cell(line int, col string) string {
	if line < 0 || line >= len(m.lines) {
		return ""
	}
	l := m.lines[line]
	switch col {
	case "name":
		return m.accountName(l.account)
	case "aux":
		if l.aux == "" {
			return ""
		}
		if !m.Editable() {
			return l.aux + " " + m.auxName(l)
		}
	case "debit", "credit":
		if !m.Editable() {
			if a, err := ledger.ParseMoney(col, l.get(col)); err == nil && l.get(col) != "" {
				return a.Format()
			}
		}
	}
	return l.get(col)
}

func (m *voucherVM) accountName(code string) string {
	a, ok := m.accts[strings.TrimSpace(code)]
	if !ok {
		return ""
	}
	if m.s.lang == "en" && a.NameEN != "" {
		return a.NameEN
	}
	return a.Name
}

func (m *voucherVM) auxName(l *vLine) string {
	if a, ok := m.accts[l.account]; ok && a.Aux == "item" {
		if it, err := m.s.book.Item(m.s.ctx, l.aux); err == nil {
			return it.Name
		}
		return ""
	}
	if p, err := m.s.book.Partner(m.s.ctx, l.aux); err == nil {
		return p.Name
	}
	return ""
}

// NeedsAux tells whether the line's account takes a partner (往来单位).
func (m *voucherVM) NeedsAux(line int) bool {
	if line < 0 || line >= len(m.lines) {
		return false
	}
	a, ok := m.accts[strings.TrimSpace(m.lines[line].account)]
	return ok && a.Aux != ""
}

// SetDate records the typed date.
func (m *voucherVM) SetDate(t string) { m.date = t }

// BlurDate reads the date as typed (0131 → this year's 01-31).
func (m *voucherVM) BlurDate() error {
	d, err := parseDateText(m.date, time.Now())
	if err != nil {
		m.msg = err
		return err
	}
	m.date = string(d)
	return nil
}

// SetCell records what was typed in a cell and applies Kingdee's habits:
// `..` in 摘要 copies the previous line's, `//` the first line's; a space in an amount
// moves it to the other side; `-` after a number makes it red ink; `=` puts the
// difference that balances the voucher.
func (m *voucherVM) SetCell(line int, col, val string) {
	if line < 0 || line >= len(m.lines) || !m.Editable() {
		return
	}
	l := m.lines[line]
	switch col {
	case "summary":
		switch strings.TrimSpace(val) {
		case "..", "。。":
			val = ""
			for i := line - 1; i >= 0; i-- {
				if m.lines[i].summary != "" {
					val = m.lines[i].summary
					break
				}
			}
		case "//", "、、":
			val = ""
			if line > 0 {
				val = m.lines[0].summary
			}
		}
	case "account":
		val = strings.TrimSpace(val)
	case "debit", "credit":
		if strings.ContainsAny(val, " 　") {
			v := strings.NewReplacer(" ", "", "　", "").Replace(val)
			l.set(col, "")
			other := "credit"
			if col == "credit" {
				other = "debit"
			}
			if v == "" {
				v = l.get(other)
			}
			l.set(other, v)
			l.set(col, "")
			m.afterEdit()
			return
		}
		if n, ok := strings.CutSuffix(val, "-"); ok && n != "" && !strings.HasPrefix(n, "-") {
			val = "-" + n
		}
		if strings.TrimSpace(val) == "=" {
			l.set(col, "")
			d := m.Difference()
			if col == "credit" {
				val = editMoney(d)
			} else {
				val = editMoney(-d)
			}
		} else if val != "" {
			// an amount on one side clears the other
			if col == "debit" {
				l.credit = ""
			} else {
				l.debit = ""
			}
		}
	}
	l.set(col, val)
	l.err = nil
	m.afterEdit()
}

func (m *voucherVM) afterEdit() {
	m.ensureBlank()
	m.info = ""
}

// Totals are the debit and credit sums of what parses (red ink reduces its side).
func (m *voucherVM) Totals() (dr, cr ledger.Money) {
	for _, l := range m.lines {
		if a, err := ledger.ParseMoney("debit", orZero(l.debit)); err == nil {
			dr += a
		}
		if a, err := ledger.ParseMoney("credit", orZero(l.credit)); err == nil {
			cr += a
		}
	}
	return dr, cr
}

// Difference is debits − credits.
func (m *voucherVM) Difference() ledger.Money {
	dr, cr := m.Totals()
	return dr - cr
}

// Balance is 借贷平衡 or 差额 x (red).
func (m *voucherVM) Balance() (string, bool) {
	d := m.Difference()
	if d == 0 {
		return m.s.t("ui.voucher.balanced"), true
	}
	return m.s.t("ui.voucher.difference", map[string]any{"amount": d.Format()}), false
}

// InWords is the debit total in Chinese capitals.
func (m *voucherVM) InWords() string {
	dr, _ := m.Totals()
	if dr == 0 {
		return ""
	}
	return ledger.InWords(dr)
}

// MatchAccounts lists the accounts a manual voucher may post to matching text: by code
// prefix, name or 助记码.
func (m *voucherVM) MatchAccounts(text string) []ledger.Account {
	t := strings.ToLower(ledger.Normalize(text))
	var out []ledger.Account
	for _, a := range m.leaves {
		if t == "" || strings.HasPrefix(a.Code, t) || strings.Contains(strings.ToLower(a.Name), t) ||
			strings.Contains(strings.ToLower(a.NameEN), t) || strings.HasPrefix(strings.ToLower(ledger.Mnemonic(a.Name)), t) {
			out = append(out, a)
		}
	}
	return out
}

// EnterAccount resolves what was typed in 科目 on Enter: an exact leaf code, or a single
// match, is taken; else the matches are returned for the lookup.
func (m *voucherVM) EnterAccount(line int) (ok bool, matches []ledger.Account) {
	l := m.lines[line]
	code := ledger.Normalize(l.account)
	if a, found := m.accts[code]; found && a.Leaf {
		l.account = a.Code
		return true, nil
	}
	ms := m.MatchAccounts(code)
	if len(ms) == 1 {
		l.account = ms[0].Code
		return true, nil
	}
	return false, ms
}

// PickAccount sets the line's account from the lookup.
func (m *voucherVM) PickAccount(line int, code string) {
	m.SetCell(line, "account", code)
	if !m.NeedsAux(line) {
		m.lines[line].aux = ""
	}
}

// MatchPartners lists the partners the line's account takes, matching text.
func (m *voucherVM) MatchPartners(line int, text string) []ledger.Partner {
	a := m.accts[m.lines[line].account]
	f := ledger.PartnerFilter{Text: ledger.Normalize(text), Customers: a.Aux == "customer", Suppliers: a.Aux == "supplier"}
	ps, _ := m.s.book.Partners(m.s.ctx, f)
	return ps
}

// toVoucher builds the voucher to save; amounts that do not parse are placed at their line.
func (m *voucherVM) toVoucher() (ledger.Voucher, []int, error) {
	v := m.v
	d, err := parseDateText(m.date, time.Now())
	if err != nil {
		return v, nil, err
	}
	v.Date = d
	v.Lines = nil
	var idx []int
	for i, l := range m.lines {
		l.err = nil
		if l.blank() {
			continue
		}
		n := len(v.Lines) + 1
		vl := ledger.VoucherLine{Summary: strings.TrimSpace(l.summary), Account: ledger.Normalize(l.account)}
		side, text := "D", l.debit
		if strings.TrimSpace(l.debit) == "" {
			side, text = "C", l.credit
		}
		amt, err := ledger.ParseMoney(map[string]string{"D": "debit", "C": "credit"}[side], orZero(text))
		if err != nil {
			l.err = err
			return v, nil, lineErr(err, n)
		}
		vl.Side, vl.Amount = side, amt
		if a, ok := m.accts[vl.Account]; ok && a.Aux == "item" {
			vl.Item = ledger.Normalize(l.aux)
		} else {
			vl.Partner = ledger.Normalize(l.aux)
		}
		v.Lines = append(v.Lines, vl)
		idx = append(idx, i)
	}
	if len(v.Lines) > 0 {
		v.Summary = v.Lines[0].Summary
	}
	return v, idx, nil
}

// place puts a refusal at the line it names.
func (m *voucherVM) place(err error, idx []int) {
	m.msg = err
	var le *ledger.Error
	if errors.As(err, &le) {
		if n, ok := le.Args["line"].(int); ok && n >= 1 && n <= len(idx) {
			m.lines[idx[n-1]].err = err
		}
	}
}

// Save saves the voucher (保存, Ctrl+S); a refusal keeps every line as typed.
func (m *voucherVM) Save() error {
	if !m.Editable() {
		return nil
	}
	m.msg, m.info = nil, ""
	v, idx, err := m.toVoucher()
	if err != nil {
		m.msg = err
		return err
	}
	out, err := m.s.book.SaveVoucher(m.s.ctx, m.s.user, v)
	if err != nil {
		m.place(err, idx)
		return err
	}
	m.show(out)
	m.info = m.s.t("ui.voucher.saved", map[string]any{"number": out.Number()})
	m.s.setStatus(m.info)
	return nil
}

// Audit audits the voucher (审核, Ctrl+H), saving unsaved edits first.
func (m *voucherVM) Audit() error {
	if m.dirty() || !m.Saved() {
		if err := m.Save(); err != nil {
			return err
		}
	}
	return m.setAudit(true)
}

// Unaudit un-audits it (反审核, Ctrl+Shift+H).
func (m *voucherVM) Unaudit() error { return m.setAudit(false) }

func (m *voucherVM) setAudit(on bool) error {
	m.msg, m.info = nil, ""
	if !m.Saved() {
		return nil
	}
	if err := m.s.book.AuditVoucher(m.s.ctx, m.s.user, m.v.Ref(), on); err != nil {
		m.msg = err
		return err
	}
	if err := m.Load(m.v.Ref()); err != nil {
		return err
	}
	key := "ui.msg.audited"
	if !on {
		key = "ui.msg.unaudited"
	}
	m.info = m.s.t(key)
	m.s.setStatus(m.v.Number() + " " + m.info)
	return nil
}

// Delete deletes the saved manual voucher; its number leaves a gap (整理凭证号).
func (m *voucherVM) Delete() error {
	if !m.CanDelete() {
		return nil
	}
	num := m.v.Number()
	if err := m.s.book.DeleteVoucher(m.s.ctx, m.s.user, m.v.Ref()); err != nil {
		m.msg = err
		return err
	}
	m.New()
	m.info = m.s.t("ui.voucher.deleted", map[string]any{"number": num})
	m.s.setStatus(m.info)
	return nil
}

// Revert puts back the saved voucher.
func (m *voucherVM) Revert() {
	if m.Saved() {
		m.Load(m.v.Ref())
		return
	}
	m.New()
}

// Step shows the previous or next voucher of the period (上一张/下一张).
func (m *voucherVM) Step(dir int) bool {
	p := m.v.Period
	if p == "" {
		if d, err := parseDateText(m.date, time.Now()); err == nil {
			p = d.Period()
		}
	}
	vs, err := m.s.book.Vouchers(m.s.ctx, m.s.user, p)
	if err != nil || len(vs) == 0 {
		return false
	}
	if m.v.ID == 0 {
		if dir < 0 {
			m.show(vs[len(vs)-1])
			return true
		}
		return false
	}
	for i, v := range vs {
		if v.No == m.v.No {
			j := i + dir
			if j < 0 || j >= len(vs) {
				return false
			}
			m.show(vs[j])
			return true
		}
	}
	return false
}
