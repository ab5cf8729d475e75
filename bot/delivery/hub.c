#include "hub.h"

#include <stdlib.h>
#include <string.h>

#include "agentsend.h"
#include "chatsend.h"
#include "clock.h"
#include "outbox.h"

#define CONV_BUCKETS 4096

struct hub {
	store *st;
	handoff *ho;
	conn *conv_map[CONV_BUCKETS]; /* chat connections by conversation, chained */
	conn *agents;                 /* agent connections */
	int agents_online;            /* distinct agents, authenticated */
};

bot_err
hub_new(store *st, handoff *ho, hub **out)
{
	hub *h = calloc(1, sizeof(*h));
	if (!h)
		return BOT_ERR_NOMEM;
	h->st = st;
	h->ho = ho;
	*out = h;
	return BOT_OK;
}

void
hub_free(hub *h)
{
	free(h);
}

static unsigned
conv_hash(const char *id)
{
	unsigned h = 2166136261u;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h % CONV_BUCKETS;
}

void
hub_add_customer(hub *h, conn *c)
{
	unsigned b = conv_hash(c->conv.id);
	c->conv_next = h->conv_map[b];
	h->conv_map[b] = c;
}

void
hub_remove_customer(hub *h, conn *c)
{
	if (!c->conv.id[0])
		return;
	for (conn **pp = &h->conv_map[conv_hash(c->conv.id)]; *pp; pp = &(*pp)->conv_next) {
		if (*pp == c) {
			*pp = c->conv_next;
			break;
		}
	}
	c->conv_next = NULL;
}

void
hub_add_agent(hub *h, conn *c)
{
	c->agent_next = h->agents;
	h->agents = c;
}

void
hub_remove_agent(hub *h, conn *c)
{
	for (conn **pp = &h->agents; *pp; pp = &(*pp)->agent_next) {
		if (*pp == c) {
			*pp = c->agent_next;
			break;
		}
	}
	c->agent_next = NULL;
}

int
hub_agent_online(const hub *h, int64_t agent_id)
{
	for (conn *a = h->agents; a; a = a->agent_next)
		if (a->authed && a->subject == agent_id)
			return 1;
	return 0;
}

int
hub_presence(hub *h)
{
	int n = 0;
	for (conn *a = h->agents; a; a = a->agent_next) {
		if (!a->authed)
			continue;
		int seen = 0;
		for (conn *b = h->agents; b != a; b = b->agent_next)
			if (b->authed && b->subject == a->subject)
				seen = 1;
		n += !seen;
	}
	h->agents_online = n;
	handoff_set_presence(h->ho, n);
	return n;
}

/* ---- fan-out ------------------------------------------------------------------- */

void
hub_each_customer(hub *h, const char *conv_id, void (*fn)(conn *c, void *arg), void *arg)
{
	conn *next;
	for (conn *p = h->conv_map[conv_hash(conv_id)]; p; p = next) {
		next = p->conv_next;
		if (p->authed && !strcmp(p->conv.id, conv_id))
			fn(p, arg);
	}
}

static void
send_text(conn *c, void *text)
{
	conn_send(c, text, strlen(text));
}

void
hub_to_customer(hub *h, const char *conv_id, char *text)
{
	if (text)
		hub_each_customer(h, conv_id, send_text, text);
	free(text);
}

void
hub_to_agent(hub *h, int64_t agent_id, char *text)
{
	for (conn *a = h->agents; text && a; a = a->agent_next)
		if (a->authed && a->subject == agent_id)
			send_text(a, text);
	free(text);
}

void
hub_to_agents(hub *h, char *text)
{
	for (conn *a = h->agents; text && a; a = a->agent_next)
		if (a->authed)
			send_text(a, text);
	free(text);
}

static void
reload(conn *c, void *arg)
{
	store_conversation_get(((hub *)arg)->st, c->conv.id, &c->conv);
}

static void
forget_position(conn *c, void *arg)
{
	c->last_position = 0;
}

void
hub_conversation_changed(hub *h, const char *conv_id)
{
	hub_each_customer(h, conv_id, reload, h);
}

void
hub_conversation_moved(hub *h, const char *conv_id)
{
	hub_each_customer(h, conv_id, reload, h);
	hub_each_customer(h, conv_id, forget_position, NULL);
}

/* ---- the queue's news ------------------------------------------------------- */

void
hub_queue_snapshot(hub *h)
{
	int any = 0;
	for (conn *a = h->agents; a; a = a->agent_next)
		any |= a->authed;
	if (!any)
		return;
	store_queue_list waiting;
	if (store_queue_waiting(h->st, HUB_SNAPSHOT_MAX, &waiting) != BOT_OK)
		return;
	char *snap = agentsend_queue(&waiting, h->agents_online, clock_now());
	store_queue_list_clear(&waiting);
	hub_to_agents(h, snap);
}

/* A place in the queue to tell a customer (send_queued's argument). */
typedef struct queue_place {
	hub *h;
	int position;
	int handle_time_s;
} queue_place;

/* Only when it changed: a pass over the queue tells everyone. */
static void
send_queued(conn *c, void *arg)
{
	const queue_place *place = arg;
	if (c->last_position == place->position)
		return;
	c->last_position = place->position;
	int open;
	time_t back, now = clock_now();
	int eta = handoff_estimate(place->h->ho, place->position, place->handle_time_s, now, &open,
	                           &back);
	conn_put(c, chatsend_queued(place->position, eta, place->h->agents_online, open, back));
}

void
hub_queue_changed(hub *h)
{
	queue_place place = {h, 0, handoff_handle_time(h->ho)};
	const waitq *order = NULL;
	if (store_queue_order(h->st, &order) == BOT_OK) {
		/* send_queued reads nothing from the store, so ORDER stays valid. */
		for (size_t i = 0; i < order->len; i++) {
			place.position = (int)i + 1;
			hub_each_customer(h, order->v[i].conv, send_queued, &place);
		}
	}
	hub_queue_snapshot(h);
}

void
hub_queue_joined(hub *h, const char *conv_id)
{
	queue_place place = {h, 0, 0};
	if (store_queue_position(h->st, conv_id, &place.position) == BOT_OK) {
		place.handle_time_s = handoff_handle_time(h->ho);
		hub_each_customer(h, conv_id, forget_position, NULL);
		hub_each_customer(h, conv_id, send_queued, &place);
	}
	hub_queue_snapshot(h);
}
