//! Everything LINE-specific at the edge: the `x-line-signature` check over
//! the raw body and the webhook event types, parsed leniently (SPEC §7).
//! Nothing here knows about the scanner.

pub mod event;
pub mod signature;
