SELECT id, requester, owner, state, version, by_user, created_at, updated_at
FROM {schema}.delegation_grant
WHERE requester = $1 OR owner = $1
ORDER BY created_at, id
