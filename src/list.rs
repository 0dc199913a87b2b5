//! Top-site lists: Tranco, CrUX and plain text, read into [`Target`]s.
//!
//! The format is detected from the first data line:
//! - `origin,rank` header (any case) → CrUX (`https://www.example.com,1000`; the rank is a
//!   bucket such as 1000 or 10000 and is kept as such);
//! - `<number>,<domain>` → Tranco (`1,google.com`, no header);
//! - anything else → plain text, one domain or URL per line, ranked by position.
//!
//! Blank lines and `#` comments are ignored; a UTF-8 BOM and CRLF line ends are accepted.
//! Names are lower-cased, internationalised names become punycode, schemes, paths and the
//! default ports (443, 80) are stripped; any other port makes the line malformed (it cannot
//! be kept: a site is visited at `https://host/`). Duplicates keep their best rank.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One site to visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Rank in the list: a position (Tranco, plain) or a bucket (CrUX, see `rank_is_bucket`).
    pub rank: u64,
    /// True when `rank` is a popularity bucket (CrUX: 1000, 10000, …) rather than a position.
    pub rank_is_bucket: bool,
    /// Normalised host name: lower case, ASCII (punycode), no scheme, port or path.
    pub domain: String,
}

/// The list formats pixelcensus reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// `rank,domain`, no header (tranco-list.eu).
    Tranco,
    /// `origin,rank` with a header; rank is a bucket (Chrome UX Report top lists).
    Crux,
    /// One domain or URL per line; rank is the entry's position.
    Plain,
}

impl fmt::Display for ListFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ListFormat::Tranco => "tranco",
            ListFormat::Crux => "crux",
            ListFormat::Plain => "plain",
        })
    }
}

/// A line that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based physical line number in the file.
    pub line: usize,
    /// What was wrong, in words a user can act on.
    pub reason: String,
    /// The offending text (trimmed, cut to 80 characters).
    pub text: String,
}

/// Errors from reading a list.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The file could not be read.
    #[error("cannot read list {path}: {source}")]
    Io {
        /// The list file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// At least one line is malformed (only the first is named; `count` says how many).
    #[error(
        "{path}, line {}: {} (found `{}`){}\n  fix the line, or pass --skip-bad-lines to skip malformed lines with a warning",
        first.line, first.reason, first.text,
        if *count > 1 { format!("; {} malformed lines in all", count) } else { String::new() }
    )]
    Malformed {
        /// The list file.
        path: PathBuf,
        /// The first malformed line.
        first: BadLine,
        /// How many lines are malformed.
        count: usize,
    },
    /// The list holds no usable entry.
    #[error("{path}: the list has no sites{hint}")]
    Empty {
        /// The list file.
        path: PathBuf,
        /// Extra words on why (e.g. the selection removed everything).
        hint: String,
    },
    /// A `--ranks` value that is not `A-B` with 1 ≤ A ≤ B.
    #[error("--ranks {value}: {reason}")]
    BadRange {
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// What to take from a list.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Keep only ranks in this inclusive range.
    pub ranks: Option<(u64, u64)>,
    /// Keep at most this many entries (after `ranks`), best ranks first.
    pub limit: Option<usize>,
    /// Skip malformed lines (with a count) instead of failing.
    pub skip_bad_lines: bool,
}

/// A parsed list and what happened while reading it.
#[derive(Clone, Debug)]
pub struct ParsedList {
    /// The detected format.
    pub format: ListFormat,
    /// Selected targets, best rank first.
    pub targets: Vec<Target>,
    /// Entries dropped because the same domain came earlier with a better (or equal) rank.
    pub duplicates: usize,
    /// Malformed lines that were skipped (only with `skip_bad_lines`).
    pub skipped: Vec<BadLine>,
    /// Entries in the file before selection (after de-duplication).
    pub total: usize,
}

/// Parses `A-B` (inclusive) as given to `--ranks`.
pub fn parse_range(s: &str) -> Result<(u64, u64), ListError> {
    let bad = |reason: String| ListError::BadRange {
        value: s.into(),
        reason,
    };
    let numbers = || bad("expected two whole numbers like `1-1000`".into());
    let (a, b) = s.split_once('-').ok_or_else(numbers)?;
    let a: u64 = a.trim().parse().map_err(|_| numbers())?;
    let b: u64 = b.trim().parse().map_err(|_| numbers())?;
    if a == 0 {
        return Err(bad(format!("ranks start at 1 (did you mean 1-{b}?)")));
    }
    if b < a {
        return Err(bad(format!(
            "the range is reversed (did you mean {b}-{a}?)"
        )));
    }
    Ok((a, b))
}

/// Reads and parses a list file.
pub fn read_list(path: &Path, sel: &Selection) -> Result<ParsedList, ListError> {
    let bytes = std::fs::read(path).map_err(|source| ListError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    parse_list(&text, path, sel)
}

/// Parses list text; `path` is only used in messages.
pub fn parse_list(text: &str, path: &Path, sel: &Selection) -> Result<ParsedList, ListError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r').trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let first = lines.first().map(|(_, l)| *l).unwrap_or("");
    let format = detect(first);
    // A header row: CrUX always has one; a Tranco-style list may (`rank,domain`).
    let header = format == ListFormat::Crux || tranco_header(first);

    let mut entries: Vec<(usize, Target)> = Vec::new();
    let mut bad = Vec::new();
    let mut ordinal = 0u64;
    for (idx, &(lineno, line)) in lines.iter().enumerate() {
        if header && idx == 0 {
            continue;
        }
        ordinal += 1;
        match parse_line(format, line, ordinal) {
            Ok(t) => entries.push((lineno, t)),
            Err(reason) => bad.push(BadLine {
                line: lineno,
                reason,
                text: excerpt(line),
            }),
        }
    }
    if !bad.is_empty() && !sel.skip_bad_lines {
        return Err(ListError::Malformed {
            path: path.to_owned(),
            count: bad.len(),
            first: bad.swap_remove(0),
        });
    }

    let (mut kept, duplicates) = dedup(entries);
    let total = kept.len();
    kept.sort_by_key(|t| t.rank); // stable: file order within a bucket
    if let Some((a, b)) = sel.ranks {
        kept.retain(|t| t.rank >= a && t.rank <= b);
    }
    if let Some(n) = sel.limit {
        kept.truncate(n);
    }
    if kept.is_empty() {
        let hint = if total > 0 {
            format!(" left after --ranks/--limit ({total} in the file)")
        } else {
            String::new()
        };
        return Err(ListError::Empty {
            path: path.to_owned(),
            hint,
        });
    }
    Ok(ParsedList {
        format,
        targets: kept,
        duplicates,
        skipped: bad,
        total,
    })
}

/// The targets once each, keeping the best rank (first occurrence on ties), and how many
/// duplicates were dropped.
fn dedup(entries: Vec<(usize, Target)>) -> (Vec<Target>, usize) {
    let mut best: HashMap<String, usize> = HashMap::new();
    let mut kept: Vec<Target> = Vec::new();
    let mut duplicates = 0;
    for (_, t) in entries {
        match best.get(&t.domain) {
            Some(&i) => {
                duplicates += 1;
                if t.rank < kept[i].rank {
                    kept[i] = t;
                }
            }
            None => {
                best.insert(t.domain.clone(), kept.len());
                kept.push(t);
            }
        }
    }
    (kept, duplicates)
}

fn detect(first: &str) -> ListFormat {
    let lower = first.to_ascii_lowercase();
    let fields: Vec<&str> = lower.split(',').map(str::trim).collect();
    if fields.len() >= 2 && fields[0] == "origin" && fields[1] == "rank" {
        ListFormat::Crux
    } else if tranco_header(first) || (fields.len() >= 2 && fields[0].parse::<u64>().is_ok()) {
        ListFormat::Tranco
    } else {
        ListFormat::Plain
    }
}

/// A `rank,domain` header row (any case; `site`, `url` or `origin` for `domain`), as
/// spreadsheets and many published lists add to the Tranco format.
fn tranco_header(first: &str) -> bool {
    let lower = first.to_ascii_lowercase();
    let fields: Vec<&str> = lower
        .split(',')
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    fields.len() == 2
        && fields[0] == "rank"
        && matches!(fields[1], "domain" | "site" | "url" | "origin")
}

fn parse_line(format: ListFormat, line: &str, ordinal: u64) -> Result<Target, String> {
    match format {
        ListFormat::Tranco => {
            let (rank, domain) = line.split_once(',').ok_or("expected `rank,domain`")?;
            let rank: u64 = rank
                .trim()
                .parse()
                .map_err(|_| "expected `rank,domain` with a whole-number rank")?;
            if rank == 0 {
                return Err("ranks start at 1".into());
            }
            if domain.contains(',') {
                return Err("expected `rank,domain`: too many fields".into());
            }
            Ok(Target {
                rank,
                rank_is_bucket: false,
                domain: normalise_host(domain.trim())?,
            })
        }
        ListFormat::Crux => {
            let (origin, rank) = line.split_once(',').ok_or("expected `origin,rank`")?;
            let rank: u64 = rank
                .trim()
                .parse()
                .map_err(|_| "expected `origin,rank` with a whole-number rank bucket")?;
            if rank == 0 {
                return Err("rank buckets start at 1".into());
            }
            Ok(Target {
                rank,
                rank_is_bucket: true,
                domain: normalise_host(origin.trim())?,
            })
        }
        ListFormat::Plain => {
            if line.contains(',') || line.contains(char::is_whitespace) {
                return Err("expected one domain or URL per line".into());
            }
            Ok(Target {
                rank: ordinal,
                rank_is_bucket: false,
                domain: normalise_host(line)?,
            })
        }
    }
}

/// A short, printable excerpt of list text for a message: control and other unprintable
/// characters escaped (`\u{1b}`), cut to 60 characters with `…`. A 1 MB line or binary junk
/// never reaches the terminal whole.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        if c.is_control() || c == '\u{fffd}' || c == '`' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Normalises a domain or URL to a bare host name (lower case, punycode). An IPv4 literal
/// must be a valid address and a port, if given, 1 to 65535.
pub fn normalise_host(raw: &str) -> Result<String, String> {
    let raw = raw.trim().trim_matches('"');
    if raw.is_empty() {
        return Err("empty domain".into());
    }
    // Strip a scheme, then anything after the host.
    let rest = match raw.find("://") {
        Some(i) => {
            let scheme = &raw[..i];
            if !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            {
                return Err(format!("`{}` is not a domain or URL", excerpt(raw)));
            }
            &raw[i + 3..]
        }
        None => raw,
    };
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = host_port.rsplit('@').next().unwrap_or(""); // drop userinfo
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
            let n = port.parse::<u32>().ok();
            if !n.is_some_and(|p| (1..=65535).contains(&p)) {
                return Err(format!(
                    "`{}`: port {} is not between 1 and 65535",
                    excerpt(raw),
                    excerpt(port)
                ));
            }
            // A site is visited at https://host/ (then http://host/): the default ports are
            // what it is visited on; any other would be silently dropped, so it is refused.
            if !matches!(n, Some(443 | 80)) {
                return Err(format!(
                    "`{}`: port {} cannot be kept (a site is visited at https://{}/, then http://{}/, on the default ports); list the site without `:{}`",
                    excerpt(raw),
                    excerpt(port),
                    excerpt(h),
                    excerpt(h),
                    excerpt(port)
                ));
            }
            h
        }
        _ => host_port,
    };
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return Err(format!("`{}` has no host name", excerpt(raw)));
    }
    let bad_name = || format!("`{}` is not a valid domain name", excerpt(host));
    // All-numeric labels: an IPv4 address, which must be a real one.
    if host
        .split('.')
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
    {
        return match host.parse::<std::net::Ipv4Addr>() {
            Ok(ip) => Ok(ip.to_string()),
            Err(_) => Err(format!("`{}` is not a valid IP address", excerpt(host))),
        };
    }
    let ascii = idna::domain_to_ascii(host).map_err(|_| bad_name())?;
    if ascii.is_empty() || ascii.len() > 253 {
        return Err(bad_name());
    }
    let labels_ok = ascii.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !l.starts_with('-')
            && !l.ends_with('-')
    });
    if !labels_ok || !ascii.contains('.') {
        return Err(bad_name());
    }
    Ok(ascii)
}

/// The registrable domain of a host (`www.news.example.co.uk` → `example.co.uk`). A host under
/// no known public suffix (e.g. a `.test` name) counts its last label as the suffix; an IP
/// address or single label is its own registrable domain.
pub fn registrable(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || !host.contains('.') {
        return host;
    }
    psl::domain_str(&host).map(str::to_string).unwrap_or(host)
}

/// One of N shards of a list (`--shard K/N`, 1 ≤ K ≤ N): the sites whose registrable domain
/// hashes to K. The hash is of the domain, not of its line, so a site stays in its shard when
/// the list is re-ranked, and all consent modes of a site fall in the same shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, 1-based.
    pub k: u32,
    /// How many shards the list is split into.
    pub n: u32,
}

impl Shard {
    /// Parses `K/N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let usage = || format!("`{s}`: give the shard as K/N, e.g. 2/3 (1 ≤ K ≤ N ≤ 10000)");
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let k: u32 = k.trim().parse().map_err(|_| usage())?;
        let n: u32 = n.trim().parse().map_err(|_| usage())?;
        if n == 0 || n > 10_000 || k == 0 || k > n {
            return Err(usage());
        }
        Ok(Shard { k, n })
    }

    /// The shard (1..=n) a domain belongs to: SHA-256 of its registrable domain, the first
    /// eight bytes as a number, modulo n.
    pub fn of(domain: &str, n: u32) -> u32 {
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(registrable(domain).as_bytes());
        let x = u64::from_be_bytes(d[..8].try_into().expect("8 bytes"));
        (x % u64::from(n.max(1))) as u32 + 1
    }

    /// Whether `domain` is in this shard.
    pub fn holds(&self, domain: &str) -> bool {
        Shard::of(domain, self.n) == self.k
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Shard::of(d, 10)` for example.com, google.com, tiktok.com, computed outside Rust:
    /// `int.from_bytes(hashlib.sha256(d.encode()).digest()[:8], 'big') % 10 + 1`.
    const PINNED_SHARDS: [u32; 3] = [10, 1, 1];

    fn parse(text: &str) -> Result<ParsedList, ListError> {
        parse_list(text, Path::new("top.csv"), &Selection::default())
    }

    #[test]
    fn shards_cover_a_large_list_exactly_once_and_follow_the_domain() {
        let domains: Vec<String> = (0..20_000).map(|i| format!("site{i}.example")).collect();
        for n in [1u32, 2, 3, 7, 16] {
            let mut sizes = vec![0usize; n as usize];
            for d in &domains {
                let holders: Vec<u32> = (1..=n).filter(|&k| Shard { k, n }.holds(d)).collect();
                assert_eq!(holders.len(), 1, "{d} in shards {holders:?} of {n}");
                sizes[holders[0] as usize - 1] += 1;
            }
            let even = domains.len() / n as usize;
            for s in &sizes {
                assert!(s.abs_diff(even) < even / 20 + 50, "uneven shards {sizes:?}");
            }
        }
        // The registrable domain decides: a subdomain stays with its site; the rank does not
        // enter.
        assert_eq!(
            Shard::of("www.news.example.co.uk", 5),
            Shard::of("example.co.uk", 5)
        );
        assert_eq!(Shard::of("Example.COM", 9), Shard::of("example.com", 9));
        // Stable across releases: pinned values (changing the hash moves every site).
        assert_eq!(Shard::of("example.com", 3), Shard::of("example.com", 3));
        let pinned: Vec<u32> = ["example.com", "google.com", "tiktok.com"]
            .iter()
            .map(|d| Shard::of(d, 10))
            .collect();
        assert_eq!(pinned, PINNED_SHARDS);
    }

    #[test]
    fn shard_syntax() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { k: 2, n: 3 }));
        assert_eq!(Shard::parse("1/1").unwrap().to_string(), "1/1");
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tranco_with_bom_crlf_comments_and_blank_lines() {
        let l = parse("\u{feff}# top sites\r\n1,Google.com\r\n\r\n2,example.org\r\n").unwrap();
        assert_eq!(l.format, ListFormat::Tranco);
        assert_eq!(
            l.targets,
            vec![
                Target {
                    rank: 1,
                    rank_is_bucket: false,
                    domain: "google.com".into()
                },
                Target {
                    rank: 2,
                    rank_is_bucket: false,
                    domain: "example.org".into()
                },
            ]
        );
    }

    #[test]
    fn a_rank_domain_header_row_is_read_as_tranco() {
        for head in ["rank,domain", "Rank,Domain", "\"rank\",\"site\""] {
            let l = parse(&format!("{head}\r\n1,google.com\r\n2,example.org\r\n")).unwrap();
            assert_eq!(l.format, ListFormat::Tranco, "{head}");
            assert_eq!(l.targets.len(), 2, "{head}");
            assert_eq!(l.targets[1].domain, "example.org");
        }
        // A header is only the first line: a later one is a malformed line, named.
        let e = parse("1,a.example\nrank,domain\n").unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    /// A port other than the default ones would be dropped and another server visited: the
    /// line is refused, named, with what to do.
    #[test]
    fn a_port_is_refused_with_its_line() {
        let e = parse("1,example.com\n2,example.org:8080\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("port 8080 cannot be kept"), "{e}");
        assert!(e.contains("--skip-bad-lines"), "{e}");
    }

    #[test]
    fn crux_keeps_buckets_and_strips_scheme() {
        let l =
            parse("origin,rank\nhttps://www.example.com,1000\nhttp://news.example.org:80,10000\n")
                .unwrap();
        assert_eq!(l.format, ListFormat::Crux);
        assert_eq!(l.targets[0].domain, "www.example.com");
        assert!(l.targets[0].rank_is_bucket);
        assert_eq!(l.targets[0].rank, 1000);
        assert_eq!(l.targets[1].domain, "news.example.org");
    }

    #[test]
    fn plain_ranks_by_position_and_accepts_urls() {
        let l = parse("# comment\nexample.com\n\nhttps://Shop.Example.net/path?q=1\n").unwrap();
        assert_eq!(l.format, ListFormat::Plain);
        assert_eq!(
            l.targets[0],
            Target {
                rank: 1,
                rank_is_bucket: false,
                domain: "example.com".into()
            }
        );
        assert_eq!(
            l.targets[1],
            Target {
                rank: 2,
                rank_is_bucket: false,
                domain: "shop.example.net".into()
            }
        );
    }

    #[test]
    fn idn_becomes_punycode() {
        let l = parse("1,Bücher.example\n").unwrap();
        assert_eq!(l.targets[0].domain, "xn--bcher-kva.example");
    }

    #[test]
    fn duplicates_keep_best_rank_and_are_counted() {
        let l = parse("5,a.com\n2,b.com\n1,a.com\n3,A.COM\n").unwrap();
        assert_eq!(l.duplicates, 2);
        assert_eq!(l.targets.len(), 2);
        assert_eq!(
            l.targets[0],
            Target {
                rank: 1,
                rank_is_bucket: false,
                domain: "a.com".into()
            }
        );
    }

    #[test]
    fn malformed_line_names_file_and_line() {
        let err = parse("1,a.com\n2,b.com\nthree,c.com\n4,not a domain\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("top.csv, line 3:"), "{msg}");
        assert!(msg.contains("three,c.com"), "{msg}");
        assert!(msg.contains("2 malformed lines"), "{msg}");
        assert!(msg.contains("--skip-bad-lines"), "{msg}");
    }

    #[test]
    fn skip_bad_lines_counts_them() {
        let sel = Selection {
            skip_bad_lines: true,
            ..Default::default()
        };
        let l = parse_list("1,a.com\nx,y\n3,c.com\n", Path::new("t"), &sel).unwrap();
        assert_eq!(l.targets.len(), 2);
        assert_eq!(l.skipped.len(), 1);
        assert_eq!(l.skipped[0].line, 2);
    }

    #[test]
    fn ranks_and_limit_select_part_of_a_list() {
        let text: String = (1..=20).map(|i| format!("{i},s{i}.com\n")).collect();
        let sel = Selection {
            ranks: Some((5, 15)),
            limit: Some(3),
            skip_bad_lines: false,
        };
        let l = parse_list(&text, Path::new("t"), &sel).unwrap();
        let ranks: Vec<u64> = l.targets.iter().map(|t| t.rank).collect();
        assert_eq!(ranks, vec![5, 6, 7]);
        assert_eq!(l.total, 20);
    }

    #[test]
    fn empty_list_and_empty_selection_are_errors() {
        assert!(matches!(
            parse("# nothing\n\n"),
            Err(ListError::Empty { .. })
        ));
        let sel = Selection {
            ranks: Some((50, 60)),
            ..Default::default()
        };
        let err = parse_list("1,a.com\n", Path::new("t"), &sel).unwrap_err();
        assert!(err.to_string().contains("--ranks"), "{err}");
    }

    #[test]
    fn range_parsing() {
        assert_eq!(parse_range("1-1000").unwrap(), (1, 1000));
        let msg = |s: &str| parse_range(s).unwrap_err().to_string();
        assert_eq!(
            msg("10-1"),
            "--ranks 10-1: the range is reversed (did you mean 1-10?)"
        );
        assert!(msg("0-5").contains("ranks start at 1"), "{}", msg("0-5"));
        assert!(msg("abc").contains("two whole numbers"), "{}", msg("abc"));
    }

    #[test]
    fn addresses_ports_and_long_or_binary_lines() {
        assert!(
            normalise_host("999.1.1.1")
                .unwrap_err()
                .contains("not a valid IP address")
        );
        assert_eq!(normalise_host("192.0.2.7").unwrap(), "192.0.2.7");
        assert!(
            normalise_host("example.org:99999")
                .unwrap_err()
                .contains("port 99999")
        );
        assert!(normalise_host("example.org:0").is_err());
        // The default ports are what a site is visited on; another port cannot be kept.
        assert_eq!(normalise_host("example.org:443").unwrap(), "example.org");
        assert_eq!(
            normalise_host("http://example.org:80/x").unwrap(),
            "example.org"
        );
        let e = normalise_host("example.org:8443").unwrap_err();
        assert!(e.contains("port 8443 cannot be kept"), "{e}");
        let long = format!("1,{}", "a".repeat(1_000_000));
        let err = parse(&long).unwrap_err().to_string();
        assert!(err.len() < 400, "{} bytes of message", err.len());
        assert!(err.contains("line 1"), "{err}");
        let binary = "1,ok.example\n2,\u{1b}[31mred\u{7}.example\n";
        let err = parse(binary).unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("\\u{1b}"), "{err}");
        assert!(
            !err.contains('\u{1b}'),
            "no raw escape reaches the terminal: {err}"
        );
    }

    #[test]
    fn bad_hosts_are_rejected() {
        assert!(normalise_host("no_dots").is_err());
        assert!(normalise_host("-bad-.com").is_err());
        assert!(normalise_host("https://").is_err());
        assert_eq!(
            normalise_host("user@Example.COM.:443").unwrap(),
            "example.com"
        );
    }
}
