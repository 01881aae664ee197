-- leakguard store, PostgreSQL dialect (kept in step with ../sqlite).
-- No column holds raw message text (SPEC §9): incidents keep a redacted
-- excerpt of the evidence and a keyed hash of the normalized text.

-- Webhook event ids already accepted, for redelivery dedupe.
CREATE TABLE seen_events (
    event_id TEXT PRIMARY KEY,
    seen_at  BIGINT NOT NULL
);
CREATE INDEX seen_events_seen_at ON seen_events (seen_at);

-- Groups and rooms the bot is in; the name is cached from the group summary API.
CREATE TABLE chats (
    chat_id         TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    name            TEXT,
    name_fetched_at BIGINT,
    active          BIGINT NOT NULL DEFAULT 1,
    joined_at       BIGINT,
    left_at         BIGINT
);

-- Display names cached from the member profile API.
CREATE TABLE profiles (
    chat_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    fetched_at   BIGINT NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

-- One row per finding category of a message.
CREATE TABLE incidents (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   TEXT,
    chat_id    TEXT NOT NULL,
    user_id    TEXT,
    message_id TEXT,
    category   TEXT NOT NULL,
    rules      TEXT NOT NULL,
    severity   TEXT NOT NULL,
    score      BIGINT NOT NULL,
    excerpt    TEXT,
    text_hash  TEXT NOT NULL,
    action     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    outcome    TEXT,
    outcome_by TEXT,
    outcome_at BIGINT
);
CREATE INDEX incidents_message_id ON incidents (message_id);
CREATE INDEX incidents_created_at ON incidents (created_at);

-- Every postback tap, by whom.
CREATE TABLE feedback (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id BIGINT NOT NULL,
    user_id     TEXT,
    kind        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX feedback_incident ON feedback (incident_id);

-- Last warning per chat and rule, for the cooldown.
CREATE TABLE cooldowns (
    chat_id TEXT NOT NULL,
    rule    TEXT NOT NULL,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, rule)
);

-- The durable send queue.
CREATE TABLE outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id   BIGINT,
    kind          TEXT NOT NULL,
    target        TEXT,
    reply_token   TEXT,
    retry_key     TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending',
    attempts      BIGINT NOT NULL DEFAULT 0,
    due_at        BIGINT NOT NULL,
    claimed_by    TEXT,
    claimed_until BIGINT,
    last_status   BIGINT,
    request_id    TEXT,
    created_at    BIGINT NOT NULL,
    done_at       BIGINT
);
CREATE INDEX outbox_pending ON outbox (state, due_at);
