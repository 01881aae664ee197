//! Where a keyword may match: an ASCII word stands alone, a number on the
//! edge of a Chinese word may go on.

/// Whether a keyword's start and end must not touch another ASCII letter or
/// digit. A letter must (ID is not in FRIDAY), and so must a digit of a
/// keyword written in ASCII alone (165 is not in 1650). A digit on the edge
/// of a Chinese word begins or ends a number that may go on: 密碼1 is meant
/// to find 密碼1234, 報8 to find 報87萬, 2家 to find 12家.
pub(super) fn ascii_edges(k: &str) -> (bool, bool) {
    let ascii = k.is_ascii();
    let guarded =
        |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphabetic() || (ascii && b.is_ascii_digit()));
    (guarded(k.bytes().next()), guarded(k.bytes().next_back()))
}

#[cfg(test)]
mod tests {
    use super::ascii_edges;

    #[test]
    fn ascii_words_stand_alone_and_numbers_on_chinese_words_go_on() {
        assert_eq!(ascii_edges("ID"), (true, true));
        assert_eq!(ascii_edges("165"), (true, true));
        assert_eq!(ascii_edges("這邊IT"), (false, true));
        assert_eq!(ascii_edges("密碼1"), (false, false));
        assert_eq!(ascii_edges("2家"), (false, false));
        assert_eq!(ascii_edges("A廠"), (true, false));
        assert_eq!(ascii_edges("檢舉"), (false, false));
    }
}
