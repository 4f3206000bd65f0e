package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// rolesVM is 科目角色, the last section of 账套设置 (DOMAIN.md §1.4): the account each
// role posts to. An admin moves a role to another account the ledger says fits it
// (Book.AccountRoleChoices) until the first close; after it the section says why nothing
// changes any more.
type rolesVM struct {
	s       *session
	rows    []ledger.RoleAccount
	choices map[ledger.AccountRole][]ledger.Account
	errs    map[ledger.AccountRole]error // a refused change, shown next to its role
	err     error                        // reading the roles
	box     *fyne.Container              // the section as shown; rebuilt after a change
}

func newRolesVM(s *session) *rolesVM {
	v := &rolesVM{s: s, errs: map[ledger.AccountRole]error{}}
	v.Reload()
	return v
}

// Reload reads the roles and, for each, the accounts it may move to.
func (v *rolesVM) Reload() {
	v.rows, v.err = v.s.book.AccountRoles(v.s.ctx, v.s.user)
	v.choices = map[ledger.AccountRole][]ledger.Account{}
	for _, r := range v.rows {
		if v.err != nil {
			return
		}
		v.choices[r.Role], v.err = v.s.book.AccountRoleChoices(v.s.ctx, v.s.user, r.Role)
	}
}

// Fixed is the first closed period: roles have not changed since its close ("" while they may).
func (v *rolesVM) Fixed() ledger.Period {
	if len(v.rows) == 0 {
		return ""
	}
	return v.rows[0].FixedSince
}

// Editable tells whether the roles may change here: an admin, before the first close.
func (v *rolesVM) Editable() bool { return v.s.user.Can(ledger.PermSettings) && v.Fixed() == "" }

// Account is the account role r maps to ("" when the book has no such role).
func (v *rolesVM) Account(r ledger.AccountRole) string {
	for _, x := range v.rows {
		if x.Role == r {
			return x.Account
		}
	}
	return ""
}

// Set moves role r to account; a refusal stays next to the role and changes nothing.
func (v *rolesVM) Set(r ledger.AccountRole, account string) error {
	err := v.s.book.SetAccountRole(v.s.ctx, v.s.user, r, account)
	v.errs[r] = err
	if err != nil {
		return err
	}
	v.Reload()
	v.s.setStatus(v.s.t("ui.msg.saved"))
	return nil
}

// option is an account as the select shows it: "112201 应收账款—门店".
func (v *rolesVM) option(code, name, nameEN string) string {
	if v.s.lang == i18n.EN && nameEN != "" {
		name = nameEN
	}
	return code + " " + name
}

func (v *rolesVM) build() fyne.CanvasObject {
	v.box = container.NewVBox()
	v.fill()
	return v.box
}

// fill (re)makes the section's widgets from the view-model.
func (v *rolesVM) fill() {
	s := v.s
	title := widget.NewLabelWithStyle(s.t("ui.roles.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	hint := widget.NewLabel(s.t("ui.roles.hint"))
	if p := v.Fixed(); p != "" {
		hint.SetText(s.t("ui.roles.fixed", map[string]any{"period": string(p)}))
	}
	hint.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{widget.NewSeparator(), title, hint}
	if v.err != nil {
		e := errorLabel()
		setErrorLabel(e, s.errText(v.err))
		objs = append(objs, e)
	}
	grid := container.New(layout.NewFormLayout())
	for _, r := range v.rows {
		var opts []string
		cur := v.option(r.Account, r.Name, r.NameEN)
		for _, a := range v.choices[r.Role] {
			opts = append(opts, v.option(a.Code, a.Name, a.NameEN))
		}
		sel := widget.NewSelect(opts, nil)
		sel.SetSelected(cur)
		errL := errorLabel()
		setErrorLabel(errL, s.errText(v.errs[r.Role]))
		sel.OnChanged = func(o string) {
			code, _, _ := strings.Cut(o, " ")
			if code == v.Account(r.Role) {
				return
			}
			if err := v.Set(r.Role, code); err != nil {
				setErrorLabel(errL, s.errText(err))
				sel.SetSelected(cur)
				return
			}
			v.refill() // what the other roles may take changed too
		}
		if !v.Editable() {
			sel.Disable()
		}
		var def fyne.CanvasObject // the default beside a moved role
		if r.Account != r.Default {
			l := widget.NewLabel(s.t("ui.roles.default", map[string]any{"account": r.Default}))
			l.Importance = widget.LowImportance
			def = l
		}
		row := container.NewBorder(nil, nil, nil, def, sel) // the select as wide as the settings' own
		grid.Add(widget.NewLabel(s.t("account_role." + string(r.Role))))
		grid.Add(container.NewVBox(row, errL))
	}
	v.box.Objects = append(objs, grid)
}

// refill rebuilds the section in place.
func (v *rolesVM) refill() {
	if v.box == nil {
		return
	}
	v.fill()
	v.box.Refresh()
}
