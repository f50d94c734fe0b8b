-- The newest message we sent in the thread from this mailbox.
SELECT message_id, account, thread_id, subject, sent_at, recipients, meta
FROM {schema}.sent_message
WHERE lower(account) = lower($1) AND thread_id = $2 AND thread_id <> ''
ORDER BY lower(account), thread_id, sent_at DESC
LIMIT 1
