//! Real captured requests, replayed through the analysis (`make accuracy`'s `--real` part and
//! `tests/real_requests.rs`): each one a request a browser really sent to a tracker, gathered
//! from public recordings (HAR files, load-test scripts recorded from browsers, saved pages,
//! request logs) into `tests/data/real-requests.jsonl` with where it came from and what a
//! person reading it with the vendor's documentation says it is: the product, its account
//! IDs, its events and the canonical fields its documented parameters (or the cookies it sent)
//! carry.
//!
//! Each request is analysed alone, as the only request of a visit of the page it was sent from
//! (its cookies in the visit's jar), the way a crawl analyses it. Scored per request: *named*
//! (the tracker's name is the truth's), *ID* (every ID of the truth reported; requests whose
//! truth has none are not counted), *events* (the events reported are the truth's; likewise),
//! *fields* (each field of the truth reported, over all fields).

use pixelcensus::analyze::{self, RequestFinding};
use pixelcensus::capture::{
    BodyState, Outcome, RawCookie, RawRequest, RawVisit, ResourceType, Step,
};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The issue's targets on real traffic of vendors with no hand-written decoder: named, account
/// ID, events, fields.
pub const TARGETS: [f64; 4] = [0.95, 0.80, 0.80, 0.80];

/// One real request and its truth (one line of the data file).
#[derive(Clone, Debug, Deserialize)]
pub struct RealRequest {
    /// The product as pixelcensus names it (the registrable domain for a vendor no decoder or
    /// entity knows).
    pub vendor: String,
    /// Where the request was found.
    pub source: String,
    /// The page it was sent from, when known.
    pub page: Option<String>,
    /// HTTP method.
    pub method: String,
    /// The URL as sent.
    pub url: String,
    /// Request headers (lower-case names).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Cookies the browser held that the request sent: name, value, domain.
    #[serde(default)]
    pub cookies: Vec<(String, String, String)>,
    /// The body as sent (text).
    pub body: Option<String>,
    /// The account, property or project IDs it names.
    pub ids: Vec<String>,
    /// The events it names.
    pub events: Vec<String>,
    /// The canonical fields its documented parameters or its cookies carry.
    pub fields: Vec<String>,
}

/// Reads the data file: one JSON object per line (blank lines skipped).
pub fn load(text: &str) -> Result<Vec<RealRequest>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// How one request was read against its truth.
#[derive(Clone, Debug)]
pub struct Scored {
    /// The truth's vendor.
    pub vendor: String,
    /// The name pixelcensus gave.
    pub named_as: String,
    /// The decoder that read it (`generic`, or none).
    pub decoder: String,
    /// Named right.
    pub named: bool,
    /// Every truth ID reported (`None`: the truth has none).
    pub id: Option<bool>,
    /// The events are the truth's (`None`: the truth has none).
    pub events: Option<bool>,
    /// Truth fields reported, and all truth fields.
    pub fields: (usize, usize),
    /// What was reported, for the report of misses.
    pub reported: String,
}

/// The request as the browser recorded it, sent from `page`.
fn raw_request(r: &RealRequest, page: Option<&str>) -> RawRequest {
    let mut headers: Vec<(String, String)> = r.headers.clone().into_iter().collect();
    if let Some(p) = page
        && !r.headers.contains_key("referer")
    {
        headers.push(("referer".into(), p.to_string()));
    }
    RawRequest {
        seq: 0,
        request_id: "real".into(),
        url: r.url.clone(),
        method: r.method.clone(),
        resource_type: ResourceType::Other,
        headers,
        body: r.body.as_ref().map(|b| b.as_bytes().to_vec()),
        body_state: if r.body.is_some() {
            BodyState::Complete
        } else {
            BodyState::None
        },
        initiator: "{}".into(),
        frame_id: "F".into(),
        frame_url: page.unwrap_or_default().to_string(),
        is_main_frame: false,
        status: Some(200),
        mime_type: None,
        response_headers: Vec::new(),
        failure: None,
        wall_time: 0.0,
        step: Step::Load,
        page: 0,
        context: Default::default(),
        sw_response: None,
        ended_at: None,
    }
}

/// A visit of the request's page with the request as its only request.
fn visit_of(r: &RealRequest) -> RawVisit {
    let page = r.page.clone();
    let host = page
        .as_deref()
        .and_then(|p| url::Url::parse(p).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "unknown-page.invalid".to_string());
    let domain = pixelcensus::analyze::party::registrable(&host);
    let request = raw_request(r, page.as_deref());
    let cookies = r
        .cookies
        .iter()
        .map(|(name, value, domain)| RawCookie {
            name: name.clone(),
            value: value.clone(),
            domain: domain.clone(),
            path: "/".into(),
            expires: -1.0,
            http_only: false,
            secure: true,
            same_site: None,
            page: 0,
        })
        .collect();
    RawVisit {
        domain: domain.clone(),
        outcome: Outcome::Ok,
        http_status: Some(200),
        start_url: page.clone().unwrap_or_else(|| format!("https://{host}/")),
        final_url: page,
        requests: vec![request],
        cookies,
        canaries: pixelcensus::canary::derive(b"real-requests", &domain),
        ..RawVisit::default()
    }
}

/// Scores one request.
pub fn score(r: &RealRequest) -> Scored {
    let f = analyze::analyze_visit(&visit_of(r), 0);
    let found: Option<&RequestFinding> = f.requests.first();
    let named_as = found.map_or("", |x| x.tracker.as_str()).to_string();
    let ids: BTreeSet<&str> = found
        .map(|x| x.pixel_ids.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let events: BTreeSet<&str> = found
        .map(|x| x.events.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let fields: BTreeSet<&str> = found
        .map(|x| x.fields.iter().map(|h| h.field.as_str()).collect())
        .unwrap_or_default();
    let truth_events: BTreeSet<&str> = r.events.iter().map(String::as_str).collect();
    Scored {
        vendor: r.vendor.clone(),
        decoder: found.and_then(|x| x.decoder).unwrap_or("").to_string(),
        named: named_as == r.vendor,
        named_as,
        id: (!r.ids.is_empty()).then(|| r.ids.iter().all(|i| ids.contains(i.as_str()))),
        events: (!r.events.is_empty()).then(|| events == truth_events),
        fields: (
            r.fields
                .iter()
                .filter(|x| fields.contains(x.as_str()))
                .count(),
            r.fields.len(),
        ),
        reported: format!("ids {ids:?}, events {events:?}, fields {fields:?}"),
    }
}

/// Right out of counted, for one measure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ratio {
    /// Right.
    pub right: usize,
    /// Counted.
    pub of: usize,
}

impl Ratio {
    fn add(&mut self, ok: Option<bool>) {
        if let Some(ok) = ok {
            self.of += 1;
            self.right += ok as usize;
        }
    }

    /// The share (1 when nothing was counted).
    pub fn share(self) -> f64 {
        if self.of == 0 {
            1.0
        } else {
            self.right as f64 / self.of as f64
        }
    }

    fn text(self) -> String {
        if self.of == 0 {
            "—".into()
        } else {
            format!("{}/{}", self.right, self.of)
        }
    }
}

/// The four measures over a set of requests: named, ID, events, fields.
pub fn totals<'a>(scores: impl IntoIterator<Item = &'a Scored>) -> [Ratio; 4] {
    let mut t = [Ratio::default(); 4];
    for s in scores {
        t[0].add(Some(s.named));
        t[1].add(s.id);
        t[2].add(s.events);
        t[3].right += s.fields.0;
        t[3].of += s.fields.1;
    }
    t
}

/// The table `make accuracy` prints: per vendor, then the totals against [`TARGETS`], then
/// every request not read exactly.
pub fn table(scores: &[Scored]) -> String {
    let mut by: BTreeMap<&str, Vec<&Scored>> = BTreeMap::new();
    for s in scores {
        by.entry(s.vendor.as_str()).or_default().push(s);
    }
    let mut out = String::from(
        "| vendor | requests | named | account ID | events | fields |\n|---|---|---|---|---|---|\n",
    );
    for (vendor, list) in &by {
        let t = totals(list.iter().copied());
        out.push_str(&format!(
            "| {vendor} | {} | {} | {} | {} | {} |\n",
            list.len(),
            t[0].text(),
            t[1].text(),
            t[2].text(),
            t[3].text()
        ));
    }
    let t = totals(scores);
    out.push_str(&format!(
        "| **all ({} vendors)** | {} | {} | {} | {} | {} |\n",
        by.len(),
        scores.len(),
        t[0].text(),
        t[1].text(),
        t[2].text(),
        t[3].text()
    ));
    out.push_str("\nshare vs target: ");
    let names = ["named", "account ID", "events", "fields"];
    let parts: Vec<String> = (0..4)
        .map(|i| format!("{} {:.2} (≥ {:.2})", names[i], t[i].share(), TARGETS[i]))
        .collect();
    out.push_str(&parts.join(", "));
    out.push('\n');
    let misses: Vec<&Scored> = scores
        .iter()
        .filter(|s| {
            !s.named || s.id == Some(false) || s.events == Some(false) || s.fields.0 < s.fields.1
        })
        .collect();
    if !misses.is_empty() {
        out.push_str("\nnot read exactly:\n");
        for s in misses {
            out.push_str(&format!(
                "  {} (named {:?} by {:?}): {}\n",
                s.vendor, s.named_as, s.decoder, s.reported
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_scored_against_its_truth() {
        let line = r#"{"vendor":"Meta Pixel","source":"test","page":"https://shop.example/","method":"GET","url":"https://www.facebook.com/tr/?id=1234567890123456&ev=PageView&dl=https%3A%2F%2Fshop.example%2F","body":null,"ids":["1234567890123456"],"events":["PageView"],"fields":["page_url","referrer"]}"#;
        let r = load(line).unwrap();
        let s = score(&r[0]);
        assert!(
            s.named && s.id == Some(true) && s.events == Some(true),
            "{s:?}"
        );
        assert_eq!(s.fields, (1, 2), "no referrer in the request");
        let t = totals([&s]);
        assert_eq!((t[3].right, t[3].of), (1, 2));
        assert!(table(&[s]).contains("| Meta Pixel | 1 | 1/1 | 1/1 | 1/1 | 1/2 |"));
        assert!(load("{not json").is_err());
    }
}
