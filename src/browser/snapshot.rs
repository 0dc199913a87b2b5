//! A screenshot of a local page (a report) in headless Chromium, for `pixelcensus demo`,
//! which keeps report.png beside report.html. The page can reach nothing: every host name
//! resolves nowhere.

use super::driver::Driver;
use super::session::Session;
use super::{BrowserConfig, BrowserError};
use std::path::Path;
use std::time::Duration;

/// Opens `page` (a local file) at 1100 px wide and returns a PNG of the whole page (up to
/// 8000 px tall). `root` holds the browser's profile and chromedriver's home.
pub async fn screenshot(
    page: &Path,
    chromium: &Path,
    chromedriver: &Path,
    root: &Path,
) -> Result<Vec<u8>, BrowserError> {
    let mut d = Driver::start(
        chromedriver,
        &root.join("chromedriver.log"),
        &root.join("home"),
    )
    .await?;
    let cfg = BrowserConfig {
        chromium: chromium.to_owned(),
        chromedriver: chromedriver.to_owned(),
        webdriver: None,
        host_map: Some("MAP * ~NOTFOUND".into()),
        proxy: None,
        insecure: false,
        user_agent: super::user_agent_for(super::FALLBACK_MAJOR),
        emulation: Default::default(),
        command_timeout: Duration::from_secs(30),
        profile_root: root.to_owned(),
    };
    let shot = async {
        let s = Session::start(d.url(), &cfg, 0).await?;
        let page = std::path::absolute(page).unwrap_or_else(|_| page.to_owned());
        let url = format!("file://{}", page.display());
        let r = async {
            s.timed("opening the report", s.client().goto(&url)).await?;
            let height = s
                .timed(
                    "measuring the report",
                    s.client()
                        .execute("return document.documentElement.scrollHeight", vec![]),
                )
                .await?
                .as_u64()
                .unwrap_or(2000)
                .clamp(600, 8000);
            s.timed(
                "sizing the window",
                s.client().set_window_size(1100, height as u32 + 140),
            )
            .await?;
            s.timed("taking the screenshot", s.client().screenshot())
                .await
        }
        .await;
        s.close().await;
        r
    }
    .await;
    d.shutdown().await;
    shot
}
