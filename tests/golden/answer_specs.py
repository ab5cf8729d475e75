#!/usr/bin/env python3
"""The "answer" key of every intent file, kept in one place.

    python3 tests/golden/answer_specs.py write   # set "answer" in intents/<id>.json
    python3 tests/golden/answer_specs.py check   # exit 1 when a file differs

Other keys of the intent files belong to other people and are edited
concurrently: this script loads each file, replaces only "answer" and writes
the rest back unchanged. Files that do not exist yet are skipped (reported).
The format is documented in intents/README.md.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INTENTS = os.path.join(ROOT, "intents")

# Where things are in the admin centre (paths as the help centre gives them).
CASH_PATH_KO = "모먼트 관리자센터 > 광고계정 > 설정 > 캐시관리"
CASH_PATH_EN = "Moment admin centre > Ad account > Settings > Cash management"
HIST_PATH_KO = CASH_PATH_KO + " > 충전내역"
HIST_PATH_EN = CASH_PATH_EN + " > Charge history"
TAX_PATH_KO = "카카오모먼트 관리자센터 > 광고계정 > 설정 > 광고계정 관리 > 세금계산서 '발행내역'"
TAX_PATH_EN = ("Kakao Moment admin centre > Ad account > Settings > Ad account management > "
               "Tax invoices > 'Issue history'")
DASH_PATH_KO = "모먼트 관리자센터 > 광고계정 > 대시보드 > 광고계정 차트 펼침 버튼"
DASH_PATH_EN = "Moment admin centre > Ad account > Dashboard > the ad account chart's expand button"
SETTINGS_PATH_KO = "모먼트 관리자센터 > 광고계정 > 설정"
SETTINGS_PATH_EN = "Moment admin centre > Ad account > Settings"

MORE_KO = "- 나머지 내역은 관리자센터에서 확인하실 수 있어요.\n"
MORE_EN = "- More entries are in the admin centre.\n"

ACCOUNT_LABELS = {
    "ko": {"on": "ON(운영 중)", "off": "OFF(중지)", "insufficient_balance": "잔액부족",
           "manual": "직접 OFF", "review": "심사", "suspended": "이용 정지"},
    "en": {"on": "ON (running)", "off": "OFF (stopped)", "insufficient_balance": "insufficient balance",
           "manual": "turned off by hand", "review": "under review", "suspended": "suspended"},
}
CARD_LABELS = {
    "ko": {"0": "결제카드", "1": "예비카드1", "2": "예비카드2",
           "personal": "개인카드", "corporate": "법인카드", "shared_corporate": "공용법인카드",
           "active": "정상", "dormant": "휴면"},
    "en": {"0": "main card", "1": "backup card 1", "2": "backup card 2",
           "personal": "personal card", "corporate": "corporate card",
           "shared_corporate": "shared corporate card", "active": "active", "dormant": "dormant"},
}


def merged(*dicts):
    out = {"ko": {}, "en": {}}
    for d in dicts:
        for lang in ("ko", "en"):
            out[lang].update(d[lang])
    return out


SPECS = {}

# ---- free cash ----------------------------------------------------------------
SPECS["free_cash_status"] = {
    "needs_account": True,
    "queries": {
        "grants": {
            # Expired wins over used up: a used-up grant past its expiry is expired.
            "sql": "SELECT name, amount, remaining, granted_at, expires_at, "
                   "CASE WHEN expires_at <= :now THEN 'expired' WHEN remaining = 0 THEN 'used_up' "
                   "ELSE 'in_use' END AS state FROM free_cash_grants WHERE account_id = :account "
                   "ORDER BY CASE WHEN expires_at <= :now THEN 2 WHEN remaining = 0 THEN 1 ELSE 0 END, "
                   "CASE WHEN expires_at <= :now THEN NULL ELSE expires_at END, expires_at DESC, id",
            "max_rows": 10,
        },
        "totals": {
            "sql": "SELECT COALESCE(SUM(remaining), 0) AS remaining, MIN(expires_at) AS soonest "
                   "FROM free_cash_grants WHERE account_id = :account AND expires_at > :now "
                   "AND remaining > 0",
            "max_rows": 1,
        },
    },
    "labels": {
        "ko": {"in_use": "사용중", "used_up": "사용완료", "expired": "만료"},
        "en": {"in_use": "in use", "used_up": "used up", "expired": "expired"},
    },
    "ko": "{{account_name}}({{account_no}}) 광고계정의 무상캐시 현황이에요.\n"
          "{{#grants}}- {{name}}: {{state|label}} · 남은 금액 {{remaining|won}} / 지급 {{amount|won}} · "
          "만료일 {{expires_at|date}}\n{{/grants}}"
          "{{#grants_more}}" + MORE_KO + "{{/grants_more}}"
          "{{^grants}}이 광고계정에 지급된 무상캐시가 없어요.\n{{/grants}}"
          "\n{{#totals.soonest}}지금 쓸 수 있는 무상캐시는 모두 {{totals.remaining|won}}이고, "
          "가장 먼저 만료되는 날짜는 {{totals.soonest|date}}이에요.{{/totals.soonest}}"
          "{{^totals.soonest}}지금 쓸 수 있는 무상캐시는 없어요.{{/totals.soonest}}\n\n"
          "상태는 이렇게 구분돼요. 사용중은 무상캐시로 광고를 집행하고 있는 상태, 사용완료는 모두 쓴 상태, "
          "만료는 만료일이 지난 상태예요. 다 쓴 무상캐시도 만료일이 지나면 '만료'로 바뀌어요.\n"
          "[경로] " + CASH_PATH_KO,
    "en": "Free cash on ad account {{account_name}} ({{account_no}}):\n"
          "{{#grants}}- {{name}}: {{state|label}}, {{remaining|won}} left of {{amount|won}}, "
          "expires {{expires_at|date}}\n{{/grants}}"
          "{{#grants_more}}" + MORE_EN + "{{/grants_more}}"
          "{{^grants}}No free cash has been granted to this ad account.\n{{/grants}}"
          "\n{{#totals.soonest}}Usable free cash in total: {{totals.remaining|won}}; the soonest "
          "expiry is {{totals.soonest|date}}.{{/totals.soonest}}"
          "{{^totals.soonest}}There is no usable free cash right now.{{/totals.soonest}}\n\n"
          "How the states work: 'in use' means ads are running on the free cash, 'used up' means "
          "all of it has been spent, and 'expired' means its expiry date has passed. A used-up "
          "grant also turns 'expired' once its expiry date passes.\n"
          "Where: " + CASH_PATH_EN,
    "general": {
        "ko": "무상캐시는 세 가지 상태로 표시돼요.\n"
              "- 사용중: 무상캐시로 광고를 집행하고 있는 상태\n"
              "- 사용완료: 무상캐시를 모두 쓴 상태\n"
              "- 만료: 만료일이 지난 상태 (다 쓴 무상캐시도 만료일이 지나면 '만료'로 바뀌어요)\n"
              "[경로] " + CASH_PATH_KO,
        "en": "Free cash shows one of three states:\n"
              "- in use: ads are running on the free cash\n"
              "- used up: all of it has been spent\n"
              "- expired: its expiry date has passed (a used-up grant also turns 'expired' "
              "after that date)\n"
              "Where: " + CASH_PATH_EN,
    },
}

# ---- tax invoices ---------------------------------------------------------------
TAX_FAILED_SQL = (
    "SELECT month, amount, vat, failure_reason, business_reg_no, issued_at FROM tax_invoices "
    "WHERE account_id = :account AND status = 'failed' "
    # The admin centre shows the last 12 months, counted on the Seoul calendar.
    "AND month >= strftime('%Y-%m', :now, '+9 hours', 'start of month', '-11 months') "
    "AND (:month IS NULL OR month = :month) ORDER BY month DESC")
TAX_LABELS = {
    "ko": {"business_closed": "폐업한 사업자", "invalid_reg_no": "사업자등록번호 오류",
           "business_suspended": "휴업 중인 사업자", "other": "기타 사유",
           "active": "정상", "suspended": "휴업", "closed": "폐업"},
    "en": {"business_closed": "the business is closed",
           "invalid_reg_no": "invalid business registration number",
           "business_suspended": "the business is suspended", "other": "another reason",
           "active": "active", "suspended": "suspended", "closed": "closed"},
}
SPECS["tax_invoice_failed"] = {
    "needs_account": True,
    "queries": {"failed": {"sql": TAX_FAILED_SQL, "max_rows": 12}},
    "labels": TAX_LABELS,
    "ko": "{{#failed_count}}{{account_name}}({{account_no}}) 광고계정에서 최근 12개월 동안 발행에 실패한 "
          "세금계산서{{#month}}({{month|month}}분){{/month}}예요.\n{{/failed_count}}"
          "{{#failed}}- {{month|month}}분 · 공급가액 {{amount|won}} (부가세 {{vat|won}}) · "
          "실패 사유: {{failure_reason|label}} · 사업자등록번호 {{business_reg_no}}\n{{/failed}}"
          "{{#failed_more}}" + MORE_KO + "{{/failed_more}}"
          "{{^failed}}{{account_name}}({{account_no}}) 광고계정에는 최근 12개월 동안"
          "{{#month}} {{month|month}}분으로{{/month}} 발행에 실패한 세금계산서가 없어요.\n{{/failed}}"
          "\n세금계산서는 폐업한 사업자이거나 사업자등록번호가 잘못된 경우 발행에 실패할 수 있어요. "
          "발행내역의 상태가 '발행실패'인 건을 누르면 실패 사유를 볼 수 있어요 (최근 12개월까지 조회).\n"
          "[경로] " + TAX_PATH_KO + "\n"
          "{{#failed_count}}바뀐 사업자 정보로 다시 받으시려면 '수정발행 요청'을 눌러 주세요. "
          "실패한 세금계산서를 첨부해 상담직원에게 연결해 드려요.{{/failed_count}}",
    "en": "{{#failed_count}}Tax invoices for ad account {{account_name}} ({{account_no}}) that "
          "failed to issue in the last 12 months{{#month}} ({{month|month}}){{/month}}:\n{{/failed_count}}"
          "{{#failed}}- {{month|month}}: supply amount {{amount|won}} (VAT {{vat|won}}), "
          "reason: {{failure_reason|label}}, business registration no. {{business_reg_no}}\n{{/failed}}"
          "{{#failed_more}}" + MORE_EN + "{{/failed_more}}"
          "{{^failed}}No tax invoice{{#month}} for {{month|month}}{{/month}} failed to issue on ad "
          "account {{account_name}} ({{account_no}}) in the last 12 months.\n{{/failed}}"
          "\nAn invoice can fail when the business has closed or its registration number is "
          "wrong. In the issue history, click an entry whose status is 'Issue failed' to see "
          "the reason (the last 12 months are listed).\n"
          "Where: " + TAX_PATH_EN + "\n"
          "{{#failed_count}}To receive it again with updated business details, tap 'Request a "
          "corrected invoice' and I will pass the failed invoices to a support agent."
          "{{/failed_count}}",
    "general": {
        "ko": "세금계산서는 폐업한 사업자이거나 사업자등록번호가 잘못된 경우 발행에 실패할 수 있어요. "
              "발행내역(최근 12개월)에서 상태가 '발행실패'인 건을 누르면 실패 사유를 볼 수 있어요.\n"
              "[경로] " + TAX_PATH_KO + "\n"
              "바뀐 사업자 정보로 다시 받으시려면 담당 대행사나 '카카오비즈니스' 카카오톡 상담톡으로 "
              "요청해 주세요.",
        "en": "A tax invoice can fail to issue when the business has closed or its registration "
              "number is wrong. In the issue history (last 12 months), click an entry whose "
              "status is 'Issue failed' to see the reason.\n"
              "Where: " + TAX_PATH_EN + "\n"
              "To receive it again with updated business details, ask your agency or the "
              "'Kakao Business' KakaoTalk consultation chat.",
    },
    "quick_replies": {
        "ko": [{"label": "수정발행 요청", "value": "intent:tax_invoice_reissue"}],
        "en": [{"label": "Request a corrected invoice", "value": "intent:tax_invoice_reissue"}],
    },
}

SPECS["tax_invoice_reissue"] = {
    "needs_account": True,
    # Changing the business on an issued or failed invoice is done by people.
    "handoff": True,
    "attach": ["failed", "business"],
    "queries": {
        "failed": {"sql": TAX_FAILED_SQL, "max_rows": 12},
        "business": {
            "sql": "SELECT business_reg_no, business_status FROM ad_accounts WHERE id = :account",
            "max_rows": 1,
        },
    },
    "labels": TAX_LABELS,
    "ko": "세금계산서 수정발행은 상담직원이 직접 처리해 드려야 해요. "
          "{{account_name}}({{account_no}}) 광고계정 정보를 상담직원에게 함께 전달할게요.\n"
          "{{#failed_count}}최근 12개월 동안 발행에 실패한 아래 세금계산서도 함께 전달돼요.\n{{/failed_count}}"
          "{{#failed}}- {{month|month}}분 · 공급가액 {{amount|won}} (부가세 {{vat|won}}) · "
          "실패 사유: {{failure_reason|label}}\n{{/failed}}"
          "{{#failed_more}}" + MORE_KO + "{{/failed_more}}"
          "{{#business}}현재 등록된 사업자 정보: 사업자등록번호 {{business_reg_no}} · "
          "상태 {{business_status|label}}\n{{/business}}"
          "\n사업자 정보 자체를 바꾸셔야 한다면 카카오비즈니스 관리자센터나 카카오비즈니스 "
          "고객센터로 문의해 주세요. 담당 대행사(마케터)가 있다면 대행사를 통해서도 요청하실 수 있어요.",
    "en": "A corrected tax invoice has to be handled by a support agent. I'll pass the details of "
          "ad account {{account_name}} ({{account_no}}) on to them.\n"
          "{{#failed_count}}These invoices that failed to issue in the last 12 months go along "
          "too:\n{{/failed_count}}"
          "{{#failed}}- {{month|month}}: supply amount {{amount|won}} (VAT {{vat|won}}), "
          "reason: {{failure_reason|label}}\n{{/failed}}"
          "{{#failed_more}}" + MORE_EN + "{{/failed_more}}"
          "{{#business}}Business details on file: registration no. {{business_reg_no}}, "
          "status {{business_status|label}}\n{{/business}}"
          "\nIf the business details themselves need changing, contact the Kakao Business admin "
          "centre or Kakao Business customer centre. If an agency (marketer) manages your "
          "account, you can also ask through them.",
    "general": {
        "ko": "사업자 정보가 바뀌었거나 휴업·폐업 등으로 세금계산서 수정발행이 필요하시면 담당 "
              "마케터(대행사)나 '카카오비즈니스' 카카오톡 상담톡으로 요청해 주세요. 사업자 정보 "
              "변경은 카카오비즈니스 관리자센터나 카카오비즈니스 고객센터로 문의하시면 돼요.\n"
              "[경로] 발행내역 확인: " + TAX_PATH_KO,
        "en": "If you need a corrected tax invoice because your business details changed or the "
              "business was suspended or closed, ask your marketer (agency) or the 'Kakao "
              "Business' KakaoTalk consultation chat. To change the business details, contact "
              "the Kakao Business admin centre or Kakao Business customer centre.\n"
              "Issue history: " + TAX_PATH_EN,
    },
}

# ---- departed member's card payments -----------------------------------------------
DEPARTED = ("FROM cash_transactions t JOIN members m ON m.id = t.member_id "
            "LEFT JOIN account_members am ON am.account_id = t.account_id AND am.member_id = t.member_id "
            "LEFT JOIN payment_cards c ON c.id = t.card_id "
            "WHERE t.account_id = :account AND t.kind = 'charge' "
            "AND t.method IN ('card', 'autopay_card') "
            "AND (m.status = 'departed' OR am.left_at IS NOT NULL)")
SPECS["departed_member_refund"] = {
    "needs_account": True,
    "queries": {
        "pays": {
            "sql": "SELECT t.created_at, t.amount, t.refundable, m.name AS payer, "
                   "c.issuer, c.last4 " + DEPARTED + " ORDER BY t.created_at DESC, t.id DESC",
            "max_rows": 10,
        },
        "totals": {
            "sql": "SELECT COALESCE(SUM(t.refundable), 0) AS refundable " + DEPARTED,
            "max_rows": 1,
        },
        "refund": {
            "sql": "SELECT bank, number, holder FROM refund_accounts WHERE account_id = :account",
            "max_rows": 1,
        },
    },
    "ko": "탈퇴한 멤버가 카드로 결제한 금액은 환불할 때 카드 결제 취소가 되지 않아요. 광고계정에 "
          "등록된 환불계좌로 현금 환불만 받으실 수 있어요.\n\n"
          "{{account_name}}({{account_no}}) 광고계정에서 탈퇴한 멤버의 카드 결제 내역이에요.\n"
          "{{#pays}}- {{created_at|date}} · {{payer}}님 · {{issuer}} {{last4|mask}} · "
          "결제 {{amount|won}} · 환불 가능 {{refundable|won}}\n{{/pays}}"
          "{{#pays_more}}" + MORE_KO + "{{/pays_more}}"
          "{{^pays}}탈퇴한 멤버가 카드로 결제한 내역은 없어요.\n{{/pays}}"
          "{{#pays_count}}\n{{#refund}}환불 가능한 {{totals.refundable|won}}은 등록된 환불계좌 "
          "{{bank}} {{number|mask}} (예금주 {{holder}})로 현금 환불돼요.{{/refund}}"
          "{{^refund}}이 광고계정에는 환불계좌가 등록되어 있지 않아요. 환불 가능한 "
          "{{totals.refundable|won}}을 받으시려면 먼저 환불계좌를 등록해 주세요.{{/refund}}\n"
          "{{/pays_count}}"
          "[경로] " + SETTINGS_PATH_KO + " (환불계좌), " + CASH_PATH_KO + " (충전·환불 내역)",
    "en": "Card payments made by a member who has left cannot be refunded by cancelling the card "
          "payment. They can only be refunded in cash to the refund bank account registered on "
          "the ad account.\n\n"
          "Card payments on ad account {{account_name}} ({{account_no}}) by members who have left:\n"
          "{{#pays}}- {{created_at|date}}: {{payer}}, {{issuer}} {{last4|mask}}, paid "
          "{{amount|won}}, refundable {{refundable|won}}\n{{/pays}}"
          "{{#pays_more}}" + MORE_EN + "{{/pays_more}}"
          "{{^pays}}No card payments by a member who has left.\n{{/pays}}"
          "{{#pays_count}}\n{{#refund}}The refundable {{totals.refundable|won}} goes in cash to "
          "the registered refund account {{bank}} {{number|mask}} (holder {{holder}}).{{/refund}}"
          "{{^refund}}This ad account has no refund account registered. Register one first to "
          "receive the refundable {{totals.refundable|won}}.{{/refund}}\n{{/pays_count}}"
          "Where: " + SETTINGS_PATH_EN + " (refund account), " + CASH_PATH_EN
          + " (charges and refunds)",
    "general": {
        "ko": "탈퇴한 멤버가 카드로 결제한 금액은 환불할 때 카드 결제 취소가 되지 않아요. 광고계정에 "
              "등록된 환불계좌로 현금 환불만 가능해요. 환불계좌가 없다면 먼저 등록해 주세요.\n"
              "[경로] " + SETTINGS_PATH_KO,
        "en": "Card payments made by a member who has left cannot be refunded by cancelling the "
              "card payment; they can only be refunded in cash to the refund bank account "
              "registered on the ad account. If none is registered, add one first.\n"
              "Where: " + SETTINGS_PATH_EN,
    },
}

# ---- dashboard ---------------------------------------------------------------------
ACCT_SQL = ("SELECT a.status, a.off_reason, a.cash_balance, "
            "(a.status = 'off' AND a.off_reason = 'insufficient_balance') AS off_for_balance, "
            "COALESCE(ap.enabled, 0) AS autopay, ap.scheduled_amount, ap.next_charge_at "
            "FROM ad_accounts a LEFT JOIN autopay ap ON ap.account_id = a.id WHERE a.id = :account")
SPECS["payment_dashboard"] = {
    "needs_account": True,
    "queries": {"acct": {"sql": ACCT_SQL, "max_rows": 1}},
    "labels": ACCOUNT_LABELS,
    "ko": "{{account_name}} 광고계정의 대시보드 결제 정보예요.\n"
          "- 광고계정번호: {{account_no}}\n"
          "- 운영 상태: {{acct.status|label}}{{#acct.off_reason}} · 사유: {{acct.off_reason|label}}"
          "{{/acct.off_reason}}\n"
          "- 캐시 잔액(광고 집행 후 남은 금액): {{acct.cash_balance|won}}\n"
          "{{#acct.autopay}}- 카드 자동결제 예정액: {{acct.scheduled_amount|won}}"
          "{{#acct.next_charge_at}} (다음 결제 예정일 {{acct.next_charge_at|date}}){{/acct.next_charge_at}}\n"
          "{{/acct.autopay}}"
          "{{^acct.autopay}}- 카드 자동결제 예정액: 자동결제를 등록한 광고계정에서만 보여요. 이 계정은 "
          "자동결제가 등록되어 있지 않아요.\n{{/acct.autopay}}"
          "\n금액은 모두 부가세를 포함하지 않은 금액이에요. 대시보드와 보고서의 광고비용도 부가세 "
          "별도로 표시돼요.\n"
          "[경로] " + DASH_PATH_KO,
    "en": "Dashboard payment information for ad account {{account_name}}:\n"
          "- Ad account number: {{account_no}}\n"
          "- Status: {{acct.status|label}}{{#acct.off_reason}}, reason: {{acct.off_reason|label}}"
          "{{/acct.off_reason}}\n"
          "- Cash balance (left after ad spend): {{acct.cash_balance|won}}\n"
          "{{#acct.autopay}}- Scheduled card auto-payment: {{acct.scheduled_amount|won}}"
          "{{#acct.next_charge_at}} (next charge {{acct.next_charge_at|date}}){{/acct.next_charge_at}}\n"
          "{{/acct.autopay}}"
          "{{^acct.autopay}}- Scheduled card auto-payment: shown only for ad accounts with "
          "auto-payment registered; this one has none.\n{{/acct.autopay}}"
          "\nAll amounts exclude VAT. Ad costs on the dashboard and in reports exclude VAT as well.\n"
          "Where: " + DASH_PATH_EN,
    "general": {
        "ko": "대시보드에서는 광고 집행 후 남은 캐시 잔액, 등록된 카드 자동결제로 청구될 예정 금액, "
              "광고계정번호와 운영 상태를 볼 수 있어요. 자동결제 예정액은 자동결제를 등록한 광고계정에서만 "
              "보이고, 대시보드와 보고서의 광고비용은 부가세를 포함하지 않은 금액이에요.\n"
              "[경로] " + DASH_PATH_KO,
        "en": "The dashboard shows the cash balance left after ad spend, the amount the registered "
              "card auto-payment will charge, the ad account number and its status. The scheduled "
              "auto-payment appears only for accounts with auto-payment registered, and ad costs "
              "on the dashboard and in reports exclude VAT.\n"
              "Where: " + DASH_PATH_EN,
    },
}

# ---- auto-payment failure -----------------------------------------------------------
RULE_AUTOPAY_KO = ("자동결제가 실패하면 광고계정은 잔액부족으로 광고가 OFF돼요. 결제카드는 광고계정에 "
                   "최대 3개까지 등록할 수 있고, 결제카드 → 예비카드1 → 예비카드2 순서로 결제를 시도해요.")
RULE_AUTOPAY_EN = ("When auto-payment fails, the ad account's ads turn OFF for insufficient balance. "
                   "An ad account can hold up to 3 payment cards, tried in order: main card → "
                   "backup card 1 → backup card 2.")
SPECS["autopay_failure"] = {
    "needs_account": True,
    "queries": {
        "run": {
            # The latest run: one row per card tried, in the order tried.
            "sql": "SELECT c.slot, c.issuer, c.last4, t.result, t.decline_reason, t.amount, t.run_at "
                   "FROM autopay_attempts t JOIN payment_cards c ON c.id = t.card_id "
                   "WHERE t.account_id = :account AND t.run_at = (SELECT MAX(run_at) FROM "
                   "autopay_attempts WHERE account_id = :account) ORDER BY c.slot, t.id",
            "max_rows": 3,
        },
        "acct": {"sql": ACCT_SQL, "max_rows": 1},
        "cards": {
            "sql": "SELECT COUNT(*) AS n FROM payment_cards WHERE account_id = :account",
            "max_rows": 1,
        },
    },
    "labels": merged(ACCOUNT_LABELS, CARD_LABELS, {
        "ko": {"success": "결제 성공", "declined": "결제 실패", "error": "오류로 실패",
               "limit_exceeded": "한도 초과", "insufficient_funds": "잔액 부족",
               "card_expired": "유효기간 만료", "card_suspended": "정지된 카드",
               "dormant_card": "휴면 카드"},
        "en": {"success": "paid", "declined": "declined", "error": "failed with an error",
               "limit_exceeded": "over the limit", "insufficient_funds": "insufficient funds",
               "card_expired": "card expired", "card_suspended": "card suspended",
               "dormant_card": "dormant card"},
    }),
    "ko": "{{account_name}}({{account_no}}) 광고계정의 최근 자동결제 결과예요.\n"
          "{{#run_count}}{{run.run_at|datetime}}에 {{run.amount|won}} 결제를 시도했어요.\n{{/run_count}}"
          "{{#run}}{{@index}}. {{slot|label}} {{issuer}} {{last4|mask}}: {{result|label}}"
          "{{#decline_reason}} ({{decline_reason|label}}){{/decline_reason}}\n{{/run}}"
          "{{^run}}{{#acct.autopay}}자동결제 시도 기록이 없어요.{{/acct.autopay}}"
          "{{^acct.autopay}}이 광고계정에는 자동결제가 등록되어 있지 않아요.{{/acct.autopay}}\n{{/run}}"
          "\n{{#acct.off_for_balance}}자동결제가 실패해 지금 이 광고계정은 잔액부족으로 광고가 OFF된 "
          "상태예요 (캐시 잔액 {{acct.cash_balance|won}}). 카드 한도와 유효기간을 확인하시고, 필요하면 "
          "다른 카드로 바꾸거나 예비카드를 등록해 주세요.\n{{/acct.off_for_balance}}"
          "{{^acct.off_for_balance}}현재 운영 상태: {{acct.status|label}}"
          "{{#acct.off_reason}} · 사유: {{acct.off_reason|label}}{{/acct.off_reason}}\n"
          "{{/acct.off_for_balance}}"
          "등록된 결제카드: {{cards.n}}개 (최대 3개)\n\n" + RULE_AUTOPAY_KO + "\n"
          "[경로] " + SETTINGS_PATH_KO,
    "en": "Latest auto-payment result for ad account {{account_name}} ({{account_no}}):\n"
          "{{#run_count}}A charge of {{run.amount|won}} was tried on {{run.run_at|datetime}}.\n{{/run_count}}"
          "{{#run}}{{@index}}. {{slot|label}} {{issuer}} {{last4|mask}}: {{result|label}}"
          "{{#decline_reason}} ({{decline_reason|label}}){{/decline_reason}}\n{{/run}}"
          "{{^run}}{{#acct.autopay}}There is no auto-payment attempt on record.{{/acct.autopay}}"
          "{{^acct.autopay}}This ad account has no auto-payment registered.{{/acct.autopay}}\n{{/run}}"
          "\n{{#acct.off_for_balance}}Because auto-payment failed, this ad account's ads are now "
          "OFF for insufficient balance (cash balance {{acct.cash_balance|won}}). Check the cards' "
          "limits and expiry dates, and switch to another card or add a backup card if needed.\n"
          "{{/acct.off_for_balance}}"
          "{{^acct.off_for_balance}}Current status: {{acct.status|label}}"
          "{{#acct.off_reason}}, reason: {{acct.off_reason|label}}{{/acct.off_reason}}\n"
          "{{/acct.off_for_balance}}"
          "Payment cards registered: {{cards.n}} (up to 3)\n\n" + RULE_AUTOPAY_EN + "\n"
          "Where: " + SETTINGS_PATH_EN,
    "general": {
        "ko": RULE_AUTOPAY_KO + "\n[경로] " + SETTINGS_PATH_KO,
        "en": RULE_AUTOPAY_EN + "\nWhere: " + SETTINGS_PATH_EN,
    },
}

# ---- dormant card -------------------------------------------------------------------
RULE_DORMANT_KO = ("카카오페이에 등록된 카드가 휴면 상태가 되면 관리자센터의 자동결제 카드도 휴면으로 "
                   "표시돼요. 카드사 정책상 공용법인카드는 90일 동안 쓰지 않으면 휴면으로 바뀌어요.")
RULE_DORMANT_EN = ("When a card registered in KakaoPay goes dormant, the auto-payment card in the "
                   "admin centre shows as dormant too. Under card issuers' policy, a shared "
                   "corporate card goes dormant after 90 days without use.")
SPECS["card_dormant"] = {
    "needs_account": True,
    "queries": {
        "cards": {
            "sql": "SELECT slot, issuer, last4, kind, via_kakaopay, state, last_used_at, "
                   "(state = 'dormant') AS dormant, "
                   "CAST(julianday(:now) - julianday(last_used_at) AS INTEGER) AS idle_days, "
                   "(kind = 'shared_corporate' AND julianday(:now) - julianday(last_used_at) >= 90) "
                   "AS idle_shared FROM payment_cards WHERE account_id = :account "
                   "AND (:card_last4 IS NULL OR last4 = :card_last4) ORDER BY slot",
            "max_rows": 3,
        },
        "summary": {
            "sql": "SELECT COUNT(*) AS n, COUNT(CASE WHEN state = 'dormant' THEN 1 END) AS dormant "
                   "FROM payment_cards WHERE account_id = :account "
                   "AND (:card_last4 IS NULL OR last4 = :card_last4)",
            "max_rows": 1,
        },
    },
    "labels": CARD_LABELS,
    "ko": "{{account_name}}({{account_no}}) 광고계정의 자동결제 카드 상태예요.\n"
          "{{#cards}}- {{slot|label}} {{issuer}} {{last4|mask}} ({{kind|label}}"
          "{{#via_kakaopay}}, 카카오페이 연결{{/via_kakaopay}}): {{state|label}}"
          "{{#last_used_at}} · 마지막 사용 {{last_used_at|date}}{{/last_used_at}}\n"
          "{{#dormant}}{{#idle_shared}}  → 공용법인카드를 {{idle_days}}일 동안 쓰지 않아 카드사 정책에 따라 "
          "휴면으로 바뀌었어요.\n{{/idle_shared}}"
          "{{#via_kakaopay}}  → 카카오페이에 등록된 이 카드가 휴면이라 관리자센터에서도 휴면으로 보여요.\n"
          "{{/via_kakaopay}}{{/dormant}}{{/cards}}"
          "{{^cards}}{{#card_last4}}끝자리 {{card_last4}}인 카드는 이 광고계정에 등록되어 있지 않아요.\n"
          "{{/card_last4}}{{^card_last4}}이 광고계정에 등록된 결제카드가 없어요.\n{{/card_last4}}{{/cards}}"
          "{{#summary.n}}{{^summary.dormant}}휴면 상태인 카드는 없어요.\n{{/summary.dormant}}{{/summary.n}}"
          "\n" + RULE_DORMANT_KO + " 휴면 해제는 카드사 정책에 따르므로 카드사에 문의해 주시고, "
          "그동안 결제가 끊기지 않게 다른 카드를 예비카드로 등록해 두시면 좋아요.\n"
          "[경로] " + SETTINGS_PATH_KO,
    "en": "Auto-payment cards on ad account {{account_name}} ({{account_no}}):\n"
          "{{#cards}}- {{slot|label}} {{issuer}} {{last4|mask}} ({{kind|label}}"
          "{{#via_kakaopay}}, linked through KakaoPay{{/via_kakaopay}}): {{state|label}}"
          "{{#last_used_at}}, last used {{last_used_at|date}}{{/last_used_at}}\n"
          "{{#dormant}}{{#idle_shared}}  → this shared corporate card was not used for "
          "{{idle_days}} days, so under the issuer's policy it went dormant.\n{{/idle_shared}}"
          "{{#via_kakaopay}}  → the card is dormant in KakaoPay, so the admin centre shows it as "
          "dormant too.\n{{/via_kakaopay}}{{/dormant}}{{/cards}}"
          "{{^cards}}{{#card_last4}}No card ending in {{card_last4}} is registered on this ad "
          "account.\n{{/card_last4}}{{^card_last4}}This ad account has no payment card "
          "registered.\n{{/card_last4}}{{/cards}}"
          "{{#summary.n}}{{^summary.dormant}}None of these cards is dormant.\n{{/summary.dormant}}"
          "{{/summary.n}}"
          "\n" + RULE_DORMANT_EN + " Reactivation follows the issuer's policy, so please ask "
          "your card issuer; meanwhile, registering another card as a backup keeps payments "
          "going.\n"
          "Where: " + SETTINGS_PATH_EN,
    "general": {
        "ko": RULE_DORMANT_KO + " 휴면 해제는 카드사 정책에 따르므로 카드사에 문의해 주세요.\n"
              "[경로] " + SETTINGS_PATH_KO,
        "en": RULE_DORMANT_EN + " Reactivation follows the issuer's policy, so please ask your "
              "card issuer.\nWhere: " + SETTINGS_PATH_EN,
    },
}

# ---- KakaoPay message -----------------------------------------------------------------
SPECS["kakaopay_message_missing"] = {
    "needs_account": False,
    "ko": "자동결제 카드를 카카오페이로 연결할 때 보내는 메시지는 카카오계정과 연결된 카카오톡으로 "
          "가요. 다음과 같은 경우에는 메시지를 보낼 수 없어요.\n"
          "- 카카오페이 서비스(카카오머니, 카드 자동결제 등)에 가입하지 않았거나 본인인증을 하지 않은 경우\n"
          "- 카카오계정의 생년월일과 입력한 생년월일이 다른 경우\n"
          "카카오페이 가입·본인인증 여부와 입력한 생년월일을 확인한 뒤 다시 연결해 주세요. "
          "그래도 메시지가 오지 않으면 상담직원에게 연결해 드릴게요.\n"
          "[경로] " + SETTINGS_PATH_KO,
    "en": "When you link an auto-payment card through KakaoPay, the message goes to the KakaoTalk "
          "linked to your Kakao account. It cannot be sent when:\n"
          "- you have not signed up for KakaoPay services (Kakao Money, card auto-payment, etc.) "
          "or completed identity verification\n"
          "- the date of birth you entered differs from the one on your Kakao account\n"
          "Check your KakaoPay sign-up, verification and the date of birth you entered, then try "
          "linking again. If the message still does not arrive, I can connect you with a support "
          "agent.\n"
          "Where: " + SETTINGS_PATH_EN,
    "quick_replies": {
        "ko": [{"label": "상담직원 연결", "value": "agent"}],
        "en": [{"label": "Talk to an agent", "value": "agent"}],
    },
}

# ---- virtual account --------------------------------------------------------------------
SPECS["virtual_account_reissue"] = {
    "needs_account": True,
    "queries": {
        "last": {
            "sql": "SELECT bank, number, amount, sms_phone, issued_at, expires_at, paid_at, "
                   "CASE WHEN paid_at IS NOT NULL THEN 'paid' WHEN expires_at <= :now THEN 'expired' "
                   "ELSE 'waiting' END AS state FROM virtual_accounts WHERE account_id = :account "
                   "ORDER BY issued_at DESC, id DESC",
            "max_rows": 1,
        },
    },
    "labels": {
        "ko": {"paid": "입금 완료", "expired": "입금 기한 지남", "waiting": "입금 대기"},
        "en": {"paid": "paid", "expired": "past its deposit deadline", "waiting": "awaiting deposit"},
    },
    "ko": "1회성 가상계좌를 다시 받으시려면 1회성 가상계좌를 추가로 새로 발급받으시면 "
          "돼요. 발급할 때 휴대전화번호를 입력하면 가상계좌번호를 문자(SMS)로 받을 수 있어요.\n\n"
          "{{#last}}{{account_name}}({{account_no}}) 광고계정에서 가장 최근에 발급한 1회성 가상계좌예요.\n"
          "- {{bank}} {{number|mask}} · {{amount|won}} · {{state|label}}\n"
          "- 발급 {{issued_at|datetime}} · 입금 기한 {{expires_at|datetime}}"
          "{{#sms_phone}} · 문자 받은 번호 {{sms_phone}}{{/sms_phone}}\n{{/last}}"
          "{{^last}}{{account_name}}({{account_no}}) 광고계정에서 발급한 1회성 가상계좌는 아직 없어요.\n{{/last}}"
          "[경로] " + CASH_PATH_KO,
    "en": "To get a one-time virtual account again, simply issue an additional one-time "
          "virtual account. If you enter a phone number when issuing it, the "
          "account number is sent to you by SMS.\n\n"
          "{{#last}}The latest one-time virtual account for ad account {{account_name}} "
          "({{account_no}}):\n"
          "- {{bank}} {{number|mask}}, {{amount|won}}, {{state|label}}\n"
          "- issued {{issued_at|datetime}}, deposit deadline {{expires_at|datetime}}"
          "{{#sms_phone}}, SMS sent to {{sms_phone}}{{/sms_phone}}\n{{/last}}"
          "{{^last}}Ad account {{account_name}} ({{account_no}}) has no one-time virtual account "
          "yet.\n{{/last}}"
          "Where: " + CASH_PATH_EN,
    "general": {
        "ko": "1회성 가상계좌를 다시 받으시려면 1회성 가상계좌를 추가로 새로 "
              "발급받으시면 돼요. 발급할 때 휴대전화번호를 입력하면 가상계좌번호를 문자(SMS)로 받을 수 "
              "있어요.\n[경로] " + CASH_PATH_KO,
        "en": "To get a one-time virtual account again, simply issue an additional one-time "
              "virtual account. If you enter a phone number when issuing it, the "
              "account number is sent to you by SMS.\nWhere: " + CASH_PATH_EN,
    },
}

# ---- charge / refund history -----------------------------------------------------------------
HIST_WHERE = ("WHERE t.account_id = :account AND t.created_at >= :period_from "
              "AND t.created_at < :period_to")
PERIODS = {
    "ko": {"today": "오늘", "yesterday": "어제", "this_week": "이번 주", "last_week": "지난 주",
           "last_7_days": "최근 7일", "last_14_days": "최근 14일", "last_30_days": "최근 30일",
           "this_month": "이번 달", "last_month": "지난 달", "all": "전체 기간", "custom": "선택하신 기간"},
    "en": {"today": "today", "yesterday": "yesterday", "this_week": "this week",
           "last_week": "last week", "last_7_days": "the last 7 days",
           "last_14_days": "the last 14 days", "last_30_days": "the last 30 days",
           "this_month": "this month", "last_month": "last month", "all": "all time",
           "custom": "the period you chose"},
}
SPECS["charge_refund_history"] = {
    "needs_account": True,
    "queries": {
        "tx": {
            "sql": "SELECT t.created_at, t.kind, t.method, t.amount, t.vat, "
                   "COALESCE(m.name, '-') AS payer, (m.status = 'departed') AS payer_departed, "
                   "c.last4 FROM cash_transactions t LEFT JOIN members m ON m.id = t.member_id "
                   "LEFT JOIN payment_cards c ON c.id = t.card_id " + HIST_WHERE +
                   " ORDER BY t.created_at DESC, t.id DESC",
            "max_rows": 10,
        },
        "totals": {
            "sql": "SELECT COUNT(*) AS n, "
                   "COUNT(CASE WHEN kind = 'charge' THEN 1 END) AS n_charge, "
                   "COALESCE(SUM(CASE WHEN kind = 'charge' THEN amount END), 0) AS charged, "
                   "COUNT(CASE WHEN kind = 'refund' THEN 1 END) AS n_refund, "
                   "COALESCE(SUM(CASE WHEN kind = 'refund' THEN amount END), 0) AS refunded "
                   "FROM cash_transactions t " + HIST_WHERE,
            "max_rows": 1,
        },
        "payers": {
            "sql": "SELECT COALESCE(m.name, '-') AS payer, COUNT(*) AS n, SUM(t.amount) AS total "
                   "FROM cash_transactions t LEFT JOIN members m ON m.id = t.member_id " + HIST_WHERE +
                   " AND t.kind = 'charge' GROUP BY t.member_id ORDER BY total DESC, payer",
            "max_rows": 5,
        },
    },
    "labels": merged({"ko": PERIODS["ko"], "en": PERIODS["en"]}, {
        "ko": {"charge": "충전", "refund": "환불", "card": "카드", "autopay_card": "카드 자동결제",
               "virtual_account": "1회성 가상계좌", "bank_transfer": "계좌이체",
               "cash_refund": "현금 환불", "card_cancel": "카드 취소"},
        "en": {"charge": "charge", "refund": "refund", "card": "card",
               "autopay_card": "card auto-payment", "virtual_account": "one-time virtual account",
               "bank_transfer": "bank transfer", "cash_refund": "cash refund",
               "card_cancel": "card cancellation"},
    }),
    "ko": "{{account_name}}({{account_no}}) 광고계정의 {{period|label}}"
          "{{#period_has_range}} ({{period_from|date}}{{^period_one_day}} ~ {{period_last|date}}"
          "{{/period_one_day}}){{/period_has_range}} "
          "충전·환불 내역이에요.\n"
          "{{#tx}}- {{created_at|datetime}} · {{kind|label}} {{amount|won}} · {{method|label}}"
          "{{#last4}} {{last4|mask}}{{/last4}} · {{payer}}{{#payer_departed}}(탈퇴){{/payer_departed}}\n{{/tx}}"
          "{{#tx_more}}" + MORE_KO + "{{/tx_more}}"
          "{{^tx}}이 기간에는 충전·환불 내역이 없어요.\n{{/tx}}"
          "{{#totals.n}}\n합계: 충전 {{totals.n_charge}}건 {{totals.charged|won}}, "
          "환불 {{totals.n_refund}}건 {{totals.refunded|won}}\n"
          "{{#payers_count}}결제한 멤버: {{#payers}}{{^@first}}, {{/@first}}{{payer}} {{total|won}}({{n}}건)"
          "{{/payers}}\n{{/payers_count}}{{/totals.n}}"
          "금액은 부가세를 포함하지 않은 공급가액이에요.\n"
          "충전내역에서는 오늘, 어제, 이번 주, 지난 주, 최근 7일, 최근 14일, 최근 30일, 이번 달, "
          "지난 달, 전체, 맞춤설정으로 기간을 골라 조회할 수 있어요.\n"
          "[경로] " + HIST_PATH_KO,
    "en": "Charges and refunds on ad account {{account_name}} ({{account_no}}) for {{period|label}}"
          "{{#period_has_range}} ({{period_from|date}}{{^period_one_day}} – {{period_last|date}}"
          "{{/period_one_day}}){{/period_has_range}}:\n"
          "{{#tx}}- {{created_at|datetime}}: {{kind|label}} {{amount|won}}, {{method|label}}"
          "{{#last4}} {{last4|mask}}{{/last4}}, {{payer}}{{#payer_departed}} (left){{/payer_departed}}\n{{/tx}}"
          "{{#tx_more}}" + MORE_EN + "{{/tx_more}}"
          "{{^tx}}No charges or refunds in this period.\n{{/tx}}"
          "{{#totals.n}}\nTotals: charges {{totals.charged|won}} ({{totals.n_charge}}), "
          "refunds {{totals.refunded|won}} ({{totals.n_refund}})\n"
          "{{#payers_count}}Paid by: {{#payers}}{{^@first}}, {{/@first}}{{payer}} {{total|won}} ({{n}}){{/payers}}\n"
          "{{/payers_count}}{{/totals.n}}"
          "Amounts are supply amounts, excluding VAT.\n"
          "The charge history can be filtered by today, yesterday, this week, last week, the last "
          "7, 14 or 30 days, this month, last month, all, or a custom range.\n"
          "Where: " + HIST_PATH_EN,
    "general": {
        "ko": "충전·환불 내역은 캐시관리의 충전내역에서 볼 수 있어요. 오늘, 어제, 이번 주, 지난 주, "
              "최근 7일, 최근 14일, 최근 30일, 이번 달, 지난 달, 전체, 맞춤설정으로 기간을 골라 조회할 수 "
              "있어요.\n[경로] " + HIST_PATH_KO,
        "en": "Charges and refunds are listed under Cash management > Charge history, filtered by "
              "today, yesterday, this week, last week, the last 7, 14 or 30 days, this month, last "
              "month, all, or a custom range.\nWhere: " + HIST_PATH_EN,
    },
}

# ---- conversation ------------------------------------------------------------------------------
MENU = {
    "ko": [{"label": "무상캐시 확인", "value": "intent:free_cash_status"},
           {"label": "충전·환불 내역", "value": "intent:charge_refund_history"},
           {"label": "자동결제 실패", "value": "intent:autopay_failure"},
           {"label": "세금계산서 발행실패", "value": "intent:tax_invoice_failed"}],
    "en": [{"label": "Free cash", "value": "intent:free_cash_status"},
           {"label": "Charges and refunds", "value": "intent:charge_refund_history"},
           {"label": "Auto-payment failed", "value": "intent:autopay_failure"},
           {"label": "Failed tax invoice", "value": "intent:tax_invoice_failed"}],
}
SPECS["greeting"] = {
    "needs_account": False,
    "ko": "{{#member_name}}{{member_name}}님, {{/member_name}}안녕하세요! 카카오모먼트 결제·청구 "
          "상담 챗봇이에요. 무상캐시, 충전·환불 내역, 자동결제, 세금계산서처럼 결제에 관해 궁금한 점을 "
          "편하게 물어봐 주세요."
          "{{^linked}} 광고계정 정보로 답변받으시려면 먼저 계정을 연결해 주세요.{{/linked}}",
    "en": "Hello{{#member_name}}, {{member_name}}{{/member_name}}! I'm the Kakao Moment billing "
          "assistant. Ask me anything about payments: free cash, charges and refunds, "
          "auto-payment, tax invoices and more."
          "{{^linked}} To get answers from your own ad account, link your account first.{{/linked}}",
    "quick_replies": MENU,
}
SPECS["thanks"] = {
    "needs_account": False,
    "ko": "도움이 되었다니 다행이에요. 더 궁금한 점이 있으면 언제든 물어봐 주세요.",
    "en": "Glad I could help. If anything else comes up, just ask.",
}
SPECS["agent_request"] = {
    "needs_account": False,
    "handoff": True,
    "ko": "네, 상담직원 연결을 요청했어요.",
    "en": "Sure, I've asked for a support agent.",
}


def splice_answer(path, doc, spec):
    """The file's text with only the value of its top-level "answer" replaced,
    so the owners' formatting of the other keys stays as they wrote it. Falls
    back to rewriting the whole file (indent 2) when the key cannot be found."""
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    body = json.dumps(spec, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    dec = json.JSONDecoder()
    for m in re.finditer(r'\n  "answer"\s*:\s*', raw):
        try:
            old, end = dec.raw_decode(raw, m.end())
        except ValueError:
            continue
        if old == doc.get("answer"):
            out = raw[:m.end()] + body + raw[end:]
            if json.loads(out).get("answer") == spec:
                return out
    if "answer" not in doc:
        doc = dict(doc)
    doc["answer"] = spec
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "check"
    if mode not in ("write", "check", "dump"):
        sys.exit("usage: answer_specs.py write|check|dump")
    if mode == "dump":
        json.dump(SPECS, sys.stdout, ensure_ascii=False, indent=2)
        return
    bad = 0
    for iid, spec in sorted(SPECS.items()):
        path = os.path.join(INTENTS, iid + ".json")
        if not os.path.exists(path):
            print(f"skip {iid}: {path} does not exist yet", file=sys.stderr)
            bad += mode == "check"
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("answer") == spec:
            continue
        if mode == "check":
            print(f"{path}: answer differs from tests/golden/answer_specs.py", file=sys.stderr)
            bad += 1
            continue
        text = splice_answer(path, doc, spec)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        print(f"wrote {path}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
