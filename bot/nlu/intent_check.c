/* The self check behind `botd check`: every example and near miss of every
 * intent classified, and a failing one explained.
 * (see intent_check.h). */
#include "intent_check.h"

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

#include "intent_file.h"
#include "intent_followup.h"
#include "intent_hits.h"
#include "intent_slots.h"
#include "intent_int.h"

/* ---- self check ---- */

static void
describe(const intent_result *r, char *buf, size_t len)
{
	int k, o;

	if (r->intent) {
		snprintf(buf, len, "%s%s%s", r->intent, r->also ? " + " : "",
		         r->also ? r->also : "");
		return;
	}
	if (!r->clarify) {
		o = snprintf(buf, len, "null");
		for (k = 0; k < r->n_suggest && o > 0 && (size_t)o < len; k++)
			o += snprintf(buf + o, len - (size_t)o, "%s%s", k ? ", " : " (suggest ",
			              r->suggest[k]);
		if (r->n_suggest && o > 0 && (size_t)o < len)
			snprintf(buf + o, len - (size_t)o, ")");
		return;
	}
	o = snprintf(buf, len, "clarify(");
	for (k = 0; k < r->n_candidates && o > 0 && (size_t)o < len; k++)
		o += snprintf(buf + o, len - (size_t)o, "%s%s", k ? "," : "", r->candidates[k]);
	if (o > 0 && (size_t)o < len)
		snprintf(buf + o, len - (size_t)o, ")");
}

static void
concept_list(const intent_set *set, const cset *c, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < (int)lexicon_concept_count(set->lex) && o + 1 < len; i++) {
		if (!cs_has(c, i))
			continue;
		int n = snprintf(buf + o, len - o, "%s%s", o ? "|" : "",
		                 lexicon_concept_name(set->lex, i));
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

/* Prints what the engine found in TEXT and, for intent IT, the rule that
 * came nearest: the concept lists it still missed, or what ruled it out. */
static void
explain_miss(const intent_set *set, const struct intent *it, const char *text)
{
	struct scratch *s = set->scratch;
	struct wstate w;
	char buf[512];
	const char *subj;
	size_t slen;
	int best = -1, best_have = -1;

	memset(w.best, 0xff, sizeof(w.best));
	w.n = 0;
	if (atomic_flag_test_and_set(&s->busy))
		return;
	if (intent_prepare(s, text, strlen(text), &subj, &slen) ||
	    lexicon_analyse(set->lex, subj, slen, &s->t)) {
		atomic_flag_clear(&s->busy);
		return;
	}
	fprintf(stderr, "    found:");
	for (size_t i = 0; i < s->t.no; i++) {
		const lex_occ *o = &s->t.o[i];
		size_t b0 = s->t.u[o->start].off;
		size_t b1 = s->t.u[o->end - 1].off + s->t.u[o->end - 1].len;

		fprintf(stderr, " %s(%.*s%s%s)", lexicon_concept_name(set->lex, o->concept),
		        (int)(b1 - b0), subj + b0, o->cost ? ", typo" : "",
		        o->negated ? ", negated" : "");
	}
	fprintf(stderr, "%s\n", s->t.no ? "" : " no concepts");
	ws_fill(&w, &s->t, 0, s->t.nu);
	for (size_t r = 0; r < it->n_rules; r++) {
		int have = 0;

		for (int g = 0; g < it->rules[r].n_all; g++)
			have += cs_meets(&w.mask, &it->rules[r].all[g]);
		have = have * 100 / it->rules[r].n_all;
		if (have > best_have) {
			best_have = have;
			best = (int)r;
		}
	}
	if (best >= 0) {
		const struct rule *ru = &it->rules[best];
		cset blocked = {{w.mask.w[0] & (ru->none_of.w[0] | it->none_of.w[0]),
		                 w.mask.w[1] & (ru->none_of.w[1] | it->none_of.w[1])}};

		fprintf(stderr, "    nearest rule %s/%s:", it->id, ru->name);
		for (int g = 0; g < ru->n_all; g++) {
			if (cs_meets(&w.mask, &ru->all[g]))
				continue;
			concept_list(set, &ru->all[g], buf, sizeof(buf));
			fprintf(stderr, " needs %s;", buf);
		}
		if (!cs_empty(&blocked)) {
			concept_list(set, &blocked, buf, sizeof(buf));
			fprintf(stderr, " ruled out by %s;", buf);
		}
		if (best_have == 100 && cs_empty(&blocked))
			fprintf(stderr, " all concepts present, but not within one sentence, or "
			                "another intent scored higher;");
		fputc('\n', stderr);
	}
	atomic_flag_clear(&s->busy);
}

/* An example may carry its own "now" (ISO 8601 UTC) so that explicit dates
 * resolve the same way whenever the check runs. */
static time_t
example_now(json_t *ex, time_t now)
{
	const char *s = json_string_value(json_object_get(ex, "now"));
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (s && sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	                &tm.tm_min, &tm.tm_sec) == 6) {
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
			const char *text = json_is_string(v)
			                       ? json_string_value(v)
			                       : json_string_value(json_object_get(v, "text"));
			json_t *want = json_object_get(v, "slots");
			intent_result r;
			char got[256];

			if (!text ||
			    intent_classify(set, text, strlen(text), example_now(v, now), &r)) {
				fprintf(stderr, "%s: example %zu: could not classify\n", it->file,
				        k);
				fails++;
				continue;
			}
			describe(&r, got, sizeof(got));
			if (!r.intent || strcmp(r.intent, it->id)) {
				fprintf(stderr, "%s: example \"%s\": got %s\n", it->file, text,
				        got);
				explain_miss(set, it, text);
				fails++;
			} else if (want && !json_equal(want, r.slots)) {
				char *a = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
				char *b = json_dumps(r.slots, JSON_COMPACT | JSON_SORT_KEYS);

				fprintf(stderr, "%s: example \"%s\": slots %s, want %s\n", it->file,
				        text, b ? b : "?", a ? a : "?");
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

			if (intent_classify_ctx(set, text, strlen(text), now, NULL, INTENT_EXPLAIN,
			                        &r)) {
				fprintf(stderr, "%s: near miss %zu: could not classify\n", it->file,
				        k);
				fails++;
				continue;
			}
			if ((r.intent && !strcmp(r.intent, it->id)) ||
			    (r.also && !strcmp(r.also, it->id))) {
				const char *rule =
				    json_string_value(json_object_get(r.explain, "rule"));

				fprintf(stderr, "%s: near miss \"%s\": matched %s (rule %s)\n",
				        it->file, text, it->id, rule ? rule : "?");
				explain_miss(set, it, text);
				fails++;
			}
			intent_result_clear(&r);
		}
	}
	return fails;
}
