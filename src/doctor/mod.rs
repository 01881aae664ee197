//! `leakguard doctor` (issue 20): is the guard ready? One line per
//! check, in zh-TW then English, each OK or what to do: the config and
//! the key file, the store, then the LINE channel (access token, webhook
//! URL, LINE's signed test call through the public URL, the message
//! quota) and the officers who will hear of anything. Read-only unless
//! `fix` is set: then the webhook URL is set to the public URL and a
//! store that is behind is migrated.
//!
//! [`local`] checks this machine, [`channel`] the platform.

pub mod channel;
pub mod local;

use std::path::PathBuf;

use crate::config::Config;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Ready.
    Ok,
    /// Something to check by hand; does not make the guard unready.
    Note,
    /// The guard is not ready until this is done.
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Outcome.
    pub status: Status,
    /// What was found, zh-TW.
    pub zh: String,
    /// What was found, English.
    pub en: String,
    /// What to do, zh-TW (empty when nothing).
    pub hint_zh: String,
    /// What to do, English.
    pub hint_en: String,
}

impl Check {
    /// A passed check.
    pub fn ok(zh: impl Into<String>, en: impl Into<String>) -> Check {
        Check {
            status: Status::Ok,
            zh: zh.into(),
            en: en.into(),
            hint_zh: String::new(),
            hint_en: String::new(),
        }
    }

    /// A failed check with what to do.
    pub fn fail(
        zh: impl Into<String>,
        en: impl Into<String>,
        hint_zh: impl Into<String>,
        hint_en: impl Into<String>,
    ) -> Check {
        Check {
            status: Status::Fail,
            zh: zh.into(),
            en: en.into(),
            hint_zh: hint_zh.into(),
            hint_en: hint_en.into(),
        }
    }

    /// Something the API cannot tell, to check by hand.
    pub fn note(zh: impl Into<String>, en: impl Into<String>) -> Check {
        Check {
            status: Status::Note,
            ..Check::ok(zh, en)
        }
    }
}

/// What the checks need.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Settings.
    pub config: Config,
    /// The secrets' source: an environment file's values first, then the
    /// process environment.
    pub vars: Vec<(String, String)>,
    /// Set the webhook URL and migrate the store.
    pub fix: bool,
}

impl Setup {
    /// The value of `name`, from the environment file, then the
    /// environment; an empty value counts as none.
    pub fn var(&self, name: &str) -> Option<String> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var(name).ok())
            .filter(|v| !v.trim().is_empty())
    }

    /// Where the webhook must point: `[server] public_url` + `/webhook/line`.
    pub fn webhook_url(&self) -> String {
        format!(
            "{}/webhook/line",
            self.config.server.public_url.trim_end_matches('/')
        )
    }

    /// The key file the server reads when no key is in the environment.
    pub fn key_file(&self) -> Option<PathBuf> {
        if self.var("LEAKGUARD_HASH_KEY").is_some() {
            return None;
        }
        Some(
            self.var("LEAKGUARD_HASH_KEY_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| crate::config::key_file_path(&self.config)),
        )
    }
}

/// Reads `KEY=value` lines as systemd's `EnvironmentFile=` does (blank
/// lines and `#` comments skipped, one pair of quotes removed); a line
/// that is not one is an error naming it.
pub fn parse_env_file(text: &str, file: &str) -> Result<Vec<(String, String)>, String> {
    let mut vars = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("{file}:{}: not KEY=value", n + 1));
        };
        let key = key.trim().trim_start_matches("export ").trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!("{file}:{}: {key:?} is not a variable name", n + 1));
        }
        let value = value.trim();
        let value = ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .unwrap_or(value);
        vars.push((key.to_string(), value.to_string()));
    }
    Ok(vars)
}

/// Runs every check in order; the LINE checks are skipped when the
/// secrets cannot be read.
pub async fn run(setup: &Setup) -> Vec<Check> {
    let mut checks = vec![local::config(setup)];
    checks.extend(local::key(setup));
    let secrets = local::secrets(setup, &mut checks);
    let store = local::store(setup, &mut checks).await;
    match secrets {
        Some(secrets) => checks.extend(channel::checks(setup, &secrets).await),
        None => checks.push(Check::fail(
            "LINE 頻道：未檢查（缺少頻道密鑰或存取權杖）",
            "LINE channel: not checked (channel secret or access token missing)",
            "請先設定上方所列的環境變數。",
            "Set the variables listed above first.",
        )),
    }
    checks.push(local::officers(setup, store.as_ref()).await);
    if let Some(store) = store {
        store.close().await;
    }
    checks.extend(channel::by_hand());
    checks
}

/// The report as printed: a mark, the zh-TW line, the English line and
/// any hint; then the verdict.
pub fn render(checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        let mark = match c.status {
            Status::Ok => "[ OK ]",
            Status::Note => "[NOTE]",
            Status::Fail => "[FAIL]",
        };
        out.push_str(&format!("{mark} {}\n       {}\n", c.zh, c.en));
        if !c.hint_zh.is_empty() {
            out.push_str(&format!("       → {}\n       → {}\n", c.hint_zh, c.hint_en));
        }
    }
    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    if failed == 0 {
        out.push_str(
            "\n準備就緒：leakguard 可以開始守護群組。\nReady: leakguard can guard the groups.\n",
        );
    } else {
        out.push_str(&format!(
            "\n尚未就緒：還有 {failed} 項需要處理（見 [FAIL]）。\nNot ready: {failed} item(s) to fix (see [FAIL]).\n"
        ));
    }
    out
}

/// Whether no check failed.
pub fn ready(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != Status::Fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_read_as_systemd_reads_them() {
        let vars = parse_env_file(
            "# secrets\n\nLINE_CHANNEL_SECRET=abc\nexport LEAKGUARD_ADMIN_TOKEN=\"t o k\"\n",
            "x.env",
        )
        .expect("parses");
        assert_eq!(
            vars,
            [
                ("LINE_CHANNEL_SECRET".to_string(), "abc".to_string()),
                ("LEAKGUARD_ADMIN_TOKEN".to_string(), "t o k".to_string())
            ]
        );
        let err = parse_env_file("A=1\nnot a pair\n", "x.env").unwrap_err();
        assert_eq!(err, "x.env:2: not KEY=value");
    }

    #[test]
    fn the_verdict_counts_failures_only() {
        let checks = vec![
            Check::ok("好", "good"),
            Check::note("請看", "look"),
            Check::fail("壞", "bad", "修", "fix"),
        ];
        assert!(!ready(&checks));
        let text = render(&checks);
        assert!(text.contains("[FAIL] 壞\n       bad\n       → 修\n       → fix"));
        assert!(text.contains("尚未就緒：還有 1 項"));
        assert!(ready(&checks[..2]));
        assert!(render(&checks[..2]).contains("準備就緒"));
    }
}
