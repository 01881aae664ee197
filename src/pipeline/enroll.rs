//! Enrollment codes in 1:1 chats and who is enrolled (issue 20): a code
//! becomes an [`Op::Enroll`] for the store to check in the webhook's
//! transaction; the roster every replica holds adds the enrolled officers
//! and managers to those of the config file.

use std::sync::Arc;

use super::plan::{EnrollAttempt, Op};
use super::{answer, Pipeline};
use crate::enrollment::{parse_code, Role, Roster};
use crate::notice::{EnrollReply, Notice};
use crate::platform::ChatEvent;

impl Pipeline {
    /// Swaps in who is enrolled as the store has it now.
    pub fn replace_roster(&self, roster: Roster) {
        self.roster.store(Arc::new(roster));
    }

    /// Whether `user` is an officer: configured or enrolled.
    pub(super) fn is_officer(&self, user: &str) -> bool {
        self.config.report.officers.iter().any(|o| o == user)
            || self.roster.load().role_of(user) == Some(Role::Officer)
    }

    /// Whether `user` may change the watchlist: an officer or a manager,
    /// configured or enrolled.
    pub(super) fn may_watch(&self, user: &str) -> bool {
        self.config.may_watch(user) || self.roster.load().role_of(user).is_some()
    }

    /// The officers an alert goes to: those of the config file, then the
    /// enrolled ones reached on the officers' platform, each once.
    pub(super) fn officer_ids(&self) -> Vec<String> {
        self.roster
            .load()
            .officer_ids(&self.config.report.officers, self.officers_platform)
    }

    /// The ops of an enrollment code sent by `user` in a 1:1 chat, or
    /// `None` when `text` is not one. The store decides the answer; a
    /// standby event (another bot answers) is not checked at all.
    pub(super) fn enroll_command(
        &self,
        event: &ChatEvent,
        user: &str,
        text: &str,
        at: i64,
    ) -> Option<Vec<Op>> {
        let code = parse_code(text)?;
        let Some(answer) = answer(event, Notice::Enrollment(EnrollReply::Refused), Some(user))
        else {
            return Some(Vec::new());
        };
        Some(vec![Op::Enroll(EnrollAttempt {
            user_id: user.to_string(),
            user_mac: self.enroll_key.hash(format!("user:{user}").as_bytes()),
            code_mac: code_mac(&self.enroll_key, &code),
            at,
            answer,
        })])
    }
}

/// The keyed hash a code is stored and looked up by (canonical form).
pub fn code_mac(key: &crate::secret::TextKey, canonical: &str) -> String {
    key.hash(format!("code:{canonical}").as_bytes())
}
