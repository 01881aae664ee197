use leakguard::normalize::NormalizedText;
use leakguard::scan::entity::{extract, EntityKind, KindSet};
fn main() {
    let t = std::env::args().nth(1).unwrap();
    let n = NormalizedText::new(&t);
    println!("norm={}", n.as_str());
    let ks: KindSet = EntityKind::ALL.into_iter().collect();
    for e in extract(&n, ks) {
        println!("{:?} {}..{} {:?}", e.kind, e.start, e.end, e.value);
    }
}
