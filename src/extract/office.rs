//! Word, PowerPoint and OpenDocument files: zips of XML parts. One walker
//! reads them all, by the elements' names, which the formats share in
//! spirit: a paragraph (`w:p`, `a:p`, `text:p`, `text:h`) is a line,
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
    // A password-protected ODF file keeps its parts encrypted and says so
    // in its manifest (ODF 1.2 Part 3, 4.8: manifest:encryption-data).
    if let Some(manifest) = archive::named(&mut zip, "META-INF/manifest.xml", out)? {
        if manifest.windows(15).any(|w| w == b"encryption-data") {
            return Err(NotScanned::Encrypted);
        }
    }
    for (name, part) in parts(&mut zip, format, out)? {
        if out.full() {
            break;
        }
        if let Some(xml) = archive::named(&mut zip, &name, out)? {
            let lines = walk(&xml).map_err(|_| NotScanned::Malformed)?;
            out.add(place(members, part), lines);
        }
    }
    Ok(())
}

/// The XML parts that hold a file's text, in reading order.
fn parts(
    zip: &mut Archive,
    format: Format,
    out: &mut Collector,
) -> Result<Vec<(String, Part)>, NotScanned> {
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
    Ok(match format {
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
            // The show's order, then any slide part it does not list.
            let mut files = numbered("ppt/slides/slide");
            let mut ordered = Vec::new();
            for name in slide_order(zip, out)? {
                if let Some(i) = files.iter().position(|(_, n)| *n == name) {
                    ordered.push(files.remove(i));
                }
            }
            ordered.append(&mut files);
            let mut parts = Vec::new();
            for (position, (k, n)) in (1..).zip(ordered) {
                parts.push((n, Part::Slide(position)));
                if let Some((_, note)) = notes.iter().find(|(j, _)| *j == k) {
                    parts.push((note.clone(), Part::Slide(position)));
                }
            }
            parts
        }
        _ => vec![
            ("content.xml".to_string(), Part::Body),
            ("styles.xml".to_string(), Part::HeaderFooter),
        ],
    })
}

/// The slide parts in the order the show presents them: the slide ids of
/// `ppt/presentation.xml` (`p:sldIdLst`, each `r:id`) resolved through
/// its relationships. A slide's file number is when it was made, not
/// where it is: a slide moved to the front is still `slide7.xml`.
fn slide_order(zip: &mut Archive, out: &mut Collector) -> Result<Vec<String>, NotScanned> {
    let (Some(show), Some(rels)) = (
        archive::named(zip, "ppt/presentation.xml", out)?,
        archive::named(zip, "ppt/_rels/presentation.xml.rels", out)?,
    ) else {
        return Ok(Vec::new());
    };
    let ids = attributes(&show, b"p:sldId", b"r:id");
    let targets: Vec<(String, String)> = attributes(&rels, b"Relationship", b"Id")
        .into_iter()
        .zip(attributes(&rels, b"Relationship", b"Target"))
        .collect();
    Ok(ids
        .iter()
        .filter_map(|id| targets.iter().find(|(i, _)| i == id))
        .map(|(_, target)| match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("ppt/{target}"),
        })
        .collect())
}

/// The value of `attribute` on every `element`, in document order (an
/// element without it gives an empty string, so that lists stay aligned).
fn attributes(xml: &[u8], element: &[u8], attribute: &[u8]) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.name().as_ref() == element => {
                let value = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == attribute)
                    .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                found.push(value);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    found
}

/// Where the walker is.
#[derive(Default)]
struct Walk {
    lines: Vec<(u32, String)>,
    /// The paragraphs open, innermost last: a text box or a note inside a
    /// paragraph is a paragraph of its own, and the outer one goes on
    /// after it.
    paragraphs: Vec<String>,
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

/// What an element is, by its qualified name: the prefixes are the ones
/// the formats' writers use (`w:` WordprocessingML, `a:` DrawingML,
/// `text:` and `table:` ODF), so a VML `v:h` handle is no heading.
#[derive(PartialEq)]
enum Element {
    Paragraph,
    Table,
    Row,
    Cell,
    /// An ODF cell merged into the one before: it keeps its column.
    CoveredCell,
    FieldCode,
    Space,
    Other,
}

fn element(name: &[u8]) -> Element {
    match name {
        b"w:p" | b"a:p" | b"text:p" | b"text:h" => Element::Paragraph,
        b"w:tbl" | b"a:tbl" | b"table:table" => Element::Table,
        b"w:tr" | b"a:tr" | b"table:table-row" => Element::Row,
        b"w:tc" | b"a:tc" | b"table:table-cell" => Element::Cell,
        b"table:covered-table-cell" => Element::CoveredCell,
        b"w:instrText" | b"w:delInstrText" => Element::FieldCode,
        b"w:tab" | b"w:br" | b"w:cr" | b"a:br" | b"text:s" | b"text:tab" | b"text:line-break" => {
            Element::Space
        }
        _ => Element::Other,
    }
}

impl Walk {
    fn text(&mut self, s: &str) {
        if self.skip > 0 {
            return;
        }
        if let Some(p) = self.paragraphs.last_mut() {
            p.push_str(s);
        } else if let Some(c) = self.cell.as_mut() {
            c.push_str(s);
        }
    }

    fn line(&mut self, text: String) {
        if !text.trim().is_empty() {
            self.count += 1;
            self.lines.push((self.count, text));
        }
    }

    fn open(&mut self, name: &[u8]) {
        match element(name) {
            Element::Paragraph => self.paragraphs.push(String::new()),
            Element::Table => {
                self.tables += 1;
                if self.tables == 1 {
                    self.rows.clear();
                }
            }
            Element::Row if self.tables == 1 => self.row.clear(),
            Element::Cell if self.tables == 1 => self.cell = Some(String::new()),
            Element::FieldCode => self.skip += 1,
            Element::Space => self.text(" "),
            _ => {}
        }
    }

    fn close(&mut self, name: &[u8]) {
        match element(name) {
            Element::Paragraph => {
                let text = self.paragraphs.pop().unwrap_or_default();
                match self.cell.as_mut() {
                    Some(c) if self.paragraphs.is_empty() => {
                        if !c.is_empty() {
                            c.push(' ');
                        }
                        c.push_str(&text);
                    }
                    _ => self.line(text),
                }
            }
            Element::Cell | Element::CoveredCell if self.tables == 1 => {
                let col = self.row.len() as u32;
                let text = self.cell.take().unwrap_or_default();
                self.row.push((col, text));
            }
            Element::Row if self.tables == 1 => {
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
            Element::Table => {
                self.tables = self.tables.saturating_sub(1);
                if self.tables == 0 {
                    self.lines
                        .extend(table::lines(std::mem::take(&mut self.rows)));
                }
            }
            Element::FieldCode => self.skip = self.skip.saturating_sub(1),
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
            Event::Start(e) => w.open(e.name().as_ref()),
            Event::Empty(e) => {
                let name = e.name();
                w.open(name.as_ref());
                w.close(name.as_ref());
            }
            Event::End(e) => w.close(e.name().as_ref()),
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

    #[test]
    fn a_text_box_or_note_inside_a_paragraph_hides_nothing_after_it() {
        let xml = r#"<office:document-content><office:body><office:text>
            <text:p>前段<text:note><text:note-body><text:p>註：限閱</text:p></text:note-body></text:note>後段身分證字號B125264431</text:p>
            <w:p><w:r><w:pict><v:h/><w:txbxContent><w:p><w:r><w:t>框內</w:t></w:r></w:p></w:txbxContent></w:pict><w:t>框後</w:t></w:r></w:p>
            </office:text></office:body></office:document-content>"#;
        let texts: Vec<String> = walk(xml.as_bytes())
            .unwrap()
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(
            texts,
            ["註：限閱", "前段後段身分證字號B125264431", "框內", "框後"]
        );
    }
}
