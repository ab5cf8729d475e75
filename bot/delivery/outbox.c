#include "outbox.h"

#include <stdlib.h>
#include <string.h>

#include "chatsend.h"
#include "commit.h"
#include "log.h"
#include "metrics.h"

void
conn_init(conn *c, conn_kind kind, const conn_env *env)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->env = env;
}

void
conn_send(conn *c, const char *text, size_t len)
{
	if (c->closing)
		return;
	const conn_port *port = c->env->port;
	int max = c->env->cfg->outbound_queue_max;
	if (c->out.len >= max) {
		log_warn("closing a connection whose outbound queue is full");
		port->kill(c);
		return;
	}
	outframe *f = malloc(sizeof(*f) + OUTBOX_HEADROOM + len);
	if (!f) {
		port->kill(c);
		return;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->data + OUTBOX_HEADROOM, text, len);
	f->gen = commit_frame_gen(c->env->cm);
	if (c->out.tail)
		c->out.tail->next = f;
	else
		c->out.head = f;
	c->out.tail = f;
	c->out.len++;
	/* Back-pressure before the hard limit: a client that sends faster than
	 * it reads stops being read until its queue drains. Only a queue that
	 * still fills up (frames pushed to it from elsewhere) gets it closed,
	 * and one that stays stalled this long is not reading at all. */
	if (!c->rx_paused && c->out.len >= max / 2) {
		c->rx_paused = 1;
		port->reading(c, 0);
		port->timeout(c, c->env->cfg->hello_timeout_s);
	}
	commit_hold(c->env->cm, c, f->gen);
}

void
conn_put(conn *c, char *text)
{
	if (text)
		conn_send(c, text, strlen(text));
	free(text);
}

void
conn_error(conn *c, const char *code, const char *message)
{
	metrics_error(code);
	conn_put(c, chatsend_error(code, message));
}

void
conn_close_after(conn *c, int close_code)
{
	c->close_code = close_code;
	c->env->port->want_write(c);
}

void
conn_refuse(conn *c, const char *code, const char *message, int close_code)
{
	conn_error(c, code, message);
	conn_close_after(c, close_code);
}

int
outbox_frame_ready(const conn *c, const outframe *f)
{
	return f && commit_synced(c->env->cm, f->gen);
}

outframe *
outbox_ready(const conn *c)
{
	return outbox_frame_ready(c, c->out.head) ? c->out.head : NULL;
}

outframe *
outbox_pop(conn *c)
{
	outframe *f = c->out.head;
	if (!f)
		return NULL;
	c->out.head = f->next;
	if (!c->out.head)
		c->out.tail = NULL;
	c->out.len--;
	if (c->rx_paused && c->out.len <= c->env->cfg->outbound_queue_max / 4) {
		c->rx_paused = 0;
		c->env->port->reading(c, 1);
		if (c->authed)
			c->env->port->timeout(c, 0);
	}
	return f;
}

void
outbox_drop(conn *c)
{
	while (c->out.head) {
		outframe *f = c->out.head;
		c->out.head = f->next;
		free(f);
	}
	c->out.tail = NULL;
	c->out.len = 0;
}

int
outbox_forget(conn *c, uint64_t gen)
{
	int dropped = 0;
	outframe **pp = &c->out.head;
	c->out.tail = NULL;
	while (*pp) {
		if ((*pp)->gen == gen) {
			outframe *f = *pp;
			*pp = f->next;
			free(f);
			c->out.len--;
			dropped++;
		} else {
			c->out.tail = *pp;
			pp = &(*pp)->next;
		}
	}
	return dropped;
}

int
outbox_unsynced(const conn *c)
{
	return c->out.tail && !commit_synced(c->env->cm, c->out.tail->gen);
}
