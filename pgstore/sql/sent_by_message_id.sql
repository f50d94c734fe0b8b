SELECT message_id, account, thread_id, subject, sent_at, recipients, meta
FROM {schema}.sent_message
WHERE message_id = $1
