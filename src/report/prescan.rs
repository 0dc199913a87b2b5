//! The pre-scan's datasets: `prescan_sites.csv` (one row per site: the fetch's outcome),
//! `prescan.csv` (one row per site × tracker the HTML shows), and beside a browser crawl of
//! the same folder `static_vs_browser.csv` (per site × tracker: seen by both, by the browser
//! only, or in the HTML only) with its per-tracker summary for report.html.

use super::{Out, ReportError};
use crate::analyze::entities::Entities;
use crate::analyze::statics::{self, StaticFinding};
use crate::capture::{Outcome, StaticPage};
use crate::list::Target;
use crate::store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Column order of `prescan_sites.csv`.
pub const PRESCAN_SITES_COLUMNS: [&str; 15] = [
    "rank",
    "site",
    "crawl",
    "status",
    "http_status",
    "wall",
    "start_url",
    "final_url",
    "redirects",
    "error",
    "fetched_at",
    "duration_ms",
    "bytes",
    "resources",
    "trackers",
];

/// Column order of `prescan.csv`.
pub const PRESCAN_COLUMNS: [&str; 10] = [
    "rank",
    "site",
    "crawl",
    "status",
    "tracker",
    "company",
    "category",
    "pixel_ids",
    "evidence",
    "loader",
];

/// Column order of `static_vs_browser.csv`.
pub const STATIC_VS_BROWSER_COLUMNS: [&str; 9] = [
    "rank",
    "site",
    "crawl",
    "tracker",
    "company",
    "category",
    "seen",
    "static_evidence",
    "static_pixel_ids",
];

/// The files the prescan writes (static_vs_browser.csv only beside a browser crawl).
pub const PRESCAN_FILES: [&str; 2] = ["prescan_sites.csv", "prescan.csv"];

/// One site of the prescan, analysed.
pub struct StaticSite {
    /// The listed site.
    pub target: Target,
    /// Its page (`None` while pending).
    pub page: Option<StaticPage>,
    /// The trackers its HTML shows (tracking categories only).
    pub findings: Vec<StaticFinding>,
}

/// Reads and analyses every prescanned site of the store (empty when there was no prescan).
pub fn analyse(store: &Store) -> Result<Vec<StaticSite>, ReportError> {
    let containers = store.containers()?;
    let entities = Entities::get();
    Ok(store
        .prescan_pages()?
        .into_iter()
        .map(|(target, page)| {
            let findings = page
                .as_ref()
                .map(|p| {
                    statics::analyze(p, &containers, entities)
                        .into_iter()
                        .filter(StaticFinding::is_tracker)
                        .collect()
                })
                .unwrap_or_default();
            StaticSite {
                target,
                page,
                findings,
            }
        })
        .collect())
}

fn join<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items.into_iter().collect::<Vec<_>>().join(";")
}

/// Writes prescan_sites.csv and prescan.csv; returns their rows.
pub fn write(
    sites: &[StaticSite],
    out: &Path,
    crawl: &str,
) -> Result<Vec<(&'static str, u64)>, ReportError> {
    let mut s = Out::create(out, PRESCAN_FILES[0], &PRESCAN_SITES_COLUMNS)?;
    let mut t = Out::create(out, PRESCAN_FILES[1], &PRESCAN_COLUMNS)?;
    for site in sites {
        let rank = site.target.rank.to_string();
        let Some(p) = &site.page else {
            let mut row = vec![rank.as_str(), site.target.domain.as_str(), crawl, "pending"];
            row.resize(PRESCAN_SITES_COLUMNS.len(), "");
            s.row(row)?;
            continue;
        };
        s.row([
            rank.as_str(),
            &p.domain,
            crawl,
            p.outcome.as_str(),
            &p.http_status.map(|x| x.to_string()).unwrap_or_default(),
            p.wall.map(|w| w.as_str()).unwrap_or(""),
            &p.start_url,
            p.final_url.as_deref().unwrap_or(""),
            &p.redirect_chain.len().saturating_sub(1).to_string(),
            p.error.as_deref().unwrap_or(""),
            &p.fetched_at,
            &p.duration_ms.to_string(),
            &p.bytes.to_string(),
            &p.resources.len().to_string(),
            &site.findings.len().to_string(),
        ])?;
        for f in &site.findings {
            t.row([
                rank.as_str(),
                &p.domain,
                crawl,
                p.outcome.as_str(),
                &f.tracker,
                &f.company,
                &f.category,
                &join(f.pixel_ids.iter().map(String::as_str)),
                &join(f.evidence.iter().copied()),
                &join(f.loaders.iter().map(String::as_str)),
            ])?;
        }
    }
    let rows = vec![(PRESCAN_FILES[0], s.rows), (PRESCAN_FILES[1], t.rows)];
    s.finish()?;
    t.finish()?;
    Ok(rows)
}

/// One tracker of the static-versus-browser comparison: on how many sites (OK in both) both
/// saw it, only the browser, only the HTML.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Agreement {
    /// Tracker name.
    pub tracker: String,
    /// Seen by both.
    pub both: u64,
    /// Seen by the browser only (injected later, by interaction, or after consent).
    pub browser_only: u64,
    /// In the HTML only (present, never fired).
    pub static_only: u64,
}

/// What the browser saw on a site: (company, category) by tracker name.
pub type BrowserTrackers = BTreeMap<String, (String, String)>;

/// Writes static_vs_browser.csv for the sites OK in both the prescan and the browser crawl
/// (`browser`: site → its trackers, from the crawl's `none`-mode visit); returns its rows and
/// the per-tracker summary, most disagreement first.
pub fn write_comparison(
    sites: &[StaticSite],
    browser: &BTreeMap<String, BrowserTrackers>,
    out: &Path,
    crawl: &str,
) -> Result<(u64, Vec<Agreement>), ReportError> {
    let mut o = Out::create(out, "static_vs_browser.csv", &STATIC_VS_BROWSER_COLUMNS)?;
    let mut sum: BTreeMap<String, Agreement> = BTreeMap::new();
    for site in sites {
        let Some(p) = site.page.as_ref().filter(|p| p.outcome == Outcome::Ok) else {
            continue;
        };
        let Some(b) = browser.get(&p.domain) else {
            continue;
        };
        let st: BTreeMap<&str, &StaticFinding> = site
            .findings
            .iter()
            .map(|f| (f.tracker.as_str(), f))
            .collect();
        let names: BTreeSet<&str> = st
            .keys()
            .copied()
            .chain(b.keys().map(String::as_str))
            .collect();
        for name in names {
            let (s, bb) = (st.get(name), b.get(name));
            let seen = match (s, bb) {
                (Some(_), Some(_)) => "both",
                (None, Some(_)) => "browser_only",
                _ => "static_only",
            };
            let a = sum.entry(name.to_string()).or_insert_with(|| Agreement {
                tracker: name.to_string(),
                ..Default::default()
            });
            match seen {
                "both" => a.both += 1,
                "browser_only" => a.browser_only += 1,
                _ => a.static_only += 1,
            }
            let (company, category) = match (s, bb) {
                (_, Some((c, k))) => (c.as_str(), k.as_str()),
                (Some(f), None) => (f.company.as_str(), f.category.as_str()),
                _ => ("", ""),
            };
            o.row([
                site.target.rank.to_string().as_str(),
                &p.domain,
                crawl,
                name,
                company,
                category,
                seen,
                &s.map(|f| join(f.evidence.iter().copied()))
                    .unwrap_or_default(),
                &s.map(|f| join(f.pixel_ids.iter().map(String::as_str)))
                    .unwrap_or_default(),
            ])?;
        }
    }
    let rows = o.rows;
    o.finish()?;
    let mut v: Vec<Agreement> = sum.into_values().collect();
    v.sort_by(|a, b| {
        (b.browser_only + b.static_only)
            .cmp(&(a.browser_only + a.static_only))
            .then(a.tracker.cmp(&b.tracker))
    });
    Ok((rows, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/schema.md documents the prescan's files, each column in order.
    #[test]
    fn schema_documents_the_prescan_files() {
        let doc = include_str!("../../docs/schema.md");
        for (file, columns) in [
            ("prescan_sites.csv", &PRESCAN_SITES_COLUMNS[..]),
            ("prescan.csv", &PRESCAN_COLUMNS[..]),
            ("static_vs_browser.csv", &STATIC_VS_BROWSER_COLUMNS[..]),
        ] {
            let head = format!("## {file} ");
            let start = doc
                .find(&head)
                .unwrap_or_else(|| panic!("docs/schema.md has no section `{head}`"));
            let section = &doc[start + head.len()..];
            let section = &section[..section.find("\n## ").unwrap_or(section.len())];
            let documented: Vec<&str> = section
                .lines()
                .filter_map(|l| l.strip_prefix("| "))
                .map(|l| l.split(" | ").next().unwrap_or(""))
                .filter(|c| !matches!(*c, "column" | "---"))
                .collect();
            assert_eq!(documented, columns, "{file}");
        }
    }
}
