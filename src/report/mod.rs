//! Datasets written from the store: `sites.csv`, `requests.csv` and `site_trackers.csv`
//! (docs/schema.md describes every column). Reports read the store and analysis findings
//! only; they never touch a browser. Files are written to a temporary name and renamed, so a
//! reader never sees half a file.

use crate::analyze::Analyzer;
use crate::analyze::party::Parties;
use crate::capture::RawRequest;
use crate::store::{Store, StoreError};
use base64::Engine;
use std::path::{Path, PathBuf};

/// Report errors.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing a file failed.
    #[error("writing {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// Column order of `sites.csv`.
pub const SITES_COLUMNS: [&str; 10] = [
    "rank",
    "domain",
    "status",
    "http_status",
    "final_url",
    "error",
    "started_at",
    "duration_ms",
    "requests",
    "third_party_requests",
];
/// Column order of `requests.csv`: the capture, then the tracker attribution.
pub const REQUESTS_COLUMNS: [&str; 19] = [
    "site",
    "rank",
    "url",
    "method",
    "resource_type",
    "status",
    "frame_url",
    "is_third_party",
    "body_bytes",
    "body",
    "initiator",
    "tracker",
    "company",
    "category",
    "decoder",
    "pixel_ids",
    "events",
    "fields",
    "matched_rule",
];

/// Column order of `site_trackers.csv`.
pub const SITE_TRACKERS_COLUMNS: [&str; 14] = [
    "site",
    "rank",
    "tracker",
    "company",
    "category",
    "loaded",
    "fired",
    "pixel_ids",
    "events",
    "fields",
    "requests",
    "first_party_proxy",
    "cookie_ids",
    "pre_submit_capture",
];

/// What was written.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// Rows in sites.csv.
    pub sites: usize,
    /// Rows in requests.csv.
    pub requests: usize,
    /// Rows in site_trackers.csv.
    pub site_trackers: usize,
    /// Visits analysed.
    pub visits: usize,
}

/// A CSV file being written under a temporary name.
struct Out {
    w: csv::Writer<std::fs::File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl Out {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Out, ReportError> {
        let path = dir.join(name);
        let tmp = tmp(&path);
        let err = |e: csv::Error| ReportError::Write {
            path: path.clone(),
            source: e.into(),
        };
        let mut w = csv::Writer::from_path(&tmp).map_err(err)?;
        w.write_record(header).map_err(err)?;
        Ok(Out { w, tmp, path })
    }

    fn row<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(
        &mut self,
        rec: I,
    ) -> Result<(), ReportError> {
        self.w.write_record(rec).map_err(|e| ReportError::Write {
            path: self.path.clone(),
            source: e.into(),
        })
    }

    fn finish(mut self) -> Result<(), ReportError> {
        self.w.flush().map_err(|source| ReportError::Write {
            path: self.path.clone(),
            source,
        })?;
        drop(self.w);
        std::fs::rename(&self.tmp, &self.path).map_err(|source| ReportError::Write {
            path: self.path.clone(),
            source,
        })
    }
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn join<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    items
        .into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(";")
}

/// Analyses every visit of the store and writes `sites.csv`, `requests.csv` and
/// `site_trackers.csv` into `out`, in one pass: visits are loaded in chunks, each chunk
/// analysed in parallel. The same store gives byte-identical files.
pub fn write_all(store: &Store, out: &Path, analyzer: &Analyzer) -> Result<Written, ReportError> {
    let mut sites = Out::create(out, "sites.csv", &SITES_COLUMNS)?;
    let mut reqs = Out::create(out, "requests.csv", &REQUESTS_COLUMNS)?;
    let mut trackers = Out::create(out, "site_trackers.csv", &SITE_TRACKERS_COLUMNS)?;
    let mut written = Written::default();
    let targets = store.targets()?;
    for chunk in targets.chunks(256) {
        let mut visits = Vec::with_capacity(chunk.len());
        for (t, id) in chunk {
            if let Some(id) = id {
                visits.push((t.rank, store.load_visit(*id)?.visit));
            }
        }
        let findings = analyzer.visits(&visits);
        let mut next = visits.iter().zip(&findings);
        for (target, id) in chunk {
            let rank = target.rank.to_string();
            if id.is_none() {
                // Listed but not visited yet (an interrupted crawl).
                sites.row([
                    rank.as_str(),
                    &target.domain,
                    "pending",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ])?;
                written.sites += 1;
                continue;
            }
            let ((_, v), f) = next.next().expect("one visit per visited target");
            written.visits += 1;
            let parties = Parties::new(&v.domain, v.final_url.as_deref());
            let third = v
                .requests
                .iter()
                .filter(|r| parties.is_third_party(&r.url))
                .count();
            sites.row([
                rank.as_str(),
                &v.domain,
                v.outcome.as_str(),
                &v.http_status.map(|s| s.to_string()).unwrap_or_default(),
                v.final_url.as_deref().unwrap_or(""),
                v.error.as_deref().unwrap_or(""),
                &v.started_at,
                &v.duration_ms.to_string(),
                &v.requests.len().to_string(),
                &third.to_string(),
            ])?;
            written.sites += 1;
            let by_seq: std::collections::HashMap<u32, &crate::analyze::RequestFinding> =
                f.requests.iter().map(|x| (x.seq, x)).collect();
            for r in &v.requests {
                let a = by_seq.get(&r.seq);
                let fields = a.map(|x| {
                    let t: std::collections::BTreeSet<String> = x
                        .fields
                        .iter()
                        .map(|h| format!("{}:{}", h.field, h.encoding))
                        .collect();
                    join(&t)
                });
                reqs.row([
                    v.domain.as_str(),
                    &rank,
                    &r.url,
                    &r.method,
                    &r.resource_type,
                    &r.status.map(|s| s.to_string()).unwrap_or_default(),
                    &r.frame_url,
                    bool_text(parties.is_third_party(&r.url)),
                    &r.body
                        .as_ref()
                        .map(|b| b.len().to_string())
                        .unwrap_or_default(),
                    &body_text(r),
                    &initiator_text(&r.initiator),
                    a.map(|x| x.tracker.as_str()).unwrap_or(""),
                    a.map(|x| x.company.as_str()).unwrap_or(""),
                    a.map(|x| x.category.as_str()).unwrap_or(""),
                    a.and_then(|x| x.decoder).unwrap_or(""),
                    &a.map(|x| join(&x.pixel_ids)).unwrap_or_default(),
                    &a.map(|x| join(&x.events)).unwrap_or_default(),
                    &fields.unwrap_or_default(),
                    a.and_then(|x| x.matched_rule.as_deref()).unwrap_or(""),
                ])?;
                written.requests += 1;
            }
            for tr in &f.trackers {
                let pre_submit = tr
                    .fields
                    .iter()
                    .any(|x| crate::analyze::PRE_SUBMIT_FIELDS.contains(&x.field));
                trackers.row([
                    f.site.as_str(),
                    &rank,
                    &tr.tracker,
                    &tr.company,
                    &tr.category,
                    bool_text(tr.loaded),
                    bool_text(tr.fired),
                    &join(&tr.pixel_ids),
                    &join(&tr.events),
                    &tr.fields_text(),
                    &tr.requests.to_string(),
                    bool_text(tr.first_party_proxy),
                    &join(&tr.cookie_ids),
                    bool_text(pre_submit),
                ])?;
                written.site_trackers += 1;
            }
        }
    }
    sites.finish()?;
    reqs.finish()?;
    trackers.finish()?;
    Ok(written)
}

fn tmp(p: &Path) -> PathBuf {
    let mut name = p.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    p.with_file_name(name)
}

/// A body as CSV text: UTF-8 as is, anything else as `base64:` and its base64.
pub fn body_text(r: &RawRequest) -> String {
    match &r.body {
        None => String::new(),
        Some(b) => match std::str::from_utf8(b) {
            Ok(s) => s.to_string(),
            Err(_) => format!(
                "base64:{}",
                base64::engine::general_purpose::STANDARD.encode(b)
            ),
        },
    }
}

/// Chromium's initiator as `type url` (the full JSON stays in the store).
pub fn initiator_text(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let kind = v.get("type").and_then(|t| t.as_str()).unwrap_or("");
    let url = v
        .get("url")
        .and_then(|u| u.as_str())
        .or_else(|| {
            v.pointer("/stack/callFrames/0/url")
                .and_then(|u| u.as_str())
        })
        .unwrap_or("");
    if url.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} {url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initiator_is_type_and_url() {
        assert_eq!(
            initiator_text(r#"{"type":"parser","url":"https://a.example/"}"#),
            "parser https://a.example/"
        );
        assert_eq!(
            initiator_text(
                r#"{"type":"script","stack":{"callFrames":[{"url":"https://t.example/p.js"}]}}"#
            ),
            "script https://t.example/p.js"
        );
        assert_eq!(initiator_text(r#"{"type":"other"}"#), "other");
    }
}
