//! Scan throughput on a deterministic, realistic corpus: mostly everyday
//! work-group chat (~97 %), some risky messages (~3 %), 10–300 characters,
//! mixed CJK, ASCII, digits and emoji.
//!
//! Two benchmarks over the same messages, in the same run:
//! - `full_scan`: normalize + one Aho-Corasick pass + entities + scoring;
//! - `bare_aho_corasick`: one Aho-Corasick DFA pass over the same keywords
//!   on the raw text, counting overlapping matches — the floor.
//!
//! Run: `cargo bench --bench scan`. Time per iteration ÷ messages = ns/message.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use leakguard::scan::{builtin_packs, Scanner};

const HARMLESS: &[&str] = &[
    "收到 謝謝👌",
    "好的～我來處理",
    "明天早上9點科務會議，地點3樓小會議室，議程：年度預算執行率",
    "今天雨好大 大家回家小心",
    "中午要不要去吃巷口那家牛肉麵？",
    "公文系統登不進去，自然人憑證一直讀不到，資訊室說下午會修好",
    "麻煩各位確認年度計畫書第三章有沒有要修改的，週五前回覆",
    "我在路上塞車 晚10分鐘到",
    "下午3點有人要喝50嵐嗎？我來揪 🧋",
    "Please check the budget sheet v2.3 before Friday, thanks!",
    "議會質詢資料明天中午前要送，各科請配合",
    "影印機又卡紙了 有人會修嗎😩",
    "研考的季報截止日是12/20，各科再麻煩一下",
    "尾牙抽獎獎品清單出來了🎉 頭獎是氣炸鍋",
    "請問差勤系統補登要找誰簽？",
    "VPN斷線了，在家沒辦法連內網",
    "下週三全局消防演練，上午10點警報響請到1樓廣場集合",
    "新竹那邊的研習下週二，要搭高鐵的請先訂票",
    "會議記錄我寄到大家信箱了，有錯再跟我說",
    "颱風假明天有放嗎？等人事總處公告",
    "謝謝課長 辛苦了🙏",
    "ok 我改好了 再麻煩看一下",
];

const RISKY: &[&str] = &[
    "明天上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃、鼎好滷味",
    "確診個案：林○君，２１歲，就讀台北市立○○高中三年７班，住北投區",
    "檢舉人是樓上的陳小姐，她說每天半夜都聽到狗叫",
    "低收入戶申請人林美玲，身分證F298698794，手機0963-218-745，住新北市新莊區中正路512號3樓",
    "老闆 明天早上衛生局會去你那邊喔😉",
];

const FILLERS: &[&str] = &["", " 😂", "，謝謝", " OK?", "🙏🙏", "～", " 12/5", "，麻煩了", " 收到"];

/// A deterministic linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn corpus(n: usize) -> Vec<String> {
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

fn bench(c: &mut Criterion) {
    let packs = builtin_packs().expect("built-in packs");
    let scanner = Scanner::new(&packs).expect("scanner");
    let messages = corpus(2000);
    let bytes: usize = messages.iter().map(String::len).sum();
    eprintln!(
        "corpus: {} messages, {} bytes ({:.0} bytes/message), {} keywords",
        messages.len(),
        bytes,
        bytes as f64 / messages.len() as f64,
        scanner.keywords().len()
    );
    let bare = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .build(scanner.keywords())
        .expect("automaton");

    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(BenchmarkId::new("full_scan", messages.len()), |b| {
        b.iter(|| {
            let mut found = 0;
            for m in &messages {
                found += scanner.scan(std::hint::black_box(m)).findings.len();
            }
            found
        })
    });
    group.bench_function(BenchmarkId::new("bare_aho_corasick", messages.len()), |b| {
        b.iter(|| {
            let mut found = 0;
            for m in &messages {
                found += bare.find_overlapping_iter(std::hint::black_box(m.as_str())).count();
            }
            found
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
