//! A message typed one word per line (告發 / 你們 / 的 / 是 / 前員工 …), so
//! that no line holds a whole phrase. Its line breaks split words, not
//! sentences: the message is read as if they were spaces, which the
//! normalizer then takes out between CJK characters.
//!
//! A list of names, one per line, is not such a message: a stacked message
//! has particles standing alone on their lines (的, 是, 了), which no list
//! item is.

use super::is_han;

/// Fewest non-empty lines of a stacked message.
const MIN_LINES: usize = 5;

/// Fewest lines that hold one Han character alone.
const MIN_SINGLE: usize = 2;

/// Longest median line, in characters.
const MAX_MEDIAN: usize = 3;

/// The message with its line breaks turned to spaces when it is typed one
/// word per line; `None` otherwise. One byte for one byte, so every offset
/// into the result is an offset into `original`.
pub(super) fn flatten(original: &str) -> Option<String> {
    memchr::memchr(b'\n', original.as_bytes())?;
    let mut lengths: Vec<usize> = Vec::new();
    let mut single = 0;
    for line in original.split('\n') {
        let line = line.trim();
        let mut chars = line.chars();
        let Some(first) = chars.next() else { continue };
        let len = 1 + chars.count();
        if len == 1 && is_han(first) {
            single += 1;
        }
        lengths.push(len);
    }
    if lengths.len() < MIN_LINES || single < MIN_SINGLE {
        return None;
    }
    lengths.sort_unstable();
    if lengths[lengths.len() / 2] > MAX_MEDIAN {
        return None;
    }
    Some(original.replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_word_per_line_is_read_as_one_line() {
        let text = "告發\n你們\n的\n是\n前員工\n阿凱\n他有存對話紀錄";
        let flat = flatten(text).expect("stacked");
        assert_eq!(flat, "告發 你們 的 是 前員工 阿凱 他有存對話紀錄");
        assert_eq!(flat.len(), text.len());
    }

    #[test]
    fn lists_and_ordinary_messages_keep_their_lines() {
        for text in [
            "名單：\n王小明\n李大華\n陳美麗\n林志明\n張志豪",
            "1\n2\n3\n4\n5\n6",
            "明天開會\n地點三樓\n記得帶資料",
            "好\n嗯\n收到",
            "交班：\n1. 噪音計校正完成\n2. 夜巡車油量剩一半\n3. 明早系統停機",
        ] {
            assert_eq!(flatten(text), None, "{text}");
        }
    }
}
