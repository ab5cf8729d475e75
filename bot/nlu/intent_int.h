/* Declarations shared by the modules of the intent engine (intent.c,
 * intent_file.c, intent_hits.c, intent_slots.c, intent_followup.c,
 * intent_check.c); not part of its interface (intent.h). */
#ifndef BOT_INTENT_INT_H
#define BOT_INTENT_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "intent.h"
#include "learn.h"
#include "lexicon.h"
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

static inline void
cs_add(cset *s, int c)
{
	s->w[c >> 6] |= 1ull << (c & 63);
}

static inline int
cs_has(const cset *s, int c)
{
	return (s->w[c >> 6] >> (c & 63)) & 1;
}

static inline int
cs_meets(const cset *a, const cset *b)
{
	return (a->w[0] & b->w[0]) || (a->w[1] & b->w[1]);
}

static inline int
cs_within(const cset *a, const cset *b) /* a is a subset of b */
{
	return !(a->w[0] & ~b->w[0]) && !(a->w[1] & ~b->w[1]);
}

static inline int
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

/* The concepts of one window: which occur, and for each the cheapest and
 * earliest occurrence. */
struct wstate {
	cset mask;
	int16_t best[LEX_MAX_CONCEPTS];
	uint16_t list[LEX_MAX_CONCEPTS];
	int n;
};

/* ---- intent.c ---- */

/* Normalises TEXT into S and returns the subject to match: the whole text,
 * or, for a long one, its first and its last HALF_CAP bytes with a sentence
 * end between them (only those are normalised). */
bot_err intent_prepare(struct scratch *s, const char *text, size_t len, const char **subj, size_t *slen);

void intent_suggest(const intent_set *set, struct scratch *s, const char *subj, size_t slen, intent_result *res);
#endif
