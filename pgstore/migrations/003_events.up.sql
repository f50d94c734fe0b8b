-- What the engine reports to the host (replies, bounces, sends …), stored
-- once per event key: a replica that fetches a message again after a crash
-- or a failover writes nothing new.
CREATE TABLE {schema}.event (
    key         text        PRIMARY KEY,            -- stable per event, e.g. account + provider id + kind
    account     text        NOT NULL,
    kind        text        NOT NULL,
    at          timestamptz NOT NULL,
    data        jsonb       NOT NULL DEFAULT '{}',
    seq         bigint      GENERATED ALWAYS AS IDENTITY UNIQUE -- arrival order, for readers that follow
);
CREATE INDEX event_account ON {schema}.event (account, seq);
