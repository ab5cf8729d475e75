/* Loading the lexicon: concepts, forms, their typo variants and anchors,
 * regex forms and the words that are never typos (see lexicon.c). */
#include "lexicon_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- loading ---- */

static bot_err
add_form_text(lexicon *lex, const char *s, uint16_t *id)
{
	if (lex->n_forms >= 65535)
		return BOT_ERR_LIMIT;
	if (lex_grow((void **)&lex->forms, &lex->cap_forms, lex->n_forms + 1, sizeof(*lex->forms)))
		return BOT_ERR_NOMEM;
	lex->forms[lex->n_forms] = strdup(s);
	if (!lex->forms[lex->n_forms])
		return BOT_ERR_NOMEM;
	*id = (uint16_t)lex->n_forms++;
	return BOT_OK;
}

/* A set of 64-bit signatures, used while loading so that a form listed twice
 * ("광고 계정" and "광고계정" are the same units) is indexed once. */
static int
sig_seen(lexicon *lex, uint64_t sig)
{
	if (lex->n_sig * 2 >= lex->cap_sig) {
		size_t cap = lex->cap_sig ? lex->cap_sig * 2 : 4096;
		uint64_t *v = calloc(cap, sizeof(*v));

		if (!v)
			return -1;
		for (size_t i = 0; i < lex->cap_sig; i++) {
			uint64_t x = lex->sig[i];
			size_t k;

			if (!x)
				continue;
			for (k = lex_mix64(x) & (cap - 1); v[k]; k = (k + 1) & (cap - 1))
				;
			v[k] = x;
		}
		free(lex->sig);
		lex->sig = v;
		lex->cap_sig = cap;
	}
	sig |= 1; /* never 0 */
	size_t k;
	for (k = lex_mix64(sig) & (lex->cap_sig - 1); lex->sig[k];
	     k = (k + 1) & (lex->cap_sig - 1)) {
		if (lex->sig[k] == sig)
			return 1;
	}
	lex->sig[k] = sig;
	lex->n_sig++;
	return 0;
}

static bot_err
add_inst(lexicon *lex, const uint32_t *keys, size_t n, uint16_t concept, uint16_t form,
         uint8_t cost, uint8_t flags)
{
	/* The same units, concept, cost and flags: nothing new to find. A
	 * trigger is kept apart (its form field names its regex). */
	uint64_t sig = lex_keys_hash(keys, n) ^ ((uint64_t) concept << 40) ^
	               ((uint64_t)cost << 56) ^ ((uint64_t)flags << 48) ^
	               ((flags & F_TRIGGER) ? (uint64_t)form << 20 : 0);
	int seen = sig_seen(lex, sig);

	if (seen < 0)
		return BOT_ERR_NOMEM;
	if (seen)
		return BOT_OK;
	if (lex_grow((void **)&lex->keys, &lex->cap_keys, lex->n_keys + n, sizeof(*lex->keys)) ||
	    lex_grow((void **)&lex->inst, &lex->cap_inst, lex->n_inst + 1, sizeof(*lex->inst)))
		return BOT_ERR_NOMEM;
	memcpy(lex->keys + lex->n_keys, keys, n * sizeof(*keys));
	struct inst *in = &lex->inst[lex->n_inst++];
	in->first = (uint32_t)lex->n_keys;
	in->n = (uint16_t)n;
	in->concept = concept;
	in->form = form;
	in->cost = cost;
	in->flags = flags;
	lex->n_keys += n;
	return BOT_OK;
}

static bot_err
add_surface(lexicon *lex, const char *s, size_t n, uint32_t id)
{
	if (n < FUZZY_MIN_WORD - 1 || n >= WORD_MAX - 1)
		return BOT_OK;
	for (size_t i = 0; i < lex->n_surf; i++) {
		if (lex->surf[i].len == n && !memcmp(lex->surf[i].s, s, n))
			return BOT_OK;
	}
	if (lex_grow((void **)&lex->surf, &lex->cap_surf, lex->n_surf + 1, sizeof(*lex->surf)))
		return BOT_ERR_NOMEM;
	struct surface *sf = &lex->surf[lex->n_surf++];
	memcpy(sf->s, s, n);
	sf->s[n] = '\0';
	sf->len = (uint8_t)n;
	sf->id = id;
	return BOT_OK;
}

/* The inflections a word may be typed in, for typo matching. */
static bot_err
add_surfaces(lexicon *lex, const char *w, size_t n, uint32_t id)
{
	static const char *const suffix[] = {"", "s", "es", "ed", "d", "ing"};
	char buf[WORD_MAX + 4];
	bot_err e = BOT_OK;

	if (n + 4 >= WORD_MAX || memchr(w, '\'', n))
		return BOT_OK;
	for (size_t k = 0; k < sizeof(suffix) / sizeof(suffix[0]) && !e; k++) {
		size_t m = n;

		memcpy(buf, w, n);
		if (!strcmp(suffix[k], "d") && w[n - 1] != 'e')
			continue;
		if (!strcmp(suffix[k], "ing") && w[n - 1] == 'e')
			m--;
		memcpy(buf + m, suffix[k], strlen(suffix[k]));
		m += strlen(suffix[k]);
		char st[WORD_MAX];
		size_t sl = lex_en_stem(buf, m, st);
		/* only inflections that stem back to the word */
		if (word_find_linear(lex, st, sl) != id)
			continue;
		e = add_surface(lex, buf, m, id);
	}
	return e;
}

/* Parses form S of CONCEPT (a string from the file) into an instance. */
/* English words typed without their spaces or hyphens ("autopayment",
 * "freecash", "taxinvoice"): a form of several English words is also
 * indexed as the one word they make together, with typo tolerance when the
 * form has it. Forms with anything but words and hyphens between them are
 * left as they are. */
static bot_err
add_joined(lexicon *lex, const char *text, const lex_unit *u, size_t nu, int concept, uint16_t form,
           uint8_t flags, int typos)
{
	char joined[WORD_MAX], st[WORD_MAX];
	size_t n = 0, words = 0;
	uint32_t id, key;
	bot_err e;

	for (size_t i = 0; i < nu; i++) {
		if (u[i].kind == LEX_PUNCT && text[u[i].off] == '-' && u[i].len == 1)
			continue;
		if (u[i].kind != LEX_WORD || n + u[i].len >= WORD_MAX - 2)
			return BOT_OK;
		memcpy(joined + n, text + u[i].off, u[i].len);
		n += u[i].len;
		words++;
	}
	if (words < 2)
		return BOT_OK;
	size_t sl = lex_en_stem(joined, n, st);
	if ((e = word_intern(lex, st, sl, &id)))
		return e;
	if (typos && n >= FUZZY_MIN_WORD && (e = add_surfaces(lex, joined, n, id)))
		return e;
	key = KEY(LEX_WORD, id);
	return add_inst(lex, &key, 1, (uint16_t) concept, form, 0, flags);
}

static bot_err
load_form(lexicon *lex, int concept, const char *s, int concept_typos, int trigger, char *err,
          size_t errlen)
{
	char buf[512];
	norm_buf nb = {0};
	lex_unit *u = NULL;
	size_t nu = 0, cap = 0, n = strlen(s);
	uint32_t keys[FORM_MAX_UNITS];
	uint8_t flags = 0;
	int prefix = 0, hangul_only = 1, stem = 0;
	uint16_t form;
	bot_err e;

	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "%s: %s: form too long", lex->path, lex->names[concept]);
		return BOT_ERR_PARSE;
	}
	memcpy(buf, s, n + 1);
	s = buf;
	for (;; s++, n--) {
		if (*s == '~')
			flags |= F_NOTYPO;
		else if (*s == '^')
			flags |= F_START;
		else
			break;
	}
	if (n && s[n - 1] == '$') {
		flags |= F_END;
		buf[s - buf + --n] = '\0';
	}
	if (n && s[n - 1] == '*') {
		prefix = 1;
		buf[s - buf + --n] = '\0';
	}
	if (n && s[n - 1] == '-') {
		stem = 1;
		buf[s - buf + --n] = '\0';
	}
	if ((e = add_form_text(lex, buf, &form)))
		goto fail;
	if ((e = normalize_text(s, n, &nb)) || (e = lex_tokenize(nb.data, nb.len, &u, &nu, &cap)))
		goto fail;
	if (!nu || nu > FORM_MAX_UNITS) {
		snprintf(err, errlen, "%s: %s: form \"%s\" must have 1 to %d units", lex->path,
		         lex->names[concept], lex->forms[form], FORM_MAX_UNITS);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	if (prefix && (u[nu - 1].kind != LEX_WORD || u[nu - 1].len < 2)) {
		snprintf(err, errlen,
		         "%s: %s: form \"%s\": * follows an English word of two letters or more",
		         lex->path, lex->names[concept], lex->forms[form]);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	for (size_t i = 0; i < nu; i++) {
		const char *w = nb.data + u[i].off;
		char st[WORD_MAX];
		uint32_t id;

		hangul_only &= u[i].kind == LEX_HANGUL;
		if (u[i].kind != LEX_WORD) {
			keys[i] = u[i].key;
			continue;
		}
		if (u[i].len >= WORD_MAX - 2) {
			snprintf(err, errlen, "%s: %s: form \"%s\": word too long", lex->path,
			         lex->names[concept], lex->forms[form]);
			e = BOT_ERR_PARSE;
			goto fail;
		}
		if (prefix && i == nu - 1) {
			/* A prefix is its own pseudo-word "*prefix". */
			st[0] = '*';
			memcpy(st + 1, w, u[i].len);
			if ((e = word_intern(lex, st, u[i].len + 1, &id)))
				goto fail;
			int known = 0;
			for (size_t k = 0; k < lex->n_prefixes; k++)
				known |= lex->prefixes[k].id == id;
			if (!known) {
				if (lex_grow((void **)&lex->prefixes, &lex->cap_prefixes,
				             lex->n_prefixes + 1, sizeof(*lex->prefixes))) {
					e = BOT_ERR_NOMEM;
					goto fail;
				}
				struct prefix *p = &lex->prefixes[lex->n_prefixes++];
				memcpy(p->p, w, u[i].len);
				p->p[u[i].len] = '\0';
				p->len = (uint8_t)u[i].len;
				p->id = id;
			}
		} else {
			size_t sl = lex_en_stem(w, u[i].len, st);
			if ((e = word_intern(lex, st, sl, &id)))
				goto fail;
			if (concept_typos && !(flags & F_NOTYPO) &&
			    (e = add_surfaces(lex, w, u[i].len, id)))
				goto fail;
		}
		keys[i] = KEY(LEX_WORD, id);
	}
	int word_typos = concept_typos && !(flags & F_NOTYPO);
	if (!concept_typos || !hangul_only)
		flags |= F_NOTYPO;
	if (trigger >= 0) {
		/* not a form: where regex form TRIGGER may start */
		flags |= F_TRIGGER | F_NOTYPO;
		form = (uint16_t)trigger;
	}
	e = add_inst(lex, keys, nu, (uint16_t) concept, form, 0, flags);
	if (!e && !prefix && trigger < 0)
		e = add_joined(lex, nb.data, u, nu, concept, form, flags, word_typos);
	if (!e && stem) {
		/* A verb stem: its last syllable also stands with the final an
		 * ending adds (안오- is 안온, 안올, 안옴, 안옵, 안왔 not). */
		static const int finals[] = {4 /* ㄴ */, 8 /* ㄹ */, 16 /* ㅁ */, 17 /* ㅂ */,
		                             20 /* ㅆ */};
		int ini, vow, fin;
		uint32_t last = keys[nu - 1] & 0x0FFFFFFFu;

		if (u[nu - 1].kind != LEX_HANGUL || (jamo_split(last, &ini, &vow, &fin), fin)) {
			snprintf(err, errlen,
			         "%s: %s: form \"%s\": - follows a syllable without a final",
			         lex->path, lex->names[concept], lex->forms[form]);
			e = BOT_ERR_PARSE;
			goto fail;
		}
		for (size_t k = 0; k < sizeof(finals) / sizeof(finals[0]) && !e; k++) {
			keys[nu - 1] = KEY(LEX_HANGUL, jamo_join(ini, vow, finals[k]));
			e = add_inst(lex, keys, nu, (uint16_t) concept, form, 0, flags);
		}
	}
fail:
	if (e == BOT_ERR_NOMEM)
		snprintf(err, errlen, "%s: out of memory", lex->path);
	norm_buf_free(&nb);
	free(u);
	return e;
}

static bot_err
load_regex_form(lexicon *lex, int concept, json_t *o, char *err, size_t errlen)
{
	const char *re = NULL;
	json_t *at = NULL, *v;
	json_error_t jerr;
	uint16_t form;
	size_t i;
	bot_err e;

	if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s:s, s?o}", "re", &re, "at", &at) ||
	    (at && !json_is_array(at))) {
		snprintf(err, errlen,
		         "%s: %s: a form is a string or {\"re\": \"...\", \"at\"?: [words]}",
		         lex->path, lex->names[concept]);
		return BOT_ERR_PARSE;
	}
	if ((e = add_form_text(lex, re, &form)))
		return e;
	if (lex_grow((void **)&lex->rx, &lex->cap_rx, lex->n_rx + 1, sizeof(*lex->rx)))
		return BOT_ERR_NOMEM;
	struct rx_form *r = &lex->rx[lex->n_rx++];
	char *anchored = NULL;

	/* counted at once, so that lexicon_free frees what compiled */
	memset(r, 0, sizeof(*r));
	e = rx_compile(lex->path, "form of", lex->names[concept], re, lex->mctx, &r->re, NULL, err,
	               errlen);
	if (e)
		return e;
	if (asprintf(&anchored, "\\G(?:%s)", re) < 0)
		return BOT_ERR_NOMEM;
	e = rx_compile(lex->path, "form of", lex->names[concept], anchored, lex->mctx, &r->re_at,
	               NULL, err, errlen);
	free(anchored);
	if (e)
		return e;
	r->concept = (uint16_t) concept;
	r->form = form;
	/* Whether a match can start with a digit. */
	const uint8_t *bm = NULL;
	uint32_t type = 0, unit = 0;
	pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTBITMAP, &bm);
	pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODETYPE, &type);
	if (bm) {
		for (int d = '0'; d <= '9'; d++)
			r->at_digit |= (bm[d >> 3] >> (d & 7)) & 1;
	} else if (type == 1) {
		pcre2_pattern_info(r->re, PCRE2_INFO_FIRSTCODEUNIT, &unit);
		r->at_digit = unit >= '0' && unit <= '9';
	} else {
		r->at_digit = 1;
	}
	/* The trigger words are forms of their own, marked as triggers of
	 * this regex (the form field holds its index). */
	json_array_foreach(at, i, v)
	{
		if (!json_is_string(v)) {
			snprintf(err, errlen, "%s: %s: \"at\" holds words", lex->path,
			         lex->names[concept]);
			return BOT_ERR_PARSE;
		}
		if ((e = load_form(lex, concept, json_string_value(v), 0, (int)lex->n_rx - 1, err,
		                   errlen)))
			return e;
		r->has_at = 1;
	}
	return BOT_OK;
}

/* The near variants of each two-syllable Korean form become forms of their
 * own, unless the variant is itself a form or a word listed as no typo. */
static bot_err
add_near_variants(lexicon *lex)
{
	size_t n = lex->n_inst;

	for (size_t k = 0; k < n; k++) {
		struct inst in = lex->inst[k];
		uint32_t base[2], v[2];
		uint32_t cnt;

		if (in.n != 2 || in.cost || (in.flags & F_NOTYPO))
			continue;
		memcpy(base, lex->keys + in.first, sizeof(base));
		for (int pos = 0; pos < 2; pos++) {
			int ini, vow, fin;
			uint32_t cp = base[pos] & 0x0FFFFFFFu;

			jamo_split(cp, &ini, &vow, &fin);
			for (int part = 0; part < 3; part++) {
				int lim = part == 0   ? JAMO_N_INITIAL
				          : part == 1 ? JAMO_N_VOWEL
				                      : JAMO_N_FINAL;
				for (int alt = 0; alt < lim; alt++) {
					int near =
					    part == 0   ? alt != ini && jamo_initial_near(ini, alt)
					    : part == 1 ? alt != vow && jamo_vowel_near(vow, alt)
					                : alt != fin && jamo_final_near(fin, alt);
					if (!near)
						continue;
					memcpy(v, base, sizeof(v));
					v[pos] = KEY(LEX_HANGUL, jamo_join(part == 0 ? alt : ini,
					                                   part == 1 ? alt : vow,
					                                   part == 2 ? alt : fin));
					uint64_t h = lex_keys_hash(v, 2);
					if (mm_get(&lex->exact_seq, h, &cnt) ||
					    mm_get(&lex->not_typos, h, &cnt))
						continue;
					if (add_inst(lex, v, 2, in.concept, in.form, JAMO_NEAR,
					             in.flags))
						return BOT_ERR_NOMEM;
					lex->n_variants++;
				}
			}
		}
	}
	return BOT_OK;
}

static bot_err
add_anchors(lexicon *lex)
{
	for (size_t k = 0; k < lex->n_inst; k++) {
		const struct inst *in = &lex->inst[k];
		const uint32_t *ky = lex->keys + in->first;

		if (in->n < 3 || in->cost || (in->flags & F_NOTYPO))
			continue;
		/* Syllables 1-2 cover a typo from the third on, 2-3 one in the
		 * first, 1 _ 3 one in the second. */
		if (mm_add(&lex->anchor, lex_anchor_key(0, ky[0], ky[1]), (uint32_t)k << 2) ||
		    mm_add(&lex->anchor, lex_anchor_key(0, ky[1], ky[2]), (uint32_t)k << 2 | 1) ||
		    mm_add(&lex->anchor, lex_anchor_key(1, ky[0], ky[2]), (uint32_t)k << 2))
			return BOT_ERR_NOMEM;
		lex->syl[(ky[0] & 0x0FFFFFFFu) - 0xAC00] |= SY_ANCHOR;
		lex->syl[(ky[1] & 0x0FFFFFFFu) - 0xAC00] |= SY_ANCHOR;
		lex->n_variants++;
	}
	return mm_build(&lex->anchor);
}

/* Words and phrases that are real words, never typos of a form ("change" is
 * not "charge"). */
static bot_err
load_not_typos(lexicon *lex, json_t *arr, char *err, size_t errlen)
{
	norm_buf nb = {0};
	lex_unit *u = NULL;
	size_t nu = 0, cap = 0, i;
	json_t *v;
	bot_err e = BOT_OK;

	if (arr && !json_is_array(arr)) {
		snprintf(err, errlen, "%s: \"not_typos\" must be an array of strings", lex->path);
		return BOT_ERR_PARSE;
	}
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		uint32_t keys[FORM_MAX_UNITS];

		if (!s) {
			snprintf(err, errlen, "%s: not_typos[%zu] must be a string", lex->path, i);
			e = BOT_ERR_PARSE;
			break;
		}
		if ((e = normalize_text(s, strlen(s), &nb)) ||
		    (e = lex_tokenize(nb.data, nb.len, &u, &nu, &cap)))
			break;
		if (nu == 1 && u[0].kind == LEX_WORD) {
			if ((e = mm_add(&lex->not_typos, lex_str_hash(nb.data, nb.len), 0)))
				break;
			continue;
		}
		if (!nu || nu > FORM_MAX_UNITS)
			continue;
		for (size_t k = 0; k < nu; k++)
			keys[k] = u[k].key;
		if ((e = mm_add(&lex->not_typos, lex_keys_hash(keys, nu), 0)))
			break;
	}
	norm_buf_free(&nb);
	free(u);
	if (!e)
		e = mm_build(&lex->not_typos);
	return e;
}

static bot_err
load_concepts(lexicon *lex, json_t *concepts, char *err, size_t errlen)
{
	const char *name;
	json_t *val;
	bot_err e;

	if (!json_is_object(concepts) || !json_object_size(concepts)) {
		snprintf(err, errlen, "%s: \"concepts\" must be a non-empty object", lex->path);
		return BOT_ERR_PARSE;
	}
	if (json_object_size(concepts) > LEX_MAX_CONCEPTS) {
		snprintf(err, errlen, "%s: more than %d concepts", lex->path, LEX_MAX_CONCEPTS);
		return BOT_ERR_LIMIT;
	}
	/* Names first, so that the order of concepts is the file's. */
	json_object_foreach(concepts, name, val)
	{
		for (const char *c = name; *c; c++) {
			if (!((*c >= 'A' && *c <= 'Z') || *c == '_' ||
			      (c > name && *c >= '0' && *c <= '9'))) {
				snprintf(err, errlen, "%s: concept \"%s\": use [A-Z_][A-Z0-9_]*",
				         lex->path, name);
				return BOT_ERR_PARSE;
			}
		}
		lex->names[lex->n_concepts] = strdup(name);
		if (!lex->names[lex->n_concepts])
			return BOT_ERR_NOMEM;
		lex->n_concepts++;
	}
	json_object_foreach(concepts, name, val)
	{
		int c = lexicon_concept(lex, name), typos = 1;
		json_t *forms = val, *v;
		size_t i;

		if (json_is_object(val)) {
			json_error_t jerr;
			const char *note = NULL;

			forms = NULL;
			if (json_unpack_ex(val, &jerr, JSON_STRICT, "{s:o, s?b, s?s}", "forms",
			                   &forms, "typos", &typos, "note", &note)) {
				snprintf(err, errlen, "%s: %s: %s", lex->path, name, jerr.text);
				return BOT_ERR_PARSE;
			}
		}
		if (!json_is_array(forms) || !json_array_size(forms)) {
			snprintf(err, errlen, "%s: %s: needs a non-empty array of forms", lex->path,
			         name);
			return BOT_ERR_PARSE;
		}
		json_array_foreach(forms, i, v)
		{
			if (json_is_string(v))
				e = load_form(lex, c, json_string_value(v), typos, -1, err, errlen);
			else
				e = load_regex_form(lex, c, v, err, errlen);
			if (e)
				return e;
		}
	}
	return BOT_OK;
}

bot_err
lexicon_load(const char *path, lexicon **out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = NULL, *concepts = NULL, *not_typos = NULL, *followup = NULL, *v;
	const char *note = NULL;
	lexicon *lex;
	bot_err e = BOT_ERR_NOMEM;

	*out = NULL;
	lex = calloc(1, sizeof(*lex));
	if (!lex || !(lex->path = strdup(path)) || !(lex->mctx = rx_context_new()))
		goto fail;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:o, s?o, s?o, s?s}", "concepts", &concepts,
	                   "not_typos", &not_typos, "followup", &followup, "note", &note)) {
		snprintf(err, errlen, "%s: %s", path, jerr.text);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	if ((e = load_not_typos(lex, not_typos, err, errlen)) ||
	    (e = load_concepts(lex, concepts, err, errlen)))
		goto fail;
	/* Indexes: words, every exact form by its units, then the typo ones. */
	for (size_t i = 0; i < lex->n_words; i++) {
		if ((e = mm_add(&lex->words,
		                lex_str_hash(lex->wordv[i].stem, strlen(lex->wordv[i].stem)),
		                (uint32_t)i)))
			goto fail;
	}
	for (size_t i = 0; i < lex->n_inst; i++) {
		if ((e = mm_add(&lex->exact_seq,
		                lex_keys_hash(lex->keys + lex->inst[i].first, lex->inst[i].n),
		                (uint32_t)i)))
			goto fail;
	}
	if ((e = mm_build(&lex->words)) || (e = mm_build(&lex->exact_seq)) ||
	    (e = add_near_variants(lex)) || (e = add_anchors(lex)))
		goto fail;
	for (size_t i = 0; i < lex->n_inst; i++) {
		const uint32_t *k = lex->keys + lex->inst[i].first;

		if ((e = mm_add(&lex->first, lex->inst[i].n > 1 ? lex_pair_key(k[0], k[1]) : k[0],
		                (uint32_t)i)))
			goto fail;
		if (KEY_KIND(k[0]) == LEX_HANGUL)
			lex->syl[(k[0] & 0x0FFFFFFFu) - 0xAC00] |= SY_FIRST;
	}
	for (size_t i = 0; i < lex->n_surf; i++) {
		const struct surface *sf = &lex->surf[i];

		for (size_t skip = 0; skip <= sf->len; skip++) {
			if ((e = mm_add(&lex->surf_del, lex_del_hash(sf->s, sf->len, skip),
			                (uint32_t)i)))
				goto fail;
		}
	}
	for (size_t i = 0; i < lex->n_prefixes; i++) {
		if ((e = mm_add(&lex->prefix_idx, lex_str_hash(lex->prefixes[i].p, 2),
		                (uint32_t)i)))
			goto fail;
	}
	if ((e = mm_build(&lex->first)) || (e = mm_build(&lex->surf_del)) ||
	    (e = mm_build(&lex->prefix_idx)))
		goto fail;
	if (followup && !json_is_array(followup)) {
		snprintf(err, errlen, "%s: \"followup\" must be an array of concept names", path);
		e = BOT_ERR_PARSE;
		goto fail;
	}
	size_t i;
	json_array_foreach(followup, i, v)
	{
		int c = lexicon_concept(lex, json_string_value(v));
		if (c < 0) {
			snprintf(err, errlen, "%s: followup[%zu]: not a concept", path, i);
			e = BOT_ERR_PARSE;
			goto fail;
		}
		lex->followup[c] = 1;
	}
	lex->c_ask = lexicon_concept(lex, "ASK");
	lex->c_request = lexicon_concept(lex, "REQUEST");
	lex->c_negate = lexicon_concept(lex, "NEGATE");
	lex->c_negate_next = lexicon_concept(lex, "NEGATE_NEXT");
	lex->c_again = lexicon_concept(lex, "AGAIN");
	lex->c_other = lexicon_concept(lex, "OTHER");
	json_decref(root);
	*out = lex;
	return BOT_OK;
fail:
	if (e == BOT_ERR_NOMEM && err && (!err[0]))
		snprintf(err, errlen, "%s: out of memory", path);
	json_decref(root);
	lexicon_free(lex);
	return e;
}
