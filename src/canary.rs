//! Canary values: fictitious, per-site values the visitor types, derived from a crawl secret so
//! a hit in a tracker's request can be traced to one site of one crawl.

use crate::capture::Canaries;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Derives the canary values of `domain` from the crawl's secret.
///
/// - email: `pc.<token>@example.com` (example.com is reserved for documentation);
/// - phone: `+1 NPA 555 01XX`, in the 555-0100..0199 range that North American numbering
///   keeps for fiction; NPA and XX vary per site (80,000 combinations);
/// - name, free text and search term carry the same lower-case token.
pub fn derive(secret: &[u8], domain: &str) -> Canaries {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(domain.as_bytes());
    let d = mac.finalize().into_bytes();
    // 10 letters from the digest (a-z), unlikely to occur by chance in traffic.
    let token: String = d[..10].iter().map(|b| (b'a' + b % 26) as char).collect();
    let npa = 201 + (u16::from_be_bytes([d[10], d[11]]) % 789); // 201..=989
    let npa = if npa % 100 == 11 { npa + 1 } else { npa }; // no N11 service codes
    let line = 100 + d[12] % 100; // 0100..0199
    let cap = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    Canaries {
        email: format!("pc.{token}@example.com"),
        phone: format!("+1{npa}5550{line}"),
        name: format!("Quinn {}", cap(&token[..7])),
        text: format!("hello from {token}"),
        search: format!("pcsearch {token}"),
    }
}

/// The crawl secret of `--crawl-id ID`: every shard of a crawl derives the same one, so
/// canary values stay unique per site across shards and are recomputable from the ID.
pub fn identity_secret(crawl_id: &str) -> Vec<u8> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(b"pixelcensus crawl identity").expect("any key length");
    mac.update(crawl_id.as_bytes());
    mac.finalize().into_bytes()[..16].to_vec()
}

/// The key that chooses `domain`'s internal pages (see `collect::links::choose`), from the
/// crawl's secret: a rerun of the crawl follows the same links, another crawl other ones.
pub fn link_key(secret: &[u8], domain: &str) -> u64 {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"internal pages\0");
    mac.update(domain.as_bytes());
    let d = mac.finalize().into_bytes();
    u64::from_be_bytes(d[..8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_site_and_distinct_across_sites_and_crawls() {
        let a = derive(b"secret-1", "a.example");
        assert_eq!(a, derive(b"secret-1", "a.example"));
        assert_ne!(a.email, derive(b"secret-1", "b.example").email);
        assert_ne!(a.email, derive(b"secret-2", "a.example").email);
    }

    #[test]
    fn values_are_obviously_fictitious() {
        for d in ["a.example", "b.example", "news.example", "shop.test"] {
            let c = derive(b"k", d);
            assert!(c.email.ends_with("@example.com"), "{}", c.email);
            assert!(c.phone.starts_with("+1"), "{}", c.phone);
            assert_eq!(c.phone.len(), 12, "{}", c.phone);
            assert_eq!(&c.phone[5..9], "5550", "{}", c.phone);
            let line: u32 = c.phone[8..].parse().unwrap();
            assert!((100..=199).contains(&line), "{}", c.phone);
        }
    }
}
