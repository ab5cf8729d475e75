-- botd schema, version 1. Amounts are KRW integers; times are UTC text in
-- SQLite's 'YYYY-MM-DD HH:MM:SS' form (so they compare as text) and are shown
-- in Asia/Seoul by the answer layer. Later changes go in data/migrations/.

CREATE TABLE IF NOT EXISTS schema_version (
	version    INTEGER PRIMARY KEY,
	applied_at TEXT NOT NULL
);

-- People who use the admin centre. A departed member keeps their row so that
-- payments they made stay attributable.
CREATE TABLE members (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	email      TEXT,
	status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'departed')),
	departed_at TEXT,
	created_at TEXT NOT NULL
);

CREATE TABLE ad_accounts (
	id              INTEGER PRIMARY KEY,
	account_no      TEXT NOT NULL UNIQUE,        -- shown to customers, e.g. '123456'
	name            TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'on' CHECK (status IN ('on', 'off')),
	off_reason      TEXT CHECK (off_reason IN ('insufficient_balance', 'manual', 'review', 'suspended')),
	cash_balance    INTEGER NOT NULL DEFAULT 0 CHECK (cash_balance >= 0), -- paid cash, VAT excluded
	business_reg_no TEXT,                        -- 10 digits, no dashes
	business_status TEXT NOT NULL DEFAULT 'active' CHECK (business_status IN ('active', 'suspended', 'closed')),
	created_at      TEXT NOT NULL
);

CREATE TABLE account_members (
	account_id INTEGER NOT NULL REFERENCES ad_accounts(id),
	member_id  INTEGER NOT NULL REFERENCES members(id),
	role       TEXT NOT NULL CHECK (role IN ('master', 'member')),
	joined_at  TEXT NOT NULL,
	left_at    TEXT,
	PRIMARY KEY (account_id, member_id)
);
CREATE INDEX account_members_member ON account_members(member_id);

-- At most three cards per account, tried main -> backup 1 -> backup 2
-- (slot 0, 1, 2). Only the last four digits are ever stored. Schema 5
-- (migrations/005) renames last_used_at to last_paid_at, the last charge the
-- card paid, and adds valid_thru, its validity month.
CREATE TABLE payment_cards (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES ad_accounts(id),
	slot        INTEGER NOT NULL CHECK (slot BETWEEN 0 AND 2),
	issuer      TEXT NOT NULL,
	last4       TEXT NOT NULL CHECK (length(last4) = 4),
	kind        TEXT NOT NULL CHECK (kind IN ('personal', 'corporate', 'shared_corporate')),
	via_kakaopay INTEGER NOT NULL DEFAULT 0 CHECK (via_kakaopay IN (0, 1)),
	state       TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'dormant')),
	registered_by INTEGER REFERENCES members(id),
	last_used_at TEXT,
	UNIQUE (account_id, slot)
);

CREATE TABLE autopay (
	account_id       INTEGER PRIMARY KEY REFERENCES ad_accounts(id),
	enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	scheduled_amount INTEGER NOT NULL DEFAULT 0 CHECK (scheduled_amount >= 0), -- VAT excluded
	next_charge_at   TEXT
);

-- One row per card tried; a run of attempts shares run_at.
CREATE TABLE autopay_attempts (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES ad_accounts(id),
	card_id    INTEGER NOT NULL REFERENCES payment_cards(id),
	run_at     TEXT NOT NULL,
	amount     INTEGER NOT NULL,
	result     TEXT NOT NULL CHECK (result IN ('success', 'declined', 'error')),
	decline_reason TEXT
);
CREATE INDEX autopay_attempts_account ON autopay_attempts(account_id, run_at);

-- Registered refund bank accounts: the full number is needed to pay a
-- refund, the answer layer only ever shows it masked.
CREATE TABLE refund_accounts (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL UNIQUE REFERENCES ad_accounts(id),
	bank        TEXT NOT NULL,
	number      TEXT NOT NULL,
	holder      TEXT NOT NULL,
	registered_at TEXT NOT NULL
);

CREATE TABLE cash_transactions (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES ad_accounts(id),
	kind        TEXT NOT NULL CHECK (kind IN ('charge', 'refund')),
	method      TEXT NOT NULL CHECK (method IN ('card', 'autopay_card', 'virtual_account', 'bank_transfer', 'cash_refund', 'card_cancel')),
	amount      INTEGER NOT NULL CHECK (amount > 0),  -- supply amount, VAT excluded
	vat         INTEGER NOT NULL DEFAULT 0,
	member_id   INTEGER REFERENCES members(id),       -- who paid or asked
	card_id     INTEGER REFERENCES payment_cards(id),
	refundable  INTEGER NOT NULL DEFAULT 0,           -- unspent part that can still be refunded
	created_at  TEXT NOT NULL
);
CREATE INDEX cash_transactions_account ON cash_transactions(account_id, created_at);

CREATE TABLE free_cash_grants (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES ad_accounts(id),
	name        TEXT NOT NULL,                        -- promotion name
	amount      INTEGER NOT NULL CHECK (amount > 0),
	remaining   INTEGER NOT NULL CHECK (remaining >= 0),
	granted_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL
);
CREATE INDEX free_cash_grants_account ON free_cash_grants(account_id, expires_at);

CREATE TABLE tax_invoices (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES ad_accounts(id),
	month       TEXT NOT NULL,                        -- 'YYYY-MM', the billing month
	amount      INTEGER NOT NULL,
	vat         INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('issued', 'failed', 'pending')),
	failure_reason TEXT CHECK (failure_reason IN ('business_closed', 'invalid_reg_no', 'business_suspended', 'other')),
	business_reg_no TEXT,
	issued_at   TEXT NOT NULL,
	UNIQUE (account_id, month)
);

CREATE TABLE virtual_accounts (
	id          INTEGER PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES ad_accounts(id),
	bank        TEXT NOT NULL,
	number      TEXT NOT NULL,
	amount      INTEGER NOT NULL,
	sms_phone   TEXT,                                 -- stored masked except the last 4
	issued_by   INTEGER REFERENCES members(id),
	issued_at   TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	paid_at     TEXT
);
CREATE INDEX virtual_accounts_account ON virtual_accounts(account_id, issued_at);

CREATE TABLE kakao_links (
	bot_user_key TEXT PRIMARY KEY,
	member_id    INTEGER NOT NULL REFERENCES members(id),
	linked_at    TEXT NOT NULL
);

-- Conversations: one per customer session thread, web or KakaoTalk.
-- state: bot (the bot answers), queued (waiting for an agent), agent (an
-- agent owns it), closed.
CREATE TABLE conversations (
	id          TEXT PRIMARY KEY,                     -- random, unguessable
	member_id   INTEGER REFERENCES members(id),       -- NULL for an unlinked KakaoTalk user
	channel     TEXT NOT NULL CHECK (channel IN ('web', 'kakao')),
	channel_key TEXT,                                 -- bot user key for KakaoTalk
	account_id  INTEGER REFERENCES ad_accounts(id),   -- the account chosen for this conversation
	state       TEXT NOT NULL DEFAULT 'bot' CHECK (state IN ('bot', 'queued', 'agent', 'closed')),
	lang        TEXT NOT NULL DEFAULT 'ko',
	last_seq    INTEGER NOT NULL DEFAULT 0,
	misses      INTEGER NOT NULL DEFAULT 0,           -- questions in a row not understood
	pending     TEXT,                                 -- JSON: the question waiting for an account choice
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX conversations_member ON conversations(member_id);
CREATE INDEX conversations_channel_key ON conversations(channel_key);

-- Every customer message, bot or agent reply and system event, in order.
CREATE TABLE messages (
	conversation_id TEXT NOT NULL REFERENCES conversations(id),
	seq         INTEGER NOT NULL,
	sender      TEXT NOT NULL CHECK (sender IN ('customer', 'bot', 'agent', 'system')),
	client_id   TEXT,                                 -- the customer's id for retry detection
	agent_id    INTEGER,
	text        TEXT NOT NULL,
	intent      TEXT,
	meta        TEXT,                                 -- JSON: slots, quick replies, attachments
	created_at  TEXT NOT NULL,
	PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_client_id ON messages(conversation_id, client_id) WHERE client_id IS NOT NULL;

CREATE TABLE agents (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	max_concurrent INTEGER NOT NULL DEFAULT 3
);

-- The handoff queue: one row per escalation.
CREATE TABLE handoffs (
	id          INTEGER PRIMARY KEY,
	conversation_id TEXT NOT NULL REFERENCES conversations(id),
	reason      TEXT NOT NULL,                        -- agent_request, not_understood, needs_human
	priority    INTEGER NOT NULL DEFAULT 0,           -- higher first
	intent      TEXT,
	slots       TEXT,                                 -- JSON
	attachments TEXT,                                 -- JSON records for the agent
	state       TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'resolved')),
	agent_id    INTEGER REFERENCES agents(id),
	enqueued_at TEXT NOT NULL,
	claimed_at  TEXT,
	resolved_at TEXT,
	rating      INTEGER CHECK (rating BETWEEN 1 AND 5)
);
CREATE INDEX handoffs_waiting ON handoffs(state, priority DESC, enqueued_at);
CREATE INDEX handoffs_conversation ON handoffs(conversation_id);

-- Internal notes agents leave on a conversation; never shown to customers.
CREATE TABLE notes (
	id          INTEGER PRIMARY KEY,
	conversation_id TEXT NOT NULL REFERENCES conversations(id),
	agent_id    INTEGER NOT NULL REFERENCES agents(id),
	text        TEXT NOT NULL,
	created_at  TEXT NOT NULL
);
CREATE INDEX notes_conversation ON notes(conversation_id);
