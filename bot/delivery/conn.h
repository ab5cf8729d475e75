/* A client connection of any kind, as the layers above the network see it:
 * an HTTP request, a customer's chat socket or an agent's console socket
 * ("session" in libwebsockets' words; here every one is a conn).
 *
 * The seam between the network and the rest (janus's transport interface):
 * the transport (net/) owns the memory, hands each whole text message to
 * the endpoint's frame_in, and does what the conn_port asks (write, stop
 * reading, close); the endpoint answers only by queueing frames on the
 * conn's outbox (outbox.h), which the transport writes when the batch they
 * tell of is on disk (commit.h). Nothing here is a libwebsockets type, so
 * the endpoints run under a test's recording transport as they do under
 * lws. */
#ifndef BOT_CONN_H
#define BOT_CONN_H

#include <stdint.h>
#include <time.h>

#include "config.h"
#include "store.h"

typedef struct conn conn;
typedef struct commit commit;

typedef enum conn_kind {
	CONN_HTTP,  /* an HTTP request: its one response goes through the outbox */
	CONN_CHAT,  /* WS /ws/chat */
	CONN_AGENT, /* WS /ws/agent */
	CONN_KINDS
} conn_kind;

/* WebSocket close codes (RFC 6455 7.4.1) the layers above the network use. */
enum {
	CONN_CLOSE_GOING_AWAY = 1001,
	CONN_CLOSE_POLICY = 1008,
	CONN_CLOSE_UNEXPECTED = 1011,
	CONN_CLOSE_TRY_LATER = 1013,
};

/* One queued outgoing frame: LEN bytes at data + OUTBOX_HEADROOM, which
 * leaves the transport room for its own header in front (libwebsockets'
 * LWS_PRE; net/ws.c checks that this is enough). */
#define OUTBOX_HEADROOM 16
typedef struct outframe {
	struct outframe *next;
	uint64_t gen; /* the batch that must be on disk before it goes out */
	size_t len;
	unsigned char data[];
} outframe;

/* commit.c's two lists of conns waiting for a batch: with frames of the
 * open batch (held), and of batches committed but not yet on disk. */
enum { OUTBOX_HELD, OUTBOX_SYNCING, OUTBOX_LISTS };

/* The bounded queue of what goes out, and its place in commit.c's lists. */
typedef struct outbox {
	outframe *head, *tail;
	int len;
	conn *next[OUTBOX_LISTS]; /* the next conn on each list */
	int on[OUTBOX_LISTS];     /* on that list */
} outbox;

/* What the transport does for a conn (net/ws.c, or a test's transport). */
typedef struct conn_port {
	/* Call back to write: the conn has frames that may go out. */
	void (*want_write)(conn *c);
	/* Frames of C just reached the disk: write what is ready now if that
	 * cannot block, else as want_write. */
	void (*flush)(conn *c);
	/* Close at once, without a Close frame: a reader too slow to keep up,
	 * or memory ran out. */
	void (*kill)(conn *c);
	/* Stop (0) or start again (1) reading from the peer. */
	void (*reading)(conn *c, int on);
	/* Close unless something re-arms it within SECONDS; 0 cancels. */
	void (*timeout)(conn *c, int seconds);
} conn_port;

/* What the endpoint of a kind of conn does with it (endpoint/chat.c,
 * endpoint/agent.c, net/http.c). Any may be NULL. */
typedef struct conn_ops {
	/* The connection is up (a WebSocket's handshake is done). */
	void (*opened)(conn *c);
	/* One whole text message from the peer (LEN bytes, hostile). */
	void (*frame_in)(conn *c, const char *text, size_t len);
	/* The queue emptied: room for more (a replay goes on). */
	void (*drained)(conn *c);
	/* The batch GEN, which C's dropped frames told of, was not saved. */
	void (*lost)(conn *c, uint64_t gen);
	/* The peer is gone; the conn is freed after this. */
	void (*closed)(conn *c);
} conn_ops;

/* What every conn of one server shares. */
typedef struct conn_env {
	const conn_port *port;
	const conn_ops *ops[CONN_KINDS];
	void *ctx; /* the endpoints' own (endpoint.h), for their ops */
	commit *cm;
	const config *cfg; /* outbound_queue_max, hello_timeout_s, ... (may be reloaded) */
} conn_env;

struct conn {
	conn_kind kind;
	const conn_env *env;
	outbox out;
	int close_code; /* close with this once the queue is written */
	int closing;    /* the transport has begun closing: nothing more goes out */
	int rx_paused;  /* not read from until the queue drains */
	/* Who it is, once its hello was accepted. */
	int authed;
	int64_t subject;         /* member id (chat) or agent id (agent) */
	store_conversation conv; /* chat: the conversation it shows */
	/* The hub's chains (hub.h). */
	conn *conv_next;
	conn *agent_next;
	/* Chat: the last queue position sent (0: none), and a resume's replay,
	 * which goes a few frames at a time as the client reads so that a long
	 * conversation never overflows the bounded queue. */
	int last_position;
	int replaying;
	int64_t replay_seq;
	int replay_batch;
	/* A fixed-window rate limit of its messages. */
	time_t rl_window;
	int rl_count;
};

/* Makes C an empty conn of KIND in ENV (borrowed; it outlives C). */
void conn_init(conn *c, conn_kind kind, const conn_env *env);

#endif
