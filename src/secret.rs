//! The secrets behind every keyed hash, signature and sealed record the
//! guard keeps (SPEC §6, §9). One master key (`LEAKGUARD_HASH_KEY`, or the
//! key file) is never used directly: each purpose gets its own key derived
//! from it with HKDF-SHA256, so that one can be replaced without the
//! others.
//!
//! - [`TextKey`]: the HMAC-SHA256 of a message's normalized text, kept with
//!   its incidents;
//! - [`LinkKey`]: the HMAC-SHA256 that signs a report link, derived with an
//!   *epoch*: raising `[report] link_epoch` revokes every link signed
//!   before, and nothing else;
//! - [`RecordKey`]: ChaCha20-Poly1305 for every message-derived text the
//!   store keeps (excerpts, queued notices, cached names, content jobs),
//!   each sealed with its [`Record`] kind as associated data, so that a
//!   sealed value cannot be moved into another column;
//! - [`WatchSecret`]: the keyed hashes of watchlist terms;
//! - [`ChainSecret`]: the SipHash key of forward-chain fingerprints.
//!
//! Imports nothing else of the crate.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The master key: at least 16 bytes from the environment or the key
/// file. Only [`MasterKey::keys`] reads it.
#[derive(Clone)]
pub struct MasterKey(Arc<[u8]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// Wraps key bytes (at least 16).
    pub fn new(bytes: Vec<u8>) -> Option<MasterKey> {
        (bytes.len() >= 16).then(|| MasterKey(bytes.into()))
    }

    /// 32 bytes for `purpose`, derived with HKDF-SHA256.
    fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(None, &self.0)
            .expand(format!("leakguard {purpose}").as_bytes(), &mut key)
            .expect("32 bytes is a valid HKDF length");
        key
    }

    /// The keys of every purpose; report links under `link_epoch`.
    pub fn keys(&self, link_epoch: u32) -> Keys {
        Keys {
            text: TextKey(Hmac32(self.derive("text hash v1"))),
            links: LinkKey(Hmac32(
                self.derive(&format!("report links, epoch {link_epoch}")),
            )),
            records: RecordKey(Arc::new(ChaCha20Poly1305::new(
                &self.derive("records v1").into(),
            ))),
            watch: WatchSecret {
                probe: self.derive("watchlist probe v1")[..16]
                    .try_into()
                    .expect("16 of 32 bytes"),
                mac: self.derive("watchlist hmac v1"),
            },
            chain: ChainSecret(
                self.derive("propagation v1")[..16]
                    .try_into()
                    .expect("16 of 32 bytes"),
            ),
            enroll: TextKey(Hmac32(self.derive("enrollment v1"))),
        }
    }
}

/// The keys derived from the master key, one per purpose.
#[derive(Debug, Clone)]
pub struct Keys {
    /// Hashes of normalized message text.
    pub text: TextKey,
    /// Report link signatures.
    pub links: LinkKey,
    /// Sealed records in the store.
    pub records: RecordKey,
    /// Watchlist terms' keyed hashes.
    pub watch: WatchSecret,
    /// The SipHash key of forward-chain fingerprints.
    pub chain: ChainSecret,
    /// Enrollment codes' and their senders' keyed hashes.
    pub enroll: TextKey,
}

/// The SipHash key of forward-chain fingerprints.
#[derive(Clone)]
pub struct ChainSecret(pub [u8; 16]);

impl std::fmt::Debug for ChainSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainSecret(..)")
    }
}

/// The key material of watchlist hashes: a SipHash key for the probes
/// and tags, an HMAC-SHA256 key for the identities.
#[derive(Clone)]
pub struct WatchSecret {
    /// SipHash key.
    pub probe: [u8; 16],
    /// HMAC key.
    pub mac: [u8; 32],
}

impl std::fmt::Debug for WatchSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WatchSecret(..)")
    }
}

/// An HMAC-SHA256 key.
#[derive(Clone)]
struct Hmac32([u8; 32]);

impl std::fmt::Debug for Hmac32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

impl Hmac32 {
    fn mac(&self, data: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(data);
        mac
    }
}

/// The key of text hashes.
#[derive(Debug, Clone)]
pub struct TextKey(Hmac32);

impl TextKey {
    /// HMAC-SHA256 of `text`, hex.
    pub fn hash(&self, text: &[u8]) -> String {
        hex::encode(self.0.mac(text).finalize().into_bytes())
    }
}

/// The key of report link signatures, for one epoch.
#[derive(Debug, Clone)]
pub struct LinkKey(Hmac32);

/// What a report link signs: the week and the expiry.
fn link_input(week: &str, expires: i64) -> String {
    format!("report-link:{week}:{expires}")
}

impl LinkKey {
    /// The hex signature of a link to `week` valid until `expires` (Unix
    /// seconds).
    pub fn sign(&self, week: &str, expires: i64) -> String {
        hex::encode(
            self.0
                .mac(link_input(week, expires).as_bytes())
                .finalize()
                .into_bytes(),
        )
    }

    /// Whether `sig` signs (`week`, `expires`) under this key and epoch and
    /// `expires` is after `now` (Unix seconds); compared in constant time.
    pub fn verify(&self, week: &str, expires: i64, sig: &str, now: i64) -> bool {
        let Ok(sig) = hex::decode(sig) else {
            return false;
        };
        expires > now
            && self
                .0
                .mac(link_input(week, expires).as_bytes())
                .verify_slice(&sig)
                .is_ok()
    }
}

/// What a sealed record is: bound into its seal, so that a value sealed
/// as one kind does not open as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// An incident's redacted excerpt.
    Excerpt,
    /// A notice waiting in the outbox.
    Notice,
    /// A chat's cached name.
    ChatName,
    /// A member's cached display name.
    DisplayName,
    /// The event of a content job.
    ContentJob,
    /// A watchlist entry's masked hint.
    WatchHint,
}

impl Record {
    fn label(self) -> &'static [u8] {
        match self {
            Record::Excerpt => b"excerpt",
            Record::Notice => b"notice",
            Record::ChatName => b"chat name",
            Record::DisplayName => b"display name",
            Record::ContentJob => b"content job",
            Record::WatchHint => b"watch hint",
        }
    }
}

/// What every sealed value starts with: the format's version. Base64
/// never holds a `:`, so a value without it was never sealed.
pub const SEALED_PREFIX: &str = "s1:";

/// ChaCha20-Poly1305's nonce, 96 bits; random per record.
const NONCE_LEN: usize = 12;

/// The key of sealed records.
#[derive(Clone)]
pub struct RecordKey(Arc<ChaCha20Poly1305>);

impl std::fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKey(..)")
    }
}

impl RecordKey {
    /// `plain` sealed as `kind`: the prefix, then a random nonce and the
    /// ciphertext in base64, for a text column.
    pub fn seal(&self, kind: Record, plain: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the system has randomness");
        let payload = Payload {
            msg: plain,
            aad: kind.label(),
        };
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), payload)
            .expect("encryption of a buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", STANDARD.encode(out))
    }

    /// The plain bytes of a value [`RecordKey::seal`]ed as `kind`; `None`
    /// when it was sealed under another key or kind, altered, or never
    /// sealed.
    pub fn open(&self, kind: Record, sealed: &str) -> Option<Vec<u8>> {
        let bytes = STANDARD.decode(sealed.strip_prefix(SEALED_PREFIX)?).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: body,
            aad: kind.label(),
        };
        self.0.decrypt(Nonce::from_slice(nonce), payload).ok()
    }

    /// [`RecordKey::seal`] of a text.
    pub fn seal_text(&self, kind: Record, plain: &str) -> String {
        self.seal(kind, plain.as_bytes())
    }

    /// [`RecordKey::open`] of a text.
    pub fn open_text(&self, kind: Record, sealed: &str) -> Option<String> {
        String::from_utf8(self.open(kind, sealed)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn master(bytes: &[u8]) -> MasterKey {
        MasterKey::new(bytes.to_vec()).unwrap()
    }

    #[test]
    fn a_report_link_is_valid_until_it_expires_and_only_for_its_week() {
        let key = master(b"0123456789abcdef0123").keys(1).links;
        let sig = key.sign("2026-W48", 1_000);
        assert!(key.verify("2026-W48", 1_000, &sig, 999));
        assert!(!key.verify("2026-W48", 1_000, &sig, 1_000), "expired");
        assert!(!key.verify("2026-W47", 1_000, &sig, 999), "other week");
        assert!(!key.verify("2026-W48", 2_000, &sig, 999), "other expiry");
        assert!(!key.verify("2026-W48", 1_000, "zz", 999));
        let other = master(b"another key, sixteen+").keys(1).links;
        assert!(!other.verify("2026-W48", 1_000, &sig, 999));
    }

    #[test]
    fn a_new_link_epoch_revokes_links_and_keeps_text_hashes() {
        let m = master(b"0123456789abcdef0123");
        let (old, new) = (m.keys(1), m.keys(2));
        let sig = old.links.sign("2026-W48", 1_000);
        assert!(!new.links.verify("2026-W48", 1_000, &sig, 999));
        assert!(new
            .links
            .verify("2026-W48", 1_000, &new.links.sign("2026-W48", 1_000), 999));
        assert_eq!(old.text.hash(b"text"), new.text.hash(b"text"));
        let sealed = old.records.seal(Record::Excerpt, b"x");
        assert_eq!(new.records.open(Record::Excerpt, &sealed).unwrap(), b"x");
    }

    #[test]
    fn each_purpose_has_its_own_key() {
        let m = master(b"0123456789abcdef0123");
        let k = m.keys(1);
        // A link signature is never a text hash of the same input.
        let input = link_input("2026-W48", 1_000);
        assert_ne!(
            k.links.sign("2026-W48", 1_000),
            k.text.hash(input.as_bytes())
        );
        // Neither is the HMAC under the master key itself.
        let mut direct =
            <Hmac<Sha256> as Mac>::new_from_slice(b"0123456789abcdef0123").expect("any length");
        direct.update(b"text");
        assert_ne!(
            hex::encode(direct.finalize().into_bytes()),
            k.text.hash(b"text")
        );
    }

    #[test]
    fn a_sealed_record_opens_only_with_its_key_and_kind() {
        let key = master(b"0123456789abcdef0123").keys(1).records;
        let sealed = key.seal_text(Record::Excerpt, "確診個案王○明");
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("王"));
        assert_ne!(
            sealed,
            key.seal_text(Record::Excerpt, "確診個案王○明"),
            "random nonce"
        );
        assert_eq!(
            key.open_text(Record::Excerpt, &sealed).unwrap(),
            "確診個案王○明"
        );
        assert!(key.open(Record::ChatName, &sealed).is_none(), "other kind");
        let other = master(b"another key, sixteen+").keys(1).records;
        assert!(other.open(Record::Excerpt, &sealed).is_none());
        let mut altered = sealed.clone().into_bytes();
        altered[20] = if altered[20] == b'A' { b'B' } else { b'A' };
        assert!(key
            .open(Record::Excerpt, std::str::from_utf8(&altered).unwrap())
            .is_none());
        assert!(key.open(Record::Excerpt, "").is_none());
        assert!(
            key.open(Record::Excerpt, "確診個案王○明").is_none(),
            "plain"
        );
    }

    #[test]
    fn a_text_hash_depends_on_the_key() {
        let a = master(b"0123456789abcdef0123").keys(1).text;
        let b = master(b"0123456789abcdef0124").keys(1).text;
        assert_eq!(a.hash(b"text"), a.hash(b"text"));
        assert_ne!(a.hash(b"text"), b.hash(b"text"));
        assert!(MasterKey::new(b"too short".to_vec()).is_none());
    }
}
