//! The values of the crawl's options as clap parses them: `--browsers`, sizes, seconds,
//! `--ranks`, `--crawl-id`, `--consent`. Each parser's message says what is expected (a usage
//! error, exit 2).

use crate::capture::ConsentMode;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `--browsers`: `auto` or a fixed number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Browsers {
    /// Chosen by measurement.
    #[default]
    Auto,
    /// Exactly this many.
    Fixed(usize),
}

/// `--browsers`: `auto` or 1 to 256.
pub fn parse_browsers(s: &str) -> Result<Browsers, String> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(Browsers::Auto);
    }
    match s.parse::<usize>() {
        Ok(n) if (1..=256).contains(&n) => Ok(Browsers::Fixed(n)),
        _ => Err(format!(
            "`{s}`: give `auto` or a number of browsers from 1 to 256"
        )),
    }
}

/// `--max-memory`: bytes from `6G`, `800M`, `512K` or a plain number of bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                _ => return Err(format!("`{s}`: a size such as 6G, 800M or 512K")),
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: a size such as 6G, 800M or 512K"))?;
    if n <= 0.0 {
        return Err(format!("`{s}`: the size must be above zero"));
    }
    Ok((n * mult as f64) as u64)
}

/// `--ranks A-B`, checked when the options are parsed (a usage error, exit 2).
pub fn check_ranks(s: &str) -> Result<String, String> {
    crate::list::parse_range(s)
        .map(|_| s.to_string())
        .map_err(|e| {
            e.to_string()
                .trim_start_matches(&format!("--ranks {s}: "))
                .to_string()
        })
}

/// `--crawl-id ID`: 1 to 100 letters, digits, `.`, `_` or `-`.
pub fn check_crawl_id(s: &str) -> Result<String, String> {
    let ok = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    if !s.is_empty() && s.len() <= 100 && s.chars().all(ok) {
        Ok(s.to_string())
    } else {
        Err("use 1 to 100 letters, digits, `.`, `_` or `-` (e.g. 2026-12)".into())
    }
}

/// Seconds between `min` and `max` (inclusive), as a clap value parser.
fn secs_between(s: &str, min: f64, max: f64) -> Result<Duration, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds (e.g. 2 or 0.5)"))?;
    if !v.is_finite() || v < min || v > max {
        return Err(format!(
            "`{s}`: give between {min} and {max} seconds ({})",
            if max >= 60.0 {
                format!("{} min", max / 60.0)
            } else {
                format!("{max} s")
            }
        ));
    }
    Ok(Duration::from_secs_f64(v))
}

/// Page budget and per-command timeout: 1 s to 10 min.
pub fn parse_budget(s: &str) -> Result<Duration, String> {
    secs_between(s, 1.0, 600.0)
}

/// Dwell and consent wait: 0 to 10 min.
pub fn parse_wait(s: &str) -> Result<Duration, String> {
    secs_between(s, 0.0, 600.0)
}

/// The command-line name of a value (`all`, `reject`, …).
pub fn value_name(v: impl clap::ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

/// `--consent` values (recorded by their command-line name).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentArg {
    /// Ignore banners (they are still recorded).
    #[default]
    None,
    /// Click "accept all".
    Accept,
    /// Click "reject all".
    Reject,
    /// One visit per mode: none, accept, reject.
    All,
}

impl ConsentArg {
    /// The consent modes each site is visited in.
    pub fn modes(self) -> Vec<ConsentMode> {
        match self {
            ConsentArg::None => vec![ConsentMode::None],
            ConsentArg::Accept => vec![ConsentMode::Accept],
            ConsentArg::Reject => vec![ConsentMode::Reject],
            ConsentArg::All => ConsentMode::ALL.to_vec(),
        }
    }
}

/// Durations recorded as seconds (`dwell_s: 5.0`).
pub(crate) mod secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
    }
}

/// `--no-interact` recorded the other way round, as `interact`.
pub(crate) mod negated {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(!b)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        Ok(!bool::deserialize(d)?)
    }
}

/// Paths recorded as they are shown (`--rules` files).
pub(crate) mod shown_paths {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::path::PathBuf;

    pub fn serialize<S: Serializer>(p: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(p.iter().map(|p| p.display().to_string()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PathBuf>, D::Error> {
        Ok(Vec::<String>::deserialize(d)?
            .into_iter()
            .map(PathBuf::from)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_and_sizes_parse_or_say_what_is_expected() {
        assert_eq!(parse_browsers("auto"), Ok(Browsers::Auto));
        assert_eq!(parse_browsers("AUTO"), Ok(Browsers::Auto));
        assert_eq!(parse_browsers("12"), Ok(Browsers::Fixed(12)));
        assert!(parse_browsers("0").unwrap_err().contains("from 1 to 256"));
        assert!(parse_browsers("many").is_err());
        assert_eq!(parse_size("6G"), Ok(6 << 30));
        assert_eq!(parse_size("800M"), Ok(800 << 20));
        assert_eq!(parse_size("1.5g"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("12Q").unwrap_err().contains("6G"));
        assert!(parse_size("0M").is_err());
    }

    #[test]
    fn seconds_read_back_as_recorded() {
        // A stored `dwell_s` read into the plan and written again (the manifest) is unchanged.
        for ms in (0..600_000).step_by(7).chain([1, 10, 100, 250, 333, 4_500]) {
            let given = parse_wait(&format!("{}", ms as f64 / 1000.0)).unwrap();
            let stored = given.as_secs_f64();
            let read = Duration::try_from_secs_f64(stored).unwrap();
            assert_eq!(read.as_secs_f64(), stored, "{ms} ms");
        }
    }
}
