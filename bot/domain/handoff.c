#include "handoff.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"

/* Agents who left while holding conversations, and since when. */
#define GONE_MAX 64

struct handoff {
	store *st;
	dialog *dlg;
	const config *cfg;
	hours hours;
	int have_hours; /* without: always open */
	int agents_online;
	struct gone_agent {
		int64_t id;
		time_t since;
	} gone[GONE_MAX];
	int n_gone;
};

bot_err
handoff_new(store *st, dialog *dlg, const config *cfg, handoff **out)
{
	handoff *ho = calloc(1, sizeof(*ho));
	if (!ho)
		return BOT_ERR_NOMEM;
	ho->st = st;
	ho->dlg = dlg;
	ho->cfg = cfg;
	*out = ho;
	return BOT_OK;
}

void
handoff_free(handoff *ho)
{
	free(ho);
}

static void
tell_dialog(handoff *ho)
{
	dialog_set_presence(ho->dlg, ho->agents_online, ho->have_hours ? &ho->hours : NULL);
}

void
handoff_set_hours(handoff *ho, const hours *h)
{
	ho->hours = *h;
	ho->have_hours = 1;
	tell_dialog(ho);
}

void
handoff_set_presence(handoff *ho, int agents_online)
{
	ho->agents_online = agents_online;
	tell_dialog(ho);
}

int
handoff_agents_online(const handoff *ho)
{
	return ho->agents_online;
}

/* ---- an agent's load ---------------------------------------------------------- */

int
handoff_cap(handoff *ho, int64_t agent_id)
{
	int cap = ho->cfg->agent_max_concurrent;
	store_agent_cap(ho->st, agent_id, &cap);
	return cap;
}

bot_err
handoff_room(handoff *ho, int64_t agent_id, int known)
{
	int cap = ho->cfg->agent_max_concurrent;
	if (store_agent_cap(ho->st, agent_id, &cap) != BOT_OK && known)
		return BOT_ERR_NOT_FOUND;
	store_id_list held = {0};
	store_agent_conversations(ho->st, agent_id, &held);
	int full = (int)held.n >= cap;
	store_id_list_clear(&held);
	return full ? BOT_ERR_LIMIT : BOT_OK;
}

bot_err
handoff_owns(handoff *ho, const char *conv_id, int64_t agent_id)
{
	int64_t owner = 0;
	if (store_handoff_owner(ho->st, conv_id, &owner) == BOT_OK && owner == agent_id)
		return BOT_OK;
	return BOT_ERR_FORBIDDEN;
}

/* ---- what agents do ------------------------------------------------------------ */

bot_err
handoff_claim(handoff *ho, const char *conv_id, int64_t agent_id, store_packet *packet,
              int *have_packet)
{
	*have_packet = 0;
	bot_err rc = store_handoff_claim(ho->st, conv_id, agent_id);
	if (rc != BOT_OK)
		return rc == BOT_ERR_CONFLICT ? rc : BOT_ERR_NOT_FOUND;
	*have_packet = store_handoff_packet(ho->st, conv_id, packet) == BOT_OK;
	metrics_handoff_wait(*have_packet ? (double)packet->waited_s : 0);
	log_msg(LOG_INFO, conv_id, "claimed by agent %lld", (long long)agent_id);
	return BOT_OK;
}

bot_err
handoff_may_transfer(handoff *ho, int64_t from_agent, int64_t to_agent, int to_online)
{
	if (to_agent == from_agent)
		return BOT_ERR_INVAL;
	if (!to_agent)
		return BOT_OK;
	int cap;
	if (store_agent_cap(ho->st, to_agent, &cap) != BOT_OK || !to_online)
		return BOT_ERR_NOT_FOUND;
	return handoff_room(ho, to_agent, 1);
}

bot_err
handoff_transfer(handoff *ho, const char *conv_id, int64_t from_agent, int64_t to_agent)
{
	bot_err rc = store_handoff_release(
	    ho->st, conv_id, to_agent ? STORE_RELEASE_MOVE : STORE_RELEASE_REQUEUE, to_agent);
	if (rc == BOT_OK)
		log_msg(LOG_INFO, conv_id, "transferred by agent %lld to %s", (long long)from_agent,
		        to_agent ? "another agent" : "the queue");
	return rc;
}

bot_err
handoff_resolve(handoff *ho, const char *conv_id, int64_t agent_id, dialog_result *res)
{
	memset(res, 0, sizeof(*res));
	store_conversation conv;
	if (store_handoff_release(ho->st, conv_id, STORE_RELEASE_RESOLVED, 0) != BOT_OK ||
	    store_conversation_get(ho->st, conv_id, &conv) != BOT_OK)
		return BOT_ERR_DB;
	bot_err rc = dialog_handoff_event(ho->dlg, &conv, DIALOG_RESOLVED, res);
	if (rc == BOT_OK)
		log_msg(LOG_INFO, conv_id, "resolved by agent %lld", (long long)agent_id);
	return rc;
}

bot_err
handoff_note(handoff *ho, const char *conv_id, int64_t agent_id, const char *text, time_t *at)
{
	return store_note_add(ho->st, conv_id, agent_id, text, at);
}

/* ---- the grace period ---------------------------------------------------------- */

void
handoff_agent_gone(handoff *ho, int64_t agent_id, time_t now)
{
	if (ho->n_gone < GONE_MAX) {
		ho->gone[ho->n_gone].id = agent_id;
		ho->gone[ho->n_gone].since = now;
		ho->n_gone++;
	}
}

void
handoff_agent_back(handoff *ho, int64_t agent_id)
{
	for (int i = 0; i < ho->n_gone; i++) {
		if (ho->gone[i].id == agent_id) {
			ho->gone[i] = ho->gone[--ho->n_gone];
			break;
		}
	}
}

bot_err
handoff_restore(handoff *ho, time_t now)
{
	int64_t holding[GONE_MAX];
	size_t n = 0;
	bot_err rc = store_agents_holding(ho->st, holding, GONE_MAX, &n);
	for (size_t i = 0; rc == BOT_OK && i < n; i++)
		handoff_agent_gone(ho, holding[i], now);
	return rc;
}

size_t
handoff_grace_over(handoff *ho, time_t now, int64_t *ids, size_t max)
{
	size_t n = 0;
	for (int i = 0; i < ho->n_gone && n < max;) {
		if (now - ho->gone[i].since < ho->cfg->agent_grace_s) {
			i++;
			continue;
		}
		ids[n++] = ho->gone[i].id;
		ho->gone[i] = ho->gone[--ho->n_gone];
	}
	return n;
}

int
handoff_requeue_agent(handoff *ho, int64_t agent_id, handoff_requeued_fn fn, void *ctx)
{
	store_id_list ids = {0};
	if (store_agent_conversations(ho->st, agent_id, &ids) != BOT_OK)
		return 0;
	int moved = 0;
	for (size_t k = 0; k < ids.n; k++) {
		const char *cid = ids.ids[k];
		store_conversation conv;
		dialog_result res;
		if (store_handoff_release(ho->st, cid, STORE_RELEASE_REQUEUE, 0) != BOT_OK ||
		    store_conversation_get(ho->st, cid, &conv) != BOT_OK ||
		    dialog_handoff_event(ho->dlg, &conv, DIALOG_REQUEUED, &res) != BOT_OK)
			continue;
		log_msg(LOG_INFO, cid, "agent %lld did not come back: requeued",
		        (long long)agent_id);
		fn(ctx, cid, &res);
		dialog_result_clear(&res);
		moved++;
	}
	store_id_list_clear(&ids);
	return moved;
}

/* ---- the wait a customer is told ----------------------------------------------- */

int
handoff_handle_time(handoff *ho)
{
	int avg = 0;
	store_handle_time_avg(ho->st, &avg);
	return avg > 0 ? avg : 300;
}

int
handoff_estimate(const handoff *ho, int position, int avg_s, time_t now, int *open,
                 time_t *returns_at)
{
	int agents = ho->agents_online > 0 ? ho->agents_online : 1;
	int eta = ((position + agents - 1) / agents) * avg_s;
	*open = ho->agents_online > 0 && (!ho->have_hours || hours_open(&ho->hours, now));
	*returns_at = 0;
	if (!*open) {
		time_t back = ho->have_hours ? hours_next_open(&ho->hours, now) : now;
		if (back <= now)
			back = now + 3600; /* open hours but nobody online: guess an hour */
		*returns_at = back;
		eta += (int)(back - now);
	}
	return eta;
}
