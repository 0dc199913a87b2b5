//! The collectors that failed on a visit: table `collector_failures`.

use super::{Table, rows};
use crate::capture::{CollectorFailure, Hook, RawVisit};
use rusqlite::{Connection, params};

pub(super) struct Failures;

impl Table for Failures {
    fn tables(&self) -> &'static [&'static str] {
        &["collector_failures"]
    }

    fn insert(&self, conn: &Connection, visit_id: i64, v: &RawVisit) -> rusqlite::Result<()> {
        let mut ins = conn.prepare_cached(
            "INSERT INTO collector_failures(visit_id, collector, hook, error) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for f in &v.collector_failures {
            ins.execute(params![visit_id, f.collector, f.hook.as_str(), f.error])?;
        }
        Ok(())
    }

    fn load(&self, conn: &Connection, visit_id: i64, v: &mut RawVisit) -> rusqlite::Result<()> {
        v.collector_failures = rows(
            conn,
            "SELECT collector, hook, error FROM collector_failures WHERE visit_id = ?1 ORDER BY id",
            visit_id,
            |r| {
                Ok(CollectorFailure {
                    collector: r.get(0)?,
                    hook: Hook::parse(&r.get::<_, String>(1)?).unwrap_or(Hook::Event),
                    error: r.get(2)?,
                })
            },
        )?;
        Ok(())
    }
}
