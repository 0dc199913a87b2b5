//! The datasets analysts read, written from the store and the analysis findings (reports
//! never touch a browser): `sites.csv`, `site_trackers.csv`, `tracker_fields.csv`,
//! `prevalence.csv`, `fields.csv`, `requests.csv`, `consent.csv`, `manifest.json` and
//! `report.html`. Every per-site dataset has the visit's consent mode and GPC flag; prevalence
//! is computed per consent mode.
//! docs/schema.md describes every column. Files are written under a temporary name and
//! renamed, so a reader never sees half a file; the same store gives byte-identical files.

pub mod cells;
pub mod compare;
pub mod datasets;
mod html;
pub mod manifest;
pub mod parquet;

use crate::analyze::{Analyzer, Findings};
use crate::capture::{ConsentMode, Outcome, RawVisit};
use crate::store::{Store, StoreError};
use base64::Engine;
use std::collections::{BTreeMap, BTreeSet};
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
    /// The disk filled while writing a file: which file, and what the report had written.
    #[error(
        "writing {path}: no space left on the device ({taken}); the unfinished files were removed and the previous datasets kept: free space, then run `pixelcensus report` on the folder again"
    )]
    DiskFull {
        /// The file whose write failed.
        path: PathBuf,
        /// What the files being written took when the disk filled.
        taken: String,
    },
    /// Reading a dataset back failed (compare).
    #[error("reading {path}: {reason}; run `pixelcensus report` on that crawl first")]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

pub mod prescan;

pub use datasets::{
    COMPANIES_COLUMNS, CONSENT_COLUMNS, Dataset, FIELDS_COLUMNS, PREVALENCE_COLUMNS,
    REQUESTS_COLUMNS, SITE_TRACKERS_COLUMNS, SITES_COLUMNS, Site, TRACKER_FIELDS_COLUMNS,
};

/// Rank bounds of the prevalence buckets.
pub const BUCKETS: [u64; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// What to write.
#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// All requests in requests.csv, not only third-party and pixel requests.
    pub all_requests: bool,
    /// `--rules` files (for the manifest).
    pub rules: Vec<PathBuf>,
}

/// What was written.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// Each dataset's file and its rows, in the registry's order.
    pub files: Vec<(&'static str, u64)>,
    /// The Parquet copies written beside their CSVs.
    pub parquet: Vec<&'static str>,
    /// Visits analysed.
    pub visits: usize,
    /// The prescan's files (and static_vs_browser.csv) with their rows, when the folder
    /// holds a prescan.
    pub prescan: Vec<(&'static str, u64)>,
}

impl Written {
    /// The files written, for a summary line: `sites.csv (42 rows), …, manifest.json,
    /// report.html`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .files
            .iter()
            .map(|(f, n)| format!("{f} ({n} rows)"))
            .collect();
        if !self.parquet.is_empty() {
            parts.push(self.parquet.join(", "));
        }
        parts.extend(self.prescan.iter().map(|(f, n)| format!("{f} ({n} rows)")));
        parts.extend(OTHER_FILES.iter().map(|f| f.to_string()));
        parts.join(", ")
    }
}

/// The files written beside the datasets of the registry.
pub const OTHER_FILES: [&str; 2] = ["manifest.json", "report.html"];

/// A CSV file being written under a temporary name (renamed into place by `finish`), and
/// its Parquet copy for the datasets that have one.
pub struct Out {
    w: csv::Writer<std::fs::File>,
    tmp: TmpFile,
    path: PathBuf,
    rows: u64,
    parquet: Option<parquet::ParquetOut>,
}

impl Out {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Out, ReportError> {
        let path = dir.join(name);
        let tmp = TmpFile::new(&path);
        let err = |e: csv::Error| write_error(&path, csv_io(e));
        let mut w = csv::Writer::from_path(&tmp.0).map_err(err)?;
        w.write_record(header).map_err(err)?;
        Ok(Out {
            w,
            tmp,
            path,
            rows: 0,
            parquet: None,
        })
    }

    /// Adds a Parquet copy, `file` beside the CSV, with these columns and types.
    fn with_parquet(
        mut self,
        file: &str,
        columns: &[&str],
        types: &[parquet::ColType],
    ) -> Result<Out, ReportError> {
        let path = self.path.with_file_name(file);
        self.parquet = Some(parquet::ParquetOut::create(path, columns, types)?);
        Ok(self)
    }

    /// Writes one record; every cell is neutralised against spreadsheet formulas here, so no
    /// dataset can hand an analyst a formula whatever the page sent.
    pub fn row<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(
        &mut self,
        rec: I,
    ) -> Result<(), ReportError> {
        if let Some(p) = &mut self.parquet {
            let cells: Vec<T> = rec.into_iter().collect();
            p.push(&cells)?;
            return self.csv_row(cells);
        }
        self.csv_row(rec)
    }

    fn csv_row<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(
        &mut self,
        rec: I,
    ) -> Result<(), ReportError> {
        for cell in rec {
            self.w
                .write_field(cells::neutralise(cell.as_ref()))
                .map_err(|e| write_error(&self.path, csv_io(e)))?;
        }
        self.rows += 1;
        self.w
            .write_record(None::<&[u8]>)
            .map_err(|e| write_error(&self.path, csv_io(e)))
    }

    /// Flushes the file (and its Parquet copy) and renames it into place.
    fn finish(mut self) -> Result<(), ReportError> {
        if let Some(p) = self.parquet.take() {
            p.finish()?;
        }
        self.w
            .flush()
            .map_err(|source| write_error(&self.path, source))?;
        drop(self.w);
        self.tmp.rename(&self.path)
    }
}

/// Writes a whole file atomically.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let t = TmpFile::new(path);
    std::fs::write(&t.0, bytes).map_err(|source| write_error(path, source))?;
    t.rename(path)
}

/// A file being written under its temporary name (`sites.csv.tmp`): renamed into place, or
/// removed when dropped first (a failed report leaves no `*.tmp` behind).
pub(crate) struct TmpFile(pub(crate) PathBuf);

impl TmpFile {
    /// The temporary name of `path`.
    pub(crate) fn new(path: &Path) -> TmpFile {
        TmpFile(tmp(path))
    }

    /// Renames the finished file into place as `path`.
    pub(crate) fn rename(self, path: &Path) -> Result<(), ReportError> {
        let r = std::fs::rename(&self.0, path).map_err(|source| write_error(path, source));
        if r.is_ok() {
            std::mem::forget(self);
        }
        r
    }
}

impl Drop for TmpFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The I/O error inside a CSV error (its OS error kept, so a full disk is recognised).
fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// The error for a failed write of `path`. A full disk names the file whose write failed
/// and what the report's files being written (`*.tmp` beside it) took by then, largest
/// first: the file that filled the disk is seldom the one whose write failed.
pub(crate) fn write_error(path: &Path, source: std::io::Error) -> ReportError {
    let full = source.raw_os_error() == Some(libc::ENOSPC)
        || source.kind() == std::io::ErrorKind::StorageFull
        || source.to_string().contains("No space left");
    if !full {
        return ReportError::Write {
            path: path.to_owned(),
            source,
        };
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmps: Vec<(u64, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let name = name.strip_suffix(".tmp")?.to_string();
            Some((e.metadata().ok()?.len(), name))
        })
        .collect();
    tmps.sort_by(|a, b| b.cmp(a));
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    let total: u64 = tmps.iter().map(|t| t.0).sum();
    let largest: Vec<String> = tmps
        .iter()
        .take(3)
        .map(|(b, n)| format!("{n} {}", mb(*b)))
        .collect();
    ReportError::DiskFull {
        path: path.to_owned(),
        taken: format!(
            "the files being written took {} by then: {}",
            mb(total),
            largest.join(", ")
        ),
    }
}

/// Per-tracker totals over the crawl, for prevalence.csv, fields.csv and report.html.
#[derive(Clone, Debug, Default)]
pub struct TrackerTotals {
    /// Owner.
    pub company: String,
    /// Category.
    pub category: String,
    /// Its category counts as tracking (every decoder assigns one that does).
    pub is_tracker: bool,
    /// OK sites where it loaded.
    pub sites: u64,
    /// Of those, by rank bucket ([`BUCKETS`]).
    pub by_bucket: [u64; 4],
    /// OK sites where it received each field (in name order).
    pub fields: BTreeMap<crate::analyze::Field, u64>,
    /// OK sites per pixel ID.
    pub pixel_ids: BTreeMap<String, u64>,
    /// For the fields of [`SITE_LIST_FIELDS`]: the OK sites (rank, site) where it received
    /// them, in store order, at most [`SITE_LIST_CAP`] each (report.html lists them).
    pub field_sites: BTreeMap<crate::analyze::Field, Vec<(u64, String)>>,
    /// OK sites by who loaded it (`loaded_via`'s kind: `direct`, `tag_manager`,
    /// `other_vendor`, `` unknown).
    pub loaded_via: BTreeMap<String, u64>,
}

/// Fields whose sites report.html lists by tracker: what the visitor typed or searched, and
/// the page they were on.
pub const SITE_LIST_FIELDS: [crate::analyze::Field; 7] = [
    crate::analyze::Field::HashedEmail,
    crate::analyze::Field::PlainEmail,
    crate::analyze::Field::HashedPhone,
    crate::analyze::Field::PlainPhone,
    crate::analyze::Field::TypedText,
    crate::analyze::Field::SearchQuery,
    crate::analyze::Field::PageUrl,
];

/// Sites kept per tracker and field for report.html (all of them are in tracker_fields.csv).
pub const SITE_LIST_CAP: usize = 1000;

/// Per-company totals of one consent mode (trackers whose category counts as tracking).
#[derive(Clone, Debug, Default)]
pub struct CompanyTotals {
    /// Its trackers seen on OK sites.
    pub trackers: BTreeSet<String>,
    /// OK sites where any of them loaded.
    pub sites: u64,
}

/// Crawl-wide totals of one consent mode.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    /// Visits by outcome.
    pub outcomes: BTreeMap<Outcome, u64>,
    /// Sites not visited yet.
    pub pending: u64,
    /// OK sites.
    pub ok: u64,
    /// OK sites by rank bucket.
    pub ok_by_bucket: [u64; 4],
    /// Per tracker.
    pub trackers: BTreeMap<String, TrackerTotals>,
    /// Per company, over its tracking trackers.
    pub companies: BTreeMap<String, CompanyTotals>,
    /// Banners and clicks on OK visits.
    pub choices: ChoiceCounts,
    /// Per technique of `analyze::scripts::TECHNIQUES` used on any OK site.
    pub techniques: BTreeMap<&'static str, TechniqueTotals>,
}

/// One technique's use over a consent mode's OK sites.
#[derive(Clone, Debug, Default)]
pub struct TechniqueTotals {
    /// OK sites where a script used it.
    pub sites: u64,
    /// Of those, where a third-party script did.
    pub third_party_sites: u64,
    /// The distinct scripts (URLs) that used it.
    pub scripts: BTreeSet<String>,
    /// OK sites per owner (the script's entity owner, else its host).
    pub owners: BTreeMap<String, u64>,
}

/// A site where trackers fired after the visitor clicked "reject all".
#[derive(Clone, Debug)]
pub struct Violation {
    /// Rank.
    pub rank: u64,
    /// The site.
    pub site: String,
    /// The consent platform.
    pub cmp: String,
    /// Tracker and the fields it received after the click (`field` names, sorted).
    pub trackers: Vec<(String, Vec<String>)>,
}

/// The name a crawl folder gives its crawl: the folder's own name (`results/2026-12` →
/// `2026-12`).
pub fn crawl_name(out: &Path) -> String {
    let abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    abs.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Totals of a whole crawl: per consent mode, with the reject violations.
#[derive(Clone, Debug, Default)]
pub struct CrawlTotals {
    /// The crawl's name (the `crawl` column).
    pub crawl: String,
    /// The crawl's device (`desktop` unless `--device mobile`; the `device` column).
    pub device: String,
    /// Where the crawl came from (`--vantage`, `local` unless given; the `vantage` column).
    pub vantage: String,
    /// Per consent mode present in the store.
    pub modes: BTreeMap<ConsentMode, Totals>,
    /// GPC was sent on the crawl's visits.
    pub gpc: bool,
    /// Sites where trackers fired after "reject all", by rank.
    pub violations: Vec<Violation>,
    /// Visits per consent platform found (`cmp` of consent.csv), over all modes.
    pub banners: BTreeMap<String, u64>,
    /// Beside a prescan of the same folder: per tracker, on how many sites OK in both the
    /// HTML and the browser agreed (static_vs_browser.csv).
    pub static_vs_browser: Vec<prescan::Agreement>,
}

/// What happened with the banners of one consent mode's OK visits.
#[derive(Clone, Debug, Default)]
pub struct ChoiceCounts {
    /// A banner was shown.
    pub banner: u64,
    /// The mode's click succeeded.
    pub ok: u64,
    /// It failed (no such button, or the platform's steps failed).
    pub failed: u64,
    /// Clicked, then the page reloaded: result unknown.
    pub unknown: u64,
}

/// What the one pass over the store builds as it goes: the datasets' writers, the crawl
/// totals, the counts, and (beside a prescan) each site's trackers.
struct Pass<'a> {
    opts: &'a ReportOptions,
    crawl: &'a str,
    sinks: Vec<(Box<dyn Dataset>, Out)>,
    all: CrawlTotals,
    written: Written,
    prescanned: bool,
    browser: BTreeMap<String, prescan::BrowserTrackers>,
}

impl Pass<'_> {
    /// One chunk of targets, their loaded visits and what the analysis found in each: each
    /// target handed to every dataset and added to the totals.
    fn chunk(
        &mut self,
        chunk: &[(crate::list::Target, ConsentMode, Option<i64>)],
        visits: &[(u64, RawVisit)],
        findings: &[crate::analyze::Findings],
    ) -> Result<(), ReportError> {
        let Pass {
            opts,
            crawl,
            sinks,
            all,
            written,
            prescanned,
            browser,
        } = self;
        let (opts, crawl, prescanned) = (*opts, *crawl, *prescanned);
        let (device, vantage) = (all.device.clone(), all.vantage.clone());
        let mut next = visits.iter().zip(findings);
        for (target, mode, id) in chunk {
            let visit = id.map(|_| {
                let ((_, v), f) = next.next().expect("one visit per visited target");
                (v, f)
            });
            let site = Site {
                target,
                choice: visit.map(|(v, f)| datasets::choice_trackers(v, f)),
                mode: *mode,
                crawl_gpc: all.gpc,
                crawl,
                device: &device,
                vantage: &vantage,
                visit,
                opts,
            };
            for (d, o) in sinks.iter_mut() {
                d.site(&site, o)?;
            }
            if prescanned
                && let Some((v, f)) = visit
                && v.outcome == crate::capture::Outcome::Ok
                && (*mode == ConsentMode::None || !browser.contains_key(&v.domain))
            {
                browser.insert(
                    v.domain.clone(),
                    f.trackers
                        .iter()
                        .filter(|t| t.is_tracker())
                        .map(|t| (t.tracker.clone(), (t.company.clone(), t.category.clone())))
                        .collect(),
                );
            }
            all.add(&site);
            written.visits += usize::from(visit.is_some());
        }
        Ok(())
    }
}

impl CrawlTotals {
    /// Empty totals of the crawl `crawl` as its stored metadata describes it (GPC, device,
    /// vantage).
    fn of(meta: &crate::store::meta::CrawlMeta, crawl: &str) -> CrawlTotals {
        CrawlTotals {
            gpc: meta.gpc == Some(true),
            crawl: crawl.to_string(),
            device: meta
                .options
                .as_ref()
                .map_or("desktop", |p| p.opts.device.as_str())
                .into(),
            vantage: meta
                .options
                .as_ref()
                .map(|p| p.opts.vantage.as_str())
                .filter(|v| !v.is_empty())
                .unwrap_or("local")
                .into(),
            ..Default::default()
        }
    }

    /// Outcome counts over all modes (one per visit).
    pub fn outcomes(&self) -> BTreeMap<Outcome, u64> {
        let mut all = BTreeMap::new();
        for t in self.modes.values() {
            for (o, n) in &t.outcomes {
                *all.entry(*o).or_default() += n;
            }
        }
        all
    }

    /// The mode whose totals headline the report: `none` when crawled, else the first.
    pub fn primary(&self) -> (ConsentMode, Totals) {
        self.modes
            .get(&ConsentMode::None)
            .map(|t| (ConsentMode::None, t.clone()))
            .or_else(|| self.modes.iter().next().map(|(m, t)| (*m, t.clone())))
            .unwrap_or_default()
    }
}

impl Totals {
    fn add(&mut self, rank: u64, v: &RawVisit, f: &Findings) {
        *self.outcomes.entry(v.outcome).or_default() += 1;
        if v.outcome != Outcome::Ok {
            return;
        }
        self.ok += 1;
        for (i, b) in BUCKETS.iter().enumerate() {
            if rank <= *b {
                self.ok_by_bucket[i] += 1;
            }
        }
        let c = &mut self.choices;
        c.banner += u64::from(v.consent.banner_found);
        match (v.consent.action, v.consent.action_ok) {
            (Some(_), Some(true)) => c.ok += 1,
            (Some(_), Some(false)) => c.failed += 1,
            (Some(_), None) => c.unknown += 1,
            _ => {}
        }
        let mut companies: BTreeSet<&str> = BTreeSet::new();
        for t in f.trackers.iter().filter(|t| t.is_tracker()) {
            let c = self.companies.entry(t.company.clone()).or_default();
            c.trackers.insert(t.tracker.clone());
            companies.insert(&t.company);
        }
        for c in companies {
            if let Some(x) = self.companies.get_mut(c) {
                x.sites += 1;
            }
        }
        for t in &f.trackers {
            let e = self
                .trackers
                .entry(t.tracker.clone())
                .or_insert_with(|| TrackerTotals {
                    company: t.company.clone(),
                    category: t.category.clone(),
                    ..Default::default()
                });
            // A tracker where it counted as one on any site (what it received may differ).
            e.is_tracker |= t.is_tracker();
            e.sites += 1;
            for (i, b) in BUCKETS.iter().enumerate() {
                if rank <= *b {
                    e.by_bucket[i] += 1;
                }
            }
            let fields: BTreeSet<crate::analyze::Field> =
                t.fields.iter().map(|x| x.field).collect();
            for field in fields {
                *e.fields.entry(field).or_default() += 1;
                if SITE_LIST_FIELDS.contains(&field) {
                    let list = e.field_sites.entry(field).or_default();
                    if list.len() < SITE_LIST_CAP {
                        list.push((rank, v.domain.clone()));
                    }
                }
            }
            for id in &t.pixel_ids {
                *e.pixel_ids.entry(id.clone()).or_default() += 1;
            }
            let via = t.loaded_via.split(':').next().unwrap_or_default();
            *e.loaded_via.entry(via.to_string()).or_default() += 1;
        }
        self.add_techniques(&f.scripts);
    }

    /// The techniques page scripts used on one OK site.
    fn add_techniques(&mut self, s: &crate::analyze::scripts::ScriptFindings) {
        for (name, who) in s.by_technique() {
            let e = self.techniques.entry(name).or_default();
            e.sites += 1;
            e.third_party_sites += u64::from(who.iter().any(|w| w.third_party));
            let owners: BTreeSet<&str> = who
                .iter()
                .map(|w| {
                    if w.owner.is_empty() {
                        w.host.as_str()
                    } else {
                        w.owner.as_str()
                    }
                })
                .collect();
            for o in owners {
                *e.owners.entry(o.to_string()).or_default() += 1;
            }
            e.scripts.extend(who.iter().map(|w| w.script.clone()));
        }
    }
}

/// Analyses every visit of the store and writes every dataset into `out`, in one pass:
/// visits are loaded in chunks, each chunk analysed in parallel, every target handed to each
/// dataset of the registry and added to the crawl totals; then the datasets' end rows, the
/// manifest and report.html from the totals.
pub fn write_all(
    store: &Store,
    out: &Path,
    analyzer: &Analyzer,
    opts: &ReportOptions,
) -> Result<Written, ReportError> {
    // One writer of a folder's datasets at a time (three `report`s at once take turns).
    let _turn = crate::store::ReportLock::acquire(out)?;
    let mut sinks: Vec<(Box<dyn Dataset>, Out)> = Vec::new();
    for d in datasets::registry() {
        let spec = d.spec();
        let mut o = Out::create(out, spec.file, spec.columns)?;
        if let Some(file) = spec.parquet {
            o = o.with_parquet(file, spec.columns, spec.types)?;
        }
        sinks.push((d, o));
    }
    let meta = crate::store::meta::CrawlMeta::read(store)?;
    let crawl = meta.name.clone().unwrap_or_else(|| crawl_name(out));
    let mut pass = Pass {
        opts,
        crawl: &crawl,
        sinks,
        all: CrawlTotals::of(&meta, &crawl),
        written: Written::default(),
        // Beside a prescan: each OK site's trackers as the browser saw them (its `none`
        // visit when the crawl had several modes).
        prescanned: store.prescan_counts()?.0 > 0,
        browser: BTreeMap::new(),
    };
    let targets = store.targets()?;
    // Three stages at once, each on its own thread: a second connection loads chunks of
    // visits, the analysis reads each chunk in parallel, and this thread writes the datasets.
    // The loader starts while this thread makes the crawl-wide first pass, which the analysis
    // waits for.
    let reader = store.reader()?;
    std::thread::scope(|scope| -> Result<(), ReportError> {
        let (tx, loaded) = std::sync::mpsc::sync_channel(2);
        let loader = scope.spawn(move || {
            for chunk in targets.chunks(256) {
                let visits: Result<Vec<_>, ReportError> = chunk
                    .iter()
                    .filter_map(|(t, _, id)| id.map(|id| (t.rank, id)))
                    .map(|(rank, id)| Ok((rank, reader.load_visit(id)?.visit)))
                    .collect();
                let failed = visits.is_err();
                if tx.send((chunk.to_vec(), visits)).is_err() || failed {
                    break;
                }
            }
        });
        let inferred = first_pass(store)?;
        let (tx, analysed) = std::sync::mpsc::sync_channel(1);
        let analyst = scope.spawn(move || {
            for (chunk, visits) in loaded {
                let done = visits.map(|v| {
                    let f = analyzer.visits_inferred(&v, &inferred);
                    (v, f)
                });
                let failed = done.is_err();
                if tx.send((chunk, done)).is_err() || failed {
                    break;
                }
            }
        });
        for (chunk, done) in analysed {
            let (visits, findings) = done?;
            pass.chunk(&chunk, &visits, &findings)?;
        }
        loader.join().expect("the visit loader does not panic");
        analyst.join().expect("the analysis does not panic");
        Ok(())
    })?;
    pass.finish(store, out)
}

/// The crawl-wide first pass: parameter roles learned from how their values vary over every
/// visit (analyze::infer), read by the per-visit analysis.
fn first_pass(store: &Store) -> Result<crate::analyze::infer::Inferred, ReportError> {
    let mut learner = crate::analyze::infer::Learner::new();
    store.each_query_url(|site, visit, page, url| learner.request(site, visit, page, url))?;
    store.each_visitor_value(|value| learner.visitor_value(value))?;
    Ok(learner.finish())
}

impl Pass<'_> {
    /// The datasets' end rows, the prescan's files, manifest.json and report.html.
    fn finish(self, store: &Store, out: &Path) -> Result<Written, ReportError> {
        let Pass {
            opts,
            crawl,
            sinks,
            mut all,
            mut written,
            prescanned,
            browser,
            ..
        } = self;
        for (mut d, mut o) in sinks {
            d.end(&all, &mut o)?;
            let spec = d.spec();
            written.files.push((spec.file, o.rows));
            if let Some(file) = spec.parquet {
                written.parquet.push(file);
            }
            o.finish()?;
        }
        if prescanned {
            let sites = prescan::analyse(store)?;
            written.prescan = prescan::write(&sites, out, crawl)?;
            if !browser.is_empty() {
                let (rows, agreement) = prescan::write_comparison(&sites, &browser, out, crawl)?;
                written.prescan.push(("static_vs_browser.csv", rows));
                all.static_vs_browser = agreement;
            }
        }
        manifest::write(store, out, &all, opts)?;
        write_file(
            &out.join("report.html"),
            html::render(store, &all)?.as_bytes(),
        )?;
        Ok(written)
    }
}

impl CrawlTotals {
    /// Adds one target of the store: pending, or its visit's outcome, banner, trackers and
    /// reject-mode violations.
    fn add(&mut self, s: &Site<'_>) {
        let totals = self.modes.entry(s.mode).or_default();
        let Some((v, f)) = s.visit else {
            totals.pending += 1;
            return;
        };
        totals.add(s.target.rank, v, f);
        if let Some(cmp) = &v.consent.cmp {
            *self.banners.entry(cmp.clone()).or_default() += 1;
        }
        if let Some(t) = s.choice.as_ref().filter(|t| !t.violations.is_empty()) {
            self.violations.push(Violation {
                rank: s.target.rank,
                site: v.domain.clone(),
                cmp: v.consent.cmp.clone().unwrap_or_default(),
                trackers: t.violations.clone(),
            });
        }
    }
}

/// Trackers by OK sites, most first, then by name.
pub fn ranked(t: &Totals) -> Vec<(&String, &TrackerTotals)> {
    let mut v: Vec<_> = t.trackers.iter().collect();
    v.sort_by(|a, b| b.1.sites.cmp(&a.1.sites).then(a.0.cmp(b.0)));
    v
}

fn tmp(p: &Path) -> PathBuf {
    let mut name = p.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    p.with_file_name(name)
}

/// A body as CSV text: UTF-8 as is, anything else as `base64:` and its base64.
pub fn body_text(body: Option<&[u8]>) -> String {
    match body {
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
    use crate::analyze::decoders::testutil::req;
    use crate::capture::{Canaries, ConsentRecord, RawCookie};
    use crate::list::Target;

    /// A visit whose every web-controlled value is a formula: host names of third parties
    /// (which become tracker and company names), the method, a cookie name and value, the
    /// page URL, the error text, the consent platform and the request body.
    fn hostile_visit() -> RawVisit {
        let site = "formula.example";
        let mut a = req(
            "+cmd|'calc'!A0",
            "https://=1+1.evil/collect?x=1",
            Some("=SUM(1)"),
            Some("text/plain"),
        );
        a.frame_url = "https://formula.example/-2+3".into();
        a.initiator = r#"{"type":"@script"}"#.into();
        let mut b = req("GET", "https://+cmd.evil/p.gif?id=@SUM(1+1)", None, None);
        b.seq = 1;
        let canaries = crate::canary::derive(b"k", site);
        let mut c = req(
            "POST",
            "https://@evil.example/t",
            Some(&format!("e={}", canaries.email)),
            Some("application/x-www-form-urlencoded"),
        );
        c.seq = 2;
        RawVisit {
            domain: site.into(),
            outcome: Outcome::Ok,
            http_status: Some(200),
            start_url: format!("https://{site}/"),
            final_url: Some("https://formula.example/=HYPERLINK(\"x\")".into()),
            error: Some("=error".into()),
            started_at: "2026-12-01T00:00:00Z".into(),
            duration_ms: 1,
            requests: vec![a, b, c],
            cookies: vec![RawCookie {
                name: "@SUM(1+1)".into(),
                value: "-2+3".into(),
                domain: ".=1+1.evil".into(),
                path: "/".into(),
                expires: -1.0,
                http_only: false,
                secure: true,
                same_site: None,
                page: 0,
            }],
            canaries: Canaries { ..canaries },
            consent: ConsentRecord {
                cmp: Some("=cmp".into()),
                ..Default::default()
            },
            ..RawVisit::default()
        }
    }

    #[test]
    fn no_cell_of_any_dataset_starts_a_formula() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(dir.path()).unwrap();
        let t = Target {
            domain: "formula.example".into(),
            rank: 1,
            rank_is_bucket: false,
        };
        store.add_targets(&[t], &[ConsentMode::None]).unwrap();
        let c = store.claim_next().unwrap().unwrap();
        store.record_visit(c.id, &hostile_visit()).unwrap();
        let opts = ReportOptions {
            all_requests: true,
            rules: vec![],
        };
        write_all(&store, dir.path(), &Analyzer::default(), &opts).unwrap();
        // A second crawl folder to compare against: compare_*.csv too.
        let new = dir.path().join("copy");
        std::fs::create_dir_all(&new).unwrap();
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            if f.path().extension().is_some_and(|e| e == "csv") {
                std::fs::copy(f.path(), new.join(f.file_name())).unwrap();
            }
        }
        compare::compare(dir.path(), &new, &new, "none").unwrap();
        let mut files = 0;
        let mut seen_payload = 0;
        for dir in [dir.path(), new.as_path()] {
            for f in std::fs::read_dir(dir).unwrap().flatten() {
                if f.path().extension().is_none_or(|e| e != "csv") {
                    continue;
                }
                files += 1;
                let mut r = csv::Reader::from_path(f.path()).unwrap();
                for rec in r.records() {
                    for cell in rec.unwrap().iter() {
                        assert_eq!(
                            cells::neutralise(cell.as_bytes()).as_ref(),
                            cell.as_bytes(),
                            "{} holds the formula `{cell}`",
                            f.path().display()
                        );
                        seen_payload += usize::from(cell.starts_with("'"));
                    }
                }
            }
        }
        assert!(files >= 9, "{files} CSV files read");
        eprintln!("neutralised cells: {seen_payload}");
        // The payloads did reach the files (neutralised): the test would fail on a leak.
        assert!(seen_payload >= 8, "only {seen_payload} neutralised cells");
    }

    /// A third party of no known category that receives the typed e-mail after "reject
    /// all" is a violation and a pre-submit capture, whatever its category says; a CDN that
    /// receives nothing of the visitor is neither.
    #[test]
    fn a_third_party_taking_typed_values_counts_as_a_tracker_for_consent() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(dir.path()).unwrap();
        let site = "shop.example";
        let t = Target {
            domain: site.into(),
            rank: 1,
            rank_is_bucket: false,
        };
        store.add_targets(&[t], &[ConsentMode::Reject]).unwrap();
        let c = store.claim_next().unwrap().unwrap();
        let mut v = hostile_visit();
        v.domain = site.into();
        v.final_url = Some(format!("https://{site}/"));
        v.canaries = crate::canary::derive(b"k", site);
        let mut leak = req(
            "GET",
            &format!(
                "https://collector.unlisted.example/c?e={}",
                v.canaries.email
            ),
            None,
            None,
        );
        leak.wall_time = 20.0;
        let mut cdn = req("GET", "https://cdn.othercdn.example/app.js?v=2", None, None);
        (cdn.seq, cdn.wall_time) = (1, 20.0);
        v.requests = vec![leak, cdn];
        v.consent = ConsentRecord {
            mode: ConsentMode::Reject,
            banner_found: true,
            action: Some(ConsentMode::Reject),
            action_ok: Some(true),
            choice_at: Some(10.0),
            ..Default::default()
        };
        store.record_visit(c.id, &v).unwrap();
        write_all(
            &store,
            dir.path(),
            &Analyzer::default(),
            &ReportOptions::default(),
        )
        .unwrap();
        let mut r = csv::Reader::from_path(dir.path().join("consent.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        let row = r.records().next().unwrap().unwrap();
        let cell = |n: &str| row[h.iter().position(|c| c == n).unwrap()].to_string();
        assert_eq!(cell("violations"), "unlisted.example", "{row:?}");
        assert_eq!(cell("violation_fields"), "unlisted.example=plain_email");
        let mut r = csv::Reader::from_path(dir.path().join("site_trackers.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        let rows: Vec<_> = r.records().map(|x| x.unwrap()).collect();
        let col = |n: &str| h.iter().position(|c| c == n).unwrap();
        let (tracker, cat, pre) = (col("tracker"), col("category"), col("pre_submit_capture"));
        let got: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| (&r[tracker], &r[cat], &r[pre]))
            .collect();
        assert_eq!(
            got,
            [
                ("othercdn.example", "unknown", "false"),
                ("unlisted.example", "unknown", "true")
            ]
        );
    }

    /// A store crawled before bodies were decoded gains them on `report`: the gzip body
    /// stays as captured (`body` is its base64), requests.csv says how it was read, and what
    /// it held counts.
    #[test]
    fn report_reads_a_stored_compressed_body() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(dir.path()).unwrap();
        let site = "shop.example";
        let t = Target {
            domain: site.into(),
            rank: 1,
            rank_is_bucket: false,
        };
        store.add_targets(&[t], &[ConsentMode::None]).unwrap();
        let c = store.claim_next().unwrap().unwrap();
        let mut v = hostile_visit();
        v.domain = site.into();
        v.final_url = Some(format!("https://{site}/"));
        v.canaries = crate::canary::derive(b"k", site);
        v.cookies.clear();
        let batch = format!(
            r#"{{"api_key":"phc_x","batch":[{{"event":"$identify","$set":{{"email":"{}"}}}}]}}"#,
            v.canaries.email
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(batch.as_bytes()).unwrap();
        let gzipped = gz.finish().unwrap();
        let mut r = req(
            "POST",
            "https://us.i.posthog.com/e/",
            None,
            Some("text/plain"),
        );
        r.body = Some(gzipped.clone());
        r.body_state = crate::capture::BodyState::Complete;
        v.requests = vec![r];
        let visit_id = store.record_visit(c.id, &v).unwrap();
        write_all(
            &store,
            dir.path(),
            &Analyzer::default(),
            &ReportOptions::default(),
        )
        .unwrap();
        let mut rd = csv::Reader::from_path(dir.path().join("requests.csv")).unwrap();
        let h = rd.headers().unwrap().clone();
        let row = rd.records().next().unwrap().unwrap();
        let cell = |n: &str| row[h.iter().position(|c| c == n).unwrap()].to_string();
        assert_eq!(cell("body_encoding"), "gzip");
        assert_eq!(cell("body"), body_text(Some(&gzipped)));
        assert!(cell("body").starts_with("base64:H4sI"));
        assert_eq!(cell("fields"), "plain_email:plain");
        let stored = store.load_visit(visit_id).unwrap().visit;
        assert_eq!(stored.requests[0].body.as_deref(), Some(gzipped.as_slice()));
    }

    /// A listed site not visited yet (an interrupted crawl) is a full sites.csv row.
    #[test]
    fn a_pending_target_is_a_whole_sites_row() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(dir.path()).unwrap();
        let t = Target {
            domain: "later.example".into(),
            rank: 3,
            rank_is_bucket: false,
        };
        store.add_targets(&[t], &[ConsentMode::None]).unwrap();
        write_all(
            &store,
            dir.path(),
            &Analyzer::default(),
            &ReportOptions::default(),
        )
        .unwrap();
        let mut r = csv::Reader::from_path(dir.path().join("sites.csv")).unwrap();
        let rows: Vec<_> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].len(), SITES_COLUMNS.len());
        let status = SITES_COLUMNS.iter().position(|c| *c == "status").unwrap();
        assert_eq!(&rows[0][status], "pending");
    }

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
