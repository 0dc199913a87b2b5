//! The analysis vocabulary as types: the canonical [`Field`]s a tracker can receive
//! (shared/pixel-formats.md) and the [`Encoding`] a value travelled in. Both have the
//! `as_str`/`parse` pair of the capture's enums; a misspelt field does not compile.

use std::fmt;

/// A canonical field a tracker received. Declared in name order, so sets of fields list the
/// same way as their names do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Text of the element clicked (TikTok's auto-collected trigger).
    ButtonText,
    /// An identifier from a first-party ID cookie, or a vendor's visitor ID.
    CookieId,
    /// The site's own ID for the visitor.
    ExternalId,
    /// Names and values of a form's fields.
    FormFields,
    /// A hashed e-mail address (the typed canary, or the vendor's parameter for it).
    HashedEmail,
    /// A hashed phone number.
    HashedPhone,
    /// The browser's language.
    Language,
    /// The page's title.
    PageTitle,
    /// The page's URL.
    PageUrl,
    /// The typed e-mail in clear.
    PlainEmail,
    /// The typed phone number in clear.
    PlainPhone,
    /// The referring page.
    Referrer,
    /// Screen or window size.
    Screen,
    /// The search term.
    SearchQuery,
    /// An identifier the site's pages keep in first-party localStorage or sessionStorage.
    StorageId,
    /// Other text the visitor typed (name, free text).
    TypedText,
    /// The browser's User-Agent.
    UserAgent,
}

impl Field {
    /// Every field, in name order.
    pub const ALL: [Field; 17] = [
        Field::ButtonText,
        Field::CookieId,
        Field::ExternalId,
        Field::FormFields,
        Field::HashedEmail,
        Field::HashedPhone,
        Field::Language,
        Field::PageTitle,
        Field::PageUrl,
        Field::PlainEmail,
        Field::PlainPhone,
        Field::Referrer,
        Field::Screen,
        Field::SearchQuery,
        Field::StorageId,
        Field::TypedText,
        Field::UserAgent,
    ];

    /// The name in the datasets (`page_url`, `hashed_email`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::ButtonText => "button_text",
            Field::CookieId => "cookie_id",
            Field::ExternalId => "external_id",
            Field::FormFields => "form_fields",
            Field::HashedEmail => "hashed_email",
            Field::HashedPhone => "hashed_phone",
            Field::Language => "language",
            Field::PageTitle => "page_title",
            Field::PageUrl => "page_url",
            Field::PlainEmail => "plain_email",
            Field::PlainPhone => "plain_phone",
            Field::Referrer => "referrer",
            Field::Screen => "screen",
            Field::SearchQuery => "search_query",
            Field::StorageId => "storage_id",
            Field::TypedText => "typed_text",
            Field::UserAgent => "user_agent",
        }
    }

    /// Parses the name written by [`Field::as_str`].
    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// A hashed field (its encoding is the hash recognised from the value's shape).
    pub fn is_hashed(self) -> bool {
        matches!(self, Field::HashedEmail | Field::HashedPhone)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a third party counts as a tracker (site_trackers.csv `tracker_reason`). The rule, in
/// order: its category is a tracking one; else it received something of the visitor (a
/// canary value typed on the site, plain or hashed, or the search term); else an identifier
/// (a cookie ID, then an ID kept in first-party storage). A third party with none of these is
/// not a tracker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrackerReason {
    /// Its category (third-party-web's, a decoder's, or seeds' owner corrections) is one
    /// of the tracking categories.
    Category,
    /// It received a value the visitor typed (e-mail, phone, name, text, search term),
    /// plain or hashed.
    VisitorData,
    /// It received an identifier of the visitor from a cookie.
    CookieId,
    /// It received an identifier of the visitor that the site's pages keep in
    /// localStorage or sessionStorage.
    StorageId,
}

impl TrackerReason {
    /// Every reason, in the rule's order.
    pub const ALL: [TrackerReason; 4] = [
        TrackerReason::Category,
        TrackerReason::VisitorData,
        TrackerReason::CookieId,
        TrackerReason::StorageId,
    ];

    /// The name in the datasets (`category`, `visitor_data`, `cookie_id`, `storage_id`).
    pub fn as_str(self) -> &'static str {
        match self {
            TrackerReason::Category => "category",
            TrackerReason::VisitorData => "visitor_data",
            TrackerReason::CookieId => "cookie_id",
            TrackerReason::StorageId => "storage_id",
        }
    }

    /// Parses the name written by [`TrackerReason::as_str`].
    pub fn parse(s: &str) -> Option<TrackerReason> {
        TrackerReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a tracker's pixel IDs or events came from (site_trackers.csv `id_source` and
/// `event_source`), so an analyst can keep only what a vendor's own reader vouches for. Declared
/// from the most to the least specific; reading inferred from variation across a crawl would
/// come after `generic`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// The reader of one of the first vendors (TikTok, Meta, Google, X, Microsoft UET,
    /// LinkedIn, Pinterest, Snap, Reddit, the session recorders): written as code, or since #42
    /// as a `Spec` that keeps this name (`Spec::source`) so the datasets stay comparable.
    Decoder,
    /// A vendor's declarative table (`decoders::spec::Spec`): its parameter names.
    Spec,
    /// The generic reader: ID- and event-shaped parameters of an endpoint no decoder knows.
    Generic,
    /// Learned across the crawl (`analyze::infer`): a parameter of an endpoint no decoder
    /// knows whose value is the same on every page of a site and different between sites.
    Inferred,
}

impl Source {
    /// Every source, most specific first.
    pub const ALL: [Source; 4] = [
        Source::Decoder,
        Source::Spec,
        Source::Generic,
        Source::Inferred,
    ];

    /// The name in the datasets (`decoder`, `spec`, `generic`, `inferred`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Decoder => "decoder",
            Source::Spec => "spec",
            Source::Generic => "generic",
            Source::Inferred => "inferred",
        }
    }

    /// Parses the name written by [`Source::as_str`].
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Where a tracker's collector sits relative to the site and the vendor (site_trackers.csv
/// `hosting`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hosting {
    /// On one of the vendor's own domains (`api.segment.io`, `*.sc.omtrdc.net`).
    Vendor,
    /// On the site's own registrable domain: a first-party subdomain, a CNAME to the vendor, a
    /// server-side proxy or a collector the site runs there (`metrics.<site>`).
    FirstParty,
    /// On a domain that is neither the site's nor the vendor's: a collector the site's owner
    /// runs elsewhere, or an open-source one (a Matomo or Snowplow of its own).
    SelfHosted,
}

impl Hosting {
    /// Every place.
    pub const ALL: [Hosting; 3] = [Hosting::Vendor, Hosting::FirstParty, Hosting::SelfHosted];

    /// The name in the datasets (`vendor`, `first_party`, `self_hosted`).
    pub fn as_str(self) -> &'static str {
        match self {
            Hosting::Vendor => "vendor",
            Hosting::FirstParty => "first_party",
            Hosting::SelfHosted => "self_hosted",
        }
    }

    /// Parses the name written by [`Hosting::as_str`].
    pub fn parse(s: &str) -> Option<Hosting> {
        Hosting::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A hash function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algo {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl Algo {
    /// Every algorithm.
    pub const ALL: [Algo; 4] = [Algo::Md5, Algo::Sha1, Algo::Sha256, Algo::Sha512];

    /// Its name (`sha256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Algo::Md5 => "md5",
            Algo::Sha1 => "sha1",
            Algo::Sha256 => "sha256",
            Algo::Sha512 => "sha512",
        }
    }
}

/// How a digest is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Digits {
    /// Hexadecimal (either case).
    Hex,
    /// Standard base64 (suffix `-b64`).
    Base64,
    /// URL-safe base64 without padding (suffix `-b64url`).
    Base64Url,
}

impl Digits {
    /// Every form.
    pub const ALL: [Digits; 3] = [Digits::Hex, Digits::Base64, Digits::Base64Url];

    fn suffix(self) -> &'static str {
        match self {
            Digits::Hex => "",
            Digits::Base64 => "-b64",
            Digits::Base64Url => "-b64url",
        }
    }
}

/// How a value travelled: as typed, in a text encoding, or hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    /// As it is (`plain`).
    Plain,
    /// Percent-encoded once (`url`).
    Url,
    /// Percent-encoded twice (`url2`).
    Url2,
    /// Base64 (`base64`).
    Base64,
    /// URL-safe base64 (`base64url`).
    Base64Url,
    /// A URL without its scheme (`no-scheme`: `shop.example/p`).
    NoScheme,
    /// A URL split over two parameters, its host in one and its path in another (`split`).
    Split,
    /// A phone number as digits only (`digits`).
    PhoneDigits,
    /// A phone number without its country code (`national`).
    PhoneNational,
    /// A digest: `md5`, `sha256-b64`, `e164-sha256` (of the E.164 form of a phone),
    /// `sha256(md5)` (a hash of a hex hash).
    Hash {
        /// The outer hash.
        algo: Algo,
        /// The hash its input was already in, if any.
        inner: Option<Algo>,
        /// The input was a phone number in E.164 form (with `+`).
        e164: bool,
        /// How the digest is written.
        digits: Digits,
    },
}

impl Encoding {
    /// A plain digest of `algo` written as `digits`.
    pub const fn hash(algo: Algo, digits: Digits) -> Encoding {
        Encoding::Hash {
            algo,
            inner: None,
            e164: false,
            digits,
        }
    }

    /// Parses the name written by [`Encoding`]'s `Display`.
    pub fn parse(s: &str) -> Option<Encoding> {
        let simple = [
            Encoding::Plain,
            Encoding::Url,
            Encoding::Url2,
            Encoding::Base64,
            Encoding::Base64Url,
            Encoding::NoScheme,
            Encoding::Split,
            Encoding::PhoneDigits,
            Encoding::PhoneNational,
        ];
        if let Some(e) = simple.into_iter().find(|e| e.to_string() == s) {
            return Some(e);
        }
        let (e164, rest) = match s.strip_prefix("e164-") {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (rest, digits) = [Digits::Base64Url, Digits::Base64, Digits::Hex]
            .into_iter()
            .find_map(|d| rest.strip_suffix(d.suffix()).map(|r| (r, d)))?;
        let by_name = |n: &str| Algo::ALL.into_iter().find(|a| a.as_str() == n);
        let (algo, inner) = match rest.split_once('(') {
            Some((outer, inner)) => (by_name(outer)?, Some(by_name(inner.strip_suffix(')')?)?)),
            None => (by_name(rest)?, None),
        };
        Some(Encoding::Hash {
            algo,
            inner,
            e164,
            digits,
        })
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let simple = match self {
            Encoding::Plain => "plain",
            Encoding::Url => "url",
            Encoding::Url2 => "url2",
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::NoScheme => "no-scheme",
            Encoding::Split => "split",
            Encoding::PhoneDigits => "digits",
            Encoding::PhoneNational => "national",
            Encoding::Hash {
                algo,
                inner,
                e164,
                digits,
            } => {
                if *e164 {
                    f.write_str("e164-")?;
                }
                f.write_str(algo.as_str())?;
                if let Some(i) = inner {
                    write!(f, "({})", i.as_str())?;
                }
                return f.write_str(digits.suffix());
            }
        };
        f.write_str(simple)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_and_sort_by_name() {
        for f in Field::ALL {
            assert_eq!(Field::parse(f.as_str()), Some(f));
        }
        let mut names: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        names.sort();
        let declared: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(names, declared, "Field is declared in name order");
        let mut sorted = Field::ALL;
        sorted.sort();
        assert_eq!(sorted, Field::ALL);
    }

    #[test]
    fn encodings_round_trip_by_name() {
        for (name, want) in [
            ("plain", Encoding::Plain),
            ("url2", Encoding::Url2),
            ("digits", Encoding::PhoneDigits),
            ("sha256", Encoding::hash(Algo::Sha256, Digits::Hex)),
            ("md5-b64url", Encoding::hash(Algo::Md5, Digits::Base64Url)),
            (
                "e164-sha1-b64",
                Encoding::Hash {
                    algo: Algo::Sha1,
                    inner: None,
                    e164: true,
                    digits: Digits::Base64,
                },
            ),
            (
                "sha256(md5)",
                Encoding::Hash {
                    algo: Algo::Sha256,
                    inner: Some(Algo::Md5),
                    e164: false,
                    digits: Digits::Hex,
                },
            ),
        ] {
            assert_eq!(Encoding::parse(name), Some(want), "{name}");
            assert_eq!(want.to_string(), name);
        }
        for bad in ["", "sha", "sha256(", "e164-plain", "sha256(sha3)"] {
            assert_eq!(Encoding::parse(bad), None, "{bad}");
        }
    }
}
