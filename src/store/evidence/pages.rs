//! The pages of a visit: table `pages`.

use super::{Table, rows};
use crate::capture::{Outcome, RawPage, RawVisit, Reached};
use rusqlite::{Connection, params};

pub(super) struct Pages;

impl Table for Pages {
    fn tables(&self) -> &'static [&'static str] {
        &["pages"]
    }

    fn insert(&self, conn: &Connection, visit_id: i64, v: &RawVisit) -> rusqlite::Result<()> {
        let mut ins = conn.prepare_cached("INSERT INTO pages(visit_id, page, url, final_url, reached, link_text, started_at, duration_ms, status, http_status, error, env) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")?;
        for pg in &v.pages {
            ins.execute(params![
                visit_id,
                pg.page,
                pg.url,
                pg.final_url,
                pg.reached.as_str(),
                pg.link_text,
                pg.started_at,
                pg.duration_ms as i64,
                pg.outcome.as_str(),
                pg.http_status,
                pg.error,
                pg.env
                    .as_ref()
                    .map(|e| serde_json::to_string(e).expect("an env serialises"))
            ])?;
        }
        Ok(())
    }

    fn load(&self, conn: &Connection, visit_id: i64, v: &mut RawVisit) -> rusqlite::Result<()> {
        v.pages = rows(
            conn,
            "SELECT page, url, final_url, reached, link_text, started_at, duration_ms, status, http_status, error, env FROM pages WHERE visit_id = ?1 ORDER BY page",
            visit_id,
            |r| {
                Ok(RawPage {
                    page: r.get(0)?,
                    url: r.get(1)?,
                    final_url: r.get(2)?,
                    reached: Reached::parse(&r.get::<_, String>(3)?).unwrap_or_default(),
                    link_text: r.get(4)?,
                    started_at: r.get(5)?,
                    duration_ms: r.get::<_, i64>(6)? as u64,
                    outcome: Outcome::parse(&r.get::<_, String>(7)?)
                        .unwrap_or(Outcome::BrowserCrash),
                    http_status: r.get(8)?,
                    error: r.get(9)?,
                    env: r
                        .get::<_, Option<String>>(10)?
                        .and_then(|j| serde_json::from_str(&j).ok()),
                })
            },
        )?;
        if v.pages.is_empty() && v.outcome.visited_site() {
            // A visit recorded before schema 4: its front page only.
            v.pages.push(RawPage::front_of(v));
        }
        Ok(())
    }
}
