-- Watchlists (issue 19): terms an officer registers as confidential until
-- an end date. The term itself is never stored: `mac` is the HMAC-SHA256
-- of its normalized form, `probe` a keyed 64-bit SipHash of it and `lead`
-- a keyed 16-bit tag of its first two characters (both under a key derived
-- from the hash key), `chars` its length, `hint` its masked form
-- (老○牛○麵), sealed. `allowed` lists the chats where it is at home, one
-- id per line. Rows past `until_at` are deleted by the retention job.
CREATE TABLE watch_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    category   TEXT NOT NULL,
    mac        TEXT NOT NULL,
    probe      INTEGER NOT NULL,
    lead       INTEGER NOT NULL,
    chars      INTEGER NOT NULL,
    hint       TEXT NOT NULL,
    allowed    TEXT NOT NULL DEFAULT '',
    until_at   INTEGER NOT NULL,
    added_by   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (category, mac)
);
CREATE INDEX watch_entries_until ON watch_entries (until_at);
