//! Verdict → action, per group (SPEC §2, §6 `[policy]`), and the cooldown
//! rule. Pure and table-tested; the store applies the cooldown inside the
//! webhook's transaction with the cut-off computed here.

use crate::config::Policy;
use crate::scan::Severity;

/// What to do about one category's findings in a group message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// Below `warn_at`: record the incident only.
    Record,
    /// The group handles this category (`allow`): a short reminder at most.
    Remind,
    /// Warn the group.
    Warn,
    /// Warn the group and alert the officers.
    Alert,
}

impl Action {
    /// The name stored with the incident.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Record => "recorded",
            Action::Remind => "reminded",
            Action::Warn => "warned",
            Action::Alert => "alerted",
        }
    }
}

/// The action for a finding of `category` at `severity` in a group that allows `allow`.
pub fn decide(policy: &Policy, allow: &[String], category: &str, severity: Severity) -> Action {
    if severity < policy.warn_at {
        Action::Record
    } else if allow.iter().any(|a| a == category) {
        Action::Remind
    } else if severity >= policy.alert_at {
        Action::Alert
    } else {
        Action::Warn
    }
}

/// The action recorded instead of `action` when the cooldown held the
/// sends back: the incident is still recorded, as `cooldown`.
pub fn held_back(action: &'static str) -> &'static str {
    match action {
        "warned" | "alerted" | "reminded" => "cooldown",
        other => other,
    }
}

/// The cooldown of a rule in a chat has passed at `now` when the rule last
/// sent at or before this time (all in ms); a rule that never sent is open.
pub fn cooldown_cutoff(now: i64, window: i64) -> i64 {
    now - window
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::*;

    #[test]
    fn actions_follow_the_thresholds_and_the_allow_list() {
        let policy = Policy::default(); // warn at medium, alert at high
        let allow = vec!["inspection".to_string()];
        let table = [
            ("patient", Low, Action::Record),
            ("patient", Medium, Action::Warn),
            ("patient", High, Action::Alert),
            ("inspection", Low, Action::Record),
            ("inspection", Medium, Action::Remind),
            ("inspection", High, Action::Remind),
        ];
        for (cat, sev, want) in table {
            assert_eq!(decide(&policy, &allow, cat, sev), want, "{cat} {sev:?}");
        }
    }

    #[test]
    fn thresholds_are_configurable() {
        let policy = Policy {
            warn_at: High,
            alert_at: High,
            cooldown_seconds: 0,
        };
        assert_eq!(decide(&policy, &[], "patient", Medium), Action::Record);
        assert_eq!(decide(&policy, &[], "patient", High), Action::Alert);
    }

    #[test]
    fn a_held_back_send_is_recorded_as_cooldown_and_the_window_is_inclusive() {
        for (done, recorded) in [
            ("warned", "cooldown"),
            ("alerted", "cooldown"),
            ("reminded", "cooldown"),
            ("recorded", "recorded"),
            ("standby", "standby"),
        ] {
            assert_eq!(held_back(done), recorded, "{done}");
        }
        // A rule that last sent exactly one window ago may send again.
        let (now, window) = (100_000, 60_000);
        assert_eq!(cooldown_cutoff(now, window), 40_000);
    }
}
