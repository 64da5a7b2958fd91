//! Discovery from one seed: a fresh node that knows a single peer finds the whole
//! connected network, verifying each node's own directory before listing it; lying
//! directories and garbage peer lists get nowhere.

use crate::common;

use common::mastodon::FakeMastodon;
use common::{Backend, Node};
use reqwest::Method;
use serde_json::{Value, json};

const KINDS: [&str; 5] = [
    "fablab",
    "tiers_lieu",
    "living_lab",
    "learning_city",
    "association",
];

async fn node(i: usize) -> Node {
    let node = Node::start(Backend::Sqlite).await.unwrap();
    let token = node.member("admin", true).await;
    let territory = json!({"slug": format!("t{i}"), "name": format!("Territoire {i}"), "kind": KINDS[i % 5],
        "themes": [if i.is_multiple_of(2) { "climate" } else { "culture" }], "languages": ["fr"],
        "place": {"address": "France", "latitude": 46.0 + i as f64, "longitude": 0.3}});
    node.territory(&token, territory).await;
    node
}

fn host(n: &Node) -> String {
    n.base.trim_start_matches("http://").to_owned()
}

#[tokio::test]
async fn a_fresh_node_finds_a_connected_network_from_one_seed() {
    // A chain: each node has met only the next one.
    let mut chain = Vec::new();
    for i in 0..5 {
        chain.push(node(i).await);
    }
    for i in 0..4 {
        assert!(
            chain[i]
                .federation()
                .learn_peer(&host(&chain[i + 1]), "contact")
                .await
        );
    }
    // Each verifies its neighbour, last first, so every list holds a verified host.
    for n in chain.iter().rev() {
        n.federation().discovery_round().await.unwrap();
    }

    let fresh = node(9).await;
    fresh
        .federation()
        .learn_peer(&host(&chain[0]), "seed")
        .await;
    for _ in 0..6 {
        fresh.federation().discovery_round().await.unwrap();
    }
    let (_, directory) = fresh
        .send(Method::GET, "/api/v1/network/directory", None, None)
        .await;
    let mut names: Vec<&str> = directory["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "Territoire 0",
            "Territoire 1",
            "Territoire 2",
            "Territoire 3",
            "Territoire 4",
            "Territoire 9"
        ]
    );
    let peers: Value = fresh.get_json("/peers").await;
    assert_eq!(peers["peers"].as_array().unwrap().len(), 5);

    // Searchable by name, kind, theme and distance.
    let search = |q: &str| {
        let url = fresh.url(&format!("/api/v1/network/directory?{q}"));
        let http = fresh.http.clone();
        async move {
            let body: Value = http.get(url).send().await.unwrap().json().await.unwrap();
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("q=toire%203").await, vec!["Territoire 3"]);
    assert_eq!(search("kind=living_lab").await, vec!["Territoire 2"]);
    assert_eq!(search("theme=culture").await.len(), 3);
    assert_eq!(search("near=47.0,0.3,60").await, vec!["Territoire 1"]);
    assert_eq!(search("language=en").await.len(), 0);
    let entry = directory["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Territoire 3")
        .unwrap();
    assert_eq!(entry["node"], host(&chain[3]));
    assert_eq!(entry["handle"], format!("@t3@{}", host(&chain[3])));
}

#[tokio::test]
async fn lying_directories_and_garbage_lists_are_not_listed() {
    let fresh = node(0).await;
    let liar = FakeMastodon::start().await;
    liar.serve(
        "/directory",
        json!({"node": "trusted.example", "territories": [{"name": "Faux"}]}),
    );
    let garbage = FakeMastodon::start().await;
    let mut list: Vec<Value> = vec![
        json!(42),
        json!("10.0.0.1"),
        json!("127.0.0.1:8080"),
        json!("not a host"),
        json!(host(&fresh)),
    ];
    list.extend((0..5000).map(|i| json!(format!("h{}.invalid", i % 1500))));
    garbage.serve(
        "/directory",
        json!({"node": host_of(garbage.base()), "territories": [{"name": "Réel"}, "junk"]}),
    );
    garbage.serve("/peers", json!({"peers": list}));
    assert!(
        fresh
            .federation()
            .learn_peer(&host_of(liar.base()), "contact")
            .await
    );
    assert!(
        fresh
            .federation()
            .learn_peer(&host_of(garbage.base()), "contact")
            .await
    );
    assert!(
        !fresh
            .federation()
            .learn_peer("192.168.1.10", "contact")
            .await,
        "IP literals are never peers"
    );

    let round = fresh.federation().discovery_round().await.unwrap();
    assert_eq!((round.checked, round.verified, round.failed), (2, 1, 1));
    // Only the first 1000 entries were read: 5 were garbage or ourselves, 995 new hosts.
    assert_eq!(round.learnt, 995);
    let peers: Value = fresh.get_json("/peers").await;
    assert_eq!(
        peers["peers"],
        json!([host_of(garbage.base())]),
        "learnt hosts are not listed before their own check"
    );
    let (_, directory) = fresh
        .send(Method::GET, "/api/v1/network/directory", None, None)
        .await;
    let names: Vec<&str> = directory["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Réel") && !names.contains(&"Faux"),
        "{names:?}"
    );
    // Blocked domains are never learnt.
    fresh
        .store
        .block_domain("blocked.example", "")
        .await
        .unwrap();
    fresh.federation().blocks_changed().await;
    assert!(
        !fresh
            .federation()
            .learn_peer("blocked.example", "contact")
            .await
    );
}

/// A territory's inventory reaches the other nodes through its node's directory, is
/// searchable there, and a peer's malformed inventory is left out, not its entry.
#[tokio::test]
async fn the_directory_carries_and_searches_inventories() {
    let a = node(0).await;
    let b = Node::start(Backend::Sqlite).await.unwrap();
    let token = b.member("admin", true).await;
    b.territory(
        &token,
        json!({"slug": "fablab", "name": "Fablab de Niort", "kind": "fablab",
        "languages": ["fr"],
        "inventory": {"shares": [{"label": "Découpeuse laser", "tags": ["équipement"]}],
                      "seeks": [{"label": "Apiculture urbaine"}]}}),
    )
    .await;
    let hostile = FakeMastodon::start().await;
    hostile.serve(
        "/directory",
        json!({"node": host_of(hostile.base()), "territories": [
            {"name": "Tiers-lieu piégé", "inventory": {"shares": [{"label": "x\u{7}".repeat(500)}], "extra": 1}}]}),
    );
    for peer in [host(&b), host_of(hostile.base())] {
        assert!(a.federation().learn_peer(&peer, "contact").await);
    }
    a.federation().discovery_round().await.unwrap();

    let search = async |q: &str| -> Vec<Value> {
        let url = a.url(&format!("/api/v1/network/directory?q={q}"));
        let body: Value = a.http.get(url).send().await.unwrap().json().await.unwrap();
        body["items"].as_array().unwrap().clone()
    };
    let found = search("laser").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["name"], "Fablab de Niort");
    assert_eq!(
        found[0]["inventory"]["seeks"][0]["label"],
        "Apiculture urbaine"
    );
    assert_eq!(
        search("apiculture").await.len(),
        1,
        "what it seeks is searched too"
    );
    assert_eq!(search("equipement").await.len(), 1, "tags, accents ignored");
    let trapped = search("piégé").await;
    assert_eq!(trapped.len(), 1, "the entry stays: {trapped:?}");
    assert_eq!(trapped[0]["inventory"], json!({}), "its inventory does not");

    let page = a
        .http
        .get(a.url("/network"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Découpeuse laser"), "{page}");
}

fn host_of(base: &str) -> String {
    base.trim_start_matches("http://").to_owned()
}
