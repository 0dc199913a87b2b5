//! lz-string decompression (the format of pieroxy/lz-string, which older posthog-js and many
//! scripts use to pack JSON into text): an LZW-like stream of variable-width codes, written as
//! 6-bit characters (`compressToBase64`, `compressToEncodedURIComponent`) or 15-bit ones
//! (`compressToUTF16`). Our own reader of the format, bounded like the other decoders: the
//! output stops at a limit, and a check on the first character lets a caller reject a value
//! that is not lz-string after reading two or three characters.

/// How the codes were written as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `compressToBase64`: `A-Z a-z 0-9 + /`, `=` padding.
    Base64,
    /// `compressToEncodedURIComponent`: `A-Z a-z 0-9 + - $` (a space read as `+`, as a
    /// form decoder turns it).
    Uri,
    /// `compressToUTF16`: 15 bits per character, offset by 32, a space at the end.
    Utf16,
}

/// What a decompression gave.
#[derive(Debug)]
pub struct Decoded {
    /// The text (UTF-16 units as Rust text; a lone surrogate replaced).
    pub text: String,
    /// It stopped at the limit.
    pub capped: bool,
}

/// The value of a character of `form`, `None` outside its alphabet.
fn value(form: Form, c: char) -> Option<u32> {
    let c = c as u32;
    match form {
        Form::Utf16 => (32..=0x801f).contains(&c).then(|| c - 32),
        Form::Base64 | Form::Uri => {
            let b = u8::try_from(c).ok()?;
            match b {
                b'A'..=b'Z' => Some((b - b'A') as u32),
                b'a'..=b'z' => Some((b - b'a') as u32 + 26),
                b'0'..=b'9' => Some((b - b'0') as u32 + 52),
                b'+' | b' ' => Some(62),
                b'/' if form == Form::Base64 => Some(63),
                b'-' if form == Form::Uri => Some(63),
                // Padding, and the URI form's end mark: no bits of their own.
                b'=' if form == Form::Base64 => Some(64),
                b'$' if form == Form::Uri => Some(64),
                _ => None,
            }
        }
    }
}

/// Reads codes bit by bit, each character's bits from its highest down.
struct Bits<'s> {
    chars: std::str::Chars<'s>,
    form: Form,
    top: u32,
    val: u32,
    pos: u32,
    /// Characters taken past the end (the format reads zeros there).
    past_end: u32,
    bad: bool,
}

impl<'s> Bits<'s> {
    fn new(s: &'s str, form: Form) -> Bits<'s> {
        let top = if form == Form::Utf16 { 1 << 14 } else { 1 << 5 };
        let mut b = Bits {
            chars: s.chars(),
            form,
            top,
            val: 0,
            pos: 0,
            past_end: 0,
            bad: false,
        };
        b.next_char();
        b
    }

    fn next_char(&mut self) {
        self.pos = self.top;
        self.val = match self.chars.next() {
            Some(c) => value(self.form, c).unwrap_or_else(|| {
                self.bad = true;
                0
            }),
            None => {
                self.past_end += 1;
                0
            }
        };
    }

    /// `n` bits, the first read as the lowest.
    fn read(&mut self, n: u32) -> u32 {
        let mut out = 0;
        for i in 0..n {
            if self.val & self.pos != 0 {
                out |= 1 << i;
            }
            self.pos >>= 1;
            if self.pos == 0 {
                self.next_char();
            }
        }
        out
    }

    /// The input ran out before the end code (the reference decoder gives up there too).
    fn exhausted(&self) -> bool {
        self.past_end > 0
    }
}

/// A dictionary entry: a run of the output, or a literal not yet written.
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    len: usize,
}

/// Decompresses `s` written in `form`, producing at most `limit` UTF-16 units. `first` sees
/// the first character and may refuse it (`None` then). `None` too for a character outside
/// the form's alphabet or a stream that breaks.
pub fn decompress(
    s: &str,
    form: Form,
    limit: usize,
    first: impl Fn(u16) -> bool,
) -> Option<Decoded> {
    if s.is_empty() {
        return None;
    }
    let mut bits = Bits::new(s, form);
    let mut out: Vec<u16> = Vec::new();
    // Codes 0 and 1 announce an 8- or 16-bit literal, 2 the end; entries start at 3.
    let mut dict: Vec<Entry> = vec![Entry { start: 0, len: 0 }; 3];
    let head = bits.read(2);
    let c = literal(&mut bits, head)?;
    if bits.bad || !first(c) {
        return None;
    }
    out.push(c);
    dict.push(Entry { start: 0, len: 1 });
    let mut w = Entry { start: 0, len: 1 };
    let (mut width, mut enlarge_in) = (3u32, 4u32);
    let mut capped = false;
    loop {
        if bits.exhausted() || bits.bad {
            return None;
        }
        let code = bits.read(width) as usize;
        let start = out.len();
        let entry = match code {
            2 => break,
            0 | 1 => {
                let ch = literal(&mut bits, code as u32)?;
                if start >= limit {
                    capped = true;
                    break;
                }
                out.push(ch);
                dict.push(Entry { start, len: 1 });
                (enlarge_in, width) = grow(enlarge_in, width);
                Entry { start, len: 1 }
            }
            _ => {
                let entry = lookup(&dict, code, w)?;
                if start + entry.len > limit {
                    capped = true;
                    copy_run(&mut out, entry.start, limit.saturating_sub(start), w);
                    break;
                }
                copy_run(&mut out, entry.start, entry.len, w);
                entry
            }
        };
        // The new entry is the previous one and this one's first unit: in the output the
        // previous entry runs straight into this one, so it is one run.
        dict.push(Entry {
            start: w.start,
            len: w.len + 1,
        });
        w = Entry {
            start,
            len: entry.len,
        };
        (enlarge_in, width) = grow(enlarge_in, width);
    }
    Some(Decoded {
        text: String::from_utf16_lossy(&out),
        capped,
    })
}

/// A literal after its code: 0 announces 8 bits, 1 sixteen.
fn literal(bits: &mut Bits, code: u32) -> Option<u16> {
    match code {
        0 => Some(bits.read(8) as u16),
        1 => Some(bits.read(16) as u16),
        _ => None,
    }
}

/// The entry of `code`; the code being defined right now is the previous entry `w` and its
/// own first unit. `None` for a code beyond that (a broken stream).
fn lookup(dict: &[Entry], code: usize, w: Entry) -> Option<Entry> {
    match dict.get(code) {
        Some(e) => Some(*e),
        None if code == dict.len() => Some(Entry {
            start: w.start,
            len: w.len + 1,
        }),
        None => None,
    }
}

/// One more entry: the code width grows by a bit when the entries of this width run out.
fn grow(enlarge_in: u32, width: u32) -> (u32, u32) {
    if enlarge_in == 1 {
        (1 << width, width + 1)
    } else {
        (enlarge_in - 1, width)
    }
}

/// Appends `len` units of the output from `start`; a run reaching past the output's end is
/// the previous entry `w` followed by its own first unit.
fn copy_run(out: &mut Vec<u16>, start: usize, len: usize, w: Entry) {
    let have = out.len().saturating_sub(start).min(len);
    out.extend_from_within(start..start + have);
    if have < len {
        let first = out[w.start];
        out.push(first);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lz-string's own compatibility vectors (pieroxy/lz-string, tests/lz-string-spec.js,
    /// "Binary decoding compatibility tests (mandatory)", as published in lz-string 1.5.0 on
    /// npm): one English paragraph in the base64, URI-component and UTF-16 forms.
    fn spec_vectors() -> serde_json::Value {
        serde_json::from_str(include_str!("testdata/lz-string-spec-vectors.json")).unwrap()
    }

    #[test]
    fn the_projects_own_vectors_decode_in_every_form() {
        let v = spec_vectors();
        let text = v["text"].as_str().unwrap();
        for (key, form) in [
            ("base64", Form::Base64),
            ("uri", Form::Uri),
            ("utf16", Form::Utf16),
        ] {
            let packed = v[key].as_str().unwrap();
            let d = decompress(packed, form, 1 << 20, |_| true)
                .unwrap_or_else(|| panic!("{key} did not decode"));
            assert_eq!(d.text, text, "{key}");
            assert!(!d.capped);
        }
        // The URI form as a form decoder hands it over: its `+` turned into spaces.
        let spaced = v["uri"].as_str().unwrap().replace('+', " ");
        assert_eq!(
            decompress(&spaced, Form::Uri, 1 << 20, |_| true)
                .unwrap()
                .text,
            text
        );
    }

    #[test]
    fn short_vectors_and_what_is_not_lz_string() {
        // lz-string 1.5.0's compressToBase64 of `{"a":1}`, `[1]` and of the repeating test
        // string of its spec, run under node.
        let cases = [
            ("N4IghiBcCMC+Q===", "{\"a\":1}"),
            ("NoRgukA=", "[1]"),
            ("IYkI1EGNOATWBTWQ", "aaaaabaaaaacaaaaadaaaaaeaaaaa"),
        ];
        for (packed, text) in cases {
            let d = decompress(packed, Form::Base64, 1 << 20, |_| true).unwrap();
            assert_eq!(d.text, text, "{packed}");
        }
        let json_first = |c: u16| c == u16::from(b'{') || c == u16::from(b'[');
        assert!(decompress("N4IghiBcCMC+Q===", Form::Base64, 99, json_first).is_some());
        // The same strings as compressToEncodedURIComponent and compressToUTF16 write them.
        assert_eq!(
            decompress("N4IghiBcCMC+Q", Form::Uri, 99, |_| true)
                .unwrap()
                .text,
            "{\"a\":1}"
        );
        assert_eq!(
            decompress(
                "\u{1be1}\u{841}\u{442b}\u{40ac}\u{612}  ",
                Form::Utf16,
                99,
                |_| true
            )
            .unwrap()
            .text,
            "{\"a\":1}"
        );
        // An ordinary ID, base64 of JSON, a word: refused at the first character or broken.
        for v in [
            "dGVzdC11c2VyLTEyMzQ1Njc4OQ",
            "eyJhIjoxfQ==",
            "hello world",
            "a!b",
        ] {
            assert!(
                decompress(v, Form::Base64, 1 << 20, json_first).is_none(),
                "{v}"
            );
        }
        // Cut off before its end code.
        assert!(decompress("N4Igh", Form::Base64, 1 << 20, |_| true).is_none());
    }

    #[test]
    fn the_output_stops_at_the_limit() {
        let v = spec_vectors();
        let d = decompress(v["base64"].as_str().unwrap(), Form::Base64, 100, |_| true).unwrap();
        assert!(d.capped);
        assert_eq!(d.text.len(), 100);
        assert!(v["text"].as_str().unwrap().starts_with(&d.text));
    }
}
