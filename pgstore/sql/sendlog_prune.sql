-- Entries nobody will retry any more.
DELETE FROM {schema}.send_log WHERE updated_at < $1
