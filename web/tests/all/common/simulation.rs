//! A network of Rhizome nodes in one process, each with its own SQLite database and its own
//! `localhost:PORT` origin, wired like a real network: regional hubs every node subscribes
//! to, regional territory follows (a fifth of them scoped), 2% of nodes down. Events are
//! published on random nodes; the run measures when every node that should have an event
//! has it, what was sent, and how far a fresh node discovers the network from one seed.

use std::time::{Duration, Instant};

use rhizome_federation::Stats;
use rhizome_node::network::Scope;
use rhizome_node::publication::PublicationKind;
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::theme::Theme;
use rhizome_node::{Publication, PublicationBody, Territory};
use serde_json::json;

use super::{Backend, Node};

#[derive(Debug)]
pub struct Report {
    pub nodes: usize,
    pub hubs: usize,
    pub down: usize,
    pub events: usize,
    /// (node, event) pairs that should have arrived, and those that did.
    pub expected: usize,
    pub reached: usize,
    pub setup: Duration,
    pub propagation: Duration,
    /// Time the harness spent watching for arrivals during propagation (on the runtime's
    /// threads, so taken from the nodes' share of the cores).
    pub harness: Duration,
    pub deliveries: u64,
    pub bytes: u64,
    pub signatures: u64,
    /// Copies stored beyond one per (node, event): must be zero.
    pub duplicates: usize,
    /// Peers a fresh node verified from one seed, and how many it could have.
    pub discovered: usize,
    pub discoverable: usize,
    /// Rounds the fresh node needed, and the time all discovery took.
    pub discovery_rounds: usize,
    pub discovery: Duration,
}

/// A small deterministic generator, so runs are repeatable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn territory(i: usize, region: usize) -> Territory {
    let draft: TerritoryDraft = serde_json::from_value(json!({
        "slug": format!("t{i}"), "name": format!("Territoire {i}"), "kind": "tiers_lieu", "languages": ["fr"],
        "themes": [if i.is_multiple_of(2) { "climate" } else { "culture" }],
        "place": {"latitude": 43.0 + region as f64, "longitude": 0.1 * (i % 50) as f64}
    }))
    .unwrap();
    Territory::new(draft.validate("Europe/Paris").unwrap())
}

async fn start_nodes(n: usize, hubs: usize) -> Vec<Node> {
    let mut nodes = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(50) {
        let mut set = tokio::task::JoinSet::new();
        for &i in chunk {
            set.spawn(async move {
                let node = Node::start_polling(
                    Backend::Sqlite,
                    |c| {
                        c.hub = i < hubs;
                        // A thousand nodes share one process's file descriptors.
                        c.http_idle_timeout_seconds = 2;
                        // Every peer connects from 127.0.0.1 here, where a real network's
                        // come from a thousand addresses: the per-address cap would close
                        // a hub's or an origin's connections under the burst of a relay.
                        c.max_connections_per_address = 100_000;
                    },
                    Duration::from_secs(10),
                )
                .await
                .unwrap();
                let t = territory(i, i % hubs);
                node.store.insert_territory(&t).await.unwrap();
                // Keys are made on first use; make them now, outside the measured part.
                node.federation().keys.local(t.id).await.unwrap();
                node.federation()
                    .keys
                    .local(uuid::Uuid::nil())
                    .await
                    .unwrap();
                (i, node)
            });
        }
        let mut started: Vec<(usize, Node)> = set.join_all().await;
        started.sort_by_key(|(i, _)| *i);
        nodes.extend(started.into_iter().map(|(_, n)| n));
    }
    nodes
}

pub async fn run(n: usize, events: usize, seed: u64) -> Report {
    assert!(n >= 10);
    let setup_start = Instant::now();
    let hubs = (n / 100).max(1);
    let region = |i: usize| i % hubs;
    let nodes = start_nodes(n, hubs).await;
    eprintln!(
        "simulation: {n} nodes started in {:.1} s",
        setup_start.elapsed().as_secs_f64()
    );
    let mut rng = Rng(seed | 1);
    let limit = Duration::from_secs(30 + n as u64 / 2);

    // Hubs subscribe to the next hub (a ring), so the regions form one connected network.
    if hubs > 1 {
        for h in 0..hubs {
            nodes[h]
                .federation()
                .subscribe_node(&nodes[(h + 1) % hubs].host(), Scope::default(), false)
                .await
                .unwrap();
        }
    }
    // Every node subscribes to its region's hub (which follows back); territories follow
    // two others of their region, one follow in five scoped to climate events.
    let mut follows = 0;
    for i in hubs..n {
        let fed = nodes[i].federation();
        fed.subscribe_node(&nodes[region(i)].host(), Scope::default(), false)
            .await
            .unwrap();
        let me = nodes[i].stored_territory(&format!("t{i}")).await;
        for _ in 0..2 {
            let mut j = hubs + rng.below(n - hubs);
            while region(j) != region(i) || j == i {
                j = hubs + rng.below(n - hubs);
            }
            follows += 1;
            let scope = if follows % 5 == 0 {
                Scope {
                    kinds: vec![PublicationKind::Event],
                    themes: vec![Theme::Climate],
                    near: None,
                }
            } else {
                Scope::default()
            };
            let admin = rhizome_node::Principal {
                member: rhizome_node::member::Member::new("sim", "a long enough password", true)
                    .unwrap(),
                editor_of: vec![],
            };
            (fed.actions())
                .follow(&admin, &me, &nodes[j].url(&format!("/t/t{j}")), scope)
                .await
                .unwrap();
        }
    }
    super::eventually_within("hubs following back", limit, async || {
        for (h, hub) in nodes.iter().enumerate().take(hubs) {
            let subs = hub.store.node_subscriptions().await.unwrap();
            let expected = (hubs..n).filter(|&i| region(i) == h).count();
            if subs.len() < expected
                || subs
                    .iter()
                    .any(|s| s.state != rhizome_node::social::FollowState::Accepted)
            {
                return false;
            }
        }
        true
    })
    .await;

    eprintln!(
        "simulation: wired in {:.1} s",
        setup_start.elapsed().as_secs_f64()
    );
    // 2% of the nodes go down (never a hub).
    let down: Vec<usize> = (0..(n / 50).max(1))
        .map(|k| hubs + (k * 37 + 11) % (n - hubs))
        .collect();
    for &d in &down {
        nodes[d].stop();
    }
    let up = |i: usize| !down.contains(&i);
    let setup = setup_start.elapsed();

    // Publish events on random live nodes; every live node of the region should get each.
    let counters = |nodes: &[Node]| {
        nodes.iter().fold((0, 0, 0), |(d, b, s), node| {
            let st = &node.federation().stats;
            (
                d + Stats::get(&st.delivered),
                b + Stats::get(&st.delivered_bytes),
                s + Stats::get(&st.signatures),
            )
        })
    };
    let before = counters(&nodes);
    let start = Instant::now();
    let mut published = Vec::new();
    for k in 0..events {
        let mut p = hubs + rng.below(n - hubs);
        while !up(p) {
            p = hubs + rng.below(n - hubs);
        }
        let t = nodes[p].stored_territory(&format!("t{p}")).await;
        let theme = if k % 2 == 0 { "climate" } else { "culture" };
        let body = PublicationBody::from_draft(
            PublicationKind::Event,
            json!({"title": format!("Événement {k}"), "starts_at": "2031-09-01T18:00", "ends_at": "2031-09-01T20:00",
                   "place": {"name": "Salle"}, "themes": [theme]}),
            &t,
        )
        .unwrap();
        let publication = Publication::new(t.id, body);
        nodes[p]
            .federation()
            .actions()
            .store_new(&t, &publication)
            .await
            .unwrap();
        published.push((p, nodes[p].url(&format!("/events/{}", publication.id))));
    }
    let expected: Vec<(usize, &str)> = published
        .iter()
        .flat_map(|(p, url)| {
            (0..n)
                .filter(move |&i| i != *p && up(i) && region(i) == region(*p))
                .map(move |i| (i, url.as_str()))
        })
        .collect();
    // Arrivals are watched through each node's in-memory count of publications stored, so
    // the harness costs almost nothing while the network works: the database is read only
    // when the count says enough has arrived, and then only for the pairs still missing.
    // Propagation ends at the last change of the count before every pair was found.
    let stored = |nodes: &[Node]| -> u64 {
        nodes
            .iter()
            .map(|node| Stats::get(&node.federation().stats.publications_stored))
            .sum()
    };
    let stored_before = stored(&nodes);
    let mut missing: Vec<(usize, &str)> = expected.clone();
    let deadline = Instant::now() + limit;
    let mut propagation = Duration::ZERO;
    let mut harness = Duration::ZERO;
    let (mut seen, mut last_change) = (stored_before, start.elapsed());
    let mut checked_at = 0;
    while Instant::now() < deadline {
        let round = Instant::now();
        let now_stored = stored(&nodes);
        if now_stored != seen {
            (seen, last_change) = (now_stored, start.elapsed());
        }
        if seen - stored_before >= expected.len() as u64 && seen != checked_at {
            checked_at = seen;
            let mut still = Vec::new();
            for &(i, url) in &missing {
                if nodes[i]
                    .store
                    .remote_publication(url)
                    .await
                    .unwrap()
                    .is_none()
                {
                    still.push((i, url));
                }
            }
            missing = still;
            if missing.is_empty() {
                propagation = last_change;
                harness += round.elapsed();
                break;
            }
        }
        harness += round.elapsed();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    if !missing.is_empty() {
        // Past the deadline: one last look, for the report.
        let mut still = Vec::new();
        for &(i, url) in &missing {
            if nodes[i]
                .store
                .remote_publication(url)
                .await
                .unwrap()
                .is_none()
            {
                still.push((i, url));
            }
        }
        missing = still;
    }
    let reached = expected.len() - missing.len();
    eprintln!(
        "simulation: {reached} of {} arrivals after {:.1} s",
        expected.len(),
        start.elapsed().as_secs_f64()
    );
    let after = counters(&nodes);
    let mut duplicates = 0;
    for node in &nodes {
        let stored = node
            .store
            .remote_publications(&rhizome_node::store::RemoteQuery {
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap();
        let unique: std::collections::HashSet<_> = stored.iter().map(|p| p.id.clone()).collect();
        duplicates += stored.len() - unique.len();
    }

    // Discovery: every node runs one round, checking the peers it met (up to 50); hubs
    // keep going until they have checked all their subscribers. Then a fresh node starts
    // from one seed and follows the verified lists from node to node.
    let discovery_start = Instant::now();
    for (i, node) in nodes.iter().enumerate() {
        for _ in 0..if i < hubs { 20 } else { 1 } {
            if node.federation().discovery_round().await.unwrap().checked == 0 {
                break;
            }
        }
    }
    let fresh = Node::start(Backend::Sqlite).await.unwrap();
    fresh
        .federation()
        .learn_peer(&nodes[hubs].host(), "seed")
        .await;
    let mut discovered = 0;
    let mut rounds = 0;
    for _ in 0..(n / 10 + 10) {
        let round = fresh.federation().discovery_round().await.unwrap();
        discovered = fresh.store.verified_peers(10_000).await.unwrap().len();
        if round.checked == 0 {
            break;
        }
        rounds += 1;
    }
    let discovery = discovery_start.elapsed();

    Report {
        nodes: n,
        hubs,
        down: down.len(),
        events,
        expected: expected.len(),
        reached,
        setup,
        propagation,
        harness,
        deliveries: after.0 - before.0,
        bytes: after.1 - before.1,
        signatures: after.2 - before.2,
        duplicates,
        discovered,
        discoverable: n - down.len(),
        discovery_rounds: rounds,
        discovery,
    }
}
