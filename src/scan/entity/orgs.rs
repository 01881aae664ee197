//! Organisations: business, venue and institution names (…餐廳, ○○公司,
//! …國小) and school classes (三年二班, 三甲班, 701班).

use regex::Regex;

use super::{alnum_bounded, compile, EntityKind, Extraction, N};

/// This family's recognizers, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) business: Regex,
    pub(super) not_name: Regex,
    pub(super) school_class: Regex,
}

/// Characters a business name does not hold: particles, pronouns, verbs
/// and words of place that join a sentence rather than name a shop
/// (Hokkien 佇, "at", among them).
const NOT_IN_NAME: &str = "佇的了是不也都去在要有就和與到會被把讓這那你我他她們很還再又才未已將從向對給為於及或等並但而所以之其此每各該本某一上下中個家說看吃喝買賣用做開關進出來回跟找問請叫讓至往赴指";

/// The words a business, venue or institution name ends with.
const BUSINESS_SUFFIXES: &str = "餐廳|小吃|牛肉麵|滷味|雞排店|KTV|賓館|旅館|旅社|汽車旅館|民宿|背包客棧|工廠|加工廠|廠|公司|診所|醫美診所|幼兒園|幼稚園|托嬰中心|補習班|安親班|市場|夜市|攤|商行|食品行|冷凍食品行|超市|藥局|藥妝|醫院|飯店|酒店|酒吧|LOUNGE|BAR|HOTEL|網咖|撞球間|按摩店|汽修|機車行|燒烤|醬油廠|豆干|冷飲店|手搖飲|加油站|瓦斯行|汽車旅館|三溫暖|遊藝場|娛樂城|養豬場|繁殖場|回收場|農場|工地|營造|建設|企業|國小|國中|高中|大學|護理之家|長照中心|長照機構|百貨|美食街|宮|廟|店|茶藝館|鹹酥雞|手搖|火鍋|自助餐|咖啡廳|旅店|理容院|牧場|畜牧場|養殖場|餐飲|團購|工作室|居酒屋|電鍍|實業|會館|酒家|夜店|舞廳|按摩院|健身房|健身中心|運動中心|GYM|球館|量販店|美容院|美髮院|髮廊";

pub(super) fn build() -> Recognizers {
    Recognizers {
        business: compile(&format!(
            "(?:○○|OO|XX|[\\p{{Han}}A-Z○--[{NOT_IN_NAME}]]{{2,6}})(?:{BUSINESS_SUFFIXES})"
        )),
        // Words a name may not open with: of time (今年補習班, 週三營造 in
        // 下週三營造業…), of kin and of place (女兒幼兒園, 隔壁補習班), and
        // verbs of telling, their channel before them (告知熱炒店老闆,
        // LINE告知飯店): the name is what follows them,
        // if anything. A day needs its number (周記牛肉麵 is a name), and
        // words the name pattern cannot start with (去, 上, 下, 中, 家, 本,
        // 這, 每) are not listed.
        not_name: compile(
            "^(?:(?:[A-Z]+|通訊軟體|簡訊|私訊)?(?:告知|告訴|轉告|通知)|(?:今|明|後|前)年度?|(?:今|明|昨|後|前)天|(?:週|周|星期|禮拜)[一二三四五六日天末]|早上|晚上|今晚|今早|凌晨|半夜|月底|月初|年底|年初|女兒|兒子|小孩|孩子|孫子|孫女|老婆|老公|太太|附近|隔壁|對面|樓下)+",
        ),
        school_class: compile(&format!(
            "{N}{{1,2}}年{N}{{1,2}}班|{N}{{1,2}}年?[甲乙丙丁戊忠孝仁愛]班|[一二三四五六七八九]年級|[1-9](?:0[1-9]|1[0-9])班"
        )),
    }
}

/// Business, venue and institution names; a word of time, kin or place,
/// a verb of telling (with its channel: LINE告知) or the end of an English
/// word before one is not part of it, and a suffix left without a name
/// (今年補習班, 女兒幼兒園) is none.
#[inline]
pub(super) fn businesses(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if kinds.contains(EntityKind::Business) {
        for m in r.business.find_iter(s) {
            // A name does not open inside an English word (the NE of
            // 以LINE告知熱炒店): its letters are skipped.
            let inside = s[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphabetic());
            let word = if inside {
                m.as_str()
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(m.len())
            } else {
                0
            };
            let rest = &m.as_str()[word..];
            let start = m.start() + word + r.not_name.find(rest).map_or(0, |w| w.end());
            let named = start == m.start()
                || r.business
                    .find(&s[start..m.end()])
                    .is_some_and(|n| n.start() == 0 && n.end() == m.end() - start);
            if named {
                cx.push(EntityKind::Business, start, m.end(), None);
            }
        }
    }
}

/// School classes (三年二班, 四年乙班 or 三甲班, 八年級, 701班).
#[inline]
pub(super) fn school_classes(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, has, .. } = *cx;
    if kinds.contains(EntityKind::SchoolClass) && has.class {
        for m in r.school_class.find_iter(s) {
            // A flight or a run number is no class (CI101班機, 1201班次),
            // nor a generation (八年級生).
            let after = s[m.end()..].chars().next().unwrap_or(' ');
            let code = m.as_str().starts_with(|c: char| c.is_ascii_digit())
                && !alnum_bounded(s, m.start(), m.end());
            if !code && !"機次車表生".contains(after) {
                cx.push(EntityKind::SchoolClass, m.start(), m.end(), None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::texts;
    use super::*;

    #[test]
    fn businesses_and_school_classes() {
        assert!(!texts("稽查○○食品行", EntityKind::Business).is_empty());
        assert_eq!(
            texts("四年五班的王同學", EntityKind::SchoolClass),
            vec!["四年五班"]
        );
        for (text, class) in [
            ("三甲班柯小妹", "三甲班"),
            ("八年級的學生", "八年級"),
            ("701班導師", "701班"),
        ] {
            assert_eq!(texts(text, EntityKind::SchoolClass), vec![class], "{text}");
        }
        // A shift, a cram school and a bus number are no classes.
        for text in [
            "今天上早班",
            "補習班",
            "1200班次",
            "1201班次",
            "CI101班機",
            "八年級生都這樣",
        ] {
            assert!(texts(text, EntityKind::SchoolClass).is_empty(), "{text}");
        }
        for text in [
            "○○冷凍食品行",
            "鼎好滷味",
            "三重○○網咖",
            "○○ KTV",
            "青山畜牧場",
            "海味餐飲",
            "月光居酒屋",
            "阿芳美容院",
        ] {
            assert!(!texts(text, EntityKind::Business).is_empty(), "{text}");
        }
        // Phrases ending in a suffix character are not businesses.
        assert!(texts("紅燈右轉都不行", EntityKind::Business).is_empty());
        // A word of time is not part of a name.
        assert!(texts("今年補習班抽查比例提高", EntityKind::Business).is_empty());
        assert!(texts("下週三營造業宣導會", EntityKind::Business).is_empty());
        assert!(texts("我女兒幼兒園發通知", EntityKind::Business).is_empty());
        for text in ["被告以LINE告知飯店老闆", "他用FB告訴酒店經理"] {
            assert!(texts(text, EntityKind::Business).is_empty(), "{text}");
        }
        // A digit is no English word: 3Q早餐店 keeps its letter.
        assert_eq!(texts("稽查3Q早餐店", EntityKind::Business), vec!["Q早餐店"]);
        // A name after Hokkien 佇 ("at"); a gym.
        assert_eq!(
            texts("聽講佇全聯板橋店有人", EntityKind::Business),
            vec!["全聯板橋店"]
        );
        assert_eq!(
            texts("鐵人健身房的教練", EntityKind::Business),
            vec!["鐵人健身房"]
        );
        // Nor inside an English word, nor with a verb of telling.
        assert_eq!(
            texts("被告以LINE告知熱炒店老闆", EntityKind::Business),
            vec!["熱炒店"]
        );
        // A surname or a nickname is a name's own.
        for text in ["周記牛肉麵", "媽媽嘴咖啡店", "阿嬤滷味攤"] {
            assert_eq!(texts(text, EntityKind::Business), vec![text], "{text}");
        }
        assert_eq!(
            texts("今年教育局補習班稽查", EntityKind::Business),
            vec!["教育局補習班"]
        );
    }
}
