-- Event ids are ULIDs, looked up only by themselves: keep them in one
-- clustered b-tree (WITHOUT ROWID) instead of a rowid table plus a
-- primary-key index, which halves the pages a group commit dirties.
CREATE TABLE seen_events_new (
    event_id TEXT PRIMARY KEY,
    seen_at  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO seen_events_new (event_id, seen_at) SELECT event_id, seen_at FROM seen_events;
DROP TABLE seen_events;
ALTER TABLE seen_events_new RENAME TO seen_events;
CREATE INDEX seen_events_seen_at ON seen_events (seen_at);
