//! Matching over real HTTP: a need published on node A, an offer on node B that A knows
//! (A follows B); A's need page lists B's offer under "who could help", with its reasons,
//! and so do the JSON API and A's matching board; a territory's inventory entry is
//! suggested too, and an unrelated offer is not.

use crate::answers::{follow, network_calls, node_with, page, publish_call};
use crate::common;

use common::{Backend, eventually};
use reqwest::Method;
use serde_json::json;

async fn a_need_on_a_lists_the_offer_of_b(backend: Backend) {
    let Some((a, a_token)) = node_with(backend, "ville", "Ville apprenante").await else {
        return;
    };
    let (b, b_token) = node_with(backend, "fablab", "Fablab de Poitiers")
        .await
        .unwrap();
    let offer = publish_call(
        &b,
        &b_token,
        "fablab",
        json!({"type": "offer", "title": "Imprimantes 3D à prêter",
               "description": "Deux imprimantes 3D et du filament.", "themes": ["science_digital"]}),
    )
    .await;
    publish_call(
        &b,
        &b_token,
        "fablab",
        json!({"type": "offer", "title": "Cours de guitare", "description": "Le mardi soir."}),
    )
    .await;
    follow(&a, &a_token, "ville", &b, "fablab").await;
    eventually("A knows B's offers", async || {
        network_calls(&a).await.len() >= 2
    })
    .await;
    // A's own territory lends a machine, in its inventory.
    let (status, body) = a
        .send(
            Method::PATCH,
            "/api/v1/territories/ville",
            Some(&a_token),
            Some(
                json!({"inventory": {"shares": [{"label": "Imprimante 3D", "tags": ["fablab"]}]}}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let need = publish_call(
        &a,
        &a_token,
        "ville",
        json!({"type": "need", "title": "Besoin d'impression 3D",
               "description": "Pour un atelier d'impression 3D avec des collégiens.",
               "deadline": "2031-06-30", "themes": ["science_digital"]}),
    )
    .await;
    let need_id = need["id"].as_str().unwrap().to_owned();

    // The need's page: B's offer, linked to its page on A, with a reason.
    let html = page(&a, &format!("/calls/{need_id}")).await;
    let offer_id = offer["url"].as_str().unwrap();
    assert!(html.contains("class=\"suggestions\""), "{html}");
    assert!(html.contains("Imprimantes 3D à prêter"), "{html}");
    let link = format!(
        "/network/publication?id={}",
        url::form_urlencoded::byte_serialize(offer_id.as_bytes()).collect::<String>()
    );
    // Templates escape `/` in attributes.
    assert!(html.contains(&link.replace('/', "&#x2f;")), "{html}");
    assert!(html.contains("Imprimante 3D"), "inventory entry: {html}");
    assert!(!html.contains("Cours de guitare"), "{html}");

    // The JSON API says the same, with the reasons.
    let (status, body) = a
        .send(
            Method::GET,
            &format!("/api/v1/calls/{need_id}/suggestions"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["suggesting"], "offers");
    let list = body["suggestions"].as_array().unwrap();
    let from_b = list
        .iter()
        .find(|s| s["item"]["id"] == offer_id)
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(from_b["kind"], "publication");
    assert_eq!(from_b["item"]["origin"]["local"], false);
    assert!(
        !from_b["reasons"]["concepts"].as_array().unwrap().is_empty(),
        "{from_b}"
    );
    assert!(list.iter().any(|s| s["kind"] == "inventory"
        && s["item"]["entry"]["label"] == "Imprimante 3D"
        && s["item"]["territory"]["local"] == true));
    assert!(
        !list
            .iter()
            .any(|s| s["item"]["title"] == "Cours de guitare")
    );
    // Unknown calls and bad parameters are refused clearly.
    let (status, _) = a
        .send(Method::GET, "/api/v1/calls/nope/suggestions", None, None)
        .await;
    assert_eq!(status, 404);
    let (status, body) = a
        .send(
            Method::GET,
            "/api/v1/network/matching?theme=nonsense",
            None,
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("theme"), "{body}");

    // The board lists A's need with B's offer; a theme filter that fits none, nothing.
    let (status, board) = a
        .send(Method::GET, "/api/v1/network/matching", None, None)
        .await;
    assert_eq!(status, 200, "{board}");
    let needs = board["needs"].as_array().unwrap();
    assert_eq!(needs.len(), 1, "{board}");
    assert!(
        needs[0]["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["item"]["id"] == offer_id)
    );
    let (_, none) = a
        .send(
            Method::GET,
            "/api/v1/network/matching?theme=culture",
            None,
            None,
        )
        .await;
    assert_eq!(none["needs"].as_array().unwrap().len(), 0, "{none}");
    // By age group: a need that names none is for everyone; an unknown group is refused.
    let (status, kids) = a
        .send(
            Method::GET,
            "/api/v1/network/matching?age_group=6-11",
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{kids}");
    assert_eq!(kids["needs"].as_array().unwrap().len(), 1, "{kids}");
    let (status, body) = a
        .send(
            Method::GET,
            "/api/v1/network/matching?age_group=toddlers",
            None,
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("age_group"), "{body}");
    let html = page(&a, "/network/matching").await;
    assert!(
        html.contains("Besoin d&#x27;impression 3D") && html.contains("Imprimantes 3D à prêter"),
        "{html}"
    );

    // On B, the offer's page lists A's need only once B knows it: B does not follow A.
    let offer_local_id = offer["id"].as_str().unwrap();
    let html = page(&b, &format!("/calls/{offer_local_id}")).await;
    assert!(!html.contains("impression 3D"), "{html}");

    // Notices: B publishes a new offer that fits A's open need; once it arrives, A's
    // editors find it in /manage, beside the need it fits. An unrelated one is not noticed.
    publish_call(
        &b,
        &b_token,
        "fablab",
        json!({"type": "offer", "title": "Scanner et imprimante 3D en prêt",
               "description": "Impression 3D pour vos ateliers.", "themes": ["science_digital"]}),
    )
    .await;
    publish_call(
        &b,
        &b_token,
        "fablab",
        json!({"type": "offer", "title": "Chorale du jeudi", "description": "Chant."}),
    )
    .await;
    let ville = a.store.territory_by_slug("ville").await.unwrap().unwrap();
    eventually("A's need notices B's new offer", async || {
        a.store
            .match_notices(ville.id, false, 10)
            .await
            .unwrap()
            .iter()
            .any(|n| n.matched_title == "Scanner et imprimante 3D en prêt")
    })
    .await;
    let notices = a.store.match_notices(ville.id, false, 10).await.unwrap();
    assert!(
        notices.iter().all(|n| n.call_id.to_string() == need_id),
        "{notices:?}"
    );
    assert!(
        !notices
            .iter()
            .any(|n| n.matched_title == "Chorale du jeudi"),
        "{notices:?}"
    );
    let editor = crate::common::pages::browser();
    crate::common::pages::login(&editor, &a, "admin", crate::common::pages::PASSWORD).await;
    let (_, dashboard) = crate::common::pages::get(&editor, &a, "/manage").await;
    let shown = crate::common::pages::text_of(&dashboard, ".notices");
    assert!(
        shown.contains("Scanner et imprimante 3D en prêt")
            && shown.contains("Besoin d'impression 3D"),
        "{dashboard}"
    );
}

common::on_both_backends!(a_need_on_a_lists_the_offer_of_b =>
    a_need_on_a_lists_the_offer_of_b_sqlite,
    a_need_on_a_lists_the_offer_of_b_postgres);

/// A territory that starts sharing something is noticed by the open needs it fits, on
/// its own node: once, not for its own calls, and shown in /manage with a link to it.
async fn a_new_inventory_entry_is_noticed_by_open_needs(backend: Backend) {
    let Some((node, token)) = node_with(backend, "ville", "Ville apprenante").await else {
        return;
    };
    node.territory(
        &token,
        json!({"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab", "languages": ["fr"],
               "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}}),
    )
    .await;
    let need = publish_call(
        &node,
        &token,
        "ville",
        json!({"type": "need", "title": "Besoin d'une découpeuse laser",
               "description": "Pour découper du bois au laser avec les jeunes."}),
    )
    .await;
    publish_call(
        &node,
        &token,
        "fablab",
        json!({"type": "need", "title": "Découpe laser pour nos panneaux", "description": "Découpeuse laser."}),
    )
    .await;
    let share =
        json!({"inventory": {"shares": [{"label": "Découpeuse laser", "tags": ["équipement"]}]}});
    for _ in 0..2 {
        let (status, body) = node
            .send(
                Method::PATCH,
                "/api/v1/territories/fablab",
                Some(&token),
                Some(share.clone()),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let ville = node
        .store
        .territory_by_slug("ville")
        .await
        .unwrap()
        .unwrap();
    let fablab = node
        .store
        .territory_by_slug("fablab")
        .await
        .unwrap()
        .unwrap();
    let notices = node.store.match_notices(ville.id, false, 10).await.unwrap();
    assert_eq!(notices.len(), 1, "once, though saved twice: {notices:?}");
    assert_eq!(notices[0].call_id.to_string(), need["id"].as_str().unwrap());
    assert_eq!(
        notices[0].matched_title,
        "Fablab de Poitiers · Découpeuse laser"
    );
    assert!(
        node.store
            .match_notices(fablab.id, false, 10)
            .await
            .unwrap()
            .is_empty(),
        "not its own calls"
    );
    let editor = crate::common::pages::browser();
    crate::common::pages::login(&editor, &node, "admin", crate::common::pages::PASSWORD).await;
    let (_, dashboard) = crate::common::pages::get(&editor, &node, "/manage").await;
    assert!(
        dashboard.contains("&#x2f;t&#x2f;fablab") || dashboard.contains("/t/fablab\""),
        "{dashboard}"
    );
    let shown = crate::common::pages::text_of(&dashboard, ".notices");
    assert!(
        shown.contains("Fablab de Poitiers · Découpeuse laser"),
        "{dashboard}"
    );
    notices_are_seen_from_the_pages(&node, &editor, &token, &ville).await;
}

/// The dashboard counts the notices no editor saw and marks the new ones; opening the
/// territory's notices marks them seen, and so does the dashboard's button, for what came
/// since.
async fn notices_are_seen_from_the_pages(
    node: &crate::common::Node,
    editor: &reqwest::Client,
    token: &str,
    ville: &rhizome_node::Territory,
) {
    use crate::common::pages::{attr_of, get, post, text_of};
    let (_, dashboard) = get(editor, node, "/manage").await;
    assert!(
        text_of(&dashboard, ".notices-unseen").contains("une nouvelle"),
        "{dashboard}"
    );
    assert!(text_of(&dashboard, ".notices li.new").contains("Découpeuse laser"));
    let (status, list) = get(editor, node, "/manage/t/ville/notices").await;
    assert_eq!(status, 200);
    assert!(
        text_of(&list, "li.new").contains("Fablab de Poitiers · Découpeuse laser"),
        "new until opened: {list}"
    );
    assert_eq!(node.store.unseen_match_notices(ville.id).await.unwrap(), 0);
    let (_, dashboard) = get(editor, node, "/manage").await;
    assert!(text_of(&dashboard, ".notices-unseen").contains("rien de nouveau"));
    assert!(text_of(&dashboard, ".notices li.new").is_empty());
    assert!(!dashboard.contains("/notices/seen"), "nothing to mark");
    // Something new: the dashboard's button marks it seen.
    let share = json!({"inventory": {"shares": [
        {"label": "Découpeuse laser", "tags": ["équipement"]},
        {"label": "Graveuse laser pour le bois", "tags": ["équipement"]}
    ]}});
    let (status, body) = node
        .send(
            Method::PATCH,
            "/api/v1/territories/fablab",
            Some(token),
            Some(share),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(node.store.unseen_match_notices(ville.id).await.unwrap(), 1);
    let (_, dashboard) = get(editor, node, "/manage").await;
    let csrf = attr_of(&dashboard, "input[name=csrf]", "value").unwrap();
    let (status, _, to) = post(
        editor,
        node,
        "/manage/t/ville/notices/seen",
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!((status, to.as_deref()), (303, Some("/manage")));
    assert_eq!(node.store.unseen_match_notices(ville.id).await.unwrap(), 0);
    // Without the page's token, nothing is marked.
    let (status, _, _) = post(editor, node, "/manage/t/ville/notices/seen", &[]).await;
    assert_eq!(status, 403);
    // Not an editor of the territory: refused.
    let stranger = crate::common::pages::browser();
    let (status, _) = get(&stranger, node, "/manage/t/ville/notices").await;
    assert_ne!(status, 200);
}

common::on_both_backends!(a_new_inventory_entry_is_noticed_by_open_needs =>
    a_new_inventory_entry_is_noticed_by_open_needs_sqlite,
    a_new_inventory_entry_is_noticed_by_open_needs_postgres);

/// A peer's directory read again with a territory that now shares something one of our
/// open needs could use: the need's editors are told, with a link to that territory; a
/// directory read again unchanged tells nothing more.
async fn a_peers_new_inventory_entry_is_noticed(backend: Backend) {
    let Some((a, token)) = node_with(backend, "ville", "Ville apprenante").await else {
        return;
    };
    let need = publish_call(
        &a,
        &token,
        "ville",
        json!({"type": "need", "title": "Besoin d'une découpeuse laser",
               "description": "Pour découper du bois au laser avec les jeunes."}),
    )
    .await;
    let b = common::Node::start(Backend::Sqlite).await.unwrap();
    let admin = b.member("admin", true).await;
    b.territory(
        &admin,
        json!({"slug": "fablab", "name": "Fablab de Niort", "kind": "fablab", "languages": ["fr"],
               "place": {"address": "Niort", "latitude": 46.32, "longitude": -0.46},
               "inventory": {"shares": [{"label": "Découpeuse laser", "tags": ["équipement"]},
                                        {"label": "Cours de guitare"}]}}),
    )
    .await;
    assert!(a.federation().learn_peer(&b.host(), "contact").await);
    a.federation().discovery_round().await.unwrap();
    let ville = a.store.territory_by_slug("ville").await.unwrap().unwrap();
    let notices = a.store.match_notices(ville.id, false, 10).await.unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].call_id.to_string(), need["id"].as_str().unwrap());
    assert_eq!(
        notices[0].matched_title,
        "Fablab de Niort · Découpeuse laser"
    );
    let peer = a.store.verified_peers(10).await.unwrap();
    let directory = peer[0].directory.clone().unwrap();
    a.federation()
        .actions()
        .notice_directory(&b.host(), Some(&directory), &directory)
        .await;
    assert_eq!(
        a.store
            .match_notices(ville.id, false, 10)
            .await
            .unwrap()
            .len(),
        1,
        "nothing new, nothing told"
    );
    let editor = crate::common::pages::browser();
    crate::common::pages::login(&editor, &a, "admin", crate::common::pages::PASSWORD).await;
    let (_, dashboard) = crate::common::pages::get(&editor, &a, "/manage").await;
    let link = crate::common::pages::attr_of(&dashboard, ".notices li a", "href").unwrap();
    assert!(
        link.starts_with(&format!("http://{}/t/fablab", b.host())),
        "the peer's territory: {link}"
    );
}

common::on_both_backends!(a_peers_new_inventory_entry_is_noticed =>
    a_peers_new_inventory_entry_is_noticed_sqlite,
    a_peers_new_inventory_entry_is_noticed_postgres);
