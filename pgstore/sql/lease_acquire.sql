-- Engine Leases.Acquire for holder $2 over the accounts $1, for $3 µs, at
-- $4 (NULL: the database's clock); $5 turns the fair share on. The holder
-- heartbeats; its live leases among $1 are renewed (fence kept); free or
-- expired ones are claimed, skipping rows another replica is claiming now,
-- with a fence one greater. Under the fair share a holder claims only up to
-- ceil(accounts / live replicas) leases in all.
WITH clock AS (
    SELECT coalesce($4::timestamptz, now()) AS now,
           coalesce($4::timestamptz, now()) + $3::bigint * interval '1 microsecond' AS until
), beat AS (
    INSERT INTO {schema}.replica (holder, seen_at, expires_at)
    SELECT $2, clock.now, clock.until FROM clock
    ON CONFLICT (holder) DO UPDATE SET seen_at = excluded.seen_at, expires_at = excluded.expires_at
), pruned AS (
    -- Replicas gone for a day (holder names are usually per process).
    DELETE FROM {schema}.replica AS r USING clock
    WHERE r.expires_at < clock.now - interval '1 day' AND r.holder <> $2
), share AS (
    SELECT CASE WHEN $5::boolean THEN
        ceil((SELECT count(*) FROM {schema}.lease)::numeric /
             (1 + (SELECT count(*) FROM {schema}.replica, clock
                   WHERE holder <> $2 AND expires_at > clock.now)))::bigint
    END AS target
), held AS (
    SELECT count(*) AS n FROM {schema}.lease, clock WHERE holder = $2 AND expires_at > clock.now
), free AS (
    SELECT f.account FROM {schema}.lease AS f, clock
    WHERE f.account = ANY($1::text[]) AND f.expires_at <= clock.now
    ORDER BY f.account
    LIMIT (SELECT CASE WHEN share.target IS NOT NULL THEN greatest(share.target - held.n, 0) END FROM share, held)
    FOR UPDATE OF f SKIP LOCKED
), took AS (
    UPDATE {schema}.lease AS l
    SET holder = $2, fence = l.fence + 1, expires_at = clock.until, acquired_at = clock.now
    FROM free, clock
    WHERE l.account = free.account
    RETURNING l.account, l.holder, l.fence, l.expires_at
), kept AS (
    UPDATE {schema}.lease AS l
    SET expires_at = clock.until
    FROM clock
    WHERE l.account = ANY($1::text[]) AND l.holder = $2 AND l.expires_at > clock.now
    RETURNING l.account, l.holder, l.fence, l.expires_at
)
SELECT * FROM took UNION ALL SELECT * FROM kept
