//! Structured entities found in normalized text: identifiers with their
//! checksums, phone numbers, plates, addresses, dates (ROC, Gregorian,
//! relative, Chinese numerals), weekdays, times, ages, person names, business
//! names, medical record and bed numbers.
//!
//! Formats and checksums follow `reference/tw-identifiers.md` (national ID and
//! resident certificate: letter table and weights from the national-ID
//! specification cited there; phones: libphonenumber's TW metadata; plates:
//! 公路總局 rules; addresses: Chunghwa Post unit order). Every recognizer runs
//! on [`NormalizedText`], so full-width digits, spacing and Chinese digit runs
//! are already folded; `[0-9]` is used instead of the Unicode `\d`.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::normalize::NormalizedText;

/// The kinds of entity a rule can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// 國民身分證統一編號 with a valid check digit.
    NationalId,
    /// 居留證 / 統一證號, 2021 one-letter or old two-letter format, valid check digit.
    ResidentId,
    /// Mobile number, 09 + 8 digits or +886 9….
    Mobile,
    /// Landline with area code (not toll-free).
    Landline,
    /// Nine-digit passport number next to 護照 / passport.
    Passport,
    /// Twelve-digit NHI card number next to 健保.
    NhiCard,
    /// Licence plate.
    Plate,
    /// Address down to a house number (號), with at least a road, lane or district.
    Address,
    /// Road or street name, optionally with section and lane, without a house number.
    Street,
    /// Named district, township or village (北投區, 興邦里, 湖口鄉).
    District,
    /// Calendar date: ROC or Gregorian year, month/day, Chinese numerals.
    Date,
    /// Weekday (週三, 星期三, 禮拜三, (三) after a date).
    Weekday,
    /// Today or a future relative day (今天, 明早, 後天, 下周一, 今晚).
    RelativeDay,
    /// A past relative day (昨天, 前天, 上周).
    PastDay,
    /// Clock time (上午10點, 14:00, 十點半) or a part of day (下午, 凌晨).
    Time,
    /// Age (45歲, 男58, F,34, 50S).
    Age,
    /// Person name: masked (王○明, 陳○○, 林姓), titled (陳小姐, 吳科員),
    /// familiar (小陳, 老王) or labelled (姓名：林美玲).
    PersonName,
    /// A three-character token standing alone that starts with a common
    /// surname (陳文宏、林靜怡): a likely full name in lists and next to
    /// identifiers, too weak to count anywhere else.
    NameToken,
    /// Business, venue or institution name (…餐廳, ○○公司, …國小).
    Business,
    /// Floor (5樓, 8F, B1).
    Floor,
    /// Building (B棟).
    Building,
    /// Hospital bed or ward (512床, 7B病房, 1208房).
    Bed,
    /// Medical record number (病歷號 A0012345).
    MedicalRecord,
    /// School class (三年二班, 四年乙班).
    SchoolClass,
    /// Case number (案1127, case 379, 個案編號T-1152, 第12個).
    CaseNumber,
}

impl EntityKind {
    /// Every kind, in declaration order.
    pub const ALL: [EntityKind; 25] = [
        EntityKind::NationalId,
        EntityKind::ResidentId,
        EntityKind::Mobile,
        EntityKind::Landline,
        EntityKind::Passport,
        EntityKind::NhiCard,
        EntityKind::Plate,
        EntityKind::Address,
        EntityKind::Street,
        EntityKind::District,
        EntityKind::Date,
        EntityKind::Weekday,
        EntityKind::RelativeDay,
        EntityKind::PastDay,
        EntityKind::Time,
        EntityKind::Age,
        EntityKind::PersonName,
        EntityKind::NameToken,
        EntityKind::Business,
        EntityKind::Floor,
        EntityKind::Building,
        EntityKind::Bed,
        EntityKind::MedicalRecord,
        EntityKind::SchoolClass,
        EntityKind::CaseNumber,
    ];

    /// The snake_case name used in packs and JSON.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::NationalId => "national_id",
            EntityKind::ResidentId => "resident_id",
            EntityKind::Mobile => "mobile",
            EntityKind::Landline => "landline",
            EntityKind::Passport => "passport",
            EntityKind::NhiCard => "nhi_card",
            EntityKind::Plate => "plate",
            EntityKind::Address => "address",
            EntityKind::Street => "street",
            EntityKind::District => "district",
            EntityKind::Date => "date",
            EntityKind::Weekday => "weekday",
            EntityKind::RelativeDay => "relative_day",
            EntityKind::PastDay => "past_day",
            EntityKind::Time => "time",
            EntityKind::Age => "age",
            EntityKind::PersonName => "person_name",
            EntityKind::NameToken => "name_token",
            EntityKind::Business => "business",
            EntityKind::Floor => "floor",
            EntityKind::Building => "building",
            EntityKind::Bed => "bed",
            EntityKind::MedicalRecord => "medical_record",
            EntityKind::SchoolClass => "school_class",
            EntityKind::CaseNumber => "case_number",
        }
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// Whether this kind identifies a person through a number.
    pub fn is_identifier(self) -> bool {
        matches!(
            self,
            EntityKind::NationalId
                | EntityKind::ResidentId
                | EntityKind::Mobile
                | EntityKind::Landline
                | EntityKind::Passport
                | EntityKind::NhiCard
                | EntityKind::Plate
                | EntityKind::MedicalRecord
        )
    }

    /// How redaction masks this kind, or `None` when it is shown as written.
    ///
    /// The kind decides, so that a new kind states its own masking here
    /// instead of in a list kept elsewhere: identifiers keep a few
    /// characters at each end, addresses lose their house numbers, names
    /// keep their surname.
    pub fn mask(self) -> Option<Mask> {
        let significant = |head, tail| Some(Mask::Significant { head, tail });
        match self {
            EntityKind::NationalId | EntityKind::ResidentId => significant(3, 2),
            EntityKind::Mobile => significant(4, 3),
            EntityKind::Landline => significant(3, 2),
            EntityKind::Passport | EntityKind::NhiCard | EntityKind::MedicalRecord => {
                significant(0, 2)
            }
            EntityKind::Plate => significant(1, 1),
            EntityKind::Address => Some(Mask::HouseNumbers),
            EntityKind::PersonName | EntityKind::NameToken => Some(Mask::Name),
            // Listed one by one so that a new kind has to choose.
            EntityKind::Street
            | EntityKind::District
            | EntityKind::Date
            | EntityKind::Weekday
            | EntityKind::RelativeDay
            | EntityKind::PastDay
            | EntityKind::Time
            | EntityKind::Age
            | EntityKind::Business
            | EntityKind::Floor
            | EntityKind::Building
            | EntityKind::Bed
            | EntityKind::SchoolClass
            | EntityKind::CaseNumber => None,
        }
    }
}

/// How redaction masks an entity (see [`EntityKind::mask`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mask {
    /// Keep the first `head` and the last `tail` significant characters
    /// (letters and digits, not units such as 號); the others become `*`.
    Significant {
        /// Significant characters kept at the start.
        head: usize,
        /// Significant characters kept at the end.
        tail: usize,
    },
    /// Every number of a 巷/弄/號/樓 becomes one ○.
    HouseNumbers,
    /// The given name is masked, the surname and any title kept (王○明).
    Name,
}

/// A set of entity kinds, as a bit set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindSet(u32);

impl KindSet {
    /// Adds a kind.
    pub fn insert(&mut self, kind: EntityKind) {
        self.0 |= kind.bit();
    }
    /// Whether the set holds `kind`.
    pub fn contains(self, kind: EntityKind) -> bool {
        self.0 & kind.bit() != 0
    }
    /// Union of two sets.
    pub fn union(self, other: KindSet) -> KindSet {
        KindSet(self.0 | other.0)
    }
    /// The kinds of `self` not in `other`.
    pub fn difference(self, other: KindSet) -> KindSet {
        KindSet(self.0 & !other.0)
    }
    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<EntityKind> for KindSet {
    fn from_iter<I: IntoIterator<Item = EntityKind>>(iter: I) -> Self {
        let mut s = KindSet::default();
        for k in iter {
            s.insert(k);
        }
        s
    }
}

/// One entity occurrence, in normalized character offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// Normalized character offset, inclusive.
    pub start: usize,
    /// Normalized character offset, exclusive.
    pub end: usize,
    /// A canonical value where one exists (`2026-12-11`, `14:30`, `A123456789`).
    pub value: Option<String>,
}

/// Well-known example and test numbers that pass the checksum but belong to
/// nobody (textbook and validator examples from reference/tw-identifiers.md).
const PUBLIC_EXAMPLE_IDS: &[&str] = &["A123456789", "A800000014", "AA00000009"];

/// National ID letter values (reference/tw-identifiers.md §1), A..=Z.
const LETTER_VALUES: [u32; 26] = [
    10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30,
    31, 33,
];
const ID_WEIGHTS: [u32; 11] = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1];

/// Validates a national ID or resident certificate number (both formats).
/// Returns the kind it is, if valid.
pub fn validate_id(s: &str) -> Option<EntityKind> {
    let b = s.as_bytes();
    if b.len() != 10 || !b[0].is_ascii_uppercase() || !b[2..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v1 = LETTER_VALUES[(b[0] - b'A') as usize];
    let (second, kind) = match b[1] {
        b'1' | b'2' => ((b[1] - b'0') as u32, EntityKind::NationalId),
        b'8' | b'9' => ((b[1] - b'0') as u32, EntityKind::ResidentId),
        b'A'..=b'D' => (
            LETTER_VALUES[(b[1] - b'A') as usize] % 10,
            EntityKind::ResidentId,
        ),
        _ => return None,
    };
    let mut digits = [0u32; 11];
    digits[0] = v1 / 10;
    digits[1] = v1 % 10;
    digits[2] = second;
    for (i, &d) in b[2..].iter().enumerate() {
        digits[3 + i] = (d - b'0') as u32;
    }
    let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
    (sum % 10 == 0).then_some(kind)
}

/// Parses a number written in Arabic digits or Chinese numerals, positional
/// (二十八, 一百一十五, 兩百十四, 廿八) or digit by digit (一一五, 〇九).
pub fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '0' | '〇' | '零' => 0,
            '1' | '一' => 1,
            '2' | '二' | '兩' => 2,
            '3' | '三' => 3,
            '4' | '四' => 4,
            '5' | '五' => 5,
            '6' | '六' => 6,
            '7' | '七' => 7,
            '8' | '八' => 8,
            '9' | '九' => 9,
            _ => return None,
        })
    };
    let positional = s.chars().any(|c| matches!(c, '十' | '百' | '廿' | '卅'));
    if !positional {
        let mut v: u32 = 0;
        for c in s.chars() {
            v = v.checked_mul(10)?.checked_add(digit(c)?)?;
        }
        return Some(v);
    }
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    for c in s.chars() {
        match c {
            '百' => {
                total += current.unwrap_or(1) * 100;
                current = None;
            }
            '十' => {
                total += current.unwrap_or(1) * 10;
                current = None;
            }
            '廿' => total += 20,
            '卅' => total += 30,
            c => {
                let d = digit(c)?;
                // 兩百十四: a digit directly after 百 with 十 following is the tens.
                current = Some(current.map_or(d, |p| p * 10 + d));
            }
        }
    }
    Some(total + current.unwrap_or(0))
}

/// Last characters of three-character words that are not given names.
const NOT_NAME_ENDINGS: &str = "人書案區市縣路街局處科室課組會店所館院廠司部署隊班校園場行號樓巷段里鄉鎮村站線法條表單證卡費款單車機";

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Words ending in 區/里/鄉/鎮 that name no place.
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

const N: &str = "[0-9〇零一二兩三四五六七八九十廿卅百]";

struct Recognizers {
    id: Regex,
    mobile: Regex,
    landline: Regex,
    nine_digits: Regex,
    twelve_digits: Regex,
    plate: Regex,
    address: Regex,
    street: Regex,
    district: Regex,
    date_ymd: Regex,
    date_numeric: Regex,
    date_md: Regex,
    date_slash: Regex,
    weekday: Regex,
    weekday_paren: Regex,
    /// Relative days, past days and parts of day: plain words, one
    /// automaton pass for all three kinds.
    lexicon: aho_corasick::AhoCorasick,
    lexicon_kinds: Vec<Vec<EntityKind>>,
    time_clock: Regex,
    time_cn: Regex,
    age: Regex,
    name_masked: Regex,
    name_titled: Regex,
    name_familiar: Regex,
    name_labelled: Regex,
    name_bounded: Regex,
    business: Regex,
    floor: Regex,
    building: Regex,
    bed: Regex,
    medical_record: Regex,
    school_class: Regex,
    case_number: Regex,
}

/// Common Taiwanese surnames (one character), Traditional script after folding.
pub const SURNAMES: &str = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛丁卓馬董温溫唐藍石蔣古紀姚連馮歐程湯田康姜白汪鄒尤巫涂龔嚴韓袁黎金阮倪夏錢";

fn build() -> Recognizers {
    let r = |p: &str| Regex::new(p).unwrap_or_else(|e| panic!("entity pattern {p:?}: {e}"));
    let sn = format!("[{SURNAMES}]");
    let (lexicon, lexicon_kinds) = lexicon();
    let period =
        "(?:上午|早上|早晨|清晨|中午|下午|傍晚|晚上|夜間|凌晨|半夜|今晚|明晚|今早|明早|AM|PM)";
    Recognizers {
        id: r("[A-Z][0-9A-D][0-9]{8}"),
        mobile: r(r"(?:\+?886[ -]?0?|0)9[0-9](?:[ .\-]{0,2}[0-9]){7}"),
        landline: r(r"(?:\+886[ -]?|\(0|0)[2-8][0-9]{0,3}\)?[ -]?[0-9]{3,4}[ -]?[0-9]{3,4}"),
        nine_digits: r("[0-9]{9}"),
        twelve_digits: r("[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}"),
        plate: r("[A-Z]{3}-?[0-9]{4}|[A-Z]{2}-[0-9]{4}|[0-9]{4}-[A-Z]{2}"),
        address: r(&format!(
            r"(?:[\p{{Han}}]{{2}}[縣市])?(?:[\p{{Han}}]{{1,3}}[區鄉鎮])?(?:[\p{{Han}}]{{1,3}}[里村])?(?:{N}+鄰)?(?:[\p{{Han}}]{{1,6}}(?:大道|路|街))?(?:{N}+段)?(?:{N}+巷)?(?:{N}+[弄衖])?[0-9]+(?:[之-][0-9]+)?號(?:(?:{N}+|B)(?:樓|F)|[0-9]+F)?(?:之[0-9]+)?"
        )),
        street: r(&format!(
            r"[\p{{Han}}]{{1,5}}(?:大道|路|街)(?:{N}{{1,2}}段)?(?:{N}{{1,4}}巷)?"
        )),
        district: r(r"[\p{Han}]{2}(?:區|里|鄉|鎮)"),
        date_ymd: r(&format!(
            "(?:中華)?(?:民國)?{N}{{2,4}}年{N}{{1,3}}月{N}{{1,3}}[日號]?|{N}{{1,3}}月{N}{{1,3}}[日號]"
        )),
        date_numeric: r("(?:1[0-4][0-9]|[89][0-9]|20[0-9]{2})[/.-][01]?[0-9][/.-][0-3]?[0-9]"),
        date_md: r(&format!("{N}{{1,3}}月(?:初|中|底)")),
        date_slash: r("(?:1[0-2]|0?[1-9])/(?:[12][0-9]|3[01]|0?[1-9])"),
        weekday: r("(?:下下|下個?|上個?|這個?|本|今)?(?:星期|禮拜|礼拜|周)[一二三四五六日天末]"),
        weekday_paren: r(r"\([一二三四五六日]\)"),
        lexicon,
        lexicon_kinds,
        time_clock: r("(?:[01]?[0-9]|2[0-4]):[0-5][0-9]|[0-9]{1,2} ?(?:AM|PM)"),
        time_cn: r(&format!("(?:{period})?{N}{{1,3}}[點時](?:半|{N}{{1,2}}分|一刻)?")),
        age: r(&format!(
            r"{N}{{1,3}}(?:歲|岁)|[0-9]{{1,2}}多歲|[男女][ ,]?[0-9]{{1,2}}|[FM] ?,[0-9]{{2}}|[FM] [0-9]0S|[0-9]0S|{N}{{1,2}}個月大"
        )),
        name_masked: r(&format!("{sn}(?:[○〇OX\\*][○〇OX\\*]?|某某?)[\\p{{Han}}]?|{sn}姓|姓{sn}")),
        name_titled: r(&format!(
            "{sn}(?:先生|小姐|太太|女士|老闆娘|老闆|老師|同學|科員|課長|經理|主任|阿姨|阿伯|阿公|阿嬤|董|護理師|醫師|技士|技正|主委|議員|里長|師傅)"
        )),
        name_familiar: r(&format!("[小老阿]{sn}")),
        name_labelled: r(&format!(
            "(?:姓名|戶名|寄給|匯給|給|打給|申請人|陳情人|檢舉人|收件人|承租人|參加人|持卡人|車主|告發人|投訴人|申訴人|舉發人|聯絡人|個案|確診者|病人)[:： ]?({sn}[\\p{{Han}}]{{1,2}})"
        )),
        name_bounded: r(&format!("(?:^|[^\\p{{Han}}])({sn}[\\p{{Han}}]{{2}})")),
        business: r(
            r"(?:○○|OO|XX|[\p{Han}A-Z○--[的了是不也都去在要有就和與到會被把讓這那你我他她們很還再又才未已將從向對給為於及或等並但而所以之其此每各該本某一上下中個家說看吃喝買賣用做開關進出來回跟找問請叫讓]]{2,6})(?:餐廳|小吃|牛肉麵|滷味|雞排店|KTV|賓館|旅館|旅社|汽車旅館|民宿|背包客棧|工廠|加工廠|廠|公司|診所|醫美診所|幼兒園|幼稚園|托嬰中心|補習班|安親班|市場|夜市|攤|商行|食品行|冷凍食品行|超市|藥局|藥妝|醫院|飯店|酒店|酒吧|LOUNGE|BAR|HOTEL|網咖|撞球間|按摩店|汽修|機車行|燒烤|醬油廠|豆干|冷飲店|手搖飲|加油站|瓦斯行|汽車旅館|三溫暖|遊藝場|娛樂城|養豬場|繁殖場|回收場|農場|工地|營造|建設|企業|國小|國中|高中|大學|護理之家|長照中心|長照機構|百貨|美食街|宮|廟|店|茶藝館|旅店)",
        ),
        floor: r(&format!("{N}{{1,3}}(?:樓|F)(?:之[0-9]+)?|B[1-9]|地下{N}樓")),
        building: r("[A-Z0-9甲乙丙丁]{1,2}棟|[A-Z0-9]館"),
        bed: r(&format!("{N}{{1,4}}床|[0-9]{{1,2}}[A-Z東西南北]?病房|[0-9]{{3,4}}房")),
        medical_record: r("病歷(?:號碼|編號|號)?[:： ]?([A-Z]{0,2}[0-9]{5,12})"),
        school_class: r(&format!("{N}{{1,2}}年{N}{{1,2}}班|{N}{{1,2}}年[甲乙丙丁戊忠孝仁愛]班|[一二三四五六]年級")),
        case_number: r(r"案 ?[0-9]{2,6}|CASE ?[0-9]{2,6}|個案編號 ?[A-Z]?-?[0-9]{2,6}|第[0-9]{1,5}[個例位]|個案[A-Z](?:[^A-Z]|$)"),
    }
}

/// Words for relative days (today and later), past days and parts of day.
const RELATIVE_DAYS: &[&str] = &[
    "大後天",
    "後天",
    "明天",
    "明日",
    "明早",
    "明晚",
    "明晨",
    "今天",
    "今日",
    "今早",
    "今晚",
    "今夜",
    "今明兩天",
    "下周",
    "下禮拜",
    "下星期",
    "下個月",
    "下月",
    "月底",
    "月中",
    "這周",
    "本周",
    "等一下",
    "待會",
    "稍後",
    "晚點",
];
const PAST_DAYS: &[&str] = &[
    "昨天",
    "昨日",
    "昨晚",
    "前天",
    "前晚",
    "上周",
    "上禮拜",
    "上星期",
    "上個月",
    "上月",
    "去年",
    "日前",
    "稍早",
    "前幾天",
];
const PERIODS: &[&str] = &[
    "上午", "早上", "早晨", "清晨", "中午", "下午", "傍晚", "晚上", "夜間", "凌晨", "半夜", "今晚",
    "明晚", "今早", "明早", "AM", "PM",
];

fn lexicon() -> (aho_corasick::AhoCorasick, Vec<Vec<EntityKind>>) {
    let mut words: Vec<&str> = Vec::new();
    let mut kinds: Vec<Vec<EntityKind>> = Vec::new();
    for (list, kind) in [
        (RELATIVE_DAYS, EntityKind::RelativeDay),
        (PAST_DAYS, EntityKind::PastDay),
        (PERIODS, EntityKind::Time),
    ] {
        for w in list {
            match words.iter().position(|x| x == w) {
                Some(i) => kinds[i].push(kind),
                None => {
                    words.push(w);
                    kinds.push(vec![kind]);
                }
            }
        }
    }
    let ac = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&words)
        .expect("the date-word automaton builds");
    (ac, kinds)
}

fn recognizers() -> &'static Recognizers {
    static R: OnceLock<Recognizers> = OnceLock::new();
    R.get_or_init(build)
}

/// Compiles the recognizers now rather than on the first message.
pub fn warm_up() {
    recognizers();
}

/// The source of every entity regex, for benchmarks that compare the scan
/// with a plain `RegexSet` over the same patterns.
pub fn patterns() -> Vec<&'static str> {
    let r = recognizers();
    [
        &r.id,
        &r.mobile,
        &r.landline,
        &r.nine_digits,
        &r.twelve_digits,
        &r.plate,
        &r.address,
        &r.street,
        &r.district,
        &r.date_ymd,
        &r.date_numeric,
        &r.date_md,
        &r.date_slash,
        &r.weekday,
        &r.weekday_paren,
        &r.time_clock,
        &r.time_cn,
        &r.age,
        &r.name_masked,
        &r.name_titled,
        &r.name_familiar,
        &r.name_labelled,
        &r.name_bounded,
        &r.business,
        &r.floor,
        &r.building,
        &r.bed,
        &r.medical_record,
        &r.school_class,
        &r.case_number,
    ]
    .into_iter()
    .map(Regex::as_str)
    .collect()
}

/// Finds the entities of the requested kinds.
pub fn extract(text: &NormalizedText, kinds: KindSet) -> Vec<Entity> {
    let mut out = Vec::new();
    if kinds.is_empty() {
        return out;
    }
    let r = recognizers();
    let s = text.as_str();
    let mut push = |kind: EntityKind, bs: usize, be: usize, value: Option<String>| {
        out.push(Entity {
            kind,
            start: text.char_index(bs),
            end: text.char_index(be),
            value,
        });
    };
    let digits = text.digit_count();
    let run = text.digit_run();
    // Trigger characters, found in one pass, but only if a kind needs them.
    let needs_marks = [
        EntityKind::PersonName,
        EntityKind::Street,
        EntityKind::Date,
        EntityKind::Weekday,
        EntityKind::Time,
        EntityKind::Building,
        EntityKind::Bed,
        EntityKind::MedicalRecord,
        EntityKind::SchoolClass,
        EntityKind::CaseNumber,
    ]
    .iter()
    .any(|&k| kinds.contains(k));
    let has = if needs_marks {
        Marks::of(s)
    } else {
        Marks::default()
    };

    if run >= 8
        && (kinds.contains(EntityKind::NationalId) || kinds.contains(EntityKind::ResidentId))
    {
        for m in r.id.find_iter(s) {
            if !alnum_bounded(s, m.start(), m.end()) {
                continue;
            }
            let v = m.as_str();
            if PUBLIC_EXAMPLE_IDS.contains(&v) {
                continue;
            }
            if let Some(kind) = validate_id(v) {
                if kinds.contains(kind) {
                    push(kind, m.start(), m.end(), Some(v.to_string()));
                }
            }
        }
    }
    if digits >= 9 && run >= 3 && kinds.contains(EntityKind::Mobile) {
        for m in r.mobile.find_iter(s) {
            if !digit_bounded(s, m.start(), m.end()) {
                continue;
            }
            let d: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            let national = d
                .strip_prefix("886")
                .map(|x| x.trim_start_matches('0'))
                .map(|x| format!("0{x}"))
                .unwrap_or(d);
            if national.len() == 10 {
                push(EntityKind::Mobile, m.start(), m.end(), Some(national));
            }
        }
    }
    if digits >= 8 && run >= 3 && kinds.contains(EntityKind::Landline) {
        for m in r.landline.find_iter(s) {
            if !digit_bounded(s, m.start(), m.end()) {
                continue;
            }
            let d: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            let national = match d.strip_prefix("886") {
                Some(x) => format!("0{x}"),
                None => d,
            };
            let toll_free = national.starts_with("080");
            if (9..=10).contains(&national.len()) && !national.starts_with("09") && !toll_free {
                push(EntityKind::Landline, m.start(), m.end(), Some(national));
            }
        }
    }
    if run >= 9 && kinds.contains(EntityKind::Passport) {
        for m in r.nine_digits.find_iter(s) {
            if digit_bounded(s, m.start(), m.end())
                && preceded_by(s, m.start(), 16, &["護照", "PASSPORT"])
            {
                push(
                    EntityKind::Passport,
                    m.start(),
                    m.end(),
                    Some(m.as_str().to_string()),
                );
            }
        }
    }
    if digits >= 12 && run >= 4 && kinds.contains(EntityKind::NhiCard) {
        for m in r.twelve_digits.find_iter(s) {
            if digit_bounded(s, m.start(), m.end()) && preceded_by(s, m.start(), 16, &["健保"]) {
                let v: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
                push(EntityKind::NhiCard, m.start(), m.end(), Some(v));
            }
        }
    }
    if run >= 4 && kinds.contains(EntityKind::Plate) {
        for m in r.plate.find_iter(s) {
            if !alnum_bounded(s, m.start(), m.end()) {
                continue;
            }
            let v = m.as_str();
            let letters: String = v.chars().filter(char::is_ascii_uppercase).collect();
            let nums: String = v.chars().filter(char::is_ascii_digit).collect();
            // Current plates drop I and O and the digit 4 (公路總局).
            if letters.len() == 3 && (letters.contains(['I', 'O']) || nums.contains('4')) {
                continue;
            }
            if validate_id(v).is_some() {
                continue;
            }
            push(
                EntityKind::Plate,
                m.start(),
                m.end(),
                Some(v.replace('-', "")),
            );
        }
    }
    if kinds.contains(EntityKind::Address) && s.contains('號') {
        for m in r.address.find_iter(s) {
            let t = m.as_str();
            let strong = [
                "路", "街", "巷", "弄", "鄰", "段", "區", "鄉", "鎮", "縣", "村",
            ]
            .iter()
            .any(|u| t.contains(u));
            if strong {
                push(EntityKind::Address, m.start(), m.end(), None);
            }
        }
    }
    if kinds.contains(EntityKind::Street) && has.road {
        for m in r.street.find_iter(s) {
            push(EntityKind::Street, m.start(), m.end(), None);
        }
    }
    if kinds.contains(EntityKind::District) {
        for m in r.district.find_iter(s) {
            if !COMMON_AREA_WORDS.iter().any(|w| m.as_str().ends_with(w)) {
                push(EntityKind::District, m.start(), m.end(), None);
            }
        }
    }
    if kinds.contains(EntityKind::Date) {
        if has.month {
            for m in r.date_ymd.find_iter(s) {
                if let Some(v) = date_value(m.as_str()) {
                    push(EntityKind::Date, m.start(), m.end(), Some(v));
                }
            }
            for m in r.date_md.find_iter(s) {
                push(EntityKind::Date, m.start(), m.end(), None);
            }
        }
        if digits >= 2 && has.date_sep {
            let mut taken_until = 0;
            for m in r.date_numeric.find_iter(s) {
                if digit_bounded(s, m.start(), m.end()) {
                    push(
                        EntityKind::Date,
                        m.start(),
                        m.end(),
                        Some(m.as_str().to_string()),
                    );
                    taken_until = m.end();
                }
            }
            for m in r.date_slash.find_iter(s) {
                if m.start() < taken_until || !digit_bounded(s, m.start(), m.end()) {
                    continue;
                }
                let next = s[m.end()..].chars().next();
                if next == Some('/') {
                    continue;
                }
                push(
                    EntityKind::Date,
                    m.start(),
                    m.end(),
                    Some(m.as_str().to_string()),
                );
            }
        }
    }
    if kinds.contains(EntityKind::Weekday) && has.weekday {
        for m in r.weekday.find_iter(s) {
            push(EntityKind::Weekday, m.start(), m.end(), None);
        }
    }
    if kinds.contains(EntityKind::Weekday) && has.paren {
        {
            for m in r.weekday_paren.find_iter(s) {
                push(EntityKind::Weekday, m.start(), m.end(), None);
            }
        }
    }
    let lexical = [
        EntityKind::RelativeDay,
        EntityKind::PastDay,
        EntityKind::Time,
    ]
    .iter()
    .any(|&k| kinds.contains(k));
    let mut periods: Vec<(usize, usize)> = Vec::new();
    if lexical {
        for m in r.lexicon.find_iter(s) {
            for &k in &r.lexicon_kinds[m.pattern().as_usize()] {
                if k == EntityKind::Time {
                    periods.push((m.start(), m.end()));
                } else if kinds.contains(k) {
                    push(k, m.start(), m.end(), None);
                }
            }
        }
    }
    if kinds.contains(EntityKind::Time) {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        if digits >= 2 && (has.colon || has.meridiem) {
            for m in r.time_clock.find_iter(s) {
                if digit_bounded(s, m.start(), m.end()) {
                    spans.push((m.start(), m.end()));
                    push(
                        EntityKind::Time,
                        m.start(),
                        m.end(),
                        Some(m.as_str().to_string()),
                    );
                }
            }
        }
        if has.clock {
            for m in r.time_cn.find_iter(s) {
                if let Some(v) = time_value(m.as_str()) {
                    spans.push((m.start(), m.end()));
                    push(EntityKind::Time, m.start(), m.end(), Some(v));
                }
            }
        }
        for (a, b) in periods {
            if !spans.iter().any(|&(x, y)| x <= a && b <= y) {
                push(EntityKind::Time, a, b, None);
            }
        }
    }
    if kinds.contains(EntityKind::Age) {
        for m in r.age.find_iter(s) {
            if digit_bounded(s, m.start(), m.end()) {
                push(EntityKind::Age, m.start(), m.end(), None);
            }
        }
    }
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
                push(EntityKind::PersonName, m.start(), m.end(), None);
            }
        }
        for c in r.name_labelled.captures_iter(s) {
            if let Some(m) = c.get(1) {
                push(EntityKind::PersonName, m.start(), m.end(), None);
            }
        }
    }
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
                push(EntityKind::NameToken, m.start(), m.end(), None);
            }
        }
    }
    if kinds.contains(EntityKind::Business) {
        for m in r.business.find_iter(s) {
            push(EntityKind::Business, m.start(), m.end(), None);
        }
    }
    if kinds.contains(EntityKind::Floor) {
        for m in r.floor.find_iter(s) {
            if alnum_bounded(s, m.start(), m.end()) || m.as_str().ends_with('樓') {
                push(EntityKind::Floor, m.start(), m.end(), None);
            }
        }
    }
    if kinds.contains(EntityKind::Building) && has.building {
        for m in r.building.find_iter(s) {
            push(EntityKind::Building, m.start(), m.end(), None);
        }
    }
    if kinds.contains(EntityKind::Bed) && has.bed {
        for m in r.bed.find_iter(s) {
            push(EntityKind::Bed, m.start(), m.end(), None);
        }
    }
    if kinds.contains(EntityKind::MedicalRecord) && has.record {
        for c in r.medical_record.captures_iter(s) {
            if let (Some(all), Some(v)) = (c.get(0), c.get(1)) {
                push(
                    EntityKind::MedicalRecord,
                    all.start(),
                    all.end(),
                    Some(v.as_str().to_string()),
                );
            }
        }
    }
    if kinds.contains(EntityKind::SchoolClass) && has.class {
        for m in r.school_class.find_iter(s) {
            push(EntityKind::SchoolClass, m.start(), m.end(), None);
        }
    }
    if kinds.contains(EntityKind::CaseNumber) && (digits >= 2 || has.case) {
        for m in r.case_number.find_iter(s) {
            push(EntityKind::CaseNumber, m.start(), m.end(), None);
        }
    }
    out
}

/// Which trigger characters a text holds, found in one pass: each
/// recognizer runs only when its unit characters are there.
#[derive(Debug, Default, Clone, Copy)]
struct Marks {
    hao: bool,
    road: bool,
    month: bool,
    paren: bool,
    clock: bool,
    building: bool,
    bed: bool,
    record: bool,
    class: bool,
    case: bool,
    colon: bool,
    meridiem: bool,
    date_sep: bool,
    weekday: bool,
    mask: bool,
    title: bool,
    familiar: bool,
}

impl Marks {
    fn of(s: &str) -> Marks {
        let mut m = Marks::default();
        for c in s.chars() {
            match c {
                '號' => m.hao = true,
                '路' | '街' | '道' => m.road = true,
                '月' => m.month = true,
                '(' => m.paren = true,
                '點' | '時' => m.clock = true,
                '棟' | '館' => m.building = true,
                '床' | '房' => m.bed = true,
                '歷' => m.record = true,
                '班' | '級' => m.class = true,
                '案' => m.case = true,
                ':' => m.colon = true,
                'M' => m.meridiem = true,
                '/' | '.' | '-' => m.date_sep = true,
                '星' | '拜' | '周' => m.weekday = true,
                '○' | '〇' | 'O' | 'X' | '*' | '某' | '姓' => m.mask = true,
                '生' | '姐' | '太' | '士' | '闆' | '師' | '學' | '員' | '長' | '理' | '任'
                | '姨' | '伯' | '公' | '嬤' | '董' | '委' | '議' | '傅' => m.title = true,
                '小' | '老' | '阿' => m.familiar = true,
                _ => {}
            }
        }
        m
    }
}

fn prev_char(s: &str, at: usize) -> Option<char> {
    s[..at].chars().next_back()
}

fn next_char(s: &str, at: usize) -> Option<char> {
    s[at..].chars().next()
}

/// No ASCII letter or digit directly before or after.
fn alnum_bounded(s: &str, start: usize, end: usize) -> bool {
    !prev_char(s, start).is_some_and(|c| c.is_ascii_alphanumeric())
        && !next_char(s, end).is_some_and(|c| c.is_ascii_alphanumeric())
}

/// No digit directly before or after.
fn digit_bounded(s: &str, start: usize, end: usize) -> bool {
    !prev_char(s, start).is_some_and(|c| c.is_ascii_digit())
        && !next_char(s, end).is_some_and(|c| c.is_ascii_digit())
}

/// One of `words` ends within `chars` characters before `at`.
fn preceded_by(s: &str, at: usize, chars: usize, words: &[&str]) -> bool {
    let from = s[..at]
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    let before = &s[from..at];
    words.iter().any(|w| before.contains(w))
}

/// Canonical value of a 年/月/日 date; None when month or day is impossible.
fn date_value(t: &str) -> Option<String> {
    let t = t.trim_start_matches("中華").trim_start_matches("民國");
    let (year, rest) = match t.split_once('年') {
        Some((y, r)) => (Some(parse_number(y)?), r),
        None => (None, t),
    };
    let (m, d) = rest.split_once('月')?;
    let month = parse_number(m)?;
    let day = parse_number(d.trim_end_matches(['日', '號']))?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(match year {
        Some(y) if y < 1000 => format!("{:04}-{month:02}-{day:02}", y + 1911),
        Some(y) => format!("{y:04}-{month:02}-{day:02}"),
        None => format!("--{month:02}-{day:02}"),
    })
}

/// Canonical 24-hour value of a Chinese clock time; None for 一點 without a
/// part of day ("a little") and impossible hours.
fn time_value(t: &str) -> Option<String> {
    let periods = [
        ("上午", 0),
        ("早上", 0),
        ("早晨", 0),
        ("清晨", 0),
        ("凌晨", 0),
        ("半夜", 0),
        ("今早", 0),
        ("明早", 0),
        ("AM", 0),
        ("中午", 12),
        ("下午", 12),
        ("傍晚", 12),
        ("晚上", 12),
        ("夜間", 12),
        ("今晚", 12),
        ("明晚", 12),
        ("PM", 12),
    ];
    let mut rest = t;
    let mut shift = None;
    for (p, h) in periods {
        if let Some(r) = t.strip_prefix(p) {
            rest = r;
            shift = Some(h);
            break;
        }
    }
    let idx = rest.find(['點', '時'])?;
    let (h, tail) = rest.split_at(idx);
    if shift.is_none() && matches!(h, "一" | "兩" | "二" | "幾") {
        return None;
    }
    let mut hour = parse_number(h)?;
    if hour > 24 {
        return None;
    }
    if let Some(add) = shift {
        if hour < 12 && add == 12 {
            hour += 12;
        }
    }
    let tail = &tail[3..];
    let minute = if tail.starts_with('半') {
        30
    } else if tail.starts_with("一刻") {
        15
    } else if let Some(m) = tail.strip_suffix('分') {
        parse_number(m).filter(|&m| m < 60)?
    } else {
        0
    };
    Some(format!("{hour:02}:{minute:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, kind: EntityKind) -> Vec<(String, Option<String>)> {
        let norm = NormalizedText::new(text);
        let kinds: KindSet = [kind].into_iter().collect();
        extract(&norm, kinds)
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| {
                let (s, t) = norm.original_span(e.start, e.end);
                (text.chars().skip(s).take(t - s).collect(), e.value)
            })
            .collect()
    }

    fn texts(text: &str, kind: EntityKind) -> Vec<String> {
        found(text, kind).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn identifiers_addresses_and_names_are_the_masked_kinds() {
        for k in EntityKind::ALL {
            let named = matches!(
                k,
                EntityKind::Address | EntityKind::PersonName | EntityKind::NameToken
            );
            assert_eq!(k.mask().is_some(), k.is_identifier() || named, "{k:?}");
        }
    }

    #[test]
    fn national_and_resident_ids_follow_the_reference_examples() {
        for v in [
            "W100000001",
            "I123456781",
            "O223456784",
            "Z212345670",
            "F130000005",
            "D200000006",
        ] {
            assert_eq!(validate_id(v), Some(EntityKind::NationalId), "{v}");
        }
        for v in [
            "A800000014",
            "F800000000",
            "A900000007",
            "H876543212",
            "B912345674",
        ] {
            assert_eq!(validate_id(v), Some(EntityKind::ResidentId), "{v}");
        }
        for v in [
            "AA00000009",
            "FA12345670",
            "AB00000001",
            "TC12345675",
            "HD76543212",
        ] {
            assert_eq!(validate_id(v), Some(EntityKind::ResidentId), "{v}");
        }
        for v in [
            "A123456788",
            "B223456783",
            "A323456789",
            "A12345678",
            "A800000015",
            "A700000001",
            "AA00000008",
            "AE00000001",
        ] {
            assert_eq!(validate_id(v), None, "{v}");
        }
    }

    #[test]
    fn ids_are_found_through_evasions() {
        let table: &[(&str, &str)] = &[
            ("身分證B127361586，住", "B127361586"),
            ("身分證字號 k220819374（小寫）", "k220819374"),
            ("Ｈ２８８４４１０２５", "Ｈ２８８４４１０２５"),
            ("M 1 9 9 2 3 5 5 7 0 林志豪", "M 1 9 9 2 3 5 5 7 0"),
            (
                "陳佳蓉 S155\u{200B}204\u{200B}689 這個",
                "S155\u{200B}204\u{200B}689",
            ),
            ("舊居留證GB24088316，要換新式", "GB24088316"),
            ("居留證 E860277160", "E860277160"),
        ];
        for (text, want) in table {
            let got: Vec<String> = [EntityKind::NationalId, EntityKind::ResidentId]
                .iter()
                .flat_map(|&k| texts(text, k))
                .collect();
            assert_eq!(got, vec![want.to_string()], "in {text:?}");
        }
        assert!(texts("訂單編號B223456783的紙箱", EntityKind::NationalId).is_empty());
        assert!(texts("例如A123456789是教科書範例", EntityKind::NationalId).is_empty());
        assert!(texts("收文號XA115881394", EntityKind::NationalId).is_empty());
    }

    #[test]
    fn phones_in_every_style() {
        for (text, want) in [
            ("手機0932-118-406，", "0932118406"),
            ("+886 912 345 678", "0912345678"),
            ("886912345678", "0912345678"),
            ("+886-912-345678", "0912345678"),
            ("０９１２３４５６７８", "0912345678"),
            ("〇九五二七七一三〇八", "0952771308"),
            ("0 9 1 8 - 3 3 0 - 2 7 5", "0918330275"),
            ("0912.345.678", "0912345678"),
            ("0912–345–678", "0912345678"),
        ] {
            let got = found(text, EntityKind::Mobile);
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!(got[0].1.as_deref(), Some(want), "{text}");
        }
        assert!(found("0912-34-567", EntityKind::Mobile).is_empty());
        assert!(found("0912-345-6789", EntityKind::Mobile).is_empty());
        for text in [
            "(02)2345-6789",
            "04-2234-5678",
            "049-2345678",
            "(03)345-6789",
            "07-3456789",
        ] {
            assert_eq!(found(text, EntityKind::Landline).len(), 1, "{text}");
        }
        assert!(found("0800-000-123", EntityKind::Landline).is_empty());
    }

    #[test]
    fn passport_nhi_and_plates_need_their_shape() {
        assert_eq!(
            texts("護照號碼 318204576 周美玲", EntityKind::Passport),
            vec!["318204576"]
        );
        assert_eq!(
            texts("護照號碼 3 1 8 2 0 4 5 7 6 那位", EntityKind::Passport),
            vec!["3 1 8 2 0 4 5 7 6"]
        );
        assert!(texts("訂單 318204576", EntityKind::Passport).is_empty());
        assert_eq!(
            texts("健保卡號 0000 3318 2046，", EntityKind::NhiCard),
            vec!["0000 3318 2046"]
        );
        assert_eq!(
            texts("停車名單：RDK-6158 李建國", EntityKind::Plate),
            vec!["RDK-6158"]
        );
        assert_eq!(
            texts("車號AB-1234的公務車", EntityKind::Plate),
            vec!["AB-1234"]
        );
        assert!(texts("ABC-1234", EntityKind::Plate).is_empty());
        assert!(texts("ABI-1235", EntityKind::Plate).is_empty());
    }

    #[test]
    fn addresses_need_a_house_number_and_a_road() {
        for text in [
            "新北市板橋區文化里5鄰中山路一段100巷5弄3號4樓之2",
            "桃園市中壢區中央西路二段30號",
            "臺中市西屯區台灣大道三段99號10樓",
            "光明路5巷12號三樓",
            "民生東路三段100-2號",
            "中山路二段 2 1 5 號",
        ] {
            assert_eq!(texts(text, EntityKind::Address).len(), 1, "{text}");
        }
        assert!(texts("明天 10 號開會", EntityKind::Address).is_empty());
        assert!(texts("我們約 3 號", EntityKind::Address).is_empty());
    }

    #[test]
    fn dates_weekdays_and_relative_days() {
        let dates = [
            ("民國115年11月27日", "2026-11-27"),
            ("中華民國115年11月27號", "2026-11-27"),
            ("民國一一五年十一月二十七日", "2026-11-27"),
            ("十二月十一日上午", "--12-11"),
            ("2026年11月27日", "2026-11-27"),
            ("115/12/10（四）", "115/12/10"),
            ("12/3發病", "12/3"),
            ("１２／１８（四）", "12/18"),
        ];
        for (text, want) in dates {
            let got = found(text, EntityKind::Date);
            assert!(
                got.iter().any(|(_, v)| v.as_deref() == Some(want)),
                "{text}: {got:?}"
            );
        }
        assert!(found("十三月四十日", EntityKind::Date).is_empty());
        for text in [
            "周三",
            "週三",
            "星期三",
            "禮拜三",
            "礼拜三",
            "下禮拜三",
            "下周一",
            "12/16（二）",
        ] {
            assert_eq!(texts(text, EntityKind::Weekday).len(), 1, "{text}");
        }
        for text in ["今天", "明早", "後天", "今晚", "下周一", "大後天"] {
            assert!(!texts(text, EntityKind::RelativeDay).is_empty(), "{text}");
        }
        assert_eq!(texts("昨天的稽查", EntityKind::PastDay), vec!["昨天"]);
    }

    #[test]
    fn times_in_digits_and_chinese_numerals() {
        for (text, want) in [
            ("上午10點", "10:00"),
            ("十點半", "10:30"),
            ("下午兩點半", "14:30"),
            ("今晚十一點半", "23:30"),
            ("10時", "10:00"),
            ("3點一刻", "03:15"),
            ("晚上八點", "20:00"),
            ("九點半", "09:30"),
        ] {
            let got = found(text, EntityKind::Time);
            assert!(
                got.iter().any(|(_, v)| v.as_deref() == Some(want)),
                "{text}: {got:?}"
            );
        }
        assert!(found("14:00", EntityKind::Time)
            .iter()
            .any(|(_, v)| v.as_deref() == Some("14:00")));
        assert!(found("快一點", EntityKind::Time).is_empty());
    }

    #[test]
    fn chinese_numbers_parse() {
        for (s, v) in [
            ("十一", 11),
            ("二十八", 28),
            ("一百一十五", 115),
            ("一一五", 115),
            ("兩百一十四", 214),
            ("廿八", 28),
            ("十", 10),
            ("一百零五", 105),
            ("12", 12),
        ] {
            assert_eq!(parse_number(s), Some(v), "{s}");
        }
    }

    #[test]
    fn people_places_and_medical_details() {
        assert_eq!(
            texts("確診者王○明住", EntityKind::PersonName),
            vec!["王○明"]
        );
        assert!(texts("林姓男子", EntityKind::PersonName).contains(&"林姓".to_string()));
        assert!(
            texts("檢舉人是對面的黃小姐", EntityKind::PersonName).contains(&"黃小姐".to_string())
        );
        assert!(texts("姓名：高明哲", EntityKind::PersonName).contains(&"高明哲".to_string()));
        assert!(!texts("45歲男", EntityKind::Age).is_empty());
        assert!(!texts("（F,34）", EntityKind::Age).is_empty());
        assert!(!texts("稽查○○食品行", EntityKind::Business).is_empty());
        assert_eq!(texts("隔離病房308床", EntityKind::Bed), vec!["308床"]);
        assert_eq!(texts("8A病房 3床", EntityKind::Bed), vec!["8A病房", "3床"]);
        assert_eq!(
            texts("病歷號 B0098765 住院", EntityKind::MedicalRecord).len(),
            1
        );
        assert_eq!(
            texts("四年五班的王同學", EntityKind::SchoolClass),
            vec!["四年五班"]
        );
        assert!(!texts("case 2031 = 中山", EntityKind::CaseNumber).is_empty());
        assert_eq!(texts("住在C棟9樓", EntityKind::Floor), vec!["9樓"]);
        assert_eq!(texts("住在C棟9樓", EntityKind::Building), vec!["C棟"]);
        assert_eq!(texts("8F住戶", EntityKind::Floor), vec!["8F"]);
    }

    #[test]
    fn streets_districts_and_name_tokens() {
        assert_eq!(
            texts("住在和平東路三段那邊", EntityKind::Street),
            vec!["住在和平東路三段"]
        );
        assert_eq!(
            texts("湖口鄉的養雞場", EntityKind::District),
            vec!["湖口鄉"]
        );
        assert!(texts("這個社區很安靜", EntityKind::District).is_empty());
        assert_eq!(
            texts("名單：陳文宏、林靜怡", EntityKind::NameToken),
            vec!["陳文宏", "林靜怡"]
        );
        // A three-character word ending in a unit is not a name.
        assert!(texts("到陳情人那邊", EntityKind::NameToken).is_empty());
        assert_eq!(texts("王○明", EntityKind::PersonName), vec!["王○明"]);
        assert!(texts("小陳你好", EntityKind::PersonName).contains(&"小陳".to_string()));
        assert!(texts("姓劉的", EntityKind::PersonName).contains(&"姓劉".to_string()));
    }

    #[test]
    fn ages_cases_and_businesses() {
        for text in ["68歲男性", "男58", "女,29", "F 50S", "三十五歲", "7個月大"] {
            assert!(!texts(text, EntityKind::Age).is_empty(), "{text}");
        }
        assert!(texts("3個月前", EntityKind::Age).is_empty());
        for text in ["案379", "個案編號T-1152", "第12個確診者"] {
            assert!(!texts(text, EntityKind::CaseNumber).is_empty(), "{text}");
        }
        for text in ["○○冷凍食品行", "鼎好滷味", "三重○○網咖", "○○ KTV"] {
            assert!(!texts(text, EntityKind::Business).is_empty(), "{text}");
        }
        // Phrases ending in a suffix character are not businesses.
        assert!(texts("紅燈右轉都不行", EntityKind::Business).is_empty());
    }
}
