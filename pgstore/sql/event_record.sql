-- Events whose key is stored already are skipped; returns the keys stored now.
INSERT INTO {schema}.event (key, account, kind, at, data)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[])
ON CONFLICT (key) DO NOTHING
RETURNING key
