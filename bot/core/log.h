/* Logging: one line per event to stderr (or a file), plain or JSON lines.
 * Never pass tokens, secrets or full card/bank numbers to these functions. */
#ifndef BOT_LOG_H
#define BOT_LOG_H

#include <stdarg.h>

typedef enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_set_level(log_level level);
log_level log_get_level(void);
/* Accepts "debug", "info", "warn", "error"; returns -1 for anything else. */
int log_level_parse(const char *name);
void log_set_json(int json_lines);
/* Sends log lines to PATH (appending) instead of stderr; NULL returns to stderr.
 * Returns 0, or -1 when the file cannot be opened (the old target stays). */
int log_open_file(const char *path);
/* Reopens the current log file, for rotation (SIGUSR1). */
int log_reopen(void);

void log_msg(log_level level, const char *conv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(...) log_msg(LOG_DEBUG, NULL, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, NULL, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, NULL, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, NULL, __VA_ARGS__)

#endif
