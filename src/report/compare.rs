//! `pixelcensus compare <old> <new>`: per tracker, the share in each crawl and the change,
//! flagged when each crawl's share lies outside the other's 95 % interval; per site, the
//! trackers added and dropped. Reads the datasets of two crawl folders (not their stores),
//! writes `compare_trackers.csv`, `compare_sites.csv` and `compare.html`.

use super::{Out, ReportError, cells, html, write_file};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

/// Column order of `compare_trackers.csv`.
pub const TRACKERS_COLUMNS: [&str; 13] = [
    "tracker",
    "company",
    "category",
    "sites_old",
    "share_old",
    "ci_low_old",
    "ci_high_old",
    "sites_new",
    "share_new",
    "ci_low_new",
    "ci_high_new",
    "change",
    "significant",
];
/// Column order of `compare_sites.csv`.
pub const SITES_COLUMNS: [&str; 8] = [
    "rank",
    "site",
    "added",
    "dropped",
    "banner_old",
    "banner_new",
    "before_choice_old",
    "before_choice_new",
];

/// One tracker's prevalence in a crawl.
#[derive(Clone, Debug, Default)]
struct Prev {
    company: String,
    category: String,
    sites: u64,
    share: f64,
    lo: f64,
    hi: f64,
}

/// One tracker compared.
#[derive(Clone, Debug)]
pub struct Change {
    /// Tracker name.
    pub tracker: String,
    /// Share in the old crawl.
    pub old: f64,
    /// Share in the new crawl.
    pub new: f64,
    /// Each share is outside the other crawl's 95 % interval.
    pub significant: bool,
}

/// A site whose trackers changed: the site, the trackers added, the trackers dropped.
pub type SiteChange = (String, Vec<String>, Vec<String>);

/// What a comparison found.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// Per tracker, largest change first.
    pub trackers: Vec<Change>,
    /// Sites whose trackers changed: (site, added, dropped).
    pub sites: Vec<SiteChange>,
    /// Pages per site each crawl was asked to visit (`--pages`; 1 for crawls made before it).
    pub pages: (u32, u32),
    /// Sites whose consent outcome differs: a banner in one crawl and not the other (or
    /// another platform's), or other trackers fired before the visitor's choice.
    pub consent: Vec<String>,
    /// Who visited in each crawl: `device, vantage` (from manifest.json).
    pub visitors: (String, String),
}

impl Comparison {
    /// A warning when the two crawls went to different depths: trackers seen only on internal
    /// pages then show as added (or dropped) although no site changed.
    pub fn depth_note(&self) -> Option<String> {
        let (a, b) = self.pages;
        (a != b).then(|| {
            format!(
                "the crawls visited different numbers of pages per site (old --pages {a}, new --pages {b}): trackers found only on internal pages show as {} though the sites may not have changed; compare crawls of the same depth for a trend",
                if b > a { "added" } else { "dropped" }
            )
        })
    }
}

/// `--pages` of the crawl that wrote `dir`, from its manifest.json (crawls made before the
/// option, and folders without a manifest, visited the front page only).
/// `device, vantage` of the crawl that wrote `dir` (`desktop, local` for crawls made
/// before the options).
pub fn visitor(dir: &Path) -> String {
    let m = std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    let get = |p: &str, default: &str| {
        m.as_ref()
            .and_then(|m| m.pointer(p)?.as_str().map(str::to_string))
            .unwrap_or_else(|| default.to_string())
    };
    format!(
        "{}, {}",
        get("/options/device", "desktop"),
        get("/options/vantage", "local")
    )
}

fn pages_per_site(dir: &Path) -> u32 {
    std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|m| m.pointer("/options/pages")?.as_u64())
        .map(|n| n as u32)
        .unwrap_or(1)
}

/// Reads a dataset's rows of one consent mode (datasets written before consent modes have
/// no `consent_mode` column: all their rows are mode `none`).
fn read(
    dir: &Path,
    name: &str,
    mode: &str,
) -> Result<(csv::StringRecord, Vec<csv::StringRecord>), ReportError> {
    let path = dir.join(name);
    let err = |reason: String| ReportError::Read {
        path: path.clone(),
        reason,
    };
    let mut r = csv::Reader::from_path(&path).map_err(|e| err(e.to_string()))?;
    let h = r.headers().map_err(|e| err(e.to_string()))?.clone();
    let mut rows = r
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(e.to_string()))?;
    match h.iter().position(|c| c == "consent_mode") {
        Some(m) => rows.retain(|r| &r[m] == mode),
        None if mode != "none" => rows.clear(),
        None => {}
    }
    Ok((h, rows))
}

fn col(h: &csv::StringRecord, name: &str, dir: &Path, file: &str) -> Result<usize, ReportError> {
    // Datasets written before the renames of CHANGELOG.md called sites.csv's `site` `domain`.
    let old = match name {
        "site" => "domain",
        other => other,
    };
    h.iter()
        .position(|c| c == name)
        .or_else(|| h.iter().position(|c| c == old))
        .ok_or_else(|| ReportError::Read {
            path: dir.join(file),
            reason: format!("no `{name}` column"),
        })
}

fn prevalence(dir: &Path, mode: &str) -> Result<BTreeMap<String, Prev>, ReportError> {
    let f = "prevalence.csv";
    let (h, rows) = read(dir, f, mode)?;
    let c = |n: &str| col(&h, n, dir, f);
    let (t, co, ca, s, sh, lo, hi) = (
        c("tracker")?,
        c("company")?,
        c("category")?,
        c("sites")?,
        c("share")?,
        c("ci_low")?,
        c("ci_high")?,
    );
    let num = |v: &str| v.parse::<f64>().unwrap_or(0.0);
    Ok(rows
        .iter()
        .map(|r| {
            (
                r[t].to_string(),
                Prev {
                    company: r[co].into(),
                    category: r[ca].into(),
                    sites: r[s].parse().unwrap_or(0),
                    share: num(&r[sh]),
                    lo: num(&r[lo]),
                    hi: num(&r[hi]),
                },
            )
        })
        .collect())
}

fn ok_sites(dir: &Path, mode: &str) -> Result<u64, ReportError> {
    let (h, rows) = read(dir, "sites.csv", mode)?;
    if rows.is_empty() {
        return Err(ReportError::Read {
            path: dir.join("sites.csv"),
            reason: format!(
                "no visit in consent mode `{mode}`; pick a mode both crawls have with --mode"
            ),
        });
    }
    let status = col(&h, "status", dir, "sites.csv")?;
    Ok(rows.iter().filter(|r| &r[status] == "ok").count() as u64)
}

fn site_trackers(
    dir: &Path,
    mode: &str,
) -> Result<BTreeMap<String, (u64, BTreeSet<String>)>, ReportError> {
    let f = "site_trackers.csv";
    let (h, rows) = read(dir, f, mode)?;
    let (rank, site, tracker) = (
        col(&h, "rank", dir, f)?,
        col(&h, "site", dir, f)?,
        col(&h, "tracker", dir, f)?,
    );
    // Only OK visits count (datasets written before the `status` column held only those
    // the crawl could analyse, failed visits included).
    let ok = h.iter().position(|c| c == "status");
    let mut out: BTreeMap<String, (u64, BTreeSet<String>)> = BTreeMap::new();
    for r in rows.iter().filter(|r| ok.is_none_or(|i| &r[i] == "ok")) {
        let e = out.entry(r[site].to_string()).or_default();
        e.0 = r[rank].parse().unwrap_or(0);
        e.1.insert(r[tracker].to_string());
    }
    // Sites with no tracker at all still count as compared.
    let (h, rows) = read(dir, "sites.csv", mode)?;
    let (rank, site, status) = (
        col(&h, "rank", dir, "sites.csv")?,
        col(&h, "site", dir, "sites.csv")?,
        col(&h, "status", dir, "sites.csv")?,
    );
    for r in rows.iter().filter(|r| &r[status] == "ok") {
        out.entry(r[site].to_string())
            .or_insert_with(|| (r[rank].parse().unwrap_or(0), BTreeSet::new()));
    }
    Ok(out)
}

/// Per site of consent.csv (one mode): the banner (its platform, `none` without one) and the
/// trackers fired before the choice (`;`-separated). Empty for folders without consent.csv.
fn consent_outcomes(
    dir: &Path,
    mode: &str,
) -> Result<BTreeMap<String, (String, String)>, ReportError> {
    let f = "consent.csv";
    if !dir.join(f).exists() {
        return Ok(BTreeMap::new());
    }
    let (h, rows) = read(dir, f, mode)?;
    let (site, status, found, cmp, before) = (
        col(&h, "site", dir, f)?,
        col(&h, "status", dir, f)?,
        col(&h, "banner_found", dir, f)?,
        col(&h, "cmp", dir, f)?,
        col(&h, "trackers_before_choice", dir, f)?,
    );
    Ok(rows
        .iter()
        .filter(|r| &r[status] == "ok")
        .map(|r| {
            let banner = match (&r[found], &r[cmp]) {
                ("true", "") => "yes".to_string(),
                ("true", c) => c.to_string(),
                _ => "none".to_string(),
            };
            (r[site].to_string(), (banner, r[before].to_string()))
        })
        .collect())
}

/// Compares the visits of one consent mode (`none`, `accept`, `reject`) of two crawl
/// folders and writes the comparison into `out`.
pub fn compare(old: &Path, new: &Path, out: &Path, mode: &str) -> Result<Comparison, ReportError> {
    let changes = compare_trackers(old, new, out, mode)?;
    let (sites, consent) = compare_sites(old, new, out, mode)?;
    let c = Comparison {
        trackers: changes,
        sites,
        pages: (pages_per_site(old), pages_per_site(new)),
        consent,
        visitors: (visitor(old), visitor(new)),
    };
    let page = comparison_page(old, new, &c);
    write_file(&out.join("compare.html"), page.as_bytes())?;
    Ok(c)
}

/// Writes compare_trackers.csv: each tracker's share in both crawls, the change and whether
/// it is significant; returns the changes, biggest first.
fn compare_trackers(
    old: &Path,
    new: &Path,
    out: &Path,
    mode: &str,
) -> Result<Vec<Change>, ReportError> {
    // A tracker absent from a crawl was on 0 of its OK sites: its interval is Wilson's for 0.
    let (ok_old, ok_new) = (ok_sites(old, mode)?, ok_sites(new, mode)?);
    let (po, pn) = (prevalence(old, mode)?, prevalence(new, mode)?);
    let absent = |n: u64| {
        let (lo, hi) = cells::wilson(0, n);
        Prev {
            lo,
            hi,
            ..Default::default()
        }
    };
    let mut tw = Out::create(out, "compare_trackers.csv", &TRACKERS_COLUMNS)?;
    let names: BTreeSet<&String> = po.keys().chain(pn.keys()).collect();
    let mut changes = Vec::new();
    for name in names {
        let (a, b) = (
            po.get(name).cloned().unwrap_or_else(|| absent(ok_old)),
            pn.get(name).cloned().unwrap_or_else(|| absent(ok_new)),
        );
        let significant = (b.share < a.lo || b.share > a.hi) && (a.share < b.lo || a.share > b.hi);
        let meta = if pn.contains_key(name) { &b } else { &a };
        tw.row(vec![
            name.clone(),
            meta.company.clone(),
            meta.category.clone(),
            a.sites.to_string(),
            cells::share(a.share),
            cells::share(a.lo),
            cells::share(a.hi),
            b.sites.to_string(),
            cells::share(b.share),
            cells::share(b.lo),
            cells::share(b.hi),
            format!("{:+.6}", b.share - a.share),
            if significant {
                "true".into()
            } else {
                "false".into()
            },
        ])?;
        changes.push(Change {
            tracker: name.clone(),
            old: a.share,
            new: b.share,
            significant,
        });
    }
    tw.finish()?;
    changes.sort_by(|x, y| {
        (y.new - y.old)
            .abs()
            .total_cmp(&(x.new - x.old).abs())
            .then(x.tracker.cmp(&y.tracker))
    });
    Ok(changes)
}

/// Writes compare_sites.csv: the sites both crawls visited that gained or lost a tracker, or
/// whose consent outcome differs, by rank; returns those with the trackers added and
/// dropped, and those whose consent outcome differs.
fn compare_sites(
    old: &Path,
    new: &Path,
    out: &Path,
    mode: &str,
) -> Result<(Vec<SiteChange>, Vec<String>), ReportError> {
    let (so, sn) = (site_trackers(old, mode)?, site_trackers(new, mode)?);
    let (co, cn) = (consent_outcomes(old, mode)?, consent_outcomes(new, mode)?);
    let mut consent = Vec::new();
    let mut sw = Out::create(out, "compare_sites.csv", &SITES_COLUMNS)?;
    let mut sites = Vec::new();
    let mut both: Vec<(&u64, &String)> = sn
        .iter()
        .filter(|(s, _)| so.contains_key(*s))
        .map(|(s, (r, _))| (r, s))
        .collect();
    both.sort();
    for (rank, site) in both {
        let (a, b) = (&so[site].1, &sn[site].1);
        let added: Vec<String> = b.difference(a).cloned().collect();
        let dropped: Vec<String> = a.difference(b).cloned().collect();
        let none = (String::new(), String::new());
        let (ca, cb) = (co.get(site).unwrap_or(&none), cn.get(site).unwrap_or(&none));
        // A banner shown in one crawl only (or another platform's), or, on a site whose
        // trackers are the same, other trackers firing before the choice.
        let consent_differs = co.contains_key(site)
            && cn.contains_key(site)
            && (ca.0 != cb.0 || ca.1 != cb.1 && added.is_empty() && dropped.is_empty());
        if added.is_empty() && dropped.is_empty() && !consent_differs {
            continue;
        }
        sw.row([
            rank.to_string(),
            site.clone(),
            added.join(";"),
            dropped.join(";"),
            ca.0.clone(),
            cb.0.clone(),
            ca.1.clone(),
            cb.1.clone(),
        ])?;
        if consent_differs {
            consent.push(site.clone());
        }
        if !added.is_empty() || !dropped.is_empty() {
            sites.push((site.clone(), added, dropped));
        }
    }
    sw.finish()?;
    Ok((sites, consent))
}

/// compare.html: the biggest changes, and how many sites gained or lost a tracker.
fn comparison_page(old: &Path, new: &Path, c: &Comparison) -> String {
    let (changes, sites) = (&c.trackers, c.sites.len());
    let note = c.depth_note();
    let mut page = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pixelcensus comparison</title></head><body style=\"font:15px system-ui,sans-serif;max-width:62em;margin:2em auto\">\n",
    );
    let _ = writeln!(
        page,
        "<h1>What changed</h1>\n<p>{} ({}) → {} ({})</p>",
        html::esc(&old.display().to_string()),
        html::esc(&c.visitors.0),
        html::esc(&new.display().to_string()),
        html::esc(&c.visitors.1)
    );
    if let Some(n) = &note {
        let _ = writeln!(
            page,
            "<p style=\"background:#fff4d6;padding:.6em\"><strong>Note:</strong> {}</p>",
            html::esc(n)
        );
    }
    let top: Vec<_> = changes.iter().filter(|c| c.new != c.old).take(20).collect();
    let items: Vec<_> = top
        .iter()
        .map(|c| {
            (
                c.tracker.clone(),
                c.new,
                None,
                format!(
                    "was {:.1} %{}",
                    c.old * 100.0,
                    if c.significant { " · significant" } else { "" }
                ),
            )
        })
        .collect();
    page.push_str("<h2>Trackers whose share changed most (new share; note: old share)</h2>\n");
    page.push_str(&html::bars(&items));
    let _ = writeln!(
        page,
        "<h2>Sites</h2>\n<p>{sites} sites gained or lost a tracker; on {} the consent banner, or the trackers fired before the visitor's choice, differ (compare_sites.csv).</p>\n</body></html>",
        c.consent.len()
    );
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crawl(dir: &Path, prevalence: &[(&str, u64, u64)], sites: &[(&str, &[&str])]) {
        std::fs::create_dir_all(dir).unwrap();
        let mut p = String::from(
            "tracker,company,category,is_tracker,sites,sites_ok,share,ci_low,ci_high,share_top1k,share_top10k,share_top100k,share_top1m\n",
        );
        for (t, k, n) in prevalence {
            let (lo, hi) = cells::wilson(*k, *n);
            p.push_str(&format!(
                "{t},Co,ad,true,{k},{n},{},{},{},,,,\n",
                cells::share(*k as f64 / *n as f64),
                cells::share(lo),
                cells::share(hi)
            ));
        }
        std::fs::write(dir.join("prevalence.csv"), p).unwrap();
        let mut st = String::from("rank,site,tracker\n");
        let mut s = String::from("rank,domain,status\n");
        for (i, (site, trackers)) in sites.iter().enumerate() {
            s.push_str(&format!("{},{site},ok\n", i + 1));
            for t in *trackers {
                st.push_str(&format!("{},{site},{t}\n", i + 1));
            }
        }
        std::fs::write(dir.join("site_trackers.csv"), st).unwrap();
        std::fs::write(dir.join("sites.csv"), s).unwrap();
    }

    #[test]
    fn a_large_change_is_flagged_and_a_small_one_is_not() {
        let d = tempfile::tempdir().unwrap();
        let (old, new) = (d.path().join("old"), d.path().join("new"));
        crawl(
            &old,
            &[("Big", 500, 1000), ("Small", 100, 1000)],
            &[("a.example", &["Big"]), ("b.example", &[])],
        );
        crawl(
            &new,
            &[("Big", 300, 1000), ("Small", 104, 1000)],
            &[("a.example", &[]), ("b.example", &["Small"])],
        );
        let c = compare(&old, &new, d.path(), "none").unwrap();
        let big = c.trackers.iter().find(|x| x.tracker == "Big").unwrap();
        assert!(big.significant, "0.5 → 0.3 on 1000 sites");
        assert!(
            !c.trackers
                .iter()
                .find(|x| x.tracker == "Small")
                .unwrap()
                .significant,
            "0.100 → 0.104"
        );
        assert_eq!(c.trackers[0].tracker, "Big", "largest change first");
        assert_eq!(
            c.sites,
            vec![
                ("a.example".to_string(), vec![], vec!["Big".to_string()]),
                ("b.example".to_string(), vec!["Small".to_string()], vec![])
            ]
        );
        assert!(
            compare(&d.path().join("missing"), &new, d.path(), "none")
                .unwrap_err()
                .to_string()
                .contains("pixelcensus report")
        );
    }
}
