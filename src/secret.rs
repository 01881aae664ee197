//! The secret behind every keyed hash and signature the guard keeps
//! (SPEC §6, §9): the fingerprint of a message's normalized text, and the
//! signature of a report link. Both are HMAC-SHA256 under the one hash
//! key, each over its own domain-separated input, so one key handling
//! serves both. Imports nothing else of the crate.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The secret behind every keyed hash the store keeps (SPEC §6).
#[derive(Clone)]
pub struct HashKey(Vec<u8>);

impl std::fmt::Debug for HashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HashKey(..)")
    }
}

impl HashKey {
    /// Wraps key bytes (at least 16).
    pub fn new(bytes: Vec<u8>) -> Option<HashKey> {
        (bytes.len() >= 16).then_some(HashKey(bytes))
    }

    /// An HMAC-SHA256 under this key, fed `data`.
    fn mac(&self, data: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("hmac takes any key length");
        mac.update(data);
        mac
    }

    /// HMAC-SHA256 of `data`, hex.
    pub fn hash(&self, data: &[u8]) -> String {
        hex::encode(self.mac(data).finalize().into_bytes())
    }
}

/// What a report link signs: the week and the expiry, under a prefix of
/// its own so that no message fingerprint can pass for a link signature.
fn link_input(week: &str, expires: i64) -> String {
    format!("report-link:{week}:{expires}")
}

/// The hex signature of a report link to `week` valid until `expires`
/// (Unix seconds).
pub fn link_signature(key: &HashKey, week: &str, expires: i64) -> String {
    key.hash(link_input(week, expires).as_bytes())
}

/// Whether `sig` signs (`week`, `expires`) and `expires` is after `now`
/// (Unix seconds); compared in constant time.
pub fn link_is_valid(key: &HashKey, week: &str, expires: i64, sig: &str, now: i64) -> bool {
    let Ok(sig) = hex::decode(sig) else {
        return false;
    };
    expires > now
        && key
            .mac(link_input(week, expires).as_bytes())
            .verify_slice(&sig)
            .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_link_is_valid_until_it_expires_and_only_for_its_week() {
        let key = HashKey::new(b"0123456789abcdef0123".to_vec()).unwrap();
        let sig = link_signature(&key, "2026-W48", 1_000);
        assert!(link_is_valid(&key, "2026-W48", 1_000, &sig, 999));
        assert!(
            !link_is_valid(&key, "2026-W48", 1_000, &sig, 1_000),
            "expired"
        );
        assert!(
            !link_is_valid(&key, "2026-W47", 1_000, &sig, 999),
            "other week"
        );
        assert!(
            !link_is_valid(&key, "2026-W48", 2_000, &sig, 999),
            "other expiry"
        );
        assert!(!link_is_valid(&key, "2026-W48", 1_000, "zz", 999));
        let other = HashKey::new(b"another key, sixteen+".to_vec()).unwrap();
        assert!(!link_is_valid(&other, "2026-W48", 1_000, &sig, 999));
    }

    #[test]
    fn a_fingerprint_depends_on_the_key() {
        let a = HashKey::new(b"0123456789abcdef0123".to_vec()).unwrap();
        let b = HashKey::new(b"0123456789abcdef0124".to_vec()).unwrap();
        assert_eq!(a.hash(b"text"), a.hash(b"text"));
        assert_ne!(a.hash(b"text"), b.hash(b"text"));
        assert!(HashKey::new(b"too short".to_vec()).is_none());
    }
}
