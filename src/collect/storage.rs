//! First-party Web Storage: the top document's `localStorage` and `sessionStorage`, read
//! through DevTools (no page script runs, so a page cannot see or fake the read) as each page
//! is left — before the visitor follows a link, and before the visit's last page is left.
//! SDKs keep their visitor IDs there as often as in cookies (PostHog, Amplitude, Segment);
//! analysis matches the identifier-shaped values like cookie IDs.
//!
//! Bounded: [`STORAGE_ITEMS_CAP`] items per area and page, values cut at
//! [`STORAGE_VALUE_CAP`] bytes. An item is recorded once per value, on the first page after
//! which it had it.

use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use crate::capture::{RawStorage, RawVisit, STORAGE_ITEMS_CAP, STORAGE_VALUE_CAP, StorageArea};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The visit's storage items so far.
#[derive(Default)]
pub(super) struct Storage {
    /// Each item as first seen with its value (the visit's `storage`).
    items: Vec<RawStorage>,
    /// The value each item (origin, area, key) last had: its index in `items`.
    seen: HashMap<(String, StorageArea, String), usize>,
}

impl Storage {
    /// Records an item unless it was already seen with this value.
    fn keep(&mut self, it: RawStorage) {
        let k = (it.origin.clone(), it.area, it.key.clone());
        if let Some(&i) = self.seen.get(&k)
            && self.items[i].value == it.value
        {
            return;
        }
        self.seen.insert(k, self.items.len());
        self.items.push(it);
    }

    /// Reads both areas of the page now shown and records what is new.
    async fn read(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let Some(frame) = ev.main_frame.clone() else {
            return Ok(()); // no document was ever shown
        };
        let key = match cx
            .session
            .cdp("Storage.getStorageKeyForFrame", json!({ "frameId": frame }))
            .await
        {
            Ok(v) => v
                .get("storageKey")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            Err(e) if e.is_lost() => return Err(e),
            // An error page or about:blank has no storage to read.
            Err(_) => return Ok(()),
        };
        if !key.starts_with("http") {
            return Ok(());
        }
        let origin = key.trim_end_matches('/').to_string();
        for area in [StorageArea::Local, StorageArea::Session] {
            let asked = json!({ "storageId": { "storageKey": key, "isLocalStorage": area == StorageArea::Local } });
            let v = cx
                .session
                .cdp("DOMStorage.getDOMStorageItems", asked)
                .await?;
            let entries = v.get("entries").and_then(Value::as_array);
            for e in entries.into_iter().flatten().take(STORAGE_ITEMS_CAP) {
                let (Some(k), Some(val)) = (
                    e.get(0).and_then(Value::as_str),
                    e.get(1).and_then(Value::as_str),
                ) else {
                    continue;
                };
                self.keep(item(ev.page, &origin, area, k, val));
            }
        }
        Ok(())
    }
}

/// One item, its key and value cut at the cap (on a character boundary).
fn item(page: u32, origin: &str, area: StorageArea, key: &str, value: &str) -> RawStorage {
    let cut = |s: &str| {
        let mut end = s.len().min(STORAGE_VALUE_CAP);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_string()
    };
    RawStorage {
        page,
        origin: origin.to_string(),
        area,
        key: cut(key),
        value: cut(value),
        truncated: value.len() > STORAGE_VALUE_CAP || key.len() > STORAGE_VALUE_CAP,
    }
}

#[async_trait::async_trait]
impl Collector for Storage {
    fn name(&self) -> &'static str {
        "storage"
    }

    fn hand_back(self: Box<Self>, v: &mut RawVisit) {
        v.storage = self.items;
    }

    async fn next_page(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        self.read(cx, ev).await
    }

    async fn leaving(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        self.read(cx, ev).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let v = "é".repeat(STORAGE_VALUE_CAP); // two bytes each
        let it = item(1, "https://a.example", StorageArea::Local, "k", &v);
        assert!(it.truncated);
        assert!(it.value.len() <= STORAGE_VALUE_CAP && it.value.len() >= STORAGE_VALUE_CAP - 1);
        let it = item(0, "https://a.example", StorageArea::Session, "k", "short");
        assert!(!it.truncated);
        assert_eq!(it.value, "short");
    }
}
