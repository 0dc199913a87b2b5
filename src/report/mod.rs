//! Datasets written from the store: `sites.csv` and `requests.csv` (docs/schema.md describes
//! every column). Reports read the store only; they never touch a browser. Files are written
//! to a temporary name and renamed, so a reader never sees half a file.

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
/// Column order of `requests.csv`.
pub const REQUESTS_COLUMNS: [&str; 11] = [
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

/// Writes `site_trackers.csv` (one row per site × tracker) from analysis findings.
pub fn write_site_trackers(
    findings: &[crate::analyze::Findings],
    out: &Path,
) -> Result<usize, ReportError> {
    let path = out.join("site_trackers.csv");
    let t = tmp(&path);
    let werr = |e: csv::Error| ReportError::Write {
        path: path.clone(),
        source: e.into(),
    };
    let mut w = csv::Writer::from_path(&t).map_err(werr)?;
    w.write_record(SITE_TRACKERS_COLUMNS).map_err(werr)?;
    let mut rows = 0;
    let join =
        |s: &std::collections::BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(";");
    for f in findings {
        for tr in &f.trackers {
            let pre_submit = tr
                .fields
                .iter()
                .any(|x| crate::analyze::PRE_SUBMIT_FIELDS.contains(&x.field));
            w.write_record([
                f.site.as_str(),
                &f.rank.to_string(),
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
            ])
            .map_err(werr)?;
            rows += 1;
        }
    }
    w.flush().map_err(|e| ReportError::Write {
        path: path.clone(),
        source: e,
    })?;
    drop(w);
    std::fs::rename(&t, &path).map_err(|source| ReportError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(rows)
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// What was written.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// Rows in sites.csv.
    pub sites: usize,
    /// Rows in requests.csv.
    pub requests: usize,
}

/// Writes `sites.csv` and `requests.csv` into `out` from the store.
pub fn write_crawl_datasets(store: &Store, out: &Path) -> Result<Written, ReportError> {
    let sites_path = out.join("sites.csv");
    let req_path = out.join("requests.csv");
    let werr = |path: &Path| {
        let path = path.to_owned();
        move |e: csv::Error| ReportError::Write {
            path: path.clone(),
            source: e.into(),
        }
    };
    let sites_tmp = tmp(&sites_path);
    let req_tmp = tmp(&req_path);
    let mut sites = csv::Writer::from_path(&sites_tmp).map_err(werr(&sites_path))?;
    let mut reqs = csv::Writer::from_path(&req_tmp).map_err(werr(&req_path))?;
    sites
        .write_record(SITES_COLUMNS)
        .map_err(werr(&sites_path))?;
    reqs.write_record(REQUESTS_COLUMNS)
        .map_err(werr(&req_path))?;
    let mut written = Written::default();
    for (target, visit_id) in store.targets()? {
        let rank = target.rank.to_string();
        let Some(id) = visit_id else {
            // Listed but not visited yet (an interrupted crawl).
            sites
                .write_record([
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
                ])
                .map_err(werr(&sites_path))?;
            written.sites += 1;
            continue;
        };
        let sv = store.load_visit(id)?;
        let v = &sv.visit;
        let parties = Parties::new(&v.domain, v.final_url.as_deref());
        let third = v
            .requests
            .iter()
            .filter(|r| parties.is_third_party(&r.url))
            .count();
        sites
            .write_record([
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
            ])
            .map_err(werr(&sites_path))?;
        written.sites += 1;
        for r in &v.requests {
            reqs.write_record([
                v.domain.as_str(),
                &rank,
                &r.url,
                &r.method,
                &r.resource_type,
                &r.status.map(|s| s.to_string()).unwrap_or_default(),
                &r.frame_url,
                if parties.is_third_party(&r.url) {
                    "true"
                } else {
                    "false"
                },
                &r.body
                    .as_ref()
                    .map(|b| b.len().to_string())
                    .unwrap_or_default(),
                &body_text(r),
                &initiator_text(&r.initiator),
            ])
            .map_err(werr(&req_path))?;
            written.requests += 1;
        }
    }
    sites.flush().map_err(|e| ReportError::Write {
        path: sites_path.clone(),
        source: e,
    })?;
    reqs.flush().map_err(|e| ReportError::Write {
        path: req_path.clone(),
        source: e,
    })?;
    drop((sites, reqs));
    for (t, p) in [(sites_tmp, sites_path), (req_tmp, req_path)] {
        std::fs::rename(&t, &p).map_err(|source| ReportError::Write {
            path: p.clone(),
            source,
        })?;
    }
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
