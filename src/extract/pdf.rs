//! PDFs: each page's text, and OCR of the pages that are scans.
//!
//! `pdf_oxide` reads the text: it decodes the ways agencies' PDFs carry
//! Chinese (an embedded subset with a ToUnicode map, and a font that is
//! not embedded with a predefined CMap such as UniCNS-UCS2-H, which other
//! Rust readers refuse or panic on: `../shared/reference/attachments.md`
//! §1), and it caps a Flate stream at 256 MB. What it cannot bound (a
//! content stream nesting arrays 100,000 deep overflows its stack) the
//! sandbox's process does.
//!
//! A page with almost no text but an image on it is a scan; its images
//! are read by OCR like an image attachment, for at most
//! [`Limits::max_ocr_pages`] pages and within the file's OCR time. Pages
//! past [`Limits::max_pages`] are not read and count as skipped.
//!
//! [`Limits::max_ocr_pages`]: super::Limits::max_ocr_pages
//! [`Limits::max_pages`]: super::Limits::max_pages

use pdf_oxide::extractors::images::ImageData;
use pdf_oxide::PdfDocument;

use super::{place, Collector, NotScanned, Part};

/// A page with fewer visible characters than this, and an image, is
/// taken for a scan (a stamp or a page number is not text enough).
const SCAN_BELOW: usize = 20;

/// Images read on one scanned page (a scan is one image a page; a page
/// cut into strips is a few).
const IMAGES_PER_PAGE: usize = 8;

pub(super) fn read(
    bytes: &[u8],
    out: &mut Collector,
    members: &[String],
) -> Result<(), NotScanned> {
    let doc = PdfDocument::from_bytes(bytes.to_vec()).map_err(|_| NotScanned::Malformed)?;
    // A PDF that opens without a password (only its permissions are
    // protected) is read; one that needs a password is not.
    if doc.is_encrypted() && !doc.authenticate(b"").unwrap_or(false) {
        return Err(NotScanned::Encrypted);
    }
    let pages = doc.page_count().map_err(|_| NotScanned::Malformed)?;
    let mut ocr_pages_left = out.limits.max_ocr_pages;
    for index in 0..pages {
        if out.full() {
            break;
        }
        if index >= out.limits.max_pages {
            out.skipped += (pages - index) as u32;
            break;
        }
        let number = index as u32 + 1;
        let text = match doc.extract_text(index) {
            Ok(text) => text,
            Err(_) => {
                out.skipped += 1;
                String::new()
            }
        };
        let visible = text.chars().filter(|c| !c.is_whitespace()).count();
        if visible < SCAN_BELOW {
            if bomb(&doc, index) {
                return Err(NotScanned::TooLarge);
            }
            if ocr_pages_left > 0 && scan(&doc, index, number, out, members) {
                ocr_pages_left -= 1;
            }
        }
        let lines = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l.to_string()));
        out.add(place(members, Part::Page(number)), lines);
    }
    Ok(())
}

/// Whether page `index`'s content unpacks past the Flate cap (the
/// sandbox sets it, `PDF_OXIDE_MAX_DECOMPRESS_MB`, to the member limit):
/// its text then reads as empty, and only the stream says why.
fn bomb(doc: &PdfDocument, index: usize) -> bool {
    matches!(doc.get_page_content_data(index),
        Err(pdf_oxide::Error::Decode(m)) if m.contains("safety limit"))
}

/// Reads the images of page `index` by OCR; whether it had any to read.
/// An image that cannot be read is skipped, not the file.
fn scan(
    doc: &PdfDocument,
    index: usize,
    number: u32,
    out: &mut Collector,
    members: &[String],
) -> bool {
    let images = match doc.extract_images(index) {
        Ok(images) => images,
        Err(_) => {
            out.skipped += 1;
            return false;
        }
    };
    if images.is_empty() {
        return false;
    }
    for image in images.iter().take(IMAGES_PER_PAGE) {
        if std::time::Instant::now() >= out.ocr_deadline {
            out.skipped += 1;
            continue;
        }
        let pixels = u64::from(image.width()).saturating_mul(u64::from(image.height()));
        if pixels > out.limits.max_pixels {
            out.skipped += 1;
            continue;
        }
        let (pixels, encoded) = match image.data() {
            ImageData::Jpeg(jpeg) => (super::image::decode(jpeg), Some(jpeg.as_slice())),
            ImageData::Raw { .. } => (
                image
                    .to_dynamic_image()
                    .map(|d| d.to_rgb8())
                    .map_err(|_| NotScanned::Malformed),
                None,
            ),
        };
        let read = pixels.and_then(|pixels| {
            let at = place(members, Part::ScannedPage(number));
            super::image::read_pixels(pixels, encoded, out, at)
        });
        if read.is_err() {
            out.skipped += 1;
        }
    }
    out.skipped += images.len().saturating_sub(IMAGES_PER_PAGE) as u32;
    true
}
