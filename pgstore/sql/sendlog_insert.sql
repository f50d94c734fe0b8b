-- A new key: claimed in flight. Nothing happens when the key exists (a
-- concurrent insert of the same key waits for the first to commit).
INSERT INTO {schema}.send_log (account, key, state, message_id, updated_at)
VALUES ($1, $2, 1, $3, $4)
ON CONFLICT (account, key) DO NOTHING
