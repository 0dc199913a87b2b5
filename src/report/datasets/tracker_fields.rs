//! `tracker_fields.csv` (tidy): one row per site × consent mode × tracker × field, with the
//! field's encodings, where it travelled and one request that carried it.

use super::{Dataset, Site, Spec, bool_text, join, per_site_types};
use crate::analyze::{Encoding, Field, Location, RequestFinding};
use crate::report::parquet::ColType;
use crate::report::{Out, ReportError};
use std::collections::{BTreeMap, BTreeSet};

/// Column order of `tracker_fields.csv`.
pub const TRACKER_FIELDS_COLUMNS: [&str; 16] = [
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
    "is_tracker",
    "field",
    "encoding",
    "locations",
    "example_request_url",
];

/// Column types (and of `tracker_fields.parquet`), in [`TRACKER_FIELDS_COLUMNS`]'s order.
const TRACKER_FIELDS_TYPES: [ColType; 16] =
    per_site_types![Text, Text, Text, Bool, Text, Text, Text, Text];

const SPEC: Spec = Spec {
    file: "tracker_fields.csv",
    columns: &TRACKER_FIELDS_COLUMNS,
    types: &TRACKER_FIELDS_TYPES,
    parquet: Some("tracker_fields.parquet"),
};

pub(super) struct TrackerFields;

/// One field of one site × tracker: its encodings, where it travelled, a request carrying it.
#[derive(Default)]
struct FieldSeen<'a> {
    encodings: BTreeSet<Encoding>,
    places: BTreeSet<Location>,
    example: Option<&'a str>,
}

impl Dataset for TrackerFields {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let Some(x) = s.visited() else {
            return Ok(());
        };
        let (v, f) = (x.v, x.f);
        let mut by_tracker: BTreeMap<&str, Vec<&RequestFinding>> = BTreeMap::new();
        for x in &f.requests {
            by_tracker.entry(x.tracker.as_str()).or_default().push(x);
        }
        for tr in &f.trackers {
            // Fields in name order (`Field` is declared so).
            let mut per_field: BTreeMap<Field, FieldSeen> = BTreeMap::new();
            for x in by_tracker.get(tr.tracker.as_str()).into_iter().flatten() {
                for h in &x.fields {
                    let e = per_field.entry(h.field).or_default();
                    e.encodings.insert(h.encoding);
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
            for (field, seen) in per_field {
                let places: Vec<&str> = seen.places.iter().map(|l| l.as_str()).collect();
                let encodings: BTreeSet<String> =
                    seen.encodings.iter().map(|e| e.to_string()).collect();
                out.row(x.key().into_iter().chain([
                    tr.tracker.as_str(),
                    &tr.company,
                    &tr.category,
                    bool_text(tr.is_tracker()),
                    field.as_str(),
                    &join(&encodings),
                    &places.join(";"),
                    seen.example.unwrap_or(""),
                ]))?;
            }
        }
        Ok(())
    }
}
