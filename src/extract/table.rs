//! Tables as lines of text. A list's header row says what each cell is
//! (身分證字號, 稽查日期, 發病日), and a reader takes every row in its
//! light; the scanner reads a window of text, so each row is written out
//! with its column names: `姓名：王小明，身分證字號：A1…，發病日：12/1`.
//! Rows above the header (a title, a note) stay as they are.

/// A row of a table: its number (from 1) and its non-empty cells by column.
#[derive(Debug, Default)]
pub(super) struct Row {
    pub(super) number: u32,
    pub(super) cells: Vec<(u32, String)>,
}

/// The table's lines, each with its row number.
pub(super) fn lines(rows: Vec<Row>) -> Vec<(u32, String)> {
    let header = rows
        .iter()
        .position(is_header)
        .filter(|&h| h + 1 < rows.len());
    let names: Vec<(u32, String)> = header
        .map(|h| {
            rows[h]
                .cells
                .iter()
                .map(|(c, v)| (*c, v.trim().to_string()))
                .collect()
        })
        .unwrap_or_default();
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let labelled = header.is_some_and(|h| i > h);
            let cells: Vec<String> = row
                .cells
                .into_iter()
                .map(|(col, value)| {
                    let value = value.trim();
                    match names.iter().find(|(c, _)| *c == col) {
                        Some((_, name)) if labelled => format!("{name}：{value}"),
                        _ => value.to_string(),
                    }
                })
                .collect();
            (row.number, cells.join("，"))
        })
        .collect()
}

/// A header: two or more cells, every one a name (no digit in it).
fn is_header(row: &Row) -> bool {
    row.cells.len() >= 2
        && row.cells.iter().all(|(_, v)| {
            let v = v.trim();
            !v.is_empty() && !v.chars().any(|c| c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: u32, cells: &[(u32, &str)]) -> Row {
        Row {
            number,
            cells: cells.iter().map(|(c, v)| (*c, v.to_string())).collect(),
        }
    }

    #[test]
    fn rows_under_a_header_carry_its_column_names() {
        let rows = vec![
            row(1, &[(0, "本週稽查名單")]),
            row(2, &[(0, "業者"), (1, "地址"), (3, "負責人")]),
            row(
                3,
                &[(0, "永豐小吃店"), (1, "中正路8號"), (2, "x"), (3, "陳志明")],
            ),
        ];
        assert_eq!(
            lines(rows),
            [
                (1, "本週稽查名單".to_string()),
                (2, "業者，地址，負責人".to_string()),
                (
                    3,
                    "業者：永豐小吃店，地址：中正路8號，x，負責人：陳志明".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_table_without_a_header_stays_as_written() {
        let rows = vec![
            row(1, &[(0, "A1"), (1, "2")]),
            row(2, &[(0, "3"), (1, "4")]),
        ];
        assert_eq!(lines(rows)[1], (2, "3，4".to_string()));
    }
}
