//! Inbound at speed: one node whose territory follows 100 remote actors (accepted in the
//! store directly) receives their signed `Create{Event}`s over real HTTP on loopback, each
//! verified, stored and indexed before its 202. The actors (RSA-2048 keys made here) are
//! served by a Mastodon-shaped peer on loopback; every POST is signed before timing.
//! Phase 1 saturates the inbox with N concurrent connections; phase 2 sends at half the
//! rate reached, on a fixed schedule (open loop: a late answer does not delay the next
//! request), and reports the time to 202 from each request's scheduled instant. The floor,
//! measured in the same run, is one signature verification per core. SQLite always,
//! PostgreSQL too when `RHIZOME_TEST_DATABASE_URL` is set.
//!
//!     cargo bench -p rhizome-web --bench inbound
//!     INBOUND_REQUESTS=2000 cargo bench -p rhizome-web --bench inbound    # small

#[path = "../tests/all/common/mod.rs"]
mod common;
// The signing floor in it is the other benches'.
#[allow(dead_code)]
#[path = "../../federation/benches/report.rs"]
mod report;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use common::mastodon::FakeMastodon;
use common::{Backend, Node};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rhizome_node::listing::{ListingQuery, Origin};
use rhizome_node::network::{Following, Scope};
use rhizome_node::publication::PublicationKind;
use rhizome_node::social::FollowState;
use rhizome_node::store::RemoteQuery;
use serde_json::{Value, json};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../federation/tests/fixtures/mobilizon/create_event.json"
);

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Settings {
    actors: usize,
    /// Requests of phase 1 (saturation) and of phase 2 (open loop).
    saturated: usize,
    open: usize,
    connections: usize,
}

/// One pre-signed POST.
struct Signed {
    headers: Vec<(String, String)>,
    body: Bytes,
}

/// Time spent on the CPU, by the node (every thread but the main one) and by the load
/// generator (the main thread, which runs the client's runtime).
#[derive(Clone, Copy, Default)]
struct Cpu {
    node: Duration,
    harness: Duration,
}

impl Cpu {
    /// From `/proc/self/task/*/schedstat` (nanoseconds on the CPU per thread).
    fn now() -> Cpu {
        let pid = std::process::id().to_string();
        let mut cpu = Cpu::default();
        for task in std::fs::read_dir("/proc/self/task").into_iter().flatten() {
            let Ok(task) = task else { continue };
            let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) else {
                continue;
            };
            let ns: u64 = text
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if task.file_name().to_str() == Some(pid.as_str()) {
                cpu.harness += Duration::from_nanos(ns);
            } else {
                cpu.node += Duration::from_nanos(ns);
            }
        }
        cpu
    }

    fn since(self, before: Cpu) -> Cpu {
        Cpu {
            node: self.node.saturating_sub(before.node),
            harness: self.harness.saturating_sub(before.harness),
        }
    }
}

struct Phase {
    requests: usize,
    wall: Duration,
    latencies: Vec<Duration>,
    cpu: Cpu,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    /// Node CPU per request, in microseconds.
    fn node_cpu_per_request(&self) -> f64 {
        self.cpu.node.as_secs_f64() * 1e6 / self.requests as f64
    }

    fn harness_share(&self) -> f64 {
        let total = self.cpu.node + self.cpu.harness;
        self.cpu.harness.as_secs_f64() / total.as_secs_f64().max(1e-9)
    }
}

struct Figures {
    backend: &'static str,
    saturated: Phase,
    open_target: f64,
    open: Phase,
    stored: usize,
    indexed: usize,
    expected: usize,
    index_lag: Duration,
}

fn main() {
    let settings = Settings {
        actors: setting("INBOUND_ACTORS", 100),
        saturated: setting("INBOUND_REQUESTS", 20_000),
        open: setting(
            "INBOUND_OPEN_REQUESTS",
            setting("INBOUND_REQUESTS", 20_000) / 2,
        ),
        connections: setting("INBOUND_CONNECTIONS", 32),
    };
    assert!(
        (settings.saturated + settings.open) / settings.actors < 1000,
        "at most 1000 Creates per actor (the stored rows are counted per actor)"
    );
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let verify = report::one_verification_seconds();
    let floor = cores as f64 / verify;
    let mut figures = vec![run(Backend::Sqlite, &settings)];
    if std::env::var("RHIZOME_TEST_DATABASE_URL").is_ok() {
        figures.push(run(Backend::Postgres, &settings));
    }
    let mut rows = String::new();
    for f in &figures {
        let ratio = f.saturated.rate() / floor;
        rows.push_str(&format!(
            "| {} | {:.0} /s | **{ratio:.3}** ({}) | {:.1} / {:.1} ms | {:.0} /s (asked {:.0}) | {:.2} / **{:.2}** ms ({}) | {:.0} µs | {:.0}% | {} of {} stored, {} indexed (index {:.0} ms behind), 0 twice |\n",
            f.backend,
            f.saturated.rate(),
            if ratio >= 0.3 { "met" } else { "missed" },
            ms(f.saturated.percentile(0.5)),
            ms(f.saturated.percentile(0.99)),
            f.open.rate(),
            f.open_target,
            ms(f.open.percentile(0.5)),
            ms(f.open.percentile(0.99)),
            if f.open.percentile(0.99) <= Duration::from_millis(10) { "met" } else { "missed" },
            f.saturated.node_cpu_per_request(),
            f.saturated.harness_share() * 100.0,
            f.stored,
            f.expected,
            f.indexed,
            ms(f.index_lag),
        ));
    }
    let text = format!(
        "## Inbound: signed Creates from {actors} remote actors\n\n\
         Command: `cargo bench -p rhizome-web --bench inbound` (release build, {cores} cores; \
         PostgreSQL row when `RHIZOME_TEST_DATABASE_URL` is set; sizes: INBOUND_REQUESTS={saturated}, \
         INBOUND_OPEN_REQUESTS={open}, INBOUND_CONNECTIONS={connections}, INBOUND_ACTORS={actors}).\n\
         One node (the store `serve` opens), one territory following {actors} actors of a Mastodon-shaped\n\
         peer on loopback (follows accepted in the store directly); each actor's first Create, sent before\n\
         timing, makes the node fetch its actor document. Every POST is a `Create{{Event}}` (Mobilizon's\n\
         shape, 7 KB, public, attributed to its actor, admitted by the follow's scope) to the shared inbox,\n\
         signed before timing. The load generator runs in the same process on one thread; its share of\n\
         the CPU is shown.\n\n\
         Floor: one RSA-2048 verification (aws-lc-rs, same run) = {:.1} µs, so {cores} cores verify {floor:.0} /s.\n\
         Phase 1: {saturated} POSTs over {connections} connections, as fast as answered. Phase 2: {open} POSTs\n\
         at half phase 1's rate on a fixed schedule, time to 202 from each one's scheduled instant.\n\n\
         | store | phase 1 rate | **rate / floor** (target >= 0.3) | p50 / p99 under saturation | phase 2 rate | p50 / **p99** at half rate (target <= 10 ms) | node CPU per Create | load generator's CPU share | check |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n\
         {rows}",
        verify * 1e6,
        actors = settings.actors,
        saturated = settings.saturated,
        open = settings.open,
        connections = settings.connections,
    );
    println!("{text}");
    report::write_section("inbound", &text);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Sets up a node and its peer, signs every POST, runs both phases and counts what was kept.
fn run(backend: Backend, settings: &Settings) -> Figures {
    let server = tokio::runtime::Builder::new_multi_thread()
        .thread_name("node")
        .enable_all()
        .build()
        .unwrap();
    let (node, peer) = server.block_on(set_up(backend, settings.actors));
    let inbox = node.url("/inbox");
    let address = format!("127.0.0.1:{}", node.host().rsplit(':').next().unwrap());
    let names: Vec<String> = (0..settings.actors).map(|a| format!("actor{a}")).collect();
    let total = settings.actors + settings.saturated + settings.open;
    eprintln!("{backend:?}: signing {total} POSTs");
    let signed = Arc::new(sign_all(&peer, &names, &inbox, total));
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (saturated, open_target, open) = client.block_on(async {
        // Each actor's first Create: its actor document is fetched and kept.
        let warm = closed_loop(&address, &signed, 0..settings.actors, settings.connections).await;
        assert_eq!(warm.requests, settings.actors);
        let first = settings.actors;
        eprintln!("{backend:?}: phase 1");
        let saturated = closed_loop(
            &address,
            &signed,
            first..first + settings.saturated,
            settings.connections,
        )
        .await;
        let target = saturated.rate() / 2.0;
        eprintln!(
            "{backend:?}: phase 1 at {:.0} /s; phase 2 at {target:.0} /s",
            saturated.rate()
        );
        let from = first + settings.saturated;
        let open = open_loop(&address, &signed, from..total, target).await;
        (saturated, target, open)
    });
    let (stored, indexed, index_lag) = server.block_on(count_kept(&node, &peer, &names, total));
    eprintln!("{backend:?}: {stored} of {total} stored, {indexed} indexed");
    assert_eq!(stored, total, "every Create stored once");
    assert_eq!(indexed, total, "every Create indexed once");
    drop(node);
    server.shutdown_background();
    Figures {
        backend: match backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        },
        saturated,
        open_target,
        open,
        stored,
        indexed,
        expected: total,
        index_lag,
    }
}

async fn set_up(backend: Backend, actors: usize) -> (Node, FakeMastodon) {
    let node = Node::start_as_served(backend)
        .await
        .expect("RHIZOME_TEST_DATABASE_URL names the PostgreSQL database");
    let admin = node.member("admin", true).await;
    node.territory(
        &admin,
        json!({"slug": "fablab", "name": "Fablab", "kind": "fablab", "languages": ["fr"],
               "place": {"address": "Nantes", "latitude": 47.21, "longitude": -1.55}}),
    )
    .await;
    let territory = node.stored_territory("fablab").await;
    let peer = FakeMastodon::start().await;
    for a in 0..actors {
        let following = Following {
            territory_id: territory.id,
            target_id: peer.actor_id(&format!("actor{a}")),
            state: FollowState::Accepted,
            follow_activity_id: format!("{}/activities/follow-{a}", node.base),
            scope: Scope::default(),
            created_at: rhizome_node::now(),
        };
        node.store.upsert_following(&following, None).await.unwrap();
    }
    (node, peer)
}

/// The `n`th Create (of actor `n % actors`): Mobilizon's event, made this actor's.
fn create(template: &Value, peer: &FakeMastodon, names: &[String], n: usize) -> Value {
    let actor = peer.actor_id(&names[n % names.len()]);
    let id = format!("{actor}/events/{n}");
    let mut create = template.clone();
    create["id"] = format!("{id}/activity").into();
    create["actor"] = actor.clone().into();
    create["attributedTo"] = actor.clone().into();
    create["cc"] = json!([format!("{actor}/followers")]);
    let object = &mut create["object"];
    object["id"] = id.clone().into();
    object["url"] = id.into();
    object["actor"] = actor.clone().into();
    object["attributedTo"] = actor.clone().into();
    object["cc"] = json!([format!("{actor}/followers")]);
    object["contacts"] = json!([actor]);
    object["name"] = format!("Atelier réparation n°{n}").into();
    let day = 1 + n % 28;
    object["startTime"] = format!("2031-06-{day:02}T14:00:00+02:00").into();
    object["endTime"] = format!("2031-06-{day:02}T17:00:00+02:00").into();
    object["published"] = "2026-11-30T10:00:00Z".into();
    object["updated"] = "2026-11-30T10:00:00Z".into();
    create
}

/// Every POST, signed by its actor as Mastodon signs, on every core.
fn sign_all(peer: &FakeMastodon, names: &[String], inbox: &str, total: usize) -> Vec<Signed> {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let template: Value = serde_json::from_str(&text).unwrap();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut signed: Vec<Option<Signed>> = (0..total).map(|_| None).collect();
    let chunk = total.div_ceil(cores);
    std::thread::scope(|scope| {
        for (c, part) in signed.chunks_mut(chunk).enumerate() {
            let template = &template;
            scope.spawn(move || {
                for (i, slot) in part.iter_mut().enumerate() {
                    let n = c * chunk + i;
                    let body = serde_json::to_vec(&create(template, peer, names, n)).unwrap();
                    let headers = peer.sign(&names[n % names.len()], inbox, &body);
                    *slot = Some(Signed {
                        headers,
                        body: Bytes::from(body),
                    });
                }
            });
        }
    });
    signed.into_iter().map(Option::unwrap).collect()
}

async fn connect(address: &str) -> SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("connection ended: {e}");
        }
    });
    sender
}

/// POSTs one signed Create on `sender` and checks its answer is 202.
async fn post(sender: &mut SendRequest<Full<Bytes>>, signed: &Signed) {
    let mut request = hyper::Request::post("/inbox");
    for (name, value) in &signed.headers {
        request = request.header(name, value);
    }
    let request = request.body(Full::new(signed.body.clone())).unwrap();
    sender.ready().await.unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        status,
        202,
        "the inbox refused a Create: {}",
        String::from_utf8_lossy(&body)
    );
}

/// `connections` clients each sending the next request as soon as the last is answered.
async fn closed_loop(
    address: &str,
    signed: &Arc<Vec<Signed>>,
    range: std::ops::Range<usize>,
    connections: usize,
) -> Phase {
    let mut senders = Vec::new();
    for _ in 0..connections {
        senders.push(connect(address).await);
    }
    let next = Arc::new(AtomicUsize::new(range.start));
    let cpu = Cpu::now();
    let start = Instant::now();
    let mut workers = Vec::new();
    for mut sender in senders {
        let (next, signed, end) = (next.clone(), signed.clone(), range.end);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= end {
                    return latencies;
                }
                let sent = Instant::now();
                post(&mut sender, &signed[i]).await;
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::with_capacity(range.len());
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    Phase {
        requests: range.len(),
        wall: start.elapsed(),
        latencies,
        cpu: Cpu::now().since(cpu),
    }
}

/// Connections kept open for the open loop, under the node's cap per address (64).
const OPEN_LOOP_CONNECTIONS: usize = 48;

/// Sends request `i` at `start + i / rate` whatever the answers, on free connections of a
/// pool; each time to 202 counts from the request's scheduled instant.
async fn open_loop(
    address: &str,
    signed: &Arc<Vec<Signed>>,
    range: std::ops::Range<usize>,
    rate: f64,
) -> Phase {
    // Taken in turn (first in, first out), so that none stays idle past the node's
    // `header_read_timeout_seconds` and is closed by it; one closed anyway is replaced.
    let mut pool = std::collections::VecDeque::new();
    for _ in 0..OPEN_LOOP_CONNECTIONS {
        pool.push_back(connect(address).await);
    }
    let pool = Arc::new(Mutex::new(pool));
    let free = Arc::new(tokio::sync::Semaphore::new(OPEN_LOOP_CONNECTIONS));
    let cpu = Cpu::now();
    let start = Instant::now() + Duration::from_millis(10);
    let mut sent = Vec::with_capacity(range.len());
    for (k, i) in range.clone().enumerate() {
        let at = start + Duration::from_secs_f64(k as f64 / rate);
        tokio::time::sleep_until(at.into()).await;
        let (pool, free, signed) = (pool.clone(), free.clone(), signed.clone());
        let address = address.to_owned();
        sent.push(tokio::spawn(async move {
            let _permit = free.acquire().await.unwrap();
            let taken = pool.lock().unwrap().pop_front();
            let mut sender = match taken {
                Some(sender) if !sender.is_closed() => sender,
                _ => connect(&address).await,
            };
            post(&mut sender, &signed[i]).await;
            let latency = at.elapsed();
            pool.lock().unwrap().push_back(sender);
            latency
        }));
    }
    let mut latencies = Vec::with_capacity(range.len());
    for task in sent {
        latencies.push(task.await.unwrap());
    }
    Phase {
        requests: range.len(),
        wall: start.elapsed(),
        latencies,
        cpu: Cpu::now().since(cpu),
    }
}

/// The Creates kept (rows of remote publications) and indexed (network listings), each
/// actor's checked against the ids it sent: none missing, none twice. The index is waited
/// for (up to 60 s) in case it is written after the 202; how long is reported.
async fn count_kept(
    node: &Node,
    peer: &FakeMastodon,
    names: &[String],
    total: usize,
) -> (usize, usize, Duration) {
    let mut expected: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for n in 0..total {
        let actor = peer.actor_id(&names[n % names.len()]);
        expected
            .entry(actor.clone())
            .or_default()
            .insert(format!("{actor}/events/{n}"));
    }
    let mut stored = 0;
    for (actor, ids) in &expected {
        let rows = node
            .store
            .remote_publications(&RemoteQuery {
                kind: Some(PublicationKind::Event),
                actor_id: Some(actor.clone()),
                limit: 1000,
                ..RemoteQuery::default()
            })
            .await
            .unwrap();
        let found: HashSet<String> = rows.iter().map(|p| p.id.clone()).collect();
        assert_eq!(found.len(), rows.len(), "{actor}: a Create stored twice");
        assert_eq!(&found, ids, "{actor}: Creates missing or unexpected");
        stored += rows.len();
    }
    let waited = Instant::now();
    let mut indexed = 0;
    while waited.elapsed() < Duration::from_secs(60) {
        indexed = 0;
        for actor in expected.keys() {
            let listings = node
                .store
                .listings(&ListingQuery {
                    origin: Some(Origin::Actor(actor.clone())),
                    limit: 1000,
                    ..ListingQuery::default()
                })
                .await
                .unwrap();
            indexed += listings.len();
        }
        if indexed >= total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let lag = if indexed >= total && waited.elapsed() < Duration::from_millis(20) {
        Duration::ZERO
    } else {
        waited.elapsed()
    };
    (stored, indexed, lag)
}
