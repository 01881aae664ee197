//! `leakguard watch`: the officers' watchlist from the command line
//! (issue 19 A). `import` registers one column of a CSV file (the
//! 稽查名單 spreadsheet saved as CSV) until a day; `list` shows the
//! entries by their masked hints; `remove` takes one out. A running
//! server reads the change within `[watch] refresh_seconds`.
//!
//! The terms are read, normalized and hashed here; only the keyed hashes,
//! the length and the masked hint reach the store.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use super::CliError;
use crate::clock::Clock;
use crate::config::Config;
use crate::pipeline::{last_day, Pipeline, WatchBatch};
use crate::secret::Keys;
use crate::store::{Store, WatchRef};

/// Largest CSV file read.
const MAX_FILE: u64 = 16 << 20;
/// Most terms in one import.
const MAX_TERMS: usize = 100_000;

/// What `import` reads and registers.
#[derive(Debug, Clone)]
pub struct Import<'a> {
    /// The CSV (or one-term-per-line text) file.
    pub file: &'a Path,
    /// Category id or name.
    pub category: &'a str,
    /// The last day the entries are in force, as typed.
    pub until: &'a str,
    /// 1-based column number, or a header name.
    pub column: &'a str,
    /// The first row is a header (implied by a column given by name).
    pub header: bool,
    /// Groups (ids or configured names) where the terms are at home.
    pub allow_groups: &'a [String],
    /// Register the valid rows even when others are not.
    pub skip_invalid: bool,
}

/// The store of `config`.
async fn open(config: &Config, keys: &Keys) -> Result<Store, CliError> {
    Store::connect(&config.store.url, keys.records.clone())
        .await
        .map_err(|e| CliError::failed(e.to_string()))
}

/// Runs `watch import`.
pub fn import(config: Config, args: &Import<'_>) -> Result<ExitCode, CliError> {
    let scanner = Arc::new(super::build_scanner(&config)?);
    let keys = super::master_keys(&config)?;
    let config = Arc::new(config);
    let pipeline = Pipeline::new(scanner.clone(), config.clone(), &keys, "cli");
    let rows = read_column(args)?;
    let terms: Vec<String> = rows.iter().map(|(_, t)| t.clone()).collect();
    let now = Clock::system().now().as_millisecond();
    let batch = WatchBatch {
        terms: &terms,
        category: args.category,
        last_day: Some(args.until),
        groups: args.allow_groups,
        added_by: "cli",
    };
    let mut prepared = pipeline
        .prepare_watch(&batch, now)
        .map_err(CliError::usage)?;
    for (i, reason) in &prepared.invalid {
        eprintln!("{}:{}: {reason}", args.file.display(), rows[*i].0);
    }
    if !prepared.invalid.is_empty() && !args.skip_invalid {
        return Err(CliError::usage(format!(
            "{} row(s) cannot be registered; nothing was imported (fix them, or pass --skip-invalid)",
            prepared.invalid.len()
        )));
    }
    prepared
        .entries
        .sort_by(|a, b| a.print.mac.cmp(&b.print.mac));
    prepared.entries.dedup_by(|a, b| a.print.mac == b.print.mac);
    let rt = super::serve::runtime()?;
    let (new, renewed) = rt.block_on(async {
        let store = open(&config, &keys).await?;
        let done = store.add_watches(&prepared.entries).await;
        store.close().await;
        done.map_err(|e| CliError::failed(e.to_string()))
    })?;
    let skipped = match prepared.invalid.len() {
        0 => String::new(),
        n => format!("、略過 {n}"),
    };
    super::write_stdout(&format!(
        "已登錄 {} 筆（新增 {new}、更新 {renewed}{skipped}），類別：{}，至 {} 止。\n",
        new + renewed,
        scanner
            .category_name(&prepared.category)
            .unwrap_or(&prepared.category),
        prepared.last_day,
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// The non-empty cells of the chosen column, with their line numbers.
fn read_column(args: &Import<'_>) -> Result<Vec<(u64, String)>, CliError> {
    let path = args.file;
    let cannot =
        |e: std::io::Error| CliError::usage(format!("{}: cannot read: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    if size > MAX_FILE {
        return Err(CliError::usage(format!(
            "{}: {size} bytes; at most {MAX_FILE} are read",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    let text = crate::extract::decode_text(&bytes).map_err(|_| {
        CliError::usage(format!(
            "{}: not text (save the spreadsheet as CSV, UTF-8 or Big5)",
            path.display()
        ))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let by_number = args.column.parse::<usize>().ok();
    let mut index = match by_number {
        Some(0) => return Err(CliError::usage("--column: columns are counted from 1")),
        Some(n) => Some(n - 1),
        None => None,
    };
    let header = args.header || index.is_none();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
        let line = record.position().map_or(i as u64 + 1, |p| p.line());
        if i == 0 && header {
            if index.is_none() {
                let found = record.iter().position(|h| h.trim() == args.column.trim());
                index = Some(found.ok_or_else(|| {
                    CliError::usage(format!(
                        "{}:{line}: no column named {:?} in the header",
                        path.display(),
                        args.column
                    ))
                })?);
            }
            continue;
        }
        let cell = record.get(index.unwrap_or(0)).unwrap_or("").trim();
        if !cell.is_empty() {
            out.push((line, cell.to_string()));
        }
        if out.len() > MAX_TERMS {
            return Err(CliError::usage(format!(
                "{}: more than {MAX_TERMS} terms; split the file",
                path.display()
            )));
        }
    }
    if out.is_empty() {
        return Err(CliError::usage(format!(
            "{}: no term in the chosen column",
            path.display()
        )));
    }
    Ok(out)
}

/// Runs `watch list`: id, category, hint, last day, allowed groups, author.
pub fn list(config: Config, json: bool) -> Result<ExitCode, CliError> {
    let tz = config.report.timezone.clone();
    let now = Clock::system().now().as_millisecond();
    let rt = super::serve::runtime()?;
    rt.block_on(async move {
        let store = open(&config, &super::master_keys(&config)?).await?;
        let entries = store
            .watch_entries()
            .await
            .map_err(|e| CliError::failed(e.to_string()))?;
        store.close().await;
        let mut out = String::new();
        for e in entries.iter().filter(|e| e.until > now) {
            let last = last_day(e.until, &tz)
                .map(|d| d.to_string())
                .unwrap_or_default();
            if json {
                let row = serde_json::json!({
                    "id": e.id, "category": e.category, "hint": e.hint,
                    "last_day": last, "allowed": e.allowed, "added_by": e.added_by,
                });
                out.push_str(&row.to_string());
            } else {
                out.push_str(&format!(
                    "#{}\t{}\t{}\t至 {last}\t{}\t{}",
                    e.id,
                    e.category,
                    e.hint,
                    if e.allowed.is_empty() {
                        "-".to_string()
                    } else {
                        e.allowed.join(",")
                    },
                    e.added_by
                ));
            }
            out.push('\n');
        }
        super::write_stdout(&out)?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `watch remove ID`.
pub fn remove(config: Config, id: i64) -> Result<ExitCode, CliError> {
    let rt = super::serve::runtime()?;
    rt.block_on(async move {
        let store = open(&config, &super::master_keys(&config)?).await?;
        let n = store
            .remove_watch(&WatchRef::Id(id))
            .await
            .map_err(|e| CliError::failed(e.to_string()))?;
        store.close().await;
        if n == 0 {
            return Err(CliError::failed(format!("no watchlist entry #{id}")));
        }
        super::write_stdout(&format!("已取消登錄 #{id}。\n"))?;
        Ok(ExitCode::SUCCESS)
    })
}
