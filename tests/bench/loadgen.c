/* loadgen: a WebSocket load generator for botd's WS /ws/chat and for the
 * echo server (tests/bench/echo_server.c) that measures the stack's limit.
 *
 * One thread, epoll, non-blocking sockets, its own minimal RFC 6455 client
 * (upgrade request, masked text frames, frame parsing, pong), so that the
 * generator costs little next to the server it measures; it reports its own
 * CPU use so a saturated generator is visible.
 *
 *   loadgen --port P [--mode chat|echo|idle] [--conns N] [--duration S]
 *           [--warmup S] [--rate R] [--members A-B] [--intents DIR] ...
 *
 * chat: each connection says hello with its own member's token (HS256, minted
 *   in-process with the daemon's token module), then sends questions from the
 *   intent examples (every intent but agent_request, plus slotted and
 *   not-understood questions). A question is answered when its ack and then
 *   a bot reply arrived; the round trip ends at that reply. A message that
 *   only got an ack (the conversation belongs to a human) counts as ack_only.
 *   A connection whose conversation was handed to an agent (a "queued" frame)
 *   reconnects with a fresh hello once its messages in flight are acked, so
 *   the mix keeps reaching the bot.
 * echo: the same message frames, each answered by its echo.
 * idle: opens N authenticated connections, prints "ready N" and holds them
 *   for --hold seconds (the RSS benchmark measures the daemon meanwhile).
 *
 * Closed loop (default): one message in flight per connection. Open loop
 * (--rate R): R messages per second in total, round robin over connections,
 * pipelined, and each round trip timed from its scheduled send time so a
 * stalled server cannot hide its queueing (no coordinated omission).
 *
 * Output: one line of key=value pairs (see report()). Every loop is bounded
 * by --duration/--warmup/--hold plus fixed connect and drain deadlines. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "token.h"

#define DEMO_SECRET "botd-demo-secret-not-for-production"
#define FIFO_CAP 256            /* messages in flight per connection (open loop) */
#define CONNECT_DEADLINE_S 60   /* all connections must be up within this */
#define DRAIN_S 2               /* after the run, wait this long for stragglers */
#define MSG_TIMEOUT_US 10000000 /* a message unanswered this long is a timeout */
#define MAX_HANDSHAKES 256      /* connections being set up at once */

/* ---- time and histogram ------------------------------------------------- */

static int64_t
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Log-linear histogram: 1 us resolution below 1 ms, then 64 sub-buckets per
 * power of two (under 1.6% error) up to ~70 minutes. Fixed size, no
 * allocation while recording. */
#define H_LINEAR 1024
#define H_SUB 64
#define H_OCTAVES 32
static uint64_t hist[H_LINEAR + H_OCTAVES * H_SUB];
static uint64_t hist_n, hist_sum, hist_max;

static int
hist_index(uint64_t v)
{
	if (v < H_LINEAR)
		return (int)v;
	int msb = 63 - __builtin_clzll(v); /* >= 10 */
	int oct = msb - 10;
	if (oct >= H_OCTAVES)
		return H_LINEAR + H_OCTAVES * H_SUB - 1;
	int sub = (int)((v >> (msb - 6)) & (H_SUB - 1));
	return H_LINEAR + oct * H_SUB + sub;
}

/* The lower bound of bucket I (a value can only be over-reported by one
 * bucket's width). */
static uint64_t
hist_value(int i)
{
	if (i < H_LINEAR)
		return (uint64_t)i;
	int oct = (i - H_LINEAR) / H_SUB, sub = (i - H_LINEAR) % H_SUB;
	int msb = oct + 10;
	return ((uint64_t)1 << msb) + ((uint64_t)sub << (msb - 6));
}

static void
hist_add(int64_t v)
{
	if (v < 0)
		v = 0;
	hist[hist_index((uint64_t)v)]++;
	hist_n++;
	hist_sum += (uint64_t)v;
	if ((uint64_t)v > hist_max)
		hist_max = (uint64_t)v;
}

static uint64_t
hist_pct(double p)
{
	if (!hist_n)
		return 0;
	uint64_t want = (uint64_t)((double)hist_n * p / 100.0 + 0.5), acc = 0;
	if (want < 1)
		want = 1;
	for (size_t i = 0; i < sizeof(hist) / sizeof(hist[0]); i++) {
		acc += hist[i];
		if (acc >= want)
			return hist_value((int)i);
	}
	return hist_max;
}

/* ---- options ------------------------------------------------------------- */

enum mode { M_CHAT, M_ECHO, M_IDLE };

static struct opts {
	const char *host, *path, *intents, *secret;
	const char *exclude; /* comma-separated intent ids left out of the mix */
	int port, conns;
	double duration, warmup, hold, rate;
	enum mode mode;
	int64_t member_lo, member_hi;
	int verbose;
	const char *slow_log; /* answered round trips over SLOW_US go here */
} o = {
	.host = "127.0.0.1",
	.path = NULL,
	.intents = "intents",
	.secret = DEMO_SECRET,
	.conns = 100,
	.duration = 5,
	.warmup = 1,
	.hold = 5,
	.mode = M_CHAT,
	.member_lo = 1,
	.member_hi = 11,
};

/* ---- the question mix ---------------------------------------------------- */

typedef struct question {
	char *json; /* the text as a JSON string literal, quotes included */
	size_t len;
	int understood;
} question;

static question *mix;
static size_t n_mix;

/* Questions the examples do not cover: slots in every form, and lines no
 * intent should claim (the bot then says it did not understand). */
static const char *const slotted[] = {
	"오늘 충전 내역 보여줘", "어제 환불 내역 있어요?", "이번 주 충전한 거 알려줘",
	"지난주 충전 내역", "최근 7일 충전 환불 내역", "최근 14일 충전 내역 알려주세요",
	"최근 30일 환불 내역", "이번 달 충전 내역 조회", "지난달 충전 내역 보여줘",
	"전체 충전 내역", "2026-10-01..2026-10-31 충전 내역", "show my charges last month",
	"카드 끝자리 4415 휴면인가요?", "10월 세금계산서 발행 실패 이유가 뭐예요?",
};
static const char *const not_understood[] = {
	"오늘 점심 메뉴 추천해 줘", "what's the weather like in Seoul?",
	"주차 등록은 어디서 하나요", "노래 한 곡 불러줘", "사무실 이전 주소 변경",
	"우리 회사 로고 바꾸고 싶어요", "the quick brown fox jumps over the lazy dog",
	"ㅋㅋㅋㅋ", "키워드 광고 입찰가 올리는 법", "12345",
};

static void
mix_add(question **v, size_t *n, size_t *cap, const char *text, int understood)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v)
			abort();
	}
	json_t *s = json_string(text);
	char *lit = json_dumps(s, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(s);
	if (!lit)
		return;
	(*v)[*n].json = lit;
	(*v)[*n].len = strlen(lit);
	(*v)[*n].understood = understood;
	(*n)++;
}

/* Builds the mix: every example of every intent but agent_request (asking
 * for a human is not a question the bot answers), the slotted questions, and
 * one not-understood question after every nine understood ones. Two
 * not-understood questions in a row would hand the conversation over, so
 * they never follow each other. The order is shuffled with a fixed seed. */
static int
mix_load(const char *dir)
{
	question *u = NULL;
	size_t nu = 0, cu = 0, cm = 0;
	bench_questions qs;
	if (bench_questions_load(dir, o.exclude, &qs)) {
		fprintf(stderr, "loadgen: no intent examples in %s\n", dir);
		return -1;
	}
	for (size_t i = 0; i < qs.n; i++)
		mix_add(&u, &nu, &cu, qs.text[i], 1);
	bench_questions_free(&qs);
	for (size_t i = 0; i < sizeof(slotted) / sizeof(slotted[0]); i++)
		mix_add(&u, &nu, &cu, slotted[i], 1);
	uint64_t x = 88172645463325252ULL;
	for (size_t i = nu - 1; i > 0; i--) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t j = x % (i + 1);
		question t = u[i];
		u[i] = u[j];
		u[j] = t;
	}
	size_t k = 0;
	for (size_t i = 0; i < nu; i++) {
		if (n_mix == cm) {
			cm = cm ? cm * 2 : 128;
			mix = realloc(mix, cm * sizeof(*mix));
		}
		mix[n_mix++] = u[i];
		if (i % 9 == 8) {
			const char *t = not_understood[k++ % (sizeof(not_understood) /
							       sizeof(not_understood[0]))];
			size_t before = n_mix;
			size_t cap2 = cm;
			mix_add(&mix, &n_mix, &cap2, t, 0);
			cm = cap2;
			(void)before;
		}
	}
	free(u);
	return 0;
}

/* ---- connections --------------------------------------------------------- */

enum cstate { C_IDLE, C_CONNECTING, C_UPGRADING, C_HELLO, C_READY, C_DEAD };

typedef struct conn {
	int fd;
	enum cstate st;
	int index;
	int64_t member;
	char *token;
	size_t next_q; /* next question in the mix */
	uint64_t n_sent;
	/* Messages in flight, oldest first: when each was (to be) sent and
	 * whether its ack came. */
	int64_t f_t[FIFO_CAP];
	uint32_t f_q[FIFO_CAP]; /* which question of the mix */
	uint8_t f_acked[FIFO_CAP];
	int f_head, f_len;
	int escalated; /* the conversation went to an agent: reconnect when drained */
	unsigned epoch; /* bumped on close: a parse in progress must stop */
	/* Input: raw bytes (handshake, then frames) and a message being
	 * reassembled from fragments. */
	unsigned char *rbuf;
	size_t rlen, rcap;
	unsigned char *frag;
	size_t flen;
	/* Output that did not fit in the socket. */
	unsigned char *wbuf;
	size_t wlen, woff;
} conn;

static conn *conns;
static int epfd;
static struct sockaddr_in addr;
static int n_ready, n_handshaking;

static struct stats {
	uint64_t sent, answered, ack_only, errors, rate_limited, timeouts, reconnects,
		conn_failures, escalations, overload, late_sends, bytes_in, bytes_out;
} S;
static int measuring; /* record into the histogram and counters */
static int sending;   /* new messages may be sent */

static void conn_start(conn *c);
static void conn_fail(conn *c, const char *why);

static void
ep_mod(conn *c, uint32_t ev)
{
	struct epoll_event e = {.events = ev, .data.ptr = c};
	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e);
}

/* Writes LEN bytes or queues what the socket did not take. */
static int
conn_write(conn *c, const void *buf, size_t len)
{
	if (c->wlen == c->woff) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (n < 0)
			n = 0;
		S.bytes_out += (uint64_t)n;
		if ((size_t)n == len)
			return 0;
		buf = (const char *)buf + n;
		len -= (size_t)n;
		c->wlen = c->woff = 0;
	}
	unsigned char *nb = realloc(c->wbuf, c->wlen + len);
	if (!nb)
		return -1;
	c->wbuf = nb;
	memcpy(c->wbuf + c->wlen, buf, len);
	c->wlen += len;
	ep_mod(c, EPOLLIN | EPOLLOUT);
	return 0;
}

static void
conn_flush(conn *c)
{
	while (c->woff < c->wlen) {
		ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			conn_fail(c, "send");
			return;
		}
		S.bytes_out += (uint64_t)n;
		c->woff += (size_t)n;
	}
	c->wlen = c->woff = 0;
	ep_mod(c, EPOLLIN);
}

static uint32_t mask_seed = 0x9e3779b9;

/* Sends one masked frame (client frames must be masked, RFC 6455 5.3). */
static int
ws_send(conn *c, int opcode, const void *payload, size_t len)
{
	unsigned char stackbuf[8192], *buf = stackbuf;
	size_t hl = 2 + 4 + (len >= 126 ? (len > 0xffff ? 8 : 2) : 0);
	if (hl + len > sizeof(stackbuf) && !(buf = malloc(hl + len)))
		return -1;
	size_t p = 0;
	buf[p++] = (unsigned char)(0x80 | opcode);
	if (len < 126) {
		buf[p++] = (unsigned char)(0x80 | len);
	} else if (len <= 0xffff) {
		buf[p++] = 0x80 | 126;
		buf[p++] = (unsigned char)(len >> 8);
		buf[p++] = (unsigned char)len;
	} else {
		buf[p++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			buf[p++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	mask_seed = mask_seed * 1664525u + 1013904223u;
	unsigned char mk[4];
	memcpy(mk, &mask_seed, 4);
	memcpy(buf + p, mk, 4);
	p += 4;
	const unsigned char *in = payload;
	for (size_t i = 0; i < len; i++)
		buf[p + i] = in[i] ^ mk[i & 3];
	int rc = conn_write(c, buf, p + len);
	if (buf != stackbuf)
		free(buf);
	return rc;
}

/* Sends the connection's next question, timed from T (the scheduled send
 * time in the open loop, now in the closed loop). */
static void
send_question(conn *c, int64_t t)
{
	if (c->f_len >= FIFO_CAP) {
		if (measuring)
			S.overload++;
		return;
	}
	const question *q = &mix[c->next_q];
	c->next_q = (c->next_q + 1) % n_mix;
	/* A not-understood question right after a reconnect would be fine too;
	 * the mix itself never puts two in a row. */
	char buf[8192];
	int n = snprintf(buf, sizeof(buf), "{\"type\":\"message\",\"id\":\"c%d-%llu\",\"text\":%s}",
			 c->index, (unsigned long long)c->n_sent++, q->json);
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return;
	int slot = (c->f_head + c->f_len) % FIFO_CAP;
	c->f_t[slot] = t;
	c->f_q[slot] = (uint32_t)(q - mix);
	c->f_acked[slot] = 0;
	c->f_len++;
	if (measuring)
		S.sent++;
	if (ws_send(c, 1, buf, (size_t)n))
		conn_fail(c, "send");
}

static void
fifo_pop(conn *c)
{
	c->f_head = (c->f_head + 1) % FIFO_CAP;
	c->f_len--;
}

/* --slow-log: one line per answered round trip over SLOW_US, to find when
 * and on which questions the tail happens (diagnosis, not a result). */
#define SLOW_US 3000
static FILE *slow_log;

static void
complete(conn *c, int answered)
{
	int64_t sent = c->f_t[c->f_head];
	int64_t rtt = now_us() - sent;
	uint32_t q = c->f_q[c->f_head];
	fifo_pop(c);
	if (measuring) {
		if (answered) {
			S.answered++;
			hist_add(rtt);
			if (slow_log && rtt > SLOW_US)
				fprintf(slow_log, "%.6f %lld %d %.60s\n", (double)sent / 1e6,
					(long long)rtt, c->index, mix[q].json);
		} else {
			S.ack_only++;
		}
	}
}

static void
conn_close(conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	if (c->st == C_READY)
		n_ready--;
	if (c->st == C_CONNECTING || c->st == C_UPGRADING || c->st == C_HELLO)
		n_handshaking--;
	c->fd = -1;
	c->epoch++;
	c->rlen = c->flen = c->wlen = c->woff = 0;
	c->f_len = 0;
	c->escalated = 0;
	c->st = C_IDLE;
}

static void
conn_fail(conn *c, const char *why)
{
	if (o.verbose)
		fprintf(stderr, "loadgen: connection %d: %s\n", c->index, why);
	S.conn_failures++;
	conn_close(c);
	c->st = C_DEAD;
}

/* A connection handed to an agent starts a new conversation. */
static void
conn_reconnect(conn *c)
{
	if (measuring)
		S.reconnects++;
	conn_close(c);
	conn_start(c);
}

static int
has(const unsigned char *p, size_t len, const char *needle, size_t within)
{
	return memmem(p, len < within ? len : within, needle, strlen(needle)) != NULL;
}

/* One complete server message (text) in chat mode. */
static void
chat_message(conn *c, const unsigned char *p, size_t len)
{
	if (c->st == C_HELLO) {
		if (has(p, len, "\"type\":\"welcome\"", 40)) {
			c->st = C_READY;
			n_handshaking--;
			n_ready++;
			if (o.mode == M_CHAT && sending && o.rate <= 0)
				send_question(c, now_us());
		} else {
			conn_fail(c, "no welcome");
		}
		return;
	}
	if (has(p, len, "\"type\":\"ack\"", 40)) {
		if (!c->f_len)
			return;
		/* An ack while the previous message still waits for its reply:
		 * that message got no reply (a human owns the conversation). */
		if (c->f_acked[c->f_head]) {
			complete(c, 0);
			if (!c->f_len)
				return;
		}
		c->f_acked[c->f_head] = 1;
		/* After a handoff only acks come back: nothing more to wait for. */
		if (c->escalated)
			complete(c, 0);
	} else if (has(p, len, "\"type\":\"queued\"", 40)) {
		/* The conversation went to the agent queue; the bot is silent from
		 * now on, so this connection starts a new conversation. */
		if (!c->escalated && measuring)
			S.escalations++;
		c->escalated = 1;
	} else if (has(p, len, "\"type\":\"reply\"", 40)) {
		/* Handoff notices (ko or en) mean later messages go to a human. */
		if (c->f_len && c->f_acked[c->f_head])
			complete(c, 1);
		/* else: a second reply to an answered message; ignored. */
	} else if (has(p, len, "\"type\":\"error\"", 40)) {
		if (measuring) {
			S.errors++;
			if (has(p, len, "rate_limited", len))
				S.rate_limited++;
		}
		if (c->f_len)
			complete(c, 0);
	} else {
		return; /* notices, pongs, agent frames */
	}
	if (c->escalated && !c->f_len) {
		conn_reconnect(c);
		return;
	}
	if (sending && o.rate <= 0 && !c->f_len && c->st == C_READY)
		send_question(c, now_us());
}

static void
echo_message(conn *c, const unsigned char *p, size_t len)
{
	if (c->f_len)
		complete(c, 1);
	if (sending && o.rate <= 0 && !c->f_len)
		send_question(c, now_us());
}

/* Parses every complete frame in the input buffer. */
static void
ws_parse(conn *c)
{
	size_t off = 0;
	unsigned epoch = c->epoch;
	/* A handler may close or reconnect C: then its buffer is gone. */
	while (c->epoch == epoch && c->rlen - off >= 2) {
		unsigned char *b = c->rbuf + off;
		size_t avail = c->rlen - off;
		int fin = b[0] & 0x80, op = b[0] & 0x0f, masked = b[1] & 0x80;
		uint64_t len = b[1] & 0x7f;
		size_t hl = 2;
		if (len == 126) {
			if (avail < 4)
				break;
			len = ((uint64_t)b[2] << 8) | b[3];
			hl = 4;
		} else if (len == 127) {
			if (avail < 10)
				break;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = (len << 8) | b[2 + i];
			hl = 10;
		}
		if (masked)
			hl += 4; /* servers must not mask, but tolerate it */
		if (len > (1u << 24)) {
			conn_fail(c, "frame too large");
			return;
		}
		if (avail < hl + len)
			break;
		unsigned char *pl = b + hl;
		if (masked)
			for (uint64_t i = 0; i < len; i++)
				pl[i] ^= b[hl - 4 + (i & 3)];
		off += hl + (size_t)len;
		if (op == 0x8) { /* close */
			if (o.verbose)
				fprintf(stderr, "loadgen: close code %d: %.*s\n",
					len >= 2 ? pl[0] << 8 | pl[1] : 0, (int)(len > 2 ? len - 2 : 0),
					(const char *)pl + 2);
			conn_fail(c, "closed by server");
			return;
		}
		if (op == 0x9) { /* ping: answer with the same payload */
			ws_send(c, 0xA, pl, (size_t)len);
			continue;
		}
		if (op == 0xA)
			continue;
		const unsigned char *msg = pl;
		size_t mlen = (size_t)len;
		if (!fin || c->flen) {
			if (o.verbose > 1)
				fprintf(stderr, "frag op=%d fin=%d len=%zu have=%zu\n", op, !!fin, mlen,
					c->flen);
			unsigned char *nf = realloc(c->frag, c->flen + mlen + 1);
			if (!nf) {
				conn_fail(c, "out of memory");
				return;
			}
			c->frag = nf;
			memcpy(c->frag + c->flen, pl, mlen);
			c->flen += mlen;
			if (!fin)
				continue;
			msg = c->frag;
			mlen = c->flen;
			c->flen = 0;
		}
		if (o.verbose > 2)
			fprintf(stderr, "conn %d <- %.*s\n", c->index, (int)(mlen < 100 ? mlen : 100),
				(const char *)msg);
		if (o.mode == M_ECHO)
			echo_message(c, msg, mlen);
		else
			chat_message(c, msg, mlen);
	}
	if (c->epoch != epoch)
		return;
	if (off) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
}

static void
send_upgrade(conn *c)
{
	char req[512];
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
			 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
			 "Sec-WebSocket-Version: 13\r\n\r\n",
			 o.path, o.host, o.port);
	c->st = C_UPGRADING;
	if (conn_write(c, req, (size_t)n))
		conn_fail(c, "send upgrade");
}

/* After the 101: chat says hello; echo is ready at once. */
static void
upgraded(conn *c)
{
	if (o.mode == M_ECHO) {
		c->st = C_READY;
		n_handshaking--;
		n_ready++;
		if (sending && o.rate <= 0)
			send_question(c, now_us());
		return;
	}
	char buf[TOKEN_MAX_LEN + 64];
	int n = snprintf(buf, sizeof(buf), "{\"type\":\"hello\",\"token\":\"%s\"}", c->token);
	c->st = C_HELLO;
	if (ws_send(c, 1, buf, (size_t)n))
		conn_fail(c, "send hello");
}

static void
conn_readable(conn *c)
{
	unsigned epoch = c->epoch;
	for (;;) {
		if (c->rcap - c->rlen < 4096) {
			size_t nc = c->rcap ? c->rcap * 2 : 16384;
			if (nc > (1u << 25)) {
				conn_fail(c, "input buffer overflow");
				return;
			}
			unsigned char *nb = realloc(c->rbuf, nc);
			if (!nb) {
				conn_fail(c, "out of memory");
				return;
			}
			c->rbuf = nb;
			c->rcap = nc;
		}
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
		if (n == 0) {
			conn_fail(c, "eof");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			conn_fail(c, "recv");
			return;
		}
		S.bytes_in += (uint64_t)n;
		int drained = (size_t)n < c->rcap - c->rlen; /* a short read took all there was */
		c->rlen += (size_t)n;
		if (c->st == C_UPGRADING) {
			unsigned char *end = memmem(c->rbuf, c->rlen, "\r\n\r\n", 4);
			if (!end)
				continue;
			if (c->rlen < 12 || memcmp(c->rbuf + 9, "101", 3)) {
				conn_fail(c, "upgrade refused");
				return;
			}
			size_t hl = (size_t)(end - c->rbuf) + 4;
			memmove(c->rbuf, c->rbuf + hl, c->rlen - hl);
			c->rlen -= hl;
			upgraded(c);
			if (c->epoch != epoch)
				return;
		}
		ws_parse(c);
		if (c->epoch != epoch)
			return;
		/* Level-triggered epoll reports the socket again if more came: a
		 * second recv() only to hear EAGAIN would be a third syscall per
		 * message, and the generator must stay cheaper than the server. */
		if (drained)
			return;
	}
}

static void
conn_start(conn *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		conn_fail(c, "socket");
		return;
	}
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	n_handshaking++;
	c->st = C_CONNECTING;
	struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
	epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e);
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) && errno != EINPROGRESS)
		conn_fail(c, "connect");
}

static void
conn_event(conn *c, uint32_t ev)
{
	if (c->st == C_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err || (ev & (EPOLLERR | EPOLLHUP))) {
			conn_fail(c, "connect refused");
			return;
		}
		ep_mod(c, EPOLLIN);
		send_upgrade(c);
		return;
	}
	if (ev & EPOLLOUT)
		conn_flush(c);
	if (c->fd >= 0 && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		conn_readable(c);
}

/* ---- the run ------------------------------------------------------------- */

static double
cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Waits for events up to TIMEOUT_MS and dispatches them; TFD is the open
 * loop's timer (or -1). Returns the number of timer expirations read. */
static uint64_t
poll_once(int timeout_ms, int tfd)
{
	struct epoll_event ev[512];
	uint64_t ticks = 0;
	int n = epoll_wait(epfd, ev, 512, timeout_ms);
	for (int i = 0; i < n; i++) {
		if (!ev[i].data.ptr) {
			uint64_t t;
			if (read(tfd, &t, sizeof(t)) == sizeof(t))
				ticks += t;
			continue;
		}
		conn_event(ev[i].data.ptr, ev[i].events);
	}
	return ticks;
}

/* Opens connections, keeping at most MAX_HANDSHAKES in setup at once (a
 * burst of thousands of hellos would only measure the accept queue). */
static int
connect_all(int64_t deadline)
{
	int next = 0;
	while (now_us() < deadline) {
		while (next < o.conns && n_handshaking < MAX_HANDSHAKES)
			conn_start(&conns[next++]);
		int dead = 0;
		for (int i = 0; i < next; i++)
			dead += conns[i].st == C_DEAD;
		if (next == o.conns && n_ready + dead == o.conns)
			return dead;
		poll_once(10, -1);
	}
	return -1;
}

static void
report(double wall, double cpu)
{
	const char *mode = o.mode == M_CHAT ? "chat" : o.mode == M_ECHO ? "echo" : "idle";
	printf("mode=%s conns=%d ready=%d rate_target=%.0f duration_s=%.2f sent=%llu "
	       "answered=%llu ack_only=%llu errors=%llu rate_limited=%llu timeouts=%llu "
	       "escalations=%llu reconnects=%llu conn_failures=%llu overload=%llu "
	       "answered_per_s=%.1f p50_us=%llu p99_us=%llu p999_us=%llu max_us=%llu "
	       "mean_us=%.0f gen_cpu_pct=%.1f bytes_in=%llu bytes_out=%llu\n",
	       mode, o.conns, n_ready, o.rate, wall, (unsigned long long)S.sent,
	       (unsigned long long)S.answered, (unsigned long long)S.ack_only,
	       (unsigned long long)S.errors, (unsigned long long)S.rate_limited,
	       (unsigned long long)S.timeouts, (unsigned long long)S.escalations,
	       (unsigned long long)S.reconnects, (unsigned long long)S.conn_failures,
	       (unsigned long long)S.overload, wall > 0 ? (double)S.answered / wall : 0.0,
	       (unsigned long long)hist_pct(50), (unsigned long long)hist_pct(99),
	       (unsigned long long)hist_pct(99.9), (unsigned long long)hist_max,
	       hist_n ? (double)hist_sum / (double)hist_n : 0.0, wall > 0 ? 100.0 * cpu / wall : 0,
	       (unsigned long long)S.bytes_in, (unsigned long long)S.bytes_out);
	fflush(stdout);
}

/* Messages unanswered for MSG_TIMEOUT_US: counted, and the connection starts
 * over (a server that lost a message must not stall a closed loop). */
static void
sweep_timeouts(int64_t now)
{
	for (int i = 0; i < o.conns; i++) {
		conn *c = &conns[i];
		if (c->st == C_READY && c->f_len && now - c->f_t[c->f_head] > MSG_TIMEOUT_US) {
			if (measuring)
				S.timeouts += (uint64_t)c->f_len;
			conn_reconnect(c);
		}
	}
}

static int
run(void)
{
	int64_t t_conn = now_us();
	int dead = connect_all(t_conn + (int64_t)CONNECT_DEADLINE_S * 1000000);
	if (dead < 0 || n_ready == 0) {
		fprintf(stderr, "loadgen: only %d of %d connections ready after %d s\n", n_ready,
			o.conns, CONNECT_DEADLINE_S);
		return 1;
	}
	if (dead)
		fprintf(stderr, "loadgen: %d connections failed to set up\n", dead);
	fprintf(stderr, "loadgen: %d connections ready in %.2f s\n", n_ready,
		(double)(now_us() - t_conn) / 1e6);

	if (o.mode == M_IDLE) {
		printf("ready %d\n", n_ready);
		fflush(stdout);
		int64_t end = now_us() + (int64_t)(o.hold * 1e6);
		while (now_us() < end)
			poll_once(100, -1);
		return 0;
	}

	int tfd = -1;
	if (o.rate > 0) {
		/* Tick often enough that sends are spread, not bunched. */
		double period = 1.0 / o.rate;
		if (period < 100e-6)
			period = 100e-6;
		tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		struct itimerspec its = {
			.it_interval = {.tv_sec = 0, .tv_nsec = (long)(period * 1e9)},
			.it_value = {.tv_sec = 0, .tv_nsec = (long)(period * 1e9)},
		};
		timerfd_settime(tfd, 0, &its, NULL);
		struct epoll_event e = {.events = EPOLLIN, .data.ptr = NULL};
		epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &e);
	}

	int64_t t0 = now_us();
	int64_t t_measure = t0 + (int64_t)(o.warmup * 1e6);
	int64_t t_end = t_measure + (int64_t)(o.duration * 1e6);
	sending = 1;
	if (o.rate <= 0)
		for (int i = 0; i < o.conns; i++)
			if (conns[i].st == C_READY && !conns[i].f_len)
				send_question(&conns[i], now_us());
	uint64_t scheduled = 0;
	int rr = 0;
	double cpu0 = 0;
	int64_t last_sweep = t0;
	for (;;) {
		int64_t now = now_us();
		if (!measuring && now >= t_measure) {
			measuring = 1;
			cpu0 = cpu_s();
			t_measure = now;
		}
		if (now >= t_end)
			break;
		poll_once(1, tfd);
		now = now_us();
		if (o.rate > 0) {
			/* Send every message due by now, each stamped with the time
			 * it was due. Message k is due at t0 + k / rate, so at that
			 * moment k + 1 of them are (counting k alone stamped every
			 * message one period before it could go, 50 ms at 20/s). */
			uint64_t due = (uint64_t)((double)(now - t0) * o.rate / 1e6) + 1;
			while (scheduled < due) {
				int64_t when = t0 + (int64_t)((double)scheduled * 1e6 / o.rate);
				conn *c = NULL;
				for (int k = 0; k < o.conns && !c; k++) {
					conn *cand = &conns[(rr + k) % o.conns];
					if (cand->st == C_READY && !cand->escalated)
						c = cand;
				}
				rr = (rr + 1) % o.conns;
				scheduled++;
				if (c)
					send_question(c, when);
				else if (measuring)
					S.overload++;
			}
		}
		if (now - last_sweep > 100000) {
			sweep_timeouts(now);
			for (int i = 0; i < o.conns; i++)
				if (conns[i].st == C_IDLE)
					conn_start(&conns[i]);
			last_sweep = now;
		}
	}
	double wall = (double)(now_us() - t_measure) / 1e6;
	double cpu = cpu_s() - cpu0;
	/* Answers to messages sent before the end still count, briefly: a
	 * closed loop always has one in flight per connection. */
	sending = 0;
	int64_t drain_end = now_us() + DRAIN_S * 1000000;
	for (;;) {
		int inflight = 0;
		for (int i = 0; i < o.conns; i++)
			inflight += conns[i].st == C_READY ? conns[i].f_len : 0;
		if (!inflight || now_us() >= drain_end)
			break;
		poll_once(10, tfd);
	}
	measuring = 0;
	report(wall, cpu);
	if (tfd >= 0)
		close(tfd);
	return 0;
}

static const char usage[] =
	"usage: loadgen --port P [options]\n"
	"  --host H          server address (default 127.0.0.1; loopback only)\n"
	"  --path PATH       WebSocket path (default /ws/chat; / for echo)\n"
	"  --mode M          chat (default), echo or idle\n"
	"  --conns N         connections (default 100)\n"
	"  --duration S      measured seconds (default 5)\n"
	"  --warmup S        unmeasured seconds first (default 1)\n"
	"  --rate R          open loop: R messages/s in total (default: closed loop)\n"
	"  --hold S          idle mode: hold the connections this long (default 5)\n"
	"  --members A-B     member ids for the tokens, round robin (default 1-11)\n"
	"  --secret S        token secret (default: the demo secret)\n"
	"  --intents DIR     intent files for the question mix (default intents)\n"
	"  --exclude A,B     leave these intents' examples out of the mix (diagnosis:\n"
	"                    e.g. the intents that hand over to an agent)\n"
	"  --verbose         report each connection failure\n"
	"  --slow-log FILE   write each answered round trip over 3 ms to FILE:\n"
	"                    send time (monotonic s), microseconds, connection,\n"
	"                    question (diagnosis of the tail)\n";

static int
parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{"host", required_argument, NULL, 'H'}, {"port", required_argument, NULL, 'p'},
		{"path", required_argument, NULL, 'P'}, {"mode", required_argument, NULL, 'm'},
		{"conns", required_argument, NULL, 'c'}, {"duration", required_argument, NULL, 'd'},
		{"warmup", required_argument, NULL, 'w'}, {"rate", required_argument, NULL, 'r'},
		{"hold", required_argument, NULL, 'h'}, {"members", required_argument, NULL, 'M'},
		{"secret", required_argument, NULL, 's'}, {"intents", required_argument, NULL, 'i'},
		{"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, '?'},
		{"exclude", required_argument, NULL, 'x'},
		{"slow-log", required_argument, NULL, 'S'},
		{NULL, 0, NULL, 0},
	};
	int opt;
	long long a, b;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'H': o.host = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'P': o.path = optarg; break;
		case 'm':
			if (!strcmp(optarg, "chat"))
				o.mode = M_CHAT;
			else if (!strcmp(optarg, "echo"))
				o.mode = M_ECHO;
			else if (!strcmp(optarg, "idle"))
				o.mode = M_IDLE;
			else
				goto bad;
			break;
		case 'c': o.conns = atoi(optarg); break;
		case 'd': o.duration = atof(optarg); break;
		case 'w': o.warmup = atof(optarg); break;
		case 'r': o.rate = atof(optarg); break;
		case 'h': o.hold = atof(optarg); break;
		case 'M':
			if (sscanf(optarg, "%lld-%lld", &a, &b) != 2 || a < 1 || b < a)
				goto bad;
			o.member_lo = a;
			o.member_hi = b;
			break;
		case 's': o.secret = optarg; break;
		case 'i': o.intents = optarg; break;
		case 'v': o.verbose++; break;
		case 'x': o.exclude = optarg; break;
		case 'S': o.slow_log = optarg; break;
		default: goto bad;
		}
	}
	/* Bounded: a benchmark must end. */
	if (o.port <= 0 || o.port > 65535 || o.conns < 1 || o.conns > 100000 ||
	    o.duration <= 0 || o.duration > 600 || o.warmup < 0 || o.warmup > 60 ||
	    o.hold < 0 || o.hold > 600 || o.rate < 0 || o.rate > 1e6)
		goto bad;
	if (!o.path)
		o.path = o.mode == M_ECHO ? "/" : "/ws/chat";
	return 0;
bad:
	fputs(usage, stderr);
	return -1;
}

int
main(int argc, char **argv)
{
	if (parse_args(argc, argv))
		return 2;
	if (o.slow_log && !(slow_log = fopen(o.slow_log, "w"))) {
		fprintf(stderr, "loadgen: cannot write %s\n", o.slow_log);
		return 2;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)o.port);
	if (inet_pton(AF_INET, o.host, &addr.sin_addr) != 1 ||
	    (ntohl(addr.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "loadgen: --host must be a loopback address\n");
		return 2;
	}
	if (o.mode != M_IDLE && mix_load(o.intents))
		return 2;
	if (o.mode == M_IDLE && !n_mix)
		mix_add(&mix, &n_mix, &(size_t){0}, "안녕하세요", 1);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	conns = calloc((size_t)o.conns, sizeof(*conns));
	if (!conns || epfd < 0)
		return 1;
	time_t now = time(NULL);
	int64_t span = o.member_hi - o.member_lo + 1;
	for (int i = 0; i < o.conns; i++) {
		conn *c = &conns[i];
		c->fd = -1;
		c->index = i;
		c->member = o.member_lo + i % span;
		c->next_q = ((size_t)i * 7) % n_mix;
		if (o.mode != M_ECHO &&
		    token_mint(o.secret, "member", c->member, 86400, now, &c->token) != 0) {
			fprintf(stderr, "loadgen: cannot mint a token\n");
			return 1;
		}
	}
	int rc = run();
	for (int i = 0; i < o.conns; i++) {
		conn_close(&conns[i]);
		free(conns[i].rbuf);
		free(conns[i].wbuf);
		free(conns[i].frag);
		free(conns[i].token);
	}
	free(conns);
	if (slow_log && fclose(slow_log) != 0) {
		fprintf(stderr, "loadgen: cannot write %s\n", o.slow_log);
		return 1;
	}
	return rc;
}
