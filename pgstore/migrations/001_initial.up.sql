-- inboxkit's state: what was sent, where each mailbox's Fetch resumes, the
-- idempotency log of sends, sealed credentials and tokens, delegation, and
-- shared send counters. Every table lives in one schema ({schema}).

-- Messages we sent, for SentIndex: "is this reply ours?"
CREATE TABLE {schema}.sent_message (
    message_id  text        PRIMARY KEY,            -- RFC 5322 Message-ID without angle brackets
    account     text        NOT NULL,               -- the mailbox that sent it
    thread_id   text        NOT NULL DEFAULT '',    -- Gmail threadId, Graph conversationId, root Message-ID
    subject     text        NOT NULL DEFAULT '',
    sent_at     timestamptz NOT NULL,
    recipients  text[]      NOT NULL DEFAULT '{}',  -- as given
    meta        jsonb       NOT NULL DEFAULT '{}'   -- host-owned IDs
);
-- ByThread: the newest message of a thread in one mailbox.
CREATE INDEX sent_message_thread ON {schema}.sent_message (lower(account), thread_id, sent_at DESC)
    WHERE thread_id <> '';

-- One row per (recipient, message), for ByRecipient: newest first.
CREATE TABLE {schema}.sent_recipient (
    address     text        NOT NULL,               -- lower-cased, trimmed
    sent_at     timestamptz NOT NULL,
    message_id  text        NOT NULL REFERENCES {schema}.sent_message ON DELETE CASCADE,
    PRIMARY KEY (address, sent_at, message_id)
);
CREATE INDEX sent_recipient_message ON {schema}.sent_recipient (message_id);

-- CursorStore: where each mailbox's Fetch resumes.
CREATE TABLE {schema}.fetch_cursor (
    account     text        PRIMARY KEY,
    cursor      text        NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- SendLog: one row per idempotency key.
CREATE TABLE {schema}.send_log (
    account     text        NOT NULL,
    key         bytea       NOT NULL,               -- the IdempotencyKey's bytes (it may hold any byte)
    state       smallint    NOT NULL CHECK (state IN (1, 2, 3)), -- 1 in flight, 2 unknown, 3 done
    message_id  text        NOT NULL,
    provider_id text,                               -- set when done
    thread_id   text,
    sent_at     timestamptz,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (account, key)
);
CREATE INDEX send_log_updated ON {schema}.send_log (updated_at);

-- crypto.ByteStore: sealed credentials, opaque here.
CREATE TABLE {schema}.sealed_value (
    key         text        PRIMARY KEY,
    value       bytea       NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- OAuth tokens, sealed; version grows on every write (compare-and-swap).
CREATE TABLE {schema}.oauth_token (
    key         text        PRIMARY KEY,
    sealed      bytea       NOT NULL,
    expiry      timestamptz,                        -- of the access token; NULL: none or never
    version     bigint      NOT NULL,
    refreshes   bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL
);

-- delegation.GrantStore.
CREATE TABLE {schema}.delegation_grant (
    id          text        PRIMARY KEY,
    requester   text        NOT NULL,
    owner       text        NOT NULL,
    state       smallint    NOT NULL,               -- delegation.GrantState: 1 requested, 2 active, 3 declined, 4 revoked
    version     bigint      NOT NULL,
    by_user     text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
-- At most one open (requested or active) grant per pair.
CREATE UNIQUE INDEX delegation_grant_open_pair ON {schema}.delegation_grant (requester, owner)
    WHERE state IN (1, 2);
CREATE INDEX delegation_grant_owner ON {schema}.delegation_grant (owner);

-- delegation.RedeemedStore: invitations already used, until they expire.
CREATE TABLE {schema}.redeemed_invitation (
    id          text        PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX redeemed_invitation_expires ON {schema}.redeemed_invitation (expires_at);

-- delegation.AuditSink: the audit log.
CREATE TABLE {schema}.audit_event (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text        NOT NULL,
    at            timestamptz NOT NULL,
    actor         text        NOT NULL DEFAULT '',
    on_behalf_of  text        NOT NULL DEFAULT '',
    grant_id      text        NOT NULL DEFAULT '',
    mailbox       text        NOT NULL DEFAULT '',
    message_id    text        NOT NULL DEFAULT '',
    reason        text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_actor ON {schema}.audit_event (actor, id);
CREATE INDEX audit_event_on_behalf_of ON {schema}.audit_event (on_behalf_of, id);

-- Shared send counters: one row per taken unit batch, summed over a window.
CREATE TABLE {schema}.send_count (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         text        NOT NULL,               -- e.g. "gmail/day/ada@example.com"
    at          timestamptz NOT NULL,
    n           integer     NOT NULL CHECK (n > 0)
);
CREATE INDEX send_count_key_at ON {schema}.send_count (key, at);
-- A row per key to lock while counting, so two takers never both fit.
CREATE TABLE {schema}.send_count_key (
    key         text        PRIMARY KEY
);
