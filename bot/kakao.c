/* Placeholder until the KakaoTalk skill lands: every request is refused with
 * 503 so nothing pretends to work. */
#include "kakao.h"

#include <stdlib.h>
#include <string.h>

struct kakao {
	int unused;
};

bot_err
kakao_new(const config *cfg, store *st, dialog *dlg, kakao **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? BOT_OK : BOT_ERR_NOMEM;
}

void
kakao_free(kakao *k)
{
	free(k);
}

bot_err
kakao_handle(kakao *k, const char *secret, const char *body, size_t len, time_t now,
	     kakao_response *out)
{
	memset(out, 0, sizeof(*out));
	out->status = 503;
	out->body = strdup("{\"error\":{\"code\":\"unavailable\",\"message\":\"not yet served\"}}");
	return out->body ? BOT_OK : BOT_ERR_NOMEM;
}

void
kakao_response_clear(kakao_response *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}
