SELECT id, account, at, after_id, actor, message, meta, created_at, state, attempts, sent, reason, updated_at, token, claim_expires FROM {schema}.queue
WHERE account = $1 AND state = 'pending'
ORDER BY at, id
