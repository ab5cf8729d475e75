#include "chatsend.h"

#include <stdlib.h>

#include "clock.h"

char *
chatsend_dump(json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	return text;
}

json_t *
chatsend_time(time_t at)
{
	char iso[CLOCK_ISO_LEN];
	clock_format_iso(at, iso);
	return json_string(iso);
}

char *
chatsend_welcome(const char *conv_id, int64_t last_seq, conv_state state, const char *name)
{
	const char *s = conv_state_name(state);
	return chatsend_dump(json_pack("{s:s, s:s, s:I, s:s, s:s}", "type", "welcome",
	                               "conversation", conv_id, "seq", (json_int_t)last_seq,
	                               "state", s ? s : "closed", "name", name));
}

char *
chatsend_ack(const char *id, int64_t seq, time_t at)
{
	return chatsend_dump(json_pack("{s:s, s:s, s:I, s:o}", "type", "ack", "id", id, "seq",
	                               (json_int_t)seq, "at", chatsend_time(at)));
}

char *
chatsend_reply_frame(const chatsend_reply *r)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "type", "reply", "seq", (json_int_t)r->seq,
	                      "from", r->from, "text", r->text);
	if (!o)
		return NULL;
	json_object_set_new(o, "intent",
	                    r->intent && *r->intent ? json_string(r->intent) : json_null());
	json_object_set_new(o, "quick_replies",
	                    r->quick_replies ? json_incref((json_t *)r->quick_replies)
	                                     : json_array());
	if (r->name)
		json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(o, "at", chatsend_time(r->at));
	if (r->replay)
		json_object_set_new(o, "replay", json_true());
	return chatsend_dump(o);
}

char *
chatsend_echo(int64_t seq, const char *text, time_t at, const char *client_id)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:o}", "type", "echo", "seq", (json_int_t)seq,
	                      "text", text, "at", chatsend_time(at));
	if (o && client_id)
		json_object_set_new(o, "id", json_string(client_id));
	if (o)
		json_object_set_new(o, "replay", json_true());
	return chatsend_dump(o);
}

char *
chatsend_queued(int position, int eta_s, int agents_online, int open, time_t returns_at)
{
	json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:b}", "type", "queued", "position", position,
	                      "eta_s", eta_s, "agents_online", agents_online, "open", open);
	if (o && returns_at)
		json_object_set_new(o, "returns_at", chatsend_time(returns_at));
	return chatsend_dump(o);
}

char *
chatsend_agent_joined(const char *agent_name)
{
	return chatsend_dump(json_pack("{s:s, s:s}", "type", "agent_joined", "name", agent_name));
}

char *
chatsend_typing(int on)
{
	return chatsend_dump(json_pack("{s:s, s:s, s:b, s:i}", "type", "typing", "from", "agent",
	                               "on", on, "expires_s", CHATSEND_TYPING_EXPIRES_S));
}

char *
chatsend_resolved(void)
{
	return chatsend_dump(json_pack("{s:s}", "type", "resolved"));
}

char *
chatsend_rated(int score)
{
	return chatsend_dump(json_pack("{s:s, s:i}", "type", "rated", "score", score));
}

char *
chatsend_pong(void)
{
	return chatsend_dump(json_pack("{s:s}", "type", "pong"));
}

char *
chatsend_error(const char *code, const char *message)
{
	return chatsend_dump(
	    json_pack("{s:s, s:s, s:s}", "type", "error", "code", code, "message", message));
}

char *
chatsend_notice(const char *code, const char *message)
{
	return chatsend_dump(
	    json_pack("{s:s, s:s, s:s}", "type", "notice", "code", code, "message", message));
}
