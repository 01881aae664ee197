//! Images: read by OCR. The size is checked from the header first
//! (`imagesize`, which reads no pixel), then Tesseract reads the image
//! with its Traditional Chinese model (`chi_tra`, Debian's
//! tesseract-ocr-chi-tra), one thread (`OMP_THREAD_LIMIT=1`: without it
//! a screenshot took 2.4 s instead of 0.5 s on two cores), under a
//! deadline, as a child of this already limited process.
//!
//! Two readings, because no page segmentation wins on both kinds of
//! image (measured, see issue 18): `--psm 6` (one block of lines) keeps
//! the rows of a photographed page that column-wise segmentation splits,
//! but drops the rows of a table whose dark ruling it takes for a
//! picture, so it reads the image with its ruling lines whitened
//! ([`super::ruling`]); `--psm 4` (one column of varying lines) reads the
//! image as it is. Both are scanned; the stronger finding counts.
//!
//! The image is decoded here (the `image` crate, pure Rust; a GIF's first
//! frame), so a file that cannot be decoded never reaches Tesseract, and
//! the unruled copy goes to it as colour PPM: converting to grey first
//! cost a third more errors on a chat screenshot, whose coloured bubbles
//! Tesseract's own conversion keeps apart better.

use std::borrow::Cow;
use std::io::Cursor;
use std::process::{Command, Stdio};
use std::time::Instant;

use image::RgbImage;

use super::{Collector, NotScanned, Place};

/// The OCR engine and its model.
const ENGINE: &str = "tesseract";
const MODEL: &str = "chi_tra";

/// Whether the OCR engine and its Traditional Chinese model are installed
/// (without them an image is "not scanned: no OCR").
pub fn installed() -> bool {
    Command::new(ENGINE)
        .arg("--list-langs")
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == MODEL)
        })
}

/// Reads an image file: its size from the header, then its pixels, then
/// its text.
pub(super) fn read(bytes: &[u8], out: &mut Collector, place: Place) -> Result<(), NotScanned> {
    let size = imagesize::blob_size(bytes).map_err(|_| NotScanned::Malformed)?;
    if (size.width as u64).saturating_mul(size.height as u64) > out.limits.max_pixels {
        return Err(NotScanned::TooLarge);
    }
    let pixels = decode(bytes)?;
    read_pixels(pixels, Some(bytes), out, place)
}

/// Decodes an image (a GIF's first frame).
pub(super) fn decode(bytes: &[u8]) -> Result<RgbImage, NotScanned> {
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| NotScanned::Malformed)?;
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => NotScanned::TooLarge,
        image::ImageError::Unsupported(_) => NotScanned::Unsupported,
        _ => NotScanned::Malformed,
    })?;
    Ok(image.to_rgb8())
}

/// Reads the text of decoded pixels, twice (see the module's note): with
/// the ruling lines whitened, and as they are (`encoded`, the file's own
/// bytes, when there is one).
pub(super) fn read_pixels(
    pixels: RgbImage,
    encoded: Option<&[u8]>,
    out: &mut Collector,
    place: Place,
) -> Result<(), NotScanned> {
    let plain = match encoded {
        Some(bytes) => Cow::Borrowed(bytes),
        None => Cow::Owned(ppm(&pixels)),
    };
    let mut unruled = pixels;
    super::ruling::remove(&mut unruled);
    let passes = [("6", Cow::Owned(ppm(&unruled))), ("4", plain)];
    drop(unruled);
    for (i, (psm, input)) in passes.into_iter().enumerate() {
        let text = match ocr(&input, psm, out.ocr_deadline) {
            Ok(text) => text,
            // The first reading stands when the second cannot be had.
            Err(_) if i > 0 => break,
            Err(e) => return Err(e),
        };
        let lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, fold(l)));
        out.add(place.clone(), lines);
    }
    Ok(())
}

/// An image as binary PPM, which Tesseract reads from stdin.
fn ppm(img: &RgbImage) -> Vec<u8> {
    let mut bytes = format!("P6\n{} {}\n255\n", img.width(), img.height()).into_bytes();
    bytes.extend_from_slice(img.as_raw());
    bytes
}

/// What OCR confuses that normalization does not fold: the Simplified
/// form of 黃 (a common surname), which the model reads for it.
fn fold(line: &str) -> String {
    line.replace('黄', "黃")
}

/// The text Tesseract reads in `bytes` with page segmentation `psm`.
fn ocr(bytes: &[u8], psm: &str, deadline: Instant) -> Result<String, NotScanned> {
    let mut child = Command::new(ENGINE)
        .args(["stdin", "stdout", "-l", MODEL, "--psm", psm])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|_| NotScanned::NoOcr)?;
    let (status, text) = super::child::converse(&mut child, bytes, 4 << 20, deadline, |c| {
        let _ = c.kill();
        let _ = c.wait();
    });
    match status {
        None => Err(NotScanned::Timeout),
        // The pixels were decoded already: Tesseract itself failed.
        Some(s) if !s.success() => Err(NotScanned::Crashed),
        Some(_) => Ok(String::from_utf8_lossy(&text).into_owned()),
    }
}
