//! What the test web's imitation tags send, field by field, and how a crawl's
//! site_trackers.csv measures up against it (`make accuracy`, and the e2e detection test).
//!
//! [`SENT`] is written from the scripts (assets/*.js, the inline scripts of [`super::sites`]):
//! for each tracker, the fields every hit of its imitation carries, and whether it also sends
//! the referrer (reported only where there is one: a page reached from another, such as the
//! search results). The typed values each instance receives are [`super::sites::TRUTH`]'s
//! `sensitive`. A few sites call a vendor their own way ([`SENT_ON`]).

use super::sites::{self, Expect, Kind, TRUTH};
use std::collections::{BTreeMap, BTreeSet};

/// What one tracker's imitation sends on every hit.
pub struct Sent {
    /// Tracker name (as the datasets give it).
    pub tracker: &'static str,
    /// Fields every hit carries.
    pub fields: &'static [&'static str],
    /// It also sends `document.referrer` (a field only where it is not empty).
    pub referrer: bool,
}

const fn sent(tracker: &'static str, fields: &'static [&'static str], referrer: bool) -> Sent {
    Sent {
        tracker,
        fields,
        referrer,
    }
}

/// Each imitation, from its script.
pub const SENT: &[Sent] = &[
    // tiktok.js: context.page.url, .referrer, user.anonymous_id (_ttp), userAgent.
    sent(
        "TikTok Pixel",
        &["cookie_id", "page_url", "user_agent"],
        true,
    ),
    // meta.js: dl, rl, sw/sh, fbp.
    sent("Meta Pixel", &["cookie_id", "page_url", "screen"], true),
    // gtag.js: cid (_ga), ul, sr, dl, dr, dt.
    sent(
        "Google Analytics 4",
        &["cookie_id", "language", "page_title", "page_url", "screen"],
        true,
    ),
    // others.js, one branch each.
    sent("Google Ads", &["page_title", "page_url"], true),
    sent("X Pixel", &["page_url"], false),
    sent(
        "Microsoft UET",
        &["cookie_id", "language", "page_title", "page_url", "screen"],
        true,
    ),
    sent("LinkedIn Insight Tag", &["page_url"], false),
    sent("Pinterest Tag", &["page_url", "screen"], true),
    sent("Snap Pixel", &["page_url"], false),
    sent("Reddit Pixel", &["cookie_id"], false),
    // The recorders' bundles: page, title, screen, User-Agent, their visitor IDs
    // (`_hjSessionUser_<site>` base64 JSON, `_clck`'s first part, `fs_uid`'s user).
    sent(
        "Hotjar",
        &[
            "cookie_id",
            "page_title",
            "page_url",
            "screen",
            "user_agent",
        ],
        true,
    ),
    sent(
        "Microsoft Clarity",
        &[
            "cookie_id",
            "page_title",
            "page_url",
            "screen",
            "user_agent",
        ],
        true,
    ),
    sent(
        "FullStory",
        &[
            "cookie_id",
            "page_title",
            "page_url",
            "screen",
            "user_agent",
        ],
        true,
    ),
    sent("Criteo OneTag", &[], false),
    sent("Google Floodlight", &["cookie_id", "page_url"], false),
    sent("Amazon Ads Tag", &[], false),
    sent("The Trade Desk", &["page_url"], false),
    sent("Taboola Pixel", &["page_url"], true),
    sent("Outbrain Pixel", &["page_url"], false),
    sent("Quora Pixel", &["page_url"], false),
    sent("Yahoo Dot Tag", &["page_title", "page_url"], true),
    sent(
        "Adobe Analytics",
        &["cookie_id", "page_title", "page_url", "screen"],
        true,
    ),
    sent(
        "Matomo",
        &["cookie_id", "page_title", "page_url", "screen"],
        true,
    ),
    sent("Parse.ly", &["cookie_id", "page_url", "screen"], true),
    sent("Comscore", &["page_title", "page_url"], true),
    sent(
        "Segment",
        &[
            "cookie_id",
            "language",
            "page_title",
            "page_url",
            "user_agent",
        ],
        true,
    ),
    sent("Marketo Munchkin", &["cookie_id", "page_url"], true),
    sent("Leadfeeder", &["cookie_id", "page_title", "page_url"], true),
    sent("LiveRamp ATS", &[], false),
    // sites::PROTOCOLS' first-party and self-hosted collectors (Adobe Analytics and Matomo
    // send what others.js's do).
    sent(
        "Snowplow",
        &["cookie_id", "language", "page_title", "page_url", "screen"],
        true,
    ),
    sent(
        "Webtrends",
        &["cookie_id", "language", "page_title", "page_url", "screen"],
        true,
    ),
    sent(
        "PostHog",
        &["cookie_id", "page_title", "page_url", "screen"],
        true,
    ),
    // sites::INVENTED.
    sent(
        "nv-metrics.test",
        &[
            "cookie_id",
            "language",
            "page_title",
            "page_url",
            "screen",
            "user_agent",
        ],
        false,
    ),
    // sites::INVENTED's second vendor: storage-kept IDs, a dotted cookie's head, the screen
    // as two numbers.
    sent(
        "qx-insights.test",
        &["cookie_id", "screen", "storage_id"],
        false,
    ),
    // sites::tailbeam!: its visitor in a cookie and its session in sessionStorage.
    sent("tailbeam.test", &["cookie_id", "storage_id"], false),
    // sites::RECORDER (page: location.href) and channels::PAGE (url, ua).
    sent("recorder-demo.test", &["page_url"], false),
    // sites::COOKIE_SYNC: its own uid cookie back.
    sent("adnet.test", &["cookie_id"], false),
];

/// Sites whose own script sends a vendor something else than its imitation: site, tracker,
/// fields, referrer.
pub const SENT_ON: &[(&str, &str, &[&str], bool)] = &[
    // sites::BEACONS: hand-made hits, the page URL only (GA4's `cid=1.2` is not a cookie's).
    ("beacons.test", "TikTok Pixel", &["page_url"], false),
    ("beacons.test", "Meta Pixel", &["page_url"], false),
    (
        "beacons.test",
        "Google Analytics 4",
        &["cookie_id", "page_url"],
        false,
    ),
    // sites::DIALOGS: one hand-made GA4 hit (`cid=9.9`, `dl`).
    (
        "dialogs.test",
        "Google Analytics 4",
        &["cookie_id", "page_url"],
        false,
    ),
    // sites::IFRAME: the pixel runs in the widget's frame, whose referrer is the host page.
    (
        "iframe-host.test",
        "TikTok Pixel",
        &["cookie_id", "page_url", "referrer", "user_agent"],
        false,
    ),
    // sites::LEAVES: the page moves itself to elsewhere.test, whose GA4 hit has it as referrer.
    (
        "leaves.test",
        "Google Analytics 4",
        &[
            "cookie_id",
            "language",
            "page_title",
            "page_url",
            "referrer",
            "screen",
        ],
        false,
    ),
    // channels::PAGE: the worker and socket messages carry the page URL and the User-Agent.
    (
        "workers.test",
        "recorder-demo.test",
        &["page_url", "user_agent"],
        false,
    ),
];

/// The fields an exact reader reports for one instance of [`TRUTH`]: what its imitation
/// sends, the referrer where the site has a page reached from another (its search results,
/// or internal pages seen), and the typed values. Empty for a tracker that only loaded.
pub fn expected(e: &Expect, pages: &BTreeSet<u32>) -> BTreeSet<&'static str> {
    if !e.fired {
        return BTreeSet::new();
    }
    let (fields, referrer) = match SENT_ON
        .iter()
        .find(|(s, t, _, _)| *s == e.site && *t == e.tracker)
    {
        Some((_, _, f, r)) => (*f, *r),
        None => match SENT.iter().find(|s| s.tracker == e.tracker) {
            Some(s) => (s.fields, s.referrer),
            None => (&[][..], false),
        },
    };
    let search =
        sites::find(e.site).is_some_and(|s| matches!(s.kind, Kind::Page { search: true, .. }));
    let mut out: BTreeSet<&str> = fields.iter().copied().collect();
    if referrer && (search || pages.iter().any(|p| *p > 0)) {
        out.insert("referrer");
    }
    out.extend(e.sensitive.iter().copied());
    out
}

/// One instance measured.
#[derive(Debug, Default)]
pub struct Measured {
    /// Site.
    pub site: String,
    /// Tracker.
    pub tracker: String,
    /// Fields sent ([`expected`]).
    pub sent: BTreeSet<String>,
    /// Fields reported that were sent.
    pub found: BTreeSet<String>,
    /// Fields sent and not reported.
    pub missing: BTreeSet<String>,
    /// Fields reported and not sent.
    pub extra: BTreeSet<String>,
    /// The pixel IDs are TRUTH's.
    pub ids_right: bool,
    /// It was seen at all.
    pub seen: bool,
}

/// Measures every fired instance of [`TRUTH`] on the sites crawled in mode `none` against
/// site_trackers.csv's rows (column name → value).
pub fn measure(rows: &[BTreeMap<String, String>]) -> Vec<Measured> {
    let by: BTreeMap<(&str, &str), &BTreeMap<String, String>> = rows
        .iter()
        .filter(|r| r.get("consent_mode").is_none_or(|m| m == "none"))
        .map(|r| ((r["site"].as_str(), r["tracker"].as_str()), r))
        .collect();
    let sites: BTreeSet<&str> = by.keys().map(|(s, _)| *s).collect();
    TRUTH
        .iter()
        .filter(|e| e.fired && sites.contains(e.site))
        .map(|e| {
            let row = by.get(&(e.site, e.tracker));
            let pages: BTreeSet<u32> = row
                .map(|r| {
                    r["pages"]
                        .split(';')
                        .filter_map(|p| p.trim().parse().ok())
                        .collect()
                })
                .unwrap_or_default();
            let sent: BTreeSet<String> = expected(e, &pages)
                .into_iter()
                .map(str::to_string)
                .collect();
            let got: BTreeSet<String> = row
                .map(|r| {
                    r["fields"]
                        .split(';')
                        .filter(|t| !t.is_empty())
                        .filter_map(|t| t.split(':').next())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let ids: BTreeSet<&str> = row
                .map(|r| {
                    r["pixel_ids"]
                        .split(';')
                        .filter(|i| !i.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            Measured {
                site: e.site.to_string(),
                tracker: e.tracker.to_string(),
                found: sent.intersection(&got).cloned().collect(),
                missing: sent.difference(&got).cloned().collect(),
                extra: got.difference(&sent).cloned().collect(),
                sent,
                ids_right: ids == e.ids.iter().copied().collect(),
                seen: row.is_some(),
            }
        })
        .collect()
}

/// The per-vendor table `make accuracy` prints: instances, fields found of fields sent,
/// fields reported that were not sent, IDs right.
pub fn table(m: &[Measured]) -> String {
    let mut by: BTreeMap<&str, (usize, usize, usize, usize, usize)> = BTreeMap::new();
    for x in m {
        let e = by.entry(x.tracker.as_str()).or_default();
        e.0 += 1;
        e.1 += x.sent.len();
        e.2 += x.found.len();
        e.3 += x.extra.len();
        e.4 += usize::from(x.ids_right);
    }
    let mut out = format!(
        "{:<26} {:>9} {:>13} {:>8} {:>6} {:>9}\n",
        "tracker", "instances", "fields found", "recall", "extra", "IDs right"
    );
    let (mut sent, mut found, mut extra) = (0, 0, 0);
    for (t, (n, s, f, x, ids)) in &by {
        sent += s;
        found += f;
        extra += x;
        let recall = if *s == 0 {
            "-".to_string()
        } else {
            format!("{:.0} %", 100.0 * *f as f64 / *s as f64)
        };
        out.push_str(&format!(
            "{t:<26} {n:>9} {:>13} {recall:>8} {x:>6} {:>9}\n",
            format!("{f}/{s}"),
            format!("{ids}/{n}")
        ));
    }
    out.push_str(&format!(
        "{:<26} {:>9} {:>13} {:>8} {extra:>6}\n",
        "all",
        m.len(),
        format!("{found}/{sent}"),
        format!("{:.1} %", 100.0 * found as f64 / sent.max(1) as f64)
    ));
    out
}

/// The IDs site_trackers.csv says were inferred (`id_source` has `inferred`), held to the
/// truth: precision over every such ID reported (an ID of a row not in [`TRUTH`], or not among
/// its IDs, is wrong), recall over the accounts only inference can find
/// ([`sites::TAILBEAM_ACCOUNTS`]).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct InferredIds {
    /// Inferred IDs reported that are the truth's.
    pub right: usize,
    /// Inferred IDs reported that are not (site, tracker, ID).
    pub wrong: Vec<(String, String, String)>,
    /// Accounts only inference can find, found.
    pub found: usize,
    /// Accounts only inference can find.
    pub truth: usize,
}

impl InferredIds {
    /// Right of all reported (1 when none was reported).
    pub fn precision(&self) -> f64 {
        let n = self.right + self.wrong.len();
        if n == 0 {
            1.0
        } else {
            self.right as f64 / n as f64
        }
    }

    /// Found of the truth's.
    pub fn recall(&self) -> f64 {
        self.found as f64 / self.truth.max(1) as f64
    }
}

/// Measures the inferred IDs of site_trackers.csv's rows (mode `none`) against the truth.
pub fn inferred_ids(rows: &[BTreeMap<String, String>]) -> InferredIds {
    let mut m = InferredIds::default();
    let rows: Vec<_> = rows
        .iter()
        .filter(|r| r.get("consent_mode").is_none_or(|x| x == "none"))
        .collect();
    for r in &rows {
        if !r["id_source"].split(' ').any(|s| s == "inferred") {
            continue;
        }
        let truth: BTreeSet<&str> = TRUTH
            .iter()
            .filter(|e| e.site == r["site"] && e.tracker == r["tracker"])
            .flat_map(|e| e.ids.iter().copied())
            .collect();
        for id in r["pixel_ids"].split(';').filter(|i| !i.is_empty()) {
            if truth.contains(id) {
                m.right += 1;
            } else {
                m.wrong
                    .push((r["site"].clone(), r["tracker"].clone(), id.to_string()));
            }
        }
    }
    let crawled: BTreeSet<&str> = rows.iter().map(|r| r["site"].as_str()).collect();
    for (site, account) in sites::TAILBEAM_ACCOUNTS {
        if !crawled.contains(site) {
            continue;
        }
        m.truth += 1;
        m.found += usize::from(rows.iter().any(|r| {
            r["site"] == site
                && r["tracker"] == "tailbeam.test"
                && r["id_source"].split(' ').any(|s| s == "inferred")
                && r["pixel_ids"].split(';').any(|i| i == account)
        }));
    }
    m
}
