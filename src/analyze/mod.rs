//! Analysis: a visit's raw capture in, findings out. It reads [`crate::capture`] types only
//! and never talks to the browser, so a stored crawl can be re-analysed at any time
//! (`pixelcensus analyze`), and better signatures improve old crawls.
//!
//! Per request: the tracker (by decoder, else by the vendored entity list, else by its
//! registrable domain), pixel IDs, events, and the fields it carries with their encodings:
//! by the vendor's parameter names (decoders), by searching it for the visit's canary values,
//! ID cookies and page URL (leaks). Per site and tracker: loaded/fired, IDs, events, fields,
//! first-party proxy, request count, cookie IDs.

pub mod decoders;
pub mod entities;
pub mod infer;
pub mod leaks;
pub mod origin;
pub mod party;
pub mod records;
pub mod request;
pub mod rules;
pub mod scripts;
pub mod statics;
pub mod unpack;
pub mod vocab;

use crate::capture::RawVisit;
use decoders::Role;
use entities::Entities;
use party::Parties;
use std::collections::{BTreeMap, BTreeSet, HashMap};
pub use vocab::{Encoding, Field, Hosting, Source, TrackerReason};

/// A field a request carried: canonical name, encoding, where.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldHit {
    /// Canonical field.
    pub field: Field,
    /// Encoding (`plain`, `url`, `base64`, `sha256`, …).
    pub encoding: Encoding,
    /// Where in the request.
    pub location: Location,
}

/// Where in a request a field travelled. Declared in name order, so sets of locations list
/// the same way as their names do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// The body.
    Body,
    /// The Cookie header.
    Cookie,
    /// A message the page sent over a WebSocket.
    Frame,
    /// Another request header.
    Header,
    /// The URL's path.
    Path,
    /// The URL's query.
    Query,
}

impl Location {
    /// All locations.
    pub const ALL: [Location; 6] = [
        Location::Body,
        Location::Cookie,
        Location::Frame,
        Location::Header,
        Location::Path,
        Location::Query,
    ];

    /// The name used in the datasets (`where` in tracker_fields.csv).
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Body => "body",
            Location::Cookie => "cookie",
            Location::Frame => "frame",
            Location::Header => "header",
            Location::Path => "path",
            Location::Query => "query",
        }
    }

    /// Parses the name written by [`Location::as_str`].
    pub fn parse(s: &str) -> Option<Location> {
        Location::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// What one request is and carries.
#[derive(Clone, Debug)]
pub struct RequestFinding {
    /// The request's order in its visit.
    pub seq: u32,
    /// The page of the visit it belongs to (0 the front page).
    pub page: u32,
    /// Stable tracker name.
    pub tracker: String,
    /// Owner.
    pub company: String,
    /// Category (third-party-web vocabulary, `unknown` when not listed).
    pub category: String,
    /// The decoder that recognised it, if any.
    pub decoder: Option<&'static str>,
    /// On a host the decoder's vendor owns, at an endpoint the decoder does not know.
    pub unrecognised_endpoint: bool,
    /// Loader or hit (requests without a decoder are hits when they carry anything).
    pub role: Role,
    /// Pixel or account IDs.
    pub pixel_ids: Vec<String>,
    /// Events.
    pub events: Vec<String>,
    /// Fields carried.
    pub fields: BTreeSet<FieldHit>,
    /// ID cookies carried (cookie names).
    pub cookie_ids: BTreeSet<String>,
    /// IDs kept in first-party storage carried (`local:<key>`, `session:<key>`).
    pub storage_ids: BTreeSet<String>,
    /// A decoded pixel sent to a first-party host (server-side tagging).
    pub first_party_proxy: bool,
    /// True when the request is third-party.
    pub third_party: bool,
    /// The `--rules` filter rule that matched it, if any.
    pub matched_rule: Option<String>,
    /// Sent at or after the visitor's consent click (`None`: no click on this visit).
    pub after_choice: Option<bool>,
    /// Where it was made (the page or a worker).
    pub context: crate::capture::Context,
    /// The channel: `http`, `websocket` or `eventsource`.
    pub channel: &'static str,
    /// Where its collector sits: the vendor's own host, the site's, or neither.
    pub hosting: Hosting,
    /// Where its pixel IDs came from (`None` when it carries none).
    pub id_source: Option<Source>,
    /// Where its events came from (`None` when it names none).
    pub event_source: Option<Source>,
    /// Pixel IDs were also inferred (beside the ones of `id_source`).
    pub also_inferred: bool,
}

/// One tracker on one site.
#[derive(Clone, Debug, Default)]
pub struct SiteTracker {
    /// Stable tracker name.
    pub tracker: String,
    /// Owner.
    pub company: String,
    /// Category.
    pub category: String,
    /// Its script, config or any request reached the page.
    pub loaded: bool,
    /// A hit that sends data was made.
    pub fired: bool,
    /// Pixel or account IDs seen.
    pub pixel_ids: BTreeSet<String>,
    /// Events seen.
    pub events: BTreeSet<String>,
    /// Fields received, with encoding and location.
    pub fields: BTreeSet<FieldHit>,
    /// Requests to it.
    pub requests: u32,
    /// Reached through the site's own host (server-side tagging).
    pub first_party_proxy: bool,
    /// ID cookies it received (names).
    pub cookie_ids: BTreeSet<String>,
    /// IDs kept in first-party storage it received (`local:<key>`, `session:<key>`).
    pub storage_ids: BTreeSet<String>,
    /// A hit was sent before the consent click (or on a visit without one).
    pub fired_before_choice: bool,
    /// A hit was sent at or after the consent click.
    pub fired_after_choice: bool,
    /// Fields received in hits sent at or after the consent click.
    pub fields_after_choice: BTreeSet<FieldHit>,
    /// The pages of the visit it was seen on (0 the front page).
    pub pages: BTreeSet<u32>,
    /// Where its requests were made (page, service_worker, shared_worker, worker).
    pub contexts: BTreeSet<crate::capture::Context>,
    /// The channels that carried them (http, websocket, eventsource).
    pub channels: BTreeSet<&'static str>,
    /// Where its hits went (its other requests' when it sent none): vendor, first_party,
    /// self_hosted.
    pub hosting: BTreeSet<Hosting>,
    /// Where its pixel IDs came from (decoder, spec, generic).
    pub id_sources: BTreeSet<Source>,
    /// Where its events came from (decoder, spec, generic).
    pub event_sources: BTreeSet<Source>,
    /// Who loaded it ([`origin`]): `direct`, `tag_manager:<container>`,
    /// `other_vendor:<tracker>`; empty when its chain could not be followed to the page.
    pub loaded_via: String,
    /// The chain from the site to its first request (`site → host/path → …`).
    pub load_chain: String,
}

impl SiteTracker {
    /// Fields as `field:encoding` tokens separated by `;` (sorted, unique).
    pub fn fields_text(&self) -> String {
        fields_text(&self.fields)
    }

    /// Why it counts as a tracker ([`TrackerReason`]'s rule), `None` when it does not.
    pub fn tracker_reason(&self) -> Option<TrackerReason> {
        if entities::TRACKING_CATEGORIES.contains(&self.category.as_str()) {
            Some(TrackerReason::Category)
        } else if self
            .fields
            .iter()
            .any(|x| PRE_SUBMIT_FIELDS.contains(&x.field) || x.field == Field::SearchQuery)
        {
            Some(TrackerReason::VisitorData)
        } else if !self.cookie_ids.is_empty() {
            Some(TrackerReason::CookieId)
        } else if !self.storage_ids.is_empty() {
            Some(TrackerReason::StorageId)
        } else {
            None
        }
    }

    /// It counts as a tracker (by category, or by what it received: [`TrackerReason`]).
    /// Prevalence, the per-site counts and consent violations all follow this one rule.
    pub fn is_tracker(&self) -> bool {
        self.tracker_reason().is_some()
    }

    /// It received a typed value before any form was submitted ([`PRE_SUBMIT_FIELDS`]).
    pub fn pre_submit_capture(&self) -> bool {
        self.fields
            .iter()
            .any(|x| PRE_SUBMIT_FIELDS.contains(&x.field))
    }
}

/// Field hits as `field:encoding` tokens separated by `;` (sorted, unique).
pub fn fields_text(fields: &BTreeSet<FieldHit>) -> String {
    let tokens: BTreeSet<String> = fields
        .iter()
        .map(|f| format!("{}:{}", f.field, f.encoding))
        .collect();
    tokens.into_iter().collect::<Vec<_>>().join(";")
}

/// The findings of one visit.
#[derive(Clone, Debug)]
pub struct Findings {
    /// The listed site.
    pub site: String,
    /// Its rank.
    pub rank: u64,
    /// Per request (only requests that are third-party or decoded).
    pub requests: Vec<RequestFinding>,
    /// Per request of the visit, in its order: sent to a third party (every request, found
    /// or not, so the datasets never decide it again).
    pub third_party: Vec<bool>,
    /// Per request of the visit, in its order: how its body was read (`gzip`,
    /// `multipart+deflate`, …: [`request::RequestView::body_encoding`]), empty for a plain
    /// body or none.
    pub body_encoding: Vec<String>,
    /// Per tracker, sorted by name.
    pub trackers: Vec<SiteTracker>,
    /// What the page's scripts did: fingerprinting, listeners, session recorders.
    pub scripts: scripts::ScriptFindings,
}

/// Fields that mean a typed value left before any form was submitted (pixelcensus submits
/// no form but a search): the e-mail and phone, plain or hashed, and the other typed text.
pub const PRE_SUBMIT_FIELDS: [Field; 5] = [
    Field::PlainEmail,
    Field::HashedEmail,
    Field::PlainPhone,
    Field::HashedPhone,
    Field::TypedText,
];

/// The analysis context: data loaded once per run and shared by every thread.
#[derive(Default)]
pub struct Analyzer {
    rules: Option<rules::Rules>,
}

impl Analyzer {
    /// An analyzer with optional user filter lists.
    pub fn new(rules: Option<rules::Rules>) -> Analyzer {
        Analyzer { rules }
    }

    /// Analyses one visit.
    pub fn visit(&self, v: &RawVisit, rank: u64) -> Findings {
        analyze_visit_with(v, rank, self.rules.as_ref(), &infer::Inferred::default())
    }

    /// Analyses visits in parallel across visits (rayon), keeping their order, with the
    /// parameter roles `inferred` over their crawl.
    pub fn visits_inferred(
        &self,
        visits: &[(u64, RawVisit)],
        inferred: &infer::Inferred,
    ) -> Vec<Findings> {
        use rayon::prelude::*;
        visits
            .par_iter()
            .map(|(rank, v)| analyze_visit_with(v, *rank, self.rules.as_ref(), inferred))
            .collect()
    }

    /// Analyses visits in parallel across visits (rayon), keeping their order.
    pub fn visits(&self, visits: &[(u64, RawVisit)]) -> Vec<Findings> {
        use rayon::prelude::*;
        visits
            .par_iter()
            .map(|(rank, v)| self.visit(v, *rank))
            .collect()
    }
}

/// Analyses one visit without filter lists.
pub fn analyze_visit(v: &RawVisit, rank: u64) -> Findings {
    analyze_visit_with(v, rank, None, &infer::Inferred::default())
}

/// Analyses one visit with the parameter roles learned across its crawl ([`infer`]).
pub fn analyze_visit_inferred(v: &RawVisit, rank: u64, inferred: &infer::Inferred) -> Findings {
    analyze_visit_with(v, rank, None, inferred)
}

fn analyze_visit_with(
    v: &RawVisit,
    rank: u64,
    rules: Option<&rules::Rules>,
    inferred: &infer::Inferred,
) -> Findings {
    let parties = Parties::new(&v.domain, v.final_url.as_deref());
    let cx = VisitReaders {
        entities: Entities::get(),
        matcher: visit_matcher(v, &parties),
        rules,
        inferred,
    };

    // Each request is taken apart once (host, registrable domain, party, body) and that view
    // is handed to the decoders, the filter rules, canary matching and the datasets' party.
    let mut third_party: Vec<bool> = Vec::with_capacity(v.requests.len());
    let mut body_encoding: Vec<String> = Vec::with_capacity(v.requests.len());
    let mut pages: HashMap<&str, rules::Page> = HashMap::new();
    let mut requests = Vec::new();
    // What each WebSocket carried from the page: its sent messages, one per line, read like
    // a request body (and reported as `frame`).
    let mut socket_bodies = v.sent_messages();
    for orig in &v.requests {
        let with_frames;
        let (r, socket) = match socket_bodies.remove(&orig.seq) {
            Some(b) if orig.resource_type == crate::capture::ResourceType::WebSocket => {
                with_frames = crate::capture::RawRequest {
                    body: Some(b),
                    body_state: crate::capture::BodyState::Complete,
                    ..orig.clone()
                };
                (&with_frames, true)
            }
            _ => (orig, false),
        };
        let view = request::RequestView::new(r, &parties);
        third_party.push(view.as_ref().is_some_and(|w| w.third_party));
        body_encoding.push(
            view.as_ref()
                .map(|w| w.body_encoding.clone())
                .unwrap_or_default(),
        );
        // A request never sent, or one a service worker answered (what the worker sent on
        // is its own request), carried nothing to a server.
        let Some(view) = view.filter(|_| r.reached_server()) else {
            continue;
        };
        if let Some(f) = request_finding(&cx, v, orig, &view, socket, &mut pages) {
            requests.push(f);
        }
    }

    let mut trackers = site_trackers(&requests);
    origin::attach(v, &requests, &mut trackers);
    Findings {
        site: v.domain.clone(),
        rank,
        requests,
        third_party,
        body_encoding,
        trackers,
        scripts: scripts::analyze(v, &parties, cx.entities),
    }
}

/// What a visit's requests are read with: the entity list, the visit's value matcher, the
/// filter rules and the parameter roles learned across the crawl.
struct VisitReaders<'a> {
    entities: &'a Entities,
    matcher: leaks::Matcher,
    rules: Option<&'a rules::Rules>,
    inferred: &'a infer::Inferred,
}

/// One request that reached a server, read: `None` when it is first party and neither a
/// decoder nor a filter rule knows it. `socket`: a WebSocket read with its sent messages.
fn request_finding<'v>(
    cx: &VisitReaders<'_>,
    v: &'v RawVisit,
    orig: &'v crate::capture::RawRequest,
    view: &request::RequestView,
    socket: bool,
    pages: &mut HashMap<&'v str, rules::Page>,
) -> Option<RequestFinding> {
    let (r, third) = (view.raw, view.third_party);
    let decoded = decoders::decode(view);
    let matched_rule = cx.rules.and_then(|x| {
        let page = page_of(v, orig);
        let page = pages
            .entry(page)
            .or_insert_with(|| rules::Page::parse(page));
        x.matched(view, page)
    });
    if !third && decoded.is_none() && matched_rule.is_none() {
        return None;
    }
    let base = Base {
        r,
        third,
        matched_rule,
        after_choice: v.consent.after_choice(r.wall_time),
    };
    let mut f = match decoded {
        Some((name, d)) => decoded_finding(base, view, name, d),
        None => entity_finding(base, view, cx.entities),
    };
    apply_leaks(&mut f, cx.matcher.find(view), socket);
    // A request no decoder endpoint knows: its ID- and event-shaped parameters (the
    // generic reader), and a hit when it carries something of the visitor or an event.
    if f.decoder.is_none() || f.unrecognised_endpoint {
        apply_generic(&mut f, view);
        // Account parameters learned across the crawl, for endpoints no decoder knows.
        if !f.unrecognised_endpoint && third && !cx.inferred.is_empty() {
            apply_inferred(&mut f, view, cx.inferred);
        }
    }
    Some(f)
}

/// The visit's value matcher: its canaries, its identifier cookies and storage items, its page
/// URLs and what its pages' scripts could read, searched for by value in every request (one
/// automaton for all of them).
fn visit_matcher(v: &RawVisit, parties: &Parties) -> leaks::Matcher {
    let is_id_cookie = |c: &crate::capture::RawCookie, values: &[String]| {
        parties.is_third_party_host(c.domain.trim_start_matches('.'))
            || leaks::is_visitor_id(c, values, decoders::is_id_cookie)
    };
    // The visit's page URLs in the order the visitor saw them (an earlier page's URL sent
    // from a later page is where the visitor came from: its referrer).
    let mut urls: Vec<&str> = Vec::new();
    for u in v
        .requests
        .iter()
        .filter(|r| r.is_main_frame)
        .map(|r| r.url.as_str())
        .chain(v.final_url.as_deref())
        .chain(v.pages.iter().filter_map(|p| p.final_url.as_deref()))
        .filter(|p| p.len() > 10)
    {
        if !urls.contains(&u) {
            urls.push(u);
        }
    }
    let page_values = leaks::PageValues {
        urls,
        envs: v.pages.iter().filter_map(|p| p.env.as_ref()).collect(),
        storage: v.storage.iter().collect(),
    };
    leaks::Matcher::with_pages(&v.canaries, &v.cookies, is_id_cookie, &page_values)
}

/// The page a request was made from: its frame, except where Chromium names the request
/// itself as its document (CORS preflights) or none.
fn page_of<'v>(v: &'v RawVisit, r: &'v crate::capture::RawRequest) -> &'v str {
    if r.frame_url.is_empty()
        || (r.resource_type != crate::capture::ResourceType::Document && r.frame_url == r.url)
    {
        v.final_url.as_deref().unwrap_or(&v.start_url)
    } else {
        &r.frame_url
    }
}

/// What every finding of a request starts from.
struct Base<'r> {
    r: &'r crate::capture::RawRequest,
    third: bool,
    matched_rule: Option<String>,
    after_choice: Option<bool>,
}

impl Base<'_> {
    /// A finding of this request for `tracker` with nothing read yet.
    fn finding(self, tracker: String, company: String, category: String) -> RequestFinding {
        RequestFinding {
            seq: self.r.seq,
            page: self.r.page,
            tracker,
            company,
            category,
            decoder: None,
            unrecognised_endpoint: false,
            role: Role::Loader,
            pixel_ids: Vec::new(),
            events: Vec::new(),
            fields: BTreeSet::new(),
            cookie_ids: BTreeSet::new(),
            storage_ids: BTreeSet::new(),
            first_party_proxy: false,
            third_party: self.third,
            matched_rule: self.matched_rule,
            after_choice: self.after_choice,
            context: self.r.context,
            channel: self.r.channel(),
            hosting: if self.third {
                Hosting::Vendor
            } else {
                Hosting::FirstParty
            },
            id_source: None,
            event_source: None,
            also_inferred: false,
        }
    }
}

/// A request a decoder recognised: its product, IDs, events and fields, and where its collector
/// sits (the vendor's host, the site's, or a third one: self-hosted).
fn decoded_finding(
    base: Base<'_>,
    view: &request::RequestView,
    name: &'static str,
    d: decoders::Decoded,
) -> RequestFinding {
    let third = base.third;
    let decoder = decoders::find(name);
    let source = decoder.map_or(Source::Decoder, |x| x.source());
    let mut f = base.finding(
        d.tracker.to_string(),
        d.company.to_string(),
        d.category.to_string(),
    );
    f.hosting = match decoder {
        _ if !third => Hosting::FirstParty,
        Some(x) if x.is_vendor_host(&view.host) => Hosting::Vendor,
        _ if Entities::get()
            .lookup(&view.host)
            .is_some_and(|e| e.owner() == d.company) =>
        {
            Hosting::Vendor
        }
        _ => Hosting::SelfHosted,
    };
    f.decoder = Some(name);
    f.unrecognised_endpoint = d.unrecognised;
    f.role = d.role;
    f.id_source = (!d.pixel_ids.is_empty()).then_some(source);
    f.event_source = (!d.events.is_empty()).then_some(source);
    f.pixel_ids = d.pixel_ids;
    f.events = d.events;
    f.fields = d
        .fields
        .into_iter()
        .map(|x| FieldHit {
            field: x.name,
            encoding: x.encoding,
            location: x.location,
        })
        .collect();
    f.first_party_proxy = !third;
    f
}

/// A request no decoder knows: named by the entity list, else by its registrable domain.
fn entity_finding(
    base: Base<'_>,
    view: &request::RequestView,
    entities: &Entities,
) -> RequestFinding {
    let (tracker, company, category) = match entities.lookup(&view.host) {
        Some(e) => (e.name.clone(), e.owner().to_string(), e.category.clone()),
        None => (view.site.clone(), view.site.clone(), "unknown".to_string()),
    };
    base.finding(tracker, company, category)
}

/// What the value matcher found in a request: its fields, and the cookies and storage items
/// whose IDs it carried (a WebSocket's body reported as its frames).
fn apply_leaks(f: &mut RequestFinding, leaks: BTreeSet<leaks::Leak>, socket: bool) {
    for l in leaks {
        match (l.field, &l.detail) {
            (Field::CookieId, Some(name)) => {
                f.cookie_ids.insert(name.clone());
            }
            (Field::StorageId, Some(key)) => {
                f.storage_ids.insert(key.clone());
            }
            _ => {}
        }
        f.fields.insert(FieldHit {
            field: l.field,
            encoding: l.encoding,
            location: match l.location {
                Location::Body if socket => Location::Frame,
                other => other,
            },
        });
    }
}

/// The generic reader's IDs and events for a request no decoder endpoint knows; a hit when it
/// carries something of the visitor or an event.
fn apply_generic(f: &mut RequestFinding, view: &request::RequestView) {
    if let Some((ids, events)) = decoders::generic(view) {
        f.decoder = f.decoder.or(Some("generic"));
        for i in ids {
            if !f.pixel_ids.contains(&i) {
                f.pixel_ids.push(i);
                f.id_source = f.id_source.or(Some(Source::Generic));
            }
        }
        for e in events {
            if !f.events.contains(&e) {
                f.events.push(e);
                f.event_source = f.event_source.or(Some(Source::Generic));
            }
        }
    }
    if !f.fields.is_empty() || !f.events.is_empty() {
        f.role = Role::Hit;
    }
}

/// The account IDs the crawl-wide pass learned for this endpoint's parameters
/// ([`infer::Inferred::account_ids`]), where the generic reader did not give them already.
fn apply_inferred(f: &mut RequestFinding, view: &request::RequestView, inferred: &infer::Inferred) {
    for i in inferred.account_ids(&view.site, &view.query) {
        if !f.pixel_ids.contains(&i) {
            f.pixel_ids.push(i);
            f.decoder = f.decoder.or(Some("generic"));
            f.id_source = match f.id_source {
                None | Some(Source::Inferred) => Some(Source::Inferred),
                Some(other) => {
                    f.also_inferred = true;
                    Some(other)
                }
            };
        }
    }
}

/// The requests' findings per tracker, sorted by name.
fn site_trackers(requests: &[RequestFinding]) -> Vec<SiteTracker> {
    let mut by: BTreeMap<String, SiteTracker> = BTreeMap::new();
    let mut hit_hosting: BTreeMap<String, BTreeSet<Hosting>> = BTreeMap::new();
    for f in requests {
        let t = by.entry(f.tracker.clone()).or_insert_with(|| SiteTracker {
            tracker: f.tracker.clone(),
            company: f.company.clone(),
            category: f.category.clone(),
            ..Default::default()
        });
        t.loaded = true;
        if f.role == Role::Hit {
            t.fired = true;
            hit_hosting
                .entry(f.tracker.clone())
                .or_default()
                .insert(f.hosting);
            if f.after_choice == Some(true) {
                t.fired_after_choice = true;
                t.fields_after_choice.extend(f.fields.iter().cloned());
            } else {
                t.fired_before_choice = true;
            }
        }
        t.pixel_ids.extend(f.pixel_ids.iter().cloned());
        t.events.extend(f.events.iter().cloned());
        t.fields.extend(f.fields.iter().cloned());
        t.cookie_ids.extend(f.cookie_ids.iter().cloned());
        t.storage_ids.extend(f.storage_ids.iter().cloned());
        t.first_party_proxy |= f.first_party_proxy;
        t.requests += 1;
        t.pages.insert(f.page);
        t.contexts.insert(f.context);
        t.channels.insert(f.channel);
        t.hosting.insert(f.hosting);
        t.id_sources.extend(f.id_source);
        if f.also_inferred {
            t.id_sources.insert(Source::Inferred);
        }
        t.event_sources.extend(f.event_source);
    }
    for (name, hosting) in hit_hosting {
        if let Some(t) = by.get_mut(&name) {
            t.hosting = hosting;
        }
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{ConsentMode, ConsentRecord, Outcome, RawRequest};
    use decoders::testutil::req;

    fn at(mut r: RawRequest, seq: u32, wall_time: f64) -> RawRequest {
        r.seq = seq;
        r.wall_time = wall_time;
        r
    }

    /// A visit of shop.example: a TikTok page view at t=10, the visitor rejects at t=20, a
    /// TikTok event with the hashed e-mail at t=30, and a Meta page view at t=40.
    fn visit(choice_at: Option<f64>) -> RawVisit {
        let canaries = crate::canary::derive(b"k", "shop.example");
        let hashed = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            canaries.email.as_bytes(),
        ));
        RawVisit {
            domain: "shop.example".into(),
            outcome: Outcome::Ok,
            http_status: Some(200),
            start_url: "https://shop.example/".into(),
            final_url: Some("https://shop.example/".into()),
            requests: vec![
                at(
                    req(
                        "POST",
                        "https://analytics.tiktok.com/api/v2/pixel",
                        Some(
                            r#"{"event":"Pageview","context":{"pixel":{"code":"CDEMOTT0PIXEL0000001"},"page":{"url":"https://shop.example/"}}}"#,
                        ),
                        Some("application/json"),
                    ),
                    0,
                    10.0,
                ),
                at(
                    req(
                        "POST",
                        "https://analytics.tiktok.com/api/v2/pixel",
                        Some(&format!(
                            r#"{{"event":"InputChange","context":{{"pixel":{{"code":"CDEMOTT0PIXEL0000001"}},"user":{{"email":"{hashed}"}}}}}}"#
                        )),
                        Some("application/json"),
                    ),
                    1,
                    30.0,
                ),
                at(
                    req(
                        "GET",
                        "https://www.facebook.com/tr/?id=1234567890123456&ev=PageView&dl=https%3A%2F%2Fshop.example%2F",
                        None,
                        None,
                    ),
                    2,
                    40.0,
                ),
            ],
            canaries,
            consent: ConsentRecord {
                mode: ConsentMode::Reject,
                choice_at,
                ..Default::default()
            },
            ..RawVisit::default()
        }
    }

    /// A request on a host a decoder's vendor owns, at an endpoint the decoder does not know,
    /// is that tag (one tracker, not a second one from the entity list), and a hit when it
    /// carries something of the visitor.
    #[test]
    fn an_unknown_endpoint_of_a_known_tag_is_the_same_tracker() {
        let mut v = visit(None);
        let url = format!(
            "https://bat.bing.com/pc-new-endpoint?e={}",
            v.canaries.email
        );
        v.requests = vec![
            at(
                req(
                    "GET",
                    "https://bat.bing.com/action/0?ti=5123456&evt=pageLoad",
                    None,
                    None,
                ),
                0,
                1.0,
            ),
            at(req("GET", &url, None, None), 1, 2.0),
        ];
        let f = analyze_visit(&v, 1);
        let names: Vec<_> = f.trackers.iter().map(|t| t.tracker.as_str()).collect();
        assert_eq!(names, ["Microsoft UET"]);
        let r = &f.requests[1];
        assert!(r.unrecognised_endpoint && r.role == Role::Hit);
        assert!(r.fields.iter().any(|x| x.field == Field::PlainEmail));
        assert!(!f.requests[0].unrecognised_endpoint);
    }

    /// What a page sends over a WebSocket is read like a body and reported as `frame`; what
    /// a service worker sends is its own tracker request; a page request the worker
    /// answered reached no server and counts for nothing.
    #[test]
    fn socket_messages_and_worker_requests_are_read_like_requests() {
        use crate::capture::{Context, Direction, RawFrame, ResourceType};
        let mut v = visit(None);
        let email = v.canaries.email.clone();
        let mut ws = req(
            "GET",
            "wss://rec.example/v1/ws?site=shop.example",
            None,
            None,
        );
        ws.resource_type = ResourceType::WebSocket;
        ws.status = Some(101);
        let mut sw = req(
            "POST",
            "https://sw-only.example/v1/hit",
            Some(&format!("e={email}")),
            None,
        );
        sw.context = Context::ServiceWorker;
        let mut answered = req(
            "GET",
            &format!("https://answered.example/c?e={email}"),
            None,
            None,
        );
        answered.sw_response = Some("cache-storage".into());
        v.requests = vec![at(ws, 0, 1.0), at(sw, 1, 2.0), at(answered, 2, 3.0)];
        let frame = |seq, direction, payload: String| RawFrame {
            request_seq: 0,
            seq,
            direction,
            wall_time: 1.5,
            opcode: 1,
            size: payload.len() as u64,
            payload: payload.into_bytes(),
            truncated: false,
            event: None,
        };
        v.frames = vec![
            frame(
                0,
                Direction::Received,
                format!("{{\"echo\":\"{}\"}}", v.canaries.phone),
            ),
            frame(1, Direction::Sent, r#"{"t":"open"}"#.into()),
            frame(
                2,
                Direction::Sent,
                format!(r#"{{"t":"input","value":"{email}"}}"#),
            ),
        ];
        let f = analyze_visit(&v, 1);
        let names: Vec<_> = f.trackers.iter().map(|t| t.tracker.as_str()).collect();
        assert_eq!(
            names,
            ["rec.example", "sw-only.example"],
            "the answered request counts for nothing"
        );
        let rec = &f.trackers[0];
        let fields: Vec<_> = rec.fields.iter().map(|x| (x.field, x.location)).collect();
        assert_eq!(
            fields,
            [(Field::PlainEmail, Location::Frame)],
            "received messages are not what it receives"
        );
        assert!(rec.fired && rec.channels.contains("websocket"));
        let sw = &f.trackers[1];
        assert!(sw.contexts.contains(&Context::ServiceWorker));
        assert!(
            sw.fields
                .iter()
                .any(|x| x.field == Field::PlainEmail && x.location == Location::Body)
        );
    }

    /// A site whose only analytics is PostHog, which gzips its batches (as posthog-js does:
    /// `text/plain`, no `Content-Encoding`): the e-mail inside is found, PostHog fired, is named
    /// with its project and event, and the request says how its body was read.
    #[test]
    fn a_compressed_body_is_read_like_a_plain_one() {
        use std::io::Write;
        let mut v = visit(None);
        let batch = format!(
            r#"{{"api_key":"phc_x","batch":[{{"event":"$identify","properties":{{"$current_url":"https://shop.example/"}},"$set":{{"email":"{}"}}}}],"sent_at":"2026-12-06T10:15:02.120Z"}}"#,
            v.canaries.email
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(batch.as_bytes()).unwrap();
        let mut r = req(
            "POST",
            "https://us.i.posthog.com/e/?ip=0&_=1765016102120&ver=1.449.2",
            None,
            Some("text/plain"),
        );
        r.body = Some(gz.finish().unwrap());
        r.body_state = crate::capture::BodyState::Complete;
        v.requests = vec![r];
        let f = analyze_visit(&v, 1);
        assert_eq!(f.body_encoding, ["gzip"]);
        let posthog = &f.trackers[0];
        assert_eq!(
            posthog.tracker, "PostHog",
            "named by its decoder, not as posthog.com"
        );
        assert!(posthog.fired && posthog.is_tracker(), "{posthog:?}");
        assert_eq!(posthog.events, BTreeSet::from(["$identify".to_string()]));
        assert_eq!(posthog.pixel_ids, BTreeSet::from(["phc_x".to_string()]));
        assert!(
            posthog
                .fields
                .iter()
                .any(|x| x.field == Field::PlainEmail && x.location == Location::Body)
        );
    }

    /// Requests of collectors hosted every way, for `hosting_and_sources`.
    const HOSTED: [(&str, &str, Option<&str>); 6] = [
        (
            "GET",
            "https://collector.shop.example/i?e=pv&tv=js-3.24.0&aid=shop&url=https%3A%2F%2Fshop.example%2F",
            None,
        ),
        (
            "GET",
            "https://stats.owner-analytics.example/matomo.php?idsite=3&rec=1&url=https%3A%2F%2Fshop.example%2F",
            None,
        ),
        (
            "GET",
            "https://shopco.sc.omtrdc.net/b/ss/shopco-prod/1/JS-2.22.0/s1?AQB=1&g=https%3A%2F%2Fshop.example%2F&AQE=1",
            None,
        ),
        (
            "GET",
            "https://www.facebook.com/tr/?id=1234567890123456&ev=PageView",
            None,
        ),
        (
            "GET",
            "https://px.unknown-metrics.example/c?e=pv&site_id=UM-77",
            None,
        ),
        (
            "POST",
            "https://px.unknown-metrics.example/b",
            Some(r#"{"batch":[{"type":"track","n":1},{"type":"identify"}]}"#),
        ),
    ];

    /// Where each collector sits and where each tracker's IDs and events came from: a
    /// Snowplow collector on the site's own subdomain (first party, by its spec), a Matomo of
    /// the site owner's on another domain (self-hosted), Adobe Analytics at Adobe (vendor), the
    /// Meta Pixel (a decoder of code), and a vendor nothing knows whose IDs and events the
    /// generic reader takes from event-shaped parameters and a batch body.
    #[test]
    fn hosting_and_sources() {
        let mut v = visit(None);
        v.requests = HOSTED
            .iter()
            .enumerate()
            .map(|(i, (m, u, b))| at(req(m, u, *b, Some("application/json")), i as u32, 1.0))
            .collect();
        let f = analyze_visit(&v, 1);
        let by: BTreeMap<&str, &SiteTracker> =
            f.trackers.iter().map(|t| (t.tracker.as_str(), t)).collect();
        let words = |t: &str| {
            let t = by[t];
            (
                t.hosting.iter().map(|h| h.as_str()).collect::<Vec<_>>(),
                t.id_sources.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
                t.event_sources
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            words("Snowplow"),
            (vec!["first_party"], vec!["spec"], vec!["spec"])
        );
        assert_eq!(
            words("Matomo"),
            (vec!["self_hosted"], vec!["spec"], vec!["spec"])
        );
        assert_eq!(
            words("Adobe Analytics"),
            (vec!["vendor"], vec!["spec"], vec!["spec"])
        );
        assert_eq!(
            words("Meta Pixel"),
            (vec!["vendor"], vec!["decoder"], vec!["decoder"])
        );
        let unknown = by["unknown-metrics.example"];
        assert_eq!(
            words("unknown-metrics.example"),
            (vec!["vendor"], vec!["generic"], vec!["generic"])
        );
        assert_eq!(unknown.pixel_ids, BTreeSet::from(["UM-77".to_string()]));
        assert_eq!(
            unknown.events,
            BTreeSet::from([
                "pv".to_string(),
                "track".to_string(),
                "identify".to_string()
            ])
        );
    }

    /// The account parameter the crawl-wide pass learned gives a pixel ID with `id_source =
    /// inferred` on an endpoint no decoder knows, and only there (a decoded request with a
    /// parameter of the same name is its decoder's).
    #[test]
    fn inferred_account_ids_for_unknown_endpoints() {
        let mut l = infer::Learner::new();
        for (site, k) in [("a.example", "tb-1234"), ("b.example", "tb-5678")] {
            for page in 0..2 {
                let u = format!("https://px.tailbeam.example/t?k={k}&pv=p{page}x9{site}");
                l.request(site, 1, page, &u);
            }
        }
        let t = l.finish();
        let mut v = visit(None);
        v.requests = vec![
            at(
                req(
                    "GET",
                    "https://px.tailbeam.example/t?k=tb-9999&pv=zz12",
                    None,
                    None,
                ),
                0,
                1.0,
            ),
            at(
                req(
                    "GET",
                    "https://www.facebook.com/tr/?id=1234567890123456&ev=PageView&k=tb-9999",
                    None,
                    None,
                ),
                1,
                1.0,
            ),
        ];
        let f = analyze_visit_inferred(&v, 1, &t);
        let by: BTreeMap<&str, &SiteTracker> =
            f.trackers.iter().map(|t| (t.tracker.as_str(), t)).collect();
        let tb = by["tailbeam.example"];
        assert_eq!(tb.pixel_ids, BTreeSet::from(["tb-9999".to_string()]));
        assert_eq!(tb.id_sources, BTreeSet::from([Source::Inferred]));
        let meta = by["Meta Pixel"];
        assert_eq!(meta.id_sources, BTreeSet::from([Source::Decoder]));
        assert!(!meta.pixel_ids.contains("tb-9999"));
        // Without the first pass, nothing is inferred.
        let plain = analyze_visit(&v, 1);
        assert!(
            plain
                .trackers
                .iter()
                .all(|t| t.id_sources.is_empty() || !t.id_sources.contains(&Source::Inferred))
        );
    }

    #[test]
    fn hits_are_split_at_the_consent_click() {
        let f = analyze_visit(&visit(Some(20.0)), 1);
        let tiktok = f
            .trackers
            .iter()
            .find(|t| t.tracker == "TikTok Pixel")
            .unwrap();
        assert!(tiktok.fired_before_choice && tiktok.fired_after_choice);
        let after: BTreeSet<&str> = tiktok
            .fields_after_choice
            .iter()
            .map(|h| h.field.as_str())
            .collect();
        assert!(after.contains("hashed_email"), "{after:?}");
        assert!(
            !after.contains("page_url"),
            "the page URL went before the click: {after:?}"
        );
        let meta = f
            .trackers
            .iter()
            .find(|t| t.tracker == "Meta Pixel")
            .unwrap();
        assert!(!meta.fired_before_choice && meta.fired_after_choice);
        let flags: Vec<Option<bool>> = f.requests.iter().map(|r| r.after_choice).collect();
        assert_eq!(flags, vec![Some(false), Some(true), Some(true)]);
    }

    #[test]
    fn without_a_click_every_hit_is_before_the_choice() {
        let f = analyze_visit(&visit(None), 1);
        for t in &f.trackers {
            assert!(
                t.fired_before_choice && !t.fired_after_choice,
                "{}",
                t.tracker
            );
            assert!(t.fields_after_choice.is_empty());
        }
        assert!(f.requests.iter().all(|r| r.after_choice.is_none()));
    }

    /// The counting rule: a tracking category; else a typed value received (plain or
    /// hashed) or the search term; else a cookie ID; the page URL alone, or nothing, makes a
    /// third party no tracker. The generic reader names an unknown vendor's ID and event.
    #[test]
    fn who_counts_as_a_tracker_and_why() {
        let mut v = visit(None);
        v.cookies = vec![decoders::testutil::cookie(
            "_nvm_uid",
            "nv8k2j4h5g1732840000000",
        )];
        let email = v.canaries.email.clone();
        let mut requests = vec![v.requests[2].clone()];
        for url in [
            "https://cdn.example/lib.js".to_string(),
            "https://widget.example/embed?u=https%3A%2F%2Fshop.example%2F".to_string(),
            "https://ids.example/sync?v=nv8k2j4h5g1732840000000".to_string(),
            format!("https://nv.example/v3/b?pid=NV-4411&ev=signup&e={email}"),
        ] {
            requests.push(req("GET", &url, None, None));
        }
        for (i, r) in requests.iter_mut().enumerate() {
            r.seq = i as u32;
        }
        v.requests = requests;
        let f = analyze_visit(&v, 1);
        let reason = |name: &str| {
            f.trackers
                .iter()
                .find(|t| t.tracker == name)
                .unwrap_or_else(|| panic!("{name}"))
                .tracker_reason()
        };
        assert_eq!(reason("Meta Pixel"), Some(TrackerReason::Category));
        assert_eq!(reason("nv.example"), Some(TrackerReason::VisitorData));
        assert_eq!(reason("ids.example"), Some(TrackerReason::CookieId));
        assert_eq!(reason("widget.example"), None, "a page URL alone");
        assert_eq!(reason("cdn.example"), None);
        let nv = f
            .requests
            .iter()
            .find(|r| r.tracker == "nv.example")
            .unwrap();
        assert_eq!(
            (nv.decoder, nv.pixel_ids.clone(), nv.events.clone(), nv.role),
            (
                Some("generic"),
                vec!["NV-4411".to_string()],
                vec!["signup".to_string()],
                Role::Hit
            )
        );
        let cdn = f
            .requests
            .iter()
            .find(|r| r.tracker == "cdn.example")
            .unwrap();
        assert_eq!((cdn.decoder, cdn.role), (None, Role::Loader));
        for r in TrackerReason::ALL {
            assert_eq!(TrackerReason::parse(r.as_str()), Some(r));
        }
    }
}
