//! leakguard — a chat guard for LINE work groups of Taiwanese agencies.
//!
//! The pipeline, in flow order:
//!
//! ```text
//! message text ──▶ normalize (NormalizedText, offset map)
//!                    │
//!                    ▼
//!                  scan (one Aho-Corasick pass → candidate rules → entities → window scoring)
//!                    │
//!                    ▼
//!                  findings (rule, category, severity, score, evidence, laws, advice)
//!                    │
//!                    ▼
//!                  redact (what may be shown or stored)
//! ```
//!
//! The command line (`scan`, `eval`, `patterns check`) drives the same
//! [`scan::Scanner`] the webhook service will.

pub mod app;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod http;
pub mod incident;
pub mod line;
pub mod metrics;
pub mod normalize;
pub mod notice;
pub mod pipeline;
pub mod platform;
pub mod policy;
pub mod redact;
pub mod scan;
pub mod secret;
pub mod store;
pub mod summary;
pub mod workers;
