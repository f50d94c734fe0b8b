-- A message with the same Message-ID replaces the earlier record.
INSERT INTO {schema}.sent_message (message_id, account, thread_id, subject, sent_at, recipients, meta)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (message_id) DO UPDATE
SET account = excluded.account, thread_id = excluded.thread_id, subject = excluded.subject,
    sent_at = excluded.sent_at, recipients = excluded.recipients, meta = excluded.meta
