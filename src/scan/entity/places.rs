//! Places: addresses down to a house number, streets, districts, floors,
//! buildings, and hospital beds or rooms.
//!
//! Addresses follow Chunghwa Post's unit order (縣市, 區鄉鎮, 里村, 鄰, road,
//! 段, 巷, 弄, 號, 樓); numbers may be Arabic or Chinese ([`N`]).

use regex::Regex;

use super::{alnum_bounded, compile, DigitGate, EntityKind, Extraction, N};

/// Everyday words ending in 路 or 街 that name no street (the internet, a
/// circuit, a way out, going shopping); a match ending in one is not a
/// street. None of them ends a real street's name (中山路 ends in 山路,
/// which is not here; 中正一路 in 一路, neither).
const COMMON_ROAD_WORDS: &[&str] = &[
    "網路", "線路", "電路", "迴路", "思路", "出路", "門路", "走路", "活路", "後路", "退路", "套路",
    "迷路", "帶路", "趕路", "讓路", "馬路", "逛街", "上街", "問路",
];

/// Words ending in 區/里/鄉/鎮/村 that name no place (地球村 and 度假村
/// by their last two characters).
const COMMON_AREA_WORDS: &[&str] = &[
    "地區",
    "社區",
    "園區",
    "校區",
    "市區",
    "災區",
    "疫區",
    "學區",
    "山區",
    "郊區",
    "轄區",
    "警區",
    "分區",
    "本區",
    "該區",
    "全區",
    "全鄉",
    "全鎮",
    "全里",
    "各區",
    "禁區",
    "專區",
    "戰區",
    "營區",
    "院區",
    "廠區",
    "展區",
    "公里",
    "千里",
    "萬里",
    "鄰里",
    "這里",
    "那里",
    "哪里",
    "故鄉",
    "家鄉",
    "城鎮",
    "坐鎮",
    "重鎮",
    "農村",
    "漁村",
    "鄉村",
    "眷村",
    "山村",
    "球村",
    "假村",
    "手村",
    "民村",
    "壁村",
    "全村",
    "整村",
    "個村",
    "小村",
    "本村",
    "該村",
    "各村",
    "找村",
    "看村",
    "誤區",
    "盲區",
    "時區",
    "小區",
    "東區",
    "西區",
    "南區",
    "北區",
    "中區",
    "灣區",
    "半區",
    "停車區",
];

/// A character of a place's or a road's name: any Han character but the
/// particles and verbs a sentence puts before one (便當店在民生路, 他住中山路,
/// 住中和區), which no such name holds.
const PLACE_NAME_CHAR: &str = r"[\p{Han}--[在住到於是的往從]]";

/// A number in an address: [`N`] and the formal numerals (壹貳參…拾佰).
const ADDRESS_NUMBER: &str = "[0-9〇零一二兩三四五六七八九十廿卅百壹貳參叁肆伍陸柒捌玖拾佰]";

/// This family's recognizers, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) address: Regex,
    pub(super) street: Regex,
    pub(super) district: Regex,
    pub(super) floor: Regex,
    pub(super) building: Regex,
    pub(super) bed: Regex,
    pub(super) english_address: Regex,
}

pub(super) fn build() -> Recognizers {
    Recognizers {
        // Each unit may end its line: an address written one unit per line
        // (新北市三重區⏎重新路四段⏎128巷7弄⏎12號4樓) is still one.
        // Its numbers may also be written in the formal numerals of
        // cheques and contracts (參佰貳拾壹號). Where no road runs, a
        // village's hamlet stands in its place (後壁區長安里長安123號, 崁頂鄉
        // 崁頂村崁頂12號): only after a village within its township (see
        // `addresses`). The number may be named after the road (復興街，
        // 門牌 56 號之 2; 中正路二段，號碼是一百二十八號): then a road must
        // be there (等候區，號碼是 15 號 is a queue's ticket).
        address: compile(&format!(
            r"(?:{PLACE_NAME_CHAR}{{2}}[縣市]\n?)?(?:{PLACE_NAME_CHAR}{{1,3}}[區鄉鎮]\n?)?(?:{PLACE_NAME_CHAR}{{1,3}}[里村]\n?(?:{A}+鄰\n?)?(?P<hamlet>{PLACE_NAME_CHAR}{{1,3}})?|{A}+鄰\n?)?(?:{PLACE_NAME_CHAR}{{1,6}}(?:大道|路|街)\n?)?(?:{A}+段\n?)?(?:{A}+巷\n?)?(?:{A}+[弄衖]\n?)?(?:,? ?(?P<named>門牌|號碼)(?:是|為)?:? ?)?{A}+(?:[之-]{A}+)?號(?:\n?(?:(?:{A}+|B)(?:樓|F)|[0-9]+F))?(?:之[0-9]+)?",
            A = ADDRESS_NUMBER
        )),
        street: compile(&format!(
            r"{PLACE_NAME_CHAR}{{1,5}}(?:大道|路|街)(?:{N}{{1,2}}段)?(?:{N}{{1,4}}巷)?"
        )),
        // A name's two characters hold no function word (抗議的里民,
        // 還是區公所, 這週里民大會 name no place).
        district: compile(
            r"[\p{Han}--[的了是在或及這那週周還也都就要會每各該某]]{2}(?:區|里|鄉|鎮|村)",
        ),
        floor: compile(&format!("{N}{{1,3}}(?:樓|F)(?:之[0-9]+)?|B[1-9]|地下{N}樓")),
        building: compile("[A-Z0-9甲乙丙丁]{1,2}棟|[A-Z0-9]館"),
        bed: compile(&format!(
            "{N}{{1,4}}床|床號:? ?[A-Z]?[0-9]{{1,3}}[A-Z]?(?:-[0-9]{{1,3}})?|[0-9]{{1,2}}[A-Z東西南北]?病房|[0-9]{{3,4}}房"
        )),
        // An address in English, in the order Chunghwa Post gives (5F., No.
        // 88, Aly. 6, Ln. 120, Xinsheng Rd.): the floor, the house number,
        // then alley, lane and section in any order, the road, and the
        // district, the city and the postcode when given.
        english_address: compile(
            r"(?:[0-9]{1,2}F\.?,? ?)?NO\. ?[0-9]{1,4}(?:-[0-9]{1,3})?,? (?:(?:ALY|ALLEY|LN|LANE|SEC|SECTION)\.? ?[0-9]{1,4},? )*[A-Z][A-Z'. -]{1,24}? (?:RD|ST|AVE|BLVD|ROAD|STREET|AVENUE|BOULEVARD)\b\.?(?:,? [A-Z][A-Z' -]{1,24}? (?:DIST|DISTRICT|TOWNSHIP|CITY|COUNTY)\b\.?){0,2}(?: [0-9]{3,6}\b)?",
        ),
    }
}

/// Addresses with a house number and at least a road, lane or district;
/// in English, a house number and a road.
#[inline]
pub(super) fn addresses(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if kinds.contains(EntityKind::Address) && s.contains('號') {
        for c in r.address.captures_iter(s) {
            let Some(m) = c.get(0) else { continue };
            let t = m.as_str();
            let road = ["路", "街", "大道", "巷", "弄", "段"]
                .iter()
                .any(|u| t.contains(u));
            // A hamlet in place of a road is read only after a township's
            // village (跟村長說15號, 本村民大會15號 are a chief and a
            // meeting, not addresses). Where a road follows, the pattern may
            // have taken the road's name for a hamlet: the road decides.
            if let Some(h) = c.name("hamlet") {
                let township = t[..h.start() - m.start()].contains(['區', '鄉', '鎮']);
                if !road && !township {
                    continue;
                }
            }
            let strong = [
                "路", "街", "巷", "弄", "鄰", "段", "區", "鄉", "鎮", "縣", "村",
            ]
            .iter()
            .any(|u| t.contains(u));
            // 號碼 is "number" and 5號碼頭 a pier: no house number.
            let number_word = t.ends_with('號') && s[m.end()..].starts_with('碼');
            // A number named after a road needs the road, and is no bus's
            // (中山路，號碼是307號公車).
            let named_without_road =
                c.name("named").is_some() && (!road || s[m.end()..].starts_with(['公', '車']));
            if strong && !number_word && !named_without_road {
                cx.push(EntityKind::Address, m.start(), m.end(), None);
            }
        }
    }
    if kinds.contains(EntityKind::Address) && cx.admits(ANY_DIGIT) && s.contains("NO.") {
        for m in r.english_address.find_iter(s) {
            cx.push(EntityKind::Address, m.start(), m.end(), None);
        }
    }
}

/// An English address needs a digit for its house number.
const ANY_DIGIT: DigitGate = DigitGate::new(1, 1);

/// Road and street names, with section and lane.
#[inline]
pub(super) fn streets(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, has, .. } = *cx;
    if kinds.contains(EntityKind::Street) && has.road {
        for m in r.street.find_iter(s) {
            if !COMMON_ROAD_WORDS.iter().any(|w| m.as_str().ends_with(w)) {
                cx.push(EntityKind::Street, m.start(), m.end(), None);
            }
        }
    }
}

/// Named districts, townships and villages, not common area words.
#[inline]
pub(super) fn districts(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if kinds.contains(EntityKind::District) {
        for m in r.district.find_iter(s) {
            // 村落, 村莊 and 村上 are words of their own.
            let village_word =
                m.as_str().ends_with('村') && s[m.end()..].starts_with(['落', '莊', '上']);
            if !village_word && !COMMON_AREA_WORDS.iter().any(|w| m.as_str().ends_with(w)) {
                cx.push(EntityKind::District, m.start(), m.end(), None);
            }
        }
    }
}

/// Floors (5樓, 8F, B1).
#[inline]
pub(super) fn floors(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if kinds.contains(EntityKind::Floor) {
        for m in r.floor.find_iter(s) {
            if alnum_bounded(s, m.start(), m.end()) || m.as_str().ends_with('樓') {
                cx.push(EntityKind::Floor, m.start(), m.end(), None);
            }
        }
    }
}

/// Buildings (B棟).
#[inline]
pub(super) fn buildings(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, has, .. } = *cx;
    if kinds.contains(EntityKind::Building) && has.building {
        for m in r.building.find_iter(s) {
            cx.push(EntityKind::Building, m.start(), m.end(), None);
        }
    }
}

/// Hospital beds, wards and rooms.
#[inline]
pub(super) fn beds(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, has, .. } = *cx;
    if kinds.contains(EntityKind::Bed) && has.bed {
        for m in r.bed.find_iter(s) {
            cx.push(EntityKind::Bed, m.start(), m.end(), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::texts;
    use super::*;

    #[test]
    fn addresses_need_a_house_number_and_a_road() {
        for text in [
            "新北市板橋區文化里5鄰中山路一段100巷5弄3號4樓之2",
            "桃園市中壢區中央西路二段30號",
            "臺中市西屯區台灣大道三段99號10樓",
            "光明路5巷12號三樓",
            "民生東路三段100-2號",
            "中山路二段 2 1 5 號",
            "北屯區崇德路二段一百二十巷十一號三樓",
            "員林市中正路參佰貳拾壹號五樓",
            "新北市三重區\n重新路四段\n128巷7弄\n12號4樓",
            "臺南市後壁區長安里長安123號",
            "屏東縣崁頂鄉崁頂村3鄰崁頂12號",
        ] {
            assert_eq!(texts(text, EntityKind::Address).len(), 1, "{text}");
        }
        // The sentence before a road is not part of its name; an address
        // written one unit per line is still one, and the line after its
        // house number stays out of it unless it is the floor.
        for (text, address) in [
            ("便當店在民生路一段45號", "民生路一段45號"),
            ("他住中山路5巷12號", "中山路5巷12號"),
            ("陳小姐住中和區景平路218巷7號", "中和區景平路218巷7號"),
            (
                "個案家地址\n新北市三重區\n重新路四段\n128巷7弄\n12號4樓",
                "新北市三重區\n重新路四段\n128巷7弄\n12號4樓",
            ),
            ("光明路5巷12號\n三樓的住戶", "光明路5巷12號\n三樓"),
            ("送到光明路5巷12號\n謝謝", "光明路5巷12號"),
            // The number named after its road.
            (
                "直走，復興街，門牌 56 號之 2，五樓",
                "復興街，門牌 56 號之 2",
            ),
            (
                "中正路二段，號碼是一百二十八號三樓",
                "中正路二段，號碼是一百二十八號三樓",
            ),
        ] {
            assert_eq!(texts(text, EntityKind::Address), vec![address], "{text}");
        }
        assert!(texts("明天 10 號開會", EntityKind::Address).is_empty());
        assert!(texts("我們約 3 號", EntityKind::Address).is_empty());
        assert!(texts("港區 5 號碼頭的監視器", EntityKind::Address).is_empty());
        assert!(texts("信義區3號碼頭", EntityKind::Address).is_empty());
        assert!(texts("下個月十一號開會", EntityKind::Address).is_empty());
        assert!(texts("中正區公所3號窗口", EntityKind::Address).is_empty());
        for text in [
            "我在等候區，號碼是 15 號",
            "領藥區，號碼是215號",
            "搭到中山路，號碼是307號公車",
        ] {
            assert!(texts(text, EntityKind::Address).is_empty(), "{text}");
        }
        for text in ["跟村長說15號來開會", "本村民大會15號", "眷村改建3號"] {
            assert!(texts(text, EntityKind::Address).is_empty(), "{text}");
        }
        // In English, in the post office's order.
        for (text, address) in [
            (
                "地址：No. 12, Lane 35, Sec. 2, Minsheng Rd., West Dist.",
                "No. 12, Lane 35, Sec. 2, Minsheng Rd., West Dist.",
            ),
            (
                "5F., No. 88, Aly. 6, Ln. 120, Xinsheng Rd., Zhongli Dist., Taoyuan City 320，申請人",
                "5F., No. 88, Aly. 6, Ln. 120, Xinsheng Rd., Zhongli Dist., Taoyuan City 320",
            ),
            ("No. 5-1, Ln. 77, Yongkang St.，房東", "No. 5-1, Ln. 77, Yongkang St."),
            ("寄到 No. 9, Heping E. Rd. 給他", "No. 9, Heping E. Rd."),
        ] {
            assert_eq!(texts(text, EntityKind::Address), vec![address], "{text}");
        }
        for text in ["Invoice No. 12, due Friday", "No. 3 on the list, Main Rd"] {
            assert!(texts(text, EntityKind::Address).is_empty(), "{text}");
        }
    }

    #[test]
    fn streets_and_districts() {
        assert_eq!(
            texts("住在和平東路三段那邊", EntityKind::Street),
            vec!["和平東路三段"]
        );
        assert_eq!(
            texts("湖口鄉的養雞場", EntityKind::District),
            vec!["湖口鄉"]
        );
        assert!(texts("這個社區很安靜", EntityKind::District).is_empty());
        // A function word is no part of a place's name.
        for text in [
            "一直來抗議的里民",
            "衛生所還是區公所開",
            "這週里民大會",
            "颱風後全鄉消毒",
        ] {
            assert!(texts(text, EntityKind::District).is_empty(), "{text}");
        }
        assert_eq!(texts("和平里的住戶", EntityKind::District), vec!["和平里"]);
        assert_eq!(texts("住海口村", EntityKind::District), vec!["海口村"]);
        assert!(texts("去度假村玩", EntityKind::District).is_empty());
        assert!(texts("偏鄉的漁村", EntityKind::District).is_empty());
        for text in [
            "隔壁村的阿伯",
            "我們全村都知道",
            "一個小村落",
            "我看村上春樹",
        ] {
            assert!(texts(text, EntityKind::District).is_empty(), "{text}");
        }
        assert!(texts("先拔網路線再說", EntityKind::Street).is_empty());
        assert_eq!(texts("中正一路", EntityKind::Street), vec!["中正一路"]);
        // Asking the way (問路) names no street.
        assert!(texts("議員服務處又來電問路燈的事", EntityKind::Street).is_empty());
    }

    #[test]
    fn floors_buildings_and_beds() {
        assert_eq!(texts("隔離病房308床", EntityKind::Bed), vec!["308床"]);
        assert_eq!(texts("8A病房 3床", EntityKind::Bed), vec!["8A病房", "3床"]);
        // A bed number after the word, as a ward's board writes it.
        assert_eq!(
            texts("林姓男子 床號7B-12", EntityKind::Bed),
            vec!["床號7B-12"]
        );
        assert_eq!(texts("床號：12", EntityKind::Bed), vec!["床號：12"]);
        assert!(texts("床號LINE給你", EntityKind::Bed).is_empty());
        assert_eq!(texts("住在C棟9樓", EntityKind::Floor), vec!["9樓"]);
        assert_eq!(texts("住在C棟9樓", EntityKind::Building), vec!["C棟"]);
        assert_eq!(texts("8F住戶", EntityKind::Floor), vec!["8F"]);
    }
}
