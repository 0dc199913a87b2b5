//! Bodies as the vendors' open-source SDKs send them (each test names its source), read by
//! [`unpack`]; the caps; and what must stay as it is.

use super::*;
use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
use flate2::{Compress, Compression, FlushCompress};
use std::io::Write;
use std::time::{Duration, Instant};

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn zlib(b: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn deflate_raw(b: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn brotli(b: &[u8]) -> Vec<u8> {
    let mut w = ::brotli::CompressorWriter::new(Vec::new(), 4096, 5, 22);
    w.write_all(b).unwrap();
    w.into_inner()
}

fn with_type(content_type: &str) -> Hints<'_> {
    Hints {
        content_type,
        ..Default::default()
    }
}

/// The first value of `key` in any record.
fn value<'u>(u: &'u Unpacked, key: &str) -> Option<&'u str> {
    u.records
        .iter()
        .flatten()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// posthog-js 1.449.2 (PostHog/posthog-js; read in the npm package's `lib/src/request.js`:
/// `encodePostData` for `Compression.GZipJS`, and `addSentAtToCaptureBody`): a capture batch
/// `{api_key, batch, sent_at}` gzipped by fflate's `gzipSync(…, { mtime: 0 })` and posted to
/// `/e/` as `text/plain`, no `Content-Encoding`, no `compression` parameter. These are the
/// bytes fflate 0.8.3 (the version posthog-js ships with) writes for an `$identify` whose
/// `$set` holds the e-mail, run under node.
const POSTHOG_GZIP: [&str; 9] = [
    "1f8b08000000000000039d92dd8e14211085df85cce5d203f47f27468d171add9868568d1ad3a1a15a70a69b5ea06766",
    "9decbb5b6c3651a337bb57c0e17c551455672217dbefe086746431aaff746a407cbeaeaf7e166f14bf9cdab74bfe3e54",
    "1f07f64a97afc7e6e54e3c9fea77507c88e4820c322a43baaf67b2ae566308c6db5c722568ad0ba0f5c8186d875cd252",
    "09dd001f0b590dc8c101e688f68dd5b8b1e30d6a8b770bf8682190ee4c360e177269e7f584779bc1bb63008fd20be3dd",
    "044953abf748f7abdfa36e625c42b7dd06e3960c4e725af6b00d20bd324faf9fecf19c18e342cafba729c98b8c669618",
    "b623f74c5283f200736fc07e3748558cfd168f5647acbcb9d3f67640f208a9b474e80fe08375338a3c2b8a361378a16d",
    "887656b1fffba3aa81335aabb2a4528c056db9662a8766a8a54cd1341cac8287310142cafe2fc4293a186db4003ab242",
    "f1a19539942542d1ed20bdf7e133b09133e67a4475b7774fc58f3d1398a44d4dfc2167c8bc8367f7bdc9949b922fda09",
    "424c3dec8860a2a25c50565d71d6f1b26322e3bcf9426ebf5d90900642a616ffd72618da7e012cba1ddbf3020000",
];

#[test]
fn posthog_gzip_is_read_by_its_bytes() {
    let body = hex::decode(POSTHOG_GZIP.concat()).unwrap();
    let u = unpack(&body, &with_type("text/plain"));
    assert_eq!(u.encoding, "gzip");
    assert!(
        u.text
            .contains(r#""$set":{"email":"jane.roe@example.com"}"#)
    );
    // The batch's own members, then one record per event.
    assert_eq!(u.records.len(), 2, "{:?}", u.records);
    assert!(value(&u, "api_key").is_some_and(|k| k.starts_with("phc_")));
    assert_eq!(value(&u, "event"), Some("$identify"));
    assert_eq!(value(&u, "$set.email"), Some("jane.roe@example.com"));
    assert_eq!(value(&u, "properties.$screen_width"), Some("800"));
    // Cut short (a body the browser gave back only in part): what came through is read.
    let u = unpack(&body[..300], &with_type("text/plain"));
    assert_eq!(u.encoding, "gzip(incomplete)");
    assert!(u.text.starts_with(r#"{"api_key":"phc_"#) && u.text.len() > 200);
}

/// Older posthog-js (PostHog/posthog-js 1.x, `src/compression.js`, `compressData` for `lz64`):
/// `{ data: LZString.compressToBase64(json), compression: 'lz64' }` posted form-encoded. The
/// lz-string text is lz-string 1.5.0's `compressToBase64` of the event batch, run under node.
const POSTHOG_LZ64_FORM: &str = "data=NobwRApgbhB2AuYBcYAkAHAhgc2gSwgHcwAaMdAJwHt0IL4CBnZcVK5lAGT1gFcAPUmgBG1QozrIwAYQAW1ALYQhqAMa8KFOPAD6GgDZTZ8eOkZIA9BcayaAOgj9MC9PogWVtxohQ37j51dlMlRGVS04HVkIPGxjZAA2AAYkkLCI2B1CPAATeFlkAA4UkP08YSlCCArS8p0YCkY8KlgpAEY7AGYkuyShHLxvHlVdXPaAdgAzTtUAJkwAThyAVggAFmE2gFokzATVBYhZ4XGczsm1wq221U7hBMxZiC3JzBSk66mZ%2BaXlyfG5kJ4FQANZwKToWSqHQAdX4hSOAE0AI7jAAqAC81gBpVRtTgKBYAOXQnQASowEgA1YRJAASKwAUpNCgBxEGzACCCnGAEV1gBVRBpCA%2BcAQBSYPCGFAAK0wsAgdmoEAAAgEXG47KoqAowABffVkBhKbyBKSzJKzWY7TrXNZopILJCzBJIZadOzLQoLABaBoAukA&compression=lz64";

#[test]
fn posthog_lz64_form_is_read_where_the_request_says_so() {
    let form = "application/x-www-form-urlencoded";
    let u = unpack(POSTHOG_LZ64_FORM.as_bytes(), &with_type(form));
    assert_eq!(u.encoding, "form+lz-string");
    assert_eq!(value(&u, "compression"), Some("lz64"));
    assert_eq!(value(&u, "event"), Some("$pageview"));
    assert_eq!(
        value(&u, "properties.$set.email"),
        Some("jane.roe@example.com")
    );
    assert!(u.text.contains("jane.roe@example.com"));
    // The same data field with the evidence in the query instead.
    let data = POSTHOG_LZ64_FORM.split('&').next().unwrap();
    let hints = Hints {
        content_type: form,
        query: "compression=lz64&ip=1&_=1647249990000&ver=1.30.0",
        ..Default::default()
    };
    let u = unpack(data.as_bytes(), &hints);
    assert_eq!(u.encoding, "form+lz-string");
    assert_eq!(value(&u, "properties.$screen_height"), Some("600"));
}

/// @amplitude/analytics-browser 2.48.1 (amplitude/Amplitude-TypeScript; read in the npm
/// packages): the destination plugin (@amplitude/analytics-core 2.61.0,
/// `lib/esm/plugins/destination.js`) posts
/// `{api_key, events, options, client_upload_time, request_metadata}`; the browser's fetch
/// transport (`lib/esm/transports/fetch.js`, with `transports/gzip.js` of analytics-core)
/// gzips a body of 2 KiB or more through `CompressionStream('gzip')` and says
/// `Content-Encoding: gzip`.
#[test]
fn amplitude_gzip_is_read_by_its_header() {
    let events: Vec<serde_json::Value> = (0..6)
        .map(|i| {
            serde_json::json!({
                "device_id": "5f3c2a9d-1e4b-4c6a-9e2b-7d3f481c3b6a",
                "session_id": 1765016102118u64,
                "time": 1765016102118u64 + i,
                "platform": "Web",
                "os_name": "Chrome",
                "os_version": "143.0.0.0",
                "device_model": "Linux",
                "language": "en-US",
                "ip": "$remote",
                "insert_id": format!("7a1e0c52-9d3f-4b8e-a6c1-2f5d8e9b0c{i:02}"),
                "event_type": if i == 0 { "[Amplitude] Page Viewed" } else { "[Amplitude] Element Changed" },
                "event_properties": {
                    "[Amplitude] Page URL": "https://shop.example/contact",
                    "[Amplitude] Page Title": "Contact us",
                    "[Amplitude] Element Value": "jane.roe@example.com",
                },
                "event_id": i,
                "library": "amplitude-ts/2.31.0",
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/143.0.0.0 Safari/537.36",
            })
        })
        .collect();
    let payload = serde_json::json!({
        "api_key": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "events": events,
        "options": {},
        "client_upload_time": "2026-12-06T10:15:02.120Z",
        "request_metadata": {"sdk": {"metrics": {"histogram": {}}}},
    })
    .to_string();
    assert!(payload.len() >= 2048, "Amplitude gzips from 2 KiB on");
    let body = gzip(payload.as_bytes());
    let hints = Hints {
        content_type: "application/json",
        content_encoding: "gzip",
        ..Default::default()
    };
    let u = unpack(&body, &hints);
    assert_eq!(u.encoding, "gzip");
    assert_eq!(u.text, payload);
    assert_eq!(u.records.len(), 7, "the request's members, then six events");
    assert_eq!(value(&u, "event_type"), Some("[Amplitude] Page Viewed"));
    assert_eq!(
        value(&u, "event_properties.[Amplitude] Element Value"),
        Some("jane.roe@example.com")
    );
}

/// clarity-js 0.8.70 (microsoft/clarity; the npm package's `src/data/upload.ts` and
/// `compress.ts`): `{"e":<envelope>,"a":[…]}` gzipped through `CompressionStream` and sent
/// by XHR with `Accept: application/x-clarity-gzip` and no `Content-Type`; the envelope's
/// tokens in the order of `src/data/envelope.ts` (version, sequence, start, duration,
/// project, user, session, page, upload, end, platform, URL).
#[test]
fn clarity_upload_gzip_is_read_by_its_bytes() {
    let payload = r#"{"e":["0.8.70",1,0,1027,"k3j9x2q4l7","1n8j7r9ab2","1qk2l4mzx9",1,0,0,0,"https://shop.example/contact"],"a":[[1027,4,"https://shop.example/contact","Contact us",0],[512,27,"input#email","jane.roe@example.com"]]}"#;
    let body = gzip(payload.as_bytes());
    let u = unpack(&body, &Hints::default());
    assert_eq!(u.encoding, "gzip");
    assert_eq!(u.text, payload);
    assert_eq!(value(&u, "e.5"), Some("1n8j7r9ab2"), "the user ID");
    assert_eq!(value(&u, "a.1.3"), Some("jane.roe@example.com"));
}

/// zlib as @datadog/browser-rum 7.16.2's deflate worker writes it (DataDog/browser-sdk; the
/// worker's code is inlined in the npm package's `bundle/datadog-rum.js`): pako's `Deflate`,
/// each write pushed with `Z_SYNC_FLUSH`, and a trailer of an empty final block (`03 00`) and
/// the Adler-32 of all the writes, which `src/domain/deflate/deflateEncoder.ts` appends to
/// the flushed chunks.
fn datadog_deflate(writes: &[&str]) -> Vec<u8> {
    let mut c = Compress::new(Compression::default(), true);
    let mut out = Vec::new();
    let mut all = Vec::new();
    for w in writes {
        out.reserve(w.len() + 1024);
        c.compress_vec(w.as_bytes(), &mut out, FlushCompress::Sync)
            .unwrap();
        all.extend_from_slice(w.as_bytes());
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &all {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&[3, 0]);
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// @datadog/browser-rum 7.16.2 (DataDog/browser-sdk; the npm package's sources): a session
/// replay segment (`src/domain/segmentCollection/segment.ts`: `{"records":[` then each
/// record, then `],` and the metadata) deflated by the worker, posted as multipart form data
/// (`buildReplayPayload.ts`: a `segment` part, `application/octet-stream`, named
/// `<session>-<start>`, and an `event` part of JSON metadata), as Chromium captures a
/// `FormData` body.
#[test]
fn datadog_replay_segment_in_multipart_is_inflated() {
    let meta = r#"{"start":1765016101000,"end":1765016102118,"creation_reason":"init","records_count":2,"has_full_snapshot":false,"index_in_view":0,"source":"browser","application":{"id":"4c1e2f3a-5b6c-4d7e-8f90-a1b2c3d4e5f6"},"session":{"id":"9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"},"view":{"id":"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}}"#;
    let writes = [
        r#"{"records":[{"type":4,"data":{"href":"https://shop.example/contact","width":800,"height":600},"timestamp":1765016101000}"#,
        r#",{"type":3,"data":{"source":5,"text":"Jane Roe","isChecked":false,"id":42},"timestamp":1765016102118}"#,
        &format!("],{}\n", &meta[1..]),
    ];
    let segment = datadog_deflate(&writes);
    let boundary = "----WebKitFormBoundaryQ1dXyT2nd3Ky7nqV";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"segment\"; filename=\"9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a-1765016101000\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(&segment);
    body.extend_from_slice(format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"event\"; filename=\"blob\"\r\nContent-Type: application/json\r\n\r\n{meta}\r\n--{boundary}--\r\n").as_bytes());
    let ctype = format!("multipart/form-data; boundary={boundary}");
    let u = unpack(&body, &with_type(&ctype));
    assert_eq!(u.encoding, "multipart+deflate");
    let decoded = writes.concat();
    assert_eq!(value(&u, "segment"), Some(decoded.as_str()));
    assert_eq!(value(&u, "event"), Some(meta));
    assert_eq!(value(&u, "records.1.data.text"), Some("Jane Roe"));
    assert!(u.text.contains("\"text\":\"Jane Roe\"") && u.text.contains(meta));
    // The text is the body with the segment's bytes replaced by what they held.
    assert!(u.text.starts_with(&format!("--{boundary}\r\n")));
    assert!(
        !u.text.contains('\u{fffd}'),
        "no garbage of the compressed bytes"
    );
}

/// Datadog RUM's batches (DataDog/browser-sdk; @datadog/browser-core 7.16.2's
/// `src/transport/batch.ts`): events serialised one per line; with `compressIntakeRequests`
/// the same text through the deflate worker and `dd-evp-encoding=deflate` in the query
/// (@datadog/js-core's `src/transport/endpointBuilder.ts`).
#[test]
fn datadog_rum_batches_are_one_record_per_line() {
    let lines = [
        r#"{"_dd":{"format_version":2},"application":{"id":"4c1e2f3a"},"date":1765016101000,"service":"shop","session":{"id":"9e8d7c6b","type":"user"},"view":{"id":"1a2b3c4d","url":"https://shop.example/contact","referrer":""},"type":"view"}"#,
        r#"{"_dd":{"format_version":2},"application":{"id":"4c1e2f3a"},"date":1765016102118,"session":{"id":"9e8d7c6b","type":"user"},"view":{"id":"1a2b3c4d","url":"https://shop.example/contact"},"action":{"type":"click","target":{"name":"Send"}},"type":"action"}"#,
    ];
    let text = lines.join("\n");
    let plain = unpack(text.as_bytes(), &with_type("text/plain;charset=UTF-8"));
    assert_eq!(plain.encoding, "ndjson");
    assert!(matches!(plain.text, Cow::Borrowed(_)));
    assert_eq!(plain.records.len(), 2);
    assert_eq!(
        plain.records[1][0],
        ("_dd.format_version".into(), "2".into())
    );
    assert_eq!(value(&plain, "action.target.name"), Some("Send"));
    let packed = datadog_deflate(&[lines[0], "\n", lines[1]]);
    let u = unpack(&packed, &with_type("text/plain;charset=UTF-8"));
    assert_eq!(u.encoding, "deflate+ndjson");
    assert_eq!(u.text, text);
    assert_eq!(u.records, plain.records);
}

/// @sentry/browser 11.17.0 (getsentry/sentry-javascript): an error event as an envelope
/// (@sentry/core 11.17.0, `build/esm/utils/envelope.js`, `serializeEnvelope`: the header as
/// JSON, then per item `\n`, its header as JSON, `\n` and its payload).
#[test]
fn a_sentry_event_envelope_is_one_record_per_item() {
    let body = [
        r#"{"event_id":"9f1c2b3a4d5e4f60a1b2c3d4e5f60718","sent_at":"2026-12-06T10:15:02.120Z","sdk":{"name":"sentry.javascript.browser","version":"11.17.0"}}"#,
        r#"{"type":"event"}"#,
        r#"{"exception":{"values":[{"type":"TypeError","value":"x is undefined"}]},"level":"error","event_id":"9f1c2b3a4d5e4f60a1b2c3d4e5f60718","platform":"javascript","request":{"url":"https://shop.example/search?q=lamp","headers":{"User-Agent":"Mozilla/5.0"}},"user":{"email":"jane.roe@example.com"}}"#,
    ]
    .join("\n");
    let u = unpack(body.as_bytes(), &with_type("text/plain;charset=UTF-8"));
    assert_eq!(u.encoding, "sentry-envelope");
    assert!(matches!(u.text, Cow::Borrowed(_)));
    assert_eq!(u.records.len(), 2, "the envelope's header, then the event");
    assert_eq!(value(&u, "sdk.name"), Some("sentry.javascript.browser"));
    assert_eq!(value(&u, "user.email"), Some("jane.roe@example.com"));
}

/// @sentry/browser 11.17.0's session replay (getsentry/sentry-javascript; @sentry/replay
/// 11.17.0, `build/npm/esm/index.js`: `createReplayEnvelope` and `prepareRecordingData`): a
/// `replay_event` item, then a `replay_recording` item with its `length`, whose payload is
/// `{"segment_id":0}`, a newline and the recording compressed by the replay worker (inlined
/// there too: its `Compressor` feeds fflate's streaming `Zlib`).
#[test]
fn a_sentry_replay_recording_is_inflated_inside_its_envelope() {
    let recording = r#"[{"type":4,"data":{"href":"https://shop.example/contact","width":800,"height":600},"timestamp":1765016101000},{"type":3,"data":{"source":5,"text":"Jane Roe","isChecked":false,"id":42},"timestamp":1765016102118}]"#;
    let mut payload = b"{\"segment_id\":0}\n".to_vec();
    payload.extend_from_slice(&zlib(recording.as_bytes()));
    let mut body = Vec::new();
    for line in [
        r#"{"event_id":"0a1b2c3d4e5f40718293a4b5c6d7e8f9","sent_at":"2026-12-06T10:15:07.000Z","sdk":{"name":"sentry.javascript.browser","version":"11.17.0"}}"#,
        r#"{"type":"replay_event"}"#,
        r#"{"type":"replay_event","replay_start_timestamp":1765016101.0,"timestamp":1765016107.0,"error_ids":[],"trace_ids":[],"urls":["https://shop.example/contact"],"replay_id":"0a1b2c3d4e5f40718293a4b5c6d7e8f9","segment_id":0,"replay_type":"session","platform":"javascript"}"#,
        &format!(
            r#"{{"type":"replay_recording","length":{}}}"#,
            payload.len()
        ),
    ] {
        body.extend_from_slice(line.as_bytes());
        body.push(b'\n');
    }
    body.extend_from_slice(&payload);
    let u = unpack(&body, &Hints::default());
    assert_eq!(u.encoding, "sentry-envelope+deflate");
    assert_eq!(value(&u, "urls.0"), Some("https://shop.example/contact"));
    assert_eq!(value(&u, "segment_id"), Some("0"));
    assert_eq!(value(&u, "data.text"), Some("Jane Roe"), "{:?}", u.records);
    assert!(u.text.contains(recording));
    assert!(!u.text.contains('\u{fffd}'));
}

/// Compressed data inside base64 (either alphabet) as a whole body and as a JSON string,
/// and as a "binary string" (code points below 256) inside JSON.
#[test]
fn compressed_inside_base64_and_inside_json_strings() {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let inner = r#"{"event":"identify","email":"jane.roe@example.com","n":1}"#;
    let z = gzip(inner.as_bytes());
    for b64 in [STANDARD.encode(&z), URL_SAFE_NO_PAD.encode(&z)] {
        let u = unpack(b64.as_bytes(), &Hints::default());
        assert_eq!(u.encoding, "base64+gzip");
        assert_eq!(u.text, inner);
        assert_eq!(value(&u, "email"), Some("jane.roe@example.com"));
    }
    let wrapped = format!(
        r#"{{"v":2,"d":"{}","t":"x"}}"#,
        STANDARD.encode(zlib(inner.as_bytes()))
    );
    let u = unpack(wrapped.as_bytes(), &with_type("application/json"));
    assert_eq!(u.encoding, "json+base64+deflate");
    assert_eq!(value(&u, "d"), Some(inner));
    assert_eq!(value(&u, "email"), Some("jane.roe@example.com"));
    assert_eq!(u.text, format!(r#"{{"v":2,"d":"{inner}","t":"x"}}"#));
    let binary: String = z.iter().map(|&b| b as char).collect();
    let json = serde_json::json!({ "payload": binary }).to_string();
    let u = unpack(json.as_bytes(), &Hints::default());
    assert_eq!(u.encoding, "json+gzip");
    assert_eq!(value(&u, "event"), Some("identify"));
}

/// Brotli only where `Content-Encoding: br` says so (it has no magic bytes); raw deflate
/// (`CompressionStream('deflate-raw')`) by trial, zlib (`'deflate'`) by its header bytes.
#[test]
fn brotli_by_header_deflate_by_header_or_bytes() {
    let inner = r#"{"event":"page","url":"https://shop.example/"}"#;
    let br = brotli(inner.as_bytes());
    let hints = Hints {
        content_encoding: "br",
        ..Default::default()
    };
    let u = unpack(&br, &hints);
    assert_eq!((u.encoding.as_str(), u.text.as_ref()), ("brotli", inner));
    assert_eq!(unpack(&br, &Hints::default()).encoding, "");
    let raw = deflate_raw(inner.as_bytes());
    let u = unpack(&raw, &Hints::default());
    assert_eq!(
        (u.encoding.as_str(), u.text.as_ref()),
        ("deflate-raw", inner)
    );
    let z = zlib(inner.as_bytes());
    let u = unpack(&z, &Hints::default());
    assert_eq!((u.encoding.as_str(), u.text.as_ref()), ("deflate", inner));
    // HTTP's `deflate` meant as raw deflate.
    let hints = Hints {
        content_encoding: "deflate",
        ..Default::default()
    };
    let u = unpack(&raw, &hints);
    assert_eq!(u.encoding, "deflate-raw");
}

/// lz-string in each of its forms inside values, found because each decodes to JSON
/// (lz-string 1.5.0's output for `{"uid":…,"page":…}`, run under node); values that are not
/// lz-string stay as they are.
#[test]
fn lz_string_values_that_decode_to_json() {
    let inner = r#"{"uid":"8a1b2c3d-4e5f-4a6b","page":"https://shop.example/p/lamp"}"#;
    let b64 = "N4IgrglgJiBcIA4CGBGARgJgMYGYoFoAWAUwFYAzIpANjRABoQAHJAc2LhAAsAXHpgM6wA9MIFcA9kwB0xAB5IAtkwA2xYU2EqlTEAF8gA==";
    let uri = "N4IgrglgJiBcIA4CGBGARgJgMYGYoFoAWAUwFYAzIpANjRABoQAHJAc2LhAAsAXHpgM6wA9MIFcA9kwB0xAB5IAtkwA2xYU2EqlTEAF8gA";
    let utf16 = "\u{1be1}\u{84b}\u{414c}\u{282}\u{301}X\u{450}\u{11a0}\u{2321}\u{182c}\u{3053}\u{a25}\u{5022}\u{6034}\u{604b}S\u{1168}\u{383}\u{2220}\u{1a30}Y\u{103c}\u{6c7c}\u{1020}\u{5822}\u{7209}\u{4087}\u{2c20}\u{7a81}\u{17c}\u{20c}\u{4c21}\u{69a8}\u{99}\u{1025}\u{5950}\u{1d6}\u{1634}\u{6c45}\u{2973}\u{820}\u{5f40}  ";
    let json = serde_json::json!({ "a": b64, "c": utf16 }).to_string();
    let u = unpack(json.as_bytes(), &with_type("application/json"));
    assert_eq!(u.encoding, "json+lz-string");
    assert_eq!(value(&u, "a"), Some(inner));
    assert_eq!(value(&u, "c"), Some(inner));
    assert_eq!(
        u.records
            .iter()
            .flatten()
            .filter(|(k, _)| k == "uid")
            .count(),
        2
    );
    let form = format!("v=1&p={uri}");
    let u = unpack(form.as_bytes(), &Hints::default());
    assert_eq!(u.encoding, "form+lz-string");
    assert_eq!(value(&u, "page"), Some("https://shop.example/p/lamp"));
    // IDs, base64 of JSON, words: not lz-string, nothing decoded, nothing copied.
    let plain =
        r#"{"id":"N4Ig-not-lz-string-at-all","b":"eyJ1aWQiOiIxMjMifQ==","w":"Hello there, world"}"#;
    let u = unpack(plain.as_bytes(), &with_type("application/json"));
    assert_eq!(u.encoding, "");
    assert!(matches!(u.text, Cow::Borrowed(_)));
}

/// A gzip bomb: 1 GiB of zeros in 1 MiB of gzip members. Reading stops at the body's
/// budget, quickly, and says so; what came before the cap is read. A smaller bomb over the
/// ratio stops at 1:200 of its size.
#[test]
fn a_decompression_bomb_is_capped_while_it_streams() {
    let member = gzip(&vec![0u8; 1 << 20]);
    let bomb: Vec<u8> = member
        .iter()
        .copied()
        .cycle()
        .take(member.len() * 1024)
        .collect();
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    let started = Instant::now();
    let u = unpack(&bomb, &Hints::default());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(u.encoding, "gzip(capped: 8 MiB)");
    assert_eq!(u.text.len(), MAX_DECODED);
    // Over the ratio: 20 members of 1 MiB each, each about 1 KiB.
    let small: Vec<u8> = member
        .iter()
        .copied()
        .cycle()
        .take(member.len() * 20)
        .collect();
    assert!(small.len() >= RATIO_FROM && small.len() * MAX_RATIO < MAX_DECODED);
    let u = unpack(&small, &Hints::default());
    assert_eq!(u.encoding, "gzip(capped: 1:200)");
    assert_eq!(u.text.len(), small.len() * MAX_RATIO);
    // Two bombs in one body share its budget: the second gets nothing.
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bomb[..member.len() * 50]);
    let json = format!(r#"{{"a":"{b64}","b":"{b64}"}}"#);
    let u = unpack(json.as_bytes(), &Hints::default());
    assert_eq!(u.encoding, "json+base64+gzip(capped: 8 MiB)");
    assert_eq!(value(&u, "a").map(str::len), Some(MAX_DECODED));
    assert_eq!(value(&u, "b"), Some(""));
}

/// A plain body costs what it did: its text is the capture itself (borrowed, not copied),
/// no label is allocated, and its records are [`records::parse_body`]'s.
#[test]
fn a_plain_body_is_borrowed_and_unlabelled() {
    let bodies = [
        (
            r#"{"event":"Pageview","context":{"page":{"url":"https://shop.example/"}}}"#,
            "application/json",
        ),
        (
            "en=page_view&dl=https%3A%2F%2Fshop.example%2F\r\nen=scroll",
            "",
        ),
        (
            "--b\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n123\r\n--b--\r\n",
            "",
        ),
        ("just some text", "text/plain"),
        (
            "x^2 is a square, said the text in every detail",
            "text/plain",
        ),
        ("", ""),
    ];
    for (body, ctype) in bodies {
        let u = unpack(body.as_bytes(), &with_type(ctype));
        assert!(matches!(u.text, Cow::Borrowed(t) if t == body), "{body}");
        assert_eq!(u.encoding.capacity(), 0, "{body}");
        assert_eq!(u.records, records::parse_body(body, ctype), "{body}");
    }
    // A header that says gzip over a body that is not: the body as it is.
    let json = r#"{"event":"Pageview"}"#;
    let hints = Hints {
        content_type: "application/json",
        content_encoding: "gzip",
        ..Default::default()
    };
    let u = unpack(json.as_bytes(), &hints);
    assert!(matches!(u.text, Cow::Borrowed(t) if t == json) && u.encoding.is_empty());
    // Binary that is nothing compressed is read as before: its text with invalid UTF-8
    // replaced, no label.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00";
    let u = unpack(png, &Hints::default());
    assert_eq!(u.encoding, "");
    assert_eq!(u.text, String::from_utf8_lossy(png));
}
