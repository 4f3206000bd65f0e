-- Fewer and narrower indexes on the tables an audit and a close write (issues 4, 5) and
-- integrity_check reads entry by entry (issue 7). Owner of every table here: package
-- ledger.
--
-- stock_moves_wh (item, warehouse, date) repeats stock_moves_order's (item, date, ...)
-- but for the warehouse: the look-ups of an item in one warehouse (the negative-stock
-- check of an audit, the on-hand of an item in a warehouse at a date) take the item's
-- movements of the dates from stock_moves_order and the warehouse from the row.
-- stock_moves_period (period, item) goes too: the reads of one period or a range of
-- periods find its movements through stock_moves_day, which starts with the period.
DROP INDEX stock_moves_wh;
DROP INDEX stock_moves_period;

-- A line's or a document's source is set on returns and on the receipts and deliveries
-- of an order, a few lines in ten: only those are indexed (every look-up, the foreign
-- keys' included, is by a source that is not NULL).
DROP INDEX doc_lines_source;
CREATE INDEX doc_lines_source ON doc_lines(source_line_id) WHERE source_line_id IS NOT NULL;
DROP INDEX docs_source;
CREATE INDEX docs_source ON docs(source_id) WHERE source_id IS NOT NULL;
