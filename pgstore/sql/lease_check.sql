-- Whether fence is still the live lease on account.
SELECT EXISTS (
    SELECT 1 FROM {schema}.lease
    WHERE account = $1 AND fence = $2 AND expires_at > coalesce($3::timestamptz, now())
)
