use ferrous_opencc::{config::BuiltinConfig, OpenCC};
use std::collections::HashMap;
use std::io::BufRead;
fn main() {
    let cc = OpenCC::from_config(BuiltinConfig::S2tw).unwrap();
    let amb = "万丑丰于云亘仆价伙余佣党准几凶划占厂厘台叶吁吃后咨咸唇夸尸岩岳帘干广征愿托挂据斗朴杠杰极柜涂涌淀游熏皂确种筑胜腊腌膻苹范荐虫蚝蜡蝎跖辟适郁采里";
    let mut counts: HashMap<char, usize> = HashMap::new();
    let mut buf = [0u8; 4];
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let t = v["text"].as_str().unwrap();
        for c in t.chars() {
            if ('\u{4E00}'..='\u{9FFF}').contains(&c) && !amb.contains(c) {
                let s = c.encode_utf8(&mut buf);
                if cc.convert(s) != *s { *counts.entry(c).or_default() += 1; }
            }
        }
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1));
    for (c, n) in v.iter().take(60) { print!("{c}{n} "); }
    println!();
}
