//! The names a link is judged by: URL shorteners, the central agencies'
//! own host names that look-alikes copy, public bodies' domains outside
//! gov.tw, and the top-level names that are no public suffix (reserved for
//! documentation, an intranet's, a file's extension). Lists only; `links`
//! uses them.

/// URL shorteners that hide where a link goes: the international services
/// and the ones common in Taiwan (reurl.cc, ppt.cc, lihi.cc, pse.is, 0rz.tw).
pub(super) const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bit.do",
    "buff.ly",
    "cutt.ly",
    "goo.gl",
    "is.gd",
    "lihi.cc",
    "lihi1.cc",
    "lihi2.cc",
    "lihi3.cc",
    "lurl.cc",
    "myppt.cc",
    "ow.ly",
    "ppt.cc",
    "pse.is",
    "rb.gy",
    "rebrand.ly",
    "reurl.cc",
    "s.id",
    "shorturl.at",
    "t.co",
    "t.ly",
    "tiny.cc",
    "tinyurl.com",
    "v.gd",
    "0rz.tw",
];

/// The host names of central agencies (their own `<name>.gov.tw`) and of
/// the state power company whose bills lures copy (`taipower.com.tw`),
/// which a look-alike puts in front of another suffix (`mohw-carefund.com`,
/// `mvdis-pay.net`, `taipower-pay.net`): taken from their own domains.
pub(super) const AGENCY_NAMES: &[&str] = &[
    "cdc",
    "dgpa",
    "einvoice",
    "etax",
    "moda",
    "moe",
    "moea",
    "moenv",
    "mof",
    "mofa",
    "mohw",
    "moi",
    "moj",
    "mol",
    "mvdis",
    "nhi",
    "nia",
    "npa",
    "ntbt",
    "president",
    "ris",
    "taipower",
];

/// Public bodies' own registrable domains outside gov.tw: Taipei's
/// `gov.taipei` and the state power company's `taipower.com.tw` (whose
/// name look-alikes copy).
pub(super) const GENUINE_DOMAINS: &[&str] = &["gov.taipei", "taipower.com.tw"];

/// The top-level names reserved for documentation and testing (RFC 2606).
/// They are on no public-suffix list and never resolve, but the sample
/// lures of awareness material, drills and test messages are written with
/// them (`taipower-pay.test`): a host under one is a host, with or
/// without a scheme.
pub(super) const RESERVED_TLDS: &[&str] = &["example", "test", "invalid", "localhost"];

/// Names an intranet gives its hosts (`eip.intra`, `nas.local`): no
/// public suffix and no link out of the agency.
pub(super) const PRIVATE_TLDS: &[&str] = &[
    "intra", "intranet", "internal", "local", "lan", "corp", "home",
];

/// Top-level domains that are also file extensions: a bare `會議.zip`
/// without a scheme, `www.` or a path is a file, not a link.
pub(super) const FILE_LIKE_TLDS: &[&str] = &["zip", "mov"];
