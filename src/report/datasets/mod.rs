//! The CSV datasets, one file each behind the [`Dataset`] trait and listed once in
//! [`registry`]. The report is one loop over the store that hands every target (visited or
//! not) to each dataset ([`Dataset::site`]), then the crawl totals ([`Dataset::end`]); a new
//! dataset is a new file here and one line in [`registry`] (plus its columns in
//! docs/schema.md).

mod companies;
mod consent;
mod fields;
mod fingerprinting;
mod listeners;
mod pages;
mod prevalence;
mod requests;
mod site_trackers;
mod sites;
mod techniques;
mod tracker_fields;

pub use companies::COMPANIES_COLUMNS;
pub use consent::{CONSENT_COLUMNS, ChoiceTrackers, choice_trackers};
pub use fields::FIELDS_COLUMNS;
pub use fingerprinting::FINGERPRINTING_COLUMNS;
pub use listeners::LISTENERS_COLUMNS;
pub use pages::PAGES_COLUMNS;
pub use prevalence::PREVALENCE_COLUMNS;
pub use requests::REQUESTS_COLUMNS;
pub use site_trackers::SITE_TRACKERS_COLUMNS;
pub use sites::SITES_COLUMNS;
pub use techniques::TECHNIQUES_COLUMNS;
pub use tracker_fields::TRACKER_FIELDS_COLUMNS;

use super::parquet::ColType;
use super::{CrawlTotals, Out, ReportError, ReportOptions};
use crate::analyze::Findings;
use crate::capture::{ConsentMode, RawVisit};
use crate::list::Target;

/// One target of the store as the datasets see it: the listed site and consent mode, and its
/// visit with the analysis findings once visited.
pub struct Site<'a> {
    /// The listed site.
    pub target: &'a Target,
    /// Its frontier row's consent mode.
    pub mode: ConsentMode,
    /// The crawl sent GPC (for targets not visited yet; a visit records its own).
    pub crawl_gpc: bool,
    /// The crawl's name (the `crawl` column).
    pub crawl: &'a str,
    /// The crawl's device (`--device`: the `device` column).
    pub device: &'a str,
    /// Where the crawl came from (`--vantage`: the `vantage` column).
    pub vantage: &'a str,
    /// The visit and its findings; `None` while the target is pending.
    pub visit: Option<(&'a RawVisit, &'a Findings)>,
    /// The visit's trackers on either side of the consent click (decided once per visit,
    /// for consent.csv and the crawl's violations).
    pub choice: Option<ChoiceTrackers<'a>>,
    /// What the report was asked to write.
    pub opts: &'a ReportOptions,
}

impl<'a> Site<'a> {
    /// The rank as a cell.
    pub fn rank(&self) -> String {
        self.target.rank.to_string()
    }

    /// The visit with the cells every per-visit row starts with; `None` while pending.
    pub fn visited(&self) -> Option<Visited<'a>> {
        let (v, f) = self.visit?;
        Some(Visited {
            v,
            f,
            rank: self.rank(),
            crawl: self.crawl,
            device: self.device,
            vantage: self.vantage,
            mode: v.consent.mode.as_str(),
            gpc: bool_text(v.consent.gpc),
            status: v.outcome.as_str(),
        })
    }
}

/// The columns every per-site dataset starts with, in this order.
pub const KEY_COLUMNS: [&str; 8] = [
    "rank",
    "site",
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "status",
];

impl Visited<'_> {
    /// The cells of [`KEY_COLUMNS`].
    pub fn key(&self) -> [&str; 8] {
        [
            self.rank.as_str(),
            self.v.domain.as_str(),
            self.crawl,
            self.device,
            self.vantage,
            self.mode,
            self.gpc,
            self.status,
        ]
    }
}

/// A visited target: its capture, its findings and the common cells.
pub struct Visited<'a> {
    /// The raw capture.
    pub v: &'a RawVisit,
    /// The analysis findings.
    pub f: &'a Findings,
    /// `rank` cell.
    pub rank: String,
    /// `crawl` cell.
    pub crawl: &'a str,
    /// `device` cell.
    pub device: &'a str,
    /// `vantage` cell.
    pub vantage: &'a str,
    /// `consent_mode` cell.
    pub mode: &'static str,
    /// `gpc` cell.
    pub gpc: &'static str,
    /// `status` cell: the visit's outcome.
    pub status: &'static str,
}

/// What a dataset writes: its CSV file and header, and for the large ones a Parquet copy.
pub struct Spec {
    /// The CSV's file name in the output folder.
    pub file: &'static str,
    /// The header, in order (docs/schema.md documents each column).
    pub columns: &'static [&'static str],
    /// Each column's type, in `columns`' order (docs/schema.md's types; a Parquet copy's).
    pub types: &'static [ColType],
    /// The Parquet copy's file name, if any.
    pub parquet: Option<&'static str>,
}

/// One CSV dataset: its [`Spec`], the rows it takes from each target and the rows it writes
/// from the crawl totals. Rows go through [`Out::row`], which neutralises every cell.
pub trait Dataset {
    /// Its files and columns.
    fn spec(&self) -> &'static Spec;
    /// Rows for one target of the store, in the store's order.
    fn site(&mut self, _site: &Site<'_>, _out: &mut Out) -> Result<(), ReportError> {
        Ok(())
    }
    /// Rows written after every target, from the crawl's totals.
    fn end(&mut self, _totals: &CrawlTotals, _out: &mut Out) -> Result<(), ReportError> {
        Ok(())
    }
}

/// The Parquet types of a per-site dataset: [`KEY_COLUMNS`]' (integer rank, boolean gpc,
/// text for the rest), then the listed ones (`Text`, `Int`, `Bool`).
macro_rules! per_site_types {
    ($($t:ident),* $(,)?) => {
        [
            ColType::Int,
            ColType::Text,
            ColType::Text,
            ColType::Text,
            ColType::Text,
            ColType::Text,
            ColType::Bool,
            ColType::Text,
            $(ColType::$t),*
        ]
    };
}
pub(crate) use per_site_types;

/// The types of a crawl-wide dataset's columns: the crawl's key ([`crawl_key`]'s `crawl`,
/// `device`, `vantage`, `consent_mode`, `gpc`), then the dataset's own.
macro_rules! crawl_types {
    ($($t:ident),* $(,)?) => {
        [
            ColType::Text,
            ColType::Text,
            ColType::Text,
            ColType::Text,
            ColType::Bool,
            $(ColType::$t),*
        ]
    };
}
pub(crate) use crawl_types;

/// Every dataset, in the order the summary lists them.
pub fn registry() -> Vec<Box<dyn Dataset>> {
    vec![
        Box::new(sites::Sites),
        Box::new(pages::Pages),
        Box::new(site_trackers::SiteTrackers),
        Box::new(tracker_fields::TrackerFields),
        Box::new(prevalence::Prevalence),
        Box::new(fields::Fields),
        Box::new(companies::Companies),
        Box::new(requests::Requests),
        Box::new(consent::Consent),
        Box::new(fingerprinting::Fingerprinting),
        Box::new(listeners::Listeners),
        Box::new(techniques::Techniques),
    ]
}

/// The file names of every dataset, in the registry's order, each Parquet copy after its CSV.
pub fn files() -> Vec<String> {
    let mut out = Vec::new();
    for d in registry() {
        let spec = d.spec();
        out.push(spec.file.to_string());
        if let Some(file) = spec.parquet {
            out.push(file.to_string());
        }
    }
    out
}

/// `true`/`false` as a cell.
pub(crate) fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// The cells naming a script and its owner: `script`, `script_host`, `third_party`,
/// `vendor`, `owner` (fingerprinting.csv, listeners.csv).
pub(crate) fn owner_cells(w: &crate::analyze::scripts::ScriptOwner) -> [&str; 5] {
    [
        &w.script,
        &w.host,
        bool_text(w.third_party),
        &w.vendor,
        &w.owner,
    ]
}

/// Page numbers as one `;`-separated cell (`0;2`).
pub(crate) fn pages_text(pages: &std::collections::BTreeSet<u32>) -> String {
    pages
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(";")
}

/// Items as one `;`-separated cell.
pub(crate) fn join<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    items
        .into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/schema.md documents every dataset of the registry, each column in order, and no
    /// dataset shares its file name with another.
    #[test]
    fn schema_documents_every_registered_dataset() {
        let doc = include_str!("../../../docs/schema.md");
        let mut seen = std::collections::BTreeSet::new();
        for d in registry() {
            let d = d.spec();
            assert!(seen.insert(d.file), "{} registered twice", d.file);
            let head = format!("## {} ", d.file);
            let start = doc
                .find(&head)
                .unwrap_or_else(|| panic!("docs/schema.md has no section `{head}`"));
            let section = &doc[start + head.len()..];
            let section = &section[..section.find("\n## ").unwrap_or(section.len())];
            let rows: Vec<Vec<&str>> = section
                .lines()
                .filter_map(|l| l.strip_prefix("| "))
                .map(|l| l.split(" | ").collect::<Vec<_>>())
                .filter(|c| !matches!(c[0], "column" | "---"))
                .collect();
            let documented: Vec<&str> = rows.iter().map(|r| r[0]).collect();
            assert_eq!(
                documented, d.columns,
                "{}: columns in docs/schema.md",
                d.file
            );
            // Every column's type is the documented one.
            assert_eq!(d.types.len(), d.columns.len(), "{}", d.file);
            for (r, t) in rows.iter().zip(d.types) {
                let want = match r[1] {
                    "integer" => ColType::Int,
                    "boolean" | "`true`/`false`" => ColType::Bool,
                    "decimal" => ColType::Decimal,
                    _ => ColType::Text,
                };
                assert_eq!(*t, want, "{}: type of `{}`", d.file, r[0]);
            }
        }
    }
}
