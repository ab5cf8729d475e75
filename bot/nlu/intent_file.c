/* Reading one intent file: its rules, "may" weights, patterns, slots and
 * tests, checked against the lexicon (the format is described in intent.c).
 * (see intent_file.h). */
#include "intent_file.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "lexicon.h"
#include "log.h"
#include "normalize.h"
#include "rx.h"
#include "slot.h"

#include "intent_followup.h"
#include "intent_hits.h"
#include "intent_slots.h"
#include "intent_int.h"

/* ---- loading ---- */

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void
pat_free(struct pat *p)
{
	free(p->name);
	pcre2_code_free(p->re);
}

void
intent_free(struct intent *it)
{
	size_t i, j;

	free(it->id);
	free(it->file);
	json_decref(it->spec);
	for (i = 0; i < it->n_rules; i++)
		free(it->rules[i].name);
	free(it->rules);
	for (i = 0; i < it->n_pats; i++)
		pat_free(&it->pats[i]);
	free(it->pats);
	for (i = 0; i < it->n_excl; i++)
		pat_free(&it->excl[i]);
	free(it->excl);
	for (i = 0; i < it->n_slots; i++) {
		free(it->slots[i].name);
		for (j = 0; j < it->slots[i].n_find; j++)
			pat_free(&it->slots[i].find[j]);
		free(it->slots[i].find);
	}
	free(it->slots);
}

/* Loads a "patterns"/"exclude"/"find" array of {name, re, weight?} objects.
 * *OUT is owned by the caller (pat_free each, then free). */
static bot_err
load_patterns(const char *file, const char *key, json_t *arr, pcre2_match_context *mctx,
              struct pat **out, size_t *n_out, char *err, size_t errlen)
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
	*out = v;
	for (i = 0; i < n && !e; i++) {
		json_t *o = json_array_get(arr, i);
		const char *name = NULL, *re = NULL;
		int weight = 0;
		json_error_t jerr;

		if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s:s, s:s, s?:i}", "name", &name, "re",
		                   &re, "weight", &weight)) {
			snprintf(err, errlen, "%s: %s[%zu]: %s", file, key, i, jerr.text);
			return BOT_ERR_PARSE;
		}
		v[i].name = strdup(name);
		v[i].weight = weight;
		if (!v[i].name)
			return BOT_ERR_NOMEM;
		*n_out = i + 1;
		e = rx_compile(file, "pattern", name, re, mctx, &v[i].re, NULL, err, errlen);
	}
	return e;
}

/* Parses "A|B|C" into a set of concepts. */
static bot_err
parse_group(const intent_set *set, const char *file, const char *what, const char *s, cset *out,
            char *err, size_t errlen)
{
	char name[64];

	memset(out, 0, sizeof(*out));
	while (*s) {
		size_t n = strcspn(s, "|");
		int c;

		if (!n || n >= sizeof(name)) {
			snprintf(err, errlen, "%s: %s: bad concept list \"%s\"", file, what, s);
			return BOT_ERR_PARSE;
		}
		memcpy(name, s, n);
		name[n] = '\0';
		c = lexicon_concept(set->lex, name);
		if (c < 0) {
			snprintf(err, errlen, "%s: %s: unknown concept %s (not in lexicon.json)",
			         file, what, name);
			return BOT_ERR_PARSE;
		}
		cs_add(out, c);
		s += n;
		if (*s == '|')
			s++;
	}
	return BOT_OK;
}

/* An array of concept lists, all of which join into OUT. */
static bot_err
parse_concepts(const intent_set *set, const char *file, const char *what, json_t *arr, cset *out,
               char *err, size_t errlen)
{
	size_t i;
	json_t *v;

	memset(out, 0, sizeof(*out));
	if (!arr)
		return BOT_OK;
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "%s: %s must be an array of concept names", file, what);
		return BOT_ERR_PARSE;
	}
	json_array_foreach(arr, i, v)
	{
		cset g;
		bot_err e;

		if (!json_is_string(v)) {
			snprintf(err, errlen, "%s: %s[%zu] must be a string", file, what, i);
			return BOT_ERR_PARSE;
		}
		if ((e = parse_group(set, file, what, json_string_value(v), &g, err, errlen)))
			return e;
		out->w[0] |= g.w[0];
		out->w[1] |= g.w[1];
	}
	return BOT_OK;
}

static bot_err
load_rules(const intent_set *set, const char *file, json_t *arr, struct intent *it, char *err,
           size_t errlen)
{
	size_t i, n;
	bot_err e;

	if (!arr)
		return BOT_OK;
	if (!json_is_array(arr)) {
		snprintf(err, errlen, "%s: \"rules\" must be an array", file);
		return BOT_ERR_PARSE;
	}
	n = json_array_size(arr);
	it->rules = calloc(n + 1, sizeof(*it->rules));
	if (!it->rules)
		return BOT_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i), *all = NULL, *none_of = NULL, *g;
		const char *name = NULL;
		struct rule *r = &it->rules[i];
		json_error_t jerr;
		char what[128];
		size_t k;

		r->weight = 10;
		if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s:s, s:o, s?o, s?i}", "name", &name,
		                   "all", &all, "not", &none_of, "weight", &r->weight)) {
			snprintf(err, errlen, "%s: rules[%zu]: %s", file, i, jerr.text);
			return BOT_ERR_PARSE;
		}
		if (!(r->name = strdup(name)))
			return BOT_ERR_NOMEM;
		it->n_rules = i + 1;
		snprintf(what, sizeof(what), "rule %s", name);
		if (!json_is_array(all) || !json_array_size(all) ||
		    json_array_size(all) > MAX_GROUPS) {
			snprintf(err, errlen, "%s: %s: \"all\" needs 1 to %d concept lists", file,
			         what, MAX_GROUPS);
			return BOT_ERR_PARSE;
		}
		json_array_foreach(all, k, g)
		{
			if (!json_is_string(g)) {
				snprintf(err, errlen, "%s: %s: \"all\" holds strings", file, what);
				return BOT_ERR_PARSE;
			}
			if ((e = parse_group(set, file, what, json_string_value(g), &r->all[k], err,
			                     errlen)))
				return e;
			it->vocab.w[0] |= r->all[k].w[0];
			it->vocab.w[1] |= r->all[k].w[1];
		}
		it->need.w[0] |= r->all[0].w[0];
		it->need.w[1] |= r->all[0].w[1];
		r->n_all = (int)json_array_size(all);
		if ((e = parse_concepts(set, file, what, none_of, &r->none_of, err, errlen)))
			return e;
	}
	return BOT_OK;
}

static bot_err
load_may(const intent_set *set, const char *file, json_t *obj, struct intent *it, char *err,
         size_t errlen)
{
	const char *k;
	json_t *v;

	if (!obj)
		return BOT_OK;
	if (!json_is_object(obj)) {
		snprintf(err, errlen, "%s: \"may\" must be an object of concept: weight", file);
		return BOT_ERR_PARSE;
	}
	json_object_foreach(obj, k, v)
	{
		int c = lexicon_concept(set->lex, k);

		if (c < 0 || !json_is_integer(v) || json_integer_value(v) < -50 ||
		    json_integer_value(v) > 50) {
			snprintf(err, errlen, "%s: may.%s: %s", file, k,
			         c < 0 ? "unknown concept" : "weight must be an integer -50..50");
			return BOT_ERR_PARSE;
		}
		it->may[c] = (int8_t)json_integer_value(v);
		if (it->may[c] > 0)
			cs_add(&it->vocab, c);
	}
	return BOT_OK;
}

static bot_err
load_slots(const intent_set *set, const char *file, json_t *obj, struct intent *it, char *err,
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
		const char *canon = NULL, *concept = NULL;
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
		if (json_unpack_ex(val, &jerr, JSON_STRICT, "{s:s, s?s, s?o}", "canon", &canon,
		                   "concept", &concept, "find", &find)) {
			snprintf(err, errlen, "%s: slot %s: %s", file, key, jerr.text);
			return BOT_ERR_PARSE;
		}
		sd->name = strdup(key);
		if (!sd->name)
			return BOT_ERR_NOMEM;
		it->n_slots = ++i;
		if (slot_canon_parse(canon, &sd->canon)) {
			snprintf(err, errlen, "%s: slot %s: unknown canon \"%s\"", file, key,
			         canon);
			return BOT_ERR_PARSE;
		}
		sd->concept = concept ? lexicon_concept(set->lex, concept) : -1;
		if (concept && sd->concept < 0) {
			snprintf(err, errlen, "%s: slot %s: unknown concept %s", file, key,
			         concept);
			return BOT_ERR_PARSE;
		}
		if (sd->concept >= 0)
			cs_add(&it->vocab, sd->concept);
		e = load_patterns(file, "find", find, set->mctx, &sd->find, &sd->n_find, err,
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
bot_err
intent_file_load(intent_set *set, const char *path, struct intent *it, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *pats = NULL, *excl = NULL, *slots = NULL, *title = NULL, *rules = NULL;
	json_t *may = NULL, *none_of = NULL, *pats_if = NULL, *pats_max = NULL;
	const char *id = NULL, *ko = NULL, *en = NULL;
	int prio = 50, handoff = 0, only = 0;
	const char *base = base_name(path);
	size_t blen = strlen(base);
	bot_err e;

	it->file = strdup(path);
	if (!it->file)
		return BOT_ERR_NOMEM;
	it->spec = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!it->spec) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		return BOT_ERR_PARSE;
	}
	/* Other keys (description, answer, ...) belong to other modules. */
	if (json_unpack_ex(it->spec, &jerr, 0,
	                   "{s:s, s:o, s?:i, s?:o, s?:o, s?:o, s?:o, s?:o, s?:o, s?:o, s?:o, s?:b, "
	                   "s?:b}",
	                   "id", &id, "title", &title, "priority", &prio, "rules", &rules, "may",
	                   &may, "not", &none_of, "patterns", &pats, "patterns_if", &pats_if,
	                   "max_chars", &pats_max, "exclude", &excl, "slots", &slots, "handoff",
	                   &handoff, "only", &only)) {
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
	if (!json_array_size(rules) && !json_array_size(pats)) {
		snprintf(err, errlen, "%s: needs \"rules\" or \"patterns\" (a non-empty array)",
		         path);
		return BOT_ERR_PARSE;
	}
	it->id = strdup(id);
	if (!it->id)
		return BOT_ERR_NOMEM;
	it->priority = prio;
	it->only = only;
	if (pats_max && (!json_is_integer(pats_max) || json_integer_value(pats_max) < 1)) {
		snprintf(err, errlen, "%s: \"max_chars\" must be a positive integer", path);
		return BOT_ERR_PARSE;
	}
	it->max_chars = pats_max ? (int)json_integer_value(pats_max) : 0;
	e = check_tests(path, it->spec, err, errlen);
	if (!e)
		e = load_rules(set, path, rules, it, err, errlen);
	if (!e)
		e = load_may(set, path, may, it, err, errlen);
	if (!e)
		e = parse_concepts(set, path, "\"not\"", none_of, &it->none_of, err, errlen);
	if (!e)
		e = parse_concepts(set, path, "\"patterns_if\"", pats_if, &it->pats_if, err,
		                   errlen);
	if (!e)
		e = load_patterns(path, "patterns", pats, set->mctx, &it->pats, &it->n_pats, err,
		                  errlen);
	if (!e)
		e = load_patterns(path, "exclude", excl, set->mctx, &it->excl, &it->n_excl, err,
		                  errlen);
	if (!e)
		e = load_slots(set, path, slots, it, err, errlen);
	if (e == BOT_ERR_NOMEM && !err[0])
		snprintf(err, errlen, "%s: out of memory", path);
	return e;
}
