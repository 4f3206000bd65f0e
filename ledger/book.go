// Package ledger is the book's domain and its services: the types (Money, Qty, Price,
// Period), master data, users and permissions, opening balances and the audit trail,
// and later documents, costing, vouchers and balances. Every write is a method of *Book
// that takes the acting *User, checks its permission, runs in one store transaction and
// appends its audit record there. Refusals are *Error values with a stable Code.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"shopbooks/assets"
	"shopbooks/store"
)

// Costing is the inventory costing method (DOMAIN.md §3).
type Costing string

// The costing methods.
const (
	CostingMoving  Costing = "moving"  // 移动加权平均
	CostingMonthly Costing = "monthly" // 月末一次加权平均
	CostingFIFO    Costing = "fifo"    // 先进先出
)

// Taxpayer is the VAT taxpayer type (DOMAIN.md §1.2).
type Taxpayer string

// The taxpayer types.
const (
	TaxpayerGeneral Taxpayer = "general" // 一般纳税人
	TaxpayerSmall   Taxpayer = "small"   // 小规模纳税人
)

// ParseCosting reads a costing method name.
func ParseCosting(field, s string) (Costing, error) {
	switch c := Costing(strings.ToLower(Normalize(s))); c {
	case CostingMoving, CostingMonthly, CostingFIFO:
		return c, nil
	}
	return "", refuse(CodeBadChoice, "field", field, "value", s, "choices", "moving, monthly, fifo")
}

// ParseTaxpayer reads a taxpayer type.
func ParseTaxpayer(field, s string) (Taxpayer, error) {
	switch t := Taxpayer(strings.ToLower(Normalize(s))); t {
	case TaxpayerGeneral, TaxpayerSmall:
		return t, nil
	}
	return "", refuse(CodeBadChoice, "field", field, "value", s, "choices", "general, small")
}

// Settings are the book's settings (DOMAIN.md §1.2).
type Settings struct {
	Name          string
	Start         Period // 启用期间: never changes
	Costing       Costing
	Taxpayer      Taxpayer // never changes
	LevyRate      Rate     // small-scale levy rate: 300 or 100
	AllowNegative bool
	Separation    bool // 制单审核分离
	VoucherMode   string
	DisposeCounts bool
	Surcharges    bool
	CityRate      Rate
	HalfSurcharge bool
	ScanMerge     bool // 扫码合并: scanning an item already on the document adds 1 to its line
	BackupKeep    int  // backups kept besides one per closed month (1–999, default 30)
	IdleLock      int  // minutes without input before a session locks; 0 never (0–480)
	CreatedAt     time.Time
	Version       int64
}

// NewBook is what Create needs: the settings, and the first user (an admin).
type NewBook struct {
	Settings
	Admin         string // default "admin"
	AdminPassword string // "" for none: a one-person shop
}

// Book is an open book. Its methods are safe for concurrent use.
type Book struct {
	db  *store.DB
	log *slog.Logger
	// pause waits after a refused login (loginBackoff); tests replace it.
	pause func(ctx context.Context, d time.Duration)
	// lastBatch is what the last committed document batch read of the master data,
	// with the audit trail's head it left: the next batch starts from it while the head
	// has not moved (no write of any kind since: every write leaves a record).
	lastBatch struct {
		sync.Mutex
		head    int64
		masters *batchMasters
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// DB exposes the store for packages that own tables of their own (closing, report).
func (b *Book) DB() *store.DB { return b.db }

// Path is the book's file.
func (b *Book) Path() string { return b.db.Path() }

// Close closes the book.
func (b *Book) Close() error { return b.db.Close() }

// SetClock replaces the clock transactions read (tests).
func (b *Book) SetClock(now func() time.Time) { b.db.Now = now }

// Open opens an existing book.
func Open(ctx context.Context, path string, log *slog.Logger) (*Book, error) {
	if err := recoverRestore(path, log); err != nil { // a restore a crash interrupted (backup.go)
		log.Error("interrupted restore not recovered", "path", path, "err", err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, fromStore(err)
	}
	return &Book{db: db, log: log, pause: sleepCtx}, nil
}

// Create makes a new book at path: settings, the first period, the chart of accounts of
// DOMAIN.md §1.3 for the taxpayer type with its account roles (§1.4), the common units,
// and an admin user; everything recorded in the audit trail. It refuses an existing file.
func Create(ctx context.Context, path string, nb NewBook, log *slog.Logger) (*Book, error) {
	s := nb.Settings
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		return nil, refuse(CodeRequired, "field", "name")
	}
	if len([]rune(s.Name)) > 100 {
		return nil, refuse(CodeTooLong, "field", "name", "max", 100)
	}
	if _, err := ParsePeriod("start", string(s.Start)); err != nil {
		return nil, err
	}
	if s.Costing == "" {
		s.Costing = CostingMoving
	}
	if _, err := ParseCosting("costing", string(s.Costing)); err != nil {
		return nil, err
	}
	if _, err := ParseTaxpayer("taxpayer", string(s.Taxpayer)); err != nil {
		return nil, err
	}
	if s.LevyRate == 0 {
		s.LevyRate = 300
	}
	if s.LevyRate != 300 && s.LevyRate != 100 {
		return nil, refuse(CodeBadChoice, "field", "levy", "value", s.LevyRate.String(), "choices", "3, 1")
	}
	admin := nb.Admin
	if admin == "" {
		admin = "admin"
	}
	admin, err := validUserName(admin)
	if err != nil {
		return nil, err
	}
	db, err := store.Create(ctx, path)
	if err != nil {
		return nil, fromStore(err)
	}
	b := &Book{db: db, log: log, pause: sleepCtx}
	hash := sql.NullString{}
	if nb.AdminPassword != "" {
		hash = sql.NullString{String: hashPassword(nb.AdminPassword), Valid: true}
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO book(id, name, start_period, costing, taxpayer, levy_bp, created_at)
			VALUES (1, ?, ?, ?, ?, ?, ?)`, s.Name, s.Start, s.Costing, s.Taxpayer, s.LevyRate, tx.Now.Format(time.RFC3339)); err != nil {
			return err
		}
		if err := logChange(ctx, tx, admin, "book.create", entBook, 1, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO periods(period) VALUES (?)", s.Start); err != nil {
			return err
		}
		if err := logChange(ctx, tx, admin, "period.open", entPeriod, string(s.Start), ""); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO users(name, role, password_hash) VALUES (?, 'admin', ?)", admin, hash)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := logChange(ctx, tx, admin, "user.add", entUser, id, ""); err != nil {
			return err
		}
		if err := seedUnits(ctx, tx, admin); err != nil {
			return err
		}
		if err := seedChart(ctx, tx, admin, s.Taxpayer); err != nil {
			return err
		}
		return seedRoles(ctx, tx, admin, s.Taxpayer)
	})
	if err != nil {
		db.Close()
		return nil, fromStore(err)
	}
	log.Info("book created", "path", path, "start", s.Start, "costing", s.Costing, "taxpayer", s.Taxpayer)
	return b, nil
}

// commonUnits are the units a new book offers (计量单位); more can be added.
var commonUnits = [][2]string{
	{"个", "pcs"}, {"件", "piece"}, {"瓶", "bottle"}, {"箱", "carton"}, {"包", "pack"}, {"袋", "bag"},
	{"盒", "box"}, {"提", "bundle"}, {"桶", "barrel"}, {"支", "stick"}, {"条", "strip"}, {"块", "block"},
	{"双", "pair"}, {"套", "set"}, {"台", "unit"}, {"张", "sheet"}, {"本", "book"}, {"卷", "roll"},
	{"罐", "can"}, {"听", "tin"}, {"只", "each"}, {"把", "handle"}, {"份", "portion"}, {"斤", "jin"},
	{"千克", "kg"}, {"克", "g"}, {"米", "m"}, {"升", "L"}, {"毫升", "mL"},
}

func seedUnits(ctx context.Context, tx *store.Tx, by string) error {
	for _, u := range commonUnits {
		if _, err := tx.ExecContext(ctx, "INSERT INTO units(name, name_en) VALUES (?, ?)", u[0], u[1]); err != nil {
			return err
		}
		if err := logChange(ctx, tx, by, "unit.add", entUnit, u[0], ""); err != nil {
			return err
		}
	}
	return nil
}

func seedChart(ctx context.Context, tx *store.Tx, by string, tp Taxpayer) error {
	type acct struct{ cat, side string }
	seen := map[string]acct{}
	for line := range strings.Lines(assets.ChartTSV) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return fmt.Errorf("chart.tsv: %q: want 7 columns", line)
		}
		code, name, nameEN, cat, side, aux, flags := f[0], f[1], f[2], f[3], f[4], f[5], f[6]
		fl := map[string]bool{}
		for _, x := range strings.Split(flags, ",") {
			fl[x] = true
		}
		if fl["gt"] && tp != TaxpayerGeneral || fl["ss"] && tp != TaxpayerSmall {
			continue
		}
		var parent any
		level := 1
		if len(code) > 4 {
			p := code[:len(code)-2]
			pa, ok := seen[p]
			if !ok {
				return fmt.Errorf("chart.tsv: %s: parent %s not seeded first", code, p)
			}
			parent, level = p, len(code)/2-1
			if cat == "-" {
				cat = pa.cat
			}
			if side == "-" {
				side = pa.side
			}
		}
		seen[code] = acct{cat, side}
		if aux == "-" {
			aux = ""
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO accounts(code, name, name_en, parent, level, category, side, aux,
			aux_required, controlled, settlement, seeded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			code, name, nameEN, parent, level, cat, side, aux, fl["required"], fl["controlled"], fl["settlement"]); err != nil {
			return fmt.Errorf("seed account %s: %w", code, err)
		}
		if err := logChange(ctx, tx, by, "account.add", entAccount, code, ""); err != nil {
			return err
		}
	}
	return nil
}

const settingsCols = `name, start_period, costing, taxpayer, levy_bp, allow_negative, separation, voucher_mode,
	dispose_counts, surcharges, city_rate_bp, surcharge_halved, scan_merge, backup_keep, idle_lock_min, created_at, version`

// Settings returns the book's settings.
func (b *Book) Settings(ctx context.Context) (Settings, error) {
	var s Settings
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		s, err = loadSettings(ctx, tx)
		return err
	})
	return s, fromStore(err)
}

func loadSettings(ctx context.Context, tx *store.Tx) (Settings, error) {
	var s Settings
	var created string
	err := tx.QueryRowContext(ctx, "SELECT "+settingsCols+" FROM book WHERE id = 1").Scan(&s.Name, &s.Start, &s.Costing,
		&s.Taxpayer, &s.LevyRate, &s.AllowNegative, &s.Separation, &s.VoucherMode, &s.DisposeCounts, &s.Surcharges,
		&s.CityRate, &s.HalfSurcharge, &s.ScanMerge, &s.BackupKeep, &s.IdleLock, &created, &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return s, refuse(CodeNotABook, "path", "")
	}
	if err != nil {
		return s, err
	}
	s.CreatedAt, _ = time.Parse(time.RFC3339, created)
	return s, nil
}

// UpdateSettings saves the settings an admin may change (DOMAIN.md §1.2): name, levy rate,
// negative stock, separation of duties, voucher mode, count disposal, surcharges. The
// first period and the taxpayer type never change; the costing method only until the
// first audited stock document. s.Version must be the version read (CodeStale otherwise).
func (b *Book) UpdateSettings(ctx context.Context, by *User, s Settings) error {
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		return refuse(CodeRequired, "field", "name")
	}
	if _, err := ParseCosting("costing", string(s.Costing)); err != nil {
		return err
	}
	if s.LevyRate != 300 && s.LevyRate != 100 {
		return refuse(CodeBadChoice, "field", "levy", "value", s.LevyRate.String(), "choices", "3, 1")
	}
	if s.VoucherMode != "document" && s.VoucherMode != "summary" {
		return refuse(CodeBadChoice, "field", "voucher_mode", "value", s.VoucherMode, "choices", "document, summary")
	}
	if s.CityRate != 700 && s.CityRate != 500 && s.CityRate != 100 {
		return refuse(CodeBadChoice, "field", "city_rate", "value", s.CityRate.String(), "choices", "7, 5, 1")
	}
	if s.BackupKeep < 1 || s.BackupKeep > 999 {
		return refuse(CodeOutOfRange, "field", "backup_keep", "value", s.BackupKeep, "min", 1, "max", 999)
	}
	if s.IdleLock < 0 || s.IdleLock > 480 {
		return refuse(CodeOutOfRange, "field", "idle_lock", "value", s.IdleLock, "min", 0, "max", 480)
	}
	return b.write(ctx, by, PermSettings, func(tx *store.Tx) error {
		cur, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if cur.Version != s.Version {
			return refuse(CodeStale, "what", "book", "value", cur.Name)
		}
		if s.Start != cur.Start || s.Taxpayer != cur.Taxpayer {
			return refuse(CodeSettingFixed, "field", "start")
		}
		if s.Costing != cur.Costing {
			fixed, err := costingFixed(ctx, tx)
			if err != nil {
				return err
			}
			if fixed {
				return refuse(CodeCostingFixed)
			}
		}
		before, err := rowImage(ctx, tx, entBook, 1)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE book SET name = ?, costing = ?, levy_bp = ?, allow_negative = ?, separation = ?,
			voucher_mode = ?, dispose_counts = ?, surcharges = ?, city_rate_bp = ?, surcharge_halved = ?, scan_merge = ?,
			backup_keep = ?, idle_lock_min = ?, version = version + 1
			WHERE id = 1`, s.Name, s.Costing, s.LevyRate, s.AllowNegative, s.Separation, s.VoucherMode, s.DisposeCounts,
			s.Surcharges, s.CityRate, s.HalfSurcharge, s.ScanMerge, s.BackupKeep, s.IdleLock); err != nil {
			return err
		}
		return logChange(ctx, tx, by.Name, "book.settings", entBook, 1, before)
	})
}

// costingFixed tells whether a stock document has been audited (DOMAIN.md §1.2: the
// method never changes after that). Until documents exist (a later schema), it is false.
func costingFixed(ctx context.Context, tx *store.Tx) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'stock_moves'").Scan(&n)
	if err != nil || n == 0 {
		return false, err
	}
	err = tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM stock_moves)").Scan(&n)
	return n == 1, err
}

// Periods returns every period of the book and whether it is closed.
func (b *Book) Periods(ctx context.Context) ([]PeriodState, error) {
	var out []PeriodState
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT period, closed FROM periods ORDER BY period")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p PeriodState
			if err := rows.Scan(&p.Period, &p.Closed); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, fromStore(err)
}

// PeriodState is a period and whether it is closed.
type PeriodState struct {
	Period Period
	Closed bool
}

func isUnique(err error) bool { return err != nil && errors.Is(store.Classify(err), store.ErrUnique) }
