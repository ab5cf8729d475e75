/* Metrics: counters, gauges and histograms kept in memory (the daemon is one
 * thread) and rendered in the Prometheus text exposition format for
 * GET /metrics. Label values come from small known sets (endpoints, intent
 * ids, reasons, error codes); anything past a fixed number of distinct values
 * is counted under "other", so hostile input cannot grow memory. */
#ifndef BOT_METRICS_H
#define BOT_METRICS_H

#include <stdint.h>

/* ENDPOINT is "chat", "agent" or "kakao". */
void metrics_connection(const char *endpoint, int delta);
void metrics_message_in(const char *endpoint);
void metrics_message_out(const char *endpoint);
/* An understood intent (its id), or NULL for a question not understood. */
void metrics_intent(const char *intent);
/* REASON: "agent_request", "not_understood", "needs_human". */
void metrics_escalation(const char *reason);
void metrics_queue(int length, double oldest_wait_s);
void metrics_agents_online(int n);
/* Frames in the database's WAL after the last commit: it grows until a
 * checkpoint lets it start over, so a value that only climbs is a WAL that
 * is not being checkpointed. */
void metrics_wal(int64_t frames);
/* Seconds a customer waited in the queue before an agent claimed them. */
void metrics_handoff_wait(double seconds);
/* Seconds from a customer message arriving to its replies being ready. */
void metrics_answer_latency(double seconds);
/* Seconds one group commit took. */
void metrics_commit_latency(double seconds);
/* An error frame or HTTP error sent, by its code. */
void metrics_error(const char *code);

/* The whole exposition as a malloc'd NUL-terminated string (caller frees),
 * or NULL when memory ran out. */
char *metrics_render(void);
/* Zeroes everything (for tests). */
void metrics_reset(void);

#endif
