-- Takings that left the window ($2 is its start) count no more.
DELETE FROM {schema}.send_count WHERE key = $1 AND at <= $2
