use leakguard::normalize::NormalizedText;
use std::io::BufRead;
use std::time::Instant;
fn main() {
    let msgs: Vec<String> = std::io::stdin().lock().lines().map(|l| {
        let v: serde_json::Value = serde_json::from_str(&l.unwrap()).unwrap();
        v["text"].as_str().unwrap().to_string()
    }).collect();
    let chars: usize = msgs.iter().map(|m| m.chars().count()).sum();
    leakguard::normalize::warm_up();
    let mut fast = 0;
    for m in &msgs { let n = NormalizedText::new(m); if n.is_identity() { fast += 1; } }
    let t = Instant::now();
    let mut k = 0;
    for _ in 0..200 { for m in &msgs { k += NormalizedText::new(m).char_len(); } }
    let e = t.elapsed();
    println!("{} msgs, {} chars, fast path {}, {:.1} ns/char, {:.0} ns/msg ({k})", msgs.len(), chars, fast, e.as_nanos() as f64 / (200 * chars) as f64, e.as_nanos() as f64 / (200 * msgs.len()) as f64);
}
