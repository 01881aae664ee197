//! Time decay (issue 19 A): an inspection is a secret until it happens.
//! A finding of a category whose pack says its secrets expire with their
//! dates (`expires_with_dates`) is lowered by one severity when every
//! date in the message is already past and nothing points ahead (no
//! 今天/明天, no weekday that may be next week's); its title says so.

use jiff::civil::Date;

use super::watch::nearest_day;
use crate::normalize::NormalizedText;
use crate::scan::entity::{self, EntityKind, KindSet};
use crate::scan::{Contribution, Finding, Scanner, Severity};

/// What is added to a lowered finding's title.
pub const LOWERED: &str = "（訊息中的日期均已過，風險降一級）";

/// Whether `norm` names at least one date and every one of them is before
/// `today`, with no relative day or weekday beside them.
pub fn only_past_dates(norm: &NormalizedText, today: Date) -> bool {
    const KINDS: KindSet = KindSet::of(&[
        EntityKind::Date,
        EntityKind::RelativeDay,
        EntityKind::Weekday,
    ]);
    let text = norm.as_str();
    let mut past = false;
    for e in entity::extract(norm, KINDS) {
        if e.kind != EntityKind::Date {
            return false;
        }
        let (s, t) = (norm.byte_index(e.start), norm.byte_index(e.end));
        match nearest_day(&text[s..t], today) {
            Some(day) if day < today => past = true,
            _ => return false,
        }
    }
    past
}

/// Lowers the findings of `scanner`'s dated categories in a message whose
/// dates are all past (`past`, asked only when such a finding is there),
/// and puts the findings back in order; watchlist findings keep their own
/// end.
pub fn lower_past(scanner: &Scanner, findings: &mut [Finding], past: impl FnOnce() -> bool) {
    let dated = |f: &Finding| f.rule != "watchlist" && scanner.expires_with_dates(&f.category);
    if !findings.iter().any(dated) || !past() {
        return;
    }
    for f in findings.iter_mut().filter(|f| dated(f)) {
        f.severity = match f.severity {
            Severity::High => Severity::Medium,
            _ => Severity::Low,
        };
        f.title.push_str(LOWERED);
        f.explanation.push(Contribution {
            label: "past_dates".into(),
            points: 0,
            text: LOWERED.into(),
        });
    }
    findings.sort_by_key(|f| std::cmp::Reverse((f.severity, f.score)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dates_before_today_with_nothing_ahead_count_as_past() {
        let today = Date::new(2026, 12, 5).unwrap();
        let past = |t: &str| only_past_dates(&NormalizedText::new(t), today);
        assert!(past("12/3 上午稽查大同區餐廳，已全數完成"));
        assert!(past("115年11月20日稽查名單"));
        assert!(past("12月1日臨檢中山區KTV"));
        assert!(!past("12/8 上午稽查大同區餐廳"));
        assert!(!past("12/3 稽查，明天再去複查"));
        assert!(!past("12/3 稽查，下週三再去"));
        assert!(!past("上午稽查大同區餐廳"));
        assert!(!past("12/5 稽查"));
        // Read on January 2nd, 12/30 is last year's.
        let jan = Date::new(2027, 1, 2).unwrap();
        assert!(only_past_dates(&NormalizedText::new("12/30 稽查"), jan));
    }
}
