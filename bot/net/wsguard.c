/* recv() for libwebsockets that fails unmasked client frames: see wsguard.h
 * for why this is done at the socket read. */

/* This file defines recv() itself; the fortified inline wrapper of
 * <sys/socket.h> would clash with that definition. */
#undef _FORTIFY_SOURCE
#include "wsguard.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

enum { G_OFF = 0, G_HTTP, G_WS, G_FAILED };

typedef struct guard {
	uint64_t left; /* WS: payload bytes of the current frame still to come */
	uint8_t mode;
	/* HTTP: the end-of-headers matcher (see http_scan).
	 * WS: header bytes seen of the current frame; 0 between headers. */
	uint8_t at;
	uint8_t need; /* WS: length of the current header, masking key included */
} guard;

static guard *tab; /* by descriptor; grows, lives as long as the process */
static size_t ntab;

static guard *
lookup(int fd)
{
	return fd >= 0 && (size_t)fd < ntab ? &tab[fd] : NULL;
}

/* Where an HTTP header block ends as lws 4.1's parser sees it
 * (lib/roles/http/parsers.c, lws_parse): at an empty line, lines ending in
 * CRLF or a bare LF ("\r\n\r\n", "\n\n", "\r\n\n", "\n\r\n"). *AT is 0 inside
 * a line, 1 right after a LF, 2 after LF CR. Returns how many bytes of P go
 * up to and including the first end, or N when none ends in P. A client that
 * made lws and this scanner disagree would only confuse the check of its own
 * connection. */
static size_t
http_scan(uint8_t *at, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if (*at) {
				*at = 0;
				return i + 1;
			}
			*at = 1;
		} else if (p[i] == '\r' && *at == 1) {
			*at = 2;
		} else {
			*at = 0;
		}
	}
	return n;
}

/* Follows RFC 6455 5.2 frame headers through P (the next N bytes of the
 * connection). Returns -1 at the first header whose MASK bit is clear, else
 * 0. Everything else about a frame (opcode, RSV, lengths of control frames,
 * fragmentation, UTF-8) lws checks itself. */
static int
ws_scan(guard *g, const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (!g->at && g->left) { /* payload: skipped whole */
			size_t k = n - i;
			if (k > g->left)
				k = (size_t)g->left;
			i += k;
			g->left -= k;
			continue;
		}
		unsigned char c = p[i++];
		unsigned idx = g->at++;
		if (idx == 1) {
			if (!(c & 0x80))
				return -1;
			c &= 0x7f;
			g->need = (uint8_t)(2 + (c == 126 ? 2 : c == 127 ? 8 : 0) + 4);
			g->left = c < 126 ? c : 0;
		} else if (idx >= 2 && idx < (unsigned)g->need - 4) {
			g->left = g->left << 8 | c; /* extended length, big-endian */
		}
		/* byte 0 (FIN, RSV, opcode) and the masking key: nothing to do */
		if (idx >= 1 && g->at == g->need)
			g->at = 0; /* header done: its payload (if any) follows */
	}
	return 0;
}

int
wsguard_http(int fd)
{
	if (fd < 0)
		return -1;
	if ((size_t)fd >= ntab) {
		size_t n = ntab ? ntab : 256;
		while (n <= (size_t)fd)
			n *= 2;
		guard *t = realloc(tab, n * sizeof(*t));
		if (!t)
			return -1;
		memset(t + ntab, 0, (n - ntab) * sizeof(*t));
		tab = t;
		ntab = n;
	}
	memset(&tab[fd], 0, sizeof(tab[fd]));
	tab[fd].mode = G_HTTP;
	return 0;
}

void
wsguard_websocket(int fd)
{
	guard *g = lookup(fd);
	if (g && g->mode == G_HTTP) {
		memset(g, 0, sizeof(*g));
		g->mode = G_WS;
	}
}

int
wsguard_failed(int fd)
{
	guard *g = lookup(fd);
	return g && g->mode == G_FAILED;
}

/* The recv() every caller in the process gets. recvfrom() with no address is
 * recv() (POSIX), and is not interposed, so it is the real read. */
ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	guard *g = lookup(fd);
	if (!g || g->mode == G_OFF || (flags & MSG_PEEK))
		return recvfrom(fd, buf, len, flags, NULL, NULL);

	if (g->mode == G_HTTP) {
		/* Look first, then take no more than the header block that ends
		 * in what is there: what follows an upgrade request stays in the
		 * socket until it is read as WebSocket framing. */
		ssize_t n = recvfrom(fd, buf, len, flags | MSG_PEEK, NULL, NULL);
		if (n <= 0)
			return n;
		uint8_t at = g->at;
		size_t upto = http_scan(&at, buf, (size_t)n);
		n = recvfrom(fd, buf, upto, flags, NULL, NULL);
		if (n > 0)
			http_scan(&g->at, buf, (size_t)n);
		return n;
	}

	ssize_t n = recvfrom(fd, buf, len, flags, NULL, NULL);
	if (n <= 0)
		return n;
	if (g->mode == G_WS && ws_scan(g, buf, (size_t)n) == 0)
		return n;
	/* RFC 6455 5.1 and 7.1.7: fail the connection, and process nothing
	 * more from it. Later reads drain the socket and fail too. */
	g->mode = G_FAILED;
	errno = EPROTO;
	return -1;
}
