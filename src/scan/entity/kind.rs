//! What an entity is: its kinds, the snake_case names packs and JSON use,
//! how redaction masks each, and a set of kinds as a bit set.

use serde::{Deserialize, Serialize};

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
    /// Passport number next to 護照 / passport (Taiwan's nine digits, or a
    /// foreign one's letters and digits).
    Passport,
    /// Twelve-digit NHI card number next to 健保.
    NhiCard,
    /// Bank or postal account number (10 to 17 digits) next to an account
    /// label, a bank's name or its three-digit code.
    BankAccount,
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
    /// A link to a host under gov.tw, edu.tw or gov.taipei.
    GovLink,
    /// A link that imitates a government host: gov or an agency's name
    /// inside another domain, punycode, letters of another script.
    LookalikeLink,
    /// A link that hides where it goes: a URL shortener or a bare IP address.
    HiddenLink,
    /// Any other link.
    OutsideLink,
    /// An attachment name whose extension runs code or macros (.exe, .html,
    /// .docm …).
    RiskyFile,
    /// An executable behind a document's or a picture's extension
    /// (名冊.pdf.exe).
    DisguisedFile,
    /// Words quoted as an example of what must not be said, in a reminder
    /// or a rule (不要說「確診者住在XX大樓」, 「幾點去哪家」這類資訊).
    QuotedExample,
    /// A message quoted as someone sent it, in a ruling, a news report or
    /// a retelling (被告以LINE傳送『…』等語): the quoted words are the
    /// message itself, so the framing around them (被告, 判決, 新聞) does
    /// not make them harmless.
    ReportedMessage,
    /// A bare 密 heading a message as its grade (密 底價表…, 密：…).
    HeadStamp,
    /// A 考績 grade letter said alone as a grade (今年丙, 保住甲, 改成乙).
    GradeWord,
}

impl EntityKind {
    /// Every kind, in declaration order.
    pub const ALL: [EntityKind; 36] = [
        EntityKind::NationalId,
        EntityKind::ResidentId,
        EntityKind::Mobile,
        EntityKind::Landline,
        EntityKind::Passport,
        EntityKind::NhiCard,
        EntityKind::BankAccount,
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
        EntityKind::GovLink,
        EntityKind::LookalikeLink,
        EntityKind::HiddenLink,
        EntityKind::OutsideLink,
        EntityKind::RiskyFile,
        EntityKind::DisguisedFile,
        EntityKind::QuotedExample,
        EntityKind::ReportedMessage,
        EntityKind::HeadStamp,
        EntityKind::GradeWord,
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
            EntityKind::BankAccount => "bank_account",
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
            EntityKind::GovLink => "gov_link",
            EntityKind::LookalikeLink => "lookalike_link",
            EntityKind::HiddenLink => "hidden_link",
            EntityKind::OutsideLink => "outside_link",
            EntityKind::RiskyFile => "risky_file",
            EntityKind::DisguisedFile => "disguised_file",
            EntityKind::QuotedExample => "quoted_example",
            EntityKind::ReportedMessage => "reported_message",
            EntityKind::HeadStamp => "head_stamp",
            EntityKind::GradeWord => "grade_word",
        }
    }

    const fn bit(self) -> u64 {
        1 << (self as u64)
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
                | EntityKind::BankAccount
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
            EntityKind::Passport
            | EntityKind::NhiCard
            | EntityKind::BankAccount
            | EntityKind::MedicalRecord => significant(0, 2),
            EntityKind::Plate => significant(1, 1),
            EntityKind::Address => Some(Mask::HouseNumbers),
            EntityKind::PersonName | EntityKind::NameToken => Some(Mask::Name),
            EntityKind::GovLink
            | EntityKind::LookalikeLink
            | EntityKind::HiddenLink
            | EntityKind::OutsideLink => Some(Mask::Link),
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
            | EntityKind::CaseNumber
            | EntityKind::RiskyFile
            | EntityKind::DisguisedFile
            | EntityKind::QuotedExample
            | EntityKind::ReportedMessage
            | EntityKind::HeadStamp
            | EntityKind::GradeWord => None,
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
    /// A link is shown as its host, not clickable: the scheme and path go,
    /// dots become `․` (a warning must not re-post a phishing link).
    Link,
}

/// A set of entity kinds, as a bit set (room for 64 kinds; 36 are used).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindSet(u64);

// Every kind has its bit.
const _: () = assert!(EntityKind::ALL.len() <= 64);

impl KindSet {
    /// The link kinds, one per class of host.
    pub const LINKS: KindSet = KindSet(
        EntityKind::GovLink.bit()
            | EntityKind::LookalikeLink.bit()
            | EntityKind::HiddenLink.bit()
            | EntityKind::OutsideLink.bit(),
    );
    /// The attachment-name kinds.
    pub const FILES: KindSet =
        KindSet(EntityKind::RiskyFile.bit() | EntityKind::DisguisedFile.bit());

    /// The set of `kinds`.
    pub const fn of(kinds: &[EntityKind]) -> KindSet {
        let mut set = 0;
        let mut i = 0;
        while i < kinds.len() {
            set |= kinds[i].bit();
            i += 1;
        }
        KindSet(set)
    }

    /// Adds a kind.
    pub fn insert(&mut self, kind: EntityKind) {
        self.0 |= kind.bit();
    }
    /// Whether the set holds `kind`.
    pub fn contains(self, kind: EntityKind) -> bool {
        self.0 & kind.bit() != 0
    }
    /// Union of two sets.
    pub const fn union(self, other: KindSet) -> KindSet {
        KindSet(self.0 | other.0)
    }
    /// The kinds of `self` not in `other`.
    pub fn difference(self, other: KindSet) -> KindSet {
        KindSet(self.0 & !other.0)
    }
    /// Whether the two sets share a kind.
    pub fn intersects(self, other: KindSet) -> bool {
        self.0 & other.0 != 0
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
