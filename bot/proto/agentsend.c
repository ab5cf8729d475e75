#include "agentsend.h"

#include "chatsend.h"

/* TEXT as a JSON string, NULL as null. */
static json_t *
text_or_null(const char *text)
{
	return text ? json_string(text) : json_null();
}

static json_t *
account_json(const store_account *a)
{
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)a->id, "account_no", a->account_no,
	                 "name", a->name);
}

static json_t *
account_detail_json(const store_account_detail *a)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:I, s:s}", "id", (json_int_t)a->id,
	                 "account_no", a->account_no, "name", a->name, "status", a->status,
	                 "off_reason", a->off_reason[0] ? json_string(a->off_reason) : json_null(),
	                 "cash_balance", (json_int_t)a->cash_balance, "business_status",
	                 a->business_status);
}

/* A stored JSON document, or FALLBACK (stolen) when it is absent or broken. */
static json_t *
stored_json(const char *text, json_t *fallback)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	if (!v)
		return fallback;
	json_decref(fallback);
	return v;
}

static json_t *
note_json(const store_note *n)
{
	return json_pack("{s:s, s:s, s:o}", "agent", n->agent, "text", n->text, "at",
	                 chatsend_time(n->at));
}

json_t *
agentsend_packet(const store_packet *p)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "member",
	                    p->member_id ? json_pack("{s:I, s:s}", "id", (json_int_t)p->member_id,
	                                             "name", p->member_name)
	                                 : json_null());
	json_object_set_new(o, "account",
	                    p->has_account ? account_detail_json(&p->account) : json_null());
	json_t *accounts = json_array();
	for (size_t i = 0; i < p->n_accounts; i++)
		json_array_append_new(accounts, account_json(&p->accounts[i]));
	json_object_set_new(o, "accounts", accounts);
	json_object_set_new(o, "channel", json_string(p->channel));
	if (p->has_handoff) {
		json_object_set_new(o, "reason", text_or_null(p->reason));
		json_object_set_new(o, "intent", text_or_null(p->intent));
		json_object_set_new(o, "slots", stored_json(p->slots_json, json_object()));
		json_object_set_new(o, "attachments",
		                    stored_json(p->attachments_json, json_array()));
		json_object_set_new(o, "waited_s", json_integer((json_int_t)p->waited_s));
	}
	json_t *transcript = json_array();
	for (size_t i = 0; i < p->n_transcript; i++) {
		const store_line *l = &p->transcript[i];
		json_array_append_new(
		    transcript,
		    json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "seq", (json_int_t)l->seq, "from",
		              text_or_null(l->sender), "text", text_or_null(l->text), "intent",
		              text_or_null(l->intent), "name", text_or_null(l->agent_name), "at",
		              chatsend_time(l->at)));
	}
	json_object_set_new(o, "transcript", transcript);
	json_t *notes = json_array();
	for (size_t i = 0; i < p->n_notes; i++)
		json_array_append_new(notes, note_json(&p->notes[i]));
	json_object_set_new(o, "notes", notes);
	return o;
}

char *
agentsend_welcome(int64_t agent_id, const char *name, int max_concurrent,
                  const agentsend_held *held, size_t n_held)
{
	json_t *convs = json_array();
	for (size_t i = 0; convs && i < n_held; i++)
		json_array_append_new(convs,
		                      json_pack("{s:s, s:o}", "conversation", held[i].conversation,
		                                "packet", agentsend_packet(held[i].packet)));
	return chatsend_dump(json_pack("{s:s, s:{s:I, s:s}, s:i, s:o}", "type", "welcome", "agent",
	                               "id", (json_int_t)agent_id, "name", name, "max_concurrent",
	                               max_concurrent, "conversations", convs));
}

static json_t *
queue_item_json(const store_queue_item *it, int position, time_t now)
{
	json_t *member = it->member_id ? json_pack("{s:I, s:s}", "id", (json_int_t)it->member_id,
	                                           "name", it->member_name)
	                               : json_null();
	return json_pack("{s:s, s:i, s:s, s:o, s:s, s:o, s:o, s:o, s:i, s:I}", "conversation",
	                 it->conversation, "priority", it->priority, "reason", it->reason, "intent",
	                 it->intent[0] ? json_string(it->intent) : json_null(), "channel",
	                 it->channel, "enqueued_at", chatsend_time(it->enqueued_at), "member",
	                 member, "preview", text_or_null(it->preview), "position", position,
	                 "waiting_s", (json_int_t)(it->enqueued_at ? now - it->enqueued_at : 0));
}

char *
agentsend_queue(const store_queue_list *waiting, int agents_online, time_t now)
{
	json_t *items = json_array();
	for (size_t i = 0; items && i < waiting->n; i++)
		json_array_append_new(items, queue_item_json(&waiting->items[i], (int)i + 1, now));
	return chatsend_dump(json_pack("{s:s, s:o, s:i}", "type", "queue", "items", items,
	                               "agents_online", agents_online));
}

static char *
packet_frame(const char *type, const char *conv_id, const store_packet *packet)
{
	return chatsend_dump(json_pack("{s:s, s:s, s:o}", "type", type, "conversation", conv_id,
	                               "packet",
	                               packet ? agentsend_packet(packet) : json_object()));
}

char *
agentsend_claimed(const char *conv_id, const store_packet *packet)
{
	return packet_frame("claimed", conv_id, packet);
}

char *
agentsend_assigned(const char *conv_id, const store_packet *packet)
{
	return packet_frame("assigned", conv_id, packet);
}

char *
agentsend_ack(const char *id, const char *conv_id, int64_t seq, time_t at)
{
	return chatsend_dump(json_pack("{s:s, s:s, s:s, s:I, s:o}", "type", "ack", "id", id,
	                               "conversation", conv_id, "seq", (json_int_t)seq, "at",
	                               chatsend_time(at)));
}

char *
agentsend_customer_message(const char *conv_id, int64_t seq, const char *text, time_t at)
{
	return chatsend_dump(json_pack("{s:s, s:s, s:I, s:s, s:o}", "type", "customer_message",
	                               "conversation", conv_id, "seq", (json_int_t)seq, "text",
	                               text, "at", chatsend_time(at)));
}

char *
agentsend_typing(const char *conv_id, int on)
{
	return chatsend_dump(json_pack("{s:s, s:s, s:s, s:b, s:i}", "type", "typing",
	                               "conversation", conv_id, "from", "customer", "on", on,
	                               "expires_s", CHATSEND_TYPING_EXPIRES_S));
}

char *
agentsend_noted(const char *conv_id, const store_note *note)
{
	return chatsend_dump(json_pack("{s:s, s:s, s:o}", "type", "noted", "conversation", conv_id,
	                               "note", note_json(note)));
}

char *
agentsend_released(const char *conv_id, const char *reason)
{
	return chatsend_dump(json_pack("{s:s, s:s, s:s}", "type", "released", "conversation",
	                               conv_id, "reason", reason));
}

char *
agentsend_rated(const char *conv_id, int score)
{
	return chatsend_dump(
	    json_pack("{s:s, s:s, s:i}", "type", "rated", "conversation", conv_id, "score", score));
}

char *
agentsend_error(const char *code, const char *message, const char *conv_id)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "type", "error", "code", code, "message", message);
	if (o && conv_id)
		json_object_set_new(o, "conversation", json_string(conv_id));
	return chatsend_dump(o);
}
