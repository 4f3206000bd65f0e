-- Account roles (DOMAIN.md §1.4): the leaf account that the voucher templates, the
-- month-end steps and the checks mean by each role (应收账款 for a sale on credit, 本年利润
-- for the P&L carry-forward, ...). Owner: package ledger, which also knows each role's
-- default and which accounts fit it (ledger/account_role.go). A role without a row here is
-- at its default; a book made from now on has a row for every role of its taxpayer type.
CREATE TABLE account_roles (
	role    TEXT PRIMARY KEY CHECK (role <> ''),
	account TEXT NOT NULL REFERENCES accounts(code)
) STRICT;

-- A book made before this version: the accounts its templates used, for its taxpayer type
-- (a small-scale taxpayer's output VAT is 222101, and it has none of the general
-- taxpayer's VAT roles). A new book has no `book` row yet here: ledger.Create seeds it
-- and records each row in the audit trail; verify holds a row seeded here, which has no
-- record, to its default.
INSERT INTO account_roles(role, account)
	SELECT d.column1, d.column2 FROM (VALUES
		('inventory', '1405', ''), ('receivable', '1122', ''), ('advance_received', '2203', ''),
		('payable', '2202', ''), ('prepayment', '1123', ''),
		('input_vat', '22210101', 'general'), ('output_vat', '22210105', 'general'), ('output_vat', '222101', 'small'),
		('vat_paid', '22210102', 'general'), ('unpaid_vat_out', '22210103', 'general'),
		('input_vat_out', '22210107', 'general'), ('overpaid_vat_out', '22210109', 'general'),
		('unpaid_vat', '222102', 'general'), ('pending_disposal', '1901', ''), ('count_gain', '530104', ''),
		('count_loss', '571101', ''), ('revenue_main', '5001', ''), ('cost_main', '5401', ''),
		('revenue_other', '5051', ''), ('cost_other', '5402', ''), ('profit_year', '3103', ''),
		('undistributed_profit', '310415', ''), ('other_in_counter', '530199', ''), ('other_out_counter', '560199', '')) d
	JOIN book b ON d.column3 IN ('', b.taxpayer)
	JOIN accounts a ON a.code = d.column2;

-- Roles change only before the first close (DOMAIN.md §1.4): once a period is closed its
-- vouchers name the accounts the roles had, and a later period must post to the same ones.
CREATE TRIGGER account_roles_closed_ins BEFORE INSERT ON account_roles
WHEN EXISTS (SELECT 1 FROM periods WHERE closed = 1)
BEGIN SELECT RAISE(ABORT, 'period closed: account roles are fixed after the first close'); END;
CREATE TRIGGER account_roles_closed_upd BEFORE UPDATE ON account_roles
WHEN EXISTS (SELECT 1 FROM periods WHERE closed = 1)
BEGIN SELECT RAISE(ABORT, 'period closed: account roles are fixed after the first close'); END;
CREATE TRIGGER account_roles_closed_del BEFORE DELETE ON account_roles
WHEN EXISTS (SELECT 1 FROM periods WHERE closed = 1)
BEGIN SELECT RAISE(ABORT, 'period closed: account roles are fixed after the first close'); END;
