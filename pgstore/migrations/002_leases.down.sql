DROP TABLE {schema}.lease;
