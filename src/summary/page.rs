//! The report page (SPEC §5 `GET /reports/{YYYY-Www}`): the weekly
//! figures as one self-contained HTML page in zh-TW, with four SVG charts.
//!
//! The markup lives in `templates/report.html` (askama: compiled in,
//! escaped by default). This module only lays the charts out: it turns the
//! figures into rectangles, labels and grid lines in a fixed view box, so
//! the template draws every chart the same way and the page needs no
//! script, font or style sheet from elsewhere (agencies may run it offline).
//! Every bar is a `rect class="bar"` with a `<title>` that says what it
//! counts, so screen readers and the browser test can read the charts.

use askama::Template;

use super::Figures;

/// Colours of the categories, in pack order: ten hues apart from one
/// another, each at least 3:1 against the white page (WCAG 2.1 non-text
/// contrast), the first four Okabe–Ito's colour-blind safe ones (a bar's
/// `<title>` and the legend name it in words as well).
pub const PALETTE: [&str; 10] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#332288", "#B8860B", "#882255", "#6B6B1F",
    "#8C564B", "#4D4D4D",
];

/// Severity colours: high, medium, low.
const SEVERITY: [(&str, &str); 3] = [("高", "#C0392B"), ("中", "#E67E22"), ("低", "#F4D03F")];

/// Chart width in view-box units; the page scales it to the screen.
const WIDTH: f64 = 360.0;

/// A chart ready for the template.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `id` of the `<svg>`, used by links and tests.
    pub id: &'static str,
    /// Heading above the chart.
    pub title: &'static str,
    /// One sentence for screen readers.
    pub summary: String,
    /// View-box height.
    pub height: f64,
    /// The bars.
    pub bars: Vec<Bar>,
    /// Axis and row labels.
    pub labels: Vec<Label>,
    /// Grid lines.
    pub grid: Vec<Line>,
    /// Colour legend.
    pub legend: Vec<(String, &'static str)>,
}

impl Chart {
    /// View-box width.
    pub fn width(&self) -> f64 {
        WIDTH
    }
}

/// One rectangle.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Fill colour.
    pub fill: &'static str,
    /// Which series it belongs to (category id, severity, `group`, `rule`).
    pub series: String,
    /// What it counts, in words (the tooltip).
    pub title: String,
}

/// One piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Anchor point.
    pub x: f64,
    /// Baseline.
    pub y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    /// The text.
    pub text: String,
}

/// One grid line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Start.
    pub x1: f64,
    /// Start.
    pub y1: f64,
    /// End.
    pub x2: f64,
    /// End.
    pub y2: f64,
}

/// Rounds to one decimal so the markup stays short.
fn r(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The smallest "nice" axis maximum (1, 2, 5 × 10ⁿ) at or above `max`.
fn nice(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max.max(1) {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn weekday_name(i: usize) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "日"][i % 7]
}

/// Incidents per day, stacked by category.
pub fn daily(f: &Figures) -> Chart {
    let (left, top, bottom, height) = (34.0, 12.0, 40.0, 220.0);
    let plot_h = height - top - bottom;
    let max = nice(f.days.iter().map(|d| d.total).max().unwrap_or(0));
    let slot = (WIDTH - left - 8.0) / 7.0;
    let mut chart = Chart {
        id: "chart-daily",
        title: "每日事件（依類別）",
        summary: format!("{} 至 {} 每日事件數，依類別堆疊。", f.first_day, f.last_day),
        height,
        bars: Vec::new(),
        labels: Vec::new(),
        grid: Vec::new(),
        legend: Vec::new(),
    };
    for step in 0..=2 {
        let value = max * step / 2;
        let y = r(top + plot_h - plot_h * value as f64 / max as f64);
        chart.grid.push(Line {
            x1: left,
            y1: y,
            x2: WIDTH - 8.0,
            y2: y,
        });
        chart.labels.push(Label {
            x: left - 4.0,
            y: y + 4.0,
            anchor: "end",
            text: value.to_string(),
        });
    }
    for (i, day) in f.days.iter().enumerate() {
        let x = left + slot * i as f64 + slot * 0.2;
        let mut base = top + plot_h;
        for (c, cat) in f.categories.iter().enumerate() {
            let n = day.categories.get(&cat.category).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let h = plot_h * n as f64 / max as f64;
            base -= h;
            chart.bars.push(Bar {
                x: r(x),
                y: r(base),
                w: r(slot * 0.6),
                h: r(h),
                fill: PALETTE[c % PALETTE.len()],
                series: cat.category.clone(),
                title: format!(
                    "{}（週{}）{}：{} 件",
                    day.date,
                    weekday_name(i),
                    cat.name,
                    n
                ),
            });
        }
        let date = day.date.get(5..).unwrap_or(&day.date).replace('-', "/");
        chart.labels.push(Label {
            x: r(x + slot * 0.3),
            y: height - bottom + 16.0,
            anchor: "middle",
            text: date,
        });
        chart.labels.push(Label {
            x: r(x + slot * 0.3),
            y: height - bottom + 30.0,
            anchor: "middle",
            text: weekday_name(i).to_string(),
        });
    }
    chart.legend = f
        .categories
        .iter()
        .enumerate()
        .map(|(c, cat)| (cat.name.clone(), PALETTE[c % PALETTE.len()]))
        .collect();
    chart
}

/// One piece of a horizontal bar.
struct Segment {
    value: f64,
    fill: &'static str,
    series: String,
    title: String,
}

/// Horizontal bars, one row each: a label and its segments.
/// The label sits above its bar, so long group names and rule ids stay
/// whole on a phone; the value follows the bar.
fn rows(
    id: &'static str,
    title: &'static str,
    summary: String,
    rows: Vec<(String, Vec<Segment>)>,
    max: f64,
    unit: &dyn Fn(f64) -> String,
) -> Chart {
    let (left, right, top, row_h, bar_h) = (4.0, 52.0, 4.0, 38.0, 14.0);
    let plot_w = WIDTH - left - right;
    let height = top * 2.0 + row_h * rows.len().max(1) as f64;
    let mut chart = Chart {
        id,
        title,
        summary,
        height,
        bars: Vec::new(),
        labels: Vec::new(),
        grid: Vec::new(),
        legend: Vec::new(),
    };
    if rows.is_empty() {
        chart.labels.push(Label {
            x: left,
            y: top + row_h * 0.5,
            anchor: "start",
            text: "本週無資料".into(),
        });
    }
    for (i, (label, segments)) in rows.into_iter().enumerate() {
        let y = top + row_h * i as f64;
        let bar_y = y + 18.0;
        chart.labels.push(Label {
            x: left,
            y: y + 13.0,
            anchor: "start",
            text: label,
        });
        chart.grid.push(Line {
            x1: left,
            y1: bar_y + bar_h / 2.0,
            x2: left + plot_w,
            y2: bar_y + bar_h / 2.0,
        });
        let mut x = left;
        let mut total = 0.0;
        for Segment {
            value,
            fill,
            series,
            title,
        } in segments
        {
            total += value;
            if value <= 0.0 {
                continue;
            }
            let w = plot_w * value / max.max(f64::MIN_POSITIVE);
            chart.bars.push(Bar {
                x: r(x),
                y: r(bar_y),
                w: r(w.max(1.0)),
                h: bar_h,
                fill,
                series,
                title,
            });
            x += w;
        }
        chart.labels.push(Label {
            x: r(left + plot_w + 6.0),
            y: r(bar_y + bar_h - 3.0),
            anchor: "start",
            text: unit(total),
        });
    }
    chart
}

/// Severity mix per category, high first.
pub fn severity(f: &Figures) -> Chart {
    let max = f
        .categories
        .iter()
        .map(|c| c.total)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let data = f
        .categories
        .iter()
        .map(|c| {
            let segments = [c.high, c.medium, c.low]
                .into_iter()
                .zip(SEVERITY)
                .zip(["high", "medium", "low"])
                .map(|((n, (sev_name, fill)), series)| Segment {
                    value: n as f64,
                    fill,
                    series: series.to_string(),
                    title: format!("{} 嚴重度{}：{} 件", c.name, sev_name, n),
                })
                .collect();
            (c.name.clone(), segments)
        })
        .collect();
    let mut chart = rows(
        "chart-severity",
        "嚴重度分布",
        "各類別事件依嚴重度（高、中、低）的件數。".into(),
        data,
        max,
        &|v| format!("{v:.0} 件"),
    );
    chart.legend = SEVERITY
        .iter()
        .map(|(name, fill)| (format!("嚴重度{name}"), *fill))
        .collect();
    chart
}

/// The groups with most incidents.
pub fn groups(f: &Figures) -> Chart {
    let max = f.top_groups.first().map_or(1, |g| g.incidents.max(1)) as f64;
    let data = f
        .top_groups
        .iter()
        .map(|g| {
            (
                g.name.clone(),
                vec![Segment {
                    value: g.incidents as f64,
                    fill: PALETTE[0],
                    series: "group".to_string(),
                    title: format!("{}：{} 件", g.name, g.incidents),
                }],
            )
        })
        .collect();
    rows(
        "chart-groups",
        "事件最多的群組",
        "本週事件最多的群組與其件數。".into(),
        data,
        max,
        &|v| format!("{v:.0} 件"),
    )
}

/// Each rule's false-positive rate, as reported with 「這是誤判」.
pub fn false_positives(f: &Figures) -> Chart {
    let data = f
        .rules
        .iter()
        .map(|rule| {
            (
                rule.rule.clone(),
                vec![Segment {
                    value: rule.false_positive_rate,
                    fill: "#8E44AD",
                    series: "rule".to_string(),
                    title: format!(
                        "{}：{} 件中 {} 件回報誤判（{:.0}%）",
                        rule.rule,
                        rule.incidents,
                        rule.false_positive,
                        rule.false_positive_rate * 100.0
                    ),
                }],
            )
        })
        .collect();
    rows(
        "chart-rules",
        "規則誤判率",
        "各規則本週被回報為誤判的比例，比例高的規則需要調整。".into(),
        data,
        1.0,
        &|v| format!("{:.0}%", v * 100.0),
    )
}

/// Where the page's `.csv` and `.json` links point and whether the week is
/// still running.
#[derive(Debug, Clone, Default)]
pub struct PageLinks {
    /// Appended to the data links so a signed link keeps working, e.g.
    /// `?expires=…&sig=…`; empty otherwise.
    pub query: String,
    /// True while the week has not ended.
    pub so_far: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    f: &'a Figures,
    charts: Vec<Chart>,
    change: String,
    csv_href: String,
    json_href: String,
    so_far: bool,
}

#[derive(Template)]
#[template(path = "report_denied.html")]
struct Denied;

/// The whole report page.
pub fn html(f: &Figures, links: &PageLinks) -> String {
    Page {
        f,
        charts: vec![daily(f), severity(f), groups(f), false_positives(f)],
        change: f.change(),
        csv_href: format!("{}.csv{}", f.week, links.query),
        json_href: format!("{}.json{}", f.week, links.query),
        so_far: links.so_far,
    }
    .render()
    .expect("the report template renders any figures")
}

/// The page for a link that is missing, wrong or expired: no figures.
pub fn denied() -> String {
    Denied.render().expect("the refusal template has no inputs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{CategoryRow, DayRow, GroupRow, Outcomes, RuleRow};

    fn figures() -> Figures {
        let cat = |id: &str, name: &str, high, medium, low| CategoryRow {
            category: id.into(),
            name: name.into(),
            low,
            medium,
            high,
            total: low + medium + high,
            previous: 1,
        };
        let days = (0..7)
            .map(|i| DayRow {
                date: format!("2026-11-{:02}", 23 + i),
                categories: [("patient".to_string(), i as u64 % 3), ("pii".into(), 1)]
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .collect(),
                total: i as u64 % 3 + 1,
            })
            .collect();
        Figures {
            week: "2026-W48".into(),
            first_day: "2026-11-23".into(),
            last_day: "2026-11-29".into(),
            timezone: "Asia/Taipei".into(),
            total: 14,
            previous_total: 2,
            categories: vec![
                cat("patient", "病患資訊", 4, 2, 1),
                cat("pii", "個人資料", 0, 7, 0),
                cat("informant", "檢舉人身分", 0, 0, 0),
            ],
            days,
            top_groups: vec![GroupRow {
                chat_id: "C1".into(),
                name: "<稽查小組>".into(),
                incidents: 9,
            }],
            rules: vec![RuleRow {
                rule: "pii.twid".into(),
                incidents: 7,
                false_positive: 2,
                false_positive_rate: 2.0 / 7.0,
            }],
            outcomes: Outcomes::default(),
            groups_joined: 1,
            groups_left: 0,
            alerts_sent: 3,
            chains: vec![super::super::ChainSummary {
                category: "傳染病個案資料".into(),
                messages: 3,
                groups: 2,
                path: vec![
                    super::super::ChainStop {
                        group: "防疫小組".into(),
                        at: "11/24 09:15".into(),
                    },
                    super::super::ChainStop {
                        group: "家族群".into(),
                        at: "11/24 10:02".into(),
                    },
                ],
            }],
        }
    }

    #[test]
    fn the_daily_chart_has_one_bar_per_non_empty_day_and_category() {
        let f = figures();
        let c = daily(&f);
        let expected: usize = f.days.iter().map(|d| d.categories.len()).sum();
        assert_eq!(c.bars.len(), expected);
        // Stacks stay inside the plot and never overlap within a day.
        for b in &c.bars {
            assert!(b.y >= 11.9 && b.y + b.h <= 180.1, "{b:?}");
        }
    }

    #[test]
    fn severity_bars_skip_empty_segments_and_rows_keep_their_width() {
        let c = severity(&figures());
        // 病患資訊 has three severities, 個人資料 one, 檢舉人身分 none.
        assert_eq!(c.bars.len(), 4);
        let widest = c.bars.iter().map(|b| b.x + b.w).fold(0.0, f64::max);
        assert!(widest <= WIDTH - 51.0, "{widest}");
    }

    #[test]
    fn the_page_escapes_names_and_links_its_data_with_the_same_signature() {
        let page = html(
            &figures(),
            &PageLinks {
                query: "?expires=9&sig=ab".into(),
                so_far: false,
            },
        );
        assert!(page.contains("&#60;稽查小組&#62;") || page.contains("&lt;稽查小組&gt;"));
        assert!(!page.contains("<稽查小組>"));
        assert!(
            page.contains("防疫小組 11/24 09:15 → 家族群 11/24 10:02"),
            "the chains section"
        );
        assert!(
            page.contains("href=\"2026-W48.csv?expires=9&#38;sig=ab\"")
                || page.contains("href=\"2026-W48.csv?expires=9&amp;sig=ab\""),
            "{page}"
        );
        assert_eq!(page.matches("class=\"bar\"").count(), 7 + 4 + 4 + 1 + 1);
        assert!(!page.contains("<script"));
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    #[test]
    fn nice_axis_maxima() {
        assert_eq!(
            [0, 1, 3, 7, 10, 11, 40, 101].map(nice),
            [1, 1, 5, 10, 10, 20, 50, 200]
        );
    }

    /// WCAG 2.1 contrast ratio of `hex` against white.
    fn contrast_on_white(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        1.05 / (l + 0.05)
    }

    #[test]
    fn every_category_colour_is_its_own_and_readable_on_the_page() {
        for (i, c) in PALETTE.iter().enumerate() {
            assert!(contrast_on_white(c) >= 3.0, "{c}: {}", contrast_on_white(c));
            assert!(!PALETTE[..i].contains(c), "{c} twice");
        }
        // Ten categories today: none shares a colour with another.
        assert!(PALETTE.len() >= 10);
    }
}
