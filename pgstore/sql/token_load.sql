SELECT sealed, version FROM {schema}.oauth_token WHERE key = $1
