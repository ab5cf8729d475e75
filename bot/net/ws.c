/* WebSocket connections: the RFC 6455 rules lws 4.1 leaves to us (the
 * handshake's key, the peer's Close code, masking through wsguard.c),
 * reassembly of fragmented messages with a size cap, and the writes: only
 * from the writeable callback, the ready frames of a connection coalesced
 * into one send. Each whole message goes to its endpoint's frame_in. */
#include "net.h"

#include <string.h>

#include "chatproto.h"
#include "chatsend.h"
#include "commit.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "wsguard.h"

_Static_assert(OUTBOX_HEADROOM >= LWS_PRE, "outbox frames need LWS_PRE bytes in front");

static const char *
endpoint_name(const conn *c)
{
	return c->kind == CONN_AGENT ? "agent" : "chat";
}

static const conn_ops *
ops_of(const conn *c)
{
	return c->env->ops[c->kind];
}

/* ---- the handshake ---------------------------------------------------------- */

static int
origin_allowed(const config *cfg, struct lws *wsi)
{
	char origin[256], host[256], self[300];
	if (lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) <= 0)
		return 1; /* not a browser: Origin protects browsers from other sites */
	for (int i = 0; i < cfg->n_origins; i++)
		if (!strcmp(origin, cfg->origins[i]))
			return 1;
	if (cfg->n_origins)
		return 0;
	/* No list configured: same origin only. */
	if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) <= 0)
		return 0;
	snprintf(self, sizeof(self), "http://%s", host);
	return !strcmp(origin, self);
}

/* RFC 6455 4.2.1: version 13 and a key of 16 random bytes (base64, 24
 * characters), which lws 4.1 does not check itself. */
static int
handshake_ok(struct lws *wsi)
{
	char version[8], key[64];
	if (lws_hdr_copy(wsi, version, sizeof(version), WSI_TOKEN_VERSION) <= 0 ||
	    strcmp(version, "13"))
		return 0;
	int n = lws_hdr_copy(wsi, key, sizeof(key), WSI_TOKEN_KEY);
	if (n != 24 || key[22] != '=' || key[23] != '=')
		return 0;
	for (int i = 0; i < 22; i++) {
		char c = key[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return 0;
	}
	return 1;
}

int
ws_filter(net *n, struct lws *wsi)
{
	char uri[300];
	if (n->draining)
		return 1;
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) <= 0 ||
	    (strcmp(uri, "/ws/chat") && strcmp(uri, "/ws/agent")))
		return 1;
	if (!origin_allowed(n->cfg, wsi)) {
		log_warn("refused a WebSocket from an origin not on the allow-list");
		return 1;
	}
	return !handshake_ok(wsi);
}

void
ws_established(net *n, struct lws *wsi, peer *p)
{
	char uri[300];
	memset(p, 0, sizeof(*p));
	p->wsi = wsi;
	if (lws_get_network_wsi(wsi) == wsi) /* not a stream inside HTTP/2 */
		wsguard_websocket(lws_get_socket_fd(wsi));
	int agent =
	    lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) > 0 && !strcmp(uri, "/ws/agent");
	conn_init(&p->c, agent ? CONN_AGENT : CONN_CHAT, &n->env);
	p->next = n->peers;
	if (n->peers)
		n->peers->prev = p;
	n->peers = p;
	n->n_peers++;
	metrics_connection(endpoint_name(&p->c), 1);
	if (ops_of(&p->c)->opened)
		ops_of(&p->c)->opened(&p->c);
	if (n->n_peers > n->cfg->max_connections) {
		conn_refuse(&p->c, CHAT_ERR_FULL, "too many connections; try again later",
		            CONN_CLOSE_TRY_LATER);
		return;
	}
	/* The hello must come within hello_timeout_s, or lws closes us. */
	lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, n->cfg->hello_timeout_s);
}

/* A Close from the peer: RFC 6455 5.5.1 and 7.4 allow no payload, or a code
 * of 1000-1003, 1007-1011 or 3000-4999 followed by UTF-8. Anything else is
 * a protocol error, answered with 1002 rather than echoed. */
int
ws_peer_close(struct lws *wsi, void *in, size_t len)
{
	unsigned char *p = in;
	if (len == 0)
		return 0;
	int code = len >= 2 ? (p[0] << 8) | p[1] : 0;
	int valid = len >= 2 && ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
	                         (code >= 3000 && code <= 4999));
	if (valid)
		return 0;
	if (len >= 2) {
		/* lws echoes this payload: make the echo say 1002. */
		p[0] = LWS_CLOSE_STATUS_PROTOCOL_ERR >> 8;
		p[1] = LWS_CLOSE_STATUS_PROTOCOL_ERR & 0xff;
		return 0;
	}
	lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR, NULL, 0);
	return -1;
}

/* ---- reading ------------------------------------------------------------------ */

static void
message_in(net *n, peer *p, const char *text, size_t len)
{
	metrics_message_in(endpoint_name(&p->c));
	/* Closing (a refusal, or the server draining): nothing more is taken in,
	 * so the queue empties and the Close goes out. An unacknowledged message
	 * is the client's to send again after reconnecting. */
	if (p->c.close_code || n->draining)
		return;
	ops_of(&p->c)->frame_in(&p->c, text, len);
}

int
ws_receive(net *n, peer *p, const char *in, size_t len)
{
	struct lws *wsi = p->wsi;
	p->rx.limit = (size_t)n->cfg->max_message_bytes;
	if (lws_frame_is_binary(wsi)) {
		lws_close_reason(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE,
		                 (unsigned char *)"text frames only", 16);
		return -1;
	}
	int last = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);
	if (lws_is_first_fragment(wsi) && last && !p->rx.len) {
		if (len > p->rx.limit)
			goto too_large;
		message_in(n, p, in, len);
		return 0;
	}
	bot_err rc = strbuf_append(&p->rx, in, len);
	if (rc == BOT_ERR_LIMIT)
		goto too_large;
	if (rc != BOT_OK)
		return -1;
	if (last) {
		message_in(n, p, p->rx.data, p->rx.len);
		strbuf_free(&p->rx);
	}
	return 0;
too_large:
	lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
	                 (unsigned char *)"message too large", 17);
	return -1;
}

/* ---- writing ------------------------------------------------------------------ */

/* Frames ready at once go out in one send: a turn's ack and reply (and a
 * queue position) would otherwise cost a send and a loop turn each. */
enum { COALESCE_MAX = 32768 };

/* Writes the header of an unmasked, final text frame of LEN payload bytes
 * (RFC 6455 5.2; the server never masks) to H; returns its length. */
static size_t
text_frame_header(unsigned char *h, size_t len)
{
	h[0] = 0x81;
	if (len < 126) {
		h[1] = (unsigned char)len;
		return 2;
	}
	if (len < 65536) {
		h[1] = 126;
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		return 4;
	}
	h[1] = 127;
	for (int i = 0; i < 8; i++)
		h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	return 10;
}

/* Whether the frame after F is also ready and fits in one send with it. */
static int
coalescable(const conn *c, const outframe *f)
{
	const outframe *n = f->next;
	return outbox_frame_ready(c, n) && f->len + n->len + 20 <= COALESCE_MAX;
}

/* Sends the ready frames at the head of P's queue: one lws_write of a
 * single frame, or several whole frames framed here and handed to lws as
 * raw bytes (lws 4.1 passes LWS_WRITE_HTTP through unframed on a WebSocket
 * connection and buffers what the socket does not take). Returns
 * lws_write's result. */
static int
write_ready_frames(peer *p)
{
	static unsigned char buf[LWS_PRE + COALESCE_MAX];
	conn *c = &p->c;
	outframe *f = c->out.head;
	if (!coalescable(c, f)) {
		outbox_pop(c);
		int n = lws_write(p->wsi, f->data + OUTBOX_HEADROOM, f->len, LWS_WRITE_TEXT);
		free(f);
		metrics_message_out(endpoint_name(c));
		return n;
	}
	size_t used = 0;
	while ((f = outbox_ready(c)) && used + f->len + 10 <= COALESCE_MAX) {
		used += text_frame_header(buf + LWS_PRE + used, f->len);
		memcpy(buf + LWS_PRE + used, f->data + OUTBOX_HEADROOM, f->len);
		used += f->len;
		free(outbox_pop(c));
		metrics_message_out(endpoint_name(c));
	}
	return lws_write(p->wsi, buf + LWS_PRE, used, LWS_WRITE_HTTP);
}

int
ws_writeable(peer *p)
{
	conn *c = &p->c;
	if (c->closing)
		return 0; /* lws's Close is out or on its way: nothing after it */
	if (outbox_ready(c)) {
		if (write_ready_frames(p) < 0)
			return -1;
		if (!c->out.head && ops_of(c)->drained)
			ops_of(c)->drained(c);
		if (outbox_ready(c) || (!c->out.head && c->close_code))
			lws_callback_on_writable(p->wsi);
		return 0;
	}
	if (!c->out.head && c->close_code) {
		static const char reason[] = "closing";
		lws_close_reason(p->wsi, (enum lws_close_status)c->close_code,
		                 (unsigned char *)reason, sizeof(reason) - 1);
		return -1;
	}
	return 0;
}

/* LWS_CALLBACK_WS_SERVER_DROP_PROTOCOL: lws 4.1 calls it from
 * __lws_close_free_wsi() before it queues its own Close (a protocol error it
 * found, a timeout, our close_code), or as it kills the socket. From here on
 * nothing of ours may reach the wire (RFC 6455 5.5.1: no data after a
 * Close), yet lws still calls SERVER_WRITEABLE while it waits for the
 * peer's Close: drop what is queued (frames held for the group commit too)
 * and take nothing more. What the dropped acks and replies carried is
 * stored; the client resends by id after reconnecting. */
void
ws_closing(net *n, struct lws *wsi, peer *p)
{
	if (wsguard_failed(lws_get_socket_fd(wsi))) {
		/* wsguard failed the read that carried an unmasked frame, which
		 * is why lws is closing: its Close (sent next) says 1002. */
		log_warn("closing a connection that sent an unmasked frame (RFC 6455 5.1)");
		lws_close_reason(wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR,
		                 (unsigned char *)"unmasked frame", 14);
	}
	if (!p || p->wsi != wsi)
		return; /* closed before LWS_CALLBACK_ESTABLISHED */
	p->c.closing = 1;
	commit_forget(n->env.cm, &p->c);
	outbox_drop(&p->c);
}

void
ws_closed(net *n, struct lws *wsi, peer *p)
{
	if (!p || p->wsi != wsi)
		return; /* refused at the handshake: it never was a connection */
	ops_of(&p->c)->closed(&p->c);
	metrics_connection(endpoint_name(&p->c), -1);
	if (p->prev)
		p->prev->next = p->next;
	else if (n->peers == p)
		n->peers = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
	commit_forget(n->env.cm, &p->c);
	outbox_drop(&p->c);
	strbuf_free(&p->rx);
	n->n_peers--;
}

void
ws_drain(net *n)
{
	for (peer *p = n->peers; p; p = p->next) {
		/* Frames still queued to a slow reader would hold the Close back
		 * past the deadline: drop them. All they carried is stored; the
		 * client resumes and retries by id. */
		outbox_drop(&p->c);
		conn_put(&p->c, chatsend_notice("going_away", "the server is restarting; "
		                                              "reconnect in a moment"));
		conn_close_after(&p->c, CONN_CLOSE_GOING_AWAY);
	}
}

/* ---- the transport's side of a conn --------------------------------------------- */

static void
port_want_write(conn *c)
{
	lws_callback_on_writable(peer_of(c)->wsi);
}

/* Frames on disk now go out at once where a write cannot block or close the
 * connection: waiting for the writable callback costs a poll round, which
 * under load comes after that round's reads. The callback does the rest. */
static void
port_flush(conn *c)
{
	peer *p = peer_of(c);
	if (c->kind != CONN_HTTP && !c->close_code && !lws_send_pipe_choked(p->wsi) &&
	    ws_writeable(p) == 0)
		return;
	lws_callback_on_writable(p->wsi);
}

static void
port_kill(conn *c)
{
	lws_set_timeout(peer_of(c)->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

static void
port_reading(conn *c, int on)
{
	lws_rx_flow_control(peer_of(c)->wsi, on);
}

static void
port_timeout(conn *c, int seconds)
{
	if (seconds)
		lws_set_timeout(peer_of(c)->wsi, PENDING_TIMEOUT_USER_OK, seconds);
	else
		lws_set_timeout(peer_of(c)->wsi, NO_PENDING_TIMEOUT, 0);
}

const conn_port net_port = {
    .want_write = port_want_write,
    .flush = port_flush,
    .kill = port_kill,
    .reading = port_reading,
    .timeout = port_timeout,
};
