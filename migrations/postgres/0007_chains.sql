-- Forward chains (issue 19): one row per group message that led to a
-- finding or repeated one, with its keyed winnowing fingerprints (`prints`,
-- base64 of little-endian u64s; no text). `story_id` is the id of the
-- chain's first message. Rows follow the incidents' retention.
CREATE TABLE chain_messages (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    story_id   BIGINT,
    chat_id    TEXT NOT NULL,
    category   TEXT NOT NULL,
    severity   TEXT NOT NULL,
    posted_at  BIGINT NOT NULL,
    prints     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX chain_messages_story ON chain_messages (story_id);
CREATE INDEX chain_messages_created ON chain_messages (created_at);
