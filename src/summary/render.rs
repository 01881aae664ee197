//! The weekly figures as text (zh-TW, for the terminal) and CSV (a long
//! table a spreadsheet can pivot). JSON is the figures themselves, through
//! serde; the Flex card is built in `line::render`.

use super::Figures;

/// A zh-TW plain-text report.
pub fn text(f: &Figures) -> String {
    let mut out = format!(
        "資訊保護週報 {}（{} 至 {}，{}）\n事件 {} 件，前週 {} 件（{}）\n\n依類別（高／中／低）\n",
        f.week,
        f.first_day,
        f.last_day,
        f.timezone,
        f.total,
        f.previous_total,
        f.change()
    );
    for c in &f.categories {
        out.push_str(&format!(
            "  {}：{} 件（{}／{}／{}），前週 {} 件\n",
            c.name, c.total, c.high, c.medium, c.low, c.previous
        ));
    }
    out.push_str("\n每日事件\n");
    for d in &f.days {
        out.push_str(&format!("  {}：{} 件\n", d.date, d.total));
    }
    out.push_str("\n事件最多的群組\n");
    if f.top_groups.is_empty() {
        out.push_str("  （無）\n");
    }
    for (i, g) in f.top_groups.iter().enumerate() {
        out.push_str(&format!("  {}. {}：{} 件\n", i + 1, g.name, g.incidents));
    }
    out.push_str("\n轉傳鏈（跨群組重複出現的警示訊息，只列群組與時間）\n");
    if f.chains.is_empty() {
        out.push_str("  （無）\n");
    }
    for (i, c) in f.chains.iter().enumerate() {
        out.push_str(&format!(
            "  {}. {}：{} 則、{} 個群組：{}\n",
            i + 1,
            c.category,
            c.messages,
            c.groups,
            c.path_text()
        ));
    }
    out.push_str("\n規則（事件數、誤判回報、誤判率）\n");
    if f.rules.is_empty() {
        out.push_str("  （無）\n");
    }
    for r in &f.rules {
        out.push_str(&format!(
            "  {}：{} 件，誤判 {}，{:.0}%\n",
            r.rule,
            r.incidents,
            r.false_positive,
            r.false_positive_rate * 100.0
        ));
    }
    let o = &f.outcomes;
    out.push_str(&format!(
        "\n處理情形：已知悉 {}、回報誤判 {}、已收回 {}、未回應 {}\n\
         群組異動：加入 {}、離開 {}\n政風警示：{} 則\n",
        o.acknowledged,
        o.false_positive,
        o.retracted,
        o.no_reaction,
        f.groups_joined,
        f.groups_left,
        f.alerts_sent
    ));
    out
}

/// A CSV cell a spreadsheet will not run: a cell that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and
/// LibreOffice, so it gets a leading apostrophe (OWASP's advice on CSV
/// injection). A group's name is set by any member.
pub fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The figures as one long CSV table: `section,key,detail,value`, every
/// cell through [`csv_cell`].
pub fn csv(f: &Figures) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut row = |section: &str, key: &str, detail: &str, value: String| {
        let cells = [section, key, detail, &value].map(csv_cell);
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .expect("writing to memory cannot fail");
    };
    row("section", "key", "detail", "value".into());
    row("week", &f.week, &f.first_day, f.last_day.clone());
    row("total", "incidents", "", f.total.to_string());
    row("total", "previous_week", "", f.previous_total.to_string());
    for c in &f.categories {
        for (sev, n) in [("high", c.high), ("medium", c.medium), ("low", c.low)] {
            row("category", &c.category, sev, n.to_string());
        }
        row(
            "category",
            &c.category,
            "previous_week",
            c.previous.to_string(),
        );
    }
    for d in &f.days {
        for (cat, n) in &d.categories {
            row("day", &d.date, cat, n.to_string());
        }
        row("day", &d.date, "total", d.total.to_string());
    }
    for g in &f.top_groups {
        row("group", &g.name, &g.chat_id, g.incidents.to_string());
    }
    for (i, c) in f.chains.iter().enumerate() {
        let n = (i + 1).to_string();
        row("chain", &n, "category", c.category.clone());
        row("chain", &n, "messages", c.messages.to_string());
        row("chain", &n, "groups", c.groups.to_string());
        row("chain", &n, "path", c.path_text());
    }
    for r in &f.rules {
        row("rule", &r.rule, "incidents", r.incidents.to_string());
        row(
            "rule",
            &r.rule,
            "false_positive",
            r.false_positive.to_string(),
        );
        row(
            "rule",
            &r.rule,
            "false_positive_rate",
            format!("{:.4}", r.false_positive_rate),
        );
    }
    let o = &f.outcomes;
    for (k, n) in [
        ("acknowledged", o.acknowledged),
        ("false_positive", o.false_positive),
        ("retracted", o.retracted),
        ("no_reaction", o.no_reaction),
    ] {
        row("outcome", k, "", n.to_string());
    }
    row("groups", "joined", "", f.groups_joined.to_string());
    row("groups", "left", "", f.groups_left.to_string());
    row("alerts", "sent", "", f.alerts_sent.to_string());
    String::from_utf8(w.into_inner().expect("in memory")).expect("csv of utf-8 is utf-8")
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_neutralized() {
        for (cell, shown) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+886", "'+886"),
            ("-1+1", "'-1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("防疫工作群組", "防疫工作群組"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), shown, "{cell:?}");
        }
    }
}
