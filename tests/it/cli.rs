//! The command line, through the real binary.

use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn leakguard() -> Command {
    let mut c = Command::cargo_bin("leakguard").expect("binary");
    // Never pick up a developer's config/leakguard.toml.
    c.current_dir(std::env::temp_dir());
    c
}

fn scan_json(text: &str) -> Value {
    let out = leakguard()
        .args(["scan", "--json", text])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn scan_json_has_exactly_the_spec_schema() {
    let text = "明天上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃";
    let v = scan_json(text);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["findings", "redacted", "verdict"]);
    assert_eq!(v["verdict"], "high");
    let f = &v["findings"][0];
    let mut fkeys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    fkeys.sort();
    assert_eq!(
        fkeys,
        ["advice", "category", "evidence", "laws", "rule", "score", "severity", "title"]
    );
    assert_eq!(f["rule"], "inspection.schedule");
    assert_eq!(f["laws"][0], "中華民國刑法第132條第2項");
    let chars: Vec<char> = text.chars().collect();
    for e in f["evidence"].as_array().unwrap() {
        let (s, t) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        let quoted: String = chars[s..t].iter().collect();
        assert_eq!(e["text"], quoted.as_str());
        assert!(matches!(e["kind"].as_str(), Some("keyword" | "entity")));
    }
    let action = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["label"] == "inspection_action")
        .unwrap();
    assert_eq!(
        (action["start"].as_u64(), action["end"].as_u64()),
        (Some(7), Some(9))
    );
}

#[test]
fn evidence_offsets_are_characters_of_the_original_with_emoji_and_full_width() {
    let text = "😷🙏 申請人身分證：Ｌ１２９５８４０３０，電話０９３２－１１８－４０６";
    let v = scan_json(text);
    let chars: Vec<char> = text.chars().collect();
    let ev = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap().clone());
    let mut seen_id = false;
    for e in ev {
        let (s, t) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        assert!(t <= chars.len());
        let quoted: String = chars[s..t].iter().collect();
        assert_eq!(e["text"], quoted.as_str());
        if e["label"] == "national_id" {
            assert_eq!(quoted, "Ｌ１２９５８４０３０");
            assert_eq!(s, 10);
            seen_id = true;
        }
    }
    assert!(seen_id, "{v}");
    let redacted = v["redacted"].as_str().unwrap();
    assert!(redacted.contains("Ｌ１２*****３０"), "{redacted}");
    assert!(redacted.contains("０９３２－***－４０６"), "{redacted}");
}

#[test]
fn empty_text_has_verdict_none() {
    let v = scan_json("");
    assert_eq!(v["verdict"], "none");
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn scan_reads_standard_input_with_a_dash() {
    leakguard()
        .args(["scan", "--json", "-"])
        .write_stdin("疑似麻疹個案 何小姐 住三重區正義北路18號5樓")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"patient\""));
}

#[test]
fn invalid_utf8_on_stdin_exits_2_with_a_clear_message() {
    leakguard()
        .args(["scan", "-"])
        .write_stdin(vec![0xE6, 0x98, 0x8E, 0xFF, 0xFE])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("not valid UTF-8").and(predicate::str::contains("offset 3")),
        );
}

#[test]
fn a_one_megabyte_message_finishes() {
    let unit = "今天天氣很好，明天稽查○○餐廳，電話0932-118-406，😀 ";
    let mut text = String::new();
    while text.len() < 1 << 20 {
        text.push_str(unit);
    }
    leakguard()
        .args(["scan", "--json", "-"])
        .write_stdin(text)
        .assert()
        .success();
}

#[test]
fn the_human_report_is_in_traditional_chinese_with_the_evidence_marked() {
    leakguard()
        .args(["scan", "那個檢舉你們噪音的，就是住在你們樓上的王太太啦"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("判定：")
                .and(predicate::str::contains("【"))
                .and(predicate::str::contains("行政程序法第170條第2項"))
                .and(predicate::str::contains("遮罩後內容：")),
        );
    leakguard()
        .args(["scan", "收到，謝謝"])
        .assert()
        .success()
        .stdout(predicate::str::contains("未發現需要提醒的內容"));
}

/// `scan` explains a finding of each of the six later categories: its
/// name, the law it cites and every weight of its score.
#[test]
fn scan_explains_a_finding_of_each_later_category() {
    for (text, name, law) in [
        (
            "那案底價核定是380萬，你們報375上下就好，開標前先別說",
            "採購機密外流",
            "政府採購法第34條",
        ),
        (
            "考績會剛開完，會計室小周被打乙等，還沒核定先別講",
            "考績及人事評議外流",
            "公務人員考績法第20條",
        ),
        (
            "【密】組織調整方案第2頁：秘書處明年併入研考會，我先拍給你們看",
            "機密公文外流",
            "公務員服務法第5條",
        ),
        (
            "幫你用車籍系統查了，車號ABC-1235的車主是林志明，住中山區長安東路二段50號",
            "公務系統查詢資料外流",
            "個人資料保護法第16條",
        ),
        (
            "大廳監視器拍到偷腳踏車的就是三樓的阿傑，畫面截圖傳給你們看",
            "監視器影像外流",
            "個人資料保護法",
        ),
        (
            "【人事行政總處】年終獎金確認，請今日至 https://dgpa-gov-tw.com/bonus 以公務帳號密碼登入",
            "疑似釣魚或社交工程",
            "資通安全",
        ),
    ] {
        let out = leakguard().args(["scan", text]).output().unwrap();
        let report = String::from_utf8(out.stdout).unwrap();
        assert!(
            report.contains(&format!("〔{name}〕"))
                && report.contains(law)
                && report.contains("計分：+"),
            "{text}:\n{report}"
        );
    }
}

fn write(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    p
}

#[test]
fn eval_reports_precision_recall_and_errors_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "set.jsonl",
        concat!(
            "{\"id\": \"a\", \"text\": \"下週四上午九點環保局要去○○化工廠採樣，別讓廠長知道\", \"labels\": [\"inspection\"]}\n",
            "{\"id\": \"b\", \"text\": \"收到，謝謝\", \"labels\": []}\n",
            "{\"id\": \"c\", \"text\": \"收到，謝謝\", \"label\": \"patient\"}\n",
            "{\"id\": \"d\", \"text\": \"好的\", \"label\": \"none\"}\n",
        ),
    );
    let out = leakguard()
        .args(["eval", "--json"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"], 4);
    assert_eq!(v["min_severity"], "medium");
    assert_eq!(v["categories"]["inspection"]["tp"], 1);
    assert_eq!(v["categories"]["inspection"]["precision"], 1.0);
    assert_eq!(v["categories"]["patient"]["fn"], 1);
    assert_eq!(v["categories"]["patient"]["recall"], 0.0);
    assert_eq!(v["micro"]["tp"], 1);
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["errors"][0]["id"], "c");
    assert_eq!(v["errors"][0]["expected"][0], "patient");
    assert_eq!(v["unlabelled"]["items"], 2);
}

#[test]
fn eval_by_file_reports_each_file_after_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let found = write(
        dir.path(),
        "found.jsonl",
        "{\"id\": \"a\", \"text\": \"下週四上午九點環保局要去○○化工廠採樣，別讓廠長知道\", \"labels\": [\"inspection\"]}\n",
    );
    let missed = write(
        dir.path(),
        "missed.jsonl",
        "{\"id\": \"b\", \"text\": \"收到，謝謝\", \"labels\": [\"inspection\"]}\n",
    );
    let out = leakguard()
        .args(["eval", "--json", "--by-file"])
        .args([&found, &missed])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "the whole, then one per file");
    assert_eq!(lines[0]["categories"]["inspection"]["recall"], 0.5);
    assert!(lines[0].get("file").is_none(), "the whole keeps its schema");
    assert!(lines[1]["file"].as_str().unwrap().ends_with("found.jsonl"));
    assert_eq!(lines[1]["categories"]["inspection"]["recall"], 1.0);
    assert!(lines[2]["file"].as_str().unwrap().ends_with("missed.jsonl"));
    assert_eq!(lines[2]["categories"]["inspection"]["recall"], 0.0);
    // The text form names each file above its table.
    leakguard()
        .args(["eval", "--by-file"])
        .args([&found, &missed])
        .assert()
        .success()
        .stdout(predicate::str::contains("== ").and(predicate::str::contains("missed.jsonl")));
}

#[test]
fn eval_names_the_file_and_line_of_a_malformed_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "bad.jsonl",
        "{\"id\": \"a\", \"text\": \"x\", \"labels\": []}\n{\"id\": \"b\", \"labels\": []}\n",
    );
    leakguard()
        .arg("eval")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.jsonl:2:").and(predicate::str::contains("\"text\"")));
    let f = write(
        dir.path(),
        "worse.jsonl",
        "{\"id\": \"a\", \"text\": \"x\", \"labels\": []}\nnot json\n",
    );
    leakguard()
        .arg("eval")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("worse.jsonl:2: invalid JSON"));
}

#[test]
fn patterns_check_passes_on_the_built_in_packs() {
    leakguard()
        .args(["patterns", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 10 packs"));
}

/// A pack with a category no code knows about: adding one needs no code change.
pub const EXAM: &str = r#"
category = "exam_paper"
name = "試題外洩"

[laws]
"中華民國刑法第132條第1項" = "公務員洩漏或交付關於中華民國國防以外應秘密之文書、圖畫、消息或物品者，處三年以下有期徒刑。"

[[rules]]
id = "exam_paper.questions"
title = "考題外洩"
window = 30
thresholds = { low = 30, medium = 50, high = 75 }
laws = ["中華民國刑法第132條第1項"]
advice = ["考試前的試題應予保密，請勿轉傳。"]

  [[rules.keywords]]
  label = "questions"
  terms = ["考題", "試題"]
  weight = 35
  anchor = true

  [[rules.keywords]]
  label = "content"
  terms = ["第三章", "申論", "選擇題", "是考"]
  weight = 20

  [rules.examples]
  positive = ["明天的考題是第三章的申論", "試題是考選擇題第三章", "考題：申論兩題", "聽說試題是第三章", "考題是考申論", "升等考題在第三章", "試題選擇題都在第三章", "考題申論出第三章"]
  negative = ["考題的規定請看考試法", "今天天氣很好", "開會改到三點", "請假一天", "午餐吃什麼", "便當到了", "簽呈送出去了", "週五聚餐"]
"#;

#[test]
fn a_pack_directory_replaces_the_built_in_packs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "exam_paper.toml", EXAM);
    leakguard()
        .args(["patterns", "check", "--dir"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ok: 1 packs, 1 rules, 16 examples",
        ));
    let conf_dir = tempfile::tempdir().unwrap();
    let config = write(
        conf_dir.path(),
        "leakguard.toml",
        &format!("[patterns]\ndir = {:?}\n", dir.path().display().to_string()),
    );
    let out = leakguard()
        .args(["scan", "--json", "--config"])
        .arg(&config)
        .arg("這次考題是第三章的申論，先別說")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["category"], "exam_paper");
}

#[test]
fn patterns_check_names_file_rule_and_the_misjudged_example() {
    let dir = tempfile::tempdir().unwrap();
    let broken = EXAM.replace("\"午餐吃什麼\"", "\"考題是申論\"");
    write(dir.path(), "exam_paper.toml", &broken);
    leakguard()
        .args(["patterns", "check", "--dir"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(
                "exam_paper.toml: rule exam_paper.questions: negative example misjudged",
            )
            .and(predicate::str::contains("考題是申論")),
        );
}

#[test]
fn a_broken_pack_is_rejected_with_file_line_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "exam_paper.toml",
        &EXAM.replace("weight = 35", "weight = 35\n  colour = 1"),
    );
    leakguard()
        .args(["patterns", "check", "--dir"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("exam_paper.toml: line")
                .and(predicate::str::contains("colour")),
        );
    write(
        dir.path(),
        "exam_paper.toml",
        &EXAM.replace("low = 30, medium = 50", "low = 60, medium = 50"),
    );
    leakguard()
        .args(["patterns", "check", "--dir"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "rule exam_paper.questions: thresholds",
        ));
}

#[test]
fn an_unknown_config_key_stops_with_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "leakguard.toml",
        "[policy]\nwarn_at = \"medium\"\nwarn_level = 3\n",
    );
    leakguard()
        .args(["scan", "--config"])
        .arg(&config)
        .arg("hello")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "leakguard.toml: line 3, key policy.warn_level",
        ));
}

#[test]
fn an_allowed_group_is_told_it_may_discuss_the_category() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "leakguard.toml",
        "[[groups]]\nid = \"Cteam\"\nname = \"稽查小組\"\nallow = [\"inspection\"]\n",
    );
    leakguard()
        .args(["scan", "--group", "Cteam", "--config"])
        .arg(&config)
        .arg("下週四上午九點環保局要去○○化工廠採樣")
        .assert()
        .success()
        .stdout(predicate::str::contains("已設定可處理此類別"));
}

/// The README's first command: a whole scripted day through the real
/// server and the fake platform, as a transcript.
#[test]
fn simulate_plays_the_day_and_shows_what_groups_and_the_officer_saw() {
    let out = leakguard()
        .arg("simulate")
        .env_remove("LEAKGUARD_DATABASE_URL")
        .env_remove("LEAKGUARD_OFFICERS")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = String::from_utf8(out.stdout).unwrap();
    let count = |needle: &str| t.matches(needle).count();
    // The patient footprint is warned once (its redelivery is not), with
    // the law, and the officer is alerted.
    assert!(
        t.contains("@陳科員 您好，這則訊息可能含有傳染病個案資料"),
        "{t}"
    );
    assert!(t.contains("中華民國刑法第132條"));
    assert_eq!(count("這則訊息可能含有傳染病個案資料"), 1, "{t}");
    assert!(t.contains("資訊外流警示：防疫工作群組"));
    // The inspection team's own group gets a reminder, the forward a warning.
    assert!(t.contains("本群組可討論稽查與臨檢行程相關業務"));
    assert!(t.contains("@林專員 您好，這則訊息可能含有稽查與臨檢行程"));
    // One warning for each of the six later categories, and the phishing
    // lure answered the phishing way: to everyone, naming nobody, the link
    // shown unclickable, and the officer told what it is.
    for cat in [
        "採購機密外流，請勿轉傳",
        "考績及人事評議外流，請勿轉傳",
        "機密公文外流，請勿轉傳",
        "公務系統查詢資料外流，請勿轉傳",
        "監視器影像外流，請勿轉傳",
    ] {
        let typed = t
            .lines()
            .filter(|l| l.contains("這則訊息可能含有") && l.contains(cat))
            .count();
        assert_eq!(typed, 1, "{cat}: {t}");
    }
    // A forwarded spreadsheet and a photo of an inspection notice: warned
    // about by where in them, and the officer told which attachment.
    assert!(
        t.contains("這則訊息所附的試算表可能含有稽查與臨檢行程") && t.contains("位置：工作表「"),
        "{t}"
    );
    assert!(t.contains("附件：試算表"), "{t}");
    if crate::support::ocr_installed() {
        assert!(
            t.contains("這則訊息所附的圖片可能含有稽查與臨檢行程")
                && t.contains("位置：圖片文字第"),
            "{t}"
        );
    }
    assert_eq!(
        count("各位好，這則訊息疑似釣魚或社交工程訊息，請勿點選"),
        1,
        "{t}"
    );
    assert!(t.contains("dgpa-gov-tw\u{2024}com") && !t.contains("您好，這則訊息疑似釣魚"));
    assert!(t.contains("疑似釣魚訊息警示：秘書室業務群組"), "{t}");
    // The team lead registers a business; a member may not; a mention in
    // another group without any inspection word is warned by the
    // watchlist; a cut forward is linked to where it was first seen.
    assert!(t.contains("已登錄保密事項「好○道○當」（稽查對象）"), "{t}");
    assert!(
        t.contains("登錄保密事項僅限政風人員及群組管理者使用"),
        "{t}"
    );
    assert!(t.contains("符合政風人員登錄之稽查對象（好○道○當）"), "{t}");
    assert!(!t.contains("內容：好味道便當"), "the term is masked: {t}");
    assert!(
        t.contains("轉傳：此訊息與") && t.contains("稽查小組 之警示內容相同"),
        "{t}"
    );
    // The 1:1 check, and /summary: a card for the officer, a refusal for others.
    assert!(t.contains("未發現不宜外流的內容"));
    assert!(t.contains("本週資訊保護摘要（截至目前）"), "{t}");
    assert!(t.contains(leakguard::notice::SUMMARY_REFUSED.lines().next().unwrap()));
    // The stored incidents: the unsent one's excerpt is erased, none keeps a name.
    let stored = &t[t.find("資料庫中的事件紀錄").expect("the incident list")..];
    assert!(stored.contains("已收回") && stored.contains("（已清除）"));
    assert!(
        !stored.contains("王小明") && !stored.contains("0912345678"),
        "{stored}"
    );
    assert!(t.contains("模擬完成"));
}
