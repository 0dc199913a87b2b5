//! Text made safe where it enters from the browser. JavaScript strings are UTF-16 and may
//! hold what UTF-8 cannot: a lone half of a surrogate pair. A page puts one (or a NUL) in a
//! link text or its title, and the WebDriver answer that carries it cannot be read
//! (chromedriver: "cannot deserialize the result value"; serde_json: "lone leading
//! surrogate"), so the whole answer is lost. Two guards:
//!
//! - [`safe_script`] wraps every script the collectors and the visitor run, so its answer
//!   has every lone surrogate and every NUL replaced by U+FFFD before it leaves the page;
//! - [`safe_json`] does the same to JSON text the DevTools protocol sends (the performance
//!   log's messages, the DevTools WebSocket), escapes `\uD83D` without their pair and
//!   `\u0000` becoming `\uFFFD`.

use std::borrow::Cow;

/// The function that cleans a script's answer: strings (and object keys) with lone
/// surrogates or NUL rewritten, arrays and plain objects walked (20 levels deep), anything
/// else (numbers, DOM elements) left as it is; a promise cleaned once settled.
const CLEAN_JS: &str = r#"const __pcClean = (function () {
  const bad = /[\u0000\ud800-\udfff]/;
  function str(x) {
    if (!bad.test(x)) return x;
    const out = [];
    for (let i = 0; i < x.length; i++) {
      const c = x.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = i + 1 < x.length ? x.charCodeAt(i + 1) : 0;
        if (d >= 0xdc00 && d <= 0xdfff) { out.push(x.substr(i, 2)); i++; } else out.push('\ufffd');
      } else if (c === 0 || (c >= 0xdc00 && c <= 0xdfff)) out.push('\ufffd');
      else out.push(x[i]);
    }
    return out.join('');
  }
  function walk(v, depth) {
    if (typeof v === 'string') return str(v);
    if (v === null || typeof v !== 'object' || depth > 20) return v;
    if (Array.isArray(v)) return v.map(function (x) { return walk(x, depth + 1); });
    const p = Object.getPrototypeOf(v);
    if (p !== Object.prototype && p !== null) return v;
    const o = {};
    for (const k of Object.keys(v)) o[str(k)] = walk(v[k], depth + 1);
    return o;
  }
  return function (v) { return walk(v, 0); };
})();
"#;

/// `body` (a WebDriver script: a function body that may `return` and read `arguments`)
/// wrapped so that its answer is clean text (see the module).
pub fn safe_script(body: &str) -> String {
    format!(
        "{CLEAN_JS}const __pcAnswer = (function () {{\n{body}\n}}).apply(this, arguments);\n\
         if (__pcAnswer && typeof __pcAnswer.then === 'function') return __pcAnswer.then(__pcClean);\n\
         return __pcClean(__pcAnswer);"
    )
}

/// `json` with every `\u` escape of a lone surrogate and of NUL replaced by `\uFFFD`
/// (borrowed when there is none). An escaped backslash is not an escape.
pub fn safe_json(json: &str) -> Cow<'_, str> {
    let b = json.as_bytes();
    if !b.windows(2).any(|w| w == b"\\u") {
        return Cow::Borrowed(json);
    }
    let hex = |i: usize| -> Option<u32> {
        let s = json.get(i..i + 4)?;
        if s.bytes().all(|c| c.is_ascii_hexdigit()) {
            u32::from_str_radix(s, 16).ok()
        } else {
            None
        }
    };
    // A `\uXXXX` escape at `i` (the backslash), with its value.
    let esc = |i: usize| -> Option<u32> {
        (b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u'))
            .then(|| hex(i + 2))
            .flatten()
    };
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(c) = esc(i) else {
            i += 2; // another escape (`\\`, `\"`, …): its second byte is not a backslash
            continue;
        };
        let bad = match c {
            0 => true,
            0xD800..=0xDBFF => match esc(i + 6) {
                Some(0xDC00..=0xDFFF) => {
                    i += 12; // a pair: keep both
                    continue;
                }
                _ => true,
            },
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if bad {
            let o = out.get_or_insert_with(|| String::with_capacity(json.len()));
            o.push_str(&json[last..i]);
            o.push_str("\\uFFFD");
            last = i + 6;
        }
        i += 6;
    }
    match out {
        None => Cow::Borrowed(json),
        Some(mut o) => {
            o.push_str(&json[last..]);
            Cow::Owned(o)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Lone halves and NUL become U+FFFD, pairs and escaped backslashes stay, and the result
    /// parses where the original did not.
    #[test]
    fn lone_surrogates_and_nul_escapes_are_replaced() {
        let raw = r#"{"t":"a\ud83d b\ude00 \ud83d\ude00 \u0000 \\ud800 \n","k\udbff":1}"#;
        assert!(serde_json::from_str::<Value>(raw).is_err());
        let safe = safe_json(raw);
        let v: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(v["t"], "a\u{FFFD} b\u{FFFD} \u{1F600} \u{FFFD} \\ud800 \n");
        assert_eq!(v["k\u{FFFD}"], 1);
        // Nothing to do: borrowed, unchanged.
        let fine = r#"{"a":"\u00e9\ud83d\ude00\"\\"}"#;
        assert!(matches!(safe_json(fine), Cow::Borrowed(_)));
        // An escape cut at the end of the text is left alone.
        assert_eq!(safe_json(r#""\ud83"#), r#""\ud83"#);
        assert_eq!(safe_json(r#""\ud83d"#), r#""\uFFFD"#);
    }

    #[test]
    fn scripts_keep_their_body_and_arguments() {
        let s = safe_script("return arguments[0];");
        assert!(s.contains("return arguments[0];"));
        assert!(s.contains(".apply(this, arguments)"));
    }
}
