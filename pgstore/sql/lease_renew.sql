-- Engine Leases.Renew: one round trip for all of holder $1's leases (the
-- accounts $2 with the fences $3), for $4 µs, at $5 (NULL: the database's
-- clock); $6 turns the fair share on. The holder heartbeats. A lease still
-- held under its fence is extended, even if it expired meanwhile (nobody
-- took it); under the fair share, leases beyond ceil(accounts / live
-- replicas) are released instead, for a replica with fewer to take. Only
-- the renewed leases are returned.
WITH clock AS (
    SELECT coalesce($5::timestamptz, now()) AS now,
           coalesce($5::timestamptz, now()) + $4::bigint * interval '1 microsecond' AS until
), beat AS (
    INSERT INTO {schema}.replica (holder, seen_at, expires_at)
    SELECT $1, clock.now, clock.until FROM clock
    ON CONFLICT (holder) DO UPDATE SET seen_at = excluded.seen_at, expires_at = excluded.expires_at
), share AS (
    SELECT CASE WHEN $6::boolean THEN
        ceil((SELECT count(*) FROM {schema}.lease)::numeric /
             (1 + (SELECT count(*) FROM {schema}.replica, clock
                   WHERE holder <> $1 AND expires_at > clock.now)))::bigint
    END AS target
), mine AS (
    SELECT l.account, l.fence, row_number() OVER (ORDER BY l.account) AS rank
    FROM {schema}.lease AS l
    JOIN unnest($2::text[], $3::bigint[]) AS w(account, fence) ON l.account = w.account AND l.fence = w.fence
    WHERE l.holder = $1
), renewed AS (
    UPDATE {schema}.lease AS l
    SET expires_at = clock.until
    FROM mine, clock, share
    WHERE l.account = mine.account AND l.fence = mine.fence AND l.holder = $1
      AND mine.rank <= coalesce(share.target, mine.rank)
    RETURNING l.account, l.holder, l.fence, l.expires_at
), released AS (
    UPDATE {schema}.lease AS l
    SET holder = '', expires_at = '-infinity'
    FROM mine, share
    WHERE l.account = mine.account AND l.fence = mine.fence AND l.holder = $1
      AND mine.rank > share.target
)
SELECT * FROM renewed
