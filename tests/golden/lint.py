#!/usr/bin/env python3
"""Checks rendered replies for the kinds of error a reply can have while
every figure in it is right: a heading over nothing, a path the FAQ does not
give, two date styles, advice that the facts shown contradict.

    python3 tests/golden/lint.py NOW FILE...   # NOW: the clock the replies were made at
                                               # (UTC, 2026-11-20T03:00:00Z); exit 1 on any finding

run.sh runs it on every golden reply (also with --update, so a wrong reply
cannot be recorded). Each rule names the class of error it keeps out.
"""
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from answer_specs import PATHS, SCREENS  # noqa: E402

KO_WDAYS = "월화수목금토일"  # datetime.weekday(): Monday is 0
EN_WDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# A span (a period's first and last day) is written without weekdays: the
# ends around "~" / " – ", "...까지" / "up to ...", or a one-day span alone
# in parentheses. Every other date carries its weekday.

# A line that announces a list (ko: "...내역이에요.", en: a line ending in ':').
KO_HEADING = re.compile(r"(내역|결과|결제카드|세금계산서|가상계좌|정보|무상캐시)(이)?에요\.")
ITEM = re.compile(r"^(- |\d+\. )")
# A sentence that says there is nothing: it can never follow a heading.
NONE_KO = re.compile(r"없어요|않아요")
NONE_EN = re.compile(r"\b(no|none|not)\b", re.I)

# Advice and claims the FAQ never gives (each was once in a reply).
NEVER = [
    (r"카드사에 문의|ask your card issuer", "advice the FAQ does not give (the card issuer)"),
    (r"선택하신 기간|the period you chose", "a period named as chosen when nobody chose it"),
    (r"금액은 모두 부가세|All amounts exclude VAT",
     "VAT: the FAQ speaks of the ad costs on the dashboard and in reports only"),
    (r"상담직원이 직접 처리|has to be handled by a support agent",
     "tax-invoice reissue has one route, the FAQ's"),
    (r"직접 OFF", "a raw status ('직접 OFF') instead of words"),
    (r"1회성 가상계좌를 다시 받으시려면 1회성 가상계좌를", "redundant wording"),
    (r"오전|오후|\b[AP]M\b", "12-hour time: one date style, 24-hour"),
    (r"\b\d{1,2}/\d{1,2} \d\d:\d\d", "a second date style (M/D HH:MM)"),
    (r"\d+일 동안 쓰지 않아|not used for \d+ days, so",
     "a fact (days since last use) stated as the rule (90 days)"),
]


def finding(out, path, msg, line=None):
    out.append(f"{path}: {msg}" + (f"\n    | {line}" if line is not None else ""))


def is_ko(text):
    return bool(re.search(r"(요|다)[.!?]?(\n|$)", text))


def check_headings(lines, ko, path, out):
    for i, line in enumerate(lines):
        heading = KO_HEADING.search(line) if ko else line.rstrip().endswith(":")
        if not heading:
            continue
        # The list follows at once, or after one sentence about it (the time
        # an auto-payment run was tried).
        nxt = [l for l in lines[i + 1:i + 3]]
        if not nxt or not (ITEM.match(nxt[0]) or (len(nxt) > 1 and ITEM.match(nxt[1]))):
            finding(out, path, "a heading not followed by its list", line)
            continue
        if not ITEM.match(nxt[0]) and (NONE_KO if ko else NONE_EN).search(nxt[0]):
            finding(out, path, "a heading followed by a 'none' sentence", nxt[0])


def check_paths(lines, path, out):
    for line in lines:
        m = re.match(r"^(\[경로\]|Where:|\[화면\]|Screen:) (.*)$", line)
        if m:
            allowed = PATHS if m.group(1) in ("[경로]", "Where:") else SCREENS
            if m.group(2).strip() not in allowed:
                finding(out, path, "a path or screen the FAQ does not give", line)
        elif re.search(r"관리자센터 > |admin centre > ", line, re.I):
            finding(out, path, "a menu path outside the [경로] / Where: line", line)


def check_dates(text, ko, now, path, out):
    year_now = now.year
    if ko:
        for m in re.finditer(r"(?:(\d{4})년 )?(\d{1,2})월 (\d{1,2})일(\(([일월화수목금토])\))?", text):
            y = int(m.group(1)) if m.group(1) else year_now
            if m.group(1) and y == year_now:
                finding(out, path, f"the current year written out: {m.group(0)}")
            try:
                d = datetime.date(y, int(m.group(2)), int(m.group(3)))
            except ValueError:
                finding(out, path, f"not a date: {m.group(0)}")
                continue
            before, after = text[max(0, m.start() - 1):m.start()], text[m.end():m.end() + 2]
            if m.group(5):
                if KO_WDAYS[d.weekday()] != m.group(5):
                    finding(out, path, f"wrong weekday: {m.group(0)}")
            elif not (after.startswith("~") or before == "~" or after.startswith("까지") or
                      (before == "(" and after.startswith(")"))):
                finding(out, path, f"a date without its weekday outside a span: {m.group(0)}")
    else:
        mon = "|".join(EN_MONTHS)
        for m in re.finditer(r"(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(" + mon +
                             r") (\d{1,2})(?!\d)(?:, (\d{4}))?", text):
            y = int(m.group(4)) if m.group(4) else year_now
            if m.group(4) and y == year_now:
                finding(out, path, f"the current year written out: {m.group(0)}")
            d = datetime.date(y, EN_MONTHS.index(m.group(2)) + 1, int(m.group(3)))
            before, after = text[max(0, m.start() - 3):m.start()], text[m.end():m.end() + 3]
            if m.group(1):
                if EN_WDAYS[d.weekday()] != m.group(1):
                    finding(out, path, f"wrong weekday: {m.group(0)}")
            elif not (after.startswith(" – ") or before == " – " or before.endswith("to ") or
                      (before.endswith("(") and after.startswith(")"))):
                finding(out, path, f"a date without its weekday outside a span: {m.group(0)}")


def check_advice(text, lines, ko, path, out):
    full = re.search(r"등록된 결제카드: 3개|Payment cards registered: 3 of 3", text)
    fewer = re.search(r"등록된 결제카드: [12]개|Payment cards registered: [12] of 3", text)
    none = re.search(r"등록된 결제카드가 없어요|No payment card is registered|has no payment card", text)
    add = re.search(r"더 등록할 수 있어요|예비카드를 등록|add \d+ more backup|add a backup", text)
    replace = re.search(r"카드로 바꿔 주세요|replace a card", text)
    if full and add:
        finding(out, path, "advice to add a card while 3 of 3 are registered")
    if fewer and replace and not add:
        finding(out, path, "advice to replace a card while a place is free")
    if none and (add or replace):
        finding(out, path, "card advice on an account with no card")
    if re.search(r"자동결제가 등록되어 있지 않아요|no auto-payment registered", text) and \
            re.search(r"자동결제 결과예요|자동결제 카드 상태예요|Latest auto-payment result", text):
        finding(out, path, "an auto-payment heading on an account without auto-payment")
    for line in lines:
        # An expired grant has nothing usable.
        if re.search(r": 만료 ·", line) and "남은 금액" in line:
            finding(out, path, "an expired grant shown with an amount left", line)
        if re.search(r": expired,", line) and " left of " in line:
            finding(out, path, "an expired grant shown with an amount left", line)
        # A card refused as expired is not shown as fine.
        if re.search(r": 정상\b", line) and "결제 실패(유효기간 지남)" in line:
            finding(out, path, "a card refused for its validity shown as 정상", line)
        if re.search(r": active\b", line) and "(past its validity)" in line:
            finding(out, path, "a card refused for its validity shown as active", line)
    # A refund happens when one is applied for (the FAQ: 환불신청 시).
    for m in re.finditer(r"[^.\n]*현금 환불돼요", text):
        if "환불을 신청하시면" not in m.group(0):
            finding(out, path, "a cash refund stated as if it happened by itself", m.group(0))
    # A failure reason is tied to the data it is about.
    if re.search(r"실패 사유: 사업자등록번호 오류", text) and "자리예요" not in text:
        finding(out, path, "an invalid registration number not shown for what it is")
    if re.search(r"reason: invalid business registration number", text) and " digits" not in text:
        finding(out, path, "an invalid registration number not shown for what it is")
    # The one route for a corrected invoice.
    if re.search(r"수정발행", text) and ko and "카카오비즈니스' 카카오톡 상담톡" not in text \
            and "수정발행 안내" not in text:
        finding(out, path, "tax-invoice reissue without the FAQ's route")


def lint(path, now):
    out = []
    text = open(path, encoding="utf-8").read()
    # Quick replies print as "[label] value": not part of the text.
    body = "\n".join(l for l in text.split("\n")
                     if not re.match(r"^\[[^\]]+\] (intent:\S+|agent|account:\d+|rating:\d)$", l))
    lines = body.split("\n")
    ko = is_ko(body)
    for pattern, why in NEVER:
        for m in re.finditer(pattern, body):
            finding(out, path, why, m.group(0))
    check_headings(lines, ko, path, out)
    check_paths(lines, path, out)
    check_dates(body, ko, now, path, out)
    check_advice(body, lines, ko, path, out)
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: lint.py NOW FILE...")
    now = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(hours=9)
    problems = []
    for path in sys.argv[2:]:
        problems += lint(path, now)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"lint: {len(sys.argv) - 2} replies, {len(problems)} findings")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
