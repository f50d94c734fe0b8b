DELETE FROM {schema}.sealed_value WHERE key = $1
