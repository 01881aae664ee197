-- leakguard store, SQLite dialect (kept in step with ../postgres).
-- No column holds raw message text (SPEC §9): incidents keep a redacted
-- excerpt of the evidence and a keyed hash of the normalized text.

-- Webhook event ids already accepted, for redelivery dedupe.
CREATE TABLE seen_events (
    event_id TEXT PRIMARY KEY,
    seen_at  INTEGER NOT NULL
);
CREATE INDEX seen_events_seen_at ON seen_events (seen_at);

-- Groups and rooms the bot is in; the name is cached from the group summary API.
CREATE TABLE chats (
    chat_id         TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    name            TEXT,
    name_fetched_at INTEGER,
    active          INTEGER NOT NULL DEFAULT 1,
    joined_at       INTEGER,
    left_at         INTEGER
);

-- Display names cached from the member profile API.
CREATE TABLE profiles (
    chat_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    fetched_at   INTEGER NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

-- One row per finding category of a message.
CREATE TABLE incidents (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   TEXT,
    chat_id    TEXT NOT NULL,
    user_id    TEXT,
    message_id TEXT,
    category   TEXT NOT NULL,
    rules      TEXT NOT NULL,
    severity   TEXT NOT NULL,
    score      INTEGER NOT NULL,
    excerpt    TEXT,
    text_hash  TEXT NOT NULL,
    action     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    outcome    TEXT,
    outcome_by TEXT,
    outcome_at INTEGER
);
CREATE INDEX incidents_message_id ON incidents (message_id);
CREATE INDEX incidents_created_at ON incidents (created_at);

-- Every postback tap, by whom.
CREATE TABLE feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL,
    user_id     TEXT,
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX feedback_incident ON feedback (incident_id);

-- Last warning per chat and rule, for the cooldown.
CREATE TABLE cooldowns (
    chat_id TEXT NOT NULL,
    rule    TEXT NOT NULL,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, rule)
);

-- The durable send queue.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id   INTEGER,
    kind          TEXT NOT NULL,
    target        TEXT,
    reply_token   TEXT,
    retry_key     TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending',
    attempts      INTEGER NOT NULL DEFAULT 0,
    due_at        INTEGER NOT NULL,
    claimed_by    TEXT,
    claimed_until INTEGER,
    last_status   INTEGER,
    request_id    TEXT,
    created_at    INTEGER NOT NULL,
    done_at       INTEGER
);
CREATE INDEX outbox_pending ON outbox (state, due_at);
