-- Officer enrollment (issue 20). An administrator invites an officer or a
-- manager by name; the one-time code is kept only as its HMAC-SHA256
-- (`code_mac`, under a key derived from the hash key) until it is used
-- or expires. Sending the code in a 1:1 chat fills `user_id` and
-- `platform` and clears `code_mac`. `groups` lists a manager's chats,
-- one id per line.
CREATE TABLE officers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL,
    groups      TEXT NOT NULL DEFAULT '',
    code_mac    TEXT UNIQUE,
    expires_at  INTEGER NOT NULL,
    invited_at  INTEGER NOT NULL,
    user_id     TEXT UNIQUE,
    platform    TEXT,
    enrolled_at INTEGER
);
-- Wrong codes, by a keyed hash of the sender (never the id itself), for
-- the rate limit; the retention job deletes rows past the limit's window,
-- and invitations never used by the end of the retention period.
CREATE TABLE enroll_failures (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_mac TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX enroll_failures_user ON enroll_failures (user_mac, at);
