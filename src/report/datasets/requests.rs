//! `requests.csv`: one row per third-party or pixel request (every request with
//! `--all-requests`): the capture (with how the analysis read its body), then the tracker
//! attribution, then where it was made and over which channel (a WebSocket's `body` is the
//! messages the page sent, one per line).

use super::{Dataset, Site, Spec, bool_text, join, per_site_types};
use crate::analyze::{RequestFinding, fields_text};
use crate::capture::{Direction, RawFrame, ResourceType};
use crate::report::parquet::ColType;
use crate::report::{Out, ReportError, body_text, initiator_text};
use std::collections::BTreeMap;

/// Column order of `requests.csv`: the capture, then the tracker attribution.
pub const REQUESTS_COLUMNS: [&str; 35] = [
    "rank",
    "site",
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "status",
    "url",
    "method",
    "resource_type",
    "http_status",
    "frame_url",
    "is_third_party",
    "body_bytes",
    "body",
    "body_encoding",
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
    "page",
    "context",
    "channel",
    "sw_response",
    "messages_sent",
    "messages_received",
    "endpoint",
];

/// Column types (and of `requests.parquet`), in [`REQUESTS_COLUMNS`]'s order.
const REQUESTS_TYPES: [ColType; 35] = per_site_types![
    Text, Text, Text, Int, Text, Bool, Int, Text, Text, Text, Text, Text, Text, Text, Text, Text,
    Text, Text, Bool, Text, Int, Text, Text, Text, Int, Int, Text
];

const SPEC: Spec = Spec {
    file: "requests.csv",
    columns: &REQUESTS_COLUMNS,
    types: &REQUESTS_TYPES,
    parquet: Some("requests.parquet"),
};

pub(super) struct Requests;

impl Dataset for Requests {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let Some(x) = s.visited() else {
            return Ok(());
        };
        let (v, f) = (x.v, x.f);
        let by_seq: BTreeMap<u32, &RequestFinding> =
            f.requests.iter().map(|x| (x.seq, x)).collect();
        // Per connection: messages sent and received, and what the page sent.
        let messages = message_counts(&v.frames);
        let sent = v.sent_messages();
        let read_as = f
            .body_encoding
            .iter()
            .map(String::as_str)
            .chain(std::iter::repeat(""));
        for ((r, &third_party), body_encoding) in v.requests.iter().zip(&f.third_party).zip(read_as)
        {
            let a = by_seq.get(&r.seq);
            if a.is_none() && !s.opts.all_requests {
                continue;
            }
            let m = messages.get(&r.seq);
            let body = match sent.get(&r.seq) {
                Some(s) if r.resource_type == ResourceType::WebSocket => body_text(Some(s)),
                _ => body_text(r.body.as_deref()),
            };
            let count = |n: Option<u32>| match (r.channel(), n) {
                ("http", _) => String::new(),
                (_, n) => n.unwrap_or(0).to_string(),
            };
            out.row(
                x.key().into_iter().chain([
                    r.url.as_str(),
                    &r.method,
                    r.resource_type.as_str(),
                    &r.status.map(|s| s.to_string()).unwrap_or_default(),
                    &r.frame_url,
                    bool_text(third_party),
                    &r.body
                        .as_ref()
                        .map(|b| b.len().to_string())
                        .unwrap_or_default(),
                    &body,
                    body_encoding,
                    &initiator_text(&r.initiator),
                    a.map(|x| x.tracker.as_str()).unwrap_or(""),
                    a.map(|x| x.company.as_str()).unwrap_or(""),
                    a.map(|x| x.category.as_str()).unwrap_or(""),
                    a.and_then(|x| x.decoder).unwrap_or(""),
                    &a.map(|x| join(&x.pixel_ids)).unwrap_or_default(),
                    &a.map(|x| join(&x.events)).unwrap_or_default(),
                    &a.map(|x| fields_text(&x.fields)).unwrap_or_default(),
                    a.and_then(|x| x.matched_rule.as_deref()).unwrap_or(""),
                    v.consent
                        .after_choice(r.wall_time)
                        .map(bool_text)
                        .unwrap_or(""),
                    r.failure.as_deref().unwrap_or(""),
                    &r.page.to_string(),
                    r.context.as_str(),
                    r.channel(),
                    r.sw_response.as_deref().unwrap_or(""),
                    &count(m.map(|x| x.0)),
                    &count(m.map(|x| x.1)),
                    endpoint(a.copied()),
                ]),
            )?;
        }
        Ok(())
    }
}

/// Messages sent and received per connection (by the request's `seq`).
fn message_counts(frames: &[RawFrame]) -> BTreeMap<u32, (u32, u32)> {
    let mut messages: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for m in frames {
        let e = messages.entry(m.request_seq).or_default();
        match m.direction {
            Direction::Sent => e.0 += 1,
            Direction::Received => e.1 += 1,
        }
    }
    messages
}

/// The `endpoint` cell: whether a decoder knew the request's endpoint.
fn endpoint(a: Option<&RequestFinding>) -> &'static str {
    match a {
        Some(x) if x.unrecognised_endpoint => "unrecognised",
        Some(x) if x.decoder == Some("generic") => "generic",
        Some(x) if x.decoder.is_some() => "known",
        _ => "",
    }
}
