#include "token.h"

#include <errno.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bot_err
token_mint(const char *secret, const char *role, int64_t id, long ttl, time_t now, char **out)
{
	*out = NULL;
	jwt_t *jwt = NULL;
	char sub[24];
	snprintf(sub, sizeof(sub), "%lld", (long long)id);
	if (jwt_new(&jwt) ||
	    jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)secret, (int)strlen(secret)) ||
	    jwt_add_grant(jwt, "sub", sub) || jwt_add_grant(jwt, "role", role) ||
	    jwt_add_grant_int(jwt, "iat", (long)now) ||
	    jwt_add_grant_int(jwt, "exp", (long)(now + ttl))) {
		jwt_free(jwt);
		return BOT_ERR_NOMEM;
	}
	*out = jwt_encode_str(jwt); /* malloc'd by libjwt; the caller free()s it */
	jwt_free(jwt);
	return *out ? BOT_OK : BOT_ERR_NOMEM;
}

/* A JWT is three base64url parts: anything else is refused before libjwt
 * sees it, which keeps odd bytes away from its parser. */
static int
token_shape_ok(const char *token)
{
	size_t len = strlen(token);
	int dots = 0;
	if (len == 0 || len > TOKEN_MAX_LEN)
		return 0;
	for (const char *p = token; *p; p++) {
		char c = *p;
		if (c == '.')
			dots++;
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			   (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return dots == 2;
}

bot_err
token_verify(const char *secret, const char *token, time_t now, token_claims *out)
{
	memset(out, 0, sizeof(*out));
	if (!token || !token_shape_ok(token))
		return BOT_ERR_AUTH;
	/* An empty signature part means alg none: refuse it outright. */
	if (token[strlen(token) - 1] == '.')
		return BOT_ERR_AUTH;
	jwt_t *jwt = NULL;
	if (jwt_decode(&jwt, token, (const unsigned char *)secret, (int)strlen(secret)) != 0 ||
	    !jwt) {
		jwt_free(jwt);
		return BOT_ERR_AUTH;
	}
	bot_err rc = BOT_ERR_AUTH;
	if (jwt_get_alg(jwt) != JWT_ALG_HS256)
		goto done;
	const char *sub = jwt_get_grant(jwt, "sub");
	const char *role = jwt_get_grant(jwt, "role");
	errno = 0;
	long exp = jwt_get_grant_int(jwt, "exp");
	if (!sub || !role || errno || exp <= 0 || (time_t)exp <= now)
		goto done;
	if (strcmp(role, "member") && strcmp(role, "agent"))
		goto done;
	char *end = NULL;
	errno = 0;
	long long id = strtoll(sub, &end, 10);
	if (errno || !end || *end || end == sub || id <= 0)
		goto done;
	out->subject = id;
	snprintf(out->role, sizeof(out->role), "%s", role);
	out->exp = (time_t)exp;
	rc = BOT_OK;
done:
	jwt_free(jwt);
	return rc;
}
