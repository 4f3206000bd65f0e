-- Vouchers (记账凭证), their lines, per-period account summaries and the costing state
-- each close leaves per item (DOMAIN.md §3.5, §5, §6). Owner: package ledger.

CREATE TABLE vouchers (
	id          INTEGER PRIMARY KEY,
	period      TEXT    NOT NULL,
	no          INTEGER NOT NULL CHECK (no > 0), -- 记-0001 is 1, gap-free per period
	date        TEXT    NOT NULL CHECK (substr(date, 1, 7) = period),
	source      TEXT    NOT NULL CHECK (source IN ('manual', 'doc', 'cogs', 'disposal', 'vat', 'surcharge', 'pl', 'yearend', 'summary')),
	doc_id      INTEGER REFERENCES docs(id),
	summary     TEXT    NOT NULL DEFAULT '',
	status      TEXT    NOT NULL CHECK (status IN ('unaudited', 'audited')),
	is_pl_close INTEGER NOT NULL DEFAULT 0 CHECK (is_pl_close IN (0, 1)),
	maker       TEXT    NOT NULL,
	made_at     TEXT    NOT NULL,
	auditor     TEXT,
	audited_at  TEXT,
	version     INTEGER NOT NULL DEFAULT 1,
	UNIQUE (period, no)
) STRICT;
CREATE INDEX vouchers_doc ON vouchers(doc_id);

CREATE TABLE voucher_lines (
	id         INTEGER PRIMARY KEY,
	voucher_id INTEGER NOT NULL REFERENCES vouchers(id) ON DELETE CASCADE,
	line_no    INTEGER NOT NULL CHECK (line_no > 0),
	period     TEXT    NOT NULL, -- the voucher's, for the summaries and the closed-period guard
	summary    TEXT    NOT NULL DEFAULT '',
	account    TEXT    NOT NULL REFERENCES accounts(code),
	partner_id INTEGER REFERENCES partners(id),
	item_id    INTEGER REFERENCES items(id),
	side       TEXT    NOT NULL CHECK (side IN ('D', 'C')),
	amount     INTEGER NOT NULL CHECK (amount <> 0), -- fen; negative is red ink (红字)
	UNIQUE (voucher_id, line_no)
) STRICT;
CREATE INDEX voucher_lines_account ON voucher_lines(account, period);
CREATE INDEX voucher_lines_partner ON voucher_lines(partner_id, account) WHERE partner_id IS NOT NULL;
CREATE INDEX voucher_lines_item ON voucher_lines(item_id) WHERE item_id IS NOT NULL;

-- Movements per leaf account × partner × item × period, kept by the triggers below in
-- the same transaction as the lines; pl_debit/pl_credit are the part posted by the P&L
-- carry-forward (excluded from the profit statement, DOMAIN.md §7.2). verify re-adds them.
CREATE TABLE account_periods (
	account    TEXT    NOT NULL,
	partner_id INTEGER NOT NULL DEFAULT 0,
	item_id    INTEGER NOT NULL DEFAULT 0,
	period     TEXT    NOT NULL,
	debit      INTEGER NOT NULL DEFAULT 0,
	credit     INTEGER NOT NULL DEFAULT 0,
	pl_debit   INTEGER NOT NULL DEFAULT 0,
	pl_credit  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (account, partner_id, item_id, period)
) WITHOUT ROWID, STRICT;
CREATE INDEX account_periods_period ON account_periods(period, account);

CREATE TRIGGER voucher_lines_sum_ins AFTER INSERT ON voucher_lines
BEGIN
	INSERT INTO account_periods(account, partner_id, item_id, period, debit, credit, pl_debit, pl_credit)
	VALUES (NEW.account, ifnull(NEW.partner_id, 0), ifnull(NEW.item_id, 0), NEW.period,
		CASE NEW.side WHEN 'D' THEN NEW.amount ELSE 0 END, CASE NEW.side WHEN 'C' THEN NEW.amount ELSE 0 END,
		CASE WHEN NEW.side = 'D' AND (SELECT is_pl_close FROM vouchers WHERE id = NEW.voucher_id) THEN NEW.amount ELSE 0 END,
		CASE WHEN NEW.side = 'C' AND (SELECT is_pl_close FROM vouchers WHERE id = NEW.voucher_id) THEN NEW.amount ELSE 0 END)
	ON CONFLICT (account, partner_id, item_id, period) DO UPDATE SET
		debit = debit + excluded.debit, credit = credit + excluded.credit,
		pl_debit = pl_debit + excluded.pl_debit, pl_credit = pl_credit + excluded.pl_credit;
END;
CREATE TRIGGER voucher_lines_sum_del AFTER DELETE ON voucher_lines
BEGIN
	UPDATE account_periods SET
		debit = debit - CASE OLD.side WHEN 'D' THEN OLD.amount ELSE 0 END,
		credit = credit - CASE OLD.side WHEN 'C' THEN OLD.amount ELSE 0 END,
		pl_debit = pl_debit - CASE WHEN OLD.side = 'D' AND (SELECT is_pl_close FROM vouchers WHERE id = OLD.voucher_id) THEN OLD.amount ELSE 0 END,
		pl_credit = pl_credit - CASE WHEN OLD.side = 'C' AND (SELECT is_pl_close FROM vouchers WHERE id = OLD.voucher_id) THEN OLD.amount ELSE 0 END
	WHERE account = OLD.account AND partner_id = ifnull(OLD.partner_id, 0) AND item_id = ifnull(OLD.item_id, 0) AND period = OLD.period;
END;
-- Lines are never edited in place (a voucher's lines are replaced), and a voucher keeps
-- its P&L flag: the summaries stay true.
CREATE TRIGGER voucher_lines_no_update BEFORE UPDATE ON voucher_lines
BEGIN SELECT RAISE(ABORT, 'voucher lines are replaced, not updated'); END;
CREATE TRIGGER vouchers_pl_fixed BEFORE UPDATE OF is_pl_close, period ON vouchers
WHEN NEW.is_pl_close IS NOT OLD.is_pl_close OR NEW.period IS NOT OLD.period
BEGIN SELECT RAISE(ABORT, 'a voucher keeps its period and kind'); END;

-- The costing state each close leaves per item (DOMAIN.md §3.5): the next period opens
-- with it. Deleted by un-close.
CREATE TABLE item_period_costs (
	item_id     INTEGER NOT NULL REFERENCES items(id),
	period      TEXT    NOT NULL,
	qty         INTEGER NOT NULL,
	amount      INTEGER NOT NULL,
	last_qty    INTEGER NOT NULL DEFAULT 0,
	last_amount INTEGER NOT NULL DEFAULT 0,
	layers      TEXT    NOT NULL DEFAULT '[]', -- FIFO: [{"id":..,"qty":..,"amount":..}]
	PRIMARY KEY (item_id, period)
) WITHOUT ROWID, STRICT;

-- Closed periods are read-only.
CREATE TRIGGER vouchers_closed_ins BEFORE INSERT ON vouchers
WHEN (SELECT closed FROM periods WHERE period = NEW.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER vouchers_closed_upd BEFORE UPDATE ON vouchers
WHEN (SELECT closed FROM periods WHERE period IN (OLD.period, NEW.period) AND closed = 1) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER vouchers_closed_del BEFORE DELETE ON vouchers
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER voucher_lines_closed_ins BEFORE INSERT ON voucher_lines
WHEN (SELECT closed FROM periods WHERE period = NEW.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER voucher_lines_closed_del BEFORE DELETE ON voucher_lines
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER account_periods_closed_upd BEFORE UPDATE ON account_periods
WHEN (SELECT closed FROM periods WHERE period IN (OLD.period, NEW.period) AND closed = 1) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER account_periods_closed_ins BEFORE INSERT ON account_periods
WHEN (SELECT closed FROM periods WHERE period = NEW.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER account_periods_closed_del BEFORE DELETE ON account_periods
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER item_period_costs_closed BEFORE DELETE ON item_period_costs
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER item_period_costs_closed_upd BEFORE UPDATE ON item_period_costs
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
-- The numbering of a closed month does not move either.
CREATE TRIGGER doc_counters_closed_upd BEFORE UPDATE ON doc_counters
WHEN (SELECT closed FROM periods WHERE period IN (OLD.period, NEW.period) AND closed = 1) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER doc_counters_closed_del BEFORE DELETE ON doc_counters
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER doc_counters_closed_ins BEFORE INSERT ON doc_counters
WHEN (SELECT closed FROM periods WHERE period = NEW.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
-- A closed period is reopened only by un-close, and only the latest closed one; periods
-- close in order.
CREATE TRIGGER periods_close_in_order BEFORE UPDATE OF closed ON periods
WHEN NEW.closed = 1 AND OLD.closed = 0 AND EXISTS (SELECT 1 FROM periods WHERE period < NEW.period AND closed = 0)
BEGIN SELECT RAISE(ABORT, 'periods close in order'); END;
CREATE TRIGGER periods_reopen_latest BEFORE UPDATE OF closed ON periods
WHEN NEW.closed = 0 AND OLD.closed = 1 AND EXISTS (SELECT 1 FROM periods WHERE period > NEW.period AND closed = 1)
BEGIN SELECT RAISE(ABORT, 'only the latest closed period reopens'); END;
