//! The body of a CDP `Network.Request` object, as Chromium inlines it in its events (the
//! page's performance log and a worker's DevTools session alike).

use crate::capture::BodyState;
use base64::Engine;
use serde_json::Value;

/// The bytes of a CDP Request object's body when it carries them all (`postDataEntries`,
/// byte-exact, or `postData`).
pub fn body_bytes(req: &Value) -> Option<Vec<u8>> {
    match body_of(req) {
        (Some(b), BodyState::Complete) => Some(b),
        _ => None,
    }
}

/// A CDP Request object's body and whether it is all there (`postDataEntries`, byte-exact,
/// or `postData`; `Unavailable` when it only says `hasPostData`).
pub fn body_of(req: &Value) -> (Option<Vec<u8>>, BodyState) {
    if let Some(entries) = req.get("postDataEntries").and_then(Value::as_array) {
        let mut bytes = Vec::new();
        let mut complete = !entries.is_empty();
        for e in entries {
            match e
                .get("bytes")
                .and_then(Value::as_str)
                .map(|b| base64::engine::general_purpose::STANDARD.decode(b))
            {
                Some(Ok(b)) => bytes.extend_from_slice(&b),
                _ => complete = false, // a Blob or file part that Chromium did not inline
            }
        }
        if complete {
            return (Some(bytes), BodyState::Complete);
        }
    }
    if let Some(s) = req.get("postData").and_then(Value::as_str) {
        return (Some(s.as_bytes().to_vec()), BodyState::Complete);
    }
    if req.get("hasPostData").and_then(Value::as_bool) == Some(true) {
        return (None, BodyState::Unavailable);
    }
    (None, BodyState::None)
}
