//! The signature check on arbitrary headers and bodies: never a panic, a
//! header that is not LINE's signature of the body is refused, and LINE's
//! own signature of any body is accepted. Blanks around the header value
//! are not part of it (HTTP's optional whitespace), so they are allowed.
#![no_main]

use leakguard::line::signature::{sign, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8], Option<&str>)| {
    let (secret, body, header) = input;
    let good = sign(secret, body);
    match header {
        Some(h) if h.trim() == good => assert!(verify(secret, body, header).is_ok()),
        _ => assert!(verify(secret, body, header).is_err(), "{header:?} accepted"),
    }
    assert!(verify(secret, body, Some(&good)).is_ok());
});
