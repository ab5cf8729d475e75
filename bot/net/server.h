/* The network side (net/): libwebsockets for HTTP (health, static pages,
 * demo cast, KakaoTalk skill) and the WebSocket endpoints. server.c, ws.c,
 * http.c and wsguard.c are the only files that include libwebsockets. */
#ifndef BOT_SERVER_H
#define BOT_SERVER_H

#include "config.h"
#include "dialog.h"
#include "err.h"
#include "kakao.h"
#include "store.h"

typedef struct server_deps {
	const config *cfg;
	store *st;
	dialog *dlg;
	const intent_set *intents; /* for /readyz */
	kakao *kakao;
	/* SIGHUP: reload the configuration and intents; on success *INTENTS is
	 * the new set. On failure nothing changed and ERR says why. */
	bot_err (*reload)(void *ctx, const intent_set **intents, char *err, size_t errlen);
	void *reload_ctx;
} server_deps;

/* Serves until SIGTERM or SIGINT, then drains and returns. SIGHUP reloads
 * (deps->reload), SIGUSR1 reopens the log file. Binding errors
 * (port in use, bad address) return BOT_ERR_IO with a reason in ERR. */
bot_err server_run(const server_deps *deps, char *err, size_t errlen);

#endif
