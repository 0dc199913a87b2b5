//! `pixelcensus testweb`: the built-in test web on a loopback port until Ctrl-C.

use anyhow::{Context, Result};
use clap::Args;
use pixelcensus_testweb as testweb;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct TestwebArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8443)]
    port: u16,
    /// Listen on these addresses instead (repeatable), e.g. `127.40.0.1:443` and
    /// `127.40.0.1:80` for proxies, which connect to the ports of the URLs (ports below 1024
    /// need root).
    #[arg(long, value_name = "ADDR:PORT", conflicts_with = "port")]
    listen: Vec<std::net::SocketAddr>,
    /// Print an /etc/hosts naming every host of the test web at this address and exit (for a
    /// proxy that must reach the test web: README, "Through a proxy").
    #[arg(long, value_name = "IP")]
    print_hosts: Option<std::net::IpAddr>,
    /// Append every received request to this file as a JSON line.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Print the test web's site list (Tranco format, as in seeds/demo-sites.csv) and exit.
    #[arg(long)]
    print_list: bool,
}

/// `testweb`: serve until Ctrl-C (or print the site list).
pub async fn run(a: TestwebArgs) -> Result<ExitCode> {
    if a.print_list {
        print!("{}", testweb::sites::tranco_csv());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(ip) = a.print_hosts {
        print!("{}", testweb::hosts_file(ip));
        return Ok(ExitCode::SUCCESS);
    }
    if !a.listen.is_empty() {
        let web = testweb::TestWeb::start_on(&a.listen, a.log.as_deref(), 0)
            .await
            .with_context(|| format!("cannot listen on {:?}", a.listen))?;
        eprintln!(
            "pixelcensus: test web listening on {:?} (https and http)",
            a.listen
        );
        tokio::signal::ctrl_c().await.ok();
        web.stop();
        return Ok(ExitCode::SUCCESS);
    }
    let port = a.port;
    let web = testweb::TestWeb::start(port, a.log.as_deref())
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}; pick another --port"))?;
    eprintln!(
        "pixelcensus: test web listening on 127.0.0.1:{} (https and http)",
        web.port()
    );
    eprintln!(
        "crawl it with:\n  pixelcensus crawl --list seeds/demo-sites.csv --out results/demo --insecure --host-map '{}'",
        web.host_map()
    );
    tokio::signal::ctrl_c().await.ok();
    web.stop();
    Ok(ExitCode::SUCCESS)
}
