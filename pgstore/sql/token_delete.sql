DELETE FROM {schema}.oauth_token WHERE key = $1
