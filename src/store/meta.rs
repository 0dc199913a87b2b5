//! The crawl's metadata as one typed record: what was crawled (the list), how (the options),
//! with what (browser versions) and when. Written by the crawl command, read back by the
//! manifest, report.html and the resume checks — one JSON value under the store's `crawl`
//! meta key instead of a dozen string keys. Stores made before it existed are read from their
//! old keys.

use super::{Result, Store};
use crate::plan::CrawlPlan;
use serde::{Deserialize, Serialize};

/// The meta key holding the record.
const KEY: &str = "crawl";

/// The list a crawl was made from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListInfo {
    /// The path as given.
    pub file: Option<String>,
    /// Detected format (`tranco`, `crux`, `plain`).
    pub format: Option<String>,
    /// Size in bytes.
    pub bytes: Option<u64>,
    /// SHA-256, hex.
    pub sha256: Option<String>,
}

/// Everything the store knows about how its crawl was made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CrawlMeta {
    /// The crawl's name: its output folder's name when it was first run (`2026-12`,
    /// `demo`), the `crawl` column of every dataset. Stores made before it have none (the
    /// report then uses the folder's current name).
    #[serde(default)]
    pub name: Option<String>,
    /// The list.
    pub list: ListInfo,
    /// The last run's plan: its options and the browsers it decided on (recorded under the
    /// names of the options; see [`crate::plan`]).
    pub options: Option<CrawlPlan>,
    /// Global Privacy Control sent (fixed for a crawl folder).
    pub gpc: Option<bool>,
    /// Chromium's version.
    pub chromium_version: Option<String>,
    /// chromedriver's version.
    pub chromedriver_version: Option<String>,
    /// What the crawl changed so the browser looks like a person's (`browser::DISGUISE`).
    #[serde(default)]
    pub disguise: Option<Vec<String>>,
    /// When the first run started (RFC 3339).
    pub started_at: Option<String>,
    /// When the crawl last ran to the end (RFC 3339).
    pub finished_at: Option<String>,
    /// `--crawl-id`: the identity the canary values come from (None: the folder's own random
    /// secret).
    #[serde(default)]
    pub crawl_id: Option<String>,
    /// `--shard K/N` (None: the whole list).
    #[serde(default)]
    pub shard: Option<crate::list::Shard>,
    /// The pixelcensus version that started the crawl (stores made before it have none).
    #[serde(default)]
    pub pixelcensus_version: Option<String>,
    /// A merged store (`pixelcensus merge`): the shards it was made from, by shard number.
    #[serde(default)]
    pub merged_from: Vec<MergedShard>,
    /// The browsers the last run allowed over its time: (seconds since it started, number),
    /// one entry per change (`--browsers auto`; one entry for a fixed number).
    #[serde(default)]
    pub browsers_over_time: Vec<(u64, usize)>,
    /// `--proxy`: each run's check of the proxy before its first visit (a resumed crawl adds
    /// one per run, so a proxy whose exit changed shows it).
    #[serde(default)]
    pub vantage_checks: Vec<VantageCheck>,
}

/// One run's proxy, as checked before its first visit. Never holds credentials.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VantageCheck {
    /// When (RFC 3339).
    pub at: String,
    /// The proxy, `scheme://host:port`.
    pub proxy: String,
    /// Whether credentials were sent (never what they were).
    pub credentials: bool,
    /// The connection opened through the proxy to a site of the list (`host:port`).
    pub tunnel: String,
    /// `--echo-url` and its answer through the proxy (the exit address).
    pub echo_url: Option<String>,
    /// See `echo_url`.
    pub exit_address: Option<String>,
}

/// One input of a merged store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MergedShard {
    /// Its shard.
    pub shard: Option<crate::list::Shard>,
    /// Its folder's name (not its path: the merge's output does not depend on where the
    /// shards were copied).
    pub folder: String,
    /// Targets (site × consent mode) it held.
    pub targets: u64,
    /// Of which recorded visits.
    pub visits: u64,
    /// When its crawl started and last finished.
    pub started_at: Option<String>,
    /// When it last finished.
    pub finished_at: Option<String>,
}

impl CrawlMeta {
    /// Reads the record (from the old string keys in stores made before it existed).
    pub fn read(store: &Store) -> Result<CrawlMeta> {
        if let Some(text) = store.meta(KEY)?
            && let Ok(m) = serde_json::from_str(&text)
        {
            return Ok(m);
        }
        let get = |k: &str| store.meta(k);
        Ok(CrawlMeta {
            name: None,
            list: ListInfo {
                file: get("list_file")?,
                format: get("list_format")?,
                bytes: get("list_bytes")?.and_then(|b| b.parse().ok()),
                sha256: get("list_sha256")?,
            },
            options: get("options")?.and_then(|o| serde_json::from_str(&o).ok()),
            gpc: get("gpc")?.map(|g| g == "true"),
            chromium_version: get("chromium_version")?,
            chromedriver_version: get("chromedriver_version")?,
            disguise: None,
            started_at: get("started_at")?,
            finished_at: get("finished_at")?,
            browsers_over_time: Vec::new(),
            crawl_id: None,
            shard: None,
            pixelcensus_version: None,
            merged_from: Vec::new(),
            vantage_checks: Vec::new(),
        })
    }

    /// Writes the record.
    pub fn write(&self, store: &Store) -> Result<()> {
        store.set_meta(
            KEY,
            &serde_json::to_string(self).expect("plain data serialises"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_stores_made_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path()).unwrap();
        // A store written by an older pixelcensus: one string key per fact.
        for (k, v) in [
            ("list_file", "seeds/top.csv"),
            ("list_format", "tranco"),
            ("list_bytes", "120"),
            ("gpc", "true"),
            ("started_at", "2026-11-01T00:00:00Z"),
            (
                "options",
                r#"{"browsers":2,"dwell_s":5.0,"page_timeout_s":30.0,"command_timeout_s":30.0,"recycle":20,"interact":true,"limit":null,"ranks":null,"skip_bad_lines":false,"webdriver":false,"host_map":null,"insecure":false,"user_agent":null,"rules":[],"consent":"none","gpc":true,"consent_wait_s":4.0}"#,
            ),
        ] {
            store.set_meta(k, v).unwrap();
        }
        let old = CrawlMeta::read(&store).unwrap();
        assert_eq!(old.list.bytes, Some(120));
        assert_eq!(old.gpc, Some(true));
        let plan = old.options.as_ref().unwrap();
        assert_eq!(plan.browsers.fixed, Some(2));
        assert_eq!((plan.opts.max_attempts, plan.opts.pages), (0, 1));
        assert_eq!(plan.opts.dwell, std::time::Duration::from_secs(5));
        // The manifest shows the options as the older pixelcensus did (its defaults added).
        let mut shown: serde_json::Value =
            serde_json::from_str(&store.meta("options").unwrap().unwrap()).unwrap();
        for (k, v) in [
            ("browsers_auto", serde_json::json!(false)),
            ("max_browsers", serde_json::json!(null)),
            ("max_attempts", serde_json::json!(0)),
            ("pages", serde_json::json!(1)),
            ("device", serde_json::json!("desktop")),
            ("locale", serde_json::json!(null)),
            ("geolocation", serde_json::json!(null)),
            ("timezone", serde_json::json!(null)),
            ("vantage", serde_json::json!("local")),
            // Resuming such a crawl watches scripts from then on, as a new one does.
            ("script_hooks", serde_json::json!(true)),
        ] {
            shown[k] = v;
        }
        assert_eq!(serde_json::to_value(plan).unwrap(), shown);
        let mut m = old.clone();
        m.finished_at = Some("2026-11-02T00:00:00Z".into());
        m.write(&store).unwrap();
        assert_eq!(CrawlMeta::read(&store).unwrap(), m);
    }
}
