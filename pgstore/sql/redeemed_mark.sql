INSERT INTO {schema}.redeemed_invitation (id, expires_at) VALUES ($1, $2)
ON CONFLICT (id) DO NOTHING
