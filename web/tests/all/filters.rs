//! The lists' filters by age group and audience, the calls board's by type, status,
//! skills and deadline, and the archive (past events, closed calls with their outcome),
//! on pages and API, for local publications and a stored remote one; bad values refused.

use crate::common;

use common::pages::{browser, get, text_of};
use common::{Backend, Node, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

/// Two calls, three events (one past), a resource here, and a remote offer as this node
/// keeps a copy of what it follows.
async fn node_with_publications(backend: Backend) -> Option<Node> {
    let (node, token) = Node::with_territory(
        backend,
        json!({"slug": "fablab", "name": "Fablab", "kind": "tiers_lieu", "languages": ["fr"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
    )
    .await?;
    let event = |title: &str, day: &str, ages: Value| {
        json!({"title": title, "starts_at": format!("{day}T18:00"), "ends_at": format!("{day}T20:00"),
               "place": {"name": "Fablab"}, "audience": {"age_groups": ages}})
    };
    for (collection, body) in [
        (
            "calls",
            json!({"title": "Besoin de soudeurs", "type": "need", "deadline": "2031-06-30",
                         "skills_wanted": ["Soudure à l'arc"]}),
        ),
        (
            "calls",
            json!({"title": "Fête des voisins", "type": "project", "status": "closed",
                         "outcome": "Deux ateliers ouverts"}),
        ),
        (
            "events",
            event("Atelier enfants", "2031-03-10", json!(["6-11"])),
        ),
        (
            "events",
            event("Repas seniors", "2031-03-11", json!(["seniors"])),
        ),
        ("events", event("Fête passée", "2020-01-10", json!([]))),
        (
            "resources",
            json!({"title": "Guide pour tous", "type": "guide"}),
        ),
    ] {
        let (status, created) = node
            .send(
                Method::POST,
                &format!("/api/v1/territories/fablab/{collection}"),
                Some(&token),
                Some(body),
            )
            .await;
        assert_eq!(status, 201, "{created}");
    }
    let now = rhizome_node::now();
    let id = "https://other.example/calls/7";
    node.store
        .upsert_remote_publication(&rhizome_node::network::RemotePublication {
            id: id.into(),
            actor_id: "https://other.example/t/parc".into(),
            kind: rhizome_node::PublicationKind::Call,
            title: "Offre de soudure".into(),
            starts_at: None,
            ends_at: None,
            object: json!({"id": id, "type": "Page", "name": "Offre de soudure"}),
            published: now,
            updated: now,
            deleted_at: None,
            facts: rhizome_node::listing::RemoteFacts {
                details: rhizome_node::listing::RemoteDetails {
                    call_type: Some(rhizome_node::publication::call::CallType::Offer),
                    call_status: Some(rhizome_node::publication::call::CallStatus::Open),
                    skills_wanted: vec!["Soudure".into()],
                    audience: vec!["adults".into(), "demandeurs d'emploi".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
        })
        .await
        .unwrap();
    Some(node)
}

/// The titles an API list answers, sorted.
async fn titles(node: &Node, path: &str) -> Vec<String> {
    let (status, body) = node.send(Method::GET, path, None, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    let mut titles: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

async fn api_filters(backend: Backend) {
    let Some(node) = node_with_publications(backend).await else {
        return;
    };
    let calls = "/api/v1/network/calls";
    assert_eq!(
        titles(&node, "/api/v1/network/events?age_group=6-11").await,
        ["Atelier enfants"]
    );
    assert_eq!(
        titles(&node, "/api/v1/network/resources?age_group=seniors").await,
        ["Guide pour tous"],
        "open to everyone matches every age group"
    );
    assert_eq!(
        titles(&node, &format!("{calls}?age_group=seniors")).await,
        ["Besoin de soudeurs", "Fête des voisins"],
        "the remote offer is for adults"
    );
    assert_eq!(
        titles(&node, &format!("{calls}?public=Demandeurs%20d%27emploi")).await,
        ["Besoin de soudeurs", "Fête des voisins", "Offre de soudure"]
    );
    assert_eq!(
        titles(&node, &format!("{calls}?public=etudiants")).await,
        ["Besoin de soudeurs", "Fête des voisins"]
    );
    assert_eq!(
        titles(&node, &format!("{calls}?type=offer")).await,
        ["Offre de soudure"]
    );
    assert_eq!(
        titles(&node, &format!("{calls}?type=need")).await,
        ["Besoin de soudeurs"]
    );
    assert_eq!(
        titles(&node, &format!("{calls}?status=closed")).await,
        ["Fête des voisins"]
    );
    assert_eq!(
        titles(&node, &format!("{calls}?skills=SOUD")).await,
        ["Besoin de soudeurs", "Offre de soudure"]
    );
    assert_eq!(
        titles(&node, &format!("{calls}?skills=arc&type=need")).await,
        ["Besoin de soudeurs"]
    );
    assert_eq!(
        titles(&node, &format!("{calls}?deadline_before=2031-06-30")).await,
        ["Besoin de soudeurs"]
    );
    assert!(
        titles(&node, &format!("{calls}?deadline_before=2031-06-29"))
            .await
            .is_empty()
    );
    assert_eq!(
        titles(&node, &format!("{calls}?deadline_after=2031-07-01")).await,
        ["Fête des voisins", "Offre de soudure"],
        "calls without deadline stay"
    );
    assert_eq!(
        titles(&node, &format!("{calls}?deadline_after=2031-06-30"))
            .await
            .len(),
        3
    );
    // Each call says its type, status and deadline.
    let (_, body) = node
        .send(Method::GET, &format!("{calls}?type=need"), None, None)
        .await;
    let call = &body["items"][0];
    assert_eq!(
        (&call["type"], &call["status"], &call["deadline"]),
        (&json!("need"), &json!("open"), &json!("2031-06-30"))
    );

    // The archive: past events and closed calls, most recent first, searchable.
    let (status, body) = node
        .send(Method::GET, "/api/v1/network/archive", None, None)
        .await;
    assert_eq!(status, 200, "{body}");
    let listed: Vec<(&str, &Value)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["title"].as_str().unwrap(), &i["outcome"]))
        .collect();
    assert_eq!(
        listed,
        [
            ("Fête des voisins", &json!("Deux ateliers ouverts")),
            ("Fête passée", &Value::Null)
        ]
    );
    assert_eq!(
        titles(&node, "/api/v1/network/archive?q=passee").await,
        ["Fête passée"]
    );
    assert_eq!(
        titles(&node, "/api/v1/network/archive?type=project").await,
        ["Fête des voisins"]
    );

    // Unknown values are refused, naming the parameter.
    for (path, parameter) in [
        (format!("{calls}?type=gift"), "type"),
        (format!("{calls}?status=done"), "status"),
        (format!("{calls}?age_group=99"), "age_group"),
        ("/api/v1/network/events?type=need".into(), "type"),
        ("/api/v1/network/resources?skills=soudure".into(), "skills"),
        ("/api/v1/network/archive?status=nope".into(), "status"),
        (
            format!("{calls}?deadline_before=30/06/2031"),
            "deadline_before",
        ),
    ] {
        let (status, body) = node.send(Method::GET, &path, None, None).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.to_string().contains(parameter), "{path}: {body}");
    }
}

on_both_backends!(api_filters => api_filters_sqlite, api_filters_postgres);

async fn page_filters(backend: Backend) {
    let Some(node) = node_with_publications(backend).await else {
        return;
    };
    let client = browser();
    let (status, html) = get(&client, &node, "/calls?type=need").await;
    assert_eq!(status, 200);
    assert!(html.contains("Besoin de soudeurs") && !html.contains("Offre de soudure"));
    assert!(
        text_of(&html, ".call-facts").contains("2031-06-30"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/archive?status=closed\""),
        "the board links the archive"
    );
    assert!(
        html.contains("href=\"/archive\""),
        "the navigation links the archive"
    );
    let (_, html) = get(&client, &node, "/calls?skills=soud&status=open").await;
    assert!(html.contains("Besoin de soudeurs") && html.contains("Offre de soudure"));
    assert!(!html.contains("Fête des voisins"));
    let (_, html) = get(
        &client,
        &node,
        "/calls?age_group=seniors&deadline_after=2031-07-01",
    )
    .await;
    assert!(html.contains("Fête des voisins") && !html.contains("Offre de soudure"));
    assert!(!html.contains("Besoin de soudeurs"));
    let (_, html) = get(&client, &node, "/events?age_group=6-11").await;
    assert!(html.contains("Atelier enfants") && !html.contains("Repas seniors"));
    assert!(html.contains("name=\"age_group\"") && !html.contains("name=\"skills\""));
    let (_, html) = get(&client, &node, "/resources?public=familles").await;
    assert!(html.contains("Guide pour tous"));

    let (status, html) = get(&client, &node, "/archive").await;
    assert_eq!(status, 200);
    assert!(html.contains("Fête passée") && html.contains("Fête des voisins"));
    assert!(text_of(&html, ".outcome").contains("Deux ateliers ouverts"));
    assert!(
        !html.contains("Atelier enfants"),
        "what is to come is not archived"
    );
    let (_, html) = get(&client, &node, "/archive?q=voisins").await;
    assert!(html.contains("Fête des voisins") && !html.contains("Fête passée"));

    for path in [
        "/calls?type=gift",
        "/events?age_group=99",
        "/archive?deadline_before=demain",
    ] {
        let (status, html) = get(&client, &node, path).await;
        assert_eq!(status, 400, "{path}");
        assert!(!text_of(&html, ".error").is_empty(), "{path}");
    }
}

on_both_backends!(page_filters => page_filters_sqlite, page_filters_postgres);

/// The local lists (`/api/v1/{collection}`, `/api/v1/territories/{slug}/{collection}`)
/// take the network lists' filters and give them the same meaning: each answers what the
/// network list answers for the same filter, less what is not this node's (or not the
/// territory's).
async fn local_list_filters(backend: Backend) {
    let Some(node) = node_with_publications(backend).await else {
        return;
    };
    let admin = node.member("editor", true).await;
    node.territory(
        &admin,
        json!({"slug": "jardin", "name": "Jardin", "kind": "tiers_lieu", "languages": ["fr"]}),
    )
    .await;
    let (status, body) = node
        .send(
            Method::POST,
            "/api/v1/territories/jardin/calls",
            Some(&admin),
            Some(json!({"title": "Besoin de jardiniers", "type": "need",
                        "skills_wanted": ["Soudure des tuyaux"]})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let remote = "Offre de soudure";
    for (collection, filter, expected) in [
        (
            "calls",
            "type=need",
            &["Besoin de jardiniers", "Besoin de soudeurs"][..],
        ),
        ("calls", "type=offer", &[]),
        ("calls", "status=closed", &["Fête des voisins"]),
        (
            "calls",
            "skills=SOUD",
            &["Besoin de jardiniers", "Besoin de soudeurs"],
        ),
        ("calls", "skills=arc&type=need", &["Besoin de soudeurs"]),
        (
            "calls",
            "deadline_before=2031-06-30",
            &["Besoin de soudeurs"],
        ),
        ("calls", "deadline_before=2031-06-29", &[]),
        (
            "calls",
            "deadline_after=2031-07-01",
            &["Besoin de jardiniers", "Fête des voisins"],
        ),
        (
            "calls",
            "public=demandeurs%20d%27emploi&age_group=seniors",
            &[
                "Besoin de jardiniers",
                "Besoin de soudeurs",
                "Fête des voisins",
            ],
        ),
        ("events", "age_group=6-11", &["Atelier enfants"]),
        ("events", "age_group=seniors", &["Repas seniors"]),
        ("resources", "age_group=seniors", &["Guide pour tous"]),
    ] {
        let local = titles(&node, &format!("/api/v1/{collection}?{filter}")).await;
        assert_eq!(local, expected, "/api/v1/{collection}?{filter}");
        let mut network = titles(&node, &format!("/api/v1/network/{collection}?{filter}")).await;
        network.retain(|t| t != remote);
        assert_eq!(
            local, network,
            "{collection}?{filter}: one meaning for both lists"
        );
        let mut fablab: Vec<String> = expected
            .iter()
            .filter(|t| **t != "Besoin de jardiniers")
            .map(|t| t.to_string())
            .collect();
        fablab.sort();
        assert_eq!(
            titles(
                &node,
                &format!("/api/v1/territories/fablab/{collection}?{filter}")
            )
            .await,
            fablab,
            "territories/fablab/{collection}?{filter}"
        );
        assert_eq!(
            titles(
                &node,
                &format!("/api/v1/{collection}?territory=fablab&{filter}")
            )
            .await,
            fablab
        );
    }
    // Without a filter, the lists are what they were: everything current, past only on ask.
    assert_eq!(
        titles(&node, "/api/v1/events").await,
        ["Atelier enfants", "Repas seniors"]
    );
    assert_eq!(
        titles(&node, "/api/v1/events?current=false").await,
        ["Atelier enfants", "Fête passée", "Repas seniors"]
    );
    let (_, body) = node
        .send(Method::GET, "/api/v1/calls?type=need&limit=1", None, None)
        .await;
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["title"], "Besoin de jardiniers", "newest first");
    assert_eq!(items[0]["territory"], "jardin");
    assert!(items[0]["html"].is_string(), "the publication's full form");
    for (path, parameter) in [
        ("/api/v1/calls?type=gift", "type"),
        ("/api/v1/territories/fablab/calls?status=done", "status"),
        ("/api/v1/events?age_group=99", "age_group"),
        ("/api/v1/events?type=need", "type"),
        (
            "/api/v1/territories/fablab/resources?deadline_after=2031-01-01",
            "deadline_after",
        ),
        (
            "/api/v1/calls?deadline_before=30/06/2031",
            "deadline_before",
        ),
    ] {
        let (status, body) = node.send(Method::GET, path, None, None).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.to_string().contains(parameter), "{path}: {body}");
    }
}

on_both_backends!(local_list_filters => local_list_filters_sqlite, local_list_filters_postgres);
