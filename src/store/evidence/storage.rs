//! First-party Web Storage items: table `storage`.

use super::{Table, rows};
use crate::capture::{RawStorage, RawVisit, StorageArea};
use rusqlite::{Connection, params};

pub(super) struct Storage;

impl Table for Storage {
    fn tables(&self) -> &'static [&'static str] {
        &["storage"]
    }

    fn insert(&self, conn: &Connection, visit_id: i64, v: &RawVisit) -> rusqlite::Result<()> {
        let mut ins = conn.prepare_cached("INSERT INTO storage(visit_id, page, origin, area, key, value, truncated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
        for it in &v.storage {
            ins.execute(params![
                visit_id,
                it.page,
                it.origin,
                it.area.as_str(),
                it.key,
                it.value,
                it.truncated
            ])?;
        }
        Ok(())
    }

    fn load(&self, conn: &Connection, visit_id: i64, v: &mut RawVisit) -> rusqlite::Result<()> {
        v.storage = rows(
            conn,
            "SELECT page, origin, area, key, value, truncated FROM storage WHERE visit_id = ?1 ORDER BY id",
            visit_id,
            |r| {
                Ok(RawStorage {
                    page: r.get(0)?,
                    origin: r.get(1)?,
                    area: StorageArea::parse(&r.get::<_, String>(2)?).unwrap_or(StorageArea::Local),
                    key: r.get(3)?,
                    value: r.get(4)?,
                    truncated: r.get(5)?,
                })
            },
        )?;
        Ok(())
    }
}
