//! PDF attachments (issue 18): text PDFs of both font kinds agencies'
//! files use, a scanned (image-only) PDF read by OCR, an ordinary PDF,
//! the page caps, and hostile PDFs; all through the real binary's
//! sandboxed child. The fixtures are made by
//! `tests/fixtures/attachments/make_pdfs.py`.

use leakguard::extract::{Limits, NotScanned, Part};

use crate::attachments::{categories, finding, fixture, sandbox, sandbox_with, scan_file, warned};
use crate::support::ocr_installed;

#[test]
fn a_patient_list_is_found_in_text_pdfs_whatever_their_font() {
    // An embedded subset with a ToUnicode map (what office suites write),
    // and MSung-Light not embedded with the CMap UniCNS-UCS2-H (what older
    // report generators write).
    for name in ["patient-list.pdf", "patient-list-cns.pdf"] {
        let v = scan_file(name);
        assert_eq!(v["format"], "pdf", "{name}");
        assert_eq!(v["verdict"], "high", "{name}: {v}");
        let found = categories(&v);
        for c in ["classified", "patient", "personal_data"] {
            assert!(found.contains(&c.to_string()), "{name}: {found:?}");
        }
        // The 限閱 stamp is the page's first line; the rows are below it.
        assert_eq!(finding(&v, "classified")["location"], "第 1 頁第 1 行");
        let patient = finding(&v, "patient")["location"].as_str().unwrap();
        assert!(patient.starts_with("第 1 頁第 "), "{name}: {patient}");
    }
}

#[test]
fn a_pdf_inside_a_zip_is_read_and_named() {
    let pdf = std::fs::read(fixture("patient-list.pdf")).unwrap();
    let zip =
        crate::attachments::zip_of(&[("說明.txt", b"see attached".to_vec()), ("名單.pdf", pdf)]);
    let e = sandbox().run(&zip).expect("reads");
    let page = e
        .sections
        .iter()
        .find(|s| s.place.members == ["名單.pdf"])
        .expect("the PDF member was read");
    assert_eq!(
        page.place.describe(Some(1)),
        "壓縮檔內「名單.pdf」第 1 頁第 1 行"
    );
    assert!(page.text.contains("確診個案疫調名單"), "{}", page.text);
}

#[test]
fn a_pdf_locked_only_against_editing_is_read_and_one_needing_a_password_is_not() {
    let v = scan_file("edit-locked.pdf");
    let found = categories(&v);
    for c in ["classified", "patient", "personal_data"] {
        assert!(found.contains(&c.to_string()), "{found:?}: {v}");
    }
    let v = scan_file("encrypted.pdf");
    assert_eq!(v["not_scanned"]["reason"], "encrypted", "{v}");
}

#[test]
fn a_scanned_pdf_is_read_by_ocr_and_says_so() {
    if !ocr_installed() {
        return;
    }
    let v = scan_file("patient-list-scanned.pdf");
    let found = warned(&v);
    for c in ["classified", "patient", "personal_data"] {
        assert!(found.contains(&c.to_string()), "{found:?}: {v}");
    }
    let at = finding(&v, "personal_data")["location"].as_str().unwrap();
    assert!(at.starts_with("第 1 頁（掃描影像）第 "), "{at}");
    // With no OCR pages allowed, the scan is opened and nothing is read.
    let bytes = std::fs::read(fixture("patient-list-scanned.pdf")).unwrap();
    let no_ocr = sandbox_with(Limits {
        max_ocr_pages: 0,
        ..Limits::default()
    });
    let e = no_ocr.run(&bytes).expect("opens");
    assert!(e.sections.is_empty(), "{:?}", e.sections);
}

#[test]
fn an_ordinary_pdf_is_read_page_by_page_and_not_flagged() {
    let v = scan_file("harmless-notes.pdf");
    assert_eq!(v["verdict"], "none", "{v}");
    assert_eq!(v["sections"], 3, "{v}");
    // Pages past the cap are passed over and counted.
    let bytes = std::fs::read(fixture("harmless-notes.pdf")).unwrap();
    let one_page = sandbox_with(Limits {
        max_pages: 1,
        ..Limits::default()
    });
    let e = one_page.run(&bytes).expect("reads");
    assert_eq!(e.sections.len(), 1);
    assert_eq!(e.sections[0].place.part, Part::Page(1));
    assert_eq!(e.skipped, 2);
}

#[test]
fn hostile_pdfs_are_not_scanned_and_say_why() {
    // 256 MiB of content in 261 KB: refused at the member limit.
    let v = scan_file("bomb.pdf");
    assert_eq!(v["not_scanned"]["reason"], "too_large", "{v}");
    // Arrays nested 100,000 deep overflow the reader's stack: the child
    // dies of it, the parent reports it.
    let v = scan_file("nested.pdf");
    assert_eq!(v["not_scanned"]["reason"], "crashed", "{v}");
    // A PDF cut in half is read for what it still holds, or refused as
    // damaged; it never takes the parent down.
    let whole = std::fs::read(fixture("patient-list.pdf")).unwrap();
    match sandbox().run(&whole[..whole.len() / 2]) {
        Ok(_) | Err(NotScanned::Malformed) => {}
        other => panic!("{other:?}"),
    }
}
