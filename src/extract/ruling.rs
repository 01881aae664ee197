//! Ruling lines taken out of an image before OCR. Tesseract's `--psm 6`
//! reads the rows of a scanned table whole, but dark cell borders make it
//! drop them: on a 150 dpi scan of an eight-row patient table it kept the
//! title and the footer and no row at all; with the borders whitened it
//! read every row (measured, issue 18).
//!
//! A ruling line is a long, thin run of dark pixels: at least [`min_len`]
//! along its direction and at most [`max_thickness`] across. Strokes of
//! characters are shorter, and dark areas (a header bar, a photo) are
//! thicker, so both stay. A slightly tilted line is a staircase of runs,
//! each still far longer than a stroke. Dark means darker than Otsu's
//! threshold of the histogram of the image's luma.

use image::{GrayImage, RgbImage};

/// The shortest run taken for a line, in pixels.
fn min_len(width: u32, height: u32) -> usize {
    48.max(width.max(height) as usize / 30)
}

/// The thickest run across taken for a line, in pixels.
fn max_thickness(width: u32, height: u32) -> usize {
    6.max(width.max(height) as usize / 200)
}

/// Whitens the ruling lines of `img` in place; returns how many pixels
/// were lines.
pub(super) fn remove(img: &mut RgbImage) -> usize {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w == 0 || h == 0 {
        return 0;
    }
    let luma = image::imageops::grayscale(img);
    let threshold = otsu(&luma);
    let dark: Vec<bool> = luma.as_raw().iter().map(|&p| p < threshold).collect();
    drop(luma);
    let across = runs(&dark, w, h, false);
    let along = runs(&dark, w, h, true);
    let (long, thin) = (
        min_len(img.width(), img.height()),
        max_thickness(img.width(), img.height()),
    );
    // Whitening writes only to the image, so the runs found in `dark`
    // stay as they were while it goes.
    let is_line = |i: usize| {
        let (horizontal, vertical) = (along[i] as usize, across[i] as usize);
        dark[i]
            && ((horizontal >= long && vertical <= thin)
                || (vertical >= long && horizontal <= thin))
    };
    let raw = img.as_mut();
    let mut count = 0;
    for y in 0..h {
        for x in 0..w {
            if !is_line(y * w + x) {
                continue;
            }
            count += 1;
            // The line and the grey edge a scan or a resize leaves on it.
            for (dx, dy) in [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)] {
                let (nx, ny) = (x as isize + dx, y as isize + dy);
                if nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h {
                    let at = (ny as usize * w + nx as usize) * 3;
                    raw[at..at + 3].fill(u8::MAX);
                }
            }
        }
    }
    count
}

/// The length of the run of dark pixels each pixel belongs to, along rows
/// (`horizontal`) or along columns; 0 for a light pixel. Saturates at
/// `u16::MAX`.
fn runs(dark: &[bool], w: usize, h: usize, horizontal: bool) -> Vec<u16> {
    let mut out = vec![0u16; w * h];
    let (lines, len) = if horizontal { (h, w) } else { (w, h) };
    let at = |line: usize, i: usize| {
        if horizontal {
            line * w + i
        } else {
            i * w + line
        }
    };
    for line in 0..lines {
        let mut i = 0;
        while i < len {
            if !dark[at(line, i)] {
                i += 1;
                continue;
            }
            let start = i;
            while i < len && dark[at(line, i)] {
                i += 1;
            }
            let n = (i - start).min(u16::MAX as usize) as u16;
            for j in start..i {
                out[at(line, j)] = n;
            }
        }
    }
    out
}

/// Otsu's threshold: the grey level that best splits the histogram into
/// ink and paper.
fn otsu(img: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for &p in img.as_raw() {
        hist[p as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(v, &n)| v as f64 * n as f64)
        .sum();
    let (mut below, mut sum_below, mut best, mut best_t) = (0u64, 0f64, -1f64, 128u8);
    for (t, &n) in hist.iter().enumerate() {
        below += n;
        if below == 0 {
            continue;
        }
        let above = total - below;
        if above == 0 {
            break;
        }
        sum_below += t as f64 * n as f64;
        let (m0, m1) = (sum_below / below as f64, (sum - sum_below) / above as f64);
        let between = below as f64 * above as f64 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8 + 1;
        }
    }
    best_t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with a black 2-px table border around a block of
    /// short "strokes" and a thick dark bar.
    fn page() -> RgbImage {
        let mut img = RgbImage::from_pixel(400, 300, image::Rgb([250; 3]));
        for x in 20..380 {
            for y in [20, 21, 280, 281] {
                img.put_pixel(x, y, image::Rgb([10; 3]));
            }
        }
        for y in 20..282 {
            for x in [20, 21, 378, 379] {
                img.put_pixel(x, y, image::Rgb([10; 3]));
            }
        }
        // Strokes of a character: 20 px long, 3 px thick.
        for x in 100..120 {
            for y in 100..103 {
                img.put_pixel(x, y, image::Rgb([10; 3]));
            }
        }
        // A header bar: long but 30 px thick.
        for x in 40..360 {
            for y in 200..230 {
                img.put_pixel(x, y, image::Rgb([30; 3]));
            }
        }
        img
    }

    #[test]
    fn the_border_goes_and_strokes_and_dark_areas_stay() {
        let mut img = page();
        let removed = remove(&mut img);
        assert!(removed >= 2 * 360 * 2, "{removed}");
        assert_eq!(img.get_pixel(200, 20).0, [255; 3]);
        assert_eq!(img.get_pixel(20, 150).0, [255; 3]);
        assert_eq!(img.get_pixel(110, 101).0, [10; 3]);
        assert_eq!(img.get_pixel(200, 215).0, [30; 3]);
    }

    #[test]
    fn a_page_without_lines_is_left_as_it_is() {
        let mut img = RgbImage::from_pixel(100, 80, image::Rgb([240; 3]));
        img.put_pixel(50, 40, image::Rgb([0; 3]));
        let before = img.clone();
        assert_eq!(remove(&mut img), 0);
        assert_eq!(img, before);
    }
}
