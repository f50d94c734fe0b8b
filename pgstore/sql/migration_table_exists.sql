SELECT to_regclass(quote_ident($1::text) || '.schema_migration') IS NOT NULL
