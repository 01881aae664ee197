//! Reading the text inside attachments (issue 18): a file's bytes in, its
//! text out as sections (a sheet, a document's body, a slide, a zip
//! member), each line of which remembers its row or paragraph, so that a
//! finding can say where it was found without quoting the file.
//!
//! The format is sniffed from the bytes, never the name ([`sniff`]). Every
//! reader is bounded by [`Limits`]: the text kept, the cells read, the
//! members of an archive and their unpacked size, the nesting. What one of
//! them cannot bound (an allocation a malformed file asks for, a stack a
//! deeply nested one exhausts) is bounded by the process: the server and
//! `leakguard scan --file` run this module only in a child process with an
//! address-space, CPU and wall-clock limit ([`child`]).
//!
//! This module is a leaf: it imports nothing else of the crate.

use serde::{Deserialize, Serialize};

mod archive;
pub mod child;
mod image;
mod office;
mod pdf;
mod ruling;
mod sheet;
pub mod sniff;
mod table;
mod text;

pub use image::installed as ocr_installed;
pub use sniff::Format;
pub use text::decode as decode_text;

/// The bounds of one extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Characters of text kept in all; the rest is cut (`truncated`).
    pub max_chars: usize,
    /// Spreadsheet cells read in all.
    pub max_cells: usize,
    /// Members of one archive (a zip, or an Office file's parts).
    pub max_members: usize,
    /// Unpacked bytes of one member.
    pub max_member_bytes: u64,
    /// Unpacked bytes of all members of a file together.
    pub max_unpacked_bytes: u64,
    /// Archives inside archives.
    pub max_depth: u32,
    /// Pixels of one image, checked from its header before it is read.
    pub max_pixels: u64,
    /// Pages of a PDF read; the rest are skipped.
    pub max_pages: usize,
    /// Scanned pages of a PDF read by OCR.
    pub max_ocr_pages: usize,
    /// Seconds of OCR for the whole file, every image and reading
    /// together (below the sandbox's deadline, so that what was read
    /// comes back).
    pub ocr_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_chars: 2_000_000,
            max_cells: 200_000,
            max_members: 2_000,
            max_member_bytes: 64 << 20,
            max_unpacked_bytes: 256 << 20,
            max_depth: 3,
            max_pixels: 40_000_000,
            max_pages: 200,
            max_ocr_pages: 5,
            ocr_seconds: 15,
        }
    }
}

/// The text of an attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    /// What the bytes are.
    pub format: Format,
    /// Its text, part by part.
    pub sections: Vec<Section>,
    /// Whether text was cut at [`Limits::max_chars`].
    pub truncated: bool,
    /// Parts passed over: sheets or archive members that could not be
    /// read (damaged, of a format not read, a compression not supported,
    /// an image the OCR budget did not reach).
    #[serde(default)]
    pub skipped: u32,
}

/// One part of an attachment and its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Where in the attachment.
    pub place: Place,
    /// The text, one line per row or paragraph.
    pub text: String,
    /// The row or paragraph number (from 1) of each line of `text`.
    pub lines: Vec<u32>,
}

/// Where a section is: inside which archive members (outermost first),
/// and which part of the file there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The archive members the file was found in, outermost first.
    pub members: Vec<String>,
    /// The part of that file.
    pub part: Part,
}

/// A part of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// A text file's whole text.
    Text,
    /// A spreadsheet's sheet, by name.
    Sheet(String),
    /// A document's body.
    Body,
    /// A document's page headers and footers.
    HeaderFooter,
    /// A document's footnotes and comments.
    Notes,
    /// A presentation's slide (from 1), with its speaker notes.
    Slide(u32),
    /// The names of an archive's members.
    MemberNames,
    /// An image's text, as OCR read it.
    Image,
    /// A PDF's page (from 1), its text.
    Page(u32),
    /// A PDF's page (from 1) that is a scan, its text as OCR read it.
    ScannedPage(u32),
}

impl Place {
    /// Where line `line` (a row or paragraph number) of this section is,
    /// in the words of a warning: 壓縮檔內「名冊.docx」本文第 3 段.
    pub fn describe(&self, line: Option<u32>) -> String {
        let mut out = String::new();
        for m in &self.members {
            out.push_str(&format!("壓縮檔內「{m}」"));
        }
        let (part, unit) = match &self.part {
            Part::Text => ("內文".to_string(), "行"),
            Part::Sheet(name) => (format!("工作表「{name}」"), "列"),
            Part::Body => ("本文".to_string(), "段"),
            Part::HeaderFooter => ("頁首頁尾".to_string(), "段"),
            Part::Notes => ("註腳或註解".to_string(), "段"),
            Part::Slide(n) => (format!("第 {n} 張投影片"), "段"),
            Part::MemberNames => ("檔案名稱".to_string(), "項"),
            Part::Image => ("圖片文字".to_string(), "行"),
            Part::Page(n) => (format!("第 {n} 頁"), "行"),
            Part::ScannedPage(n) => (format!("第 {n} 頁（掃描影像）"), "行"),
        };
        out.push_str(&part);
        if let Some(n) = line {
            out.push_str(&format!("第 {n} {unit}"));
        }
        out
    }
}

impl Section {
    /// The character offset at which each line of `text` starts.
    pub fn line_starts(&self) -> Vec<usize> {
        let mut starts = vec![0];
        let mut at = 0;
        for c in self.text.chars() {
            at += 1;
            if c == '\n' {
                starts.push(at);
            }
        }
        if at > 0 && starts.last() == Some(&at) {
            starts.pop();
        }
        starts
    }

    /// The row or paragraph of the character at `offset` (a character
    /// index into `text`), given the section's [`Section::line_starts`].
    pub fn line_at(&self, starts: &[usize], offset: usize) -> Option<u32> {
        let line = starts.partition_point(|&s| s <= offset).checked_sub(1)?;
        self.lines.get(line).copied()
    }

    /// The text in message-sized pieces, each with the character offset it
    /// starts at. The packs judge chat messages: a word that clears a
    /// message (規定, 新聞) would clear a whole document read as one, and
    /// context further away than a message never counts. A piece is whole
    /// lines up to `max` characters; a longer line is cut into windows of
    /// `max` that overlap by a quarter; a piece starts with the last line
    /// of the one before when that line is short (at most `max / 2`), so
    /// that a title is read with what follows it. No piece is longer than
    /// one and a half `max`.
    pub fn chunks(&self, max: usize) -> Vec<(usize, &str)> {
        let max = max.max(4);
        // Segments: (byte start, byte end, character offset, characters).
        let mut segs: Vec<(usize, usize, usize, usize)> = Vec::new();
        let (mut byte, mut chars) = (0, 0);
        for line in self.text.split_inclusive('\n') {
            let bounds: Vec<usize> = line
                .char_indices()
                .map(|(i, _)| i)
                .chain([line.len()])
                .collect();
            let n = bounds.len() - 1;
            let mut from = 0;
            loop {
                let to = (from + max).min(n);
                segs.push((
                    byte + bounds[from],
                    byte + bounds[to],
                    chars + from,
                    to - from,
                ));
                if to == n {
                    break;
                }
                from += max * 3 / 4;
            }
            byte += line.len();
            chars += n;
        }
        let mut out = Vec::new();
        let (mut first, mut carried) = (0, false);
        while first < segs.len() {
            let (mut last, mut size) = (first, segs[first].3);
            while last + 1 < segs.len() && size + segs[last + 1].3 <= max {
                last += 1;
                size += segs[last].3;
            }
            if carried && last == first && last + 1 < segs.len() {
                last += 1;
            }
            out.push((segs[first].2, &self.text[segs[first].0..segs[last].1]));
            if last + 1 >= segs.len() {
                break;
            }
            // The last line goes on into the next piece when it is short
            // (a title, a label); windows of a long line overlap already.
            carried = segs[last].3 <= max / 2;
            first = if carried { last } else { last + 1 };
        }
        out
    }
}

/// Why an attachment was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum NotScanned {
    /// Larger than a size limit, or unpacks to more than one.
    #[error("too large")]
    TooLarge,
    /// A format leakguard does not read (a video, a .doc, a binary).
    #[error("unsupported format")]
    Unsupported,
    /// Password-protected.
    #[error("encrypted")]
    Encrypted,
    /// Damaged or not what it claims to be.
    #[error("malformed")]
    Malformed,
    /// Archives nested deeper than the limit.
    #[error("nested too deep")]
    TooDeep,
    /// The extraction did not finish in time.
    #[error("timed out")]
    Timeout,
    /// The extraction crashed or ran out of its memory.
    #[error("crashed")]
    Crashed,
    /// An image, and no OCR engine is installed.
    #[error("no OCR engine")]
    NoOcr,
    /// The platform no longer had the content, or never prepared it.
    #[error("content unavailable")]
    Unavailable,
    /// An external URL whose host is not on the allow-list.
    #[error("external host not allowed")]
    HostNotAllowed,
    /// Every attempt ended abruptly (the service stopped mid-read).
    #[error("given up")]
    GivenUp,
}

impl NotScanned {
    /// The reason as an officer reads it.
    pub fn zh_tw(self) -> &'static str {
        match self {
            NotScanned::TooLarge => "檔案過大",
            NotScanned::Unsupported => "不支援的檔案格式",
            NotScanned::Encrypted => "檔案設有密碼",
            NotScanned::Malformed => "檔案損毀或格式不符",
            NotScanned::TooDeep => "壓縮檔層數過多",
            NotScanned::Timeout => "讀取逾時",
            NotScanned::Crashed => "讀取時發生錯誤",
            NotScanned::NoOcr => "未安裝文字辨識（OCR）元件",
            NotScanned::Unavailable => "無法取得檔案內容",
            NotScanned::HostNotAllowed => "外部來源不在允許清單內",
            NotScanned::GivenUp => "多次讀取皆未完成",
        }
    }

    /// The reason as a metric label.
    pub fn label(self) -> &'static str {
        match self {
            NotScanned::TooLarge => "too_large",
            NotScanned::Unsupported => "unsupported",
            NotScanned::Encrypted => "encrypted",
            NotScanned::Malformed => "malformed",
            NotScanned::TooDeep => "too_deep",
            NotScanned::Timeout => "timeout",
            NotScanned::Crashed => "crashed",
            NotScanned::NoOcr => "no_ocr",
            NotScanned::Unavailable => "unavailable",
            NotScanned::HostNotAllowed => "host_not_allowed",
            NotScanned::GivenUp => "given_up",
        }
    }
}

/// Reads the text inside `bytes`. Run it in a child process
/// ([`child::run`]): a hostile file may make a reader allocate or recurse
/// without bound.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, NotScanned> {
    let mut out = Collector::new(limits);
    let format = sniff::sniff(bytes);
    read(bytes, format, &mut out, &[])?;
    Ok(Extracted {
        format,
        sections: out.sections,
        truncated: out.truncated,
        skipped: out.skipped,
    })
}

/// Reads one file (the attachment, or a member of an archive in it).
fn read(
    bytes: &[u8],
    format: Format,
    out: &mut Collector,
    members: &[String],
) -> Result<(), NotScanned> {
    match format {
        Format::Text => text::read(bytes, out, members),
        Format::Xlsx | Format::Xls | Format::Ods => sheet::read(bytes, format, out, members),
        Format::Docx | Format::Pptx | Format::Odt | Format::Odp => {
            office::read(bytes, format, out, members)
        }
        Format::Zip => archive::read(bytes, out, members),
        Format::Pdf => pdf::read(bytes, out, members),
        Format::Image => image::read(bytes, out, place(members, Part::Image)),
        Format::EncryptedOffice => Err(NotScanned::Encrypted),
        _ => Err(NotScanned::Unsupported),
    }
}

/// The sections read so far, and the text budget left.
struct Collector<'a> {
    limits: &'a Limits,
    sections: Vec<Section>,
    chars_left: usize,
    cells_left: usize,
    truncated: bool,
    skipped: u32,
    /// Bytes the file's archive members may still unpack to.
    unpacked_left: u64,
    /// When the OCR budget of the whole file runs out.
    ocr_deadline: std::time::Instant,
}

impl<'a> Collector<'a> {
    fn new(limits: &'a Limits) -> Self {
        Collector {
            limits,
            sections: Vec::new(),
            chars_left: limits.max_chars,
            cells_left: limits.max_cells,
            truncated: false,
            skipped: 0,
            unpacked_left: limits.max_unpacked_bytes,
            ocr_deadline: std::time::Instant::now()
                + std::time::Duration::from_secs(limits.ocr_seconds),
        }
    }

    /// Adds a section of `lines` (number, text), cutting it at the budget.
    /// Empty lines are left out; a section with no text is not added.
    fn add(&mut self, place: Place, lines: impl IntoIterator<Item = (u32, String)>) {
        let mut section = Section {
            place,
            text: String::new(),
            lines: Vec::new(),
        };
        for (n, line) in lines {
            let line = line.replace(['\n', '\r'], " ");
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let len = line.chars().count() + 1;
            if len > self.chars_left {
                self.truncated = true;
                break;
            }
            self.chars_left -= len;
            section.text.push_str(line);
            section.text.push('\n');
            section.lines.push(n);
        }
        if !section.lines.is_empty() {
            self.sections.push(section);
        }
    }

    /// Whether the text budget is spent.
    fn full(&self) -> bool {
        self.truncated || self.chars_left == 0
    }
}

fn place(members: &[String], part: Part) -> Place {
    Place {
        members: members.to_vec(),
        part,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(text: &str) -> Section {
        let lines = (1..=text.lines().count() as u32).collect();
        Section {
            place: place(&[], Part::Text),
            text: text.to_string(),
            lines,
        }
    }

    #[test]
    fn a_title_is_read_with_the_long_line_after_it_and_every_character_is_read() {
        let long = "名".repeat(1000);
        let s = section(&format!("確診個案名單如下：\n{long}\n結尾\n"));
        let pieces = s.chunks(400);
        assert!(pieces.iter().all(|(_, t)| t.chars().count() <= 600));
        let second: String = pieces[1].1.chars().take(12).collect();
        assert!(second.starts_with("確診個案名單如下：\n名"), "{second:?}");
        let total = s.text.chars().count();
        let mut covered = vec![false; total];
        for (offset, text) in &pieces {
            let n = text.chars().count();
            covered[*offset..offset + n]
                .iter_mut()
                .for_each(|c| *c = true);
        }
        assert!(covered.iter().all(|&c| c));
        assert!(pieces.last().unwrap().1.ends_with("結尾\n"));
    }

    #[test]
    fn offsets_map_to_their_lines() {
        let s = section("甲\n乙乙\n丙");
        let starts = s.line_starts();
        assert_eq!(starts, [0, 2, 5]);
        let lines: Vec<Option<u32>> = (0..6).map(|o| s.line_at(&starts, o)).collect();
        assert_eq!(
            lines,
            [Some(1), Some(1), Some(2), Some(2), Some(2), Some(3)]
        );
    }
}
