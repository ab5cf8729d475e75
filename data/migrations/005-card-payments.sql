-- Schema version 5: a card's last use is its last payment, and its validity
-- is recorded.
--
-- payment_cards.last_used_at did not say whether the use was paid: it was
-- written when a card was tried, so a card refused by every try of an
-- auto-payment run showed the refused run as its last use. It becomes
-- last_paid_at, the time of the last charge the card paid; every try, paid or
-- refused, stays in autopay_attempts with its result. valid_thru is the last
-- month the card is valid ('YYYY-MM', NULL when unknown): a card past it
-- cannot pay, whatever its stored state ('active' or 'dormant') says, and the
-- answers show it as expired.

ALTER TABLE payment_cards RENAME COLUMN last_used_at TO last_paid_at;
ALTER TABLE payment_cards ADD COLUMN valid_thru TEXT
	CHECK (valid_thru IS NULL OR valid_thru GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]');

-- What the records say each card paid, and the tries it refused. A stored
-- time stays only when it is not one of the card's refused tries (it may
-- come from payments older than the records).
CREATE TEMP TABLE card_paid AS
	SELECT card_id, MAX(at) AS at FROM (
		SELECT card_id, run_at AS at FROM autopay_attempts WHERE result = 'success'
		UNION ALL
		SELECT card_id, created_at FROM cash_transactions
		WHERE kind = 'charge' AND card_id IS NOT NULL)
	GROUP BY card_id;
CREATE INDEX temp.card_paid_card ON card_paid(card_id);
CREATE TEMP TABLE card_refused AS
	SELECT DISTINCT card_id, run_at AS at FROM autopay_attempts WHERE result <> 'success';
CREATE INDEX temp.card_refused_card ON card_refused(card_id, at);

UPDATE payment_cards SET last_paid_at = (
	SELECT MAX(at) FROM (
		SELECT at FROM card_paid WHERE card_paid.card_id = payment_cards.id
		UNION ALL
		SELECT payment_cards.last_paid_at WHERE NOT EXISTS (
			SELECT 1 FROM card_refused r
			WHERE r.card_id = payment_cards.id AND r.at = payment_cards.last_paid_at)));

DROP TABLE card_paid;
DROP TABLE card_refused;

-- card_dormant and autopay_failure read the account's cards in slot order
-- with these columns (one descent, as in migration 3).
DROP INDEX IF EXISTS payment_cards_account;
CREATE INDEX payment_cards_account ON payment_cards(account_id, slot, issuer, last4, kind,
	via_kakaopay, state, last_paid_at, valid_thru);
