//! `report.html`: one self-contained page (inline CSS, SVG and a few lines of inline script;
//! nothing fetched) a journalist can publish from: how many sites loaded, outcomes, the top
//! trackers by share with 95 % interval whiskers, which trackers receive which of the
//! visitor's data (shares with intervals), the sites where each tracker received what the
//! visitor typed or searched and the page URL (a filterable, sortable table), pixel IDs
//! shared across sites, and the consent comparison when the crawl had several modes.

use super::{CrawlTotals, ReportError, Totals, TrackerTotals, cells, ranked};
use crate::analyze::Field;
use crate::capture::ConsentMode;
use crate::store::Store;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:62em;margin:2em auto;padding:0 1em;color:#222}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}table{border-collapse:collapse;font-size:.9em}\
td,th{padding:.25em .5em;border-bottom:1px solid #eee;text-align:left}td.n{text-align:right}.m{color:#777;font-size:.85em}\
table.x{font-size:.8em}table.x th{max-width:5.5em;vertical-align:bottom}table.x td:first-child{white-space:nowrap}\
.wide{overflow-x:auto}svg{width:100%;height:auto}svg text{font:12px system-ui,sans-serif}\
#q{font:inherit;padding:.3em .5em;width:min(30em,100%);box-sizing:border-box}#sends th{cursor:pointer}";

/// Filters the sites table by the search box and sorts it by a clicked header (numbers in
/// columns marked `data-k="n"`). Inline, so the page still fetches nothing.
const TABLE_JS: &str = "(function(){var q=document.getElementById('q'),t=document.getElementById('sends');if(!q||!t)return;\
var b=t.tBodies[0],rows=[].slice.call(b.rows),info=document.getElementById('shown');\
function show(){var v=q.value.toLowerCase().trim(),n=0;rows.forEach(function(r){var on=!v||r.textContent.toLowerCase().indexOf(v)>=0;r.hidden=!on;if(on)n++;});info.textContent=n+' of '+rows.length+' rows shown';}\
q.addEventListener('input',show);\
[].forEach.call(t.tHead.rows[0].cells,function(th,i){th.title='Sort by '+th.textContent;th.addEventListener('click',function(){\
var num=th.dataset.k==='n',dir=th.dataset.d==='a'?-1:1;th.dataset.d=dir>0?'a':'d';\
rows.sort(function(a,c){var x=a.cells[i].textContent,y=c.cells[i].textContent;return dir*(num?x-y:x.localeCompare(y));});\
rows.forEach(function(r){b.appendChild(r);});});});show();})();";

/// Rows at most in the sites table (the rest are in tracker_fields.csv).
const SITES_TABLE_CAP: usize = 5000;

/// What a field means, for a reader.
fn field_label(f: Field) -> &'static str {
    match f {
        Field::HashedEmail => "hashed e-mail address",
        Field::PlainEmail => "e-mail address, in clear",
        Field::HashedPhone => "hashed phone number",
        Field::PlainPhone => "phone number, in clear",
        Field::TypedText => "text the visitor typed",
        Field::SearchQuery => "search term",
        Field::PageUrl => "page URL",
        Field::Referrer => "referring page",
        Field::CookieId => "ID cookie",
        Field::StorageId => "ID kept in the page's storage",
        Field::ButtonText => "clicked button's text",
        other => other.as_str(),
    }
}

/// A tracker's label: its name, and its owner when the name does not already say it
/// (`Hotjar`, not `Hotjar (Hotjar)`; `Google Analytics 4`, not `… (Google)`).
fn label(name: &str, company: &str) -> String {
    let (n, c) = (name.to_lowercase(), company.to_lowercase());
    // The company's first word as a word of the name ("X Corp" is in "X Pixel", not in "Nexus").
    let first = c.split_whitespace().next().unwrap_or("");
    let words = |s: &str| {
        s.split(|ch: char| !ch.is_alphanumeric())
            .any(|w| !w.is_empty() && w == first)
    };
    if c.is_empty() || n.contains(&c) || words(&n) {
        name.to_string()
    } else {
        format!("{name} ({company})")
    }
}

/// An RFC 3339 time as a reader writes it: `2026-12-01 12:30 UTC`.
fn readable(t: &str) -> String {
    let b = t.as_bytes();
    if b.len() >= 16 && b[10] == b'T' && (t.ends_with('Z') || t.ends_with("+00:00")) {
        format!("{} {} UTC", &t[..10], &t[11..16])
    } else {
        t.to_string()
    }
}

/// Fields shown in the tracker × field matrix, in this order.
const MATRIX_FIELDS: [Field; 11] = [
    Field::PageUrl,
    Field::Referrer,
    Field::CookieId,
    Field::StorageId,
    Field::HashedEmail,
    Field::PlainEmail,
    Field::HashedPhone,
    Field::PlainPhone,
    Field::TypedText,
    Field::SearchQuery,
    Field::ButtonText,
];

/// Renders the page.
pub fn render(store: &Store, all: &CrawlTotals) -> Result<String, ReportError> {
    let (primary, t) = all.primary();
    let t = &t;
    let meta = crate::store::meta::CrawlMeta::read(store)?;
    let mut h = String::new();
    heading(&mut h, all, t, &meta);
    outcomes(&mut h, t);
    let top = top_trackers(&mut h, t, primary);
    field_matrix(&mut h, t, &top);
    sites_table(&mut h, t);
    shared_ids(&mut h, t);
    loaded_via(&mut h, &top);
    scripts_section(&mut h, t);
    consent_sections(&mut h, all);
    static_section(&mut h, all);
    let _ = writeln!(
        h,
        "<p class=\"m\">Datasets beside this page: {}, manifest.json (columns in docs/schema.md).</p>\n<script>{TABLE_JS}</script>\n</body></html>",
        super::datasets::files().join(", ")
    );
    Ok(h)
}

/// The document's head and the crawl's title line.
fn heading(h: &mut String, all: &CrawlTotals, t: &Totals, meta: &crate::store::meta::CrawlMeta) {
    let list = meta.list.file.clone().unwrap_or_default();
    let listed: u64 = t.outcomes.values().sum::<u64>() + t.pending;
    let finished = match &meta.finished_at {
        Some(f) => format!(" to {}", readable(f)),
        None => " (not finished)".into(),
    };
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>pixelcensus report: {}</title><style>{STYLE}</style></head><body>\n\
<h1>Tracking pixels: {} of {listed} sites loaded</h1>\n<p class=\"m\">Crawl {} · visitor: {} · list {} · {}{finished} · pixelcensus {}</p>\n",
        esc(&all.crawl),
        t.ok,
        esc(&all.crawl),
        esc(&visitor(all, meta)),
        esc(&list),
        esc(&readable(meta.started_at.as_deref().unwrap_or(""))),
        esc(super::manifest::version().0),
    );
}

/// Who visited: the device and the vantage, and for a crawl through a proxy the proxy and
/// the exit address of its last check.
fn visitor(all: &CrawlTotals, meta: &crate::store::meta::CrawlMeta) -> String {
    let mut v = format!("{}, vantage {}", all.device, all.vantage);
    if let Some(c) = meta.vantage_checks.last() {
        v.push_str(&format!(" (through {}", c.proxy));
        if let Some(a) = &c.exit_address {
            v.push_str(&format!(", exit address {a}"));
        }
        v.push(')');
    }
    v
}

/// How the visits ended.
fn outcomes(h: &mut String, t: &Totals) {
    h.push_str("<h2>Outcomes</h2>\n");
    let total: u64 = t.outcomes.values().sum::<u64>() + t.pending;
    let mut rows: Vec<(String, u64)> = t
        .outcomes
        .iter()
        .map(|(o, n)| (o.as_str().to_string(), *n))
        .collect();
    if t.pending > 0 {
        rows.push(("pending".into(), t.pending));
    }
    h.push_str(&bars(
        &rows
            .iter()
            .map(|(k, n)| (k.clone(), frac(*n, total), None, format!("{n}")))
            .collect::<Vec<_>>(),
    ));
}

/// The 20 trackers on most sites, as bars; returns them.
fn top_trackers<'t>(
    h: &mut String,
    t: &'t Totals,
    primary: ConsentMode,
) -> Vec<(&'t String, &'t TrackerTotals)> {
    let top: Vec<_> = ranked(t)
        .into_iter()
        .filter(|(_, x)| x.is_tracker)
        .take(20)
        .collect();
    let _ = writeln!(
        h,
        "<h2>Top trackers</h2>\n<p class=\"m\">Share of the {} sites that loaded (outcome ok) on which each tracker was present, the visitor {}; whiskers: Wilson 95 % interval.</p>",
        t.ok,
        match primary {
            ConsentMode::None => "ignoring any consent banner",
            ConsentMode::Accept => "accepting all on consent banners",
            ConsentMode::Reject => "rejecting all on consent banners",
        }
    );
    let items: Vec<_> = top
        .iter()
        .map(|(name, x)| {
            let (lo, hi) = cells::wilson(x.sites, t.ok);
            (
                label(name, &x.company),
                frac(x.sites, t.ok),
                Some((lo, hi)),
                format!("{} site{}", x.sites, if x.sites == 1 { "" } else { "s" }),
            )
        })
        .collect();
    h.push_str(&bars(&items));
    top
}

/// Tracker × field matrix: shares of OK sites with their intervals.
fn field_matrix(h: &mut String, t: &Totals, top: &[(&String, &TrackerTotals)]) {
    let _ = writeln!(
        h,
        "<h2>What they receive</h2>\n<p class=\"m\">Share of the {} sites that loaded on which each tracker received the field, in any encoding; below it the Wilson 95 % interval.</p>\n<div class=\"wide\"><table class=\"x\"><tr><th>tracker</th>",
        t.ok
    );
    for f in MATRIX_FIELDS {
        let _ = write!(h, "<th>{}</th>", esc(field_label(f)));
    }
    h.push_str("</tr>\n");
    for (name, x) in top {
        let _ = write!(h, "<tr><td>{}</td>", esc(&label(name, &x.company)));
        for f in MATRIX_FIELDS {
            match x.fields.get(&f) {
                Some(&n) => {
                    let (lo, hi) = cells::wilson(n, t.ok);
                    let _ = write!(
                        h,
                        "<td class=\"n\" title=\"{n} of {} sites\">{:.0} %<br><span class=\"m\">{:.0}–{:.0}</span></td>",
                        t.ok,
                        frac(n, t.ok) * 100.0,
                        lo * 100.0,
                        hi * 100.0
                    );
                }
                None => h.push_str("<td class=\"n\">·</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
}

/// Pixel IDs seen on more than one site.
fn shared_ids(h: &mut String, t: &Totals) {
    let mut shared: Vec<(&String, &String, u64)> = t
        .trackers
        .iter()
        .flat_map(|(name, x)| x.pixel_ids.iter().map(move |(id, n)| (name, id, *n)))
        .filter(|(_, _, n)| *n >= 2)
        .collect();
    shared.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)).then(a.1.cmp(b.1)));
    h.push_str("<h2>Pixel IDs on several sites</h2>\n<p class=\"m\">One account's pixel on many sites ties their visitors together.</p>\n");
    if shared.is_empty() {
        h.push_str("<p>None: every pixel ID was seen on one site only.</p>\n");
    } else {
        h.push_str("<table><tr><th>tracker</th><th>pixel ID</th><th>sites</th></tr>\n");
        for (name, id, n) in shared.iter().take(25) {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{n}</td></tr>",
                esc(name),
                esc(id)
            );
        }
        h.push_str("</table>\n");
    }
}

/// Who brought the top trackers in: on how many sites each came in directly, through a tag
/// manager or through another vendor's script (site_trackers.csv's `loaded_via`).
fn loaded_via(h: &mut String, top: &[(&String, &TrackerTotals)]) {
    if top.is_empty() {
        return;
    }
    h.push_str("<h2>Who brought the trackers in</h2>\n<p class=\"m\">Sites where each came in through the site's own markup or code, a tag manager's container, or another vendor's script or frame, read from the chain of scripts that loaded it (site_trackers.csv: <code>loaded_via</code>, <code>load_chain</code>).</p>\n<table><tr><th>tracker</th><th>direct</th><th>tag manager</th><th>other vendor</th><th>unknown</th></tr>\n");
    for (name, x) in top {
        let n = |k: &str| x.loaded_via.get(k).copied().unwrap_or(0);
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(name),
            n("direct"),
            n("tag_manager"),
            n("other_vendor"),
            n("")
        );
    }
    h.push_str("</table>\n");
}

/// What page scripts do: per technique, the OK sites where a script used it, the share with
/// its interval, and who did it most (techniques.csv; per site in fingerprinting.csv and
/// listeners.csv).
fn scripts_section(h: &mut String, t: &super::Totals) {
    if t.ok == 0 {
        return;
    }
    h.push_str("<h2>What page scripts do</h2>\n<p class=\"m\">OK sites where a script fingerprinted the device (canvas, canvas fonts, WebRTC local addresses, audio, the WebGL renderer), recorded the session, heard what the visitor typed, or listened to movement and device motion, seen by hooks pages cannot find (README, \"What page scripts do\"). Per site and script in fingerprinting.csv and listeners.csv.</p>\n<table><tr><th>technique</th><th>sites</th><th>share (95 % interval)</th><th>by a third party</th><th>most often by</th></tr>\n");
    for name in crate::analyze::scripts::TECHNIQUES {
        let x = t.techniques.get(name).cloned().unwrap_or_default();
        let (lo, hi) = super::cells::wilson(x.sites, t.ok);
        let mut owners: Vec<(&String, &u64)> = x.owners.iter().collect();
        owners.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = owners
            .iter()
            .take(3)
            .map(|(o, n)| format!("{} ({n})", esc(o)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{name}</td><td class=\"n\">{}</td><td class=\"n\">{:.1} % ({:.1}–{:.1})</td><td class=\"n\">{}</td><td>{}</td></tr>",
            x.sites,
            100.0 * x.sites as f64 / t.ok as f64,
            100.0 * lo,
            100.0 * hi,
            x.third_party_sites,
            top.join(", ")
        );
    }
    h.push_str("</table>\n");
}

/// Beside a prescan: how much a census of the HTML alone misses, per tracker.
fn static_section(h: &mut String, all: &CrawlTotals) {
    if all.static_vs_browser.is_empty() {
        return;
    }
    h.push_str("<h2>What the HTML alone shows</h2>\n<p class=\"m\">Sites that loaded both in the static pre-scan and in the browser: where each saw the tracker. Browser only: injected later, by interaction or after consent; HTML only: on the page, never fired. Per site in static_vs_browser.csv.</p>\n<table><tr><th>tracker</th><th>both</th><th>browser only</th><th>HTML only</th><th>seen in the HTML</th></tr>\n");
    for a in all.static_vs_browser.iter().take(30) {
        let browser = a.both + a.browser_only;
        let seen = if browser > 0 {
            format!("{:.0} %", 100.0 * a.both as f64 / browser as f64)
        } else {
            "–".into()
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{seen}</td></tr>",
            esc(&a.tracker),
            a.both,
            a.browser_only,
            a.static_only
        );
    }
    h.push_str("</table>\n");
}

/// The sites where each tracker received what the visitor typed or searched, or the page
/// URL: one row per site × tracker × field, filterable and sortable.
fn sites_table(h: &mut String, t: &super::Totals) {
    let mut rows: Vec<(u64, &str, String, Field)> = Vec::new();
    let mut capped = false;
    for (name, x) in &t.trackers {
        for (f, sites) in &x.field_sites {
            capped |= sites.len() >= super::SITE_LIST_CAP;
            for (rank, site) in sites {
                rows.push((*rank, site, label(name, &x.company), *f));
            }
        }
    }
    rows.sort();
    h.push_str("<h2>Which sites send what</h2>\n<p class=\"m\">Every site where a tracker received what the visitor typed (e-mail, phone, other text), the search term, or the page URL. pixelcensus types fictitious values and submits no form but a search: all of this left before anything was sent on purpose. Type to filter; click a column to sort.</p>\n");
    if rows.is_empty() {
        h.push_str("<p>None: no tracker received any of these on a site that loaded.</p>\n");
        return;
    }
    let total = rows.len();
    h.push_str("<input id=\"q\" type=\"search\" placeholder=\"Filter: a site, a tracker, or e.g. hashed\" aria-label=\"Filter the sites table\">\n<p id=\"shown\" class=\"m\"></p>\n<div class=\"wide\"><table id=\"sends\"><thead><tr><th data-k=\"n\">rank</th><th>site</th><th>tracker</th><th>received</th></tr></thead><tbody>\n");
    for (rank, site, tracker, f) in rows.iter().take(SITES_TABLE_CAP) {
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{rank}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(site),
            esc(tracker),
            esc(field_label(*f))
        );
    }
    h.push_str("</tbody></table></div>\n");
    if capped || total > SITES_TABLE_CAP {
        let _ = writeln!(
            h,
            "<p class=\"m\">The table shows {} rows; tracker_fields.csv has them all.</p>",
            total.min(SITES_TABLE_CAP)
        );
    }
}

/// Shares under each consent mode, and the sites where trackers fired after "reject all".
fn consent_sections(h: &mut String, all: &CrawlTotals) {
    if all.modes.len() > 1 {
        mode_comparison(h, all);
    }
    violations(h, all);
}

/// Shares under each consent mode of the crawl, and how the banners went.
fn mode_comparison(h: &mut String, all: &CrawlTotals) {
    let _ = writeln!(
        h,
        "<h2>Consent: none, accept, reject</h2>\n<p class=\"m\">Share of OK sites on which each tracker was present when the visitor ignored the banner, accepted all, or rejected all{}. Visits per banner found: {}.</p>",
        if all.gpc {
            ", always sending Global Privacy Control"
        } else {
            ""
        },
        if all.banners.is_empty() {
            "none".to_string()
        } else {
            all.banners
                .iter()
                .map(|(c, n)| format!("{} {n}", esc(c)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    h.push_str("<table><tr><th>mode</th><th>OK visits</th><th>banner shown</th><th>click worked</th><th>click failed</th><th>page reloaded (result unknown)</th></tr>\n");
    for (m, t) in &all.modes {
        let c = &t.choices;
        let pct = |n: u64| {
            format!(
                "{n} <span class=\"m\">({:.0} %)</span>",
                frac(n, t.ok) * 100.0
            )
        };
        let acted = |n: u64| {
            if *m == ConsentMode::None {
                "·".to_string()
            } else {
                pct(n)
            }
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            m.as_str(),
            t.ok,
            pct(c.banner),
            acted(c.ok),
            acted(c.failed),
            acted(c.unknown)
        );
    }
    h.push_str("</table>\n<p></p>\n<table><tr><th>tracker</th>");
    for m in all.modes.keys() {
        let _ = write!(h, "<th>{}</th>", m.as_str());
    }
    h.push_str("</tr>\n");
    // Trackers by the most sites they had in any mode.
    let mut best: BTreeMap<&String, u64> = BTreeMap::new();
    for t in all.modes.values() {
        for (name, x) in t.trackers.iter().filter(|(_, x)| x.is_tracker) {
            let b = best.entry(name).or_default();
            *b = (*b).max(x.sites);
        }
    }
    let mut names: Vec<(&String, u64)> = best.into_iter().collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (name, _) in names.iter().take(30) {
        let _ = write!(h, "<tr><td>{}</td>", esc(name));
        for t in all.modes.values() {
            let n = t.trackers.get(*name).map(|x| x.sites).unwrap_or(0);
            let _ = write!(
                h,
                "<td class=\"n\">{:.1} % <span class=\"m\">({n}/{})</span></td>",
                frac(n, t.ok) * 100.0,
                t.ok
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// The sites where trackers fired after "reject all" (crawls with mode reject).
fn violations(h: &mut String, all: &CrawlTotals) {
    if all.modes.contains_key(&ConsentMode::Reject) {
        h.push_str("<h2>Trackers firing after \u{201c}reject all\u{201d}</h2>\n");
        if all.violations.is_empty() {
            h.push_str("<p>None: no tracker sent data after the visitor rejected all.</p>\n");
        } else {
            h.push_str("<table><tr><th>rank</th><th>site</th><th>banner</th><th>trackers (fields received after the click)</th></tr>\n");
            for v in &all.violations {
                let list: Vec<String> = v
                    .trackers
                    .iter()
                    .map(|(t, f)| {
                        if f.is_empty() {
                            esc(t)
                        } else {
                            format!("{} ({})", esc(t), esc(&f.join(", ")))
                        }
                    })
                    .collect();
                let _ = writeln!(
                    h,
                    "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    v.rank,
                    esc(&v.site),
                    esc(&v.cmp),
                    list.join("; ")
                );
            }
            h.push_str("</table>\n");
        }
    }
}

fn frac(k: u64, n: u64) -> f64 {
    if n == 0 { 0.0 } else { k as f64 / n as f64 }
}

/// One bar: label, value (0..1), optional interval, note printed after the bar.
pub(super) type Bar = (String, f64, Option<(f64, f64)>, String);

/// Horizontal bars (0..1) with optional interval whiskers, as inline SVG.
pub(super) fn bars(items: &[Bar]) -> String {
    let (label_w, bar_w, row_h) = (260.0, 420.0, 22.0);
    let height = row_h * items.len() as f64 + 10.0;
    // Scales with the page (viewBox): a phone's width shows the whole chart, smaller.
    let width = label_w + bar_w + 120.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" style=\"max-width:{width}px\" role=\"img\">\n"
    );
    for (i, (label, v, ci, note)) in items.iter().enumerate() {
        let y = 5.0 + row_h * i as f64;
        let w = (bar_w * v.clamp(0.0, 1.0)).max(1.0);
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" fill=\"#4a7bb7\"/>",
            label_w - 6.0,
            y + 14.0,
            esc(label),
            y + 3.0,
            row_h - 8.0
        );
        if let Some((lo, hi)) = ci {
            let (x1, x2, ym) = (label_w + bar_w * lo, label_w + bar_w * hi, y + row_h / 2.0);
            let _ = writeln!(
                s,
                "<line x1=\"{x1:.1}\" x2=\"{x2:.1}\" y1=\"{ym}\" y2=\"{ym}\" stroke=\"#222\"/><line x1=\"{x1:.1}\" x2=\"{x1:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#222\"/><line x1=\"{x2:.1}\" x2=\"{x2:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#222\"/>",
                ym - 4.0,
                ym + 4.0,
                ym - 4.0,
                ym + 4.0
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{:.1} % · {}</text>",
            label_w + bar_w + 6.0,
            y + 14.0,
            v * 100.0,
            esc(note)
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_names_the_owner_only_when_the_name_does_not() {
        assert_eq!(label("FullStory", "FullStory"), "FullStory");
        assert_eq!(label("Meta Pixel", "Meta"), "Meta Pixel");
        assert_eq!(label("X Pixel", "X Corp"), "X Pixel");
        assert_eq!(label("Nexus Pixel", "X Corp"), "Nexus Pixel (X Corp)");
        assert_eq!(
            label("TikTok Pixel", "ByteDance"),
            "TikTok Pixel (ByteDance)"
        );
        assert_eq!(label("cdn.example", ""), "cdn.example");
    }

    #[test]
    fn times_read_as_a_person_writes_them() {
        assert_eq!(
            readable("2026-12-01T12:30:54.557886657Z"),
            "2026-12-01 12:30 UTC"
        );
        assert_eq!(
            readable("2026-12-01T12:30:54+02:00"),
            "2026-12-01T12:30:54+02:00"
        );
        assert_eq!(readable(""), "");
    }
}
