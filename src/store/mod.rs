//! The crawl store: one SQLite file (`crawl.sqlite`, WAL) in the output folder holding the
//! frontier, each visit's outcome and its complete raw capture.
//!
//! Invariants that make a killed crawl resumable without loss or double counting:
//! - a target is `pending`, `in_progress` or `done`;
//! - a visit, its requests and cookies and the target's move to `done` are written in one
//!   transaction, so a kill leaves either all of it or none;
//! - on start, `in_progress` targets (claimed by a process that died) go back to `pending`;
//! - only one crawl process holds a store at a time ([`CrawlLock`]).

mod evidence;
pub mod meta;
mod prescan;

use crate::capture::{Canaries, ConsentMode, ConsentRecord, Outcome, RawVisit, WallKind};
use crate::list::Target;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The store's file name inside an output folder.
pub const STORE_FILE: &str = "crawl.sqlite";
const LOCK_FILE: &str = "crawl.lock";
const SCHEMA_VERSION: &str = "9";

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("store {path}: {source}")]
    Sqlite {
        /// The store file.
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// A file-system operation failed.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Which path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Another process is crawling into the same folder.
    #[error(
        "another pixelcensus crawl (pid {pid}) is already using {dir}; wait for it to finish or stop it first (one crawl process per output folder)"
    )]
    Locked {
        /// The output folder.
        dir: PathBuf,
        /// The holder's pid as it wrote it.
        pid: String,
    },
    /// The folder has no store.
    #[error("{0} holds no crawl (no {STORE_FILE}); run `pixelcensus crawl --out` to make one")]
    Missing(PathBuf),
    /// The store file is empty, damaged or another program's database: nothing is changed.
    #[error(
        "{path} is not a pixelcensus store ({why}); nothing was changed. Restore it from a backup, or crawl into a new --out"
    )]
    Foreign {
        /// The store file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A newer or unknown schema.
    #[error(
        "store {path} has schema version {found}, this pixelcensus reads versions 1 to {SCHEMA_VERSION}; use the pixelcensus that made it, or a newer one"
    )]
    Schema {
        /// The store file.
        path: PathBuf,
        /// The version found.
        found: String,
    },
}

type Result<T> = std::result::Result<T, StoreError>;

/// Holds an exclusive advisory lock (flock) on `<out>/crawl.lock` for the process's life.
/// The kernel drops it when the process dies, even on kill -9.
#[derive(Debug)]
pub struct CrawlLock {
    _file: File,
}

impl CrawlLock {
    /// Takes the lock or says who holds it.
    pub fn acquire(dir: &Path) -> Result<CrawlLock> {
        use std::os::unix::io::AsRawFd;
        let path = dir.join(LOCK_FILE);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::Io {
                what: "opening lock file",
                path: path.clone(),
                source,
            })?;
        // SAFETY: flock on a file descriptor we own.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let pid = std::fs::read_to_string(&path)
                .unwrap_or_default()
                .trim()
                .to_string();
            return Err(StoreError::Locked {
                dir: dir.to_owned(),
                pid: if pid.is_empty() { "?".into() } else { pid },
            });
        }
        file.set_len(0).ok();
        let _ = writeln!(file, "{}", std::process::id());
        Ok(CrawlLock { _file: file })
    }
}

/// The file a report holds while it writes a folder's datasets.
pub const REPORT_LOCK_FILE: &str = "report.lock";

/// Holds `<out>/report.lock` (flock, dropped by the kernel on death) while a process writes
/// the folder's datasets, so two reports of one folder (`report` run twice, or beside a
/// crawl's or merge's own) take turns instead of renaming each other's files away. Unlike
/// [`CrawlLock`], it waits: a report ends in seconds to minutes.
#[derive(Debug)]
pub struct ReportLock {
    _file: File,
}

impl ReportLock {
    /// Takes the lock, waiting (with a message) while another process holds it.
    pub fn acquire(dir: &Path) -> Result<ReportLock> {
        use std::os::unix::io::AsRawFd;
        let path = dir.join(REPORT_LOCK_FILE);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::Io {
                what: "opening lock file",
                path: path.clone(),
                source,
            })?;
        // SAFETY: flock on a file descriptor we own.
        let busy = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0;
        if busy {
            let pid = std::fs::read_to_string(&path).unwrap_or_default();
            tracing::warn!(
                "{}: another report (pid {}) is writing this folder's datasets; waiting for it to finish",
                dir.display(),
                pid.trim()
            );
            // SAFETY: as above; blocks until the holder ends or dies.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
            if rc != 0 {
                return Err(StoreError::Io {
                    what: "waiting for the report lock",
                    path,
                    source: std::io::Error::last_os_error(),
                });
            }
        }
        file.set_len(0).ok();
        let _ = writeln!(file, "{}", std::process::id());
        Ok(ReportLock { _file: file })
    }
}

/// A target as held in the frontier.
#[derive(Clone, Debug)]
pub struct Claimed {
    /// Row id.
    pub id: i64,
    /// The site.
    pub target: Target,
    /// Visits started before this one (crash retries).
    pub attempts: u32,
    /// The consent mode this visit is for.
    pub mode: ConsentMode,
}

/// Frontier counts.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    /// Targets in the frontier.
    pub total: u64,
    /// Targets with a recorded visit.
    pub done: u64,
    /// Recorded visits by outcome.
    pub by_outcome: BTreeMap<Outcome, u64>,
}

impl Counts {
    /// Visits whose outcome is not `ok`.
    pub fn failed(&self) -> u64 {
        self.by_outcome
            .iter()
            .filter(|(o, _)| **o != Outcome::Ok)
            .map(|(_, n)| n)
            .sum()
    }
}

/// A recorded visit with its frontier data, as read back for analysis and reports.
#[derive(Clone, Debug)]
pub struct StoredVisit {
    /// Visit row id.
    pub id: i64,
    /// Rank from the list.
    pub rank: u64,
    /// Whether the rank is a bucket.
    pub rank_is_bucket: bool,
    /// The raw capture (its consent mode in `visit.consent.mode`).
    pub visit: RawVisit,
}

/// The open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`.
    pub fn create(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            what: "creating output folder",
            path: dir.to_owned(),
            source,
        })?;
        Self::open_file(&dir.join(STORE_FILE))
    }

    /// Opens an existing store in `dir`.
    pub fn open(dir: &Path) -> Result<Store> {
        let path = dir.join(STORE_FILE);
        if !path.exists() {
            return Err(StoreError::Missing(dir.to_owned()));
        }
        Self::open_file(&path)
    }

    /// An existing file must already be a pixelcensus store (a `meta` table with a schema
    /// version), checked before anything is written to it: an empty, damaged or foreign file is
    /// refused untouched.
    fn check_existing(path: &Path) -> Result<()> {
        let Ok(md) = std::fs::metadata(path) else {
            return Ok(()); // a new store
        };
        let foreign = |why: String| StoreError::Foreign {
            path: path.to_owned(),
            why,
        };
        if md.len() == 0 {
            return Err(foreign("the file is empty".into()));
        }
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| foreign(e.to_string()))?;
        let version: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| foreign(e.to_string()))?;
        match version {
            Some(_) => Ok(()),
            None => Err(foreign("it has no schema version".into())),
        }
    }

    /// A second, read-only connection to the same store (for reading visits on another
    /// thread while this one is in use).
    pub fn reader(&self) -> Result<Store> {
        let sq = |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let conn = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sq)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sq)?;
        Ok(Store {
            conn,
            path: self.path.clone(),
        })
    }

    fn open_file(path: &Path) -> Result<Store> {
        Self::check_existing(path)?;
        let sq = |source| StoreError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open(path).map_err(sq)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sq)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sq)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sq)?;
        migrate_v1(&conn).map_err(sq)?;
        conn.execute_batch(include_str!("schema.sql")).map_err(sq)?;
        add_columns(&conn).map_err(sq)?;
        let store = Store {
            conn,
            path: path.to_owned(),
        };
        match store.meta("schema_version")? {
            None => store.set_meta("schema_version", SCHEMA_VERSION)?,
            Some(v) if v == SCHEMA_VERSION => {}
            // Version 1 was migrated above; versions 2 and 3 lack only tables the schema
            // script has just created and columns `add_columns` has just added.
            Some(v) if ["1", "2", "3", "4", "5", "6", "7", "8"].contains(&v.as_str()) => {
                store.set_meta("schema_version", SCHEMA_VERSION)?
            }
            Some(found) => {
                return Err(StoreError::Schema {
                    path: path.to_owned(),
                    found,
                });
            }
        }
        Ok(store)
    }

    fn sq(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Reads a metadata value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(self.sq())
    }

    /// Writes a metadata value.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute("INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])
            .map(|_| ())
            .map_err(self.sq())
    }

    /// The crawl's secret (for canary values), created on first use.
    pub fn secret(&self) -> Result<Vec<u8>> {
        if let Some(hex_secret) = self.meta("crawl_secret")?
            && let Ok(bytes) = hex::decode(hex_secret.trim())
        {
            return Ok(bytes);
        }
        let bytes: [u8; 16] = rand::random();
        self.set_meta("crawl_secret", &hex::encode(bytes))?;
        Ok(bytes.to_vec())
    }

    /// Sets the crawl's secret (`--crawl-id`), before the first visit.
    pub fn set_secret(&self, secret: &[u8]) -> Result<()> {
        self.set_meta("crawl_secret", &hex::encode(secret))
    }

    /// Adds targets to the frontier, once per consent mode; returns how many rows were new. A
    /// domain and mode already present keep their row (and visit), taking the better rank.
    pub fn add_targets(&mut self, targets: &[Target], modes: &[ConsentMode]) -> Result<usize> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sq)?;
        let mut added = 0;
        {
            let mut ins = tx
                .prepare("INSERT INTO targets(domain, rank, rank_is_bucket, consent_mode) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(domain, consent_mode) DO UPDATE SET rank = min(rank, excluded.rank)")
                .map_err(sq)?;
            let before: i64 = tx
                .query_row("SELECT count(*) FROM targets", [], |r| r.get(0))
                .map_err(sq)?;
            for t in targets {
                for m in modes {
                    ins.execute(params![
                        t.domain,
                        t.rank as i64,
                        t.rank_is_bucket,
                        m.as_str()
                    ])
                    .map_err(sq)?;
                }
            }
            let after: i64 = tx
                .query_row("SELECT count(*) FROM targets", [], |r| r.get(0))
                .map_err(sq)?;
            added += (after - before) as usize;
        }
        tx.commit().map_err(sq)?;
        Ok(added)
    }

    /// Adds one target (site × mode) as a new frontier row and returns its id (`merge`).
    pub fn add_target(&self, t: &Target, mode: ConsentMode) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO targets(domain, rank, rank_is_bucket, consent_mode) VALUES (?1, ?2, ?3, ?4)",
                params![t.domain, t.rank as i64, t.rank_is_bucket, mode.as_str()],
            )
            .map_err(self.sq())?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Puts targets claimed by a process that died back into the frontier.
    pub fn reset_interrupted(&self) -> Result<usize> {
        self.conn
            .execute(
                "UPDATE targets SET state = 'pending' WHERE state = 'in_progress'",
                [],
            )
            .map_err(self.sq())
    }

    /// Puts failed sites back into the frontier (`--retry-failed`); their old visit is
    /// replaced when the new one is recorded.
    pub fn reset_failed(&self) -> Result<usize> {
        self.conn
            .execute(
                "UPDATE targets SET state = 'pending', attempts = 0 WHERE state = 'done' AND id IN (SELECT target_id FROM visits WHERE status != 'ok')",
                [],
            )
            .map_err(self.sq())
    }

    /// Claims the best-ranked pending target (a site's modes one after another).
    pub fn claim_next(&self) -> Result<Option<Claimed>> {
        let row = self
            .conn
            .query_row(
                "UPDATE targets SET state = 'in_progress', attempts = attempts + 1
                 WHERE id = (SELECT id FROM targets WHERE state = 'pending' ORDER BY rank, id LIMIT 1)
                 RETURNING id, domain, rank, rank_is_bucket, attempts, consent_mode",
                [],
                |r| {
                    Ok(Claimed {
                        id: r.get(0)?,
                        target: Target { domain: r.get(1)?, rank: r.get::<_, i64>(2)? as u64, rank_is_bucket: r.get(3)? },
                        attempts: r.get::<_, i64>(4)? as u32 - 1,
                        mode: ConsentMode::parse(&r.get::<_, String>(5)?).unwrap_or_default(),
                    })
                },
            )
            .optional()
            .map_err(self.sq())?;
        Ok(row)
    }

    /// Returns a claimed target to the frontier without a visit (graceful stop).
    pub fn release(&self, target_id: i64) -> Result<()> {
        self.conn
            .execute("UPDATE targets SET state = 'pending', attempts = max(attempts - 1, 0) WHERE id = ?1 AND state = 'in_progress'", [target_id])
            .map(|_| ())
            .map_err(self.sq())
    }

    /// Records a visit and marks its target done, atomically. Replaces an earlier visit of
    /// the same target (`--retry-failed`). The visit's row, then each kind of evidence's rows
    /// ([`evidence::TABLES`]).
    pub fn record_visit(&mut self, target_id: i64, v: &RawVisit) -> Result<i64> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sq)?;
        if let Some(old) = tx
            .query_row(
                "SELECT id FROM visits WHERE target_id = ?1",
                [target_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map_err(sq)?
        {
            evidence::delete(&tx, old).map_err(sq)?;
            tx.execute("DELETE FROM visits WHERE id = ?1", [old])
                .map_err(sq)?;
        }
        insert_visit_row(&tx, target_id, v).map_err(sq)?;
        let visit_id = tx.last_insert_rowid();
        for t in evidence::TABLES {
            t.insert(&tx, visit_id, v).map_err(sq)?;
        }
        tx.execute(
            "UPDATE targets SET state = 'done' WHERE id = ?1",
            [target_id],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)?;
        Ok(visit_id)
    }

    /// Frontier and outcome counts.
    pub fn counts(&self) -> Result<Counts> {
        let mut c = Counts::default();
        self.conn
            .query_row(
                "SELECT count(*), coalesce(sum(state = 'done'), 0) FROM targets",
                [],
                |r| {
                    c.total = r.get::<_, i64>(0)? as u64;
                    c.done = r.get::<_, i64>(1)? as u64;
                    Ok(())
                },
            )
            .map_err(self.sq())?;
        let mut st = self
            .conn
            .prepare("SELECT status, count(*) FROM visits GROUP BY status")
            .map_err(self.sq())?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(self.sq())?;
        for row in rows {
            let (s, n) = row.map_err(self.sq())?;
            if let Some(o) = Outcome::parse(&s) {
                c.by_outcome.insert(o, n as u64);
            }
        }
        Ok(c)
    }

    /// The consent modes the frontier holds, in mode order.
    pub fn modes(&self) -> Result<Vec<ConsentMode>> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT consent_mode FROM targets")
            .map_err(self.sq())?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.sq())?;
        let mut modes = Vec::new();
        for m in rows {
            modes.extend(ConsentMode::parse(&m.map_err(self.sq())?));
        }
        modes.sort();
        Ok(modes)
    }

    /// Every target, best rank first, then by domain (sites of one CrUX bucket in name
    /// order, so a merged store lists them as the whole crawl would), a site's modes together
    /// (none, accept, reject), with its consent mode and its visit id if visited.
    pub fn targets(&self) -> Result<Vec<(Target, ConsentMode, Option<i64>)>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT t.domain, t.rank, t.rank_is_bucket, v.id, t.consent_mode FROM targets t LEFT JOIN visits v ON v.target_id = t.id
                 ORDER BY t.rank, t.domain,
                          CASE t.consent_mode WHEN 'none' THEN 0 WHEN 'accept' THEN 1 ELSE 2 END",
            )
            .map_err(self.sq())?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    Target {
                        domain: r.get(0)?,
                        rank: r.get::<_, i64>(1)? as u64,
                        rank_is_bucket: r.get(2)?,
                    },
                    ConsentMode::parse(&r.get::<_, String>(4)?).unwrap_or_default(),
                    r.get::<_, Option<i64>>(3)?,
                ))
            })
            .map_err(self.sq())?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(self.sq())
    }

    /// Every stored request URL with a query, with its listed site, visit and page (requests a
    /// service worker answered left out), for the crawl-wide first pass of the analysis
    /// (`analyze::infer`).
    pub fn each_query_url(&self, mut url: impl FnMut(&str, i64, u32, &str)) -> Result<()> {
        let mut st = self
            .conn
            .prepare(
                "SELECT t.domain, r.visit_id, r.page, r.url FROM requests r
                 JOIN visits v ON v.id = r.visit_id JOIN targets t ON t.id = v.target_id
                 WHERE r.sw_response IS NULL AND instr(r.url, '?') > 0",
            )
            .map_err(self.sq())?;
        let mut rows = st.query([]).map_err(self.sq())?;
        while let Some(r) = rows.next().map_err(self.sq())? {
            let site = r.get_ref(0).map_err(self.sq())?.as_str().unwrap_or("");
            let visit: i64 = r.get(1).map_err(self.sq())?;
            let page: i64 = r.get(2).map_err(self.sq())?;
            let u = r.get_ref(3).map_err(self.sq())?.as_str().unwrap_or("");
            url(site, visit, page as u32, u);
        }
        Ok(())
    }

    /// Every distinct cookie and storage value of every visit (for `analyze::infer`: a
    /// parameter that carries one is a visitor's ID).
    pub fn each_visitor_value(&self, mut visitor_value: impl FnMut(&str)) -> Result<()> {
        let mut st = self
            .conn
            .prepare("SELECT value FROM cookies UNION SELECT value FROM storage")
            .map_err(self.sq())?;
        let mut rows = st.query([]).map_err(self.sq())?;
        while let Some(r) = rows.next().map_err(self.sq())? {
            visitor_value(r.get_ref(0).map_err(self.sq())?.as_str().unwrap_or(""));
        }
        Ok(())
    }

    /// Reads one visit back in full: the visit's row, then each kind of evidence's rows
    /// ([`evidence::TABLES`]).
    pub fn load_visit(&self, visit_id: i64) -> Result<StoredVisit> {
        let sq = self.sq();
        let (rank, rank_is_bucket, mut visit) = self
            .conn
            .query_row(VISIT_ROW, [visit_id], |r| {
                Ok((
                    r.get::<_, i64>(0)? as u64,
                    r.get::<_, bool>(1)?,
                    visit_row(r)?,
                ))
            })
            .map_err(&sq)?;
        for t in evidence::TABLES {
            t.load(&self.conn, visit_id, &mut visit).map_err(&sq)?;
        }
        Ok(StoredVisit {
            id: visit_id,
            rank,
            rank_is_bucket,
            visit,
        })
    }
}

/// Writes a visit's own row (`visits`), its outcome and site-level evidence.
fn insert_visit_row(tx: &Connection, target_id: i64, v: &RawVisit) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO visits(target_id, status, http_status, start_url, final_url, redirect_chain, error, started_at, duration_ms, canaries, actions,
                            consent_mode, gpc, cmp, banner_found, consent_action, action_ok, choice_at, consent_log, wall, walled_at_first, link_candidates)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
        params![
            target_id,
            v.outcome.as_str(),
            v.http_status,
            v.start_url,
            v.final_url,
            json(&v.redirect_chain),
            v.error,
            v.started_at,
            v.duration_ms as i64,
            json(&v.canaries),
            json(&v.actions),
            v.consent.mode.as_str(),
            v.consent.gpc,
            v.consent.cmp,
            v.consent.banner_found,
            v.consent.action.map(ConsentMode::as_str),
            v.consent.action_ok,
            v.consent.choice_at,
            json(&v.consent.log),
            v.wall.map(WallKind::as_str),
            v.walled_at_first.map(WallKind::as_str),
            v.link_candidates,
        ],
    )?;
    Ok(())
}

/// The query [`visit_row`] reads: a visit's row and its target's rank.
const VISIT_ROW: &str = "SELECT t.rank, t.rank_is_bucket, t.domain, v.status, v.http_status, v.start_url, v.final_url, v.redirect_chain, v.error, v.started_at, v.duration_ms, v.canaries, v.actions,
                        v.consent_mode, v.gpc, v.cmp, v.banner_found, v.consent_action, v.action_ok, v.choice_at, v.consent_log, v.wall, v.walled_at_first, v.link_candidates
                 FROM visits v JOIN targets t ON t.id = v.target_id WHERE v.id = ?1";

/// A visit's row as selected by [`VISIT_ROW`] (its rank in columns 0 and 1), its evidence
/// still empty.
fn visit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawVisit> {
    Ok(RawVisit {
        domain: r.get(2)?,
        outcome: Outcome::parse(&r.get::<_, String>(3)?).unwrap_or(Outcome::BrowserCrash),
        http_status: r.get(4)?,
        start_url: r.get(5)?,
        final_url: r.get(6)?,
        redirect_chain: from_json(r.get(7)?),
        error: r.get(8)?,
        started_at: r.get(9)?,
        duration_ms: r.get::<_, i64>(10)? as u64,
        canaries: serde_json::from_str::<Canaries>(&r.get::<_, String>(11)?).unwrap_or_default(),
        actions: from_json(r.get(12)?),
        wall: r
            .get::<_, Option<String>>(21)?
            .as_deref()
            .and_then(WallKind::parse),
        walled_at_first: r
            .get::<_, Option<String>>(22)?
            .as_deref()
            .and_then(WallKind::parse),
        link_candidates: r.get(23)?,
        consent: ConsentRecord {
            mode: ConsentMode::parse(&r.get::<_, String>(13)?).unwrap_or_default(),
            gpc: r.get(14)?,
            cmp: r.get(15)?,
            banner_found: r.get(16)?,
            action: r
                .get::<_, Option<String>>(17)?
                .as_deref()
                .and_then(ConsentMode::parse),
            action_ok: r.get(18)?,
            choice_at: r.get(19)?,
            log: from_json(r.get(20)?),
        },
        ..RawVisit::default()
    })
}

/// Brings a schema-2 or -3 store to schema 4 in place: the columns added since (the bot
/// wall's in 3; the pages' in 4), each with the value an older crawl had (no wall, the front
/// page only). New tables (`collector_failures`, `pages`) come from the schema script. Does
/// nothing on a current store.
fn add_columns(conn: &Connection) -> rusqlite::Result<()> {
    for (table, col, decl) in [
        ("visits", "wall", "TEXT"),
        ("visits", "walled_at_first", "TEXT"),
        ("visits", "link_candidates", "INTEGER"),
        ("requests", "page", "INTEGER NOT NULL DEFAULT 0"),
        ("cookies", "page", "INTEGER NOT NULL DEFAULT 0"),
        ("requests", "context", "TEXT NOT NULL DEFAULT 'page'"),
        ("requests", "sw_response", "TEXT"),
        ("requests", "ended_at", "REAL"),
        ("pages", "env", "TEXT"),
    ] {
        let has: bool = conn.query_row(
            &format!("SELECT count(*) > 0 FROM pragma_table_info('{table}') WHERE name = ?1"),
            [col],
            |r| r.get(0),
        )?;
        if !has {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {col} {decl}"))?;
        }
    }
    Ok(())
}

/// Brings a schema-1 store (before consent modes) to schema 2 in place: the frontier's
/// one-row-per-domain key becomes one row per domain and mode (row ids kept, so visits keep
/// their targets), and visits gain the consent columns with the values a version-1 crawl
/// had (mode `none`, no GPC, banner not looked for). Does nothing on a new or current store.
fn migrate_v1(conn: &Connection) -> rusqlite::Result<()> {
    let has_targets: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'targets'",
        [],
        |r| r.get(0),
    )?;
    let has_mode: bool = conn.query_row(
        "SELECT count(*) > 0 FROM pragma_table_info('targets') WHERE name = 'consent_mode'",
        [],
        |r| r.get(0),
    )?;
    if !has_targets || has_mode {
        return Ok(());
    }
    // Visits reference targets: the rebuild runs with foreign-key checks off (a no-op inside
    // a transaction, so set before it) and back on after.
    conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    let done = conn.execute_batch(
        "BEGIN;
         CREATE TABLE targets_v2 (
             id INTEGER PRIMARY KEY, domain TEXT NOT NULL, rank INTEGER NOT NULL,
             rank_is_bucket INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
             attempts INTEGER NOT NULL DEFAULT 0, consent_mode TEXT NOT NULL DEFAULT 'none',
             UNIQUE (domain, consent_mode));
         INSERT INTO targets_v2(id, domain, rank, rank_is_bucket, state, attempts)
             SELECT id, domain, rank, rank_is_bucket, state, attempts FROM targets;
         DROP TABLE targets;
         ALTER TABLE targets_v2 RENAME TO targets;
         ALTER TABLE visits ADD COLUMN consent_mode TEXT NOT NULL DEFAULT 'none';
         ALTER TABLE visits ADD COLUMN gpc INTEGER NOT NULL DEFAULT 0;
         ALTER TABLE visits ADD COLUMN cmp TEXT;
         ALTER TABLE visits ADD COLUMN banner_found INTEGER NOT NULL DEFAULT 0;
         ALTER TABLE visits ADD COLUMN consent_action TEXT;
         ALTER TABLE visits ADD COLUMN action_ok INTEGER;
         ALTER TABLE visits ADD COLUMN choice_at REAL;
         ALTER TABLE visits ADD COLUMN consent_log TEXT NOT NULL DEFAULT '[]';
         COMMIT;",
    );
    if done.is_err() {
        let _ = conn.execute_batch("ROLLBACK;");
    }
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    done
}

/// Parses a JSON TEXT column written by [`json`]; a damaged value reads as empty.
fn from_json<T: serde::de::DeserializeOwned + Default>(s: String) -> T {
    serde_json::from_str(&s).unwrap_or_default()
}

/// Serialises a plain-data field to JSON text for a TEXT column.
fn json<T: serde::Serialize + ?Sized>(x: &T) -> String {
    serde_json::to_string(x).expect("plain data serialises")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::capture::*;

    fn target(domain: &str, rank: u64) -> Target {
        Target {
            domain: domain.into(),
            rank,
            rank_is_bucket: false,
        }
    }

    /// The front page and a failed internal page of `domain`.
    fn pages(domain: &str, outcome: Outcome) -> Vec<RawPage> {
        vec![
            RawPage {
                page: 0,
                url: format!("https://{domain}/"),
                final_url: Some(format!("https://{domain}/")),
                reached: Reached::Start,
                link_text: None,
                started_at: "2026-11-29T00:00:00Z".into(),
                duration_ms: 3,
                outcome,
                http_status: Some(200),
                error: None,
                env: Some(crate::capture::PageEnv {
                    title: "Lamps \"&\" more".into(),
                    referrer: String::new(),
                    user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0".into(),
                    languages: vec!["en-US".into(), "en".into()],
                    screen: [1280, 720],
                    viewport: [1280, 633],
                }),
            },
            RawPage {
                page: 1,
                url: format!("https://{domain}/shop/lamp"),
                final_url: None,
                reached: Reached::Link,
                link_text: Some("Lamp".into()),
                started_at: "2026-11-29T00:00:01Z".into(),
                duration_ms: 2,
                outcome: Outcome::HttpError,
                http_status: Some(500),
                error: Some("HTTP 500".into()),
                env: None,
            },
        ]
    }

    /// The front page's document request, with a body that is not UTF-8.
    fn document(domain: &str) -> RawRequest {
        RawRequest {
            seq: 0,
            request_id: "1".into(),
            url: format!("https://{domain}/"),
            method: "POST".into(),
            resource_type: ResourceType::Document,
            headers: vec![("Cookie".into(), "a=b".into())],
            body: Some(vec![0, 159, 146, 150, b'x']),
            body_state: BodyState::Complete,
            initiator: "{}".into(),
            frame_id: "F".into(),
            frame_url: format!("https://{domain}/"),
            is_main_frame: true,
            status: Some(200),
            mime_type: Some("text/html".into()),
            response_headers: vec![],
            failure: None,
            wall_time: 1.5,
            step: Step::Load,
            page: 0,
            context: Default::default(),
            sw_response: None,
            ended_at: None,
        }
    }

    /// A visit with a page, a request and a cookie of each kind.
    pub(crate) fn visit(domain: &str, outcome: Outcome) -> RawVisit {
        RawVisit {
            domain: domain.into(),
            outcome,
            http_status: Some(200),
            start_url: format!("https://{domain}/"),
            final_url: Some(format!("https://{domain}/")),
            redirect_chain: vec![format!("https://{domain}/")],
            started_at: "2026-11-29T00:00:00Z".into(),
            duration_ms: 5,
            pages: pages(domain, outcome),
            link_candidates: Some(5),
            storage: vec![crate::capture::RawStorage {
                page: 1,
                origin: format!("https://{domain}"),
                area: crate::capture::StorageArea::Local,
                key: "ajs_anonymous_id".into(),
                value: "\"4c1f7a52-3b0e-4f7e-9d54-0b6f1c2a9e11\"".into(),
                truncated: false,
            }],
            requests: vec![document(domain)],
            cookies: vec![RawCookie {
                name: "_ttp".into(),
                value: "v".into(),
                domain: ".x".into(),
                path: "/".into(),
                expires: -1.0,
                http_only: false,
                secure: true,
                same_site: Some("None".into()),
                page: 1,
            }],
            canaries: crate::canary::derive(b"k", domain),
            actions: vec!["scrolled".into()],
            consent: ConsentRecord {
                mode: ConsentMode::Reject,
                gpc: true,
                cmp: Some("Onetrust".into()),
                banner_found: true,
                action: Some(ConsentMode::Reject),
                action_ok: Some(true),
                choice_at: Some(1.25),
                log: vec!["popupFound Onetrust".into()],
            },
            ..RawVisit::default()
        }
    }

    /// Megabyte URLs, headers and initiators are cut to VALUE_CAP with the cut said; short
    /// ones, bodies and multibyte text at the boundary stay valid.
    #[test]
    fn long_values_are_cut_and_say_so() {
        let mut v = visit("huge.example", Outcome::Ok);
        let long = format!("https://huge.example/?q={}", "é".repeat(1_000_000));
        v.final_url = Some(long.clone());
        let mut r = v.requests[0].clone();
        r.url = long.clone();
        r.frame_url = long.clone();
        r.headers = vec![
            ("Referer".into(), long.clone()),
            ("Accept".into(), "*/*".into()),
        ];
        r.initiator = serde_json::json!({"type": "script", "url": long}).to_string();
        r.body = Some(vec![b'x'; 200_000]);
        v.requests.push(r);
        assert_eq!(v.cap_values(), 5);
        let fin = v.final_url.as_deref().unwrap();
        assert!(fin.len() <= VALUE_CAP + 40, "{}", fin.len());
        assert!(
            fin.ends_with(&format!("{CUT_MARK}{} bytes]", long.len())),
            "{}",
            &fin[fin.len() - 60..]
        );
        let r = v.requests.last().unwrap();
        assert_eq!(r.headers[1].1, "*/*");
        assert_eq!(
            r.body.as_ref().unwrap().len(),
            200_000,
            "bodies are kept whole"
        );
        let init: serde_json::Value = serde_json::from_str(&r.initiator).expect("still JSON");
        assert!(init["url"].as_str().unwrap().contains(CUT_MARK));
        assert_eq!(v.cap_values(), 0, "a cut value is not cut again");
    }

    fn targets(n: u64) -> Vec<Target> {
        (1..=n)
            .map(|i| Target {
                rank: i,
                rank_is_bucket: false,
                domain: format!("s{i}.example"),
            })
            .collect()
    }

    #[test]
    fn each_mode_is_its_own_frontier_row_and_visit() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::create(dir.path()).unwrap();
        assert_eq!(
            s.add_targets(&targets(2), &[ConsentMode::None, ConsentMode::Reject])
                .unwrap(),
            4
        );
        // A later run adding a mode adds only the missing rows.
        assert_eq!(s.add_targets(&targets(2), &ConsentMode::ALL).unwrap(), 2);
        assert_eq!(s.modes().unwrap(), ConsentMode::ALL.to_vec());
        let mut claimed = Vec::new();
        while let Some(c) = s.claim_next().unwrap() {
            let mut v = visit(&c.target.domain, Outcome::Ok);
            v.consent.mode = c.mode;
            s.record_visit(c.id, &v).unwrap();
            claimed.push((c.target.domain, c.mode));
        }
        assert_eq!(claimed.len(), 6);
        let listed: Vec<(String, ConsentMode)> = s
            .targets()
            .unwrap()
            .into_iter()
            .map(|(t, m, id)| {
                let stored = s.load_visit(id.unwrap()).unwrap();
                assert_eq!(stored.visit.consent.mode, m);
                (t.domain, m)
            })
            .collect();
        let want: Vec<(String, ConsentMode)> = ["s1.example", "s2.example"]
            .iter()
            .flat_map(|d| ConsentMode::ALL.map(|m| (d.to_string(), m)))
            .collect();
        assert_eq!(listed, want, "a site's modes together, in mode order");
    }

    /// Worker requests (their context, a service worker's answer, the end time) and the
    /// messages of a WebSocket and an EventSource are stored and read back as they were; a
    /// revisit replaces the messages with its own.
    #[test]
    fn worker_requests_and_socket_messages_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::create(dir.path()).unwrap();
        s.add_targets(&[target("w.example", 1)], &[ConsentMode::None])
            .unwrap();
        let c = s.claim_next().unwrap().unwrap();
        let mut v = visit("w.example", Outcome::Ok);
        let base = v.requests[0].clone();
        v.requests.push(RawRequest {
            seq: 1,
            url: "wss://rec.example/ws".into(),
            method: "GET".into(),
            resource_type: ResourceType::WebSocket,
            status: Some(101),
            ended_at: Some(12.5),
            ..base.clone()
        });
        v.requests.push(RawRequest {
            seq: 2,
            url: "https://rec.example/sw?n=1".into(),
            context: Context::ServiceWorker,
            ..base.clone()
        });
        v.requests.push(RawRequest {
            seq: 3,
            url: "https://w.example/cached.gif".into(),
            sw_response: Some("cache-storage".into()),
            ..base
        });
        let frame = |seq, direction, opcode, payload: &[u8], truncated| RawFrame {
            request_seq: 1,
            seq,
            direction,
            wall_time: 10.0 + seq as f64,
            opcode,
            size: 7,
            payload: payload.to_vec(),
            truncated,
            event: None,
        };
        v.frames = vec![
            frame(0, Direction::Sent, 1, b"{\"a\":1}", false),
            frame(1, Direction::Received, 2, &[0, 255, 1], false),
            frame(2, Direction::Sent, 1, b"", true),
            RawFrame {
                event: Some("config".into()),
                ..frame(3, Direction::Received, 0, b"data", false)
            },
        ];
        let id = s.record_visit(c.id, &v).unwrap();
        assert_eq!(s.load_visit(id).unwrap().visit, v);
        // A revisit of the same target (a retry) replaces the messages too.
        v.frames.truncate(1);
        let id = s.record_visit(c.id, &v).unwrap();
        assert_eq!(s.load_visit(id).unwrap().visit.frames, v.frames);
        let n: i64 = s
            .conn
            .query_row("SELECT count(*) FROM frames", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    /// A store in `dir` with one visit of `a.example`, then taken back to an older schema
    /// by `sql`.
    fn made_old(dir: &std::path::Path, sql: &str) {
        let mut s = Store::create(dir).unwrap();
        s.add_targets(&[target("a.example", 1)], &[ConsentMode::None])
            .unwrap();
        let c = s.claim_next().unwrap().unwrap();
        s.record_visit(c.id, &visit("a.example", Outcome::Ok))
            .unwrap();
        s.conn.execute_batch(sql).unwrap();
    }

    /// A schema-6 store (pages without `env`) gains the column in place: its pages read with
    /// no env, and a visit recorded after keeps its pages' env.
    #[test]
    fn a_version_6_store_gains_page_envs() {
        let dir = tempfile::tempdir().unwrap();
        made_old(
            dir.path(),
            "ALTER TABLE pages DROP COLUMN env;
                     UPDATE meta SET value = '6' WHERE key = 'schema_version';",
        );
        let mut s = Store::open(dir.path()).unwrap();
        assert_eq!(s.meta("schema_version").unwrap().as_deref(), Some("9"));
        let old = s.load_visit(1).unwrap().visit;
        assert!(!old.pages.is_empty() && old.pages.iter().all(|p| p.env.is_none()));
        s.add_targets(&[target("b.example", 2)], &[ConsentMode::None])
            .unwrap();
        let c = s.claim_next().unwrap().unwrap();
        let v = visit("b.example", Outcome::Ok);
        s.record_visit(c.id, &v).unwrap();
        let back = s.load_visit(2).unwrap().visit;
        assert_eq!(back.pages, v.pages);
        assert!(back.pages[0].env.is_some());
    }

    /// A version-2 store (before collector failures) gains the table and keeps its visits;
    /// a visit with failures is then recorded and read back with them.
    #[test]
    fn a_version_2_store_gains_collector_failures() {
        let dir = tempfile::tempdir().unwrap();
        made_old(
            dir.path(),
            "DROP TABLE collector_failures; DROP TABLE pages;
                     ALTER TABLE requests DROP COLUMN page; ALTER TABLE cookies DROP COLUMN page;
                     ALTER TABLE requests DROP COLUMN context; ALTER TABLE requests DROP COLUMN sw_response;
                     ALTER TABLE requests DROP COLUMN ended_at; DROP TABLE frames;
                     ALTER TABLE visits DROP COLUMN link_candidates; ALTER TABLE visits DROP COLUMN wall;
                     ALTER TABLE visits DROP COLUMN walled_at_first;
                     UPDATE meta SET value = '2' WHERE key = 'schema_version';",
        );
        let mut s = Store::open(dir.path()).unwrap();
        assert_eq!(s.meta("schema_version").unwrap().as_deref(), Some("9"));
        // The old visit reads as its front page only, its cookie on that page.
        let old = s.load_visit(1).unwrap().visit;
        assert_eq!(old.domain, "a.example");
        assert_eq!(old.pages, [RawPage::front_of(&old)]);
        assert_eq!((old.cookies[0].page, old.link_candidates), (0, None));
        // Schema 6: its requests were made by the page, and it has no socket messages.
        assert!(old.requests.iter().all(|r| r.context == Context::Page));
        assert!(old.frames.is_empty());
        s.add_targets(&[target("b.example", 2)], &[ConsentMode::None])
            .unwrap();
        let c = s.claim_next().unwrap().unwrap();
        let mut v = visit("b.example", Outcome::Ok);
        v.collector_failures = vec![CollectorFailure {
            collector: "cookies".into(),
            hook: Hook::Finish,
            error: "no answer".into(),
        }];
        let id = s.record_visit(c.id, &v).unwrap();
        assert_eq!(s.load_visit(id).unwrap().visit, v);
    }

    #[test]
    fn a_version_1_store_is_migrated_and_keeps_its_visits() {
        let dir = tempfile::tempdir().unwrap();
        {
            let c = Connection::open(dir.path().join(STORE_FILE)).unwrap();
            c.execute_batch(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO meta VALUES ('schema_version', '1');
                 CREATE TABLE targets (id INTEGER PRIMARY KEY, domain TEXT NOT NULL UNIQUE, rank INTEGER NOT NULL,
                   rank_is_bucket INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0);
                 CREATE TABLE visits (id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL UNIQUE REFERENCES targets(id),
                   status TEXT NOT NULL, http_status INTEGER, start_url TEXT NOT NULL, final_url TEXT, redirect_chain TEXT NOT NULL,
                   error TEXT, started_at TEXT NOT NULL, duration_ms INTEGER NOT NULL, canaries TEXT NOT NULL, actions TEXT NOT NULL);
                 INSERT INTO targets VALUES (7, 'old.example', 1, 0, 'done', 1);
                 INSERT INTO visits VALUES (3, 7, 'ok', 200, 'https://old.example/', NULL, '[]', NULL, '2026-10-01T00:00:00Z', 10, '{}', '[]');",
            )
            .unwrap();
        }
        let mut s = Store::open(dir.path()).unwrap();
        assert_eq!(s.meta("schema_version").unwrap().as_deref(), Some("9"));
        let t = s.targets().unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].1, t[0].2), (ConsentMode::None, Some(3)));
        let v = s.load_visit(3).unwrap().visit;
        assert_eq!(v.domain, "old.example");
        assert_eq!(v.consent, ConsentRecord::default());
        // The migrated frontier takes new modes for the same site.
        let old = Target {
            domain: "old.example".into(),
            rank: 1,
            rank_is_bucket: false,
        };
        assert_eq!(s.add_targets(&[old], &ConsentMode::ALL).unwrap(), 2);
        drop(s);
        // Opening again is a no-op.
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.targets().unwrap().len(), 3);
    }

    #[test]
    fn empty_damaged_or_foreign_stores_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STORE_FILE);
        for (bytes, want) in [
            (&b""[..], "the file is empty"),
            (
                &b"this is not a database, just text that is long enough"[..],
                "not a database",
            ),
        ] {
            std::fs::write(&path, bytes).unwrap();
            let err = Store::open(dir.path()).err().expect("refused").to_string();
            assert!(
                err.contains("is not a pixelcensus store") && err.contains(want),
                "{err}"
            );
            assert!(Store::create(dir.path()).is_err());
            assert_eq!(
                std::fs::read(&path).unwrap(),
                bytes,
                "the file is untouched"
            );
        }
        std::fs::remove_file(&path).unwrap();
        let other = Connection::open(&path).unwrap();
        other
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        drop(other);
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(dir.path()).err().expect("refused").to_string();
        assert!(err.contains("no such table: meta"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn visit_round_trips_byte_exact() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::create(dir.path()).unwrap();
        s.add_targets(&targets(1), &[ConsentMode::None]).unwrap();
        let c = s.claim_next().unwrap().unwrap();
        let v = visit(&c.target.domain, Outcome::Ok);
        let id = s.record_visit(c.id, &v).unwrap();
        let back = s.load_visit(id).unwrap();
        assert_eq!(back.visit, v);
        assert_eq!(back.rank, 1);
    }

    #[test]
    fn interrupted_claims_return_and_nothing_is_counted_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::create(dir.path()).unwrap();
        assert_eq!(s.add_targets(&targets(3), &[ConsentMode::None]).unwrap(), 3);
        let a = s.claim_next().unwrap().unwrap();
        s.record_visit(a.id, &visit(&a.target.domain, Outcome::Ok))
            .unwrap();
        let b = s.claim_next().unwrap().unwrap(); // "killed" while visiting b
        drop(s);
        let mut s = Store::open(dir.path()).unwrap();
        assert_eq!(
            s.add_targets(&targets(3), &[ConsentMode::None]).unwrap(),
            0,
            "re-adding the same list adds nothing"
        );
        assert_eq!(s.reset_interrupted().unwrap(), 1);
        let mut seen = vec![];
        while let Some(c) = s.claim_next().unwrap() {
            seen.push(c.target.domain.clone());
            if c.target.domain == b.target.domain {
                assert_eq!(c.attempts, 1, "the interrupted visit counts as an attempt");
            }
            s.record_visit(c.id, &visit(&c.target.domain, Outcome::Timeout))
                .unwrap();
        }
        assert_eq!(seen, vec!["s2.example", "s3.example"]);
        let counts = s.counts().unwrap();
        assert_eq!((counts.total, counts.done), (3, 3));
        assert_eq!(counts.by_outcome[&Outcome::Ok], 1);
        assert_eq!(counts.by_outcome[&Outcome::Timeout], 2);
    }

    #[test]
    fn retry_failed_replaces_the_old_visit() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::create(dir.path()).unwrap();
        s.add_targets(&targets(2), &[ConsentMode::None]).unwrap();
        while let Some(c) = s.claim_next().unwrap() {
            let o = if c.target.rank == 1 {
                Outcome::Ok
            } else {
                Outcome::Timeout
            };
            s.record_visit(c.id, &visit(&c.target.domain, o)).unwrap();
        }
        assert_eq!(s.reset_failed().unwrap(), 1);
        let c = s.claim_next().unwrap().unwrap();
        assert_eq!(c.target.domain, "s2.example");
        s.record_visit(c.id, &visit(&c.target.domain, Outcome::Ok))
            .unwrap();
        let counts = s.counts().unwrap();
        assert_eq!(counts.by_outcome.get(&Outcome::Ok), Some(&2));
        assert_eq!(counts.by_outcome.get(&Outcome::Timeout), None);
        let n: i64 = s
            .conn
            .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2, "the replaced visit's requests are gone");
    }

    #[test]
    fn second_lock_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().unwrap();
        let _a = CrawlLock::acquire(dir.path()).unwrap();
        let err = CrawlLock::acquire(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&std::process::id().to_string()), "{msg}");
        assert!(msg.contains("already using"), "{msg}");
    }

    #[test]
    fn secret_is_stable() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::create(dir.path()).unwrap();
        let a = s.secret().unwrap();
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(a, s.secret().unwrap());
        assert_eq!(a.len(), 16);
    }
}
