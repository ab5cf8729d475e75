/* libFuzzer: token verification (token_verify).
 * Input byte 0 chooses the mode:
 *   even: the rest is a token string as a client would send it;
 *   odd:  the rest is a JSON claims object that this target signs itself
 *         (alg chosen by byte 0: HS256 with the right secret, HS256 with a
 *         wrong secret, HS384, HS512, none), so the checks after the
 *         signature (alg, exp, sub, role) are reached.
 * Property: a verified token always has role member|agent, a positive
 * subject, exp in the future, and was signed HS256 with the secret. */
#include <jwt.h>
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"
#include "token.h"

static const char SECRET[] = "fuzz-secret-0123456789";

static void
check(const char *tok, int must_fail)
{
	token_claims c;
	bot_err rc = token_verify(SECRET, tok, FUZZ_NOW, &c);
	if (rc != BOT_OK && rc != BOT_ERR_AUTH)
		__builtin_trap();
	if (rc != BOT_OK)
		return;
	if (must_fail)
		__builtin_trap(); /* wrong secret, wrong alg or alg none accepted */
	if (c.subject <= 0 || c.exp <= FUZZ_NOW ||
	    (strcmp(c.role, "member") && strcmp(c.role, "agent")))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	uint8_t mode = data[0];
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	if (!(mode & 1)) {
		check(s, 0);
		free(s);
		return 0;
	}
	jwt_t *jwt = NULL;
	if (jwt_new(&jwt) || jwt_add_grants_json(jwt, s)) {
		jwt_free(jwt);
		free(s);
		return 0;
	}
	int which = (mode >> 1) % 5, must_fail = 1, r;
	switch (which) {
	case 0:
		r = jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)SECRET, strlen(SECRET));
		must_fail = 0;
		break;
	case 1:
		r = jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)"other", 5);
		break;
	case 2:
		r = jwt_set_alg(jwt, JWT_ALG_HS384, (const unsigned char *)SECRET, strlen(SECRET));
		break;
	case 3:
		r = jwt_set_alg(jwt, JWT_ALG_HS512, (const unsigned char *)SECRET, strlen(SECRET));
		break;
	default:
		r = jwt_set_alg(jwt, JWT_ALG_NONE, NULL, 0);
		break;
	}
	char *tok = r ? NULL : jwt_encode_str(jwt);
	jwt_free(jwt);
	if (tok) {
		check(tok, must_fail);
		/* alg none with a signature part glued on must fail too */
		if (which == 4) {
			size_t n = strlen(tok);
			char *t2 = malloc(n + 8);
			if (t2) {
				memcpy(t2, tok, n);
				memcpy(t2 + n, "AAAA", 5);
				check(t2, 1);
				free(t2);
			}
		}
		free(tok);
	}
	free(s);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}
