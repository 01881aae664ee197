//! Quoted examples: words put in quotation marks as an example of what
//! must not be said, in reminders and rules ("不要說「確診者住在XX大樓」",
//! "「明天幾點去哪家」這類資訊", "不可以說「是你鄰居檢舉的」或「檢舉人有
//! 拍照」"). The quoted words carry a leak's vocabulary, but the message
//! quotes them to forbid them; packs count the entity as negative evidence.
//!
//! Reported messages are the other way round: a message quoted as it was
//! sent, in a ruling, a news report or a retelling (被告以LINE傳送『…』等語,
//! 告知被檢舉人「…」). What is quoted is the leak itself; the scan judges
//! it without the framing (被告, 判決, 新聞) that makes talk about a leak
//! harmless.

use regex::Regex;

use super::{compile, preceded_by, EntityKind, Extraction};

/// This family's recognizer, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) example: Regex,
    pub(super) reported: Regex,
}

/// One quotation (「…」, 『…』, “…”) of at most forty characters on one
/// line, and a chain of them joined by 、, a comma, 或, 和, 跟 or 及.
const CHAIN: &str = "[「『“][^「『“」』”\n]{1,40}[」』”](?:[、,或和跟及與]{1,2}[「『“][^「『“」』”\n]{1,40}[」』”])*";

pub(super) fn build() -> Recognizers {
    // A prohibition (不要, 不可以, 不得, 別, 勿, 避免, 禁止…), then within a
    // few characters a verb of saying or showing, then the quotation; or
    // the quotation followed by "this kind of" (這種, 這類, 之類); or, as a
    // reminder puts it, a prohibition, the quotation and its verb of
    // sending after it (請勿將「…」轉傳到其他群組, 不要把「…」貼到群組). A
    // ruling's 「…」等語 quotes what was said, and is no example.
    let prohibition = "(?:不要|不可以|不可|不能|不得|不准|別|勿|避免|禁止|切勿|嚴禁)";
    let say =
        "(?:說|講|回答|回覆|回|討論|出現|寫|提到|提|透露|問|貼|PO|傳|告知|散布|散播|發送|留言)";
    // Within one clause: no stop, comma or colon between the prohibition,
    // the verb and the quotation ("不能確定，但里長說「…」" is reported speech).
    let between = "[^。!?;,:\\n 「『“]";
    // A quotation and, after it in the same clause, its verb of sending
    // (將「…」以LINE傳送予): sent in a ruling, or, after a prohibition and
    // 將 or 把, an order not to send it.
    let sent = |capture: bool| {
        let (open, close) = if capture { ("(", ")") } else { ("(?:", ")") };
        format!("{open}{QUOTE}{close}[^。!?;,\\n「『」』]{{0,16}}?(?:{SENT_AFTER})")
    };
    let (sent, sent_captured) = (sent(false), sent(true));
    Recognizers {
        example: compile(&format!(
            "{prohibition}{between}{{0,4}}?{say}{between}{{0,6}}?{CHAIN}|{CHAIN}(?:這種|這類|之類|這樣的話|這些話)|{prohibition}{between}{{0,2}}?(?:將|把){between}{{0,6}}?{sent}"
        )),
        // A verb of sending a message, then (after its channel and
        // addressee, in the same clause: no stop or comma) the quotation;
        // or a quotation a ruling closes with 等語 (and the like). A rumour
        // quoted as it went round (網傳「…」, 轉傳「…」) is one unless the
        // message denies it; statements (表示「…」) are not, unless a
        // ruling closes them so.
        // A ruling's 並稱 counts only after the message's channel in the
        // same sentence (以LINE傳送予乙公司，並稱「…」): a statement's 並稱
        // (指揮中心…並稱「…」) is no sent message. Words said to someone
        // (向廠商表示「…」, 對賭場經營者稱「…」, 跟廠商說「…」, 打給廠商說
        // 「…」) are, unless said to the press or the public (向媒體, 對記者,
        // 對外, 向民眾). A ruling's 將「…」以LINE傳送予 puts the quotation
        // before its verb: group 5 (請勿將「…」轉傳 is a quoted example).
        // What a message said to anyone, its channel named first as a
        // ruling names it (以LINE對工地主任表示：「…」, 以LINE告訴委託人：
        // 「…」), is group 6 (not after 可 or 所: see `reported_messages`);
        // a text message quoted is more often a lure retold (收到簡訊說
        // 「…」) and is left out.
        reported: compile(&format!(
            "(?:{SEND})[^。!?;,\\n「『」』]{{0,24}}?({QUOTE})|({QUOTE})(?:等語|等文字|等字句|等訊息|之訊息|等內容|等資料|等資訊)|(?:{CHANNEL})[^。!?;\\n「『」』]{{0,40}}?並(?:稱|告以)({QUOTE})|(?:向|對|跟|給|致電|打給|電告)[^。!?;,\\n「『」』]{{0,8}}?(?:{PRIVATE})[^。!?;,\\n「『」』]{{0,4}}?(?:表示|稱|說|透露)[:]?({QUOTE})|{sent_captured}|以(?:LINE|私訊|通訊軟體)[^。!?;,\\n「『」』]{{0,16}}?(?:表示|稱|說|告知|告以|告訴)[^。!?;,\\n「『」』]{{0,8}}?({QUOTE})"
        )),
    }
}

/// Verbs of sending or posting a message (傳送, 傳至, 私訊, 張貼, 轉貼,
/// 告知, 透露, 附言…), and what an incident report or a news story says of
/// one: passed on in a chat (轉傳, 群組傳出), written (寫下, 寫著, 直接打),
/// its content given (內容為), a record of it cited (引述…訊息, 引用的LINE,
/// 所載對話, 起訴書裡的對話「…」), what a paper or a still bore (內容
/// 載明「…」, 上頭標註「…」), a favour asked in it (拜託同事：「…」), a
/// record's result given (入出境紀錄為『…』), a paper's words (說明三是這樣
/// 寫的：『…』), words said in a group chat (在社區群組說「…」) or a rumour
/// quoted as it went round (網傳：「…」, 群組已流傳「…」, as fact-checkers and the news
/// reproduce it), a result sent back (回傳「…」), a table's rows (表列
/// 「…」), a file's content (內容包括「…」), a message's words (訊息寫
/// 「…」) or a chat that got out (群組訊息外流：「…」, as the news quotes it).
/// A rumour passed on and then denied is still none (see [`denied`]).
const SEND: &str = "網傳|流傳|傳送|傳至|私訊|張貼|轉貼|透露|告以|附言|直接打|(?:引述|引用)[^。!?;,\\n「『」』]{0,10}?(?:訊息|對話|簡訊|LINE|留言|說法)|拜託|請託|貼文稱?|貼出|發送|回覆|告知|留言稱?|傳訊息?|PO文稱?|發文稱|寫道|轉傳|群組傳出|寫下|寫著|內容為|內容是|(?:紀錄|資料|結果)為|是這樣寫的?|群組(?:裡|內|中)?(?:說|稱|表示)|對話:|所載對話|的對話|載明|上頭標註|回傳|表列|內容(?:包括|包含)|訊息寫|(?:訊息|對話|截圖)外流";

/// What 以 ends in advice rather than in a ruling's channel (可以, 所以,
/// 予以, 得以, 加以, 足以, 難以).
const ADVICE_YI: [char; 7] = ['可', '所', '予', '得', '加', '足', '難'];

/// Verbs of sending after the quotation they send (將「…」以LINE傳送予,
/// 將陳情內容「…」轉傳予, 把「…」拍照貼到群組).
const SENT_AFTER: &str = "傳送|轉傳|傳給|傳予|傳至|寄給|寄送|轉寄|轉知|張貼|貼到|貼至|貼在";

/// Whom words were said to privately (向廠商表示「…」, 對賭場經營者稱
/// 「…」); what is said to the press, a council, a court or the public is
/// a statement, not a message passed on.
const PRIVATE: &str = "廠商|業者|經營者|負責人|被檢舉人|對方|友人|朋友|老闆|店家|家屬|親友";

/// Addressees that make quoted words public: said to them, a quote is a
/// statement even after a verb of sending (局長向媒體透露「…」, 指揮中心
/// 拜託民眾「…」).
const PUBLIC: [&str; 18] = [
    "向媒體",
    "對媒體",
    "向記者",
    "對記者",
    "記者會",
    "向本報",
    "對本報",
    "向中央社",
    "向議會",
    "議會報告",
    "向議員",
    "向立委",
    "向法官",
    "對法官",
    "民眾",
    "市民",
    "外界",
    "國人",
];

/// How a ruling names the channel a message went by.
const CHANNEL: &str = "LINE|臉書|FACEBOOK|訊息|群組|簡訊|私訊|通訊軟體|傳予|傳給|傳送予";

/// One quotation of a sent message, on one line, its marks paired: six
/// characters at least (「限閱」 is a word, not a message); each kind may
/// hold the other inside (網傳：「那家『好蔬食』的…」).
const QUOTE: &str = "「[^「」\\n]{6,300}」|『[^『』\\n]{6,300}』";

/// Quoted examples of what must not be said; only when a quotation mark
/// is there.
#[inline]
pub(super) fn quoted_examples(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if kinds.contains(EntityKind::QuotedExample) && s.contains(['「', '『', '“']) {
        for m in examples(r, s) {
            cx.push(EntityKind::QuotedExample, m.start(), m.end(), None);
        }
    }
}

/// The quoted examples in `s`, in order: the pattern's matches that open
/// with a prohibition indeed.
fn examples<'r, 's>(
    r: &'r Recognizers,
    s: &'s str,
) -> impl Iterator<Item = regex::Match<'s>> + use<'r, 's> {
    r.example
        .find_iter(s)
        .filter(|m| is_prohibition(s, m.start()))
}

/// Messages quoted as sent (see the module notes); only when a quotation
/// mark is there. The entity is the quotation, marks included. A
/// quotation given as an example of what must not be said is none, and
/// neither is one the message goes on to deny (網傳『…』等語，純屬謠言).
#[inline]
pub(super) fn reported_messages(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if !kinds.contains(EntityKind::ReportedMessage) || !s.contains(['「', '『']) || denied(s) {
        return;
    }
    // Sorted and apart: each quotation finds its neighbours by bisection.
    let examples: Vec<(usize, usize)> = examples(r, s).map(|m| (m.start(), m.end())).collect();
    for c in r.reported.captures_iter(s) {
        let Some(q) = (1..=6).find_map(|i| c.get(i)) else {
            continue;
        };
        // Not the 以 of 可以 or 所以 (advice, not a message): looked at
        // here, since a class before 以 in the pattern would cost the whole
        // pattern its literal prefilter (eval +30 %).
        let whole = c.get(0).map_or(q.start(), |m| m.start());
        if c.get(6).is_some() && s[..whole].ends_with(ADVICE_YI) {
            continue;
        }
        let k = examples.partition_point(|&(_, end)| end <= q.start());
        let quoted_example = examples.get(k).is_some_and(|&(start, _)| start < q.end());
        // Within the clause before it: a duty or a template (24
        // characters), or words said to the press or the public (16).
        let framed =
            preceded_by(s, q.start(), 24, &DUTIES) || preceded_by(s, q.start(), 16, &PUBLIC);
        if quoted_example || framed {
            continue;
        }
        cx.push(EntityKind::ReportedMessage, q.start(), q.end(), None);
    }
}

/// Whether a message denies what it quotes (網傳『…』等語，純屬謠言;
/// 經查並非如此。有人轉傳「…」): one pass over it, wherever the denial is.
fn denied(s: &str) -> bool {
    const DENIALS: [&str; 29] = [
        "不實",
        "誤傳",
        "是錯的",
        "勿輕信",
        "並無相關",
        "並無本土",
        "無此事",
        "謠言",
        "假訊息",
        "假消息",
        "假的",
        "闢謠",
        "並非事實",
        "並非如此",
        "純屬",
        "不是真的",
        "錯誤訊息",
        "子虛烏有",
        "澄清",
        "舊聞",
        // A fact-check's verdict (網傳「…」訊息為詐騙; 網傳內容錯誤; 經比對
        // 為國外影片，與國內案件無關; 移花接木的舊圖).
        "為詐騙",
        "內容錯誤",
        "與事實不符",
        "與國內案件無關",
        "移花接木",
        "張冠李戴",
        // An IT unit's warning about a file in its name (如有人傳送「VPN
        // 更新檔.exe」等檔案，請勿開啟，那不是我們寄的).
        "不是我們寄的",
        "請勿開啟",
        // A favour quoted to say it is always refused (親友請託「幫忙查
        // 一下…」一律婉拒).
        "一律婉拒",
    ];
    DENIALS.iter().any(|w| s.contains(w))
}

/// What makes a quotation after it a duty or a template (承辦人應回覆
/// 「…」, SOP, 範本, 例如): what is to be said, not what was sent.
const DUTIES: [&str; 12] = [
    "應以",
    "請以",
    "應回覆",
    "應告知",
    "應答覆",
    "應說明",
    "範本",
    "範例",
    "SOP",
    "例如",
    "請回覆",
    "一律回覆",
];

/// Whether the match at `at` opens with a prohibition indeed, or with its
/// quotation: 別 inside 特別, 分別 or 別人, 不得不, 不能不 or 不可能 (must,
/// cannot but), 不要緊 (never mind) and the 不 of 能不能 forbid nothing.
fn is_prohibition(s: &str, at: usize) -> bool {
    let rest = &s[at..];
    if ["不得不", "不能不", "不可能", "不要緊"]
        .iter()
        .any(|w| rest.starts_with(w))
    {
        return false;
    }
    // A question put as A-not-A (能不能, 要不要, 可不可以) asks, it does
    // not forbid.
    if let Some(after) = rest.strip_prefix('不') {
        let before = s[..at].chars().next_back();
        if before.is_some() && before == after.chars().next() {
            return false;
        }
    }
    if rest.starts_with('別') {
        let before = s[..at].chars().next_back();
        let after = rest.chars().nth(1);
        let in_word = before.is_some_and(|c| "特分個區性類識辨告".contains(c));
        return !in_word && after != Some('人');
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::testing::texts;
    use super::*;

    /// Each of `found` is read as one entity of `kind` with the given
    /// text, and none of `none` holds one.
    fn reads(kind: EntityKind, found: &[(&str, &str)], none: &[&str]) {
        for (text, quoted) in found {
            assert_eq!(texts(text, kind), vec![*quoted], "{text}");
        }
        for text in none {
            assert!(texts(text, kind).is_empty(), "{text}");
        }
    }

    #[test]
    fn quotations_given_as_what_not_to_say() {
        reads(
            EntityKind::QuotedExample,
            &[
                (
                    "提醒：對外不要說「確診者住在XX大樓幾樓」、「個案在哪間公司上班」這種話",
                    "不要說「確診者住在XX大樓幾樓」、「個案在哪間公司上班」",
                ),
                (
                    "重申：任何群組都不得出現「明天幾點去哪家」這類稽查資訊",
                    "不得出現「明天幾點去哪家」",
                ),
                (
                    "開標前不要回答廠商「有幾家來投」、「委員是誰」這種問題",
                    "不要回答廠商「有幾家來投」、「委員是誰」",
                ),
                (
                    "「是你隔壁鄰居檢舉的」這類話不能講",
                    "「是你隔壁鄰居檢舉的」這類",
                ),
                // A reminder not to pass a quoted message on.
                (
                    "請勿將「確診者住在哪一棟」轉傳到其他群組",
                    "勿將「確診者住在哪一棟」轉傳",
                ),
                (
                    "大家不要把陳情內容「檢舉人是對面麵店老闆」貼到群組",
                    "不要把陳情內容「檢舉人是對面麵店老闆」貼到",
                ),
            ],
            // A quotation that is what someone said, or a stamp, is no example.
            &[
                "他說「確診的是三樓王小姐」，先不要講出去",
                "公文右上角蓋「密」",
                "課長交代「明天九點去○○餐廳」",
                "他特別提到「檢舉人是隔壁王太太」",
                "不能確定，但里長說「檢舉人是隔壁王太太」",
                "不要說出去，因為他說「明天去稽查」",
                "主任將「明天九點去三家稽查」轉傳給業者",
                "不要緊，他已將「明天九點去三家稽查」轉傳給業者",
                "不要緊他已經把「明天九點去三家稽查」轉傳給業者",
                "你能不能把「明天九點去三家稽查」傳給我",
                "他從別的群組把「明天九點去三家稽查」轉傳給業者",
            ],
        );
    }

    #[test]
    fn messages_quoted_as_sent() {
        reads(
            EntityKind::ReportedMessage,
            &[
                (
                    "被告於LINE群組傳送『今年考績丙等是劉技佐』等語，經法院判決",
                    "『今年考績丙等是劉技佐』",
                ),
                (
                    "被告以LINE告知被檢舉人「檢舉你的是隔壁老吳」，致檢舉人遭恐嚇",
                    "「檢舉你的是隔壁老吳」",
                ),
                ("判決認定其散布『三年二班有確診』等語", "『三年二班有確診』"),
                ("原判決認定『底價抓一千萬』等語屬實", "『底價抓一千萬』"),
                (
                    "被告將報價單翻拍傳予乙公司，並稱「他們報900萬，你們壓到880就贏了」",
                    "「他們報900萬，你們壓到880就贏了」",
                ),
                // As an incident report or a news story tells it.
                (
                    "護理師在親友群組轉傳「麻疹個案是和平路早餐店的阿姨」，院方表示將調查",
                    "「麻疹個案是和平路早餐店的阿姨」",
                ),
                // As bulletins and reports retell a result, a table or a file.
                (
                    "員警應朋友請託查詢，回傳「她以前有一筆毒品，緩起訴」，已移送偵辦",
                    "「她以前有一筆毒品，緩起訴」",
                ),
                (
                    "人事室將評分結果傳送予參加人，表列「第一名黃○○ 86.5分」，違反規定",
                    "「第一名黃○○ 86.5分」",
                ),
                (
                    "技士在開標前打電話給廠商說「這次底價抓三百四十六萬」，廠商得標",
                    "「這次底價抓三百四十六萬」",
                ),
                // Said in a group, as a bulletin retells it.
                (
                    "課員在里民群組中表示「檢舉的就是住5號的林太太」，引發糾紛",
                    "「檢舉的就是住5號的林太太」",
                ),
                (
                    "外洩的訊息內容為：「H1N1重症是三年級陳同學」",
                    "「H1N1重症是三年級陳同學」",
                ),
                (
                    "截圖顯示組長寫下「腸病毒的是小班的林小妹」",
                    "「腸病毒的是小班的林小妹」",
                ),
                (
                    "家長轉貼：「302班的許同學流感插管，在加護病房」",
                    "「302班的許同學流感插管，在加護病房」",
                ),
                (
                    "被告向廠商透露「評分出來了，你們第一名」，經判決有罪",
                    "「評分出來了，你們第一名」",
                ),
                (
                    "被告員警對賭場經營者稱「是你們同業的阿德去報的」，經判決有罪",
                    "「是你們同業的阿德去報的」",
                ),
                (
                    "被告將該報告拍照傳出，內容載明「高風險人員：採購科2名」",
                    "「高風險人員：採購科2名」",
                ),
                (
                    "網傳：「那家『好蔬食』的老闆娘確診了，住店後面」",
                    "「那家『好蔬食』的老闆娘確診了，住店後面」",
                ),
                (
                    "起訴書裡的對話是這樣：「底價跟預算差不多，你們抓九成」",
                    "「底價跟預算差不多，你們抓九成」",
                ),
                (
                    "起訴書引述被告訊息：「審查委員住崇德路，你們可以去拜訪」",
                    "「審查委員住崇德路，你們可以去拜訪」",
                ),
                (
                    "將查得之「戶籍在彰化縣員林市，父已歿」等資料傳給討債集團",
                    "「戶籍在彰化縣員林市，父已歿」",
                ),
                (
                    "委員私訊廠商「你們總分第二，議價時還有機會」，違反保密義務",
                    "「你們總分第二，議價時還有機會」",
                ),
                (
                    "被告於開標前以簡訊傳至廠商手機：「底價抓九成，不要跟別人說」",
                    "「底價抓九成，不要跟別人說」",
                ),
                (
                    "秘書在開標前一晚跟廠商說「底價只有預算的九成，報低一點」",
                    "「底價只有預算的九成，報低一點」",
                ),
                (
                    "被告查得告訴人入出境紀錄為『5月3日出境至胡志明市，8月20日入境』，並轉知前夫",
                    "『5月3日出境至胡志明市，8月20日入境』",
                ),
                (
                    "約聘人員在社區群組說「3樓王太太去年看了6次精神科」",
                    "「3樓王太太去年看了6次精神科」",
                ),
                (
                    "某員於科內群組拜託同事：「幫我查一下他有沒有前科」",
                    "「幫我查一下他有沒有前科」",
                ),
                (
                    "網傳：「三重市場豬肉攤的老闆得了A肝，攤位在入口第二攤」",
                    "「三重市場豬肉攤的老闆得了A肝，攤位在入口第二攤」",
                ),
                // The quotation before its verb of sending, as rulings write
                // it; a call to a vendor; a rumour that went round.
                (
                    "被告將「明早九點稽查你們廚房」以LINE傳送予該店負責人",
                    "「明早九點稽查你們廚房」",
                ),
                (
                    "科長於開標當日致電另一廠商表示：「乙公司報了900萬，你們再低一點」",
                    "「乙公司報了900萬，你們再低一點」",
                ),
                (
                    "教師群組已流傳「體育組長這次要記過一次」，教師會質疑",
                    "「體育組長這次要記過一次」",
                ),
                // A chat that got out, as the news quotes it.
                (
                    "某工廠員工群組訊息外流：「包裝線的阿芳確診了，主管叫大家照常上班」",
                    "「包裝線的阿芳確診了，主管叫大家照常上班」",
                ),
                // What a message told someone, its channel named first.
                (
                    "私下查詢入出境資料後，以LINE告訴委託人：「他10月23日出境，到現在都還沒入境」",
                    "「他10月23日出境，到現在都還沒入境」",
                ),
                (
                    "檢查員曾以LINE對營造廠工地主任表示：「明日上午將至貴工地執行專案檢查」",
                    "「明日上午將至貴工地執行專案檢查」",
                ),
            ],
            // A statement, a rumour that is denied, an example of what must
            // not be said and a stamp are no sent messages.
            &[
                "衛生局表示「目前沒有新增個案」",
                "局長向媒體表示「稽查會持續進行」",
                "發言人對外稱「本案已移送偵辦」",
                "衛生局長今天在記者會上對此表示「確診的是光復國小五年三班的學生」",
                "局長向議會報告稱「檢舉人是附近的住戶」",
                "局長向媒體透露「明天會到這三家稽查」",
                "疾管署今日發布訊息：「新增一例確診，個案為30多歲女性」",
                "指揮中心拜託民眾「確診者足跡請自行查詢」",
                "網傳『某醫院有人確診』等語，經查純屬謠言",
                "網傳「某洗衣店老闆得登革熱」？衛生局：相關訊息為誤傳",
                "有人轉傳「三年二班有確診」，學校已澄清",
                "轉傳：『某醫院有病人逃出隔離病房』，衛生局澄清為舊聞",
                "不要回覆「檢舉人是誰」這種問題",
                "請勿透露「檢舉人住幾樓」之類的資訊",
                "公文右上角蓋「密」",
                "有人轉傳『極機密:本局明年裁撤兩個科』，那是假的",
                "經查並非如此。有人轉傳「三年二班有確診」等語",
                "網傳影片稱「監視器拍到小偷翻牆」，經比對為國外影片，與國內案件無關",
                "提醒同仁：不得告知被檢舉人「檢舉人是隔壁的王太太」",
                "SOP第3點：承辦人應回覆檢舉人「您檢舉的餐廳本局已派員稽查」",
                "我已經回覆了,里長說「檢舉人是隔壁王太太」",
                "指揮中心今日記者會說明疫情，並稱「確診者曾到過第一市場」",
                "如有人以LINE傳送「VPN更新檔.exe」等檔案，請勿開啟，那不是我們寄的",
                "親友請託「幫忙查一下某人住哪裡」一律婉拒",
                "請勿將「確診者住在哪一棟」轉傳到其他群組",
                "海報文字：「公務資料不外流，USB不帶回家」，請各單位張貼",
                "局長告訴記者「稽查會持續進行」",
                "最近有人假冒健保署發簡訊說『退費請點連結』，不要點",
                "這份密件，你可以LINE跟他說「我明天不去開會了」",
                "承辦人應以LINE告知申請人：「已收到您的申請案件」",
            ],
        );
    }
}
