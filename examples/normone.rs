use leakguard::normalize::NormalizedText;
use std::time::Instant;
fn main() {
    leakguard::normalize::warm_up();
    for m in ["明天早上9點科務會議，地點3樓小會議室，議程：年度預算執行率", "明天早上9點科務會議地點3樓小會議室議程年度預算執行率", "收到 謝謝👌", "Please check the budget sheet v2.3 before Friday, thanks!"] {
        let n = 1_000_000;
        let t = Instant::now();
        let mut k = 0;
        for _ in 0..n { k += NormalizedText::new(std::hint::black_box(m)).char_len(); }
        let e = t.elapsed();
        println!("{:.0} ns/msg {:.1} ns/char identity={} ({k}) {m}", e.as_nanos() as f64 / n as f64, e.as_nanos() as f64 / (n * m.chars().count()) as f64, NormalizedText::new(m).is_identity());
    }
}
