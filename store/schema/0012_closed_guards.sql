-- 1. The guards that refuse an update in a closed period look each period up by equality:
-- "period IN (OLD.period, NEW.period)" built a list and searched it for every row updated
-- (~3 µs a row: a back-dated audit updates hundreds of movements, a document batch
-- upserts each movement's period quantity). Same refusal: the old row's period is
-- closed, or the new row's when the update moves it to another.
DROP TRIGGER docs_closed_upd;
CREATE TRIGGER docs_closed_upd BEFORE UPDATE ON docs
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
	OR (NEW.period <> OLD.period AND (SELECT closed FROM periods WHERE period = NEW.period) = 1)
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
DROP TRIGGER stock_moves_closed_upd;
CREATE TRIGGER stock_moves_closed_upd BEFORE UPDATE ON stock_moves
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
	OR (NEW.period <> OLD.period AND (SELECT closed FROM periods WHERE period = NEW.period) = 1)
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
DROP TRIGGER vouchers_closed_upd;
CREATE TRIGGER vouchers_closed_upd BEFORE UPDATE ON vouchers
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
	OR (NEW.period <> OLD.period AND (SELECT closed FROM periods WHERE period = NEW.period) = 1)
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
DROP TRIGGER account_periods_closed_upd;
CREATE TRIGGER account_periods_closed_upd BEFORE UPDATE ON account_periods
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
	OR (NEW.period <> OLD.period AND (SELECT closed FROM periods WHERE period = NEW.period) = 1)
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
DROP TRIGGER doc_counters_closed_upd;
CREATE TRIGGER doc_counters_closed_upd BEFORE UPDATE ON doc_counters
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
	OR (NEW.period <> OLD.period AND (SELECT closed FROM periods WHERE period = NEW.period) = 1)
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
DROP TRIGGER stock_period_qty_closed_upd;
CREATE TRIGGER stock_period_qty_closed_upd BEFORE UPDATE ON stock_period_qty
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
	OR (NEW.period <> OLD.period AND (SELECT closed FROM periods WHERE period = NEW.period) = 1)
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
DROP TRIGGER partner_doc_periods_closed_upd;
CREATE TRIGGER partner_doc_periods_closed_upd BEFORE UPDATE ON partner_doc_periods
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
	OR (NEW.period <> OLD.period AND (SELECT closed FROM periods WHERE period = NEW.period) = 1)
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
DROP TRIGGER doc_lines_closed_upd;
CREATE TRIGGER doc_lines_closed_upd BEFORE UPDATE ON doc_lines
WHEN (SELECT p.closed FROM docs d JOIN periods p ON p.period = d.period WHERE d.id = OLD.doc_id) = 1
	OR (NEW.doc_id <> OLD.doc_id AND (SELECT p.closed FROM docs d JOIN periods p ON p.period = d.period WHERE d.id = NEW.doc_id) = 1)
BEGIN SELECT RAISE(ABORT, 'period closed'); END;

-- 2. The linked sales returns of an item from a date on: whether a back-dated audit can cost
-- the item's later movements after its own. Under one movement in ten has a link; the
-- item's every movement of the open months was read for it.
CREATE INDEX stock_moves_linked ON stock_moves(item_id, date) WHERE link <> '';
