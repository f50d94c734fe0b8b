DROP TABLE {schema}.replica;
ALTER TABLE {schema}.fetch_cursor DROP COLUMN fence;
ALTER TABLE {schema}.event
    DROP COLUMN fence,
    DROP COLUMN reason,
    DROP COLUMN folder,
    DROP COLUMN thread_id,
    DROP COLUMN provider_id,
    DROP COLUMN message_id;
