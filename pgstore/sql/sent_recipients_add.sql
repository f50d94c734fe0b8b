-- $1: the normalised (lower-cased, trimmed, non-empty) addresses.
INSERT INTO {schema}.sent_recipient (address, sent_at, message_id)
SELECT DISTINCT a, $2::timestamptz, $3::text FROM unnest($1::text[]) AS a
ON CONFLICT DO NOTHING
