-- Schema version 3: indexes that hold what the answers read.
--
-- An answer reads one account's rows from a few tables. With an index on
-- account_id alone, each table costs two B-tree descents: the index, then
-- the table by rowid. With a million accounts neither page is in any CPU
-- cache, so every descent is a handful of memory misses. These indexes carry
-- the columns the answer queries (intents/*.json "answer" and the member
-- lookups in bot/store.c) use, so each table is one descent; where a query
-- orders by (time, id) the id follows the time, so no sort is needed. They
-- replace the indexes they extend; UNIQUE constraints keep their own
-- indexes. ANALYZE at the end gives the planner their sizes (it writes
-- nothing for empty tables, so a new database is as before).

-- The member's current accounts (store_member_accounts, store_member_can_see):
-- memberships not left (left_at IS NULL), by member.
DROP INDEX IF EXISTS account_members_member;
CREATE INDEX account_members_member_left ON account_members(member_id, left_at, account_id);
-- departed_member_refund: did the payer leave this account?
CREATE INDEX account_members_account ON account_members(account_id, member_id, left_at);

-- autopay_failure: the latest run and the cards it tried.
DROP INDEX IF EXISTS autopay_attempts_account;
CREATE INDEX autopay_attempts_account_run ON autopay_attempts(account_id, run_at, card_id,
	amount, result, decline_reason);

-- card_dormant: the account's cards in slot order.
CREATE INDEX payment_cards_account ON payment_cards(account_id, slot, issuer, last4, kind,
	via_kakaopay, state, last_used_at);

-- charge_refund_history, departed_member_refund.
DROP INDEX IF EXISTS cash_transactions_account;
CREATE INDEX cash_transactions_account_time ON cash_transactions(account_id, created_at, id,
	kind, method, amount, vat, member_id, card_id, refundable);

-- free_cash_status.
DROP INDEX IF EXISTS free_cash_grants_account;
CREATE INDEX free_cash_grants_account_expiry ON free_cash_grants(account_id, expires_at,
	remaining, amount, granted_at, name);

-- tax_invoice_failed, tax_invoice_reissue: only failed invoices are asked
-- about, and few fail (status is a column too: the queries name it).
CREATE INDEX tax_invoices_failed ON tax_invoices(account_id, month, status, amount, vat,
	failure_reason, business_reg_no, issued_at) WHERE status = 'failed';

-- virtual_account_reissue: the latest one.
DROP INDEX IF EXISTS virtual_accounts_account;
CREATE INDEX virtual_accounts_account_issued ON virtual_accounts(account_id, issued_at, id,
	bank, number, amount, sms_phone, expires_at, paid_at);

ANALYZE account_members;
ANALYZE autopay_attempts;
ANALYZE payment_cards;
ANALYZE cash_transactions;
ANALYZE free_cash_grants;
ANALYZE tax_invoices;
ANALYZE virtual_accounts;
