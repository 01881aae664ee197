//! Spreadsheets (`calamine`): every sheet becomes a section, each row a
//! line labelled by the sheet's header (see `table`). An `.xlsx` is read
//! cell by cell and stops at the cell budget; `.xls` and `.ods` are read
//! a sheet at a time (`calamine` has no streaming reader for them), which
//! the child process's memory limit bounds. Dates are written as dates,
//! not as Excel's serial numbers.

use std::io::Cursor;

use calamine::{Data, ExcelDateTime, Ods, Range, Reader, Xls, Xlsx};

use super::table::{self, Row};
use super::{place, Collector, Format, NotScanned, Part};

pub(super) fn read(
    bytes: &[u8],
    format: Format,
    out: &mut Collector,
    members: &[String],
) -> Result<(), NotScanned> {
    let cursor = Cursor::new(bytes);
    match format {
        Format::Xlsx => {
            let mut book = Xlsx::new(cursor).map_err(|e| match e {
                calamine::XlsxError::Password => NotScanned::Encrypted,
                _ => NotScanned::Malformed,
            })?;
            for name in worksheets(&book) {
                if out.full() {
                    break;
                }
                let mut rows: Vec<Row> = Vec::new();
                // A sheet that cannot be read is passed over, not the book.
                let Ok(mut cells) = book.worksheet_cells_reader(&name) else {
                    out.skipped += 1;
                    continue;
                };
                while let Ok(Some(cell)) = cells.next_cell() {
                    if out.cells_left == 0 {
                        out.truncated = true;
                        break;
                    }
                    out.cells_left -= 1;
                    let (r, c) = cell.get_position();
                    push(
                        &mut rows,
                        r,
                        c,
                        value(&Data::from(cell.get_value().clone())),
                    );
                }
                out.add(place(members, Part::Sheet(name)), table::lines(rows));
            }
        }
        Format::Xls => {
            let book = Xls::new(cursor).map_err(|e| match e {
                calamine::XlsError::Password => NotScanned::Encrypted,
                _ => NotScanned::Malformed,
            })?;
            sheets(book, out, members)?;
        }
        _ => {
            let book = Ods::new(cursor).map_err(|e| match e {
                calamine::OdsError::Password => NotScanned::Encrypted,
                calamine::OdsError::CellLimitExceeded { .. } => NotScanned::TooLarge,
                _ => NotScanned::Malformed,
            })?;
            sheets(book, out, members)?;
        }
    }
    Ok(())
}

/// Every sheet of an `.xls` or `.ods` book, a whole sheet at a time.
fn sheets<RS, B>(mut book: B, out: &mut Collector, members: &[String]) -> Result<(), NotScanned>
where
    RS: std::io::Read + std::io::Seek,
    B: Reader<RS>,
{
    for name in worksheets(&book) {
        if out.full() {
            break;
        }
        let Ok(range) = book.worksheet_range(&name) else {
            out.skipped += 1;
            continue;
        };
        let range: Range<Data> = range;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Row> = Vec::new();
        for (r, c, v) in range.used_cells() {
            if out.cells_left == 0 {
                out.truncated = true;
                break;
            }
            out.cells_left -= 1;
            push(&mut rows, top + r as u32, left + c as u32, value(v));
        }
        out.add(place(members, Part::Sheet(name)), table::lines(rows));
    }
    Ok(())
}

/// The names of a book's worksheets (not its chart, dialog or macro
/// sheets, which hold no cells to read).
fn worksheets<RS, B>(book: &B) -> Vec<String>
where
    RS: std::io::Read + std::io::Seek,
    B: Reader<RS>,
{
    book.sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

/// Files the value of the cell at (`r`, `c`), from 0, in its row.
fn push(rows: &mut Vec<Row>, r: u32, c: u32, value: String) {
    if value.trim().is_empty() {
        return;
    }
    let number = r + 1;
    if rows.last().is_none_or(|row| row.number != number) {
        rows.push(Row {
            number,
            cells: Vec::new(),
        });
    }
    if let Some(row) = rows.last_mut() {
        row.cells.push((c, value));
    }
}

fn value(v: &Data) -> String {
    match v {
        Data::DateTime(d) => date(d),
        Data::Float(f) => number(*f),
        Data::Error(_) | Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A whole number without its `.0`.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// An Excel date as 2026/12/10, with the time when it has one.
fn date(d: &ExcelDateTime) -> String {
    let (y, mo, day, h, mi, _, _) = d.to_ymd_hms_milli();
    if h == 0 && mi == 0 {
        format!("{y}/{mo}/{day}")
    } else if d.as_f64() < 1.0 {
        format!("{h}:{mi:02}")
    } else {
        format!("{y}/{mo}/{day} {h}:{mi:02}")
    }
}
