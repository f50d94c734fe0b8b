DROP TABLE {schema}.queue;
