-- Engine events; a key stored already is skipped (Deliver is idempotent).
INSERT INTO {schema}.event (key, account, kind, at, message_id, provider_id, thread_id, folder, reason, fence, data)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::bigint[], $11::jsonb[])
ON CONFLICT (key) DO NOTHING
