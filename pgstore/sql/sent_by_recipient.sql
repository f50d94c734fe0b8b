-- Newest first; $1 is the normalised address, $2 caps the answer.
SELECT m.message_id, m.account, m.thread_id, m.subject, m.sent_at, m.recipients, m.meta
FROM {schema}.sent_recipient AS r
JOIN {schema}.sent_message AS m ON m.message_id = r.message_id
WHERE r.address = $1
ORDER BY r.address, r.sent_at DESC, r.message_id DESC
LIMIT $2
