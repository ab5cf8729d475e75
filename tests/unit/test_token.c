/* Unit tests of access tokens (bot/token.c): HS256 only, exp, claim shapes,
 * malformed strings. Odd tokens are built with libjwt or by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jwt.h>

#include "token.h"

#define SECRET "unit-test-secret-0123456789abcdef"
#define NOW ((time_t)1772409600)

/* base64url without padding of LEN bytes of S into OUT. */
static void
b64url(const char *s, size_t len, char *out)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = tbl[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = tbl[v & 63];
	}
	out[o] = 0;
}

/* HEADER.PAYLOAD.SIG built by hand (SIG given verbatim). Owned result. */
static char *
by_hand(const char *header, const char *payload, const char *sig)
{
	char *t = malloc(4096);
	b64url(header, strlen(header), t);
	strcat(t, ".");
	b64url(payload, strlen(payload), t + strlen(t));
	strcat(t, ".");
	strcat(t, sig);
	return t;
}

/* A token signed by libjwt with ALG and KEY over the JSON grants PAYLOAD. */
static char *
signed_with(jwt_alg_t alg, const char *key, const char *payload)
{
	jwt_t *jwt = NULL;
	assert_int_equal(jwt_new(&jwt), 0);
	assert_int_equal(jwt_set_alg(jwt, alg, (const unsigned char *)key, (int)strlen(key)), 0);
	assert_int_equal(jwt_add_grants_json(jwt, payload), 0);
	char *t = jwt_encode_str(jwt);
	jwt_free(jwt);
	assert_non_null(t);
	return t;
}

static void
expect_refused(const char *token, time_t now)
{
	token_claims c;
	memset(&c, 0x5a, sizeof(c));
	bot_err rc = token_verify(SECRET, token, now, &c);
	if (rc != BOT_ERR_AUTH)
		fail_msg("token accepted (rc %d): %.200s", rc, token ? token : "(null)");
	/* Nothing of a refused token leaks into the claims. */
	assert_int_equal(c.subject, 0);
	assert_int_equal(c.exp, 0);
	assert_string_equal(c.role, "");
}

static void
test_round_trip(void **state)
{
	(void)state;
	char *t = NULL;
	assert_int_equal(token_mint(SECRET, "member", 42, 3600, NOW, &t), BOT_OK);
	assert_non_null(t);
	assert_true(strlen(t) < TOKEN_MAX_LEN);
	token_claims c;
	assert_int_equal(token_verify(SECRET, t, NOW, &c), BOT_OK);
	assert_int_equal(c.subject, 42);
	assert_string_equal(c.role, "member");
	assert_int_equal(c.exp, NOW + 3600);
	free(t);

	assert_int_equal(token_mint(SECRET, "agent", 9000000000LL, 60, NOW, &t), BOT_OK);
	assert_int_equal(token_verify(SECRET, t, NOW + 59, &c), BOT_OK);
	assert_int_equal(c.subject, 9000000000LL);
	assert_string_equal(c.role, "agent");
	free(t);
}

static void
test_expired(void **state)
{
	(void)state;
	char *t = NULL;
	assert_int_equal(token_mint(SECRET, "member", 1, 60, NOW, &t), BOT_OK);
	token_claims c;
	assert_int_equal(token_verify(SECRET, t, NOW + 59, &c), BOT_OK);
	expect_refused(t, NOW + 60); /* exp itself is already too late */
	expect_refused(t, NOW + 86400);
	free(t);
	/* A non-positive ttl gives a token that is born expired. */
	assert_int_equal(token_mint(SECRET, "member", 1, 0, NOW, &t), BOT_OK);
	expect_refused(t, NOW);
	free(t);
	/* No exp at all, or exp of the wrong type. */
	t = signed_with(JWT_ALG_HS256, SECRET, "{\"sub\":\"1\",\"role\":\"member\"}");
	expect_refused(t, NOW);
	free(t);
	t = signed_with(JWT_ALG_HS256, SECRET,
			"{\"sub\":\"1\",\"role\":\"member\",\"exp\":\"9999999999\"}");
	expect_refused(t, NOW);
	free(t);
	t = signed_with(JWT_ALG_HS256, SECRET, "{\"sub\":\"1\",\"role\":\"member\",\"exp\":-5}");
	expect_refused(t, NOW);
	free(t);
}

static void
test_wrong_secret(void **state)
{
	(void)state;
	char *t = NULL;
	assert_int_equal(token_mint("another-secret-entirely-000000000", "member", 1, 3600, NOW,
				    &t),
			 BOT_OK);
	expect_refused(t, NOW);
	free(t);
	/* Tampering with the payload breaks the signature. */
	assert_int_equal(token_mint(SECRET, "member", 1, 3600, NOW, &t), BOT_OK);
	char *sig = strrchr(t, '.');
	char *forged = by_hand("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
			       "{\"sub\":\"1\",\"role\":\"agent\",\"exp\":9999999999}", sig + 1);
	expect_refused(forged, NOW);
	free(forged);
	/* Flipping one character of the signature. */
	size_t n = strlen(t);
	t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
	expect_refused(t, NOW);
	free(t);
}

static void
test_alg_none(void **state)
{
	(void)state;
	const char *payload = "{\"sub\":\"1\",\"role\":\"member\",\"exp\":9999999999}";
	char *t = by_hand("{\"alg\":\"none\"}", payload, "");
	expect_refused(t, NOW);
	free(t);
	t = by_hand("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, "");
	expect_refused(t, NOW);
	free(t);
	/* alg none with something in the signature place. */
	t = by_hand("{\"alg\":\"none\"}", payload, "c2ln");
	expect_refused(t, NOW);
	free(t);
	t = by_hand("{\"alg\":\"None\"}", payload, "c2ln");
	expect_refused(t, NOW);
	free(t);
	/* No alg at all. */
	t = by_hand("{\"typ\":\"JWT\"}", payload, "c2ln");
	expect_refused(t, NOW);
	free(t);
}

static void
test_other_algs_refused(void **state)
{
	(void)state;
	const char *payload = "{\"sub\":\"7\",\"role\":\"member\",\"exp\":9999999999}";
	/* Correctly signed with the right secret, but not HS256. */
	char *t = signed_with(JWT_ALG_HS512, SECRET, payload);
	expect_refused(t, NOW);
	free(t);
	t = signed_with(JWT_ALG_HS384, SECRET, payload);
	expect_refused(t, NOW);
	free(t);
	/* The same payload under HS256 passes: the alg is what was refused. */
	t = signed_with(JWT_ALG_HS256, SECRET, payload);
	token_claims c;
	assert_int_equal(token_verify(SECRET, t, NOW, &c), BOT_OK);
	assert_int_equal(c.subject, 7);
	free(t);
}

static void
test_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"abc",
		"abc.def",
		"a.b.c.d",
		"....",
		"..",
		"a..",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig=",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.si+g",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.si/g",
		"eyJhbGciOiJIUzI1NiJ9 .eyJzdWIiOiIxIn0.sig",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig\n",
		"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.s\xc3\xa9g",
		"%%%.%%%.%%%",
		"bm90IGpzb24.bm90IGpzb24.c2ln", /* "not json" parts */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], NOW);
	expect_refused(NULL, NOW);

	/* A valid token with junk appended or prepended. */
	char *t = NULL;
	assert_int_equal(token_mint(SECRET, "member", 1, 3600, NOW, &t), BOT_OK);
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s.", t);
	expect_refused(buf, NOW);
	snprintf(buf, sizeof(buf), ".%s", t);
	expect_refused(buf, NOW);
	snprintf(buf, sizeof(buf), "%sAA", t);
	expect_refused(buf, NOW);
	free(t);
}

static void
test_huge(void **state)
{
	(void)state;
	/* Longer than TOKEN_MAX_LEN: refused before any decoding. */
	size_t n = TOKEN_MAX_LEN + 1;
	char *t = malloc(n + 1);
	memset(t, 'A', n);
	t[10] = '.';
	t[20] = '.';
	t[n] = 0;
	expect_refused(t, NOW);
	free(t);
	n = 1 << 20;
	t = malloc(n + 1);
	memset(t, 'A', n);
	t[100] = '.';
	t[n / 2] = '.';
	t[n] = 0;
	expect_refused(t, NOW);
	free(t);
	/* A validly signed token whose padding claim pushes it over the cap. */
	char payload[3000];
	int off = snprintf(payload, sizeof(payload),
			   "{\"sub\":\"1\",\"role\":\"member\",\"exp\":9999999999,\"pad\":\"");
	memset(payload + off, 'x', 1600);
	strcpy(payload + off + 1600, "\"}");
	t = signed_with(JWT_ALG_HS256, SECRET, payload);
	assert_true(strlen(t) > TOKEN_MAX_LEN);
	expect_refused(t, NOW);
	free(t);
}

static void
test_roles(void **state)
{
	(void)state;
	static const char *const roles[] = {"admin", "", "Member", "agent ", "members", "memb"};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		char *t = NULL;
		assert_int_equal(token_mint(SECRET, roles[i], 1, 3600, NOW, &t), BOT_OK);
		expect_refused(t, NOW);
		free(t);
	}
	char *t = signed_with(JWT_ALG_HS256, SECRET, "{\"sub\":\"1\",\"exp\":9999999999}");
	expect_refused(t, NOW);
	free(t);
	t = signed_with(JWT_ALG_HS256, SECRET, "{\"sub\":\"1\",\"role\":7,\"exp\":9999999999}");
	expect_refused(t, NOW);
	free(t);
	t = signed_with(JWT_ALG_HS256, SECRET,
			"{\"sub\":\"1\",\"role\":[\"agent\"],\"exp\":9999999999}");
	expect_refused(t, NOW);
	free(t);
}

static void
test_subjects(void **state)
{
	(void)state;
	/* token_mint writes ids as decimal: 0 and negatives are refused. */
	char *t = NULL;
	assert_int_equal(token_mint(SECRET, "member", 0, 3600, NOW, &t), BOT_OK);
	expect_refused(t, NOW);
	free(t);
	assert_int_equal(token_mint(SECRET, "agent", -3, 3600, NOW, &t), BOT_OK);
	expect_refused(t, NOW);
	free(t);

	static const char *const subs[] = {
		"\"\"", "\"abc\"", "\"12abc\"", "\"1.5\"", "\"1e3\"", "\"0x10\"",
		"\"99999999999999999999\"", "\"-1\"", "\"0\"", "12", "null", "true", "[\"1\"]",
	};
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		char payload[256];
		snprintf(payload, sizeof(payload),
			 "{\"sub\":%s,\"role\":\"member\",\"exp\":9999999999}", subs[i]);
		t = signed_with(JWT_ALG_HS256, SECRET, payload);
		expect_refused(t, NOW);
		free(t);
	}
	t = signed_with(JWT_ALG_HS256, SECRET, "{\"role\":\"member\",\"exp\":9999999999}");
	expect_refused(t, NOW);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_wrong_secret),
		cmocka_unit_test(test_alg_none),
		cmocka_unit_test(test_other_algs_refused),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_subjects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
