/* The masking check libwebsockets 4.1 does not make (RFC 6455 5.1: a server
 * MUST fail the connection on an unmasked client frame).
 *
 * Why a recv() wrapper: lws 4.1.6 reads the MASK bit into a private field
 * (wsi->ws->this_frame_masked, lws_ws_rx_sm() state LWS_RXPS_04_FRAME_HDR_LEN
 * in lib/roles/ws/ops-ws.c) and never rejects a frame without it; no public
 * function, callback or extension hook shows a frame header (extensions get
 * payload only, and only when the client negotiated them). Later lws versions
 * fail such frames themselves ("client unmasked"); 4.1 does not. What lws
 * does expose is where it gets the bytes: every plain-TCP socket is read with
 * recv() (lws_ssl_capable_read_no_ssl(), lib/core-net/output.c), and an
 * executable's own recv() is the one libwebsockets.so binds to. So this
 * module defines recv(), follows the frame headers of the WebSocket
 * connections ws.c tells it about, and fails the read that carries an
 * unmasked frame; ws.c then has lws close with 1002.
 *
 * Per socket, by descriptor (server.c and ws.c drive it from the lws
 * callbacks):
 *   wsguard_http(fd)       at accept: an HTTP connection. Its reads never go
 *                          past the end of a request's header block, so when
 *                          lws upgrades it has read the upgrade request and
 *                          nothing after it.
 *   wsguard_websocket(fd)  at LWS_CALLBACK_ESTABLISHED: every later byte is
 *                          WebSocket framing, followed header by header.
 *   wsguard_failed(fd)     an unmasked frame came: that read and every later
 *                          one fail with EPROTO (none of their bytes reach
 *                          lws, not even frames before it in the same read),
 *                          and lws closes the connection.
 * Descriptors never enrolled pass straight through; a reused number starts
 * again at wsguard_http. One thread (the event loop). TLS connections would
 * not be read with recv() and so not be checked; botd serves plain HTTP
 * behind a TLS-terminating proxy. */
#ifndef BOT_WSGUARD_H
#define BOT_WSGUARD_H

/* 0, or -1 when FD's state could not be allocated (refuse the connection
 * rather than serve it unchecked). */
int wsguard_http(int fd);
/* Switches FD, enrolled with wsguard_http, to WebSocket framing. */
void wsguard_websocket(int fd);
/* Non-zero once FD sent an unmasked frame. */
int wsguard_failed(int fd);

#endif
