-- An item's quantities per period in one warehouse, in period order: the running
-- quantity before a date without reading the periods of every other item (the check
-- that an audit or un-audit leaves no negative stock after it).
CREATE INDEX stock_period_qty_item ON stock_period_qty(item_id, warehouse_id, period, qty);
