# botd: the consultation chatbot daemon.
#   make            build build/botd
#   make run        install what is missing, build, serve the demo on 127.0.0.1:8080
#   make test       install what is missing, build, run every suite
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
BUILD   ?= build
HOST    ?= 127.0.0.1
PORT    ?= 8080
DEMO_DB ?= $(BUILD)/demo.db

CC      ?= cc
PKGS    := libwebsockets jansson sqlite3 libpcre2-8 libutf8proc libjwt
# Recursive (=) so pkg-config runs after `make deps` has installed the libraries.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))

VERSION := 0.1.0
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
OPT     ?= -O2 -g
SAN_FLAGS ?=
CFLAGS  += -std=gnu11 $(OPT) $(WARN) $(SAN_FLAGS) -D_GNU_SOURCE -DBOTD_VERSION=\"$(VERSION)\"
LDFLAGS += $(SAN_FLAGS)

# bot/ holds one folder per layer (see README, Layout); data/gen the
# generator of large data sets behind `botd gen-data`. Module names are
# unique across folders, so objects stay flat: $(BUILD)/obj/<module>.o.
BOT_DIRS := $(sort $(dir $(wildcard bot/*/*.c))) data/gen/
BOT_SRCS := $(wildcard bot/*/*.c) $(wildcard data/gen/*.c)
BOT_HDRS := $(wildcard bot/*/*.h) $(wildcard data/gen/*.h)
BOT_INC  := $(patsubst %/,-I%,$(BOT_DIRS))
BOT_OBJS := $(addprefix $(BUILD)/obj/,$(notdir $(BOT_SRCS:.c=.o)))
vpath %.c $(BOT_DIRS)
LIB_OBJS := $(filter-out $(BUILD)/obj/main.o,$(BOT_OBJS))
# The SQL of data/ compiled into the binary (see data/embed-sql.sh).
EMBED_OBJ := $(BUILD)/obj/embedded_sql.o
DATA_SQL  := data/schema.sql data/demo.sql $(sort $(wildcard data/migrations/*.sql))

# Debian packages the build, the tests and the demo need.
DEB_PKGS := build-essential pkg-config libwebsockets-dev libjansson-dev libsqlite3-dev \
	libpcre2-dev libutf8proc-dev libjwt-dev libcmocka-dev sqlite3 clang libclang-rt-14-dev \
	valgrind
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-apt deps-npm run test check unit intents-check devset e2e \
	clean install bench bench-intents asan-test fuzz

all: $(BUILD)/botd

$(BUILD)/obj/%.o: %.c $(BOT_HDRS) | $(BUILD)/obj
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(BOT_INC) -c -o $@ $<

$(BUILD)/botd: $(BOT_OBJS) $(EMBED_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# data/migrations itself: its time changes when a migration is added or
# removed, which the files' own times do not show.
$(BUILD)/obj/embedded_sql.c: data/embed-sql.sh $(DATA_SQL) data/migrations | $(BUILD)/obj
	sh data/embed-sql.sh > $@.tmp && mv $@.tmp $@

$(EMBED_OBJ): $(BUILD)/obj/embedded_sql.c
	$(CC) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

deps: deps-apt deps-npm

deps-apt:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

deps-npm: tests/node_modules/.package-lock.json

tests/node_modules/.package-lock.json: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund
	touch $@

# ---- running ---------------------------------------------------------------

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/botd --host $(HOST) --port $(PORT) --db $(DEMO_DB) --demo

# ---- tests -----------------------------------------------------------------

# Unit tests link only their module (plus err, log, clock and strbuf, which every
# module uses).
UNIT_TESTS := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(patsubst %,$(BUILD)/tests/test_%,$(UNIT_TESTS))
# Extra modules a unit test needs, when its module calls them.
# The store: its interface (store.c) and the SQLite backend (sq_*.c).
STORE_MODULES := store store_data $(patsubst bot/store/%.c,%,$(wildcard bot/store/sq_*.c)) \
	waitq rovfs embedded_sql
# The intent engine (bot/nlu).
NLU_MODULES := intent intent_file intent_hits intent_slots intent_followup intent_check \
	normalize slot slot_dates calendar lexicon lex_index lex_words lex_load lex_match \
	lex_clause jamo learn rx
LEXICON_MODULES := lexicon lex_index lex_words lex_load lex_match lex_clause
UNIT_DEPS_intent := $(filter-out intent,$(NLU_MODULES))
UNIT_DEPS_lexicon := $(filter-out intent intent_file intent_hits intent_slots intent_followup intent_check lexicon,$(NLU_MODULES))
UNIT_DEPS_answer := template
UNIT_DEPS_dialog := $(NLU_MODULES) answer queryjson template $(STORE_MODULES) hours wiring
UNIT_DEPS_store  := $(filter-out store,$(STORE_MODULES)) queryjson
UNIT_DEPS_durability := $(STORE_MODULES)
UNIT_DEPS_config := clock hours
UNIT_DEPS_hours  := clock
UNIT_DEPS_agentproto := chatproto frame
UNIT_DEPS_chatproto := frame
# The endpoints' tests run the whole bot but the network side.
ENDPOINT_MODULES := endpoint chat agent outbox commit durability hub handoff wiring dialog \
	$(NLU_MODULES) answer queryjson template chatproto agentproto frame chatsend agentsend \
	token metrics hours config $(STORE_MODULES)
UNIT_DEPS_chat := $(filter-out chat,$(ENDPOINT_MODULES))
UNIT_DEPS_agent := $(filter-out agent,$(ENDPOINT_MODULES))
UNIT_DEPS_handoff := dialog $(NLU_MODULES) answer queryjson template hours wiring config metrics \
	$(STORE_MODULES)
UNIT_DEPS_chatsend := store_data
UNIT_DEPS_agentsend := chatsend store_data

.SECONDEXPANSION:
$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/obj/%.o $(BUILD)/obj/err.o $(BUILD)/obj/log.o \
		$(BUILD)/obj/clock.o $(BUILD)/obj/strbuf.o \
		$$(addprefix $(BUILD)/obj/,$$(addsuffix .o,$$(UNIT_DEPS_$$*))) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(BOT_INC) -o $@ $^ $(PKG_LIBS) -lcmocka -lm

test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory check

# Each test area may add its own rules and suites in tests/<area>/rules.mk,
# appending suite targets to CHECK_EXTRA (run by make test after e2e).
CHECK_EXTRA :=
-include $(sort $(wildcard tests/*/rules.mk))

check: all unit intents-check devset golden e2e $(CHECK_EXTRA)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

intents-check: all
	$(BUILD)/botd check --intents intents

# The dev sets: a public sample (dev.tsv) and questions written blind from
# the FAQ by someone who never saw the intent files (set_a and set_e: one
# question each; two_topics; followups: a second message in context).
DEVSETS := tests/intents/dev.tsv tests/intents/set_a.tsv tests/intents/set_e.tsv \
	tests/intents/two_topics.tsv tests/intents/followups.tsv

devset: all
	@set -e; for f in $(DEVSETS); do node tests/intents/devset.mjs $(BUILD)/botd $$f; done

e2e: all deps-npm
	cd tests && BOTD=$(abspath $(BUILD)/botd) node --test --test-concurrency=1 e2e/

# ---- install ---------------------------------------------------------------

# SYSCONFDIR is /etc for every PREFIX (not PREFIX/etc): the systemd unit's
# ConfigurationDirectory= and EnvironmentFile= live under /etc whatever the
# prefix, and one place for the configuration is what an operator expects.
# The unit goes to PREFIX/lib/systemd/system (/usr/local/lib/systemd/system
# is on systemd's search path too); the template gets the real paths.
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
MANDIR     ?= $(PREFIX)/share/man

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/botd/intents \
		$(DESTDIR)$(PREFIX)/share/botd/www $(DESTDIR)$(PREFIX)/share/botd/data/migrations \
		$(DESTDIR)$(SYSCONFDIR)/botd $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/botd $(DESTDIR)$(PREFIX)/bin/botd
	install -m 0644 intents/*.json $(DESTDIR)$(PREFIX)/share/botd/intents/
	install -m 0644 data/*.sql $(DESTDIR)$(PREFIX)/share/botd/data/
	for f in $(wildcard data/migrations/*.sql); do \
		install -m 0644 $$f $(DESTDIR)$(PREFIX)/share/botd/data/migrations/ || exit 1; \
	done
	cp -R bot/www/. $(DESTDIR)$(PREFIX)/share/botd/www/
	chmod -R u=rwX,go=rX $(DESTDIR)$(PREFIX)/share/botd/www
	install -m 0644 data/botd.example.json $(DESTDIR)$(SYSCONFDIR)/botd/botd.json.example
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' data/botd.service.in \
		> $(DESTDIR)$(UNITDIR)/botd.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/botd.service.tmp
	mv $(DESTDIR)$(UNITDIR)/botd.service.tmp $(DESTDIR)$(UNITDIR)/botd.service
	install -m 0644 data/botd.8 $(DESTDIR)$(MANDIR)/man8/botd.8

# Removes what install put there; the configuration an operator wrote
# (botd.json, env) and the database are left alone.
.PHONY: uninstall
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/botd $(DESTDIR)$(UNITDIR)/botd.service \
		$(DESTDIR)$(MANDIR)/man8/botd.8 $(DESTDIR)$(SYSCONFDIR)/botd/botd.json.example
	rm -rf $(DESTDIR)$(PREFIX)/share/botd
	-rmdir $(DESTDIR)$(SYSCONFDIR)/botd 2>/dev/null

clean:
	rm -rf $(BUILD)

# ---- intent engine benchmark (not a timed test) -----------------------------

BENCH_INTENTS_OBJS := $(addprefix $(BUILD)/obj/,$(addsuffix .o,$(NLU_MODULES))) \
	$(BUILD)/obj/err.o $(BUILD)/obj/log.o $(BUILD)/obj/clock.o $(BUILD)/obj/strbuf.o

$(BUILD)/tests/bench_intents: tests/bench/bench_intents.c $(BENCH_INTENTS_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(BOT_INC) -o $@ $^ $(PKG_LIBS) -lm

bench-intents: $(BUILD)/tests/bench_intents
	$(BUILD)/tests/bench_intents intents

# ---- golden answers (tests/golden: one expected reply per demo member x intent x language)
.PHONY: golden
golden: all
	python3 tests/golden/answer_specs.py check
	sh tests/golden/run.sh $(BUILD)/botd
