-- The items screen and every item picker list all items at once (10,000 in a big shop).
-- Reading seventeen values of each row, or building one text of them in SQL, is most
-- of that list's time in the pure-Go driver; reading one ready text a row is a third of
-- it. item_list keeps each item as that one text, in code order (its key is the code, as
-- items' own unique index compares it), kept by the triggers below in the transaction
-- that writes the item, so it is never stale; verify compares it with items.
-- The text is the values of items apart by the unit separator (U+001F), which no text of
-- the book holds (the services refuse control characters): id, code, name, mnemonic,
-- spec, unit, category_id (empty for none), barcode, vat_bp, buy_price, sell_price,
-- reorder_qty, ref_cost, other_business, active, version.
-- Owner: package ledger (ledger/item.go reads it, ledger/verify_item_list.go checks it).
CREATE TABLE item_list (
	code   TEXT    NOT NULL COLLATE NOCASE PRIMARY KEY,
	active INTEGER NOT NULL,
	packed TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

-- item_list_rows is each item as that text; the triggers copy it, verify compares.
CREATE VIEW item_list_rows AS
SELECT id, code, active,
	id || char(31) || code || char(31) || name || char(31) || mnemonic || char(31) ||
	spec || char(31) || unit || char(31) || ifnull(category_id, '') || char(31) ||
	barcode || char(31) || vat_bp || char(31) || buy_price || char(31) || sell_price || char(31) ||
	reorder_qty || char(31) || ref_cost || char(31) || other_business || char(31) ||
	active || char(31) || version AS packed
FROM items;

CREATE TRIGGER item_list_ins AFTER INSERT ON items
BEGIN
	INSERT INTO item_list(code, active, packed) SELECT code, active, packed FROM item_list_rows WHERE id = NEW.id;
END;

CREATE TRIGGER item_list_upd AFTER UPDATE ON items
BEGIN
	DELETE FROM item_list WHERE code = OLD.code;
	INSERT INTO item_list(code, active, packed) SELECT code, active, packed FROM item_list_rows WHERE id = NEW.id;
END;

CREATE TRIGGER item_list_del AFTER DELETE ON items
BEGIN
	DELETE FROM item_list WHERE code = OLD.code;
END;

INSERT INTO item_list(code, active, packed) SELECT code, active, packed FROM item_list_rows;
