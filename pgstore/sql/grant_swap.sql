-- Only from the version the writer read; requester and owner never change.
UPDATE {schema}.delegation_grant
SET state = $3, version = $4, by_user = $5, created_at = $6, updated_at = $7
WHERE id = $1 AND version = $2 AND requester = $8 AND owner = $9
