//! Cell values and statistics shared by the datasets.

/// Neutralises text taken from the web that a spreadsheet would read as a formula: a value
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe
/// (`'=cmd|…` → `''=cmd|…` shows as `'=cmd|…` in a spreadsheet and stays text in pandas,
/// R and DuckDB as `'=cmd|…`). Values written by pixelcensus itself (numbers, booleans,
/// names) never pass through here. docs/schema.md documents it.
pub fn text(v: &str) -> std::borrow::Cow<'_, str> {
    match v.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => std::borrow::Cow::Owned(format!("'{v}")),
        _ => std::borrow::Cow::Borrowed(v),
    }
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
        for v in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(text(v), format!("'{v}"));
        }
        for v in ["https://a.example/?q==", "plain", "", "'quoted"] {
            assert_eq!(text(v), v);
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
