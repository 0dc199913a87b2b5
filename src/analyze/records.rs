//! A body's text as records of parameters: one JSON document (flattened to dotted keys, one
//! record per event of a batch), a form (one record per line), multipart, or plain text.
//! [`super::unpack`] decodes a packed body first and [`super::request`] keeps the records; this
//! module imports neither.

/// One record of parameters: the query, a form body line, a multipart body, a JSON object
/// (flattened to dotted keys such as `context.user.email`).
pub type Params = Vec<(String, String)>;

/// Parses a body (as text) into parameter records.
pub fn parse_body(text: &str, ctype: &str) -> Vec<Params> {
    parse(text, ctype).1
}

/// The format a body's text was read as, by [`parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Nothing, or only white space.
    Empty,
    /// One JSON document.
    Json,
    /// multipart/form-data.
    Multipart,
    /// Form-urlencoded lines.
    Form,
    /// Anything else: one record of the whole text under an empty name.
    Text,
}

/// Parses a body (as text) into parameter records, and says as what it read it.
pub(crate) fn parse(text: &str, ctype: &str) -> (Format, Vec<Params>) {
    let t = text.trim();
    if t.is_empty() {
        return (Format::Empty, Vec::new());
    }
    if (t.starts_with('{') || t.starts_with('['))
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(t)
    {
        return (Format::Json, json_records(&v));
    }
    parse_not_json(text, ctype)
}

/// [`parse`] for a text known not to be one JSON document.
pub(crate) fn parse_not_json(text: &str, ctype: &str) -> (Format, Vec<Params>) {
    let t = text.trim();
    if let Some(boundary) = multipart_boundary(ctype, t.as_bytes()) {
        return (Format::Multipart, vec![parse_multipart(text, &boundary)]);
    }
    if t.contains('=') && !t.contains(' ') {
        // Form-urlencoded; several events batched one per line (GA4).
        let records = t
            .split(['\n', '\r'])
            .filter(|l| !l.is_empty())
            .map(|line| {
                url::form_urlencoded::parse(line.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .collect();
        return (Format::Form, records);
    }
    (Format::Text, vec![vec![(String::new(), t.to_string())]])
}

/// Keys under which SDKs batch their events in one JSON object (PostHog, Segment and
/// RudderStack `batch`; Amplitude and Adobe's Web SDK `events`).
const BATCH_KEYS: [&str; 2] = ["batch", "events"];

/// A JSON document's records: one per event for a JSON array of events or an object that
/// batches them under [`BATCH_KEYS`] (the object's other members a record of their own,
/// first), else the document flattened into one.
pub(crate) fn json_records(v: &serde_json::Value) -> Vec<Params> {
    use serde_json::Value;
    let events = |items: &Vec<Value>| items.iter().all(Value::is_object);
    let one = |v: &Value| {
        let mut p = Vec::new();
        flatten("", v, &mut p);
        p
    };
    match v {
        Value::Array(items) if events(items) => items.iter().map(one).collect(),
        Value::Object(o) => {
            let batch = BATCH_KEYS.iter().find_map(|k| match o.get(*k) {
                Some(Value::Array(items)) if !items.is_empty() && events(items) => {
                    Some((*k, items))
                }
                _ => None,
            });
            let Some((key, items)) = batch else {
                return vec![one(v)];
            };
            let mut wrapper = Vec::new();
            for (k, x) in o.iter().filter(|(k, _)| k.as_str() != key) {
                flatten(k, x, &mut wrapper);
            }
            let mut out = Vec::with_capacity(items.len() + 1);
            if !wrapper.is_empty() {
                out.push(wrapper);
            }
            out.extend(items.iter().map(one));
            out
        }
        v => vec![one(v)],
    }
}

/// The boundary of a multipart body: from its `Content-Type`, else from its first line.
pub(crate) fn multipart_boundary(ctype: &str, body: &[u8]) -> Option<String> {
    // The boundary keeps its case; only the parameter name is matched without it.
    if let Some(i) = ctype.to_ascii_lowercase().find("boundary=") {
        return Some(
            ctype[i + 9..]
                .trim_matches('"')
                .split(';')
                .next()?
                .to_string(),
        );
    }
    // Chromium's captured multipart bodies start with their boundary line.
    let end = memchr::memchr(b'\n', body).unwrap_or(body.len());
    let first = std::str::from_utf8(&body[..end]).ok()?.trim();
    (first.starts_with("--") && memchr::memmem::find(body, b"Content-Disposition").is_some())
        .then(|| first[2..].to_string())
}

fn parse_multipart(body: &str, boundary: &str) -> Params {
    let delim = format!("--{boundary}");
    let mut out = Vec::new();
    for part in body.split(&delim) {
        let Some((head, content)) = part
            .split_once("\r\n\r\n")
            .or_else(|| part.split_once("\n\n"))
        else {
            continue;
        };
        let Some(name) = head
            .split(';')
            .find_map(|h| h.trim().strip_prefix("name="))
            .map(|n| n.trim_matches('"').to_string())
        else {
            continue;
        };
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        out.push((name, content.to_string()));
    }
    out
}

/// A JSON value as one record of dotted keys under `prefix` (`data.0.properties.x`).
pub fn flattened(prefix: &str, v: &serde_json::Value) -> Params {
    let mut out = Vec::new();
    flatten(prefix, v, &mut out);
    out
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Params) {
    use serde_json::Value;
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), v, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Null => {}
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_flattened_and_arrays_are_records() {
        let b = parse_body(
            r#"{"event":"Pageview","context":{"user":{"email":"abc"},"pixel":{"code":"C1"}},"n":[1,2]}"#,
            "text/plain",
        );
        assert_eq!(b.len(), 1);
        assert!(b[0].contains(&("context.user.email".into(), "abc".into())));
        assert!(b[0].contains(&("n.1".into(), "2".into())));
        let b = parse_body(r#"[{"ev":"a"},{"ev":"b"}]"#, "application/json");
        assert_eq!(b.len(), 2);
    }

    /// A batch under `batch` (Segment's `/v1/batch`, PostHog) or `events` (Amplitude) is one
    /// record per event, after one of the batch's own members; an array of scalars stays.
    #[test]
    fn batched_events_are_records() {
        let b = parse_body(
            r#"{"writeKey":"wk1","batch":[{"type":"track","event":"Signed Up"},{"type":"page","properties":{"url":"https://shop.example/"}}],"sentAt":"2026-12-06T10:15:02.120Z"}"#,
            "application/json",
        );
        assert_eq!(b.len(), 3);
        assert_eq!(
            b[0],
            vec![
                ("sentAt".to_string(), "2026-12-06T10:15:02.120Z".to_string()),
                ("writeKey".to_string(), "wk1".to_string())
            ]
        );
        assert!(b[1].contains(&("event".into(), "Signed Up".into())));
        assert!(b[2].contains(&("properties.url".into(), "https://shop.example/".into())));
        let b = parse_body(r#"{"api_key":"k","events":[{"event_type":"a"}]}"#, "");
        assert_eq!(
            b,
            vec![
                vec![("api_key".into(), "k".into())],
                vec![("event_type".into(), "a".into())]
            ]
        );
        let b = parse_body(r#"{"events":["a","b"]}"#, "");
        assert_eq!(
            b,
            vec![vec![
                ("events.0".into(), "a".into()),
                ("events.1".into(), "b".into())
            ]]
        );
    }

    #[test]
    fn batched_form_lines_are_records() {
        let b = parse_body(
            "en=view_search_results&ep.search_term=shoes\r\nen=scroll&epn.percent_scrolled=90",
            "",
        );
        assert_eq!(b.len(), 2);
        assert_eq!(b[0][1], ("ep.search_term".into(), "shoes".into()));
        assert_eq!(b[1][0], ("en".into(), "scroll".into()));
    }

    #[test]
    fn multipart_parts_by_name() {
        let body = "------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n123\r\n------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"ev\"\r\n\r\nPageView\r\n------WebKitFormBoundaryX--\r\n";
        let b = parse_body(body, "");
        assert_eq!(
            b,
            vec![vec![
                ("id".to_string(), "123".to_string()),
                ("ev".to_string(), "PageView".to_string())
            ]]
        );
    }
}
