//! `[watch]`: the officers' watchlist (issue 19).

use serde::Deserialize;

use super::ConfigError;

/// `[watch]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Watch {
    /// How often a replica reads the entries again, so that one registered
    /// through another replica or the command line is matched here too.
    pub refresh_seconds: u64,
    /// How long an entry registered without an end date stays in force.
    pub default_days: u32,
    /// The longest an entry may be registered for.
    pub max_days: u32,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            refresh_seconds: 5,
            default_days: 14,
            max_days: 366,
        }
    }
}

impl Watch {
    pub(super) fn validate(
        &self,
        bad: &dyn Fn(&str, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        if self.refresh_seconds == 0 {
            return Err(bad("watch.refresh_seconds", "must be at least 1".into()));
        }
        if self.default_days == 0 {
            return Err(bad("watch.default_days", "must be at least 1".into()));
        }
        if self.max_days < self.default_days {
            return Err(bad(
                "watch.max_days",
                "must not be lower than watch.default_days".into(),
            ));
        }
        Ok(())
    }
}
