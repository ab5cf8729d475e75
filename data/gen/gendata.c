/* botd gen-data: a large synthetic database for benchmarks and data-scale
 * tests. The schema comes from store_open() (so it is always the daemon's
 * own); the rows go in through bulkload (prepared INSERTs, large
 * transactions, no journal until the end).
 *
 * Shapes follow data/schema.sql and the demo cast's stories, with plausible
 * proportions: most accounts on, a few OFF for balance; one to three cards;
 * about half on auto-payment, some of whose runs failed; charges and
 * refunds over the last year; free cash in each of its three states; monthly
 * tax invoices, a few failed for the reason the business status implies;
 * one-time virtual accounts. Member N is the master of account N (members
 * 1..accounts each own one account, so any of them can be given a token);
 * members above that are staff added to about one account in ten, a fifth
 * of whom have since left. The same seed gives the same file. */
#include "gendata.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bulkload.h"
#include "clock.h"
#include "log.h"
#include "store.h"

static const char usage[] =
	"usage: botd gen-data --accounts N --out FILE [--members M] [--seed S] [--now TIME]\n"
	"Writes a new SQLite database with the botd schema and N synthetic ad accounts\n"
	"(members, memberships, cards, auto-payment and its attempts, charges and\n"
	"refunds, refund accounts, free cash, tax invoices, virtual accounts).\n"
	"  --accounts N   ad accounts to generate, 1 to 20000000\n"
	"  --out FILE     database to create; it must not exist yet\n"
	"  --members M    members (default N + N/10): member i <= N is the master of\n"
	"                 account i; the rest are staff on about one account in ten\n"
	"  --seed S       random seed (default 1); the same seed gives the same data\n"
	"  --now TIME     the \"now\" the data is relative to (UTC, 2026-11-20T03:00:00Z;\n"
	"                 default: BOTD_NOW or the real time)\n"
	"  --help         this text\n"
	"1,000,000 accounts take a few minutes and about 2 GB.\n";

#define MAX_ACCOUNTS 20000000LL

/* ---- deterministic randomness ------------------------------------------- */

/* splitmix64: fast, good enough for synthetic data, reproducible per seed. */
static uint64_t rng_state;

static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t
rnd_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* True with probability PCT percent. */
static int
chance(int pct)
{
	return (int)(rnd() % 100) < pct;
}

#define PICK(arr) (arr[rnd() % (sizeof(arr) / sizeof(arr[0]))])

/* ---- vocabularies ---------------------------------------------------------- */

static const char *const surnames[] = {"김", "이", "박", "최", "정", "강", "조", "윤", "장",
				       "임", "한", "오", "서", "신", "권", "황", "안", "송"};
static const char *const given[] = {"민준", "서연", "지훈", "유나", "도윤", "지민", "하늘",
				    "세훈", "보라", "준호", "채원", "서준", "하은", "예준",
				    "지우", "수아", "시우", "지호", "은서", "현우"};
static const char *const biz_first[] = {"민준", "서연", "하늘", "바다", "초록", "햇살", "별빛",
					"한빛", "누리", "다온", "이음", "소담", "해온", "가람",
					"미소", "온새", "새봄", "루미", "모아", "단비"};
static const char *const biz_kind[] = {"상회", "뷰티", "테크", "플라워", "스튜디오", "푸드",
				       "커머스", "마켓", "공방", "치과", "한의원", "베이커리",
				       "카페", "필라테스", "인테리어", "렌탈", "교육", "여행"};
static const char *const branches[] = {"", "", "", "", "", "", " 본점", " 강남점", " 부산점",
				       " 2호점"};
static const char *const issuers[] = {"신한카드", "KB국민카드", "현대카드", "삼성카드",
				      "롯데카드", "하나카드", "우리카드", "BC카드", "NH농협카드"};
static const char *const banks[] = {"국민은행", "신한은행", "우리은행", "하나은행",
				    "농협은행", "기업은행", "카카오뱅크", "SC제일은행"};
/* Refusal codes the answers label (intents/autopay_failure.json), as in
 * demo.sql, for a card that could pay; card_expired and dormant_card follow
 * the card (card_refusal). */
static const char *const declines[] = {"limit_exceeded", "insufficient_funds", "card_suspended"};
static const char *const promos[] = {"신규 광고주 프로모션", "봄맞이 무상캐시",
				     "재방문 감사 캐시", "첫 충전 보너스", "연말 감사 캐시",
				     "소상공인 지원 캐시"};

/* ---- times ------------------------------------------------------------------ */

static time_t gen_now;

/* UTC text SECONDS before (negative: after) now, into BUF (>= 20 bytes). */
static const char *
ago(char *buf, int64_t seconds)
{
	clock_format_utc(gen_now - (time_t)seconds, buf);
	return buf;
}

#define DAY 86400LL

/* ---- the statements ------------------------------------------------------- */

enum {
	S_MEMBER,
	S_ACCOUNT,
	S_AM,
	S_CARD,
	S_AUTOPAY,
	S_ATTEMPT,
	S_REFUND_ACC,
	S_TX,
	S_FREE,
	S_TAX,
	S_VACC,
	S_KAKAO,
	S_N
};

static const char *const insert_sql[S_N] = {
	[S_MEMBER] = "INSERT INTO members (id, name, email, status, departed_at, created_at) "
		     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_ACCOUNT] = "INSERT INTO ad_accounts (id, account_no, name, status, off_reason, "
		      "cash_balance, business_reg_no, business_status, created_at) VALUES "
		      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_AM] = "INSERT INTO account_members (account_id, member_id, role, joined_at, left_at) "
		 "VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_CARD] = "INSERT INTO payment_cards (id, account_id, slot, issuer, last4, kind, "
		   "via_kakaopay, state, registered_by, last_paid_at, valid_thru) VALUES "
		   "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_AUTOPAY] = "INSERT INTO autopay (account_id, enabled, scheduled_amount, next_charge_at) "
		      "VALUES (?1, ?2, ?3, ?4)",
	[S_ATTEMPT] = "INSERT INTO autopay_attempts (account_id, card_id, run_at, amount, result, "
		      "decline_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_REFUND_ACC] = "INSERT INTO refund_accounts (account_id, bank, number, holder, "
			 "registered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_TX] = "INSERT INTO cash_transactions (account_id, kind, method, amount, vat, member_id, "
		 "card_id, refundable, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_FREE] = "INSERT INTO free_cash_grants (account_id, name, amount, remaining, granted_at, "
		   "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_TAX] = "INSERT INTO tax_invoices (account_id, month, amount, vat, status, "
		  "failure_reason, business_reg_no, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		  "?7, ?8)",
	[S_VACC] = "INSERT INTO virtual_accounts (account_id, bank, number, amount, sms_phone, "
		   "issued_by, issued_at, expires_at, paid_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		   "?8, ?9)",
	[S_KAKAO] = "INSERT INTO kakao_links (bot_user_key, member_id, linked_at) VALUES (?1, ?2, ?3)",
};

typedef struct gen {
	bulkload *bl;
	int st[S_N];
	int64_t accounts, members;
	int64_t next_card;
	int64_t rows;
	bot_err rc;
} gen;

/* Counts the row and remembers the first failure (checked once per batch,
 * which keeps the per-row code free of error plumbing). */
#define ROW(g, id, types, ...)                                                            \
	do {                                                                              \
		if (bulkload_row((g)->bl, (g)->st[id], types, __VA_ARGS__) != BOT_OK &&   \
		    (g)->rc == BOT_OK)                                                    \
			(g)->rc = BOT_ERR_DB;                                             \
		(g)->rows++;                                                              \
	} while (0)

/* Rounds a KRW amount to a plausible step. */
static int64_t
krw(int64_t lo, int64_t hi, int64_t step)
{
	return rnd_range(lo / step, hi / step) * step;
}

static void
gen_member(gen *g, int64_t id)
{
	char name[64], email[64], created[20], departed[20];
	int staff = id > g->accounts;
	/* Only staff leave: a departed master would orphan the account's story. */
	int gone = staff && chance(20);
	snprintf(name, sizeof(name), "%s%s", PICK(surnames), PICK(given));
	snprintf(email, sizeof(email), "user%" PRId64 "@example.com", id);
	int64_t age = rnd_range(60, 1500) * DAY;
	ROW(g, S_MEMBER, "ittttt", id, name, email, gone ? "departed" : "active",
	    gone ? ago(departed, rnd_range(1, 50) * DAY) : NULL, ago(created, age));
}

/* A month label 'YYYY-MM' MONTHS_BACK months before now, Asia/Seoul. */
static void
month_back(char *buf, size_t len, int months_back)
{
	struct tm tm;
	clock_kst_tm(gen_now, &tm);
	int m = tm.tm_year * 12 + tm.tm_mon - months_back;
	snprintf(buf, len, "%04d-%02d", m / 12 + 1900, m % 12 + 1);
}

/* One generated card and the times (seconds before now) that bound what it
 * can pay: PAID is its latest paid charge (-1: none yet). */
typedef struct gen_card {
	int64_t id;
	const char *kind;
	int dormant;
	int expired_months; /* valid until this many months back; 0: still valid */
	char valid_thru[16];
	int64_t paid;
} gen_card;

typedef struct gen_attempt {
	int64_t card;
	int64_t at;
	const char *why; /* NULL: paid */
} gen_attempt;

typedef struct gen_tx {
	int refund;
	const char *method;
	int64_t at, amount, payer, card, refundable;
} gen_tx;

/* Why card C cannot pay AT seconds before now (a refusal code), or NULL. A
 * dormant card was dormant for every time generated; an expired one from the
 * first day of the month after its valid_thru. */
static const char *
card_refusal(const gen_card *c, int64_t at)
{
	if (c->dormant)
		return "dormant_card";
	if (c->expired_months) {
		struct tm tm;
		clock_kst_tm(gen_now, &tm);
		time_t month_start =
			clock_kst_midnight(tm.tm_year + 1900, tm.tm_mon + 1 - c->expired_months + 1, 1);
		if (gen_now - (time_t)at >= month_start)
			return "card_expired";
	}
	return NULL;
}

static void
gen_account(gen *g, int64_t id)
{
	char no[16], name[96], reg[16], created[20], t1[20], t2[20], t3[20], buf[64];
	/* A bijection of 1..9,000,000 keeps account numbers unique and unordered. */
	snprintf(no, sizeof(no), "%07" PRId64, 1000000 + (id * 7919) % 9000000);
	snprintf(name, sizeof(name), "%s%s%s", PICK(biz_first), PICK(biz_kind), PICK(branches));
	int closed = chance(3), suspended = !closed && chance(2);
	int bad_reg = chance(1);
	if (bad_reg)
		snprintf(reg, sizeof(reg), "%09" PRId64, rnd_range(100000000, 999999999));
	else
		snprintf(reg, sizeof(reg), "%010" PRId64, rnd_range(1000000000, 8999999999LL));
	int off = closed || chance(8);
	const char *off_reason = NULL;
	if (off) {
		static const char *const reasons[] = {"insufficient_balance", "insufficient_balance",
						      "insufficient_balance", "manual", "review",
						      "suspended"};
		off_reason = closed ? "manual" : PICK(reasons);
	}
	int starved = off_reason && !strcmp(off_reason, "insufficient_balance");
	int64_t balance = starved ? 0 : krw(0, 2000000, 500);
	int64_t age_days = rnd_range(30, 1500);
	int64_t master = (id - 1) % (g->accounts < g->members ? g->accounts : g->members) + 1;

	/* Staff: about one account in ten has a second member, some since left. */
	int64_t staff = 0, staff_joined = 0, staff_left = 0;
	if (g->members > g->accounts && chance(10)) {
		staff = rnd_range(g->accounts + 1, g->members);
		staff_joined = rnd_range(20, age_days) * DAY;
		staff_left = chance(20) ? rnd_range(1, 19) * DAY : 0;
	}

	/* Cards: slot 0 main, then backups. A few have expired (valid_thru one
	 * or two months back) or gone dormant; the records agree with that, as
	 * in demo.sql: a try on an expired card is refused as card_expired, on a
	 * dormant one as dormant_card, and last_paid_at is the card's latest paid
	 * charge (tests/golden/demo_checks.sql states the rules). */
	int n_cards = chance(60) ? 1 : chance(75) ? 2 : 3;
	gen_card card[3];
	for (int s = 0; s < n_cards; s++) {
		static const char *const kinds[] = {"personal", "personal", "personal",
						    "personal", "personal", "corporate",
						    "corporate", "corporate", "corporate",
						    "shared_corporate"};
		gen_card *c = &card[s];
		memset(c, 0, sizeof(*c));
		c->id = ++g->next_card;
		c->kind = PICK(kinds);
		c->dormant = chance(5);
		/* Expired cards expire 1 or 2 months back; the rest 1 to 48 months on. */
		c->expired_months = !c->dormant && chance(4) ? (int)rnd_range(1, 2) : 0;
		month_back(c->valid_thru, sizeof(c->valid_thru),
			   c->expired_months ? c->expired_months : -(int)rnd_range(1, 48));
		/* A dormant card last paid long before any run below, so it was
		 * dormant in all of them. */
		c->paid = c->dormant ? rnd_range(183, 400) * DAY : -1;
	}

	/* Auto-payment and its monthly runs, trying the cards in order until one
	 * pays (or, for a starved account, the latest run refused by every card). */
	int64_t ap_amount = 0;
	gen_attempt att[4 * 3], run_paid[4];
	int n_att = 0, n_paid = 0;
	int autopay = chance(55) || starved;
	if (autopay) {
		ap_amount = krw(50000, 500000, 10000);
		int runs = (int)rnd_range(1, 4);
		for (int r = 0; r < runs; r++) {
			int64_t at = (r * 30 + rnd_range(0, 2)) * DAY + rnd_range(0, DAY);
			int all_fail = starved && r == 0;
			for (int s = 0; s < n_cards; s++) {
				const char *why = card_refusal(&card[s], at);
				int ok = !why && !all_fail && (s == n_cards - 1 || chance(90));
				if (!ok && !why)
					why = PICK(declines);
				att[n_att++] = (gen_attempt){card[s].id, at, why};
				if (ok) {
					if (card[s].paid < 0 || at < card[s].paid)
						card[s].paid = at;
					run_paid[n_paid++] = (gen_attempt){card[s].id, at, NULL};
					break;
				}
			}
		}
	}

	/* Charges and refunds over the last year (or the account's life): each
	 * paid auto-payment run is an autopay_card charge; a card charge is paid
	 * by a card that could pay then (with none, it is a transfer). */
	int n_tx = (int)rnd_range(0, 12);
	int64_t span = age_days < 365 ? age_days : 365;
	gen_tx tx[12 + 4];
	for (int t = 0; t < n_tx; t++) {
		gen_tx *x = &tx[t];
		static const char *const charge_methods[] = {"card", "card", "card", "card",
							     "card", "virtual_account",
							     "virtual_account", "virtual_account",
							     "bank_transfer", "bank_transfer"};
		x->refund = chance(15);
		x->method = x->refund ? (chance(60) ? "cash_refund" : "card_cancel")
				      : PICK(charge_methods);
		x->at = rnd_range(0, span * DAY);
		x->amount = krw(10000, 1000000, 1000);
		x->payer = staff && chance(30) ? staff : master;
		x->card = 0;
		int by_card = !strcmp(x->method, "card") || !strcmp(x->method, "autopay_card") ||
			      !strcmp(x->method, "card_cancel");
		if (by_card) {
			gen_card *c = &card[rnd() % (uint64_t)n_cards];
			if (card_refusal(c, x->at)) {
				x->method = x->refund ? "cash_refund" : "bank_transfer";
			} else {
				x->card = c->id;
				if (!x->refund && (c->paid < 0 || x->at < c->paid))
					c->paid = x->at;
			}
		}
		x->refundable = !x->refund && x->card && chance(40) ? krw(0, x->amount, 1000) : 0;
	}
	for (int i = 0; i < n_paid; i++)
		tx[n_tx++] = (gen_tx){0, "autopay_card", run_paid[i].at, ap_amount, master,
				      run_paid[i].card, 0};

	/* The FAQ's rule: a failed auto-payment turns the account OFF for
	 * insufficient balance. A latest run no card paid makes it so. */
	int last_of_latest = 0;
	while (last_of_latest + 1 < n_att && att[last_of_latest + 1].at == att[0].at)
		last_of_latest++;
	int latest_failed = n_att > 0 && att[last_of_latest].why;
	if (latest_failed && !starved) {
		starved = off = 1;
		off_reason = "insufficient_balance";
		balance = 0;
	}
	ROW(g, S_ACCOUNT, "ittttittt", id, no, name, off ? "off" : "on", off_reason, balance, reg,
	    closed ? "closed" : suspended ? "suspended" : "active", ago(created, age_days * DAY));
	ROW(g, S_AM, "iittn", id, master, "master", created);
	if (staff)
		ROW(g, S_AM, "iittt", id, staff, "member", ago(t1, staff_joined),
		    staff_left ? ago(t2, staff_left) : NULL);
	for (int s = 0; s < n_cards; s++) {
		char last4[8];
		snprintf(last4, sizeof(last4), "%04" PRId64, rnd_range(0, 9999));
		ROW(g, S_CARD, "iiitttititt", card[s].id, id, (int64_t)s, PICK(issuers), last4,
		    card[s].kind, (int64_t)chance(20), card[s].dormant ? "dormant" : "active",
		    staff && chance(30) ? staff : master,
		    card[s].paid >= 0 ? ago(t1, card[s].paid) : NULL, card[s].valid_thru);
	}
	if (autopay)
		ROW(g, S_AUTOPAY, "iiit", id, (int64_t)(starved || chance(90)), ap_amount,
		    ago(t1, -rnd_range(1, 30) * DAY));
	for (int i = 0; i < n_att; i++)
		ROW(g, S_ATTEMPT, "iititt", id, att[i].card, ago(t2, att[i].at), ap_amount,
		    att[i].why ? "declined" : "success", att[i].why);
	for (int t = 0; t < n_tx; t++)
		ROW(g, S_TX, "ittiiizit", id, tx[t].refund ? "refund" : "charge", tx[t].method,
		    tx[t].amount, tx[t].amount / 10, tx[t].payer, tx[t].card, tx[t].refundable,
		    ago(t1, tx[t].at));

	if (chance(30)) {
		snprintf(buf, sizeof(buf), "%03" PRId64 "-%06" PRId64 "-%02" PRId64 "-%03" PRId64,
			 rnd_range(100, 999), rnd_range(0, 999999), rnd_range(0, 99),
			 rnd_range(0, 999));
		ROW(g, S_REFUND_ACC, "itttt", id, PICK(banks), buf, name,
		    ago(t1, rnd_range(10, age_days) * DAY));
	}

	/* Free cash: in use, used up or expired. */
	int n_free = chance(50) ? 0 : (int)rnd_range(1, 3);
	for (int f = 0; f < n_free; f++) {
		int64_t amount = krw(10000, 300000, 10000);
		int state = (int)(rnd() % 3); /* 0 in use, 1 used up, 2 expired */
		int64_t granted = rnd_range(10, 300) * DAY;
		/* Seconds before now: positive is past (expired), negative future. */
		int64_t expires = state == 2 ? rnd_range(1, 9) * DAY : -rnd_range(5, 120) * DAY;
		int64_t remaining = state == 1 ? 0 : krw(0, amount, 1000);
		ROW(g, S_FREE, "itiitt", id, PICK(promos), amount, remaining, ago(t1, granted),
		    ago(t2, expires));
	}

	/* Tax invoices for the last months; failures follow the business. */
	int months = (int)(age_days / 30 < 6 ? age_days / 30 : 6);
	for (int m = 1; m <= months; m++) {
		char month[16];
		month_back(month, sizeof(month), m);
		int64_t amount = krw(50000, 3000000, 1000);
		const char *status = "issued", *why = NULL;
		if (closed && m <= 2) {
			status = "failed";
			why = "business_closed";
		} else if (bad_reg) {
			status = "failed";
			why = "invalid_reg_no";
		} else if (suspended && m == 1) {
			status = "failed";
			why = "business_suspended";
		} else if (m == 1 && chance(10)) {
			status = "pending";
		} else if (chance(1)) {
			status = "failed";
			why = "other";
		}
		ROW(g, S_TAX, "itiitttt", id, month, amount, amount / 10, status, why, reg,
		    ago(t1, (m * 30 - 10) * DAY));
	}

	/* One-time virtual accounts: valid for a week, most paid. */
	if (chance(15)) {
		int n_va = (int)rnd_range(1, 2);
		for (int v = 0; v < n_va; v++) {
			int64_t issued = rnd_range(0, 60) * DAY + rnd_range(0, DAY);
			int paid = issued > 7 * DAY ? chance(80) : chance(40);
			char phone[24];
			snprintf(buf, sizeof(buf), "%03" PRId64 "-%06" PRId64 "-%05" PRId64,
				 rnd_range(100, 999), rnd_range(0, 999999), rnd_range(0, 99999));
			snprintf(phone, sizeof(phone), "010-****-%04" PRId64, rnd_range(0, 9999));
			ROW(g, S_VACC, "ittitittt", id, PICK(banks), buf, krw(10000, 2000000, 10000),
			    phone, master, ago(t1, issued), ago(t2, issued - 7 * DAY),
			    paid ? ago(t3, issued - rnd_range(60, 5 * DAY)) : NULL);
		}
	}

	/* A KakaoTalk link for one master in five (keyed by the account: unique). */
	if (id == master && chance(20)) {
		snprintf(buf, sizeof(buf), "gen-%016" PRIx64 "-%" PRId64, rnd(), id);
		ROW(g, S_KAKAO, "tit", buf, master, ago(t1, rnd_range(1, 300) * DAY));
	}
}

static int
parse_count(const char *flag, const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || !end || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "botd gen-data: %s: expected a whole number from %lld to %lld, not %s\n",
			flag, (long long)lo, (long long)hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

static double
mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
gendata_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"accounts", required_argument, NULL, 'a'},
		{"out", required_argument, NULL, 'o'},
		{"members", required_argument, NULL, 'm'},
		{"seed", required_argument, NULL, 's'},
		{"now", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int64_t accounts = 0, members = 0, seed = 1;
	const char *out = NULL, *now_text = getenv("BOTD_NOW");
	int opt;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			if (parse_count("--accounts", optarg, 1, MAX_ACCOUNTS, &accounts))
				return 2;
			break;
		case 'm':
			if (parse_count("--members", optarg, 1, 2 * MAX_ACCOUNTS, &members))
				return 2;
			break;
		case 's':
			if (parse_count("--seed", optarg, 0, INT64_MAX, &seed))
				return 2;
			break;
		case 'o': out = optarg; break;
		case 'n': now_text = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			fprintf(stderr, "botd gen-data: unknown or incomplete option %s\n"
					"Try 'botd gen-data --help'.\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "botd gen-data: unexpected argument %s\n", argv[optind]);
		return 2;
	}
	if (!accounts || !out) {
		fprintf(stderr, "botd gen-data: --accounts N and --out FILE are required\n"
				"Try 'botd gen-data --help'.\n");
		return 2;
	}
	struct stat sb;
	if (stat(out, &sb) == 0) {
		fprintf(stderr, "botd gen-data: %s already exists; remove it or choose another name\n",
			out);
		return 2;
	}
	gen_now = time(NULL);
	if (now_text && *now_text && clock_parse_utc(now_text, &gen_now) != BOT_OK) {
		fprintf(stderr, "botd gen-data: --now: not a UTC time like 2026-11-20T03:00:00Z: %s\n",
			now_text);
		return 2;
	}
	if (!members)
		members = accounts + accounts / 10;
	rng_state = (uint64_t)seed * 0x2545f4914f6cdd1dULL + 1;

	/* The schema is the store's own; then the store lets go of the file. */
	char err[512] = "";
	store *st = NULL;
	store_options so = {.path = out};
	log_set_level(LOG_WARN);
	if (store_open(&so, &st, err, sizeof(err)) != BOT_OK) {
		fprintf(stderr, "botd gen-data: %s\n", err);
		return 1;
	}
	store_close(st);

	gen g = {.accounts = accounts, .members = members};
	if (bulkload_open(out, &g.bl, err, sizeof(err)) != BOT_OK)
		goto fail;
	for (int i = 0; i < S_N; i++)
		if (bulkload_prepare(g.bl, insert_sql[i], &g.st[i], err, sizeof(err)) != BOT_OK)
			goto fail;

	double t0 = mono_s();
	/* Big transactions: the per-commit cost vanishes, memory stays bounded. */
	const int64_t batch = 20000;
	if (bulkload_exec(g.bl, "BEGIN", err, sizeof(err)) != BOT_OK)
		goto fail;
	for (int64_t m = 1; m <= members; m++) {
		gen_member(&g, m);
		if (m % (batch * 4) == 0 && (bulkload_exec(g.bl, "COMMIT; BEGIN", err, sizeof(err)) ||
					     g.rc))
			goto fail_rows;
	}
	for (int64_t a = 1; a <= accounts; a++) {
		gen_account(&g, a);
		if (a % batch == 0) {
			if (g.rc)
				goto fail_rows;
			if (bulkload_exec(g.bl, "COMMIT; BEGIN", err, sizeof(err)))
				goto fail;
			if (a % (batch * 10) == 0)
				fprintf(stderr, "botd gen-data: %" PRId64 " of %" PRId64
						" accounts (%.0f s)\n",
					a, accounts, mono_s() - t0);
		}
	}
	if (g.rc)
		goto fail_rows;
	if (bulkload_exec(g.bl, "COMMIT", err, sizeof(err)) != BOT_OK)
		goto fail;
	bot_err rc = bulkload_close(g.bl, err, sizeof(err));
	g.bl = NULL;
	if (rc != BOT_OK)
		goto fail;
	if (stat(out, &sb) != 0)
		sb.st_size = 0;
	fprintf(stderr,
		"botd gen-data: %s: %" PRId64 " accounts, %" PRId64 " members, %" PRId64
		" rows, %.1f MB in %.1f s\n",
		out, accounts, members, g.rows, (double)sb.st_size / 1e6, mono_s() - t0);
	return 0;
fail_rows:
	snprintf(err, sizeof(err), "insert failed: %s", bulkload_errmsg(g.bl));
fail:
	fprintf(stderr, "botd gen-data: %s\n", err);
	bulkload_close(g.bl, NULL, 0);
	remove(out);
	return 1;
}
