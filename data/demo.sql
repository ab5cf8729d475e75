-- The demo cast: a few named members and ad accounts that together reach every
-- answer branch the FAQ describes, with a "none", a "most" and an "expired"
-- case for each kind of record. Every time is relative to botd_now() (the
-- injected clock, UTC text), so the story stays true whatever day it is
-- loaded: "yesterday's charge" is always yesterday's.
--
-- The records agree with each other the way the real systems' would: a
-- card's last_paid_at is its last paid charge (a refused try is only an
-- autopay_attempts row); a try refused as card_expired is on a card whose
-- valid_thru has passed, dormant_card on a dormant card; a charge paid by
-- card names the card. tests/golden/demo_checks.sql checks these.
--
--  member                      account(s)          story
--  1 김민준 (master)          101 민준상회        free cash in use / used up / expired with 12,000
--                                                  unused / used up then expired; auto-payment
--                                                  paid; charges and refunds over many
--                                                  periods; KakaoTalk link
--  2 이서연 (master)          102 서연뷰티        free cash in use (x2) and expired used up; a
--                                                  card but no auto-payment; 12 daily card
--                                                  charges (list cap)
--  3 박지훈 (master)          103 지훈테크        tax invoice failed: the registration number on
--                                                  file has 9 digits (invalid)
--                             104 지훈테크 부산점 tax invoices failed: business closed; ads
--                                                  turned OFF by hand; no card
--  4 최유나 (master)          105 유나플라워      3 of 3 cards, yesterday's run refused by all
--                                                  three (backup 2 expired) -> OFF for balance
--  5 정도윤 (master)          106 도윤스튜디오    dormant KakaoPay shared corporate card (last
--                                                  paid 120 days ago); one-time virtual accounts
--  6 한지민 (departed)        (107, left)         paid by card before leaving
--  7 강하늘 (master)          107 지민커머스      departed member's card payments, refund account
--  8 오세훈 (departed)        (108, left)         paid by card before leaving
--  9 윤보라 (master)          108 하늘푸드        departed member's card payment, no refund account
-- 10 서준호                   none                member without any ad account
-- 11 임채원 (member)          101 민준상회        second payer on 101 (virtual account, transfer)
-- 12 송하은 (master)          109 하은공방        a new account with nothing yet: no card, no
--                                                  auto-payment, no free cash, no history
-- 13 문태호 (master)          110 태호모터스      3 of 3 cards: the main card expired and was
--                                                  refused, backup 1 paid (ads stay ON), backup 2
--                                                  dormant; all free cash expired, 20,000 unused

CREATE TABLE IF NOT EXISTS demo_cast (
	member_id INTEGER PRIMARY KEY,
	scenario  TEXT NOT NULL
);

INSERT INTO members (id, name, email, status, departed_at, created_at) VALUES
	(1, '김민준', 'minjun@example.com', 'active', NULL, datetime(botd_now(), '-400 days')),
	(2, '이서연', 'seoyeon@example.com', 'active', NULL, datetime(botd_now(), '-300 days')),
	(3, '박지훈', 'jihoon@example.com', 'active', NULL, datetime(botd_now(), '-500 days')),
	(4, '최유나', 'yuna@example.com', 'active', NULL, datetime(botd_now(), '-200 days')),
	(5, '정도윤', 'doyun@example.com', 'active', NULL, datetime(botd_now(), '-250 days')),
	(6, '한지민', 'jimin@example.com', 'departed', datetime(botd_now(), '-15 days'), datetime(botd_now(), '-180 days')),
	(7, '강하늘', 'haneul@example.com', 'active', NULL, datetime(botd_now(), '-190 days')),
	(8, '오세훈', 'sehun@example.com', 'departed', datetime(botd_now(), '-25 days'), datetime(botd_now(), '-160 days')),
	(9, '윤보라', 'bora@example.com', 'active', NULL, datetime(botd_now(), '-170 days')),
	(10, '서준호', 'junho@example.com', 'active', NULL, datetime(botd_now(), '-30 days')),
	(11, '임채원', 'chaewon@example.com', 'active', NULL, datetime(botd_now(), '-350 days')),
	(12, '송하은', 'haeun@example.com', 'active', NULL, datetime(botd_now(), '-3 days')),
	(13, '문태호', 'taeho@example.com', 'active', NULL, datetime(botd_now(), '-220 days'));

INSERT INTO ad_accounts (id, account_no, name, status, off_reason, cash_balance, business_reg_no, business_status, created_at) VALUES
	(101, '3015827', '민준상회', 'on', NULL, 842000, '2148612345', 'active', datetime(botd_now(), '-400 days')),
	(102, '3022914', '서연뷰티', 'on', NULL, 125500, '1058734521', 'active', datetime(botd_now(), '-300 days')),
	(103, '3031006', '지훈테크', 'on', NULL, 310000, '123456789', 'active', datetime(botd_now(), '-500 days')),
	(104, '3031187', '지훈테크 부산점', 'off', 'manual', 0, '6028145590', 'closed', datetime(botd_now(), '-450 days')),
	(105, '3047730', '유나플라워', 'off', 'insufficient_balance', 0, '3128856012', 'active', datetime(botd_now(), '-200 days')),
	(106, '3052291', '도윤스튜디오', 'on', NULL, 57000, '4108123987', 'active', datetime(botd_now(), '-250 days')),
	(107, '3068402', '지민커머스', 'on', NULL, 230000, '5068823001', 'active', datetime(botd_now(), '-190 days')),
	(108, '3071559', '하늘푸드', 'on', NULL, 90000, '7018345562', 'active', datetime(botd_now(), '-170 days')),
	(109, '3083317', '하은공방', 'on', NULL, 0, '2208791134', 'active', datetime(botd_now(), '-3 days')),
	(110, '3094468', '태호모터스', 'on', NULL, 64000, '1358820467', 'active', datetime(botd_now(), '-220 days'));

INSERT INTO account_members (account_id, member_id, role, joined_at, left_at) VALUES
	(101, 1, 'master', datetime(botd_now(), '-400 days'), NULL),
	(101, 11, 'member', datetime(botd_now(), '-350 days'), NULL),
	(102, 2, 'master', datetime(botd_now(), '-300 days'), NULL),
	(103, 3, 'master', datetime(botd_now(), '-500 days'), NULL),
	(104, 3, 'master', datetime(botd_now(), '-450 days'), NULL),
	(105, 4, 'master', datetime(botd_now(), '-200 days'), NULL),
	(106, 5, 'master', datetime(botd_now(), '-250 days'), NULL),
	(107, 7, 'master', datetime(botd_now(), '-190 days'), NULL),
	(107, 6, 'member', datetime(botd_now(), '-180 days'), datetime(botd_now(), '-15 days')),
	(108, 9, 'master', datetime(botd_now(), '-170 days'), NULL),
	(108, 8, 'member', datetime(botd_now(), '-160 days'), datetime(botd_now(), '-25 days')),
	(109, 12, 'master', datetime(botd_now(), '-3 days'), NULL),
	(110, 13, 'master', datetime(botd_now(), '-220 days'), NULL);

-- Cards: last four digits only; slot 0 main, 1 backup 1, 2 backup 2.
-- valid_thru is the last month a card is valid (Seoul calendar); last_paid_at
-- the last charge it paid (see the charges below), NULL when it never paid.
INSERT INTO payment_cards (id, account_id, slot, issuer, last4, kind, via_kakaopay, state, registered_by, last_paid_at, valid_thru) VALUES
	(1, 101, 0, '신한카드', '7712', 'corporate', 0, 'active', 1, datetime(botd_now(), '-1 hours'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+30 months')),
	(2, 102, 0, '현대카드', '3920', 'personal', 0, 'active', 2, datetime(botd_now(), '-1 days', '-2 hours'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+14 months')),
	(3, 105, 0, '신한카드', '1180', 'personal', 0, 'active', 4, datetime(botd_now(), '-31 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+20 months')),
	(4, 105, 1, 'KB국민카드', '2291', 'corporate', 0, 'active', 4, datetime(botd_now(), '-62 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+9 months')),
	(5, 105, 2, '하나카드', '3307', 'corporate', 0, 'active', 4, NULL, strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '-1 months')),
	(6, 106, 0, '삼성카드', '4415', 'shared_corporate', 1, 'dormant', 5, datetime(botd_now(), '-120 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+26 months')),
	(7, 106, 1, '현대카드', '5568', 'personal', 0, 'active', 5, datetime(botd_now(), '-3 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+40 months')),
	(8, 107, 0, '롯데카드', '6024', 'corporate', 0, 'active', 7, datetime(botd_now(), '-5 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+18 months')),
	(9, 107, 1, 'BC카드', '8836', 'personal', 0, 'active', 6, datetime(botd_now(), '-20 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+7 months')),
	(10, 108, 0, '우리카드', '9143', 'personal', 0, 'active', 8, datetime(botd_now(), '-30 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+22 months')),
	(11, 103, 0, '신한카드', '2657', 'corporate', 1, 'active', 3, datetime(botd_now(), '-6 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+33 months')),
	(12, 110, 0, 'BC카드', '1402', 'corporate', 0, 'active', 13, datetime(botd_now(), '-33 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '-1 months')),
	(13, 110, 1, '삼성카드', '5521', 'personal', 0, 'active', 13, datetime(botd_now(), '-2 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+25 months')),
	(14, 110, 2, 'NH농협카드', '6630', 'shared_corporate', 1, 'dormant', 13, datetime(botd_now(), '-95 days'), strftime('%Y-%m', botd_now(), '+9 hours', 'start of month', '+15 months'));

INSERT INTO autopay (account_id, enabled, scheduled_amount, next_charge_at) VALUES
	(101, 1, 150000, datetime(botd_now(), '+4 days')),
	(105, 1, 200000, datetime(botd_now(), '+1 days')),
	(106, 1, 80000, datetime(botd_now(), '+6 days')),
	(110, 1, 120000, datetime(botd_now(), '+28 days'));

-- Each run tries the cards in slot order until one pays. 105: two months
-- ago the main card was over its limit and backup 1 paid; a month ago the
-- main card paid; yesterday every card refused (backup 2 has expired).
-- 106: the dormant main card refused and backup 1 paid. 110: the main card
-- paid a month ago, expired since, and was refused two days ago; backup 1
-- paid.
INSERT INTO autopay_attempts (account_id, card_id, run_at, amount, result, decline_reason) VALUES
	(105, 3, datetime(botd_now(), '-62 days'), 200000, 'declined', 'limit_exceeded'),
	(105, 4, datetime(botd_now(), '-62 days'), 200000, 'success', NULL),
	(105, 3, datetime(botd_now(), '-31 days'), 200000, 'success', NULL),
	(105, 3, datetime(botd_now(), '-1 days'), 200000, 'declined', 'limit_exceeded'),
	(105, 4, datetime(botd_now(), '-1 days'), 200000, 'declined', 'insufficient_funds'),
	(105, 5, datetime(botd_now(), '-1 days'), 200000, 'declined', 'card_expired'),
	(101, 1, datetime(botd_now(), '-3 days'), 150000, 'success', NULL),
	(106, 6, datetime(botd_now(), '-120 days'), 80000, 'success', NULL),
	(106, 6, datetime(botd_now(), '-26 days'), 80000, 'declined', 'dormant_card'),
	(106, 7, datetime(botd_now(), '-26 days'), 80000, 'success', NULL),
	(110, 12, datetime(botd_now(), '-33 days'), 120000, 'success', NULL),
	(110, 12, datetime(botd_now(), '-2 days'), 120000, 'declined', 'card_expired'),
	(110, 13, datetime(botd_now(), '-2 days'), 120000, 'success', NULL);

INSERT INTO refund_accounts (account_id, bank, number, holder, registered_at) VALUES
	(107, 'KB국민은행', '123456-01-234567', '지민커머스', datetime(botd_now(), '-100 days')),
	(101, '신한은행', '110-482-915370', '김민준', datetime(botd_now(), '-300 days'));

-- Charges and refunds spread over the periods the admin centre filters by.
INSERT INTO cash_transactions (account_id, kind, method, amount, vat, member_id, card_id, refundable, created_at) VALUES
	(101, 'charge', 'card', 50000, 5000, 1, 1, 50000, datetime(botd_now(), '-1 hours')),
	(101, 'charge', 'virtual_account', 300000, 30000, 11, NULL, 300000, datetime(botd_now(), '-1 days')),
	(101, 'charge', 'autopay_card', 150000, 15000, 1, 1, 120000, datetime(botd_now(), '-3 days')),
	(101, 'refund', 'cash_refund', 20000, 2000, 1, NULL, 0, datetime(botd_now(), '-8 days')),
	(101, 'charge', 'bank_transfer', 500000, 50000, 11, NULL, 0, datetime(botd_now(), '-30 days')),
	(101, 'refund', 'card_cancel', 30000, 3000, 1, 1, 0, datetime(botd_now(), '-35 days')),
	(101, 'charge', 'card', 100000, 10000, 1, 1, 0, datetime(botd_now(), '-70 days')),
	(105, 'charge', 'autopay_card', 200000, 20000, 4, 4, 0, datetime(botd_now(), '-62 days')),
	(105, 'charge', 'autopay_card', 200000, 20000, 4, 3, 0, datetime(botd_now(), '-31 days')),
	(103, 'charge', 'card', 100000, 10000, 3, 11, 0, datetime(botd_now(), '-6 days')),
	(106, 'charge', 'autopay_card', 80000, 8000, 5, 6, 0, datetime(botd_now(), '-120 days')),
	(106, 'charge', 'autopay_card', 80000, 8000, 5, 7, 0, datetime(botd_now(), '-26 days')),
	(106, 'charge', 'virtual_account', 100000, 10000, 5, NULL, 57000, datetime(botd_now(), '-20 days')),
	(106, 'charge', 'card', 30000, 3000, 5, 7, 0, datetime(botd_now(), '-3 days')),
	(110, 'charge', 'card', 60000, 6000, 13, 14, 0, datetime(botd_now(), '-95 days')),
	(110, 'charge', 'autopay_card', 120000, 12000, 13, 12, 0, datetime(botd_now(), '-33 days')),
	(110, 'charge', 'autopay_card', 120000, 12000, 13, 13, 64000, datetime(botd_now(), '-2 days')),
	(107, 'charge', 'card', 200000, 20000, 6, 9, 120000, datetime(botd_now(), '-40 days')),
	(107, 'charge', 'card', 80000, 8000, 6, 9, 80000, datetime(botd_now(), '-20 days')),
	(107, 'charge', 'card', 50000, 5000, 7, 8, 30000, datetime(botd_now(), '-5 days')),
	(108, 'charge', 'card', 150000, 15000, 8, 10, 90000, datetime(botd_now(), '-30 days'));

-- 102: a small card charge every day for twelve days, more than one answer
-- lists, so the "more in the admin centre" line shows.
WITH RECURSIVE d(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM d WHERE i < 12)
INSERT INTO cash_transactions (account_id, kind, method, amount, vat, member_id, card_id, refundable, created_at)
SELECT 102, 'charge', 'card', 10000 + i * 500, 1000 + i * 50, 2, 2, 0,
       datetime(botd_now(), '-' || i || ' days', '-2 hours')
FROM d;

-- Free cash: 101 has every state, including an expired grant with 12,000
-- unused and a used-up grant whose expiry has passed (it counts as expired);
-- 102 has two in use and one used up then expired; 110 has nothing usable:
-- one grant expired with 20,000 unused, one used up and then expired.
INSERT INTO free_cash_grants (account_id, name, amount, remaining, granted_at, expires_at) VALUES
	(101, '신규 광고주 웰컴 캐시', 100000, 35000, datetime(botd_now(), '-65 days'), datetime(botd_now(), '+25 days')),
	(101, '가을 프로모션', 50000, 0, datetime(botd_now(), '-30 days'), datetime(botd_now(), '+40 days')),
	(101, '여름 프로모션', 30000, 12000, datetime(botd_now(), '-100 days'), datetime(botd_now(), '-10 days')),
	(101, '봄 프로모션', 20000, 0, datetime(botd_now(), '-200 days'), datetime(botd_now(), '-60 days')),
	(102, '재구매 감사 캐시', 70000, 70000, datetime(botd_now(), '-20 days'), datetime(botd_now(), '+10 days')),
	(102, '연말 프로모션', 40000, 15000, datetime(botd_now(), '-5 days'), datetime(botd_now(), '+55 days')),
	(102, '웰컴 캐시', 50000, 0, datetime(botd_now(), '-120 days'), datetime(botd_now(), '-5 days')),
	(110, '봄맞이 감사 캐시', 50000, 20000, datetime(botd_now(), '-90 days'), datetime(botd_now(), '-3 days')),
	(110, '신규 광고주 웰컴 캐시', 30000, 0, datetime(botd_now(), '-210 days'), datetime(botd_now(), '-120 days'));

-- Tax invoices per billing month ('YYYY-MM'); 103 also failed 14 months ago,
-- outside the 12 months the admin centre shows.
INSERT INTO tax_invoices (account_id, month, amount, vat, status, failure_reason, business_reg_no, issued_at) VALUES
	(103, strftime('%Y-%m', botd_now(), 'start of month', '-1 months'), 420000, 42000, 'failed', 'invalid_reg_no', '123456789', datetime(botd_now(), '-10 days')),
	(103, strftime('%Y-%m', botd_now(), 'start of month', '-2 months'), 380000, 38000, 'issued', NULL, '123456789', datetime(botd_now(), '-40 days')),
	(103, strftime('%Y-%m', botd_now(), 'start of month', '-14 months'), 150000, 15000, 'failed', 'other', '123456789', datetime(botd_now(), '-410 days')),
	(104, strftime('%Y-%m', botd_now(), 'start of month', '-1 months'), 260000, 26000, 'failed', 'business_closed', '6028145590', datetime(botd_now(), '-10 days')),
	(104, strftime('%Y-%m', botd_now(), 'start of month', '-2 months'), 310000, 31000, 'failed', 'business_closed', '6028145590', datetime(botd_now(), '-40 days')),
	(104, strftime('%Y-%m', botd_now(), 'start of month', '-3 months'), 290000, 29000, 'issued', NULL, '6028145590', datetime(botd_now(), '-70 days')),
	(101, strftime('%Y-%m', botd_now(), 'start of month', '-1 months'), 650000, 65000, 'issued', NULL, '2148612345', datetime(botd_now(), '-10 days')),
	(110, strftime('%Y-%m', botd_now(), 'start of month', '-1 months'), 240000, 24000, 'issued', NULL, '1358820467', datetime(botd_now(), '-10 days'));

-- One-time virtual accounts; the SMS phone is stored masked already.
INSERT INTO virtual_accounts (account_id, bank, number, amount, sms_phone, issued_by, issued_at, expires_at, paid_at) VALUES
	(106, '우리은행', '27091834562017', 100000, '010-****-4821', 5, datetime(botd_now(), '-21 days'), datetime(botd_now(), '-20 days'), datetime(botd_now(), '-20 days')),
	(106, 'IBK기업은행', '56802917734415', 150000, '010-****-4821', 5, datetime(botd_now(), '-2 days'), datetime(botd_now(), '-1 days'), NULL),
	(101, '신한은행', '56211048837720', 300000, '010-****-9035', 11, datetime(botd_now(), '-1 days', '-3 hours'), datetime(botd_now(), '+6 days'), datetime(botd_now(), '-1 days'));

INSERT INTO kakao_links (bot_user_key, member_id, linked_at) VALUES
	('demo-kakao-user-1', 1, datetime(botd_now(), '-90 days')),
	('demo-kakao-user-2', 2, datetime(botd_now(), '-60 days')),
	('demo-kakao-user-3', 3, datetime(botd_now(), '-30 days')),
	('demo-kakao-user-4', 4, datetime(botd_now(), '-10 days'));

INSERT INTO agents (id, name, max_concurrent) VALUES
	(1, '김지수', 3),
	(2, '이도현', 3),
	(3, '박소율', 2);

INSERT INTO demo_cast (member_id, scenario) VALUES
	(1, '민준상회: 무상캐시 사용중·사용완료·만료, 자동결제 등록, 기간별 충전·환불 내역 / free cash in every state, auto-payment, history'),
	(2, '서연뷰티: 무상캐시 사용중·만료, 자동결제 미등록, 매일 카드 충전 / free cash in use and expired, no auto-payment'),
	(3, '지훈테크·부산점 두 계정: 세금계산서 발행실패(사업자번호 오류, 폐업) / two accounts, failed tax invoices'),
	(4, '유나플라워: 자동결제 카드 3장 모두 실패(예비카드2 유효기간 만료), 잔액부족으로 광고 OFF / auto-payment failed on all three cards, ads OFF'),
	(5, '도윤스튜디오: 카카오페이 공용법인카드 휴면, 1회성 가상계좌 / dormant KakaoPay card, virtual accounts'),
	(7, '지민커머스: 탈퇴 멤버 카드결제분, 환불계좌 등록됨 / departed member paid by card, refund account set'),
	(9, '하늘푸드: 탈퇴 멤버 카드결제분, 환불계좌 없음 / departed member paid by card, no refund account'),
	(10, '광고계정 없음 / no ad account'),
	(11, '민준상회 멤버: 가상계좌·계좌이체 결제자 / second payer on 민준상회'),
	(12, '하은공방: 새 광고계정, 카드·자동결제·무상캐시·내역 없음 / a new account with no card, no auto-payment, no free cash, no history'),
	(13, '태호모터스: 카드 3장(결제카드 유효기간 만료·예비카드1 결제·예비카드2 휴면), 무상캐시 모두 만료 / 3 of 3 cards: expired main card refused, backup paid, dormant backup; all free cash expired');
