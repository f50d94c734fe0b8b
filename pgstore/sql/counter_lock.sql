-- Lock the key (making its row on first use): takers of one key take turns.
INSERT INTO {schema}.send_count_key (key) VALUES ($1)
ON CONFLICT (key) DO UPDATE SET key = excluded.key
