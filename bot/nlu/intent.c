/* The intent engine (see intent.h).
 *
 * Each intent file gives named PCRE2 patterns with an optional weight,
 * exclusion patterns, slot definitions and its tests (examples, near misses).
 * Patterns are normalised with the same function as customer text, compiled
 * once with JIT, and checked at load against adversarial subjects under the
 * same match limit used at run time, so a pattern that could backtrack out of
 * control is refused before it ever sees a customer.
 *
 * Classification: an intent takes part when one of its patterns matches and
 * none of its exclusions does; its score is its priority plus the weight of
 * its best matching pattern. The best score wins when it leads the next by at
 * least CLARIFY_MARGIN; otherwise the close ones are offered as a
 * clarification. No match at all is "not understood", which is what we want
 * for anything outside billing: a wrong answer is worse than a handover. */
#include "intent.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <dirent.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "normalize.h"
#include "slot.h"

/* Customer text beyond RAW_CAP bytes is not even normalised, and only the
 * first MATCH_CAP bytes of normalised text are matched. A billing question
 * is a sentence or two; reading further only costs time (the long-message
 * bench shows what it would cost) and gives bounded-gap patterns more places
 * to start. */
#define RAW_CAP 8192
#define MATCH_CAP 2048

/* Run-time and load-time limits. The load-time probe uses the same match
 * context, so a pattern admitted at load cannot hit the limit later on text
 * of the probe's length or shorter in the same way. */
#define MATCH_LIMIT 200000
#define DEPTH_LIMIT 1000
#define HEAP_LIMIT_KIB 2048

/* A score lead smaller than this is a near tie: ask, do not guess. */
#define CLARIFY_MARGIN 10
#define MAX_INTENTS 128
#define MIN_EXAMPLES 15

#define COMPILE_FLAGS (PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DUPNAMES)

struct pat {
	char *name;     /* owned */
	pcre2_code *re; /* owned */
	int weight;
};

struct slot_def {
	char *name; /* owned */
	slot_canon canon;
	struct pat *find; /* owned: slot-only patterns, tried after the intent's */
	size_t n_find;
};

struct intent {
	char *id;     /* owned */
	char *file;   /* owned: path, for messages */
	json_t *spec; /* owned reference to the whole file */
	int priority;
	struct pat *pats; /* owned */
	size_t n_pats;
	struct pat *excl; /* owned */
	size_t n_excl;
	/* All patterns as one alternation: one scan rejects the intent for most
	 * messages, and the individual patterns only run when it matched. */
	pcre2_code *any;
	struct slot_def *slots; /* owned */
	size_t n_slots;
	/* "gate": literals of which every match contains at least one, kept
	 * as character masks (see text_mask). Empty = always scan. */
	struct cmask *gate; /* owned */
	size_t n_gate;
};

/* A 256-bit bag-of-characters: bit h(c) is set for each code point c. A
 * literal can only occur in a text whose mask covers the literal's mask, so
 * one AND per gate literal rules an intent out without running its regexes.
 * This matters for Hangul: every syllable starts with one of four bytes, so
 * PCRE2's start-byte optimisation cannot skip anything in Korean text. */
struct cmask {
	uint64_t w[4];
};

/* Per-call working memory. The set owns one, reused by every call; a call
 * that finds it busy (another thread) makes a temporary one instead. */
struct scratch {
	atomic_flag busy;
	norm_buf nb;
	pcre2_match_data *md;
};

struct intent_set {
	struct intent *v; /* owned */
	size_t n;
	pcre2_match_context *mctx; /* owned */
	uint32_t ovec_pairs;
	struct scratch *scratch; /* owned */
};

/* ---- small helpers ---- */

/* A growable string; the caller owns s and frees it. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static bot_err
sb_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		char *q;

		while (cap < b->len + n + 1)
			cap *= 2;
		q = realloc(b->s, cap);
		if (!q)
			return BOT_ERR_NOMEM;
		b->s = q;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return BOT_OK;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Normalises a pattern the same way as customer text, except that escape
 * sequences are copied as they are (case folding would turn \S into \s and
 * \D into \d) and that spaces are kept where they are, collapsed to one.
 * Literal runs go through normalize_text() itself, so both sides of a match
 * are produced by one function. Returns a string the caller frees. */
static bot_err
pattern_normalize(const char *re, char **out)
{
	struct sbuf b = {0};
	norm_buf nb = {0};
	size_t i = 0, n = strlen(re);
	bot_err err = BOT_OK;

	while (i < n && !err) {
		size_t j;

		if (re[i] == '\\') {
			j = i + 1;
			if (j < n) {
				/* \p{..}, \x{..}, \N{..}, \g{..}, \k{..}: keep the braces */
				if (strchr("pPxNgko", re[j]) && j + 1 < n && re[j + 1] == '{') {
					const char *e = strchr(re + j, '}');

					j = e ? (size_t)(e - re) + 1 : n;
				} else {
					j++;
					while (j < n && ((unsigned char)re[j] & 0xC0) == 0x80)
						j++;
				}
			}
			err = sb_add(&b, re + i, j - i);
			i = j;
			continue;
		}
		if (re[i] == ' ' || re[i] == '\t' || re[i] == '\n' || re[i] == '\r') {
			while (i < n && (re[i] == ' ' || re[i] == '\t' || re[i] == '\n' ||
					 re[i] == '\r'))
				i++;
			err = sb_add(&b, " ", 1);
			continue;
		}
		for (j = i; j < n && re[j] != '\\' && re[j] != ' ' && re[j] != '\t' &&
			    re[j] != '\n' && re[j] != '\r';
		     j++)
			;
		err = normalize_text(re + i, j - i, &nb);
		if (!err)
			err = sb_add(&b, nb.data, nb.len);
		i = j;
	}
	if (!err && !b.s)
		err = sb_add(&b, "", 0);
	norm_buf_free(&nb);
	if (err) {
		free(b.s);
		return err;
	}
	*out = b.s;
	return BOT_OK;
}

/* ---- character masks ---- */

static unsigned
cmask_bit(uint32_t c)
{
	return (c * 2654435761u) >> 24;
}

/* Builds the mask of LEN bytes of valid UTF-8 (normalised text) at S. */
static void
text_mask(const char *s, size_t len, struct cmask *m)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	memset(m, 0, sizeof(*m));
	while (p < e) {
		uint32_t c = *p;
		unsigned b;

		if (c < 0x80) {
			p++;
		} else if (c >= 0xF0 && p + 3 < e) {
			c = ((c & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u);
			p += 4;
		} else if (c >= 0xE0 && p + 2 < e) {
			c = ((c & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
			p += 3;
		} else if (c >= 0xC0 && p + 1 < e) {
			c = ((c & 31u) << 6) | (p[1] & 63u);
			p += 2;
		} else {
			p++;
		}
		if (c == ' ')
			continue;
		b = cmask_bit(c);
		m->w[b >> 6] |= 1ull << (b & 63);
	}
}

static int
cmask_covers(const struct cmask *text, const struct cmask *lit)
{
	return (text->w[0] & lit->w[0]) == lit->w[0] && (text->w[1] & lit->w[1]) == lit->w[1] &&
	       (text->w[2] & lit->w[2]) == lit->w[2] && (text->w[3] & lit->w[3]) == lit->w[3];
}

static int
gate_open(const struct intent *it, const struct cmask *text)
{
	size_t i;

	if (!it->n_gate)
		return 1;
	for (i = 0; i < it->n_gate; i++) {
		if (cmask_covers(text, &it->gate[i]))
			return 1;
	}
	return 0;
}

/* Loads "gate" (an array of literals) into IT->gate; literals are normalised
 * like everything else. */
static bot_err
load_gate(const char *file, json_t *arr, struct intent *it, char *err, size_t errlen)
{
	norm_buf nb = {0};
	json_t *v;
	size_t i;

	if (!arr)
		return BOT_OK;
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "%s: \"gate\" must be an array of strings", file);
		return BOT_ERR_PARSE;
	}
	it->gate = calloc(json_array_size(arr) + 1, sizeof(*it->gate));
	if (!it->gate)
		return BOT_ERR_NOMEM;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);

		if (!s || !*s) {
			snprintf(err, errlen, "%s: gate[%zu]: must be a non-empty string", file, i);
			norm_buf_free(&nb);
			return BOT_ERR_PARSE;
		}
		if (normalize_text(s, strlen(s), &nb)) {
			norm_buf_free(&nb);
			return BOT_ERR_NOMEM;
		}
		text_mask(nb.data, nb.len, &it->gate[it->n_gate++]);
	}
	norm_buf_free(&nb);
	return BOT_OK;
}

/* ---- loading ---- */

static void
pat_free(struct pat *p)
{
	free(p->name);
	pcre2_code_free(p->re);
}

static void
intent_free(struct intent *it)
{
	size_t i, j;

	free(it->gate);
	free(it->id);
	free(it->file);
	json_decref(it->spec);
	for (i = 0; i < it->n_pats; i++)
		pat_free(&it->pats[i]);
	free(it->pats);
	for (i = 0; i < it->n_excl; i++)
		pat_free(&it->excl[i]);
	free(it->excl);
	pcre2_code_free(it->any);
	for (i = 0; i < it->n_slots; i++) {
		free(it->slots[i].name);
		for (j = 0; j < it->slots[i].n_find; j++)
			pat_free(&it->slots[i].find[j]);
		free(it->slots[i].find);
	}
	free(it->slots);
}

static int
match_one(const pcre2_code *re, const char *s, size_t len, pcre2_match_data *md,
	  pcre2_match_context *mctx)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, mctx);
}

/* Fills BUF (MATCH_CAP bytes + NUL) by repeating UNIT. */
static size_t
fill_repeat(char *buf, const char *unit, size_t ulen)
{
	size_t o = 0;

	if (!ulen)
		return 0;
	while (o + ulen <= MATCH_CAP) {
		memcpy(buf + o, unit, ulen);
		o += ulen;
	}
	buf[o] = '\0';
	return o;
}

/* Runs RE over subjects built to provoke backtracking: long runs of one
 * character, of spaces, and of the pattern's own literal characters (which
 * is what makes nested or adjacent quantifiers explode). Returns 0, or the
 * PCRE2 error code of the first probe that failed other than "no match". */
static int
probe_adversarial(const pcre2_code *re, const char *norm_re, pcre2_match_data *md,
		  pcre2_match_context *mctx)
{
	char buf[MATCH_CAP + 1];
	char lit[512], lit_sp[1024];
	size_t nl = 0, ns = 0, i, len;
	int rc;
	static const char *const units[] = {"a", " ", "가", "a ", "캐시 ", "1", "\xff"};

	/* The pattern's literal characters, in order, then with spaces. */
	for (i = 0; norm_re[i] && nl + 4 < sizeof(lit) && ns + 5 < sizeof(lit_sp);) {
		unsigned char c = (unsigned char)norm_re[i];
		size_t clen = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

		if (c == '\\') {
			i += norm_re[i + 1] ? 2 : 1;
			continue;
		}
		if (c < 0x80 && (strchr("()[]{}|?*+.^$<>=!:,", c) || c == ' ')) {
			i++;
			continue;
		}
		if (strlen(norm_re + i) < clen)
			break;
		memcpy(lit + nl, norm_re + i, clen);
		nl += clen;
		memcpy(lit_sp + ns, norm_re + i, clen);
		ns += clen;
		lit_sp[ns++] = ' ';
		i += clen;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]) + 2; i++) {
		if (i < sizeof(units) / sizeof(units[0]))
			len = fill_repeat(buf, units[i], strlen(units[i]));
		else if (i == sizeof(units) / sizeof(units[0]))
			len = fill_repeat(buf, lit, nl);
		else
			len = fill_repeat(buf, lit_sp, ns);
		if (!len)
			continue;
		rc = match_one(re, buf, len, md, mctx);
		if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
			return rc;
	}
	return 0;
}

static void
pcre_message(int code, char *buf, size_t len)
{
	if (pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, len) < 0)
		snprintf(buf, len, "pcre2 error %d", code);
}

/* Compiles RE (raw, from the file) into *OUT; on failure writes
 * "FILE: pattern NAME: message at offset N" into ERR. *OUT is owned by the
 * caller. NORM_OUT, when not NULL, receives the normalised text (caller
 * frees). */

/* BOTD_NO_JIT=1 leaves patterns interpreted: valgrind cannot follow
 * JIT-generated code and reports its loads as uninitialised (the sanitizer
 * and fuzz runs cover the JIT path). */
static int
jit_wanted(void)
{
	const char *v = getenv("BOTD_NO_JIT");
	return !(v && *v && strcmp(v, "0"));
}

static bot_err
compile_pattern(const char *file, const char *name, const char *re, pcre2_match_context *mctx,
		pcre2_code **out, char **norm_out, char *err, size_t errlen)
{
	char *norm = NULL;
	char msg[256];
	pcre2_code *code;
	pcre2_match_data *md;
	int ecode, rc;
	PCRE2_SIZE eoff;
	bot_err e;

	e = pattern_normalize(re, &norm);
	if (e) {
		snprintf(err, errlen, "%s: pattern %s: %s", file, name, bot_strerror(e));
		return e;
	}
	code = pcre2_compile((PCRE2_SPTR)norm, PCRE2_ZERO_TERMINATED, COMPILE_FLAGS, &ecode, &eoff,
			     NULL);
	if (!code) {
		pcre_message(ecode, msg, sizeof(msg));
		snprintf(err, errlen, "%s: pattern %s: %s at offset %zu (of normalised \"%s\")",
			 file, name, msg, (size_t)eoff, norm);
		free(norm);
		return BOT_ERR_PARSE;
	}
	rc = jit_wanted() ? pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) : 0;
	if (rc < 0) {
		/* Still correct without JIT, only slower. */
		pcre_message(rc, msg, sizeof(msg));
		log_warn("%s: pattern %s: no JIT (%s)", file, name, msg);
	}
	md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!md) {
		pcre2_code_free(code);
		free(norm);
		snprintf(err, errlen, "%s: pattern %s: out of memory", file, name);
		return BOT_ERR_NOMEM;
	}
	rc = probe_adversarial(code, norm, md, mctx);
	pcre2_match_data_free(md);
	if (rc) {
		pcre_message(rc, msg, sizeof(msg));
		snprintf(err, errlen,
			 "%s: pattern %s: refused, %s on adversarial input (offset 0 of \"%s\")",
			 file, name, msg, norm);
		pcre2_code_free(code);
		free(norm);
		return BOT_ERR_LIMIT;
	}
	*out = code;
	if (norm_out)
		*norm_out = norm;
	else
		free(norm);
	return BOT_OK;
}

/* Loads a "patterns"/"exclude"/"find" array of {name, re, weight?} objects.
 * *OUT is owned by the caller (pat_free each, then free). When ANY is not
 * NULL, it receives the patterns joined as one alternation (caller frees). */
static bot_err
load_patterns(const char *file, const char *key, json_t *arr, pcre2_match_context *mctx,
	      struct pat **out, size_t *n_out, struct sbuf *any, char *err, size_t errlen)
{
	size_t i, n;
	struct pat *v;
	bot_err e = BOT_OK;

	*out = NULL;
	*n_out = 0;
	if (!arr)
		return BOT_OK;
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "%s: \"%s\" must be an array", file, key);
		return BOT_ERR_PARSE;
	}
	n = json_array_size(arr);
	if (!n)
		return BOT_OK;
	v = calloc(n, sizeof(*v));
	if (!v)
		return BOT_ERR_NOMEM;
	for (i = 0; i < n && !e; i++) {
		json_t *o = json_array_get(arr, i);
		const char *name = NULL, *re = NULL;
		int weight = 0;
		json_error_t jerr;
		char *norm = NULL;

		if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s:s, s:s, s?:i}", "name", &name, "re",
				   &re, "weight", &weight)) {
			snprintf(err, errlen, "%s: %s[%zu]: %s", file, key, i, jerr.text);
			e = BOT_ERR_PARSE;
			break;
		}
		v[i].name = strdup(name);
		v[i].weight = weight;
		if (!v[i].name) {
			e = BOT_ERR_NOMEM;
			break;
		}
		*n_out = i + 1;
		e = compile_pattern(file, name, re, mctx, &v[i].re, any ? &norm : NULL, err, errlen);
		if (!e && any) {
			if (any->len)
				e = sb_add(any, "|", 1);
			if (!e)
				e = sb_add(any, "(?:", 3);
			if (!e)
				e = sb_add(any, norm, strlen(norm));
			if (!e)
				e = sb_add(any, ")", 1);
		}
		free(norm);
	}
	*out = v;
	return e;
}

static bot_err
load_slots(const char *file, json_t *obj, pcre2_match_context *mctx, struct intent *it, char *err,
	   size_t errlen)
{
	const char *key;
	json_t *val;
	size_t i = 0;
	bot_err e;

	if (!obj)
		return BOT_OK;
	if (!json_is_object(obj)) {
		snprintf(err, errlen, "%s: \"slots\" must be an object", file);
		return BOT_ERR_PARSE;
	}
	it->slots = calloc(json_object_size(obj) + 1, sizeof(*it->slots));
	if (!it->slots)
		return BOT_ERR_NOMEM;
	json_object_foreach(obj, key, val)
	{
		struct slot_def *sd = &it->slots[i];
		const char *canon = NULL;
		json_t *find = NULL;
		json_error_t jerr;
		size_t k;

		for (k = 0; key[k]; k++) {
			if (!((key[k] >= 'a' && key[k] <= 'z') || key[k] == '_' ||
			      (k && key[k] >= '0' && key[k] <= '9'))) {
				snprintf(err, errlen, "%s: slot \"%s\": use [a-z_][a-z0-9_]*", file,
					 key);
				return BOT_ERR_PARSE;
			}
		}
		if (json_unpack_ex(val, &jerr, JSON_STRICT, "{s:s, s?:o}", "canon", &canon, "find",
				   &find)) {
			snprintf(err, errlen, "%s: slot %s: %s", file, key, jerr.text);
			return BOT_ERR_PARSE;
		}
		sd->name = strdup(key);
		if (!sd->name)
			return BOT_ERR_NOMEM;
		it->n_slots = ++i;
		if (slot_canon_parse(canon, &sd->canon)) {
			snprintf(err, errlen, "%s: slot %s: unknown canon \"%s\"", file, key, canon);
			return BOT_ERR_PARSE;
		}
		e = load_patterns(file, "find", find, mctx, &sd->find, &sd->n_find, NULL, err,
				  errlen);
		if (e)
			return e;
	}
	return BOT_OK;
}

/* Checks the test lists' shape; running them is intent_self_check()'s job. */
static bot_err
check_tests(const char *file, json_t *spec, char *err, size_t errlen)
{
	json_t *ex = json_object_get(spec, "examples");
	json_t *nm = json_object_get(spec, "near_misses");
	json_t *v;
	size_t i;

	if (!json_is_array(ex) || (nm && !json_is_array(nm))) {
		snprintf(err, errlen, "%s: \"examples\" (and \"near_misses\") must be arrays",
			 file);
		return BOT_ERR_PARSE;
	}
	json_array_foreach(ex, i, v)
	{
		json_t *t = json_is_object(v) ? json_object_get(v, "text") : v;
		json_t *s = json_is_object(v) ? json_object_get(v, "slots") : NULL;

		if (!json_is_string(t) || (s && !json_is_object(s))) {
			snprintf(err, errlen, "%s: examples[%zu]: a string or {text, slots?, now?}",
				 file, i);
			return BOT_ERR_PARSE;
		}
	}
	json_array_foreach(nm, i, v)
	{
		if (!json_is_string(v)) {
			snprintf(err, errlen, "%s: near_misses[%zu]: must be a string", file, i);
			return BOT_ERR_PARSE;
		}
	}
	return BOT_OK;
}

/* Loads one file into IT (zeroed by the caller; on failure the caller still
 * calls intent_free on it, which releases whatever was set). */
static bot_err
load_file(const char *path, pcre2_match_context *mctx, struct intent *it, char *err,
	  size_t errlen)
{
	json_error_t jerr;
	json_t *pats = NULL, *excl = NULL, *slots = NULL, *title = NULL;
	const char *id = NULL, *ko = NULL, *en = NULL;
	int prio = 50, handoff = 0;
	struct sbuf any = {0};
	const char *base = base_name(path);
	size_t blen = strlen(base);
	int ecode;
	PCRE2_SIZE eoff;
	bot_err e;

	it->file = strdup(path);
	if (!it->file)
		return BOT_ERR_NOMEM;
	it->spec = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!it->spec) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		return BOT_ERR_PARSE;
	}
	/* Other keys (description, answer, query, ...) belong to other modules. */
	if (json_unpack_ex(it->spec, &jerr, 0, "{s:s, s:o, s?:i, s:o, s?:o, s?:o, s?:b}", "id",
			   &id, "title", &title, "priority", &prio, "patterns", &pats, "exclude",
			   &excl, "slots", &slots, "handoff", &handoff)) {
		snprintf(err, errlen, "%s: %s", path, jerr.text);
		return BOT_ERR_PARSE;
	}
	if (json_unpack_ex(title, &jerr, 0, "{s:s, s:s}", "ko", &ko, "en", &en)) {
		snprintf(err, errlen, "%s: title: %s", path, jerr.text);
		return BOT_ERR_PARSE;
	}
	if (blen != strlen(id) + 5 || strncmp(base, id, strlen(id))) {
		snprintf(err, errlen, "%s: id \"%s\" does not match the file name", path, id);
		return BOT_ERR_PARSE;
	}
	if (!json_is_array(pats) || !json_array_size(pats)) {
		snprintf(err, errlen, "%s: \"patterns\" must be a non-empty array", path);
		return BOT_ERR_PARSE;
	}
	it->id = strdup(id);
	if (!it->id)
		return BOT_ERR_NOMEM;
	it->priority = prio;
	e = check_tests(path, it->spec, err, errlen);
	if (!e)
		e = load_patterns(path, "patterns", pats, mctx, &it->pats, &it->n_pats, &any, err,
				  errlen);
	if (!e)
		e = load_patterns(path, "exclude", excl, mctx, &it->excl, &it->n_excl, NULL, err,
				  errlen);
	if (!e)
		e = load_slots(path, slots, mctx, it, err, errlen);
	if (!e)
		e = load_gate(path, json_object_get(it->spec, "gate"), it, err, errlen);
	if (!e) {
		it->any = pcre2_compile((PCRE2_SPTR)any.s, any.len, COMPILE_FLAGS, &ecode, &eoff,
					NULL);
		if (!it->any) {
			char msg[256];

			pcre_message(ecode, msg, sizeof(msg));
			snprintf(err, errlen, "%s: patterns combined: %s at offset %zu", path, msg,
				 (size_t)eoff);
			e = BOT_ERR_PARSE;
		} else {
			if (jit_wanted())
				pcre2_jit_compile(it->any, PCRE2_JIT_COMPLETE);
		}
	}
	free(any.s);
	if (e == BOT_ERR_NOMEM && !err[0])
		snprintf(err, errlen, "%s: out of memory", path);
	return e;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint32_t
pairs_of(const pcre2_code *re)
{
	uint32_t n = 0;

	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &n);
	return n + 1;
}

static bot_err
scratch_init(struct scratch *s, uint32_t pairs)
{
	atomic_flag_clear(&s->busy);
	memset(&s->nb, 0, sizeof(s->nb));
	s->md = pcre2_match_data_create(pairs, NULL);
	return s->md ? BOT_OK : BOT_ERR_NOMEM;
}

static void
scratch_fini(struct scratch *s)
{
	norm_buf_free(&s->nb);
	pcre2_match_data_free(s->md);
	s->md = NULL;
}

/* *OUT is owned by the caller (intent_set_free). Files are loaded in name
 * order so that results never depend on directory order. */
bot_err
intent_set_load_dir(const char *dir, intent_set **out, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i, j, k;
	intent_set *set = NULL;
	bot_err e = BOT_OK;

	if (!out || !dir)
		return BOT_ERR_INVAL;
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	else {
		static char sink[2];

		err = sink;
		errlen = sizeof(sink);
	}
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: cannot open directory", dir);
		return BOT_ERR_IO;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char *p;

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 16) * sizeof(*names));

			if (!nn) {
				e = BOT_ERR_NOMEM;
				break;
			}
			names = nn;
			cap = cap ? cap * 2 : 16;
		}
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0) {
			e = BOT_ERR_NOMEM;
			break;
		}
		names[n++] = p;
	}
	closedir(d);
	if (!e && !n) {
		snprintf(err, errlen, "%s: no intent files", dir);
		e = BOT_ERR_NOT_FOUND;
	}
	if (!e && n > MAX_INTENTS) {
		snprintf(err, errlen, "%s: more than %d intent files", dir, MAX_INTENTS);
		e = BOT_ERR_LIMIT;
	}
	if (!e) {
		qsort(names, n, sizeof(*names), cmp_str);
		set = calloc(1, sizeof(*set));
		if (set)
			set->v = calloc(n, sizeof(*set->v));
		if (set)
			set->scratch = calloc(1, sizeof(*set->scratch));
		if (set)
			set->mctx = pcre2_match_context_create(NULL);
		if (!set || !set->v || !set->scratch || !set->mctx)
			e = BOT_ERR_NOMEM;
	}
	if (!e) {
		pcre2_set_match_limit(set->mctx, MATCH_LIMIT);
		pcre2_set_depth_limit(set->mctx, DEPTH_LIMIT);
		pcre2_set_heap_limit(set->mctx, HEAP_LIMIT_KIB);
		set->ovec_pairs = 1;
	}
	for (i = 0; !e && i < n; i++) {
		struct intent *it = &set->v[i];

		set->n = i + 1;
		e = load_file(names[i], set->mctx, it, err, errlen);
		for (j = 0; !e && j < i; j++) {
			if (!strcmp(set->v[j].id, it->id)) {
				snprintf(err, errlen, "%s: duplicate id %s", names[i], it->id);
				e = BOT_ERR_CONFLICT;
			}
		}
		if (e)
			break;
		if (pairs_of(it->any) > set->ovec_pairs)
			set->ovec_pairs = pairs_of(it->any);
		for (j = 0; j < it->n_slots; j++) {
			for (k = 0; k < it->slots[j].n_find; k++) {
				if (pairs_of(it->slots[j].find[k].re) > set->ovec_pairs)
					set->ovec_pairs = pairs_of(it->slots[j].find[k].re);
			}
		}
	}
	if (!e)
		e = scratch_init(set->scratch, set->ovec_pairs);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (e) {
		if (!err[0])
			snprintf(err, errlen, "%s: %s", dir, bot_strerror(e));
		intent_set_free(set);
		return e;
	}
	*out = set;
	return BOT_OK;
}

void
intent_set_free(intent_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		intent_free(&set->v[i]);
	free(set->v);
	if (set->scratch) {
		scratch_fini(set->scratch);
		free(set->scratch);
	}
	pcre2_match_context_free(set->mctx);
	free(set);
}

/* ---- classification ---- */

struct cand {
	size_t idx;
	int score;
	size_t best; /* index of the best matching pattern */
};

/* Looks for slot SD in the subject: first in the winning pattern's named
 * groups, then in the intent's other patterns, then in the slot's own
 * "find" patterns. Adds it to SLOTS (owned by the result) when it
 * canonicalises. */
static void
fill_slot(const intent_set *set, const struct intent *it, size_t best, const struct slot_def *sd,
	  const char *subj, size_t slen, time_t now, pcre2_match_data *md, json_t *slots)
{
	size_t total = it->n_pats + sd->n_find, k;

	for (k = 0; k <= total; k++) {
		const struct pat *p;
		char cap[256], val[SLOT_VALUE_MAX];
		PCRE2_SIZE clen = sizeof(cap);

		if (k == 0)
			p = &it->pats[best];
		else if (k - 1 < it->n_pats)
			p = &it->pats[k - 1];
		else
			p = &sd->find[k - 1 - it->n_pats];
		if (k > 0 && k - 1 == best)
			continue;
		if (match_one(p->re, subj, slen, md, set->mctx) < 0)
			continue;
		if (pcre2_substring_copy_byname(md, (PCRE2_SPTR)sd->name, (PCRE2_UCHAR *)cap,
						&clen) != 0)
			continue;
		if (slot_canonicalize(sd->canon, cap, clen, now, val, sizeof(val)) != BOT_OK)
			continue;
		json_object_set_new(slots, sd->name, json_string(val));
		return;
	}
}

/* The work of intent_classify with the scratch S. */
static bot_err
classify_with(const intent_set *set, struct scratch *s, const char *text, size_t len, time_t now,
	      intent_result *res)
{
	struct cand c[MAX_INTENTS];
	struct cmask tm;
	size_t nc = 0, i, k, slen;
	const char *subj;
	bot_err e;

	if (len > RAW_CAP) {
		len = RAW_CAP;
		/* Cut on a character boundary so no U+FFFD is invented. */
		while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	e = normalize_text(text, len, &s->nb);
	if (e)
		return e;
	subj = s->nb.data;
	slen = s->nb.len;
	if (slen > MATCH_CAP) {
		slen = MATCH_CAP;
		while (slen && ((unsigned char)subj[slen] & 0xC0) == 0x80)
			slen--;
	}
	if (!slen)
		return BOT_OK;
	text_mask(subj, slen, &tm);

	for (i = 0; i < set->n; i++) {
		const struct intent *it = &set->v[i];
		int best_w = 0, found = 0;
		size_t best = 0;

		if (!gate_open(it, &tm))
			continue;
		if (match_one(it->any, subj, slen, s->md, set->mctx) < 0)
			continue;
		for (k = 0; k < it->n_excl; k++) {
			if (match_one(it->excl[k].re, subj, slen, s->md, set->mctx) >= 0)
				break;
		}
		if (k < it->n_excl)
			continue;
		for (k = 0; k < it->n_pats; k++) {
			if ((!found || it->pats[k].weight > best_w) &&
			    match_one(it->pats[k].re, subj, slen, s->md, set->mctx) >= 0) {
				best_w = it->pats[k].weight;
				best = k;
				found = 1;
			}
		}
		if (!found)
			continue;
		/* Insertion keeps C sorted by score, best first; equal scores
		 * keep file order, which is only used to order a clarification. */
		for (k = nc; k > 0 && c[k - 1].score < it->priority + best_w; k--)
			c[k] = c[k - 1];
		c[k].idx = i;
		c[k].score = it->priority + best_w;
		c[k].best = best;
		nc++;
	}
	if (!nc)
		return BOT_OK;
	if (nc > 1 && c[0].score - c[1].score < CLARIFY_MARGIN) {
		res->clarify = 1;
		for (k = 0; k < nc && k < INTENT_MAX_CANDIDATES; k++) {
			if (c[0].score - c[k].score >= CLARIFY_MARGIN)
				break;
			res->candidates[res->n_candidates++] = set->v[c[k].idx].id;
		}
		return BOT_OK;
	}
	res->intent = set->v[c[0].idx].id;
	for (k = 0; k < set->v[c[0].idx].n_slots; k++)
		fill_slot(set, &set->v[c[0].idx], c[0].best, &set->v[c[0].idx].slots[k], subj,
			  slen, now, s->md, res->slots);
	return BOT_OK;
}

/* RES->slots is created here and owned by RES (intent_result_clear). The set
 * is not modified, except for taking and returning its scratch. */
bot_err
intent_classify(const intent_set *set, const char *text, size_t len, time_t now,
		intent_result *res)
{
	struct scratch tmp, *s;
	bot_err e;

	if (!res)
		return BOT_ERR_INVAL;
	memset(res, 0, sizeof(*res));
	if (!set || (!text && len))
		return BOT_ERR_INVAL;
	res->slots = json_object();
	if (!res->slots)
		return BOT_ERR_NOMEM;
	s = set->scratch;
	if (atomic_flag_test_and_set(&s->busy)) {
		s = &tmp;
		e = scratch_init(s, set->ovec_pairs);
		if (e) {
			scratch_fini(s);
			intent_result_clear(res);
			return e;
		}
	}
	e = classify_with(set, s, text ? text : "", len, now, res);
	if (s == &tmp)
		scratch_fini(s);
	else
		atomic_flag_clear(&s->busy);
	if (e) {
		intent_result_clear(res);
		/* Hostile text is "not understood", not a failure. */
		if (e == BOT_ERR_LIMIT || e == BOT_ERR_INVAL) {
			res->slots = json_object();
			return res->slots ? BOT_OK : BOT_ERR_NOMEM;
		}
	}
	return e;
}

void
intent_result_clear(intent_result *res)
{
	if (!res)
		return;
	json_decref(res->slots);
	memset(res, 0, sizeof(*res));
}

const json_t *
intent_spec(const intent_set *set, const char *id)
{
	size_t i;

	for (i = 0; set && id && i < set->n; i++) {
		if (!strcmp(set->v[i].id, id))
			return set->v[i].spec;
	}
	return NULL;
}

size_t
intent_count(const intent_set *set)
{
	return set ? set->n : 0;
}

const char *
intent_id_at(const intent_set *set, size_t i)
{
	return set && i < set->n ? set->v[i].id : NULL;
}

/* ---- self check ---- */

static void
describe(const intent_result *r, char *buf, size_t len)
{
	int k, o;

	if (r->intent) {
		snprintf(buf, len, "%s", r->intent);
		return;
	}
	if (!r->clarify) {
		snprintf(buf, len, "null");
		return;
	}
	o = snprintf(buf, len, "clarify(");
	for (k = 0; k < r->n_candidates && o > 0 && (size_t)o < len; k++)
		o += snprintf(buf + o, len - (size_t)o, "%s%s", k ? "," : "", r->candidates[k]);
	if (o > 0 && (size_t)o < len)
		snprintf(buf + o, len - (size_t)o, ")");
}

/* An example may carry its own "now" (ISO 8601 UTC) so that explicit dates
 * resolve the same way whenever the check runs. */
static time_t
example_now(json_t *ex, time_t now)
{
	const char *s = json_string_value(json_object_get(ex, "now"));
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (s && sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			&tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		return timegm(&tm);
	}
	return now;
}

int
intent_self_check(const intent_set *set, time_t now)
{
	size_t i, k;
	int fails = 0;

	for (i = 0; set && i < set->n; i++) {
		const struct intent *it = &set->v[i];
		json_t *ex = json_object_get(it->spec, "examples");
		json_t *nm = json_object_get(it->spec, "near_misses");
		json_t *v;

		if (json_array_size(ex) < MIN_EXAMPLES) {
			fprintf(stderr, "%s: %zu examples, need at least %d\n", it->file,
				json_array_size(ex), MIN_EXAMPLES);
			fails++;
		}
		json_array_foreach(ex, k, v)
		{
			const char *text = json_is_string(v) ? json_string_value(v)
							     : json_string_value(
								       json_object_get(v, "text"));
			json_t *want = json_object_get(v, "slots");
			intent_result r;
			char got[256];

			if (!text || intent_classify(set, text, strlen(text), example_now(v, now),
						     &r)) {
				fprintf(stderr, "%s: example %zu: could not classify\n", it->file,
					k);
				fails++;
				continue;
			}
			describe(&r, got, sizeof(got));
			if (!r.intent || strcmp(r.intent, it->id)) {
				fprintf(stderr, "%s: example \"%s\": got %s\n", it->file, text,
					got);
				fails++;
			} else if (want && !json_equal(want, r.slots)) {
				char *a = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
				char *b = json_dumps(r.slots, JSON_COMPACT | JSON_SORT_KEYS);

				fprintf(stderr, "%s: example \"%s\": slots %s, want %s\n",
					it->file, text, b ? b : "?", a ? a : "?");
				free(a);
				free(b);
				fails++;
			}
			intent_result_clear(&r);
		}
		json_array_foreach(nm, k, v)
		{
			const char *text = json_string_value(v);
			intent_result r;

			if (intent_classify(set, text, strlen(text), now, &r)) {
				fprintf(stderr, "%s: near miss %zu: could not classify\n",
					it->file, k);
				fails++;
				continue;
			}
			if (r.intent && !strcmp(r.intent, it->id)) {
				fprintf(stderr, "%s: near miss \"%s\": matched %s\n", it->file,
					text, it->id);
				fails++;
			}
			intent_result_clear(&r);
		}
	}
	return fails;
}
