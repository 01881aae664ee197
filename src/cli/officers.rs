//! `leakguard officers`: enrollment by one-time code (issue 20). LINE
//! shows a user's id to nobody, so `invite` prints a code for the person
//! to send to the bot in a 1:1 chat; the webhook then records their id.
//! `list` shows names, roles and when they enrolled (never an id in
//! full); `remove` stops everything they receive. A running server reads
//! the change within `[watch] refresh_seconds`.

use std::process::ExitCode;

use super::CliError;
use crate::clock::Clock;
use crate::config::Config;
use crate::enrollment::{new_code, parse_code, Role, CODE_VALID_HOURS};
use crate::pipeline::code_mac;
use crate::store::{Invitation, InviteError, Store};

/// Longest name accepted.
const MAX_NAME_CHARS: usize = 40;

async fn open(config: &Config, keys: &crate::secret::Keys) -> Result<Store, CliError> {
    Store::connect(&config.store.url, keys.records.clone())
        .await
        .map_err(|e| CliError::failed(e.to_string()))
}

/// Runs `officers invite`: records the invitation and prints the code
/// with what to do with it.
pub fn invite(
    config: Config,
    name: &str,
    role: Role,
    groups: &[String],
) -> Result<ExitCode, CliError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.contains('\n') {
        return Err(CliError::usage(format!(
            "--name: give a name of 1 to {MAX_NAME_CHARS} characters on one line"
        )));
    }
    if role == Role::Officer && !groups.is_empty() {
        return Err(CliError::usage(
            "--group applies to managers (--role manager); officers hear from every group",
        ));
    }
    let groups = groups
        .iter()
        .map(|g| resolve_group(&config, g))
        .collect::<Result<Vec<_>, _>>()?;
    let keys = super::master_keys(&config)?;
    let code = new_code();
    let now = Clock::system().now();
    let expires = now.as_millisecond() + CODE_VALID_HOURS * 3_600_000;
    let invitation = Invitation {
        name: name.to_string(),
        role,
        groups,
        code_mac: code_mac(&keys.enroll, &parse_code(&code).expect("a new code parses")),
        at: now.as_millisecond(),
        expires,
    };
    let rt = super::serve::runtime()?;
    rt.block_on(async {
        let store = open(&config, &keys).await?;
        let done = store.invite(&invitation).await;
        store.close().await;
        done.map_err(|e| match e {
            InviteError::Enrolled(_) => CliError::usage(e.to_string()),
            InviteError::Store(e) => CliError::failed(e.to_string()),
        })
    })?;
    let until = jiff::Timestamp::from_millisecond(expires)
        .map(|t| {
            t.to_zoned(config.report.timezone.clone())
                .strftime("%Y/%m/%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    super::write_stdout(&format!(
        "已建立{}「{name}」的登錄碼：\n\n    {code}\n\n\
         請{name}將本服務的 LINE 官方帳號加為好友，並在一對一聊天中傳送這組登錄碼。\n\
         登錄碼於 {until} 前有效，僅能使用一次；請以電話或當面告知，勿貼到群組。\n\
         Code for {name} ({}): valid until {until}, once. They add the bot as a friend \
         and send the code in a 1:1 chat.\n",
        role.zh(),
        role.as_str(),
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// A group given to `--group`: a configured name or id, or a LINE group
/// or room id.
fn resolve_group(config: &Config, given: &str) -> Result<String, CliError> {
    let given = given.trim();
    if let Some(g) = config
        .groups
        .iter()
        .find(|g| g.id == given || g.name.as_deref() == Some(given))
    {
        return Ok(g.id.clone());
    }
    let is_id = given.len() == 33
        && (given.starts_with('C') || given.starts_with('R'))
        && given[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if is_id {
        Ok(given.to_string())
    } else {
        Err(CliError::usage(format!(
            "--group {given:?}: not a [[groups]] name or id in the config, nor a LINE group id"
        )))
    }
}

/// Runs `officers list`: name, role, state, the user id's last four
/// characters.
pub fn list(config: Config, json: bool) -> Result<ExitCode, CliError> {
    let tz = config.report.timezone.clone();
    let now = Clock::system().now().as_millisecond();
    let keys = super::master_keys(&config)?;
    let rt = super::serve::runtime()?;
    rt.block_on(async move {
        let store = open(&config, &keys).await?;
        let rows = store
            .officer_rows()
            .await
            .map_err(|e| CliError::failed(e.to_string()))?;
        store.close().await;
        let day = |ms: i64| {
            jiff::Timestamp::from_millisecond(ms)
                .map(|t| {
                    t.to_zoned(tz.clone())
                        .strftime("%Y/%m/%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default()
        };
        let mut out = String::new();
        for r in &rows {
            let (state, when) = match (&r.user_id, r.enrolled_at) {
                (Some(_), Some(at)) => ("enrolled", day(at)),
                _ if r.expires_at <= now => ("expired", day(r.expires_at)),
                _ => ("invited", day(r.expires_at)),
            };
            let tail = r.user_id.as_deref().map(id_tail).unwrap_or_default();
            if json {
                let row = serde_json::json!({
                    "name": r.name, "role": r.role.as_str(), "state": state,
                    "since": when, "user": tail, "platform": r.platform, "groups": r.groups,
                });
                out.push_str(&row.to_string());
            } else {
                let state_zh = match state {
                    "enrolled" => format!("已登錄 {when}"),
                    "expired" => format!("登錄碼已逾期 {when}"),
                    _ => format!("待登錄（登錄碼至 {when}）"),
                };
                let groups = if r.groups.is_empty() {
                    String::new()
                } else {
                    format!("\t群組 {}", r.groups.join(","))
                };
                out.push_str(&format!(
                    "{}\t{}\t{state_zh}\t{}{groups}",
                    r.name,
                    r.role.zh(),
                    if tail.is_empty() { "-" } else { &tail }
                ));
            }
            out.push('\n');
        }
        if rows.is_empty() && !json {
            out.push_str("尚未邀請任何人（leakguard officers invite --name 姓名）。\n");
        }
        super::write_stdout(&out)?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The last four characters of a user id, as `…abcd`.
fn id_tail(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("…{tail}")
}

/// Runs `officers remove NAME`.
pub fn remove(config: Config, name: &str) -> Result<ExitCode, CliError> {
    let keys = super::master_keys(&config)?;
    let rt = super::serve::runtime()?;
    rt.block_on(async move {
        let store = open(&config, &keys).await?;
        let removed = store
            .remove_officer(name.trim())
            .await
            .map_err(|e| CliError::failed(e.to_string()));
        store.close().await;
        if !removed? {
            return Err(CliError::failed(format!(
                "no one named {name:?} is invited or enrolled (see leakguard officers list)"
            )));
        }
        super::write_stdout(&format!(
            "已移除「{}」；之後不再傳送通報與週報給此人。\n",
            name.trim()
        ))?;
        Ok(ExitCode::SUCCESS)
    })
}
