SELECT coalesce(sum(n), 0)::int FROM {schema}.send_count WHERE key = $1 AND at > $2
