DELETE FROM {schema}.queue WHERE state <> 'pending' AND updated_at < $1
