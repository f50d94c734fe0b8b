DELETE FROM {schema}.send_count WHERE key = $1 AND id = $2
