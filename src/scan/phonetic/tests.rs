//! Tests of the homophone index (`super`).

use super::*;

/// What `keywords` are found as in `text`, as (typed, keyword): their
/// typos, or with `spelled` their spellings in 注音.
fn found(keywords: &[&str], words: &[&str], text: &str, spelled: bool) -> Vec<(String, String)> {
    let words = words.iter().map(|w| w.to_string()).collect();
    let index = SoundIndex::new(keywords.iter().copied(), words);
    let norm = NormalizedText::new(text);
    let mut out = Vec::new();
    let mut push = |start: usize, end: usize, id: u32| {
        let typed = norm.as_str()[start..end].to_string();
        out.push((typed, index.keyword(id).to_string()))
    };
    if spelled {
        index.find_spelled(&norm, &mut push);
    } else {
        let every = SyllableSet::every();
        index.find(&norm, &every, |start, end, _, id| push(start, end, id));
    }
    out
}

fn typos(keywords: &[&str], words: &[&str], text: &str) -> Vec<(String, String)> {
    found(keywords, words, text, false)
}

#[test]
fn a_typo_of_the_same_syllable_and_tone_is_found() {
    for (keyword, typed) in [
        ("檢舉人", "減舉人"),
        ("結核", "結和"),
        ("投訴", "頭訴"),
        ("陳情", "陳晴"),
        ("稽查", "稽茶"),
    ] {
        let text = format!("聽說{typed}是隔壁的");
        assert_eq!(
            typos(&[keyword], &[], &text),
            [(typed.to_string(), keyword.to_string())],
            "{typed} for {keyword}"
        );
    }
}

#[test]
fn another_word_of_another_tone_or_two_characters_away_is_not() {
    // 留言 (yan2) is not 留驗 (yan4); 會看 is not 會勘; 病理 is not 病歷.
    for (keyword, other) in [("留驗", "留言"), ("會勘", "會看"), ("病歷", "病理")] {
        assert!(typos(&[keyword], &[], other).is_empty(), "{other}");
    }
    // 案件 sounds like 安檢 but shares no character with it.
    assert!(typos(&["安檢"], &[], "案件").is_empty());
    // The keyword itself is no typo, nor is another keyword.
    assert!(typos(&["檢舉"], &[], "檢舉").is_empty());
    assert!(typos(&["病歷"], &["病例"], "病例").is_empty());
    // Two words the normalizer joined are not one typo.
    assert!(typos(&["會同"], &[], "林美惠 同事").is_empty());
}

fn spelled(keywords: &[&str], text: &str) -> Vec<(String, String)> {
    found(keywords, &[], text, true)
}

#[test]
fn a_keyword_spelled_in_zhuyin_is_found() {
    let keywords = ["確診", "稽查", "考績", "監視器", "檢舉人"];
    for (text, keyword) in [
        ("ㄑㄩㄝˋ ㄓㄣˇ的那位", "確診"),
        ("後天 ㄐㄧ ㄔㄚˊ 三間", "稽查"),
        ("ㄎㄠˇ ㄐㄧ 分數", "考績"),
        ("ㄐㄧㄢ ㄕˋ ㄑㄧˋ 那段", "監視器"),
        // Part of it spelled, the first tone left unmarked or marked.
        ("檢ㄐㄩˇ人是誰", "檢舉人"),
        // A tone left out altogether still reads.
        ("ㄑㄩㄝ ㄓㄣ", "確診"),
    ] {
        let found = spelled(&keywords, text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].1, keyword, "{text}");
    }
    // Another tone marked is another word (ㄐㄧˇ ㄔㄚˊ is not 稽查), and
    // characters alone are no spelling.
    assert!(spelled(&keywords, "ㄐㄧˇ ㄔㄚˊ").is_empty());
    assert!(spelled(&keywords, "確診的那位").is_empty());
}

#[test]
fn only_han_keywords_of_two_or_more_characters_are_indexed() {
    let keywords = ["檢", "COVID", "A肝", "檢舉人", "檢舉人", "陳情"];
    let index = SoundIndex::new(keywords, HashSet::new());
    for k in ["檢", "COVID", "A肝"] {
        assert_eq!(index.id(k), None, "{k}");
    }
    assert_eq!(index.id("檢舉人"), Some(0), "one id per keyword");
    assert_eq!(index.id("陳情"), Some(1));
    // Both found in one message, each where it is.
    let found = typos(&keywords, &[], "減舉人說陳晴的事");
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn the_typed_character_is_where_the_typo_differs() {
    let index = SoundIndex::new(["檢舉人", "結核"], HashSet::new());
    let typed = |text: &str| {
        let norm = NormalizedText::new(text);
        let mut at = Vec::new();
        index.find(&norm, &SyllableSet::every(), |start, _, typed, _| {
            at.push(typed - start)
        });
        at
    };
    // 減 is the first character of 減舉人, 和 the second of 結和 (three
    // bytes each).
    assert_eq!(typed("減舉人是他"), [0]);
    assert_eq!(typed("他是結和病"), [3]);
}
