#include "waitq.h"

#include <stdlib.h>
#include <string.h>

/* <0 when A is taken before B. */
static int
key_cmp(const waitq_key *a, const waitq_key *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	if (a->enqueued_at != b->enqueued_at)
		return a->enqueued_at < b->enqueued_at ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

/* The index of the first entry not taken before KEY. */
static size_t
lower_bound(const waitq *q, const waitq_key *key)
{
	size_t lo = 0, hi = q->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(&q->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bot_err
waitq_add(waitq *q, const waitq_key *key, const char *conv)
{
	size_t n = strlen(conv);
	if (n >= sizeof(q->v[0].conv))
		return BOT_ERR_INVAL;
	/* Joining at the back is the usual case: no search, no move. */
	size_t at = q->len && key_cmp(&q->v[q->len - 1].key, key) < 0 ? q->len : lower_bound(q, key);
	if (at < q->len && !key_cmp(&q->v[at].key, key))
		return BOT_OK;
	if (q->len == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		waitq_entry *v = realloc(q->v, cap * sizeof(*v));
		if (!v)
			return BOT_ERR_NOMEM;
		q->v = v;
		q->cap = cap;
	}
	memmove(&q->v[at + 1], &q->v[at], (q->len - at) * sizeof(q->v[0]));
	q->v[at].key = *key;
	memcpy(q->v[at].conv, conv, n + 1);
	q->len++;
	return BOT_OK;
}

int
waitq_remove(waitq *q, const waitq_key *key)
{
	size_t at = lower_bound(q, key);
	if (at == q->len || key_cmp(&q->v[at].key, key))
		return 0;
	memmove(&q->v[at], &q->v[at + 1], (q->len - at - 1) * sizeof(q->v[0]));
	q->len--;
	return 1;
}

size_t
waitq_position(const waitq *q, const waitq_key *key)
{
	size_t at = lower_bound(q, key);
	return at < q->len && !key_cmp(&q->v[at].key, key) ? at + 1 : 0;
}

void
waitq_clear(waitq *q)
{
	q->len = 0;
}

void
waitq_free(waitq *q)
{
	free(q->v);
	*q = (waitq){0};
}
