//! The synthetic web that tests, benchmarks and the demo crawl: one loopback port speaking
//! HTTPS (a self-signed certificate made at start) and plain HTTP, routing by Host header, so
//! Chromium started with `--host-resolver-rules="MAP * 127.0.0.1:PORT"` and `--insecure` sees
//! real host names. It logs every request it receives, so a test can compare the crawler's
//! capture with what the server really saw.

pub mod accuracy;
pub mod chains;
pub mod channels;
pub mod device;
pub mod footprint;
pub mod hostile;
pub mod kinds;
pub mod leave;
pub mod probes;
pub mod sdk;
pub mod sites;
pub mod vantage;
pub mod walls;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::Frame;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use sites::Kind;
use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// One request the test web received.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Logged {
    /// Seconds since the Unix epoch.
    pub time: f64,
    /// True when it came over TLS.
    pub tls: bool,
    /// Host header without port.
    pub host: String,
    /// Method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers as received.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// The address the connection came from (a proxy's, through one).
    #[serde(default)]
    pub peer: String,
}

impl Logged {
    /// The URL as the browser saw it.
    pub fn url(&self) -> String {
        format!(
            "{}://{}{}",
            if self.tls { "https" } else { "http" },
            self.host,
            self.path
        )
    }
}

struct State {
    log: Mutex<Vec<Logged>>,
    frames: Mutex<Vec<channels::LoggedFrame>>,
    file: Option<Mutex<std::fs::File>>,
    variant: u8,
}

impl State {
    /// Keeps a request in the log (and its file, one JSON line each).
    fn keep(&self, logged: Logged) {
        if let Some(f) = &self.file
            && let Ok(line) = serde_json::to_string(&logged)
        {
            let _ = writeln!(f.lock().unwrap(), "{line}");
        }
        self.log.lock().unwrap().push(logged);
    }
}

/// A running test web.
pub struct TestWeb {
    port: u16,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl TestWeb {
    /// Starts serving on 127.0.0.1:`port` (0: any free port). With `log_file`, every request
    /// is also appended there as a JSON line.
    pub async fn start(port: u16, log_file: Option<&std::path::Path>) -> std::io::Result<TestWeb> {
        Self::start_variant(port, log_file, 0).await
    }

    /// Starts the test web as it is "next month": `variant` 1 changes some sites' trackers
    /// (see [`sites::variant_trackers`]), so two crawls can be compared.
    pub async fn start_variant(
        port: u16,
        log_file: Option<&std::path::Path>,
        variant: u8,
    ) -> std::io::Result<TestWeb> {
        Self::start_on(
            &[SocketAddr::from(([127, 0, 0, 1], port))],
            log_file,
            variant,
        )
        .await
    }

    /// Starts the test web on every one of `addrs` at once (one log), e.g. ports 443 and 80
    /// of one address for proxies, which connect to the ports of the URLs. [`Self::port`]
    /// is the first one's.
    pub async fn start_on(
        addrs: &[SocketAddr],
        log_file: Option<&std::path::Path>,
        variant: u8,
    ) -> std::io::Result<TestWeb> {
        let mut listeners = Vec::new();
        for a in addrs {
            listeners.push(TcpListener::bind(a).await?);
        }
        let port = listeners[0].local_addr()?.port();
        let file = match log_file {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            )),
            None => None,
        };
        let state = Arc::new(State {
            log: Mutex::new(Vec::new()),
            frames: Mutex::new(Vec::new()),
            file,
            variant,
        });
        let acceptor = TlsAcceptor::from(Arc::new(tls_config()?));
        let mut tasks = tokio::task::JoinSet::new();
        for listener in listeners {
            let st = state.clone();
            let acceptor = acceptor.clone();
            tasks.spawn(async move {
                loop {
                    let Ok((stream, peer)) = listener.accept().await else {
                        continue;
                    };
                    let st = st.clone();
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let _ = serve_connection(stream, peer, acceptor, st).await;
                    });
                }
            });
        }
        let task = tokio::spawn(async move { while tasks.join_next().await.is_some() {} });
        Ok(TestWeb { port, state, task })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The `--host-map` value that points Chromium at it.
    pub fn host_map(&self) -> String {
        sites::host_map(self.port)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Logged> {
        self.state.log.lock().unwrap().clone()
    }

    /// Every WebSocket message received or sent so far.
    pub fn frames(&self) -> Vec<channels::LoggedFrame> {
        self.state.frames.lock().unwrap().clone()
    }

    /// Stops serving (as dropping it does).
    pub fn stop(self) {}
}

impl Drop for TestWeb {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The test web's TLS: every host name gets its own self-signed certificate naming it and its
/// `www.` sibling, as a real site's certificate does, made on the first connection to it.
/// One certificate naming every host would travel in each response's DevTools
/// `securityDetails` (3 KB of names; 44 % of a heavy page's Network events) and make the
/// capture look dearer than on the real web.
fn tls_config() -> std::io::Result<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(PerHostCerts::default()));
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

/// Certificates by host name, made on first use (see [`tls_config`]).
#[derive(Debug, Default)]
struct PerHostCerts {
    made: Mutex<HashMap<String, Arc<rustls::sign::CertifiedKey>>>,
}

impl PerHostCerts {
    /// At most this many are kept (a bench run names tens of thousands of hosts).
    const KEEP: usize = 4096;

    fn make(host: &str) -> Option<Arc<rustls::sign::CertifiedKey>> {
        let other = match host.strip_prefix("www.") {
            Some(bare) => bare.to_string(),
            None => format!("www.{host}"),
        };
        let ck = rcgen::generate_simple_self_signed(vec![host.to_string(), other]).ok()?;
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
        let key = rustls::crypto::ring::sign::any_supported_type(&key).ok()?;
        Some(Arc::new(rustls::sign::CertifiedKey::new(
            vec![ck.cert.der().clone()],
            key,
        )))
    }
}

impl rustls::server::ResolvesServerCert for PerHostCerts {
    fn resolve(
        &self,
        hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        let host = hello
            .server_name()
            .unwrap_or("localhost")
            .to_ascii_lowercase();
        if let Some(ck) = self.made.lock().unwrap().get(&host) {
            return Some(ck.clone());
        }
        let ck = Self::make(&host)?;
        let mut made = self.made.lock().unwrap();
        if made.len() >= Self::KEEP {
            made.clear();
        }
        Some(made.entry(host).or_insert(ck).clone())
    }
}

/// True when `host` is one of the test web's own hosts (a site, an imitated tracker, a
/// site's first-party endpoint on a subdomain of its own (`metrics.`, `collector.`, …), or the
/// SDK web's sites and vendors). Anything else the server receives is Chromium's
/// own background traffic, sent there by the catch-all host map.
pub fn serves(host: &str) -> bool {
    sites::find(host).is_some()
        || sdk::serves(host)
        || sites::bench_kind(host).is_some()
        || leave::serves(host)
        || vantage::serves(host)
        || chains::serves(host)
        || probes::serves(host)
        || TRACKER_HOSTS.contains(&host)
        || host
            .split_once('.')
            .is_some_and(|(_, h)| sites::find(h).is_some())
}

/// An `/etc/hosts` naming the test web's hosts at `ip`, for a proxy that must reach the test
/// web and nothing else (the vantage tests start proxies with it): every site and its `www.`
/// (but those that must not resolve), the imitated trackers, the device and vantage pages'
/// hosts.
pub fn hosts_file(ip: std::net::IpAddr) -> String {
    let mut hosts: Vec<String> = sites::SITES
        .iter()
        .filter(|s| !matches!(s.kind, Kind::NxDomain))
        .flat_map(|s| [s.domain.to_string(), format!("www.{}", s.domain)])
        .collect();
    hosts.extend(TRACKER_HOSTS.iter().map(|h| h.to_string()));
    hosts.extend(
        [vantage::SITE, vantage::ECHO, "www.region-news.test"]
            .iter()
            .map(|h| h.to_string()),
    );
    hosts.sort();
    hosts.dedup();
    let mut s = String::from("127.0.0.1 localhost\n");
    for h in hosts {
        s.push_str(&format!("{ip} {h}\n"));
    }
    s
}

/// Hosts that imitate real trackers (besides the per-site ones).
const TRACKER_HOSTS: &[&str] = &[
    "analytics.tiktok.com",
    "connect.facebook.net",
    "www.facebook.com",
    "www.googletagmanager.com",
    "region1.google-analytics.com",
    "www.google-analytics.com",
    "widgets-thirdparty.test",
    "adnet.test",
    "collect.recorder-demo.test",
    "collect.nv-metrics.test",
    "collect.qx-insights.test",
    "px.tailbeam.test",
    "stats.selfhosted-analytics.test",
    "cdn-static.test",
    "static.ads-twitter.com",
    "analytics.twitter.com",
    "bat.bing.com",
    "snap.licdn.com",
    "px.ads.linkedin.com",
    "s.pinimg.com",
    "ct.pinterest.com",
    "sc-static.net",
    "tr.snapchat.com",
    "www.redditstatic.com",
    "alb.reddit.com",
    "static.hotjar.com",
    "in.hotjar.com",
    "www.clarity.ms",
    "k.clarity.ms",
    "edge.fullstory.com",
    "rs.fullstory.com",
    "googleads.g.doubleclick.net",
    "static.criteo.net",
    "sslwidget.criteo.com",
    "7654321.fls.doubleclick.net",
    "c.amazon-adsystem.com",
    "s.amazon-adsystem.com",
    "js.adsrvr.org",
    "insight.adsrvr.org",
    "cdn.taboola.com",
    "trc.taboola.com",
    "amplify.outbrain.com",
    "tr.outbrain.com",
    "a.quora.com",
    "q.quora.com",
    "s.yimg.com",
    "sp.analytics.yahoo.com",
    "assets.adobedtm.com",
    "shopco.sc.omtrdc.net",
    "cdn.matomo.cloud",
    "shopco.matomo.cloud",
    "cdn.parsely.com",
    "p1.parsely.com",
    "sb.scorecardresearch.com",
    "cdn.segment.com",
    "api.segment.io",
    "munchkin.marketo.net",
    "123-abc-456.mktoresp.com",
    "sc.lfeeder.com",
    "tr.lfeeder.com",
    "ats.rlcdn.com",
    "api.rlcdn.com",
];

/// Peeks at the first bytes of a connection (up to `max`, or until `done` says enough).
async fn peek_until(stream: &TcpStream, max: usize, done: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let mut buf = vec![0u8; max];
    for _ in 0..100 {
        match stream.peek(&mut buf).await {
            Ok(0) | Err(_) => return Vec::new(),
            Ok(n) if n == max || done(&buf[..n]) => return buf[..n].to_vec(),
            Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    let n = stream.peek(&mut buf).await.unwrap_or(0);
    buf[..n].to_vec()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn special_host(head: &[u8], plain: bool) -> Option<Kind> {
    sites::SITES.iter().find_map(|s| {
        let special = matches!(s.kind, Kind::Reset | Kind::TlsBroken | Kind::HttpOnly);
        if !special {
            return None;
        }
        let hit = if plain {
            contains(head, format!("\nhost: {}\r", s.domain).as_bytes())
                || contains(head, format!("\nhost: {}:", s.domain).as_bytes())
        } else {
            // The SNI name travels in clear in the ClientHello.
            contains(head, s.domain.as_bytes())
                && !contains(head, format!("www.{}", s.domain).as_bytes())
        };
        hit.then_some(s.kind)
    })
}

#[allow(deprecated)] // a zero linger resets at once; it does not block
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    st: Arc<State>,
) -> std::io::Result<()> {
    // A TLS ClientHello is read whole (its record's length is in its header): through a proxy
    // it may arrive in pieces, and Chromium's (post-quantum key share, extensions in random
    // order) runs past 1,500 bytes, its server name anywhere in it.
    let head = peek_until(&stream, 16 * 1024 + 5, |b| {
        if b[0] == 0x16 {
            b.len() >= 5 && b.len() >= 5 + usize::from(u16::from_be_bytes([b[3], b[4]]))
        } else {
            contains(b, b"\r\n\r\n")
        }
    })
    .await;
    if head.is_empty() {
        return Ok(());
    }
    let tls = head[0] == 0x16;
    match special_host(&head, !tls) {
        Some(Kind::Reset) => {
            return {
                reset(stream);
                Ok(())
            };
        }
        Some(Kind::TlsBroken) if !tls => {
            return {
                reset(stream);
                Ok(())
            };
        }
        Some(Kind::TlsBroken | Kind::HttpOnly) if tls => {
            use tokio::io::AsyncWriteExt;
            let mut stream = stream;
            let _ = stream.write_all(b"this is not TLS\r\n\r\n").await;
            return Ok(());
        }
        _ => {}
    }
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Requests of several megabytes (hostile::HUGE_URLS) are read, as some servers do.
    builder.max_buf_size(8 * 1024 * 1024);
    if tls {
        let tls_stream = acceptor.accept(stream).await?;
        let svc = hyper::service::service_fn(move |req| handle(req, true, peer, st.clone()));
        let _ = builder
            .serve_connection(TokioIo::new(tls_stream), svc)
            .with_upgrades()
            .await;
    } else {
        let svc = hyper::service::service_fn(move |req| handle(req, false, peer, st.clone()));
        let _ = builder
            .serve_connection(TokioIo::new(stream), svc)
            .with_upgrades()
            .await;
    }
    Ok(())
}

type Body = BoxBody<Bytes, Infallible>;

/// A 50 MB `Content-Disposition: attachment` download, streamed in 1 MB chunks.
fn attachment() -> Response<Body> {
    const MB: usize = 1024 * 1024;
    let stream = futures_util::stream::iter(
        (0..50).map(|_| Ok::<_, Infallible>(Frame::data(Bytes::from(vec![b'0'; MB])))),
    );
    Response::builder()
        .status(200)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Disposition", "attachment; filename=\"big.bin\"")
        .header("Content-Length", (50 * MB).to_string())
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .expect("valid response")
}

fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).boxed()
}

fn respond(status: u16, ctype: &str, body: impl Into<Bytes>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("Content-Type", ctype)
        .header("Cache-Control", "no-store")
        .body(full(body))
        .expect("valid response")
}

const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// Seconds since the Unix epoch.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// The request as the log keeps it: host without port, lower-cased; path with query.
fn logged(parts: &http::request::Parts, body: Vec<u8>, tls: bool) -> Logged {
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| "/".into());
    Logged {
        time: now(),
        tls,
        host,
        method: parts.method.to_string(),
        path,
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        peer: String::new(),
    }
}

/// Every answer allows the requesting origin, with credentials.
fn with_cors(resp: &mut Response<Body>, headers: &http::HeaderMap) {
    let origin = headers
        .get("origin")
        .and_then(|o| o.to_str().ok())
        .unwrap_or("*")
        .to_string();
    let h = resp.headers_mut();
    h.insert(
        "Access-Control-Allow-Origin",
        origin
            .parse()
            .unwrap_or(hyper::header::HeaderValue::from_static("*")),
    );
    h.insert(
        "Access-Control-Allow-Credentials",
        hyper::header::HeaderValue::from_static("true"),
    );
}

async fn handle(
    mut req: Request<hyper::body::Incoming>,
    tls: bool,
    peer: SocketAddr,
    st: Arc<State>,
) -> Result<Response<Body>, Infallible> {
    let upgrade = channels::wants_websocket(req.headers()).then(|| hyper::upgrade::on(&mut req));
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let mut logged = logged(&parts, body, tls);
    logged.peer = peer.ip().to_string();
    let (host, path) = (logged.host.clone(), logged.path.clone());
    let from_sdk_web = sdk::route(&logged.method, &host, &path, &parts.headers, &logged.body);
    st.keep(logged);
    let sec_gpc = parts.headers.get("sec-gpc").and_then(|v| v.to_str().ok()) == Some("1");
    if let Some(up) = upgrade
        && host == channels::TRACKER
        && path.starts_with(channels::WS_PATH)
    {
        let url = format!("{}://{host}{path}", if tls { "wss" } else { "ws" });
        return Ok(channels::accept(up, &parts.headers, url, st.clone()));
    }
    if let Some(d) = sites::bench_delay(&host, &path) {
        tokio::time::sleep(d).await;
    }
    if sites::find(&host).is_some_and(|s| matches!(s.kind, Kind::Silent)) {
        // Never answers (the browser gives up first).
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
    let by_vantage = vantage::route(&host, &path, peer.ip(), &parts.headers)
        .or_else(|| chains::route(&host, &path))
        .or_else(|| probes::route(&host, &path));
    let mut resp = match (from_sdk_web, by_vantage) {
        (Some(r), _) => r,
        (None, Some((ctype, body))) => respond(200, ctype, body),
        (None, None) => route(&host, &path, parts.method.as_str(), st.variant, sec_gpc),
    };
    with_cors(&mut resp, &parts.headers);
    Ok(resp)
}

/// A plain page of `host` with GA4 on it (the http-only site's, the site behind a cleared wall).
fn ga4_page(host: &str) -> Response<Body> {
    let page = Kind::Page {
        trackers: &[sites::Tracker::Ga4],
        form: false,
        search: false,
        extra: "",
    };
    respond(
        200,
        "text/html; charset=utf-8",
        sites::page_html(host, page, "/", None),
    )
}

fn route(host: &str, path_q: &str, method: &str, variant: u8, sec_gpc: bool) -> Response<Body> {
    let (path, query) = match path_q.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_q, None),
    };
    if method == "OPTIONS" {
        return preflight();
    }
    if let Some(r) = leave::route(host, path)
        .or_else(|| tracker_route(host, path, query))
        .or_else(|| other_host_route(host, path))
    {
        return r;
    }
    if TRACKER_HOSTS.contains(&host) && !host.ends_with(".test") {
        // Other vendors' hits: a pixel image answers them all.
        return respond(200, "image/gif", GIF);
    }
    if path == "/favicon.ico" {
        return respond(404, "text/plain", "no favicon");
    }
    if let Some((ctype, body)) = sites::prescan_page(host).filter(|_| path == "/") {
        return respond(200, ctype, body);
    }
    if let Some(kind) = sites::internal_page(host, path) {
        return respond(
            200,
            "text/html; charset=utf-8",
            sites::page_html(host, kind, path, None),
        );
    }
    let Some(kind) = site_kind(host, sec_gpc) else {
        return respond(
            404,
            "text/html",
            "<!doctype html><title>Unknown host</title><h1>Unknown host</h1>",
        );
    };
    match kind {
        Kind::Page { .. } => page_route(host, path, query, kind, variant),
        Kind::Wall {
            vendor,
            status,
            clears,
        } => wall_route(host, path, query, vendor, status, clears),
        _ => other_route(host, query, kind),
    }
}

/// The answer to a CORS preflight.
fn preflight() -> Response<Body> {
    let mut r = respond(204, "text/plain", "");
    r.headers_mut().insert(
        "Access-Control-Allow-Methods",
        hyper::header::HeaderValue::from_static("GET, POST"),
    );
    r.headers_mut().insert(
        "Access-Control-Allow-Headers",
        hyper::header::HeaderValue::from_static("Content-Type"),
    );
    r
}

/// The imitation trackers' scripts and endpoints.
fn tracker_route(host: &str, path: &str, query: Option<&str>) -> Option<Response<Body>> {
    let js = |lib: &str| {
        respond(
            200,
            "application/javascript",
            format!("{}\n{}", include_str!("assets/common.js"), lib),
        )
    };
    if let Some((vendor, id)) = sites::loader_of(host, path, query) {
        let call = format!(
            "{}\n__pcVendor({}, {});",
            include_str!("assets/others.js"),
            serde_json::json!(vendor),
            serde_json::json!(id)
        );
        return Some(js(&call));
    }
    match (host, path) {
        ("analytics.tiktok.com", "/i18n/pixel/events.js") => {
            Some(js(include_str!("assets/tiktok.js")))
        }
        ("analytics.tiktok.com", _) => Some(respond(
            200,
            "application/json",
            r#"{"code":0,"message":"OK"}"#,
        )),
        ("connect.facebook.net", "/en_US/fbevents.js") => Some(js(include_str!("assets/meta.js"))),
        ("connect.facebook.net", p) if p.starts_with("/signals/config/") => Some(respond(
            200,
            "application/javascript",
            "/* pixel configuration */ window.__fbConfigLoaded = true;",
        )),
        ("www.facebook.com", "/tr" | "/tr/") => {
            let mut r = respond(200, "image/gif", GIF);
            r.headers_mut().insert(
                "Set-Cookie",
                hyper::header::HeaderValue::from_static("fr=0demo.fr.cookie; Domain=.facebook.com; Path=/; Max-Age=7776000; Secure; HttpOnly; SameSite=None"),
            );
            Some(r)
        }
        ("www.googletagmanager.com", "/gtag/js") => Some(js(include_str!("assets/gtag.js"))),
        ("www.googletagmanager.com", "/gtm.js") => {
            let lib = include_str!("assets/gtm.js")
                .replace("__GA4__", sites::GA4_GTM_ID)
                .replace("__TIKTOK__", sites::TIKTOK_GTM_CODE)
                .replace("__META__", sites::META_GTM_ID);
            Some(js(&lib))
        }
        (h, "/g/collect") if h.ends_with("google-analytics.com") || h.starts_with("metrics.") => {
            Some(respond(204, "text/plain", ""))
        }
        _ => None,
    }
}

/// The other third parties' and special hosts' answers (widgets, ad syncs, huge headers,
/// channels, self-hosted collectors, a CDN).
fn other_host_route(host: &str, path: &str) -> Option<Response<Body>> {
    match (host, path) {
        ("widgets-thirdparty.test", "/embed") => {
            let mut r = respond(200, "text/html; charset=utf-8", sites::widget_html());
            r.headers_mut().insert(
                "Set-Cookie",
                hyper::header::HeaderValue::from_static(
                    "widget_uid=w-4f1c9a; Path=/; Max-Age=31536000; Secure; SameSite=None",
                ),
            );
            Some(r)
        }
        ("adnet.test", "/sync.gif") => {
            let mut r = respond(200, "image/gif", GIF);
            r.headers_mut().insert(
                "Set-Cookie",
                hyper::header::HeaderValue::from_static(
                    "uid=adnet-7731; Path=/; Max-Age=31536000; Secure; SameSite=None",
                ),
            );
            Some(r)
        }
        ("adnet.test", _) => Some(respond(200, "image/gif", GIF)),
        ("huge-urls.test", "/pixel.gif") => Some(respond(200, "image/gif", GIF)),
        ("huge-urls.test", "/echo-header.gif") => {
            let mut r = respond(200, "image/gif", GIF);
            let echo = "e".repeat(hostile::HUGE_RESPONSE_HEADER);
            r.headers_mut().insert(
                "X-Echo",
                hyper::header::HeaderValue::from_str(&echo).expect("ASCII"),
            );
            Some(r)
        }
        (channels::TRACKER, channels::STREAM_PATH) => Some(channels::stream()),
        ("collect.recorder-demo.test", _) => Some(respond(204, "text/plain", "")),
        (
            "collect.nv-metrics.test"
            | "collect.qx-insights.test"
            | "px.tailbeam.test"
            | "stats.selfhosted-analytics.test",
            _,
        ) => Some(respond(204, "text/plain", "")),
        (channels::SITE, p) if channels::site_file(p).is_some() => {
            Some(channels::site_file(p).expect("checked"))
        }
        ("cdn-static.test", p) if p.starts_with("/img/") => {
            Some(respond(200, "image/png", vec![0u8; 8 * 1024]))
        }
        ("cdn-static.test", p) if p.starts_with("/js/") => {
            let mut js = String::from("/* a library */\n");
            while js.len() < 30 * 1024 {
                js.push_str("var pcFiller = (function (x) { return Some(x * 2); })(21);\n");
            }
            Some(respond(200, "application/javascript", js))
        }
        ("cdn-static.test", _) => Some(respond(
            200,
            "text/css",
            "body { font-family: sans-serif; max-width: 60em; margin: auto; }",
        )),
        _ => None,
    }
}

/// What a listed or generated site is, as its visitor (GPC or not) gets it.
fn site_kind(host: &str, sec_gpc: bool) -> Option<Kind> {
    Some(match (sites::find(host), sites::bench_kind(host)) {
        // A site that honours Global Privacy Control leaves its trackers out.
        (Some(site), _) if sec_gpc && sites::HONOURS_SEC_GPC.contains(&site.domain) => {
            match site.kind {
                Kind::Page {
                    form,
                    search,
                    extra,
                    ..
                } => Kind::Page {
                    trackers: &[],
                    form,
                    search,
                    extra,
                },
                k => k,
            }
        }
        (Some(site), _) => site.kind,
        (None, Some(kind)) => kind,
        (None, None) => return None,
    })
}

/// A site page's paths: its pages, search results, its own endpoints and hostile pages' targets.
fn page_route(
    host: &str,
    path: &str,
    query: Option<&str>,
    kind: Kind,
    variant: u8,
) -> Response<Body> {
    match path {
        "/" | "/landing" => respond(
            200,
            "text/html; charset=utf-8",
            sites::page_html(
                host,
                sites::variant_trackers(host, kind, variant),
                "/",
                None,
            ),
        ),
        "/search" => {
            let q = query.and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "q")
                    .map(|(_, v)| v.into_owned())
            });
            respond(
                200,
                "text/html; charset=utf-8",
                sites::page_html(
                    host,
                    sites::variant_trackers(host, kind, variant),
                    "/search",
                    q.as_deref(),
                ),
            )
        }
        "/api/collect" => respond(200, "application/json", r#"{"ok":true}"#),
        "/attachment.bin" => attachment(),
        "/popup" => respond(200, "text/html; charset=utf-8", hostile::POPUP_PAGE),
        "/nest" => {
            let d = query
                .and_then(|q| q.strip_prefix("d="))
                .and_then(|d| d.parse().ok())
                .unwrap_or(1);
            respond(200, "text/html; charset=utf-8", hostile::nest_page(d))
        }
        p if p == footprint::SPIN_SW_PATH => {
            respond(200, "application/javascript", footprint::SPIN_SW)
        }
        "/popup-beacon" | "/after-cookies.gif" => respond(204, "text/plain", ""),
        "/self-submit" => respond(
            200,
            "text/html",
            "<!doctype html><title>Saved</title><p>The page submitted its own form.</p>",
        ),
        p if p == hostile::NEVER_SUBMIT => respond(
            200,
            "text/html",
            "<!doctype html><title>Submitted</title><p>A form was submitted.</p>",
        ),
        "/subscribe" => respond(
            200,
            "text/html",
            "<!doctype html><title>Subscribed</title><p>A form was submitted.</p>",
        ),
        _ => respond(404, "text/html", "<!doctype html><title>Not found</title>"),
    }
}

/// A bot wall's page (cleared or not) and its challenge's resources.
fn wall_route(
    host: &str,
    path: &str,
    query: Option<&str>,
    vendor: kinds::WallKind,
    status: u16,
    clears: bool,
) -> Response<Body> {
    match path {
        "/" if clears && query.is_some_and(|q| q.contains(walls::CLEARED)) => ga4_page(host),
        "/" => respond(
            status,
            "text/html; charset=utf-8",
            walls::page(vendor, host, clears),
        ),
        // The challenge's own scripts and frames.
        p if p.ends_with(".js") => respond(200, "application/javascript", "/* challenge */"),
        _ => respond(200, "text/html", "<!doctype html><title>challenge</title>"),
    }
}

/// The failing and special sites: http only, redirects, errors, JSON, a hang, loops,
/// downloads, unreachable ones.
fn other_route(host: &str, query: Option<&str>, kind: Kind) -> Response<Body> {
    match kind {
        Kind::HttpOnly => ga4_page(host),
        Kind::Redirect(to) => {
            let mut r = respond(301, "text/html", "<!doctype html><title>Moved</title>");
            r.headers_mut()
                .insert("Location", hyper::header::HeaderValue::from_static(to));
            r
        }
        Kind::Status(code) => respond(
            code,
            "text/html; charset=utf-8",
            format!(
                "<!doctype html><title>Error {code}</title><h1>Error {code}</h1><script async src=\"https://www.googletagmanager.com/gtag/js?id={}\"></script>",
                sites::GA4_ID
            ),
        ),
        Kind::Json => respond(
            200,
            "application/json",
            r#"{"api":"json-api.test","items":[1,2,3]}"#,
        ),
        Kind::Hang => {
            // The first bytes of a page, then nothing: the load never finishes.
            let stream = futures_util::stream::unfold(0u8, |n| async move {
                if n == 0 {
                    Some((Ok::<_, Infallible>(Frame::data(Bytes::from_static(b"<!doctype html><html><head><title>Loading</title></head><body><p>Loading"))), 1))
                } else {
                    tokio::time::sleep(Duration::from_secs(600)).await;
                    None
                }
            });
            Response::builder()
                .status(200)
                .header("Content-Type", "text/html; charset=utf-8")
                .body(BodyExt::boxed(StreamBody::new(stream)))
                .expect("valid response")
        }
        Kind::RedirectLoop => {
            let n: u64 = query.and_then(|q| q.parse().ok()).unwrap_or(0);
            let mut r = respond(302, "text/html", "<!doctype html><title>Again</title>");
            r.headers_mut().insert(
                "Location",
                hyper::header::HeaderValue::from_str(&format!("/loop?{}", n + 1))
                    .expect("valid header"),
            );
            r
        }
        Kind::Download => attachment(),
        Kind::Reset | Kind::TlsBroken | Kind::NxDomain | Kind::Silent => respond(
            StatusCode::BAD_GATEWAY.as_u16(),
            "text/plain",
            "unreachable",
        ),
        Kind::Page { .. } | Kind::Wall { .. } => unreachable!("routed before"),
    }
}
