SELECT id, requester, owner, state, version, by_user, created_at, updated_at
FROM {schema}.delegation_grant WHERE id = $1
