SELECT account, holder, fence, expires_at FROM {schema}.lease
WHERE holder <> '' AND expires_at > coalesce($1::timestamptz, now())
ORDER BY account
