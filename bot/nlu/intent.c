/* The intent engine (see intent.h).
 *
 * Loading: DIR/lexicon.json gives the concepts (lexicon.h); every other
 * file in DIR is one intent, with
 *   "rules": [{"name", "all": ["TAX_INVOICE", "FAILED|NOT_DONE"], "not"?,
 *              "weight"?}]   every entry of "all" must occur (one of the
 *              concepts joined by |), none of "not", in any order;
 *   "may": {"REASON": 2}     concepts that add to the score when present
 *              (or take from it, when negative);
 *   "not": ["REISSUE"]       concepts that rule the intent out wherever a
 *              rule would fire;
 *   "patterns": [{"name", "re", "weight"?}]  ordered PCRE2 patterns over
 *              the whole message, for the few cases where order matters
 *              (a message that is only a greeting);
 *   "exclude": [{"name", "re"}]  patterns that rule the intent out;
 *   "only": true             the intent counts only when nothing else does;
 *   "slots": {"period": {"canon": "period", "concept": "PERIOD",
 *              "find"?: [patterns with a (?<period>...) group]}}.
 *
 * Classification. The message is analysed into units, sentences and
 * clauses, and concept occurrences (lexicon_analyse). Rules are tried on
 * each clause, then on each sentence for what no clause of it explained (a
 * topic and its detail in two clauses: "멤버가 탈퇴했는데 그 사람이 결제한 건
 * 환불되나요"); when nothing fired anywhere, on two neighbouring sentences and
 * then on the whole message ("메세지가 안와요. 카카오페이 연결중인데"). A hit
 * scores the intent's priority + the rule's weight + the "may" weights of
 * the concepts present, less one or two per typo among the words it used.
 *
 * Topics: the best hit is the first topic. A second topic is the best hit
 * of another intent on different words ("무상캐시 남은 거랑 세금계산서 실패
 * 사유"), or sharing an object noun but with a word of its own the first
 * intent does not know (distinct_topic); a hit with no word of its own is
 * not a topic, and when it scores within CLARIFY_MARGIN of the first
 * the customer is asked which one they mean. Of two topics the first asked
 * comes first (topic_place).
 *
 * Nothing fired: the suggestion model (learn.h) may offer its best guesses
 * (intent_result.suggest); they are never answered on their own. */
#include "intent.h"

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

/* Customer text beyond RAW_CAP bytes is not even normalised. Of longer
 * normalised text the first and the last HALF_CAP bytes are read: a question
 * is at one end of a long message or the other (a story, then the question;
 * or the question, then context), and reading the middle only costs time. */
#define RAW_CAP 8192
#define HALF_CAP 512

/* A score lead smaller than this between hits on the same words is a near
 * tie: ask, do not guess. */
#define CLARIFY_MARGIN 3
#define MAX_INTENTS 128
#define MAX_GROUPS 6
#define MIN_EXAMPLES 15
/* Window levels: a hit found in a wider window scores a little less. */
enum { LV_CLAUSE, LV_SENTENCE, LV_PAIR, LV_ALL };
/* Follow-ups are short: longer text that is not understood on its own is a
 * new question. */
#define FOLLOWUP_MAX_CHARS 40
/* The suggestion model must be at least this sure. */
#define SUGGEST_MIN_P 0.45
#define SUGGEST_SECOND_P 0.15

typedef struct cset {
	uint64_t w[2];
} cset;

static void
cs_add(cset *s, int c)
{
	s->w[c >> 6] |= 1ull << (c & 63);
}

static int
cs_has(const cset *s, int c)
{
	return (s->w[c >> 6] >> (c & 63)) & 1;
}

static int
cs_meets(const cset *a, const cset *b)
{
	return (a->w[0] & b->w[0]) || (a->w[1] & b->w[1]);
}

static int
cs_within(const cset *a, const cset *b) /* a is a subset of b */
{
	return !(a->w[0] & ~b->w[0]) && !(a->w[1] & ~b->w[1]);
}

static int
cs_empty(const cset *a)
{
	return !a->w[0] && !a->w[1];
}

struct rule {
	char *name; /* owned */
	cset all[MAX_GROUPS];
	int n_all;
	cset none_of;
	int weight;
};

struct pat {
	char *name;     /* owned */
	pcre2_code *re; /* owned */
	int weight;
};

struct slot_def {
	char *name; /* owned */
	slot_canon canon;
	int concept;      /* -1: none */
	struct pat *find; /* owned */
	size_t n_find;
};

struct intent {
	char *id;     /* owned */
	char *file;   /* owned: path, for messages */
	json_t *spec; /* owned reference to the whole file */
	int priority;
	int only;
	struct rule *rules; /* owned */
	size_t n_rules;
	cset none_of;
	int8_t may[LEX_MAX_CONCEPTS];
	cset vocab;       /* every concept a rule or "may" names: what a follow-up may add */
	cset need;        /* the first concepts of its rules: one must occur for any rule to fire */
	struct pat *pats; /* owned */
	size_t n_pats;
	cset pats_if;  /* the patterns run only when one of these occurs (empty: always) */
	int max_chars; /* considered only for messages of at most this many characters (0: any) */
	struct pat *excl; /* owned */
	size_t n_excl;
	struct slot_def *slots; /* owned */
	size_t n_slots;
};

struct hit {
	uint16_t intent, rule; /* rule = n_rules + k for pattern k */
	int score;
	uint8_t level, asking, background, n_ev;
	uint16_t ws, we; /* window, units */
	uint16_t sent;
	uint16_t ev_s[MAX_GROUPS], ev_e[MAX_GROUPS]; /* the words it used, units */
	uint16_t ev_c[MAX_GROUPS];                   /* and their concepts */
};

/* Per-call working memory. The set owns one, reused by every call; a call
 * that finds it busy (another thread) makes a temporary one instead. */
struct scratch {
	atomic_flag busy;
	norm_buf nb, cut, nb2;
	lex_text t, t2;
	pcre2_match_data *md;
	struct hit *hits;
	size_t nh, cap_h;
	cset all;     /* the concepts of the whole message */
	size_t chars; /* its length in characters */
	double *p; /* n_intents + 1 */
};

struct intent_set {
	struct intent *v; /* owned */
	size_t n;
	lexicon *lex;       /* owned */
	learn_model *model; /* owned */
	cset followup_ok;   /* concepts any follow-up may hold */
	int c_other, c_account;
	pcre2_match_context *mctx; /* owned */
	uint32_t ovec_pairs;
	struct scratch *scratch; /* owned */
};

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

static void
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
static bot_err
load_file(intent_set *set, const char *path, struct intent *it, char *err, size_t errlen)
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
scratch_init(struct scratch *s, const intent_set *set)
{
	memset(s, 0, sizeof(*s));
	atomic_flag_clear(&s->busy);
	s->md = pcre2_match_data_create(set->ovec_pairs, NULL);
	s->p = calloc(set->n + 1, sizeof(*s->p));
	return s->md && s->p ? BOT_OK : BOT_ERR_NOMEM;
}

static void
scratch_fini(struct scratch *s)
{
	norm_buf_free(&s->nb);
	norm_buf_free(&s->cut);
	norm_buf_free(&s->nb2);
	lex_text_free(&s->t);
	lex_text_free(&s->t2);
	pcre2_match_data_free(s->md);
	free(s->hits);
	free(s->p);
	memset(s, 0, sizeof(*s));
}

static bot_err classify_with(const intent_set *set, struct scratch *s, const char *text, size_t len,
                             time_t now, const intent_context *ctx, int flags, intent_result *res);

/* The model learns each intent from its examples, and "none" (the last
 * class) from the near misses that the rules leave unanswered; a near miss
 * the rules give to another intent is an example of that intent. */
static bot_err
train_model(intent_set *set)
{
	learn_doc *docs = NULL;
	char **texts = NULL;
	size_t n = 0, cap = 0, i, k;
	norm_buf nb = {0};
	bot_err e = BOT_OK;

	for (i = 0; i < set->n && !e; i++) {
		json_t *ex = json_object_get(set->v[i].spec, "examples");
		json_t *nm = json_object_get(set->v[i].spec, "near_misses");
		size_t total = json_array_size(ex) + json_array_size(nm);

		for (k = 0; k < total && !e; k++) {
			int near = k >= json_array_size(ex);
			json_t *v = near ? json_array_get(nm, k - json_array_size(ex))
			                 : json_array_get(ex, k);
			const char *t = json_is_string(v)
			                    ? json_string_value(v)
			                    : json_string_value(json_object_get(v, "text"));
			int label = (int)i;

			if (!t)
				continue;
			if (near) {
				intent_result r;

				label = (int)set->n;
				if (intent_classify(set, t, strlen(t), 0, &r) == BOT_OK &&
				    r.intent) {
					for (size_t j = 0; j < set->n; j++) {
						if (!strcmp(set->v[j].id, r.intent))
							label = (int)j;
					}
				}
				intent_result_clear(&r);
			}
			if (n == cap) {
				size_t c = cap ? cap * 2 : 512;
				learn_doc *d = realloc(docs, c * sizeof(*d));
				char **tx = d ? realloc(texts, c * sizeof(*tx)) : NULL;

				if (d)
					docs = d;
				if (!d || !tx) {
					e = BOT_ERR_NOMEM;
					break;
				}
				texts = tx;
				cap = c;
			}
			if ((e = normalize_text(t, strlen(t), &nb)))
				break;
			if (!(texts[n] = strndup(nb.data, nb.len))) {
				e = BOT_ERR_NOMEM;
				break;
			}
			docs[n].text = texts[n];
			docs[n].len = nb.len;
			docs[n].label = label;
			n++;
		}
	}
	if (!e)
		e = learn_train(docs, n, (int)set->n + 1, &set->model);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(docs);
	norm_buf_free(&nb);
	return e;
}

/* *OUT is owned by the caller (intent_set_free). Files are loaded in name
 * order so that results never depend on directory order. */
bot_err
intent_set_load_dir(const char *dir, intent_set **out, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, *lexpath = NULL;
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

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") ||
		    !strcmp(de->d_name, "lexicon.json"))
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
		if (n > 1)
			qsort(names, n, sizeof(*names), cmp_str);
		set = calloc(1, sizeof(*set));
		if (set)
			set->v = calloc(n, sizeof(*set->v));
		if (set)
			set->scratch = calloc(1, sizeof(*set->scratch));
		if (set)
			set->mctx = rx_context_new();
		if (!set || !set->v || !set->scratch || !set->mctx ||
		    asprintf(&lexpath, "%s/lexicon.json", dir) < 0)
			e = BOT_ERR_NOMEM;
	}
	if (!e)
		e = lexicon_load(lexpath, &set->lex, err, errlen);
	if (!e) {
		set->ovec_pairs = 1;
		set->c_other = lexicon_concept(set->lex, "OTHER");
		set->c_account = lexicon_concept(set->lex, "AD_ACCOUNT");
		for (int c = 0; c < (int)lexicon_concept_count(set->lex); c++) {
			if (lexicon_followup(set->lex, c))
				cs_add(&set->followup_ok, c);
		}
	}
	for (i = 0; !e && i < n; i++) {
		struct intent *it = &set->v[i];

		set->n = i + 1;
		e = load_file(set, names[i], it, err, errlen);
		for (j = 0; !e && j < i; j++) {
			if (!strcmp(set->v[j].id, it->id)) {
				snprintf(err, errlen, "%s: duplicate id %s", names[i], it->id);
				e = BOT_ERR_CONFLICT;
			}
		}
		if (e)
			break;
		for (j = 0; j < it->n_pats; j++) {
			if (pairs_of(it->pats[j].re) > set->ovec_pairs)
				set->ovec_pairs = pairs_of(it->pats[j].re);
		}
		for (j = 0; j < it->n_excl; j++) {
			if (pairs_of(it->excl[j].re) > set->ovec_pairs)
				set->ovec_pairs = pairs_of(it->excl[j].re);
		}
		for (j = 0; j < it->n_slots; j++) {
			for (k = 0; k < it->slots[j].n_find; k++) {
				if (pairs_of(it->slots[j].find[k].re) > set->ovec_pairs)
					set->ovec_pairs = pairs_of(it->slots[j].find[k].re);
			}
		}
	}
	if (!e)
		e = scratch_init(set->scratch, set);
	if (!e)
		e = train_model(set);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(lexpath);
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
	lexicon_free(set->lex);
	learn_free(set->model);
	pcre2_match_context_free(set->mctx);
	free(set);
}

/* ---- classification ---- */

/* The concepts of one window: which occur, and for each the cheapest and
 * earliest occurrence. */
struct wstate {
	cset mask;
	int16_t best[LEX_MAX_CONCEPTS];
	uint16_t list[LEX_MAX_CONCEPTS];
	int n;
};

static void
ws_reset(struct wstate *w)
{
	for (int i = 0; i < w->n; i++)
		w->best[w->list[i]] = -1;
	w->n = 0;
	memset(&w->mask, 0, sizeof(w->mask));
}

static void
ws_add(struct wstate *w, const lex_text *t, size_t oi)
{
	const lex_occ *o = &t->o[oi];
	int c = o->concept;

	if (o->negated)
		return;
	if (w->best[c] < 0) {
		w->best[c] = (int16_t)oi;
		w->list[w->n++] = (uint16_t)c;
		cs_add(&w->mask, c);
	} else if (o->cost < t->o[w->best[c]].cost) {
		w->best[c] = (int16_t)oi;
	}
}

/* The first occurrence starting at or after unit U. */
static size_t
occ_from(const lex_text *t, size_t u)
{
	size_t lo = 0, hi = t->no;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->o[mid].start < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
ws_fill(struct wstate *w, const lex_text *t, size_t start, size_t end)
{
	ws_reset(w);
	for (size_t i = occ_from(t, start); i < t->no && t->o[i].start < end; i++) {
		if (t->o[i].end <= end)
			ws_add(w, t, i);
	}
}

static bot_err
push_hit(struct scratch *s, const struct hit *h)
{
	if (s->nh == s->cap_h) {
		size_t c = s->cap_h ? s->cap_h * 2 : 32;
		struct hit *p = realloc(s->hits, c * sizeof(*p));

		if (!p)
			return BOT_ERR_NOMEM;
		s->hits = p;
		s->cap_h = c;
	}
	s->hits[s->nh++] = *h;
	return BOT_OK;
}

/* The best rule of IT on window W: fills H and returns 1, or 0. */
static int
best_rule(const intent_set *set, const struct intent *it, const struct wstate *w, const cset *nots,
          const lex_text *t, struct hit *h)
{
	int found = 0;

	if (cs_meets(nots, &it->none_of))
		return 0;
	for (size_t r = 0; r < it->n_rules; r++) {
		const struct rule *ru = &it->rules[r];
		struct hit cand;
		int ok = 1, score = it->priority + ru->weight;

		if (cs_meets(nots, &ru->none_of))
			continue;
		memset(&cand, 0, sizeof(cand));
		for (int g = 0; g < ru->n_all && ok; g++) {
			int pick = -1;

			if (!cs_meets(&w->mask, &ru->all[g])) {
				ok = 0;
				break;
			}
			for (int k = 0; k < w->n; k++) {
				int c = w->list[k], oi = w->best[c];

				if (!cs_has(&ru->all[g], c))
					continue;
				if (pick < 0 || t->o[oi].cost < t->o[pick].cost ||
				    (t->o[oi].cost == t->o[pick].cost && oi < pick))
					pick = oi;
			}
			score -= t->o[pick].cost;
			cand.ev_s[g] = t->o[pick].start;
			cand.ev_e[g] = t->o[pick].end;
			cand.ev_c[g] = t->o[pick].concept;
		}
		if (!ok)
			continue;
		for (int k = 0; k < w->n; k++)
			score += it->may[w->list[k]];
		if (!found || score > h->score) {
			cand.score = score;
			cand.rule = (uint16_t)r;
			cand.n_ev = (uint8_t)ru->n_all;
			*h = cand;
			found = 1;
		}
	}
	(void)set;
	return found;
}

static size_t
utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* The concepts (not negated) of units [START, END). */
static cset
mask_of(const lex_text *t, size_t start, size_t end)
{
	cset m = {{0, 0}};

	for (size_t i = occ_from(t, start); i < t->no && t->o[i].start < end; i++) {
		if (t->o[i].end <= end && !t->o[i].negated)
			cs_add(&m, t->o[i].concept);
	}
	return m;
}

/* Rules are tried on units [WS, WE); what rules an intent out ("not") is
 * looked for in NOTS, the concepts around the window that belong with it
 * (a clause's background and the clause it leads to, a sentence): a
 * clause that fires a rule is still part of a thought that may say
 * otherwise ("어제 충전했는데 아직 반영이 안 됐어요" is not a history
 * request). */
static bot_err
eval_window(const intent_set *set, struct scratch *s, struct wstate *w, const lex_text *t,
            size_t ws, size_t we, int level, size_t sent, int asking, int background,
            const uint8_t *skip, const cset *nots)
{
	ws_fill(w, t, ws, we);
	if (!w->n)
		return BOT_OK;
	if (!nots)
		nots = &w->mask;
	for (size_t i = 0; i < set->n; i++) {
		struct hit h;

		if ((skip && skip[i]) || !cs_meets(&w->mask, &set->v[i].need) ||
		    (set->v[i].max_chars && s->chars > (size_t)set->v[i].max_chars))
			continue;
		/* an intent that counts only on its own looks at the whole
		 * message for what rules it out */
		if (!best_rule(set, &set->v[i], w, set->v[i].only ? &s->all : nots, t, &h))
			continue;
		h.intent = (uint16_t)i;
		h.score -= level;
		h.level = (uint8_t)level;
		h.asking = (uint8_t)asking;
		h.background = (uint8_t)background;
		h.ws = (uint16_t)ws;
		h.we = (uint16_t)we;
		h.sent = (uint16_t)sent;
		if (push_hit(s, &h))
			return BOT_ERR_NOMEM;
	}
	return BOT_OK;
}

static size_t
sentence_of(const lex_text *t, size_t u)
{
	for (size_t i = 0; i < t->ns; i++) {
		if (u < t->sent[i].end)
			return i;
	}
	return t->ns ? t->ns - 1 : 0;
}

/* Ordered patterns and exclusions run over the whole subject. */
static bot_err
eval_patterns(const intent_set *set, struct scratch *s, const lex_text *t, const char *subj,
              size_t slen)
{
	cset all = {{0, 0}};

	for (size_t i = 0; i < t->no; i++)
		cs_add(&all, t->o[i].concept);
	for (size_t i = 0; i < set->n; i++) {
		const struct intent *it = &set->v[i];
		int best = -1, best_w = 0;
		PCRE2_SIZE m0 = 0, m1 = 0;

		if (!it->n_pats || (!cs_empty(&it->pats_if) && !cs_meets(&all, &it->pats_if)) ||
		    (it->max_chars && s->chars > (size_t)it->max_chars))
			continue;

		for (size_t k = 0; k < it->n_pats; k++) {
			if ((best < 0 || it->pats[k].weight > best_w) &&
			    rx_match(it->pats[k].re, subj, slen, 0, s->md, set->mctx) >= 0) {
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);

				best = (int)k;
				best_w = it->pats[k].weight;
				m0 = ov[0];
				m1 = ov[1];
			}
		}
		if (best < 0)
			continue;
		struct hit h;
		size_t u0 = 0, u1 = 0;

		memset(&h, 0, sizeof(h));
		while (u0 < t->nu && t->u[u0].off + t->u[u0].len <= m0)
			u0++;
		u1 = u0;
		while (u1 < t->nu && t->u[u1].off < m1)
			u1++;
		h.intent = (uint16_t)i;
		h.rule = (uint16_t)(it->n_rules + (size_t)best);
		h.score = it->priority + best_w;
		h.level = LV_CLAUSE;
		h.ws = 0;
		h.we = (uint16_t)t->nu;
		h.sent = (uint16_t)sentence_of(t, u0);
		h.asking = t->ns ? t->sent[h.sent].asking : 0;
		h.n_ev = 1;
		h.ev_c[0] = 0xffff;
		h.ev_s[0] = (uint16_t)u0;
		h.ev_e[0] = (uint16_t)(u1 > u0 ? u1 : u0 + 1);
		if (push_hit(s, &h))
			return BOT_ERR_NOMEM;
	}
	return BOT_OK;
}

static int
excluded(const intent_set *set, struct scratch *s, const struct intent *it, const char *subj,
         size_t slen)
{
	for (size_t k = 0; k < it->n_excl; k++) {
		if (rx_match(it->excl[k].re, subj, slen, 0, s->md, set->mctx) >= 0)
			return 1;
	}
	return 0;
}

/* Whether sentence SP is a fragment: at most three words and 16 units. */
static int
fragment(const lex_text *t, const lex_span *sp)
{
	int words = 1;

	if (sp->end - sp->start > 16)
		return 0;
	for (size_t i = sp->start + 1; i < sp->end; i++)
		words += (t->u[i].flags & LEX_SPACE) != 0;
	return words <= 3;
}

/* Every hit on the analysed text T, into S->hits. */
static bot_err
find_hits(const intent_set *set, struct scratch *s, const lex_text *t, const char *subj,
          size_t slen)
{
	struct wstate w;
	uint8_t seen[MAX_INTENTS];
	bot_err e;

	memset(w.best, 0xff, sizeof(w.best));
	w.n = 0;
	memset(&w.mask, 0, sizeof(w.mask));
	s->nh = 0;
	s->all = mask_of(t, 0, t->nu);
	s->chars = utf8_chars(t->text, t->len);
	for (size_t si = 0; si < t->ns; si++) {
		const lex_span *sp = &t->sent[si];
		size_t before = s->nh;
		cset sm = mask_of(t, sp->start, sp->end), pm = {{0, 0}};

		/* A fragment of a few words after a sentence, asking nothing
		 * ("...좀 바꾸고 싶은데요 예비카드 두 장이요"), is an
		 * afterthought of that sentence. */
		if (si > 0 && !sp->asking && fragment(t, sp))
			pm = mask_of(t, t->sent[si - 1].start, t->sent[si - 1].end);
		sm.w[0] |= pm.w[0];
		sm.w[1] |= pm.w[1];

		for (size_t c = 0; c < t->nc; c++) {
			const lex_span *cl = &t->clause[c];
			size_t a = c, b = c;

			if (cl->start < sp->start || cl->end > sp->end)
				continue;
			/* A clause of background ("...충전했는데", "...휴면이라서")
			 * belongs with the clause it leads to; coordinated ones
			 * ("...재발급하고", "...거랑") stand apart. What rules an
			 * intent out is looked for in that whole stretch. */
			while (a > 0 && t->clause[a - 1].background &&
			       t->clause[a - 1].start >= sp->start)
				a--;
			while (t->clause[b].background && b + 1 < t->nc &&
			       t->clause[b + 1].end <= sp->end)
				b++;
			cset cm = mask_of(t, t->clause[a].start, t->clause[b].end);
			cm.w[0] |= pm.w[0];
			cm.w[1] |= pm.w[1];
			if ((e = eval_window(set, s, &w, t, cl->start, cl->end, LV_CLAUSE, si,
			                     sp->asking, cl->background, NULL, &cm)))
				return e;
		}
		memset(seen, 0, sizeof(seen));
		for (size_t h = before; h < s->nh; h++)
			seen[s->hits[h].intent] = 1;
		if ((e = eval_window(set, s, &w, t, sp->start, sp->end, LV_SENTENCE, si, sp->asking,
		                     0, seen, &sm)))
			return e;
	}
	/* Two neighbouring sentences, for the intents no sentence explained
	 * ("카드가 휴면으로 나와요. 그래서 자동결제도 안 된 건가요?") */
	memset(seen, 0, sizeof(seen));
	for (size_t h = 0; h < s->nh; h++)
		seen[s->hits[h].intent] = 1;
	for (size_t si = 0; si + 1 < t->ns; si++) {
		int asking = t->sent[si].asking || t->sent[si + 1].asking;

		if ((e = eval_window(set, s, &w, t, t->sent[si].start, t->sent[si + 1].end, LV_PAIR,
		                     si + 1, asking, 0, seen, NULL)))
			return e;
	}
	if (!s->nh && t->ns > 2 &&
	    (e = eval_window(set, s, &w, t, 0, t->nu, LV_ALL, t->ns - 1, 1, 0, NULL, NULL)))
		return e;
	if ((e = eval_patterns(set, s, t, subj, slen)))
		return e;
	/* Exclusions, and "only" intents when anything else was found. */
	int other = 0;
	for (size_t h = 0; h < s->nh; h++)
		other |= !set->v[s->hits[h].intent].only;
	memset(seen, 0, sizeof(seen)); /* 1 = keep, 2 = drop */
	size_t o = 0;
	for (size_t h = 0; h < s->nh; h++) {
		const struct intent *it = &set->v[s->hits[h].intent];
		uint8_t *st = &seen[s->hits[h].intent];

		if (!*st)
			*st = (other && it->only) || excluded(set, s, it, subj, slen) ? 2 : 1;
		if (*st == 1)
			s->hits[o++] = s->hits[h];
	}
	s->nh = o;
	return BOT_OK;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	if (x->ws != y->ws)
		return x->ws < y->ws ? -1 : 1;
	return x->intent < y->intent ? -1 : x->intent > y->intent;
}

static int
hits_overlap(const struct hit *a, const struct hit *b)
{
	for (int i = 0; i < a->n_ev; i++) {
		for (int j = 0; j < b->n_ev; j++) {
			if (a->ev_s[i] < b->ev_e[j] && b->ev_s[j] < a->ev_e[i])
				return 1;
		}
	}
	return 0;
}

static uint16_t
hit_first(const struct hit *h)
{
	uint16_t f = 0xffff;

	for (int i = 0; i < h->n_ev; i++)
		f = h->ev_s[i] < f ? h->ev_s[i] : f;
	return f;
}

/* ---- slots ---- */

static void
set_slot(json_t *slots, json_t *words, const char *name, const char *val, const char *w,
         size_t wlen)
{
	json_object_set_new(slots, name, json_string(val));
	/* Dates typed as dates are said by the answer's own dates. */
	if (words && w && !slot_words_dated(w, wlen))
		json_object_set_new(words, name, json_stringn(w, wlen));
}

/* A slot from the occurrences of its concept in units [WS, WE): adjacent
 * occurrences read as one phrase ("10월 1일부터" "15일까지"). */
static int
slot_from_concept(const lex_text *t, const struct slot_def *sd, size_t ws, size_t we, time_t now,
                  json_t *slots, json_t *words)
{
	size_t i = occ_from(t, ws);

	while (i < t->no && t->o[i].start < we) {
		const lex_occ *o = &t->o[i];
		size_t rs, re, j;
		char val[SLOT_VALUE_MAX];

		if (o->concept != sd->concept || o->negated || o->end > we) {
			i++;
			continue;
		}
		rs = o->start;
		re = o->end;
		for (j = i + 1; j < t->no && t->o[j].start <= re + 1 && t->o[j].start < we; j++) {
			if (t->o[j].concept == sd->concept && !t->o[j].negated &&
			    t->o[j].end <= we && t->o[j].end > re)
				re = t->o[j].end;
		}
		size_t b0 = t->u[rs].off, b1 = t->u[re - 1].off + t->u[re - 1].len;
		if (slot_canonicalize(sd->canon, t->text + b0, b1 - b0, now, val, sizeof(val)) ==
		    BOT_OK) {
			set_slot(slots, words, sd->name, val, t->text + b0, b1 - b0);
			return 1;
		}
		i = j;
	}
	return 0;
}

static int
slot_from_find(const intent_set *set, struct scratch *s, const struct slot_def *sd,
               const char *subj, size_t b0, size_t b1, time_t now, json_t *slots, json_t *words)
{
	for (size_t k = 0; k < sd->n_find; k++) {
		char cap[256], val[SLOT_VALUE_MAX];
		PCRE2_SIZE clen = sizeof(cap);

		if (rx_match(sd->find[k].re, subj + b0, b1 - b0, 0, s->md, set->mctx) < 0)
			continue;
		if (pcre2_substring_copy_byname(s->md, (PCRE2_SPTR)sd->name, (PCRE2_UCHAR *)cap,
		                                &clen) != 0)
			continue;
		if (slot_canonicalize(sd->canon, cap, clen, now, val, sizeof(val)) != BOT_OK)
			continue;
		set_slot(slots, words, sd->name, val, cap, clen);
		return 1;
	}
	return 0;
}

/* Fills IT's slots, looking first in the hit's window, then in its
 * sentence, then in the whole message. */
static void
fill_slots(const intent_set *set, struct scratch *s, const struct intent *it, const lex_text *t,
           size_t ws, size_t we, size_t sent, time_t now, json_t *slots, json_t *words)
{
	size_t win[3][2] = {{ws, we}, {0, 0}, {0, t->nu}};

	if (t->ns && sent < t->ns) {
		win[1][0] = t->sent[sent].start;
		win[1][1] = t->sent[sent].end;
	}
	for (size_t k = 0; k < it->n_slots; k++) {
		const struct slot_def *sd = &it->slots[k];

		if (json_object_get(slots, sd->name))
			continue;
		for (int w = 0; w < 3; w++) {
			size_t a = win[w][0], b = win[w][1];

			if (a >= b || b > t->nu)
				continue;
			if (sd->concept >= 0 && slot_from_concept(t, sd, a, b, now, slots, words))
				break;
			if (sd->n_find &&
			    slot_from_find(set, s, sd, t->text, t->u[a].off,
			                   t->u[b - 1].off + t->u[b - 1].len, now, slots, words))
				break;
		}
	}
}

/* ---- explanation ---- */

static json_t *
explain_concepts(const intent_set *set, const lex_text *t)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < t->no; i++) {
		const lex_occ *o = &t->o[i];
		size_t b0 = t->u[o->start].off, b1 = t->u[o->end - 1].off + t->u[o->end - 1].len;
		json_t *j = json_pack(
		    "{s:s, s:s, s:s%}", "concept", lexicon_concept_name(set->lex, o->concept),
		    "form", lexicon_form_text(set->lex, o->form), "text", t->text + b0, b1 - b0);

		if (j && o->cost)
			json_object_set_new(j, "typo", json_string(o->cost == 1 ? "near" : "far"));
		if (j && o->negated)
			json_object_set_new(j, "negated", json_true());
		json_array_append_new(arr, j);
	}
	return arr;
}

static json_t *
rule_name(const intent_set *set, const struct hit *h)
{
	const struct intent *it = &set->v[h->intent];
	char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", it->id,
	         h->rule < it->n_rules ? it->rules[h->rule].name
	                               : it->pats[h->rule - it->n_rules].name);
	return json_string(buf);
}

/* ---- follow-ups and corrections ---- */

static int
intent_index(const intent_set *set, const char *id)
{
	for (size_t i = 0; id && i < set->n; i++) {
		if (!strcmp(set->v[i].id, id))
			return (int)i;
	}
	return -1;
}

/* A period said relative to the previous one ("그 전 주도요", "1일부터
 * 10일까지도요"): resolved against CTX's period into SLOTS. */
static void
relative_period(const intent_set *set, const struct intent *it, const lex_text *t,
                const intent_context *ctx, time_t now, json_t *slots, json_t *words)
{
	const char *prev = json_string_value(json_object_get(ctx->slots, "period"));

	if (!prev)
		return;
	for (size_t k = 0; k < it->n_slots; k++) {
		const struct slot_def *sd = &it->slots[k];

		if (sd->canon != SLOT_CANON_PERIOD || sd->concept < 0)
			continue;
		for (size_t i = 0; i < t->no; i++) {
			const lex_occ *o = &t->o[i];
			size_t re = o->end, j;
			char val[SLOT_VALUE_MAX];

			if (o->concept != sd->concept || o->negated)
				continue;
			for (j = i + 1; j < t->no && t->o[j].start <= re + 2; j++) {
				if (t->o[j].concept == sd->concept && t->o[j].end > re)
					re = t->o[j].end;
			}
			size_t b0 = t->u[o->start].off, b1 = t->u[re - 1].off + t->u[re - 1].len;
			if (slot_period_relative(t->text + b0, b1 - b0, prev, now, val,
			                         sizeof(val)) == BOT_OK) {
				json_object_set_new(slots, sd->name, json_string(val));
				json_object_set_new(words, sd->name,
				                    json_stringn(t->text + b0, b1 - b0));
				return;
			}
			i = j - 1;
		}
	}
	(void)set;
}

/* Understands T (not understood on its own) in the context of the previous
 * turn. Returns 1 when it did (RES filled), 0 otherwise. */
static int
classify_in_context(const intent_set *set, struct scratch *s, const lex_text *t, time_t now,
                    const intent_context *ctx, intent_result *res)
{
	int pi = intent_index(set, ctx->intent), neg = 0, c_negate;
	cset pos = {{0, 0}}, negs = {{0, 0}}, prev = {{0, 0}};
	const struct intent *pit;

	if (pi < 0 || set->v[pi].only || !t->nu)
		return 0;
	pit = &set->v[pi];
	c_negate = lexicon_concept(set->lex, "NEGATE");
	/* English "refunds not top-ups": after "not", what is not meant (read
	 * so only here, in a conversation: alone "not" is mostly part of a
	 * complaint, "message not arriving"). */
	size_t not_at = t->nu;
	for (size_t i = 0; i < t->nu; i++) {
		if (t->u[i].kind == LEX_WORD && t->u[i].len == 3 &&
		    !memcmp(t->text + t->u[i].off, "not", 3) && i + 1 < t->nu) {
			not_at = i;
			neg = 1;
			break;
		}
	}
	for (size_t i = 0; i < t->no; i++) {
		const lex_occ *o = &t->o[i];
		int inside = 0;

		/* a part of a compound ("광고" in "광고계정") says nothing new */
		for (size_t k = 0; k < t->no && !inside; k++)
		inside = k != i && t->o[k].concept != o->concept && !t->o[k].negated &&
		         t->o[k].start <= o->start && o->end <= t->o[k].end &&
		         t->o[k].end - t->o[k].start > o->end - o->start;
		if ((int)o->concept == c_negate)
			neg = 1;
		else if (o->negated || o->start > not_at)
			cs_add(&negs, o->concept);
		else if (!inside)
			cs_add(&pos, o->concept);
	}
	if (ctx->text && ctx->len && normalize_text(ctx->text, ctx->len, &s->nb2) == BOT_OK &&
	    lexicon_analyse(set->lex, s->nb2.data, s->nb2.len, &s->t2) == BOT_OK) {
		for (size_t i = 0; i < s->t2.no; i++) {
			if (!s->t2.o[i].negated)
				cs_add(&prev, s->t2.o[i].concept);
		}
	}
	/* What is negated was not in the previous question ("쓰던 가상계좌
	 * 말고" after a question about refunds): not a correction of it. */
	if (neg && !cs_empty(&negs) && !cs_meets(&negs, &prev))
		return 0;
	if (neg) {
		/* A correction: the previous question, less what is negated,
		 * plus what is asked instead. */
		struct wstate w;
		struct hit best, h;
		int found = -1;

		memset(&w, 0, sizeof(w));
		w.mask.w[0] = (prev.w[0] & ~negs.w[0]) | pos.w[0];
		w.mask.w[1] = (prev.w[1] & ~negs.w[1]) | pos.w[1];
		/* Rules need an occurrence per concept only for its place and
		 * cost; a synthetic one at unit 0 with no cost does. */
		lex_occ fake[LEX_MAX_CONCEPTS];
		lex_text ft = *t;
		int n = 0;
		for (int c = 0; c < (int)lexicon_concept_count(set->lex); c++) {
			if (!cs_has(&w.mask, c))
				continue;
			fake[n].concept = (uint16_t)c;
			fake[n].form = 0;
			fake[n].start = 0;
			fake[n].end = 1;
			fake[n].cost = 0;
			fake[n].negated = 0;
			w.best[c] = (int16_t)n;
			w.list[w.n++] = (uint16_t)c;
			n++;
		}
		ft.o = fake;
		ft.no = (size_t)n;
		for (size_t i = 0; i < set->n; i++) {
			if (set->v[i].only || !best_rule(set, &set->v[i], &w, &w.mask, &ft, &h))
				continue;
			if (found < 0 || h.score > best.score) {
				best = h;
				found = (int)i;
			}
		}
		if (found < 0)
			return 0;
		res->intent = set->v[found].id;
		res->via = INTENT_VIA_CORRECTION;
		fill_slots(set, s, &set->v[found], t, 0, t->nu, 0, now, res->slots,
		           res->slot_words);
		if (found == pi && ctx->slots) {
			const char *k;
			json_t *v;
			json_object_foreach((json_t *)ctx->slots, k, v)
			{
				if (!json_object_get(res->slots, k))
					json_object_set(res->slots, k, v);
			}
		}
		return 1;
	}
	/* A follow-up: short, and holding nothing the previous intent does not
	 * know, but something new for it (a slot, a detail, another account). */
	if (utf8_chars(t->text, t->len) > FOLLOWUP_MAX_CHARS || t->ns > 2)
		return 0;
	cset known = pit->vocab;
	known.w[0] |= set->followup_ok.w[0];
	known.w[1] |= set->followup_ok.w[1];
	/* a word read two ways ("바꿔": change, or put me through) is known
	 * when one of its readings is */
	for (size_t i = 0; i < t->no; i++) {
		const lex_occ *o = &t->o[i];

		if (o->negated || cs_has(&known, o->concept) || !cs_has(&pos, o->concept))
			continue;
		for (size_t k = 0; k < t->no; k++) {
			if (t->o[k].start == o->start && t->o[k].end == o->end &&
			    cs_has(&known, t->o[k].concept)) {
				pos.w[o->concept >> 6] &= ~(1ull << (o->concept & 63));
				break;
			}
		}
	}
	if (cs_empty(&pos) || !cs_within(&pos, &known))
		return 0;
	cset detail = pos;
	detail.w[0] &= ~set->followup_ok.w[0];
	detail.w[1] &= ~set->followup_ok.w[1];
	json_t *slots = json_object(), *words = json_object();
	if (!slots || !words) {
		json_decref(slots);
		json_decref(words);
		return 0;
	}
	relative_period(set, pit, t, ctx, now, slots, words);
	fill_slots(set, s, pit, t, 0, t->nu, 0, now, slots, words);
	int other = set->c_other >= 0 && set->c_account >= 0 && cs_has(&pos, set->c_other) &&
	            cs_has(&pos, set->c_account);
	if (!json_object_size(slots) && !other && cs_empty(&detail)) {
		json_decref(slots);
		json_decref(words);
		return 0;
	}
	res->intent = pit->id;
	res->via = INTENT_VIA_FOLLOWUP;
	res->other_account = other;
	if (ctx->slots) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)ctx->slots, k, v)
		{
			if (!json_object_get(slots, k))
				json_object_set(res->slots, k, v);
		}
	}
	json_object_update(res->slots, slots);
	json_object_update(res->slot_words, words);
	json_decref(slots);
	json_decref(words);
	return 1;
}

/* ---- the classifier ---- */

/* Copies the normalised form of LEN bytes at TEXT to the end of OUT. */
static bot_err
append_normalized(norm_buf *tmp, norm_buf *out, const char *text, size_t len)
{
	bot_err e = normalize_text(text, len, tmp);

	if (e)
		return e;
	if (out->len + tmp->len + 4 > out->cap) {
		size_t cap = out->len + tmp->len + 64;
		char *p = realloc(out->data, cap);

		if (!p)
			return BOT_ERR_NOMEM;
		out->data = p;
		out->cap = cap;
	}
	memcpy(out->data + out->len, tmp->data, tmp->len);
	out->len += tmp->len;
	out->data[out->len] = '\0';
	return BOT_OK;
}

/* Normalises TEXT into S and returns the subject to match: the whole text,
 * or, for a long one, its first and its last HALF_CAP bytes with a sentence
 * end between them (only those are normalised). */
static bot_err
prepare(struct scratch *s, const char *text, size_t len, const char **subj, size_t *slen)
{
	bot_err e;

	if (len > RAW_CAP) {
		len = RAW_CAP;
		/* Cut on a character boundary so no U+FFFD is invented. */
		while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	if (len <= 2 * HALF_CAP + 64) {
		if ((e = normalize_text(text, len, &s->nb)))
			return e;
		*subj = s->nb.data;
		*slen = s->nb.len;
		return BOT_OK;
	}
	size_t h = HALF_CAP, t = len - HALF_CAP;
	while (h && ((unsigned char)text[h] & 0xC0) == 0x80)
		h--;
	while (t < len && ((unsigned char)text[t] & 0xC0) == 0x80)
		t++;
	s->cut.len = 0;
	if ((e = append_normalized(&s->nb, &s->cut, text, h)) ||
	    (e = append_normalized(&s->nb, &s->cut, " . ", 3)) ||
	    (e = append_normalized(&s->nb, &s->cut, text + t, len - t)))
		return e;
	*subj = s->cut.data;
	*slen = s->cut.len;
	return BOT_OK;
}

static void
suggest(const intent_set *set, struct scratch *s, const char *subj, size_t slen, intent_result *res)
{
	int best[INTENT_MAX_SUGGEST] = {-1, -1};

	if (!set->model || !slen)
		return;
	learn_predict(set->model, subj, slen, s->p);
	/* "none" is the last class; it competes like any other. */
	for (int k = 0; k < INTENT_MAX_SUGGEST; k++) {
		for (size_t i = 0; i <= set->n; i++) {
			if ((k && best[0] == (int)i) || (best[k] >= 0 && s->p[i] <= s->p[best[k]]))
				continue;
			best[k] = (int)i;
		}
	}
	for (int k = 0; k < INTENT_MAX_SUGGEST; k++) {
		int i = best[k];

		if (i < 0 || i == (int)set->n || set->v[i].only ||
		    s->p[i] < (k ? SUGGEST_SECOND_P : SUGGEST_MIN_P))
			break;
		res->suggest[res->n_suggest] = set->v[i].id;
		res->suggest_p[res->n_suggest] = s->p[i];
		res->n_suggest++;
	}
}

/* Whether hit C may be a topic beside hit A: it uses a word of its own
 * that A's intent does not know (a shared object noun is fine: "세금계산서
 * 발행실패 사유랑, 다시 발행받으려면..." is two topics on one invoice). */
static int
distinct_topic(const intent_set *set, const struct hit *a, const struct hit *c)
{
	for (int j = 0; j < c->n_ev; j++) {
		int shared = 0;

		for (int i = 0; i < a->n_ev && !shared; i++)
			shared = a->ev_s[i] < c->ev_e[j] && c->ev_s[j] < a->ev_e[i];
		if (!shared &&
		    (c->ev_c[j] == 0xffff || (!cs_has(&set->v[a->intent].vocab, c->ev_c[j]) &&
		                              !cs_has(&set->followup_ok, c->ev_c[j]))))
			return 1;
	}
	return 0;
}

/* Where topic X (beside topic Y) is first asked: the first sentence that
 * is about X alone, or that asks (a question or a request) and names a
 * word only X knows; a sentence about both is a story of how one led to
 * the other, not an ask ("카드가 휴면이라서 결제가 안 됐나 봐요").
 * Without such a sentence, X's first word. Sentence in *SENT, unit in *POS. */
static void
topic_place(const intent_set *set, const struct scratch *s, const lex_text *t, uint16_t x,
            uint16_t y, unsigned *sent, unsigned *pos)
{
	const struct intent *ix = &set->v[x], *iy = &set->v[y];

	*sent = 0xffff;
	*pos = 0xffff;
	for (size_t si = 0; si < t->ns; si++) {
		int has_x = 0, has_y = 0;
		unsigned px = 0xffff;

		for (size_t h = 0; h < s->nh; h++) {
			const struct hit *hh = &s->hits[h];

			if (hh->sent != si)
				continue;
			if (hh->intent == x) {
				has_x = 1;
				px = hit_first(hh) < px ? hit_first(hh) : px;
			}
			has_y |= hh->intent == y;
		}
		if (has_x && !has_y) {
			*sent = (unsigned)si;
			*pos = px;
			return;
		}
		if (!t->sent[si].asking)
			continue;
		for (size_t i = occ_from(t, t->sent[si].start);
		     i < t->no && t->o[i].start < t->sent[si].end; i++) {
			int c = t->o[i].concept;

			if (!t->o[i].negated && cs_has(&ix->vocab, c) && !cs_has(&iy->vocab, c) &&
			    !cs_has(&set->followup_ok, c)) {
				*sent = (unsigned)si;
				*pos = t->o[i].start;
				return;
			}
		}
	}
	for (size_t h = 0; h < s->nh; h++) {
		if (s->hits[h].intent == x && hit_first(&s->hits[h]) < *pos)
			*pos = hit_first(&s->hits[h]);
	}
}

/* The topics of the hits in S (sorted best first) into RES: the best hit,
 * and the best hit of another intent on other words; a near tie on the
 * same words is a clarification. Of two topics the first asked comes
 * first (topic_place), but an explicit request for a person always does.
 * Returns the first topic's hit (for the explanation), or NULL. */
static const struct hit *
pick_topics(const intent_set *set, struct scratch *s, const lex_text *t, time_t now,
            intent_result *res)
{
	const struct hit *first = s->nh ? &s->hits[0] : NULL, *second = NULL;

	if (!first)
		return NULL;
	for (size_t h = 1; h < s->nh && !res->clarify; h++) {
		const struct hit *c = &s->hits[h];

		if (c->intent == first->intent || !hits_overlap(first, c) ||
		    distinct_topic(set, first, c))
			continue;
		if (first->score - c->score >= CLARIFY_MARGIN)
			break;
		res->clarify = 1;
		res->candidates[res->n_candidates++] = set->v[first->intent].id;
		for (size_t k = h; k < s->nh && res->n_candidates < INTENT_MAX_CANDIDATES; k++) {
			const struct hit *d = &s->hits[k];
			int dup = 0;

			if (first->score - d->score >= CLARIFY_MARGIN)
				break;
			for (int q = 0; q < res->n_candidates; q++)
				dup |= !strcmp(res->candidates[q], set->v[d->intent].id);
			if (!dup && hits_overlap(first, d))
				res->candidates[res->n_candidates++] = set->v[d->intent].id;
		}
	}
	if (res->clarify)
		return NULL;
	for (size_t h = 1; h < s->nh; h++) {
		const struct hit *c = &s->hits[h];

		if (c->intent != first->intent &&
		    (!hits_overlap(first, c) || distinct_topic(set, first, c))) {
			second = c;
			break;
		}
	}
	if (second) {
		unsigned s1, s2, p1, p2;
		int swap;

		topic_place(set, s, t, first->intent, second->intent, &s1, &p1);
		topic_place(set, s, t, second->intent, first->intent, &s2, &p2);
		if (!strcmp(set->v[first->intent].id, "agent_request"))
			swap = 0;
		else if (!strcmp(set->v[second->intent].id, "agent_request"))
			swap = 1;
		else
			swap = s1 != s2 ? s2 < s1 : p2 < p1;
		if (swap) {
			const struct hit *x = first;
			first = second;
			second = x;
		}
	}
	res->intent = set->v[first->intent].id;
	fill_slots(set, s, &set->v[first->intent], t, first->ws, first->we, first->sent, now,
	           res->slots, res->slot_words);
	if (second) {
		res->also = set->v[second->intent].id;
		res->also_slots = json_object();
		res->also_slot_words = json_object();
		if (res->also_slots && res->also_slot_words)
			fill_slots(set, s, &set->v[second->intent], t, second->ws, second->we,
			           second->sent, now, res->also_slots, res->also_slot_words);
	}
	return first;
}

static bot_err
classify_with(const intent_set *set, struct scratch *s, const char *text, size_t len, time_t now,
              const intent_context *ctx, int flags, intent_result *res)
{
	const struct hit *first;
	const char *subj;
	size_t slen;
	bot_err e;
	lex_text *t = &s->t;

	if ((e = prepare(s, text, len, &subj, &slen)))
		return e;
	if (!slen)
		return BOT_OK;
	if ((e = lexicon_analyse(set->lex, subj, slen, t)) ||
	    (e = find_hits(set, s, t, subj, slen)))
		return e;
	if (s->nh > 1)
		qsort(s->hits, s->nh, sizeof(*s->hits), hit_cmp);
	first = pick_topics(set, s, t, now, res);
	if (first && ctx && ctx->intent && !strcmp(res->intent, ctx->intent) &&
	    utf8_chars(t->text, t->len) <= FOLLOWUP_MAX_CHARS) {
		/* "환불도 같이 보여주세요" after last month's charges: the same
		 * question again, with what it does not change kept */
		const struct intent *it = &set->v[first->intent];
		const char *k;
		json_t *v;

		if (!json_object_get(res->slots, "period"))
			relative_period(set, it, t, ctx, now, res->slots, res->slot_words);
		json_object_foreach((json_t *)ctx->slots, k, v)
		{
			if (!json_object_get(res->slots, k))
				json_object_set(res->slots, k, v);
		}
		res->via = INTENT_VIA_FOLLOWUP;
	}
	if (!first && !res->clarify && ctx && ctx->intent)
		classify_in_context(set, s, t, now, ctx, res);
	if (!res->intent && !res->clarify) {
		/* "받았던 가상계좌 말고 새 걸로 주세요": with nothing to
		 * correct, what was negated may be the very topic. */
		int negated = 0;

		for (size_t i = 0; i < t->no; i++) {
			negated |= t->o[i].negated;
			t->o[i].negated = 0;
		}
		if (negated) {
			if ((e = find_hits(set, s, t, subj, slen)))
				return e;
			if (s->nh > 1)
				qsort(s->hits, s->nh, sizeof(*s->hits), hit_cmp);
			first = pick_topics(set, s, t, now, res);
		}
	}
	if (!res->intent && !res->clarify)
		suggest(set, s, subj, slen, res);
	if (flags & INTENT_EXPLAIN)
		res->explain = json_pack("{s:o, s:o}", "concepts", explain_concepts(set, t), "rule",
		                         first ? rule_name(set, first) : json_null());
	return BOT_OK;
}

/* RES->slots and slot_words are created here and owned by RES
 * (intent_result_clear). The set is not modified, except for taking and
 * returning its scratch. */
bot_err
intent_classify_ctx(const intent_set *set, const char *text, size_t len, time_t now,
                    const intent_context *ctx, int flags, intent_result *res)
{
	struct scratch tmp, *s;
	bot_err e;

	if (!res)
		return BOT_ERR_INVAL;
	memset(res, 0, sizeof(*res));
	if (!set || (!text && len))
		return BOT_ERR_INVAL;
	res->slots = json_object();
	res->slot_words = json_object();
	if (!res->slots || !res->slot_words) {
		intent_result_clear(res);
		return BOT_ERR_NOMEM;
	}
	s = set->scratch;
	if (atomic_flag_test_and_set(&s->busy)) {
		s = &tmp;
		e = scratch_init(s, set);
		if (e) {
			scratch_fini(s);
			intent_result_clear(res);
			return e;
		}
	}
	e = classify_with(set, s, text ? text : "", len, now, ctx, flags, res);
	if (s == &tmp)
		scratch_fini(s);
	else
		atomic_flag_clear(&s->busy);
	if (e) {
		intent_result_clear(res);
		/* Hostile text is "not understood", not a failure. */
		if (e == BOT_ERR_LIMIT || e == BOT_ERR_INVAL) {
			res->slots = json_object();
			res->slot_words = json_object();
			return res->slots && res->slot_words ? BOT_OK : BOT_ERR_NOMEM;
		}
	}
	return e;
}

bot_err
intent_classify(const intent_set *set, const char *text, size_t len, time_t now, intent_result *res)
{
	return intent_classify_ctx(set, text, len, now, NULL, 0, res);
}

void
intent_result_clear(intent_result *res)
{
	if (!res)
		return;
	json_decref(res->slots);
	json_decref(res->slot_words);
	json_decref(res->also_slots);
	json_decref(res->also_slot_words);
	json_decref(res->explain);
	memset(res, 0, sizeof(*res));
}

bot_err
intent_slots(const intent_set *set, const char *id, const char *text, size_t len, time_t now,
             json_t *slots, json_t *words)
{
	struct scratch tmp, *s;
	const char *subj;
	size_t slen;
	int i = set ? intent_index(set, id) : -1;
	bot_err e;

	if (i < 0)
		return BOT_ERR_NOT_FOUND;
	if (!text || !slots || !words)
		return BOT_ERR_INVAL;
	s = set->scratch;
	if (atomic_flag_test_and_set(&s->busy)) {
		s = &tmp;
		if ((e = scratch_init(s, set))) {
			scratch_fini(s);
			return e;
		}
	}
	e = prepare(s, text, len, &subj, &slen);
	if (!e && slen)
		e = lexicon_analyse(set->lex, subj, slen, &s->t);
	if (!e && slen)
		fill_slots(set, s, &set->v[i], &s->t, 0, s->t.nu, 0, now, slots, words);
	if (s == &tmp)
		scratch_fini(s);
	else
		atomic_flag_clear(&s->busy);
	return e == BOT_ERR_LIMIT || e == BOT_ERR_INVAL ? BOT_OK : e;
}

const json_t *
intent_spec(const intent_set *set, const char *id)
{
	int i = set ? intent_index(set, id) : -1;

	return i >= 0 ? set->v[i].spec : NULL;
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
	if (prepare(s, text, strlen(text), &subj, &slen) ||
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
