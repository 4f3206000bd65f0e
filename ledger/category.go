package ledger

import (
	"context"
	"database/sql"
	"errors"

	"shopbooks/store"
)

// Category groups items (商品类别) for reports and filters.
type Category struct {
	ID      int64
	Code    string
	Name    string
	Active  bool
	Version int64
}

// Unit is a unit of measure (计量单位) items are counted in.
type Unit struct {
	Name   string // as shown and stored on items: 瓶, 箱, 千克
	NameEN string
	Active bool
}

// Categories lists the categories by code.
func (b *Book) Categories(ctx context.Context) ([]Category, error) {
	var out []Category
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id, code, name, active, version FROM categories ORDER BY code")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Category
			if err := rows.Scan(&c.ID, &c.Code, &c.Name, &c.Active, &c.Version); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

func checkCategory(c *Category) (err error) {
	if c.Code, err = cleanCode("code", c.Code); err != nil {
		return err
	}
	c.Name, err = cleanText("name", c.Name, true, maxNameLen)
	return err
}

func loadCategory(ctx context.Context, tx *store.Tx, code string) (Category, error) {
	var c Category
	err := tx.QueryRowContext(ctx, "SELECT id, code, name, active, version FROM categories WHERE code = ?", Normalize(code)).
		Scan(&c.ID, &c.Code, &c.Name, &c.Active, &c.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return c, refuse(CodeUnknownCategory, "field", "category", "value", code)
	}
	return c, err
}

// AddCategory adds an item category. Needs PermMasterData.
func (b *Book) AddCategory(ctx context.Context, by *User, c Category) (Category, error) {
	if err := checkCategory(&c); err != nil {
		return c, err
	}
	err := b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO categories(code, name) VALUES (?, ?)", c.Code, c.Name)
		if isUnique(err) {
			return refuse(CodeCodeTaken, "field", "code", "value", c.Code)
		}
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := logChange(ctx, tx, by.Name, "category.add", entCategory, id, ""); err != nil {
			return err
		}
		c, err = loadCategory(ctx, tx, c.Code)
		return err
	})
	return c, err
}

// UpdateCategory renames a category or changes its code or active flag, at the version
// read. Needs PermMasterData.
func (b *Book) UpdateCategory(ctx context.Context, by *User, c Category) (Category, error) {
	if err := checkCategory(&c); err != nil {
		return c, err
	}
	err := b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		err := updateRow(ctx, tx, by, "category.edit", entCategory, c.ID, c.Version, "category", c.Code, func() error {
			_, err := tx.ExecContext(ctx, "UPDATE categories SET code = ?, name = ?, active = ? WHERE id = ?", c.Code, c.Name, c.Active, c.ID)
			if isUnique(err) {
				return refuse(CodeCodeTaken, "field", "code", "value", c.Code)
			}
			return err
		})
		if err != nil {
			return err
		}
		c, err = loadCategory(ctx, tx, c.Code)
		return err
	})
	return c, err
}

// Units lists the units of measure by name.
func (b *Book) Units(ctx context.Context) ([]Unit, error) {
	var out []Unit
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT name, name_en, active FROM units ORDER BY rowid")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u Unit
			if err := rows.Scan(&u.Name, &u.NameEN, &u.Active); err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// AddUnit adds a unit of measure. Needs PermMasterData.
func (b *Book) AddUnit(ctx context.Context, by *User, name, nameEN string) error {
	n, err := cleanText("unit", Normalize(name), true, 10)
	if err != nil {
		return err
	}
	en, err := cleanText("name_en", nameEN, false, 20)
	if err != nil {
		return err
	}
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO units(name, name_en) VALUES (?, ?)", n, en)
		if isUnique(err) {
			var same int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM units WHERE name = ?", n).Scan(&same); err != nil {
				return err
			}
			if same == 0 {
				return refuse(CodeCodeTaken, "field", "name_en", "value", en)
			}
			return refuse(CodeCodeTaken, "field", "unit", "value", n)
		}
		if err != nil {
			return err
		}
		return logChange(ctx, tx, by.Name, "unit.add", entUnit, n, "")
	})
}
