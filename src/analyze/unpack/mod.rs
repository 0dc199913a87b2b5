//! Reading a request body however its sender packed it, so every reader of a request sees
//! what was sent rather than compressed bytes: gzip, zlib and raw deflate (by header or by
//! their bytes), brotli (by `Content-Encoding`), compressed data inside base64, inside a
//! multipart part or inside a JSON or form value, lz-string where there is evidence of it,
//! newline-delimited JSON and Sentry envelopes — one layer inside another too. The result
//! is the text the analysis reads, its records and a label of how it was read
//! (`body_encoding`). A plain body is borrowed, not copied.
//!
//! Decoding is bounded: [`MAX_DECODED`] bytes per body over all its layers and parts, an
//! expansion ratio of 1:[`MAX_RATIO`] for inputs of [`RATIO_FROM`] bytes or more, checked as
//! the stream is read, and [`MAX_DEPTH`] layers. What was decoded up to a cap is read, and
//! the label says the cap applied.

mod inflate;
mod lzstring;
#[cfg(test)]
mod tests;

pub use inflate::{Cap, Codec, MAX_DECODED, MAX_RATIO, RATIO_FROM};

use super::records::{self, Format, Params};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use lzstring::Form;
use std::borrow::Cow;
use std::ops::Range;

/// Layers a body is read into (a part of a compressed part of a compressed body…) before
/// what is left is read as it is.
pub const MAX_DEPTH: u8 = 4;
/// Values shorter than this are not looked into (an ID, a word, a number).
const MIN_PACKED: usize = 16;
/// The members a Sentry envelope's first line may have; its items follow, one header line
/// (with a `type`) and one payload each.
const ENVELOPE_KEYS: [&str; 5] = ["event_id", "sent_at", "dsn", "sdk", "trace"];

/// What the request says of its body.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints<'h> {
    /// The `Content-Type` header (empty when none).
    pub content_type: &'h str,
    /// The `Content-Encoding` header (empty when none).
    pub content_encoding: &'h str,
    /// The URL's query, without `?`: `compression=lz64` there is evidence of lz-string.
    pub query: &'h str,
}

/// A body as the analysis reads it.
#[derive(Debug)]
pub struct Unpacked<'a> {
    /// The text: the body itself (borrowed) when nothing needed decoding; else what it
    /// decoded to, the packed parts of a container replaced by (or, where they cannot be
    /// placed, followed by) what they held. Invalid UTF-8 replaced.
    pub text: Cow<'a, str>,
    /// Its records (one per event for batched bodies, see [`records::parse_body`]); a
    /// container's own records come first, then those of each packed part.
    pub records: Vec<Params>,
    /// How it was read: empty for a plain body; else its layers from the outside in, joined
    /// by `+` (`gzip`, `base64+gzip`, `multipart+deflate`, `form+lz-string`,
    /// `sentry-envelope+deflate`, `ndjson`), a cap or a stream cut short in brackets
    /// (`gzip(capped: 8 MiB)`, `deflate(incomplete)`), parts read differently separated by
    /// `;`.
    pub encoding: String,
}

/// Reads a request's body (`body`, as captured) as the analysis should see it.
pub fn unpack<'a>(body: &'a [u8], hints: &Hints) -> Unpacked<'a> {
    let mut r = Reader {
        left: MAX_DECODED,
        depth: 0,
        lz64: has_lz64(hints.query),
    };
    // HTTP's `deflate` is zlib-wrapped, but some senders mean raw deflate by it.
    let declared = Codec::by_header(hints.content_encoding).and_then(|c| {
        r.inflated(c, body, hints.content_type, true)
            .or_else(|| match c {
                Codec::Deflate => r.inflated(Codec::DeflateRaw, body, hints.content_type, true),
                _ => None,
            })
    });
    let layer = match declared {
        Some(l) => l,
        None => r.read(body, hints.content_type),
    };
    Unpacked {
        text: layer.text,
        records: layer.records,
        encoding: layer.label,
    }
}

/// What one layer read.
struct Layer<'a> {
    text: Cow<'a, str>,
    records: Vec<Params>,
    label: String,
}

impl<'a> Layer<'a> {
    fn plain(text: Cow<'a, str>, records: Vec<Params>) -> Layer<'a> {
        Layer {
            text,
            records,
            label: String::new(),
        }
    }
}

/// One body's reading: the budget it has left, how deep it is, whether the request said
/// lz-string.
struct Reader {
    left: usize,
    depth: u8,
    lz64: bool,
}

impl Reader {
    /// Reads bytes of unknown format: compressed by their magic, else text, else binary.
    fn read<'a>(&mut self, bytes: &'a [u8], ctype: &str) -> Layer<'a> {
        if let Some(codec) = Codec::by_magic(bytes)
            && let Some(l) = self.inflated(codec, bytes, ctype, false)
        {
            return l;
        }
        match std::str::from_utf8(bytes) {
            Ok(t) => self.text(t, ctype),
            Err(_) => self.binary(bytes, ctype),
        }
    }

    /// `bytes` decompressed as `codec` and read on. `None` when they are not that format,
    /// or — unless a header `declared` it — when gzip's strong magic is missing and what
    /// they decode to is not text (a zlib header can begin a text; raw deflate has none).
    fn inflated(
        &mut self,
        codec: Codec,
        bytes: &[u8],
        ctype: &str,
        declared: bool,
    ) -> Option<Layer<'static>> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let out = inflate::inflate(codec, bytes, self.left)?;
        let guessed = !declared && codec != Codec::Gzip;
        if guessed && (!looks_text(&out.bytes) || (codec == Codec::DeflateRaw && !out.complete)) {
            return None;
        }
        self.left -= out.bytes.len();
        let mut label = codec.as_str().to_string();
        match out.cap {
            Some(cap) => label.push_str(&format!("({cap})")),
            None if !out.complete => label.push_str("(incomplete)"),
            None => {}
        }
        Some(self.nested(label, out.bytes, ctype))
    }

    /// Reads what a layer labelled `label` decoded to, one level deeper, into an owned layer.
    fn nested(&mut self, label: String, bytes: Vec<u8>, ctype: &str) -> Layer<'static> {
        self.depth += 1;
        let inner = self.read(&bytes, ctype);
        self.depth -= 1;
        let Layer {
            text,
            records,
            label: inner_label,
        } = inner;
        // A borrowed text is all of `bytes`, valid UTF-8: it becomes the text without a copy.
        let owned = match text {
            Cow::Owned(s) => Some(s),
            Cow::Borrowed(_) => None,
        };
        let text = owned.unwrap_or_else(|| {
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        });
        Layer {
            text: Cow::Owned(text),
            records,
            label: join(&label, &[inner_label]),
        }
    }

    /// Reads a text: whole packed (base64 of compressed bytes, lz-string), JSON,
    /// newline-delimited JSON or an envelope, or the formats [`records::parse`] knows; then
    /// the packed values inside it.
    fn text<'a>(&mut self, t: &'a str, ctype: &str) -> Layer<'a> {
        let trimmed = t.trim();
        if self.depth < MAX_DEPTH
            && trimmed.len() >= MIN_PACKED
            && let Some(l) = self.packed(t, self.lz64)
        {
            return l;
        }
        let (format, records) = if trimmed.starts_with(['{', '[']) {
            match serde_json::from_str::<serde_json::Value>(trimmed) {
                Ok(v) => (Format::Json, records::json_records(&v)),
                Err(_) => {
                    if let Some(l) = self.lines(t.as_bytes()) {
                        return l;
                    }
                    records::parse_not_json(t, ctype)
                }
            }
        } else {
            records::parse(t, ctype)
        };
        self.values(Cow::Borrowed(t), format, records)
    }

    /// A value that is packed whole: base64 of gzip or zlib, a binary string of them, or
    /// lz-string (`evidence`: the request said so; else it must decode to JSON). White space
    /// around it is not part of it, but for the space that ends lz-string's UTF-16 form.
    fn packed(&mut self, v: &str, evidence: bool) -> Option<Layer<'static>> {
        if let Some(bytes) = base64_packed(v.trim()) {
            let codec = Codec::by_magic(&bytes)?;
            return self
                .inflated(codec, &bytes, "", false)
                .map(|l| prefixed("base64", l));
        }
        // Bytes carried as a string of code points below 256 (a "binary string").
        let mut head = [0u8; 3];
        for (h, c) in head.iter_mut().zip(v.chars()) {
            *h = u8::try_from(c as u32).unwrap_or(0);
        }
        if let Some(codec) = Codec::by_magic(&head)
            && v.chars().all(|c| (c as u32) < 0x100)
        {
            let bytes: Vec<u8> = v.chars().map(|c| c as u8).collect();
            return self.inflated(codec, &bytes, "", false);
        }
        self.lz(v, evidence)
    }

    /// lz-string in any of its forms, starting like JSON; without `evidence` it must decode
    /// to JSON (or reach the cap).
    fn lz(&mut self, v: &str, evidence: bool) -> Option<Layer<'static>> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        // In the 6-bit forms a text starting with `{` or `[` starts with `N` (its first code
        // an 8-bit literal, 0 in two bits, then `1011` of the character's low bits): any other
        // value is refused without decoding. The rest of the alphabet is checked as the
        // stream is read.
        let (v, forms): (&str, &[Form]) = if v.trim_start().starts_with('N') {
            (v.trim(), &[Form::Base64, Form::Uri])
        } else if v.ends_with(' ') && !v.is_ascii() {
            (v.trim_start(), &[Form::Utf16])
        } else {
            return None;
        };
        let json_start = |c: u16| c == u16::from(b'{') || c == u16::from(b'[');
        let (max, cap) = inflate::limit(v.len(), self.left);
        for &form in forms {
            let Some(d) = lzstring::decompress(v, form, max, json_start) else {
                continue;
            };
            let mut text = d.text;
            let capped = d.capped || text.len() > max;
            if capped {
                let mut end = max.min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
            } else if !evidence && serde_json::from_str::<serde::de::IgnoredAny>(&text).is_err() {
                continue;
            }
            self.left -= text.len();
            let label = match capped {
                true => format!("lz-string({cap})"),
                false => "lz-string".to_string(),
            };
            return Some(self.nested(label, text.into_bytes(), ""));
        }
        None
    }

    /// A body that is not UTF-8: a multipart body with binary parts, an envelope or JSON
    /// lines followed by compressed bytes, raw deflate; else its text with invalid UTF-8
    /// replaced, read as before.
    fn binary<'a>(&mut self, bytes: &'a [u8], ctype: &str) -> Layer<'a> {
        if self.depth < MAX_DEPTH {
            let start = bytes.trim_ascii_start();
            if let Some(boundary) = records::multipart_boundary(ctype, start)
                && let Some(l) = self.multipart(bytes, &boundary)
            {
                return l;
            }
            if let Some(l) = self.lines(bytes) {
                return l;
            }
            if let Some(l) = self.inflated(Codec::DeflateRaw, bytes, ctype, false) {
                return l;
            }
        }
        let text = String::from_utf8_lossy(bytes).into_owned();
        let (_, records) = records::parse(&text, ctype);
        Layer::plain(Cow::Owned(text), records)
    }

    /// The values of a JSON, form or multipart text's records that are packed whole, each
    /// replaced by what it held and followed by its records (its place in the text too).
    fn values<'a>(
        &mut self,
        text: Cow<'a, str>,
        format: Format,
        mut records: Vec<Params>,
    ) -> Layer<'a> {
        let container = match format {
            Format::Json => "json",
            Format::Form => "form",
            Format::Multipart => "multipart",
            Format::Text | Format::Empty => return Layer::plain(text, records),
        };
        if self.depth >= MAX_DEPTH {
            return Layer::plain(text, records);
        }
        let lz64 = self.lz64
            || records
                .iter()
                .flatten()
                .any(|(k, v)| k == "compression" && v == "lz64");
        let (mut labels, mut more, mut spliced) = (Vec::new(), Vec::new(), None::<String>);
        for (k, v) in records.iter_mut().flatten() {
            if v.len() < MIN_PACKED {
                continue;
            }
            let Some(inner) = self.packed(v, lz64 && k == "data") else {
                continue;
            };
            let decoded = inner.text.into_owned();
            let t = spliced.get_or_insert_with(|| text.to_string());
            match memchr::memmem::find(t.as_bytes(), v.as_bytes()) {
                Some(i) => t.replace_range(i..i + v.len(), &decoded),
                None => {
                    t.push('\n');
                    t.push_str(&decoded);
                }
            }
            *v = decoded;
            labels.push(inner.label);
            more.extend(inner.records);
        }
        let Some(t) = spliced else {
            return Layer::plain(text, records);
        };
        records.append(&mut more);
        Layer {
            text: Cow::Owned(t),
            records,
            label: join(container, &labels),
        }
    }

    /// A multipart body read part by part as bytes, each part read on by its own format; one
    /// record of the parts by name, then the records of those that were packed. `None` when
    /// no part was (the text reader reads such a body as before).
    fn multipart<'a>(&mut self, bytes: &'a [u8], boundary: &str) -> Option<Layer<'a>> {
        let delim = format!("--{boundary}");
        let (mut record, mut more, mut labels, mut spans) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for part in memchr::memmem::find_iter(bytes, delim.as_bytes())
            .map(|i| i + delim.len())
            .collect::<Vec<_>>()
            .windows(2)
            .map(|w| &bytes[w[0]..w[1] - delim.len()])
        {
            let Some((head, content)) = split_part(part) else {
                continue;
            };
            let Some(name) = part_header(head, "name=") else {
                continue;
            };
            let ctype = part_content_type(head);
            self.depth += 1;
            let inner = self.read(content, &ctype);
            self.depth -= 1;
            if inner.label.is_empty() {
                record.push((name, String::from_utf8_lossy(content).into_owned()));
                continue;
            }
            let at = offset(bytes, content);
            spans.push((at..at + content.len(), inner.text.to_string()));
            record.push((name, inner.text.into_owned()));
            labels.push(inner.label);
            more.extend(inner.records);
        }
        if labels.is_empty() {
            return None;
        }
        let mut records = vec![record];
        records.append(&mut more);
        Some(Layer {
            text: Cow::Owned(splice(bytes, &spans)),
            records,
            label: join("multipart", &labels),
        })
    }

    /// Several JSON lines: a Sentry envelope, else newline-delimited JSON (a JSON line may be
    /// followed by compressed bytes to the end).
    fn lines<'a>(&mut self, bytes: &'a [u8]) -> Option<Layer<'a>> {
        if self.depth >= MAX_DEPTH
            || !bytes.trim_ascii_start().starts_with(b"{")
                && !bytes.trim_ascii_start().starts_with(b"[")
        {
            return None;
        }
        memchr::memchr(b'\n', bytes)?;
        self.envelope(bytes).or_else(|| self.ndjson(bytes))
    }

    /// Newline-delimited JSON, each line's records in turn; compressed bytes where a line
    /// would start are read to the end (a JSON line and then compressed bytes is how Sentry
    /// sends a replay recording). `None` unless two JSON lines, or one and compressed bytes.
    fn ndjson<'a>(&mut self, bytes: &'a [u8]) -> Option<Layer<'a>> {
        let (mut records, mut lines, mut pos) = (Vec::new(), 0, 0);
        let mut tail = None;
        while pos < bytes.len() {
            let rest = &bytes[pos..];
            if lines > 0
                && let Some(codec) = Codec::by_magic(rest)
            {
                tail = Some((pos, self.inflated(codec, rest, "", false)?));
                break;
            }
            let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            let line = rest[..end].trim_ascii();
            pos += end + 1;
            if line.is_empty() {
                continue;
            }
            if !line.starts_with(b"{") && !line.starts_with(b"[") {
                return None;
            }
            let v: serde_json::Value = serde_json::from_slice(line).ok()?;
            records.extend(records::json_records(&v));
            lines += 1;
        }
        let container = if lines >= 2 { "ndjson" } else { "" };
        match tail {
            None if lines >= 2 => Some(Layer {
                text: lossy(bytes),
                records,
                label: container.to_string(),
            }),
            Some((at, inner)) => {
                records.extend(inner.records);
                let mut text = String::from_utf8_lossy(&bytes[..at]).into_owned();
                text.push_str(&inner.text);
                Some(Layer {
                    text: Cow::Owned(text),
                    records,
                    label: join(container, &[inner.label]),
                })
            }
            None => None,
        }
    }

    /// A Sentry envelope: a header line of [`ENVELOPE_KEYS`], then items of a header line
    /// with a `type` (and a `length` for a payload that may hold newlines or bytes) and a
    /// payload, each payload read on by its own format. Records: the header's, then each
    /// payload's.
    fn envelope<'a>(&mut self, bytes: &'a [u8]) -> Option<Layer<'a>> {
        let (head, mut rest) = split_line(bytes);
        let serde_json::Value::Object(header) = serde_json::from_slice(head).ok()? else {
            return None;
        };
        if !header.keys().all(|k| ENVELOPE_KEYS.contains(&k.as_str())) {
            return None;
        }
        let mut records = records::json_records(&serde_json::Value::Object(header));
        records.retain(|r| !r.is_empty());
        let (mut items, mut labels, mut spans) = (0, Vec::new(), Vec::new());
        while !rest.trim_ascii().is_empty() {
            let (line, after) = split_line(rest);
            if line.trim_ascii().is_empty() {
                rest = after;
                continue;
            }
            let item: serde_json::Value = serde_json::from_slice(line).ok()?;
            item.get("type")?.as_str()?;
            let (payload, next) = match item.get("length").and_then(|n| n.as_u64()) {
                Some(n) => {
                    let (p, next) = after.split_at((n as usize).min(after.len()));
                    (p, next.strip_prefix(b"\n").unwrap_or(next))
                }
                None => split_line(after),
            };
            self.depth += 1;
            let inner = self.read(payload, "");
            self.depth -= 1;
            if !inner.label.is_empty() {
                let at = offset(bytes, payload);
                spans.push((at..at + payload.len(), inner.text.into_owned()));
                labels.push(inner.label);
            }
            records.extend(inner.records);
            items += 1;
            rest = next;
        }
        if items == 0 {
            return None;
        }
        let text = match spans.is_empty() {
            true => lossy(bytes),
            false => Cow::Owned(splice(bytes, &spans)),
        };
        Some(Layer {
            text,
            records,
            label: join("sentry-envelope", &labels),
        })
    }
}

/// The query says `compression=lz64` (posthog-js's lz-string mode).
fn has_lz64(query: &str) -> bool {
    memchr::memmem::find(query.as_bytes(), b"lz64").is_some()
        && url::form_urlencoded::parse(query.as_bytes())
            .any(|(k, v)| k == "compression" && v == "lz64")
}

/// `outer` followed by each of `inner`'s labels (each of its `;`-separated ones), as
/// `outer+inner`; `outer` alone when they are all empty.
fn join(outer: &str, inner: &[String]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for l in inner
        .iter()
        .flat_map(|l| l.split(';'))
        .filter(|l| !l.is_empty())
    {
        let joined = match outer.is_empty() {
            true => l.to_string(),
            false => format!("{outer}+{l}"),
        };
        if !seen.contains(&joined) {
            seen.push(joined);
        }
    }
    match seen.is_empty() {
        true => outer.to_string(),
        false => seen.join(";"),
    }
}

/// `l` with `outer` as its outermost layer.
fn prefixed(outer: &str, l: Layer<'static>) -> Layer<'static> {
    Layer {
        label: join(outer, &[l.label]),
        ..l
    }
}

/// The bytes of a base64 value (either alphabet) whose first bytes are gzip's or zlib's
/// magic. The first four characters are checked before anything is decoded, so an ordinary
/// value costs a comparison.
fn base64_packed(v: &str) -> Option<Vec<u8>> {
    let b = v.as_bytes();
    // `H4sI` is 1f 8b 08; `e` then `A`..`P` is 78 and a flag byte.
    let gzip = b.starts_with(b"H4sI");
    let zlib = b.len() > 1 && b[0] == b'e' && (b'A'..=b'P').contains(&b[1]);
    if b.len() < MIN_PACKED || !(gzip || zlib) {
        return None;
    }
    let mut head = [0u8; 3];
    STANDARD_NO_PAD.decode_slice(&b[..4], &mut head).ok()?;
    Codec::by_magic(&head)?;
    let t = v.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(t)
        .or_else(|_| URL_SAFE_NO_PAD.decode(t))
        .ok()
}

/// Decoded bytes that can be text: UTF-8 (a character cut at the end allowed) without NUL.
fn looks_text(b: &[u8]) -> bool {
    let utf8 = match std::str::from_utf8(b) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    utf8 && memchr::memchr(0, b).is_none()
}

/// The bytes as text, borrowed when they are UTF-8.
fn lossy(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Where `inner` (a slice of `outer`) starts in `outer`.
fn offset(outer: &[u8], inner: &[u8]) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

/// The first line (without its `\n`) and the rest.
fn split_line(b: &[u8]) -> (&[u8], &[u8]) {
    match memchr::memchr(b'\n', b) {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &[]),
    }
}

/// `bytes` as text with each span replaced by its text (spans in order, not overlapping).
fn splice(bytes: &[u8], spans: &[(Range<usize>, String)]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut at = 0;
    for (r, text) in spans {
        out.push_str(&String::from_utf8_lossy(&bytes[at..r.start]));
        out.push_str(text);
        at = r.end;
    }
    out.push_str(&String::from_utf8_lossy(&bytes[at..]));
    out
}

/// A multipart part's head and content (its closing line break taken off).
fn split_part(part: &[u8]) -> Option<(&[u8], &[u8])> {
    let (i, sep) = memchr::memmem::find(part, b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| memchr::memmem::find(part, b"\n\n").map(|i| (i, 2)))?;
    let content = &part[i + sep..];
    let content = content
        .strip_suffix(b"\r\n")
        .or_else(|| content.strip_suffix(b"\n"))
        .unwrap_or(content);
    Some((&part[..i], content))
}

/// A parameter of a part's `Content-Disposition` (`name=`), unquoted.
fn part_header(head: &[u8], param: &str) -> Option<String> {
    String::from_utf8_lossy(head)
        .split([';', '\n'])
        .find_map(|h| h.trim().strip_prefix(param))
        .map(|n| n.trim_matches('"').to_string())
}

/// A part's `Content-Type` (empty when none).
fn part_content_type(head: &[u8]) -> String {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-type")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}
