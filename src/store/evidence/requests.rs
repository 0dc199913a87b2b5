//! The network's evidence: every request (table `requests`) and the messages of its
//! WebSockets and EventSource streams (table `frames`).

use super::{Table, rows};
use crate::capture::{
    BodyState, Context, Direction, RawFrame, RawRequest, RawVisit, ResourceType, Step,
};
use crate::store::{from_json, json};
use rusqlite::{Connection, params};

pub(super) struct Requests;

impl Table for Requests {
    fn tables(&self) -> &'static [&'static str] {
        &["requests", "frames"]
    }

    fn insert(&self, conn: &Connection, visit_id: i64, v: &RawVisit) -> rusqlite::Result<()> {
        insert_requests(conn, visit_id, &v.requests)?;
        insert_frames(conn, visit_id, &v.frames)
    }

    fn load(&self, conn: &Connection, visit_id: i64, v: &mut RawVisit) -> rusqlite::Result<()> {
        v.requests = rows(
            conn,
            "SELECT seq, request_id, url, method, resource_type, headers, body, body_state, initiator, frame_id, frame_url, is_main_frame, status, mime_type, response_headers, failure, wall_time, step, page, context, sw_response, ended_at
             FROM requests WHERE visit_id = ?1 ORDER BY seq",
            visit_id,
            request,
        )?;
        // Only a WebSocket or an EventSource has messages: most visits skip the query.
        if v.requests.iter().any(|r| {
            matches!(
                r.resource_type,
                ResourceType::WebSocket | ResourceType::EventSource
            )
        }) {
            v.frames = rows(
                conn,
                "SELECT request_seq, seq, direction, wall_time, opcode, size, payload, truncated, event FROM frames WHERE visit_id = ?1 ORDER BY seq",
                visit_id,
                frame,
            )?;
        }
        Ok(())
    }
}

fn insert_requests(
    conn: &Connection,
    visit_id: i64,
    requests: &[RawRequest],
) -> rusqlite::Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT INTO requests(visit_id, seq, request_id, url, method, resource_type, headers, body, body_state, initiator, frame_id, frame_url, is_main_frame, status, mime_type, response_headers, failure, wall_time, step, page, context, sw_response, ended_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
    )?;
    for r in requests {
        ins.execute(params![
            visit_id,
            r.seq,
            r.request_id,
            r.url,
            r.method,
            r.resource_type.as_str(),
            json(&r.headers),
            r.body,
            r.body_state.as_str(),
            r.initiator,
            r.frame_id,
            r.frame_url,
            r.is_main_frame,
            r.status,
            r.mime_type,
            json(&r.response_headers),
            r.failure,
            r.wall_time,
            r.step.as_str(),
            r.page,
            r.context.as_str(),
            r.sw_response,
            r.ended_at,
        ])?;
    }
    Ok(())
}

fn insert_frames(conn: &Connection, visit_id: i64, frames: &[RawFrame]) -> rusqlite::Result<()> {
    let mut ins = conn.prepare_cached("INSERT INTO frames(visit_id, request_seq, seq, direction, wall_time, opcode, size, payload, truncated, event) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")?;
    for f in frames {
        ins.execute(params![
            visit_id,
            f.request_seq,
            f.seq,
            f.direction.as_str(),
            f.wall_time,
            f.opcode,
            f.size as i64,
            f.payload,
            f.truncated,
            f.event,
        ])?;
    }
    Ok(())
}

/// A `requests` row, as selected by [`Requests::load`].
fn request(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRequest> {
    Ok(RawRequest {
        seq: r.get(0)?,
        request_id: r.get(1)?,
        url: r.get(2)?,
        method: r.get(3)?,
        resource_type: ResourceType::parse(&r.get::<_, String>(4)?),
        headers: from_json(r.get(5)?),
        body: r.get(6)?,
        body_state: match r.get::<_, String>(7)?.as_str() {
            "complete" => BodyState::Complete,
            "unavailable" => BodyState::Unavailable,
            _ => BodyState::None,
        },
        initiator: r.get(8)?,
        frame_id: r.get(9)?,
        frame_url: r.get(10)?,
        is_main_frame: r.get(11)?,
        status: r.get(12)?,
        mime_type: r.get(13)?,
        response_headers: from_json(r.get(14)?),
        failure: r.get(15)?,
        wall_time: r.get(16)?,
        step: Step::parse(&r.get::<_, String>(17)?).unwrap_or(Step::Load),
        page: r.get(18)?,
        context: Context::parse(&r.get::<_, String>(19)?),
        sw_response: r.get(20)?,
        ended_at: r.get(21)?,
    })
}

/// A `frames` row, as selected by [`Requests::load`].
fn frame(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawFrame> {
    Ok(RawFrame {
        request_seq: r.get(0)?,
        seq: r.get(1)?,
        direction: Direction::parse(&r.get::<_, String>(2)?).unwrap_or(Direction::Received),
        wall_time: r.get(3)?,
        opcode: r.get(4)?,
        size: r.get::<_, i64>(5)? as u64,
        payload: r.get(6)?,
        truncated: r.get(7)?,
        event: r.get(8)?,
    })
}
