-- The book: master data, users, opening balances, periods and the audit trail.
-- Owner of every table in this file: package ledger (it alone writes them).
-- Units: money INTEGER fen; quantities INTEGER ×10⁴; unit prices INTEGER ×10⁶;
-- rates INTEGER basis points; dates TEXT YYYY-MM-DD; periods TEXT YYYY-MM.
-- `items` comes first on purpose: tools that look for "the item table" find it.

CREATE TABLE items (
	id             INTEGER PRIMARY KEY,
	code           TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (code <> ''),
	name           TEXT    NOT NULL CHECK (name <> ''),
	mnemonic       TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
	spec           TEXT    NOT NULL DEFAULT '',
	unit           TEXT    NOT NULL REFERENCES units(name),
	category_id    INTEGER REFERENCES categories(id),
	barcode        TEXT    NOT NULL DEFAULT '',
	vat_bp         INTEGER NOT NULL DEFAULT 1300 CHECK (vat_bp BETWEEN 0 AND 10000),
	buy_price      INTEGER NOT NULL DEFAULT 0 CHECK (buy_price >= 0),
	sell_price     INTEGER NOT NULL DEFAULT 0 CHECK (sell_price >= 0),
	reorder_qty    INTEGER NOT NULL DEFAULT 0 CHECK (reorder_qty >= 0),
	ref_cost       INTEGER NOT NULL DEFAULT 0 CHECK (ref_cost >= 0),
	other_business INTEGER NOT NULL DEFAULT 0 CHECK (other_business IN (0, 1)),
	active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version        INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE UNIQUE INDEX items_barcode ON items(barcode) WHERE barcode <> '';
CREATE INDEX items_mnemonic ON items(mnemonic);

CREATE TABLE units (
	name    TEXT    PRIMARY KEY CHECK (name <> ''),
	name_en TEXT    NOT NULL DEFAULT '',
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE UNIQUE INDEX units_name_en ON units(name_en COLLATE NOCASE) WHERE name_en <> '';

CREATE TABLE categories (
	id      INTEGER PRIMARY KEY,
	code    TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (code <> ''),
	name    TEXT    NOT NULL CHECK (name <> ''),
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE warehouses (
	id      INTEGER PRIMARY KEY,
	code    TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (code <> ''),
	name    TEXT    NOT NULL CHECK (name <> ''),
	active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE partners (
	id          INTEGER PRIMARY KEY,
	code        TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (code <> ''),
	name        TEXT    NOT NULL CHECK (name <> ''),
	mnemonic    TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
	is_customer INTEGER NOT NULL DEFAULT 0 CHECK (is_customer IN (0, 1)),
	is_supplier INTEGER NOT NULL DEFAULT 0 CHECK (is_supplier IN (0, 1)),
	contact     TEXT    NOT NULL DEFAULT '',
	phone       TEXT    NOT NULL DEFAULT '',
	tax_id      TEXT    NOT NULL DEFAULT '',
	address     TEXT    NOT NULL DEFAULT '',
	terms_days  INTEGER NOT NULL DEFAULT 0 CHECK (terms_days BETWEEN 0 AND 3650),
	active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version     INTEGER NOT NULL DEFAULT 1,
	CHECK (is_customer = 1 OR is_supplier = 1)
) STRICT;
CREATE INDEX partners_mnemonic ON partners(mnemonic);

-- Chart of accounts (DOMAIN.md §1.3). level 1..3 from the 4-2-2 code; aux is the
-- auxiliary dimension ('' none, customer, supplier, partner, item).
CREATE TABLE accounts (
	code         TEXT    PRIMARY KEY CHECK (length(code) IN (4, 6, 8) AND code NOT GLOB '*[^0-9]*'),
	name         TEXT    NOT NULL CHECK (name <> ''),
	name_en      TEXT    NOT NULL DEFAULT '',
	parent       TEXT    REFERENCES accounts(code),
	level        INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
	category     TEXT    NOT NULL CHECK (category IN ('A', 'L', 'E', 'C', 'P')),
	side         TEXT    NOT NULL CHECK (side IN ('D', 'C')),
	aux          TEXT    NOT NULL DEFAULT '' CHECK (aux IN ('', 'customer', 'supplier', 'partner', 'item')),
	aux_required INTEGER NOT NULL DEFAULT 0 CHECK (aux_required IN (0, 1)),
	controlled   INTEGER NOT NULL DEFAULT 0 CHECK (controlled IN (0, 1)),
	settlement   INTEGER NOT NULL DEFAULT 0 CHECK (settlement IN (0, 1)),
	seeded       INTEGER NOT NULL DEFAULT 0 CHECK (seeded IN (0, 1)),
	active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version      INTEGER NOT NULL DEFAULT 1,
	CHECK ((level = 1) = (parent IS NULL))
) STRICT;
CREATE INDEX accounts_parent ON accounts(parent);

-- The book's settings (DOMAIN.md §1.2): exactly one row.
CREATE TABLE book (
	id                INTEGER PRIMARY KEY CHECK (id = 1),
	name              TEXT    NOT NULL CHECK (name <> ''),
	start_period      TEXT    NOT NULL CHECK (start_period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
	costing           TEXT    NOT NULL CHECK (costing IN ('moving', 'monthly', 'fifo')),
	taxpayer          TEXT    NOT NULL CHECK (taxpayer IN ('general', 'small')),
	levy_bp           INTEGER NOT NULL DEFAULT 300 CHECK (levy_bp IN (100, 300)),
	allow_negative    INTEGER NOT NULL DEFAULT 0 CHECK (allow_negative IN (0, 1)),
	separation        INTEGER NOT NULL DEFAULT 0 CHECK (separation IN (0, 1)),
	voucher_mode      TEXT    NOT NULL DEFAULT 'document' CHECK (voucher_mode IN ('document', 'summary')),
	dispose_counts    INTEGER NOT NULL DEFAULT 1 CHECK (dispose_counts IN (0, 1)),
	surcharges        INTEGER NOT NULL DEFAULT 0 CHECK (surcharges IN (0, 1)),
	city_rate_bp      INTEGER NOT NULL DEFAULT 700 CHECK (city_rate_bp IN (100, 500, 700)),
	surcharge_halved  INTEGER NOT NULL DEFAULT 0 CHECK (surcharge_halved IN (0, 1)),
	created_at        TEXT    NOT NULL,
	version           INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
	role          TEXT    NOT NULL CHECK (role IN ('admin', 'accountant', 'clerk', 'viewer')),
	password_hash TEXT,
	can_unclose   INTEGER NOT NULL DEFAULT 0 CHECK (can_unclose IN (0, 1)),
	can_view_cost INTEGER NOT NULL DEFAULT 0 CHECK (can_view_cost IN (0, 1)),
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version       INTEGER NOT NULL DEFAULT 1
) STRICT;

-- Periods: a row per month from the first period on; closed = 1 locks every row that
-- carries that period (triggers below and in later migrations).
CREATE TABLE periods (
	period    TEXT    PRIMARY KEY CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
	closed    INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
	closed_at TEXT,
	closed_by TEXT
) STRICT;

-- Opening balances (DOMAIN.md §6.1), before the first period, per leaf account and, for
-- accounts with an auxiliary, per partner. amount is debit-positive fen. ytd_debit and
-- ytd_credit are the year-to-date movements when the first period is not January (P&L
-- leaves: the YTD amounts of the profit statement).
CREATE TABLE opening_balances (
	id         INTEGER PRIMARY KEY,
	account    TEXT    NOT NULL REFERENCES accounts(code),
	partner_id INTEGER REFERENCES partners(id),
	amount     INTEGER NOT NULL DEFAULT 0,
	ytd_debit  INTEGER NOT NULL DEFAULT 0,
	ytd_credit INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX opening_balances_key ON opening_balances(account, ifnull(partner_id, 0));

-- Opening stock per item × warehouse; Σ amount is the opening balance of 1405.
CREATE TABLE opening_stock (
	id           INTEGER PRIMARY KEY,
	item_id      INTEGER NOT NULL REFERENCES items(id),
	warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
	qty          INTEGER NOT NULL CHECK (qty >= 0),
	amount       INTEGER NOT NULL CHECK (amount >= 0),
	CHECK (qty > 0 OR amount = 0),
	UNIQUE (item_id, warehouse_id)
) STRICT;
CREATE INDEX opening_stock_warehouse ON opening_stock(warehouse_id);

-- The audit trail (DOMAIN.md §9): append-only and hash-chained. hash = SHA-256 of
-- prev_hash and the record's content (ledger/audit.go says exactly which bytes).
-- image = 1 when before/after are full row images of entity/entity_id, which `verify`
-- compares with the rows themselves.
CREATE TABLE audit_log (
	seq       INTEGER PRIMARY KEY,
	at        TEXT    NOT NULL,
	user_name TEXT    NOT NULL,
	action    TEXT    NOT NULL,
	entity    TEXT    NOT NULL,
	entity_id TEXT    NOT NULL,
	image     INTEGER NOT NULL CHECK (image IN (0, 1)),
	before    TEXT,
	after     TEXT,
	reason    TEXT    NOT NULL DEFAULT '',
	prev_hash TEXT    NOT NULL,
	hash      TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, seq) WHERE image = 1;
CREATE INDEX audit_log_action ON audit_log(action, entity, entity_id, at) WHERE image = 0;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT ifnull(max(seq), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT ifnull((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '')
BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: record out of sequence'); END;

-- A closed period cannot change. The opening balances belong to the first period.
CREATE TRIGGER opening_balances_closed_ins BEFORE INSERT ON opening_balances
WHEN (SELECT closed FROM periods WHERE period = (SELECT start_period FROM book)) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER opening_balances_closed_upd BEFORE UPDATE ON opening_balances
WHEN (SELECT closed FROM periods WHERE period = (SELECT start_period FROM book)) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER opening_balances_closed_del BEFORE DELETE ON opening_balances
WHEN (SELECT closed FROM periods WHERE period = (SELECT start_period FROM book)) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER opening_stock_closed_ins BEFORE INSERT ON opening_stock
WHEN (SELECT closed FROM periods WHERE period = (SELECT start_period FROM book)) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER opening_stock_closed_upd BEFORE UPDATE ON opening_stock
WHEN (SELECT closed FROM periods WHERE period = (SELECT start_period FROM book)) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER opening_stock_closed_del BEFORE DELETE ON opening_stock
WHEN (SELECT closed FROM periods WHERE period = (SELECT start_period FROM book)) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
-- A closed period's row is not deleted; the start period and the costing method are fixed.
CREATE TRIGGER periods_closed_del BEFORE DELETE ON periods WHEN OLD.closed = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER book_start_fixed BEFORE UPDATE OF start_period, taxpayer ON book
WHEN NEW.start_period IS NOT OLD.start_period OR NEW.taxpayer IS NOT OLD.taxpayer
BEGIN SELECT RAISE(ABORT, 'first period and taxpayer type never change'); END;
