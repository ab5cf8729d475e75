/* echo_server: the limit of botd's stack. A minimal libwebsockets server
 * built from the same library and with the same shape as bot/net/ (one
 * protocol, one event-loop thread, per-session outbound queue, one lws_write
 * per WRITEABLE callback with LWS_PRE headroom) that sends every text
 * message straight back. No parsing, no database: what remains is the cost
 * of lws, the kernel and the loopback. loadgen --mode echo drives it with the
 * same frames it sends botd.
 *
 *   echo_server --port P [--seconds S]
 *
 * It stops on SIGTERM/SIGINT, or after S seconds (default 600) so a
 * forgotten benchmark cannot leave it running. */
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One queued echo; DATA has LWS_PRE bytes of headroom. */
typedef struct frame {
	struct frame *next;
	size_t len;
	unsigned char data[];
} frame;

/* Per session: the reassembly buffer and the outbound queue (bounded like
 * botd's: a client that stops reading is dropped). */
typedef struct pss {
	frame *head, *tail;
	int q_len;
	unsigned char *rx;
	size_t rx_len;
} pss;

#define QUEUE_MAX 256
#define MAX_MESSAGE (64 * 1024)

static volatile sig_atomic_t stop;
static struct lws_context *ctx;

static void
queue(struct lws *wsi, pss *s, const unsigned char *buf, size_t len)
{
	if (s->q_len >= QUEUE_MAX) {
		lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return;
	}
	frame *f = malloc(sizeof(*f) + LWS_PRE + len);
	if (!f)
		return;
	f->next = NULL;
	f->len = len;
	memcpy(f->data + LWS_PRE, buf, len);
	if (s->tail)
		s->tail->next = f;
	else
		s->head = f;
	s->tail = f;
	s->q_len++;
	lws_callback_on_writable(wsi);
}

static int
callback_echo(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	pss *s = user;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		memset(s, 0, sizeof(*s));
		break;
	case LWS_CALLBACK_RECEIVE: {
		int final = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);
		if (final && !s->rx_len) {
			queue(wsi, s, in, len); /* the common case: no copy to reassemble */
			break;
		}
		if (s->rx_len + len > MAX_MESSAGE)
			return -1;
		unsigned char *n = realloc(s->rx, s->rx_len + len);
		if (!n)
			return -1;
		s->rx = n;
		memcpy(s->rx + s->rx_len, in, len);
		s->rx_len += len;
		if (final) {
			queue(wsi, s, s->rx, s->rx_len);
			s->rx_len = 0;
		}
		break;
	}
	case LWS_CALLBACK_SERVER_WRITEABLE: {
		frame *f = s->head;
		if (!f)
			break;
		if (lws_write(wsi, f->data + LWS_PRE, f->len, LWS_WRITE_TEXT) < (int)f->len)
			return -1;
		s->head = f->next;
		if (!s->head)
			s->tail = NULL;
		s->q_len--;
		free(f);
		if (s->head)
			lws_callback_on_writable(wsi);
		break;
	}
	case LWS_CALLBACK_CLOSED:
		while (s->head) {
			frame *f = s->head;
			s->head = f->next;
			free(f);
		}
		free(s->rx);
		s->rx = NULL;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	/* Same rx buffer size as botd's protocol. */
	{"echo", callback_echo, sizeof(pss), 4096, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static void
on_signal(int sig)
{
	stop = 1;
	if (ctx)
		lws_cancel_service(ctx);
}

int
main(int argc, char **argv)
{
	int port = 0;
	long seconds = 600;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atol(argv[++i]);
		else {
			fprintf(stderr, "usage: echo_server --port P [--seconds S]\n");
			return 2;
		}
	}
	if (port <= 0 || port > 65535 || seconds <= 0 || seconds > 3600) {
		fprintf(stderr, "usage: echo_server --port P [--seconds S]\n");
		return 2;
	}
	lws_set_log_level(LLL_ERR, NULL);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = port;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.fd_limit_per_thread = 20000;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "echo_server: cannot listen on 127.0.0.1:%d\n", port);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	time_t end = time(NULL) + seconds;
	while (!stop && time(NULL) < end)
		if (lws_service(ctx, 0) < 0)
			break;
	lws_context_destroy(ctx);
	return 0;
}
