-- The quantity moved per period × item × warehouse: the sum of stock_moves.qty (issue 4:
-- on-hand at any date without adding up years of movements). Owner: package ledger.
-- Kept by the triggers below in the same statement as the movements it sums; verify adds
-- the movements up again. A row whose movements are all gone stays with qty 0.
CREATE TABLE stock_period_qty (
	period       TEXT    NOT NULL,
	item_id      INTEGER NOT NULL REFERENCES items(id),
	warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
	qty          INTEGER NOT NULL,
	PRIMARY KEY (period, item_id, warehouse_id)
) WITHOUT ROWID, STRICT;

INSERT INTO stock_period_qty(period, item_id, warehouse_id, qty)
	SELECT period, item_id, warehouse_id, sum(qty) FROM stock_moves GROUP BY period, item_id, warehouse_id;

CREATE TRIGGER stock_period_qty_move_ins AFTER INSERT ON stock_moves
BEGIN
	INSERT INTO stock_period_qty(period, item_id, warehouse_id, qty) VALUES (NEW.period, NEW.item_id, NEW.warehouse_id, NEW.qty)
	ON CONFLICT (period, item_id, warehouse_id) DO UPDATE SET qty = qty + excluded.qty;
END;
CREATE TRIGGER stock_period_qty_move_del AFTER DELETE ON stock_moves
BEGIN
	UPDATE stock_period_qty SET qty = qty - OLD.qty
	WHERE period = OLD.period AND item_id = OLD.item_id AND warehouse_id = OLD.warehouse_id;
END;
CREATE TRIGGER stock_period_qty_move_upd AFTER UPDATE OF period, item_id, warehouse_id, qty ON stock_moves
BEGIN
	UPDATE stock_period_qty SET qty = qty - OLD.qty
	WHERE period = OLD.period AND item_id = OLD.item_id AND warehouse_id = OLD.warehouse_id;
	INSERT INTO stock_period_qty(period, item_id, warehouse_id, qty) VALUES (NEW.period, NEW.item_id, NEW.warehouse_id, NEW.qty)
	ON CONFLICT (period, item_id, warehouse_id) DO UPDATE SET qty = qty + excluded.qty;
END;

-- Closed periods are read-only here too.
CREATE TRIGGER stock_period_qty_closed_ins BEFORE INSERT ON stock_period_qty
WHEN (SELECT closed FROM periods WHERE period = NEW.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER stock_period_qty_closed_upd BEFORE UPDATE ON stock_period_qty
WHEN (SELECT closed FROM periods WHERE period IN (OLD.period, NEW.period) AND closed = 1) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;
CREATE TRIGGER stock_period_qty_closed_del BEFORE DELETE ON stock_period_qty
WHEN (SELECT closed FROM periods WHERE period = OLD.period) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END;

-- A day's movements together, with what on-hand at a date adds up (quantities never
-- change once written, so costing never rewrites this index).
CREATE INDEX stock_moves_day ON stock_moves(period, date, item_id, warehouse_id, qty);
