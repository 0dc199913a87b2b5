//! `--proxy`: crawling from another vantage point. The proxy's URL is checked when the options
//! are parsed; its credentials come from an environment variable (never from the command
//! line, never written to the store, the logs or Chromium's arguments); before the first
//! visit a [`preflight`] opens a connection through the proxy to a site of the list — no
//! outside service is asked — and, with `--echo-url`, fetches that page through it to learn
//! the exit address. Chromium then reaches the web only through the [`super::relay`].

use super::relay::{self, Kind, Relay, TunnelError, Upstream};
use std::time::Duration;

/// Where the credentials are read from unless `--proxy-auth-env` names another variable.
pub const DEFAULT_AUTH_ENV: &str = "PIXELCENSUS_PROXY_AUTH";

/// clap's parser of `--proxy`: [`check_proxy`], with an error that does not repeat the value
/// (it may hold a password).
#[derive(Clone, Copy, Debug)]
pub struct ProxyParser;

impl clap::builder::TypedValueParser for ProxyParser {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let s = value.to_str().unwrap_or_default();
        check_proxy(s).map_err(|e| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value for '--proxy <URL>': {e}\n"),
            )
        })
    }
}

/// Checks a `--proxy` value: `socks5://HOST:PORT`, `socks5h://HOST:PORT` or
/// `http://HOST:PORT`, nothing else (credentials go in the environment).
pub fn check_proxy(s: &str) -> Result<String, String> {
    let u = url::Url::parse(s).map_err(|e| {
        format!("not a proxy URL ({e}); write socks5://HOST:PORT or http://HOST:PORT")
    })?;
    if !matches!(u.scheme(), "socks5" | "socks5h" | "http") {
        return Err(format!(
            "proxy scheme `{}` is not supported: use socks5://, socks5h:// or http://",
            u.scheme()
        ));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(format!(
            "put no credentials in --proxy (they would be seen in the process list and recorded): give `user:password` in the environment variable {DEFAULT_AUTH_ENV} (or the one --proxy-auth-env names)"
        ));
    }
    let host = u.host_str().filter(|h| !h.is_empty()).ok_or_else(|| {
        format!("`{s}` names no proxy host; write socks5://HOST:PORT or http://HOST:PORT")
    })?;
    let port = u
        .port()
        .ok_or_else(|| format!("`{s}` names no port; write {}://{host}:PORT", u.scheme()))?;
    if !matches!(u.path(), "" | "/") || u.query().is_some() {
        return Err(format!("`{s}`: a proxy URL has no path or query"));
    }
    Ok(format!("{}://{host}:{port}", u.scheme()))
}

/// Checks a `--proxy-auth-env` value: an environment variable's name.
pub fn check_env_name(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not an environment variable's name (letters, digits and _)"
        ))
    }
}

/// The upstream proxy of a checked `--proxy` value, with the credentials of `env` when it
/// is set (`user:password`).
pub fn upstream(proxy: &str, env: &str) -> Result<Upstream, String> {
    let (scheme, addr) = proxy
        .split_once("://")
        .ok_or_else(|| format!("`{proxy}` is not a proxy URL"))?;
    let kind = match scheme {
        // Chromium's own socks5:// hands host names to the proxy too: both mean the same.
        "socks5" | "socks5h" => Kind::Socks5,
        "http" => Kind::Http,
        other => return Err(format!("proxy scheme `{other}` is not supported")),
    };
    let auth = match std::env::var(env) {
        Ok(v) if !v.is_empty() => {
            let (user, pass) = v.split_once(':').ok_or_else(|| {
                format!("the environment variable {env} must hold `user:password`")
            })?;
            Some((user.to_string(), pass.to_string()))
        }
        _ => None,
    };
    Ok(Upstream {
        kind,
        addr: addr.to_string(),
        auth,
    })
}

/// What the preflight found.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The connection opened through the proxy (`host:port`), and the proxy's answer when it
    /// could not reach that site (the proxy itself worked).
    pub tunnel: String,
    /// `--echo-url`'s answer through the proxy (first line, at most 64 printable characters).
    pub exit_address: Option<String>,
}

/// Checks the proxy works before anything is visited: a connection through it to `host`
/// (a site of the list: port 443, or 80 when it answers nothing there), and the echo URL
/// fetched through the relay. Err says what failed; nothing has been crawled then.
pub async fn preflight(
    up: &Upstream,
    relay: &Relay,
    host: &str,
    echo_url: Option<&str>,
    insecure: bool,
) -> Result<Checked, String> {
    let mut tunnel = format!("{host}:443");
    match relay::open_tunnel(up, host, 443).await {
        Ok(_) => {}
        Err(TunnelError::Proxy(e)) => return Err(e),
        Err(TunnelError::Target(_, why)) => {
            tracing::warn!("preflight: {why}; the proxy itself answers");
            tunnel = format!("{tunnel} ({why})");
        }
    }
    let exit_address = match echo_url {
        None => None,
        Some(url) => Some(echo(relay, url, insecure).await?),
    };
    Ok(Checked {
        tunnel,
        exit_address,
    })
}

/// The first line of `url`'s answer, fetched through the relay.
async fn echo(relay: &Relay, url: &str, insecure: bool) -> Result<String, String> {
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let via = reqwest::Proxy::all(format!("socks5h://{}", relay.addr()))
        .map_err(|e| format!("--echo-url: {e}"))?;
    let client = reqwest::Client::builder()
        .proxy(via)
        .timeout(Duration::from_secs(30))
        .tls_danger_accept_invalid_certs(insecure)
        .build()
        .map_err(|e| format!("--echo-url: {e}"))?;
    let resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("--echo-url {url} through the proxy: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!(
            "--echo-url {url} through the proxy answered {}",
            resp.status()
        ));
    }
    let text = resp
        .text()
        .await
        .map_err(|e| format!("--echo-url {url}: {e}"))?;
    let line: String = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    if line.is_empty() {
        return Err(format!("--echo-url {url} answered nothing"));
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_are_checked_and_carry_no_credentials() {
        assert_eq!(
            check_proxy("socks5h://10.0.0.1:1080").unwrap(),
            "socks5h://10.0.0.1:1080"
        );
        assert_eq!(
            check_proxy("http://proxy.example:3128/").unwrap(),
            "http://proxy.example:3128"
        );
        let creds = check_proxy("http://me:secret@proxy.example:3128").unwrap_err();
        assert!(
            creds.contains(DEFAULT_AUTH_ENV) && !creds.contains("secret"),
            "{creds}"
        );
        assert!(check_proxy("socks4://h:1").unwrap_err().contains("socks4"));
        assert!(check_proxy("http://h").unwrap_err().contains("no port"));
        assert!(check_proxy("h:1080").is_err());
        assert!(check_env_name("MY_PROXY_1").is_ok());
        assert!(check_env_name("1X").is_err() && check_env_name("A-B").is_err());
    }

    #[test]
    fn credentials_come_from_the_environment() {
        // A variable of this test only.
        let env = "PIXELCENSUS_TEST_PROXY_AUTH_UNIT";
        // SAFETY: no other test reads or writes this variable.
        unsafe { std::env::set_var(env, "alice:s3:cret") };
        let up = upstream("socks5://127.0.0.1:1080", env).unwrap();
        assert_eq!(up.kind, Kind::Socks5);
        assert_eq!(up.auth, Some(("alice".into(), "s3:cret".into())));
        unsafe { std::env::set_var(env, "no-colon") };
        assert!(upstream("http://127.0.0.1:3128", env).is_err());
        unsafe { std::env::remove_var(env) };
        assert_eq!(upstream("http://127.0.0.1:3128", env).unwrap().auth, None);
    }
}
