#!/usr/bin/env python3
"""The "answer" key of every intent file, kept in one place.

    python3 tests/golden/answer_specs.py write   # set "answer" in intents/<id>.json
    python3 tests/golden/answer_specs.py check   # exit 1 when a file differs or a rule
                                                 # has no FAQ source
    python3 tests/golden/answer_specs.py sources # the trace table: intent, what it says, FAQ

Other keys of the intent files belong to other people and are edited
concurrently: this script loads each file, replaces only "answer" and writes
the rest back unchanged. Files that do not exist yet are skipped (reported).
The format is documented in intents/README.md.

Where the words come from. Every rule and admin-centre path a template states
comes from the Kakao Moment billing help centre (the FAQ): FAQ below holds, per
help-centre question, the sentence each one restates in our words, and
SOURCES, per intent, which rule or path comes from which sentence. Facts come
from the account's rows. Advice is only what follows from a rule and the
facts shown (3 of 3 cards: replace one; fewer: add a backup), never advice
the FAQ does not give. A path is written as "[경로] ..." / "Where: ..." only
when the FAQ gives it (PATHS); otherwise the screen is named as the FAQ names
it ("[화면] ..." / "Screen: ..."). `check` fails when an intent has no
SOURCES entry, cites an unknown FAQ key, or a template holds a path that is
not in PATHS; tests/golden/lint.py checks the rendered replies.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INTENTS = os.path.join(ROOT, "intents")

# ---- the FAQ ------------------------------------------------------------------------------
# key: (help-centre question, the sentence a template restates). Quoted only
# as far as needed to trace a rule.
FAQ = {
    "dash_shows": ("대시보드에서 확인되는 결제 정보는 무엇을 의미하나요?",
                   "광고계정의 광고 집행 후 남은 캐시 잔액과 등록된 자동결제를 통해 청구될 금액 확인이 "
                   "가능합니다. 또한 … 광고계정번호, 운영 상태 등을 확인할 수 있습니다"),
    "dash_path": ("대시보드에서 확인되는 결제 정보는 무엇을 의미하나요?",
                  "[경로] 모먼트 관리자센터 > 광고계정 > 대시보드 > 광고계정 차트 펼침 버튼"),
    "dash_vat": ("대시보드에서 확인되는 결제 정보는 무엇을 의미하나요?",
                 "대시보드, 보고서에서 확인되는 광고비용은 부가세가 포함되지 않은 금액입니다."),
    "dash_autopay": ("대시보드에서 확인되는 결제 정보는 무엇을 의미하나요?",
                     "카드 자동결제 예정액은 자동결제를 등록한 광고계정에 한하여 확인 가능합니다."),
    "autopay_off": ("자동결제 카드가 실패되면 광고가 OFF 되나요?",
                    "자동결제가 실패 될 경우 광고계정은 잔액부족으로 광고 OFF 됩니다."),
    "autopay_cards": ("자동결제 카드가 실패되면 광고가 OFF 되나요?",
                      "결제카드는 광고계정에 최대 3개까지 등록 가능하며, 결제카드 → 예비카드1 → "
                      "예비카드2 순으로 결제를 시도합니다."),
    "dormant_kakaopay": ("카카오페이로 연결한 자동결제 카드가 휴면으로 확인됩니다.",
                         "카카오페이에 등록된 카드가 휴면 상태일 경우 모먼트 관리자센터에 등록된 "
                         "자동결제 카드가 휴면으로 표기됩니다."),
    "dormant_90": ("카카오페이로 연결한 자동결제 카드가 휴면으로 확인됩니다.",
                   "카드사의 정책으로 공용법인카드는 미사용 기준 90일 경과 시 휴면으로 상태값 "
                   "변경됩니다"),
    "tax_fail_why": ("세금계산서 발행실패로 보여집니다. 사유를 알 수 있을까요?",
                     "폐업 혹은 사업자등록번호 오류일 경우 세금계산서 발행이 실패 될 수 있습니다."),
    "tax_fail_lookup": ("세금계산서 발행실패로 보여집니다. 사유를 알 수 있을까요?",
                        "카카오모먼트 관리자센터 > 광고계정 > 설정 > 광고계정 관리 > 세금계산서 "
                        "\"발행내역\" 최근 12개월 내 조회 가능 … \"발행실패\"라고 보여지는 경우 "
                        "클릭하면 실패사유가 보여집니다."),
    "tax_fail_reissue": ("세금계산서 발행실패로 보여집니다. 사유를 알 수 있을까요?",
                         "실패 된 세금계산서를 변경된 사업자의 정보로 세금계산서 받길 원하시는 "
                         "경우에는 담당 대행사 혹은 '카카오비즈니스' 카카오톡 상담톡을 통해 요청"),
    "tax_reissue": ("세금계산서 수정발행은 신청은 어디서 해야하나요?",
                    "사업자정보 변경 및 휴폐업 사업자 등으로 인해 세금계산서 수정발행이 필요하신 "
                    "경우, 담당 마케터(대행사) 혹은 '카카오비즈니스' 카카오톡 상담톡을 통해 "
                    "요청해주시기 바랍니다."),
    "biz_change": ("세금계산서 수정발행은 신청은 어디서 해야하나요?",
                   "사업자정보변경이 필요할 경우 카카오비즈니스 관리자센터 플랫폼 및 "
                   "카카오비즈니스 고객센터로 문의하여 주시길 바랍니다."),
    "kakaopay_msg": ("자동결제 카드를 카카오페이로 연결하려고 하였으나 카카오톡 메시지 전송이 안옵니다.",
                     "카카오페이 메시지는 카카오 계정과 연결된 톡으로 발송되며, 아래와 같은 사유는 "
                     "발송이 불가 합니다. - 카카오페이 서비스(카카오머니, 카드자동결제 등) 가입 및 "
                     "본인인증을 하지 않은 경우 - 카카오계정의 생년월일과 입력한 생년월일이 일치하지 "
                     "않을 경우"),
    "vaccount": ("발급받은 1회성 가상계좌를 다시 발급받고 싶습니다.",
                 "1회성 가상계좌 발급시 전화번호를 입력하여 가상계좌번호를 SMS로 받으실 수 있으며, "
                 "1회성 가상계좌를 다시 발급 받길 원하신다면 추가로 1회성 가상계좌를 발급해 주시면 "
                 "됩니다."),
    "departed": ("탈퇴한 멤버가 결제했던 내역의 카드취소는 가능한가요?",
                 "환불신청 시 탈퇴한 멤버의 카드결제분이 있다면, 카드취소는 불가합니다. 광고계정 "
                 "내 등록된 환불계좌를 통한 현금환불만 가능한 점 참고 부탁드립니다."),
    "history_path": ("충전, 환불한 내역을 확인하고 싶습니다.",
                     "광고계정 > 설정 > 캐시관리 내 충전내역에서 조회 가능하며"),
    "history_filters": ("충전, 환불한 내역을 확인하고 싶습니다.",
                        "오늘/어제/이번 주/지난 주/최근 7일/최근 14일/최근 30일/이번 달/지난 달/"
                        "전체/맞춤설정으로 조회 가능합니다."),
    "free_states": ("무상캐시 사용상태를 확인하고 싶어요",
                    "사용중 : 무상캐시로 광고 집행 중인 상태 - 사용완료 : 무상캐시를 모두 사용한 "
                    "상태 - 만료 : 무상캐시 만료일자가 지난 상태 (사용완료된 이후 만료일자가 "
                    "지나면 '만료'로 변경됩니다"),
}

# Admin-centre paths, exactly where the FAQ gives them (our English), with
# the FAQ key they come from. Nothing else may follow "[경로]" / "Where:".
DASH_PATH_KO = "모먼트 관리자센터 > 광고계정 > 대시보드 > 광고계정 차트 펼침 버튼"
DASH_PATH_EN = "Moment admin centre > Ad account > Dashboard > the ad account chart's expand button"
TAX_PATH_KO = "카카오모먼트 관리자센터 > 광고계정 > 설정 > 광고계정 관리 > 세금계산서 '발행내역'"
TAX_PATH_EN = ("Kakao Moment admin centre > Ad account > Settings > Ad account management > "
               "Tax invoices > 'Issue history'")
HIST_PATH_KO = "광고계정 > 설정 > 캐시관리 > 충전내역"
HIST_PATH_EN = "Ad account > Settings > Cash management > Charge history"
PATHS = {
    DASH_PATH_KO: "dash_path", DASH_PATH_EN: "dash_path",
    TAX_PATH_KO: "tax_fail_lookup", TAX_PATH_EN: "tax_fail_lookup",
    HIST_PATH_KO: "history_path", HIST_PATH_EN: "history_path",
}
# Screens the FAQ names without a path: "[화면] ..." / "Screen: ...".
SCREEN_CARDS_KO = "모먼트 관리자센터에 등록된 자동결제 카드"
SCREEN_CARDS_EN = "the auto-payment cards registered in the Moment admin centre"
SCREEN_FREE_KO = "무상캐시 사용상태"
SCREEN_FREE_EN = "the free cash status"
SCREEN_VACC_KO = "1회성 가상계좌 발급"
SCREEN_VACC_EN = "issuing a one-time virtual account"
SCREEN_REFUND_KO = "환불신청 (환불계좌는 광고계정에 등록된 계좌)"
SCREEN_REFUND_EN = "the refund request (to the refund account registered on the ad account)"
SCREENS = {
    SCREEN_CARDS_KO: "dormant_kakaopay", SCREEN_CARDS_EN: "dormant_kakaopay",
    SCREEN_FREE_KO: "free_states", SCREEN_FREE_EN: "free_states",
    SCREEN_VACC_KO: "vaccount", SCREEN_VACC_EN: "vaccount",
    SCREEN_REFUND_KO: "departed", SCREEN_REFUND_EN: "departed",
}


def where(ko_path=None, en_path=None, ko_screen=None, en_screen=None):
    """The closing line of an answer: a path when the FAQ gives one, else the screen."""
    if ko_path:
        return "[경로] " + ko_path, "Where: " + en_path
    return "[화면] " + ko_screen, "Screen: " + en_screen


MORE_KO = "- 나머지는 관리자센터에서 확인하실 수 있어요.\n"
MORE_EN = "- The rest is in the admin centre.\n"

# Words for data values. Every status a reply shows is one of these.
ACCOUNT_LABELS = {
    "ko": {"on": "ON", "off": "OFF", "insufficient_balance": "잔액부족",
           "manual": "광고주가 직접 끈 상태", "review": "심사 중", "suspended": "이용 정지"},
    "en": {"on": "ON", "off": "OFF", "insufficient_balance": "insufficient balance",
           "manual": "turned off by the advertiser", "review": "under review",
           "suspended": "suspended"},
}
CARD_LABELS = {
    "ko": {"0": "결제카드", "1": "예비카드1", "2": "예비카드2",
           "personal": "개인카드", "corporate": "법인카드", "shared_corporate": "공용법인카드",
           "active": "정상", "dormant": "휴면", "expired": "유효기간 지남"},
    "en": {"0": "main card", "1": "backup card 1", "2": "backup card 2",
           "personal": "personal card", "corporate": "corporate card",
           "shared_corporate": "shared corporate card", "active": "active", "dormant": "dormant",
           "expired": "past its validity"},
}
# Why a try was refused (autopay_attempts.decline_reason) and how it ended.
TRY_LABELS = {
    "ko": {"success": "결제 성공", "declined": "결제 실패", "error": "오류로 실패",
           "limit_exceeded": "한도 초과", "insufficient_funds": "잔액 부족",
           "card_expired": "유효기간 지남", "card_suspended": "정지된 카드",
           "dormant_card": "휴면 카드"},
    "en": {"success": "paid", "declined": "declined", "error": "failed with an error",
           "limit_exceeded": "over the limit", "insufficient_funds": "insufficient funds",
           "card_expired": "past its validity", "card_suspended": "card suspended",
           "dormant_card": "dormant card"},
}


def merged(*dicts):
    out = {"ko": {}, "en": {}}
    for d in dicts:
        for lang in ("ko", "en"):
            out[lang].update(d[lang])
    return out


SPECS = {}
SOURCES = {}

# The customer's ad account, as every account answer names it.
ACC_KO = "{{account_name}}({{account_no}})"
ACC_EN = "{{account_name}} ({{account_no}})"

# ---- free cash ----------------------------------------------------------------------------
# An expired grant has nothing usable: its remaining amount expired unused.
# Expired wins over used up (the FAQ: a used-up grant past its date is
# 'expired').
SOURCES["free_cash_status"] = [
    ("the three states and what each means; a used-up grant turns expired", "free_states"),
    ("screen: the free cash status", "free_states"),
]
FREE_WHERE = where(ko_screen=SCREEN_FREE_KO, en_screen=SCREEN_FREE_EN)
SPECS["free_cash_status"] = {
    "needs_account": True,
    "queries": {
        "grants": {
            "sql": "SELECT name, amount, remaining, granted_at, expires_at, "
                   "CASE WHEN expires_at <= :now THEN 'expired' WHEN remaining = 0 THEN 'used_up' "
                   "ELSE 'in_use' END AS state, "
                   "(expires_at <= :now) AS expired, (expires_at <= :now AND remaining > 0) "
                   "AS lapsed FROM free_cash_grants WHERE account_id = :account "
                   "ORDER BY CASE WHEN expires_at <= :now THEN 2 WHEN remaining = 0 THEN 1 ELSE 0 END, "
                   "CASE WHEN expires_at <= :now THEN NULL ELSE expires_at END, expires_at DESC, id",
            "max_rows": 10,
        },
        "totals": {
            "sql": "SELECT COALESCE(SUM(CASE WHEN expires_at > :now THEN remaining END), 0) "
                   "AS remaining, MIN(CASE WHEN expires_at > :now AND remaining > 0 "
                   "THEN expires_at END) AS soonest, "
                   "COALESCE(SUM(CASE WHEN expires_at <= :now THEN remaining END), 0) AS lapsed "
                   "FROM free_cash_grants WHERE account_id = :account",
            "max_rows": 1,
        },
    },
    "labels": {
        "ko": {"in_use": "사용중", "used_up": "사용완료", "expired": "만료"},
        "en": {"in_use": "in use", "used_up": "used up", "expired": "expired"},
    },
    "ko": "{{#grants_count}}" + ACC_KO + " 광고계정의 무상캐시예요.\n{{/grants_count}}"
          "{{#grants}}- {{name}}: {{state|label}} · "
          "{{^expired}}남은 금액 {{remaining|won}} / 지급 {{amount|won}} · 만료일 "
          "{{expires_at|date}}{{/expired}}"
          "{{#expired}}만료일 {{expires_at|date}} · {{#lapsed}}지급 {{amount|won}} 중 "
          "{{remaining|won}}은 쓰지 않은 채 만료됐어요{{/lapsed}}{{^lapsed}}지급 {{amount|won}}을 "
          "모두 쓴 뒤 만료됐어요{{/lapsed}}{{/expired}}\n{{/grants}}"
          "{{#grants_more}}" + MORE_KO + "{{/grants_more}}"
          "{{^grants}}" + ACC_KO + " 광고계정에 지급된 무상캐시가 없어요.\n{{/grants}}"
          "{{#grants_count}}\n{{#totals.soonest}}지금 쓸 수 있는 무상캐시는 모두 "
          "{{totals.remaining|won}}이고, 가장 먼저 만료되는 날은 {{totals.soonest|date}}이에요."
          "{{/totals.soonest}}{{^totals.soonest}}지금 쓸 수 있는 무상캐시는 없어요.{{/totals.soonest}}"
          "{{#totals.lapsed}} 쓰지 않은 채 만료된 무상캐시는 모두 {{totals.lapsed|won}}이에요."
          "{{/totals.lapsed}}\n{{/grants_count}}"
          "\n무상캐시 상태는 세 가지예요. 사용중은 무상캐시로 광고를 집행하고 있는 상태, 사용완료는 "
          "모두 쓴 상태, 만료는 만료일이 지난 상태예요. 다 쓴 무상캐시도 만료일이 지나면 '만료'로 "
          "바뀌어요.\n" + FREE_WHERE[0],
    "en": "{{#grants_count}}Free cash on ad account " + ACC_EN + ":\n{{/grants_count}}"
          "{{#grants}}- {{name}}: {{state|label}}, "
          "{{^expired}}{{remaining|won}} left of {{amount|won}}, expires "
          "{{expires_at|date}}{{/expired}}"
          "{{#expired}}expiry date {{expires_at|date}}; {{#lapsed}}{{remaining|won}} of the "
          "{{amount|won}} granted expired unused{{/lapsed}}{{^lapsed}}all {{amount|won}} was "
          "spent before it expired{{/lapsed}}{{/expired}}\n{{/grants}}"
          "{{#grants_more}}" + MORE_EN + "{{/grants_more}}"
          "{{^grants}}No free cash has been granted to ad account " + ACC_EN + ".\n{{/grants}}"
          "{{#grants_count}}\n{{#totals.soonest}}Usable free cash in total: "
          "{{totals.remaining|won}}; the soonest expiry is {{totals.soonest|date}}."
          "{{/totals.soonest}}{{^totals.soonest}}There is no usable free cash right now."
          "{{/totals.soonest}}{{#totals.lapsed}} Free cash that expired unused: "
          "{{totals.lapsed|won}}.{{/totals.lapsed}}\n{{/grants_count}}"
          "\nFree cash has three states: 'in use' means ads are running on it, 'used up' means "
          "all of it has been spent, and 'expired' means its expiry date has passed. A used-up "
          "grant also turns 'expired' once its expiry date passes.\n" + FREE_WHERE[1],
    "general": {
        "ko": "무상캐시는 세 가지 상태로 표시돼요.\n"
              "- 사용중: 무상캐시로 광고를 집행하고 있는 상태\n"
              "- 사용완료: 무상캐시를 모두 쓴 상태\n"
              "- 만료: 만료일이 지난 상태 (다 쓴 무상캐시도 만료일이 지나면 '만료'로 바뀌어요)\n"
              + FREE_WHERE[0],
        "en": "Free cash shows one of three states:\n"
              "- in use: ads are running on the free cash\n"
              "- used up: all of it has been spent\n"
              "- expired: its expiry date has passed (a used-up grant also turns 'expired' "
              "after that date)\n" + FREE_WHERE[1],
    },
}

# ---- tax invoices ---------------------------------------------------------------------------
# A failure reason is tied to the data: the registration number the invoice
# was issued to (its length when it is not 10 digits) and the business status
# on file.
TAX_FAILED_SQL = (
    "SELECT i.month, i.amount, i.vat, i.failure_reason, i.business_reg_no, i.issued_at, "
    "(i.failure_reason = 'invalid_reg_no') AS bad_reg, length(i.business_reg_no) AS reg_len, "
    "(i.failure_reason = 'invalid_reg_no' AND i.business_reg_no = a.business_reg_no) AS reg_unchanged, "
    "(i.failure_reason = 'business_closed' AND a.business_status = 'closed') AS still_closed "
    "FROM tax_invoices i JOIN ad_accounts a ON a.id = i.account_id "
    "WHERE i.account_id = :account AND i.status = 'failed' "
    # The admin centre lists the last 12 months, counted on the Seoul calendar.
    "AND i.month >= strftime('%Y-%m', :now, '+9 hours', 'start of month', '-11 months') "
    "AND (:month IS NULL OR i.month = :month) ORDER BY i.month DESC")
BUSINESS_SQL = (
    "SELECT business_reg_no, business_status, length(business_reg_no) AS reg_len, "
    "(length(business_reg_no) = 10 AND business_reg_no NOT GLOB '*[^0-9]*') AS reg_ok "
    "FROM ad_accounts WHERE id = :account")
TAX_LABELS = {
    "ko": {"business_closed": "폐업한 사업자", "invalid_reg_no": "사업자등록번호 오류",
           "business_suspended": "휴업 중인 사업자", "other": "기타 사유",
           "active": "영업 중", "suspended": "휴업", "closed": "폐업"},
    "en": {"business_closed": "the business is closed",
           "invalid_reg_no": "invalid business registration number",
           "business_suspended": "the business is suspended", "other": "another reason",
           "active": "operating", "suspended": "suspended", "closed": "closed"},
}
TAX_ROW_KO = ("{{#failed}}- {{month|month}}분 · 공급가액 {{amount|won}} (부가세 {{vat|won}}) · "
              "실패 사유: {{failure_reason|label}}\n"
              "{{#bad_reg}}  → 발행에 쓰인 사업자등록번호({{business_reg_no}})가 {{reg_len}}자리예요. "
              "사업자등록번호는 10자리예요.{{#reg_unchanged}} 광고계정에 지금 등록된 번호도 "
              "같아요.{{/reg_unchanged}}\n{{/bad_reg}}"
              "{{#still_closed}}  → 이 광고계정의 사업자는 폐업으로 등록되어 있어요.\n{{/still_closed}}"
              "{{/failed}}{{#failed_more}}" + MORE_KO + "{{/failed_more}}")
TAX_ROW_EN = ("{{#failed}}- {{month|month}}: supply amount {{amount|won}} (VAT {{vat|won}}), "
              "reason: {{failure_reason|label}}\n"
              "{{#bad_reg}}  → it was issued to registration no. {{business_reg_no}}, which has "
              "{{reg_len}} digits (a registration number has 10).{{#reg_unchanged}} The number on "
              "the ad account now is the same.{{/reg_unchanged}}\n{{/bad_reg}}"
              "{{#still_closed}}  → the business on this ad account is registered as closed.\n"
              "{{/still_closed}}{{/failed}}{{#failed_more}}" + MORE_EN + "{{/failed_more}}")
# The one route for a corrected or reissued invoice (the FAQ's), with our own
# agents offered as the consultation it names.
ROUTE_KO = ("세금계산서 수정발행은 담당 마케터(대행사)나 '카카오비즈니스' 카카오톡 상담톡으로 "
            "요청하시면 돼요. 실패한 세금계산서를 바뀐 사업자 정보로 받으실 때도, 사업자 정보 "
            "변경이나 휴업·폐업으로 수정발행이 필요하실 때도 같아요.")
ROUTE_EN = ("A corrected tax invoice is requested through your marketer (agency) or the 'Kakao "
            "Business' KakaoTalk consultation chat. That holds for a failed invoice you want "
            "with updated business details, and for a correction after a change of business "
            "details or a suspension or closure.")
OFFER_KO = "원하시면 지금 상담직원에게 연결해 드릴게요."
OFFER_EN = "If you like, I can connect you with a support agent now."
BIZ_KO = ("사업자 정보 자체를 바꾸셔야 하면 카카오비즈니스 관리자센터나 카카오비즈니스 고객센터로 "
          "문의해 주세요.")
BIZ_EN = ("To change the business details themselves, contact the Kakao Business admin centre "
          "or the Kakao Business customer centre.")
TAX_WHY_KO = ("세금계산서는 사업자가 폐업했거나 사업자등록번호가 잘못된 경우 발행에 실패할 수 "
              "있어요. 발행내역(최근 12개월)에서 상태가 '발행실패'인 건을 누르면 실패 사유가 보여요.")
TAX_WHY_EN = ("A tax invoice can fail to issue when the business has closed or its registration "
              "number is wrong. In the issue history (the last 12 months), click an entry whose "
              "status is 'Issue failed' to see the reason.")
AGENT_QR = {"ko": {"label": "상담직원 연결", "value": "agent"},
            "en": {"label": "Talk to an agent", "value": "agent"}}
TAX_WHERE = where(TAX_PATH_KO, TAX_PATH_EN)

SOURCES["tax_invoice_failed"] = [
    ("an invoice fails when the business closed or the registration number is wrong",
     "tax_fail_why"),
    ("the issue history lists 12 months; a failed entry shows its reason when clicked",
     "tax_fail_lookup"),
    ("path to the issue history", "tax_fail_lookup"),
    ("a failed invoice with new business details: the agency or the consultation chat",
     "tax_fail_reissue"),
    ("a correction after a change of business details or closure: the same route",
     "tax_reissue"),
]
SPECS["tax_invoice_failed"] = {
    "needs_account": True,
    "queries": {"failed": {"sql": TAX_FAILED_SQL, "max_rows": 12}},
    "labels": TAX_LABELS,
    "ko": "{{#failed_count}}" + ACC_KO + " 광고계정에서 최근 12개월 동안 발행에 실패한 "
          "세금계산서{{#month}}({{month|month}}분){{/month}}예요.\n{{/failed_count}}"
          + TAX_ROW_KO +
          "{{^failed}}" + ACC_KO + " 광고계정에는 최근 12개월 동안"
          "{{#month}} {{month|month}}분으로{{/month}} 발행에 실패한 세금계산서가 없어요.\n{{/failed}}"
          "\n" + TAX_WHY_KO + "\n" + TAX_WHERE[0] + "\n"
          "{{#failed_count}}\n" + ROUTE_KO + " " + OFFER_KO + "{{/failed_count}}",
    "en": "{{#failed_count}}Tax invoices for ad account " + ACC_EN + " that failed to issue in "
          "the last 12 months{{#month}} ({{month|month}}){{/month}}:\n{{/failed_count}}"
          + TAX_ROW_EN +
          "{{^failed}}No tax invoice{{#month}} for {{month|month}}{{/month}} failed to issue on ad "
          "account " + ACC_EN + " in the last 12 months.\n{{/failed}}"
          "\n" + TAX_WHY_EN + "\n" + TAX_WHERE[1] + "\n"
          "{{#failed_count}}\n" + ROUTE_EN + " " + OFFER_EN + "{{/failed_count}}",
    "general": {
        "ko": TAX_WHY_KO + "\n" + TAX_WHERE[0] + "\n\n" + ROUTE_KO,
        "en": TAX_WHY_EN + "\n" + TAX_WHERE[1] + "\n\n" + ROUTE_EN,
    },
    "quick_replies": {
        "ko": [{"label": "수정발행 안내", "value": "intent:tax_invoice_reissue"}, AGENT_QR["ko"]],
        "en": [{"label": "Corrected invoice", "value": "intent:tax_invoice_reissue"},
               AGENT_QR["en"]],
    },
}

SOURCES["tax_invoice_reissue"] = [
    ("a corrected invoice: the marketer (agency) or the Kakao Business consultation chat",
     "tax_reissue"),
    ("a failed invoice with new business details: the same route", "tax_fail_reissue"),
    ("changing business details: Kakao Business admin centre or customer centre", "biz_change"),
    ("path to the issue history", "tax_fail_lookup"),
]
SPECS["tax_invoice_reissue"] = {
    "needs_account": True,
    "queries": {
        "failed": {"sql": TAX_FAILED_SQL, "max_rows": 12},
        "business": {"sql": BUSINESS_SQL, "max_rows": 1},
    },
    # What an agent needs when the customer then asks for one (the packet).
    "attach": ["failed", "business"],
    "labels": TAX_LABELS,
    "ko": ROUTE_KO + " " + BIZ_KO + "\n\n"
          "{{#failed_count}}" + ACC_KO + " 광고계정에서 최근 12개월 동안 발행에 실패한 "
          "세금계산서예요. 요청하실 때 함께 알려 주세요.\n{{/failed_count}}"
          + TAX_ROW_KO +
          "{{^failed}}" + ACC_KO + " 광고계정에는 최근 12개월 동안 발행에 실패한 세금계산서가 "
          "없어요.\n{{/failed}}"
          "{{#business}}광고계정에 등록된 사업자 정보: 사업자등록번호 "
          "{{#business_reg_no}}{{business_reg_no}}{{^reg_ok}} ({{reg_len}}자리라 올바른 번호가 "
          "아니에요){{/reg_ok}}{{/business_reg_no}}{{^business_reg_no}}없음{{/business_reg_no}} · "
          "사업자 상태 {{business_status|label}}\n{{/business}}"
          + TAX_WHERE[0] + "\n\n" + OFFER_KO,
    "en": ROUTE_EN + " " + BIZ_EN + "\n\n"
          "{{#failed_count}}Tax invoices for ad account " + ACC_EN + " that failed to issue in "
          "the last 12 months; mention them when you ask:\n{{/failed_count}}"
          + TAX_ROW_EN +
          "{{^failed}}No tax invoice failed to issue on ad account " + ACC_EN + " in the last "
          "12 months.\n{{/failed}}"
          "{{#business}}Business details on the ad account: registration no. "
          "{{#business_reg_no}}{{business_reg_no}}{{^reg_ok}} ({{reg_len}} digits, so not a "
          "valid number){{/reg_ok}}{{/business_reg_no}}{{^business_reg_no}}none{{/business_reg_no}}"
          ", business {{business_status|label}}\n{{/business}}"
          + TAX_WHERE[1] + "\n\n" + OFFER_EN,
    "general": {
        "ko": ROUTE_KO + " " + BIZ_KO + "\n" + TAX_WHERE[0] + "\n\n" + OFFER_KO,
        "en": ROUTE_EN + " " + BIZ_EN + "\n" + TAX_WHERE[1] + "\n\n" + OFFER_EN,
    },
    "quick_replies": {"ko": [AGENT_QR["ko"]], "en": [AGENT_QR["en"]]},
}

# ---- departed member's card payments ------------------------------------------------------
DEPARTED = ("FROM cash_transactions t JOIN members m ON m.id = t.member_id "
            "LEFT JOIN account_members am ON am.account_id = t.account_id AND am.member_id = t.member_id "
            "LEFT JOIN payment_cards c ON c.id = t.card_id "
            "WHERE t.account_id = :account AND t.kind = 'charge' "
            "AND t.method IN ('card', 'autopay_card') "
            "AND (m.status = 'departed' OR am.left_at IS NOT NULL)")
DEPARTED_RULE_KO = ("탈퇴한 멤버가 카드로 결제한 금액은 환불을 신청할 때 카드 결제 취소가 되지 않아요. "
                    "광고계정에 등록된 환불계좌로 현금 환불만 받으실 수 있어요.")
DEPARTED_RULE_EN = ("Card payments made by a member who has left cannot be refunded by cancelling "
                    "the card payment when you apply for a refund. They can only be refunded in "
                    "cash to the refund account registered on the ad account.")
REFUND_WHERE = where(ko_screen=SCREEN_REFUND_KO, en_screen=SCREEN_REFUND_EN)
SOURCES["departed_member_refund"] = [
    ("on a refund request, a departed member's card payments are not card-cancelled; "
     "cash to the registered refund account only", "departed"),
    ("screen: the refund request and the registered refund account", "departed"),
]
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
    "ko": DEPARTED_RULE_KO + "\n\n"
          "{{#pays_count}}" + ACC_KO + " 광고계정에서 탈퇴한 멤버가 카드로 결제한 내역이에요.\n"
          "{{/pays_count}}"
          "{{#pays}}- {{created_at|date}} · {{payer}}님 · {{issuer}} {{last4|mask}} · "
          "결제 {{amount|won}} · 환불 가능 {{refundable|won}}\n{{/pays}}"
          "{{#pays_more}}" + MORE_KO + "{{/pays_more}}"
          "{{^pays}}" + ACC_KO + " 광고계정에는 탈퇴한 멤버가 카드로 결제한 내역이 없어요.\n{{/pays}}"
          "{{#pays_count}}\n{{#totals.refundable}}{{#refund}}환불을 신청하시면 환불 가능한 "
          "{{totals.refundable|won}}은 등록된 환불계좌 {{bank}} {{number|mask}} (예금주 {{holder}})로 "
          "현금 환불돼요.{{/refund}}"
          "{{^refund}}이 광고계정에는 환불계좌가 등록되어 있지 않아요. 환불 가능한 "
          "{{totals.refundable|won}}은 환불계좌로만 환불되니, 환불을 신청하기 전에 환불계좌를 "
          "등록해 주세요.{{/refund}}{{/totals.refundable}}"
          "{{^totals.refundable}}이 결제분 중 환불 가능한 금액은 없어요.{{/totals.refundable}}\n"
          "{{/pays_count}}" + REFUND_WHERE[0],
    "en": DEPARTED_RULE_EN + "\n\n"
          "{{#pays_count}}Card payments on ad account " + ACC_EN + " by members who have left:\n"
          "{{/pays_count}}"
          "{{#pays}}- {{created_at|date}}: {{payer}}, {{issuer}} {{last4|mask}}, paid "
          "{{amount|won}}, refundable {{refundable|won}}\n{{/pays}}"
          "{{#pays_more}}" + MORE_EN + "{{/pays_more}}"
          "{{^pays}}No member who has left paid by card on ad account " + ACC_EN + ".\n{{/pays}}"
          "{{#pays_count}}\n{{#totals.refundable}}{{#refund}}When you apply for a refund, the "
          "refundable {{totals.refundable|won}} goes in cash to the registered refund account "
          "{{bank}} {{number|mask}} (holder {{holder}}).{{/refund}}"
          "{{^refund}}This ad account has no refund account registered. The refundable "
          "{{totals.refundable|won}} can only go to one, so register a refund account before you "
          "apply for the refund.{{/refund}}{{/totals.refundable}}"
          "{{^totals.refundable}}None of these payments has a refundable amount left."
          "{{/totals.refundable}}\n{{/pays_count}}" + REFUND_WHERE[1],
    "general": {
        "ko": DEPARTED_RULE_KO + "\n" + REFUND_WHERE[0],
        "en": DEPARTED_RULE_EN + "\n" + REFUND_WHERE[1],
    },
}

# ---- dashboard ------------------------------------------------------------------------------
ACCT_SQL = ("SELECT a.status, a.off_reason, a.cash_balance, "
            "(a.status = 'off' AND a.off_reason = 'insufficient_balance') AS off_for_balance, "
            "COALESCE(ap.enabled, 0) AS autopay, ap.scheduled_amount, ap.next_charge_at "
            "FROM ad_accounts a LEFT JOIN autopay ap ON ap.account_id = a.id WHERE a.id = :account")
STATUS_KO = ("{{acct.status|label}}{{#acct.off_reason}}({{acct.off_reason|label}})"
             "{{/acct.off_reason}}")
STATUS_EN = ("{{acct.status|label}}{{#acct.off_reason}} ({{acct.off_reason|label}})"
             "{{/acct.off_reason}}")
DASH_WHERE = where(DASH_PATH_KO, DASH_PATH_EN)
SOURCES["payment_dashboard"] = [
    ("the dashboard shows the cash left after ad spend, the amount auto-payment will charge, "
     "the ad account number and its status", "dash_shows"),
    ("the scheduled card auto-payment shows only where auto-payment is registered",
     "dash_autopay"),
    ("ad costs on the dashboard and in reports exclude VAT (said of ad costs only)", "dash_vat"),
    ("path to the dashboard", "dash_path"),
]
SPECS["payment_dashboard"] = {
    "needs_account": True,
    "queries": {"acct": {"sql": ACCT_SQL, "max_rows": 1}},
    "labels": ACCOUNT_LABELS,
    "ko": ACC_KO + " 광고계정의 대시보드 결제 정보예요.\n"
          "- 광고계정번호: {{account_no}}\n"
          "- 운영 상태: " + STATUS_KO + "\n"
          "- 캐시 잔액(광고 집행 후 남은 캐시): {{acct.cash_balance|won}}\n"
          "{{#acct.autopay}}- 카드 자동결제 예정액: {{acct.scheduled_amount|won}}"
          "{{#acct.next_charge_at}} (다음 결제 예정 {{acct.next_charge_at|date}}){{/acct.next_charge_at}}\n"
          "{{/acct.autopay}}"
          "{{^acct.autopay}}- 카드 자동결제 예정액: 자동결제를 등록한 광고계정에서만 보여요. 이 "
          "광고계정은 자동결제가 등록되어 있지 않아요.\n{{/acct.autopay}}"
          "\n대시보드와 보고서에서 보이는 광고비용은 부가세가 포함되지 않은 금액이에요.\n"
          + DASH_WHERE[0],
    "en": "Dashboard payment information for ad account " + ACC_EN + ":\n"
          "- Ad account number: {{account_no}}\n"
          "- Status: " + STATUS_EN + "\n"
          "- Cash balance (left after ad spend): {{acct.cash_balance|won}}\n"
          "{{#acct.autopay}}- Scheduled card auto-payment: {{acct.scheduled_amount|won}}"
          "{{#acct.next_charge_at}} (next charge {{acct.next_charge_at|date}}){{/acct.next_charge_at}}\n"
          "{{/acct.autopay}}"
          "{{^acct.autopay}}- Scheduled card auto-payment: shown only for ad accounts with "
          "auto-payment registered; this one has none.\n{{/acct.autopay}}"
          "\nAd costs on the dashboard and in reports exclude VAT.\n" + DASH_WHERE[1],
    "general": {
        "ko": "대시보드에서는 광고 집행 후 남은 캐시 잔액, 등록된 카드 자동결제로 청구될 예정 금액, "
              "광고계정번호와 운영 상태를 볼 수 있어요. 카드 자동결제 예정액은 자동결제를 등록한 "
              "광고계정에서만 보여요. 대시보드와 보고서에서 보이는 광고비용은 부가세가 포함되지 "
              "않은 금액이에요.\n" + DASH_WHERE[0],
        "en": "The dashboard shows the cash balance left after ad spend, the amount the registered "
              "card auto-payment will charge, the ad account number and its status. The scheduled "
              "card auto-payment appears only for accounts with auto-payment registered. Ad costs "
              "on the dashboard and in reports exclude VAT.\n" + DASH_WHERE[1],
    },
}

# ---- auto-payment failure -------------------------------------------------------------------
# Advice follows from the FAQ's two rules and the facts shown: with a card
# refused and 3 of 3 registered, replace one (no slot is free); with fewer,
# a backup can be added, tried after the cards before it.
RULE_AUTOPAY_KO = ("자동결제가 실패하면 광고계정은 잔액부족으로 광고가 OFF돼요. 결제카드는 광고계정에 "
                   "최대 3개까지 등록할 수 있고, 결제카드 → 예비카드1 → 예비카드2 순서로 결제를 시도해요.")
RULE_AUTOPAY_EN = ("When auto-payment fails, the ad account's ads turn OFF for insufficient balance. "
                   "An ad account can hold up to 3 payment cards, tried in order: main card → "
                   "backup card 1 → backup card 2.")
CARDS_WHERE = where(ko_screen=SCREEN_CARDS_KO, en_screen=SCREEN_CARDS_EN)
SOURCES["autopay_failure"] = [
    ("a failed auto-payment turns the ads OFF for insufficient balance", "autopay_off"),
    ("up to 3 cards, tried main → backup 1 → backup 2; hence 3 of 3: replace, fewer: add",
     "autopay_cards"),
    ("screen: the auto-payment cards in the admin centre", "dormant_kakaopay"),
]
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
        "outcome": {
            "sql": "SELECT COUNT(CASE WHEN result = 'success' THEN 1 END) AS paid, "
                   "COUNT(CASE WHEN result <> 'success' THEN 1 END) AS refused "
                   "FROM autopay_attempts WHERE account_id = :account AND run_at = "
                   "(SELECT MAX(run_at) FROM autopay_attempts WHERE account_id = :account)",
            "max_rows": 1,
        },
        "acct": {"sql": ACCT_SQL, "max_rows": 1},
        "cards": {
            "sql": "SELECT COUNT(*) AS n, 3 - COUNT(*) AS free, (COUNT(*) >= 3) AS full "
                   "FROM payment_cards WHERE account_id = :account",
            "max_rows": 1,
        },
    },
    "labels": merged(ACCOUNT_LABELS, CARD_LABELS, TRY_LABELS),
    "ko": "{{#run_count}}" + ACC_KO + " 광고계정의 최근 자동결제 결과예요.\n"
          "{{run.run_at|datetime}}에 {{run.amount|won}} 결제를 시도했어요.\n{{/run_count}}"
          "{{#run}}{{@index}}. {{slot|label}} {{issuer}} {{last4|mask}}: {{result|label}}"
          "{{#decline_reason}}({{decline_reason|label}}){{/decline_reason}}\n{{/run}}"
          "{{^run}}{{#acct.autopay}}" + ACC_KO + " 광고계정에는 아직 자동결제를 시도한 기록이 없어요."
          "{{/acct.autopay}}{{^acct.autopay}}" + ACC_KO + " 광고계정에는 자동결제가 등록되어 있지 "
          "않아요.{{/acct.autopay}}\n{{/run}}"
          "\n{{#acct.off_for_balance}}{{#outcome.refused}}{{^outcome.paid}}자동결제가 실패해 "
          "{{/outcome.paid}}{{/outcome.refused}}지금 이 광고계정은 잔액부족으로 광고가 OFF된 "
          "상태예요(캐시 잔액 {{acct.cash_balance|won}}).\n{{/acct.off_for_balance}}"
          "{{^acct.off_for_balance}}현재 운영 상태: " + STATUS_KO + "\n{{/acct.off_for_balance}}"
          "{{#cards.n}}등록된 결제카드: {{cards.n}}개 (최대 3개)\n{{/cards.n}}"
          "{{^cards.n}}등록된 결제카드가 없어요.\n{{/cards.n}}"
          "{{#outcome.refused}}{{#cards.full}}결제카드가 이미 3개라 더 등록할 수는 없어요. 결제에 "
          "실패한 카드를 결제할 수 있는 카드로 바꿔 주세요.\n{{/cards.full}}"
          "{{^cards.full}}예비카드를 {{cards.free}}개 더 등록할 수 있어요. 등록해 두면 앞의 카드가 "
          "실패했을 때 다음 카드로 결제를 시도해요.\n{{/cards.full}}{{/outcome.refused}}"
          "\n" + RULE_AUTOPAY_KO + "\n" + CARDS_WHERE[0],
    "en": "{{#run_count}}Latest auto-payment result for ad account " + ACC_EN + ":\n"
          "A charge of {{run.amount|won}} was tried on {{run.run_at|datetime}}.\n{{/run_count}}"
          "{{#run}}{{@index}}. {{slot|label}} {{issuer}} {{last4|mask}}: {{result|label}}"
          "{{#decline_reason}} ({{decline_reason|label}}){{/decline_reason}}\n{{/run}}"
          "{{^run}}{{#acct.autopay}}Ad account " + ACC_EN + " has no auto-payment attempt on "
          "record yet.{{/acct.autopay}}{{^acct.autopay}}Ad account " + ACC_EN + " has no "
          "auto-payment registered.{{/acct.autopay}}\n{{/run}}"
          "\n{{#acct.off_for_balance}}{{#outcome.refused}}{{^outcome.paid}}Because auto-payment "
          "failed, {{/outcome.paid}}{{/outcome.refused}}this ad account's ads are OFF for "
          "insufficient balance (cash balance {{acct.cash_balance|won}}).\n{{/acct.off_for_balance}}"
          "{{^acct.off_for_balance}}Current status: " + STATUS_EN + "\n{{/acct.off_for_balance}}"
          "{{#cards.n}}Payment cards registered: {{cards.n}} of 3\n{{/cards.n}}"
          "{{^cards.n}}No payment card is registered.\n{{/cards.n}}"
          "{{#outcome.refused}}{{#cards.full}}All 3 card places are taken, so no card can be "
          "added: replace a card that was refused with one that can pay.\n{{/cards.full}}"
          "{{^cards.full}}You can add {{cards.free}} more backup card(s); a backup is tried when "
          "the cards before it fail.\n{{/cards.full}}{{/outcome.refused}}"
          "\n" + RULE_AUTOPAY_EN + "\n" + CARDS_WHERE[1],
    "general": {
        "ko": RULE_AUTOPAY_KO + "\n" + CARDS_WHERE[0],
        "en": RULE_AUTOPAY_EN + "\n" + CARDS_WHERE[1],
    },
}

# ---- dormant card ---------------------------------------------------------------------------
# The FAQ's two rules, then the facts per card: its state (past its validity
# month is shown as such, whatever the stored state), its last payment (a
# refused try is not a use), the days since, and its last refused try. No
# advice: the FAQ gives none for a dormant card.
RULE_DORMANT_KO = ("카카오페이에 등록된 카드가 휴면 상태이면 모먼트 관리자센터에 등록된 자동결제 카드도 "
                   "휴면으로 표시돼요. 카드사 정책상 공용법인카드는 사용하지 않은 지 90일이 지나면 "
                   "휴면으로 바뀌어요.")
RULE_DORMANT_EN = ("When a card registered in KakaoPay is dormant, the auto-payment card registered "
                   "in the Moment admin centre shows as dormant too. Under the card issuers' "
                   "policy, a shared corporate card turns dormant once 90 days have passed without "
                   "use.")
CARD_STATE = ("CASE WHEN c.valid_thru < strftime('%Y-%m', :now, '+9 hours') THEN 'expired' "
              "ELSE c.state END")
LAST_TRY = ("FROM autopay_attempts a WHERE a.account_id = :account AND a.card_id = c.id "
            "ORDER BY a.run_at DESC, a.id DESC LIMIT 1")
SOURCES["card_dormant"] = [
    ("a dormant card in KakaoPay shows as dormant in the admin centre", "dormant_kakaopay"),
    ("shared corporate cards turn dormant after 90 days unused (issuer policy)", "dormant_90"),
    ("screen: the auto-payment cards registered in the admin centre", "dormant_kakaopay"),
]
SPECS["card_dormant"] = {
    "needs_account": True,
    "queries": {
        "cards": {
            "sql": "SELECT c.slot, c.issuer, c.last4, c.kind, c.via_kakaopay, " + CARD_STATE +
                   " AS state, c.valid_thru, c.last_paid_at, "
                   "(" + CARD_STATE + " = 'dormant') AS dormant, "
                   "(" + CARD_STATE + " = 'expired') AS expired, "
                   "CAST(julianday(:now) - julianday(c.last_paid_at) AS INTEGER) AS idle_days, "
                   "(SELECT a.result " + LAST_TRY + ") AS last_result, "
                   "(SELECT a.decline_reason " + LAST_TRY + ") AS last_reason, "
                   "(SELECT a.run_at " + LAST_TRY + ") AS last_try_at "
                   "FROM payment_cards c WHERE c.account_id = :account "
                   "AND (:card_last4 IS NULL OR c.last4 = :card_last4) ORDER BY c.slot",
            "max_rows": 3,
        },
        "summary": {
            "sql": "SELECT COUNT(*) AS n, COUNT(CASE WHEN " + CARD_STATE + " = 'dormant' THEN 1 END) "
                   "AS dormant, (SELECT COALESCE(MAX(enabled), 0) FROM autopay "
                   "WHERE account_id = :account) AS autopay "
                   "FROM payment_cards c WHERE c.account_id = :account "
                   "AND (:card_last4 IS NULL OR c.last4 = :card_last4)",
            "max_rows": 1,
        },
    },
    "labels": merged(CARD_LABELS, TRY_LABELS),
    "ko": "{{#cards_count}}" + ACC_KO + " 광고계정에 등록된 결제카드예요."
          "{{^summary.autopay}} 이 광고계정은 자동결제가 등록되어 있지 않아요.{{/summary.autopay}}\n"
          "{{/cards_count}}"
          "{{#cards}}- {{slot|label}} {{issuer}} {{last4|mask}} ({{kind|label}}"
          "{{#via_kakaopay}}, 카카오페이 연결{{/via_kakaopay}}): {{state|label}}"
          "{{#expired}}({{valid_thru|month}}까지 유효){{/expired}}"
          "{{#last_paid_at}} · 마지막 결제 {{last_paid_at|date}}{{/last_paid_at}}"
          "{{^last_paid_at}} · 결제된 기록 없음{{/last_paid_at}}"
          "{{#last_reason}} · {{last_try_at|date}} 결제 실패({{last_reason|label}}){{/last_reason}}\n"
          "{{#dormant}}{{#last_paid_at}}  → 이 광고계정에서 마지막으로 결제한 뒤 {{idle_days}}일이 "
          "지났어요.\n{{/last_paid_at}}{{/dormant}}{{/cards}}"
          "{{^cards}}{{#card_last4}}끝자리 {{card_last4}}인 카드는 " + ACC_KO + " 광고계정에 등록되어 "
          "있지 않아요.\n{{/card_last4}}{{^card_last4}}" + ACC_KO + " 광고계정에는 등록된 결제카드가 "
          "없어요.\n{{/card_last4}}{{/cards}}"
          "{{#summary.n}}{{^summary.dormant}}휴면 상태인 카드는 없어요.\n{{/summary.dormant}}{{/summary.n}}"
          "\n" + RULE_DORMANT_KO + "\n" + CARDS_WHERE[0],
    "en": "{{#cards_count}}Payment cards on ad account " + ACC_EN +
          "{{^summary.autopay}}, which has no auto-payment registered{{/summary.autopay}}:\n"
          "{{/cards_count}}"
          "{{#cards}}- {{slot|label}} {{issuer}} {{last4|mask}} ({{kind|label}}"
          "{{#via_kakaopay}}, linked through KakaoPay{{/via_kakaopay}}): {{state|label}}"
          "{{#expired}} (valid through {{valid_thru|month}}){{/expired}}"
          "{{#last_paid_at}}, last paid {{last_paid_at|date}}{{/last_paid_at}}"
          "{{^last_paid_at}}, no payment on record{{/last_paid_at}}"
          "{{#last_reason}}, declined {{last_try_at|date}} ({{last_reason|label}}){{/last_reason}}\n"
          "{{#dormant}}{{#last_paid_at}}  → {{idle_days}} days have passed since it last paid on "
          "this ad account.\n{{/last_paid_at}}{{/dormant}}{{/cards}}"
          "{{^cards}}{{#card_last4}}No card ending in {{card_last4}} is registered on ad account "
          + ACC_EN + ".\n{{/card_last4}}{{^card_last4}}Ad account " + ACC_EN + " has no payment "
          "card registered.\n{{/card_last4}}{{/cards}}"
          "{{#summary.n}}{{^summary.dormant}}None of these cards is dormant.\n{{/summary.dormant}}"
          "{{/summary.n}}"
          "\n" + RULE_DORMANT_EN + "\n" + CARDS_WHERE[1],
    "general": {
        "ko": RULE_DORMANT_KO + "\n" + CARDS_WHERE[0],
        "en": RULE_DORMANT_EN + "\n" + CARDS_WHERE[1],
    },
    "quick_replies": {
        "ko": [{"label": "자동결제 결과 보기", "value": "intent:autopay_failure"}, AGENT_QR["ko"]],
        "en": [{"label": "Auto-payment result", "value": "intent:autopay_failure"},
               AGENT_QR["en"]],
    },
}

# ---- KakaoPay message -----------------------------------------------------------------------
SOURCES["kakaopay_message_missing"] = [
    ("the message goes to the KakaoTalk linked to the Kakao account; the two reasons it "
     "cannot be sent", "kakaopay_msg"),
    ("screen: the auto-payment cards registered in the admin centre", "dormant_kakaopay"),
]
SPECS["kakaopay_message_missing"] = {
    "needs_account": False,
    "ko": "자동결제 카드를 카카오페이로 연결할 때 보내는 메시지는 카카오계정과 연결된 카카오톡으로 "
          "가요. 다음과 같은 경우에는 메시지를 보낼 수 없어요.\n"
          "- 카카오페이 서비스(카카오머니, 카드 자동결제 등)에 가입하지 않았거나 본인인증을 하지 않은 경우\n"
          "- 카카오계정의 생년월일과 입력한 생년월일이 다른 경우\n"
          "카카오페이 가입·본인인증 여부와 입력한 생년월일을 확인한 뒤 다시 연결해 주세요. "
          "그래도 메시지가 오지 않으면 상담직원에게 연결해 드릴게요.\n" + CARDS_WHERE[0],
    "en": "When you link an auto-payment card through KakaoPay, the message goes to the KakaoTalk "
          "linked to your Kakao account. It cannot be sent when:\n"
          "- you have not signed up for KakaoPay services (Kakao Money, card auto-payment, etc.) "
          "or completed identity verification\n"
          "- the date of birth you entered differs from the one on your Kakao account\n"
          "Check your KakaoPay sign-up, verification and the date of birth you entered, then try "
          "linking again. If the message still does not arrive, I can connect you with a support "
          "agent.\n" + CARDS_WHERE[1],
    "quick_replies": {"ko": [AGENT_QR["ko"]], "en": [AGENT_QR["en"]]},
}

# ---- virtual account ------------------------------------------------------------------------
VACC_RULE_KO = ("1회성 가상계좌를 다시 받으시려면 하나 더 발급하시면 돼요. 발급할 때 휴대전화번호를 "
                "입력하면 가상계좌번호를 문자(SMS)로 받을 수 있어요.")
VACC_RULE_EN = ("To get a one-time virtual account again, simply issue another one. If you enter a "
                "phone number when issuing it, the account number is sent to you by SMS.")
VACC_WHERE = where(ko_screen=SCREEN_VACC_KO, en_screen=SCREEN_VACC_EN)
SOURCES["virtual_account_reissue"] = [
    ("to get one again, issue an additional one; a phone number gets the number by SMS",
     "vaccount"),
    ("screen: issuing a one-time virtual account", "vaccount"),
]
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
    "ko": VACC_RULE_KO + "\n\n"
          "{{#last}}" + ACC_KO + " 광고계정에서 가장 최근에 발급한 1회성 가상계좌예요.\n"
          "- {{bank}} {{number|mask}} · {{amount|won}} · {{state|label}}\n"
          "- 발급 {{issued_at|datetime}} · 입금 기한 {{expires_at|datetime}}"
          "{{#sms_phone}} · 문자 받은 번호 {{sms_phone}}{{/sms_phone}}\n{{/last}}"
          "{{^last}}" + ACC_KO + " 광고계정에서 발급한 1회성 가상계좌는 아직 없어요.\n{{/last}}"
          + VACC_WHERE[0],
    "en": VACC_RULE_EN + "\n\n"
          "{{#last}}The latest one-time virtual account for ad account " + ACC_EN + ":\n"
          "- {{bank}} {{number|mask}}, {{amount|won}}, {{state|label}}\n"
          "- issued {{issued_at|datetime}}, deposit deadline {{expires_at|datetime}}"
          "{{#sms_phone}}, SMS sent to {{sms_phone}}{{/sms_phone}}\n{{/last}}"
          "{{^last}}Ad account " + ACC_EN + " has no one-time virtual account yet.\n{{/last}}"
          + VACC_WHERE[1],
    "general": {
        "ko": VACC_RULE_KO + "\n" + VACC_WHERE[0],
        "en": VACC_RULE_EN + "\n" + VACC_WHERE[1],
    },
}

# ---- charge / refund history ----------------------------------------------------------------
# The range is named the way the answer used it: the customer's words when
# the engine understood them (period_words), else the canonical period's
# label; always followed by its dates. A range the customer typed as dates
# needs no name.
HIST_WHERE = ("WHERE t.account_id = :account AND t.created_at >= :period_from "
              "AND t.created_at < :period_to")
PERIODS = {
    "ko": {"today": "오늘", "yesterday": "어제", "this_week": "이번 주", "last_week": "지난 주",
           "last_7_days": "최근 7일", "last_14_days": "최근 14일", "last_30_days": "최근 30일",
           "this_month": "이번 달", "last_month": "지난 달", "all": "전체 기간"},
    "en": {"today": "today", "yesterday": "yesterday", "this_week": "this week",
           "last_week": "last week", "last_7_days": "the last 7 days",
           "last_14_days": "the last 14 days", "last_30_days": "the last 30 days",
           "this_month": "this month", "last_month": "last month", "all": "all time"},
}


def period_phrase(lang):
    """NAME(FROM~TO), NAME(TO까지) for all time, or FROM~TO for a typed range."""
    if lang == "ko":
        span = ("{{period_from|day}}{{^period_one_day}}~{{period_last|day}}{{/period_one_day}}")
        upto = "{{now|day}}까지"
        paren = "({})"
    else:
        span = ("{{period_from|day}}{{^period_one_day}} – {{period_last|day}}{{/period_one_day}}")
        upto = "up to {{now|day}}"
        paren = " ({})"
    name = ("{{#period_words}}{{period_words}}{{/period_words}}"
            "{{^period_words}}{{period|label}}{{/period_words}}")
    return ("{{#period_has_range}}{{#period_named}}" + name + paren.format(span) +
            "{{/period_named}}{{^period_named}}{{#period_words}}{{period_words}}" +
            paren.format(span) + "{{/period_words}}{{^period_words}}" + span +
            "{{/period_words}}{{/period_named}}{{/period_has_range}}"
            "{{^period_has_range}}" + name + paren.format(upto) + "{{/period_has_range}}")


HIST_W = where(HIST_PATH_KO, HIST_PATH_EN)
FILTERS_KO = ("충전내역에서는 오늘, 어제, 이번 주, 지난 주, 최근 7일, 최근 14일, 최근 30일, 이번 달, "
              "지난 달, 전체, 맞춤설정으로 기간을 골라 조회할 수 있어요.")
FILTERS_EN = ("The charge history can be filtered by today, yesterday, this week, last week, the "
              "last 7, 14 or 30 days, this month, last month, all, or a custom range.")
SOURCES["charge_refund_history"] = [
    ("charges and refunds are in the charge history under cash management (path)",
     "history_path"),
    ("the periods the charge history filters by", "history_filters"),
]
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
    "ko": "{{#tx_count}}" + ACC_KO + " 광고계정의 " + period_phrase("ko") + " 충전·환불 내역이에요.\n"
          "{{/tx_count}}"
          "{{#tx}}- {{created_at|datetime}} · {{kind|label}} {{amount|won}} · {{method|label}}"
          "{{#last4}} {{last4|mask}}{{/last4}} · {{payer}}{{#payer_departed}}(탈퇴){{/payer_departed}}\n{{/tx}}"
          "{{#tx_more}}" + MORE_KO + "{{/tx_more}}"
          "{{^tx}}" + ACC_KO + " 광고계정에는 " + period_phrase("ko") + " 충전·환불 내역이 없어요.\n{{/tx}}"
          "{{#totals.n}}\n합계: 충전 {{totals.n_charge}}건 {{totals.charged|won}}, "
          "환불 {{totals.n_refund}}건 {{totals.refunded|won}}\n"
          "{{#payers_count}}결제한 멤버: {{#payers}}{{^@first}}, {{/@first}}{{payer}} {{total|won}}({{n}}건)"
          "{{/payers}}\n{{/payers_count}}"
          "금액은 부가세를 포함하지 않은 공급가액이에요.\n{{/totals.n}}"
          "\n" + FILTERS_KO + "\n" + HIST_W[0],
    "en": "{{#tx_count}}Charges and refunds on ad account " + ACC_EN + " for " + period_phrase("en")
          + ":\n{{/tx_count}}"
          "{{#tx}}- {{created_at|datetime}}: {{kind|label}} {{amount|won}}, {{method|label}}"
          "{{#last4}} {{last4|mask}}{{/last4}}, {{payer}}{{#payer_departed}} (left){{/payer_departed}}\n{{/tx}}"
          "{{#tx_more}}" + MORE_EN + "{{/tx_more}}"
          "{{^tx}}No charges or refunds on ad account " + ACC_EN + " for " + period_phrase("en") +
          ".\n{{/tx}}"
          "{{#totals.n}}\nTotals: charges {{totals.charged|won}} ({{totals.n_charge}}), "
          "refunds {{totals.refunded|won}} ({{totals.n_refund}})\n"
          "{{#payers_count}}Paid by: {{#payers}}{{^@first}}, {{/@first}}{{payer}} {{total|won}} ({{n}}){{/payers}}\n"
          "{{/payers_count}}"
          "Amounts are supply amounts, excluding VAT.\n{{/totals.n}}"
          "\n" + FILTERS_EN + "\n" + HIST_W[1],
    "general": {
        "ko": "충전·환불 내역은 캐시관리의 충전내역에서 볼 수 있어요. " + FILTERS_KO + "\n" + HIST_W[0],
        "en": "Charges and refunds are listed in the charge history under cash management. "
              + FILTERS_EN + "\n" + HIST_W[1],
    },
}

# ---- conversation ---------------------------------------------------------------------------
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
SOURCES["greeting"] = []  # no rule, no path
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
SOURCES["thanks"] = []
SPECS["thanks"] = {
    "needs_account": False,
    "ko": "도움이 되었다니 다행이에요. 더 궁금한 점이 있으면 언제든 물어봐 주세요.",
    "en": "Glad I could help. If anything else comes up, just ask.",
}
SOURCES["agent_request"] = []
SPECS["agent_request"] = {
    "needs_account": False,
    "handoff": True,
    "ko": "네, 상담직원 연결을 요청했어요.",
    "en": "Sure, I've asked for a support agent.",
}


def check_sources():
    """Every intent traces its rules and paths to the FAQ; every path or
    screen a template names is one the FAQ gives. Returns the problems."""
    bad = []
    for iid, spec in SPECS.items():
        if iid not in SOURCES:
            bad.append(f"{iid}: no SOURCES entry (which FAQ sentence does each rule come from?)")
            continue
        for what, key in SOURCES[iid]:
            if key not in FAQ:
                bad.append(f"{iid}: '{what}' cites unknown FAQ key {key}")
        texts = [spec.get("ko", ""), spec.get("en", "")]
        texts += list(spec.get("general", {}).values())
        for t in texts:
            for m in re.finditer(r"(?:\[경로\]|Where:|\[화면\]|Screen:) ([^\n{]*)", t):
                line = m.group(1).strip()
                if line not in PATHS and line not in SCREENS:
                    bad.append(f"{iid}: path or screen not from the FAQ: {line}")
                elif (line in PATHS and PATHS[line] not in [k for _, k in SOURCES[iid]]) or \
                        (line in SCREENS and SCREENS[line] not in [k for _, k in SOURCES[iid]]):
                    bad.append(f"{iid}: {line} is not traced in SOURCES")
    return bad


def sources_table():
    rows = ["| intent | what the answer says | FAQ question (key in answer_specs.py) |",
            "| --- | --- | --- |"]
    for iid in sorted(SOURCES):
        for what, key in SOURCES[iid]:
            rows.append(f"| `{iid}` | {what} | {FAQ[key][0]} (`{key}`) |")
    return "\n".join(rows) + "\n"


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


README = os.path.join(INTENTS, "README.md")
TABLE_START = "<!-- sources: written by tests/golden/answer_specs.py write -->\n"
TABLE_END = "<!-- /sources -->\n"


def readme_table(mode):
    """Keeps the trace table of intents/README.md (between the markers) equal
    to SOURCES. Returns 1 when check finds it out of date."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    a, b = text.find(TABLE_START), text.find(TABLE_END)
    if a < 0 or b < a:
        print(f"{README}: no sources table markers", file=sys.stderr)
        return 1
    new = text[:a + len(TABLE_START)] + sources_table() + text[b:]
    if new == text:
        return 0
    if mode == "check":
        print(f"{README}: the sources table differs from tests/golden/answer_specs.py",
              file=sys.stderr)
        return 1
    with open(README + ".tmp", "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(README + ".tmp", README)
    print(f"wrote {README}")
    return 0


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "check"
    if mode not in ("write", "check", "dump", "sources"):
        sys.exit("usage: answer_specs.py write|check|dump|sources")
    if mode == "dump":
        json.dump(SPECS, sys.stdout, ensure_ascii=False, indent=2)
        return
    if mode == "sources":
        sys.stdout.write(sources_table())
        return
    bad = 0
    for problem in check_sources():
        print(f"tests/golden/answer_specs.py: {problem}", file=sys.stderr)
        bad += 1
    bad += readme_table(mode)
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
