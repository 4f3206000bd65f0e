package ledger

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"shopbooks/store"
)

// PartnerID identifies a partner row.
type PartnerID int64

// Partner is a customer, a supplier, or both (往来单位).
type Partner struct {
	ID        PartnerID
	Code      string
	Name      string
	Mnemonic  string // 助记码: "" on save makes it from the name
	Customer  bool
	Supplier  bool
	Contact   string
	Phone     string
	TaxID     string // 纳税人识别号
	Address   string
	TermsDays int // 账期: days until a sale or purchase on credit is due
	Active    bool
	Version   int64
}

// PartnerFilter selects partners: Text matches any part of code, name or 助记码;
// Customers or Suppliers restrict to that kind (neither: all).
type PartnerFilter struct {
	Text      string
	Customers bool
	Suppliers bool
	Inactive  bool
}

const partnerCols = "id, code, name, mnemonic, is_customer, is_supplier, contact, phone, tax_id, address, terms_days, active, version"

func scanPartner(row interface{ Scan(...any) error }) (Partner, error) {
	var p Partner
	err := row.Scan(&p.ID, &p.Code, &p.Name, &p.Mnemonic, &p.Customer, &p.Supplier, &p.Contact, &p.Phone, &p.TaxID,
		&p.Address, &p.TermsDays, &p.Active, &p.Version)
	return p, err
}

func loadPartner(ctx context.Context, tx *store.Tx, code string) (Partner, error) {
	p, err := scanPartner(tx.QueryRowContext(ctx, "SELECT "+partnerCols+" FROM partners WHERE code = ?", Normalize(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, refuse(CodeUnknownPartner, "field", "partner", "value", code)
	}
	return p, err
}

// Partners lists partners by code.
func (b *Book) Partners(ctx context.Context, f PartnerFilter) ([]Partner, error) {
	q := "SELECT " + partnerCols + " FROM partners WHERE 1"
	var args []any
	if !f.Inactive {
		q += " AND active = 1"
	}
	if f.Customers && !f.Suppliers {
		q += " AND is_customer = 1"
	}
	if f.Suppliers && !f.Customers {
		q += " AND is_supplier = 1"
	}
	if t := Normalize(f.Text); t != "" {
		q += ` AND (code LIKE ?1 ESCAPE '\' OR name LIKE ?1 ESCAPE '\' OR mnemonic LIKE ?1 ESCAPE '\')`
		args = append(args, likePattern(t))
	}
	q += " ORDER BY code"
	var out []Partner
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPartner(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// Partner returns the partner with this code.
func (b *Book) Partner(ctx context.Context, code string) (Partner, error) {
	var p Partner
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = loadPartner(ctx, tx, code)
		return err
	})
	return p, fromStore(err)
}

func checkPartner(p *Partner) (err error) {
	if p.Code, err = cleanCode("code", p.Code); err != nil {
		return err
	}
	if p.Name, err = cleanText("name", p.Name, true, maxNameLen); err != nil {
		return err
	}
	if !p.Customer && !p.Supplier {
		return refuse(CodeRequired, "field", "kind")
	}
	p.Mnemonic = strings.ToUpper(Normalize(p.Mnemonic))
	if p.Mnemonic == "" {
		p.Mnemonic = Mnemonic(p.Name)
	}
	if p.Mnemonic, err = cleanText("mnemonic", p.Mnemonic, false, maxCodeLen); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"contact", &p.Contact, 50}, {"phone", &p.Phone, 50}, {"tax_id", &p.TaxID, 30}, {"address", &p.Address, 200}} {
		if *f.v, err = cleanText(f.name, *f.v, false, f.max); err != nil {
			return err
		}
	}
	p.TaxID = strings.ToUpper(Normalize(p.TaxID))
	if p.TermsDays < 0 || p.TermsDays > 3650 {
		return refuse(CodeNumberTooBig, "field", "terms", "value", itoa(p.TermsDays))
	}
	return nil
}

// AddPartner adds a customer and/or supplier. Needs PermMasterData.
func (b *Book) AddPartner(ctx context.Context, by *User, p Partner) (Partner, error) {
	if err := checkPartner(&p); err != nil {
		return p, err
	}
	err := b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		var err error
		p, err = addPartner(ctx, tx, by, p)
		return err
	})
	return p, err
}

// AddPartners adds many partners in one transaction (an import): all or none. A
// refusal names the failing partner's index in Args["row"]. Needs PermMasterData.
func (b *Book) AddPartners(ctx context.Context, by *User, ps []Partner) error {
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		for i, p := range ps {
			if err := checkPartner(&p); err != nil {
				return withRow(err, i)
			}
			if _, err := addPartner(ctx, tx, by, p); err != nil {
				return withRow(err, i)
			}
		}
		return nil
	})
}

func addPartner(ctx context.Context, tx *store.Tx, by *User, p Partner) (Partner, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO partners(code, name, mnemonic, is_customer, is_supplier, contact, phone,
		tax_id, address, terms_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Code, p.Name, p.Mnemonic, p.Customer,
		p.Supplier, p.Contact, p.Phone, p.TaxID, p.Address, p.TermsDays)
	if isUnique(err) {
		return p, refuse(CodeCodeTaken, "field", "code", "value", p.Code)
	}
	if err != nil {
		return p, err
	}
	id, _ := res.LastInsertId()
	if err := logChange(ctx, tx, by.Name, "partner.add", entPartner, id, ""); err != nil {
		return p, err
	}
	return loadPartner(ctx, tx, p.Code)
}

// UpdatePartner saves an edited partner, found by ID, at the version read. The code
// changes only while nothing refers to the partner. Needs PermMasterData.
func (b *Book) UpdatePartner(ctx context.Context, by *User, p Partner) (Partner, error) {
	if err := checkPartner(&p); err != nil {
		return p, err
	}
	err := b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, "SELECT code FROM partners WHERE id = ?", p.ID).Scan(&old); errors.Is(err, sql.ErrNoRows) {
			return refuse(CodeUnknownPartner, "value", p.Code)
		} else if err != nil {
			return err
		}
		if old != p.Code {
			if used, err := partnerUsed(ctx, tx, p.ID); err != nil {
				return err
			} else if used {
				return refuse(CodeRecordUsed, "what", "partner", "value", old)
			}
		}
		err := updateRow(ctx, tx, by, "partner.edit", entPartner, p.ID, p.Version, "partner", old, func() error {
			_, err := tx.ExecContext(ctx, `UPDATE partners SET code = ?, name = ?, mnemonic = ?, is_customer = ?, is_supplier = ?,
				contact = ?, phone = ?, tax_id = ?, address = ?, terms_days = ?, active = ? WHERE id = ?`, p.Code, p.Name,
				p.Mnemonic, p.Customer, p.Supplier, p.Contact, p.Phone, p.TaxID, p.Address, p.TermsDays, p.Active, p.ID)
			if isUnique(err) {
				return refuse(CodeCodeTaken, "field", "code", "value", p.Code)
			}
			return err
		})
		if err != nil {
			return err
		}
		p, err = loadPartner(ctx, tx, p.Code)
		return err
	})
	return p, err
}

// SetPartnerActive activates or deactivates a partner. Needs PermMasterData.
func (b *Book) SetPartnerActive(ctx context.Context, by *User, code string, active bool) error {
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		p, err := loadPartner(ctx, tx, code)
		if err != nil {
			return err
		}
		return setActive(ctx, tx, by, entPartner, p.ID, p.Code, active)
	})
}

// DeletePartner deletes a partner nothing refers to; a used one can only be
// deactivated. Needs PermMasterData.
func (b *Book) DeletePartner(ctx context.Context, by *User, code string) error {
	return b.write(ctx, by, PermMasterData, func(tx *store.Tx) error {
		p, err := loadPartner(ctx, tx, code)
		if err != nil {
			return err
		}
		used, err := partnerUsed(ctx, tx, p.ID)
		return deleteUnused(ctx, tx, by, entPartner, p.ID, p.Code, used, err)
	})
}

func partnerUsed(ctx context.Context, tx *store.Tx, id PartnerID) (bool, error) {
	return rowUsed(ctx, tx, id, [2]string{"opening_balances", "partner_id"}, [2]string{"docs", "partner_id"},
		[2]string{"voucher_lines", "partner_id"})
}
