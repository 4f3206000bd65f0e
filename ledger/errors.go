package ledger

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"shopbooks/store"
)

// Code names a refusal the user can act on. It is the translation key (assets/i18n,
// prefix "err.") and the CLI's error id: stable, never reused.
type Code string

// The refusals of the book. Args documented beside each code are what the message uses.
const (
	CodeInternal        Code = "internal"             // the cause is logged
	CodeBusy            Code = "book.busy"            // another program is writing
	CodeNotABook        Code = "book.not_a_book"      // path
	CodeTruncated       Code = "book.truncated"       // path
	CodeCorrupt         Code = "book.corrupt"         // path
	CodeNewerVersion    Code = "book.newer_version"   // path, book, app
	CodeReadOnly        Code = "book.read_only"       // path
	CodeNoBook          Code = "book.not_found"       // path
	CodeExists          Code = "book.exists"          // path
	CodeNoFolder        Code = "book.no_folder"       // path
	CodeDiskFull        Code = "book.disk_full"       // path
	CodePeriodClosed    Code = "period.closed"        // period
	CodeForbidden       Code = "user.forbidden"       // action
	CodeBadPassword     Code = "user.bad_password"    // user
	CodeUnknownUser     Code = "user.unknown"         // user
	CodeUserInactive    Code = "user.inactive"        // user
	CodeWhichUser       Code = "user.which"           // users
	CodeLastAdmin       Code = "user.last_admin"      // user
	CodeRequired        Code = "field.required"       // field
	CodeTooLong         Code = "field.too_long"       // field, max
	CodeOutOfRange      Code = "field.out_of_range"   // field, value, min, max
	CodeBadChoice       Code = "field.bad_choice"     // field, value, choices
	CodeCodeTaken       Code = "field.code_taken"     // field, value (code, barcode, name)
	CodeBadCode         Code = "field.bad_code"       // field, value
	CodeNumberMalformed Code = "number.malformed"     // field, value
	CodeNumberNegative  Code = "number.negative"      // field, value
	CodeNumberDecimals  Code = "number.decimals"      // field, value, max
	CodeNumberTooBig    Code = "number.too_big"       // field, value
	CodeBadDate         Code = "date.malformed"       // field, value
	CodeBadPeriod       Code = "period.malformed"     // field, value
	CodeUnknownUnit     Code = "unit.unknown"         // value
	CodeUnknownCategory Code = "category.unknown"     // value
	CodeUnknownItem     Code = "item.unknown"         // value
	CodeUnknownWH       Code = "warehouse.unknown"    // value
	CodeUnknownPartner  Code = "partner.unknown"      // value
	CodeUnknownAccount  Code = "account.unknown"      // value
	CodeAccountNotLeaf  Code = "account.not_leaf"     // account
	CodeAccountUsed     Code = "account.used"         // account
	CodeAccountParent   Code = "account.bad_parent"   // account, parent
	CodeAccountLevels   Code = "account.too_deep"     // account
	CodeAccountSeeded   Code = "account.seeded"       // account
	CodeAccountInactive Code = "account.inactive"     // account
	CodeAccountHasRole  Code = "account.has_role"     // account, role: a role's account is neither deactivated nor deleted
	CodeAuxRequired     Code = "opening.aux_required" // account, aux
	CodeAuxNotAllowed   Code = "opening.aux_not_allowed"
	CodeAuxWrongKind    Code = "opening.aux_wrong_kind" // account, partner, aux
	CodeOpeningStock    Code = "opening.use_stock"      // account
	CodeOpeningYTD      Code = "opening.ytd_not_allowed"
	CodeOpeningPL       Code = "opening.pl_balance" // account
	CodeRecordUsed      Code = "record.used"        // what, value
	CodeStale           Code = "record.stale"       // what, value: someone saved it since it was read
	CodeCostingFixed    Code = "book.costing_fixed"
	CodeSettingFixed    Code = "book.setting_fixed"    // field
	CodeDiscountTooBig  Code = "line.discount_too_big" // field, value, base
	CodeVATOverride     Code = "line.vat_override"     // field, value, computed: more than 0.06 from the computed VAT
	// account roles (DOMAIN.md §1.4); role is a catalog key (account_role.<name>)
	CodeRoleFixed      Code = "account_role.fixed"       // role, account, period: roles are fixed after the first close
	CodeRoleOutside    Code = "account_role.outside"     // role, account, root: the account must be root or under it
	CodeRoleNotIncome  Code = "account_role.not_income"  // role, account: a P&L leaf on the credit side is needed
	CodeRoleNotExpense Code = "account_role.not_expense" // role, account: a P&L leaf on the debit side is needed
	CodeRoleTaken      Code = "account_role.taken"       // role, account, other: the account is another role's
	// documents and stock
	CodeUnknownDoc      Code = "doc.unknown"            // value
	CodeDocNotDraft     Code = "doc.not_draft"          // number, status: only drafts are edited, audited, voided or deleted
	CodeDocNotAudited   Code = "doc.not_audited"        // number
	CodeDocNotLast      Code = "doc.not_last"           // number, last: only the highest draft of its sequence is deleted
	CodeDocMonth        Code = "doc.month_fixed"        // number: a numbered document stays in its month
	CodeDocBeforeStart  Code = "doc.before_start"       // date, start
	CodeDocNoLines      Code = "doc.no_lines"           // number
	CodeDocDependents   Code = "doc.has_dependents"     // number, dependents
	CodeDocSeparation   Code = "doc.separation"         // number: separation of duties forbids auditing one's own
	CodeDocNotOrder     Code = "doc.not_order"          // number
	CodeDocSource       Code = "doc.bad_source"         // field, value, line: the source does not fit
	CodeQtyNotPositive  Code = "line.qty_not_positive"  // line, item
	CodeItemInactive    Code = "item.inactive"          // value, line
	CodePartnerInactive Code = "partner.inactive"       // value
	CodeWHInactive      Code = "warehouse.inactive"     // value
	CodePartnerKind     Code = "partner.wrong_kind"     // value, kind: not a customer / not a supplier
	CodeSameWarehouse   Code = "doc.same_warehouse"     // value
	CodeNotSettlement   Code = "account.not_settlement" // account
	CodeReturnTooMuch   Code = "line.return_too_much"   // line, item, returnable, requested
	CodeStockNegative   Code = "stock.negative"         // item, warehouse, date, onhand, requested, shortfall
	CodePaidTooMuch     Code = "doc.paid_too_much"      // paid, gross
	CodeAdvanceTooBig   Code = "doc.advance_too_big"    // value, balance
	CodeSplitMismatch   Code = "doc.split_mismatch"     // applied, advance, amount
	CodeDuplicateLine   Code = "line.duplicate"         // line, item
	// vouchers and the close
	CodeUnknownVoucher    Code = "voucher.unknown"       // value
	CodeVoucherLines      Code = "voucher.too_few_lines" // a voucher needs two lines at least
	CodeUnbalanced        Code = "voucher.unbalanced"    // debit, credit
	CodeVoucherControlled Code = "voucher.controlled"    // account, line: 1405 takes only stock documents and the close
	CodeVoucherGenerated  Code = "voucher.generated"     // number: generated vouchers change only by un-close
	CodeVoucherAudited    Code = "voucher.audited"       // number
	CodeVoucherNotAudited Code = "voucher.not_audited"   // number
	CodeCloseBlocked      Code = "close.blocked"         // period, findings
	CodeCloseOrder        Code = "close.order"           // period, expected
	CodeUncloseLatest     Code = "close.not_latest"      // period, latest
	CodeUncloseReason     Code = "close.reason_required" //
	CodePostCheck         Code = "close.post_check"      // check, detail
	CodeClosePartners     Code = "close.partner_sums"    // period, account, balance, partners, difference: Σ partners ≠ the account
	CodeCloseStale        Code = "close.stale"           // period
	// verify's findings
	CodeVerifyIntegrity  Code = "verify.integrity"      // detail
	CodeVerifySchema     Code = "verify.schema"         // kind, name, how (a verify.how.* key)
	CodeVerifyChain      Code = "verify.chain"          // seq: the first record that does not hash
	CodeVerifyChanged    Code = "verify.row_changed"    // what, id, field, was, now, seq
	CodeVerifyUnrecorded Code = "verify.row_unrecorded" // what, id
	CodeVerifyMissing    Code = "verify.row_missing"    // what, id, seq
	CodeVerifyAccounts   Code = "verify.account_tree"   // account
	CodeVerifyOpening    Code = "verify.opening_leaf"   // account
	CodeVerifyPeriods    Code = "verify.periods"        // period
	CodeVerifyOnHand     Code = "verify.on_hand"        // item, warehouse, stored, computed
	CodeVerifyMoves      Code = "verify.moves"          // number: an audited document's movements do not match its lines
	CodeVerifySummaries  Code = "verify.summaries"      // account, period: the summary is not the sum of the lines
	CodeVerifyVoucher    Code = "verify.voucher"        // number: unbalanced or fewer than two lines
	CodeVerifyTrial      Code = "verify.trial_balance"  // period, debit, credit
	CodeVerifyStock1405  Code = "verify.stock_1405"     // period, stock, account
	CodeVerifySeal       Code = "verify.seal"           // period: its vouchers differ from what its close sealed
	CodeVerifyRole       Code = "verify.account_role"   // role, account, default: a role moved without a record
	// period, account, balance, partners, difference: at a closed period's end (or the
	// opening, ...Opening without the period) a partner account's partners do not add up to it
	CodeVerifyPartners        Code = "verify.partner_sums"
	CodeVerifyPartnersOpening Code = "verify.partner_sums_opening"
	CodeVerifyItemList        Code = "verify.item_list" // item: the kept item list differs from the item
)

// Error is a refusal the user can act on: Code and Args make the message (translated by
// ui and cli through assets/i18n); Err is the cause, for the log. Args "field", "line"
// and "column" locate it.
type Error struct {
	Code Code
	Args map[string]any
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	keys := make([]string, 0, len(e.Args))
	for k := range e.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, e.Args[k])
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is(err, &Error{Code: c}) match any *Error with that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Field returns the field the error names, or "".
func (e *Error) Field() string {
	s, _ := e.Args["field"].(string)
	return s
}

// ErrBusy matches the refusal of a write while another program holds the book.
var ErrBusy = &Error{Code: CodeBusy}

func refuse(code Code, kv ...any) *Error {
	e := &Error{Code: code, Args: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Args[kv[i].(string)] = kv[i+1]
	}
	return e
}

// CodeOf returns the Code of err, or CodeInternal when err is not a refusal.
func CodeOf(err error) Code {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return CodeInternal
}

// fromStore turns the store's sentinels into refusals; anything else passes unchanged.
func fromStore(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*Error](err); ok {
		return err
	}
	path := ""
	if pe, ok := errors.AsType[*store.PathError](err); ok {
		path = pe.Path
	}
	if ve, ok := errors.AsType[*store.VersionError](err); ok {
		return &Error{Code: CodeNewerVersion, Args: map[string]any{"path": ve.Path, "book": ve.Book, "app": ve.App}, Err: err}
	}
	var code Code
	switch {
	case errors.Is(err, store.ErrBusy):
		code = CodeBusy
	case errors.Is(err, store.ErrNotABook):
		code = CodeNotABook
	case errors.Is(err, store.ErrTruncated):
		code = CodeTruncated
	case errors.Is(err, store.ErrCorrupt):
		code = CodeCorrupt
	case errors.Is(err, store.ErrReadOnly):
		code = CodeReadOnly
	case errors.Is(err, store.ErrNoFile):
		code = CodeNoBook
	case errors.Is(err, store.ErrExists):
		code = CodeExists
	case errors.Is(err, store.ErrNoFolder):
		code = CodeNoFolder
	case errors.Is(err, store.ErrDiskFull):
		code = CodeDiskFull
	case errors.Is(err, store.ErrPeriodClosed):
		code = CodePeriodClosed
	default:
		return err
	}
	return &Error{Code: code, Args: map[string]any{"path": path}, Err: err}
}
