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
//! and `--psm 4` (one column of varying lines) keeps the rows of a table
//! whose dark ruling makes `--psm 6` drop them. Both are scanned; the
//! stronger finding counts.

use std::process::{Command, Stdio};
use std::time::Instant;

use super::{place, Collector, NotScanned, Part};

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

/// The page segmentation modes read, in order.
const PASSES: [&str; 2] = ["6", "4"];

pub(super) fn read(
    bytes: &[u8],
    out: &mut Collector,
    members: &[String],
) -> Result<(), NotScanned> {
    let size = imagesize::blob_size(bytes).map_err(|_| NotScanned::Malformed)?;
    if (size.width as u64).saturating_mul(size.height as u64) > out.limits.max_pixels {
        return Err(NotScanned::TooLarge);
    }
    for (i, psm) in PASSES.into_iter().enumerate() {
        let text = match ocr(bytes, psm, out.ocr_deadline) {
            Ok(text) => text,
            // The first reading stands when the second cannot be had.
            Err(_) if i > 0 => break,
            Err(e) => return Err(e),
        };
        let lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, fold(l)));
        out.add(place(members, Part::Image), lines);
    }
    Ok(())
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
        // Tesseract cannot read the pixels (a truncated file).
        Some(s) if !s.success() => Err(NotScanned::Malformed),
        Some(_) => Ok(String::from_utf8_lossy(&text).into_owned()),
    }
}
