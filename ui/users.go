package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// newUsersScreen is 用户与权限: users with role, state and last login; add a user, change
// the role, reset the password (type a new one twice and save), grants, deactivate; under
// the list the permission matrix of DOMAIN.md §9, read only.
func newUsersScreen(s *session) *masterScreen {
	v := newMasterScreen(s, usersEntity(s))
	v.below = func() fyne.CanvasObject { return permMatrix(s) }
	return v
}

func usersEntity(s *session) *entity[ledger.User] {
	roles := func() []choice {
		var out []choice
		for _, r := range ledger.Roles {
			out = append(out, choice{value: string(r), label: "ui.role." + string(r), key: true})
		}
		return out
	}
	return &entity[ledger.User]{
		id:   "users",
		perm: ledger.PermSettings,
		columns: []column[ledger.User]{
			{title: "ui.col.user", width: 120, value: func(_ *ctxT, r ledger.User) string { return r.Name }},
			{title: "ui.col.role", width: 110, value: func(c *ctxT, r ledger.User) string { return c.t("ui.role." + string(r.Role)) }},
			{title: "ui.col.status", width: 70, value: func(c *ctxT, r ledger.User) string { return stateText(c, r.Active) }},
			{title: "ui.col.password", width: 80, value: func(c *ctxT, r ledger.User) string {
				if r.HasPassword {
					return c.t("ui.users.has_password")
				}
				return c.t("ui.users.no_password")
			}},
			{title: "ui.col.last_login", width: 150, value: func(_ *ctxT, r ledger.User) string {
				if r.LastLogin.IsZero() {
					return ""
				}
				return r.LastLogin.Local().Format("2006-01-02 15:04")
			}},
		},
		fields: []fieldSpec{
			{key: "name", label: "ui.field.user_name", required: true, fixed: true},
			{key: "role", label: "field.role", required: true, kind: kChoice, choices: roles},
			{key: "password", label: "ui.field.new_password", kind: kPassword, hint: "ui.hint.password"},
			{key: "password2", label: "ui.field.password_again", kind: kPassword},
			{key: "unclose", label: "ui.field.grant_unclose", kind: kCheck},
			{key: "view_cost", label: "ui.field.grant_view_cost", kind: kCheck},
		},
		load:   func(ctx context.Context) ([]ledger.User, error) { return s.book.Users(ctx) },
		key:    func(r ledger.User) string { return r.Name },
		search: func(r ledger.User) string { return r.Name + "\x00" + string(r.Role) },
		active: func(r ledger.User) bool { return r.Active },
		toForm: func(r ledger.User) map[string]string {
			return map[string]string{"name": r.Name, "role": string(r.Role), "unclose": fromBool(r.CanUnclose),
				"view_cost": fromBool(r.CanViewCost)}
		},
		blank: func(*ledger.User) map[string]string { return map[string]string{"role": string(ledger.RoleClerk)} },
		save: func(ctx context.Context, old *ledger.User, f map[string]string) (ledger.User, error) {
			if f["password"] != f["password2"] {
				return ledger.User{}, &uiError{Key: "ui.users.mismatch", Field: "password2"}
			}
			role := ledger.Role(f["role"])
			if old == nil {
				u, err := s.book.AddUser(ctx, s.user, f["name"], role, f["password"])
				if err != nil {
					return u, err
				}
				if isTrue(f["unclose"]) || isTrue(f["view_cost"]) {
					err = s.book.SetGrants(ctx, s.user, u.Name, isTrue(f["unclose"]), isTrue(f["view_cost"]))
				}
				return u, err
			}
			if role != old.Role {
				if err := s.book.SetRole(ctx, s.user, old.Name, role); err != nil {
					return *old, withField(err, "role")
				}
			}
			if f["password"] != "" {
				if err := s.book.SetPassword(ctx, s.user, old.Name, f["password"]); err != nil {
					return *old, withField(err, "password")
				}
			}
			if isTrue(f["unclose"]) != old.CanUnclose || isTrue(f["view_cost"]) != old.CanViewCost {
				if err := s.book.SetGrants(ctx, s.user, old.Name, isTrue(f["unclose"]), isTrue(f["view_cost"])); err != nil {
					return *old, err
				}
			}
			return *old, nil
		},
		setActive: func(ctx context.Context, r ledger.User, on bool) error {
			return s.book.SetUserActive(ctx, s.user, r.Name, on)
		},
	}
}

// withField places a refusal that names no field at the field that caused it.
func withField(err error, field string) error {
	if e, ok := errors.AsType[*ledger.Error](err); ok && e.Field() == "" {
		if e.Args == nil {
			e.Args = map[string]any{}
		}
		e.Args["field"] = field
	}
	return err
}

// permRows are the rows of the permission matrix: an action and the permission it needs.
var permRows = []struct {
	key  string
	perm ledger.Perm
}{
	{"ui.perm.draft", ledger.PermDraft},
	{"ui.perm.draft_others", ledger.PermDraftOthers},
	{"ui.perm.audit", ledger.PermAuditDoc},
	{"ui.perm.unaudit", ledger.PermUnauditDoc},
	{"ui.perm.voucher", ledger.PermVoucher},
	{"ui.perm.master", ledger.PermMasterData},
	{"ui.perm.chart", ledger.PermChart},
	{"ui.perm.close", ledger.PermClose},
	{"ui.perm.unclose", ledger.PermUnclose},
	{"ui.perm.settings", ledger.PermSettings},
	{"ui.perm.backup", ledger.PermBackup},
	{"ui.perm.restore", ledger.PermRestore},
	{"ui.perm.view_docs", ledger.PermViewDocs},
	{"ui.perm.view_ledger", ledger.PermViewLedger},
	{"ui.perm.view_cost", ledger.PermViewCost},
	{"ui.perm.export", ledger.PermExport},
	{"ui.perm.audit_log", ledger.PermViewAuditLog},
}

// permMatrix is DOMAIN.md §9's table, read only: a tick where the role may act; grants
// (un-close for an accountant, costs for a clerk) show as "if granted".
func permMatrix(s *session) fyne.CanvasObject {
	roleCan := func(r ledger.Role, p ledger.Perm) int { // 0 no, 1 yes, 2 if granted
		u := &ledger.User{Role: r, Active: true}
		if u.Can(p) {
			return 1
		}
		u.CanUnclose, u.CanViewCost = true, true
		if u.Can(p) {
			return 2
		}
		return 0
	}
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(permRows), 1 + len(ledger.Roles) },
		func() fyne.CanvasObject {
			return container.NewStack(widget.NewLabel(""), container.NewCenter(widget.NewIcon(nil)))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			st := o.(*fyne.Container)
			l := st.Objects[0].(*widget.Label)
			ic := st.Objects[1].(*fyne.Container).Objects[0].(*widget.Icon)
			if id.Col == 0 {
				l.SetText(s.t(permRows[id.Row].key))
				ic.SetResource(nil)
				return
			}
			switch roleCan(ledger.Roles[id.Col-1], permRows[id.Row].perm) {
			case 1:
				l.SetText("")
				ic.SetResource(theme.ConfirmIcon())
			case 2:
				l.SetText(s.t("ui.perm.if_granted"))
				l.Alignment = fyne.TextAlignCenter
				ic.SetResource(nil)
			default:
				l.SetText("")
				ic.SetResource(nil)
			}
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Col == 0 {
			l.SetText(s.t("ui.perm.action"))
		} else if id.Col > 0 {
			l.SetText(s.t("ui.role." + string(ledger.Roles[id.Col-1])))
		}
	}
	t.SetColumnWidth(0, 200)
	for i := range ledger.Roles {
		t.SetColumnWidth(i+1, 90)
	}
	title := widget.NewLabelWithStyle(s.t("ui.perm.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewBorder(title, nil, nil, nil, t)
}
