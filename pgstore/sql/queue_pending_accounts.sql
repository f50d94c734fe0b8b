SELECT DISTINCT account FROM {schema}.queue WHERE state = 'pending'
