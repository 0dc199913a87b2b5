//! `consent.csv`: one row per site × consent mode: the banner, the click, the trackers that
//! fired before and after it, and the reject-mode violations.

use super::{Dataset, Site, Spec, bool_text, join};
use crate::analyze::{Findings, SiteTracker};
use crate::capture::{ConsentMode, RawVisit};
use crate::report::parquet::ColType;
use crate::report::{Out, ReportError, cells};
use std::collections::BTreeSet;

/// Column order of `consent.csv`: one row per site and consent mode.
pub const CONSENT_COLUMNS: [&str; 17] = [
    "rank",
    "site",
    "crawl",
    "device",
    "vantage",
    "consent_mode",
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

/// Column types, in [`CONSENT_COLUMNS`]'s order.
const CONSENT_TYPES: [ColType; 17] =
    super::per_site_types![Text, Bool, Text, Bool, Text, Text, Text, Text, Text];

const SPEC: Spec = Spec {
    file: "consent.csv",
    columns: &CONSENT_COLUMNS,
    types: &CONSENT_TYPES,
    parquet: None,
};

pub(super) struct Consent;

/// The trackers of one visit on either side of the consent click.
pub struct ChoiceTrackers<'a> {
    /// Trackers (by category, or because they received typed values) that fired before the
    /// click (or on a visit without one).
    pub before: Vec<&'a SiteTracker>,
    /// Tracking trackers that fired at or after it.
    pub after: Vec<&'a SiteTracker>,
    /// In mode reject: each tracker that fired after the click and the fields it received
    /// then (names, sorted).
    pub violations: Vec<(String, Vec<String>)>,
}

/// Sorts a visit's tracking trackers by the consent click.
pub fn choice_trackers<'a>(v: &RawVisit, f: &'a Findings) -> ChoiceTrackers<'a> {
    let tracking = || f.trackers.iter().filter(|t| t.is_tracker());
    let before = tracking().filter(|t| t.fired_before_choice).collect();
    let after: Vec<&SiteTracker> = tracking().filter(|t| t.fired_after_choice).collect();
    let violations = if v.consent.mode == ConsentMode::Reject {
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
    ChoiceTrackers {
        before,
        after,
        violations,
    }
}

impl Dataset for Consent {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let Some(x) = s.visited() else {
            return Ok(());
        };
        let v = x.v;
        let c = &v.consent;
        let Some(t) = &s.choice else {
            return Ok(());
        };
        let violation_fields: Vec<String> = t
            .violations
            .iter()
            .flat_map(|(t, fs)| fs.iter().map(move |x| format!("{t}={x}")))
            .collect();
        let opt_bool = |b: Option<bool>| b.map(bool_text).unwrap_or("");
        out.row(x.key().into_iter().chain([
            c.cmp.as_deref().unwrap_or(""),
            bool_text(c.banner_found),
            c.action.map(ConsentMode::as_str).unwrap_or(""),
            opt_bool(c.action_ok),
            &c.choice_at.map(cells::unix_time).unwrap_or_default(),
            &join(t.before.iter().map(|t| &t.tracker)),
            &join(t.after.iter().map(|t| &t.tracker)),
            &join(t.violations.iter().map(|(t, _)| t)),
            &violation_fields.join(";"),
        ]))
    }
}
