/* The server: the libwebsockets context, its one protocol and callback
 * switch (each case handed to ws.c or http.c), signals, reloads, the
 * once-a-second tick and the drain. One loop thread; writes happen only
 * from the writeable callbacks (ws.c, http.c), and nothing leaves before the
 * batch it tells of is on disk (commit.h). */
#include "server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "commit.h"
#include "handoff.h"
#include "hours.h"
#include "hub.h"
#include "intent.h"
#include "log.h"
#include "net.h"
#include "wsguard.h"

static net srv;

static struct {
	volatile sig_atomic_t stop, reload, reopen;
} requested;

static lws_sorted_usec_list_t commit_sul, tick_sul, drain_sul;
static time_t drain_deadline;
static int done;

/* ---- the loop's side of group commit ---------------------------------------- */

static void
commit_fire(lws_sorted_usec_list_t *sul)
{
	commit_turn_end(srv.env.cm);
}

/* One microsecond: after this loop turn's events. */
static void
commit_at_turn_end(void *arg)
{
	lws_sul_schedule(srv.ctx, 0, &commit_sul, commit_fire, 1);
}

static void
commit_cancel(void *arg)
{
	lws_sul_schedule(srv.ctx, 0, &commit_sul, commit_fire, LWS_SET_TIMER_USEC_CANCEL);
}

/* From the durability threads: wakes the loop (EVENT_WAIT_CANCELLED). */
static void
wake_loop(void *arg)
{
	if (srv.ctx)
		lws_cancel_service(srv.ctx);
}

/* ---- signals ----------------------------------------------------------------- */

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		requested.reload = 1;
	else if (sig == SIGUSR1)
		requested.reopen = 1;
	else
		requested.stop = 1;
	if (srv.ctx)
		lws_cancel_service(srv.ctx);
}

static bot_err
read_hours(hours *h)
{
	return hours_parse(srv.cfg->business_hours, srv.cfg->holidays, h);
}

/* SIGHUP: the configuration and the intents, built aside and swapped in
 * only when all of it is good (srv.deps->reload). Nothing half-done may
 * straddle the swap. */
static void
reload(void)
{
	char err[512] = "";
	const intent_set *set = NULL;
	if (store_batch_open(srv.deps->st))
		commit_now(srv.env.cm);
	if (srv.deps->reload(srv.deps->reload_ctx, &set, err, sizeof(err)) != BOT_OK) {
		log_error("reload refused, nothing changed: %s", err);
		return;
	}
	srv.intents = set;
	hours h;
	if (read_hours(&h) == BOT_OK)
		handoff_set_hours(srv.ep.ho, &h);
	agent_presence(&srv.ep);
	log_info("reloaded: %zu intents", intent_count(set));
}

/* ---- the drain -------------------------------------------------------------- */

/* The drain deadline: stop even if some peers never answer the close. */
static void
drain_deadline_cb(lws_sorted_usec_list_t *sul)
{
	done = 1;
}

static void
drain(void)
{
	srv.draining = 1;
	drain_deadline = time(NULL) + srv.cfg->shutdown_deadline_s;
	log_info("shutting down: closing %d connections", srv.n_peers);
	lws_sul_schedule(srv.ctx, 0, &drain_sul, drain_deadline_cb,
	                 (lws_usec_t)srv.cfg->shutdown_deadline_s * LWS_US_PER_SEC);
	/* Everything taken in so far goes to disk first. */
	if (store_batch_open(srv.deps->st))
		commit_now(srv.env.cm);
	ws_drain(&srv);
}

/* On the loop, woken by a signal or a durability thread. */
static void
woken(void)
{
	commit_progress(srv.env.cm);
	if (commit_failed(srv.env.cm))
		done = 1;
	if (requested.reopen) {
		requested.reopen = 0;
		if (log_reopen())
			log_error("could not reopen the log file");
		else
			log_info("log file reopened");
	}
	if (requested.reload && srv.deps->reload) {
		requested.reload = 0;
		reload();
	}
	if (requested.stop && !srv.draining)
		drain();
}

/* Once a second: the agents' grace periods and stale snapshot, and the
 * WAL's size. */
static void
tick_cb(lws_sorted_usec_list_t *sul)
{
	agent_tick(&srv.ep);
	commit_tick(srv.env.cm);
	lws_sul_schedule(srv.ctx, 0, &tick_sul, tick_cb, LWS_US_PER_SEC);
}

/* ---- the callback ------------------------------------------------------------ */

static int
callback_botd(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	peer *p = user;
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return http_request(&srv, wsi, p, (const char *)in);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_writeable(&srv, wsi, p);
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_HTTP_BODY:
		return http_body(&srv, p, in, len);
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return http_body_done(&srv, wsi, p);
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		http_closed(&srv, p);
		break;
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		/* A new socket (IN is its descriptor): see wsguard.h. */
		return wsguard_http((int)(intptr_t)in) ? 1 : 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return ws_filter(&srv, wsi);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		return ws_peer_close(wsi, in, len);
	case LWS_CALLBACK_WS_SERVER_DROP_PROTOCOL:
		ws_closing(&srv, wsi, p);
		break;
	case LWS_CALLBACK_ESTABLISHED:
		ws_established(&srv, wsi, p);
		break;
	case LWS_CALLBACK_RECEIVE:
		return ws_receive(&srv, p, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ws_writeable(p);
	case LWS_CALLBACK_CLOSED:
		ws_closed(&srv, wsi, p);
		break;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		woken();
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
    {"botd", callback_botd, sizeof(peer), 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void
lws_log_to_ours(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	log_msg(level == LLL_ERR ? LOG_ERROR : LOG_WARN, NULL, "lws: %.*s", (int)n, line);
}

/* ---- start and stop ---------------------------------------------------------- */

static void
handle_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The domain and delivery modules the endpoints work with. */
static bot_err
start_modules(const server_deps *deps, char *err, size_t errlen)
{
	static const commit_loop loop = {commit_at_turn_end, commit_cancel, wake_loop, NULL};
	endpoints *ep = &srv.ep;
	hours h;
	if (read_hours(&h) != BOT_OK) {
		snprintf(err, errlen, "business_hours or holidays are malformed");
		return BOT_ERR_INVAL;
	}
	ep->cfg = deps->cfg;
	ep->st = deps->st;
	ep->dlg = deps->dlg;
	if (handoff_new(deps->st, deps->dlg, deps->cfg, &ep->ho) != BOT_OK ||
	    hub_new(deps->st, ep->ho, &ep->hub) != BOT_OK) {
		snprintf(err, errlen, "out of memory");
		return BOT_ERR_NOMEM;
	}
	handoff_set_hours(ep->ho, &h);
	/* Agents who held conversations when we stopped get the grace period to
	 * come back, counted from now. */
	handoff_restore(ep->ho, time(NULL));
	if (commit_start(deps->st, &loop, deps->cfg, &ep->cm) != BOT_OK) {
		snprintf(err, errlen, "cannot start the thread that syncs the database");
		return BOT_ERR_NOMEM;
	}
	srv.env = (conn_env){
	    .port = &net_port,
	    .ops = {[CONN_HTTP] = &http_ops, [CONN_CHAT] = &chat_ops, [CONN_AGENT] = &agent_ops},
	    .ctx = ep,
	    .cm = ep->cm,
	    .cfg = deps->cfg};
	return BOT_OK;
}

static void
free_modules(void)
{
	commit_free(srv.ep.cm);
	hub_free(srv.ep.hub);
	handoff_free(srv.ep.ho);
}

bot_err
server_run(const server_deps *deps, char *err, size_t errlen)
{
	memset(&srv, 0, sizeof(srv));
	done = 0;
	srv.deps = deps;
	srv.cfg = deps->cfg;
	srv.intents = deps->intents;
	lws_set_log_level(LLL_ERR, lws_log_to_ours);

	static const uint32_t backoff_ms[] = {1000};
	static lws_retry_bo_t retry;
	retry.retry_ms_table = backoff_ms;
	retry.retry_ms_table_count = 1;
	retry.secs_since_valid_ping = (uint16_t)srv.cfg->ping_interval_s;
	retry.secs_since_valid_hangup = (uint16_t)srv.cfg->hangup_s;
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = srv.cfg->port;
	info.iface = srv.cfg->host;
	info.protocols = protocols;
	info.retry_and_idle_policy = &retry;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 |
	               LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE;
	info.max_http_header_data = 4096;
	info.timeout_secs = 10;
	info.fd_limit_per_thread = (unsigned int)srv.cfg->max_connections + 64;
	handle_signals();

	bot_err rc = start_modules(deps, err, errlen);
	if (rc == BOT_OK && !(srv.ctx = lws_create_context(&info))) {
		snprintf(err, errlen,
		         "cannot listen on %s:%d (in use, or not an address of this machine)",
		         srv.cfg->host, srv.cfg->port);
		rc = BOT_ERR_IO;
	}
	if (rc != BOT_OK) {
		commit_stop(srv.ep.cm);
		free_modules();
		return rc;
	}
	log_info("listening on http://%s:%d", srv.cfg->host, srv.cfg->port);
	lws_sul_schedule(srv.ctx, 0, &tick_sul, tick_cb, LWS_US_PER_SEC);
	while (!done) {
		if (lws_service(srv.ctx, 0) < 0)
			break;
		if (srv.draining && (srv.n_peers == 0 || time(NULL) >= drain_deadline))
			done = 1;
	}
	/* The last commit and its sync, and no more threads, before the context
	 * goes: closing it runs the callbacks of every connection still open. */
	rc = commit_stop(srv.ep.cm);
	lws_context_destroy(srv.ctx);
	srv.ctx = NULL;
	free_modules();
	if (rc != BOT_OK) {
		snprintf(err, errlen, "the database could not be synced to disk");
		return BOT_ERR_IO;
	}
	log_info("stopped");
	return BOT_OK;
}
