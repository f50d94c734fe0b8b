-- Which replica works on which mailbox. A lease is held by one replica
-- until it expires; the holder renews all of its leases in one statement.
-- fence grows by one every time the lease changes hands, so work stamped
-- with an old fence can be told apart from the current holder's.
CREATE TABLE {schema}.lease (
    account     text        PRIMARY KEY,
    holder      text        NOT NULL DEFAULT '',              -- '' when free
    fence       bigint      NOT NULL DEFAULT 0,
    expires_at  timestamptz NOT NULL DEFAULT '-infinity',
    acquired_at timestamptz
);
-- Renewal and listing by holder.
CREATE INDEX lease_holder ON {schema}.lease (holder) WHERE holder <> '';
