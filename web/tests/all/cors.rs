//! CORS as a browser on another site meets it: the public read API and the feeds answer
//! any origin, without credentials, to simple requests and to preflights; routes that
//! need a token, writes and requests carrying a token get no CORS header.

use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, Node};

const ORIGIN: &str = "https://other-site.example";

async fn request(
    node: &Node,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = node
        .http
        .request(method, node.url(path))
        .header("origin", ORIGIN);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn allowed_origin(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn public_reads_answer_any_origin_and_nothing_else_does() {
    let Some((node, admin)) = Node::with_territory(
        Backend::Sqlite,
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .await
    else {
        return;
    };
    for path in [
        "/api/v1/events",
        "/api/v1/territories/fablab",
        "/t/fablab/calendar.ics",
        "/t/fablab/feed.atom",
    ] {
        let response = request(&node, Method::GET, path, &[]).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(allowed_origin(&response).as_deref(), Some("*"), "{path}");
        assert!(
            response
                .headers()
                .get("access-control-allow-credentials")
                .is_none(),
            "{path}"
        );
    }
    // A preflight for a read: allowed, GET only, no Authorization header let in.
    let preflight = request(
        &node,
        Method::OPTIONS,
        "/api/v1/territories/fablab/events",
        &[("access-control-request-method", "GET")],
    )
    .await;
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(allowed_origin(&preflight).as_deref(), Some("*"));
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("GET") && !methods.contains("POST"),
        "{methods}"
    );
    let allowed_headers = preflight
        .headers()
        .get("access-control-allow-headers")
        .map(|v| v.to_str().unwrap().to_lowercase())
        .unwrap_or_default();
    assert!(
        !allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );

    // A preflight for a write: no CORS answer, so the browser sends nothing.
    let preflight = request(
        &node,
        Method::OPTIONS,
        "/api/v1/territories/fablab/events",
        &[
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
        ],
    )
    .await;
    assert_eq!(allowed_origin(&preflight), None);
    // Token-only reads, and any request carrying a token, get no CORS header either.
    let me = request(
        &node,
        Method::GET,
        "/api/v1/me",
        &[("authorization", &format!("Bearer {admin}"))],
    )
    .await;
    assert_eq!(me.status(), 200);
    assert_eq!(allowed_origin(&me), None);
    let followers = request(
        &node,
        Method::GET,
        "/api/v1/territories/fablab/followers",
        &[],
    )
    .await;
    assert_eq!(allowed_origin(&followers), None);
    let with_token = request(
        &node,
        Method::GET,
        "/api/v1/events",
        &[("authorization", &format!("Bearer {admin}"))],
    )
    .await;
    assert_eq!(with_token.status(), 200);
    assert_eq!(allowed_origin(&with_token), None);
    // A write from another origin: carried out only with a token, and never readable.
    let (status, _) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 401);
    let post = request(&node, Method::POST, "/api/v1/territories", &[]).await;
    assert_eq!(allowed_origin(&post), None);
    // Pages and the metrics are not part of it.
    let page = request(&node, Method::GET, "/t/fablab", &[]).await;
    assert_eq!(allowed_origin(&page), None);
}
