//! The deterministic benchmark corpus, shared by `benches/scan.rs` and
//! `examples/scan_cost.rs`: everyday work-group chat (~97 %) and risky
//! messages (~3 %), 10–300 characters, mixed CJK, ASCII, digits and emoji.
//! Every line was written for this project.

const HARMLESS: &[&str] = &[
    "了解，謝謝告知👍",
    "沒問題～交給我",
    "週四下午2點處務會議，地點7樓大會議室，請準備上月執行進度",
    "外面在下冰雹 騎車的同仁小心喔",
    "晚上要不要一起去吃火鍋？車站旁邊那家",
    "差勤系統又卡住了，人事室說已經在處理，先用紙本請假單",
    "請各位檢查一下明年度預算書附表，有問題下週一前告訴我",
    "捷運出了點狀況 我大概晚15分鐘",
    "有人要訂咖啡嗎？我幫大家叫外送 ☕",
    "The slides for Monday are on the shared drive, version 4.1",
    "議員要的書面資料後天下午前送出，麻煩各科幫忙",
    "掃描器好像壞了 誰會設定😵",
    "績效報告期限是月底，大家再辛苦一下",
    "春酒摸彩獎品公布了🎁 頭獎是掃地機器人",
    "請問加班費要附簽到表嗎？",
    "家裡網路斷了，遠端桌面連不上",
    "明天上午十點全棟停水，請大家先裝好水",
    "台南的教育訓練在下個月，要搭火車的請先登記",
    "簡報檔我放在群組記事本，請大家看一下",
    "今天會不會放颱風假？等縣府公告",
    "感謝主任 大家辛苦了🙏",
    "改好了 請再幫我看一次",
];

const RISKY: &[&str] = &[
    "下週四上午九點環保局要去○○化工廠採樣，別讓廠長知道",
    "跟大家說一下，三樓財務科的李小姐今天PCR陽性，她上週五有來開會",
    "那個檢舉你們噪音的，就是住在你們樓上的王太太啦",
    "補助款請匯給：戶名張雅婷，身分證B127361586，手機0932-118-406，住台中市北區公園路8號",
    "老闆 明天早上衛生局會去你那邊喔😉",
];

const FILLERS: &[&str] = &[
    "",
    " 😂",
    "，謝謝",
    " OK?",
    "🙏🙏",
    "～",
    " 12/5",
    "，麻煩了",
    " 收到",
];

/// A deterministic linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

/// `n` messages, the same every run.
pub fn corpus(n: usize) -> Vec<String> {
    let mut rng = Lcg(0x1eac_9a2d);
    (0..n)
        .map(|_| {
            let risky = rng.next() % 100 < 3;
            let mut m = String::new();
            let parts = 1 + rng.next() % 4;
            for _ in 0..parts {
                let base = if risky && m.is_empty() {
                    RISKY[rng.next() % RISKY.len()]
                } else {
                    HARMLESS[rng.next() % HARMLESS.len()]
                };
                m.push_str(base);
                m.push_str(FILLERS[rng.next() % FILLERS.len()]);
                if m.chars().count() > 300 {
                    break;
                }
            }
            m.chars().take(300).collect()
        })
        .collect()
}
