-- The close writes a month's generated vouchers at once (thousands of lines) and un-close
-- deletes them at once. Adding each line to account_periods one upsert at a time is most
-- of that work, so the close may put the summary of its own lines off to the end of the
-- same transaction: while summary_deferred holds its row, the voucher lines' summary
-- triggers stand aside, and the writer adds (or takes back) the sums of the lines it
-- wrote (or deletes), a few hundred sums a statement, before it deletes the row again.
-- The row never outlives the transaction that inserted it: a crash rolls back the lines,
-- the sums and the row together. verify still adds the lines up against account_periods.
-- Owner: package ledger.
CREATE TABLE summary_deferred (
	id INTEGER PRIMARY KEY CHECK (id = 1)
) STRICT;

DROP TRIGGER voucher_lines_sum_ins;
CREATE TRIGGER voucher_lines_sum_ins AFTER INSERT ON voucher_lines
WHEN NOT EXISTS (SELECT 1 FROM summary_deferred)
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

DROP TRIGGER voucher_lines_sum_del;
CREATE TRIGGER voucher_lines_sum_del AFTER DELETE ON voucher_lines
WHEN NOT EXISTS (SELECT 1 FROM summary_deferred)
BEGIN
	UPDATE account_periods SET
		debit = debit - CASE OLD.side WHEN 'D' THEN OLD.amount ELSE 0 END,
		credit = credit - CASE OLD.side WHEN 'C' THEN OLD.amount ELSE 0 END,
		pl_debit = pl_debit - CASE WHEN OLD.side = 'D' AND (SELECT is_pl_close FROM vouchers WHERE id = OLD.voucher_id) THEN OLD.amount ELSE 0 END,
		pl_credit = pl_credit - CASE WHEN OLD.side = 'C' AND (SELECT is_pl_close FROM vouchers WHERE id = OLD.voucher_id) THEN OLD.amount ELSE 0 END
	WHERE account = OLD.account AND partner_id = ifnull(OLD.partner_id, 0) AND item_id = ifnull(OLD.item_id, 0) AND period = OLD.period;
END;

-- What the audited documents of each closed period did to each partner's four balances
-- (DOMAIN.md §6.2 W4: receivable 1122, advance received 2203, payable 2202, prepayment
-- 1123; debit-positive fen, as ledger's docEffectSQL reads a document). The close writes
-- its period's rows and un-close deletes them, so the check of a month adds up the rows of
-- the closed months and the documents of the open ones, not years of documents. A closed
-- period's rows never change, like its documents. Owner: package ledger.
CREATE TABLE partner_doc_periods (
	period           TEXT    NOT NULL,
	partner_id       INTEGER NOT NULL REFERENCES partners(id),
	receivable       INTEGER NOT NULL,
	advance_received INTEGER NOT NULL,
	payable          INTEGER NOT NULL,
	prepayment       INTEGER NOT NULL,
	PRIMARY KEY (period, partner_id)
) WITHOUT ROWID, STRICT;

-- The periods closed before this version (the CASEs are docEffectSQL's).
INSERT INTO partner_doc_periods(period, partner_id, receivable, advance_received, payable, prepayment)
	SELECT d.period, d.partner_id,
		sum(CASE d.type WHEN 'XS' THEN d.gross - d.advance_used - d.paid WHEN 'XT' THEN -(d.gross - d.paid)
			WHEN 'SK' THEN -d.applied ELSE 0 END),
		sum(CASE d.type WHEN 'XS' THEN d.advance_used WHEN 'SK' THEN -d.advance ELSE 0 END),
		sum(CASE d.type WHEN 'CG' THEN -(d.gross - d.advance_used - d.paid) WHEN 'CT' THEN d.gross - d.paid
			WHEN 'FK' THEN d.applied WHEN 'FY' THEN -(d.gross - d.paid) ELSE 0 END),
		sum(CASE d.type WHEN 'CG' THEN -d.advance_used WHEN 'FK' THEN d.advance ELSE 0 END)
	FROM docs d JOIN periods p ON p.period = d.period
	WHERE p.closed = 1 AND d.status = 'audited' AND d.partner_id IS NOT NULL
	GROUP BY d.period, d.partner_id;

CREATE TRIGGER partner_doc_periods_closed_ins BEFORE INSERT ON partner_doc_periods
WHEN (SELECT closed FROM periods WHERE period = NEW.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER partner_doc_periods_closed_upd BEFORE UPDATE ON partner_doc_periods
WHEN (SELECT closed FROM periods WHERE period IN (OLD.period, NEW.period) AND closed = 1) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER partner_doc_periods_closed_del BEFORE DELETE ON partner_doc_periods
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;

-- item_period_costs keyed by period, then item (it was item, then period): a close adds
-- its month's states side by side instead of one row into every page of the table, and a
-- month's states are one range; an item's state in a month is found by the same key.
CREATE TABLE item_period_costs_by_period (
	item_id     INTEGER NOT NULL REFERENCES items(id),
	period      TEXT    NOT NULL,
	qty         INTEGER NOT NULL,
	amount      INTEGER NOT NULL,
	last_qty    INTEGER NOT NULL DEFAULT 0,
	last_amount INTEGER NOT NULL DEFAULT 0,
	layers      TEXT    NOT NULL DEFAULT '[]', -- FIFO: [{"id":..,"qty":..,"amount":..}]
	PRIMARY KEY (period, item_id)
) WITHOUT ROWID, STRICT;
INSERT INTO item_period_costs_by_period(item_id, period, qty, amount, last_qty, last_amount, layers)
	SELECT item_id, period, qty, amount, last_qty, last_amount, layers FROM item_period_costs ORDER BY period, item_id;
DROP TABLE item_period_costs;
ALTER TABLE item_period_costs_by_period RENAME TO item_period_costs;
CREATE TRIGGER item_period_costs_closed BEFORE DELETE ON item_period_costs
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER item_period_costs_closed_upd BEFORE UPDATE ON item_period_costs
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
