-- pixelcensus store, schema version 6. One file per crawl: <out>/crawl.sqlite.
-- Analysts may query it directly; docs/schema.md describes every table.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The frontier: every listed site once per consent mode (--consent all: three rows).
CREATE TABLE IF NOT EXISTS targets (
    id             INTEGER PRIMARY KEY,
    domain         TEXT NOT NULL,
    rank           INTEGER NOT NULL,
    rank_is_bucket INTEGER NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending',   -- pending | in_progress | done
    attempts       INTEGER NOT NULL DEFAULT 0,         -- visits started (crash retries count)
    consent_mode   TEXT NOT NULL DEFAULT 'none',       -- none | accept | reject
    UNIQUE (domain, consent_mode)
);
CREATE INDEX IF NOT EXISTS targets_state ON targets(state, rank, id);

-- One row per visited site and consent mode (a --retry-failed revisit replaces it).
CREATE TABLE IF NOT EXISTS visits (
    id             INTEGER PRIMARY KEY,
    target_id      INTEGER NOT NULL UNIQUE REFERENCES targets(id),
    status         TEXT NOT NULL,
    http_status    INTEGER,
    start_url      TEXT NOT NULL,
    final_url      TEXT,
    redirect_chain TEXT NOT NULL,     -- JSON array of URLs
    error          TEXT,
    started_at     TEXT NOT NULL,
    duration_ms    INTEGER NOT NULL,
    canaries       TEXT NOT NULL,     -- JSON object: email, phone, name, text, search
    actions        TEXT NOT NULL,     -- JSON array of what the visitor did
    consent_mode   TEXT NOT NULL DEFAULT 'none',  -- none | accept | reject
    gpc            INTEGER NOT NULL DEFAULT 0,    -- Global Privacy Control sent
    cmp            TEXT,              -- consent platform (autoconsent rule name | heuristic)
    banner_found   INTEGER NOT NULL DEFAULT 0,
    consent_action TEXT,              -- accept | reject, NULL when none was attempted
    action_ok      INTEGER,           -- NULL when no action was attempted
    choice_at      REAL,              -- Unix seconds of the click (clock of requests.wall_time)
    consent_log    TEXT NOT NULL DEFAULT '[]', -- JSON array: what the banner handling reported
    wall           TEXT,              -- bot wall kind (outcome bot_wall), schema 3
    walled_at_first TEXT,             -- a wall that cleared by itself, schema 3
    link_candidates INTEGER           -- internal links of the front page that could be followed (NULL: not looked for), schema 4
);

-- The pages of a visit (schema 4): the front page (page 0), then each internal page followed.
CREATE TABLE IF NOT EXISTS pages (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER NOT NULL REFERENCES visits(id),
    page        INTEGER NOT NULL,   -- 0 the front page, 1.. internal pages in visit order
    url         TEXT NOT NULL,      -- the URL navigated to
    final_url   TEXT,               -- the URL the tab showed after the page's dwell
    reached     TEXT NOT NULL,      -- start | link
    link_text   TEXT,               -- the text of the link followed
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    status      TEXT NOT NULL,      -- the page's outcome (ok, http_error, timeout, …)
    http_status INTEGER,
    error       TEXT,
    env         TEXT,               -- JSON: what the page's scripts could read (title, referrer, user_agent, languages, screen, viewport), schema 7
    UNIQUE (visit_id, page)
);

-- Every request of every frame, as the browser sent it.
CREATE TABLE IF NOT EXISTS requests (
    id               INTEGER PRIMARY KEY,
    visit_id         INTEGER NOT NULL REFERENCES visits(id),
    seq              INTEGER NOT NULL,
    request_id       TEXT NOT NULL,
    url              TEXT NOT NULL,
    method           TEXT NOT NULL,
    resource_type    TEXT NOT NULL,
    headers          TEXT NOT NULL,   -- JSON array of [name, value]
    body             BLOB,
    body_state       TEXT NOT NULL,   -- none | complete | unavailable
    initiator        TEXT NOT NULL,   -- JSON (Chromium's initiator)
    frame_id         TEXT NOT NULL,
    frame_url        TEXT NOT NULL,
    is_main_frame    INTEGER NOT NULL,
    status           INTEGER,
    mime_type        TEXT,
    response_headers TEXT NOT NULL,   -- JSON array of [name, value]
    failure          TEXT,
    wall_time        REAL NOT NULL,
    step             TEXT NOT NULL,
    page             INTEGER NOT NULL DEFAULT 0,  -- pages.page of the document that sent it, schema 4
    context          TEXT NOT NULL DEFAULT 'page', -- page | service_worker | shared_worker | worker, schema 6
    sw_response      TEXT,            -- a service worker answered it: cache-storage | fallback-code | network | http-cache, schema 6
    ended_at         REAL             -- loaded, failed or (WebSocket) closed, Unix seconds, schema 6
);
CREATE INDEX IF NOT EXISTS requests_visit ON requests(visit_id, seq);

-- The messages of WebSockets (both ways) and EventSource streams (received), schema 6. A
-- connection is the request that opened it (resource_type WebSocket or EventSource).
CREATE TABLE IF NOT EXISTS frames (
    id          INTEGER PRIMARY KEY,
    visit_id    INTEGER NOT NULL REFERENCES visits(id),
    request_seq INTEGER NOT NULL,   -- requests.seq of the connection
    seq         INTEGER NOT NULL,   -- order within the visit
    direction   TEXT NOT NULL,      -- sent | received
    wall_time   REAL NOT NULL,
    opcode      INTEGER NOT NULL,   -- 1 text, 2 binary, 0 an EventSource message
    size        INTEGER NOT NULL,   -- payload bytes
    payload     BLOB NOT NULL,      -- empty once the connection's 256 KiB were kept
    truncated   INTEGER NOT NULL,
    event       TEXT                -- an EventSource message's event name
);
CREATE INDEX IF NOT EXISTS frames_visit ON frames(visit_id, seq);

-- Every cookie in the browser at the end of a visit.
CREATE TABLE IF NOT EXISTS cookies (
    id        INTEGER PRIMARY KEY,
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    domain    TEXT NOT NULL,
    path      TEXT NOT NULL,
    expires   REAL NOT NULL,
    http_only INTEGER NOT NULL,
    secure    INTEGER NOT NULL,
    same_site TEXT,
    page      INTEGER NOT NULL DEFAULT 0   -- the first page after which it was there, schema 4
);
CREATE INDEX IF NOT EXISTS cookies_visit ON cookies(visit_id);

-- The first-party Web Storage items of each page of a visit (schema 8), read as the page was
-- left: each item once per value, on the first page after which it had it.
CREATE TABLE IF NOT EXISTS storage (
    id        INTEGER PRIMARY KEY,
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    page      INTEGER NOT NULL,
    origin    TEXT NOT NULL,      -- https://shop.example
    area      TEXT NOT NULL,      -- local | session
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,      -- cut at 16 KiB (truncated = 1)
    truncated INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS storage_visit ON storage(visit_id);

-- What the page's scripts did (schema 9), as the script-behaviour hooks reported it at each
-- decision point: the raw counts analysis decides fingerprinting techniques, listeners and
-- session recorders from (docs/schema.md, "The store").
CREATE TABLE IF NOT EXISTS script_events (
    id        INTEGER PRIMARY KEY,
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    page      INTEGER NOT NULL,
    context   TEXT NOT NULL,      -- page | worker | shared_worker | service_worker
    document  TEXT NOT NULL,      -- the document's or worker's URL
    kind      TEXT NOT NULL,      -- canvas | webgl | webrtc | audio | listen | observe
    script    TEXT NOT NULL,      -- the calling script's URL ('' when no frame had one)
    detail    TEXT NOT NULL       -- the report's counts, JSON
);
CREATE INDEX IF NOT EXISTS script_events_visit ON script_events(visit_id);

-- Collectors that failed on a visit (schema 3): that collector's evidence of the visit is
-- missing or partial; the rest of the visit is whole.
CREATE TABLE IF NOT EXISTS collector_failures (
    id        INTEGER PRIMARY KEY,
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    collector TEXT NOT NULL,   -- network | workers | consent | page | links | cookies | performance_log
    hook      TEXT NOT NULL,   -- before_navigation | event | drained | after_navigation | after_load | after_dwell | next_page | finish | salvage
    error     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS collector_failures_visit ON collector_failures(visit_id);

-- The static pre-scan (`pixelcensus prescan`, schema 5): its own frontier, one fetched front
-- page per site, the page's scripts, images, frames and vendor snippets, and the Tag Manager
-- containers fetched in the run. A prescan and a browser crawl can share a folder.
CREATE TABLE IF NOT EXISTS prescan_targets (
    id             INTEGER PRIMARY KEY,
    domain         TEXT NOT NULL UNIQUE,
    rank           INTEGER NOT NULL,
    rank_is_bucket INTEGER NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending',   -- pending | in_progress | done
    attempts       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS prescan_targets_state ON prescan_targets(state, rank, id);

CREATE TABLE IF NOT EXISTS prescan_pages (
    id             INTEGER PRIMARY KEY,
    target_id      INTEGER NOT NULL UNIQUE REFERENCES prescan_targets(id),
    status         TEXT NOT NULL,     -- the crawl's outcomes (ok, dns_error, …, bot_wall)
    http_status    INTEGER,
    start_url      TEXT NOT NULL,
    final_url      TEXT,
    redirect_chain TEXT NOT NULL,     -- JSON array of URLs
    error          TEXT,
    fetched_at     TEXT NOT NULL,
    duration_ms    INTEGER NOT NULL,
    bytes          INTEGER NOT NULL,
    wall           TEXT
);

CREATE TABLE IF NOT EXISTS prescan_resources (
    id       INTEGER PRIMARY KEY,
    page_id  INTEGER NOT NULL REFERENCES prescan_pages(id),
    seq      INTEGER NOT NULL,
    kind     TEXT NOT NULL,   -- script_src | inline_script | img | noscript_img | iframe
    url      TEXT,
    text     TEXT
);
CREATE INDEX IF NOT EXISTS prescan_resources_page ON prescan_resources(page_id, seq);

CREATE TABLE IF NOT EXISTS prescan_containers (
    container_id TEXT PRIMARY KEY,   -- GTM-…
    http_status  INTEGER,
    body         TEXT,               -- NULL when it could not be fetched
    fetched_at   TEXT NOT NULL
);
