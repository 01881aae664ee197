use std::time::Instant;
fn main() {
    let m = "明天早上9點科務會議地點3樓小會議室議程年度預算執行率".repeat(1);
    let n = 1_000_000;
    let t = Instant::now();
    let mut k = 0u64;
    for _ in 0..n { for c in std::hint::black_box(&m).chars() { k = k.wrapping_add(c as u64); } }
    let e = t.elapsed();
    println!("chars loop {:.2} ns/char {k}", e.as_nanos() as f64 / (n * m.chars().count()) as f64);
    let t = Instant::now();
    for _ in 0..n { let v: Vec<u32> = std::hint::black_box(&m).char_indices().map(|(i,_)| i as u32).collect(); k += v.len() as u64; }
    let e = t.elapsed();
    println!("collect {:.2} ns/char {k}", e.as_nanos() as f64 / (n * m.chars().count()) as f64);
}
