/* libFuzzer: the answer template renderer (template_check, template_render).
 * Input: TEMPLATE, then a NUL byte, then a JSON data document. Without the
 * NUL (or with invalid JSON) a fixed data document shaped like the answers'
 * data (rows, dates, amounts, labels) is used. Byte 0 of the template picks
 * the language and the row cap. Property: a template that template_check
 * renders returns NUL-terminated output within 256 KiB; one that
 * template_check accepts never fails to render with a syntax error. */
#include <stdint.h>
#include <string.h>
#include "fuzz_common.h"
#include "template.h"

static json_t *fixed_data, *labels;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	fixed_data = json_loads(
		"{\"name\":\"김민준\",\"amount\":12300,\"neg\":-5,\"big\":9223372036854775807,"
		"\"f\":1.5,\"t\":true,\"n\":null,\"s\":\"\",\"month\":\"2026-10\","
		"\"at\":\"2026-11-20 03:00:00\",\"card\":\"4123123412341234\","
		"\"acct\":\"110-123-456789\",\"status\":\"paid\",\"rows\":[{\"amount\":1000,"
		"\"at\":\"2026-11-01 00:00:00\",\"kind\":\"charge\",\"sub\":[1,2,3]},"
		"{\"amount\":2000,\"at\":\"bad date\",\"kind\":\"refund\",\"sub\":[]}],"
		"\"empty\":[],\"plain\":[\"a\",\"b\",3,null],\"obj\":{\"x\":{\"y\":\"z\"}}}",
		0, NULL);
	labels = json_loads("{\"paid\":\"납부\",\"charge\":\"충전\",\"0\":\"zero\",\"true\":\"yes\"}",
			    0, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	uint8_t sel = data[0];
	data++;
	size--;
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	char *tpl = malloc(tlen + 1);
	if (!tpl)
		return 0;
	memcpy(tpl, data, tlen);
	tpl[tlen] = 0;
	json_t *doc = NULL;
	if (nul)
		doc = json_loadb((const char *)nul + 1, size - tlen - 1, 0, NULL);
	const json_t *use = doc ? doc : fixed_data;

	char err[256];
	bot_err chk = template_check(tpl, err, sizeof(err));
	template_ctx ctx = {.lang = (sel & 1) ? "en" : "ko",
			    .labels = (sel & 2) ? labels : NULL,
			    .max_rows = (sel >> 2) & 7,
			    /* dates in this year leave the year out */
			    .now = (sel & 32) ? 1795143600 : 0};
	char *out = NULL;
	err[0] = 0;
	bot_err rc = template_render(tpl, use, &ctx, &out, err, sizeof(err));
	if (rc == BOT_OK) {
		if (!out || strlen(out) > 256 * 1024)
			__builtin_trap();
	} else {
		/* a syntax error must be caught at load time by template_check,
		 * not first found when a customer asks */
		if (chk == BOT_OK && rc == BOT_ERR_PARSE)
			__builtin_trap();
		if (out)
			__builtin_trap(); /* no output on failure */
		if (!err[0])
			__builtin_trap(); /* every failure names its problem */
	}
	free(out);
	json_decref(doc);
	free(tpl);
	return 0;
}
