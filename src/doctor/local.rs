//! The checks of this machine: the config, the key file (present, private
//! to its owner, away from the data), the secrets, the store (reachable,
//! migrated) and the officers who will receive alerts.

use std::path::{Path, PathBuf};

use super::{Check, Setup};
use crate::config::Secrets;
use crate::store::{migrations, Store};

/// The config file and the public URL LINE must reach.
pub fn config(setup: &Setup) -> Check {
    let c = &setup.config;
    let source = c
        .source
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "(built-in defaults)".into());
    let url = &c.server.public_url;
    let host = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split(['/', ':']).next())
        .unwrap_or("");
    #[cfg(unix)]
    if let Some(path) = c.source.as_deref() {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0, |m| m.permissions().mode() & 0o777);
        if mode & 0o022 != 0 {
            return Check::fail(
                format!("設定檔：{source} 其他使用者可修改（權限 {mode:04o}）"),
                format!("config: {source} is writable by other users (mode {mode:04o})"),
                format!("可修改設定者能把通報改送他處：請執行 chmod 644 {source}（擁有者為 root）。"),
                format!("whoever writes it can send the alerts elsewhere: chmod 644 {source} (owned by root)."),
            );
        }
    }
    if url.starts_with("https://") {
        Check::ok(
            format!("設定檔：{source}；對外網址 {url}"),
            format!("config: {source}; public URL {url}"),
        )
    } else if matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        Check::note(
            format!("設定檔：{source}；對外網址 {url} 為本機測試位址，正式環境須為 HTTPS"),
            format!("config: {source}; public URL {url} is a loopback test address; production needs HTTPS"),
        )
    } else {
        Check::fail(
            format!("設定檔：{source}；對外網址 {url} 不是 HTTPS"),
            format!("config: {source}; public URL {url} is not HTTPS"),
            "LINE 只接受 HTTPS 的 Webhook 網址：請將 [server] public_url 設為反向代理的 https:// 網址。",
            "LINE accepts HTTPS webhook URLs only: set [server] public_url to the reverse proxy's https:// URL.",
        )
    }
}

/// The key file: present, readable by its owner alone, not beside the
/// data (a backup of the data must not carry the key).
pub fn key(setup: &Setup) -> Option<Check> {
    let Some(path) = setup.key_file() else {
        return Some(Check::ok(
            "金鑰：由環境變數 LEAKGUARD_HASH_KEY 提供",
            "hash key: from LEAKGUARD_HASH_KEY",
        ));
    };
    let shown = path.display();
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) => {
            return Some(Check::fail(
                format!("金鑰檔 {shown}：無法讀取（{e}）"),
                format!("key file {shown}: cannot be read ({e})"),
                "首次啟動 leakguard serve 時會自動建立；以套件安裝者由安裝程式建立。若曾搬移，請從備份還原。",
                "leakguard serve creates it on first start (the package's installer does); if it was moved, restore it from the backup.",
            ))
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Some(Check::fail(
                format!("金鑰檔 {shown}：其他使用者可讀寫（權限 {mode:04o}）"),
                format!("key file {shown}: open to other users (mode {mode:04o})"),
                format!("持有金鑰者可解開資料庫中所有加密內容：請執行 chmod 600 {shown}"),
                format!("whoever reads it can open every sealed record: chmod 600 {shown}"),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    if let Some(data) = data_dir(&setup.config.store.url) {
        if canonical_parent(&path).is_some_and(|k| k.starts_with(&data)) {
            return Some(Check::fail(
                format!("金鑰檔 {shown}：與資料放在同一目錄 {}", data.display()),
                format!("key file {shown}: in the data directory {}", data.display()),
                "備份資料時會連同金鑰一起帶走：請將金鑰移到資料目錄之外（例如 /etc/leakguard），並分開備份。",
                "a backup of the data would carry the key: move it out of the data directory (e.g. /etc/leakguard) and back it up apart.",
            ));
        }
    }
    Some(Check::ok(
        format!("金鑰檔：{shown}，僅擁有者可讀，與資料分開存放"),
        format!("key file: {shown}, private to its owner, apart from the data"),
    ))
}

/// The directory of a SQLite store, canonical; `None` for PostgreSQL.
fn data_dir(url: &str) -> Option<PathBuf> {
    use std::str::FromStr;
    if !url.starts_with("sqlite:") {
        return None;
    }
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    canonical_parent(opts.get_filename())
}

fn canonical_parent(path: &Path) -> Option<PathBuf> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()
}

/// The secrets, as the server would read them; each missing one is a
/// failure. The key file is never created here.
pub fn secrets(setup: &Setup, checks: &mut Vec<Check>) -> Option<Secrets> {
    let missing: Vec<&str> = ["LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"]
        .into_iter()
        .filter(|n| setup.var(n).is_none() && setup.var(&format!("{n}_FILE")).is_none())
        .collect();
    if !missing.is_empty() {
        checks.push(Check::fail(
            format!("密鑰：未設定 {}", missing.join("、")),
            format!("secrets: {} not set", missing.join(", ")),
            "請在 LINE Developers Console 的 channel 取得 Channel secret（Basic settings 分頁）與 Channel access token（Messaging API 分頁），寫入環境檔（套件安裝為 /etc/leakguard/leakguard.env）。",
            "Copy the Channel secret (Basic settings tab) and the Channel access token (Messaging API tab) from the LINE Developers Console into the environment file (/etc/leakguard/leakguard.env when installed from the package).",
        ));
        return None;
    }
    let key_file = setup.key_file();
    if key_file.as_ref().is_some_and(|p| !p.exists()) {
        return None;
    }
    let key_file = key_file.unwrap_or_else(|| crate::config::key_file_path(&setup.config));
    match Secrets::load(|k| setup.var(k), &key_file) {
        Ok((secrets, _)) => {
            if secrets.admin_token.is_none() {
                checks.push(Check::note(
                    "管理權杖：未設定 LEAKGUARD_ADMIN_TOKEN，/metrics 與 /admin 將拒絕所有請求",
                    "admin token: LEAKGUARD_ADMIN_TOKEN is not set; /metrics and /admin refuse every request",
                ));
            }
            Some(secrets)
        }
        Err(e) => {
            checks.push(Check::fail(
                format!("密鑰：無法讀取（{e}）"),
                format!("secrets: cannot be read ({e})"),
                "請依上述訊息修正環境變數或檔案。",
                "Fix the variable or file the message names.",
            ));
            None
        }
    }
}

/// The store: reachable and migrated (with `fix`, migrated now). The
/// store, opened, when the key is there to open it.
pub async fn store(setup: &Setup, checks: &mut Vec<Check>) -> Option<Store> {
    let url = &setup.config.store.url;
    let schema = match migrations::schema(url).await {
        Ok(s) => s,
        Err(e) if setup.fix => {
            checks.push(Check::note(
                format!("資料庫：原本無法開啟（{e}），以 --fix 建立"),
                format!("store: could not be opened ({e}); creating it with --fix"),
            ));
            migrations::Schema {
                applied: 0,
                latest: 1,
            }
        }
        Err(e) => {
            checks.push(Check::fail(
                format!("資料庫：無法連線（{e}）"),
                format!("store: unreachable ({e})"),
                "請確認 [store] url（或 LEAKGUARD_DATABASE_URL）、資料庫服務已啟動、帳號有權限；SQLite 檔案於首次啟動 serve 時建立。",
                "Check [store] url (or LEAKGUARD_DATABASE_URL), that the database runs and the account may connect; a SQLite file is created on the first start of serve.",
            ));
            return None;
        }
    };
    // The key file is never created here: without it, the store is
    // checked for its schema only.
    let key_file = setup.key_file();
    let keys = match key_file {
        Some(p) if !p.exists() => None,
        _ => crate::config::master_key(
            &|k: &str| setup.var(k),
            &crate::config::key_file_path(&setup.config),
        )
        .ok()
        .map(|(m, _)| m.keys(setup.config.report.link_epoch)),
    };
    if !schema.is_current() && !setup.fix {
        checks.push(Check::fail(
            format!("資料庫：結構版本 {}，本版需要 {}", schema.applied, schema.latest),
            format!("store: schema version {}, this version needs {}", schema.applied, schema.latest),
            "啟動服務時會自動升級（systemctl restart leakguard），或執行 leakguard doctor --fix。",
            "The service upgrades it on start (systemctl restart leakguard), or run leakguard doctor --fix.",
        ));
        return None;
    }
    let Some(keys) = keys else {
        if schema.is_current() {
            checks.push(Check::ok(
                format!("資料庫：可連線，結構為最新版（{}）", schema.applied),
                format!("store: reachable, schema current ({})", schema.applied),
            ));
        }
        return None;
    };
    match Store::connect(url, keys.records).await {
        Ok(store) if schema.is_current() => {
            checks.push(Check::ok(
                format!("資料庫：可連線，結構為最新版（{}）", schema.applied),
                format!("store: reachable, schema current ({})", schema.applied),
            ));
            Some(store)
        }
        Ok(store) => {
            checks.push(Check::ok(
                "資料庫：已建立或升級至最新結構（--fix）",
                "store: created or migrated to the current schema (--fix)",
            ));
            Some(store)
        }
        Err(e) => {
            checks.push(Check::fail(
                format!("資料庫：無法開啟（{e}）"),
                format!("store: cannot be opened ({e})"),
                "請依上述訊息修正 [store] url 或資料庫權限。",
                "Fix [store] url or the database's permissions as the message says.",
            ));
            None
        }
    }
}

/// Who will receive alerts: configured and enrolled officers.
pub async fn officers(setup: &Setup, store: Option<&Store>) -> Check {
    let configured = setup.config.report.officers.len();
    let roster = match store {
        Some(s) => s.roster().await.ok(),
        None => None,
    };
    let Some(roster) = roster else {
        return Check::fail(
            "政風人員：無法讀取（資料庫未就緒）",
            "officers: cannot be read (the store is not ready)",
            "請先處理資料庫的問題。",
            "Fix the store first.",
        );
    };
    let enrolled = roster.officers().count();
    let managers = roster.people.len() - enrolled;
    if configured + enrolled == 0 {
        return Check::fail(
            "政風人員：尚無任何人，高風險通報與週報不會送給任何人",
            "officers: none; alerts and weekly summaries reach no one",
            "請執行 leakguard officers invite --name 姓名，再請該員將官方帳號加為好友並傳送登錄碼。",
            "Run leakguard officers invite --name NAME, then have them add the bot as a friend and send the code.",
        );
    }
    Check::ok(
        format!(
            "政風人員：{} 位（設定檔 {configured}、登錄 {enrolled}）；業務主管 {managers} 位",
            configured + enrolled
        ),
        format!(
            "officers: {} ({configured} configured, {enrolled} enrolled); managers: {managers}",
            configured + enrolled
        ),
    )
}
