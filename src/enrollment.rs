//! Officer and manager enrollment by one-time code (issue 20): LINE shows
//! a user's id to nobody, so an administrator invites a person by name,
//! the command prints a short code, and the person sends it to the bot in
//! a 1:1 chat; the webhook then knows their id. Here: the codes, the
//! roles, who is enrolled, and what the bot answers (zh-TW).
//!
//! A code is kept only as its keyed hash, is valid for
//! [`CODE_VALID_HOURS`] and once; [`MAX_FAILURES`] wrong codes within
//! [`FAILURE_WINDOW_MS`] stop a user's further tries for the rest of it.

use serde::{Deserialize, Serialize};

/// How long an invitation's code is valid.
pub const CODE_VALID_HOURS: i64 = 24;

/// Wrong codes a user may send within [`FAILURE_WINDOW_MS`].
pub const MAX_FAILURES: i64 = 5;

/// The window of the rate limit: one hour.
pub const FAILURE_WINDOW_MS: i64 = 3_600_000;

/// The letters of a code: digits and capitals without 0, 1, I, L and O,
/// which are misread on a phone.
const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Characters of a code (two groups of four): 31^8, about 2^39.6.
const CODE_CHARS: usize = 8;

/// What an enrolled person receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 政風人員: alerts, `/summary`, the weekly summary, `/watch`.
    Officer,
    /// A group's manager: `/watch` only.
    Manager,
}

impl Role {
    /// Stored and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Manager => "manager",
        }
    }

    /// The stored name back; `None` for anything else.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "officer" => Some(Role::Officer),
            "manager" => Some(Role::Manager),
            _ => None,
        }
    }

    /// zh-TW name.
    pub fn zh(self) -> &'static str {
        match self {
            Role::Officer => "政風人員",
            Role::Manager => "業務主管",
        }
    }
}

/// A new one-time code, `ABCD-EF23`, with at least one digit (so that
/// an eight-letter word in a chat is never taken for a code).
pub fn new_code() -> String {
    loop {
        let code = random_code();
        if code.chars().any(|c| c.is_ascii_digit()) {
            return code;
        }
    }
}

fn random_code() -> String {
    let mut code = String::with_capacity(CODE_CHARS + 1);
    let mut byte = [0u8; 1];
    while code.len() < CODE_CHARS + 1 {
        getrandom::fill(&mut byte).expect("the system's random source");
        // Rejection sampling keeps every letter equally likely.
        if usize::from(byte[0]) >= ALPHABET.len() * 8 {
            continue;
        }
        if code.len() == CODE_CHARS / 2 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
    }
    code
}

/// The code a 1:1 message sends, in its canonical form (`ABCDEF23`), or
/// `None` when the message is not one. A code is the whole message:
/// `ABCD-EF23` (any dash, or a space, between the halves), or eight
/// letters after `/enroll`, `登錄` or `登錄碼`. Lower case is read as upper
/// case, and O, I and L as the 0, 1 and 1 a code never has, so that a
/// mistyped code counts as a wrong one rather than as a draft to check.
pub fn parse_code(text: &str) -> Option<String> {
    let text = text.trim();
    let (rest, prefixed) = ["/enroll", "登錄碼", "登錄"]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .map(|r| (r.trim_start_matches([':', '：', ' ', '\u{3000}']), true))
        .unwrap_or((text, false));
    let chars: Vec<char> = rest.trim().chars().collect();
    let is_dash = |c: char| matches!(c, '-' | '－' | '‐' | '–' | '—' | ' ' | '\u{3000}');
    let letters: Vec<char> = match chars.len() {
        9 if is_dash(chars[4]) => chars[..4].iter().chain(&chars[5..]).copied().collect(),
        8 if prefixed => chars,
        _ => return None,
    };
    if !prefixed && !letters.iter().any(char::is_ascii_digit) {
        return None;
    }
    letters
        .iter()
        .map(|c| match c.to_ascii_uppercase() {
            'O' => Some('0'),
            'I' | 'L' => Some('1'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect::<Option<String>>()
}

/// Who is enrolled, as every replica holds it: user ids by role, with the
/// platform they enrolled on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    /// Enrolled people.
    pub people: Vec<Enrolled>,
}

/// One enrolled person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// Their user id on `platform`.
    pub user_id: String,
    /// The platform they sent the code on.
    pub platform: String,
    /// What they receive.
    pub role: Role,
}

impl Roster {
    /// The officers' user ids.
    pub fn officers(&self) -> impl Iterator<Item = &Enrolled> {
        self.people.iter().filter(|p| p.role == Role::Officer)
    }

    /// The officers pushes go to on `platform`: `configured` first, then
    /// the enrolled ones reached there, each once.
    pub fn officer_ids(&self, configured: &[String], platform: &str) -> Vec<String> {
        let mut ids = configured.to_vec();
        for p in self.officers() {
            if p.platform == platform && !ids.contains(&p.user_id) {
                ids.push(p.user_id.clone());
            }
        }
        ids
    }

    /// The role of `user`, if enrolled.
    pub fn role_of(&self, user: &str) -> Option<Role> {
        self.people
            .iter()
            .find(|p| p.user_id == user)
            .map(|p| p.role)
    }
}

/// What the bot answers to a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnrollReply {
    /// Enrolled now.
    Welcome {
        /// The name the administrator invited.
        name: String,
        /// What they receive.
        role: Role,
    },
    /// The sender is enrolled already (the code was used, by them).
    Already {
        /// Their name.
        name: String,
    },
    /// No valid code: wrong, used or expired (which of them is not said).
    Refused,
    /// Too many wrong codes lately; nothing is checked for a while.
    Limited,
}

impl EnrollReply {
    /// The zh-TW text.
    pub fn text(&self) -> String {
        match self {
            EnrollReply::Welcome {
                name,
                role: Role::Officer,
            } => format!(
                "{name}您好，已完成政風人員登錄。\n\
                 之後您將在此收到：\n\
                 ・各群組高風險訊息的即時通報\n\
                 ・每週一次的週報摘要（含統計圖表與報表連結）\n\
                 您也可以在此傳送：\n\
                 ・/summary：查看本週至今的統計\n\
                 ・/watch 名稱：登錄本週須保密的事項（例如稽查對象），/watch list 查看清單\n\
                 如需停止接收，請洽系統管理者。"
            ),
            EnrollReply::Welcome {
                name,
                role: Role::Manager,
            } => format!(
                "{name}您好，已完成業務主管登錄。\n\
                 您可以在此傳送 /watch 名稱，登錄須保密的事項（例如稽查對象或採購案名）；\
                 /watch list 查看清單，/unwatch 名稱 移除。\n\
                 群組中若有訊息提及這些事項，系統會提醒成員勿轉傳。"
            ),
            EnrollReply::Already { name } => format!(
                "您已完成登錄（{name}），不需要再次傳送登錄碼。如需變更身分，請洽系統管理者。"
            ),
            EnrollReply::Refused => "此登錄碼無效、已使用或已逾期，無法完成登錄。\n\
                 請向系統管理者索取新的登錄碼（有效 24 小時，僅能使用一次）。"
                .to_string(),
            EnrollReply::Limited => "登錄碼輸入錯誤次數過多，為保護帳號安全，請於一小時後再試，\
                 或洽系統管理者協助。"
                .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_codes_read_back_and_differ() {
        let a = new_code();
        let b = new_code();
        assert_ne!(a, b);
        assert_eq!(a.len(), 9);
        assert_eq!(&a[4..5], "-");
        let canon = parse_code(&a).expect("a printed code parses");
        assert_eq!(canon, a.replace('-', ""));
        assert!(canon.chars().all(|c| ALPHABET.contains(&(c as u8))));
    }

    #[test]
    fn a_code_is_the_whole_message_in_the_forms_people_type() {
        for text in [
            "ABCD-EF23",
            " abcd-ef23 ",
            "ABCD EF23",
            "ABCD－EF23",
            "/enroll ABCDEF23",
            "登錄碼：ABCD-EF23",
            "登錄 abcdef23",
        ] {
            assert_eq!(parse_code(text).as_deref(), Some("ABCDEF23"), "{text}");
        }
        // O, I and L never appear in a code: they are the digits misread.
        assert_eq!(parse_code("ABC2-EFOI").as_deref(), Some("ABC2EF01"));
    }

    #[test]
    fn drafts_are_not_codes() {
        for text in [
            "明天稽查",
            "ABCDEFGH",
            "ABCD-EFGH",
            "PASS-WORD",
            "ABCD-EF23 請確認",
            "A123-456-789",
            "/enroll",
            "ABC-DEF23",
        ] {
            assert_eq!(parse_code(text), None, "{text}");
        }
    }

    #[test]
    fn replies_say_what_each_role_receives_and_refusals_do_not_say_why() {
        let officer = EnrollReply::Welcome {
            name: "張督導".into(),
            role: Role::Officer,
        }
        .text();
        assert!(officer.contains("張督導") && officer.contains("即時通報"));
        assert!(officer.contains("/summary") && officer.contains("週報"));
        let manager = EnrollReply::Welcome {
            name: "林科長".into(),
            role: Role::Manager,
        }
        .text();
        assert!(manager.contains("/watch") && !manager.contains("即時通報"));
        assert!(EnrollReply::Refused.text().contains("無效、已使用或已逾期"));
        assert!(EnrollReply::Limited.text().contains("一小時後"));
    }
}
