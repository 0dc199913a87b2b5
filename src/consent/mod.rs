//! The visitor's answer to consent banners, and Global Privacy Control. Part of the visit
//! stage: it talks to the browser and hands back a [`ConsentRecord`]; analysis reads that
//! record (never the browser) to tell requests sent before the choice from those after it.
//!
//! Banners are found and operated by DuckDuckGo's autoconsent (vendored under
//! `seeds/autoconsent/`, MPL-2.0), injected into every document with a shim of ours
//! (`shim.js`) that answers autoconsent in the page and keeps what it reports in
//! `window.__pcConsent`; the crawler polls that through WebDriver `execute`. Autoconsent runs
//! with no automatic action: it only detects, and the crawler sends `optIn` / `optOut` when
//! the mode asks. Where no rule knows the banner, `heuristic.js` looks for visible buttons
//! whose whole text means "accept all" / "reject all" in the common European languages
//! ([`ACCEPT_PHRASES`], [`REJECT_PHRASES`]) and clicks only that one button.

use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::{ConsentMode, ConsentRecord};
use serde_json::{Value, json};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The vendored autoconsent content script (version in [`AUTOCONSENT_VERSION`]).
pub const AUTOCONSENT_JS: &str = include_str!("../../seeds/autoconsent/autoconsent.playwright.js");
/// The vendored autoconsent declarative rules.
pub const AUTOCONSENT_RULES: &str = include_str!("../../seeds/autoconsent/rules.json");
/// The vendored autoconsent version.
pub const AUTOCONSENT_VERSION: &str = "16.23.0";
/// SHA-256 of [`AUTOCONSENT_JS`] (also in seeds/autoconsent/SOURCE.md).
pub const AUTOCONSENT_JS_SHA256: &str =
    "d5d1d372976129e25596e0959f85cb954eec4d783684da1055e3ac0dc4d9b58e";
/// SHA-256 of [`AUTOCONSENT_RULES`].
pub const AUTOCONSENT_RULES_SHA256: &str =
    "e4c2a7e84a5dc5d74104ec52fb1125fa68d088cb22c49043a917967aa82acb73";

/// The `cmp` value of a banner found by [`ACCEPT_PHRASES`] / [`REJECT_PHRASES`].
pub const HEURISTIC: &str = "heuristic";

/// Whole button texts (lower case, trimmed) that mean "accept all", in English, German,
/// French, Spanish, Italian, Dutch, Portuguese, Polish and the Nordic languages.
pub const ACCEPT_PHRASES: &[&str] = &[
    "accept all",
    "accept all cookies",
    "accept cookies",
    "allow all",
    "allow all cookies",
    "accept",
    "i accept",
    "agree",
    "i agree",
    "agree to all",
    "accept and close",
    "agree and close",
    "accept & close",
    "agree & close",
    "consent",
    "yes, i agree",
    "ok, i agree",
    "alle akzeptieren",
    "alles akzeptieren",
    "alle cookies akzeptieren",
    "akzeptieren",
    "zustimmen",
    "allen zustimmen",
    "alle zulassen",
    "alle erlauben",
    "einverstanden",
    "ich stimme zu",
    "akzeptieren und schließen",
    "tout accepter",
    "accepter",
    "accepter tout",
    "j'accepte",
    "accepter et fermer",
    "accepter & fermer",
    "tout autoriser",
    "autoriser tous les cookies",
    "accepter les cookies",
    "aceptar todo",
    "aceptar todas",
    "aceptar",
    "aceptar todas las cookies",
    "acepto",
    "permitir todas",
    "aceptar y cerrar",
    "accetta tutto",
    "accetta tutti",
    "accetta",
    "accetto",
    "accetta tutti i cookie",
    "accetta e chiudi",
    "alles accepteren",
    "accepteren",
    "alle cookies accepteren",
    "akkoord",
    "alles toestaan",
    "aceitar tudo",
    "aceitar todos",
    "aceitar",
    "aceito",
    "permitir todos",
    "zaakceptuj wszystko",
    "akceptuj wszystkie",
    "akceptuję",
    "zgadzam się",
    "acceptera alla",
    "godkänn alla",
    "tillåt alla",
    "accepter alle",
    "tillad alle",
    "godta alle",
    "godta",
    "hyväksy kaikki",
];

/// Whole button texts (lower case, trimmed) that mean "reject all" (or "only what is
/// necessary"), in the languages of [`ACCEPT_PHRASES`].
pub const REJECT_PHRASES: &[&str] = &[
    "reject all",
    "reject all cookies",
    "decline all",
    "deny all",
    "refuse all",
    "reject",
    "decline",
    "deny",
    "reject cookies",
    "decline cookies",
    "necessary cookies only",
    "only necessary cookies",
    "use necessary cookies only",
    "only essential cookies",
    "essential cookies only",
    "reject non-essential cookies",
    "continue without accepting",
    "disagree and close",
    "disagree",
    "i disagree",
    "do not consent",
    "alle ablehnen",
    "ablehnen und schließen",
    "alle ablehnen und schließen",
    "verweigern",
    "nur notwendige cookies verwenden",
    "alles ablehnen",
    "ablehnen",
    "nur notwendige cookies",
    "nur essenzielle cookies",
    "nur notwendige",
    "weiter ohne einwilligung",
    "tout refuser",
    "refuser",
    "refuser tout",
    "continuer sans accepter",
    "refuser les cookies",
    "refuser et fermer",
    "tout refuser et fermer",
    "je refuse",
    "rechazar todo",
    "rechazar todas",
    "rechazar",
    "solo necesarias",
    "no acepto",
    "rifiuta tutto",
    "rifiuta tutti",
    "rifiuta",
    "continua senza accettare",
    "non accetto",
    "solo necessari",
    "alles weigeren",
    "weigeren",
    "alleen noodzakelijke cookies",
    "alles afwijzen",
    "rejeitar tudo",
    "rejeitar todos",
    "recusar",
    "recusar todos",
    "odrzuć wszystko",
    "odrzuć wszystkie",
    "odrzuć",
    "avvisa alla",
    "neka alla",
    "endast nödvändiga",
    "afvis alle",
    "avvis alle",
    "hylkää kaikki",
];

/// A consent platform's default button texts, with where they were seen.
#[derive(Clone, Copy, Debug)]
pub struct PlatformTexts {
    /// The platform.
    pub platform: &'static str,
    /// Language of the texts.
    pub lang: &'static str,
    /// Its "accept all" button.
    pub accept: &'static str,
    /// Its "reject all" button (empty where the default notice has none).
    pub reject: &'static str,
    /// Where the texts come from.
    pub source: &'static str,
}

/// The default notice texts of the common consent platforms, each of which the text fallback
/// must recognise (a unit test checks them against [`ACCEPT_PHRASES`] / [`REJECT_PHRASES`]).
/// They matter where a site restyled its notice so that autoconsent's rule for the platform
/// no longer matches it.
pub const PLATFORM_DEFAULTS: &[PlatformTexts] = &[
    PlatformTexts {
        platform: "Didomi",
        lang: "en",
        accept: "Agree and close",
        reject: "Disagree and close",
        source: "Didomi's standard notice (buttons #didomi-notice-agree-button / #didomi-notice-disagree-button, the ids autoconsent 16.23.0's `didomi` rule clicks); the texts as reported in issue #9 and in public crawler code that clicks them",
    },
    PlatformTexts {
        platform: "Didomi",
        lang: "fr",
        accept: "Accepter & Fermer",
        reject: "Continuer sans accepter →",
        source: "Didomi's French notice: the disagree control of leboncoin.fr's notice (#didomi-notice-disagree-button) is named `continuer_sans_accepter` in public Selenium tests; Didomi's `.didomi-continue-without-agreeing` link (autoconsent `didomi` rule)",
    },
    PlatformTexts {
        platform: "Didomi",
        lang: "de",
        accept: "Zustimmen",
        reject: "Ablehnen und schließen",
        source: "willhaben.at's Didomi notice, per a public Playwright helper for Austrian sites (`/ablehnen und schlie(ss|ß)en/i, // willhaben`)",
    },
    PlatformTexts {
        platform: "OneTrust",
        lang: "en",
        accept: "Accept All Cookies",
        reject: "Reject All",
        source: "OneTrust's default banner (#onetrust-accept-btn-handler / #onetrust-reject-all-handler, autoconsent `Onetrust` rule)",
    },
    PlatformTexts {
        platform: "OneTrust",
        lang: "de",
        accept: "Alle Cookies akzeptieren",
        reject: "Alle ablehnen",
        source: "OneTrust's German banner (same ids)",
    },
    PlatformTexts {
        platform: "Cookiebot",
        lang: "en",
        accept: "Allow all",
        reject: "Deny",
        source: "support.cookiebot.com, `Cookiebot CMP default banner settings`; consentchecker.eu/en/kb/cookiebot (the reject button \"Deny\", the accept button \"Allow all\"); autoconsent `Cybotcookiebot` rule",
    },
    PlatformTexts {
        platform: "Cookiebot",
        lang: "en",
        accept: "Allow all",
        reject: "Use necessary cookies only",
        source: "Cookiebot's decline button in its necessary-only wording (#CybotCookiebotDialogBodyButtonDecline, described as `necessary cookies only` in public automation notes)",
    },
    PlatformTexts {
        platform: "Usercentrics",
        lang: "en",
        accept: "Accept All",
        reject: "Deny",
        source: "Usercentrics CMP v2 default first layer (autoconsent `usercentrics-api` rule)",
    },
    PlatformTexts {
        platform: "Quantcast Choice",
        lang: "en",
        accept: "AGREE",
        reject: "DISAGREE",
        source: "Quantcast Choice's summary buttons (.qc-cmp2-summary-buttons; autoconsent `quantcast` rule clicks #disagree-btn)",
    },
    PlatformTexts {
        platform: "Google Funding Choices",
        lang: "en",
        accept: "Consent",
        reject: "Do not consent",
        source: "Google's consent message (.fc-cta-consent / .fc-cta-do-not-consent, autoconsent `funding-choices` rule)",
    },
    PlatformTexts {
        platform: "consentmanager",
        lang: "de",
        accept: "Alle akzeptieren",
        reject: "Alle ablehnen",
        source: "consentmanager.net's cmpbox (.cmpboxbtnyes / .cmpboxbtnno, autoconsent `consentmanager.net` rule)",
    },
    PlatformTexts {
        platform: "Sourcepoint",
        lang: "en",
        accept: "Accept all",
        reject: "Reject all",
        source: "Sourcepoint messages (buttons .sp_choice_type_11 / .sp_choice_type_REJECT_ALL, autoconsent `Sourcepoint-frame` rule; title `REJECT ALL` in public reject-selector lists)",
    },
    PlatformTexts {
        platform: "autoconsent heuristic",
        lang: "en",
        accept: "I agree",
        reject: "I disagree",
        source: "autoconsent 16.23.0's own reject patterns (seeds/autoconsent/autoconsent.playwright.js, REJECT_PATTERNS_ENGLISH: `disagree`, `i disagree`, `disagree and close`)",
    },
];

/// How the visitor handles consent on every visit of a crawl.
#[derive(Clone, Debug)]
pub struct ConsentConfig {
    /// Send Global Privacy Control (`Sec-GPC: 1`, `navigator.globalPrivacyControl`).
    pub gpc: bool,
    /// How long to look for a banner after the page loaded before concluding there is none
    /// (modes accept and reject; the time counts toward the dwell).
    pub wait: Duration,
}

/// How long autoconsent may take to opt in or out once told to (its OneTrust rule alone
/// waits up to ~10 s for a settings dialog).
const ACTION_BUDGET: Duration = Duration::from_secs(15);
/// Time between two looks at the page's consent state.
const POLL: Duration = Duration::from_millis(150);

/// The script evaluated in every new http(s) document: the shim, then autoconsent (nothing
/// on about:blank and other local documents).
pub fn page_script() -> &'static str {
    static JS: OnceLock<String> = OnceLock::new();
    JS.get_or_init(|| {
        let config = json!({
            "enabled": true,
            "autoAction": null,
            "disabledCmps": [],
            "enablePrehide": false,
            "enableCosmeticRules": false,
            "enableGeneratedRules": true,
            "enableHeuristicDetection": false,
            "heuristicMode": "off",
            "detectRetries": 20,
            "isMainWorld": true,
            "logs": { "lifecycle": false, "rulesteps": false, "detectionsteps": false, "evals": false,
                      "errors": false, "messages": false, "waits": false },
        });
        let (generic, site) = split_rules();
        let shim = include_str!("shim.js")
            .replace("__PC_CONFIG__", &config.to_string())
            .replace("__PC_GENERIC_RULES__", &generic)
            .replace("__PC_SITE_RULES__", &site);
        format!(
            "(() => {{\nif (location.protocol !== 'http:' && location.protocol !== 'https:') return;\n{shim}\n{AUTOCONSENT_JS}\n}})();\n"
        )
    })
}

/// The vendored rules split for the page: the rules that apply anywhere as one JSON string,
/// and the site-specific ones (83 % of the bytes) as `[urlPattern, literals, rule JSON]`
/// triples, so a document parses only the rules whose pattern matches its own URL — the same
/// test autoconsent makes before it uses a site-specific rule. `literals` (see
/// [`required_literals`]) lets the page skip a pattern without compiling it when its URL
/// contains none of them: building ~600 regular expressions cost every document ~10 ms.
fn split_rules() -> (String, String) {
    let all: Value = serde_json::from_str(AUTOCONSENT_RULES).expect("vendored rules are JSON");
    let mut generic = Vec::new();
    let mut site = Vec::new();
    for r in all["autoconsent"].as_array().into_iter().flatten() {
        match r.pointer("/runContext/urlPattern").and_then(Value::as_str) {
            Some(p) if !p.is_empty() => {
                let literals = required_literals(p).unwrap_or_default();
                site.push((p.to_string(), literals, r.to_string()))
            }
            _ => generic.push(r.clone()),
        }
    }
    let generic = Value::Array(generic).to_string();
    (
        serde_json::to_string(&generic).expect("a string serialises"),
        serde_json::to_string(&site).expect("pairs serialise"),
    )
}

/// Substrings one of which every match of the JavaScript regular expression `pattern` (no
/// flags, as autoconsent's `url.match(urlPattern)` builds it) contains: for each top-level
/// alternative, its longest run of characters that no quantifier makes optional and no
/// group, class or wildcard interrupts. `None` when some alternative has no run of three or
/// more characters or uses syntax this reading does not follow (`{}` quantifiers, escapes
/// such as `\u0041` or `\1`): the page then tests the pattern itself.
fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let mut alternatives = vec![String::new()];
    let (mut depth, mut in_class, mut escaped) = (0usize, false, false);
    for c in pattern.chars() {
        let top = depth == 0 && !in_class && !escaped;
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.checked_sub(1)?,
            _ => {}
        }
        if top && c == '|' {
            alternatives.push(String::new());
        } else {
            alternatives
                .last_mut()
                .expect("one alternative at least")
                .push(c);
        }
    }
    if depth != 0 || in_class || escaped {
        return None;
    }
    alternatives
        .iter()
        .map(|a| longest_run(a).filter(|r| r.chars().count() >= 3))
        .collect()
}

/// The longest literal run of one alternative of a pattern (see [`required_literals`]).
fn longest_run(alternative: &str) -> Option<String> {
    let (mut best, mut run) = (String::new(), String::new());
    let finish = |run: &mut String, best: &mut String| {
        if run.len() > best.len() {
            *best = std::mem::take(run);
        }
        run.clear();
    };
    let mut chars = alternative.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                e if e.is_ascii_punctuation() => run.push(e),
                'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'b' | 'B' => finish(&mut run, &mut best),
                _ => return None,
            },
            '[' => {
                finish(&mut run, &mut best);
                let mut escaped = false;
                loop {
                    match chars.next()? {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        ']' => break,
                        _ => {}
                    }
                }
            }
            '(' => {
                finish(&mut run, &mut best);
                let (mut depth, mut in_class, mut escaped) = (1usize, false, false);
                while depth > 0 {
                    match chars.next()? {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '[' => in_class = true,
                        ']' => in_class = false,
                        '(' if !in_class => depth += 1,
                        ')' if !in_class => depth -= 1,
                        _ => {}
                    }
                }
            }
            // The atom before `?` or `*` may be absent: it leaves the run.
            '?' | '*' => {
                run.pop();
                finish(&mut run, &mut best);
            }
            '+' | '.' | '^' | '$' => finish(&mut run, &mut best),
            '{' => return None,
            c => run.push(c),
        }
    }
    finish(&mut run, &mut best);
    Some(best)
}

/// The heuristic script with its phrase lists.
fn heuristic_js() -> &'static str {
    static JS: OnceLock<String> = OnceLock::new();
    JS.get_or_init(|| {
        let phrases = json!({ "accept": ACCEPT_PHRASES, "reject": REJECT_PHRASES });
        include_str!("heuristic.js").replace("__PC_PHRASES__", &phrases.to_string())
    })
}

/// Reads the top document's consent state.
const STATE_JS: &str = "const s = window.__pcConsent; return s ? { cmp: s.cmp, popup: s.popup, result: s.result, clickAt: s.clickAt, reloaded: s.reloaded, attempts: s.attempts, events: s.events } : null;";

/// Sets a fresh browser up: autoconsent and the shim in every new document, and Global
/// Privacy Control when asked. Done once per browser; it holds for every later page.
pub async fn prepare_session(s: &Session, cfg: &ConsentConfig) -> Result<(), BrowserError> {
    let mut source = String::new();
    if cfg.gpc {
        source.push_str(
            "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true, enumerable: true });\n",
        );
        s.cdp(
            "Network.setExtraHTTPHeaders",
            json!({ "headers": { "Sec-GPC": "1" } }),
        )
        .await?;
    }
    source.push_str(page_script());
    s.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": source }),
    )
    .await?;
    Ok(())
}

/// The consent state as read from the page.
#[derive(Debug, Default)]
struct PageState {
    cmp: Option<String>,
    popup: Option<String>,
    result: Option<bool>,
    click_at: Option<f64>,
    /// This document is a reload after a click (its moment kept in session storage).
    reloaded: bool,
    attempts: u64,
    events: Vec<String>,
}

async fn read_state(s: &Session) -> Result<PageState, BrowserError> {
    let v = match s
        .timed("reading consent state", s.execute(STATE_JS, vec![]))
        .await
    {
        Ok(v) => v,
        Err(e) if e.is_lost() => return Err(e),
        Err(_) => Value::Null, // navigating: nothing to read this time
    };
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(PageState {
        cmp: text("cmp"),
        popup: text("popup"),
        result: v.pointer("/result/ok").and_then(Value::as_bool),
        click_at: v.get("clickAt").and_then(Value::as_f64),
        reloaded: v.get("reloaded").and_then(Value::as_bool).unwrap_or(false),
        attempts: v.get("attempts").and_then(Value::as_u64).unwrap_or(0),
        events: v
            .get("events")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The heuristic's answer.
#[derive(Debug, Default)]
struct Heuristic {
    accept: u64,
    reject: u64,
    clicked: Option<String>,
    at: Option<f64>,
    gone: Option<bool>,
}

impl Heuristic {
    fn found(&self) -> bool {
        self.accept + self.reject > 0
    }
}

async fn heuristic(s: &Session, action: &str) -> Result<Heuristic, BrowserError> {
    let v = match s
        .timed(
            "looking for a banner",
            s.client()
                .execute_async(heuristic_js(), vec![json!(action)]),
        )
        .await
    {
        Ok(v) => v,
        Err(e) if e.is_lost() => return Err(e),
        Err(_) => Value::Null,
    };
    Ok(Heuristic {
        accept: v.get("accept").and_then(Value::as_u64).unwrap_or(0),
        reject: v.get("reject").and_then(Value::as_u64).unwrap_or(0),
        clicked: v.get("clicked").and_then(Value::as_str).map(str::to_string),
        at: v.get("at").and_then(Value::as_f64),
        gone: v.get("gone").and_then(Value::as_bool),
    })
}

/// Mode `none`: notes which banner the page shows, touching nothing.
pub async fn observe(s: &Session, gpc: bool) -> Result<ConsentRecord, BrowserError> {
    let st = read_state(s).await?;
    let mut rec = ConsentRecord {
        mode: ConsentMode::None,
        gpc,
        cmp: st.popup.clone().or(st.cmp.clone()),
        banner_found: st.popup.is_some(),
        log: st.events,
        ..Default::default()
    };
    if st.popup.is_none() && st.cmp.is_none() {
        let h = heuristic(s, "detect").await?;
        if h.found() {
            rec.cmp = Some(HEURISTIC.into());
            rec.banner_found = true;
            rec.log.push(format!(
                "heuristic: {} accept and {} reject buttons",
                h.accept, h.reject
            ));
        }
    }
    Ok(rec)
}

/// Modes `accept` and `reject`: waits up to `cfg.wait` for a banner (autoconsent first, the
/// heuristic once autoconsent's first two passes found no platform), clicks the mode's
/// choice, and records what happened and when.
pub async fn choose(
    s: &Session,
    mode: ConsentMode,
    cfg: &ConsentConfig,
) -> Result<ConsentRecord, BrowserError> {
    let mut rec = ConsentRecord {
        mode,
        gpc: cfg.gpc,
        ..Default::default()
    };
    if mode == ConsentMode::None {
        return Ok(rec);
    }
    let start = Instant::now();
    let mut commanded: Option<Instant> = None;
    let mut last_click: Option<f64> = None;
    let mut last_events: Vec<String> = Vec::new();
    loop {
        let st = read_state(s).await?;
        if commanded.is_some() && st.popup.is_none() {
            // The page moved on (many platforms reload it after the choice): autoconsent's
            // result went with the old document; the click's moment was kept.
            if st.reloaded || commanded.is_some_and(|t| t.elapsed() >= cfg.wait) {
                return Ok(moved_on(rec, &st, last_click, last_events));
            }
            // Still navigating: look again.
            tokio::time::sleep(POLL).await;
            continue;
        }
        last_click = st.click_at.or(last_click);
        last_events.clone_from(&st.events);
        if let Some(popup) = &st.popup {
            rec.cmp = Some(popup.clone());
            rec.banner_found = true;
            if commanded.is_none() {
                let cmd = if mode == ConsentMode::Accept {
                    "optIn"
                } else {
                    "optOut"
                };
                rec.action = Some(mode);
                command(s, cmd).await?;
                commanded = Some(Instant::now());
            }
            if let Some(ok) = st.result {
                rec.action_ok = Some(ok);
                rec.choice_at = st.click_at;
                rec.log = st.events;
                return Ok(rec);
            }
            if commanded.is_some_and(|t| t.elapsed() >= ACTION_BUDGET) {
                rec.action_ok = Some(false);
                rec.choice_at = st.click_at;
                rec.log = st.events;
                rec.log.push("no result from autoconsent in time".into());
                return Ok(rec);
            }
        } else {
            let timed_out = start.elapsed() >= cfg.wait;
            // No platform after autoconsent's first passes: try the texts of the buttons.
            if st.cmp.is_none() && (st.attempts >= 2 || timed_out) {
                let h = heuristic(s, "detect").await?;
                if h.found() {
                    return act_heuristic(s, rec, mode, st.events).await;
                }
            }
            if timed_out {
                rec.cmp = st.cmp;
                rec.log = st.events;
                rec.log
                    .push(format!("no banner within {:.1} s", cfg.wait.as_secs_f64()));
                return Ok(rec);
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The record of a page that moved on after the command (reloaded, or navigated away):
/// the click's moment as last seen, autoconsent's events before it went, result unknown.
fn moved_on(
    mut rec: ConsentRecord,
    st: &PageState,
    last_click: Option<f64>,
    last_events: Vec<String>,
) -> ConsentRecord {
    rec.choice_at = st.click_at.or(last_click);
    rec.log = last_events;
    rec.log.push(if st.reloaded {
        "the page reloaded after the click; result unknown".into()
    } else {
        "the page navigated after the command; result unknown".into()
    });
    rec
}

/// Commands autoconsent (through our shim) to answer the banner: `optIn` or `optOut`.
/// Only a lost browser is an error; the result is read from the page's state.
async fn command(s: &Session, cmd: &str) -> Result<(), BrowserError> {
    match s
        .timed(
            "answering the banner",
            s.execute(
                "if (window.__pcConsentCommand) window.__pcConsentCommand(arguments[0]);",
                vec![json!(cmd)],
            ),
        )
        .await
    {
        Err(e) if e.is_lost() => Err(e),
        _ => Ok(()),
    }
}

async fn act_heuristic(
    s: &Session,
    mut rec: ConsentRecord,
    mode: ConsentMode,
    mut log: Vec<String>,
) -> Result<ConsentRecord, BrowserError> {
    let h = heuristic(s, mode.as_str()).await?;
    rec.cmp = Some(HEURISTIC.into());
    rec.banner_found = true;
    rec.action = Some(mode);
    log.push(format!(
        "heuristic: {} accept and {} reject buttons",
        h.accept, h.reject
    ));
    match &h.clicked {
        Some(text) => {
            log.push(format!(
                "heuristic: clicked \"{text}\"{}",
                if h.gone == Some(true) {
                    ", banner closed"
                } else {
                    ", button still shown"
                }
            ));
            rec.choice_at = h.at;
            rec.action_ok = Some(h.gone == Some(true));
        }
        None => {
            log.push(format!("heuristic: no {mode} button"));
            rec.action_ok = Some(false);
        }
    }
    rec.log = log;
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::collections::BTreeSet;

    #[test]
    fn vendored_autoconsent_matches_its_checksums() {
        assert_eq!(
            hex::encode(Sha256::digest(AUTOCONSENT_JS.as_bytes())),
            AUTOCONSENT_JS_SHA256
        );
        assert_eq!(
            hex::encode(Sha256::digest(AUTOCONSENT_RULES.as_bytes())),
            AUTOCONSENT_RULES_SHA256
        );
        let source = include_str!("../../seeds/autoconsent/SOURCE.md");
        assert!(source.contains(AUTOCONSENT_VERSION));
        assert!(source.contains(AUTOCONSENT_JS_SHA256));
        assert!(source.contains(AUTOCONSENT_RULES_SHA256));
    }

    #[test]
    fn page_script_embeds_config_rules_and_bundle() {
        let js = page_script();
        assert!(!js.contains("__PC_"), "a placeholder was left");
        // Every rule is in the page, once: generic or site-specific.
        let (generic, site) = split_rules();
        let generic: Vec<Value> =
            serde_json::from_str(&serde_json::from_str::<String>(&generic).unwrap()).unwrap();
        let site: Vec<(String, Vec<String>, String)> = serde_json::from_str(&site).unwrap();
        assert_eq!(generic.len() + site.len(), 797);
        assert!(site.len() > 500 && generic.iter().any(|r| r["name"] == "didomi"));
        // Once, not also in the shim's comments: the page script is evaluated in every
        // document, so each copy costs every page its parsing.
        let (generic_js, site_js) = split_rules();
        assert_eq!(js.matches(generic_js.as_str()).count(), 1);
        assert_eq!(js.matches(site_js.as_str()).count(), 1);
        assert!(js.len() < 1_000_000, "page script of {} bytes", js.len());
        // Nearly every site pattern can be skipped without compiling it.
        let filtered = site.iter().filter(|(_, lits, _)| !lits.is_empty()).count();
        assert!(
            filtered * 100 >= site.len() * 95,
            "{filtered} of {}",
            site.len()
        );
        assert!(js.contains("\"autoAction\":null"));
        assert!(js.contains("\"isMainWorld\":true"));
        assert!(js.contains("autoconsentReceiveMessage"));
        // The rules are valid JSON with the platforms the test web imitates.
        let rules: Value = serde_json::from_str(AUTOCONSENT_RULES).unwrap();
        let names: BTreeSet<&str> = rules["autoconsent"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect();
        assert!(names.contains("didomi"));
        assert!(!heuristic_js().contains("__PC_"));
    }

    #[test]
    fn required_literals_follow_the_pattern_syntax() {
        let lits = |p: &str| required_literals(p);
        let v = |xs: &[&str]| Some(xs.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(lits(r"^https?://(www\.)?tesco\.com/"), v(&["tesco.com/"]));
        assert_eq!(
            lits(r"^https://(www\.)?conference-board\.org/"),
            v(&["conference-board.org/"])
        );
        assert_eq!(
            lits(r"^https://www\.ecosia\.org/"),
            v(&["https://www.ecosia.org/"])
        );
        // An optional character leaves the run; `+` keeps it, once.
        assert_eq!(lits(r"xhamster\d?\.com"), v(&["xhamster"]));
        assert_eq!(lits(r"abcdefx?yz"), v(&["abcdef"]));
        assert_eq!(lits(r"abc+defgh"), v(&["defgh"]));
        // One literal per top-level alternative; `|` inside a group or class is not one.
        assert_eq!(
            lits(r"^https://a\.web\.de/|^https://b\.gmx\.net/"),
            v(&["https://a.web.de/", "https://b.gmx.net/"])
        );
        assert_eq!(
            lits(r"^https://(www|old)\.reddit\.com/"),
            v(&[".reddit.com/"])
        );
        assert_eq!(lits(r"[|]+abcd"), v(&["abcd"]));
        // An alternative without a run of three, or syntax not followed: no filter.
        assert_eq!(lits(r"^https://abcdef\.com/|^ab"), None);
        assert_eq!(lits(r"^https://x{2}yz\.com/"), None);
        assert_eq!(lits(r"^https://\u0061bc\.com/"), None);
        assert_eq!(lits(r"^(a)\1bcdef"), None);
        assert_eq!(lits(r"^https://(abc\.com/"), None);
    }

    /// The pattern without `^`, `$`, `\b` and `\B` outside character classes.
    fn strip_anchors(p: &str) -> String {
        let (mut out, mut in_class) = (String::new(), false);
        let mut chars = p.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('b' | 'B') if !in_class => {}
                    Some(e) => out.extend(['\\', e]),
                    None => out.push(c),
                },
                '[' if !in_class => {
                    in_class = true;
                    out.push(c);
                    if chars.peek() == Some(&'^') {
                        out.push(chars.next().unwrap());
                    }
                }
                ']' if in_class => {
                    in_class = false;
                    out.push(c);
                }
                '^' | '$' if !in_class => {}
                c => out.push(c),
            }
        }
        out
    }

    /// Every string the regex engine generates for a vendored pattern contains one of the
    /// pattern's literals: skipping a pattern whose literals a URL lacks never skips a rule
    /// autoconsent would have used.
    #[test]
    fn required_literals_never_skip_a_matching_url() {
        use rand::{Rng, SeedableRng};
        let rules: Value = serde_json::from_str(AUTOCONSENT_RULES).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let (mut checked, mut patterns) = (0, 0);
        for r in rules["autoconsent"].as_array().unwrap() {
            let Some(p) = r.pointer("/runContext/urlPattern").and_then(Value::as_str) else {
                continue;
            };
            let Some(lits) = required_literals(p) else {
                continue;
            };
            // JavaScript syntax the Rust parser does not take (e.g. `\/`) is left out.
            // The sampler takes no anchors; without them the pattern matches more strings,
            // each of which must still hold a literal.
            let unanchored = strip_anchors(p);
            let sampler = rand_regex::Regex::compile(&unanchored, 3)
                .unwrap_or_else(|e| panic!("{p}: the sampler refuses it ({e:?})"));
            patterns += 1;
            for _ in 0..50 {
                let url: String = rng.sample(&sampler);
                assert!(
                    lits.iter().any(|l| url.contains(l.as_str())),
                    "{p}: {url} lacks {lits:?}"
                );
                checked += 1;
            }
        }
        assert!(patterns > 550, "only {patterns} patterns generated from");
        assert!(checked > 27_000);
    }

    /// What heuristic.js does to a button's text before comparing it (`norm`).
    fn norm(t: &str) -> String {
        let lower = t.to_lowercase();
        let spaced = lower.split_whitespace().collect::<Vec<_>>().join(" ");
        let edge = |c: char| " \"'«»“”„.,:;!?()[]✓✔×→>-".contains(c);
        spaced.trim_matches(edge).to_string()
    }

    #[test]
    fn the_platforms_default_texts_are_recognised() {
        for p in PLATFORM_DEFAULTS {
            assert!(!p.source.is_empty());
            assert!(
                ACCEPT_PHRASES.contains(&norm(p.accept).as_str()),
                "{} ({}) accept `{}`",
                p.platform,
                p.lang,
                p.accept
            );
            if !p.reject.is_empty() {
                assert!(
                    REJECT_PHRASES.contains(&norm(p.reject).as_str()),
                    "{} ({}) reject `{}`",
                    p.platform,
                    p.lang,
                    p.reject
                );
            }
        }
    }

    #[test]
    fn phrase_lists_are_lower_case_trimmed_unique_and_disjoint() {
        for list in [ACCEPT_PHRASES, REJECT_PHRASES] {
            let set: BTreeSet<&&str> = list.iter().collect();
            assert_eq!(set.len(), list.len(), "duplicate phrase");
            for p in list {
                assert_eq!(*p, p.to_lowercase().trim(), "{p}");
            }
        }
        for p in ACCEPT_PHRASES {
            assert!(!REJECT_PHRASES.contains(p), "{p} in both lists");
        }
        // Nothing that merely opens settings or closes a notice.
        for p in [
            "settings",
            "manage settings",
            "more options",
            "close",
            "ok",
            "got it",
        ] {
            assert!(!ACCEPT_PHRASES.contains(&p) && !REJECT_PHRASES.contains(&p));
        }
    }
}
