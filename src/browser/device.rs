//! Who the visitor appears to be (#40): the device profile (`--device`), and the locale and
//! time zone (`--locale`, `--timezone`). They are applied through DevTools to every target —
//! the tab, pop-ups, frames and workers — before its first script runs, so what a page reads
//! (`navigator`, `userAgentData`, `Intl`, `screen`, media queries) agrees with the headers
//! its requests carry (`User-Agent`, `Sec-CH-UA-*`, `Accept-Language`).
//!
//! The profiles claim only what the browser can back up. The desktop stays an honest Linux
//! desktop (its fonts, `navigator.platform` and every request sent before DevTools can step in
//! say Linux anyway); the phone is a Pixel 7 on Chrome for Android, the User-Agent in the
//! reduced form Chrome sends since version 113 (`Linux; Android 10; K`), the high-entropy
//! hints naming the model and Android version as the real phone does.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The device a crawl's visitor uses.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    /// Chrome on a Linux desktop: 1366×768 window, mouse, no touch.
    #[default]
    Desktop,
    /// Chrome on an Android phone (Pixel 7): 412×915 screen at 2.625 device pixels per CSS
    /// pixel, touch, `Sec-CH-UA-Mobile: ?1`.
    Mobile,
}

impl Device {
    /// The name written in the data (`device` in the manifest and the crawl's options).
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::Mobile => "mobile",
        }
    }

    /// Its profile.
    pub fn profile(self) -> &'static Profile {
        match self {
            Device::Desktop => &DESKTOP,
            Device::Mobile => &MOBILE,
        }
    }
}

/// What a device profile claims.
#[derive(Debug)]
pub struct Profile {
    /// The User-Agent's platform part.
    pub ua_platform: &'static str,
    /// `Mobile ` before `Safari/` in the User-Agent.
    pub ua_mobile: bool,
    /// `navigator.platform`.
    pub navigator_platform: &'static str,
    /// `Sec-CH-UA-Platform` / `userAgentData.platform`.
    pub platform: &'static str,
    /// `Sec-CH-UA-Platform-Version` (Linux sends it empty).
    pub platform_version: &'static str,
    /// `Sec-CH-UA-Arch` (empty on Android).
    pub architecture: &'static str,
    /// `Sec-CH-UA-Bitness`.
    pub bitness: &'static str,
    /// `Sec-CH-UA-Model`.
    pub model: &'static str,
    /// `Sec-CH-UA-Mobile`, `userAgentData.mobile`, and the mobile viewport rules.
    pub mobile: bool,
    /// The screen: viewport width and height, screen width and height, device pixel ratio.
    /// None: the browser's own window (`--window-size`).
    pub screen: Option<(u32, u32, u32, u32, f64)>,
    /// `navigator.maxTouchPoints` (0: no touch emulation).
    pub touch_points: u32,
}

/// Chrome on a Linux desktop, as the installed Chromium is.
pub const DESKTOP: Profile = Profile {
    ua_platform: "X11; Linux x86_64",
    ua_mobile: false,
    navigator_platform: "Linux x86_64",
    platform: "Linux",
    platform_version: "",
    architecture: "x86",
    bitness: "64",
    model: "",
    mobile: false,
    screen: None,
    touch_points: 0,
};

/// Chrome on a Pixel 7 (Android 16): the viewport Chrome leaves below its address bar.
pub const MOBILE: Profile = Profile {
    ua_platform: "Linux; Android 10; K",
    ua_mobile: true,
    navigator_platform: "Linux armv81",
    platform: "Android",
    platform_version: "16.0.0",
    architecture: "",
    bitness: "",
    model: "Pixel 7",
    mobile: true,
    screen: Some((412, 839, 412, 915, 2.625)),
    touch_points: 5,
};

/// The User-Agent Chrome of `version` sends on `device`, in the reduced form (minor version
/// zeroed, Android's model and version frozen).
pub fn user_agent(device: Device, version: &str) -> String {
    let p = device.profile();
    let major = version.split('.').next().unwrap_or(super::FALLBACK_MAJOR);
    let mobile = if p.ua_mobile { "Mobile " } else { "" };
    format!(
        "Mozilla/5.0 ({}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 {mobile}Safari/537.36",
        p.ua_platform
    )
}

/// The kinds of DevTools target the emulation is applied to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A tab or pop-up.
    Page,
    /// A frame in a process of its own.
    Frame,
    /// A dedicated, shared or service worker.
    Worker,
}

/// The visitor's device, locale and time zone, as DevTools commands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Emulation {
    /// The device profile.
    pub device: Device,
    /// BCP 47 locale (`de-DE`): `Accept-Language`, `navigator.language(s)` and `Intl`.
    pub locale: Option<String>,
    /// IANA time zone (`Europe/Berlin`).
    pub timezone: Option<String>,
    /// `--geolocation`: latitude and longitude in degrees, granted to every site (None: the
    /// permission is left as Chromium has it, unanswered).
    pub geolocation: Option<(f64, f64)>,
    /// The installed Chromium's full version (`156.0.8078.129`), for the client hints' brand
    /// lists; empty when unknown (a remote WebDriver only: the browser fills the brands and
    /// the full version list stays empty).
    pub version: String,
}

/// The brands an unbranded Chromium of `major` announces (`Sec-CH-UA`), in its order: the
/// "GREASE" brand Chromium derives from the major version, and Chromium itself
/// (components/embedder_support/user_agent_utils.cc; checked against the live browser by
/// tests/e2e/device.rs).
pub fn brands(major: u32) -> [(String, String); 2] {
    const CHARS: [char; 11] = [' ', '(', ':', '-', '.', '/', ')', ';', '=', '?', '_'];
    const VERSIONS: [&str; 3] = ["8", "99", "24"];
    let m = major as usize;
    let grease = (
        format!("Not{}A{}Brand", CHARS[m % 11], CHARS[(m + 1) % 11]),
        VERSIONS[m % 3].to_string(),
    );
    let chromium = ("Chromium".to_string(), major.to_string());
    if m.is_multiple_of(2) {
        [grease, chromium]
    } else {
        [chromium, grease]
    }
}

impl Emulation {
    /// The languages for the locale, as DevTools takes them: the locale, then its language
    /// (`de-DE,de`); Chromium adds the weights (`Accept-Language: de-DE,de;q=0.9`).
    pub fn accept_language(&self) -> Option<String> {
        let l = self.locale.as_deref()?;
        Some(match l.split_once('-') {
            Some((lang, _)) => format!("{l},{lang}"),
            None => l.to_string(),
        })
    }

    /// The DevTools commands that make a target of `kind` this visitor, sent while it waits
    /// for the debugger (or, for the first tab, before its first navigation).
    /// `user_agent` is the profile's for the installed version, or `--user-agent`.
    pub fn commands(&self, user_agent: &str, kind: Target) -> Vec<(&'static str, Value)> {
        let p = self.device.profile();
        let major = self.version.split('.').next().and_then(|m| m.parse().ok());
        let mut ua = json!({
            "userAgent": user_agent,
            "platform": p.navigator_platform,
            "userAgentMetadata": {
                "platform": p.platform,
                "platformVersion": p.platform_version,
                "architecture": p.architecture,
                "bitness": p.bitness,
                "model": p.model,
                "mobile": p.mobile,
                "wow64": false,
            },
        });
        if let Some(al) = self.accept_language() {
            ua["acceptLanguage"] = json!(al);
        }
        // Left out, the brands are the browser's own but the full version list stays empty.
        if let Some(major) = major {
            let [a, b] = brands(major);
            let full = |(brand, v): &(String, String)| {
                let version = if brand == "Chromium" {
                    self.version.clone()
                } else {
                    format!("{v}.0.0.0")
                };
                json!({ "brand": brand, "version": version })
            };
            let meta = &mut ua["userAgentMetadata"];
            meta["brands"] = json!([
                { "brand": a.0, "version": a.1 },
                { "brand": b.0, "version": b.1 },
            ]);
            meta["fullVersionList"] = json!([full(&a), full(&b)]);
        }
        let mut out = vec![("Emulation.setUserAgentOverride", ua.clone())];
        if kind == Target::Worker {
            // Service workers take the network's override, not the emulation's.
            out.push(("Network.setUserAgentOverride", ua));
            return out;
        }
        if let (Target::Page, Some((w, h, sw, sh, dpr))) = (kind, p.screen) {
            out.push((
                "Emulation.setDeviceMetricsOverride",
                json!({
                    "width": w, "height": h, "deviceScaleFactor": dpr, "mobile": p.mobile,
                    "screenWidth": sw, "screenHeight": sh,
                    "screenOrientation": { "type": "portraitPrimary", "angle": 0 },
                }),
            ));
        }
        if p.touch_points > 0 {
            out.push((
                "Emulation.setTouchEmulationEnabled",
                json!({ "enabled": true, "maxTouchPoints": p.touch_points }),
            ));
        }
        if let Some(l) = &self.locale {
            out.push((
                "Emulation.setLocaleOverride",
                json!({ "locale": l.replace('-', "_") }),
            ));
        }
        if let Some(tz) = &self.timezone {
            out.push(("Emulation.setTimezoneOverride", json!({ "timezoneId": tz })));
        }
        if let Some((lat, lon)) = self.geolocation {
            // A phone's fix in a city, not a satellite survey.
            out.push((
                "Emulation.setGeolocationOverride",
                json!({ "latitude": lat, "longitude": lon, "accuracy": 35 }),
            ));
        }
        out
    }
}

/// Checks a `--locale` value: a BCP 47 language tag of a language, optional script and
/// optional region (`de`, `de-DE`, `zh-Hant-TW`, `es-419`).
pub fn check_locale(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let lang = parts[0];
    let ok_lang = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
    let ok_rest = parts[1..].iter().enumerate().all(|(i, p)| {
        let script = p.len() == 4
            && p.as_bytes()[0].is_ascii_uppercase()
            && p.bytes().skip(1).all(|b| b.is_ascii_lowercase());
        let region = (p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()))
            || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()));
        (i == 0 && script) || region
    });
    if ok_lang && ok_rest && parts.len() <= 3 {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a locale: give a BCP 47 language tag such as de-DE, fr, pt-BR or es-419"
        ))
    }
}

/// Checks a `--vantage` name: 1 to 40 letters, digits, `-`, `_` or `.` (it names where a
/// crawl came from in every dataset and in file names people build from it).
pub fn check_vantage(s: &str) -> Result<String, String> {
    let ok = (1..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a vantage name: 1 to 40 letters, digits, '-', '_' or '.' (e.g. eu-de)"
        ))
    }
}

/// Checks a `--timezone` value: an IANA time-zone name (`Europe/Berlin`, `America/New_York`,
/// `UTC`), known to this machine's zone database when it has one.
pub fn check_timezone(s: &str) -> Result<String, String> {
    let shaped = !s.is_empty()
        && !s.starts_with('/')
        && !s.contains("..")
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
    let db = std::path::Path::new("/usr/share/zoneinfo");
    let known = !db.is_dir() || db.join(s).is_file();
    if shaped && known {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a time zone: give an IANA name such as Europe/Berlin, America/New_York or UTC"
        ))
    }
}

/// Checks a `--geolocation` value: `LAT,LON` in degrees (`52.52,13.405`).
pub fn check_geolocation(s: &str) -> Result<String, String> {
    parse_geolocation(s)
        .map(|_| s.trim().replace(' ', ""))
        .ok_or_else(|| {
            format!(
                "`{s}` is not a position: give LAT,LON in degrees, e.g. 52.52,13.405 (latitude -90 to 90, longitude -180 to 180)"
            )
        })
}

/// Latitude and longitude of a `--geolocation` value.
pub fn parse_geolocation(s: &str) -> Option<(f64, f64)> {
    let (a, b) = s.split_once(',')?;
    let (lat, lon): (f64, f64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_checked() {
        assert_eq!(check_geolocation("52.52, 13.405").unwrap(), "52.52,13.405");
        assert_eq!(parse_geolocation("-33.9,18.4"), Some((-33.9, 18.4)));
        for bad in ["91,0", "0,181", "52.52", "north,east", "NaN,1"] {
            assert!(check_geolocation(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_agents_are_the_reduced_ones_chrome_sends() {
        assert_eq!(
            user_agent(Device::Mobile, "156.0.8078.129"),
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36"
        );
        assert_eq!(
            user_agent(Device::Desktop, "156.0.8078.129"),
            super::super::user_agent_for("156.0.8078.129")
        );
    }

    #[test]
    fn every_target_gets_the_user_agent_and_its_hints_and_only_pages_the_screen() {
        let e = Emulation {
            device: Device::Mobile,
            locale: Some("de-DE".into()),
            timezone: Some("Europe/Berlin".into()),
            geolocation: None,
            version: "156.0.8078.129".into(),
        };
        let names = |k| {
            e.commands("UA", k)
                .into_iter()
                .map(|(m, _)| m)
                .collect::<Vec<_>>()
        };
        assert!(names(Target::Page).contains(&"Emulation.setDeviceMetricsOverride"));
        assert!(!names(Target::Frame).contains(&"Emulation.setDeviceMetricsOverride"));
        assert_eq!(
            names(Target::Worker),
            [
                "Emulation.setUserAgentOverride",
                "Network.setUserAgentOverride"
            ]
        );
        let (_, ua) = &e.commands("UA", Target::Page)[0];
        assert_eq!(ua["acceptLanguage"], "de-DE,de");
        assert_eq!(ua["userAgentMetadata"]["model"], "Pixel 7");
        let locale = e.commands("UA", Target::Frame);
        assert!(locale.contains(&("Emulation.setLocaleOverride", json!({"locale": "de_DE"}))));
    }

    #[test]
    fn brands_are_chromiums_for_its_version() {
        // As Chromium 156 itself sends them: `"Not:A-Brand";v="8", "Chromium";v="156"`.
        let b = brands(156);
        assert_eq!(b[0], ("Not:A-Brand".to_string(), "8".to_string()));
        assert_eq!(b[1], ("Chromium".to_string(), "156".to_string()));
        let e = Emulation {
            version: "156.0.8078.129".into(),
            ..Default::default()
        };
        let (_, ua) = &e.commands("UA", Target::Page)[0];
        let full = &ua["userAgentMetadata"]["fullVersionList"];
        assert_eq!(full[0]["version"], "8.0.0.0");
        assert_eq!(full[1]["version"], "156.0.8078.129");
    }

    #[test]
    fn locales_and_time_zones_are_checked() {
        for ok in ["de", "de-DE", "zh-Hant-TW", "es-419", "pt-BR"] {
            assert!(check_locale(ok).is_ok(), "{ok}");
        }
        for bad in ["", "DE", "de_DE", "deutsch", "de-de", "de-DE-x"] {
            assert!(check_locale(bad).is_err(), "{bad}");
        }
        assert!(check_timezone("Europe/Berlin").is_ok());
        assert!(check_timezone("UTC").is_ok());
        assert!(check_timezone("../etc/passwd").is_err());
        if std::path::Path::new("/usr/share/zoneinfo").is_dir() {
            assert!(check_timezone("Mars/Olympus").is_err());
        }
    }
}
