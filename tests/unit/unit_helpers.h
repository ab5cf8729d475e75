/* Small helpers several unit tests share: a temporary database's files,
 * and reading a frame (JSON text) a builder or an endpoint produced. Static
 * inline: each test uses what it needs. Include after cmocka.h. */
#ifndef TEST_UNIT_HELPERS_H
#define TEST_UNIT_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

/* Removes the database PATH and its WAL files. */
static inline void
remove_db(const char *path)
{
	char p[300];
	unlink(path);
	snprintf(p, sizeof(p), "%.200s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%.200s-shm", path);
	unlink(p);
}

/* Parses the frame S (stolen) as one JSON object on one line. */
static inline json_t *
frame(char *s)
{
	assert_non_null(s);
	assert_null(strchr(s, '\n'));
	json_error_t jerr;
	json_t *o = json_loads(s, 0, &jerr);
	free(s);
	assert_non_null(o);
	assert_true(json_is_object(o));
	return o;
}

/* O's string or integer member KEY (NULL or 0 when absent). */
static inline const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static inline json_int_t
jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

#endif
