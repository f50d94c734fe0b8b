SELECT value FROM {schema}.sealed_value WHERE key = $1
