//! Word, PowerPoint and OpenDocument files: zips of XML parts. One walker
//! reads them all, by the elements' local names, which the formats share
//! in spirit: a paragraph (`w:p`, `a:p`, `text:p`, `text:h`) is a line,
//! a table (`w:tbl`, `a:tbl`, `table:table`) is rows of cells written out
//! with its header (see `table`), text is every character data inside a
//! paragraph, and tabs, breaks and ODF's `text:s` are spaces. Field codes
//! (`w:instrText`) are not text.
//!
//! The parts (ECMA-376 Part 1, ODF 1.2 Part 1): `word/document.xml`,
//! `word/header*.xml` and `footer*.xml`, footnotes, endnotes and comments;
//! `ppt/slides/slideN.xml` and their notes; ODF's `content.xml` and the
//! page headers in `styles.xml`.

use quick_xml::events::Event;

use super::archive::{self, Archive};
use super::table::{self, Row};
use super::{place, Collector, Format, NotScanned, Part};

pub(super) fn read(
    bytes: &[u8],
    format: Format,
    out: &mut Collector,
    members: &[String],
) -> Result<(), NotScanned> {
    let limits = *out.limits;
    let mut zip = archive::open(bytes, &limits)?;
    for (name, part) in parts(&mut zip, format) {
        if out.full() {
            break;
        }
        if let Some(xml) = archive::named(&mut zip, &name, &limits)? {
            let lines = walk(&xml).map_err(|_| NotScanned::Malformed)?;
            out.add(place(members, part), lines);
        }
    }
    Ok(())
}

/// The XML parts that hold a file's text, in reading order.
fn parts(zip: &mut Archive, format: Format) -> Vec<(String, Part)> {
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let numbered = |prefix: &str| {
        let mut found: Vec<(u32, String)> = names
            .iter()
            .filter_map(|n| {
                let k = n.strip_prefix(prefix)?.strip_suffix(".xml")?.parse().ok()?;
                Some((k, n.clone()))
            })
            .collect();
        found.sort();
        found
    };
    match format {
        Format::Docx => {
            let mut parts = vec![("word/document.xml".to_string(), Part::Body)];
            for prefix in ["word/header", "word/footer"] {
                for (_, n) in numbered(prefix) {
                    parts.push((n, Part::HeaderFooter));
                }
            }
            for n in [
                "word/footnotes.xml",
                "word/endnotes.xml",
                "word/comments.xml",
            ] {
                parts.push((n.to_string(), Part::Notes));
            }
            parts
        }
        Format::Pptx => {
            let notes = numbered("ppt/notesSlides/notesSlide");
            let mut parts = Vec::new();
            for (k, n) in numbered("ppt/slides/slide") {
                parts.push((n, Part::Slide(k)));
                if let Some((_, note)) = notes.iter().find(|(j, _)| *j == k) {
                    parts.push((note.clone(), Part::Slide(k)));
                }
            }
            parts
        }
        _ => vec![
            ("content.xml".to_string(), Part::Body),
            ("styles.xml".to_string(), Part::HeaderFooter),
        ],
    }
}

/// Where the walker is.
#[derive(Default)]
struct Walk {
    lines: Vec<(u32, String)>,
    /// The paragraph being read, if any.
    paragraph: Option<String>,
    /// Tables open (nested ones are read into their outer table's cell).
    tables: u32,
    rows: Vec<Row>,
    row: Vec<(u32, String)>,
    cell: Option<String>,
    /// Inside a field code.
    skip: u32,
    /// Paragraphs and table rows read, for line numbers.
    count: u32,
}

impl Walk {
    fn text(&mut self, s: &str) {
        if self.skip > 0 {
            return;
        }
        if let Some(p) = self.paragraph.as_mut() {
            p.push_str(s);
        } else if let Some(c) = self.cell.as_mut() {
            c.push_str(s);
        }
    }

    fn open(&mut self, name: &[u8]) {
        match name {
            b"p" | b"h" => self.paragraph = Some(self.paragraph.take().unwrap_or_default()),
            b"tbl" | b"table" => {
                self.tables += 1;
                if self.tables == 1 {
                    self.rows.clear();
                }
            }
            b"tr" | b"table-row" if self.tables == 1 => self.row.clear(),
            b"tc" | b"table-cell" if self.tables == 1 => self.cell = Some(String::new()),
            b"instrText" | b"delInstrText" => self.skip += 1,
            b"tab" | b"br" | b"cr" | b"s" | b"line-break" => self.text(" "),
            _ => {}
        }
    }

    fn close(&mut self, name: &[u8]) {
        match name {
            b"p" | b"h" => {
                let text = self.paragraph.take().unwrap_or_default();
                if let Some(c) = self.cell.as_mut() {
                    if !c.is_empty() {
                        c.push(' ');
                    }
                    c.push_str(&text);
                } else if !text.trim().is_empty() {
                    self.count += 1;
                    self.lines.push((self.count, text));
                }
            }
            b"tc" | b"table-cell" if self.tables == 1 => {
                let col = self.row.len() as u32;
                let text = self.cell.take().unwrap_or_default();
                self.row.push((col, text));
            }
            b"tr" | b"table-row" if self.tables == 1 => {
                self.count += 1;
                let cells = std::mem::take(&mut self.row)
                    .into_iter()
                    .filter(|(_, v)| !v.trim().is_empty())
                    .collect();
                self.rows.push(Row {
                    number: self.count,
                    cells,
                });
            }
            b"tbl" | b"table" => {
                self.tables = self.tables.saturating_sub(1);
                if self.tables == 0 {
                    self.lines
                        .extend(table::lines(std::mem::take(&mut self.rows)));
                }
            }
            b"instrText" | b"delInstrText" => self.skip = self.skip.saturating_sub(1),
            _ => {}
        }
    }
}

/// The lines of one XML part.
fn walk(xml: &[u8]) -> Result<Vec<(u32, String)>, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut w = Walk::default();
    loop {
        match reader.read_event()? {
            Event::Start(e) => w.open(e.local_name().as_ref()),
            Event::Empty(e) => {
                let name = e.local_name();
                w.open(name.as_ref());
                w.close(name.as_ref());
            }
            Event::End(e) => w.close(e.local_name().as_ref()),
            Event::Text(t) => w.text(&t.xml10_content()?),
            Event::CData(t) => w.text(&t.decode()?),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref()? {
                    w.text(c.encode_utf8(&mut [0; 4]));
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r.decode()?) {
                    w.text(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(w.lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tables_and_entities() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>密等：密</w:t></w:r></w:p>
            <w:p><w:r><w:instrText>PAGE</w:instrText><w:t xml:space="preserve">A &amp; B</w:t><w:tab/><w:t>C&#x4E00;</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>電話</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:p><w:r><w:t>王小明</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0912</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            </w:body></w:document>"#;
        let lines = walk(xml.as_bytes()).unwrap();
        let texts: Vec<&str> = lines.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "密等：密",
                "A & B C一",
                "姓名，電話",
                "姓名：王小明，電話：0912"
            ]
        );
        assert_eq!(
            lines.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
    }
}
