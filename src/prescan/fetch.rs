//! Fetching one front page with `reqwest`: https, then http when the connection or TLS fails
//! (as the browser crawl does); redirects followed one by one (and recorded, a loop told
//! apart); a realistic browser User-Agent; gzip and brotli; HTTP/2 where the server offers it;
//! the body read up to a cap; the whole site under one budget; the outcome in the crawl's
//! taxonomy. `--host-map` uses Chromium's `--host-resolver-rules` syntax so a prescan can be
//! pointed at the same local test webs as the browser.

use crate::capture::Outcome;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Redirect hops followed before the fetch counts as a redirect loop (Chromium's limit is 20;
/// a front page that needs more than 10 is a loop in practice).
const MAX_REDIRECTS: usize = 10;

/// One rule of a host map: a name pattern and where it resolves.
#[derive(Clone, Debug, PartialEq)]
enum Rule {
    To(String, SocketAddr),
    NotFound(String),
}

/// Chromium's `--host-resolver-rules` (`MAP * 127.0.0.1:8443, MAP name ~NOTFOUND`), for
/// reqwest: the first rule whose pattern matches a name decides (`*` any name, `*.x` its
/// subdomains, else the exact name).
#[derive(Clone, Debug, Default)]
pub struct HostMap {
    rules: Vec<Rule>,
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_prefix("*.") {
        _ if pattern == "*" => true,
        Some(base) => name == base || name.ends_with(&format!(".{base}")),
        None => pattern.eq_ignore_ascii_case(name),
    }
}

impl HostMap {
    /// Parses the rules; an error names the rule it could not read.
    pub fn parse(text: &str) -> Result<HostMap, String> {
        let mut rules = Vec::new();
        for rule in text.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            let parts: Vec<&str> = rule.split_whitespace().collect();
            match parts.as_slice() {
                ["MAP", pattern, "~NOTFOUND"] => rules.push(Rule::NotFound(pattern.to_string())),
                ["MAP", pattern, target] => {
                    let addr: SocketAddr = target.parse().map_err(|_| {
                        format!("host map rule `{rule}`: expected an IP:port target such as 127.0.0.1:8443")
                    })?;
                    rules.push(Rule::To(pattern.to_string(), addr));
                }
                _ => {
                    return Err(format!(
                        "host map rule `{rule}`: expected `MAP <pattern> <ip:port>` or `MAP <pattern> ~NOTFOUND`"
                    ));
                }
            }
        }
        Ok(HostMap { rules })
    }

    /// Where `name` goes: `Some(Ok(addr))`, `Some(Err(()))` for a name that must not resolve,
    /// `None` when no rule matches (the system resolver then).
    fn lookup(&self, name: &str) -> Option<Result<SocketAddr, ()>> {
        self.rules.iter().find_map(|r| match r {
            Rule::To(p, a) if matches(p, name) => Some(Ok(*a)),
            Rule::NotFound(p) if matches(p, name) => Some(Err(())),
            _ => None,
        })
    }
}

impl Resolve for HostMap {
    fn resolve(&self, name: Name) -> Resolving {
        let found = self.lookup(name.as_str());
        let host = name.as_str().to_string();
        Box::pin(async move {
            match found {
                Some(Ok(a)) => Ok(Box::new(std::iter::once(a)) as Addrs),
                Some(Err(())) => Err(format!("dns error: {host} is mapped to ~NOTFOUND").into()),
                None => {
                    let addrs = tokio::net::lookup_host((host.as_str(), 0))
                        .await
                        .map_err(|e| format!("dns error: failed to lookup address {host}: {e}"))?;
                    Ok(Box::new(addrs.collect::<Vec<_>>().into_iter()) as Addrs)
                }
            }
        })
    }
}

/// At most one request at a time per host.
#[derive(Default)]
pub struct HostLimiter {
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl HostLimiter {
    async fn acquire(&self, host: &str) -> tokio::sync::OwnedSemaphorePermit {
        let sem = self
            .hosts
            .lock()
            .expect("host limiter")
            .entry(host.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(1)))
            .clone();
        sem.acquire_owned().await.expect("never closed")
    }
}

/// How a prescan fetches.
#[derive(Clone, Debug)]
pub struct FetchConfig {
    /// The budget of one site (all attempts, redirects and the body).
    pub budget: Duration,
    /// Bytes of a page read at most.
    pub max_bytes: usize,
    /// The User-Agent sent.
    pub user_agent: String,
    /// Accept any certificate (test webs only).
    pub insecure: bool,
    /// `--host-map`.
    pub host_map: Option<HostMap>,
}

/// What fetching a front page gave.
#[derive(Debug)]
pub struct Fetched {
    /// The outcome so far (`ok` until the HTML says it is a wall).
    pub outcome: Outcome,
    /// Final status.
    pub http_status: Option<u16>,
    /// First URL fetched.
    pub start_url: String,
    /// Every URL fetched.
    pub chain: Vec<String>,
    /// The final URL.
    pub final_url: Option<String>,
    /// An error or note.
    pub error: Option<String>,
    /// The body, as text, for HTML pages.
    pub html: Option<String>,
    /// Bytes read.
    pub bytes: u64,
}

/// The HTTP client of a prescan, shared by every fetch.
pub struct Fetcher {
    client: reqwest::Client,
    limiter: HostLimiter,
    cfg: FetchConfig,
}

/// The class of a reqwest error, by its cause chain, and the chain's last (most specific)
/// message.
fn classify(e: &reqwest::Error, budget: Duration) -> (Outcome, String) {
    let mut text = e.to_string();
    let mut last = text.clone();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        last = s.to_string();
        text.push_str(": ");
        text.push_str(&last);
        src = s.source();
    }
    let t = text.to_ascii_lowercase();
    if e.is_timeout() || t.contains("timed out") {
        return (
            Outcome::Timeout,
            format!(
                "the front page did not arrive within {} s",
                budget.as_secs_f32()
            ),
        );
    }
    let outcome = if e.is_timeout() || t.contains("timed out") {
        Outcome::Timeout
    } else if t.contains("dns error") || t.contains("failed to lookup address") {
        Outcome::DnsError
    } else if t.contains("certificate")
        || t.contains("tls")
        || t.contains("handshake")
        || t.contains("ssl")
        || t.contains("invalid peer")
    {
        Outcome::TlsError
    } else {
        Outcome::ConnectionError
    };
    (outcome, last)
}

fn is_html(ct: &str) -> bool {
    let m = ct.to_ascii_lowercase();
    m.is_empty() || m.starts_with("text/html") || m.starts_with("application/xhtml")
}

/// The page's text: by the Content-Type charset, else a `<meta charset>` in its first 1,024
/// bytes, else UTF-8 (invalid bytes replaced).
fn decode(bytes: &[u8], content_type: &str) -> String {
    let label = content_type
        .split(';')
        .find_map(|p| {
            p.trim()
                .strip_prefix("charset=")
                .map(|c| c.trim_matches('"').to_string())
        })
        .or_else(|| {
            let head =
                String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
            let i = head.find("charset=")?;
            let rest = head[i + 8..].trim_start_matches(['"', '\'']);
            Some(
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect(),
            )
        });
    match label.and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes())) {
        Some(enc) => enc.decode(bytes).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

impl Fetcher {
    /// A client for `cfg`.
    pub fn new(cfg: FetchConfig) -> Result<Fetcher, String> {
        let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
        let mut b = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .gzip(true)
            .brotli(true)
            .no_proxy()
            .connect_timeout(cfg.budget.min(Duration::from_secs(10)))
            .timeout(cfg.budget)
            .pool_max_idle_per_host(1)
            .tls_danger_accept_invalid_certs(cfg.insecure);
        if let Some(m) = &cfg.host_map {
            b = b.dns_resolver(Arc::new(m.clone()));
        }
        let client = b
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        Ok(Fetcher {
            client,
            limiter: HostLimiter::default(),
            cfg,
        })
    }

    /// A GET of `url` under the per-host limit: status, headers' content type and location,
    /// and (for `read_body`) the body up to the cap.
    async fn get(
        &self,
        url: &reqwest::Url,
        read_body: impl Fn(u16, &str) -> bool,
    ) -> Result<(u16, String, Option<String>, Option<Vec<u8>>, bool), reqwest::Error> {
        let _permit = self
            .limiter
            .acquire(url.host_str().unwrap_or_default())
            .await;
        let mut resp = self
            .client
            .get(url.clone())
            .header(
                "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            )
            .header("Accept-Language", "en-US,en;q=0.9")
            .send()
            .await?;
        let status = resp.status().as_u16();
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let ct = header("content-type").unwrap_or_default();
        let location = header("location");
        if !read_body(status, &ct) {
            return Ok((status, ct, location, None, false));
        }
        let mut body = Vec::new();
        let mut cut = false;
        while let Some(chunk) = resp.chunk().await? {
            let room = self.cfg.max_bytes - body.len();
            if chunk.len() >= room {
                body.extend_from_slice(&chunk[..room]);
                cut = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, ct, location, Some(body), cut))
    }

    /// Fetches a Tag Manager container (`https://www.googletagmanager.com/gtm.js?id=…`).
    pub async fn container(&self, id: &str) -> (Option<u16>, Option<String>) {
        let Ok(url) =
            reqwest::Url::parse(&format!("https://www.googletagmanager.com/gtm.js?id={id}"))
        else {
            return (None, None);
        };
        let r = tokio::time::timeout(self.cfg.budget, self.get(&url, |s, _| s < 300)).await;
        match r {
            Ok(Ok((status, ct, _, Some(body), _))) => (Some(status), Some(decode(&body, &ct))),
            Ok(Ok((status, ..))) => (Some(status), None),
            _ => (None, None),
        }
    }

    /// Fetches `domain`'s front page within the site's budget.
    pub async fn front_page(&self, domain: &str) -> Fetched {
        let https = format!("https://{domain}/");
        match tokio::time::timeout(self.cfg.budget, self.front_page_inner(domain, &https)).await {
            Ok(f) => f,
            Err(_) => Fetched {
                outcome: Outcome::Timeout,
                http_status: None,
                start_url: https,
                chain: Vec::new(),
                final_url: None,
                error: Some(format!(
                    "the front page did not arrive within {} s",
                    self.cfg.budget.as_secs_f32()
                )),
                html: None,
                bytes: 0,
            },
        }
    }

    async fn front_page_inner(&self, domain: &str, https: &str) -> Fetched {
        let first = self.follow(https).await;
        if matches!(first.outcome, Outcome::ConnectionError | Outcome::TlsError)
            && first.chain.len() <= 1
        {
            let http = format!("http://{domain}/");
            let mut second = self.follow(&http).await;
            if second.outcome == Outcome::Ok
                || second.outcome == Outcome::HttpError
                || second.outcome == Outcome::NonHtml
            {
                let note = format!(
                    "https failed ({}); fetched over http",
                    first.error.as_deref().unwrap_or("?")
                );
                second.error = Some(match second.error {
                    Some(e) => format!("{e} ({note})"),
                    None => note,
                });
                return second;
            }
            // Both failed: the https attempt's class, both errors said.
            let mut f = first;
            f.error = Some(format!(
                "https: {}; http: {}",
                f.error.as_deref().unwrap_or("?"),
                second.error.as_deref().unwrap_or("?")
            ));
            return f;
        }
        first
    }

    /// Follows redirects from `start`, reading the final HTML body.
    async fn follow(&self, start: &str) -> Fetched {
        let mut f = Fetched {
            outcome: Outcome::Ok,
            http_status: None,
            start_url: start.to_string(),
            chain: Vec::new(),
            final_url: None,
            error: None,
            html: None,
            bytes: 0,
        };
        let Ok(mut url) = reqwest::Url::parse(start) else {
            f.outcome = Outcome::DnsError;
            f.error = Some(format!("{start} is not a valid URL"));
            return f;
        };
        loop {
            f.chain.push(url.to_string());
            let r = self
                .get(&url, |status, ct| {
                    !(300..400).contains(&status) && is_html(ct)
                })
                .await;
            let (status, ct, location, body, cut) = match r {
                Ok(x) => x,
                Err(e) => {
                    let (o, text) = classify(&e, self.cfg.budget);
                    f.outcome = o;
                    f.error = Some(text);
                    return f;
                }
            };
            f.http_status = Some(status);
            f.final_url = Some(url.to_string());
            if (300..400).contains(&status)
                && let Some(loc) = location
            {
                if f.chain.len() > MAX_REDIRECTS {
                    f.outcome = Outcome::RedirectLoop;
                    f.error = Some(format!("more than {MAX_REDIRECTS} redirects"));
                    return f;
                }
                match url.join(&loc) {
                    Ok(next) => {
                        url = next;
                        continue;
                    }
                    Err(_) => {
                        f.outcome = Outcome::HttpError;
                        f.error = Some(format!("HTTP {status} to an invalid Location `{loc}`"));
                        return f;
                    }
                }
            }
            if !is_html(&ct) {
                f.outcome = Outcome::NonHtml;
                f.error = Some(format!("document is {ct}"));
                return f;
            }
            if status >= 400 {
                f.outcome = Outcome::HttpError;
                f.error = Some(format!("HTTP {status}"));
            }
            if let Some(b) = body {
                f.bytes = b.len() as u64;
                if cut {
                    let note = format!("page cut at {} bytes", self.cfg.max_bytes);
                    f.error = Some(match f.error.take() {
                        Some(e) => format!("{e}; {note}"),
                        None => note,
                    });
                }
                f.html = Some(decode(&b, &ct));
            }
            return f;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_maps_read_like_chromium_rules() {
        let m = HostMap::parse(
            "MAP nxdomain.test ~NOTFOUND, MAP *.cdn.test 10.0.0.2:80, MAP * 127.0.0.1:8443",
        )
        .unwrap();
        assert_eq!(m.lookup("nxdomain.test"), Some(Err(())));
        assert_eq!(
            m.lookup("a.cdn.test"),
            Some(Ok("10.0.0.2:80".parse().unwrap()))
        );
        assert_eq!(
            m.lookup("shop.test"),
            Some(Ok("127.0.0.1:8443".parse().unwrap()))
        );
        assert!(
            HostMap::parse("MAP * localhost")
                .unwrap_err()
                .contains("IP:port")
        );
        assert!(
            HostMap::parse("EXCLUDE x")
                .unwrap_err()
                .contains("MAP <pattern>")
        );
        assert_eq!(
            HostMap::parse("MAP a.test 1.2.3.4:5")
                .unwrap()
                .lookup("b.test"),
            None
        );
    }

    #[test]
    fn pages_decode_by_their_charset() {
        let latin1 = b"<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title>";
        assert!(decode(latin1, "text/html").contains("Café"));
        assert!(decode("Café".as_bytes(), "text/html; charset=utf-8").contains("Café"));
        assert!(decode(b"caf\xff", "text/html").contains('\u{fffd}'));
    }
}
