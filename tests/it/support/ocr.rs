//! The OCR engine the attachment tests need.

/// Whether Tesseract and its Traditional Chinese model are installed;
/// without them the OCR tests are skipped with a note (a failure under CI).
pub fn ocr_installed() -> bool {
    let installed = leakguard::extract::ocr_installed();
    assert!(
        installed || std::env::var_os("CI").is_none(),
        "CI is set but Tesseract's chi_tra is missing; .ci/run installs it"
    );
    if !installed {
        eprintln!("skipped: OCR needs apt-get install tesseract-ocr tesseract-ocr-chi-tra");
    }
    installed
}
