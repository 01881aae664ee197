//! Text files: plain text and CSV, in the encodings a Taiwanese office
//! saves them in. The order follows what each can prove: a byte-order
//! mark (Excel's "CSV UTF-8", Notepad's "Unicode" UTF-16), then strict
//! UTF-8, then a guess between the legacy encodings (`chardetng`, told
//! the text is from `.tw`, picks Big5 for CP950 files). Text that still
//! decodes to replacement characters is not text.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use super::table::{self, Row};
use super::{place, Collector, NotScanned, Part};

pub(super) fn read(
    bytes: &[u8],
    out: &mut Collector,
    members: &[String],
) -> Result<(), NotScanned> {
    let text = decode(bytes)?;
    let lines = match csv_delimiter(&text) {
        Some(delimiter) => table::lines(csv_rows(&text, delimiter, out)),
        None => text
            .lines()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l.to_string()))
            .collect(),
    };
    out.add(place(members, Part::Text), lines);
    Ok(())
}

/// The text of `bytes`, or why it is not text.
pub fn decode(bytes: &[u8]) -> Result<String, NotScanned> {
    let encoding: &'static Encoding = match Encoding::for_bom(bytes) {
        Some((encoding, _)) => encoding,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(Some(b"tw"), chardetng::Utf8Detection::Allow)
        }
    };
    let (text, _, _) = encoding.decode(bytes);
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    if bad * 100 > text.chars().count().max(1) || (!utf16 && text.contains('\0')) {
        return Err(NotScanned::Unsupported);
    }
    Ok(text.into_owned())
}

/// A CSV (or tab-separated) file: most of its first lines have as many
/// commas (or tabs) outside quotes as the first, at least one.
fn csv_delimiter(text: &str) -> Option<u8> {
    let head: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .collect();
    if head.len() < 2 {
        return None;
    }
    [b',', b'\t'].into_iter().find(|&d| {
        // Delimiters outside quoted fields.
        let count = |l: &str| {
            let mut quoted = false;
            l.bytes()
                .filter(|&b| {
                    quoted ^= b == b'"';
                    b == d && !quoted
                })
                .count()
        };
        let first = count(head[0]);
        first > 0 && head.iter().skip(1).filter(|l| count(l) == first).count() >= head.len() / 2
    })
}

fn csv_rows(text: &str, delimiter: u8, out: &mut Collector) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let bytes = text.as_bytes();
    // Bytes looked at and line ends counted in them.
    let mut counted = (0usize, 0u32);
    for record in reader.records() {
        let Ok(record) = record else { break };
        if out.cells_left < record.len() {
            out.truncated = true;
            break;
        }
        out.cells_left -= record.len();
        let cells = record
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(c, v)| (c as u32, v.to_string()))
            .collect();
        // The line the record starts on (an empty line or a quoted line
        // break makes it differ from the record's number): its first byte
        // past the line ends before it, by the line ends counted so far.
        let mut start = record.position().map_or(counted.0, |p| p.byte() as usize);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.max(counted.0);
        counted.1 += bytes[counted.0..start.min(bytes.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32;
        counted.0 = start;
        let number = counted.1 + 1;
        rows.push(Row { number, cells });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_office_encoding_reads_the_same() {
        let text = "業者,地址\n永豐小吃店,臺中市北區中正路8號\n";
        let (big5, _, _) = encoding_rs::BIG5.encode(text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        for bytes in [text.as_bytes(), &big5[..], &bom[..], &utf16[..]] {
            assert_eq!(decode(bytes).unwrap(), text);
        }
    }

    #[test]
    fn random_bytes_are_not_text() {
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        assert_eq!(decode(&noise), Err(NotScanned::Unsupported));
    }

    #[test]
    fn csv_rows_are_labelled_by_the_header() {
        let limits = super::super::Limits::default();
        let mut out = Collector::new(&limits);
        read(
            "姓名,電話\r\n\r\n\"王,小明\",0912-345-678\r\n".as_bytes(),
            &mut out,
            &[],
        )
        .unwrap();
        assert_eq!(
            out.sections[0].text,
            "姓名，電話\n姓名：王,小明，電話：0912-345-678\n"
        );
        assert_eq!(
            out.sections[0].lines,
            [1, 3],
            "line numbers, not record numbers"
        );
    }
}
