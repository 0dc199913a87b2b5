//! `sites.csv`: one row per site × consent mode, visited or pending.

use super::{Dataset, Site, bool_text};
use crate::report::{Out, ReportError};

/// Column order of `sites.csv`.
pub const SITES_COLUMNS: [&str; 14] = [
    "rank",
    "rank_is_bucket",
    "domain",
    "consent_mode",
    "gpc",
    "status",
    "http_status",
    "final_url",
    "error",
    "started_at",
    "duration_ms",
    "requests",
    "third_party_requests",
    "trackers",
];

pub(super) struct Sites;

impl Dataset for Sites {
    fn file(&self) -> &'static str {
        "sites.csv"
    }

    fn columns(&self) -> &'static [&'static str] {
        &SITES_COLUMNS
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let rank = s.rank();
        let bucket = bool_text(s.target.rank_is_bucket);
        let Some((v, f)) = s.visit else {
            // Listed but not visited yet (an interrupted crawl).
            let gpc = bool_text(s.crawl_gpc);
            let (domain, mode) = (s.target.domain.as_str(), s.mode.as_str());
            return out.row([
                rank.as_str(),
                bucket,
                domain,
                mode,
                gpc,
                "pending",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ]);
        };
        let third = f.third_party.iter().filter(|&&t| t).count();
        let tracking = f.trackers.iter().filter(|t| t.is_tracker()).count();
        out.row([
            rank.as_str(),
            bucket,
            &v.domain,
            v.consent.mode.as_str(),
            bool_text(v.consent.gpc),
            v.outcome.as_str(),
            &v.http_status.map(|s| s.to_string()).unwrap_or_default(),
            v.final_url.as_deref().unwrap_or(""),
            v.error.as_deref().unwrap_or(""),
            &v.started_at,
            &v.duration_ms.to_string(),
            &v.requests.len().to_string(),
            &third.to_string(),
            &tracking.to_string(),
        ])
    }
}
