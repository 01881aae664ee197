-- Weekly summaries (SPEC §8). One row per ISO week and officer, written in
-- the same transaction as the outbox row that delivers it: the primary key
-- makes each summary go out once across restarts, replicas and
-- `report --send`; `--force` updates the row and queues another.
CREATE TABLE summaries (
    week    TEXT NOT NULL,
    officer TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    sends   BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (week, officer)
);

-- Small settings the service keeps for itself, such as the time from which
-- weekly summaries are owed (a new install owes none for earlier weeks).
CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
