-- The taking whose leaving the window makes room for $3 more under limit
-- $4, given the total $5: the first, oldest first, after which the rest
-- plus $3 fit.
SELECT at FROM (
    SELECT at, $5::int - sum(n) OVER (ORDER BY at, id) AS rest
    FROM {schema}.send_count WHERE key = $1 AND at > $2
) AS running
WHERE rest + $3::int <= $4::int
ORDER BY at
LIMIT 1
