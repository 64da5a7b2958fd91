//! CORS for the public read side, so that other sites build on the node's open data: GET
//! and HEAD on the JSON API's routes that need no token, and on the feeds, answer any
//! origin (`Access-Control-Allow-Origin: *`), never with credentials (no cookie, and no
//! `Authorization` header allowed in). Routes that need a token, that write, and every
//! request that carries a token get no CORS header: browsers keep other sites out.

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;
use tower::{Layer, ServiceExt};
use tower_http::cors::{Any, CorsLayer};

/// The API's GET routes that answer only with a token (by route template).
const TOKEN_ONLY: &[&str] = &[
    "/api/v1/me",
    "/api/v1/territories/{slug}/following",
    "/api/v1/territories/{slug}/followers",
    "/api/v1/territories/{slug}/answers",
    "/api/v1/territories/{slug}/calendars",
    "/api/v1/network/subscriptions",
    "/api/v1/events/{id}/registrations",
];

/// Whether a route (its template) is public reading: the API but its token-only routes,
/// and the iCalendar and Atom feeds. Open-data exports belong here too when they exist.
pub fn is_public_read(route: &str) -> bool {
    if route.starts_with("/manage") {
        return false;
    }
    (route.starts_with("/api/v1/") && !TOKEN_ONLY.contains(&route))
        || route.ends_with(".ics")
        || route.ends_with(".atom")
}

/// The middleware: public reads go through a [`CorsLayer`] open to any origin for GET and
/// HEAD; everything else passes untouched.
pub async fn public_reads(request: Request, next: Next) -> Response {
    let public = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|route| is_public_read(route.as_str()));
    let reading = match *request.method() {
        Method::GET | Method::HEAD => true,
        // A preflight: what the browser means to send.
        Method::OPTIONS => request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .is_some_and(|m| m == "GET" || m == "HEAD"),
        _ => false,
    };
    if !(public && reading) || request.headers().contains_key(header::AUTHORIZATION) {
        return next.run(request).await;
    }
    match cors().layer(next).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
        ])
        .expose_headers([header::ETAG, header::LAST_MODIFIED, header::LINK])
        .max_age(Duration::from_secs(24 * 3600))
}

#[cfg(test)]
mod tests {
    use super::is_public_read;

    #[test]
    fn public_reads_are_the_api_without_token_routes_and_the_feeds() {
        assert!(is_public_read("/api/v1/{collection}"));
        assert!(is_public_read("/api/v1/territories/{slug}"));
        assert!(is_public_read("/t/{slug}/calendar.ics"));
        assert!(is_public_read("/t/{slug}/feed.atom"));
        assert!(!is_public_read("/api/v1/me"));
        assert!(!is_public_read("/api/v1/territories/{slug}/followers"));
        assert!(!is_public_read(
            "/manage/t/{slug}/events/{id}/registrations/export.csv"
        ));
        assert!(!is_public_read("/login"));
        assert!(!is_public_read("/metrics"));
    }
}
