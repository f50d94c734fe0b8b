INSERT INTO {schema}.audit_event (kind, at, actor, on_behalf_of, grant_id, mailbox, message_id, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
