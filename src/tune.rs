//! `--browsers auto`: how many browsers a crawl runs at once, chosen by measurement rather
//! than by core count. A visit mostly waits (the dwell, the consent wait, the page's own
//! timers), so one browser per core leaves the machine idle; the controller adds browsers
//! while the CPU and memory have headroom and removes them when either is short.
//!
//! The rule ([`Controller::decide`], a pure function of the samples so tests can feed it
//! made-up load). The CPU is read as the mean of the last readings since the last change
//! (at most [`WINDOW`]: a page load saturates two cores for a moment, a crawl that is short
//! of CPU stays so): two readings are enough to add browsers (one when the CPU is under half
//! busy), a full window of them is needed to take any away; the first reading after
//! browsers were added is left out (it holds their start-up). Then:
//! - **more** while every browser has a site, the CPU is under 80 % busy and memory has room
//!   for more browsers of the size the running ones have: until pressure is first seen, as
//!   many as the CPU reading says would bring it to 85 % (the CPU of a waiting crawl grows
//!   with its browsers), at least one, at most double; from the number pressure last cut to
//!   upwards, one at a time;
//! - **fewer**: one fewer when the CPU is over 90 % busy, three quarters (at least one fewer)
//!   over 97 %, when the crawl's processes use more than the memory budget, or when the
//!   machine's available memory falls under the reserve (memory is acted on at the first
//!   reading, always); the number it cuts to is the new threshold;
//! - between the two, nothing moves. Bounded by 1 and `--max-browsers`.

use std::time::Duration;

/// One reading of the machine and the crawl.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Share of all cores busy since the last sample (0 to 1).
    pub cpu_busy: f64,
    /// The machine's available memory (MemAvailable), bytes.
    pub mem_available: u64,
    /// Memory of the crawl's own processes (pixelcensus, chromedriver, every Chromium),
    /// bytes (PSS: [`tree_memory`]).
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

/// CPU busier than this (the mean of the recent readings) is pressure.
pub const CPU_HIGH: f64 = 0.90;
/// CPU busier than this is saturation: three quarters instead of one fewer.
pub const CPU_SATURATED: f64 = 0.97;
/// CPU under this (and memory to spare) is headroom.
pub const CPU_LOW: f64 = 0.80;
/// Where an increase aims the CPU.
pub const CPU_TARGET: f64 = 0.85;
/// CPU readings averaged for a decision (the most recent since the last change); a
/// decrease needs this many (8 s: the bursts of several heavy pages loading at once are
/// shorter, a machine short of CPU stays so).
pub const WINDOW: usize = 4;
/// A single reading under this is acted on (an idle machine needs no confirmation).
pub const CPU_IDLE: f64 = 0.50;
/// Readings needed since the last change before browsers are added.
const MIN_READINGS: usize = 2;

/// Why the controller moved (for the log).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// CPU and memory had headroom.
    Headroom,
    /// The CPU was busier than [`CPU_HIGH`].
    Cpu,
    /// The crawl's processes were over the memory budget or the machine under its reserve.
    Memory,
}

/// The concurrency controller's state.
#[derive(Clone, Debug)]
pub struct Controller {
    limits: Limits,
    current: usize,
    /// CPU readings since the last change, newest last (at most [`WINDOW`]).
    recent: Vec<f64>,
    /// Readings still to leave out (the start-up of browsers just added).
    skip: u32,
    /// Where pressure was last seen (the number it cut to): at or above it, one more at a
    /// time; under it, as many as the CPU reading says.
    threshold: usize,
    last_cause: Option<Cause>,
}

impl Controller {
    /// Starts at `start` browsers (bounded by the limits); their start-up is in the first
    /// reading, which is left out.
    pub fn new(start: usize, limits: Limits) -> Controller {
        Controller {
            current: start.clamp(1, limits.max.max(1)),
            limits,
            recent: Vec::with_capacity(WINDOW),
            skip: 1,
            threshold: limits.max.max(1),
            last_cause: None,
        }
    }

    /// The browsers allowed now.
    pub fn current(&self) -> usize {
        self.current
    }

    /// Why the last change was made.
    pub fn last_cause(&self) -> Option<Cause> {
        self.last_cause
    }

    /// The mean of the CPU readings the next decision uses (None: too few yet).
    pub fn cpu(&self) -> Option<f64> {
        (self.recent.len() >= MIN_READINGS)
            .then(|| self.recent.iter().sum::<f64>() / self.recent.len() as f64)
    }

    fn change(&mut self, to: usize, cause: Cause) -> usize {
        if to > self.current {
            self.skip = 1;
        }
        self.current = to;
        self.recent.clear();
        self.last_cause = Some(cause);
        to
    }

    /// Takes one sample and returns the browsers allowed from now on.
    pub fn decide(&mut self, s: Sample) -> usize {
        let l = self.limits;
        let n = self.current.max(1) as u64;
        let per_browser = s.crawl_bytes / n;
        let fewer = (self.current * 3 / 4)
            .min(self.current.saturating_sub(1))
            .max(1);
        if s.crawl_bytes > l.memory_budget || s.mem_available < l.reserve {
            self.threshold = fewer;
            return self.change(fewer, Cause::Memory);
        }
        if self.skip > 0 {
            self.skip -= 1;
            return self.current;
        }
        if self.recent.len() == WINDOW {
            self.recent.remove(0);
        }
        self.recent.push(s.cpu_busy.clamp(0.0, 1.0));
        let below = self.current < self.threshold;
        // One reading is enough when it says the machine is idle (nothing to wait for), as
        // long as no pressure was seen at this number.
        let idle = (below && s.cpu_busy < CPU_IDLE).then_some(s.cpu_busy);
        let Some(cpu) = self.cpu().or(idle) else {
            return self.current;
        };
        if cpu > CPU_HIGH {
            if self.recent.len() < WINDOW {
                return self.current;
            }
            // Saturated: three quarters; busy: one fewer.
            let to = if cpu > CPU_SATURATED {
                fewer
            } else {
                self.current.saturating_sub(1).max(1)
            };
            self.threshold = to;
            return if to < self.current {
                self.change(to, Cause::Cpu)
            } else {
                self.current
            };
        }
        if cpu >= CPU_LOW || s.busy < self.current {
            return self.current;
        }
        // Under the threshold, as many as would bring the CPU to the target (at least one, at
        // most double, not past the threshold); at or above it, one more.
        let estimate = (self.current as f64 * CPU_TARGET / cpu.max(0.01)).floor() as usize;
        let mut wanted = if below {
            estimate
                .clamp(self.current + 1, self.current * 2)
                .min(self.threshold)
        } else {
            self.current + 1
        }
        .min(l.max.max(1));
        // Only as many as the memory has room for.
        while wanted > self.current {
            let extra = per_browser.saturating_mul((wanted - self.current) as u64);
            if s.crawl_bytes + extra <= l.memory_budget && s.mem_available >= l.reserve + extra {
                break;
            }
            wanted -= 1;
        }
        if wanted > self.current {
            self.change(wanted, Cause::Headroom)
        } else {
            self.current
        }
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

/// Memory of this process and all its descendants, bytes: see [`tree_memory`].
pub fn tree_bytes() -> u64 {
    tree_memory(std::process::id())
}

/// Memory of process `root` and all its descendants, bytes: the sum of their proportional
/// set sizes (PSS, `/proc/<pid>/smaps_rollup`: a page shared by n processes counts 1/n in
/// each), so the dozens of Chromium processes that map the same libraries and shared memory
/// are not counted dozens of times, as summed RSS would (three times the PSS at 8 browsers).
/// A process whose PSS cannot be read counts its RSS.
pub fn tree_memory(root: u32) -> u64 {
    let mut parent = Vec::new();
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
            parent.push((pid, pp, r * 4096));
        }
    }
    let mut tree = vec![root];
    let mut grew = true;
    while grew {
        grew = false;
        for &(pid, pp, _) in &parent {
            if tree.contains(&pp) && !tree.contains(&pid) {
                tree.push(pid);
                grew = true;
            }
        }
    }
    parent
        .iter()
        .filter(|(pid, _, _)| tree.contains(pid))
        .map(|&(pid, _, rss)| pss(pid).unwrap_or(rss))
        .sum()
}

/// A process's PSS from `/proc/<pid>/smaps_rollup`, bytes.
fn pss(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    text.lines().find_map(|l| {
        let kib = l.strip_prefix("Pss:")?.trim().strip_suffix("kB")?.trim();
        kib.parse::<u64>().ok().map(|k| k * 1024)
    })
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

    fn at(cpu: f64, n: usize) -> Sample {
        Sample {
            cpu_busy: cpu,
            ..calm(n)
        }
    }

    #[test]
    fn waiting_browsers_are_added_until_the_cpu_is_warm() {
        let mut c = Controller::new(2, limits());
        // The first reading holds the browsers' start-up: left out, however busy.
        assert_eq!(c.decide(at(1.0, 2)), 2);
        // One warm reading is not enough to act on.
        assert_eq!(c.decide(at(0.6, 2)), 2);
        // Two, 40 % on average: 85 % would take 4.
        assert_eq!(c.decide(at(0.2, 2)), 4);
        assert_eq!(c.cpu(), None, "the readings start again after a change");
        // The start-up of the two new ones is left out; then one idle reading is enough: 4
        // at 20 %, 85 % would take 17, but at most double.
        assert_eq!(c.decide(at(0.95, 4)), 4);
        assert_eq!(c.decide(at(0.2, 4)), 8);
        assert_eq!(c.last_cause(), Some(Cause::Headroom));
        // 8 at 70 %: 85 % would be 9.
        c.decide(at(0.7, 8));
        c.decide(at(0.7, 8));
        assert_eq!(c.decide(at(0.7, 8)), 9);
        // Between the thresholds nothing moves, however long.
        c.decide(at(0.85, 9));
        for _ in 0..10 {
            assert_eq!(c.decide(at(0.85, 9)), 9);
        }
    }

    #[test]
    fn a_busy_cpu_takes_browsers_away_but_a_moment_of_it_does_not() {
        let mut c = Controller::new(8, limits());
        c.decide(at(0.5, 8)); // start-up, left out
        // Pages loading at once saturate the cores for a moment: nothing is taken away on
        // fewer readings than the window, nor while their mean stays under 90 %.
        assert_eq!(c.decide(at(1.0, 8)), 8);
        assert_eq!(c.decide(at(1.0, 8)), 8);
        assert_eq!(c.decide(at(0.6, 8)), 8);
        assert_eq!(c.decide(at(0.8, 8)), 8);
        assert!((c.cpu().unwrap() - 0.85).abs() < 1e-9);
        // Busy for the whole window: one fewer.
        assert_eq!(c.decide(at(0.95, 8)), 8); // 1.0, 0.6, 0.8, 0.95
        assert_eq!(c.decide(at(1.0, 8)), 8); // 0.6, 0.8, 0.95, 1.0
        assert_eq!(c.decide(at(1.0, 8)), 7); // 0.8, 0.95, 1.0, 1.0
        assert_eq!(c.last_cause(), Some(Cause::Cpu));
        // From here up, one at a time, even when a reading is idle; two calm readings needed.
        assert_eq!(c.decide(at(0.2, 7)), 7);
        assert_eq!(c.decide(at(0.2, 7)), 8);
        c.decide(at(0.5, 8)); // start-up, left out
        // Saturated: three quarters (fewer is acted on with no start-up to leave out).
        for _ in 0..3 {
            assert_eq!(c.decide(at(1.0, 8)), 8);
        }
        assert_eq!(c.decide(at(1.0, 8)), 6);
        for _ in 0..3 {
            assert_eq!(c.decide(at(1.0, 6)), 6);
        }
        assert_eq!(c.decide(at(1.0, 6)), 4);
        // Down to one, never none.
        for _ in 0..20 {
            c.decide(at(1.0, 1));
        }
        assert_eq!(c.current(), 1);
    }

    #[test]
    fn memory_bounds_the_browsers() {
        let l = Limits {
            max: 32,
            memory_budget: 2 * GIB,
            reserve: GIB,
        };
        let mut c = Controller::new(8, l);
        c.decide(calm(8)); // start-up, left out
        // 8 browsers of 200 MiB: 1.6 GiB; the CPU would take 16 more, memory has room for 2.
        assert_eq!(c.decide(calm(8)), 10);
        // Over the budget: fewer at once, whatever the CPU says.
        let over = Sample {
            crawl_bytes: 3 * GIB,
            ..calm(10)
        };
        assert_eq!(c.decide(over), 7);
        assert_eq!(c.last_cause(), Some(Cause::Memory));
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
        for _ in 0..5 {
            assert_eq!(c.decide(idle), 2);
        }
        let mut c = Controller::new(12, limits());
        c.decide(calm(12)); // start-up, left out
        assert_eq!(c.decide(calm(12)), 16);
        for _ in 0..5 {
            assert_eq!(c.decide(calm(16)), 16);
        }
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
