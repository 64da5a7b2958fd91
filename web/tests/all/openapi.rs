//! The OpenAPI document at `/api/v1/openapi.json` against the API it describes: every
//! route of the API's router is in it, and real answers of real endpoints (lists, a
//! territory, publications created with a token, a 422) validate against the schema the
//! document gives for that operation and status, `$ref`s resolved in the document, so
//! the test fails when a handler's output drifts from its documented type.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Backend, Node, on_both_backends};

/// The API's router, as written: its routes are read from the source, so that a route
/// added without its annotation fails here.
const API_ROUTER: &str = include_str!("../../src/api/mod.rs");

/// Each `.route("path", get(..).post(..))` of the router: its path and its methods.
fn routes_of_the_router() -> Vec<(String, Vec<&'static str>)> {
    let mut routes = Vec::new();
    let mut rest = API_ROUTER;
    while let Some(start) = rest.find(".route(") {
        let from_here = &rest[start + ".route(".len()..];
        let call = from_here;
        let mut depth = 1;
        let end = call
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map(|(i, _)| i)
            .expect("a closed .route( call");
        let call = &call[..end];
        let path = call.split('"').nth(1).expect("a path literal").to_owned();
        let after_path = &call[call.find(',').expect("a method router")..];
        let methods = ["get", "post", "patch", "put", "delete"]
            .into_iter()
            .filter(|m| {
                after_path.match_indices(&format!("{m}(")).any(|(i, _)| {
                    !after_path[..i]
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
            .collect();
        routes.push((path, methods));
        rest = &from_here[end..];
    }
    routes
}

/// Checks `body`, answered with `status` by `method path`, against the schema the document
/// gives for it; `$ref`s resolve against the whole document.
fn check(document: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let operation = &document["paths"][path][method];
    assert!(operation.is_object(), "{method} {path} is not documented");
    let schema =
        &operation["responses"][status.to_string()]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} documents no JSON body for {status}: {}",
        operation["responses"]
    );
    let mut root = document.clone();
    root["allOf"] = json!([schema]);
    let validator = jsonschema::validator_for(&root).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: the answer does not match its documented schema:\n{}\n{body:#}",
        errors.join("\n")
    );
}

#[test]
fn every_route_of_the_api_router_is_read_from_its_source() {
    let routes = routes_of_the_router();
    assert!(routes.len() >= 25, "{routes:?}");
    let territories = routes
        .iter()
        .find(|(p, _)| p == "/api/v1/territories")
        .unwrap();
    assert_eq!(territories.1, vec!["get", "post"]);
    let comment = routes
        .iter()
        .find(|(p, _)| p == "/api/v1/{collection}/{id}/comments/{comment_id}")
        .unwrap();
    assert_eq!(comment.1, vec!["delete"]);
}

async fn the_document_matches_the_api(backend: Backend) {
    let Some((node, admin)) = Node::with_territory(
        backend,
        json!({"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
               "description": "Un atelier", "themes": ["climate"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
               "website": "https://fablab.example/"}),
    )
    .await
    else {
        return;
    };
    let response = node
        .http
        .get(node.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        document["openapi"]
    );

    // Every route of the router, with each of its methods.
    for (path, methods) in routes_of_the_router() {
        for method in methods {
            assert!(
                document["paths"][&path][method].is_object(),
                "{method} {path} is routed but not in the OpenAPI document"
            );
        }
    }

    // Publications of each kind, created with a token.
    let created = [
        (
            "events",
            json!({"title": "Atelier réparation", "starts_at": "2031-03-03T18:00",
                   "ends_at": "2031-03-03T20:00", "place": {"address": "Poitiers"},
                   "themes": ["climate"], "tags": ["repair"],
                   "links": [{"url": "https://fablab.example/atelier"}]}),
        ),
        (
            "resources",
            json!({"title": "Guide du compost", "type": "guide", "themes": ["climate"],
                   "links": [{"url": "https://fablab.example/guide", "title": "Le guide"}]}),
        ),
        (
            "calls",
            json!({"title": "Cherche bénévoles", "type": "need", "description": "Pour l'atelier",
                   "skills_wanted": ["soudure"], "deadline": "2031-02-01"}),
        ),
    ];
    for (collection, draft) in created {
        let path = format!("/api/v1/territories/fablab/{collection}");
        let (status, body) = node
            .send(Method::POST, &path, Some(&admin), Some(draft))
            .await;
        assert_eq!(status, 201, "{body}");
        check(
            &document,
            "post",
            "/api/v1/territories/{slug}/{collection}",
            201,
            &body,
        );
        let id = body["id"].as_str().unwrap();
        let (status, shown) = node
            .send(
                Method::GET,
                &format!("/api/v1/{collection}/{id}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, 200);
        check(&document, "get", "/api/v1/{collection}/{id}", 200, &shown);
    }

    // Lists, and one territory.
    let (status, events) = node.send(Method::GET, "/api/v1/events", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(events["items"].as_array().unwrap().len(), 1);
    check(&document, "get", "/api/v1/{collection}", 200, &events);
    let (status, calls) = node
        .send(Method::GET, "/api/v1/territories/fablab/calls", None, None)
        .await;
    assert_eq!(status, 200);
    check(
        &document,
        "get",
        "/api/v1/territories/{slug}/{collection}",
        200,
        &calls,
    );
    let (status, territory) = node
        .send(Method::GET, "/api/v1/territories/fablab", None, None)
        .await;
    assert_eq!(status, 200);
    check(
        &document,
        "get",
        "/api/v1/territories/{slug}",
        200,
        &territory,
    );
    let (status, territories) = node
        .send(Method::GET, "/api/v1/territories", None, None)
        .await;
    assert_eq!(status, 200);
    check(&document, "get", "/api/v1/territories", 200, &territories);
    let (status, me) = node
        .send(Method::GET, "/api/v1/me", Some(&admin), None)
        .await;
    assert_eq!(status, 200);
    check(&document, "get", "/api/v1/me", 200, &me);

    // Refusals: a rule broken (422 naming the field), nothing there (404).
    let (status, invalid) = node
        .send(
            Method::POST,
            "/api/v1/territories/fablab/events",
            Some(&admin),
            Some(json!({"title": "", "starts_at": "2031-03-03T18:00", "ends_at": "2031-03-03T20:00"})),
        )
        .await;
    assert_eq!(status, 422, "{invalid}");
    assert_eq!(invalid["field"], "title");
    check(
        &document,
        "post",
        "/api/v1/territories/{slug}/{collection}",
        422,
        &invalid,
    );
    let (status, missing) = node
        .send(Method::GET, "/api/v1/territories/nowhere", None, None)
        .await;
    assert_eq!(status, 404);
    check(
        &document,
        "get",
        "/api/v1/territories/{slug}",
        404,
        &missing,
    );

    // And the check has teeth: an answer that drifted from its type is caught.
    let mut drifted = territory.clone();
    drifted["kind"] = json!("castle");
    let mut root = document.clone();
    root["allOf"] = json!([
        document["paths"]["/api/v1/territories/{slug}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]
    ]);
    let validator = jsonschema::validator_for(&root).unwrap();
    assert!(validator.is_valid(&territory));
    assert!(
        !validator.is_valid(&drifted),
        "an unknown kind must not validate"
    );
    let mut without_url = territory.clone();
    without_url.as_object_mut().unwrap().remove("url");
    assert!(
        !validator.is_valid(&without_url),
        "a view without its url must not validate"
    );
}

on_both_backends!(the_document_matches_the_api => the_document_matches_the_api_sqlite, the_document_matches_the_api_postgres);
