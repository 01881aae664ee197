//! Links and attachment names, the evidence of a phishing message: every
//! host-like token, with or without a scheme, with full-width or
//! ideographic dots and spaces around the dots (`moi-gov．tw`, `gov 。tw`),
//! classified by its registrable domain under the Public Suffix List (the
//! `psl` crate compiles the list in; nothing is looked up on the network),
//! and file names whose extension runs code or a macro (`.exe`, `.html`,
//! `.docm` …).
//!
//! A host under `gov.tw` or `edu.tw` (or Taipei's `gov.taipei`, or the state
//! power company's `taipower.com.tw`) is genuine.
//! One that only looks like it is suspicious: `gov` inside another domain
//! (`gov-tw.info`, `moi.gov.tw.verify-login.com`, `g0v-tw.cc`), punycode or
//! letters of another script (`gоv.tw` with a Cyrillic о) is a look-alike;
//! a bare IP address or a URL shortener hides where it goes. Every other
//! host is an outside link: a pack decides what each means next to its
//! words.

use regex::Regex;

use super::file_names::{is_verb_phrase, names_an_extension, posing_as_document};
use super::host_names::{
    AGENCY_NAMES, FILE_LIKE_TLDS, GENUINE_DOMAINS, PRIVATE_TLDS, RESERVED_TLDS, SHORTENERS,
};
use super::{compile, EntityKind, Extraction, KindSet};

/// This family's recognizers, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) host: Regex,
    pub(super) file: Regex,
}

/// One DNS label in normalized text: ASCII (upper-cased by normalization)
/// and the Latin, Greek and Cyrillic letters a homoglyph domain uses.
const LABEL: &str = r"[A-Z0-9\x{00C0}-\x{024F}\x{0370}-\x{03FF}\x{0400}-\x{04FF}](?:[A-Z0-9\x{00C0}-\x{024F}\x{0370}-\x{03FF}\x{0400}-\x{04FF}-]{0,62})";

pub(super) fn build() -> Recognizers {
    Recognizers {
        host: compile(&format!(
            r"(?P<scheme>(?:HTTPS?|HXXPS?)\x20?:\x20?//\x20?)?(?P<host>{LABEL}(?:\x20?[.。]\x20?{LABEL})+)(?P<path>:[0-9]{{1,5}}(?:/[!-~]*)?|/[!-~]*)?"
        )),
        file: compile(
            r"[\p{Han}A-Z0-9_()（）\[\]-]{1,60}(?P<inner>\.(?:PDF|DOCX?|XLSX?|PPTX?|ODT|ODS|TXT|CSV|JPE?G|PNG|MP4|MP3|MOV|AVI|ZIP|RAR))?(?:\.[A-Z0-9]{1,5})?\.(?:EXE|SCR|PIF|JSE?|VBS|VBE|WSF|HTA|HTML?|SHTML|SVG|ISO|IMG|VHDX?|LNK|BAT|CMD|PS1|JAR|MSI|CHM|DOCM|DOTM|XLSM|XLAM|PPTM|APK)(?-u:\b)",
        ),
    }
}

/// What a host is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkClass {
    /// Under gov.tw, edu.tw, gov.taipei or a state enterprise's own domain.
    Government,
    /// Mimics a government host (gov inside another domain).
    LookAlike,
    /// Punycode or letters of another script.
    Homoglyph,
    /// A bare IPv4 address.
    Ip,
    /// A URL shortener.
    Shortener,
    /// Any other host.
    Outside,
}

impl LinkClass {
    /// The entity kind of a link of this class.
    pub fn kind(self) -> EntityKind {
        match self {
            LinkClass::Government => EntityKind::GovLink,
            LinkClass::Outside => EntityKind::OutsideLink,
            LinkClass::LookAlike | LinkClass::Homoglyph => EntityKind::LookalikeLink,
            LinkClass::Ip | LinkClass::Shortener => EntityKind::HiddenLink,
        }
    }

    fn name(self) -> &'static str {
        match self {
            LinkClass::Government => "government",
            LinkClass::LookAlike => "look-alike",
            LinkClass::Homoglyph => "homoglyph",
            LinkClass::Ip => "ip",
            LinkClass::Shortener => "shortener",
            LinkClass::Outside => "outside",
        }
    }
}

/// Classifies a host (any case, dots already plain). `marked` says that a
/// scheme or `www.` shows the token is a link: then a suffix the Public
/// Suffix List does not know is its own suffix, as the list's default rule
/// `*` has it (`https://dgpa-gov-tw.example/bonus`), unless it names a
/// private network (`.intra`, `.local`); an unmarked token needs a known
/// suffix to be read as a host at all.
pub fn classify(host: &str, marked: bool) -> Option<LinkClass> {
    let host = host.trim_end_matches('.').to_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    if labels.len() == 4
        && labels
            .iter()
            .all(|l| l.len() <= 3 && l.parse::<u8>().is_ok())
    {
        return Some(LinkClass::Ip);
    }
    if !host.is_ascii() || labels.iter().any(|l| l.starts_with("xn--")) {
        // The suffix must still be a real one, or this is no host at all;
        // as below, a token shown to be a link, or one under a name
        // reserved for documentation and tests, may take its last label.
        let tail = labels[labels.len() - 1];
        let suffix = known_suffix(&host).is_some()
            || (tail.len() >= 2
                && tail.bytes().all(|b| b.is_ascii_alphabetic())
                && (marked || RESERVED_TLDS.contains(&tail))
                && !PRIVATE_TLDS.contains(&tail));
        return (tail.is_ascii() && suffix).then_some(LinkClass::Homoglyph);
    }
    let n = labels.len();
    let (suffix, domain) = match known_suffix(&host) {
        Some(suffix) => {
            if suffix.len() == host.len() {
                return None;
            }
            (suffix, psl::domain_str(&host)?)
        }
        None => {
            // A government name under a suffix that does not exist (gov.tvv,
            // gov.twn): its last letters imitate tw.
            let tail = labels[n - 1];
            let alphabetic = tail.bytes().all(|b| b.is_ascii_alphabetic());
            if n >= 3 && labels[n - 2] == "gov" && alphabetic {
                return Some(LinkClass::LookAlike);
            }
            let reserved = RESERVED_TLDS.contains(&tail);
            let private = PRIVATE_TLDS.contains(&tail);
            if !(marked || reserved) || private || !alphabetic || tail.len() < 2 {
                return None;
            }
            let domain_start = host.len() - tail.len() - labels[n - 2].len() - 1;
            (tail, &host[domain_start..])
        }
    };
    if matches!(suffix, "gov.tw" | "edu.tw") || GENUINE_DOMAINS.contains(&domain) {
        return Some(LinkClass::Government);
    }
    // Another country's government (cdc.gov, www.gov.uk, go.jp).
    let foreign_government = suffix == "gov"
        || ["gov.", "go.", "gouv.", "gob."]
            .iter()
            .any(|p| suffix.starts_with(p));
    if foreign_government {
        return Some(LinkClass::Outside);
    }
    if SHORTENERS.contains(&domain) {
        return Some(LinkClass::Shortener);
    }
    // Everything left of the public suffix, with digits read as the
    // letters they imitate (g0v).
    let prefix: String = host[..host.len() - suffix.len()]
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' => 'l',
            c => c,
        })
        .collect();
    let agency = prefix
        .split(['.', '-', '_'])
        .any(|part| AGENCY_NAMES.contains(&part));
    let mimics = agency
        || prefix.contains("gov")
        || ["edu.tw", "edu-tw", "edutw"]
            .iter()
            .any(|m| prefix.contains(m));
    Some(if mimics {
        LinkClass::LookAlike
    } else {
        LinkClass::Outside
    })
}

/// The public suffix of `host` if the list knows it (not the default `*`).
fn known_suffix(host: &str) -> Option<&str> {
    let s = psl::suffix(host.as_bytes())?;
    if !s.is_known() {
        return None;
    }
    std::str::from_utf8(s.as_bytes()).ok()
}

/// Whether `bytes` (normalized text) may hold a link or a file name: a dot
/// followed by an ASCII letter, a space allowed between (`gov-tw.info`,
/// `公文.html`, `gov 。tw`), a scheme's `//` (`http://203.0.113.7`), or an
/// IPv4 address with a port or a path (`203.0.113.45/owa`). Decimals, times
/// and version numbers (`1.5`, `10.30`, `2.4.1.7`) do not open the patterns.
pub(super) fn may_hold_link(bytes: &[u8]) -> bool {
    const IDEOGRAPHIC_STOP: &[u8] = "。".as_bytes();
    let letter_at = |i: usize| {
        match bytes.get(i) {
            Some(b' ') => bytes.get(i + 1),
            b => b,
        }
        .is_some_and(u8::is_ascii_alphabetic)
    };
    // One pass for the three bytes that can start a dot or a scheme.
    memchr::memchr3_iter(b'.', b'/', IDEOGRAPHIC_STOP[0], bytes).any(|i| match bytes[i] {
        b'.' => letter_at(i + 1) || address_with_path_at(bytes, i),
        b'/' => bytes.get(i + 1) == Some(&b'/'),
        _ => bytes[i..].starts_with(IDEOGRAPHIC_STOP) && letter_at(i + IDEOGRAPHIC_STOP.len()),
    })
}

/// Whether the dot at `dot` ends the first of four runs of one to three
/// digits joined by dots (an IPv4 address) that a `:` or a `/` follows.
fn address_with_path_at(bytes: &[u8], dot: usize) -> bool {
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let start = bytes[..dot]
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    if !(1..=3).contains(&(dot - start)) || (start > 0 && bytes[start - 1] == b'.') {
        return false;
    }
    let mut i = dot;
    for _ in 0..3 {
        let run = if bytes.get(i) == Some(&b'.') {
            digits(i + 1)
        } else {
            0
        };
        if !(1..=3).contains(&run) {
            return false;
        }
        i += 1 + run;
    }
    // A port, or a path that is no second version number (2.4.1.7/2.4.1.8).
    match (bytes.get(i), bytes.get(i + 1)) {
        (Some(b':'), Some(n)) => n.is_ascii_digit(),
        (Some(b'/'), Some(n)) => n.is_ascii_graphic() && !n.is_ascii_digit(),
        _ => false,
    }
}

/// Links, classified.
pub(super) fn links(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if !kinds.intersects(KindSet::LINKS) || !cx.dotted {
        return;
    }
    for c in r.host.captures_iter(s) {
        let (Some(whole), Some(h)) = (c.get(0), c.name("host")) else {
            continue;
        };
        // The part of an e-mail address before its @ is no host.
        if s[h.end()..].starts_with('@') {
            continue;
        }
        let raw = h.as_str();
        let spaced = raw.contains(' ');
        let host: String = raw
            .chars()
            .filter(|&c| c != ' ')
            .map(|c| if c == '。' { '.' } else { c })
            .collect();
        let schemed = c.name("scheme").is_some() || host.starts_with("WWW.");
        let marked = schemed || c.name("path").is_some();
        let Some(class) = classify(&host, schemed) else {
            continue;
        };
        // Four numbers with nothing to show they are an address are a
        // version number (韌體 2.4.1.7), even beside a real link.
        if class == LinkClass::Ip && !marked {
            continue;
        }
        // Spaces around a dot join two words of a sentence ("do it. So")
        // unless a scheme, www or a path says this is a link, or the host
        // names the government it claims to be.
        if spaced && !marked && class != LinkClass::LookAlike && class != LinkClass::Government {
            continue;
        }
        let tld = host.rsplit('.').next().unwrap_or("").to_lowercase();
        if !marked && FILE_LIKE_TLDS.contains(&tld.as_str()) {
            continue;
        }
        // An e-mail address's domain is no link, unless it imitates one.
        let mail = h.start() > 0 && s[..h.start()].ends_with('@');
        if mail && class.kind() != EntityKind::LookalikeLink {
            continue;
        }
        if kinds.contains(class.kind()) {
            let value = format!("{}:{}", class.name(), host.to_lowercase());
            cx.push(class.kind(), whole.start(), whole.end(), Some(value));
        }
    }
}

/// Attachment names whose extension runs code or macros; disguised when a
/// document's or a picture's extension stands before it (名冊.pdf.exe).
pub(super) fn risky_files(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if !kinds.intersects(KindSet::FILES) || !cx.dotted {
        return;
    }
    // Links with a path, where a page (…/login.html) belongs to the link:
    // looked for once, and only when a page name is there.
    let mut paths: Option<Vec<(usize, usize)>> = None;
    for c in r.file.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        // The pattern ends in a dot and an extension: the name before it.
        let (name, ext) = m.as_str().rsplit_once('.').unwrap_or_default();
        // A web page in a link's path is how the web works; an executable
        // or a script file there (vpn_client.js) is a download.
        if matches!(ext, "HTML" | "HTM" | "SHTML" | "SVG") {
            let paths = paths.get_or_insert_with(|| link_spans_with_path(r, s));
            if paths.iter().any(|&(ps, pe)| m.start() < pe && ps < m.end()) {
                continue;
            }
        }
        // A bare extension after a verb (請勿開啟.exe, 不要下載.scr) or
        // after the word for an extension (副檔名是.scr) names a kind of
        // file, as a warning does, not a file.
        let double = c.name("inner").is_some();
        if !double && (is_verb_phrase(name) || names_an_extension(name)) {
            continue;
        }
        let kind = if double || posing_as_document(name, ext) {
            EntityKind::DisguisedFile
        } else {
            EntityKind::RiskyFile
        };
        if kinds.contains(kind) {
            cx.push(kind, m.start(), m.end(), None);
        }
    }
}

/// Byte spans of the links in `s` that have a path.
fn link_spans_with_path(r: &Recognizers, s: &str) -> Vec<(usize, usize)> {
    r.host
        .captures_iter(s)
        .filter(|c| c.name("path").is_some())
        .filter_map(|c| c.get(0).map(|m| (m.start(), m.end())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{found, texts};
    use super::*;

    #[test]
    fn hosts_are_classified_by_their_registrable_domain() {
        let cases = [
            ("www.cdc.gov.tw", Some(LinkClass::Government)),
            ("ntu.edu.tw", Some(LinkClass::Government)),
            ("www.gov.taipei", Some(LinkClass::Government)),
            ("gov-tw.info", Some(LinkClass::LookAlike)),
            ("moi.gov.tw.verify-login.com", Some(LinkClass::LookAlike)),
            ("dgpa-govtw.top", Some(LinkClass::LookAlike)),
            ("g0v-tw.cc", Some(LinkClass::LookAlike)),
            ("edu-tw.net", Some(LinkClass::LookAlike)),
            ("xn--gv-tw-4ve.com", Some(LinkClass::Homoglyph)),
            ("gоv.tw", Some(LinkClass::Homoglyph)),
            ("reurl.cc", Some(LinkClass::Shortener)),
            ("bit.ly", Some(LinkClass::Shortener)),
            ("192.168.10.5", Some(LinkClass::Ip)),
            ("forms.gle", Some(LinkClass::Outside)),
            ("www.gov.uk", Some(LinkClass::Outside)),
            ("www.cdc.gov", Some(LinkClass::Outside)),
            ("www.mohw-carefund.com", Some(LinkClass::LookAlike)),
            ("mvdis.pay-fine.net", Some(LinkClass::LookAlike)),
            ("moisture.com", Some(LinkClass::Outside)),
            ("elearn.hrd.gov.tvv", Some(LinkClass::LookAlike)),
            ("moi.gov.twn", Some(LinkClass::LookAlike)),
            // Not hosts: an unknown last label, a number, a bare suffix.
            ("line.ok", None),
            ("gov.tvv", None),
            ("3.14", None),
            ("gov.tw", None),
            // The names reserved for documentation and tests are suffixes
            // without a scheme too; the power company's own domain is
            // genuine.
            ("taipower-pay.test", Some(LinkClass::LookAlike)),
            ("moi-gov-tw.example", Some(LinkClass::LookAlike)),
            ("tpcuip.taipower.com.tw", Some(LinkClass::Government)),
        ];
        for (host, want) in cases {
            assert_eq!(classify(host, false), want, "{host}");
        }
        // Shown to be a link by a scheme or www, a host under a
        // suffix the list does not know takes its last label as the suffix.
        for (host, want) in [
            ("dgpa-gov-tw.example", Some(LinkClass::LookAlike)),
            ("nhi.update.test", Some(LinkClass::LookAlike)),
            ("etax-refund.example", Some(LinkClass::LookAlike)),
            ("lunch-menu.example", Some(LinkClass::Outside)),
            ("line.ok", Some(LinkClass::Outside)),
            ("eip.intra", None),
            ("3.14", None),
            ("gov.example", Some(LinkClass::LookAlike)),
            // Punycode or another script's letters under such a suffix.
            ("xn--ecpa-gov-tw-8k2a.example", Some(LinkClass::Homoglyph)),
            ("www.dgpa.gοv.tw.example", Some(LinkClass::Homoglyph)),
            ("xn--eip-9k2a.intra", None),
        ] {
            assert_eq!(classify(host, true), want, "{host}");
        }
        assert_eq!(
            found(
                "請至 https://dgpa-gov-tw.example/bonus 登入",
                EntityKind::LookalikeLink
            )
            .len(),
            1
        );
    }

    #[test]
    fn links_are_found_in_the_forms_people_type() {
        for (text, k) in [
            (
                "請點 https://gov-tw.info/login 登入",
                EntityKind::LookalikeLink,
            ),
            (
                "請點https://gov-tw.info/login登入",
                EntityKind::LookalikeLink,
            ),
            ("網址：moi-gov．tw．cc/update", EntityKind::LookalikeLink),
            ("網址 gov-tw 。 info 請盡速填寫", EntityKind::LookalikeLink),
            ("hxxps://reurl.cc/Ab12Cd", EntityKind::HiddenLink),
            ("登入 http://203.0.113.7:8080/owa", EntityKind::HiddenLink),
            ("請重新驗證 203.0.113.45/owa", EntityKind::HiddenLink),
            ("點 198.51.100.7:8080/sso 登入", EntityKind::HiddenLink),
            ("新系統 198.51.100.23:8080 請登入", EntityKind::HiddenLink),
            // A version number beside a real address is none.
            ("韌體 2.4.1.7，後台 192.0.2.1/admin", EntityKind::HiddenLink),
        ] {
            assert_eq!(found(text, k).len(), 1, "{text}");
        }
        assert_eq!(
            found("詳見 https://www.cdc.gov.tw/Bulletin", EntityKind::GovLink)[0]
                .1
                .as_deref(),
            Some("government:www.cdc.gov.tw")
        );
    }

    #[test]
    fn sentences_and_files_are_not_links() {
        for text in [
            "I will do it. So see you",
            // A path alone does not make an unknown suffix a host.
            "請上傳 form.docx/pdf",
            "資訊室通知：請至 http://eip.intra/ 填寫",
            "會議資料.zip 已上傳",
            "版本 v1.2.3 已更新",
            // A dotted quad with nothing after it is a version number.
            "韌體 2.4.1.7 已更新，請重開機",
            "版本 2.4.1",
            "版本 2.4.1.7：修正登入問題",
            "韌體由 2.4.1.7/2.4.1.8 更新",
            "請寄到 chen.ming@example.com",
        ] {
            let all: Vec<_> = [
                EntityKind::GovLink,
                EntityKind::LookalikeLink,
                EntityKind::HiddenLink,
                EntityKind::OutsideLink,
            ]
            .iter()
            .flat_map(|&k| found(text, k))
            .filter(|(t, _)| !t.ends_with("example.com"))
            .collect();
            assert!(all.is_empty(), "{text}: {all:?}");
        }
    }

    #[test]
    fn attachments_that_run_code_are_risky() {
        let disguised = texts(
            "附件 薪資調整通知.pdf.exe 請開啟",
            EntityKind::DisguisedFile,
        );
        assert!(
            disguised.len() == 1 && disguised[0].ends_with("薪資調整通知.pdf.exe"),
            "{disguised:?}"
        );
        assert!(texts("附件 薪資調整通知.pdf.exe", EntityKind::RiskyFile).is_empty());
        assert_eq!(
            texts("請安裝 AirportPass.apk", EntityKind::RiskyFile).len(),
            1
        );
        // A name written straight after a verb takes the verb along.
        let html = texts("請下載公文.html查看", EntityKind::RiskyFile);
        assert!(
            html.len() == 1 && html[0].ends_with("公文.html"),
            "{html:?}"
        );
        assert!(texts("附件：會議紀錄.pdf", EntityKind::RiskyFile).is_empty());
        // A kind of file named in a warning is no file.
        assert!(texts("資訊室提醒：請勿開啟.exe、.scr附件", EntityKind::RiskyFile).is_empty());
        assert!(texts(
            "資安小教室：附件副檔名是.scr的都別開",
            EntityKind::RiskyFile
        )
        .is_empty());
        // A program named as a document or a picture poses as one.
        assert_eq!(
            texts(
                "這是今天會議的照片，會議照片.scr",
                EntityKind::DisguisedFile
            ),
            vec!["會議照片.scr"]
        );
        assert!(texts("防毒更新程式.exe 請安裝", EntityKind::DisguisedFile).is_empty());
        assert_eq!(
            texts("請點選安裝.exe完成更新", EntityKind::RiskyFile).len(),
            1
        );
        assert!(texts("https://x.example.com/a/login.html", EntityKind::RiskyFile).is_empty());
        assert_eq!(
            texts(
                "http://198.51.100.23/update/tool.exe",
                EntityKind::RiskyFile
            ),
            vec!["tool.exe"]
        );
    }
}
