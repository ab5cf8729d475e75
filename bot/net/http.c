/* HTTP: the routes (health, readiness, metrics, the demo's cast and tokens,
 * the KakaoTalk skill) and the static pages. A response goes through the
 * conn's outbox like a frame, so one to a request that wrote to the store
 * waits for that batch to be on disk; its headers, then its body, are
 * written from the writeable callback.
 *
 * Static files are served here, not through an lws_http_mount: lws 4.1's
 * mounts cannot add our headers (nosniff, no-cache) to what they serve,
 * follow symbolic links out of the directory, answer refusals with their
 * own HTML pages instead of our JSON errors, and would serve while the
 * server drains. */
#include "net.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "commit.h"
#include "hub.h"
#include "intent.h"
#include "kakao.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "token.h"

/* Queues BODY (LEN bytes) as the response; CTYPE must be a static string. */
static int
respond(peer *p, unsigned int status, const char *ctype, const char *body, size_t len)
{
	outbox_drop(&p->c);
	p->http_status = status;
	p->http_ctype = ctype;
	p->http_headers_sent = 0;
	conn_send(&p->c, body, len);
	return 0;
}

/* Responds with OBJ (stolen) as JSON. */
static int
respond_json(peer *p, unsigned int status, json_t *obj)
{
	char *body = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	if (!body)
		return -1;
	int rc = respond(p, status, "application/json", body, strlen(body));
	free(body);
	return rc;
}

static int
respond_error(peer *p, unsigned int status, const char *code, const char *message)
{
	metrics_error(code);
	return respond_json(p, status,
	                    json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", message));
}

/* The batch that held the request's writes was lost: say so, not 200. */
static void
http_lost(conn *c, uint64_t gen)
{
	static const char lost[] = "{\"error\":{\"code\":\"server_error\","
	                           "\"message\":\"the request could not be saved\"}}";
	peer *p = peer_of(c);
	if (p->http_status)
		respond(p, 500, "application/json", lost, sizeof(lost) - 1);
}

const conn_ops http_ops = {
    .lost = http_lost,
};

int
http_writeable(net *n, struct lws *wsi, peer *p)
{
	outframe *f = p ? outbox_ready(&p->c) : NULL;
	if (!f)
		return 0;
	if (!p->http_headers_sent) {
		unsigned char hdr[LWS_PRE + 1024];
		unsigned char *start = hdr + LWS_PRE, *h = start, *end = hdr + sizeof(hdr) - 1;
		if (lws_add_http_common_headers(wsi, p->http_status, p->http_ctype,
		                                (lws_filepos_t)f->len, &h, end) ||
		    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
		                                (const unsigned char *)"no-store", 8, &h, end) ||
		    lws_add_http_header_by_name(wsi,
		                                (const unsigned char *)"x-content-type-options:",
		                                (const unsigned char *)"nosniff", 7, &h, end) ||
		    lws_finalize_write_http_header(wsi, start, &h, end))
			return -1;
		p->http_headers_sent = 1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	outbox_pop(&p->c);
	int w = lws_write(wsi, f->data + OUTBOX_HEADROOM, f->len, LWS_WRITE_HTTP_FINAL);
	free(f);
	p->http_status = 0;
	if (w < 0 || lws_http_transaction_completed(wsi))
		return -1;
	return 0;
}

/* An HTTP request's connection closed, or lws moved it to another protocol:
 * only what http_request() set up is let go (a WebSocket peer's queue is
 * ws.c's to drop). */
void
http_closed(net *n, peer *p)
{
	if (!p || !p->c.env || p->c.kind != CONN_HTTP)
		return;
	commit_forget(n->env.cm, &p->c);
	outbox_drop(&p->c);
	strbuf_free(&p->post);
}

/* ---- static pages ----------------------------------------------------------------- */

static const char *
mime_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".json", "application/json"},
	    {".png", "image/png"},
	    {".svg", "image/svg+xml"},
	    {".ico", "image/x-icon"},
	    {".txt", "text/plain; charset=utf-8"},
	};
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return NULL;
}

/* Serves a file below the www directory. URI is the decoded path; anything
 * but plain names (no "..", no hidden files, no odd bytes) is refused, and
 * the resolved path must still lie inside the directory. */
static int
serve_static(net *n, struct lws *wsi, peer *p, const char *uri)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "%s", !strcmp(uri, "/") ? "/index.html" : uri);
	if (strlen(uri) >= 256 || strstr(rel, "..") || strstr(rel, "//") || strstr(rel, "/."))
		return respond_error(p, 404, "not_found", "no such page");
	for (const char *q = rel; *q; q++) {
		char c = *q;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '.' || c == '-' || c == '_'))
			return respond_error(p, 404, "not_found", "no such page");
	}
	const char *type = mime_type(rel);
	char root[PATH_MAX], path[PATH_MAX + 512], real[PATH_MAX];
	struct stat sb;
	if (!type || !realpath(n->cfg->www_dir, root))
		return respond_error(p, 404, "not_found", "no such page");
	snprintf(path, sizeof(path), "%s%s", root, rel);
	if (!realpath(path, real) || strncmp(real, root, strlen(root)) ||
	    real[strlen(root)] != '/' || stat(real, &sb) || !S_ISREG(sb.st_mode))
		return respond_error(p, 404, "not_found", "no such page");
	static const char extra[] = "x-content-type-options: nosniff\r\n"
	                            "cache-control: no-cache\r\n";
	int rc = lws_serve_http_file(wsi, real, type, extra, (int)strlen(extra));
	if (rc < 0 || (rc > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
}

/* ---- the demo ---------------------------------------------------------------------- */

/* The demo cast as GET /demo/cast shows it: {"members":[{"id","name",
 * "accounts":[{"id","account_no","name"}],"scenario"}],"agents":[{"id","name"}]}. */
typedef struct cast_json {
	store *st;
	json_t *members, *agents;
	int failed;
} cast_json;

static int
cast_member(void *ctx, const store_cast_member *m)
{
	cast_json *c = ctx;
	store_account acc[16];
	size_t n = 0;
	if (store_member_accounts(c->st, m->id, NULL, 0, acc, 16, &n) != BOT_OK) {
		c->failed = 1;
		return 1;
	}
	json_t *accounts = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(accounts, json_pack("{s:I, s:s, s:s}", "id",
		                                          (json_int_t)acc[i].id, "account_no",
		                                          acc[i].account_no, "name", acc[i].name));
	json_array_append_new(c->members,
	                      json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)m->id, "name",
	                                m->name, "accounts", accounts, "scenario", m->scenario));
	return 0;
}

static int
cast_agent(void *ctx, int64_t id, const char *name)
{
	cast_json *c = ctx;
	json_array_append_new(c->agents,
	                      json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
	return 0;
}

static int
demo_cast(net *n, peer *p)
{
	json_t *cast = json_pack("{s:[], s:[]}", "members", "agents");
	cast_json c = {n->deps->st, json_object_get(cast, "members"),
	               json_object_get(cast, "agents"), 0};
	if (!n->cfg->demo || !cast ||
	    store_demo_cast(n->deps->st, cast_member, cast_agent, &c) != BOT_OK || c.failed) {
		json_decref(cast);
		return respond_error(p, 404, "not_found", "the demo cast exists only in demo mode");
	}
	return respond_json(p, 200, cast);
}

/* GET /demo/token?member=ID or ?agent=ID: demo mode only, so the demo pages
 * can log in as a cast member. Demo tokens are signed with the demo secret
 * and are worthless outside the demo. */
static int
demo_token(net *n, struct lws *wsi, peer *p)
{
	char buf[32];
	const char *role = "member";
	const char *v = lws_get_urlarg_by_name(wsi, "member=", buf, sizeof(buf));
	if (!v) {
		role = "agent";
		v = lws_get_urlarg_by_name(wsi, "agent=", buf, sizeof(buf));
	}
	char *end = NULL;
	long long id = v ? strtoll(v, &end, 10) : 0;
	if (!n->cfg->demo)
		return respond_error(p, 404, "not_found", "demo tokens exist only in demo mode");
	if (!v || !end || *end || id <= 0)
		return respond_error(p, 400, "bad_request", "give ?member=ID or ?agent=ID");
	char name[128];
	bot_err found = !strcmp(role, "member")
	                    ? store_member_name(n->deps->st, id, name, sizeof(name))
	                    : store_agent_name(n->deps->st, id, name, sizeof(name));
	if (found != BOT_OK)
		return respond_error(p, 404, "not_found", "no such demo member or agent");
	char *tok = NULL;
	if (token_mint(n->cfg->token_secret, role, id, 8 * 3600, clock_now(), &tok) != BOT_OK)
		return respond_error(p, 500, "server_error", "could not mint a token");
	int rc = respond_json(p, 200,
	                      json_pack("{s:s, s:s, s:I, s:s}", "token", tok, "role", role, "id",
	                                (json_int_t)id, "name", name));
	free(tok);
	return rc;
}

/* ---- KakaoTalk ------------------------------------------------------------------------ */

int
http_body(net *n, peer *p, const void *in, size_t len)
{
	if (p->post_too_large)
		return 0;
	bot_err rc = strbuf_append(&p->post, in, len);
	if (rc == BOT_ERR_LIMIT) {
		p->post_too_large = 1;
		strbuf_free(&p->post);
		return 0;
	}
	return rc == BOT_OK ? 0 : -1;
}

/* POST /kakao/skill, once the whole body is in. */
int
http_body_done(net *n, struct lws *wsi, peer *p)
{
	metrics_message_in("kakao");
	if (p->post_too_large) {
		strbuf_free(&p->post);
		return respond_error(p, 413, "too_large", "the request body is too large");
	}
	char secret[300];
	int got = lws_hdr_custom_copy(wsi, secret, sizeof(secret), KAKAO_SECRET_HEADER ":",
	                              (int)strlen(KAKAO_SECRET_HEADER ":"));
	if (commit_begin(n->env.cm) != BOT_OK) {
		strbuf_free(&p->post);
		return respond_error(p, 503, "unavailable", "the database is not writable");
	}
	kakao_response r;
	memset(&r, 0, sizeof(r));
	store *st = n->deps->st;
	bot_err rc = store_turn_begin(st);
	if (rc == BOT_OK) {
		rc = kakao_handle(n->deps->kakao, got > 0 ? secret : NULL,
		                  p->post.data ? p->post.data : "", p->post.len, clock_now(), &r);
		/* A request that failed halfway leaves nothing stored. */
		store_turn_end(st, rc == BOT_OK && r.status < 500);
	}
	strbuf_free(&p->post);
	int ret;
	if (rc != BOT_OK || !r.body)
		ret = respond_error(p, 500, "server_error", "the request could not be handled");
	else
		ret =
		    respond(p, (unsigned int)r.status, "application/json", r.body, strlen(r.body));
	if (r.escalated_conversation[0]) {
		metrics_escalation(r.escalated_reason ? r.escalated_reason : "agent_request");
		hub_queue_joined(n->ep.hub, r.escalated_conversation);
	}
	metrics_message_out("kakao");
	kakao_response_clear(&r);
	return ret;
}

/* ---- the router ------------------------------------------------------------------------ */

static int
readyz(net *n, peer *p)
{
	int db_ok = store_check_writable(n->deps->st) == BOT_OK;
	size_t count = intent_count(n->intents);
	int ready = db_ok && count;
	return respond_json(p, ready ? 200 : 503,
	                    json_pack("{s:s, s:b, s:I}", "status", ready ? "ready" : "not_ready",
	                              "database_writable", db_ok, "intents", (json_int_t)count));
}

static int
metrics_page(net *n, peer *p)
{
	int length = 0;
	double oldest = 0;
	store_queue_stats(n->deps->st, &length, &oldest);
	metrics_queue(length, oldest);
	metrics_wal(store_wal_pages(n->deps->st));
	char *text = metrics_render();
	if (!text)
		return respond_error(p, 500, "server_error", "out of memory");
	int rc = respond(p, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen(text));
	free(text);
	return rc;
}

/* The start of a POST /kakao/skill: its body arrives in HTTP_BODY. */
static int
kakao_start(struct lws *wsi, peer *p)
{
	if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) <= 0)
		return respond_error(p, 405, "method_not_allowed", "POST a SkillPayload");
	char cl[32];
	if (lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
	    strtoll(cl, NULL, 10) > KAKAO_MAX_BODY)
		return respond_error(p, 413, "too_large", "the request body is too large");
	p->post_too_large = 0;
	strbuf_free(&p->post);
	p->post.limit = KAKAO_MAX_BODY;
	return 0;
}

int
http_request(net *n, struct lws *wsi, peer *p, const char *uri)
{
	/* A new request on this connection (HTTP/1.1 keeps it open). */
	commit_forget(n->env.cm, &p->c);
	outbox_drop(&p->c);
	conn_init(&p->c, CONN_HTTP, &n->env);
	p->wsi = wsi;
	p->http_status = 0;
	int is_get = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0;
	if (n->draining)
		return respond_error(p, 503, "shutting_down", "the server is shutting down");
	if (!strcmp(uri, "/kakao/skill"))
		return kakao_start(wsi, p);
	if (!strcmp(uri, "/healthz"))
		return respond_json(p, 200, json_pack("{s:s}", "status", "ok"));
	if (!strcmp(uri, "/readyz"))
		return readyz(n, p);
	if (!strcmp(uri, "/metrics"))
		return metrics_page(n, p);
	if (!strcmp(uri, "/demo/cast"))
		return demo_cast(n, p);
	if (!strcmp(uri, "/demo/token"))
		return demo_token(n, wsi, p);
	if (!is_get)
		return respond_error(p, 405, "method_not_allowed", "only GET is served here");
	return serve_static(n, wsi, p, uri);
}
