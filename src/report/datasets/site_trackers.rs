//! `site_trackers.csv`: one row per site × consent mode × tracker seen.

use super::{Dataset, Site, Spec, bool_text, join, pages_text, per_site_types};
use crate::report::parquet::ColType;
use crate::report::{Out, ReportError};

/// Column order of `site_trackers.csv`.
pub const SITE_TRACKERS_COLUMNS: [&str; 32] = [
    "rank",
    "site",
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "status",
    "tracker",
    "company",
    "category",
    "tracker_reason",
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
    "pages",
    "contexts",
    "channels",
    "storage_ids",
    "hosting",
    "id_source",
    "event_source",
    "loaded_via",
    "load_chain",
];

/// Column types (and of `site_trackers.parquet`), in [`SITE_TRACKERS_COLUMNS`]'s order.
const SITE_TRACKERS_TYPES: [ColType; 32] = per_site_types![
    Text, Text, Text, Text, Bool, Bool, Text, Text, Text, Int, Bool, Text, Bool, Bool, Bool, Text,
    Text, Text, Text, Text, Text, Text, Text, Text
];

const SPEC: Spec = Spec {
    file: "site_trackers.csv",
    columns: &SITE_TRACKERS_COLUMNS,
    types: &SITE_TRACKERS_TYPES,
    parquet: Some("site_trackers.parquet"),
};

pub(super) struct SiteTrackers;

impl Dataset for SiteTrackers {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let Some(x) = s.visited() else {
            return Ok(());
        };
        for tr in &x.f.trackers {
            out.row(x.key().into_iter().chain([
                tr.tracker.as_str(),
                &tr.company,
                &tr.category,
                tr.tracker_reason().map_or("", |r| r.as_str()),
                bool_text(tr.loaded),
                bool_text(tr.fired),
                &join(&tr.pixel_ids),
                &join(&tr.events),
                &tr.fields_text(),
                &tr.requests.to_string(),
                bool_text(tr.first_party_proxy),
                &join(&tr.cookie_ids),
                bool_text(tr.pre_submit_capture()),
                bool_text(tr.fired_before_choice),
                bool_text(tr.fired_after_choice),
                &pages_text(&tr.pages),
                &words(tr.contexts.iter().map(|c| c.as_str())),
                &words(tr.channels.iter().copied()),
                &join(&tr.storage_ids),
                &words(tr.hosting.iter().map(|h| h.as_str())),
                &words(tr.id_sources.iter().map(|x| x.as_str())),
                &words(tr.event_sources.iter().map(|x| x.as_str())),
                &tr.loaded_via,
                &tr.load_chain,
            ]))?;
        }
        Ok(())
    }
}

/// Names separated by spaces, in the set's order.
fn words<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(" ")
}
