-- Claim account $1's earliest pending send due at $2 that no live claim
-- holds, for $3 microseconds, skipping a row another process is claiming
-- this instant. Always one row: the claimed send, or NULLs and, in next,
-- the earliest moment one of the account's pending sends may be claimed
-- (NULL when it has none).
WITH due AS (
    SELECT id FROM {schema}.queue
    WHERE account = $1 AND state = 'pending' AND at <= $2 AND (claim_expires IS NULL OR claim_expires <= $2)
    ORDER BY at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE {schema}.queue AS q
    SET token = q.token + 1, claim_expires = $2::timestamptz + $3::bigint * interval '1 microsecond'
    FROM due
    WHERE q.id = due.id
    RETURNING q.id, q.account, q.at, q.after_id, q.actor, q.message, q.meta, q.created_at, q.state,
              q.attempts, q.sent, q.reason, q.updated_at, q.token, q.claim_expires
)
SELECT c.id, c.account, c.at, c.after_id, c.actor, c.message, c.meta, c.created_at, c.state,
       c.attempts, c.sent, c.reason, c.updated_at, c.token, c.claim_expires,
       CASE WHEN c.id IS NULL THEN
           (SELECT min(greatest(at, claim_expires)) FROM {schema}.queue
            WHERE account = $1 AND state = 'pending')
       END AS next
FROM (SELECT) AS one LEFT JOIN claimed AS c ON true
