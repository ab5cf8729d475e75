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

ALTER TABLE conversations DROP COLUMN last_seq;
