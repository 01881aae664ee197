//! leakguard — a chat guard for the work groups of Taiwanese agencies.
//!
//! The map, in flow order (DESIGN.md):
//!
//! ```text
//! platform ──POST /webhook/{name}──▶ http (the adapter verifies the signature on the raw
//!    │                                 bytes and parses leniently into neutral ChatEvents)
//!    │        pipeline::plan (pure) → workers::committer: event ids, incidents, outbox rows
//!    │        and content jobs in one transaction (store) → 200
//!    ▼
//! workers::content: a content job (a file) is opened and planned after the 200 ─┐
//!    ▼                                                                            │
//! pipeline: normalize → scan → policy → incident (redacted) → notices → Plan ◀────┘
//!    ▼
//! store (SQLite or PostgreSQL) ──▶ workers::outbox ──▶ the platform adapter renders and sends
//!    ▼
//! summary (weekly, exactly once) ──▶ the officers' card + http report page
//! ```
//!
//! Dependencies point one way: `http`, `workers` → `pipeline` → {`policy`,
//! `incident`, `store`} → `scan`. The detection core (`scan`, `normalize`)
//! imports nothing else of the crate; the store knows no platform; a
//! platform adapter (`line`) knows neither the pipeline nor the scanner,
//! only the neutral types of [`platform`] and [`notice`]. A second platform
//! is a sibling folder of `line/` and one line in [`app::platforms`].
//! `tests/it/architecture.rs` fails when one of these comes back.
//!
//! What is better here than in most services, and worth keeping: the pure
//! plan applied in one transaction, with the 200 sent only once it is on
//! disk; per-event lenient parsing with `Other` fallbacks; the
//! constant-time signature check over the raw bytes; the scanner built
//! once with per-thread scratch buffers; packs validated with their own
//! examples; config errors with file, line and key; time injected through
//! a [`clock::Clock`].

// Start-up and the edges.
pub mod cli;
pub mod config;
pub mod app;
pub mod http;
pub mod platform;
pub mod line;

// From an event to a plan.
pub mod pipeline;
pub mod normalize;
pub mod scan;
pub mod extract;
pub mod redact;
pub mod policy;
pub mod incident;
pub mod notice;
pub mod watch_reply;
pub mod enrollment;

// Durable state and the work after the 200.
pub mod store;
pub mod workers;
pub mod summary;

// Leaves shared by all.
pub mod calendar;
pub mod doctor;
pub mod clock;
pub mod metrics;
pub mod secret;
