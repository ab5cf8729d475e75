#include "benchutil.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t
bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Appends T (copied) to Q; -1 when out of memory. */
static int
add_question(bench_questions *q, size_t *cap, const char *t)
{
	if (q->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		char **n = realloc(q->text, ncap * sizeof(*n));
		if (!n)
			return -1;
		q->text = n;
		*cap = ncap;
	}
	if (!(q->text[q->n] = strdup(t)))
		return -1;
	q->n++;
	return 0;
}

/* Whether ID is one of the comma-separated ids in LIST. */
static int
listed(const char *list, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, id, n))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

int
bench_questions_load(const char *dir, const char *exclude, bench_questions *out)
{
	memset(out, 0, sizeof(*out));
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	size_t cap = 0;
	int rc = 0;
	while (!rc && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		json_t *root = json_load_file(path, 0, NULL);
		const char *id = json_string_value(json_object_get(root, "id"));
		if (id && strcmp(id, "agent_request") && !listed(exclude, id)) {
			size_t i;
			json_t *ex;
			json_array_foreach(json_object_get(root, "examples"), i, ex)
			{
				const char *t = json_is_string(ex)
							? json_string_value(ex)
							: json_string_value(json_object_get(ex, "text"));
				if (t && add_question(out, &cap, t))
					rc = -1;
			}
		}
		json_decref(root);
	}
	closedir(d);
	if (!rc && out->n)
		return 0;
	bench_questions_free(out);
	return -1;
}

void
bench_questions_free(bench_questions *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->text[i]);
	free(q->text);
	memset(q, 0, sizeof(*q));
}
