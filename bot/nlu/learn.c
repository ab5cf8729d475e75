/* The suggestion model (see learn.h).
 *
 * Features: the character 1-, 2- and 3-grams of the normalised text, with
 * one "_" standing for each space and at both ends, so "환불 내역" gives
 * 환, 불, _환, 환불, 불_, ..., 불_내, ... Korean words change their endings
 * and spacing freely, and typos change one syllable: short character
 * n-grams still share most of their features with the examples, where whole
 * words would not. English works the same way on letters. Each n-gram is
 * hashed into LEARN_BUCKETS weights per class (collisions cost a little
 * accuracy, never memory) with the weight 1/sqrt(number of n-grams), so
 * long and short texts score on one scale.
 *
 * Model: softmax regression, p(class | x) = exp(w_c . x) / sum exp(w_k . x),
 * trained by stochastic gradient descent on the log loss, with a small L2
 * penalty so that rare n-grams do not dominate. The examples are few (tens
 * per intent), so training takes milliseconds at load and needs no file of
 * its own: the model always matches the intent files it came from. The
 * order of examples is shuffled with a fixed seed, so a load is
 * reproducible. */
#include "learn.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LEARN_BITS 15
#define LEARN_BUCKETS (1u << LEARN_BITS)
#define MAX_CP 100 /* code points read from a text */
#define MAX_FEATS (3 * (MAX_CP + 2))
#define EPOCHS 20
#define LEARN_MAX_CLASSES 256
#define RATE 0.8
#define L2 1e-6

/* Eight floats: one vector of class weights. Classes are padded to a
 * multiple of eight so each n-gram's weights are whole vectors, which the
 * compiler turns into SIMD adds. */
typedef float f8 __attribute__((vector_size(32)));

struct learn_model {
	int k;    /* classes */
	int kv;   /* vectors of eight per row */
	f8 *w;    /* LEARN_BUCKETS x kv */
	float *b; /* k */
};

struct feat {
	uint32_t idx;
	float v;
};

static uint32_t
hash_gram(const uint32_t *cp, int n)
{
	uint32_t h = 2166136261u ^ (uint32_t)n;

	for (int i = 0; i < n; i++) {
		h ^= cp[i];
		h *= 16777619u;
	}
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h & (LEARN_BUCKETS - 1);
}

/* Fills F with the text's features, each scaled by one over the square
 * root of their number (a repeated n-gram counts again); returns their
 * number. Reads the last MAX_CP code points: a long message ends with its
 * question more often than not. */
static size_t
features(const char *text, size_t len, struct feat *f)
{
	uint32_t cp[MAX_CP + 2];
	size_t n = 0, nf = 0, i = 0;
	const unsigned char *s = (const unsigned char *)text;

	if (len > MAX_CP * 3) {
		i = len - MAX_CP * 3;
		while (i < len && (s[i] & 0xC0) == 0x80)
			i++;
	}
	cp[n++] = '_';
	while (i < len && n < MAX_CP + 1) {
		uint32_t c = s[i];
		size_t l = 1;

		if (c >= 0xF0 && i + 3 < len) {
			c = ((c & 7u) << 18) | ((s[i + 1] & 63u) << 12) | ((s[i + 2] & 63u) << 6) |
			    (s[i + 3] & 63u);
			l = 4;
		} else if (c >= 0xE0 && i + 2 < len) {
			c = ((c & 15u) << 12) | ((s[i + 1] & 63u) << 6) | (s[i + 2] & 63u);
			l = 3;
		} else if (c >= 0xC0 && i + 1 < len) {
			c = ((c & 31u) << 6) | (s[i + 1] & 63u);
			l = 2;
		}
		i += l;
		if (c == ' ')
			c = '_';
		if (c == '_' && cp[n - 1] == '_')
			continue;
		cp[n++] = c;
	}
	if (cp[n - 1] != '_')
		cp[n++] = '_';
	for (size_t a = 0; a < n; a++) {
		for (int g = 1; g <= 3 && a + (size_t)g <= n; g++) {
			if (g == 1 && cp[a] == '_')
				continue;
			f[nf].idx = hash_gram(cp + a, g);
			nf++;
		}
	}
	float v = nf ? (float)(1.0 / sqrt((double)nf)) : 0.0f;
	for (size_t k = 0; k < nf; k++)
		f[k].v = v;
	return nf;
}

static void
scores(const learn_model *m, const struct feat *f, size_t nf, double *p)
{
	f8 acc[LEARN_MAX_CLASSES / 8];
	double mx = -1e300, sum = 0;
	int k = m->k, kv = m->kv;

	memset(acc, 0, sizeof(acc));
	for (size_t i = 0; i < nf; i++) {
		const f8 *w = m->w + (size_t)f[i].idx * (size_t)kv;
		f8 v = {f[i].v, f[i].v, f[i].v, f[i].v, f[i].v, f[i].v, f[i].v, f[i].v};

		for (int c = 0; c < kv; c++)
			acc[c] += w[c] * v;
	}
	for (int c = 0; c < k; c++) {
		p[c] = (double)acc[c / 8][c % 8] + m->b[c];
		mx = p[c] > mx ? p[c] : mx;
	}
	for (int c = 0; c < k; c++) {
		p[c] = exp(p[c] - mx);
		sum += p[c];
	}
	for (int c = 0; c < k; c++)
		p[c] /= sum;
}

void
learn_free(learn_model *m)
{
	if (!m)
		return;
	free(m->w);
	free(m->b);
	free(m);
}

bot_err
learn_train(const learn_doc *docs, size_t n, int n_classes, learn_model **out)
{
	learn_model *m = calloc(1, sizeof(*m));
	struct feat *f = malloc(MAX_FEATS * sizeof(*f));
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	double *p = malloc((size_t)(n_classes > 0 ? n_classes : 1) * sizeof(*p));
	uint64_t rng = 0x2545F4914F6CDD1DULL;
	long step = 0;

	*out = NULL;
	if (!m || !f || !order || !p || n_classes < 1 || n_classes > LEARN_MAX_CLASSES)
		goto fail;
	m->k = n_classes;
	m->kv = (n_classes + 7) / 8;
	m->w = aligned_alloc(32, (size_t)LEARN_BUCKETS * (size_t)m->kv * sizeof(*m->w));
	if (m->w)
		memset(m->w, 0, (size_t)LEARN_BUCKETS * (size_t)m->kv * sizeof(*m->w));
	m->b = calloc((size_t)n_classes, sizeof(*m->b));
	if (!m->w || !m->b)
		goto fail;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (int ep = 0; ep < EPOCHS; ep++) {
		/* Fisher-Yates with xorshift64: a fixed, reproducible order. */
		for (size_t i = n; i > 1; i--) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			size_t j = (size_t)(rng % i), t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t d = 0; d < n; d++) {
			const learn_doc *doc = &docs[order[d]];
			size_t nf = features(doc->text, doc->len, f);
			double rate = RATE / (1.0 + (double)step++ * 2e-4);

			if (doc->label < 0 || doc->label >= n_classes)
				continue;
			scores(m, f, nf, p);
			/* The gradient of the log loss for every class at once,
			 * as vectors of eight (padding classes stay 0). */
			f8 g[LEARN_MAX_CLASSES / 8];
			memset(g, 0, sizeof(g));
			for (int c = 0; c < n_classes; c++) {
				double gc = p[c] - (c == doc->label);

				m->b[c] -= (float)(rate * gc * 0.1);
				g[c / 8][c % 8] = (float)(rate * gc);
			}
			f8 decay;
			for (int k = 0; k < 8; k++)
				decay[k] = (float)(1.0 - rate * L2);
			for (size_t i = 0; i < nf; i++) {
				f8 *row = m->w + (size_t)f[i].idx * (size_t)m->kv;
				f8 v = {f[i].v, f[i].v, f[i].v, f[i].v,
				        f[i].v, f[i].v, f[i].v, f[i].v};

				for (int cv = 0; cv < m->kv; cv++)
					row[cv] = row[cv] * decay - g[cv] * v;
			}
		}
	}
	free(f);
	free(order);
	free(p);
	*out = m;
	return BOT_OK;
fail:
	free(f);
	free(order);
	free(p);
	learn_free(m);
	return BOT_ERR_NOMEM;
}

void
learn_predict(const learn_model *m, const char *text, size_t len, double *p)
{
	struct feat f[MAX_FEATS];
	size_t nf = features(text, len, f);

	scores(m, f, nf, p);
}
