//! The weekly summary for security officers (SPEC §8): the figures of one
//! ISO week, when they are owed (`schedule`), and how they are shown
//! (`render`: text, JSON, CSV and a LINE Flex card).
//!
//! Figures are computed from incidents as stored — rule ids, category,
//! severity, group, outcome and times — so no raw message text can reach a
//! summary (SPEC §9): there is none to read.

mod chains;
pub mod page;
pub mod render;
pub mod schedule;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

use crate::calendar::IsoWeek;
use crate::config::Config;
use crate::scan::Scanner;
use crate::store::{Store, StoreError, WeekIncident};
pub use chains::{ChainStop, ChainSummary};

/// What the figures need besides the store.
#[derive(Debug, Clone)]
pub struct Context {
    /// Time zone of weeks and days.
    pub tz: TimeZone,
    /// Category ids and zh-TW names, in pack order.
    pub categories: Vec<(String, String)>,
    /// Group names from the config, by id.
    pub group_names: HashMap<String, String>,
    /// The configured officers' user ids (alerts sent to them, and to the
    /// enrolled officers, are counted).
    pub officers: Vec<String>,
}

impl Context {
    /// The context of a configuration and its packs.
    pub fn new(config: &Config, scanner: &Scanner) -> Context {
        Context {
            tz: config.report.timezone.clone(),
            categories: scanner
                .categories()
                .iter()
                .map(|c| {
                    let name = scanner.category_name(c).unwrap_or(c);
                    (c.clone(), name.to_string())
                })
                .collect(),
            group_names: config
                .groups
                .iter()
                .filter_map(|g| g.name.clone().map(|n| (g.id.clone(), n)))
                .collect(),
            officers: config.report.officers.clone(),
        }
    }
}

/// Incidents of one category, by severity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRow {
    /// Category id.
    pub category: String,
    /// zh-TW name.
    pub name: String,
    /// By severity.
    pub low: u64,
    /// By severity.
    pub medium: u64,
    /// By severity.
    pub high: u64,
    /// This week.
    pub total: u64,
    /// The week before.
    pub previous: u64,
}

impl CategoryRow {
    fn empty(category: &str, name: &str) -> CategoryRow {
        CategoryRow {
            category: category.to_string(),
            name: name.to_string(),
            low: 0,
            medium: 0,
            high: 0,
            total: 0,
            previous: 0,
        }
    }
}

/// Incidents of one day, by category id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRow {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Category id → incidents.
    pub categories: BTreeMap<String, u64>,
    /// All categories.
    pub total: u64,
}

/// A group with its incidents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    /// Group or room id.
    pub chat_id: String,
    /// Its name (config, then the cached group summary), else the id.
    pub name: String,
    /// Incidents this week.
    pub incidents: u64,
}

/// A rule with its incidents and false-positive reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleRow {
    /// Rule id.
    pub rule: String,
    /// Incidents the rule took part in.
    pub incidents: u64,
    /// Of those, reported as 「這是誤判」.
    pub false_positive: u64,
    /// `false_positive / incidents`.
    pub false_positive_rate: f64,
}

/// What became of the week's incidents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outcomes {
    /// 「我知道了」.
    pub acknowledged: u64,
    /// 「這是誤判」.
    pub false_positive: u64,
    /// Unsent by the sender.
    pub retracted: u64,
    /// Nobody reacted.
    pub no_reaction: u64,
}

/// The figures of one week: what the text, JSON, CSV, Flex card and page show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// `2026-W48`.
    pub week: String,
    /// Monday, `YYYY-MM-DD`.
    pub first_day: String,
    /// Sunday, `YYYY-MM-DD`.
    pub last_day: String,
    /// The zone of the week's bounds.
    pub timezone: String,
    /// Incidents this week.
    pub total: u64,
    /// Incidents the week before.
    pub previous_total: u64,
    /// By category and severity, every category of the packs.
    pub categories: Vec<CategoryRow>,
    /// By day and category, Monday first.
    pub days: Vec<DayRow>,
    /// Groups with most incidents (at most five).
    pub top_groups: Vec<GroupRow>,
    /// Every rule that fired, most incidents first, with its false positives.
    pub rules: Vec<RuleRow>,
    /// What became of the incidents.
    pub outcomes: Outcomes,
    /// Groups and rooms the bot joined this week.
    pub groups_joined: i64,
    /// Groups and rooms the bot left this week.
    pub groups_left: i64,
    /// Officer alerts delivered for this week's incidents.
    pub alerts_sent: u64,
    /// The week's longest forward chains (groups and times only).
    pub chains: Vec<ChainSummary>,
}

/// How many groups the summary lists.
pub const TOP_GROUPS: usize = 5;

impl Figures {
    /// The severity counts of `category`, or `None` if unknown.
    pub fn category(&self, category: &str) -> Option<&CategoryRow> {
        self.categories.iter().find(|c| c.category == category)
    }

    /// Change against the week before, e.g. `+3` or `-2` or `±0`.
    pub fn change(&self) -> String {
        let d = self.total as i64 - self.previous_total as i64;
        match d {
            0 => "±0".into(),
            d if d > 0 => format!("+{d}"),
            d => d.to_string(),
        }
    }
}

/// Reads the store and computes the figures of `week`.
pub async fn figures(store: &Store, ctx: &Context, week: IsoWeek) -> Result<Figures, StoreError> {
    let (start, end) = week.bounds(&ctx.tz);
    let (prev_start, prev_end) = week.previous().bounds(&ctx.tz);
    let this = store.incidents_between(start, end).await?;
    let prev = store.incidents_between(prev_start, prev_end).await?;
    let (joined, left) = store.chat_changes_between(start, end).await?;
    let roster = store.roster().await?;
    let alerts = store
        .alert_recipients_between(start, end)
        .await?
        .iter()
        .filter(|to| ctx.officers.contains(to) || roster.officers().any(|p| &p.user_id == *to))
        .count() as u64;
    let mut f = compute(week, ctx, &this, &prev, (joined, left), alerts);
    let rows = store.chain_rows_between(start, end).await?;
    let mut names = HashMap::new();
    for r in &rows {
        if !names.contains_key(&r.chat_id) {
            if let Ok(Some(n)) = store.chat_name(&r.chat_id).await {
                names.insert(r.chat_id.clone(), n);
            }
        }
    }
    f.chains = chains::chains(&rows, &names, ctx);
    Ok(f)
}

/// The figures from incidents already read (pure; table-tested).
pub fn compute(
    week: IsoWeek,
    ctx: &Context,
    this: &[WeekIncident],
    prev: &[WeekIncident],
    (groups_joined, groups_left): (i64, i64),
    alerts_sent: u64,
) -> Figures {
    let mut categories: Vec<CategoryRow> = ctx
        .categories
        .iter()
        .map(|(id, name)| CategoryRow::empty(id, name))
        .collect();
    let row = |cats: &mut Vec<CategoryRow>, id: &str| -> usize {
        match cats.iter().position(|c| c.category == id) {
            Some(i) => i,
            None => {
                // A category whose pack was removed still counts.
                cats.push(CategoryRow::empty(id, id));
                cats.len() - 1
            }
        }
    };
    let dates = week.dates();
    let mut days: Vec<DayRow> = dates
        .iter()
        .map(|d| DayRow {
            date: d.to_string(),
            categories: BTreeMap::new(),
            total: 0,
        })
        .collect();
    let mut groups: HashMap<&str, (Option<&str>, u64)> = HashMap::new();
    let mut rules: HashMap<&str, (u64, u64)> = HashMap::new();
    let mut outcomes = Outcomes::default();
    for inc in this {
        let i = row(&mut categories, &inc.category);
        let c = &mut categories[i];
        c.total += 1;
        match inc.severity.as_str() {
            "high" => c.high += 1,
            "medium" => c.medium += 1,
            _ => c.low += 1,
        }
        let date = Timestamp::from_millisecond(inc.created_at)
            .map(|t| t.to_zoned(ctx.tz.clone()).date())
            .ok();
        if let Some(day) = date.and_then(|d| dates.iter().position(|x| *x == d)) {
            *days[day]
                .categories
                .entry(inc.category.clone())
                .or_default() += 1;
            days[day].total += 1;
        }
        let g = groups
            .entry(inc.chat_id.as_str())
            .or_insert((inc.chat_name.as_deref(), 0));
        g.1 += 1;
        let false_positive = inc.outcome.as_deref() == Some("false_positive");
        for rule in inc.rules.split(',').filter(|r| !r.is_empty()) {
            let r = rules.entry(rule).or_default();
            r.0 += 1;
            r.1 += u64::from(false_positive);
        }
        match inc.outcome.as_deref() {
            Some("acknowledged") => outcomes.acknowledged += 1,
            Some("false_positive") => outcomes.false_positive += 1,
            Some("retracted") => outcomes.retracted += 1,
            _ => outcomes.no_reaction += 1,
        }
    }
    for inc in prev {
        let i = row(&mut categories, &inc.category);
        categories[i].previous += 1;
    }
    let mut top_groups: Vec<GroupRow> = groups
        .into_iter()
        .map(|(chat_id, (cached, incidents))| GroupRow {
            chat_id: chat_id.to_string(),
            name: ctx
                .group_names
                .get(chat_id)
                .map(String::as_str)
                .or(cached)
                .unwrap_or(chat_id)
                .to_string(),
            incidents,
        })
        .collect();
    top_groups.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.name.cmp(&b.name)));
    top_groups.truncate(TOP_GROUPS);
    let mut rules: Vec<RuleRow> = rules
        .into_iter()
        .map(|(rule, (incidents, fp))| RuleRow {
            rule: rule.to_string(),
            incidents,
            false_positive: fp,
            false_positive_rate: fp as f64 / incidents as f64,
        })
        .collect();
    rules.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.rule.cmp(&b.rule)));
    Figures {
        week: week.to_string(),
        first_day: dates[0].to_string(),
        last_day: dates[6].to_string(),
        timezone: ctx.tz.iana_name().unwrap_or("UTC").to_string(),
        total: this.len() as u64,
        previous_total: prev.len() as u64,
        categories,
        days,
        top_groups,
        rules,
        outcomes,
        groups_joined,
        groups_left,
        alerts_sent,
        chains: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taipei() -> TimeZone {
        TimeZone::get("Asia/Taipei").unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse::<jiff::Zoned>().unwrap().timestamp()
    }

    fn incident(
        chat: &str,
        cat: &str,
        sev: &str,
        rules: &str,
        outcome: Option<&str>,
        t: &str,
    ) -> WeekIncident {
        WeekIncident {
            chat_id: chat.into(),
            chat_name: None,
            category: cat.into(),
            severity: sev.into(),
            rules: rules.into(),
            outcome: outcome.map(String::from),
            created_at: at(t).as_millisecond(),
        }
    }

    #[test]
    fn figures_count_categories_days_groups_rules_and_outcomes() {
        let ctx = Context {
            tz: taipei(),
            categories: vec![
                ("patient".into(), "病患資料".into()),
                ("inspection".into(), "稽查".into()),
            ],
            group_names: [("C1".to_string(), "防疫小組".to_string())].into(),
            officers: vec![],
        };
        let week: IsoWeek = "2026-W48".parse().unwrap();
        let this = [
            incident(
                "C1",
                "patient",
                "high",
                "patient.case",
                Some("acknowledged"),
                "2026-11-23T09:00[Asia/Taipei]",
            ),
            incident(
                "C1",
                "patient",
                "medium",
                "patient.case,patient.footprint",
                Some("false_positive"),
                "2026-11-23T10:00[Asia/Taipei]",
            ),
            incident(
                "C2",
                "inspection",
                "high",
                "inspection.schedule",
                None,
                "2026-11-29T23:30[Asia/Taipei]",
            ),
            incident(
                "C2",
                "inspection",
                "high",
                "inspection.schedule",
                Some("retracted"),
                "2026-11-25T08:00[Asia/Taipei]",
            ),
        ];
        let prev = [incident(
            "C1",
            "patient",
            "high",
            "patient.case",
            None,
            "2026-11-18T09:00[Asia/Taipei]",
        )];
        let f = compute(week, &ctx, &this, &prev, (1, 0), 2);
        assert_eq!(
            (f.total, f.previous_total, f.change()),
            (4, 1, "+3".to_string())
        );
        let p = f.category("patient").unwrap();
        assert_eq!(
            (p.high, p.medium, p.low, p.total, p.previous),
            (1, 1, 0, 2, 1)
        );
        assert_eq!(f.days[0].categories["patient"], 2);
        assert_eq!(
            f.days[6].categories["inspection"], 1,
            "Sunday 23:30 is still the week"
        );
        assert_eq!(f.days.iter().map(|d| d.total).sum::<u64>(), 4);
        // Two incidents each: ties are listed by name; an unnamed group shows its id.
        let groups: Vec<(&str, u64)> = f
            .top_groups
            .iter()
            .map(|g| (g.name.as_str(), g.incidents))
            .collect();
        assert_eq!(groups, [("C2", 2), ("防疫小組", 2)]);
        let case = f.rules.iter().find(|r| r.rule == "patient.case").unwrap();
        assert_eq!((case.incidents, case.false_positive), (2, 1));
        assert!((case.false_positive_rate - 0.5).abs() < 1e-9);
        assert_eq!(
            f.outcomes,
            Outcomes {
                acknowledged: 1,
                false_positive: 1,
                retracted: 1,
                no_reaction: 1
            }
        );
        assert_eq!((f.groups_joined, f.alerts_sent), (1, 2));
    }
}
