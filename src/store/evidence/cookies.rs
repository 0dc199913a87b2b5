//! The cookies in the browser at the end of a visit: table `cookies`.

use super::{Table, rows};
use crate::capture::{RawCookie, RawVisit};
use rusqlite::{Connection, params};

pub(super) struct Cookies;

impl Table for Cookies {
    fn tables(&self) -> &'static [&'static str] {
        &["cookies"]
    }

    fn insert(&self, conn: &Connection, visit_id: i64, v: &RawVisit) -> rusqlite::Result<()> {
        let mut ins = conn.prepare_cached("INSERT INTO cookies(visit_id, name, value, domain, path, expires, http_only, secure, same_site, page) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")?;
        for c in &v.cookies {
            ins.execute(params![
                visit_id,
                c.name,
                c.value,
                c.domain,
                c.path,
                c.expires,
                c.http_only,
                c.secure,
                c.same_site,
                c.page
            ])?;
        }
        Ok(())
    }

    fn load(&self, conn: &Connection, visit_id: i64, v: &mut RawVisit) -> rusqlite::Result<()> {
        v.cookies = rows(
            conn,
            "SELECT name, value, domain, path, expires, http_only, secure, same_site, page FROM cookies WHERE visit_id = ?1 ORDER BY id",
            visit_id,
            |r| {
                Ok(RawCookie {
                    name: r.get(0)?,
                    value: r.get(1)?,
                    domain: r.get(2)?,
                    path: r.get(3)?,
                    expires: r.get(4)?,
                    http_only: r.get(5)?,
                    secure: r.get(6)?,
                    same_site: r.get(7)?,
                    page: r.get(8)?,
                })
            },
        )?;
        Ok(())
    }
}
