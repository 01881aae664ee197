-- The platform adapter each outbox row goes out through (the platform
-- boundary of issue 14). Rows queued before it were all LINE's.
ALTER TABLE outbox ADD COLUMN platform TEXT NOT NULL DEFAULT 'line';
