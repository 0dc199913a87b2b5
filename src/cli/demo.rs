//! `pixelcensus demo`: the built-in test web served in-process and crawled, offline; a
//! screenshot of the report beside it.

use super::crawl_dir;
use anyhow::{Context, Result};
use clap::Args;
use pixelcensus::browser;
use pixelcensus::plan::CrawlOpts;
use pixelcensus_testweb as testweb;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    crawl: CrawlOpts,
    /// Output folder.
    #[arg(long, default_value = "results/demo")]
    out: PathBuf,
    /// Another list of test-web sites (default: the built-in list, written into the output
    /// folder as demo-sites.csv).
    #[arg(long)]
    list: Option<PathBuf>,
}

/// `demo`: serve the test web, crawl it, take the report's picture.
pub async fn run(a: DemoArgs, quiet: bool) -> Result<ExitCode> {
    let out = crawl_dir(Some(a.out), None)?;
    let list = match a.list {
        Some(l) => l,
        None => {
            std::fs::create_dir_all(&out)
                .with_context(|| format!("creating output folder {}", out.display()))?;
            let l = out.join("demo-sites.csv");
            std::fs::write(&l, testweb::sites::tranco_csv())
                .with_context(|| format!("writing {}", l.display()))?;
            l
        }
    };
    let web = testweb::TestWeb::start(0, None)
        .await
        .context("starting the test web")?;
    if !quiet {
        eprintln!(
            "pixelcensus: test web on 127.0.0.1:{} (every host name maps there)",
            web.port()
        );
    }
    let mut opts = a.crawl;
    opts.host_map = Some(web.host_map());
    opts.insecure = true;
    let (chromium, chromedriver) = (opts.chromium.clone(), opts.chromedriver.clone());
    let code = super::crawl::crawl(&list, &out, opts, quiet).await?;
    web.stop();
    if code == ExitCode::SUCCESS {
        screenshot(&out, &chromium, &chromedriver, quiet).await;
    }
    Ok(code)
}

/// report.png beside report.html, as the page looks in the browser. A failure is a warning:
/// the datasets and the report are already written.
async fn screenshot(out: &Path, chromium: &Path, chromedriver: &Path, quiet: bool) {
    let page = out.join("report.html");
    let png = out.join("report.png");
    let root = match tempfile::tempdir() {
        Ok(r) => r,
        Err(e) => return eprintln!("pixelcensus: warning: no screenshot of the report: {e}"),
    };
    match browser::snapshot::screenshot(&page, chromium, chromedriver, root.path()).await {
        Ok(bytes) => match std::fs::write(&png, bytes) {
            Ok(()) if !quiet => eprintln!("  screenshot of the report: {}", png.display()),
            Ok(()) => {}
            Err(e) => eprintln!("pixelcensus: warning: writing {}: {e}", png.display()),
        },
        Err(e) => eprintln!("pixelcensus: warning: no screenshot of the report: {e}"),
    }
    browser::procs::kill_under(root.path());
}
