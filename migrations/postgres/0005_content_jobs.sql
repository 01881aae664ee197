-- The content stage (issue 14): a message whose content needs more than
-- its text (a file today; attachments later) is recorded here in the
-- webhook's transaction and planned by a content worker after the 200.
-- `event` is the event sealed under a key derived from the hash key
-- (never plain text); it is erased when the job is done, given up, or its
-- message is unsent first (state 'retracted', found by `message_id`).
CREATE TABLE content_jobs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform      TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    event         TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending',
    attempts      BIGINT NOT NULL DEFAULT 0,
    due_at        BIGINT NOT NULL,
    claimed_by    TEXT,
    claimed_until BIGINT,
    created_at    BIGINT NOT NULL,
    done_at       BIGINT
);
CREATE INDEX content_jobs_pending ON content_jobs (state, due_at);
CREATE INDEX content_jobs_message ON content_jobs (message_id);
