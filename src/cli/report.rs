//! `leakguard report`: the weekly summary (SPEC §4, §8) of one ISO week,
//! printed as text, JSON, HTML (the report page, for saving or printing)
//! or CSV, or with `--send` pushed to the officers
//! now — still once per week and officer unless `--force`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use super::CliError;
use crate::app;
use crate::calendar::IsoWeek;
use crate::clock::Clock;
use crate::config::{self, Config, Secrets};
use crate::platform::Platforms;
use crate::store::Store;
use crate::summary::schedule::Summaries;
use crate::summary::{self, page, render};
use crate::workers::outbox::{self, Outbox};

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// zh-TW text.
    Text,
    /// The figures as one JSON object (the same as the report page's).
    Json,
    /// The report page with its charts, self-contained.
    Html,
    /// One long table: section,key,detail,value.
    Csv,
}

/// How long `--send` waits for LINE to take the messages.
const SEND_WAIT: Duration = Duration::from_secs(30);

/// Runs `report`.
pub fn run(
    config: Config,
    week: Option<&str>,
    format: Format,
    send: bool,
    force: bool,
) -> Result<ExitCode, CliError> {
    let ctx = summary::Context::new(&config, &super::build_scanner(&config)?);
    let clock = Clock::system();
    let now = clock.now();
    let week = match week {
        Some(w) => w
            .parse::<IsoWeek>()
            .map_err(|e| CliError::usage(format!("--week: {e}")))?,
        None => IsoWeek::last_complete(now, &ctx.tz),
    };
    let keys = super::master_keys(&config)?;
    let rt = super::serve::runtime()?;
    rt.block_on(async move {
        let store = Store::connect(&config.store.url, keys.records.clone())
            .await
            .map_err(|e| CliError::failed(e.to_string()))?;
        if !send {
            let figures = summary::figures(&store, &ctx, week)
                .await
                .map_err(|e| CliError::failed(e.to_string()))?;
            let out = match format {
                Format::Text => render::text(&figures),
                Format::Json => {
                    let mut s = serde_json::to_string_pretty(&figures).expect("figures serialize");
                    s.push('\n');
                    s
                }
                Format::Csv => render::csv(&figures),
                Format::Html => {
                    let (_, end) = week.bounds(&ctx.tz);
                    let links = page::PageLinks {
                        query: String::new(),
                        so_far: end > now.as_millisecond(),
                    };
                    page::html(&figures, &links)
                }
            };
            store.close().await;
            return super::write_stdout(&out).map(|_| ExitCode::SUCCESS);
        }
        super::serve::init_logging();
        let key_file = config::key_file_path(&config);
        let (secrets, _) = Secrets::load(|k| std::env::var(k).ok(), &key_file)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let platforms = app::platforms(&config, &secrets).map_err(|e| CliError::failed(e.to_string()))?;
        let summaries = Arc::new(Summaries {
            store: store.clone(),
            ctx,
            weekly_at: config.report.weekly_at,
            public_url: config.server.public_url.clone(),
            links: keys.links.clone(),
            platform: platforms[0].name(),
        });
        let officers = summaries
            .officers()
            .await
            .map_err(|e| CliError::failed(e.to_string()))?
            .len();
        if officers == 0 {
            store.close().await;
            return Err(CliError::usage(
                "--send: no officers ([report] officers, LEAKGUARD_OFFICERS, or enrolled with \
                 `leakguard officers invite`)",
            ));
        }
        let queued = summaries
            .send(week, now, force)
            .await
            .map_err(|e| CliError::failed(e.to_string()))?;
        Outbox::new(
            store.clone(),
            Platforms::new(platforms),
            clock,
            Arc::new(tokio::sync::Notify::new()),
            outbox::Settings::default(),
            summaries.clone(),
        )
        .deliver_within(SEND_WAIT)
        .await;
        store.close().await;
        let line = if queued == 0 {
            format!("{week}: every officer ({officers}) already had this summary; nothing sent (use --force to send again)\n")
        } else {
            format!("{week}: summary sent to {queued} of {officers} officers\n")
        };
        super::write_stdout(&line).map(|_| ExitCode::SUCCESS)
    })
}
