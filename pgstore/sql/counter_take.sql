INSERT INTO {schema}.send_count (key, at, n) VALUES ($1, $2, $3) RETURNING id
