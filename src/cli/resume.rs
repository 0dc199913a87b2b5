//! A crawl's folder before the crawl runs: its identity, shard and GPC kept, the frontier
//! filled (or resumed), the plan recorded as the crawl's metadata; a finished crawl run again
//! is a no-op.

use super::now;
use anyhow::{Result, bail};
use pixelcensus::browser;
use pixelcensus::list::{self, Shard};
use pixelcensus::plan::CrawlPlan;
use pixelcensus::report;
use pixelcensus::store::meta::{CrawlMeta, ListInfo};
use pixelcensus::store::{Counts, Store};
use std::path::Path;

/// Checks the folder's identity and GPC setting, fills the frontier and records the plan.
/// Returns false when the crawl is already complete (nothing to visit; nothing written).
pub fn record_meta(
    store: &mut Store,
    list_path: &Path,
    parsed: &list::ParsedList,
    plan: &CrawlPlan,
    versions: &browser::Versions,
    out: &Path,
    quiet: bool,
) -> Result<bool> {
    let o = &plan.opts;
    let mut meta = CrawlMeta::read(store)?;
    check_gpc(&meta, o.gpc, out)?;
    check_visitor(&meta, o, out)?;
    check_identity(&meta, o.crawl_id.as_deref(), o.shard, out)?;
    if let Some(id) = &o.crawl_id
        && meta.crawl_id.is_none()
    {
        store.set_secret(&pixelcensus::canary::identity_secret(id))?;
        meta.crawl_id = Some(id.clone());
    }
    meta.shard = o.shard;
    let counts = open_frontier(store, parsed, plan, out, quiet)?;
    if let Some(finished) = &meta.finished_at
        && counts.total > 0
        && counts.done == counts.total
        && datasets_present(out)
    {
        // A finished crawl run again (a daily timer): nothing to visit, nothing rewritten.
        if !quiet {
            eprintln!(
                "pixelcensus: {} is complete: {} of {} sites recorded, finished {finished}; nothing to do",
                out.display(),
                counts.done,
                counts.total
            );
        }
        return Ok(false);
    }
    meta.list = ListInfo {
        file: Some(list_path.display().to_string()),
        format: Some(parsed.format.to_string()),
        ..Default::default()
    };
    if let Some((bytes, sha)) = report::manifest::file_sha256(list_path) {
        (meta.list.bytes, meta.list.sha256) = (Some(bytes), Some(sha));
    }
    meta.options = Some(plan.clone());
    meta.gpc = Some(o.gpc);
    meta.chromium_version = Some(versions.chromium.clone()).filter(|v| !v.is_empty());
    meta.chromedriver_version = Some(versions.chromedriver.clone()).filter(|v| !v.is_empty());
    meta.disguise = Some(browser::DISGUISE.iter().map(|s| s.to_string()).collect());
    meta.started_at.get_or_insert_with(now);
    meta.name.get_or_insert_with(|| {
        o.crawl_id
            .clone()
            .unwrap_or_else(|| report::crawl_name(out))
    });
    meta.pixelcensus_version
        .get_or_insert_with(|| report::manifest::version().0.to_string());
    meta.write(store)?;
    Ok(true)
}

/// Every file the report writes is in `out` (a finished crawl whose report was cut short
/// writes them again).
fn datasets_present(out: &Path) -> bool {
    report::datasets::files()
        .iter()
        .map(String::as_str)
        .chain(report::OTHER_FILES)
        .all(|f| out.join(f).is_file())
}

/// A folder keeps its crawl identity (`--crawl-id`) and its shard: resuming it as another
/// crawl or another part of the list would mix two samples in one store.
fn check_identity(
    meta: &CrawlMeta,
    crawl_id: Option<&str>,
    shard: Option<Shard>,
    out: &Path,
) -> Result<()> {
    let started = meta.started_at.is_some();
    let dir = out.display();
    match (&meta.crawl_id, crawl_id) {
        (Some(was), Some(now)) if was != now => bail!(
            "{dir} is crawl `{was}`; resume it with --crawl-id {was}, or crawl `{now}` into a new --out"
        ),
        (None, Some(now)) if started => bail!(
            "{dir} was started without --crawl-id (its canary values come from its own secret); resume it without --crawl-id, or crawl `{now}` into a new --out"
        ),
        _ => {}
    }
    if started && meta.shard != shard {
        let part = |s: Option<Shard>| match s {
            Some(s) => format!("shard {s}"),
            None => "the whole list".to_string(),
        };
        let flag = match meta.shard {
            Some(s) => format!("--shard {s}"),
            None => "no --shard".to_string(),
        };
        bail!(
            "{dir} holds {} of its list; resume it with {flag}, or crawl {} into a new --out",
            part(meta.shard),
            part(shard)
        );
    }
    Ok(())
}

/// A folder crawled with or without GPC keeps that setting.
fn check_gpc(meta: &CrawlMeta, gpc: bool, out: &Path) -> Result<()> {
    match meta.gpc {
        Some(g) if g != gpc => {
            let with = if g { "with" } else { "without" };
            bail!(
                "{} was crawled {with} Global Privacy Control; resume it {with} --gpc, or crawl into a new --out to compare the two",
                out.display()
            )
        }
        _ => Ok(()),
    }
}

/// A folder keeps its visitor: device, locale, time zone, position and vantage (#40), so every row of
/// its datasets is one visitor's.
fn check_visitor(meta: &CrawlMeta, o: &pixelcensus::plan::CrawlOpts, out: &Path) -> Result<()> {
    let Some(old) = meta.options.as_ref().map(|p| &p.opts) else {
        return Ok(());
    };
    let show = |o: &pixelcensus::plan::CrawlOpts| {
        format!(
            "--device {} --locale {} --timezone {} --geolocation {} --vantage {}",
            o.device.as_str(),
            o.locale.as_deref().unwrap_or("(none)"),
            o.timezone.as_deref().unwrap_or("(none)"),
            o.geolocation.as_deref().unwrap_or("(none)"),
            if o.vantage.is_empty() {
                "local"
            } else {
                &o.vantage
            },
        )
    };
    if show(old) != show(o) {
        bail!(
            "{} was crawled as `{}`; resume it as the same visitor, or crawl into a new --out to compare the two",
            out.display(),
            show(old)
        )
    }
    Ok(())
}

/// Adds the list's sites to the frontier, puts interrupted (and with `--retry-failed`, failed)
/// visits back, and says what a resumed crawl will do.
fn open_frontier(
    store: &mut Store,
    parsed: &list::ParsedList,
    plan: &CrawlPlan,
    out: &Path,
    quiet: bool,
) -> Result<Counts> {
    store.add_targets(&parsed.targets, &plan.modes())?;
    let interrupted = store.reset_interrupted()?;
    let retried = if plan.opts.retry_failed {
        store.reset_failed()?
    } else {
        0
    };
    let before = store.counts()?;
    if !quiet && before.done > 0 {
        let mut extra = String::new();
        if interrupted > 0 {
            extra.push_str(&format!(
                ", {interrupted} interrupted visit(s) will be redone"
            ));
        }
        if retried > 0 {
            extra.push_str(&format!(", {retried} failed site(s) will be retried"));
        }
        eprintln!(
            "pixelcensus: resuming {}: {} of {} sites already recorded{extra}",
            out.display(),
            before.done,
            before.total,
        );
    }
    Ok(before)
}
