package ledger

import (
	"context"
	"database/sql"
	"errors"

	"shopbooks/store"
)

// WarehouseID identifies a warehouse row.
type WarehouseID int64

// Warehouse is a place stock is kept (仓库): a back room, the shop floor.
type Warehouse struct {
	ID      WarehouseID
	Code    string
	Name    string
	Active  bool
	Version int64
}

func loadWarehouse(ctx context.Context, tx *store.Tx, code string) (Warehouse, error) {
	var w Warehouse
	err := tx.QueryRowContext(ctx, "SELECT id, code, name, active, version FROM warehouses WHERE code = ?", Normalize(code)).
		Scan(&w.ID, &w.Code, &w.Name, &w.Active, &w.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return w, refuse(CodeUnknownWH, "field", "warehouse", "value", code)
	}
	return w, err
}

// Warehouses lists the warehouses by code; inactive ones only when asked.
func (b *Book) Warehouses(ctx context.Context, inactive bool) ([]Warehouse, error) {
	var out []Warehouse
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id, code, name, active, version FROM warehouses WHERE active = 1 OR ? ORDER BY code", inactive)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w Warehouse
			if err := rows.Scan(&w.ID, &w.Code, &w.Name, &w.Active, &w.Version); err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// Warehouse returns the warehouse with this code.
func (b *Book) Warehouse(ctx context.Context, code string) (Warehouse, error) {
	var w Warehouse
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		w, err = loadWarehouse(ctx, tx, code)
		return err
	})
	return w, fromStore(err)
}

func checkWarehouse(w *Warehouse) (err error) {
	if w.Code, err = cleanCode("code", w.Code); err != nil {
		return err
	}
	w.Name, err = cleanText("name", w.Name, true, maxNameLen)
	return err
}

// AddWarehouse adds a warehouse. Needs PermMasterData.
func (b *Book) AddWarehouse(ctx context.Context, by *User, w Warehouse) (Warehouse, error) {
	if err := checkWarehouse(&w); err != nil {
		return w, err
	}
	err := b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO warehouses(code, name) VALUES (?, ?)", w.Code, w.Name)
		if isUnique(err) {
			return refuse(CodeCodeTaken, "field", "code", "value", w.Code)
		}
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := logChange(ctx, tx, by.Name, "warehouse.add", entWarehouse, id, ""); err != nil {
			return err
		}
		w, err = loadWarehouse(ctx, tx, w.Code)
		return err
	})
	return w, err
}

// UpdateWarehouse saves an edited warehouse, found by ID, at the version read. The code
// changes only while nothing refers to the warehouse. Needs PermMasterData.
func (b *Book) UpdateWarehouse(ctx context.Context, by *User, w Warehouse) (Warehouse, error) {
	if err := checkWarehouse(&w); err != nil {
		return w, err
	}
	err := b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, "SELECT code FROM warehouses WHERE id = ?", w.ID).Scan(&old); errors.Is(err, sql.ErrNoRows) {
			return refuse(CodeUnknownWH, "value", w.Code)
		} else if err != nil {
			return err
		}
		if old != w.Code {
			if used, err := warehouseUsed(ctx, tx, w.ID); err != nil {
				return err
			} else if used {
				return refuse(CodeRecordUsed, "what", "warehouse", "value", old)
			}
		}
		err := updateRow(ctx, tx, by, "warehouse.edit", entWarehouse, w.ID, w.Version, "warehouse", old, func() error {
			_, err := tx.ExecContext(ctx, "UPDATE warehouses SET code = ?, name = ?, active = ? WHERE id = ?", w.Code, w.Name, w.Active, w.ID)
			if isUnique(err) {
				return refuse(CodeCodeTaken, "field", "code", "value", w.Code)
			}
			return err
		})
		if err != nil {
			return err
		}
		w, err = loadWarehouse(ctx, tx, w.Code)
		return err
	})
	return w, err
}

// SetWarehouseActive activates or deactivates a warehouse. Needs PermMasterData.
func (b *Book) SetWarehouseActive(ctx context.Context, by *User, code string, active bool) error {
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		w, err := loadWarehouse(ctx, tx, code)
		if err != nil {
			return err
		}
		return setActive(ctx, tx, by, entWarehouse, w.ID, w.Code, active)
	})
}

// DeleteWarehouse deletes a warehouse nothing refers to. Needs PermMasterData.
func (b *Book) DeleteWarehouse(ctx context.Context, by *User, code string) error {
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		w, err := loadWarehouse(ctx, tx, code)
		if err != nil {
			return err
		}
		used, err := warehouseUsed(ctx, tx, w.ID)
		return deleteUnused(ctx, tx, by, entWarehouse, w.ID, w.Code, used, err)
	})
}

func warehouseUsed(ctx context.Context, tx *store.Tx, id WarehouseID) (bool, error) {
	return rowUsed(ctx, tx, id, [2]string{"opening_stock", "warehouse_id"}, [2]string{"stock_moves", "warehouse_id"},
		[2]string{"docs", "warehouse_id"})
}

// deleteRow deletes one audited row and records it.
func deleteRow(ctx context.Context, tx *store.Tx, by *User, action string, e entity, id any) error {
	before, err := rowImage(ctx, tx, e, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+e.table+" WHERE "+e.key+" = ?", id); err != nil {
		return err
	}
	return logChange(ctx, tx, by.Name, action, e, id, before)
}
