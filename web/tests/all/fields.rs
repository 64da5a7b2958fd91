//! Every field of calls, resources and events, usable: typed into the forms and shown
//! back on the pages and in the edit forms, refused by the API with the field named,
//! carried to another Rhizome node and shown there; documents attached to resources
//! checked by their bytes and served as downloads.

use crate::common;

use std::time::Duration;

use common::pages::{
    EDITOR, PASSWORD, attr_of, browser, get, login, node_with_editor, post, post_multipart, text_of,
};
use common::{Backend, Node};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}, "languages": ["fr"]}"#;

/// A node with the fablab, an admin token, and a browser logged in as its editor with
/// the session's CSRF token.
async fn editor() -> (Node, String, reqwest::Client, String) {
    let (node, admin) = node_with_editor(serde_json::from_str(FABLAB).unwrap()).await;
    let client = browser();
    let csrf = login(&client, &node, EDITOR, PASSWORD).await;
    (node, admin, client, csrf)
}

/// Posts a publication form; returns the new publication's path.
async fn publish_form(
    client: &reqwest::Client,
    node: &Node,
    path: &str,
    form: &[(&str, &str)],
) -> String {
    let (status, html, location) = post(client, node, path, form).await;
    assert_eq!(status, 303, "{path}: {}", text_of(&html, ".error-summary"));
    location.unwrap()
}

async fn api_publish(node: &Node, token: &str, slug: &str, collection: &str, body: Value) -> Value {
    let (status, created) = node
        .send(
            Method::POST,
            &format!("/api/v1/territories/{slug}/{collection}"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created
}

#[tokio::test]
async fn a_call_carries_every_field_from_its_form_to_its_page_and_back() {
    let (node, _, client, csrf) = editor().await;
    let path = publish_form(
        &client,
        &node,
        "/manage/t/fablab/calls/new",
        &[
            ("csrf", &csrf),
            ("type", "project"),
            ("title", "Un atelier mobile"),
            ("description", "Pour les villages"),
            ("objectives", "Former des jeunes\n\n  Ouvrir un atelier  "),
            ("skills_wanted", "soudure, électronique"),
            ("deadline", "2030-06-30"),
            ("scope.place.name", "Poitiers"),
            ("scope.place.latitude", "46,58"),
            ("scope.place.longitude", "0.34"),
            ("scope.radius_km", "30"),
            ("status", "in_progress"),
            ("outcome", "Deux ateliers **ouverts**"),
            ("language", "fr"),
        ],
    )
    .await;
    let (status, page) = get(&client, &node, &path).await;
    assert_eq!(status, 200);
    let facts = text_of(&page, ".call-facts");
    assert!(facts.contains("Projet"), "{facts}");
    assert!(
        facts.contains("soudure") && facts.contains("électronique"),
        "{facts}"
    );
    assert!(
        facts.contains("Poitiers") && facts.contains("30 km"),
        "{facts}"
    );
    assert!(facts.contains("30 juin 2030"), "{facts}");
    assert_eq!(
        text_of(&page, ".objectives li"),
        "Former des jeunes | Ouvrir un atelier"
    );
    assert!(text_of(&page, ".outcome strong").contains("ouverts"));
    assert!(
        text_of(&page, ".status").contains("En cours"),
        "{}",
        text_of(&page, ".status")
    );

    // The edit form shows what was typed.
    let id = path.rsplit('/').next().unwrap();
    let (_, edit) = get(&client, &node, &format!("/manage/calls/{id}/edit")).await;
    assert_eq!(
        text_of(&edit, "textarea#objectives"),
        "Former des jeunes\nOuvrir un atelier"
    );
    assert_eq!(
        attr_of(&edit, "input[name='skills_wanted']", "value").as_deref(),
        Some("soudure, électronique")
    );
    assert_eq!(
        attr_of(&edit, "#scope-radius_km", "value").as_deref(),
        Some("30")
    );
    assert_eq!(
        attr_of(&edit, "#scope-place-latitude", "value").as_deref(),
        Some("46.58")
    );
    assert_eq!(
        attr_of(&edit, "#status option[selected]", "value").as_deref(),
        Some("in_progress")
    );
    assert!(text_of(&edit, "textarea#outcome").contains("ouverts"));

    // Closed, and for the whole network: the place emptied.
    let action = format!("/manage/calls/{id}/edit");
    let (status, html, _) = post(
        &client,
        &node,
        &action,
        &[
            ("csrf", &csrf),
            ("type", "project"),
            ("title", "Un atelier mobile"),
            ("objectives", "Former des jeunes"),
            ("skills_wanted", ""),
            ("status", "closed"),
            ("outcome", "Un atelier ouvert"),
            ("language", "fr"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{}", text_of(&html, ".error-summary"));
    let (_, page) = get(&client, &node, &path).await;
    let facts = text_of(&page, ".call-facts");
    assert!(facts.contains("Tout le réseau"), "{facts}");
    assert!(!facts.contains("soudure"), "{facts}");
    assert!(
        text_of(&page, ".status").contains("Clos"),
        "{}",
        text_of(&page, ".status")
    );
    assert_eq!(text_of(&page, ".outcome p"), "Un atelier ouvert");
}

#[tokio::test]
async fn a_resource_names_its_licence_level_audience_links_and_event() {
    let (node, admin, client, csrf) = editor().await;
    let event = api_publish(
        &node,
        &admin,
        "fablab",
        "events",
        json!({"title": "Fresque du climat", "starts_at": "2030-05-02T18:00", "ends_at": "2030-05-02T21:00",
               "place": {"name": "Fablab"}}),
    )
    .await;
    let event_id = event["id"].as_str().unwrap();
    let (_, blank) = get(&client, &node, "/manage/t/fablab/resources/new").await;
    assert_eq!(
        text_of(&blank, "#license option"),
        "CC BY 4.0 | CC BY-SA 4.0 | CC BY-NC 4.0 | CC BY-NC-SA 4.0 | CC BY-ND 4.0 | CC0 | Autre licence (adresse ci-dessous)"
    );
    assert!(text_of(&blank, "#related_event").contains("Fresque du climat (2030-05-02)"));
    let path = publish_form(
        &client,
        &node,
        "/manage/t/fablab/resources/new",
        &[
            ("csrf", &csrf),
            ("title", "Kit fresque"),
            ("type", "toolkit"),
            ("license", "other"),
            ("license_url", "https://www.gnu.org/licenses/fdl-1.3.html"),
            ("level", "intermediate"),
            ("audience.age_groups", "12-17"),
            ("audience.age_groups", "18-25"),
            ("audience.publics", "familles, enseignants"),
            (
                "links",
                "https://example.org/guide Le guide complet\nhttps://example.org/annexe",
            ),
            ("related_event", event_id),
            ("language", "fr"),
        ],
    )
    .await;
    let (_, page) = get(&client, &node, &path).await;
    assert_eq!(
        attr_of(&page, ".badge.licence", "href").as_deref(),
        Some("https://www.gnu.org/licenses/fdl-1.3.html")
    );
    let facts = text_of(&page, ".resource-facts");
    assert!(facts.contains("Intermédiaire"), "{facts}");
    assert!(
        facts.contains("12-17") && facts.contains("familles, enseignants"),
        "{facts}"
    );
    assert!(facts.contains("Fresque du climat"), "{facts}");
    assert_eq!(
        text_of(&page, ".links li"),
        "Le guide complet | https://example.org/annexe"
    );
    // The event's page names the resource it gave.
    let (_, event_page) = get(&client, &node, &format!("/events/{event_id}")).await;
    assert_eq!(text_of(&event_page, ".related-resources li"), "Kit fresque");

    // The edit form shows the other licence by its URL; choosing a CC one shows its badge.
    let id = path.rsplit('/').next().unwrap();
    let action = format!("/manage/resources/{id}/edit");
    let (_, edit) = get(&client, &node, &action).await;
    assert_eq!(
        attr_of(&edit, "#license option[selected]", "value").as_deref(),
        Some("other")
    );
    assert_eq!(
        attr_of(&edit, "#license-url", "value").as_deref(),
        Some("https://www.gnu.org/licenses/fdl-1.3.html")
    );
    assert_eq!(
        attr_of(&edit, "#level option[selected]", "value").as_deref(),
        Some("intermediate")
    );
    assert_eq!(
        attr_of(&edit, "#related_event option[selected]", "value").as_deref(),
        Some(event_id)
    );
    assert!(
        text_of(&edit, "textarea#links").contains("https://example.org/guide Le guide complet")
    );
    let (status, html, _) = post(
        &client,
        &node,
        &action,
        &[
            ("csrf", &csrf),
            ("title", "Kit fresque"),
            ("type", "toolkit"),
            ("license", "https://creativecommons.org/licenses/by-sa/4.0/"),
            ("level", ""),
            ("links", "https://example.org/guide"),
            ("related_event", ""),
            ("language", "fr"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{}", text_of(&html, ".error-summary"));
    let (_, page) = get(&client, &node, &path).await;
    assert_eq!(text_of(&page, ".badge.licence"), "CC BY-SA 4.0");
    assert!(!text_of(&page, ".resource-facts").contains("Intermédiaire"));
    assert!(!text_of(&page, ".resource-facts").contains("Fresque"));
    let (_, event_page) = get(&client, &node, &format!("/events/{event_id}")).await;
    assert_eq!(text_of(&event_page, ".related-resources li"), "");

    // A link that is no web address is refused, its field marked.
    let (status, html, _) = post(
        &client,
        &node,
        &action,
        &[
            ("csrf", &csrf),
            ("title", "Kit"),
            ("type", "toolkit"),
            ("links", "javascript:alert(1)"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        attr_of(&html, "#links", "aria-invalid").as_deref(),
        Some("true")
    );
}

#[tokio::test]
async fn an_event_names_its_audience_organisers_partners_and_links() {
    let (node, admin, client, csrf) = editor().await;
    node.territory(
        &admin,
        json!({"slug": "quartier", "name": "Quartier des Couronneries", "kind": "association", "languages": ["fr"]}),
    )
    .await;
    let partner = node.stored_territory("quartier").await;
    let (_, blank) = get(&client, &node, "/manage/t/fablab/events/new").await;
    assert!(text_of(&blank, "#partners").contains("Quartier des Couronneries"));
    let partner_id = partner.id.to_string();
    let path = publish_form(
        &client,
        &node,
        "/manage/t/fablab/events/new",
        &[
            ("csrf", &csrf),
            ("title", "Atelier vélo"),
            ("starts_at", "2030-06-10T14:00"),
            ("ends_at", "2030-06-10T17:00"),
            ("format", "on_site"),
            ("place.name", "Garage solidaire"),
            ("free", "on"),
            ("audience.age_groups", "6-11"),
            ("audience.publics", "familles"),
            ("organisers", "Atelier vélo, Mairie"),
            ("partners", &partner_id),
            ("links", "https://example.org/programme Programme"),
            ("language", "fr"),
        ],
    )
    .await;
    let (_, page) = get(&client, &node, &path).await;
    let people = text_of(&page, ".event-people");
    assert!(people.contains("Atelier vélo, Mairie"), "{people}");
    assert_eq!(text_of(&page, ".partners a"), "Quartier des Couronneries");
    assert_eq!(
        attr_of(&page, ".partners a", "href").as_deref(),
        Some("/t/quartier")
    );
    assert!(text_of(&page, ".facts").contains("6-11"));
    assert_eq!(text_of(&page, ".links a"), "Programme");
    let id = path.rsplit('/').next().unwrap();
    let (_, edit) = get(&client, &node, &format!("/manage/events/{id}/edit")).await;
    assert_eq!(
        attr_of(
            &edit,
            &format!("#partners input[value='{partner_id}']"),
            "checked"
        )
        .as_deref(),
        Some("")
    );
    assert_eq!(
        attr_of(&edit, "#organisers", "value").as_deref(),
        Some("Atelier vélo, Mairie")
    );
    assert_eq!(
        attr_of(&edit, "#audience-age_groups input[value='6-11']", "checked").as_deref(),
        Some("")
    );
    // On the wire: organisers as text, partners by their actor ids.
    let object = node.activity_json(&node.url(&path)).await;
    assert_eq!(object["organisers"], json!(["Atelier vélo", "Mairie"]));
    assert_eq!(object["partners"], json!([node.url("/t/quartier")]));
}

#[tokio::test]
async fn bad_values_are_refused_with_their_path() {
    let Some((node, admin)) =
        Node::with_territory(Backend::Sqlite, serde_json::from_str(FABLAB).unwrap()).await
    else {
        return;
    };
    let event = json!({"title": "Repair café", "starts_at": "2030-12-03T18:00", "ends_at": "2030-12-03T21:00",
                       "place": {"name": "La Fabrique"}});
    let with = |base: &Value, patch: Value| {
        let mut v = base.clone();
        json_patch::merge(&mut v, &patch);
        v
    };
    let resource = json!({"title": "Guide", "type": "guide"});
    let call = json!({"title": "Cherche", "type": "need"});
    for (collection, body, field) in [
        (
            "events",
            with(&event, json!({"partners": ["Fablab de Poitiers"]})),
            "partners[0]",
        ),
        (
            "events",
            with(
                &event,
                json!({"partners": ["https://other.example/t/lab", 3]}),
            ),
            "partners[1]",
        ),
        (
            "events",
            with(&event, json!({"audience": {"age_groups": ["99"]}})),
            "audience.age_groups[0]",
        ),
        (
            "events",
            with(&event, json!({"links": [{"url": "javascript:alert(1)"}]})),
            "links[0].url",
        ),
        (
            "resources",
            with(&resource, json!({"license": "ftp://files.example/licence"})),
            "license",
        ),
        (
            "resources",
            with(&resource, json!({"level": "expert"})),
            "level",
        ),
        (
            "resources",
            with(&resource, json!({"related_event": "yesterday"})),
            "related_event",
        ),
        (
            "resources",
            with(
                &resource,
                json!({"attachments": [{"url": "file:///etc/passwd"}]}),
            ),
            "attachments[0].url",
        ),
        ("calls", with(&call, json!({"type": "wish"})), "type"),
        ("calls", with(&call, json!({"status": "done"})), "status"),
        (
            "calls",
            with(&call, json!({"scope": {"radius_km": 30}})),
            "scope.place",
        ),
        (
            "calls",
            with(
                &call,
                json!({"scope": {"place": {"latitude": 46.5, "longitude": 0.3}, "radius_km": -1}}),
            ),
            "scope.radius_km",
        ),
        (
            "calls",
            with(&call, json!({"skills_wanted": ["ok", ""]})),
            "skills_wanted[1]",
        ),
        (
            "calls",
            with(&call, json!({"outcome": "a\u{0}b"})),
            "outcome",
        ),
    ] {
        let (status, answer) = node
            .send(
                Method::POST,
                &format!("/api/v1/territories/fablab/{collection}"),
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, 422, "{body} -> {answer}");
        assert_eq!(answer["field"], field, "{body} -> {answer}");
    }
    // What a publication names on this node must be there.
    let a_call = api_publish(&node, &admin, "fablab", "calls", call.clone()).await;
    let nobody = uuid::Uuid::now_v7().to_string();
    for (collection, body, field) in [
        (
            "events",
            with(&event, json!({"partners": [nobody]})),
            "partners[0]",
        ),
        (
            "resources",
            with(&resource, json!({"related_event": nobody})),
            "related_event",
        ),
        (
            "resources",
            with(&resource, json!({"related_event": a_call["id"]})),
            "related_event",
        ),
    ] {
        let (status, answer) = node
            .send(
                Method::POST,
                &format!("/api/v1/territories/fablab/{collection}"),
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, 422, "{body} -> {answer}");
        assert_eq!(answer["field"], field, "{body} -> {answer}");
    }
    // And an edit obeys the same rule.
    let resource_id =
        api_publish(&node, &admin, "fablab", "resources", resource.clone()).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let (status, answer) = node
        .send(
            Method::PATCH,
            &format!("/api/v1/resources/{resource_id}"),
            Some(&admin),
            Some(json!({"related_event": nobody})),
        )
        .await;
    assert_eq!(
        (status, answer["field"].as_str()),
        (422, Some("related_event")),
        "{answer}"
    );
}

/// A tiny valid PDF: one empty page.
fn tiny_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

fn resource_form(csrf: &str, file: Option<(&str, &str, Vec<u8>)>) -> Form {
    let form = Form::new()
        .text("csrf", csrf.to_owned())
        .text("title", "Guide imprimable")
        .text("type", "guide")
        .text("license", "https://creativecommons.org/licenses/by/4.0/")
        .text("attachments.name", "Le guide en PDF")
        .text("language", "fr");
    match file {
        Some((name, mime, bytes)) => form.part(
            "attachments.file",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str(mime)
                .unwrap(),
        ),
        None => form,
    }
}

fn stored_documents(node: &Node) -> Vec<String> {
    std::fs::read_dir(node.data_dir().join("files"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_document_is_attached_by_its_bytes_and_served_as_a_download() {
    let (node, _, client, csrf) = editor().await;
    // HTML named like a PDF: refused by what it is, nothing stored.
    let evil = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    let (status, html, _) = post_multipart(
        &client,
        &node,
        "/manage/t/fablab/resources/new",
        resource_form(&csrf, Some(("guide.pdf", "application/pdf", evil))),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        text_of(&html, "#attachments-file-error").contains("n'est pas accepté"),
        "{}",
        text_of(&html, ".error-summary")
    );
    assert_eq!(
        attr_of(&html, "#attachments-file", "aria-invalid").as_deref(),
        Some("true")
    );
    assert!(stored_documents(&node).is_empty());

    let (status, html, location) = post_multipart(
        &client,
        &node,
        "/manage/t/fablab/resources/new",
        resource_form(
            &csrf,
            Some(("mon guide.pdf", "application/octet-stream", tiny_pdf())),
        ),
    )
    .await;
    assert_eq!(status, 303, "{}", text_of(&html, ".error-summary"));
    let path = location.unwrap();
    assert_eq!(stored_documents(&node).len(), 1);
    let (_, page) = get(&client, &node, &path).await;
    assert_eq!(text_of(&page, ".attachments a"), "Le guide en PDF");
    let href = attr_of(&page, ".attachments a", "href").unwrap();
    assert!(
        href.starts_with(&node.url("/files/")) && href.ends_with(".pdf"),
        "{href}"
    );
    let response = reqwest::get(&href).await.unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(header("content-type").as_deref(), Some("application/pdf"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert!(
        header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), tiny_pdf());
    // Only stored names are served.
    let (status, _) = get(&client, &node, "/files/..%2Frhizome.db").await;
    assert_eq!(status, 404);

    // On the wire, a `Document` with its type.
    let object = node.activity_json(&node.url(&path)).await;
    let document = object["attachment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == "Document")
        .cloned()
        .unwrap();
    assert_eq!(document["mediaType"], "application/pdf");
    assert_eq!(document["url"], href);

    // The edit form lists it; ticking it takes it off.
    let id = path.rsplit('/').next().unwrap();
    let action = format!("/manage/resources/{id}/edit");
    let (_, edit) = get(&client, &node, &action).await;
    assert_eq!(
        attr_of(&edit, "input[name='attachments.remove']", "value").as_deref(),
        Some(href.as_str())
    );
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("title", "Guide imprimable")
        .text("type", "guide")
        .text("attachments.remove", href.clone());
    let (status, html, _) = post_multipart(&client, &node, &action, form).await;
    assert_eq!(status, 303, "{}", text_of(&html, ".error-summary"));
    let (_, page) = get(&client, &node, &path).await;
    assert_eq!(text_of(&page, ".attachments a"), "");
}

/// Polls a node's network view until an item titled `title` is there (20 s at most).
async fn network_item(node: &Node, collection: &str, title: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, body) = node
            .send(
                Method::GET,
                &format!("/api/v1/network/{collection}"),
                None,
                None,
            )
            .await;
        let found = body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["title"] == title).cloned());
        if let Some(item) = found {
            return item;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{title} never reached {collection}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn skills_outcome_organisers_and_partners_reach_another_rhizome_node() {
    let territory = |slug: &str, name: &str| {
        json!({"slug": slug, "name": name, "kind": "tiers_lieu", "languages": ["fr"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}})
    };
    let (a, a_token) =
        Node::with_territory(Backend::Sqlite, territory("fablab", "Fablab de Poitiers"))
            .await
            .unwrap();
    let (b, b_token) =
        Node::with_territory(Backend::Sqlite, territory("ville", "Ville apprenante"))
            .await
            .unwrap();
    let a_domain = a.base.trim_start_matches("http://").to_owned();
    let (status, body) = b
        .send(
            Method::POST,
            "/api/v1/territories/ville/following",
            Some(&b_token),
            Some(json!({"target": format!("@fablab@{a_domain}")})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    api_publish(
        &a,
        &a_token,
        "fablab",
        "calls",
        json!({"title": "Cherche soudeurs", "type": "partners", "status": "closed",
               "objectives": ["Réparer les vélos du quartier"],
               "skills_wanted": ["soudure", "mécanique"], "outcome": "Trois **bénévoles** trouvés"}),
    )
    .await;
    api_publish(
        &a,
        &a_token,
        "fablab",
        "events",
        json!({"title": "Journée vélo", "starts_at": "2031-04-02T10:00", "ends_at": "2031-04-02T17:00",
               "place": {"name": "Place d'armes"}, "organisers": ["Atelier vélo"],
               "partners": [b.url("/t/ville")]}),
    )
    .await;

    let call = network_item(&b, "calls", "Cherche soudeurs").await;
    let browser = browser();
    let remote_page = |id: &str| format!("/network/publication?id={}", urlencode(id));
    let (status, page) = get(&browser, &b, &remote_page(call["id"].as_str().unwrap())).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(text_of(&page, "h1"), "Cherche soudeurs");
    assert_eq!(text_of(&page, ".skills li"), "soudure | mécanique");
    assert_eq!(
        text_of(&page, ".objectives li"),
        "Réparer les vélos du quartier"
    );
    assert_eq!(text_of(&page, ".outcome p"), "Trois bénévoles trouvés");
    assert!(text_of(&page, ".status").contains("Clos"));
    // The calls board links to it.
    let (_, board) = get(&browser, &b, "/calls").await;
    let link = attr_of(&board, ".origin a[href^='/network/publication']", "href").unwrap();
    let (_, linked) = get(&browser, &b, &link).await;
    assert_eq!(text_of(&linked, "h1"), "Cherche soudeurs");

    let event = network_item(&b, "events", "Journée vélo").await;
    let (_, page) = get(&browser, &b, &remote_page(event["id"].as_str().unwrap())).await;
    assert!(
        text_of(&page, ".facts").contains("Atelier vélo"),
        "{}",
        text_of(&page, ".facts")
    );
    // The partner is B's own territory: named and linked as one of B's.
    assert_eq!(text_of(&page, ".partners a"), "Ville apprenante");
    assert_eq!(
        attr_of(&page, ".partners a", "href").as_deref(),
        Some("/t/ville")
    );

    let (status, _) = get(
        &browser,
        &b,
        &remote_page("https://nowhere.example/calls/1"),
    )
    .await;
    assert_eq!(status, 404);
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
