-- Documents, their lines, stock movements and on-hand quantities (DOMAIN.md §3, §4).
-- Owner of every table in this file: package ledger.
-- A document belongs to the period of its date; the triggers at the end refuse any
-- write to a document, a line or a movement of a closed period.

-- Gap-free numbering per type per month (DOMAIN.md §4.2); `last` is the highest number
-- given. Also the book-wide audit sequence (type '*', period '*'): costing order.
CREATE TABLE doc_counters (
	type   TEXT    NOT NULL,
	period TEXT    NOT NULL,
	last   INTEGER NOT NULL CHECK (last >= 0),
	PRIMARY KEY (type, period)
) STRICT;

CREATE TABLE docs (
	id              INTEGER PRIMARY KEY,
	type            TEXT    NOT NULL CHECK (type IN ('CD','CG','CT','XD','XS','XT','DB','PD','QR','QC','SK','FK','FY')),
	number          TEXT    NOT NULL UNIQUE,
	seq             INTEGER NOT NULL CHECK (seq > 0),
	date            TEXT    NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	period          TEXT    NOT NULL CHECK (period = substr(date, 1, 7)),
	status          TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'audited', 'voided')),
	order_closed    INTEGER NOT NULL DEFAULT 0 CHECK (order_closed IN (0, 1)),
	partner_id      INTEGER REFERENCES partners(id),
	warehouse_id    INTEGER REFERENCES warehouses(id),
	to_warehouse_id INTEGER REFERENCES warehouses(id),
	account         TEXT    REFERENCES accounts(code), -- settlement account K, or the counter-account of QR/QC
	inclusive       INTEGER NOT NULL DEFAULT 0 CHECK (inclusive IN (0, 1)),
	deductible      INTEGER NOT NULL DEFAULT 1 CHECK (deductible IN (0, 1)), -- 专用发票 (GT input VAT)
	source_id       INTEGER REFERENCES docs(id), -- the order of a receipt/delivery; the source of a return
	memo            TEXT    NOT NULL DEFAULT '',
	amount          INTEGER NOT NULL DEFAULT 0, -- SK/FK: the amount received or paid
	paid            INTEGER NOT NULL DEFAULT 0, -- S: paid or received now through the settlement account
	advance_used    INTEGER NOT NULL DEFAULT 0, -- P: 冲预付/冲预收
	applied         INTEGER NOT NULL DEFAULT 0, -- SK/FK: the part that settles receivables/payables
	advance         INTEGER NOT NULL DEFAULT 0, -- SK/FK: the part that is an advance (预收/预付)
	net             INTEGER NOT NULL DEFAULT 0, -- N = Σ line net
	vat             INTEGER NOT NULL DEFAULT 0, -- T = Σ line VAT
	gross           INTEGER NOT NULL DEFAULT 0, -- G = N + T
	maker           TEXT    NOT NULL,
	made_at         TEXT    NOT NULL,
	auditor         TEXT,
	audited_at      TEXT,
	audit_seq       INTEGER, -- costing order: the book-wide audit counter at its audit
	version         INTEGER NOT NULL DEFAULT 1,
	UNIQUE (type, period, seq)
) STRICT;
CREATE INDEX docs_period ON docs(period, type);
CREATE INDEX docs_partner ON docs(partner_id, date);
CREATE INDEX docs_source ON docs(source_id);

CREATE TABLE doc_lines (
	id               INTEGER PRIMARY KEY,
	doc_id           INTEGER NOT NULL REFERENCES docs(id) ON DELETE CASCADE,
	line_no          INTEGER NOT NULL CHECK (line_no > 0),
	item_id          INTEGER REFERENCES items(id),
	warehouse_id     INTEGER REFERENCES warehouses(id),
	qty              INTEGER NOT NULL DEFAULT 0, -- ×10⁴; PD: the counted quantity
	price            INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0), -- ×10⁶, as entered (inclusive or not per the document)
	discount_rate    INTEGER NOT NULL DEFAULT 0, -- basis points of the base
	discount_amount  INTEGER, -- fen, when the user gave an amount
	vat_bp           INTEGER NOT NULL DEFAULT 0,
	vat_override     INTEGER, -- fen, to match an issued invoice
	base             INTEGER NOT NULL DEFAULT 0,
	discount         INTEGER NOT NULL DEFAULT 0,
	net              INTEGER NOT NULL DEFAULT 0,
	vat              INTEGER NOT NULL DEFAULT 0,
	gross            INTEGER NOT NULL DEFAULT 0,
	inv_amount       INTEGER NOT NULL DEFAULT 0, -- the inventory amount of a fixed inflow or a purchase return (§2.3)
	source_line_id   INTEGER REFERENCES doc_lines(id),
	book_qty         INTEGER, -- PD: the book quantity at audit
	abnormal         INTEGER NOT NULL DEFAULT 0 CHECK (abnormal IN (0, 1)), -- PD: 非正常损失
	account          TEXT    REFERENCES accounts(code), -- FY: the expense account
	memo             TEXT    NOT NULL DEFAULT '',
	UNIQUE (doc_id, line_no)
) STRICT;
CREATE INDEX doc_lines_item ON doc_lines(item_id);
CREATE INDEX doc_lines_source ON doc_lines(source_line_id);

-- Stock movements of audited documents, per item × warehouse. qty and amount are signed
-- (+ in, − out); kind is costing's MoveKind (0 for a transfer, which costing ignores).
-- amount, adj, qty_after and amount_after are the costing results (item level, all
-- warehouses), provisional until the close.
CREATE TABLE stock_moves (
	id           INTEGER PRIMARY KEY,
	doc_id       INTEGER NOT NULL REFERENCES docs(id),
	line_id      INTEGER NOT NULL REFERENCES doc_lines(id),
	item_id      INTEGER NOT NULL REFERENCES items(id),
	warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
	date         TEXT    NOT NULL,
	period       TEXT    NOT NULL CHECK (period = substr(date, 1, 7)),
	audit_seq    INTEGER NOT NULL,
	line_no      INTEGER NOT NULL,
	sub          INTEGER NOT NULL DEFAULT 0, -- a transfer's out (0) and in (1)
	kind         INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 5),
	qty          INTEGER NOT NULL CHECK (qty <> 0),
	fixed        INTEGER NOT NULL DEFAULT 0, -- the amount is the document's, not costing's
	link         TEXT    NOT NULL DEFAULT '', -- costing's Move.Link
	amount       INTEGER NOT NULL DEFAULT 0,
	adj          INTEGER NOT NULL DEFAULT 0,
	qty_after    INTEGER NOT NULL DEFAULT 0,
	amount_after INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX stock_moves_order ON stock_moves(item_id, date, audit_seq, line_no, sub);
CREATE INDEX stock_moves_wh ON stock_moves(item_id, warehouse_id, date);
CREATE INDEX stock_moves_doc ON stock_moves(doc_id);
CREATE INDEX stock_moves_line ON stock_moves(line_id);
CREATE INDEX stock_moves_link ON stock_moves(link) WHERE link <> '';
CREATE INDEX stock_moves_period ON stock_moves(period, item_id);

-- On-hand quantity per item × warehouse over every audited movement and the opening
-- stock: kept in the same transaction as the movements; verify re-adds them.
CREATE TABLE stock_on_hand (
	item_id      INTEGER NOT NULL REFERENCES items(id),
	warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
	qty          INTEGER NOT NULL,
	PRIMARY KEY (item_id, warehouse_id)
) WITHOUT ROWID, STRICT;

-- Closed periods are read-only (DOMAIN.md §6; ARCHITECTURE.md storage rules).
CREATE TRIGGER docs_closed_ins BEFORE INSERT ON docs
WHEN (SELECT closed FROM periods WHERE period = NEW.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER docs_closed_upd BEFORE UPDATE ON docs
WHEN (SELECT closed FROM periods WHERE period IN (OLD.period, NEW.period) AND closed = 1) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER docs_closed_del BEFORE DELETE ON docs
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER doc_lines_closed_ins BEFORE INSERT ON doc_lines
WHEN (SELECT p.closed FROM docs d JOIN periods p ON p.period = d.period WHERE d.id = NEW.doc_id) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER doc_lines_closed_upd BEFORE UPDATE ON doc_lines
WHEN (SELECT max(p.closed) FROM docs d JOIN periods p ON p.period = d.period WHERE d.id IN (OLD.doc_id, NEW.doc_id)) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER doc_lines_closed_del BEFORE DELETE ON doc_lines
WHEN (SELECT p.closed FROM docs d JOIN periods p ON p.period = d.period WHERE d.id = OLD.doc_id) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER stock_moves_closed_ins BEFORE INSERT ON stock_moves
WHEN (SELECT closed FROM periods WHERE period = NEW.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER stock_moves_closed_upd BEFORE UPDATE ON stock_moves
WHEN (SELECT closed FROM periods WHERE period IN (OLD.period, NEW.period) AND closed = 1) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER stock_moves_closed_del BEFORE DELETE ON stock_moves
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;

-- A book made before documents existed: its opening stock is its on-hand.
INSERT INTO stock_on_hand(item_id, warehouse_id, qty) SELECT item_id, warehouse_id, qty FROM opening_stock;
