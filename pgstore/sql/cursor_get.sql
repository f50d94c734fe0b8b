SELECT cursor FROM {schema}.fetch_cursor WHERE account = $1
