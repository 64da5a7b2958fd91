//! Driving the HTML pages as a browser without JavaScript does: cookies kept, redirects
//! looked at rather than followed, forms posted from the node's own origin, answers read
//! with CSS selectors.

use reqwest::redirect::Policy;
use scraper::{Html, Selector};

use super::Node;

/// A fresh visitor: keeps cookies, does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The status and page at `path`.
pub async fn get(client: &reqwest::Client, node: &Node, path: &str) -> (u16, String) {
    let response = client.get(node.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Posts a form from the node's own pages; gives the status, the page and the redirect.
pub async fn post(
    client: &reqwest::Client,
    node: &Node,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    answer(from_page(client, node, path).form(form)).await
}

/// Posts a `multipart/form-data` form (one with a file input), as [`post`].
pub async fn post_multipart(
    client: &reqwest::Client,
    node: &Node,
    path: &str,
    form: reqwest::multipart::Form,
) -> (u16, String, Option<String>) {
    answer(from_page(client, node, path).multipart(form)).await
}

/// A POST to `path` with the `Origin` of the node's own pages.
fn from_page(client: &reqwest::Client, node: &Node, path: &str) -> reqwest::RequestBuilder {
    client
        .post(node.url(path))
        .header("Origin", node.base.clone())
}

async fn answer(request: reqwest::RequestBuilder) -> (u16, String, Option<String>) {
    let response = request.send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        response.text().await.unwrap(),
        location,
    )
}

/// Logs `username` in through the login form and returns the session's CSRF token.
pub async fn login(
    client: &reqwest::Client,
    node: &Node,
    username: &str,
    password: &str,
) -> String {
    let (status, _, location) = post(
        client,
        node,
        "/login",
        &[
            ("username", username),
            ("password", password),
            ("next", "/manage"),
        ],
    )
    .await;
    assert_eq!((status, location.as_deref()), (303, Some("/manage")));
    let (_, html) = get(client, node, "/manage").await;
    attr_of(&html, "input[name=csrf]", "value").expect("a logged-in page carries a CSRF token")
}

/// The text of every element `css` selects, joined by " | ".
pub fn text_of(html: &str, css: &str) -> String {
    Html::parse_document(html)
        .select(&Selector::parse(css).unwrap())
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// An attribute of the first element `css` selects.
pub fn attr_of(html: &str, css: &str, attr: &str) -> Option<String> {
    Html::parse_document(html)
        .select(&Selector::parse(css).unwrap())
        .next()
        .and_then(|e| e.value().attr(attr).map(str::to_owned))
}

/// The editor every page test logs in as, and their password.
pub const EDITOR: &str = "camille";
pub const PASSWORD: &str = "a long enough password";

/// A node with an admin (returns their API token), the territory `territory` (its JSON
/// as the API takes it) and [`EDITOR`] as its editor.
pub async fn node_with_editor(territory: serde_json::Value) -> (Node, String) {
    let slug = territory["slug"].as_str().unwrap().to_owned();
    let (node, admin) = Node::with_territory(super::Backend::Sqlite, territory)
        .await
        .unwrap();
    let editor = rhizome_node::Member::new(EDITOR, PASSWORD, false).unwrap();
    node.store.insert_member(&editor).await.unwrap();
    let territory = node.store.territory_by_slug(&slug).await.unwrap().unwrap();
    node.store
        .grant_editor(editor.id, territory.id)
        .await
        .unwrap();
    (node, admin)
}
