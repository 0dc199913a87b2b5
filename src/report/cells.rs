//! Cell values and statistics shared by the datasets.

use std::borrow::Cow;

/// Neutralises a CSV cell that a spreadsheet would run as a formula. Every cell of every
/// dataset goes through here (in the one CSV writer, `report::Out::row`), whatever its source:
/// text from the web (URLs, host names, methods, cookie names, titles, bodies) and names
/// derived from it (tracker and company names taken from host names). A cell starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe
/// (`=cmd|…` → `'=cmd|…`: shown as text by a spreadsheet, read as `'=cmd|…` by pandas, R and
/// DuckDB), except a plain decimal number such as `-0.25`, which a spreadsheet reads as the
/// number it is. docs/schema.md documents it.
pub fn neutralise(v: &[u8]) -> Cow<'_, [u8]> {
    match v.first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_plain_number(v) => {
            let mut out = Vec::with_capacity(v.len() + 1);
            out.push(b'\'');
            out.extend_from_slice(v);
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(v),
    }
}

/// `[+-]digits[.digits]`: a number, not a formula.
fn is_plain_number(v: &[u8]) -> bool {
    let digits = match v.first() {
        Some(b'+' | b'-') => &v[1..],
        _ => v,
    };
    let (int, frac) = match digits.iter().position(|&b| b == b'.') {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    !int.is_empty()
        && int.iter().all(u8::is_ascii_digit)
        && frac.is_none_or(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit))
}

/// Wilson score interval at 95 % for `k` successes out of `n`: (low, high). (0, 0) for n = 0.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = p + z2 / (2.0 * n_f);
    let margin = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    (
        ((centre - margin) / denom).max(0.0),
        ((centre + margin) / denom).min(1.0),
    )
}

/// Unix seconds as RFC 3339 UTC with milliseconds (`2026-11-29T06:01:02.345Z`).
pub fn unix_time(secs: f64) -> String {
    let nanos = (secs * 1e3).round() as i128 * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// A share as written in the datasets: six decimals, no exponent.
pub fn share(x: f64) -> String {
    format!("{x:.6}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_is_rfc3339_with_millis() {
        assert_eq!(unix_time(1_795_000_000.25), "2026-11-18T11:06:40.250Z");
    }

    #[test]
    fn formulas_are_neutralised_and_other_text_is_not() {
        let n = |v: &str| String::from_utf8(neutralise(v.as_bytes()).into_owned()).unwrap();
        for v in [
            "=HYPERLINK(\"x\")",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=1+1.evil",
            "+cmd.evil",
            "+cmd|'calc'!A0",
            "-1.",
            "+.5",
            "-",
        ] {
            assert_eq!(n(v), format!("'{v}"), "{v}");
        }
        for v in [
            "https://a.example/?q==",
            "plain",
            "",
            "'quoted",
            "-0.250000",
            "+1",
            "12",
        ] {
            assert_eq!(n(v), v);
        }
    }

    #[test]
    fn wilson_matches_known_values() {
        // 10 of 100: the textbook interval is [0.0552, 0.1744].
        let (lo, hi) = wilson(10, 100);
        assert!(
            (lo - 0.0552).abs() < 1e-4 && (hi - 0.1744).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(wilson(0, 0), (0.0, 0.0));
        let (lo, hi) = wilson(0, 20);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.1611).abs() < 1e-4, "{hi}");
        let (lo, hi) = wilson(20, 20);
        assert!((lo - 0.8389).abs() < 1e-4 && hi == 1.0, "{lo} {hi}");
    }
}
