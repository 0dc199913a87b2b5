//! Decompression under caps: gzip, zlib (`deflate`), raw deflate and brotli, read as a stream
//! and stopped at a budget of decoded bytes and at an expansion ratio, so a decompression bomb
//! costs no more than the budget. What was decoded up to a cap is kept and said to be capped.

use std::fmt;
use std::io::Read;

/// Decoded bytes one body may yield, over all its layers and parts.
pub const MAX_DECODED: usize = 8 << 20;
/// The largest expansion allowed for an input of at least [`RATIO_FROM`] bytes (1 : this).
/// Event batches and session recordings expand 5 to 30 times; 200 leaves them room.
pub const MAX_RATIO: usize = 200;
/// Inputs smaller than this are held to [`MAX_DECODED`] only (deflate itself cannot expand a
/// few KiB beyond a few MiB; brotli can, and the budget stops it).
pub const RATIO_FROM: usize = 4 << 10;

/// A compression format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// gzip (RFC 1952), also several members one after the other.
    Gzip,
    /// zlib-wrapped deflate (RFC 1950): HTTP's and `CompressionStream`'s `deflate`.
    Deflate,
    /// Deflate without a wrapper (RFC 1951): `CompressionStream`'s `deflate-raw`.
    DeflateRaw,
    /// Brotli (RFC 7932).
    Brotli,
}

impl Codec {
    /// The name used in `body_encoding`.
    pub fn as_str(self) -> &'static str {
        match self {
            Codec::Gzip => "gzip",
            Codec::Deflate => "deflate",
            Codec::DeflateRaw => "deflate-raw",
            Codec::Brotli => "brotli",
        }
    }

    /// The codec whose magic bytes `b` starts with: gzip's `1f 8b 08`, or a zlib header as
    /// compressors write it (`78` then a check byte; the 32 KiB window every encoder uses).
    /// Raw deflate and brotli have no magic.
    pub fn by_magic(b: &[u8]) -> Option<Codec> {
        match b {
            [0x1f, 0x8b, 0x08, ..] => Some(Codec::Gzip),
            [0x78, flg, ..] if (0x7800u16 | *flg as u16).is_multiple_of(31) && flg & 0x20 == 0 => {
                Some(Codec::Deflate)
            }
            _ => None,
        }
    }

    /// The codec a `Content-Encoding` header names (`gzip`, `x-gzip`, `deflate`, `br`).
    pub fn by_header(v: &str) -> Option<Codec> {
        let v = v.trim();
        if v.eq_ignore_ascii_case("gzip") || v.eq_ignore_ascii_case("x-gzip") {
            Some(Codec::Gzip)
        } else if v.eq_ignore_ascii_case("deflate") {
            Some(Codec::Deflate)
        } else if v.eq_ignore_ascii_case("br") {
            Some(Codec::Brotli)
        } else {
            None
        }
    }
}

/// Which cap stopped a decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    /// The body's budget of decoded bytes ([`MAX_DECODED`], or what its other parts left).
    Budget,
    /// The expansion ratio ([`MAX_RATIO`]).
    Ratio,
}

impl fmt::Display for Cap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cap::Budget => write!(f, "capped: {} MiB", MAX_DECODED >> 20),
            Cap::Ratio => write!(f, "capped: 1:{MAX_RATIO}"),
        }
    }
}

/// The most an input of `input_len` bytes may decode to when `left` bytes of the body's
/// budget are left, and the cap that bound is.
pub fn limit(input_len: usize, left: usize) -> (usize, Cap) {
    let ratio = if input_len >= RATIO_FROM {
        input_len.saturating_mul(MAX_RATIO)
    } else {
        usize::MAX
    };
    if ratio < left {
        (ratio, Cap::Ratio)
    } else {
        (left, Cap::Budget)
    }
}

/// What a decompression gave.
#[derive(Debug)]
pub struct Inflated {
    /// The decoded bytes (up to the cap).
    pub bytes: Vec<u8>,
    /// The cap that stopped it, if one did.
    pub cap: Option<Cap>,
    /// The stream ended where it should; false when it was cut off or broke after some output.
    pub complete: bool,
}

/// Decompresses `input` as `codec`, reading at most `limit(input.len(), left)` bytes.
/// `None` when the input is not that format (nothing could be decoded).
pub fn inflate(codec: Codec, input: &[u8], left: usize) -> Option<Inflated> {
    let (max, cap) = limit(input.len(), left);
    // The input is in memory: flate2's buffered readers read it in place (its plain readers
    // would copy it through a 32 KiB buffer of their own first).
    let reader: Box<dyn Read + '_> = match codec {
        Codec::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
        Codec::Deflate => Box::new(flate2::bufread::ZlibDecoder::new(input)),
        Codec::DeflateRaw => Box::new(flate2::bufread::DeflateDecoder::new(input)),
        Codec::Brotli => Box::new(brotli_decompressor::Decompressor::new(input, 4096)),
    };
    // One byte beyond the cap tells a stream that reaches the cap from one that goes on; the
    // reader never produces more than that, however far the stream would expand.
    let mut bytes = Vec::with_capacity(input.len().saturating_mul(4).min(max).min(1 << 20));
    let read = reader
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map(|_| ());
    if bytes.is_empty() {
        // An empty stream is still that format; a failed one was not.
        return read.is_ok().then_some(Inflated {
            bytes,
            cap: None,
            complete: true,
        });
    }
    let capped = bytes.len() > max;
    bytes.truncate(max);
    Some(Inflated {
        bytes,
        cap: capped.then_some(cap),
        complete: read.is_ok() && !capped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn magic_bytes_name_gzip_and_zlib_only() {
        assert_eq!(Codec::by_magic(&gzip(b"{}")), Some(Codec::Gzip));
        for head in [[0x78, 0x01], [0x78, 0x5e], [0x78, 0x9c], [0x78, 0xda]] {
            assert_eq!(Codec::by_magic(&head), Some(Codec::Deflate), "{head:x?}");
        }
        // Text, JSON and "x" followed by a letter are nothing.
        for b in [&b"{\"a\":1}"[..], b"xyz", b"x", b"", b"\x1f\x8b"] {
            assert_eq!(Codec::by_magic(b), None, "{b:?}");
        }
        assert_eq!(Codec::by_header(" GZIP "), Some(Codec::Gzip));
        assert_eq!(Codec::by_header("br"), Some(Codec::Brotli));
        assert_eq!(Codec::by_header("identity"), None);
    }

    #[test]
    fn a_stream_cut_short_keeps_what_it_decoded() {
        let text = "{\"event\":\"$pageview\"}".repeat(50);
        let z = gzip(text.as_bytes());
        let whole = inflate(Codec::Gzip, &z, MAX_DECODED).unwrap();
        assert!(whole.complete && whole.cap.is_none());
        assert_eq!(whole.bytes, text.as_bytes());
        let cut = inflate(Codec::Gzip, &z[..z.len() - 8], MAX_DECODED).unwrap();
        assert!(!cut.complete, "the trailer is missing");
        assert!(text.as_bytes().starts_with(&cut.bytes) && !cut.bytes.is_empty());
        assert!(inflate(Codec::Gzip, b"not gzip at all", MAX_DECODED).is_none());
        assert!(inflate(Codec::DeflateRaw, b"\xff\xff\xff\xff", MAX_DECODED).is_none());
    }

    #[test]
    fn the_ratio_binds_large_inputs_and_the_budget_the_rest() {
        assert_eq!(limit(100, MAX_DECODED), (MAX_DECODED, Cap::Budget));
        assert_eq!(limit(10 << 10, MAX_DECODED), (2000 << 10, Cap::Ratio));
        assert_eq!(limit(10 << 10, 1000), (1000, Cap::Budget));
        assert_eq!(Cap::Budget.to_string(), "capped: 8 MiB");
        assert_eq!(Cap::Ratio.to_string(), "capped: 1:200");
    }
}
