//! Each kind of evidence declares its table(s): how a visit's rows are written, read back
//! and removed. [`Store::record_visit`](super::Store::record_visit) and
//! [`Store::load_visit`](super::Store::load_visit) are loops over [`TABLES`], so a new kind
//! of evidence is one [`Table`] here, one line in [`TABLES`] and its table in the schema.

mod cookies;
mod failures;
mod pages;
mod requests;
mod scripts;
mod storage;

use crate::capture::RawVisit;
use rusqlite::Connection;

/// The rows one kind of evidence keeps for a visit.
pub(super) trait Table: Sync {
    /// The tables it writes (each with a `visit_id` column), in the order they are written.
    fn tables(&self) -> &'static [&'static str];
    /// Writes the visit's rows of this kind (inside the visit's transaction).
    fn insert(&self, conn: &Connection, visit_id: i64, v: &RawVisit) -> rusqlite::Result<()>;
    /// Reads them back into `v` (whose `visits` row and earlier kinds are already read).
    fn load(&self, conn: &Connection, visit_id: i64, v: &mut RawVisit) -> rusqlite::Result<()>;
}

/// Every kind of evidence the store keeps beside the `visits` row, in the order it is
/// written and read.
pub(super) static TABLES: &[&dyn Table] = &[
    &requests::Requests,
    &cookies::Cookies,
    &storage::Storage,
    &scripts::Scripts,
    &pages::Pages,
    &failures::Failures,
];

/// Removes every row of visit `id` from every evidence table (before the visit itself).
pub(super) fn delete(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    for t in TABLES {
        for name in t.tables() {
            conn.execute(&format!("DELETE FROM {name} WHERE visit_id = ?1"), [id])?;
        }
    }
    Ok(())
}

/// Collects the rows of a query into a vector.
fn rows<T>(
    conn: &Connection,
    sql: &str,
    visit_id: i64,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut st = conn.prepare_cached(sql)?;
    st.query_map([visit_id], row)?.collect()
}
