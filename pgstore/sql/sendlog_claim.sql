UPDATE {schema}.send_log SET state = 1, updated_at = $3
WHERE account = $1 AND key = $2
