//! `pixelcensus merge`: the shard stores of one crawl (`crawl --shard K/N`) → one store, from
//! which the report writes every dataset as if one machine had crawled the whole list.
//!
//! The stage sits between the store and the report: it reads each shard's raw capture with
//! [`Store::load_visit`] and records it into the merged store with [`Store::record_visit`],
//! the same transaction a crawl uses. Row ids are assigned anew (they are local to a store and
//! nothing downstream depends on them); targets are inserted in the order the report lists
//! them (rank, domain, mode), so a merged store and a whole crawl of the list read alike.
//!
//! Refused, naming what differs: inputs that are not shards, shards of different crawls (crawl
//! identity, list, consent modes, GPC, the options that change what is measured, pixelcensus's
//! major version, the number of shards), a shard given twice, a site in two inputs, and
//! (without `partial`) missing shards or unfinished ones. The merged store is built under a
//! temporary name in the output folder and renamed into place when complete; the old
//! manifest.json and report.html are removed first and written again last, so a killed merge
//! never leaves a folder that looks complete.

use crate::capture::ConsentMode;
use crate::list::Shard;
use crate::store::meta::{CrawlMeta, MergedShard};
use crate::store::{CrawlLock, STORE_FILE, Store, StoreError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a merge may be told.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// Merge even when shards are missing or unfinished (their sites are absent or pending).
    pub partial: bool,
}

/// Merge errors: each says which input and what to do.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file operation failed.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Which path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Nothing to merge.
    #[error("give the folders of the shards to merge")]
    NoInputs,
    /// An input was crawled without `--shard`.
    #[error(
        "{0} is not a shard (it was crawled without --shard); merge combines the shards of one crawl"
    )]
    NotShard(PathBuf),
    /// Two inputs differ in a key that makes them one crawl.
    #[error(
        "{a} and {b} are not shards of the same crawl: {key} differs ({va} vs {vb}); merge only shards crawled with the same list, --crawl-id and settings"
    )]
    Differs {
        /// The key.
        key: String,
        /// The first input.
        a: PathBuf,
        /// Its value.
        va: String,
        /// The other input.
        b: PathBuf,
        /// Its value.
        vb: String,
    },
    /// One folder given twice.
    #[error("{a} and {b} are the same folder; give each shard's folder once")]
    Twice {
        /// As first given.
        a: PathBuf,
        /// As given again.
        b: PathBuf,
    },
    /// The same shard given twice.
    #[error("{a} and {b} are both shard {shard}; give each shard's folder once")]
    SameShard {
        /// The shard.
        shard: Shard,
        /// One folder.
        a: PathBuf,
        /// The other.
        b: PathBuf,
    },
    /// A site in two inputs.
    #[error(
        "site {site} (consent mode {mode}) is in both {a} and {b}: the shards overlap; merge shards of one split of the list"
    )]
    Duplicate {
        /// The site.
        site: String,
        /// Its mode.
        mode: &'static str,
        /// One folder.
        a: PathBuf,
        /// The other.
        b: PathBuf,
    },
    /// Shards missing.
    #[error(
        "shard(s) {missing} of {n} are missing; give every shard's folder, or --partial to merge only these"
    )]
    Missing {
        /// The missing shard numbers, e.g. `2, 3`.
        missing: String,
        /// How many shards the crawl has.
        n: u32,
    },
    /// A shard whose crawl has not finished.
    #[error(
        "{dir} is not finished: {pending} of its {total} sites are not recorded yet; resume its crawl first, or --partial to merge it as it is"
    )]
    Unfinished {
        /// The shard's folder.
        dir: PathBuf,
        /// Targets without a visit.
        pending: u64,
        /// Its targets.
        total: u64,
    },
    /// The output folder holds a crawl of its own.
    #[error(
        "{0} holds a crawl that is not a merge; merge into a new folder (a merged folder may be merged into again)"
    )]
    NotAMerge(PathBuf),
    /// The output is one of the inputs.
    #[error("{0} is one of the shards; merge into a new folder")]
    OutIsInput(PathBuf),
}

/// What a merge did.
#[derive(Clone, Debug, Default)]
pub struct Merged {
    /// Shards merged, in shard order.
    pub shards: Vec<MergedShard>,
    /// Targets (site × mode) in the merged store.
    pub targets: u64,
    /// Visits copied.
    pub visits: u64,
}

/// How the report orders targets: rank, domain, consent mode.
type SortKey = (u64, String, ConsentMode);

/// One opened input.
struct Input {
    dir: PathBuf,
    store: Store,
    meta: CrawlMeta,
    shard: Shard,
    _lock: CrawlLock,
}

/// The keys that make stores shards of one crawl, as (name, value) — compared across inputs:
/// the crawl's identity, list, consent modes, GPC and version, then every option the plan
/// says changes what is measured ([`CrawlPlan::measured`](crate::plan::CrawlPlan::measured)).
pub fn identity_keys(
    meta: &CrawlMeta,
    secret: Option<&str>,
    modes: &[ConsentMode],
) -> Vec<(String, String)> {
    let opt = |v: &dyn std::fmt::Debug| format!("{v:?}");
    let major = meta
        .pixelcensus_version
        .as_deref()
        .map(major_version)
        .unwrap_or_else(|| "unknown".into());
    let modes = modes.iter().map(|m| m.as_str()).collect::<Vec<_>>();
    let keys = [
        ("the crawl identity (--crawl-id)", opt(&meta.crawl_id)),
        (
            "the crawl secret",
            secret.map(digest).unwrap_or_else(|| "none".into()),
        ),
        ("the list (its SHA-256)", opt(&meta.list.sha256)),
        ("the number of shards", opt(&meta.shard.map(|s| s.n))),
        ("the consent modes", modes.join(",")),
        ("Global Privacy Control (--gpc)", opt(&meta.gpc)),
        ("pixelcensus's major version", major),
    ];
    let plan = meta.options.clone().unwrap_or_default();
    keys.into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .chain(plan.measured())
        .collect()
}

/// The consent modes a shard was crawled in: those of its sites, or for a shard that drew no
/// site of the list (a small list split many ways), the `--consent` it was started with.
fn crawl_modes(store: &Store, meta: &CrawlMeta) -> Result<Vec<ConsentMode>, MergeError> {
    let modes = store.modes()?;
    if !modes.is_empty() {
        return Ok(modes);
    }
    let mut modes = meta.options.as_ref().map(|p| p.modes()).unwrap_or_default();
    modes.sort();
    Ok(modes)
}

/// `0.3.1` → `0.3` (before 1.0 the minor version is the major one), `2.1.0` → `2`.
fn major_version(v: &str) -> String {
    let mut parts = v.split('.');
    match (parts.next(), parts.next()) {
        (Some("0"), Some(minor)) => format!("0.{minor}"),
        (Some(major), _) => major.to_string(),
        _ => v.to_string(),
    }
}

/// A short digest of a secret, so a message never shows the secret itself.
fn digest(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    format!(
        "sha256 {}…",
        &hex::encode(Sha256::digest(secret.as_bytes()))[..12]
    )
}

/// Merges the shard folders `inputs` into `out` (created if missing) and returns what it did.
/// `progress(done, total)` is called as visits are copied. The datasets are the caller's to
/// write (the report, from the merged store).
pub fn merge(
    inputs: &[PathBuf],
    out: &Path,
    opts: &MergeOptions,
    progress: impl FnMut(u64, u64),
) -> Result<Merged, MergeError> {
    if inputs.is_empty() {
        return Err(MergeError::NoInputs);
    }
    std::fs::create_dir_all(out).map_err(io("creating output folder", out))?;
    let out_abs = std::fs::canonicalize(out).map_err(io("opening", out))?;
    let _out_lock = CrawlLock::acquire(out)?;
    let shards = open_inputs(inputs, &out_abs)?;
    check_one_crawl(&shards)?;
    let mut merged = Merged {
        shards: check_complete(&shards, opts)?,
        ..Merged::default()
    };
    let all = every_target(&shards)?;
    // The outside world sees either the old complete folder or the new one: the folder's
    // completion marks go first, the new store is built aside and renamed into place.
    let existing = out.join(STORE_FILE);
    if existing.exists() {
        let old = Store::open(out)?;
        if CrawlMeta::read(&old)?.merged_from.is_empty() {
            return Err(MergeError::NotAMerge(out.to_owned()));
        }
    }
    for f in crate::report::OTHER_FILES {
        remove_file(&out.join(f))?;
    }
    let work = out.join(".merge.tmp");
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(io("removing", &work))?;
    }
    copy_into(&work, &shards, &all, &mut merged, progress)?;
    for suffix in ["-wal", "-shm"] {
        remove_file(&out.join(format!("{STORE_FILE}{suffix}")))?;
    }
    std::fs::rename(work.join(STORE_FILE), &existing).map_err(io("renaming into", &existing))?;
    std::fs::remove_dir_all(&work).map_err(io("removing", &work))?;
    Ok(merged)
}

/// A file error naming what was being done to which path.
fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> MergeError {
    let path = path.to_owned();
    move |source| MergeError::Io { what, path, source }
}

/// Removes `p` if it is there.
fn remove_file(p: &Path) -> Result<(), MergeError> {
    if p.exists() {
        std::fs::remove_file(p).map_err(io("removing", p))?;
    }
    Ok(())
}

/// Opens every input (locked, so no crawl is writing to it), in shard order; each once, none
/// the output, each a shard, no shard twice.
fn open_inputs(inputs: &[PathBuf], out_abs: &Path) -> Result<Vec<Input>, MergeError> {
    let mut shards: Vec<Input> = Vec::new();
    let mut opened: Vec<(PathBuf, &PathBuf)> = Vec::new();
    for dir in inputs {
        let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        if abs == out_abs {
            return Err(MergeError::OutIsInput(dir.clone()));
        }
        let store = Store::open(dir)?;
        if let Some((_, first)) = opened.iter().find(|(p, _)| *p == abs) {
            return Err(MergeError::Twice {
                a: (*first).clone(),
                b: dir.clone(),
            });
        }
        opened.push((abs, dir));
        let lock = CrawlLock::acquire(dir)?;
        let meta = CrawlMeta::read(&store)?;
        let Some(shard) = meta.shard else {
            return Err(MergeError::NotShard(dir.clone()));
        };
        shards.push(Input {
            dir: dir.clone(),
            store,
            meta,
            shard,
            _lock: lock,
        });
    }
    shards.sort_by_key(|s| s.shard.k);
    for w in shards.windows(2) {
        if w[0].shard.k == w[1].shard.k && w[0].shard.n == w[1].shard.n {
            return Err(MergeError::SameShard {
                shard: w[0].shard,
                a: w[0].dir.clone(),
                b: w[1].dir.clone(),
            });
        }
    }
    Ok(shards)
}

/// One crawl: every key as the first shard's.
fn check_one_crawl(shards: &[Input]) -> Result<(), MergeError> {
    let mut keys = Vec::new();
    for s in shards {
        let secret = s.store.meta("crawl_secret")?;
        keys.push(identity_keys(
            &s.meta,
            secret.as_deref(),
            &crawl_modes(&s.store, &s.meta)?,
        ));
    }
    for (i, k) in keys.iter().enumerate().skip(1) {
        for ((key, va), (_, vb)) in keys[0].iter().zip(k) {
            if va != vb {
                return Err(MergeError::Differs {
                    key: key.clone(),
                    a: shards[0].dir.clone(),
                    va: va.clone(),
                    b: shards[i].dir.clone(),
                    vb: vb.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Every shard, each finished (unless `partial`): what each brings, in shard order.
fn check_complete(shards: &[Input], opts: &MergeOptions) -> Result<Vec<MergedShard>, MergeError> {
    let n = shards[0].shard.n;
    let missing: Vec<String> = (1..=n)
        .filter(|k| !shards.iter().any(|s| s.shard.k == *k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() && !opts.partial {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            n,
        });
    }
    let mut merged = Vec::new();
    for s in shards {
        let c = s.store.counts()?;
        if c.done < c.total && !opts.partial {
            return Err(MergeError::Unfinished {
                dir: s.dir.clone(),
                pending: c.total - c.done,
                total: c.total,
            });
        }
        merged.push(MergedShard {
            shard: Some(s.shard),
            folder: crate::report::crawl_name(&s.dir),
            targets: c.total,
            visits: c.done,
            started_at: s.meta.started_at.clone(),
            finished_at: s.meta.finished_at.clone(),
        });
    }
    Ok(merged)
}

/// Every target of the inputs, with the input that holds it and its visit.
type AllTargets = BTreeMap<SortKey, (usize, crate::list::Target, Option<i64>)>;

/// Every target once, in the order the report lists them. A site (in a mode) in two inputs
/// is an overlap, whatever rank each gave it.
fn every_target(shards: &[Input]) -> Result<AllTargets, MergeError> {
    let mut all = AllTargets::new();
    let mut holder: BTreeMap<(String, ConsentMode), usize> = BTreeMap::new();
    for (i, s) in shards.iter().enumerate() {
        for (t, mode, visit) in s.store.targets()? {
            if let Some(j) = holder.insert((t.domain.clone(), mode), i) {
                return Err(MergeError::Duplicate {
                    site: t.domain,
                    mode: mode.as_str(),
                    a: shards[j].dir.clone(),
                    b: s.dir.clone(),
                });
            }
            all.insert((t.rank, t.domain.clone(), mode), (i, t, visit));
        }
    }
    Ok(all)
}

/// Builds the merged store in `work`: the secret, every target and visit, the metadata.
/// Closed when it returns, so its write-ahead log is checkpointed into the file.
fn copy_into(
    work: &Path,
    shards: &[Input],
    all: &AllTargets,
    merged: &mut Merged,
    mut progress: impl FnMut(u64, u64),
) -> Result<(), MergeError> {
    let mut to = Store::create(work)?;
    if let Some(secret) = shards[0].store.meta("crawl_secret")? {
        to.set_meta("crawl_secret", &secret)?;
    }
    let total = all.values().filter(|(_, _, v)| v.is_some()).count() as u64;
    for ((_, _, mode), (i, t, visit)) in all {
        let id = to.add_target(t, *mode)?;
        if let Some(v) = visit {
            let stored = shards[*i].store.load_visit(*v)?;
            to.record_visit(id, &stored.visit)?;
            merged.visits += 1;
            progress(merged.visits, total);
        }
        merged.targets += 1;
    }
    merged_meta(shards, merged).write(&to)?;
    Ok(())
}

/// The merged crawl's metadata: the first shard's, over the shards' times, as no shard.
fn merged_meta(shards: &[Input], merged: &Merged) -> CrawlMeta {
    let mut meta = shards[0].meta.clone();
    meta.shard = None;
    meta.browsers_over_time = Vec::new();
    meta.started_at = shards
        .iter()
        .filter_map(|s| s.meta.started_at.clone())
        .min();
    meta.finished_at = if shards.iter().all(|s| s.meta.finished_at.is_some()) {
        shards
            .iter()
            .filter_map(|s| s.meta.finished_at.clone())
            .max()
    } else {
        None
    };
    meta.merged_from = merged.shards.clone();
    meta
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Outcome;
    use crate::list::Target;
    use crate::plan::{ConsentArg, CrawlOpts, CrawlPlan};
    use crate::store::meta::ListInfo;

    fn meta(shard: Shard) -> CrawlMeta {
        CrawlMeta {
            name: Some("2026-12".into()),
            crawl_id: Some("2026-12".into()),
            shard: Some(shard),
            pixelcensus_version: Some("0.1.0".into()),
            gpc: Some(false),
            list: ListInfo {
                sha256: Some("ab".into()),
                ..Default::default()
            },
            options: Some(CrawlPlan {
                opts: CrawlOpts {
                    pages: 3,
                    dwell: std::time::Duration::from_secs(5),
                    consent: ConsentArg::None,
                    ..Default::default()
                },
                ..Default::default()
            }),
            started_at: Some(format!("2026-12-0{}T00:00:00Z", shard.k)),
            finished_at: Some(format!("2026-12-0{}T06:00:00Z", shard.k)),
            ..Default::default()
        }
    }

    /// A finished shard folder with one visit per domain.
    fn shard(
        root: &Path,
        k: u32,
        n: u32,
        domains: &[&str],
        edit: impl Fn(&mut CrawlMeta),
    ) -> PathBuf {
        let dir = root.join(format!("shard{k}"));
        let mut s = Store::create(&dir).unwrap();
        s.set_secret(&crate::canary::identity_secret("2026-12"))
            .unwrap();
        for (i, d) in domains.iter().enumerate() {
            let t = Target {
                domain: d.to_string(),
                rank: (i as u64 + 1) * 10 + u64::from(k),
                rank_is_bucket: false,
            };
            let id = s.add_target(&t, ConsentMode::None).unwrap();
            s.record_visit(id, &crate::store::tests::visit(d, Outcome::Ok))
                .unwrap();
        }
        let mut m = meta(Shard { k, n });
        edit(&mut m);
        m.write(&s).unwrap();
        dir
    }

    #[test]
    fn sites_of_one_bucket_read_in_name_order_as_in_a_whole_crawl() {
        // CrUX ranks are buckets: many sites share one, spread over the shards.
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        let mut dirs = Vec::new();
        for (k, domains) in [
            (1, ["m.example", "b.example"]),
            (2, ["z.example", "a.example"]),
        ] {
            let dir = shard(r, k, 2, &[], |_| {});
            let mut s = Store::open(&dir).unwrap();
            for d in domains {
                let t = Target {
                    domain: d.into(),
                    rank: 1000,
                    rank_is_bucket: true,
                };
                let id = s.add_target(&t, ConsentMode::None).unwrap();
                s.record_visit(id, &crate::store::tests::visit(d, Outcome::Ok))
                    .unwrap();
            }
            dirs.push(dir);
        }
        let out = r.join("merged");
        merge(&dirs, &out, &MergeOptions::default(), |_, _| {}).unwrap();
        let names = |dir: &Path| -> Vec<String> {
            let s = Store::open(dir).unwrap();
            s.targets()
                .unwrap()
                .into_iter()
                .map(|(t, _, _)| t.domain)
                .collect()
        };
        assert_eq!(
            names(&out),
            ["a.example", "b.example", "m.example", "z.example"]
        );
        // A shard (like a whole crawl) lists its own bucket in name order too, not in the
        // order its list gave.
        assert_eq!(names(&dirs[1]), ["a.example", "z.example"]);
    }

    /// A shard that drew no site of the list (three sites split four ways) merges with the
    /// others: its consent modes are the ones it was started with, not "none found".
    #[test]
    fn a_shard_without_sites_merges() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        let s1 = shard(r, 1, 2, &["a.example", "b.example"], |_| {});
        let s2 = shard(r, 2, 2, &[], |_| {});
        let out = r.join("merged");
        let m = merge(&[s1, s2.clone()], &out, &MergeOptions::default(), |_, _| {}).unwrap();
        assert_eq!((m.targets, m.visits), (2, 2));
        assert_eq!(m.shards.len(), 2);
        // An empty shard started with another --consent is still refused, saying which.
        let other = r.join("other");
        let s2b = shard(&other, 2, 2, &[], |m| {
            m.options.as_mut().unwrap().opts.consent = ConsentArg::Accept
        });
        let s1 = r.join("shard1");
        let e = merge(
            &[s1, s2b],
            &r.join("m2"),
            &MergeOptions::default(),
            |_, _| {},
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("the consent modes differs (none vs accept)"),
            "{e}"
        );
    }

    /// The names of the keys whose values differ.
    fn differing(a: &[(String, String)], b: &[(String, String)]) -> Vec<String> {
        a.iter()
            .zip(b)
            .filter(|(x, y)| x != y)
            .map(|(x, _)| x.0.clone())
            .collect()
    }

    #[test]
    fn keys_name_what_differs() {
        let a = meta(Shard { k: 1, n: 3 });
        let mut b = meta(Shard { k: 2, n: 3 });
        let ka = identity_keys(&a, Some("00"), &[ConsentMode::None]);
        assert_eq!(ka, identity_keys(&b, Some("00"), &[ConsentMode::None]));
        b.options.as_mut().unwrap().opts.dwell = std::time::Duration::from_secs(2);
        b.pixelcensus_version = Some("0.1.7".into()); // same major version
        let kb = identity_keys(&b, Some("00"), &[ConsentMode::None]);
        let diff = differing(&ka, &kb);
        assert_eq!(diff, ["--dwell"]);
        // Shards of one crawl are one visitor (#40): a phone, a vantage or a position apart
        // are not one crawl; the proxy each went through may differ (not recorded as a key).
        let mut c = a.clone();
        let o = &mut c.options.as_mut().unwrap().opts;
        o.device = crate::browser::device::Device::Mobile;
        o.vantage = "eu-de".into();
        o.geolocation = Some("52.52,13.405".into());
        o.proxy = Some("socks5://10.0.0.1:1080".into());
        let kc = identity_keys(&c, Some("00"), &[ConsentMode::None]);
        assert_eq!(
            differing(&ka, &kc),
            ["--device", "--geolocation", "--vantage"]
        );
        b.pixelcensus_version = Some("0.2.0".into());
        let kb = identity_keys(&b, Some("01"), &[ConsentMode::None, ConsentMode::Reject]);
        let diff = differing(&ka, &kb);
        assert_eq!(
            diff,
            [
                "the crawl secret",
                "the consent modes",
                "pixelcensus's major version",
                "--dwell"
            ]
        );
        assert_eq!(major_version("2.4.1"), "2");
    }

    /// Why a merge of `inputs` into `out` was refused.
    fn refused(inputs: &[PathBuf], out: &Path) -> String {
        merge(inputs, out, &MergeOptions::default(), |_, _| {})
            .expect_err("the merge should be refused")
            .to_string()
    }

    /// Three finished shards of one crawl in a temporary folder.
    fn three_shards() -> (tempfile::TempDir, [PathBuf; 3]) {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        let shards = [
            shard(r, 1, 3, &["a.example", "d.example"], |_| {}),
            shard(r, 2, 3, &["b.example"], |_| {}),
            shard(r, 3, 3, &["c.example", "e.example"], |_| {}),
        ];
        (root, shards)
    }

    #[test]
    fn refuses_missing_and_repeated_shards() {
        let (root, [s1, _, s3]) = three_shards();
        let r = root.path();
        let out = r.join("merged");
        let e = refused(&[s1.clone(), s3.clone()], &out);
        assert!(e.contains("shard(s) 2 of 3 are missing"), "{e}");
        let e = refused(&[s1.clone(), s1.clone()], &out);
        assert!(e.contains("are the same folder"), "{e}");
        let copy = r.join("copy");
        shard(&copy, 1, 3, &["a.example"], |_| {});
        let e = refused(&[s1.clone(), copy.join("shard1")], &out);
        assert!(e.contains("are both shard 1/3"), "{e}");
    }

    #[test]
    fn merges_shards_in_order() {
        let (root, [s1, s2, s3]) = three_shards();
        let r = root.path();
        let out = r.join("merged");
        let opts = MergeOptions::default();
        let mut calls = 0;
        let m = merge(
            &[s3.clone(), s1.clone(), s2.clone()],
            &out,
            &opts,
            |_, _| calls += 1,
        )
        .unwrap();
        assert_eq!((m.targets, m.visits, calls), (5, 5, 5));
        let store = Store::open(&out).unwrap();
        let order: Vec<String> = store
            .targets()
            .unwrap()
            .into_iter()
            .map(|(t, _, _)| t.domain)
            .collect();
        assert_eq!(
            order,
            [
                "a.example",
                "b.example",
                "c.example",
                "d.example",
                "e.example"
            ]
        );
        let m = CrawlMeta::read(&store).unwrap();
        assert_eq!(m.shard, None);
        assert_eq!(m.merged_from.len(), 3);
        assert_eq!(m.merged_from[0].folder, "shard1");
        assert_eq!(m.started_at.as_deref(), Some("2026-12-01T00:00:00Z"));
        assert_eq!(m.finished_at.as_deref(), Some("2026-12-03T06:00:00Z"));
        assert_eq!(
            store.meta("crawl_secret").unwrap().unwrap(),
            hex::encode(crate::canary::identity_secret("2026-12"))
        );
        let v = store
            .load_visit(store.targets().unwrap()[0].2.unwrap())
            .unwrap();
        assert_eq!(v.visit.requests[0].url, "https://a.example/");
        drop(store);
        assert!(!out.join(".merge.tmp").exists());
        // A merged folder may be merged into again.
        merge(&[s1, s2, s3], &out, &opts, |_, _| {}).unwrap();
    }

    #[test]
    fn refuses_what_is_not_one_crawl() {
        let (root, [s1, s2, s3]) = three_shards();
        let r = root.path();
        // Different settings, an overlap, a folder that is no shard.
        let other = r.join("other");
        let s2b = shard(&other, 2, 3, &["b.example"], |m| {
            m.options.as_mut().unwrap().opts.pages = 1
        });
        let e = refused(&[s1.clone(), s2b, s3.clone()], &r.join("m2"));
        assert!(e.contains("--pages differs (3 vs 1)"), "{e}");
        let dup = r.join("dup");
        let s2c = shard(&dup, 2, 3, &["a.example"], |_| {});
        let e = refused(&[s1.clone(), s2c, s3.clone()], &r.join("m3"));
        assert!(
            e.contains("site a.example (consent mode none) is in both"),
            "{e}"
        );
        let whole = r.join("whole");
        let ws = Store::create(&whole).unwrap();
        CrawlMeta {
            shard: None,
            ..meta(Shard { k: 1, n: 1 })
        }
        .write(&ws)
        .unwrap();
        drop(ws);
        let e = refused(std::slice::from_ref(&whole), &r.join("m4"));
        assert!(e.contains("is not a shard"), "{e}");
        let e = refused(&[s1, s2, s3], &whole);
        assert!(e.contains("holds a crawl that is not a merge"), "{e}");
    }

    #[test]
    fn refuses_an_unfinished_shard_unless_partial() {
        let (root, [s1, s2, s3]) = three_shards();
        let r = root.path();
        let out = r.join("merged");
        let s = Store::open(&s2).unwrap();
        s.add_target(
            &Target {
                domain: "f.example".into(),
                rank: 99,
                rank_is_bucket: false,
            },
            ConsentMode::None,
        )
        .unwrap();
        drop(s);
        let e = refused(&[s1.clone(), s2.clone(), s3.clone()], &out);
        assert!(e.contains("1 of its 2 sites are not recorded yet"), "{e}");
        let m = merge(
            &[s1, s2, s3],
            &out,
            &MergeOptions { partial: true },
            |_, _| {},
        )
        .unwrap();
        assert_eq!((m.targets, m.visits), (6, 5));
    }
}
