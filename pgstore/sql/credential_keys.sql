SELECT key FROM {schema}.sealed_value ORDER BY key
