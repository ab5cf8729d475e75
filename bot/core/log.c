#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

#include "clock.h"

static log_level min_level = LOG_INFO;
static int json_lines;
static FILE *log_file;
static char *log_path;
/* The loop logs, and so do the durability threads (rarely, on errors): one
 * line at a time, and never into a file being swapped by a reopen. */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void
log_set_level(log_level level)
{
	min_level = level;
}

log_level
log_get_level(void)
{
	return min_level;
}

int
log_level_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (name && !strcmp(name, level_names[i]))
			return i;
	return -1;
}

void
log_set_json(int on)
{
	json_lines = on;
}

static int
open_file_locked(const char *path)
{
	if (!path) {
		if (log_file)
			fclose(log_file);
		log_file = NULL;
		free(log_path);
		log_path = NULL;
		return 0;
	}
	FILE *f = fopen(path, "a");
	if (!f)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	if (log_file)
		fclose(log_file);
	log_file = f;
	if (log_path != path) {
		free(log_path);
		log_path = strdup(path);
	}
	return 0;
}

int
log_open_file(const char *path)
{
	pthread_mutex_lock(&log_mu);
	int rc = open_file_locked(path);
	pthread_mutex_unlock(&log_mu);
	return rc;
}

int
log_reopen(void)
{
	pthread_mutex_lock(&log_mu);
	int rc = 0;
	if (log_path) {
		char *path = strdup(log_path);
		rc = path ? open_file_locked(path) : -1;
		free(path);
	}
	pthread_mutex_unlock(&log_mu);
	return rc;
}

/* Writes S as the inside of a JSON string: quotes, backslashes and control
 * characters escaped, so a hostile message cannot break the log line. */
static void
put_json_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
}

/* Replaces every byte that is not part of a well-formed UTF-8 sequence
 * (including one cut in half by the line-length limit) with '?', so each log
 * line, JSON lines included, stays valid UTF-8. */
static void
utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3
				    : (*p & 0xf8) == 0xf0 ? 4 : 0;
		int ok = n > 0 && !(n == 2 && *p < 0xc2) && !(n == 4 && *p > 0xf4);
		for (int i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && n == 3)
			ok = !(p[0] == 0xe0 && p[1] < 0xa0) && !(p[0] == 0xed && p[1] > 0x9f);
		if (ok && n == 4)
			ok = !(p[0] == 0xf0 && p[1] < 0x90) && !(p[0] == 0xf4 && p[1] > 0x8f);
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

void
log_msg(log_level level, const char *conv, const char *fmt, ...)
{
	if (level < min_level)
		return;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	utf8_scrub(text);
	/* One event, one line: newlines in the text would split it. */
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';

	struct timeval tv;
	gettimeofday(&tv, NULL);
	char ts[CLOCK_ISO_LEN];
	clock_format_iso(tv.tv_sec, ts);
	ts[19] = 0; /* the milliseconds go before the Z */

	pthread_mutex_lock(&log_mu);
	FILE *out = log_file ? log_file : stderr;
	if (json_lines) {
		fprintf(out, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\"", ts, (long)tv.tv_usec / 1000,
			level_names[level]);
		if (conv) {
			fputs(",\"conversation\":\"", out);
			put_json_escaped(out, conv);
			fputc('"', out);
		}
		fputs(",\"msg\":\"", out);
		put_json_escaped(out, text);
		fputs("\"}\n", out);
	} else {
		fprintf(out, "%s.%03ldZ %-5s %s%s%s%s\n", ts, (long)tv.tv_usec / 1000,
			level_names[level], conv ? "[" : "", conv ? conv : "", conv ? "] " : "",
			text);
	}
	pthread_mutex_unlock(&log_mu);
}
