//! The datasets analysts read, written from the store and the analysis findings (reports
//! never touch a browser): `sites.csv`, `site_trackers.csv`, `tracker_fields.csv`,
//! `prevalence.csv`, `fields.csv`, `requests.csv`, `consent.csv`, `manifest.json` and
//! `report.html`. Every per-site dataset has the visit's consent mode and GPC flag; prevalence
//! is computed per consent mode.
//! docs/schema.md describes every column. Files are written under a temporary name and
//! renamed, so a reader never sees half a file; the same store gives byte-identical files.

pub mod cells;
pub mod compare;
mod html;
pub mod manifest;

use crate::analyze::{Analyzer, Findings};
use crate::capture::{ConsentMode, Outcome, RawRequest, RawVisit};
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
    /// Reading a dataset back failed (compare).
    #[error("reading {path}: {reason}; run `pixelcensus report` on that crawl first")]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

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
/// Column order of `requests.csv`: the capture, then the tracker attribution.
pub const REQUESTS_COLUMNS: [&str; 23] = [
    "site",
    "rank",
    "consent_mode",
    "gpc",
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
    "after_choice",
    "failure",
];
/// Column order of `site_trackers.csv`.
pub const SITE_TRACKERS_COLUMNS: [&str; 18] = [
    "rank",
    "site",
    "consent_mode",
    "gpc",
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
    "fired_before_choice",
    "fired_after_choice",
];
/// Column order of `tracker_fields.csv`.
pub const TRACKER_FIELDS_COLUMNS: [&str; 9] = [
    "rank",
    "site",
    "consent_mode",
    "gpc",
    "tracker",
    "field",
    "encoding",
    "where",
    "example_request_url",
];
/// Column order of `prevalence.csv`.
pub const PREVALENCE_COLUMNS: [&str; 15] = [
    "consent_mode",
    "gpc",
    "tracker",
    "company",
    "category",
    "is_tracker",
    "sites",
    "sites_ok",
    "share",
    "ci_low",
    "ci_high",
    "share_top1k",
    "share_top10k",
    "share_top100k",
    "share_top1m",
];
/// Column order of `fields.csv`.
pub const FIELDS_COLUMNS: [&str; 8] = [
    "consent_mode",
    "gpc",
    "tracker",
    "company",
    "field",
    "sites",
    "sites_ok",
    "share",
];
/// Column order of `consent.csv`: one row per site and consent mode.
pub const CONSENT_COLUMNS: [&str; 14] = [
    "rank",
    "site",
    "mode",
    "gpc",
    "status",
    "cmp",
    "banner_found",
    "action",
    "action_ok",
    "choice_at",
    "trackers_before_choice",
    "trackers_after_choice",
    "violations",
    "violation_fields",
];
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

    /// Writes one record; every cell is neutralised against spreadsheet formulas here, so no
    /// dataset can hand an analyst a formula whatever the page sent.
    fn row<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(
        &mut self,
        rec: I,
    ) -> Result<(), ReportError> {
        for cell in rec {
            self.w
                .write_field(cells::neutralise(cell.as_ref()))
                .map_err(|e| ReportError::Write {
                    path: self.path.clone(),
                    source: e.into(),
                })?;
        }
        self.w
            .write_record(None::<&[u8]>)
            .map_err(|e| ReportError::Write {
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

/// Writes a whole file atomically.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let t = tmp(path);
    std::fs::write(&t, bytes).map_err(|source| ReportError::Write {
        path: path.to_owned(),
        source,
    })?;
    std::fs::rename(&t, path).map_err(|source| ReportError::Write {
        path: path.to_owned(),
        source,
    })
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
    /// OK sites where it received each field.
    pub fields: BTreeMap<String, u64>,
    /// OK sites per pixel ID.
    pub pixel_ids: BTreeMap<String, u64>,
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
    /// Banners and clicks on OK visits.
    pub choices: ChoiceCounts,
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

/// Totals of a whole crawl: per consent mode, with the reject violations.
#[derive(Clone, Debug, Default)]
pub struct CrawlTotals {
    /// Per consent mode present in the store.
    pub modes: BTreeMap<ConsentMode, Totals>,
    /// GPC was sent on the crawl's visits.
    pub gpc: bool,
    /// Sites where trackers fired after "reject all", by rank.
    pub violations: Vec<Violation>,
    /// Visits per consent platform found (`cmp` of consent.csv), over all modes.
    pub banners: BTreeMap<String, u64>,
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

impl CrawlTotals {
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
        for t in &f.trackers {
            let e = self
                .trackers
                .entry(t.tracker.clone())
                .or_insert_with(|| TrackerTotals {
                    company: t.company.clone(),
                    category: t.category.clone(),
                    is_tracker: is_tracker(t),
                    ..Default::default()
                });
            e.sites += 1;
            for (i, b) in BUCKETS.iter().enumerate() {
                if rank <= *b {
                    e.by_bucket[i] += 1;
                }
            }
            let fields: BTreeSet<&str> = t.fields.iter().map(|x| x.field).collect();
            for field in fields {
                *e.fields.entry(field.to_string()).or_default() += 1;
            }
            for id in &t.pixel_ids {
                *e.pixel_ids.entry(id.clone()).or_default() += 1;
            }
        }
    }
}

/// One field of one site × tracker: its encodings, where it travelled, a request carrying it.
#[derive(Default)]
struct FieldSeen<'a> {
    encodings: BTreeSet<String>,
    places: BTreeSet<crate::analyze::Location>,
    example: Option<&'a str>,
}

/// A site × tracker counts as tracking when its category does (decoders only assign
/// tracking categories).
fn is_tracker(t: &crate::analyze::SiteTracker) -> bool {
    crate::analyze::entities::TRACKING_CATEGORIES.contains(&t.category.as_str())
}

/// Analyses every visit of the store and writes every dataset into `out`, in one pass:
/// visits are loaded in chunks, each chunk analysed in parallel.
pub fn write_all(
    store: &Store,
    out: &Path,
    analyzer: &Analyzer,
    opts: &ReportOptions,
) -> Result<Written, ReportError> {
    let mut sites = Out::create(out, "sites.csv", &SITES_COLUMNS)?;
    let mut reqs = Out::create(out, "requests.csv", &REQUESTS_COLUMNS)?;
    let mut trackers = Out::create(out, "site_trackers.csv", &SITE_TRACKERS_COLUMNS)?;
    let mut tfields = Out::create(out, "tracker_fields.csv", &TRACKER_FIELDS_COLUMNS)?;
    let mut consent = Out::create(out, "consent.csv", &CONSENT_COLUMNS)?;
    let mut written = Written::default();
    let mut all = CrawlTotals {
        gpc: crate::store::meta::CrawlMeta::read(store)?.gpc == Some(true),
        ..Default::default()
    };
    let targets = store.targets()?;
    for chunk in targets.chunks(256) {
        let mut visits = Vec::with_capacity(chunk.len());
        for (t, _, id) in chunk {
            if let Some(id) = id {
                visits.push((t.rank, store.load_visit(*id)?.visit));
            }
        }
        let findings = analyzer.visits(&visits);
        let mut next = visits.iter().zip(&findings);
        for (target, mode, id) in chunk {
            let rank = target.rank.to_string();
            let bucket = bool_text(target.rank_is_bucket);
            let totals = all.modes.entry(*mode).or_default();
            if id.is_none() {
                // Listed but not visited yet (an interrupted crawl).
                sites.row([
                    rank.as_str(),
                    bucket,
                    &target.domain,
                    mode.as_str(),
                    bool_text(all.gpc),
                    "pending",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ])?;
                written.sites += 1;
                totals.pending += 1;
                continue;
            }
            let ((_, v), f) = next.next().expect("one visit per visited target");
            written.visits += 1;
            totals.add(target.rank, v, f);
            let cm = v.consent.mode.as_str();
            let gpc = bool_text(v.consent.gpc);
            if let Some(cmp) = &v.consent.cmp {
                *all.banners.entry(cmp.clone()).or_default() += 1;
            }
            if let Some(x) = consent_row(&mut consent, target.rank, v, f)? {
                all.violations.push(x);
            }
            let third = f.third_party.iter().filter(|&&t| t).count();
            let tracking = f.trackers.iter().filter(|t| is_tracker(t)).count();
            sites.row([
                rank.as_str(),
                bucket,
                &v.domain,
                cm,
                gpc,
                v.outcome.as_str(),
                &v.http_status.map(|s| s.to_string()).unwrap_or_default(),
                v.final_url.as_deref().unwrap_or(""),
                v.error.as_deref().unwrap_or(""),
                &v.started_at,
                &v.duration_ms.to_string(),
                &v.requests.len().to_string(),
                &third.to_string(),
                &tracking.to_string(),
            ])?;
            written.sites += 1;
            let by_seq: BTreeMap<u32, &crate::analyze::RequestFinding> =
                f.requests.iter().map(|x| (x.seq, x)).collect();
            for (r, &third_party) in v.requests.iter().zip(&f.third_party) {
                let a = by_seq.get(&r.seq);
                if a.is_none() && !opts.all_requests {
                    continue;
                }
                let fields = a.map(|x| {
                    let t: BTreeSet<String> = x
                        .fields
                        .iter()
                        .map(|h| format!("{}:{}", h.field, h.encoding))
                        .collect();
                    join(&t)
                });
                reqs.row([
                    v.domain.as_str(),
                    &rank,
                    cm,
                    gpc,
                    &r.url,
                    &r.method,
                    r.resource_type.as_str(),
                    &r.status.map(|s| s.to_string()).unwrap_or_default(),
                    &r.frame_url,
                    bool_text(third_party),
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
                    v.consent
                        .after_choice(r.wall_time)
                        .map(bool_text)
                        .unwrap_or(""),
                    r.failure.as_deref().unwrap_or(""),
                ])?;
                written.requests += 1;
            }
            let mut by_tracker: BTreeMap<&str, Vec<&crate::analyze::RequestFinding>> =
                BTreeMap::new();
            for x in &f.requests {
                by_tracker.entry(x.tracker.as_str()).or_default().push(x);
            }
            for tr in &f.trackers {
                let pre_submit = tr
                    .fields
                    .iter()
                    .any(|x| crate::analyze::PRE_SUBMIT_FIELDS.contains(&x.field));
                trackers.row([
                    rank.as_str(),
                    &f.site,
                    cm,
                    gpc,
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
                    bool_text(tr.fired_before_choice),
                    bool_text(tr.fired_after_choice),
                ])?;
                written.site_trackers += 1;
                // Tidy: one row per field, its encodings and places, and a request carrying it.
                let mut per_field: BTreeMap<&str, FieldSeen> = BTreeMap::new();
                for x in by_tracker.get(tr.tracker.as_str()).into_iter().flatten() {
                    for h in &x.fields {
                        let e = per_field.entry(h.field).or_default();
                        e.encodings.insert(h.encoding.clone());
                        e.places.insert(h.location);
                        if e.example.is_none() {
                            // Requests are stored in seq order.
                            e.example = v
                                .requests
                                .binary_search_by_key(&x.seq, |r| r.seq)
                                .ok()
                                .map(|i| v.requests[i].url.as_str());
                        }
                    }
                }
                for (
                    field,
                    FieldSeen {
                        encodings: enc,
                        places: loc,
                        example,
                    },
                ) in per_field
                {
                    let loc: Vec<&str> = loc.into_iter().map(|l| l.as_str()).collect();
                    tfields.row([
                        rank.as_str(),
                        &f.site,
                        cm,
                        gpc,
                        &tr.tracker,
                        field,
                        &join(&enc),
                        &loc.join(";"),
                        example.unwrap_or(""),
                    ])?;
                }
            }
        }
    }
    sites.finish()?;
    reqs.finish()?;
    trackers.finish()?;
    tfields.finish()?;
    consent.finish()?;
    write_prevalence(&all, out)?;
    manifest::write(store, out, &all, opts)?;
    write_file(
        &out.join("report.html"),
        html::render(store, &all)?.as_bytes(),
    )?;
    Ok(written)
}

/// Writes the visit's consent.csv row; returns the violation when trackers fired after
/// "reject all".
fn consent_row(
    out: &mut Out,
    rank: u64,
    v: &RawVisit,
    f: &Findings,
) -> Result<Option<Violation>, ReportError> {
    let c = &v.consent;
    let tracking = || f.trackers.iter().filter(|t| is_tracker(t));
    let before: Vec<&String> = tracking()
        .filter(|t| t.fired_before_choice)
        .map(|t| &t.tracker)
        .collect();
    let after: Vec<&crate::analyze::SiteTracker> =
        tracking().filter(|t| t.fired_after_choice).collect();
    let violations: Vec<(String, Vec<String>)> = if c.mode == ConsentMode::Reject {
        after
            .iter()
            .map(|t| {
                let fields: BTreeSet<String> = t
                    .fields_after_choice
                    .iter()
                    .map(|h| h.field.to_string())
                    .collect();
                (t.tracker.clone(), fields.into_iter().collect())
            })
            .collect()
    } else {
        Vec::new()
    };
    let violation_fields: Vec<String> = violations
        .iter()
        .flat_map(|(t, fs)| fs.iter().map(move |x| format!("{t}={x}")))
        .collect();
    let opt_bool = |b: Option<bool>| b.map(bool_text).unwrap_or("");
    out.row([
        &rank.to_string(),
        &v.domain,
        c.mode.as_str(),
        bool_text(c.gpc),
        v.outcome.as_str(),
        c.cmp.as_deref().unwrap_or(""),
        bool_text(c.banner_found),
        c.action.map(ConsentMode::as_str).unwrap_or(""),
        opt_bool(c.action_ok),
        &c.choice_at.map(cells::unix_time).unwrap_or_default(),
        &join(before),
        &join(after.iter().map(|t| &t.tracker)),
        &join(violations.iter().map(|(t, _)| t)),
        &violation_fields.join(";"),
    ])?;
    Ok((!violations.is_empty()).then(|| Violation {
        rank,
        site: v.domain.clone(),
        cmp: c.cmp.clone().unwrap_or_default(),
        trackers: violations,
    }))
}

fn write_prevalence(all: &CrawlTotals, out: &Path) -> Result<(), ReportError> {
    let mut prev = Out::create(out, "prevalence.csv", &PREVALENCE_COLUMNS)?;
    let mut fields = Out::create(out, "fields.csv", &FIELDS_COLUMNS)?;
    let gpc = bool_text(all.gpc);
    for (mode, t) in &all.modes {
        write_mode_prevalence(&mut prev, &mut fields, mode.as_str(), gpc, t)?;
    }
    prev.finish()?;
    fields.finish()
}

fn write_mode_prevalence(
    prev: &mut Out,
    fields: &mut Out,
    mode: &str,
    gpc: &str,
    t: &Totals,
) -> Result<(), ReportError> {
    for (name, x) in ranked(t) {
        let (lo, hi) = cells::wilson(x.sites, t.ok);
        let frac = |k: u64, n: u64| {
            if n == 0 {
                String::new()
            } else {
                cells::share(k as f64 / n as f64)
            }
        };
        prev.row([
            mode,
            gpc,
            name.as_str(),
            &x.company,
            &x.category,
            bool_text(x.is_tracker),
            &x.sites.to_string(),
            &t.ok.to_string(),
            &frac(x.sites, t.ok),
            &cells::share(lo),
            &cells::share(hi),
            &frac(x.by_bucket[0], t.ok_by_bucket[0]),
            &frac(x.by_bucket[1], t.ok_by_bucket[1]),
            &frac(x.by_bucket[2], t.ok_by_bucket[2]),
            &frac(x.by_bucket[3], t.ok_by_bucket[3]),
        ])?;
        for (field, n) in &x.fields {
            fields.row([
                mode,
                gpc,
                name.as_str(),
                &x.company,
                field,
                &n.to_string(),
                &t.ok.to_string(),
                &frac(*n, t.ok),
            ])?;
        }
    }
    Ok(())
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
            redirect_chain: vec![],
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
            }],
            canaries: Canaries { ..canaries },
            actions: vec![],
            consent: ConsentRecord {
                cmp: Some("=cmp".into()),
                ..Default::default()
            },
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
