# tests/fuzz/rules.mk: sanitizers, fuzzing, valgrind and soak (see tests/fuzz/README.md).
# Included by the top Makefile. Targets:
#   make fuzz            run every libFuzzer target FUZZ_SECONDS (default 60) each
#   make fuzz-regress    replay every corpus input (and every past crash) once  [make test]
#   make asan-test       unit + whole e2e suite on an ASan+UBSan build           [make test]
#   make valgrind-e2e    e2e files under valgrind memcheck (VALGRIND_E2E)       [make test]
#   make soak            2,000 connections chatting SOAK_SECONDS (default 300)   [not in make test]

FUZZ_DIR      := tests/fuzz
FUZZ_BUILD    := build/fuzz
FUZZ_SECONDS  ?= 60
FUZZ_TARGETS  := chatproto dispatch intent template token kakao
FUZZ_BINS     := $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_TARGETS))
# Objects are built by the top Makefile's own rule into $(FUZZ_BUILD)/obj with
# coverage instrumentation (fuzzer-no-link) and both sanitizers.
FUZZ_SAN      := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# Everything but the network side (bot/net: lws, and wsguard.o, which
# defines recv()) and main.o: the targets are transport-free.
FUZZ_NET_OBJS := $(addprefix $(BUILD)/obj/,$(notdir $(patsubst %.c,%.o,$(wildcard bot/net/*.c))))
FUZZ_LIB_OBJS := $(patsubst $(BUILD)/obj/%,$(FUZZ_BUILD)/obj/%,\
	$(filter-out $(FUZZ_NET_OBJS),$(LIB_OBJS)) $(EMBED_OBJ))
# Replay of corpora: leaks count, the first report stops the run.
FUZZ_ENV      := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 BOTD_INTENTS=$(abspath intents)

ASAN_BUILD    := build/asan
ASAN_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CHECK_EXTRA += fuzz-regress asan-test valgrind-e2e

.PHONY: fuzz fuzz-build fuzz-regress asan-build asan-test valgrind-e2e soak

# ---- libFuzzer ----------------------------------------------------------------

fuzz-build:
	@$(MAKE) -s --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang OPT="-O1 -g" \
		SAN_FLAGS="$(FUZZ_SAN)" $(FUZZ_LIB_OBJS)
	@$(MAKE) -s --no-print-directory $(FUZZ_BINS)

# Recursive (=) like PKG_CFLAGS, which it holds.
FUZZ_CC = clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
	-fno-sanitize-recover=all -fno-omit-frame-pointer $(PKG_CFLAGS) $(BOT_INC)

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/fuzz_common.h $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $(filter %.c %.o,$^) $(PKG_LIBS) -lm

# The targets that run whole dialogue turns share the demo database stack
# (demo_stack.c); a helper object, not a target, so not in FUZZ_TARGETS.
FUZZ_DEMO_TARGETS := dispatch kakao
$(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_DEMO_TARGETS)): $(FUZZ_BUILD)/demo_stack.o \
	$(FUZZ_DIR)/demo_stack.h

$(FUZZ_BUILD)/demo_stack.o: $(FUZZ_DIR)/demo_stack.c $(FUZZ_DIR)/demo_stack.h \
		$(FUZZ_DIR)/fuzz_common.h $(BOT_HDRS)
	$(FUZZ_CC) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

# Runs each target for FUZZ_SECONDS, reading its corpus and writing new finds
# to a scratch dir ($(FUZZ_BUILD)/work); a crashing input is written straight
# into tests/fuzz/corpus/<target>/ (crash-*, leak-*, timeout-*) so that
# fuzz-regress replays it from then on. FUZZ_MERGE=1 also merges the new
# finds into the committed corpus (keep it small: only when coverage grew).
FUZZ_MERGE ?= 0
fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_BUILD)/work/$$t; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		rc=0; $(FUZZ_ENV) timeout -k 10 $$(( $(FUZZ_SECONDS) + 120 )) \
			$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-max_len=4096 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/corpus/$$t/ \
			-dict=$(FUZZ_DIR)/dict/$$t.dict \
			$(FUZZ_BUILD)/work/$$t $(FUZZ_DIR)/corpus/$$t >$(FUZZ_BUILD)/fuzz_$$t.log 2>&1 || rc=$$?; \
		grep -E '^(#[0-9]+ +(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss|SUMMARY|artifact_prefix|Test unit written)' \
			$(FUZZ_BUILD)/fuzz_$$t.log || true; \
		if [ $$rc -ne 0 ]; then tail -60 $(FUZZ_BUILD)/fuzz_$$t.log; \
			echo "fuzz_$$t FAILED (rc $$rc); the input is in $(FUZZ_DIR)/corpus/$$t/"; exit 1; fi; \
		if [ "$(FUZZ_MERGE)" = 1 ]; then $(FUZZ_ENV) timeout 600 $(FUZZ_BUILD)/fuzz_$$t -merge=1 \
			-max_len=4096 $(FUZZ_DIR)/corpus/$$t $(FUZZ_BUILD)/work/$$t >/dev/null 2>&1; fi; \
	done

# Every corpus file (seeds, merged finds and past crashes) runs once.
fuzz-regress: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		n=$$(find $(FUZZ_DIR)/corpus/$$t -type f | wc -l); \
		test $$n -gt 0 || { echo "fuzz-regress: corpus/$$t is empty"; exit 1; }; \
		echo "== fuzz_$$t: replaying $$n inputs"; \
		find $(FUZZ_DIR)/corpus/$$t -type f -print0 | sort -z | \
			$(FUZZ_ENV) xargs -0 -n 200 timeout 300 $(FUZZ_BUILD)/fuzz_$$t -runs=1 >$(FUZZ_BUILD)/regress_$$t.log 2>&1 || \
			{ tail -40 $(FUZZ_BUILD)/regress_$$t.log; echo "fuzz_$$t: a corpus input fails"; exit 1; }; \
	done

# ---- AddressSanitizer + UndefinedBehaviorSanitizer ------------------------------

# botd and every unit test built with both sanitizers into $(ASAN_BUILD); the
# unit tests and the whole e2e suite run against it (tests/fuzz/asan-test.sh:
# reports go to files, and any report file fails the target).
asan-build:
	@$(MAKE) -s --no-print-directory BUILD=$(ASAN_BUILD) CC=clang OPT="-O1 -g" \
		SAN_FLAGS="$(ASAN_SAN)" $(ASAN_BUILD)/botd \
		$(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(UNIT_BINS))

asan-test: asan-build deps-npm
	@ASAN_BOTD=$(abspath $(ASAN_BUILD)/botd) sh $(FUZZ_DIR)/asan-test.sh \
		$(abspath $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(UNIT_BINS)))

# ---- valgrind memcheck ------------------------------------------------------------

# These e2e files run with BOTD = a wrapper that runs build/botd (plain -O2 -g
# build) under memcheck. Zero errors and no definite leaks in every process
# that exited; a process killed by the test (kill -9) has no summary, but any
# error it printed before still fails the run.
VALGRIND_E2E ?= e2e/foundation.test.mjs e2e/authz.test.mjs e2e/conformance.test.mjs
VALGRIND_LOGS := build/valgrind

valgrind-e2e: all deps-npm
	@mkdir -p $(VALGRIND_LOGS); logs=$$(mktemp -d $(abspath $(VALGRIND_LOGS))/run.XXXXXX); \
	echo "== valgrind e2e: $(VALGRIND_E2E) (logs in $$logs)"; \
	cd tests && VG_LOG_DIR=$$logs VG_BOTD=$(abspath $(BUILD)/botd) \
		BOTD=$(abspath $(FUZZ_DIR)/valgrind-botd.sh) timeout 1800 \
		node --test --test-concurrency=1 $(VALGRIND_E2E) >$$logs/e2e.out 2>&1; \
	rc=$$?; grep -E '^# (tests|pass|fail|todo)' $$logs/e2e.out; \
	if [ $$rc -ne 0 ]; then grep -B2 -A25 '^ *not ok' $$logs/e2e.out | grep -v '# TODO' | head -150; \
		echo "valgrind-e2e: e2e failed under valgrind (full output: $$logs/e2e.out)"; exit 1; fi; \
	sh $(abspath $(FUZZ_DIR))/valgrind-check.sh $$logs && rm -rf $$logs

# ---- soak (not part of make test) ------------------------------------------------

SOAK_SECONDS ?= 300
SOAK_CONNECTIONS ?= 2000
soak: all deps-npm
	@ulimit -n 65536 2>/dev/null || ulimit -n $$(ulimit -Hn); \
	cd tests && BOTD=$(abspath $(BUILD)/botd) SOAK_SECONDS=$(SOAK_SECONDS) \
		SOAK_CONNECTIONS=$(SOAK_CONNECTIONS) node soak/soak.mjs
