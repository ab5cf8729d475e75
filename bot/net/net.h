/* The network side's own parts, shared by server.c (the context, the
 * callback, signals, the drain), ws.c (the WebSocket rules and writes) and
 * http.c (the routes). Private to net/: nothing above it sees lws. */
#ifndef BOT_NET_H
#define BOT_NET_H

#include <libwebsockets.h>

#include "conn.h"
#include "endpoint.h"
#include "server.h"
#include "strbuf.h"

/* One connection as lws holds it: its per-session data. */
typedef struct peer {
	conn c; /* first: a peer is a conn */
	struct lws *wsi;
	struct peer *prev, *next; /* every WebSocket connection */
	strbuf rx;                /* fragments of a message being reassembled */
	/* HTTP: a POST body as it arrives, and the response's head. */
	strbuf post;
	int post_too_large;
	unsigned int http_status;
	const char *http_ctype; /* static */
	int http_headers_sent;
} peer;

static inline peer *
peer_of(conn *c)
{
	return (peer *)c;
}

/* The server's state. */
typedef struct net {
	const server_deps *deps;
	const config *cfg;
	struct lws_context *ctx;
	conn_env env;
	endpoints ep;
	const intent_set *intents; /* the current set, for /readyz */
	peer *peers;               /* every WebSocket connection */
	int n_peers;
	int draining;
} net;

/* ---- ws.c ------------------------------------------------------------------- */

/* The transport's side of every conn (conn.h). */
extern const conn_port net_port;
/* FILTER_PROTOCOL_CONNECTION: non-zero refuses the upgrade (a drain, a path
 * that is no endpoint, a foreign Origin, a malformed handshake). */
int ws_filter(net *n, struct lws *wsi);
void ws_established(net *n, struct lws *wsi, peer *p);
int ws_receive(net *n, peer *p, const char *in, size_t len);
int ws_writeable(peer *p);
/* WS_PEER_INITIATED_CLOSE: checks the peer's Close (RFC 6455 7.4). */
int ws_peer_close(struct lws *wsi, void *in, size_t len);
/* WS_SERVER_DROP_PROTOCOL: lws begins closing; nothing more goes out. */
void ws_closing(net *n, struct lws *wsi, peer *p);
void ws_closed(net *n, struct lws *wsi, peer *p);
/* The drain: every connection is told and closed once its notice is out. */
void ws_drain(net *n);

/* ---- http.c ----------------------------------------------------------------- */

extern const conn_ops http_ops;
int http_request(net *n, struct lws *wsi, peer *p, const char *uri);
int http_body(net *n, peer *p, const void *in, size_t len);
int http_body_done(net *n, struct lws *wsi, peer *p);
int http_writeable(net *n, struct lws *wsi, peer *p);
void http_closed(net *n, peer *p);

#endif
