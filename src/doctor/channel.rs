//! The checks of the LINE channel: the access token (`GET /v2/bot/info`),
//! the webhook URL (read, and with `fix` set to the public URL), LINE's
//! signed test call to it, which proves the channel secret, HTTPS and the
//! route end to end, and the month's message quota. What the API cannot
//! tell (auto-reply, joining groups) is listed to check by hand.

use std::time::Duration;

use serde_json::Value;

use super::{Check, Setup};
use crate::config::Secrets;
use crate::line::client::Client;

/// How long one API call may take (LINE's test call waits for the
/// webhook's answer).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

const CONSOLE: &str = "LINE Developers Console › 您的 Provider › Messaging API channel";

/// Every channel check, in order; after a refused token the rest are not
/// run (each would be refused the same way).
pub async fn checks(setup: &Setup, secrets: &Secrets) -> Vec<Check> {
    let client = match Client::new(
        &setup.config.line.api_base,
        &secrets.channel_access_token,
        CALL_TIMEOUT,
    ) {
        Ok(c) => c,
        Err(e) => {
            return vec![Check::fail(
                format!("LINE API：無法建立連線（{e}）"),
                format!("LINE API: cannot make a client ({e})"),
                "請確認 [line] api_base。",
                "Check [line] api_base.",
            )]
        }
    };
    let token = token(&client, &setup.config.line.api_base).await;
    let token_ok = token.status == super::Status::Ok;
    let mut out = vec![token];
    if token_ok {
        out.push(endpoint(&client, setup).await);
        out.push(test_call(&client, setup).await);
        out.push(quota(&client).await);
    }
    out
}

/// The access token, by reading the bot's profile.
async fn token(client: &Client, api_base: &str) -> Check {
    match client.bot_info().await {
        Ok(r) if r.is_success() => {
            let body = r.body.unwrap_or(Value::Null);
            let name = body["displayName"].as_str().unwrap_or("?");
            let id = body["basicId"].as_str().unwrap_or("?");
            Check::ok(
                format!("存取權杖：有效（官方帳號「{name}」{id}）"),
                format!("access token: valid (LINE Official Account \"{name}\" {id})"),
            )
        }
        Ok(r) if r.status == 401 => Check::fail(
            "存取權杖：無效或已撤銷（LINE 回應 401）",
            "access token: invalid or revoked (LINE answered 401)",
            format!("請到 {CONSOLE} › Messaging API 分頁 › Channel access token (long-lived) 按 Issue 重新發行，更新 LINE_CHANNEL_ACCESS_TOKEN 後重新啟動服務。"),
            "In the console's Messaging API tab, issue a new Channel access token (long-lived), put it in LINE_CHANNEL_ACCESS_TOKEN and restart the service.",
        ),
        Ok(r) => Check::fail(
            format!("存取權杖：LINE 回應 {}", r.status),
            format!("access token: LINE answered {}", r.status),
            "請稍後再試；若持續發生，請查看 LINE API Status。",
            "Try again later; if it persists, see the LINE API status page.",
        ),
        Err(e) => Check::fail(
            format!("LINE API：無法連線（{api_base}：{}）", e.reason),
            format!("LINE API: unreachable ({api_base}: {})", e.reason),
            "請確認本機可連到外部 HTTPS（防火牆、代理伺服器）與 [line] api_base。",
            "Check that this machine reaches HTTPS outside (firewall, proxy) and [line] api_base.",
        ),
    }
}

/// The webhook URL: set, pointing here, in use. With `fix`, a URL that is
/// unset or elsewhere is set to the public URL.
async fn endpoint(client: &Client, setup: &Setup) -> Check {
    let want = setup.webhook_url();
    let (current, active) = match client.webhook_endpoint().await {
        Ok(r) if r.is_success() => {
            let b = r.body.unwrap_or(Value::Null);
            (
                b["endpoint"].as_str().unwrap_or("").to_string(),
                b["active"].as_bool().unwrap_or(false),
            )
        }
        Ok(r) if r.status == 404 => (String::new(), false),
        Ok(r) => {
            return Check::fail(
                format!("Webhook 網址：無法讀取（LINE 回應 {}）", r.status),
                format!("webhook URL: cannot be read (LINE answered {})", r.status),
                "請稍後再試。",
                "Try again later.",
            )
        }
        Err(e) => {
            return Check::fail(
                format!("Webhook 網址：無法讀取（{}）", e.reason),
                format!("webhook URL: cannot be read ({})", e.reason),
                "請稍後再試。",
                "Try again later.",
            )
        }
    };
    if current != want && setup.fix {
        return match client.set_webhook_endpoint(&want).await {
            Ok(r) if r.is_success() => Check::ok(
                format!("Webhook 網址：已設定為 {want}（--fix）"),
                format!("webhook URL: set to {want} (--fix)"),
            ),
            Ok(r) => Check::fail(
                format!("Webhook 網址：無法設定為 {want}（LINE 回應 {}）", r.status),
                format!(
                    "webhook URL: cannot be set to {want} (LINE answered {})",
                    r.status
                ),
                "LINE 只接受 HTTPS 且可公開連線的網址；請確認 [server] public_url。",
                "LINE accepts public HTTPS URLs only; check [server] public_url.",
            ),
            Err(e) => Check::fail(
                format!("Webhook 網址：無法設定（{}）", e.reason),
                format!("webhook URL: cannot be set ({})", e.reason),
                "請稍後再試。",
                "Try again later.",
            ),
        };
    }
    if current.is_empty() {
        return Check::fail(
            "Webhook 網址：尚未設定",
            "webhook URL: not set",
            format!("請執行 leakguard doctor --fix，或到 {CONSOLE} › Messaging API 分頁 › Webhook URL 填入 {want}。"),
            format!("Run leakguard doctor --fix, or enter {want} as the Webhook URL in the console's Messaging API tab."),
        );
    }
    if current != want {
        return Check::fail(
            format!("Webhook 網址：指向其他位址 {current}"),
            format!("webhook URL: points elsewhere, {current}"),
            format!("應為 {want}：請執行 leakguard doctor --fix，或於 Console 修改。"),
            format!("It must be {want}: run leakguard doctor --fix, or change it in the console."),
        );
    }
    if !active {
        return Check::fail(
            format!("Webhook 網址：{current}，但「Use webhook」未開啟"),
            format!("webhook URL: {current}, but \"Use webhook\" is off"),
            format!("請到 {CONSOLE} › Messaging API 分頁 › Webhook settings 開啟「Use webhook」。"),
            "Turn on \"Use webhook\" under Webhook settings in the console's Messaging API tab.",
        );
    }
    Check::ok(
        format!("Webhook 網址：{current}，已啟用"),
        format!("webhook URL: {current}, in use"),
    )
}

/// LINE's own signed test call to the public URL.
async fn test_call(client: &Client, setup: &Setup) -> Check {
    let want = setup.webhook_url();
    let outcome = match client.test_webhook_endpoint(&want).await {
        Ok((_, Some(t))) => t,
        Ok((r, None)) => {
            return Check::fail(
                format!("LINE 測試呼叫：無法執行（LINE 回應 {}）", r.status),
                format!("LINE test call: not run (LINE answered {})", r.status),
                "請先處理 Webhook 網址的問題。",
                "Fix the webhook URL first.",
            )
        }
        Err(e) => {
            return Check::fail(
                format!("LINE 測試呼叫：無法執行（{}）", e.reason),
                format!("LINE test call: not run ({})", e.reason),
                "請稍後再試。",
                "Try again later.",
            )
        }
    };
    if outcome.success {
        return Check::ok(
            "LINE 測試呼叫：成功（頻道密鑰、連線與路徑皆正確）",
            "LINE test call: passed (channel secret, connection and route are right)",
        );
    }
    let said = format!(
        "{} {} {}",
        outcome.status_code, outcome.reason, outcome.detail
    );
    let said = said.trim();
    match outcome.status_code {
        401 => Check::fail(
            "LINE 測試呼叫：簽章不符，頻道密鑰不正確",
            "LINE test call: signature refused; the channel secret is wrong",
            format!("請到 {CONSOLE} › Basic settings 分頁複製 Channel secret，更新 LINE_CHANNEL_SECRET 後重新啟動服務。"),
            "Copy the Channel secret from the console's Basic settings tab into LINE_CHANNEL_SECRET and restart the service.",
        ),
        404 => Check::fail(
            format!("LINE 測試呼叫：{want} 找不到（{said}）"),
            format!("LINE test call: {want} not found ({said})"),
            "反向代理須將 /webhook/line 轉送到 leakguard（見 README 的部署說明）。",
            "The reverse proxy must pass /webhook/line to leakguard (see the README's deploy guide).",
        ),
        code if code <= 0 => Check::fail(
            format!("LINE 測試呼叫：LINE 連不到 {want}（{said}）"),
            format!("LINE test call: LINE cannot reach {want} ({said})"),
            "請確認服務已啟動、反向代理與防火牆允許外部 HTTPS 連線，且憑證有效（LINE 不接受自簽憑證）。",
            "Check that the service runs, that the proxy and firewall let HTTPS in, and that the certificate is valid (LINE refuses self-signed ones).",
        ),
        _ => Check::fail(
            format!("LINE 測試呼叫：失敗（{said}）"),
            format!("LINE test call: failed ({said})"),
            "請查看 leakguard 的日誌（journalctl -u leakguard）。",
            "See leakguard's log (journalctl -u leakguard).",
        ),
    }
}

/// The month's push quota.
async fn quota(client: &Client) -> Check {
    match client.quota().await {
        Some((Some(limit), used)) if used >= limit => Check::fail(
            format!("訊息額度：本月已用完（{used}/{limit}），通報與週報將無法推播"),
            format!("message quota: used up this month ({used}/{limit}); alerts and summaries cannot be pushed"),
            "請於 LINE Official Account Manager 升級方案，或等待下月額度重置。",
            "Upgrade the plan in LINE Official Account Manager, or wait for next month.",
        ),
        Some((Some(limit), used)) => Check::ok(
            format!("訊息額度：本月已用 {used}/{limit}"),
            format!("message quota: {used} of {limit} used this month"),
        ),
        Some((None, used)) => Check::ok(
            format!("訊息額度：不限量（本月已用 {used}）"),
            format!("message quota: unlimited ({used} used this month)"),
        ),
        None => Check::note(
            "訊息額度：無法讀取",
            "message quota: cannot be read",
        ),
    }
}

/// The console switches no API reads.
pub fn by_hand() -> Vec<Check> {
    vec![
        Check::note(
            format!("請人工確認：{CONSOLE} › Messaging API 分頁 › 「Allow bot to join group chats」為 Enabled"),
            "Check by hand: Messaging API tab › \"Allow bot to join group chats\" is Enabled",
        ),
        Check::note(
            "請人工確認：「Auto-reply messages」與「Greeting messages」為 Disabled（否則每則訊息都會收到制式回覆）",
            "Check by hand: \"Auto-reply messages\" and \"Greeting messages\" are Disabled (else every message gets a canned answer)",
        ),
    ]
}
