-- Held while this replica refreshes; the others wait, then re-check.
SELECT sealed, version FROM {schema}.oauth_token WHERE key = $1 FOR UPDATE
