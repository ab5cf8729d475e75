/* libFuzzer: normalisation + intent matching on raw customer text, with the
 * real intents/ (PCRE2 JIT, match limits, slots).
 * Properties: normalize_text yields valid UTF-8 with no leading/trailing or
 * doubled spaces and is idempotent; intent_classify never fails on hostile
 * text, returns an object for slots, a known intent id or NULL, and a
 * clarification only with candidates. */
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"
#include "intent.h"
#include "normalize.h"

static intent_set *set;
static norm_buf a, b;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	char err[512];
	if (intent_set_load_dir(fuzz_intents_dir(), &set, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "fuzz_intent: cannot load intents: %s\n", err);
		abort();
	}
	return 0;
}

static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3;
			cp = c & 0x07;
		} else
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	const char *text = (const char *)data;
	if (normalize_text(text, size, &a) != BOT_OK)
		__builtin_trap();
	if (!a.data || strlen(a.data) != a.len || !utf8_valid((unsigned char *)a.data, a.len))
		__builtin_trap();
	if (a.len && (a.data[0] == ' ' || a.data[a.len - 1] == ' ' || strstr(a.data, "  ")))
		__builtin_trap();
	if (normalize_text(a.data, a.len, &b) != BOT_OK || b.len != a.len ||
	    memcmp(a.data, b.data, a.len))
		__builtin_trap(); /* not idempotent */
	(void)normalize_lang(text, size);

	intent_result res;
	if (intent_classify(set, text, size, FUZZ_NOW, &res) != BOT_OK)
		__builtin_trap();
	if (!json_is_object(res.slots))
		__builtin_trap();
	if (res.intent && !intent_spec(set, res.intent))
		__builtin_trap();
	if (res.clarify && (res.intent || res.n_candidates < 2 ||
			    res.n_candidates > INTENT_MAX_CANDIDATES))
		__builtin_trap();
	intent_result_clear(&res);
	return 0;
}
