//! The test web's own words for what a crawler should record: the outcome each site is built
//! to produce and the bot-wall vendors it imitates. Kept apart from pixelcensus's types on
//! purpose (the truth does not borrow the code under test); they are compared by their stored
//! names, which `tests/real_requests.rs` checks pixelcensus still spells the same way.

/// The outcome a site is built to give a visit (pixelcensus's `visits.outcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The page loaded.
    Ok,
    /// The name does not resolve.
    DnsError,
    /// Nothing answers, or the connection is reset.
    ConnectionError,
    /// The TLS handshake fails.
    TlsError,
    /// The page never finishes.
    Timeout,
    /// An HTTP error status.
    HttpError,
    /// Not an HTML page.
    NonHtml,
    /// Redirects without end.
    RedirectLoop,
    /// A bot wall that stays.
    BotWall,
}

impl Outcome {
    /// Every outcome the test web builds.
    pub const ALL: [Outcome; 9] = [
        Outcome::Ok,
        Outcome::DnsError,
        Outcome::ConnectionError,
        Outcome::TlsError,
        Outcome::Timeout,
        Outcome::HttpError,
        Outcome::NonHtml,
        Outcome::RedirectLoop,
        Outcome::BotWall,
    ];

    /// The name pixelcensus stores.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::DnsError => "dns_error",
            Outcome::ConnectionError => "connection_error",
            Outcome::TlsError => "tls_error",
            Outcome::Timeout => "timeout",
            Outcome::HttpError => "http_error",
            Outcome::NonHtml => "non_html",
            Outcome::RedirectLoop => "redirect_loop",
            Outcome::BotWall => "bot_wall",
        }
    }
}

/// The bot-wall vendor a walled site imitates (pixelcensus's `visits.wall`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WallKind {
    /// Cloudflare's challenge.
    Cloudflare,
    /// Akamai Bot Manager.
    Akamai,
    /// HUMAN (PerimeterX).
    Perimeterx,
    /// DataDome.
    Datadome,
    /// Imperva (Incapsula).
    Imperva,
    /// A CAPTCHA page of no known vendor.
    Captcha,
}

impl WallKind {
    /// Every wall the test web builds.
    pub const ALL: [WallKind; 6] = [
        WallKind::Cloudflare,
        WallKind::Akamai,
        WallKind::Perimeterx,
        WallKind::Datadome,
        WallKind::Imperva,
        WallKind::Captcha,
    ];

    /// The name pixelcensus stores.
    pub fn as_str(self) -> &'static str {
        match self {
            WallKind::Cloudflare => "cloudflare",
            WallKind::Akamai => "akamai",
            WallKind::Perimeterx => "perimeterx",
            WallKind::Datadome => "datadome",
            WallKind::Imperva => "imperva",
            WallKind::Captcha => "captcha",
        }
    }
}
