/* Access tokens: HS256 JWTs carrying sub (member or agent id, as a decimal
 * string), role ("member" | "agent") and exp. Only HS256 is accepted: a
 * token with any other alg, "none" included, is refused. */
#ifndef BOT_TOKEN_H
#define BOT_TOKEN_H

#include <stdint.h>
#include <time.h>
#include "err.h"

#define TOKEN_MAX_LEN 2048

typedef struct token_claims {
	int64_t subject;
	char role[8];
	time_t exp;
} token_claims;

/* Mints a token for ROLE and ID valid TTL seconds from NOW. Caller owns *OUT
 * (free()). */
bot_err token_mint(const char *secret, const char *role, int64_t id, long ttl, time_t now,
		   char **out);
/* Verifies TOKEN (signature, alg, exp against NOW, claim shapes). Returns
 * BOT_ERR_AUTH for anything wrong; never logs the token. */
bot_err token_verify(const char *secret, const char *token, time_t now, token_claims *out);

#endif
