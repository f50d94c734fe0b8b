ALTER TABLE {schema}.send_log DROP COLUMN handed_over;
