//! People: person names (masked, titled, familiar, labelled), lone
//! three-character name tokens that start with a common surname, and ages.

use regex::Regex;

use super::{compile, digit_bounded, is_han, EntityKind, Extraction, N};

/// Common Taiwanese surnames (one character), Traditional script after folding.
pub const SURNAMES: &str = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛丁卓馬董温溫唐藍石蔣古紀姚連馮歐程湯田康姜白汪鄒尤巫涂龔嚴韓袁黎金阮倪夏錢";

/// Words that start with a surname's character and are no name (陳報主管,
/// 何時到場, 馬上去): a token that opens with one is none.
const NOT_NAME_STARTS: &[&str] = &[
    "陳報", "陳述", "陳情", "陳列", "何時", "何處", "何必", "曾經", "方便", "方面", "方式", "方法",
    "方案", "方向", "高興", "連續", "連絡", "連結", "許多", "黃金", "周末", "周邊", "馬上", "簡報",
    "簡單", "謝謝", "程序", "關於", "江湖", "高雄", "高鐵", "林務", "白天", "金額", "金門", "朱紅",
    "余額", "游泳", "田野", "石頭", "古蹟", "康復", "王牌", "洪水", "溫度", "溫暖", "范圍", "湯匙",
    "楊梅", "梁柱", "宋朝", "唐朝", "葉子", "蘇打", "曹操", "夏天", "嚴重", "雷雨", "黎明", "錢包",
    "施打", "高風", "高中", "高齡", "康復", "連日", "連同", "周遭", "余下", "江邊", "石門", "曾被",
];

/// Whether `t` opens with one of [`NOT_NAME_STARTS`].
fn opens_common_word(t: &str) -> bool {
    NOT_NAME_STARTS.iter().any(|w| t.starts_with(w))
}

/// Last characters of three-character words that are not given names.
const NOT_NAME_ENDINGS: &str = "人書案區市縣路街局處科室課組會店所館院廠司部署隊班校園場行號樓巷段里鄉鎮村站線法條表單證卡費款單車機";

/// Function words and pronouns, which no given name is made of (張貼某
///確診者 is a verb and "a certain").
const PARTICLES: &str = "某的了在是有和跟與說就也都又被把讓給向從對這那個位名些他她我你們";

/// This family's recognizers, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) age: Regex,
    pub(super) name_masked: Regex,
    pub(super) name_titled: Regex,
    pub(super) name_familiar: Regex,
    pub(super) name_labelled: Regex,
    pub(super) name_ranked: Regex,
    pub(super) name_subject: Regex,
    pub(super) name_bounded: Regex,
}

pub(super) fn build() -> Recognizers {
    let sn = format!("[{SURNAMES}]");
    // 阿 and a given name's character: none of kinship, place names
    // (阿里, 阿拉伯, 阿富汗) or function words.
    let not_given = "公嬤伯姨婆舅爸媽母祖弟妹北兜叔嬸嫂姑姊姐哥里拉爾根富汗們去還是就也都在要有會你我他她這那不沒很好對";
    let familiar = format!("阿[\\p{{Han}}--{not_given}]");
    // Before a phone or an address the character after 阿 may also be a
    // verb or an adjective of the sentence, when 阿 was a particle ending
    // the one before (好阿 打電話給他, 對阿 新地址是…).
    let familiar_contact = format!("阿[\\p{{Han}}--{not_given}打撥換留新舊查借用傳寄改問給回]");
    let subject_verb = "(?:確診|快篩|篩陽|染疫|住院|被匡|被隔離|居隔|居家隔離|隔離中|請病假|被記|記過|打來|打電話|去檢舉|去陳情|檢舉|陳情|投訴)";
    Recognizers {
        age: compile(&format!(
            r"{N}{{1,3}}(?:歲|岁)|[0-9]{{1,2}}多歲|[男女][ ,]?[0-9]{{1,2}}|[FM] ?,[0-9]{{2}}|[FM] [0-9]0S|[0-9]0S|{N}{{1,2}}個月大"
        )),
        name_masked: compile(&format!("{sn}(?:[○〇OX\\*][○〇OX\\*]?|某某?)[\\p{{Han}}]?|{sn}姓|姓{sn}")),
        name_titled: compile(&format!(
            "{sn}(?:先生|小姐|太太|女士|老闆娘|老闆|老師|同學|科員|課長|科長|股長|組長|經理|主任|阿姨|阿伯|阿公|阿嬤|董|護理師|護理長|巡官|所長|副理|處長|專員|秘書|督導|校長|醫師|醫生|律師|教授|技士|技正|主委|議員|里長|師傅|伯伯|伯母|叔叔|大哥|大姐|媽媽|爸爸|奶奶|爺爺|小弟|小妹|哥|姐|嫂)"
        )),
        // 小陳, 老王, 阿林; and a given name's character between 阿 and a
        // kinship word or the Hokkien 仔, as neighbours and stall-keepers
        // are called (阿雪姨, 阿明伯, 阿雄仔, 阿桃姊).
        name_familiar: compile(&format!(
            "[小老阿]{sn}|阿[\\p{{Han}}--公嬤伯姨婆舅爸母兜叔嬸嫂姑姊姐哥][姨伯嬸嫂叔姑仔姊姐哥]"
        )),
        // A label and the name after it, or a role said with a copula
        // (陳情人是林美華, 陳情的是林美華, 投訴你們診所的是劉美玲: a few
        // words of what was complained of may come between): group 1 or 3
        // is the copula, group 2 a 被 that makes the one named the accused,
        // group 4 the name.
        name_labelled: compile(&format!(
            "(?:(?:姓名|名字是|名字叫|戶名|寄給|匯給|給|打給|申請人|陳情人|檢舉人|收件人|承租人|參加人|持卡人|車主|告發人|投訴人|申訴人|舉發人|聯絡人|個案|確診者|病人)(?:[:： ]|(是|叫做|叫))?|(被)?(?:檢舉|陳情|投訴|申訴|告發|舉發)[^,。、.!?\\n的]{{0,6}}?的人?(是|叫))({sn}[\\p{{Han}}]{{1,2}})"
        )),
        // A rank or post written before the name, as police, the military
        // and personnel papers do (警員許明達, 巡佐楊正豪, 科員林雅婷).
        name_ranked: compile(&format!(
            "(?:警員|巡佐|巡官|警務員|偵查佐|小隊長|隊員|科員|課員|辦事員|書記|專員|技士|技佐|技正|幹事|組員|助理員|士官長|上士|中士|下士|上兵|一兵|二兵|護理師|社工員|工友|約僱人員)({sn}[\\p{{Han}}]{{2}})"
        )),
        // A full name, or 阿 and a given name's character, as the subject
        // of what only a person does: falls ill or is isolated, is
        // sanctioned, phones in or complains (陳美蘭確診, 阿芬居隔,
        // 林志明被記過, 王大同打來檢舉); or 阿 and a given name whose phone or
        // address follows (阿順手機, 阿娟仔的電話).
        name_subject: compile(&format!(
            "({sn}[\\p{{Han}}]{{2}}|{familiar}){subject_verb}|({familiar_contact})仔?的?(?:手機|電話|門號|地址|住址)"
        )),
        name_bounded: compile(&format!("(?:^|[^\\p{{Han}}])({sn}[\\p{{Han}}]{{2}})")),
    }
}

/// Ages (45歲, 男58, F,34, 50S, 7個月大).
#[inline]
pub(super) fn ages(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if kinds.contains(EntityKind::Age) {
        for m in r.age.find_iter(s) {
            if digit_bounded(s, m.start(), m.end()) {
                cx.push(EntityKind::Age, m.start(), m.end(), None);
            }
        }
    }
}

/// Person names: masked, titled and familiar forms (each only when its
/// trigger characters are there), then names after a label.
#[inline]
pub(super) fn names(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, has, .. } = *cx;
    if kinds.contains(EntityKind::PersonName) {
        let gated = [
            (&r.name_masked, has.mask),
            (&r.name_titled, has.title),
            (&r.name_familiar, has.familiar),
        ];
        for (re, present) in gated {
            if !present {
                continue;
            }
            for m in re.find_iter(s) {
                if !everyday_word(s, m.start(), m.end()) {
                    cx.push(EntityKind::PersonName, m.start(), m.end(), None);
                }
            }
        }
        for c in r.name_labelled.captures_iter(s) {
            // 給陳情人 is a role after 給, not 陳 with a given name.
            let Some(m) = c.get(4) else { continue };
            if c.get(2).is_some() {
                continue;
            }
            // After a copula the words are freer than after a label: what
            // follows must read as a given name and end there (確診者是林口區
            // is a place, 投訴的是施工噪音 a noise).
            let copula = c.get(1).or_else(|| c.get(3)).is_some();
            let reads_as_name = if copula {
                !s[m.end()..].starts_with(is_han) && reads_as_full_name(m.as_str())
            } else {
                !opens_common_word(m.as_str())
            };
            if reads_as_name {
                cx.push(EntityKind::PersonName, m.start(), m.end(), None);
            }
        }
        for c in r.name_subject.captures_iter(s) {
            let Some(m) = c.get(1).or_else(|| c.get(2)) else {
                continue;
            };
            // 阿 after 好, 對, 是… ends that sentence (好阿 留電話).
            let particle = s[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|p| "好對是快走來吼喔啦嗯".contains(p));
            if c.get(2).is_some() && particle {
                continue;
            }
            if reads_as_full_name(m.as_str()) {
                cx.push(EntityKind::PersonName, m.start(), m.end(), None);
            }
        }
        if has.title {
            for c in r.name_ranked.captures_iter(s) {
                let Some(m) = c.get(1) else { continue };
                let last = m.as_str().chars().next_back().unwrap_or(' ');
                if !NOT_NAME_ENDINGS.contains(last) && !opens_common_word(m.as_str()) {
                    cx.push(EntityKind::PersonName, m.start(), m.end(), None);
                }
            }
        }
    }
}

/// Whether `t`, a surname and one or two characters, reads as a full name:
/// no function word in the given name, no ending of a place or a thing
/// (路, 局, 班…), no everyday word it opens (陳報, 高中).
fn reads_as_full_name(t: &str) -> bool {
    let last = t.chars().next_back().unwrap_or(' ');
    let given_name = t.chars().skip(1).all(|c| !PARTICLES.contains(c));
    given_name && !NOT_NAME_ENDINGS.contains(last) && !opens_common_word(t)
}

/// Whether `[start, end)`, a surname and a title, is an everyday phrase
/// instead: 周 after 這/本/上/下 is a week (這週爸爸會來, 週 folded to 周),
/// 連 before 都/也 means "even" (連媽媽都知道), and 阮 before a kinship
/// word is the Taiwanese "my" (阮阿嬤).
fn everyday_word(s: &str, start: usize, end: usize) -> bool {
    let prev = s[..start].chars().next_back();
    let next = s[end..].chars().next();
    match s[start..].chars().next() {
        Some('周') => prev.is_some_and(|c| "這本上下每前當隔整一二三兩".contains(c)),
        Some('連') => next.is_some_and(|c| "都也".contains(c)),
        // 阿拉伯 (Arabia) is no 阿拉 with an uncle.
        Some('阿') => s[start..].starts_with("阿拉伯"),
        // In Taiwanese 阮 before a kinship word is "my" (阮阿嬤, 阮老爸).
        Some('阮') => s[start + '阮'.len_utf8()..].starts_with(['阿', '老', '某', '尪', '囝']),
        _ => false,
    }
}

/// Three-character tokens standing alone that start with a surname.
#[inline]
pub(super) fn name_tokens(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if kinds.contains(EntityKind::NameToken) {
        // A three-character token standing alone (陳文宏、林靜怡 / 王美雲0910…)
        // that starts with a surname and is not a word ending in a unit.
        for c in r.name_bounded.captures_iter(s) {
            let Some(m) = c.get(1) else { continue };
            let after = &s[m.end()..];
            let bounded = after.chars().next().is_none_or(|ch| !is_han(ch))
                || ["先生", "小姐", "太太", "女士"]
                    .iter()
                    .any(|t| after.starts_with(t));
            let last = m.as_str().chars().next_back().unwrap_or(' ');
            if bounded && !NOT_NAME_ENDINGS.contains(last) {
                cx.push(EntityKind::NameToken, m.start(), m.end(), None);
            }
        }
        spaced_name_tokens(cx);
    }
}

/// Three-character name tokens the writer set off with spaces from the
/// Han words around them (`1. 吳秀琴 郵局`, `承辦 林雅婷 分機`), which
/// normalization joined: a removed space counts as a boundary, on either
/// side, like a non-Han character. A message spaced out character by
/// character (何 俊 賢) has no words to set off: a token with a removed
/// space inside it is none.
fn spaced_name_tokens(cx: &mut Extraction<'_>) {
    let text = cx.text;
    let mut gaps = text.removed_before().peekable();
    if gaps.peek().is_none() {
        return;
    }
    // One flag per character, so that a message of thousands of spaced
    // words stays linear.
    let chars: Vec<char> = cx.s.chars().collect();
    let mut gap = vec![false; chars.len() + 1];
    for g in gaps {
        gap[g.min(chars.len())] = true;
    }
    let bounded = |i: usize| {
        i == 0 || i >= chars.len() || gap[i] || !is_han(chars[i - 1]) || !is_han(chars[i])
    };
    let is_token = |at: usize| {
        chars.get(at..at + 3).is_some_and(|w| {
            SURNAMES.contains(w[0])
                && w.iter().all(|&c| is_han(c))
                && !NOT_NAME_ENDINGS.contains(w[2])
                && !opens_common_word(&cx.s[text.byte_index(at)..])
        }) && !gap[at + 1]
            && !gap[at + 2]
    };
    let mut taken = vec![false; chars.len() + 1];
    for e in cx.out.iter().filter(|e| e.kind == EntityKind::NameToken) {
        taken[e.start.min(chars.len())] = true;
    }
    for g in (0..gap.len()).filter(|&i| gap[i]) {
        for at in [Some(g), g.checked_sub(3)].into_iter().flatten() {
            if !taken[at] && is_token(at) && bounded(at) && bounded(at + 3) {
                taken[at] = true;
                let (bs, be) = (text.byte_index(at), text.byte_index(at + 3));
                cx.push(EntityKind::NameToken, bs, be, None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::texts;
    use super::*;

    #[test]
    fn person_names() {
        assert_eq!(
            texts("確診者王○明住", EntityKind::PersonName),
            vec!["王○明"]
        );
        assert!(texts("林姓男子", EntityKind::PersonName).contains(&"林姓".to_string()));
        assert!(
            texts("檢舉人是對面的黃小姐", EntityKind::PersonName).contains(&"黃小姐".to_string())
        );
        assert!(texts("姓名：高明哲", EntityKind::PersonName).contains(&"高明哲".to_string()));
        // A role and a copula before the full name; not a place after it.
        assert!(texts("陳情人是林美華", EntityKind::PersonName).contains(&"林美華".to_string()));
        assert!(texts("這次陳情的是林美華，就住", EntityKind::PersonName)
            .contains(&"林美華".to_string()));
        assert_eq!(
            texts("投訴你們診所的是劉美玲，她說", EntityKind::PersonName),
            vec!["劉美玲"]
        );
        assert!(texts("投訴案件最多的是林口區", EntityKind::PersonName).is_empty());
        assert!(texts("確診者是林口區的", EntityKind::PersonName).is_empty());
        // Not a noise or a bridge, not the accused, not 為何.
        for text in [
            "投訴的是施工噪音，明天會改善",
            "里民陳情的是高架橋噪音",
            "這次被檢舉的是王大明那家店",
            "病人為何一直喊痛",
        ] {
            assert!(texts(text, EntityKind::PersonName).is_empty(), "{text}");
        }
        assert_eq!(texts("王○明", EntityKind::PersonName), vec!["王○明"]);
        assert!(texts("小陳你好", EntityKind::PersonName).contains(&"小陳".to_string()));
        assert!(texts("姓劉的", EntityKind::PersonName).contains(&"姓劉".to_string()));
        // Kinship honorifics are how neighbours are named (吳伯伯, 林姐).
        assert!(texts("常來陳情的吳伯伯", EntityKind::PersonName).contains(&"吳伯伯".to_string()));
        assert!(texts("問一下林姐", EntityKind::PersonName).contains(&"林姐".to_string()));
        // Everyday phrases that look like a surname and a title.
        assert!(texts("連媽媽都知道", EntityKind::PersonName).is_empty());
        assert!(texts("這週爸爸會來", EntityKind::PersonName).is_empty());
        // 阿 before a kinship word or a particle is no familiar name.
        for text in [
            "好阿去檢舉啊",
            "對阿還住院中",
            "我阿媽確診了",
            "阿祖住院",
            "對阿電話打不通",
        ] {
            assert!(texts(text, EntityKind::PersonName).is_empty(), "{text}");
        }
        assert!(texts("阿拉伯文", EntityKind::PersonName).is_empty());
        assert!(texts("阮阿嬤講以早", EntityKind::PersonName).is_empty());
        // Kinship and slang words, and common words after a rank.
        for text in [
            "阿伯仔",
            "阿兜仔來了",
            "請科員陳報主管",
            "警員何時到場",
            "回函寄給陳情人了",
            "施打後確診",
            "高風險住院",
            "林務局陳情",
            "張貼某確診者之姓名",
        ] {
            assert!(texts(text, EntityKind::PersonName).is_empty(), "{text}");
        }
        assert!(texts("周爸爸會來", EntityKind::PersonName).contains(&"周爸爸".to_string()));
        // Ranks and posts of the police, hospitals and offices; a name
        // after 名字是.
        for (text, name) in [
            ("偵查隊的李巡官", "李巡官"),
            ("7B病房的蔡護理長", "蔡護理長"),
            ("找秘書室的林秘書", "林秘書"),
            ("工務課的陳技正", "陳技正"),
            ("他留的名字是吳俊傑", "吳俊傑"),
            ("巡佐楊正豪記功一次", "楊正豪"),
            ("警員許明達嘉獎二次", "許明達"),
            ("市場賣菜的阿雪姨驗出來", "阿雪姨"),
            ("卡車司機阿雄仔的手機", "阿雄仔"),
            ("賣菜的阿桃姊住院", "阿桃姊"),
            ("櫃台陳美蘭確診了", "陳美蘭"),
            ("聽說林志明被記過", "林志明"),
            ("王大同打來檢舉", "王大同"),
            ("隔壁課阿芬居隔中", "阿芬"),
            ("阿順手機0972118643", "阿順"),
            ("阿娟仔的電話是", "阿娟"),
        ] {
            assert!(
                texts(text, EntityKind::PersonName).contains(&name.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn name_tokens_stand_alone() {
        assert_eq!(
            texts("名單：陳文宏、林靜怡", EntityKind::NameToken),
            vec!["陳文宏", "林靜怡"]
        );
        // A three-character word ending in a unit is not a name.
        assert!(texts("到陳情人那邊", EntityKind::NameToken).is_empty());
        // Spaces the writer put between Han words are boundaries, though
        // normalization takes them out.
        assert_eq!(
            texts("1. 吳秀琴 郵局 0031234-0567891", EntityKind::NameToken),
            vec!["吳秀琴"]
        );
        assert_eq!(
            texts("承辦 林雅婷 分機", EntityKind::NameToken),
            vec!["林雅婷"]
        );
        assert!(texts("吳秀琴郵局", EntityKind::NameToken).is_empty());
        assert!(texts("好 馬上去 稽查", EntityKind::NameToken).is_empty());
    }

    #[test]
    fn ages() {
        assert!(!texts("45歲男", EntityKind::Age).is_empty());
        assert!(!texts("（F,34）", EntityKind::Age).is_empty());
        for text in ["68歲男性", "男58", "女,29", "F 50S", "三十五歲", "7個月大"] {
            assert!(!texts(text, EntityKind::Age).is_empty(), "{text}");
        }
        assert!(texts("3個月前", EntityKind::Age).is_empty());
    }
}
