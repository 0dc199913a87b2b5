//! The real captured requests of `tests/data/real-requests.jsonl` (public recordings of what
//! browsers sent to trackers, each with where it was found and its truth), read through the
//! analysis without a browser: prints the per-vendor table `make accuracy` prints and holds the
//! totals to issue #39's targets for vendors with no hand-written decoder.

#[path = "measure/mod.rs"]
mod measure;

use measure::real;

/// The test web states its truth in its own words (crates/testweb/src/kinds.rs, the SDK
/// truth's fields); they must stay the names pixelcensus stores.
#[test]
fn the_test_webs_truth_speaks_pixelcensuss_names() {
    use pixelcensus_testweb::kinds;
    for o in kinds::Outcome::ALL {
        assert!(
            pixelcensus::capture::Outcome::parse(o.as_str()).is_some(),
            "{o:?}"
        );
    }
    for w in kinds::WallKind::ALL {
        assert!(
            pixelcensus::capture::WallKind::parse(w.as_str()).is_some(),
            "{w:?}"
        );
    }
    for f in pixelcensus_testweb::sdk::truth::Field::ALL {
        assert!(
            pixelcensus::analyze::vocab::Field::parse(f.as_str()).is_some(),
            "{f:?}"
        );
    }
}

#[test]
fn real_requests_meet_the_targets() {
    let reqs = real::load(include_str!("data/real-requests.jsonl")).expect("the data file");
    assert!(reqs.len() >= 40, "{} requests", reqs.len());
    let scores: Vec<real::Scored> = reqs.iter().map(real::score).collect();
    println!("{}", real::table(&scores));
    let t = real::totals(&scores);
    let names = ["named", "account ID", "events", "fields"];
    for i in 0..4 {
        assert!(
            t[i].share() >= real::TARGETS[i],
            "{}: {}/{} below {}",
            names[i],
            t[i].right,
            t[i].of,
            real::TARGETS[i]
        );
    }
}
