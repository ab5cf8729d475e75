-- Schema version 2: messages are stored in arrival order.
--
-- Version 1 kept messages clustered by conversation (WITHOUT ROWID, keyed by
-- conversation and seq), with a second index on client ids, and rewrote the
-- conversation's last_seq on every message. Under load every message then
-- dirtied three or four pages in different places of the file, and each of
-- them was written twice (WAL, then checkpoint). Now rows append to the
-- table's last page, a narrow index finds a conversation's messages in
-- order (and its last seq, so the conversation row is left alone), and the
-- client-id index stays as it was.

CREATE TABLE messages_v2 (
	id          INTEGER PRIMARY KEY,                  -- arrival order
	conversation_id TEXT NOT NULL REFERENCES conversations(id),
	seq         INTEGER NOT NULL,
	-- Spelled out: SQLite evaluates an IN list of a CHECK through a temporary
	-- table built again for every row inserted.
	sender      TEXT NOT NULL CHECK (sender = 'customer' OR sender = 'bot' OR sender = 'agent'
					 OR sender = 'system'),
	client_id   TEXT,                                 -- the customer's id for retry detection
	agent_id    INTEGER,
	text        TEXT NOT NULL,
	intent      TEXT,
	meta        TEXT,                                 -- JSON: slots, quick replies, attachments
	created_at  TEXT NOT NULL
);
INSERT INTO messages_v2 (conversation_id, seq, sender, client_id, agent_id, text, intent, meta,
			 created_at)
	SELECT conversation_id, seq, sender, client_id, agent_id, text, intent, meta, created_at
	FROM messages ORDER BY created_at, conversation_id, seq;
DROP TABLE messages;
ALTER TABLE messages_v2 RENAME TO messages;
CREATE UNIQUE INDEX messages_conversation ON messages(conversation_id, seq);
CREATE UNIQUE INDEX messages_client_id ON messages(conversation_id, client_id)
	WHERE client_id IS NOT NULL;

-- Conversations lose last_seq (read from the messages index now) and spell
-- their CHECKs out for the same reason as messages.sender above: a state
-- change is frequent. botd runs migrations with foreign keys off and checks
-- them before committing (bot/store.c).
CREATE TABLE conversations_v2 (
	id          TEXT PRIMARY KEY,                     -- random, unguessable
	member_id   INTEGER REFERENCES members(id),       -- NULL for an unlinked KakaoTalk user
	channel     TEXT NOT NULL CHECK (channel = 'web' OR channel = 'kakao'),
	channel_key TEXT,                                 -- bot user key for KakaoTalk
	account_id  INTEGER REFERENCES ad_accounts(id),   -- the account chosen for this conversation
	state       TEXT NOT NULL DEFAULT 'bot' CHECK (state = 'bot' OR state = 'queued' OR
						   state = 'agent' OR state = 'closed'),
	lang        TEXT NOT NULL DEFAULT 'ko',
	misses      INTEGER NOT NULL DEFAULT 0,           -- questions in a row not understood
	pending     TEXT,                                 -- JSON: the question waiting for an account choice
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
INSERT INTO conversations_v2 (id, member_id, channel, channel_key, account_id, state, lang,
			      misses, pending, created_at, updated_at)
	SELECT id, member_id, channel, channel_key, account_id, state, lang, misses, pending,
	       created_at, updated_at
	FROM conversations;
DROP TABLE conversations;
ALTER TABLE conversations_v2 RENAME TO conversations;
CREATE INDEX conversations_member ON conversations(member_id);
CREATE INDEX conversations_channel_key ON conversations(channel_key);
