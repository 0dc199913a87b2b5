//! `--browsers auto`: how many browsers a crawl runs at once, chosen by measurement rather
//! than by core count. A visit mostly waits (the dwell, the consent wait, the page's own
//! timers), so one browser per core leaves the machine idle; the controller adds browsers
//! while the CPU and memory have headroom and removes them when either is short.
//!
//! The rule ([`Controller::decide`], a pure function of the samples so tests can feed it
//! made-up load): slow start (double) until the first sign of pressure, then additive
//! increase by one after two calm samples in a row, multiplicative decrease (to three
//! quarters, at least one fewer) as soon as the CPU is busier than 90 % of all cores (but not
//! in the one sample right after an increase, which holds the new browsers' start-up), the
//! crawl's processes use more than the memory budget, or the machine's available memory
//! falls under the reserve. Bounded by 1 and `--max-browsers`. A new browser is only added
//! while every running one has a site (a short list does not need more).

use std::time::Duration;

/// One reading of the machine and the crawl.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Share of all cores busy since the last sample (0 to 1).
    pub cpu_busy: f64,
    /// The machine's available memory (MemAvailable), bytes.
    pub mem_available: u64,
    /// Memory of the crawl's own processes (pixelcensus, chromedriver, every Chromium),
    /// bytes.
    pub crawl_bytes: u64,
    /// Browsers visiting a site right now.
    pub busy: usize,
}

/// The controller's bounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Most browsers (`--max-browsers`).
    pub max: usize,
    /// Memory the crawl's processes may use (`--max-memory`), bytes.
    pub memory_budget: u64,
    /// Available memory the machine keeps whatever the budget, bytes.
    pub reserve: u64,
}

/// CPU busier than this is pressure.
const CPU_HIGH: f64 = 0.90;
/// CPU under this (and memory to spare) is headroom.
const CPU_LOW: f64 = 0.75;

/// The concurrency controller's state.
#[derive(Clone, Debug)]
pub struct Controller {
    limits: Limits,
    current: usize,
    /// Still doubling (no pressure seen yet).
    slow_start: bool,
    /// Calm samples in a row.
    calm: u32,
    /// The last decision added browsers: their start-up is in the next CPU sample.
    just_added: bool,
}

impl Controller {
    /// Starts at `start` browsers (bounded by the limits).
    pub fn new(start: usize, limits: Limits) -> Controller {
        Controller {
            current: start.clamp(1, limits.max.max(1)),
            limits,
            slow_start: true,
            calm: 0,
            just_added: false,
        }
    }

    /// The browsers allowed now.
    pub fn current(&self) -> usize {
        self.current
    }

    /// Takes one sample and returns the browsers allowed from now on.
    pub fn decide(&mut self, s: Sample) -> usize {
        let l = self.limits;
        let n = self.current.max(1) as u64;
        let per_browser = s.crawl_bytes / n;
        let memory_short = s.crawl_bytes > l.memory_budget || s.mem_available < l.reserve;
        // Browsers just started burn CPU for a second or two: one busy sample right after an
        // increase is their start-up, not the crawl's load (memory pressure always counts).
        let cpu_high = s.cpu_busy > CPU_HIGH && !std::mem::take(&mut self.just_added);
        if memory_short || cpu_high {
            self.slow_start = false;
            self.calm = 0;
            let down = (self.current * 3 / 4).min(self.current.saturating_sub(1));
            self.current = down.max(1);
            return self.current;
        }
        // Room for one more browser (two, while doubling) of the size the running ones have.
        let step = if self.slow_start { self.current } else { 1 };
        let wanted = (self.current + step).min(l.max.max(1));
        let extra = per_browser.saturating_mul((wanted - self.current) as u64);
        let headroom = s.cpu_busy < CPU_LOW
            && s.crawl_bytes + extra <= l.memory_budget
            && s.mem_available >= l.reserve + extra;
        if !headroom || s.busy < self.current || wanted == self.current {
            self.calm = 0;
            if !headroom {
                self.slow_start = false;
            }
            return self.current;
        }
        self.calm += 1;
        if self.slow_start || self.calm >= 2 {
            self.calm = 0;
            self.current = wanted;
            self.just_added = true;
        }
        self.current
    }
}

/// How often the controller samples.
pub const INTERVAL: Duration = Duration::from_secs(2);

/// Jiffies (busy, total) of all cores from `/proc/stat`'s first line.
pub fn cpu_jiffies() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = v.iter().sum();
    // idle + iowait are not busy.
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// `MemAvailable` and `MemTotal` from `/proc/meminfo`, bytes.
pub fn meminfo() -> Option<(u64, u64)> {
    let m = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| {
        m.lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
            .map(|kib| kib * 1024)
    };
    Some((field("MemAvailable:")?, field("MemTotal:")?))
}

/// Resident memory of this process and all its descendants, bytes (RSS: an overestimate of
/// shared pages, so the budget errs on the safe side).
pub fn tree_bytes() -> u64 {
    let me = std::process::id();
    let mut parent = std::collections::HashMap::new();
    let mut rss = std::collections::HashMap::new();
    let page = 4096u64;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        if let (Some(pp), Some(r)) = (
            f.get(1).and_then(|x| x.parse::<u32>().ok()),
            f.get(21).and_then(|x| x.parse::<u64>().ok()),
        ) {
            parent.insert(pid, pp);
            rss.insert(pid, r * page);
        }
    }
    rss.iter()
        .filter(|(pid, _)| {
            let mut p = **pid;
            for _ in 0..64 {
                if p == me {
                    return true;
                }
                match parent.get(&p) {
                    Some(&pp) if pp != 0 => p = pp,
                    _ => return false,
                }
            }
            false
        })
        .map(|(_, r)| r)
        .sum()
}

/// Reads the machine's load between calls.
pub struct Meter {
    last: Option<(u64, u64)>,
}

impl Default for Meter {
    fn default() -> Self {
        Meter::new()
    }
}

impl Meter {
    /// Starts measuring now.
    pub fn new() -> Meter {
        Meter {
            last: cpu_jiffies(),
        }
    }

    /// A sample since the previous one, with `busy` browsers visiting.
    pub fn sample(&mut self, busy: usize) -> Sample {
        let now = cpu_jiffies();
        let cpu_busy = match (self.last, now) {
            (Some((b0, t0)), Some((b1, t1))) if t1 > t0 => (b1 - b0) as f64 / (t1 - t0) as f64,
            _ => 0.0,
        };
        self.last = now;
        let (mem_available, _) = meminfo().unwrap_or((u64::MAX / 4, u64::MAX / 4));
        Sample {
            cpu_busy,
            mem_available,
            crawl_bytes: tree_bytes(),
            busy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    fn limits() -> Limits {
        Limits {
            max: 16,
            memory_budget: 8 * GIB,
            reserve: GIB,
        }
    }

    fn calm(n: usize) -> Sample {
        Sample {
            cpu_busy: 0.2,
            mem_available: 20 * GIB,
            crawl_bytes: n as u64 * 200 * (1 << 20),
            busy: n,
        }
    }

    #[test]
    fn waiting_browsers_are_added_until_the_cpu_is_busy() {
        let mut c = Controller::new(2, limits());
        // Slow start: doubling while idle.
        assert_eq!(c.decide(calm(2)), 4);
        assert_eq!(c.decide(calm(4)), 8);
        // The CPU is busy right after the browsers were added: their start-up, ignored once.
        let busy = Sample {
            cpu_busy: 0.95,
            ..calm(8)
        };
        assert_eq!(c.decide(busy), 8);
        // Busy again: three quarters, and no more doubling.
        assert_eq!(c.decide(busy), 6);
        // Then one more after two calm samples in a row.
        assert_eq!(c.decide(calm(6)), 6);
        assert_eq!(c.decide(calm(6)), 7);
        // Between the thresholds nothing moves.
        let warm = Sample {
            cpu_busy: 0.8,
            ..calm(7)
        };
        assert_eq!(c.decide(warm), 7);
        assert_eq!(c.decide(warm), 7);
    }

    #[test]
    fn memory_bounds_the_browsers() {
        let l = Limits {
            max: 32,
            memory_budget: 2 * GIB,
            reserve: GIB,
        };
        let mut c = Controller::new(8, l);
        // 8 browsers of 200 MiB: 1.6 GiB; doubling would need 3.2 GiB: not done.
        assert_eq!(c.decide(calm(8)), 8);
        // Over the budget: fewer.
        let over = Sample {
            crawl_bytes: 3 * GIB,
            ..calm(8)
        };
        assert_eq!(c.decide(over), 6);
        // The machine short of memory, whatever the budget: fewer, down to one.
        let short = Sample {
            mem_available: GIB / 2,
            ..calm(6)
        };
        for _ in 0..10 {
            c.decide(short);
        }
        assert_eq!(c.current(), 1);
    }

    #[test]
    fn no_browser_is_added_without_work_for_it_or_past_the_maximum() {
        let mut c = Controller::new(2, limits());
        // Only one of the two browsers has a site (the list is nearly done).
        let idle = Sample { busy: 1, ..calm(2) };
        assert_eq!(c.decide(idle), 2);
        let mut c = Controller::new(12, limits());
        assert_eq!(c.decide(calm(12)), 16);
        assert_eq!(c.decide(calm(16)), 16);
        assert_eq!(Controller::new(99, limits()).current(), 16);
    }

    #[test]
    fn the_machine_can_be_read() {
        let mut m = Meter::new();
        let s = m.sample(0);
        assert!((0.0..=1.0).contains(&s.cpu_busy), "{s:?}");
        assert!(s.mem_available > 0 && s.crawl_bytes > 0, "{s:?}");
    }
}
