//! Attachments (issue 18): the files under `tests/fixtures/attachments`
//! (made by its `make.py`, every person in them invented) read through
//! the real binary's `scan --file`, in the sandboxed child it starts.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use leakguard::extract::child::Sandbox;
use leakguard::extract::{Limits, NotScanned};
use serde_json::Value;

use crate::support::ocr_installed;

pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/attachments")
        .join(name)
}

pub(crate) fn scan_file(name: &str) -> Value {
    let out = Command::cargo_bin("leakguard")
        .expect("binary")
        .current_dir(std::env::temp_dir())
        .args(["scan", "--json", "--file"])
        .arg(fixture(name))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// The finding of `category` in a `scan --json` object.
pub(crate) fn finding<'a>(v: &'a Value, category: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["category"] == category)
        .unwrap_or_else(|| panic!("no {category} finding: {v}"))
}

pub(crate) fn categories(v: &Value) -> Vec<String> {
    let mut c: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["category"].as_str().unwrap().to_string())
        .collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn an_inspection_list_is_found_in_every_spreadsheet_and_csv_encoding() {
    for name in [
        "inspection-list.xlsx",
        "inspection-list.xls",
        "inspection-list.ods",
        "inspection-list-utf8.csv",
        "inspection-list-big5.csv",
    ] {
        let v = scan_file(name);
        let found = categories(&v);
        for c in ["inspection", "personal_data"] {
            assert!(found.contains(&c.to_string()), "{name}: {found:?}");
        }
        // Where: the title row (稽查名單 … 不預告) and the first data row,
        // the third line of the file or sheet.
        let unit = if name.ends_with(".csv") {
            "內文"
        } else {
            "工作表「稽查名單」"
        };
        let at = |category: &str| finding(&v, category)["location"].clone();
        let row = if name.ends_with(".csv") { "行" } else { "列" };
        assert_eq!(at("inspection"), format!("{unit}第 1 {row}"), "{name}");
        assert_eq!(at("personal_data"), format!("{unit}第 3 {row}"), "{name}");
    }
}

#[test]
fn a_patient_list_is_found_in_documents_slides_and_a_zip() {
    for (name, place) in [
        ("patient-list.docx", "本文第"),
        ("patient-list.odt", "本文第"),
        ("patient-list.pptx", "第 2 張投影片"),
        ("patient-list.zip", "壓縮檔內「patient-list.docx」本文第"),
    ] {
        let v = scan_file(name);
        assert_eq!(v["verdict"], "high", "{name}");
        let found = categories(&v);
        for c in ["patient", "personal_data"] {
            assert!(found.contains(&c.to_string()), "{name}: {found:?}");
        }
        let patient = finding(&v, "patient");
        assert!(
            patient["location"].as_str().unwrap().starts_with(place),
            "{name}: {patient}"
        );
    }
    // The page header's 限閱 stamp, read from header1.xml and styles.xml.
    for name in ["patient-list.docx", "patient-list.odt"] {
        let v = scan_file(name);
        let stamp = finding(&v, "classified");
        assert_eq!(stamp["location"], "頁首頁尾第 1 段", "{name}");
    }
}

#[test]
fn ordinary_office_files_are_read_and_not_flagged() {
    for name in [
        "harmless-roster.xlsx",
        "harmless-minutes.docx",
        "harmless-notice.csv",
        "harmless-notes.odt",
    ] {
        let v = scan_file(name);
        assert_eq!(v["verdict"], "none", "{name}: {v}");
        assert!(v["sections"].as_u64().unwrap() >= 1, "{name} was read: {v}");
    }
}

#[test]
fn hostile_files_are_not_scanned_and_say_why() {
    for (name, reason) in [
        ("bomb.docx", "too_large"),
        ("many-cells.ods", "too_large"),
        ("truncated.xlsx", "malformed"),
        ("random.bin", "unsupported"),
        ("encrypted.zip", "encrypted"),
        ("nested.zip", "too_deep"),
    ] {
        let v = scan_file(name);
        assert_eq!(v["not_scanned"]["reason"], reason, "{name}: {v}");
    }
}

#[test]
fn a_file_that_never_ends_is_refused_as_too_large() {
    let endless = std::fs::File::open("/dev/zero").expect("/dev/zero");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_leakguard"))
        .current_dir(std::env::temp_dir())
        .args(["scan", "--json", "--file", "-"])
        .stdin(endless)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["not_scanned"]["reason"], "too_large", "{v}");
}

pub(crate) fn sandbox() -> Sandbox {
    Sandbox {
        program: PathBuf::from(env!("CARGO_BIN_EXE_leakguard")),
        limits: Limits::default(),
        max_input: 20 << 20,
        memory_mib: 1024,
        cpu_seconds: 30,
        timeout: Duration::from_secs(20),
    }
}

/// The sandbox of the tests with other reader limits.
pub(crate) fn sandbox_with(limits: Limits) -> Sandbox {
    Sandbox {
        limits,
        ..sandbox()
    }
}

#[test]
fn the_child_is_killed_at_its_deadline_and_held_to_its_memory() {
    let bytes = std::fs::read(fixture("inspection-list.xlsx")).unwrap();
    assert!(sandbox().run(&bytes).is_ok());
    let started = Instant::now();
    let late = Sandbox {
        timeout: Duration::ZERO,
        ..sandbox()
    };
    assert_eq!(late.run(&bytes), Err(NotScanned::Timeout));
    assert!(started.elapsed() < Duration::from_secs(5));
    // 20 million cells in 1.5 KB: refused at 256 MiB as at 1 GiB.
    let ods = std::fs::read(fixture("many-cells.ods")).unwrap();
    let small = Sandbox {
        memory_mib: 256,
        ..sandbox()
    };
    assert_eq!(small.run(&ods), Err(NotScanned::TooLarge));
}

#[test]
fn text_is_cut_at_its_limit_and_says_so() {
    let bytes = std::fs::read(fixture("patient-list.docx")).unwrap();
    let tight = sandbox_with(Limits {
        max_chars: 60,
        ..Limits::default()
    });
    let e = tight.run(&bytes).unwrap();
    assert!(e.truncated);
    let chars: usize = e.sections.iter().map(|s| s.text.chars().count()).sum();
    assert!(chars <= 60, "{chars}");
}

#[test]
fn a_document_marked_secret_is_a_finding_by_its_marking_alone() {
    let v = scan_file("secret-memo.docx");
    let classified = finding(&v, "classified");
    assert_eq!(classified["severity"], "high");
    assert_eq!(
        classified["location"], "本文第 3 段",
        "the 密等 field's line"
    );
}

/// The categories of the findings that warn (medium or high).
pub(crate) fn warned(v: &Value) -> Vec<String> {
    let mut c: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "low")
        .map(|f| f["category"].as_str().unwrap().to_string())
        .collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn images_are_read_by_ocr_clean_degraded_and_ruled() {
    if !ocr_installed() {
        return;
    }
    for (name, expected) in [
        (
            "images/chat-footprint.png",
            &["patient", "personal_data"][..],
        ),
        ("images/screenshot.gif", &["patient", "personal_data"]),
        ("images/screenshot.webp", &["patient", "personal_data"]),
        (
            "images/inspection-notice.png",
            &["inspection", "personal_data"],
        ),
        (
            "images/inspection-notice-small.jpg",
            &["inspection", "personal_data"],
        ),
        (
            "images/inspection-notice-rotated.png",
            &["inspection", "personal_data"],
        ),
        (
            "images/inspection-notice-photo.jpg",
            &["inspection", "personal_data"],
        ),
        (
            "images/inspection-table-ruled.png",
            &["inspection", "personal_data"],
        ),
    ] {
        let v = scan_file(name);
        assert_eq!(v["format"], "image", "{name}");
        let found = warned(&v);
        for c in expected {
            assert!(found.contains(&c.to_string()), "{name}: {found:?}");
        }
        let first = v["findings"][0]["location"].as_str().unwrap();
        assert!(first.starts_with("圖片文字第"), "{name}: {first}");
    }
}

#[test]
fn ordinary_images_do_not_warn_and_broken_ones_are_not_scanned() {
    if !ocr_installed() {
        return;
    }
    for name in ["images/harmless-menu.png", "images/harmless-poster.png"] {
        let v = scan_file(name);
        assert_eq!(v["format"], "image", "{name}");
        assert!(warned(&v).is_empty(), "{name}: {v}");
    }
    // 20,000 × 20,000 pixels declared in 69 bytes: refused from the header.
    let v = scan_file("images/huge-header.png");
    assert_eq!(v["not_scanned"]["reason"], "too_large", "{v}");
    let v = scan_file("images/truncated.png");
    assert_eq!(v["not_scanned"]["reason"], "malformed", "{v}");
    // Named .png, but text: read as what it is.
    let v = scan_file("images/not-an-image.png");
    assert_eq!(v["format"], "text", "{v}");
}

#[test]
fn a_member_that_cannot_be_read_is_passed_over_and_counted() {
    use std::io::Write;
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        let options = zip::write::SimpleFileOptions::default();
        for (name, file) in [
            ("壞掉的.xlsx", "truncated.xlsx"),
            ("名單.csv", "inspection-list-utf8.csv"),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(&std::fs::read(fixture(file)).unwrap())
                .unwrap();
        }
        zip.finish().unwrap();
    }
    let e = sandbox().run(&bytes).expect("the readable part is read");
    assert_eq!(e.skipped, 1);
    let names = &e.sections[0].text;
    assert!(
        names.contains("壞掉的.xlsx") && names.contains("名單.csv"),
        "{names}"
    );
    assert!(e.sections.iter().any(|s| s.place.members == ["名單.csv"]));
}

/// A zip of `members` (name, bytes), the first one stored.
pub(crate) fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        for (i, (name, data)) in members.iter().enumerate() {
            let method = if i == 0 {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    bytes
}

#[test]
fn a_password_protected_opendocument_file_says_so() {
    let manifest = r#"<manifest:manifest><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>"#;
    let odt = zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.text".to_vec(),
        ),
        ("META-INF/manifest.xml", manifest.as_bytes().to_vec()),
        ("content.xml", vec![0x9C; 512]),
    ]);
    assert_eq!(sandbox().run(&odt), Err(NotScanned::Encrypted));
}

#[test]
fn members_that_unpack_past_the_files_budget_are_too_large() {
    // Five members of 63 MiB each (under the 64 MiB a member may take),
    // 315 MiB in all against 256 MiB for the file; deflate makes the zip
    // a few hundred KiB.
    let zeros = vec![0u8; 63 << 20];
    let members: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| (format!("{i}.bin"), zeros.clone()))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = std::iter::once(("readme.txt", b"hello".to_vec()))
        .chain(members.iter().map(|(n, b)| (n.as_str(), b.clone())))
        .collect();
    let bomb = zip_of(&refs);
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    assert_eq!(sandbox().run(&bomb), Err(NotScanned::TooLarge));
}

#[test]
fn slides_are_numbered_in_the_order_the_show_presents_them() {
    // slide2.xml was made second and moved to the front.
    let slide = |text: &str| {
        format!(
            r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
        )
        .into_bytes()
    };
    let pptx = zip_of(&[
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        (
            "ppt/presentation.xml",
            br#"<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst><p:sldId id="257" r:id="rId3"/><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>"#.to_vec(),
        ),
        (
            "ppt/_rels/presentation.xml.rels",
            br#"<Relationships><Relationship Id="rId2" Type="slide" Target="slides/slide1.xml"/><Relationship Id="rId3" Type="slide" Target="/ppt/slides/slide2.xml"/></Relationships>"#.to_vec(),
        ),
        ("ppt/slides/slide1.xml", slide("第二張")),
        ("ppt/slides/slide2.xml", slide("封面")),
    ]);
    let e = sandbox().run(&pptx).expect("reads");
    let slides: Vec<(String, String)> = e
        .sections
        .iter()
        .map(|s| (format!("{:?}", s.place.part), s.text.trim().to_string()))
        .collect();
    assert_eq!(
        slides,
        [
            ("Slide(1)".to_string(), "封面".to_string()),
            ("Slide(2)".to_string(), "第二張".to_string())
        ]
    );
}
