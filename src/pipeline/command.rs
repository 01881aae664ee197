//! The watchlist's chat commands as typed in a 1:1 chat (issue 19 A):
//! `/watch 名稱 [至 日期] [類別 名稱] [群組 名稱]`, `/watch list`,
//! `/unwatch 名稱` and `/unwatch #編號`, with the full-width slash of a
//! CJK keyboard too. Parsing only; the pipeline runs them.

/// A watchlist command, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Command {
    /// `/watch list`.
    List,
    /// `/watch 名稱 [至 日期] [類別 名稱] [群組 名稱]`.
    Add {
        term: String,
        last_day: Option<String>,
        category: Option<String>,
        groups: Vec<String>,
    },
    /// `/unwatch #編號`.
    RemoveId(i64),
    /// `/unwatch 名稱`.
    RemoveTerm(String),
}

/// The option words of `/watch`, and what each sets.
const OPTIONS: [(&str, &str); 4] = [
    ("至", "until"),
    ("到", "until"),
    ("類別", "category"),
    ("群組", "groups"),
];

/// `text` as a watchlist command: `None` when it is not one, an error in
/// zh-TW when it is one that cannot be read.
pub(super) fn parse(text: &str) -> Option<Result<Command, String>> {
    let t = text.trim();
    let t = t.strip_prefix('/').or_else(|| t.strip_prefix('／'))?;
    let (word, rest) = t.split_at(t.find(char::is_whitespace).unwrap_or(t.len()));
    let rest = rest.trim();
    if word.eq_ignore_ascii_case("unwatch") {
        return Some(
            match rest.strip_prefix('#').or_else(|| rest.strip_prefix('＃')) {
                _ if rest.is_empty() => Err("請在 /unwatch 後輸入要取消的名稱或編號。".into()),
                Some(id) => id
                    .trim()
                    .parse()
                    .map(Command::RemoveId)
                    .map_err(|_| format!("編號「{id}」不是數字。")),
                None => Ok(Command::RemoveTerm(rest.to_string())),
            },
        );
    }
    if !word.eq_ignore_ascii_case("watch") {
        return None;
    }
    if rest.is_empty() {
        return Some(Err("請在 /watch 後輸入要登錄的名稱。".into()));
    }
    if rest.eq_ignore_ascii_case("list") || rest == "清單" {
        return Some(Ok(Command::List));
    }
    Some(parse_add(rest))
}

/// The term and the options of `/watch`.
fn parse_add(rest: &str) -> Result<Command, String> {
    let mut term: Vec<&str> = Vec::new();
    let mut options: Vec<(&str, Vec<&str>)> = Vec::new();
    for token in rest.split_whitespace() {
        let option = OPTIONS.iter().find_map(|&(word, key)| {
            let tail = token.strip_prefix(word)?;
            // 至12/10 is an option; 至善路 is part of a name.
            (tail.is_empty() || (key == "until" && tail.starts_with(|c: char| c.is_ascii_digit())))
                .then_some((key, tail))
        });
        match option {
            Some((key, tail)) => {
                options.push((key, Vec::new()));
                if !tail.is_empty() {
                    options.last_mut().expect("just pushed").1.push(tail);
                }
            }
            None => match options.last_mut() {
                Some((_, values)) => values.push(token),
                None => term.push(token),
            },
        }
    }
    let mut last_day = None;
    let mut category = None;
    let mut groups = Vec::new();
    for (key, values) in options {
        let value = values.join(" ");
        if value.is_empty() {
            return Err("「至」「類別」「群組」後面需要接內容。".into());
        }
        match key {
            "until" => last_day = Some(value),
            "category" => category = Some(value),
            _ => groups.extend(
                value
                    .split(['、', ',', '，'])
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(String::from),
            ),
        }
    }
    Ok(Command::Add {
        term: term.join(" "),
        last_day,
        category,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_with_their_options_and_names_keep_their_words() {
        assert_eq!(parse("大家好"), None);
        assert_eq!(parse("/summary"), None);
        assert_eq!(parse(" ／WATCH list "), Some(Ok(Command::List)));
        assert_eq!(
            parse("/watch 老王 牛肉麵 至12/10 類別 稽查 群組 稽查小組、外勤組"),
            Some(Ok(Command::Add {
                term: "老王 牛肉麵".into(),
                last_day: Some("12/10".into()),
                category: Some("稽查".into()),
                groups: vec!["稽查小組".into(), "外勤組".into()],
            }))
        );
        // 至善路 is a name, not the option 至.
        assert_eq!(
            parse("/watch 至善路小吃"),
            Some(Ok(Command::Add {
                term: "至善路小吃".into(),
                last_day: None,
                category: None,
                groups: vec![],
            }))
        );
        assert_eq!(parse("/unwatch #12"), Some(Ok(Command::RemoveId(12))));
        assert_eq!(
            parse("/unwatch 老王牛肉麵"),
            Some(Ok(Command::RemoveTerm("老王牛肉麵".into())))
        );
        assert!(matches!(parse("/unwatch #abc"), Some(Err(_))));
        assert!(matches!(parse("/watch"), Some(Err(_))));
        assert!(matches!(parse("/watch 老王 至"), Some(Err(_))));
    }
}
