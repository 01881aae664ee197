//! `x-line-signature` = base64(HMAC-SHA256(channel secret, raw body)),
//! checked in constant time before the body is parsed (SPEC §7).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is absent or empty.
    #[error("missing x-line-signature")]
    Missing,
    /// The header is not base64.
    #[error("x-line-signature is not base64")]
    NotBase64,
    /// The signature does not match the body.
    #[error("x-line-signature does not match the body")]
    Mismatch,
}

/// Checks `signature` (the header value) against `body` and `secret`.
/// The comparison is constant time (`hmac`'s `verify_slice`).
pub fn verify(secret: &[u8], body: &[u8], signature: Option<&str>) -> Result<(), SignatureError> {
    let signature = signature
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(SignatureError::Missing)?;
    let expected = STANDARD
        .decode(signature)
        .map_err(|_| SignatureError::NotBase64)?;
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// Whether `signature` can be a LINE signature at all: base64 of the 32
/// bytes of an HMAC-SHA256, so 44 characters. Checked on the header alone,
/// before the body is read.
pub fn well_formed(signature: &str) -> bool {
    let signature = signature.trim();
    let mut mac = [0u8; 33];
    signature.len() == 44 && STANDARD.decode_slice(signature, &mut mac) == Ok(32)
}

/// The signature LINE would send for `body` (for tests and the fake platform).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_signed_with_the_secret_verifies_and_nothing_else_does() {
        let sig = sign(b"secret", b"{\"events\":[]}");
        assert_eq!(verify(b"secret", b"{\"events\":[]}", Some(&sig)), Ok(()));
        assert_eq!(
            verify(b"other", b"{\"events\":[]}", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"secret", b"{\"events\":[ ]}", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(b"secret", b"{}", None), Err(SignatureError::Missing));
        assert_eq!(
            verify(b"secret", b"{}", Some("")),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(b"secret", b"{}", Some("not base64!")),
            Err(SignatureError::NotBase64)
        );
    }

    #[test]
    fn only_base64_of_32_bytes_is_a_well_formed_signature() {
        assert!(well_formed(&sign(b"secret", b"{}")));
        assert!(well_formed(&format!(" {} ", sign(b"other", b"x"))));
        assert!(well_formed(&STANDARD.encode([0u8; 32])));
        for bad in [
            String::new(),
            "junk".into(),
            STANDARD.encode([0u8; 31]),
            STANDARD.encode([0u8; 33]),
            STANDARD.encode([0u8; 64]),
            format!("{}!", &sign(b"secret", b"{}")[..43]),
            "A".repeat(44),
        ] {
            assert!(!well_formed(&bad), "{bad:?}");
        }
    }
}
