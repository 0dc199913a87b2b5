//! `manifest.json`: what makes a crawl reproducible — the list (name, size, SHA-256,
//! format), the options, the pixelcensus, Chromium and chromedriver versions, start and end
//! times, outcome counts, and the tracker data used. Keys are sorted and nothing in it
//! changes between two `report` runs on the same store.

use super::{CrawlTotals, ReportError, write_file};
use crate::store::Store;
use crate::store::meta::CrawlMeta;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;

/// pixelcensus's version and the commit it was built from ("" outside a checkout).
pub fn version() -> (&'static str, &'static str) {
    (env!("CARGO_PKG_VERSION"), env!("PIXELCENSUS_GIT_COMMIT"))
}

/// SHA-256 of a file, hex; None when unreadable.
pub fn file_sha256(p: &Path) -> Option<(u64, String)> {
    let bytes = std::fs::read(p).ok()?;
    Some((bytes.len() as u64, hex::encode(Sha256::digest(&bytes))))
}

/// Writes `manifest.json` into `out`.
pub fn write(
    store: &Store,
    out: &Path,
    totals: &CrawlTotals,
    opts: &super::ReportOptions,
) -> Result<(), ReportError> {
    let meta = CrawlMeta::read(store)?;
    let (version, commit) = version();
    let all_outcomes = totals.outcomes();
    let outcomes: serde_json::Map<String, Value> = crate::capture::Outcome::ALL
        .iter()
        .map(|o| {
            (
                o.as_str().to_string(),
                json!(all_outcomes.get(o).copied().unwrap_or(0)),
            )
        })
        .collect();
    let rules: Vec<Value> = opts
        .rules
        .iter()
        .map(|p| {
            let (bytes, sha) = file_sha256(p).unwrap_or_default();
            json!({ "file": p.file_name().map(|n| n.to_string_lossy().into_owned()), "bytes": bytes, "sha256": sha })
        })
        .collect();
    let options = serde_json::to_value(&meta.options).expect("plain data");
    let m = json!({
        "crawl": totals.crawl,
        "list": { "file": meta.list.file, "bytes": meta.list.bytes, "sha256": meta.list.sha256, "format": meta.list.format },
        "options": options,
        "pixelcensus": { "version": version, "git_commit": commit },
        "browser": { "chromium": meta.chromium_version, "chromedriver": meta.chromedriver_version, "disguise": meta.disguise },
        "browsers_over_time": meta.browsers_over_time,
        "vantage": {
            "name": meta.options.as_ref().map_or("local", |p| p.opts.vantage.as_str()),
            "device": meta.options.as_ref().map(|p| p.opts.device),
            "proxy_checks": meta.vantage_checks,
        },
        "started_at": meta.started_at,
        "finished_at": meta.finished_at,
        "crawl_id": meta.crawl_id,
        "shard": meta.shard.map(|s| s.to_string()),
        "merged_from": meta.merged_from,
        "outcomes": outcomes,
        "pending": totals.modes.values().map(|t| t.pending).sum::<u64>(),
        "sites_ok": totals.modes.values().map(|t| t.ok).sum::<u64>(),
        "consent": {
            "modes": totals.modes.keys().map(|m| m.as_str()).collect::<Vec<_>>(),
            "gpc": totals.gpc,
            "sites_ok_by_mode": totals.modes.iter().map(|(m, t)| (m.as_str().to_string(), json!(t.ok))).collect::<serde_json::Map<_, _>>(),
            "autoconsent": {
                "version": crate::consent::AUTOCONSENT_VERSION,
                "bundle_sha256": crate::consent::AUTOCONSENT_JS_SHA256,
                "rules_sha256": crate::consent::AUTOCONSENT_RULES_SHA256,
            },
        },
        "tracker_data": {
            "entities": { "source": crate::analyze::entities::VERSION, "sha256": crate::analyze::entities::SHA256 },
            "decoders": crate::analyze::decoders::REGISTRY.iter().map(|d| d.name()).collect::<Vec<_>>(),
            "rules": rules,
        },
    });
    let mut text = serde_json::to_string_pretty(&m).expect("plain JSON");
    text.push('\n');
    write_file(&out.join("manifest.json"), text.as_bytes())
}
