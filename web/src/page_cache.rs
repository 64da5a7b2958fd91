//! Public pages, ActivityStreams documents and API lists kept for visitors without a
//! session: an answer is reused while nothing has been committed to the database since
//! it was made, and for [`MAX_AGE`] at most (what "upcoming" means moves with the clock).
//!
//! Only routes whose answer depends on nothing but the URL, `Accept`, the language asked
//! for and the database are kept ([`ROUTES`]); a request with a session cookie, an
//! `Authorization` or `Signature` header, a conditional or a range is always answered
//! afresh, and so is one that says `Cache-Control: no-cache` (its answer is kept).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use http_body::Body as _;

use crate::AppState;

/// The routes kept: the same answer for every visitor without a session.
const ROUTES: &[&str] = &[
    "/",
    "/events",
    "/resources",
    "/calls",
    "/t/{slug}",
    "/t/{slug}/outbox",
    "/series/{id}",
    "/{collection}/{id}",
    "/api/v1/{collection}",
];

/// How long an answer is reused at most, whatever the database says.
pub const MAX_AGE: Duration = Duration::from_secs(10);

/// An answer is kept only when it began this long after the database's version was
/// first seen: a version may move a moment before its commit can be read, and an answer
/// made in that moment would show the state before it.
const SETTLE: Duration = Duration::from_millis(100);

/// The largest answer kept.
const MAX_ENTRY_BYTES: u64 = 512 * 1024;

/// Says on a reused answer that it was (for operators and tests).
pub const CACHE_HEADER: HeaderName = HeaderName::from_static("x-cache");

/// One answer as it was made, and the database version it was made from.
struct Entry {
    version: u64,
    made: Instant,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Entry {
    fn response(&self) -> Response {
        let mut response = (self.status, self.body.clone()).into_response();
        *response.headers_mut() = self.headers.clone();
        response
            .headers_mut()
            .insert(CACHE_HEADER, HeaderValue::from_static("hit"));
        response
    }
}

/// The kept answers, by request, weighed by their size.
pub struct PageCache {
    entries: moka::sync::Cache<String, Arc<Entry>>,
    /// The database version last read, and when it was first read.
    seen: Mutex<(u64, Instant)>,
}

impl PageCache {
    /// A cache of at most `bytes` of answers; `None` for 0 (nothing kept).
    pub fn new(bytes: usize) -> Option<PageCache> {
        (bytes > 0).then(|| PageCache {
            entries: moka::sync::Cache::builder()
                .max_capacity(bytes as u64)
                .weigher(|key: &String, entry: &Arc<Entry>| {
                    let size = key.len() + entry.body.len() + 64 * entry.headers.len();
                    u32::try_from(size).unwrap_or(u32::MAX)
                })
                .build(),
            seen: Mutex::new((u64::MAX, Instant::now())),
        })
    }

    /// Whether `version` has been the database's for [`SETTLE`] already.
    fn settled(&self, version: u64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.0 != version {
            *seen = (version, Instant::now());
            return false;
        }
        seen.1.elapsed() >= SETTLE
    }
}

/// How a request may use the cache: its key, and whether a kept answer may be given.
struct Lookup {
    key: String,
    reuse: bool,
}

impl Lookup {
    /// `None` when the request is not one whose answer is the same for everyone.
    fn of(request: &Request) -> Option<Lookup> {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            return None;
        }
        let route = request.extensions().get::<MatchedPath>()?.as_str();
        if !ROUTES.contains(&route) {
            return None;
        }
        let headers = request.headers();
        let personal = [
            header::AUTHORIZATION,
            HeaderName::from_static("signature"),
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::RANGE,
        ];
        if personal.iter().any(|h| headers.contains_key(h)) {
            return None;
        }
        // The language chosen is the only cookie an answer depends on; any other may be
        // a session (or something this code does not know): answered afresh.
        if CookieJar::from_headers(headers)
            .iter()
            .any(|c| c.name() != crate::i18n::LANG_COOKIE)
        {
            return None;
        }
        // Kept by the language the page is written in, not by the header's many spellings.
        let lang = crate::i18n::of_request(headers).tag();
        let value = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        let fresh = [header::CACHE_CONTROL, header::PRAGMA]
            .into_iter()
            .any(|h| value(h).contains("no-cache"));
        let key = format!(
            "{} {}\n{}\n{lang}",
            request.method(),
            request.uri(),
            value(header::ACCEPT),
        );
        Some(Lookup { key, reuse: !fresh })
    }
}

/// The middleware: answers from the cache when it can, keeps what it may.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cache) = state.page_cache.as_deref() else {
        return next.run(request).await;
    };
    let Some(lookup) = Lookup::of(&request) else {
        return next.run(request).await;
    };
    let Some(version) = state.store.data_version().await else {
        return next.run(request).await;
    };
    let settled = cache.settled(version);
    if lookup.reuse
        && let Some(entry) = cache.entries.get(&lookup.key)
        && entry.version == version
        && entry.made.elapsed() < MAX_AGE
    {
        return entry.response();
    }
    let made = Instant::now();
    let response = next.run(request).await;
    let keep = settled
        && response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store") || v.contains("private"))
        && response
            .body()
            .size_hint()
            .exact()
            .is_some_and(|n| n <= MAX_ENTRY_BYTES);
    if !keep {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "a page's body failed while it was being kept");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    cache.entries.insert(
        lookup.key,
        Arc::new(Entry {
            version,
            made,
            status: parts.status,
            headers: parts.headers.clone(),
            body: body.clone(),
        }),
    );
    Response::from_parts(parts, Body::from(body))
}
