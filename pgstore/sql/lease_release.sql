-- Give leases back (shutdown, rebalancing): free at once for others.
UPDATE {schema}.lease
SET holder = '', expires_at = '-infinity'
WHERE holder = $1 AND account = ANY($2::text[])
