//! A captured request taken apart once, for the decoders, canary matching, filter rules and
//! the party decision alike: host, registrable domain, first or third party, path, query
//! parameters, the body as text and in whatever format it came (JSON, form-urlencoded,
//! several form lines batched in one body, multipart, text/plain carrying JSON; compressed
//! or packed bodies decoded first by [`super::unpack`], read into records by
//! [`super::records`]). Cookies sent are searched by the leak matcher on the raw headers.

use super::party::{Parties, registrable};
use super::records::Params;
use crate::capture::RawRequest;
use std::borrow::Cow;

/// A request taken apart once.
pub struct RequestView<'a> {
    /// The capture.
    pub raw: &'a RawRequest,
    /// Lower-case host.
    pub host: String,
    /// The host's registrable domain (eTLD+1).
    pub site: String,
    /// Sent to none of the visit's first parties.
    pub third_party: bool,
    /// The `Content-Type` header as sent (empty when none).
    pub content_type: &'a str,
    /// The body as text, decoded however it was packed (see [`super::unpack`]; the capture
    /// itself borrowed when it was plain; invalid UTF-8 replaced; empty when none).
    pub body_text: Cow<'a, str>,
    /// How the body was read (`gzip`, `base64+gzip`, `multipart+deflate`, `ndjson`, …;
    /// [`super::unpack::Unpacked::encoding`]); empty for a plain body or none.
    pub body_encoding: String,
    /// URL path (`/tr/`).
    pub path: String,
    /// Decoded query parameters.
    pub query: Params,
    /// Decoded body records (one per event for batched bodies).
    pub body: Vec<Params>,
}

impl<'a> RequestView<'a> {
    /// Parses a request of a visit whose first parties are `parties`; `None` when its URL
    /// has no host.
    pub fn new(raw: &'a RawRequest, parties: &Parties) -> Option<RequestView<'a>> {
        let u = url::Url::parse(&raw.url).ok()?;
        let host = u.host_str()?.to_ascii_lowercase();
        let site = registrable(host.trim_matches(|c| c == '[' || c == ']'));
        let third_party = parties.is_third_party_site(&site);
        let path = u.path().to_string();
        let query = u
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let content_type = header(raw, "content-type").unwrap_or_default();
        let (body_text, body, body_encoding) = match raw.body.as_deref() {
            Some(b) => {
                let hints = super::unpack::Hints {
                    content_type,
                    content_encoding: header(raw, "content-encoding").unwrap_or_default(),
                    query: u.query().unwrap_or_default(),
                };
                let body = super::unpack::unpack(b, &hints);
                (body.text, body.records, body.encoding)
            }
            None => (Cow::Borrowed(""), Vec::new(), String::new()),
        };
        Some(RequestView {
            raw,
            host,
            site,
            third_party,
            content_type,
            body_text,
            body_encoding,
            path,
            query,
            body,
        })
    }

    /// The first value of `name` in the query, then in the body records.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(self.body.iter().flatten())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in the query and in every body record.
    pub fn params<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.query
            .iter()
            .chain(self.body.iter().flatten())
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Where `name` was found: the query or the body.
    pub fn param_location(&self, name: &str) -> Option<super::Location> {
        if self.query.iter().any(|(k, _)| k == name) {
            Some(super::Location::Query)
        } else if self.body.iter().flatten().any(|(k, _)| k == name) {
            Some(super::Location::Body)
        } else {
            None
        }
    }
}

/// A request header's value (case-insensitive name).
pub fn header<'r>(r: &'r RawRequest, name: &str) -> Option<&'r str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
