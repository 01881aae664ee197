//! Formats a TOML parse error as one line naming the line and the key.
//!
//! Both the pattern packs and the config file are TOML, and both report a
//! bad value the same way. The formatter lives here, in the detection core,
//! so that the packs need nothing from the rest of the crate; the config
//! module imports it from [`crate::scan`].

/// A TOML error on one line, naming the line and the key:
/// `line 2, key policy.warn_at: unknown variant `loud`, expected one of …`.
pub fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().replace('\n', " ");
    let Some(span) = e.span() else {
        return message;
    };
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line_no = before.matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("").trim();
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"'))
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let table = before
        .lines()
        .rev()
        .skip(1)
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim());
    match (table, key) {
        (Some(t), Some(k)) => format!("line {line_no}, key {t}.{k}: {message}"),
        (None, Some(k)) => format!("line {line_no}, key {k}: {message}"),
        _ => format!("line {line_no}: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_line_and_the_table_key() {
        let text = "[policy]\nwarn_at = \n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let line = describe_toml_error(text, &e);
        assert!(line.starts_with("line 2, key policy.warn_at: "), "{line}");
    }
}
