INSERT INTO {schema}.schema_migration (version, name) VALUES ($1, $2)
