-- An attempt handed the whole message to the server (provider.HandoverLog):
-- after a crash, a retry that finds no copy must not send it again.
ALTER TABLE {schema}.send_log ADD COLUMN handed_over boolean NOT NULL DEFAULT false;
