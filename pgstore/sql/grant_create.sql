INSERT INTO {schema}.delegation_grant (id, requester, owner, state, version, by_user, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
