//! Detection tables: message → the categories warned about (severity ≥ medium).
//! Every message here was written for these tests.

use std::collections::BTreeSet;

use leakguard::scan::Severity;

use super::scanner;

fn warned(text: &str) -> BTreeSet<String> {
    scanner()
        .scan(text)
        .findings
        .into_iter()
        .filter(|f| f.severity >= Severity::Medium)
        .map(|f| f.category)
        .collect()
}

/// `detects! { "text" => [categories], … }`: each row is checked and a
/// failure names the row.
macro_rules! detects {
    ($($text:expr => [$($cat:expr),*]),* $(,)?) => {{
        let mut failures = Vec::new();
        $(
            let want: BTreeSet<String> = [$($cat.to_string()),*].into_iter().collect();
            let got = warned($text);
            if got != want {
                failures.push(format!("{:?}: expected {:?}, got {:?}", $text, want, got));
            }
        )*
        assert!(failures.is_empty(), "misjudged:\n{}", failures.join("\n"));
    }};
}

#[test]
fn patient_details_are_found_and_public_health_news_is_not() {
    detects! {
        "跟大家說一下，三樓財務科的李小姐今天PCR陽性，她上週五有來參加課務會議" => ["patient"],
        "確診的那位是B2美食街便當店的阿姨，昨天中午很多人去買" => ["patient"],
        "疫調結果：個案為68歲男性，住在新興區六合路附近，12/5晚上在夜市擺攤" => ["patient"],
        "居家隔離名單：1.黃○倫 2.黃○萱（同住），請今天送隔離通知書" => ["patient"],
        "麻疹疑似個案 何小姐 0921-445-330 住三重區正義北路18號5樓" => ["patient", "personal_data"],
        "本週新增3例登革熱本土病例，衛生局已完成孳清" => [],
        "大家記得勤洗手，最近流感很嚴重" => [],
        "我媽昨天快篩陽性，我今天先在家上班" => [],
        "你們那邊今天有人確診嗎？我們這邊都還好" => [],
        "龜山某路口死亡車禍 行車紀錄器畫面" => [],
        // The disease, then at once who has it.
        "那個德國麻疹的是總務科的小林啦" => ["patient"],
        // An outbreak in a class before the disease is named.
        "三年五班今天有六個小朋友上吐下瀉，其中陳小弟已經送急診" => ["patient"],
        // One person singled out by a demonstrative, with a named disease.
        "我們股那個約聘的確定是恙蟲病，衛生所要他上週的外勤路線" => ["patient"],
        "四乙班張小弟流行性腮腺炎" => ["patient"],
        // A relative in another sentence does not make it one's own illness;
        // in the same sentence it does.
        "聽說仁愛國小那個百日咳的學生是六年級的？我兒子說他們今天量體溫" => ["patient"],
        "我兒子確診百日咳，這週請照顧假" => [],
    }
}

#[test]
fn future_inspections_are_found_and_past_results_are_not() {
    detects! {
        "下週四上午九點環保局要去○○化工廠採樣，別讓廠長知道" => ["inspection"],
        "今晚十點 會同警方臨檢 中正路○○酒吧 ，集合地點分局門口" => ["inspection"],
        "跟你講喔，下禮拜一勞檢會去你們工廠，安全帽記得發一發" => ["inspection"],
        "稽查結果已經上網公告了，不合格的有兩家" => [],
        "明天的稽查業務說明會改到下午三點" => [],
        "上週臨檢查獲三名逃逸移工，已移送" => [],
        "會勘紀錄請於明天下班前上傳" => [],
        "我明天要去台北出差，下午兩點的高鐵" => [],
        "這週六晚上八點聯合檢查那兩家KTV，不會先發函" => ["inspection"],
        "昨天的聯合檢查已經結束，結果下週公布" => [],
    }
}

#[test]
fn informant_identities_are_found_and_procedures_are_not() {
    detects! {
        "那個檢舉你們噪音的，就是住在你們樓上的王太太啦" => ["informant"],
        "陳情人姓陳，是附近補習班的老闆，說要找議員" => ["informant"],
        // The full name after a role and a copula (without the name, the
        // act and where she lives stay low).
        "這次陳情的是黃淑芬，就住你們工廠後面" => ["informant"],
        "我跟業者說是隔壁鄰居打1999檢舉的" => ["informant"],
        "那個一直陳情的林先生又打來了，電話0952-111-222，你回他一下" => ["informant", "personal_data"],
        "檢舉案件請依規定保密，不得洩漏檢舉人身分" => [],
        "本月受理檢舉案件共45件，已處理完畢" => [],
        "民眾可以透過1999專線檢舉違規停車" => [],
        // Named by what they did: the act, then "的是" right after it.
        "打電話去講的就是他們隔壁那間修車廠的老闆" => ["informant"],
        "寫信去環保局的其實是樓上的陳媽媽" => ["informant"],
        // The act far from "的是" names no one.
        "昨天打電話給環保局問了很久，結果最重要的是要先填表" => [],
        // The role word, then at once who it is.
        "舉報人叫阿財，在市場賣魚的，別說出去" => ["informant"],
        // The complainant asking about their own case.
        "我是陳情人，想問上週反映的路燈修好了沒" => [],
        // A call to the agency that acts on it, and who made it.
        "上禮拜打去建管處說你們頂樓加蓋的，就是對面開早餐店的阿姨" => ["informant"],
        // What the complaint says, told to the one it is about.
        "老闆，有人檢舉講你晚上在後巷燒紙，你自己注意一下" => ["informant"],
        // Someone who keeps calling is no complainant.
        "那個廠商一直打來問付款進度，會計說下週才撥" => [],
    }
}

#[test]
fn a_buried_inspection_is_not_cleared_by_another_sentence() {
    detects! {
        // Minutes: the training item does not clear the next item's visit.
        "週會紀錄：一、下月教育訓練報名。二、週五上午十點突擊檢查那家冷凍廠，別讓廠商知道。" => ["inspection"],
        // In the same sentence it does.
        "週會紀錄：一、下週五上午十點稽查教育訓練，三樓會議室。二、公文請準時簽。" => [],
    }
}

#[test]
fn personal_identifiers_tied_to_a_person_are_found() {
    detects! {
        "請幫我寄資料給王志明，地址是台南市北區公園路321號" => ["personal_data"],
        "那位阿伯的電話是0933-456-789，兒子叫陳建宏" => ["personal_data"],
        "新同事的手機是0910-222-333，大家加一下LINE" => ["personal_data"],
        "申請人 C290117440 林雅慧" => ["personal_data"],
        // A national ID in any grouping, the checksum deciding.
        "申請人字號 C2-9011-7440 資料不全" => ["personal_data"],
        "料號 C2-9011-7441 缺貨" => [],
        // A plate read out by voice input: its digits in Chinese.
        "常來櫃台鬧的那個大叔 他騎的車牌KTW三九零六" => ["personal_data"],
        // A foreign passport: letters and digits, next to 護照.
        "外籍看護Lina的護照號碼B4471902，仲介明天要" => ["personal_data"],
        "Passport No. 318204576, Mrs. Tsai, arriving Monday" => ["personal_data"],
        "越南籍配偶阮氏梅，護照號碼C4829173，下週要辦居留" => ["personal_data"],
        // One's own number is one's own to give.
        "我的身分證是C290117440，麻煩人事幫我更新" => [],
        "本局總機(02)2720-8889，分機請洽各科" => [],
        "車牌ABC-5678是誰的車？擋到出口了" => [],
        "請填寫身分證字號欄位，格式為一個英文字母加九個數字" => [],
        "我的新手機是0966-120-338，請大家更新通訊錄" => [],
        "有人知道明天幾點開會嗎" => [],
    }
}

#[test]
fn evasions_do_not_hide_a_leak() {
    detects! {
        // full-width digits and letters
        "申請人身分證：Ｌ１２９５８４０３０，姓名周子豪" => ["personal_data"],
        // zero-width characters inside the keyword and the number
        "明\u{200B}天\u{200B}稽\u{200B}查 ○○飲料店忠孝店，十點" => ["inspection"],
        "蔡宜君 N26\u{200D}4701\u{200B}199 這是她的身分證" => ["personal_data"],
        // characters spaced out
        "檢 舉 人 是 隔 壁 洗 車 場 的 老 闆" => ["informant"],
        "電 話 0 9 3 5 - 2 2 1 - 7 8 4 ， 黃 先 生" => ["personal_data"],
        // Simplified script
        "确诊的是财务处的老王，住在中山区林森路，先别往外传" => ["patient"],
        "后天上午十点 突击稽查 ○○火锅店 后厨，别跟店长讲" => ["inspection"],
        // 臺/台 and 身份/身分
        "戶籍臺南市，身份證號P133982065，張美華" => ["personal_data"],
        // Chinese numerals in times and phone numbers
        "十二月十五日上午九點半 突擊檢查○○網咖，先不要講" => ["inspection"],
        "吳小姐手機〇九三六二二一五八〇，她晚上才方便" => ["personal_data"],
        // ... also in groups, and a house number in Chinese numerals
        "陳先生說他手機是零九三六，二二一，五八〇" => ["personal_data"],
        "寄給黃太太：高雄市苓雅區四維三路八十八巷七號" => ["personal_data"],
        "第一二三組，四五六組先去報到" => [],
        // lower-case ID letters
        "身分證 t216508794 姓名 邱俊傑" => ["personal_data"],
        // Bopomofo letters typed for particles (ㄉ for 的)
        "噪音那件，打電話來ㄉ是三樓那個阿伯ㄛ" => ["informant"],
        // a bare 密 typed at the head as the paper's grade
        "密 會議結論：下個月起裁撤第三課，人員併入第一課" => ["classified"],
        "密 我一下，晚上再跟你說" => [],
        // an emoji inside a phone number
        "社工請聯絡家屬，陳阿土的兒子 09📞28-3🙂51-604" => ["personal_data"],
        // Chinese and Arabic digits taking turns; an address one unit a line
        "手機 0九1八-4四7-2六5 是那個房東的" => ["personal_data"],
        "個案家地址\n新北市三重區\n重新路四段\n128巷7弄\n12號4樓" => ["personal_data"],
        "會議一樓三間，共2026人次\n四號窗口" => [],
        "會議改到3樓😀大家準時" => [],
        // one word per line, particles alone on their lines
        "告發\n你們\n的\n是\n前員工\n阿凱\n他有存對話紀錄" => ["informant"],
        "明天\n我們\n要\n去\n稽\n查\n那\n間\n網咖\n別講" => ["inspection"],
        // one character per line, no particle among them
        "突\n擊\n檢\n查\n週\n五\n下\n午\n安\n心\n托\n嬰\n中\n心" => ["inspection"],
        "簽到：\n王小明\n李大華\n陳美麗\n林志明\n張志豪" => [],
    }
}

#[test]
fn a_leak_quoted_in_a_ruling_is_still_a_leak_and_a_new_topic_ends_what_clears_it() {
    detects! {
        // The ruling quotes the message itself: its details are out again.
        "被告於LINE群組傳送『三年二班的林小弟確診了，住在和平路那棟大樓』等語，經法院判處拘役" => ["patient"],
        // So is a tip-off it quotes: that its day has passed lowers the
        // warning in the service, the scan still finds what was sent.
        "被告以LINE告知業者『今晚分局要臨檢你們店』等語，經判決有罪" => ["inspection"],
        "起訴書指出，該員傳訊給業者：「下禮拜二會去抽你們的豆芽菜，這批先不要出貨」" => ["inspection"],
        // A ruling told without the message.
        "法院判決：護理師將確診者資料傳到私人群組，判處拘役50日" => [],
        "法院判決：稽查員事先通知業者臨檢時間，判處有期徒刑四月" => [],
        // A lunch order does not clear what the message turns to after 另外.
        "中午訂便當的請在11點前登記喔～另外那份限閱的會議紀錄我拍照丟到群組記事本了" => ["classified"],
        "限閱的會議紀錄要先登記才能借閱，請勿拍照" => [],
        // News words clear talk about a leak, unless the story says the
        // result still awaits approval: then it tells the secret itself.
        "據報導，某局考績會初核將總務課陳姓科員列為丙等，尚待局長核定" => ["personnel"],
        "據報導，某局考績會去年將總務課陳姓科員列為丙等，已遭申誡" => [],
    }
}

#[test]
fn each_item_of_a_handover_list_brings_its_own_framing() {
    detects! {
        // Another item's form and course do not clear the item that tells
        // the accused who complained.
        "值班交接：1. 月報表格式照舊 2. 卡拉OK噪音案，老闆一直問誰檢舉，我跟他說是對面的住戶 3. 下午有消防講習" => ["informant"],
        // What stands before the first item frames them all.
        "講習教材（皆為虛構）：1. 月報表 2. 檢舉人是住在對面的住戶" => [],
        // Evidence taken from two items brings both items' framing: a
        // summary of visits already made stays a summary.
        "本月檢舉案摘要：(1)某餐廳油煙，已派員勘查 (2)某工地夜間施工，已函請改善" => [],
        // The days of a weekly log are its items too, and evidence in the
        // log's heading (本週) brings no other day's framing: Monday's
        // published notice does not clear Tuesday's bidders.
        "本週工作紀錄\n週一：辦公家具案招標公告上網\n週二：目前領標3家 立信、宏達、東昇，還沒開標\n週三：請假" => ["procurement"],
        // Nor does Monday's own label, taken as the day of Tuesday's line.
        "工作紀錄\n週一：辦公家具案招標公告上網\n週二：目前領標3家 立信、宏達、東昇，還沒開標\n週三：請假" => ["procurement"],
    }
}

#[test]
fn a_message_of_many_sentences_is_judged_sentence_by_sentence() {
    // Almost 1 MB: 55,000 training notes, then 55,000 bare inspection
    // words. Each anchor weighs only the admin words of its own sentence
    // (this once took minutes: every anchor walked every sentence).
    let text = "訓練。".repeat(55_000) + &"稽查。".repeat(55_000);
    assert!(scanner().scan(&text).findings.is_empty());
    // The same words in one sentence still lower each other.
    assert!(warned("明天稽查那家店的教育訓練").is_empty());
}

#[test]
fn every_finding_explains_its_score_and_names_suppressions() {
    let plain = &scanner().scan("明天稽查○○餐廳，不要讓老闆知道").findings[0];
    assert_eq!(plain.category, "inspection");
    assert!(plain.explanation.iter().all(|c| c.points > 0));
    let total: i32 = plain.explanation.iter().map(|c| c.points).sum();
    assert_eq!(total.clamp(0, 100), plain.score as i32);

    // Published: the same words, lowered below a warning, and the
    // explanation says by what.
    let r = scanner().scan("衛生局公布：明天稽查的○○餐廳");
    let f = r
        .findings
        .iter()
        .find(|f| f.category == "inspection")
        .expect("a low finding");
    assert_eq!(f.severity, Severity::Low);
    let lowered = f
        .explanation
        .iter()
        .find(|c| c.points < 0)
        .expect("a suppression");
    assert_eq!(
        (lowered.label.as_str(), lowered.text.as_str()),
        ("published_or_past", "公布")
    );
}

#[test]
fn an_anchor_spelled_in_zhuyin_is_found_and_named() {
    // Written for this test: the word spelled syllable by syllable, with
    // and without tone marks, beside the details that make it a leak.
    detects! {
        "ㄑㄩㄝˋ ㄓㄣˇ 的那位是三樓會計室的小姐，姓黃，昨天還有上班" => ["patient"],
        "ㄐㄧㄢ ㄕˋ ㄑㄧˋ 那段我用手機翻拍了，裡面就是隔壁課的課長" => ["footage"],
        // A lesson on the symbols themselves names no case.
        "注音符號表：ㄅㄆㄇㄈ，ㄉㄊㄋㄌ，小朋友明天要背" => [],
    }
    let found = scanner().scan("ㄑㄩㄝˋ ㄓㄣˇ 的那位是三樓會計室的小姐，姓黃，昨天還有上班");
    assert!(found.findings[0]
        .explanation
        .iter()
        .any(|c| c.label.contains("〔同音：確診〕") && c.text == "ㄑㄩㄝˋ ㄓㄣˇ"));
}

#[test]
fn a_homophone_typo_of_an_anchor_is_found_weaker_and_named() {
    // Written for this test; each typo is another character of the same
    // syllable and tone, as an 注音 input method offers it.
    detects! {
        "減舉人就是巷口雜貨店的老闆娘，她叫我們不要說" => ["informant"],
        "下週二早上九點要去稽茶中山路那三家小吃店，不要先講" => ["inspection"],
        "那位外送小哥是結和病，住在永和的宿舍，還沒公布" => ["patient"],
        // A rule a weak anchor (衛生所 beside 那間) already holds is lifted
        // by the typo of a strong one; without 機查 it stays low.
        "衛生所說要機查那間，別跟老闆說" => ["inspection"],
        "衛生所說要那間，別跟老闆說" => [],
        // Another word one character away, of another tone, is not a typo.
        "請在底下留言，宿舍的同學都可以參加" => [],
        // Nor two words that meet across a line break.
        "名單：林美惠\n同事們請今天下午交" => [],
        // 簽出 reads as 遷出 (moved out) only where 簽 is no other word's:
        // in 還沒簽 (not signed yet) it is the contract's.
        "我偷看了，他早就簽出去了" => ["records_lookup"],
        "我偷看了，合約還沒簽出去，先不要講" => [],
        "我偷看了，他還沒簽出去了" => [],
    }
    let typo = scanner().scan("減舉人就是巷口雜貨店的老闆娘，她叫我們不要說");
    let exact = scanner().scan("檢舉人就是巷口雜貨店的老闆娘，她叫我們不要說");
    let by_sound = typo.findings[0]
        .explanation
        .iter()
        .find(|c| c.label.contains("〔同音：檢舉人〕"))
        .expect("the match by sound is named");
    assert_eq!(by_sound.text, "減舉人");
    let exact_points = exact.findings[0]
        .explanation
        .iter()
        .find(|c| c.text.starts_with("檢舉"))
        .expect("the exact match")
        .points;
    assert!(
        by_sound.points < exact_points,
        "{by_sound:?} vs {exact_points}"
    );
}

#[test]
fn a_leak_told_without_its_categorys_own_word_is_found() {
    detects! {
        // A grade letter said alone beside a colleague's given name.
        "總務的志豪今年丙，剛開完會，大家先別講" => ["personnel"],
        "他去年甲狀腺開刀，今年都在休養" => [],
        // A bare IP with a path, typed without a scheme.
        "資訊室：帳號即將停用，請至 198.51.100.23/login 重新驗證" => ["phishing"],
        "韌體 2.4.1.7 已更新，請大家重開機" => [],
        // Who a camera caught, without a camera word.
        "停車場畫面顯示是隔壁課的小林刮到主任的車" => ["footage"],
        // Faxes forwarded to personal mail.
        "公文傳真已設定自動轉寄到我的Gmail，在家也能看" => ["classified"],
        // Bids counted by their envelopes before the deadline.
        "截標前兩天，已經收到三封了，你們要不要也送" => ["procurement"],
        // A number written straight after a Chinese word goes on: an
        // archive's password as 密碼7788.
        "人事室：年終獎金名冊.zip 請下載查閱，密碼7788" => ["phishing"],
        "會議室wifi密碼12345678，訪客請用guest帳號" => [],
        "他報87萬，你們再壓一點" => ["procurement"],
        // But not into a hotline or a discount.
        "跟你說，我剛報110了" => [],
        "考績剛考完，晚上去吃燒肉，全品項打88折" => [],
        // Identifiers read out: a phone over three lines, a landline's
        // area code said on its own, an ID's letter said apart.
        "幫我聯絡這位房東\n0933\n627\n581\n姓游" => ["personal_data"],
        "獨居阿伯家裡電話，區碼05，後面是二二七三一六八" => ["personal_data"],
        "申請人身分證：英文 F，然後 2 2 5 8 1 4 0 6 2" => ["personal_data"],
        "報名網址 dcard.tw/f/talk/p/225814069?ref=ios" => [],
        // A disease by its English abbreviation, at a named place.
        "305房2床阿公IPD轉加護了，家屬那邊還沒講" => ["patient"],
        "新買的硬碟2TB，放在305房" => [],
        // An inspection in office shorthand, on a day of the month said
        // alone after a word of scheduling.
        "聯稽預計20號去阿國那間物流倉，打卡紀錄先弄一弄" => ["inspection"],
        "20號發薪，記得去阿國那間吃飯" => [],
        // A secret quoted as it was told to a vendor, in a case study.
        "以案說法：秘書在開標前一晚跟廠商說「底價只有預算的九成，報低一點」" => ["procurement"],
        // A lesson naming a kind of file is no attachment.
        "資安小教室：附件副檔名是.scr的，十之八九是惡意程式" => [],
        // A camera named by where it hangs, and who was seen on it.
        "社宅大廳的錄影我有看到，十二樓那個太太每天半夜才回來" => ["footage"],
        // A game's report button is no complaint.
        "Among Us 昨天我被report三次都不是我，你們真的很會亂檢舉欸" => [],
        // An ID read out with a white circle for zero; masked digits stay masked.
        "阿伯的身分證字號是 S 二六一 ○八八 八八○，你共伊登記起來" => ["personal_data"],
        "阿伯的手機是0912-○○○-678，請勿外流" => [],
        // A visit among family is no inspection, whatever is got ready for
        // it; a visit to a shop with its stock put away is.
        "禮拜五他們會過去你家吃飯，先準備一下碗筷" => [],
        "下禮拜三衛生局的人會到你店裡，過期的那幾箱先收起來" => ["inspection"],
        // Going to "your" place is a tip-off only with an office, a check
        // or a secret beside it; a greeting to a senior clears no visit.
        "下週我會去你們那邊看看新裝潢，順便帶蛋糕過去" => [],
        "禮拜四環保局會去你們那邊，排水溝先清一清" => ["inspection"],
        "報告學長，後天清晨五點會對「順興6號」實施登檢" => ["inspection"],
        // A mobile after +886 with its 9 apart; a pier's number is no address.
        "+886 9 36 402 718 是林先生的手機，麻煩聯絡" => ["personal_data"],
        "7號碼頭的監視器昨天壞了，廠商下午來修" => [],
        // Scores told the moment an evaluation ends; a ceiling told as what
        // the budget office approved.
        "評選剛結束：大成87.2第一、新和80.5第二，公告前別講" => ["procurement"],
        "主計那邊核下來的天花板是八百多萬，你懂的，別寫超過" => ["procurement"],
        // A lookup by someone at the insurer; a paper marked by who may read it.
        "健保那邊我同學幫我看了，他這半年看了五次精神科" => ["records_lookup"],
        "只有組長以上能看的那份，內容是明年要裁掉兩個分隊" => ["classified"],
        // One's own test, and a rate, are no case.
        "我今早快篩陽性，請假到週三，交接請找小周" => [],
        "本季員工篩檢陽性率0.5%，較上季下降" => [],
        // A rumour quoted with a shop's name quoted inside it; a
        // conversation quoted from an indictment.
        "網傳：「中山路那家『阿美麵店』的老闆娘確診登革熱，住店後面那排」" => ["patient"],
        "起訴書裡的對話是這樣：「底價跟預算差不多，你們抓九成五」" => ["procurement"],
        // An ID read out with 么 for one, a phone with the radio's digits
        // (洞 0, 拐 7, 兩 2, 勾 9); an NHI number over lines; a
        // caller's number told to the accused.
        "他說身分證 K 么二〇三八四五七〇，幫我登記" => ["personal_data"],
        "那位民眾的手機洞九拐兩，三五六，么八勾，姓陳，請幫我登記" => ["personal_data"],
        "健保卡號\n0001\n5273\n8460\n是那個小朋友的" => ["personal_data"],
        // An address in English, a passport read in threes, a plate
        // spelled letter by letter.
        "收件人林小姐，地址 3F., No. 41, Ln. 9, Heping E. Rd., Da'an Dist." => ["personal_data"],
        "團員黃先生的護照號碼 三五四、二一八、九〇六，請幫他訂票" => ["personal_data"],
        "肇事車 B、R、K，三九八五，駕駛姓林，已送醫" => ["personal_data"],
        "那通是從 0933 571 286 打進來的，我跟店長講了，他說應該是對面的主委" => ["informant", "personal_data"],
        // Chain talk that names no one: a closed restaurant's outbreak, new
        // cameras, the accused left to guess.
        "新聞說上週婚宴五十人上吐下瀉，衛生局驗出諾羅，餐廳已被要求停業改善" => [],
        "我們里新裝了十支監視器，月底完工，畫面會連到派出所" => [],
        "老闆一直說一定是隔壁去告的，我們都沒回應他，讓他自己猜" => [],
        // An office coming with what to move first; family, buyers and
        // one's own car at the 監理站 are no inspection.
        "阿姨，禮拜四下午環保局會過去你們廠，那桶廢液先載走" => ["inspection"],
        "明天我爸媽會過來看孫子，客廳先收一下" => [],
        "週六早上有人要來看房，箱子先移到房間" => [],
        "我的車下禮拜要去監理站定期檢驗，早上請假" => [],
        // A favour delivered; a paper described by who may read it; grades
        // after arrows.
        "你要的那個我拿到了，你老公那晚跟一個0911開頭的號碼講了快一小時" => ["records_lookup"],
        "那份只給主管看的，大概是講明年要併掉兩個站" => ["classified"],
        "老王→甲、小芬→乙，這是課長送上去的版本" => ["personnel"],
        // A lure in square brackets, and one pasted with a doubt, are lures.
        "[健保署]您的就醫紀錄異常，請於今日內掃描QR碼與專員聯繫" => ["phishing"],
        "這封怪怪的：「人事室通知：年終獎金確認 https://dgpa-bonus.example/login 請今天登入」" => ["phishing"],
        // A course's notice frames every line of it; an IT warning that
        // quotes a file in its name; a drill's invented case.
        "📢教育訓練通知\n課程：食品稽查實務\n時間：12/18 14:00\n地點：本局5樓" => [],
        "如有人以LINE傳送「VPN更新檔.exe」等檔案，請勿開啟，那不是我們寄的" => [],
        "演練腳本：假想個案王大明，男35歲，住演練路1號，足跡自行編寫" => [],
        // A base price approved before the opening; covert sampling by an
        // office called by its nickname.
        "二、冷氣汰換案底價已簽奉核定為1,286萬元，12/22開標。" => ["procurement"],
        "『綠色的』禮拜五半夜要去那間電鍍廠偷採，別說是我講的" => ["inspection"],
        // A call-back number in place of a link; a parcel lure pasted with
        // a doubt; a favour delivered.
        "【地檢署】您涉及洗錢案，已被列為被告，請於今日撥打 02-2314-6620 與承辦檢察官聯繫" => ["phishing"],
        "郵局說包裹要補運費 https://post-tw.example/pay 這個要點進去付嗎" => ["phishing"],
        "幫你跑過了，那台車登記在他弟名下" => ["records_lookup"],
        // A rumour denied as old news, and a national count, name no case.
        "那則說我們里有人確診的是假的，是去年的舊聞被翻出來" => [],
        "今天疫情通報：全國新增確診 3,214，年齡分布以 20-39 歲最多" => [],
        // A fire office coming on a festival day with a chore to do first;
        // a coach's headcount, a power line's maintenance and a guess with
        // no proof are none.
        "初一拜拜那天下午，消防的會繞到你們鐵皮倉庫，樓梯口那些紙箱先清掉" => ["inspection"],
        "遊覽車明早七點出發，司機上車會點人頭，不要遲到喔" => [],
        "📢台電通知 12/19 上午線路檢修停電，影響範圍請查詢" => [],
        "我臆是隔壁彼間咧檢舉，毋過攏無證據" => [],
    }
}
