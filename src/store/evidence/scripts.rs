//! What the page's scripts did, as the script-behaviour hooks reported it: table
//! `script_events`.

use super::{Table, rows};
use crate::capture::{Context, RawScriptEvent, RawVisit};
use rusqlite::{Connection, params};

pub(super) struct Scripts;

impl Table for Scripts {
    fn tables(&self) -> &'static [&'static str] {
        &["script_events"]
    }

    fn insert(&self, conn: &Connection, visit_id: i64, v: &RawVisit) -> rusqlite::Result<()> {
        let mut ins = conn.prepare_cached("INSERT INTO script_events(visit_id, page, context, document, kind, script, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
        for e in &v.scripts {
            ins.execute(params![
                visit_id,
                e.page,
                e.context.as_str(),
                e.document,
                e.kind,
                e.script,
                e.detail
            ])?;
        }
        Ok(())
    }

    fn load(&self, conn: &Connection, visit_id: i64, v: &mut RawVisit) -> rusqlite::Result<()> {
        v.scripts = rows(
            conn,
            "SELECT page, context, document, kind, script, detail FROM script_events WHERE visit_id = ?1 ORDER BY id",
            visit_id,
            |r| {
                Ok(RawScriptEvent {
                    page: r.get(0)?,
                    context: Context::parse(&r.get::<_, String>(1)?),
                    document: r.get(2)?,
                    kind: r.get(3)?,
                    script: r.get(4)?,
                    detail: r.get(5)?,
                })
            },
        )?;
        Ok(())
    }
}
