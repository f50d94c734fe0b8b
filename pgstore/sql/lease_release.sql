-- Give holder $1's leases on the accounts $2 with the fences $3 back
-- (shutdown, a removed account): free at once for others.
UPDATE {schema}.lease AS l
SET holder = '', expires_at = '-infinity'
FROM unnest($2::text[], $3::bigint[]) AS w(account, fence)
WHERE l.account = w.account AND l.fence = w.fence AND l.holder = $1
