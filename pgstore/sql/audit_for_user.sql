-- The user's events as actor or as the other party, oldest first.
SELECT kind, at, actor, on_behalf_of, grant_id, mailbox, message_id, reason
FROM {schema}.audit_event
WHERE actor = $1 OR on_behalf_of = $1
ORDER BY id
LIMIT $2
