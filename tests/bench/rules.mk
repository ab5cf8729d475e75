# Benchmarks (issue 9): `make bench` prints one table; never part of `make test`.
# The intent benchmark (bench-intents) lives in the top Makefile.

BENCH_BINS := $(BUILD)/tests/loadgen $(BUILD)/tests/echo_server $(BUILD)/tests/bench_answer \
	$(BUILD)/tests/bench_intents $(BUILD)/tests/bench_turn $(BUILD)/tests/bench_queue \
	$(BUILD)/tests/disk_probe

$(BUILD)/tests/loadgen: tests/bench/loadgen.c tests/bench/benchutil.c $(BUILD)/obj/token.o \
		$(BUILD)/obj/err.o | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(BOT_INC) -Itests/bench -o $@ $^ $(PKG_LIBS)

# How fast the disk makes an append durable, before and after the load runs.
$(BUILD)/tests/disk_probe: tests/bench/disk_probe.c tests/bench/benchutil.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(BOT_INC) -Itests/bench -o $@ $^ $(PKG_LIBS)

# Built from the same libwebsockets as botd (same pkg-config flags).
$(BUILD)/tests/echo_server: tests/bench/echo_server.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

# The answer path in-process: every daemon module but the command line.
$(BUILD)/tests/bench_answer: tests/bench/bench_answer.c tests/bench/benchutil.c $(LIB_OBJS) \
		$(EMBED_OBJ) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(BOT_INC) -Itests/bench -o $@ $^ $(PKG_LIBS) -lm

# The customer turn in-process, writes and commits included.
$(BUILD)/tests/bench_turn: tests/bench/bench_turn.c tests/bench/benchutil.c $(LIB_OBJS) $(EMBED_OBJ) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(BOT_INC) -Itests/bench -o $@ tests/bench/bench_turn.c tests/bench/benchutil.c $(LIB_OBJS) $(EMBED_OBJ) $(PKG_LIBS) -lm

# The agent queue as it grows: joins and places with 1,000 and 100,000 waiting.
$(BUILD)/tests/bench_queue: tests/bench/bench_queue.c tests/bench/benchutil.c $(LIB_OBJS) \
		$(EMBED_OBJ) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(BOT_INC) -Itests/bench -o $@ $^ $(PKG_LIBS) -lm

.PHONY: bench bench-build bench-smoke
bench-build: all $(BENCH_BINS)

bench: bench-build
	bash tests/bench/run.sh

# A short run of every benchmark (a few seconds each) that checks they work,
# not how fast: `make bench-smoke`.
bench-smoke: bench-build
	BENCH_SMOKE=1 bash tests/bench/run.sh
