-- Rules the records of a botd database keep with each other, so that what an
-- answer reads is true: every query prints the rows that break its rule, and
-- a database is sound when this prints nothing. run.sh runs it on the demo
-- cast and on a small `botd gen-data` database.
--   sqlite3 -readonly DB < tests/golden/demo_checks.sql

-- The latest time each card paid, from the records: a paid auto-payment try
-- or a charge paid by the card.
CREATE TEMP VIEW card_paid AS
	SELECT card_id, MAX(at) AS at FROM (
		SELECT card_id, run_at AS at FROM autopay_attempts WHERE result = 'success'
		UNION ALL
		SELECT card_id, created_at FROM cash_transactions
		WHERE kind = 'charge' AND card_id IS NOT NULL)
	GROUP BY card_id;

-- A card's last payment is its latest paid charge on record; with none it is
-- NULL, except on a dormant card, which may have paid before the records.
SELECT 'last_paid_at is not the latest paid charge', c.id, c.last_paid_at, p.at
FROM payment_cards c LEFT JOIN card_paid p ON p.card_id = c.id
WHERE (p.at IS NOT NULL AND c.last_paid_at IS NOT p.at)
   OR (p.at IS NULL AND c.last_paid_at IS NOT NULL AND c.state <> 'dormant');

-- A refused try is never a payment.
SELECT 'last_paid_at is a refused try', c.id, c.last_paid_at
FROM payment_cards c JOIN autopay_attempts a ON a.card_id = c.id
WHERE a.result <> 'success' AND a.run_at = c.last_paid_at;

-- A card past its validity month cannot pay, and only such a card is refused
-- as expired (months on the Seoul calendar).
SELECT 'card_expired on a card still valid', a.id, a.card_id, a.run_at, c.valid_thru
FROM autopay_attempts a JOIN payment_cards c ON c.id = a.card_id
WHERE a.decline_reason = 'card_expired'
  AND (c.valid_thru IS NULL OR strftime('%Y-%m', a.run_at, '+9 hours') <= c.valid_thru);
SELECT 'a card paid after its validity', a.id, a.card_id, a.run_at, c.valid_thru
FROM autopay_attempts a JOIN payment_cards c ON c.id = a.card_id
WHERE a.result = 'success' AND strftime('%Y-%m', a.run_at, '+9 hours') > c.valid_thru;
SELECT 'a card charge after its validity', t.id, t.card_id, t.created_at, c.valid_thru
FROM cash_transactions t JOIN payment_cards c ON c.id = t.card_id
WHERE t.kind = 'charge' AND strftime('%Y-%m', t.created_at, '+9 hours') > c.valid_thru;

-- Only a dormant card is refused as dormant, and a dormant card pays nothing
-- after its last payment.
SELECT 'dormant_card on a card not dormant', a.id, a.card_id
FROM autopay_attempts a JOIN payment_cards c ON c.id = a.card_id
WHERE a.decline_reason = 'dormant_card' AND c.state <> 'dormant';

-- A try names a card of its own account, and so does a charge paid by card.
SELECT 'a try on another account''s card', a.id
FROM autopay_attempts a JOIN payment_cards c ON c.id = a.card_id
WHERE c.account_id <> a.account_id;
SELECT 'a card charge without a card of the account', t.id
FROM cash_transactions t LEFT JOIN payment_cards c ON c.id = t.card_id
WHERE t.method IN ('card', 'autopay_card')
  AND (c.id IS NULL OR c.account_id <> t.account_id);

-- Every paid try is an autopay_card charge of the same amount at the same
-- time, and every autopay_card charge is a paid try.
SELECT 'a paid try without its charge', a.id
FROM autopay_attempts a
WHERE a.result = 'success' AND NOT EXISTS (
	SELECT 1 FROM cash_transactions t
	WHERE t.account_id = a.account_id AND t.card_id = a.card_id AND t.kind = 'charge'
	  AND t.method = 'autopay_card' AND t.created_at = a.run_at AND t.amount = a.amount);
SELECT 'an autopay_card charge without its paid try', t.id
FROM cash_transactions t
WHERE t.method = 'autopay_card' AND NOT EXISTS (
	SELECT 1 FROM autopay_attempts a
	WHERE a.account_id = t.account_id AND a.card_id = t.card_id AND a.result = 'success'
	  AND a.run_at = t.created_at AND a.amount = t.amount);

-- A run tries the cards in slot order and stops at the first that pays.
SELECT 'a try after a paid one in the same run', b.id
FROM autopay_attempts a JOIN payment_cards ca ON ca.id = a.card_id
JOIN autopay_attempts b ON b.account_id = a.account_id AND b.run_at = a.run_at
JOIN payment_cards cb ON cb.id = b.card_id
WHERE a.result = 'success' AND cb.slot > ca.slot;

-- The FAQ: a failed auto-payment turns the ad account OFF for insufficient
-- balance. An account whose latest run no card paid is OFF for that reason,
-- and an account OFF for it has no cash left.
SELECT 'latest auto-payment run failed but the account is not OFF for balance', a.id
FROM ad_accounts a
WHERE EXISTS (SELECT 1 FROM autopay_attempts t WHERE t.account_id = a.id
              AND t.run_at = (SELECT MAX(run_at) FROM autopay_attempts WHERE account_id = a.id))
  AND NOT EXISTS (SELECT 1 FROM autopay_attempts t WHERE t.account_id = a.id AND t.result = 'success'
                  AND t.run_at = (SELECT MAX(run_at) FROM autopay_attempts WHERE account_id = a.id))
  AND NOT (a.status = 'off' AND a.off_reason = 'insufficient_balance');
SELECT 'OFF for insufficient balance with cash left', id, cash_balance
FROM ad_accounts WHERE off_reason = 'insufficient_balance' AND cash_balance > 0;

-- Free cash: what is left is part of what was granted, and a grant expires
-- after it was granted.
SELECT 'free cash remaining outside 0..amount', id
FROM free_cash_grants WHERE remaining < 0 OR remaining > amount;
SELECT 'free cash expiring before it was granted', id
FROM free_cash_grants WHERE expires_at <= granted_at;

-- A failed tax invoice's reason is true of the business it was issued to.
SELECT 'invalid_reg_no on a well-formed registration number', id, business_reg_no
FROM tax_invoices
WHERE failure_reason = 'invalid_reg_no'
  AND length(business_reg_no) = 10 AND business_reg_no NOT GLOB '*[^0-9]*';
SELECT 'business_closed on a business not closed', i.id
FROM tax_invoices i JOIN ad_accounts a ON a.id = i.account_id
WHERE i.failure_reason = 'business_closed' AND a.business_status <> 'closed';

-- A charge's refundable part is part of it.
SELECT 'refundable outside 0..amount', id
FROM cash_transactions WHERE refundable < 0 OR refundable > amount;
