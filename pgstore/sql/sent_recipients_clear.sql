DELETE FROM {schema}.sent_recipient WHERE message_id = $1
