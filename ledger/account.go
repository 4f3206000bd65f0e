package ledger

import (
	"context"
	"database/sql"
	"errors"

	"shopbooks/store"
)

// Account is an account of the chart (会计科目, DOMAIN.md §1.3).
type Account struct {
	Code        string // 4-2-2 digits
	Name        string
	NameEN      string
	Parent      string // "" for level 1
	Level       int
	Category    string // A asset, L liability, E equity, C cost, P P&L
	Side        string // normal side: D debit, C credit
	Aux         string // auxiliary: "", customer, supplier, partner, item
	AuxRequired bool
	Controlled  bool // only stock documents and the close post to it (1405)
	Settlement  bool // may be a settlement account's ledger account
	Seeded      bool // from the standard chart: never deleted
	Active      bool
	Leaf        bool // has no sub-accounts: only leaves take postings and balances
	Used        bool // it or a sub-account has an opening balance or postings
	Version     int64
}

const accountCols = `a.code, a.name, a.name_en, ifnull(a.parent, ''), a.level, a.category, a.side, a.aux, a.aux_required,
	a.controlled, a.settlement, a.seeded, a.active, NOT EXISTS (SELECT 1 FROM accounts c WHERE c.parent = a.code), a.version`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	err := row.Scan(&a.Code, &a.Name, &a.NameEN, &a.Parent, &a.Level, &a.Category, &a.Side, &a.Aux, &a.AuxRequired,
		&a.Controlled, &a.Settlement, &a.Seeded, &a.Active, &a.Leaf, &a.Version)
	return a, err
}

func loadAccount(ctx context.Context, tx *store.Tx, code string) (Account, error) {
	a, err := scanAccount(tx.QueryRowContext(ctx, "SELECT "+accountCols+" FROM accounts a WHERE a.code = ?", Normalize(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return a, refuse(CodeUnknownAccount, "field", "account", "value", code)
	}
	return a, err
}

// loadAccountUsed is loadAccount with Used: whether it or a sub-account has a balance
// or postings (only what changes the chart needs it).
func loadAccountUsed(ctx context.Context, tx *store.Tx, code string) (Account, error) {
	a, err := loadAccount(ctx, tx, code)
	if err != nil {
		return a, err
	}
	a.Used, err = accountUsed(ctx, tx, a.Code)
	return a, err
}

// accountUsed tells whether the account or a sub-account has an opening balance or
// postings (voucher lines, once they exist).
func accountUsed(ctx context.Context, tx *store.Tx, code string) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM opening_balances WHERE account BETWEEN ?1 AND ?1 || ':')", code).Scan(&n); err != nil || n == 1 {
		return n == 1, err
	}
	if code == "1405" {
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM opening_stock)").Scan(&n); err != nil || n == 1 {
			return n == 1, err
		}
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'voucher_lines'").Scan(&n); err != nil || n == 0 {
		return false, err
	}
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM voucher_lines WHERE account BETWEEN ?1 AND ?1 || ':')", code).Scan(&n)
	return n == 1, err
}

// Accounts lists the chart by code; inactive accounts only when asked.
func (b *Book) Accounts(ctx context.Context, inactive bool) ([]Account, error) {
	var out []Account
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts a WHERE a.active = 1 OR ? ORDER BY a.code", inactive)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		used := map[string]bool{}
		urows, err := tx.QueryContext(ctx, "SELECT DISTINCT account FROM opening_balances")
		if err != nil {
			return err
		}
		defer urows.Close()
		for urows.Next() {
			var c string
			if err := urows.Scan(&c); err != nil {
				return err
			}
			for l := len(c); l >= 4; l -= 2 {
				used[c[:l]] = true
			}
		}
		var stock int
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM opening_stock)").Scan(&stock); err != nil {
			return err
		}
		used["1405"] = used["1405"] || stock == 1
		for i := range out {
			out[i].Used = used[out[i].Code]
		}
		return urows.Err()
	})
	return out, fromStore(err)
}

// Account returns one account.
func (b *Book) Account(ctx context.Context, code string) (Account, error) {
	var a Account
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		a, err = loadAccountUsed(ctx, tx, code)
		return err
	})
	return a, fromStore(err)
}

// AddAccount adds a sub-account: its code is the parent's code plus two digits (4-2-2,
// at most three levels); it inherits the parent's category, side and auxiliary. A parent
// that has an opening balance or postings, or is controlled (1405), takes no
// sub-accounts. A role mapped to the parent moves to its first sub-account, which is
// refused once a period is closed (CodeRoleFixed). Needs PermChart.
func (b *Book) AddAccount(ctx context.Context, by *User, code, name, nameEN string) (Account, error) {
	c := Normalize(code)
	n, err := cleanText("name", name, true, maxNameLen)
	if err != nil {
		return Account{}, err
	}
	en, err := cleanText("name", nameEN, false, maxNameLen)
	if err != nil {
		return Account{}, err
	}
	if len(c) != 4 && len(c) != 6 && len(c) != 8 || !allDigits(c) {
		if allDigits(c) && len(c) > 8 {
			return Account{}, refuse(CodeAccountLevels, "account", code)
		}
		return Account{}, refuse(CodeBadCode, "field", "account", "value", code)
	}
	if len(c) == 4 {
		return Account{}, refuse(CodeAccountParent, "account", c, "parent", "")
	}
	var a Account
	err = b.write(ctx, by, PermChart, func(tx *store.Tx) error {
		parent, err := loadAccountUsed(ctx, tx, c[:len(c)-2])
		if CodeOf(err) == CodeUnknownAccount {
			return refuse(CodeAccountParent, "account", c, "parent", c[:len(c)-2])
		}
		if err != nil {
			return err
		}
		if parent.Used {
			return refuse(CodeAccountUsed, "account", parent.Code)
		}
		if parent.Controlled {
			return refuse(CodeAccountParent, "account", c, "parent", parent.Code)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO accounts(code, name, name_en, parent, level, category, side, aux, aux_required,
			controlled, settlement, seeded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0)`, c, n, en, parent.Code, parent.Level+1,
			parent.Category, parent.Side, parent.Aux, parent.AuxRequired, parent.Settlement)
		if isUnique(err) {
			return refuse(CodeCodeTaken, "field", "account", "value", c)
		}
		if err != nil {
			return err
		}
		if err := logChange(ctx, tx, by.Name, "account.add", entAccount, c, ""); err != nil {
			return err
		}
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if err := followSubAccount(ctx, tx, by.Name, s.Taxpayer, parent.Code, c); err != nil {
			return err
		}
		a, err = loadAccountUsed(ctx, tx, c)
		return err
	})
	return a, err
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// RenameAccount renames an account (seeded or used ones too). Needs PermChart.
func (b *Book) RenameAccount(ctx context.Context, by *User, code, name, nameEN string) error {
	n, err := cleanText("name", name, true, maxNameLen)
	if err != nil {
		return err
	}
	en, err := cleanText("name", nameEN, false, maxNameLen)
	if err != nil {
		return err
	}
	return b.write(ctx, by, PermChart, func(tx *store.Tx) error {
		a, err := loadAccount(ctx, tx, code)
		if err != nil {
			return err
		}
		return updateRow(ctx, tx, by, "account.rename", entAccount, a.Code, 0, "account", a.Code, func() error {
			_, err := tx.ExecContext(ctx, "UPDATE accounts SET name = ?, name_en = ? WHERE code = ?", n, en, a.Code)
			return err
		})
	})
}

// SetAccountActive deactivates an unused account (with its sub-accounts) that holds no
// account role (CodeAccountHasRole), or activates one (with its parents). Needs
// PermChart.
func (b *Book) SetAccountActive(ctx context.Context, by *User, code string, active bool) error {
	return b.write(ctx, by, PermChart, func(tx *store.Tx) error {
		a, err := loadAccountUsed(ctx, tx, code)
		if err != nil {
			return err
		}
		if !active && a.Used {
			return refuse(CodeAccountUsed, "account", a.Code)
		}
		if !active {
			if err := refuseRoleAccount(ctx, tx, a.Code); err != nil {
				return err
			}
		}
		q := "SELECT code FROM accounts WHERE code GLOB ? || '*' AND active <> ? ORDER BY code"
		arg := a.Code
		if active {
			q = "SELECT code FROM accounts WHERE ? GLOB code || '*' AND active <> ? ORDER BY code"
		}
		codes, err := column[string](ctx, tx, q, arg, active)
		if err != nil {
			return err
		}
		for _, c := range codes {
			err := updateRow(ctx, tx, by, "account.active", entAccount, c, 0, "account", c, func() error {
				_, err := tx.ExecContext(ctx, "UPDATE accounts SET active = ? WHERE code = ?", active, c)
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteAccount deletes an account the user added, that has no sub-accounts, was never
// used and holds no account role. Seeded accounts are only deactivated. Needs PermChart.
func (b *Book) DeleteAccount(ctx context.Context, by *User, code string) error {
	return b.write(ctx, by, PermChart, func(tx *store.Tx) error {
		a, err := loadAccountUsed(ctx, tx, code)
		if err != nil {
			return err
		}
		switch {
		case a.Seeded:
			return refuse(CodeAccountSeeded, "account", a.Code)
		case a.Used:
			return refuse(CodeAccountUsed, "account", a.Code)
		case !a.Leaf:
			return refuse(CodeAccountNotLeaf, "account", a.Code)
		}
		if err := refuseRoleAccount(ctx, tx, a.Code); err != nil {
			return err
		}
		return deleteRow(ctx, tx, by, "account.delete", entAccount, a.Code)
	})
}

// refuseRoleAccount refuses to deactivate or delete an account that holds an account role,
// or whose sub-account does (CodeAccountHasRole): move the role first.
func refuseRoleAccount(ctx context.Context, tx *store.Tx, code string) error {
	r, err := roleUnder(ctx, tx, code)
	if err != nil || r == "" {
		return err
	}
	return refuse(CodeAccountHasRole, "account", code, "role", roleKey(r))
}
