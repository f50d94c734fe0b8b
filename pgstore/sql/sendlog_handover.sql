-- Set or clear an entry's hand-over mark; no row means no such key.
UPDATE {schema}.send_log
SET handed_over = $3
WHERE account = $1 AND key = $2
