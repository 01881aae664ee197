//! A message typed one word per line (告發 / 你們 / 的 / 是 / 前員工 …), so
//! that no line holds a whole phrase. Its line breaks split words, not
//! sentences: the message is read as if they were spaces, which the
//! normalizer then takes out between CJK characters.
//!
//! A list, one item per line, is not such a message, even of single
//! characters (值日：王 / 李 / 陳, 雞 / 豬 / 牛): a stacked message has
//! particles and pronouns standing alone on their lines (的, 是, 了, 我),
//! which no list item is.

/// Fewest non-empty lines of a stacked message.
const MIN_LINES: usize = 5;

/// Fewest lines that hold one of the [`FUNCTION_WORDS`] alone.
const MIN_FUNCTION_WORDS: usize = 2;

/// Longest line that counts as short, in characters; more than half the
/// lines must be short.
const SHORT_LINE: usize = 3;

/// Fewest lines of a message whose every line is one Han character (突 /
/// 擊 / 檢 / 查 / 週 / 五 …): spelled down the screen, it needs no particle
/// to be read as one line; a list that long has a heading.
const MIN_SPELLED_LINES: usize = 8;

/// Particles, pronouns and the everyday verbs of asking and passing on
/// (幫, 查, 傳, 說): words a sentence needs and a list item never is.
const FUNCTION_WORDS: &str = "的是了在有要把被給跟和就都也還嗎呢吧啦喔哦我你他她幫傳說看查去來";

/// The message with its line breaks turned to spaces when it is typed one
/// word per line; `None` otherwise. One byte for one byte, so every offset
/// into the result is an offset into `original`.
pub(super) fn flatten(original: &str) -> Option<String> {
    memchr::memchr(b'\n', original.as_bytes())?;
    let (mut lines, mut short, mut function_words, mut single) = (0, 0, 0, 0);
    for line in original.split('\n') {
        let line = line.trim();
        let mut chars = line.chars();
        let Some(first) = chars.next() else { continue };
        lines += 1;
        // Counted up to one past the limit: a long line is not read to its end.
        let len = 1 + chars.take(SHORT_LINE).count();
        short += usize::from(len <= SHORT_LINE);
        function_words += usize::from(len == 1 && FUNCTION_WORDS.contains(first));
        single += usize::from(len == 1 && super::tables::is_han_bmp(first));
    }
    let spelled = lines >= MIN_SPELLED_LINES && single == lines;
    let stacked =
        spelled || lines >= MIN_LINES && function_words >= MIN_FUNCTION_WORDS && short * 2 > lines;
    stacked.then(|| original.replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_word_per_line_is_read_as_one_line() {
        let text = "告發\n你們\n的\n是\n前員工\n阿凱\n他有存對話紀錄";
        let flat = flatten(text).expect("stacked");
        assert_eq!(flat, "告發 你們 的 是 前員工 阿凱 他有存對話紀錄");
        assert_eq!(flat.chars().count(), text.chars().count());
    }

    #[test]
    fn a_message_spelled_one_character_per_line_is_read_as_one_line() {
        let text = "突\n擊\n檢\n查\n週\n五\n下\n午";
        assert_eq!(flatten(text).expect("spelled"), "突 擊 檢 查 週 五 下 午");
        // Under a heading it is a list; digits one per line are a count.
        assert!(flatten("值日\n王\n李\n陳\n林\n張\n吳\n黃\n劉").is_none());
        assert!(flatten("1\n2\n3\n4\n5\n6\n7\n8").is_none());
    }

    #[test]
    fn lists_and_ordinary_messages_keep_their_lines() {
        for text in [
            "名單：\n王小明\n李大華\n陳美麗\n林志明\n張志豪",
            "值日：\n王\n李\n陳\n林\n張",
            "午餐：\n雞\n豬\n牛\n魚\n羊",
            "到\n到\n到\n到\n到",
            "座位\n1\n2\n3\n4\n5\n好\n嗎",
            "1\n2\n3\n4\n5\n6",
            "明天開會\n地點三樓\n記得帶資料",
            "交班：\n1. 噪音計校正完成\n2. 夜巡車油量剩一半\n3. 明早系統停機",
        ] {
            assert_eq!(flatten(text), None, "{text}");
        }
    }
}
