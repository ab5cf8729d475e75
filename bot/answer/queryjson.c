#include "queryjson.h"

#include <stdlib.h>

/* A JSON value as a store value (strings borrowed from V). */
static store_value
value_of(const json_t *v)
{
	store_value out = {.type = STORE_NULL};
	switch (json_typeof(v)) {
	case JSON_STRING:
		out.type = STORE_TEXT;
		out.s = json_string_value(v);
		out.len = json_string_length(v);
		break;
	case JSON_INTEGER:
		out.type = STORE_INT;
		out.i = json_integer_value(v);
		break;
	case JSON_REAL:
		out.type = STORE_REAL;
		out.r = json_real_value(v);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		out.type = STORE_INT;
		out.i = json_is_true(v);
		break;
	default:
		break;
	}
	return out;
}

static json_t *
json_of(const store_value *v)
{
	switch (v->type) {
	case STORE_INT:
		return json_integer(v->i);
	case STORE_REAL:
		return json_real(v->r);
	case STORE_TEXT:
		return json_stringn(v->s, v->len);
	default:
		return json_null();
	}
}

typedef struct collect {
	json_t *rows;
	int failed;
} collect;

static int
add_row(void *ctx, size_t ncols, const char *const *names, const store_value *values)
{
	collect *c = ctx;
	json_t *row = json_object();
	if (!row || json_array_append_new(c->rows, row)) {
		c->failed = 1;
		return 1;
	}
	for (size_t i = 0; i < ncols; i++) {
		if (json_object_set_new(row, names[i], json_of(&values[i]))) {
			c->failed = 1;
			return 1;
		}
	}
	return 0;
}

bot_err
queryjson_run(store_query *q, const json_t *params, size_t max_rows, json_t **rows)
{
	*rows = NULL;
	size_t n = 0, cap = json_object_size(params);
	store_param stack[32];
	store_param *ps = cap <= 32 ? stack : malloc(cap * sizeof(*ps));
	if (!ps)
		return BOT_ERR_NOMEM;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)params, key, v)
	{
		ps[n].name = key;
		ps[n].v = value_of(v);
		n++;
	}
	collect c = {json_array(), 0};
	bot_err rc = c.rows ? store_query_run(q, ps, n, max_rows, add_row, &c) : BOT_ERR_NOMEM;
	if (ps != stack)
		free(ps);
	if (rc == BOT_OK && c.failed)
		rc = BOT_ERR_NOMEM;
	if (rc != BOT_OK) {
		json_decref(c.rows);
		return rc;
	}
	*rows = c.rows;
	return BOT_OK;
}
