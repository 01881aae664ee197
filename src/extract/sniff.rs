//! What a file is, from its bytes: the name a sender gives a file proves
//! nothing (名冊.pdf.exe), so every format is told by its magic bytes and,
//! for the zip-based ones, by the parts inside.
//!
//! Sources: the ZIP local header `PK\3\4` (PKWARE APPNOTE 4.3.7); OOXML's
//! `[Content_Types].xml` and main parts (ECMA-376 Part 2); ODF's stored
//! `mimetype` first member (OASIS ODF 1.2 Part 3, 3.3); the compound file
//! signature `D0 CF 11 E0 A1 B1 1A E1` and its stream names `Workbook`,
//! `WordDocument`, `EncryptedPackage` ([MS-CFB], [MS-XLS], [MS-OFFCRYPTO]);
//! `%PDF-`; PNG, JPEG, GIF and WebP signatures; the ISO BMFF `ftyp` box.

use std::io::Cursor;

use serde::{Deserialize, Serialize};

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Plain text or CSV, in any of the encodings `text` reads.
    Text,
    /// Excel 2007+ workbook.
    Xlsx,
    /// Excel 97–2003 workbook (BIFF8 in a compound file).
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// Word 2007+ document.
    Docx,
    /// PowerPoint 2007+ presentation.
    Pptx,
    /// OpenDocument text.
    Odt,
    /// OpenDocument presentation.
    Odp,
    /// Any other zip archive.
    Zip,
    /// PDF.
    Pdf,
    /// PNG, JPEG, GIF or WebP.
    Image,
    /// Video or audio.
    Media,
    /// A password-protected Office file.
    EncryptedOffice,
    /// Word or PowerPoint 97–2003.
    LegacyOffice,
    /// Anything else.
    Binary,
}

impl Format {
    /// The name in JSON and metrics: `xlsx`, `image`, `encrypted_office`.
    pub fn label(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Docx => "docx",
            Format::Pptx => "pptx",
            Format::Odt => "odt",
            Format::Odp => "odp",
            Format::Zip => "zip",
            Format::Pdf => "pdf",
            Format::Image => "image",
            Format::Media => "media",
            Format::EncryptedOffice => "encrypted_office",
            Format::LegacyOffice => "legacy_office",
            Format::Binary => "binary",
        }
    }

    /// The format's name as an officer reads it.
    pub fn zh_tw(self) -> &'static str {
        match self {
            Format::Text => "文字檔",
            Format::Xlsx | Format::Xls | Format::Ods => "試算表",
            Format::Docx | Format::Odt => "文書檔",
            Format::Pptx | Format::Odp => "簡報檔",
            Format::Zip => "壓縮檔",
            Format::Pdf => "PDF 檔",
            Format::Image => "圖片",
            Format::Media => "影音檔",
            Format::EncryptedOffice | Format::LegacyOffice => "Office 檔",
            Format::Binary => "其他檔案",
        }
    }
}

const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The format of `bytes`.
pub fn sniff(bytes: &[u8]) -> Format {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        zipped(bytes)
    } else if starts(CFB) {
        compound(bytes)
    } else if starts(b"%PDF-") {
        Format::Pdf
    } else if starts(b"\x89PNG\r\n\x1a\n")
        || starts(&[0xFF, 0xD8, 0xFF])
        || starts(b"GIF87a")
        || starts(b"GIF89a")
        || (starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
    {
        Format::Image
    } else if bytes.get(4..8) == Some(b"ftyp")
        || starts(b"ID3")
        || starts(&[0x1A, 0x45, 0xDF, 0xA3])
        || (starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE"))
    {
        Format::Media
    } else if looks_like_text(bytes) {
        Format::Text
    } else {
        Format::Binary
    }
}

/// An OpenDocument file names its type in a first, stored member called
/// `mimetype` (after the local header's 30 bytes, its name and any extra
/// field); an OOXML file has `[Content_Types].xml` and its main part.
fn zipped(bytes: &[u8]) -> Format {
    const ODF: &str = "application/vnd.oasis.opendocument.";
    let field = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
    };
    let (name_len, extra_len) = (field(26).unwrap_or(0), field(28).unwrap_or(0));
    if name_len == 8 && bytes.get(30..38) == Some(b"mimetype") {
        let at = 38 + extra_len;
        let rest = bytes.get(at..).unwrap_or_default();
        let kind = &rest[..rest.len().min(ODF.len() + 12)];
        let kind = String::from_utf8_lossy(kind);
        if let Some(rest) = kind.strip_prefix(ODF) {
            for (name, format) in [
                ("text", Format::Odt),
                ("spreadsheet", Format::Ods),
                ("presentation", Format::Odp),
            ] {
                if rest.starts_with(name) {
                    return format;
                }
            }
        }
    }
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Format::Zip;
    };
    let has = |name: &str| archive.index_for_name(name).is_some();
    if !has("[Content_Types].xml") {
        Format::Zip
    } else if has("word/document.xml") {
        Format::Docx
    } else if has("xl/workbook.xml") {
        Format::Xlsx
    } else if has("ppt/presentation.xml") {
        Format::Pptx
    } else {
        Format::Zip
    }
}

/// A compound file's root storage names its streams: `Workbook` (or
/// `Book`) for Excel, `EncryptedPackage` for a password-protected OOXML
/// file, `WordDocument` or `PowerPoint Document` for the old formats. The
/// directory is read with `cfb`; when it cannot be (a damaged file), the
/// names are looked for in the bytes (UTF-16), a guess that a document
/// quoting such a word could mislead.
fn compound(bytes: &[u8]) -> Format {
    let names: Option<Vec<String>> = cfb::CompoundFile::open(Cursor::new(bytes))
        .ok()
        .map(|file| {
            file.read_root_storage()
                .map(|e| e.name().to_string())
                .collect()
        });
    let has = |name: &str| match &names {
        Some(names) => names.iter().any(|n| n == name),
        None => {
            let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            bytes.windows(utf16.len()).any(|w| w == utf16.as_slice())
        }
    };
    if has("EncryptedPackage") {
        Format::EncryptedOffice
    } else if has("Workbook") || has("Book") {
        Format::Xls
    } else if has("WordDocument") || has("PowerPoint Document") {
        Format::LegacyOffice
    } else {
        Format::Binary
    }
}

/// Text has a byte-order mark, or no NUL and few control bytes in its
/// first 8 KiB (Big5 and UTF-8 both keep bytes under 0x20 for controls).
fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    !head.is_empty() && !head.contains(&0) && controls * 100 <= head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Format::Pdf);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Format::Image);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Format::Image);
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42"), Format::Media);
        assert_eq!(sniff("姓名,電話\n王小明,0912\n".as_bytes()), Format::Text);
        assert_eq!(sniff(&[0xFF, 0xFE, b'A', 0]), Format::Text);
        assert_eq!(sniff(&[1, 2, 3, 0, 200, 17, 4]), Format::Binary);
    }

    #[test]
    fn compound_files_by_their_streams() {
        let mut cfb = CFB.to_vec();
        cfb.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&cfb), Format::Xls);
        let mut enc = CFB.to_vec();
        enc.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&enc), Format::EncryptedOffice);
        // A real directory: an old Word file whose text quotes "Workbook"
        // is still a Word file.
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        let mut stream = file.create_stream("/WordDocument").unwrap();
        let quoted: Vec<u8> = "Workbook"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        std::io::Write::write_all(&mut stream, &quoted).unwrap();
        drop(stream);
        file.flush().unwrap();
        let bytes = file.into_inner().into_inner();
        assert_eq!(sniff(&bytes), Format::LegacyOffice);
    }

    #[test]
    fn an_opendocument_mimetype_is_found_after_an_extra_field() {
        let mut b = b"PK\x03\x04".to_vec();
        b.extend([0u8; 22]);
        b.extend(8u16.to_le_bytes());
        b.extend(4u16.to_le_bytes());
        b.extend(b"mimetype");
        b.extend([0xFE, 0xCA, 0, 0]);
        b.extend(b"application/vnd.oasis.opendocument.spreadsheet");
        assert_eq!(sniff(&b), Format::Ods);
    }
}
