//! What an attachment's name says beside its extension: a warning that
//! only names a kind of file (請勿開啟.exe, 副檔名是.scr), or a program that
//! calls itself a document or a picture (會議照片.scr). The file-name
//! recognizer itself is in `links`.

/// Whether `name` is only a warning not to open or run a kind of file
/// (請勿開啟, 不要下載 …): a prohibition and verbs, with no name left.
pub(super) fn is_verb_phrase(name: &str) -> bool {
    const PROHIBITIONS: &[&str] = &["請勿", "勿", "不要", "別", "切勿", "禁止"];
    const VERBS: &[&str] = &[
        "請", "開啟", "打開", "點開", "下載", "執行", "安裝", "點選", "點擊", "收到", "的", "、",
        "或",
    ];
    let mut rest = name;
    let mut forbidden = false;
    loop {
        if let Some(p) = PROHIBITIONS.iter().find(|p| rest.starts_with(**p)) {
            forbidden = true;
            rest = &rest[p.len()..];
        } else if let Some(v) = VERBS.iter().find(|v| rest.starts_with(**v)) {
            rest = &rest[v.len()..];
        } else {
            return forbidden && rest.is_empty();
        }
    }
}

/// Whether a program's file name (`name`, before the dot of its extension
/// `ext`) says it is a document or a picture (會議照片.scr, 得標通知書.exe):
/// disguised as surely as 名冊.pdf.exe.
pub(super) fn posing_as_document(name: &str, ext: &str) -> bool {
    const PROGRAMS: &[&str] = &[
        "EXE", "SCR", "PIF", "COM", "BAT", "CMD", "LNK", "JAR", "VBS", "VBE", "JS", "JSE", "WSF",
        "HTA",
    ];
    const DOCUMENTS: &[&str] = &[
        "照片",
        "相片",
        "圖片",
        "公文",
        "通知",
        "名冊",
        "清冊",
        "名單",
        "資料",
        "申請表",
        "簽呈",
        "紀錄",
        "報告",
        "合約",
        "發票",
        "收據",
        "帳單",
        "簡報",
        "薪資",
        "獎金",
        "考績",
        "函",
    ];
    PROGRAMS.contains(&ext) && DOCUMENTS.iter().any(|d| name.contains(d))
}

/// Whether `name` ends with the word for a file extension (附件副檔名是,
/// 副檔名為): what follows is a kind of file, not a file.
pub(super) fn names_an_extension(name: &str) -> bool {
    let rest = name.trim_end_matches(['是', '為', ':', '：']);
    rest.ends_with("副檔名") || rest.ends_with("延伸檔名")
}
