//! The crawl's one way out when it goes through a proxy (`--proxy`): a SOCKS5 server on a
//! loopback port of this machine that Chromium is pointed at, which opens every connection
//! through the upstream proxy — SOCKS5 (with a user name and password when given, which
//! Chromium itself cannot send) or HTTP `CONNECT` (with Basic credentials). Host names are
//! handed to the proxy as they come: nothing is resolved on this machine.
//!
//! Being the single choke point, it also keeps the vantage honest: when the proxy itself
//! fails (cannot be reached, refuses the credentials, or breaks the handshake — not when it
//! answers that a site is unreachable) and still fails on two more tries, the relay is *lost*
//! before Chromium hears of the failure, and the crawl stops without recording anything more
//! ([`Health`]).

use base64::Engine;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the upstream proxy is spoken to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SOCKS5 (RFC 1928), host names resolved by the proxy.
    Socks5,
    /// HTTP `CONNECT`, for every port.
    Http,
}

/// The upstream proxy and its credentials (never shown: see the `Debug` impl).
#[derive(Clone)]
pub struct Upstream {
    /// Its protocol.
    pub kind: Kind,
    /// `host:port`.
    pub addr: String,
    /// User name and password.
    pub auth: Option<(String, String)>,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("kind", &self.kind)
            .field("addr", &self.addr)
            .field("auth", &self.auth.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

/// Why a tunnel could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TunnelError {
    /// The proxy itself failed (unreachable, credentials refused, broken handshake): the
    /// vantage is in doubt.
    Proxy(String),
    /// The proxy answered that it cannot reach the site (the SOCKS5 reply code to pass on).
    Target(u8, String),
}

impl std::fmt::Display for TunnelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TunnelError::Proxy(m) | TunnelError::Target(_, m) => f.write_str(m),
        }
    }
}

/// How long a proxy may take to accept a connection and answer a handshake.
const HANDSHAKE: Duration = Duration::from_secs(15);

/// Opens a connection to `host:port` through `up`.
pub async fn open_tunnel(up: &Upstream, host: &str, port: u16) -> Result<TcpStream, TunnelError> {
    let proxy = |e: String| TunnelError::Proxy(format!("proxy {}: {e}", up.addr));
    let mut s = tokio::time::timeout(HANDSHAKE, TcpStream::connect(&up.addr))
        .await
        .map_err(|_| proxy("no answer to a connection within 15 s".into()))?
        .map_err(|e| proxy(format!("cannot connect: {e}")))?;
    let _ = s.set_nodelay(true);
    let shake = async {
        match up.kind {
            Kind::Socks5 => socks5_connect(&mut s, up, host, port).await,
            Kind::Http => http_connect(&mut s, up, host, port).await,
        }
    };
    match tokio::time::timeout(HANDSHAKE, shake).await {
        Err(_) => Err(proxy("handshake not answered within 15 s".into())),
        Ok(Err(TunnelError::Proxy(e))) => Err(proxy(e)),
        Ok(Err(e)) => Err(e),
        Ok(Ok(())) => Ok(s),
    }
}

async fn socks5_connect(
    s: &mut TcpStream,
    up: &Upstream,
    host: &str,
    port: u16,
) -> Result<(), TunnelError> {
    socks5_auth(s, up).await?;
    if host.len() > 255 {
        return Err(TunnelError::Target(
            1,
            format!("host name too long: {host}"),
        ));
    }
    let mut req = vec![5, 1, 0];
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            req.push(1);
            req.extend_from_slice(&ip.octets());
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            req.push(4);
            req.extend_from_slice(&ip.octets());
        }
        Err(_) => {
            req.push(3);
            req.push(host.len() as u8);
            req.extend_from_slice(host.as_bytes());
        }
    }
    req.extend_from_slice(&port.to_be_bytes());
    s.write_all(&req).await.map_err(socks_broken)?;
    let mut head = [0u8; 4];
    s.read_exact(&mut head).await.map_err(socks_broken)?;
    if head[0] != 5 {
        return Err(TunnelError::Proxy("SOCKS5 reply malformed".into()));
    }
    let rest = match head[3] {
        1 => 4 + 2,
        4 => 16 + 2,
        3 => {
            let mut n = [0u8; 1];
            s.read_exact(&mut n).await.map_err(socks_broken)?;
            n[0] as usize + 2
        }
        _ => return Err(TunnelError::Proxy("SOCKS5 reply malformed".into())),
    };
    let mut skip = vec![0u8; rest];
    s.read_exact(&mut skip).await.map_err(socks_broken)?;
    match head[1] {
        0 => Ok(()),
        code => Err(TunnelError::Target(
            code,
            format!("the proxy cannot reach {host}:{port} (SOCKS5 reply {code})"),
        )),
    }
}

/// A SOCKS5 exchange that broke off.
fn socks_broken(e: std::io::Error) -> TunnelError {
    TunnelError::Proxy(format!("SOCKS5 handshake broken: {e}"))
}

/// The SOCKS5 greeting and, when the proxy asks for them, the user name and password
/// (RFC 1929).
async fn socks5_auth(s: &mut TcpStream, up: &Upstream) -> Result<(), TunnelError> {
    let greeting: &[u8] = if up.auth.is_some() {
        &[5, 2, 0, 2]
    } else {
        &[5, 1, 0]
    };
    s.write_all(greeting).await.map_err(socks_broken)?;
    let mut chosen = [0u8; 2];
    s.read_exact(&mut chosen).await.map_err(socks_broken)?;
    match (chosen, &up.auth) {
        ([5, 0], _) => Ok(()),
        ([5, 2], Some((user, pass))) => {
            if user.len() > 255 || pass.len() > 255 {
                return Err(TunnelError::Proxy(
                    "SOCKS5 user names and passwords are at most 255 bytes".into(),
                ));
            }
            let mut m = vec![1, user.len() as u8];
            m.extend_from_slice(user.as_bytes());
            m.push(pass.len() as u8);
            m.extend_from_slice(pass.as_bytes());
            s.write_all(&m).await.map_err(socks_broken)?;
            let mut status = [0u8; 2];
            s.read_exact(&mut status).await.map_err(socks_broken)?;
            if status[1] != 0 {
                return Err(TunnelError::Proxy(
                    "the proxy refused the user name and password".into(),
                ));
            }
            Ok(())
        }
        ([5, 0xff], None) | ([5, 2], None) => Err(TunnelError::Proxy(
            "the proxy wants a user name and password (give them in the environment variable --proxy-auth-env names)".into(),
        )),
        ([5, 0xff], Some(_)) => Err(TunnelError::Proxy(
            "the proxy accepts no user name and password".into(),
        )),
        (other, _) => Err(TunnelError::Proxy(format!(
            "not a SOCKS5 proxy (it answered {other:02x?})"
        ))),
    }
}

async fn http_connect(
    s: &mut TcpStream,
    up: &Upstream,
    host: &str,
    port: u16,
) -> Result<(), TunnelError> {
    let broken = |e: std::io::Error| TunnelError::Proxy(format!("CONNECT broken: {e}"));
    let target = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut req = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some((user, pass)) = &up.auth {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        req.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.map_err(broken)?;
    // The answer's head, read a byte at a time so nothing of the tunnel is consumed.
    let mut head = Vec::with_capacity(256);
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 {
            return Err(TunnelError::Proxy("CONNECT answer too long".into()));
        }
        match s.read(&mut b).await.map_err(broken)? {
            0 => return Err(TunnelError::Proxy("CONNECT answer cut off".into())),
            _ => head.push(b[0]),
        }
    }
    let line = String::from_utf8_lossy(&head);
    let line = line.lines().next().unwrap_or_default().to_string();
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| TunnelError::Proxy(format!("not an HTTP proxy (it answered `{line}`)")))?;
    match status {
        200..=299 => Ok(()),
        // tinyproxy answers wrong credentials with 401.
        401 | 407 if up.auth.is_some() => Err(TunnelError::Proxy(
            "the proxy refused the user name and password".into(),
        )),
        407 => Err(TunnelError::Proxy(
            "the proxy wants a user name and password (give them in the environment variable --proxy-auth-env names)".into(),
        )),
        // Bad gateway, gateway timeout, forbidden destination: the site, not the proxy.
        _ => Err(TunnelError::Target(
            4,
            format!("the proxy cannot reach {target} ({line})"),
        )),
    }
}

/// Whether the relay may still be trusted, and what went through it.
#[derive(Debug, Default)]
pub struct Health {
    lost: Mutex<Option<String>>,
    tunnels: AtomicU64,
    refused: AtomicU64,
    /// The proxy, for [`Health::check`].
    up: std::sync::OnceLock<Arc<Upstream>>,
}

impl Health {
    /// Why the proxy was given up on, once it was.
    pub fn lost(&self) -> Option<String> {
        self.lost.lock().unwrap().clone()
    }

    /// Gives the proxy up (the first reason is kept).
    pub fn lose(&self, why: String) {
        let mut l = self.lost.lock().unwrap();
        if l.is_none() {
            tracing::error!("{why}");
            *l = Some(why);
        }
    }

    /// Asks the proxy for a tunnel to `host:port` now, as the relay would (three tries): a
    /// visit failed, and a proxy that died with the visit's tunnels open shows nothing to the
    /// relay until a new one is asked for. A proxy-level failure gives the proxy up; the
    /// proxy's answer that it cannot reach the site means the site failed, not the proxy.
    pub async fn check(&self, host: &str, port: u16) {
        let Some(up) = self.up.get() else {
            return;
        };
        let mut tries = RETRIES.iter();
        loop {
            if self.lost().is_some() {
                return;
            }
            match open_tunnel(up, host, port).await {
                Ok(_) | Err(TunnelError::Target(..)) => return,
                Err(TunnelError::Proxy(why)) => match tries.next() {
                    Some(wait) => tokio::time::sleep(*wait).await,
                    None => {
                        return self.lose(format!(
                            "{why} (3 tries, checking {host}:{port} after a failed visit)"
                        ));
                    }
                },
            }
        }
    }

    /// Tunnels opened so far.
    pub fn tunnels(&self) -> u64 {
        self.tunnels.load(Ordering::Relaxed)
    }

    /// Tunnels the proxy said it could not open to their sites.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

/// A running relay; dropping it stops it.
pub struct Relay {
    addr: SocketAddr,
    health: Arc<Health>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Waits before the second and third try of a tunnel the proxy itself failed.
const RETRIES: [Duration; 2] = [Duration::from_millis(300), Duration::from_secs(1)];

impl Relay {
    /// Starts relaying to `up` on a free loopback port.
    pub async fn start(up: Upstream) -> std::io::Result<Relay> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let health = Arc::new(Health::default());
        let (h, up) = (health.clone(), Arc::new(up));
        let _ = health.up.set(up.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let (h, up) = (h.clone(), up.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &up, &h).await;
                });
            }
        });
        Ok(Relay { addr, health, task })
    }

    /// Where Chromium is pointed: `socks5://127.0.0.1:PORT`.
    pub fn proxy_server(&self) -> String {
        format!("socks5://{}", self.addr)
    }

    /// The loopback address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its health, shared with the crawl.
    pub fn health(&self) -> Arc<Health> {
        self.health.clone()
    }
}

/// One client connection: the SOCKS5 server side, then the tunnel, then bytes both ways.
async fn serve(mut c: TcpStream, up: &Upstream, health: &Health) -> std::io::Result<()> {
    let _ = c.set_nodelay(true);
    let (host, port) = match tokio::time::timeout(HANDSHAKE, accept_socks5(&mut c)).await {
        Ok(Ok(Some(target))) => target,
        _ => return Ok(()),
    };
    let mut tries = RETRIES.iter();
    let upstream = loop {
        if health.lost().is_some() {
            return reply(&mut c, 1).await;
        }
        match open_tunnel(up, &host, port).await {
            Ok(s) => break s,
            Err(TunnelError::Target(code, why)) => {
                tracing::debug!("{why}");
                health.refused.fetch_add(1, Ordering::Relaxed);
                return reply(&mut c, code).await;
            }
            Err(TunnelError::Proxy(why)) => match tries.next() {
                Some(wait) => tokio::time::sleep(*wait).await,
                None => {
                    health.lose(format!("{why} (3 tries, opening {host}:{port})"));
                    return reply(&mut c, 1).await;
                }
            },
        }
    };
    health.tunnels.fetch_add(1, Ordering::Relaxed);
    reply(&mut c, 0).await?;
    let mut upstream = upstream;
    if let Err(e) = tokio::io::copy_bidirectional(&mut c, &mut upstream).await
        && e.kind() == std::io::ErrorKind::ConnectionReset
    {
        // A reset is passed on as a reset (a plain close would look like an empty answer).
        reset(c);
        reset(upstream);
    }
    Ok(())
}

#[allow(deprecated)] // a zero linger resets at once; it does not block
fn reset(s: TcpStream) {
    let _ = s.set_linger(Some(Duration::ZERO));
    drop(s);
}

/// Reads a SOCKS5 greeting and CONNECT request (no authentication: the relay listens on
/// loopback only); None for anything else, after saying so to the client.
async fn accept_socks5<S: AsyncRead + AsyncWrite + Unpin>(
    c: &mut S,
) -> std::io::Result<Option<(String, u16)>> {
    let mut head = [0u8; 2];
    c.read_exact(&mut head).await?;
    let mut methods = vec![0u8; head[1] as usize];
    c.read_exact(&mut methods).await?;
    if head[0] != 5 || !methods.contains(&0) {
        c.write_all(&[5, 0xff]).await?;
        return Ok(None);
    }
    c.write_all(&[5, 0]).await?;
    let mut req = [0u8; 4];
    c.read_exact(&mut req).await?;
    let host = match req[3] {
        1 => {
            let mut a = [0u8; 4];
            c.read_exact(&mut a).await?;
            std::net::Ipv4Addr::from(a).to_string()
        }
        4 => {
            let mut a = [0u8; 16];
            c.read_exact(&mut a).await?;
            std::net::Ipv6Addr::from(a).to_string()
        }
        3 => {
            let mut n = [0u8; 1];
            c.read_exact(&mut n).await?;
            let mut name = vec![0u8; n[0] as usize];
            c.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => {
            reply(c, 8).await?;
            return Ok(None);
        }
    };
    let mut port = [0u8; 2];
    c.read_exact(&mut port).await?;
    if req[1] != 1 {
        // Only CONNECT: no BIND, no UDP (so no traffic can go around the proxy).
        reply(c, 7).await?;
        return Ok(None);
    }
    Ok(Some((host, u16::from_be_bytes(port))))
}

async fn reply<S: AsyncWrite + Unpin>(c: &mut S, code: u8) -> std::io::Result<()> {
    c.write_all(&[5, code, 0, 1, 0, 0, 0, 0, 0, 0]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal SOCKS5 proxy for the tests: user `u`, password `p` when `auth`; connects
    /// every request to `target`, and records the host names it was asked for.
    async fn fake_socks(auth: bool, target: SocketAddr) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let a = asked.clone();
        tokio::spawn(async move {
            while let Ok((mut c, _)) = l.accept().await {
                let a = a.clone();
                tokio::spawn(async move {
                    let mut g = [0u8; 2];
                    c.read_exact(&mut g).await.unwrap();
                    let mut m = vec![0u8; g[1] as usize];
                    c.read_exact(&mut m).await.unwrap();
                    if auth {
                        c.write_all(&[5, 2]).await.unwrap();
                        let mut v = [0u8; 2];
                        c.read_exact(&mut v).await.unwrap();
                        let mut u = vec![0u8; v[1] as usize];
                        c.read_exact(&mut u).await.unwrap();
                        let mut pl = [0u8; 1];
                        c.read_exact(&mut pl).await.unwrap();
                        let mut p = vec![0u8; pl[0] as usize];
                        c.read_exact(&mut p).await.unwrap();
                        let ok = u == b"u" && p == b"p";
                        c.write_all(&[1, if ok { 0 } else { 1 }]).await.unwrap();
                        if !ok {
                            return;
                        }
                    } else {
                        c.write_all(&[5, 0]).await.unwrap();
                    }
                    let mut r = [0u8; 5];
                    c.read_exact(&mut r).await.unwrap();
                    let mut name = vec![0u8; r[4] as usize + 2];
                    c.read_exact(&mut name).await.unwrap();
                    let host = String::from_utf8_lossy(&name[..r[4] as usize]).into_owned();
                    a.lock().unwrap().push(host.clone());
                    if host == "unreachable.test" {
                        c.write_all(&[5, 4, 0, 1, 0, 0, 0, 0, 0, 0]).await.unwrap();
                        return;
                    }
                    let mut t = TcpStream::connect(target).await.unwrap();
                    c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 80])
                        .await
                        .unwrap();
                    let _ = tokio::io::copy_bidirectional(&mut c, &mut t).await;
                });
            }
        });
        (addr, asked)
    }

    /// An echo server: answers each connection with what it reads.
    async fn echo() -> SocketAddr {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut c, _)) = l.accept().await {
                tokio::spawn(async move {
                    let (mut r, mut w) = c.split();
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                });
            }
        });
        addr
    }

    /// A client's SOCKS5 CONNECT to the relay; the reply code.
    async fn via_relay(relay: SocketAddr, host: &str) -> (TcpStream, u8) {
        let mut c = TcpStream::connect(relay).await.unwrap();
        c.write_all(&[5, 1, 0]).await.unwrap();
        let mut m = [0u8; 2];
        c.read_exact(&mut m).await.unwrap();
        assert_eq!(m, [5, 0]);
        let mut req = vec![5, 1, 0, 3, host.len() as u8];
        req.extend_from_slice(host.as_bytes());
        req.extend_from_slice(&443u16.to_be_bytes());
        c.write_all(&req).await.unwrap();
        let mut rep = [0u8; 10];
        c.read_exact(&mut rep).await.unwrap();
        (c, rep[1])
    }

    #[tokio::test]
    async fn relays_host_names_through_an_authenticating_socks5_proxy() {
        let (proxy, asked) = fake_socks(true, echo().await).await;
        let up = Upstream {
            kind: Kind::Socks5,
            addr: proxy.to_string(),
            auth: Some(("u".into(), "p".into())),
        };
        let relay = Relay::start(up).await.unwrap();
        let (mut c, code) = via_relay(relay.addr(), "site.test").await;
        assert_eq!(code, 0);
        c.write_all(b"hello").await.unwrap();
        let mut back = [0u8; 5];
        c.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"hello");
        // The proxy resolved the name, not this machine.
        assert_eq!(asked.lock().unwrap().as_slice(), ["site.test"]);
        // A site the proxy cannot reach is the site's failure, not the proxy's.
        let (_, code) = via_relay(relay.addr(), "unreachable.test").await;
        assert_eq!(code, 4);
        let h = relay.health();
        assert_eq!((h.tunnels(), h.refused(), h.lost()), (1, 1, None));
    }

    #[tokio::test]
    async fn wrong_credentials_or_a_dead_proxy_lose_the_relay() {
        let (proxy, _) = fake_socks(true, echo().await).await;
        let wrong = Upstream {
            kind: Kind::Socks5,
            addr: proxy.to_string(),
            auth: Some(("u".into(), "wrong".into())),
        };
        let err = open_tunnel(&wrong, "site.test", 443).await.unwrap_err();
        assert!(matches!(&err, TunnelError::Proxy(m) if m.contains("refused the user name")));
        // A port nothing listens on.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let dead = l.local_addr().unwrap().to_string();
        drop(l);
        let relay = Relay::start(Upstream {
            kind: Kind::Http,
            addr: dead,
            auth: None,
        })
        .await
        .unwrap();
        let (_, code) = via_relay(relay.addr(), "site.test").await;
        assert_eq!(code, 1);
        let lost = relay.health().lost().expect("lost");
        assert!(lost.contains("cannot connect"), "{lost}");
    }

    #[tokio::test]
    async fn a_failed_visit_asks_whether_the_proxy_is_still_there() {
        // Alive: the site's failure is the site's, also when the proxy cannot reach it.
        let (proxy, _) = fake_socks(false, echo().await).await;
        let relay = Relay::start(Upstream {
            kind: Kind::Socks5,
            addr: proxy.to_string(),
            auth: None,
        })
        .await
        .unwrap();
        relay.health().check("site.test", 443).await;
        relay.health().check("unreachable.test", 443).await;
        assert_eq!(relay.health().lost(), None);
        // Gone since the visit's tunnels were opened: given up, as a new tunnel would.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let dead = l.local_addr().unwrap().to_string();
        drop(l);
        let relay = Relay::start(Upstream {
            kind: Kind::Socks5,
            addr: dead,
            auth: None,
        })
        .await
        .unwrap();
        relay.health().check("site.test", 443).await;
        let lost = relay.health().lost().expect("lost");
        assert!(lost.contains("after a failed visit"), "{lost}");
    }

    #[tokio::test]
    async fn http_connect_sends_basic_credentials_and_reads_only_the_head() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let got = tokio::spawn(async move {
            let (mut c, _) = l.accept().await.unwrap();
            let mut buf = vec![0u8; 1024];
            let n = c.read(&mut buf).await.unwrap();
            c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\ntunnel-bytes")
                .await
                .unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        let up = Upstream {
            kind: Kind::Http,
            addr: addr.to_string(),
            auth: Some(("u".into(), "p".into())),
        };
        let mut s = open_tunnel(&up, "site.test", 80).await.unwrap();
        let mut rest = [0u8; 12];
        s.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"tunnel-bytes");
        let req = got.await.unwrap();
        assert!(
            req.starts_with("CONNECT site.test:80 HTTP/1.1\r\n"),
            "{req}"
        );
        assert!(req.contains("Proxy-Authorization: Basic dTpw\r\n"), "{req}");
        assert!(!format!("{up:?}").contains("\"p\""));
    }
}
