DELETE FROM {schema}.schema_migration WHERE version = $1
