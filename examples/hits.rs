use aho_corasick::AhoCorasick;
use leakguard::normalize::NormalizedText;
use leakguard::scan::{builtin_packs, Scanner};
fn main() {
    let s = Scanner::new(&builtin_packs().unwrap()).unwrap();
    let ac = AhoCorasick::new(s.keywords()).unwrap();
    for line in std::io::stdin().lines() {
        let l = line.unwrap();
        let n = NormalizedText::new(&l);
        let hits: Vec<&str> = ac.find_overlapping_iter(n.as_str()).map(|m| &n.as_str()[m.range()]).collect();
        if !hits.is_empty() { println!("{:?} <= {}", hits, l); }
    }
}
