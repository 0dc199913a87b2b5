//! Who loaded each tracker (#41): the chain of scripts from the page to a tracker's first
//! request, read from the initiators Chromium reported and the store keeps (so it re-runs on
//! old crawls), and what that chain says — `direct` (the site's own markup or code loaded it),
//! `tag_manager:<container>` (a tag manager's container, e.g. `GTM-ABC123`), or
//! `other_vendor:<tracker>` (another tracker's script).
//!
//! A request's initiator is its document's parser (`parser`, the chain ends at the page), or
//! a script (`script`, with the call stack that made the request): the script at the top of
//! the stack is the previous link, found among the visit's requests by its URL, whose own
//! initiator gives the link before it. Every script named anywhere in a link's stack counts
//! when the chain is read (a tag manager's custom HTML runs as an inline script called from
//! the container).

use super::{RequestFinding, SiteTracker};
use crate::capture::{RawRequest, RawVisit};
use std::collections::HashMap;

/// The most links followed (a loop or a very long chain stops there).
const MAX_LINKS: usize = 12;

/// A tag manager's container, from a script URL: `GTM-…` for Google Tag Manager, a name
/// for the others.
pub fn tag_manager(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?;
    let path = u.path();
    let on = |d: &str| host == d || host.ends_with(&format!(".{d}"));
    if on("googletagmanager.com") && path == "/gtm.js" {
        let id = u
            .query_pairs()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        return Some(if id.is_empty() { "GTM".into() } else { id });
    }
    if on("tiqcdn.com") && path.starts_with("/utag/") {
        // /utag/<account>/<profile>/<env>/utag.js
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        return Some(format!(
            "tealium:{}",
            parts.get(1..3).unwrap_or(&[]).join("/")
        ));
    }
    if on("adobedtm.com") {
        return Some("adobe-launch".into());
    }
    if on("ensighten.com") {
        return Some("ensighten".into());
    }
    if on("tagcommander.com") || on("commander1.com") {
        return Some("tagcommander".into());
    }
    if path.contains("/container_") && path.ends_with(".js") && path.contains("/js/") {
        // Matomo Tag Manager: /js/container_<id>.js
        return Some("matomo-tag-manager".into());
    }
    None
}

/// The script URLs of an initiator's call stack, top first (async parents after), without
/// repeats.
fn stack_urls(init: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stack = init.get("stack");
    while let Some(s) = stack {
        for f in s
            .get("callFrames")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(u) = f.get("url").and_then(|u| u.as_str())
                && !u.is_empty()
                && !out.iter().any(|x| x == u)
            {
                out.push(u.to_string());
            }
        }
        stack = s.get("parent");
    }
    out
}

/// One request's initiator, read: the previous link's URL (a script, or the document for the
/// parser and inline scripts), and every script its stack names.
struct Initiated {
    by: Option<String>,
    scripts: Vec<String>,
}

fn initiated(r: &RawRequest) -> Initiated {
    let init: serde_json::Value = serde_json::from_str(&r.initiator).unwrap_or_default();
    let scripts = stack_urls(&init);
    let by = match init.get("type").and_then(|t| t.as_str()) {
        Some("script") => scripts
            .first()
            .cloned()
            .or_else(|| init.get("url").and_then(|u| u.as_str()).map(str::to_string)),
        Some("parser") => init.get("url").and_then(|u| u.as_str()).map(str::to_string),
        _ => None,
    };
    Initiated { by, scripts }
}

/// The script that made a request (the top of its initiator's call stack), if a script did.
pub fn script_of(r: &RawRequest) -> Option<String> {
    let init: serde_json::Value = serde_json::from_str(&r.initiator).ok()?;
    if init.get("type").and_then(|t| t.as_str()) != Some("script") {
        return None;
    }
    stack_urls(&init).into_iter().next()
}

/// `host/path` of a URL with the query's `id` kept (what a chain shows of a link).
fn short(url: &str) -> String {
    let Ok(u) = url::Url::parse(url) else {
        return url.to_string();
    };
    let id = u
        .query_pairs()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| format!("?id={v}"))
        .unwrap_or_default();
    format!("{}{}{id}", u.host_str().unwrap_or(""), u.path())
}

/// Sets each tracker's `loaded_via` and `load_chain` from the visit's initiators: the chain
/// of its first request that can be followed back to the page.
pub fn attach(v: &RawVisit, findings: &[RequestFinding], trackers: &mut [SiteTracker]) {
    // The visit's documents (an inline script's URL is its document's).
    let documents: Vec<&str> = v
        .requests
        .iter()
        .filter(|r| r.resource_type == crate::capture::ResourceType::Document)
        .map(|r| r.url.as_str())
        .chain(v.final_url.as_deref())
        .collect();
    let by_seq: HashMap<u32, &RawRequest> = v.requests.iter().map(|r| (r.seq, r)).collect();
    let tracker_of: HashMap<u32, &str> = findings
        .iter()
        .map(|f| (f.seq, f.tracker.as_str()))
        .collect();
    // A script URL → the request that fetched it (the first).
    let mut script_req: HashMap<&str, &RawRequest> = HashMap::new();
    for r in &v.requests {
        script_req.entry(r.url.as_str()).or_insert(r);
    }
    let mut seqs: HashMap<&str, Vec<u32>> = HashMap::new();
    for f in findings {
        seqs.entry(f.tracker.as_str()).or_default().push(f.seq);
    }
    for t in trackers.iter_mut() {
        let Some(mine) = seqs.get_mut(t.tracker.as_str()) else {
            continue;
        };
        mine.sort_unstable();
        // The first request whose chain reaches the page (a beacon sent as the page is left
        // may carry no initiator); the first request's chain when none does.
        let mut found: Option<(String, String)> = None;
        for r in mine.iter().filter_map(|s| by_seq.get(s)) {
            let c = chain_of(
                r,
                &t.tracker,
                &documents,
                &script_req,
                &tracker_of,
                &v.domain,
            );
            let known = !c.0.is_empty();
            if found.is_none() || known {
                found = Some(c);
            }
            if known {
                break;
            }
        }
        if let Some((via, chain)) = found {
            t.loaded_via = via;
            t.load_chain = chain;
        }
    }
}

/// The chain from the page to `r`, and what it says (`direct`, `tag_manager:…`,
/// `other_vendor:…`).
fn chain_of(
    r: &RawRequest,
    tracker: &str,
    documents: &[&str],
    script_req: &HashMap<&str, &RawRequest>,
    tracker_of: &HashMap<u32, &str>,
    site: &str,
) -> (String, String) {
    let mut links = vec![short(&r.url)];
    let mut seen_scripts: Vec<String> = Vec::new();
    let mut cur = r;
    let mut complete = false;
    for _ in 0..MAX_LINKS {
        let i = initiated(cur);
        seen_scripts.extend(i.scripts.iter().cloned());
        let Some(by) = i.by else {
            break;
        };
        if documents.contains(&by.as_str()) {
            // The page itself; a frame's document goes on to what made the frame.
            match script_req
                .get(by.as_str())
                .filter(|d| !d.is_main_frame && d.seq != cur.seq)
            {
                Some(frame) => {
                    links.push(short(&frame.url));
                    cur = frame;
                    continue;
                }
                None => {
                    complete = true;
                    break;
                }
            }
        }
        let Some(prev) = script_req.get(by.as_str()).filter(|p| p.seq != cur.seq) else {
            links.push(short(&by));
            seen_scripts.push(by);
            break;
        };
        links.push(short(&prev.url));
        seen_scripts.push(prev.url.clone());
        cur = prev;
    }
    links.push(site.to_string());
    links.reverse();
    let chain = links.join(" → ");
    // The first tag manager, else the first other tracker's script, along the way.
    if let Some(tm) = seen_scripts.iter().find_map(|u| tag_manager(u)) {
        return (format!("tag_manager:{tm}"), chain);
    }
    let other = seen_scripts.iter().find_map(|u| {
        let req = script_req.get(u.as_str())?;
        let owner = tracker_of.get(&req.seq)?;
        (*owner != tracker).then(|| owner.to_string())
    });
    match other {
        Some(o) => (format!("other_vendor:{o}"), chain),
        None if complete => ("direct".into(), chain),
        // The chain could not be followed to the page (no initiator, or a script the capture
        // does not hold): what it says is unknown.
        None => (String::new(), chain),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_managers_are_named_by_their_container() {
        assert_eq!(
            tag_manager("https://www.googletagmanager.com/gtm.js?id=GTM-ABC123").as_deref(),
            Some("GTM-ABC123")
        );
        assert_eq!(
            tag_manager("https://tags.tiqcdn.com/utag/acme/main/prod/utag.js").as_deref(),
            Some("tealium:acme/main")
        );
        assert_eq!(
            tag_manager("https://www.googletagmanager.com/gtag/js?id=G-1"),
            None,
            "gtag.js is Google's own tag, not a container"
        );
        assert_eq!(
            tag_manager("https://connect.facebook.net/en_US/fbevents.js"),
            None
        );
    }

    #[test]
    fn stacks_name_their_scripts_top_first_with_async_parents() {
        let init = serde_json::json!({"type": "script", "stack": {
            "callFrames": [{"url": "https://a.example/x.js"}, {"url": ""}, {"url": "https://a.example/x.js"}],
            "parent": {"callFrames": [{"url": "https://www.googletagmanager.com/gtm.js?id=GTM-1"}]}
        }});
        assert_eq!(
            stack_urls(&init),
            [
                "https://a.example/x.js",
                "https://www.googletagmanager.com/gtm.js?id=GTM-1"
            ]
        );
    }
}
