DROP TABLE {schema}.event;
