-- Schema version 4: the agent queue reads only what it needs.
--
-- Version 1 had one index on (state, priority, enqueued_at) for every
-- question about handoffs. Each question now has a partial index over the
-- rows it asks about, so none of them reads or sorts handoffs in other
-- states, however many have been resolved over the years.

DROP INDEX IF EXISTS handoffs_waiting;

-- The queue in order (store_queue_waiting, and the queue order store.c
-- keeps in memory, read at start and after a rollback), with the
-- conversation id, without a visit to the table.
CREATE INDEX handoffs_queue ON handoffs(priority DESC, enqueued_at, id, conversation_id)
	WHERE state = 'waiting';

-- The wait estimate averages the last 20 resolved handoffs
-- (store_handle_time_avg). Without this it sorted every resolved handoff
-- ever, once for each estimate.
CREATE INDEX handoffs_resolved ON handoffs(resolved_at, claimed_at) WHERE state = 'resolved';

-- An agent's conversations (store_agent_conversations) and who holds any
-- (store_agents_holding).
CREATE INDEX handoffs_claimed ON handoffs(agent_id, claimed_at) WHERE state = 'claimed';

ANALYZE handoffs;
