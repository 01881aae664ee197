//! The secret behind every keyed hash, signature and sealed record the
//! guard keeps (SPEC §6, §9): the fingerprint of a message's normalized
//! text and the signature of a report link (HMAC-SHA256 under the hash
//! key, each over its own domain-separated input), and content waiting
//! for the content stage, sealed with ChaCha20-Poly1305 under a key
//! derived from the hash key (HKDF-SHA256), so that a copy of the store
//! without the key reveals none of it. Imports nothing else of the crate.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
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
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("hmac takes any key length");
        mac.update(data);
        mac
    }

    /// HMAC-SHA256 of `data`, hex.
    pub fn hash(&self, data: &[u8]) -> String {
        hex::encode(self.mac(data).finalize().into_bytes())
    }

    /// The cipher for records sealed for `purpose`: its own key, derived
    /// from the hash key, so a sealed record and a fingerprint never share
    /// a key.
    fn cipher(&self, purpose: &str) -> ChaCha20Poly1305 {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(None, &self.0)
            .expand(format!("leakguard seal: {purpose}").as_bytes(), &mut key)
            .expect("32 bytes is a valid HKDF length");
        ChaCha20Poly1305::new(&key.into())
    }

    /// `plain` sealed for `purpose`: a random nonce and the ciphertext,
    /// base64, for a text column.
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the system has randomness");
        let sealed = self
            .cipher(purpose)
            .encrypt(Nonce::from_slice(&nonce), plain)
            .expect("encryption of a buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        STANDARD.encode(out)
    }

    /// The plain bytes of a record [`HashKey::seal`]ed for `purpose`;
    /// `None` when it was sealed under another key or purpose, or altered.
    pub fn open(&self, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        self.cipher(purpose)
            .decrypt(Nonce::from_slice(nonce), body)
            .ok()
    }
}

/// ChaCha20-Poly1305's nonce, 96 bits; random per record.
const NONCE_LEN: usize = 12;

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
    fn a_sealed_record_opens_only_with_its_key_and_purpose() {
        let key = HashKey::new(b"0123456789abcdef0123".to_vec()).unwrap();
        let sealed = key.seal("jobs", "確診個案名單.xlsx".as_bytes());
        assert!(!sealed.contains("xlsx"));
        assert_ne!(
            sealed,
            key.seal("jobs", "確診個案名單.xlsx".as_bytes()),
            "random nonce"
        );
        assert_eq!(
            key.open("jobs", &sealed).unwrap(),
            "確診個案名單.xlsx".as_bytes()
        );
        assert!(key.open("other", &sealed).is_none());
        let other = HashKey::new(b"another key, sixteen+".to_vec()).unwrap();
        assert!(other.open("jobs", &sealed).is_none());
        let mut altered = sealed.clone().into_bytes();
        altered[20] = if altered[20] == b'A' { b'B' } else { b'A' };
        assert!(key
            .open("jobs", std::str::from_utf8(&altered).unwrap())
            .is_none());
        assert!(key.open("jobs", "").is_none());
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
