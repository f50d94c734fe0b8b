-- Every account the caller runs gets a (free) row to claim.
INSERT INTO {schema}.lease (account) SELECT unnest($1::text[])
ON CONFLICT (account) DO NOTHING
