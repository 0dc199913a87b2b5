//! The static pre-scan's tables: its frontier (`prescan_targets`), one fetched page per site
//! with its resources (written with the target's move to `done` in one transaction, so a
//! killed prescan loses or doubles nothing), and the Tag Manager containers of the run.

use super::{Result, Store, StoreError};
use crate::capture::{Outcome, ResourceKind, StaticPage, StaticResource, WallKind};
use crate::list::Target;
use rusqlite::{OptionalExtension, params};

/// A prescan target as claimed from its frontier.
#[derive(Clone, Debug)]
pub struct PrescanClaim {
    /// Row id in `prescan_targets`.
    pub id: i64,
    /// The site.
    pub target: Target,
}

impl Store {
    /// Adds sites to the prescan frontier (a site already there keeps its row, with the
    /// better rank). Returns how many were new.
    pub fn add_prescan_targets(&mut self, targets: &[Target]) -> Result<usize> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sq)?;
        let count = |tx: &rusqlite::Transaction| -> rusqlite::Result<i64> {
            tx.query_row("SELECT count(*) FROM prescan_targets", [], |r| r.get(0))
        };
        let before = count(&tx).map_err(sq)?;
        {
            let mut ins = tx
                .prepare("INSERT INTO prescan_targets(domain, rank, rank_is_bucket) VALUES (?1, ?2, ?3) ON CONFLICT(domain) DO UPDATE SET rank = min(rank, excluded.rank)")
                .map_err(sq)?;
            for t in targets {
                ins.execute(params![t.domain, t.rank as i64, t.rank_is_bucket])
                    .map_err(sq)?;
            }
        }
        let after = count(&tx).map_err(sq)?;
        tx.commit().map_err(sq)?;
        Ok((after - before) as usize)
    }

    /// Puts prescan targets claimed by a process that died (or was stopped) back.
    pub fn reset_prescan_interrupted(&self) -> Result<usize> {
        self.conn
            .execute(
                "UPDATE prescan_targets SET state = 'pending' WHERE state = 'in_progress'",
                [],
            )
            .map_err(self.sq())
    }

    /// Claims the best-ranked pending prescan target.
    pub fn claim_prescan(&self) -> Result<Option<PrescanClaim>> {
        self.conn
            .query_row(
                "UPDATE prescan_targets SET state = 'in_progress', attempts = attempts + 1
                 WHERE id = (SELECT id FROM prescan_targets WHERE state = 'pending' ORDER BY rank, id LIMIT 1)
                 RETURNING id, domain, rank, rank_is_bucket",
                [],
                |r| {
                    Ok(PrescanClaim {
                        id: r.get(0)?,
                        target: Target {
                            domain: r.get(1)?,
                            rank: r.get::<_, i64>(2)? as u64,
                            rank_is_bucket: r.get(3)?,
                        },
                    })
                },
            )
            .optional()
            .map_err(self.sq())
    }

    /// (total, done) of the prescan frontier.
    pub fn prescan_counts(&self) -> Result<(u64, u64)> {
        self.conn
            .query_row(
                "SELECT count(*), coalesce(sum(state = 'done'), 0) FROM prescan_targets",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(self.sq())
    }

    /// Records a fetched page with its resources and marks its target done, atomically.
    pub fn record_prescan(&mut self, target_id: i64, p: &StaticPage) -> Result<()> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sq)?;
        if let Some(old) = tx
            .query_row(
                "SELECT id FROM prescan_pages WHERE target_id = ?1",
                [target_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map_err(sq)?
        {
            tx.execute("DELETE FROM prescan_resources WHERE page_id = ?1", [old])
                .map_err(sq)?;
            tx.execute("DELETE FROM prescan_pages WHERE id = ?1", [old])
                .map_err(sq)?;
        }
        tx.execute(
            "INSERT INTO prescan_pages(target_id, status, http_status, start_url, final_url, redirect_chain, error, fetched_at, duration_ms, bytes, wall)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                target_id,
                p.outcome.as_str(),
                p.http_status,
                p.start_url,
                p.final_url,
                serde_json::to_string(&p.redirect_chain).unwrap_or_else(|_| "[]".into()),
                p.error,
                p.fetched_at,
                p.duration_ms as i64,
                p.bytes as i64,
                p.wall.map(WallKind::as_str),
            ],
        )
        .map_err(sq)?;
        let page_id = tx.last_insert_rowid();
        {
            let mut ins = tx
                .prepare("INSERT INTO prescan_resources(page_id, seq, kind, url, text) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(sq)?;
            for (i, r) in p.resources.iter().enumerate() {
                ins.execute(params![page_id, i as i64, r.kind.as_str(), r.url, r.text])
                    .map_err(sq)?;
            }
        }
        tx.execute(
            "UPDATE prescan_targets SET state = 'done' WHERE id = ?1",
            [target_id],
        )
        .map_err(sq)?;
        tx.commit().map_err(sq)
    }

    /// Every prescan target in rank order, with its page once fetched.
    pub fn prescan_pages(&self) -> Result<Vec<(Target, Option<StaticPage>)>> {
        let sq = self.sq();
        let mut st = self
            .conn
            .prepare(
                "SELECT t.domain, t.rank, t.rank_is_bucket, p.id, p.status, p.http_status, p.start_url, p.final_url, p.redirect_chain, p.error, p.fetched_at, p.duration_ms, p.bytes, p.wall
                 FROM prescan_targets t LEFT JOIN prescan_pages p ON p.target_id = t.id ORDER BY t.rank, t.id",
            )
            .map_err(&sq)?;
        let rows = st
            .query_map([], |r| {
                let target = Target {
                    domain: r.get(0)?,
                    rank: r.get::<_, i64>(1)? as u64,
                    rank_is_bucket: r.get(2)?,
                };
                let page = match r.get::<_, Option<i64>>(3)? {
                    None => None,
                    Some(id) => Some((
                        id,
                        StaticPage {
                            domain: target.domain.clone(),
                            outcome: Outcome::parse(&r.get::<_, String>(4)?)
                                .unwrap_or(Outcome::ConnectionError),
                            http_status: r.get(5)?,
                            start_url: r.get(6)?,
                            final_url: r.get(7)?,
                            redirect_chain: serde_json::from_str(&r.get::<_, String>(8)?)
                                .unwrap_or_default(),
                            error: r.get(9)?,
                            fetched_at: r.get(10)?,
                            duration_ms: r.get::<_, i64>(11)? as u64,
                            bytes: r.get::<_, i64>(12)? as u64,
                            wall: r
                                .get::<_, Option<String>>(13)?
                                .as_deref()
                                .and_then(WallKind::parse),
                            resources: Vec::new(),
                        },
                    )),
                };
                Ok((target, page))
            })
            .map_err(&sq)?;
        let rows: Vec<_> = rows.collect::<std::result::Result<_, _>>().map_err(&sq)?;
        let mut res = self
            .conn
            .prepare_cached(
                "SELECT kind, url, text FROM prescan_resources WHERE page_id = ?1 ORDER BY seq",
            )
            .map_err(&sq)?;
        let mut out = Vec::with_capacity(rows.len());
        for (t, page) in rows {
            let page = match page {
                None => None,
                Some((id, mut p)) => {
                    p.resources = res
                        .query_map([id], |r| {
                            Ok(StaticResource {
                                kind: ResourceKind::parse(&r.get::<_, String>(0)?)
                                    .unwrap_or(ResourceKind::ScriptSrc),
                                url: r.get(1)?,
                                text: r.get(2)?,
                            })
                        })
                        .map_err(&sq)?
                        .collect::<std::result::Result<_, _>>()
                        .map_err(&sq)?;
                    Some(p)
                }
            };
            out.push((t, page));
        }
        Ok(out)
    }

    /// Records a Tag Manager container fetched in the run (`body` `None`: it could not be).
    pub fn record_container(
        &self,
        id: &str,
        status: Option<u16>,
        body: Option<&str>,
        at: &str,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO prescan_containers(container_id, http_status, body, fetched_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(container_id) DO UPDATE SET http_status = excluded.http_status, body = excluded.body, fetched_at = excluded.fetched_at",
                params![id, status, body, at],
            )
            .map(|_| ())
            .map_err(self.sq())
    }

    /// Every Tag Manager container fetched (ID → body), for analysis.
    pub fn containers(&self) -> Result<std::collections::HashMap<String, String>> {
        let sq = self.sq();
        let mut st = self
            .conn
            .prepare("SELECT container_id, body FROM prescan_containers WHERE body IS NOT NULL")
            .map_err(&sq)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(&sq)?;
        rows.collect::<std::result::Result<_, _>>().map_err(&sq)
    }
}

#[cfg(test)]
mod tests {
    use crate::capture::{Outcome, ResourceKind, StaticPage, StaticResource};
    use crate::list::Target;
    use crate::store::Store;

    #[test]
    fn a_page_and_its_resources_round_trip_and_resume_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::create(dir.path()).unwrap();
        let t = |d: &str, rank| Target {
            domain: d.into(),
            rank,
            rank_is_bucket: false,
        };
        assert_eq!(
            s.add_prescan_targets(&[t("a.example", 1), t("b.example", 2)])
                .unwrap(),
            2
        );
        assert_eq!(s.add_prescan_targets(&[t("a.example", 1)]).unwrap(), 0);
        let c = s.claim_prescan().unwrap().unwrap();
        assert_eq!(c.target.domain, "a.example");
        let page = StaticPage {
            domain: "a.example".into(),
            outcome: Outcome::Ok,
            http_status: Some(200),
            start_url: "https://a.example/".into(),
            final_url: Some("https://www.a.example/".into()),
            redirect_chain: vec!["https://a.example/".into(), "https://www.a.example/".into()],
            error: None,
            fetched_at: "2026-12-01T00:00:00Z".into(),
            duration_ms: 12,
            bytes: 3456,
            wall: None,
            resources: vec![
                StaticResource {
                    kind: ResourceKind::ScriptSrc,
                    url: Some("https://t.example/a.js".into()),
                    text: None,
                },
                StaticResource {
                    kind: ResourceKind::InlineScript,
                    url: None,
                    text: Some("fbq('init', '1')".into()),
                },
            ],
        };
        s.record_prescan(c.id, &page).unwrap();
        // b.example was claimed when the process died: it comes back.
        let d = s.claim_prescan().unwrap().unwrap();
        assert_eq!(d.target.domain, "b.example");
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.reset_prescan_interrupted().unwrap(), 1);
        assert_eq!(s.prescan_counts().unwrap(), (2, 1));
        let pages = s.prescan_pages().unwrap();
        assert_eq!(pages[0].1.as_ref(), Some(&page));
        assert!(pages[1].1.is_none());
        s.record_container("GTM-X1", Some(200), Some("gtag('config','G-1')"), "now")
            .unwrap();
        assert_eq!(s.containers().unwrap()["GTM-X1"], "gtag('config','G-1')");
    }
}
