//! `[content]`: the stage that reads what a message carries besides its
//! text (a file, an image, a video or audio), after the webhook has
//! answered. The defaults suit a 2-core server: one extraction at a time
//! per process, 20 MiB files, 1 GiB and 30 s of CPU per child.

use serde::Deserialize;

use super::ConfigError;

/// `[content]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContentStage {
    /// Content workers in this process (env `LEAKGUARD_CONTENT_WORKERS`).
    /// 0 records the jobs for another replica on the same database to do.
    pub workers: u32,
    /// Attachments read at once in this process, each in a child process
    /// (env `LEAKGUARD_EXTRACTIONS`).
    pub extractions: u32,
    /// Largest attachment downloaded and read, in MiB.
    pub max_file_mib: u64,
    /// Largest image read, in pixels, checked from its header.
    pub max_pixels: u64,
    /// Pages of a PDF read; the rest are passed over.
    pub max_pdf_pages: u64,
    /// Scanned (image-only) pages of a PDF read by OCR.
    pub max_ocr_pages: u64,
    /// Seconds of OCR for one attachment, every image in it together.
    pub ocr_seconds: u64,
    /// Wall-clock seconds before a child reading an attachment is killed.
    pub extract_timeout_seconds: u64,
    /// Address space of such a child, in MiB.
    pub extract_memory_mib: u64,
    /// CPU seconds of such a child.
    pub extract_cpu_seconds: u64,
    /// Seconds one download may take.
    pub download_timeout_seconds: u64,
    /// Seconds to wait for LINE to prepare a video or audio.
    pub ready_wait_seconds: u64,
    /// Seconds a content job stays claimed by the replica working on it;
    /// one that dies mid-job hands it over after this long. The default
    /// outlasts the slowest batch (`claim_seconds()`).
    pub claim_seconds: Option<u64>,
    /// Hosts an image may be fetched from when the sender's app gave its
    /// own URL (`contentProvider.type = "external"`); empty: none.
    pub external_hosts: Vec<String>,
}

impl Default for ContentStage {
    fn default() -> Self {
        ContentStage {
            workers: 1,
            extractions: 1,
            max_file_mib: 20,
            max_pixels: 40_000_000,
            max_pdf_pages: 200,
            max_ocr_pages: 5,
            ocr_seconds: 15,
            extract_timeout_seconds: 20,
            extract_memory_mib: 1024,
            extract_cpu_seconds: 30,
            download_timeout_seconds: 60,
            ready_wait_seconds: 60,
            claim_seconds: None,
            external_hosts: Vec::new(),
        }
    }
}

impl ContentStage {
    /// How long a claim on a batch of `batch` jobs lasts: as set, or long
    /// enough for each job's download, a video's preparation, and every
    /// job of the batch read one after another.
    pub fn claim_seconds(&self, batch: u64) -> u64 {
        self.claim_seconds.unwrap_or(
            self.download_timeout_seconds
                + self.ready_wait_seconds
                + batch * self.extract_timeout_seconds
                + 30,
        )
    }

    /// Every bound within what makes sense, and the OCR budget inside the
    /// child's deadline (so that what was read comes back).
    pub(super) fn validate(
        &self,
        bad: &dyn Fn(&str, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        let ranges: [(&str, u64, u64, u64); 11] = [
            ("extractions", self.extractions.into(), 1, 64),
            ("max_file_mib", self.max_file_mib, 1, 1024),
            ("max_pixels", self.max_pixels, 1_000_000, 400_000_000),
            ("max_pdf_pages", self.max_pdf_pages, 1, 10_000),
            ("max_ocr_pages", self.max_ocr_pages, 0, 100),
            ("ocr_seconds", self.ocr_seconds, 1, 600),
            (
                "extract_timeout_seconds",
                self.extract_timeout_seconds,
                1,
                600,
            ),
            ("extract_memory_mib", self.extract_memory_mib, 256, 65_536),
            ("extract_cpu_seconds", self.extract_cpu_seconds, 1, 3600),
            (
                "download_timeout_seconds",
                self.download_timeout_seconds,
                1,
                600,
            ),
            ("ready_wait_seconds", self.ready_wait_seconds, 0, 600),
        ];
        for (key, value, least, most) in ranges {
            if !(least..=most).contains(&value) {
                return Err(bad(
                    &format!("content.{key}"),
                    format!("{value} is not between {least} and {most}"),
                ));
            }
        }
        if let Some(claim) = self.claim_seconds {
            if claim <= self.extract_timeout_seconds || claim > 3600 {
                return Err(bad(
                    "content.claim_seconds",
                    format!(
                        "{claim} must be above content.extract_timeout_seconds ({}) and at most 3600",
                        self.extract_timeout_seconds
                    ),
                ));
            }
        }
        if self.ocr_seconds >= self.extract_timeout_seconds {
            return Err(bad(
                "content.ocr_seconds",
                format!(
                    "{} must be below content.extract_timeout_seconds ({})",
                    self.ocr_seconds, self.extract_timeout_seconds
                ),
            ));
        }
        for (i, host) in self.external_hosts.iter().enumerate() {
            let name = |h: &str| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            };
            let ipv6 = |h: &str| {
                h.strip_prefix('[')
                    .and_then(|h| h.strip_suffix(']'))
                    .is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok())
            };
            let plain = name(host) || ipv6(host);
            if !plain {
                return Err(bad(
                    &format!("content.external_hosts[{i}]"),
                    format!("{host:?} is not a host name (no scheme, path or port)"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn bounds_and_hosts_are_checked_with_their_key() {
        let cases = [
            ("extractions = 0", "content.extractions"),
            ("max_file_mib = 0", "content.max_file_mib"),
            ("ocr_seconds = 30", "content.ocr_seconds"),
            ("extract_memory_mib = 16", "content.extract_memory_mib"),
            (
                "external_hosts = [\"https://cdn.example.tw/x\"]",
                "content.external_hosts[0]",
            ),
        ];
        for (line, key) in cases {
            let err = Config::parse("t.toml", &format!("[content]\n{line}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(key) && err.contains("t.toml"), "{line}: {err}");
        }
        let c = Config::parse(
            "t.toml",
            "[content]\nextractions = 2\nexternal_hosts = [\"img.example.gov.tw\"]\n",
        )
        .unwrap();
        assert_eq!(c.content.extractions, 2);
        assert_eq!(c.content.external_hosts, ["img.example.gov.tw"]);
    }
}
