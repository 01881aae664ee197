//! Everything LINE-specific, in and out: the `x-line-signature` check over
//! the raw body, the webhook event types parsed leniently (SPEC §7), what
//! the bot says, the Messaging API client and a loopback fake of the
//! platform. Nothing here knows about the scanner.

pub mod client;
pub mod event;
pub mod fake;
pub mod render;
pub mod signature;
