package ledger

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"shopbooks/store"
)

// Role is one of DOMAIN.md §9's roles.
type Role string

// The roles.
const (
	RoleAdmin      Role = "admin"      // 管理员
	RoleAccountant Role = "accountant" // 会计
	RoleClerk      Role = "clerk"      // 业务员
	RoleViewer     Role = "viewer"     // 查看
)

// Roles lists the roles in the order screens show them.
var Roles = []Role{RoleAdmin, RoleAccountant, RoleClerk, RoleViewer}

// ParseRole reads a role name.
func ParseRole(field, s string) (Role, error) {
	for _, r := range Roles {
		if strings.EqualFold(Normalize(s), string(r)) {
			return r, nil
		}
	}
	return "", refuse(CodeBadChoice, "field", field, "value", s, "choices", "admin, accountant, clerk, viewer")
}

// Perm is an action of DOMAIN.md §9's permission table.
type Perm string

// The permissions. Document-level ones (own drafts, separation of duties) are refined by
// the document services.
const (
	PermDraft        Perm = "doc.draft"        // create/edit/delete own drafts
	PermDraftOthers  Perm = "doc.draft_others" // edit/delete others' drafts
	PermAuditDoc     Perm = "doc.audit"
	PermUnauditDoc   Perm = "doc.unaudit"
	PermVoucher      Perm = "voucher.edit" // manual vouchers: create/edit/delete, audit/un-audit
	PermMasterData   Perm = "master.edit"  // items, partners, warehouses, units, categories
	PermChart        Perm = "chart.edit"   // chart of accounts, opening balances
	PermClose        Perm = "period.close"
	PermUnclose      Perm = "period.unclose"
	PermSettings     Perm = "book.settings" // book settings, account roles, users and roles
	PermBackup       Perm = "book.backup"
	PermRestore      Perm = "book.restore"
	PermViewDocs     Perm = "doc.view" // documents, stock, master data
	PermViewLedger   Perm = "ledger.view"
	PermViewCost     Perm = "cost.view"
	PermExport       Perm = "export.all"
	PermExportStock  Perm = "export.docs" // documents and stock only
	PermOwnPassword  Perm = "user.own_password"
	PermViewAuditLog Perm = "audit.view"
)

var rolePerms = map[Role][]Perm{
	RoleAdmin: {PermDraft, PermDraftOthers, PermAuditDoc, PermUnauditDoc, PermVoucher, PermMasterData, PermChart,
		PermClose, PermUnclose, PermSettings, PermBackup, PermRestore, PermViewDocs, PermViewLedger, PermViewCost,
		PermExport, PermExportStock, PermOwnPassword, PermViewAuditLog},
	RoleAccountant: {PermDraft, PermDraftOthers, PermAuditDoc, PermUnauditDoc, PermVoucher, PermMasterData, PermChart,
		PermClose, PermBackup, PermViewDocs, PermViewLedger, PermViewCost, PermExport, PermExportStock, PermOwnPassword,
		PermViewAuditLog},
	RoleClerk:  {PermDraft, PermAuditDoc, PermMasterData, PermViewDocs, PermExportStock, PermOwnPassword},
	RoleViewer: {PermViewDocs, PermViewLedger, PermViewCost, PermExport, PermExportStock, PermOwnPassword},
}

// User is a person who works in the book. The zero value may do nothing.
type User struct {
	ID          int64
	Name        string
	Role        Role
	HasPassword bool
	CanUnclose  bool // granted by an admin to an accountant
	CanViewCost bool // granted by an admin to a clerk
	Active      bool
	LastLogin   time.Time // zero if never
	Version     int64
}

// Can tells whether u may perform p (DOMAIN.md §9), grants included.
func (u *User) Can(p Perm) bool {
	if u == nil || !u.Active {
		return false
	}
	switch {
	case p == PermUnclose && u.Role == RoleAccountant:
		return u.CanUnclose
	case p == PermViewCost && u.Role == RoleClerk:
		return u.CanViewCost
	}
	for _, q := range rolePerms[u.Role] {
		if q == p {
			return true
		}
	}
	return false
}

func forbidden(action string) *Error {
	return refuse(CodeForbidden, "action", action)
}

func (b *Book) require(by *User, p Perm) error {
	if !by.Can(p) {
		return forbidden(string(p))
	}
	return nil
}

// Password hashing: Argon2id (RFC 9106's second recommended setting, 64 MiB, t=3),
// stored as "$argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>".
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

func hashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}

func checkPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

const userCols = "id, name, role, password_hash IS NOT NULL, can_unclose, can_view_cost, active, version"

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Name, &u.Role, &u.HasPassword, &u.CanUnclose, &u.CanViewCost, &u.Active, &u.Version)
	return u, err
}

func loadUser(ctx context.Context, tx *store.Tx, name string) (User, string, error) {
	var hash sql.NullString
	var u User
	err := tx.QueryRowContext(ctx, "SELECT "+userCols+", password_hash FROM users WHERE name = ?", Normalize(name)).
		Scan(&u.ID, &u.Name, &u.Role, &u.HasPassword, &u.CanUnclose, &u.CanViewCost, &u.Active, &u.Version, &hash)
	if err == sql.ErrNoRows {
		return u, "", refuse(CodeUnknownUser, "user", name)
	}
	return u, hash.String, err
}

// Users lists every user, with the time of their last login from the audit trail.
func (b *Book) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+userCols+` FROM users ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			var at sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT max(at) FROM audit_log WHERE action = 'user.login' AND entity = 'user' AND entity_id = ?
				AND image = 0`,
				fmt.Sprint(out[i].ID)).Scan(&at); err != nil {
				return err
			}
			if at.Valid {
				out[i].LastLogin, _ = time.Parse(time.RFC3339, at.String)
			}
		}
		return nil
	})
	return out, fromStore(err)
}

// DefaultUser returns the user to act as when none is named: the only active user of the
// book. needsPassword tells whether that user has a password to ask for. With several
// users it refuses with CodeWhichUser, listing them.
func (b *Book) DefaultUser(ctx context.Context) (name string, needsPassword bool, err error) {
	users, err := b.Users(ctx)
	if err != nil {
		return "", false, err
	}
	var active []User
	for _, u := range users {
		if u.Active {
			active = append(active, u)
		}
	}
	if len(active) != 1 {
		names := make([]string, len(active))
		for i, u := range active {
			names[i] = u.Name
		}
		return "", false, refuse(CodeWhichUser, "users", strings.Join(names, ", "))
	}
	return active[0].Name, active[0].HasPassword, nil
}

// Login checks name and password and returns the user. A user without a password logs in
// with "". Every login is recorded in the audit trail, success or failure;
// a wrong password or an unknown user both give CodeBadPassword, so names are not probed.
func (b *Book) Login(ctx context.Context, name, password string) (*User, error) {
	var user *User
	var refusal error
	failures := 0
	err := b.db.Write(ctx, func(tx *store.Tx) error {
		u, hash, err := loadUser(ctx, tx, name)
		if CodeOf(err) == CodeUnknownUser {
			refusal = refuse(CodeBadPassword, "user", name)
			if failures, err = recentFailures(ctx, tx, Normalize(name)); err != nil {
				return err
			}
			return logEvent(ctx, tx, Normalize(name), "user.login_failed", entUser, "?", "unknown user")
		}
		if err != nil {
			return err
		}
		if !u.Active {
			refusal = refuse(CodeUserInactive, "user", u.Name)
			return logEvent(ctx, tx, u.Name, "user.login_failed", entUser, u.ID, "inactive")
		}
		if hash == "" {
			user = &u
			return logEvent(ctx, tx, u.Name, "user.login", entUser, u.ID, "no password")
		}
		if !checkPassword(hash, password) {
			refusal = refuse(CodeBadPassword, "user", u.Name)
			if failures, err = recentFailures(ctx, tx, u.Name); err != nil {
				return err
			}
			return logEvent(ctx, tx, u.Name, "user.login_failed", entUser, u.ID, "wrong password")
		}
		user = &u
		return logEvent(ctx, tx, u.Name, "user.login", entUser, u.ID, "")
	})
	if err != nil {
		return nil, fromStore(err)
	}
	if refusal != nil {
		// Failed logins are slowed down (issue 7), after the transaction so the book is
		// not held: guessing a password costs more with every failure.
		if d := loginBackoff(failures + 1); d > 0 && b.pause != nil {
			b.pause(ctx, d)
		}
		return nil, refusal
	}
	return user, nil
}

// recentFailures counts the refused logins of a name in the last 15 minutes since its
// last successful one.
func recentFailures(ctx context.Context, tx *store.Tx, name string) (int, error) {
	since := tx.Now.Add(-15 * time.Minute).UTC().Format(time.RFC3339)
	var n int
	// image = 0 (events) lets SQLite use the partial index audit_log_action.
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = 'user.login_failed' AND image = 0
		AND user_name = ?1 AND at >= ?2 AND seq > ifnull((SELECT max(seq) FROM audit_log WHERE action = 'user.login'
		AND image = 0 AND user_name = ?1), 0)`,
		name, since).Scan(&n)
	return n, err
}

// loginBackoff is the wait after the n-th refused login in a row: none for the first
// three (typos), then 0.5 s doubling up to 8 s.
func loginBackoff(n int) time.Duration {
	if n <= 3 {
		return 0
	}
	d := 500 * time.Millisecond << min(n-4, 4)
	return min(d, 8*time.Second)
}

func validUserName(name string) (string, error) {
	n := Normalize(name)
	if n == "" {
		return "", refuse(CodeRequired, "field", "name")
	}
	if len([]rune(n)) > 40 {
		return "", refuse(CodeTooLong, "field", "name", "max", 40)
	}
	return n, nil
}

// AddUser creates a user with a role and a password ("" for none). Needs PermSettings.
func (b *Book) AddUser(ctx context.Context, by *User, name string, role Role, password string) (User, error) {
	n, err := validUserName(name)
	if err != nil {
		return User{}, err
	}
	if _, err := ParseRole("role", string(role)); err != nil {
		return User{}, err
	}
	hash := sql.NullString{}
	if password != "" {
		hash = sql.NullString{String: hashPassword(password), Valid: true}
	}
	var u User
	err = b.write(ctx, by, PermSettings, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO users(name, role, password_hash) VALUES (?, ?, ?)", n, role, hash)
		if isUnique(err) {
			return refuse(CodeCodeTaken, "field", "name", "value", n)
		}
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := logChange(ctx, tx, by.Name, "user.add", entUser, id, ""); err != nil {
			return err
		}
		u, _, err = loadUser(ctx, tx, n)
		return err
	})
	return u, err
}

// SetPassword sets name's password ("" removes it). Users change their own; an admin
// anyone's.
func (b *Book) SetPassword(ctx context.Context, by *User, name, password string) error {
	return b.updateUser(ctx, by, name, "user.password", func(tx *store.Tx, by *User, u User) error {
		if !strings.EqualFold(u.Name, by.Name) && !by.Can(PermSettings) {
			return forbidden("user.password")
		}
		if !by.Can(PermOwnPassword) {
			return forbidden("user.password")
		}
		hash := sql.NullString{}
		if password != "" {
			hash = sql.NullString{String: hashPassword(password), Valid: true}
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ?", hash, u.ID)
		return err
	})
}

// SetRole changes a user's role. Needs PermSettings; the last active admin keeps the role.
func (b *Book) SetRole(ctx context.Context, by *User, name string, role Role) error {
	if _, err := ParseRole("role", string(role)); err != nil {
		return err
	}
	return b.updateUser(ctx, by, name, "user.role", func(tx *store.Tx, by *User, u User) error {
		if !by.Can(PermSettings) {
			return forbidden("user.role")
		}
		if u.Role == RoleAdmin && role != RoleAdmin {
			if err := b.keepAnAdmin(ctx, tx, u); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET role = ?, version = version + 1 WHERE id = ?", role, u.ID)
		return err
	})
}

// SetUserActive enables or disables a user. Needs PermSettings; the last active admin
// stays active.
func (b *Book) SetUserActive(ctx context.Context, by *User, name string, active bool) error {
	return b.updateUser(ctx, by, name, "user.active", func(tx *store.Tx, by *User, u User) error {
		if !by.Can(PermSettings) {
			return forbidden("user.active")
		}
		if !active && u.Role == RoleAdmin {
			if err := b.keepAnAdmin(ctx, tx, u); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET active = ?, version = version + 1 WHERE id = ?", active, u.ID)
		return err
	})
}

// SetGrants sets the grants an admin gives beyond a role: un-close for an accountant,
// seeing costs for a clerk. Needs PermSettings.
func (b *Book) SetGrants(ctx context.Context, by *User, name string, unclose, viewCost bool) error {
	return b.updateUser(ctx, by, name, "user.grants", func(tx *store.Tx, by *User, u User) error {
		if !by.Can(PermSettings) {
			return forbidden("user.grants")
		}
		_, err := tx.ExecContext(ctx, "UPDATE users SET can_unclose = ?, can_view_cost = ?, version = version + 1 WHERE id = ?",
			unclose, viewCost, u.ID)
		return err
	})
}

func (b *Book) keepAnAdmin(ctx context.Context, tx *store.Tx, u User) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> ?", u.ID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return refuse(CodeLastAdmin, "user", u.Name)
	}
	return nil
}

func (b *Book) updateUser(ctx context.Context, by *User, name, action string, fn func(tx *store.Tx, by *User, u User) error) error {
	if by == nil {
		return forbidden(action)
	}
	err := b.db.Write(ctx, func(tx *store.Tx) error {
		now, err := actingUser(ctx, tx, by)
		if err != nil {
			return err
		}
		u, _, err := loadUser(ctx, tx, name)
		if err != nil {
			return err
		}
		before, err := rowImage(ctx, tx, entUser, u.ID)
		if err != nil {
			return err
		}
		if err := fn(tx, now, u); err != nil {
			return err
		}
		return logChange(ctx, tx, now.Name, action, entUser, u.ID, before)
	})
	return fromStore(err)
}
