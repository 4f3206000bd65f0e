package ledger

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"

	"shopbooks/store"
)

// Shared rules of the master-data records (items, partners, warehouses, categories).

const (
	maxCodeLen = 30
	maxNameLen = 100
)

// cleanCode normalises a code as typed (full-width to ASCII, spaces trimmed) and refuses
// an empty one, a long one, or one with characters other than letters, digits and - _ . /
func cleanCode(field, s string) (string, error) {
	c := Normalize(s)
	if c == "" {
		return "", refuse(CodeRequired, "field", field)
	}
	if len(c) > maxCodeLen {
		return "", refuse(CodeTooLong, "field", field, "max", maxCodeLen)
	}
	for _, r := range c {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./", r)) {
			return "", refuse(CodeBadCode, "field", field, "value", s)
		}
	}
	return c, nil
}

// cleanText trims a free-text field and refuses it when required and empty, or too long.
func cleanText(field, s string, required bool, max int) (string, error) {
	t := strings.TrimSpace(strings.ReplaceAll(s, "\u3000", " "))
	if required && t == "" {
		return "", refuse(CodeRequired, "field", field)
	}
	if len([]rune(t)) > max {
		return "", refuse(CodeTooLong, "field", field, "max", max)
	}
	for _, r := range t {
		if unicode.IsControl(r) {
			return "", refuse(CodeBadCode, "field", field, "value", s)
		}
	}
	return t, nil
}

// likePattern makes a LIKE pattern that matches text anywhere, with % and _ taken
// literally (ESCAPE '\').
func likePattern(text string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(Normalize(text)) + "%"
}

// write runs fn as one audited write by `by`, after checking perm. The check is made
// again inside the transaction against the user's row as it is now, so a session whose
// user was since deactivated, demoted or removed can no longer write.
func (b *Book) write(ctx context.Context, by *User, perm Perm, fn func(*store.Tx) error) error {
	if err := b.require(by, perm); err != nil {
		return err
	}
	return fromStore(b.db.Write(ctx, func(tx *store.Tx) error {
		now, err := actingUser(ctx, tx, by)
		if err != nil {
			return err
		}
		if !now.Can(perm) {
			return forbidden(string(perm))
		}
		return fn(tx)
	}))
}

// actingUser reloads the acting user inside a transaction: the same row (id and name),
// still active, with its role and grants as they are now.
func actingUser(ctx context.Context, tx *store.Tx, by *User) (*User, error) {
	if by == nil || !by.Active {
		return nil, forbidden("session")
	}
	u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", by.ID))
	if errors.Is(err, sql.ErrNoRows) || err == nil && !strings.EqualFold(u.Name, by.Name) {
		return nil, forbidden("session")
	}
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, refuse(CodeUserInactive, "user", u.Name)
	}
	return &u, nil
}

// update runs the usual edit of one audited row: check the version read, take the
// before image, apply fn, record the change.
func updateRow(ctx context.Context, tx *store.Tx, by *User, action string, e entity, id any, version int64,
	what, label string, fn func() error) error {
	var cur int64
	err := tx.QueryRowContext(ctx, "SELECT version FROM "+e.table+" WHERE "+e.key+" = ?", id).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return refuse(unknownCode(e), "value", label)
	}
	if err != nil {
		return err
	}
	if version != 0 && cur != version {
		return refuse(CodeStale, "what", what, "value", label)
	}
	before, err := rowImage(ctx, tx, e, id)
	if err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+e.table+" SET version = version + 1 WHERE "+e.key+" = ?", id); err != nil {
		return err
	}
	return logChange(ctx, tx, by.Name, action, e, id, before)
}

func unknownCode(e entity) Code {
	switch e {
	case entItem:
		return CodeUnknownItem
	case entPartner:
		return CodeUnknownPartner
	case entWarehouse:
		return CodeUnknownWH
	case entCategory:
		return CodeUnknownCategory
	case entAccount:
		return CodeUnknownAccount
	case entUnit:
		return CodeUnknownUnit
	}
	return CodeInternal
}

// lookupID finds the id of a record by its code (case-insensitive), or refuses with the
// entity's "unknown" code naming the value as typed.
func lookupID(ctx context.Context, tx *store.Tx, e entity, code string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM "+e.table+" WHERE code = ?", Normalize(code)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, refuse(unknownCode(e), "value", code)
	}
	return id, err
}

// rowUsed tells whether any of the given (table, column) pairs refers to id. Tables
// that do not exist yet (later schemas) are skipped.
func rowUsed(ctx context.Context, tx *store.Tx, id any, refs ...[2]string) (bool, error) {
	for _, r := range refs {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", r[0]).Scan(&n); err != nil {
			return false, err
		}
		if n == 0 {
			continue
		}
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+r[0]+" WHERE "+r[1]+" = ?)", id).Scan(&n); err != nil {
			return false, err
		}
		if n == 1 {
			return true, nil
		}
	}
	return false, nil
}

// setActive activates or deactivates one audited row (停用/启用).
func setActive(ctx context.Context, tx *store.Tx, by *User, e entity, id any, label string, active bool) error {
	return updateRow(ctx, tx, by, e.name+".active", e, id, 0, e.name, label, func() error {
		_, err := tx.ExecContext(ctx, "UPDATE "+e.table+" SET active = ? WHERE "+e.key+" = ?", active, id)
		return err
	})
}

// deleteUnused deletes a row nothing refers to; a used one is refused (only 停用).
func deleteUnused(ctx context.Context, tx *store.Tx, by *User, e entity, id any, label string, used bool, err error) error {
	if err != nil {
		return err
	}
	if used {
		return refuse(CodeRecordUsed, "what", e.name, "value", label)
	}
	return deleteRow(ctx, tx, by, e.name+".delete", e, id)
}
