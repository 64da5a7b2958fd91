//! Fan-out benchmark: one event to N follower inboxes over loopback, through the real
//! path (outbox rows written with the event, the delivery worker, aws-lc-rs signatures,
//! HTTP). Reports wall and CPU time as ratios to a floor measured in the same run:
//! N x the time of one signature. Receivers run in a child process so their CPU is not
//! counted. Writes its figures to BENCHMARKS.md.
//!
//!     cargo bench -p rhizome-federation --bench fanout

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rhizome_federation::Federation;
use rhizome_federation::delivery::{self, Settings};
use rhizome_node::publication::PublicationKind;
use rhizome_node::social::{FollowState, Follower};
use rhizome_node::store::SqliteStore;
use rhizome_node::store::prelude::*;
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::{Config, Publication, PublicationBody, Territory};

mod report;

const N: usize = 1000;
const SERVERS: usize = 50;

fn main() {
    if std::env::var("FANOUT_RECEIVER").is_ok() {
        return receiver();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench());
}

/// Child process: SERVERS listeners answering 202 to any POST, counting requests; prints
/// its ports, then the count when asked on stdin ("count").
fn receiver() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let count = Arc::new(AtomicUsize::new(0));
        let mut ports = Vec::new();
        for _ in 0..SERVERS {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            ports.push(listener.local_addr().unwrap().port().to_string());
            let count = count.clone();
            let app = axum::Router::new().fallback(axum::routing::post(move || {
                count.fetch_add(1, Ordering::Relaxed);
                async { axum::http::StatusCode::ACCEPTED }
            }));
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        }
        println!("{}", ports.join(" "));
        let mut lines = BufReader::new(std::io::stdin()).lines();
        while let Some(Ok(line)) = tokio::task::block_in_place(|| lines.next()) {
            if line == "count" {
                println!("{}", count.swap(0, Ordering::Relaxed));
            }
        }
    });
}

/// User and system CPU of this process, in seconds.
fn cpu_split() -> (f64, f64) {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    (t(usage.ru_utime), t(usage.ru_stime))
}

struct Receiver {
    child: std::process::Child,
    ports: Vec<u16>,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Receiver {
    fn start() -> Receiver {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env("FANOUT_RECEIVER", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ports = lines
            .next()
            .unwrap()
            .unwrap()
            .split(' ')
            .map(|p| p.parse().unwrap())
            .collect();
        Receiver {
            child,
            ports,
            lines,
        }
    }

    /// Requests received since the last call.
    fn take_count(&mut self) -> usize {
        writeln!(self.child.stdin.as_mut().unwrap(), "count").unwrap();
        self.lines.next().unwrap().unwrap().trim().parse().unwrap()
    }
}

struct Run {
    requests: usize,
    wall: f64,
    cpu: f64,
    user: f64,
    system: f64,
}

/// Publishes one event to `inboxes` (one per follower, or shared per server) and runs the
/// delivery worker until the outbox is empty.
async fn fan_out(receiver: &mut Receiver, shared_inboxes: bool) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.path().join("bench.db"))
            .await
            .unwrap(),
    );
    store.migrate().await.unwrap();
    let config = Arc::new(Config {
        development_mode: true,
        domain: "localhost:1".into(),
        ..Config::default()
    });
    let settings = Settings {
        poll: Duration::from_millis(10),
        ..Settings::from_config(&config)
    };
    let fed = Federation::with_delivery(store.clone(), config, settings);
    let draft: TerritoryDraft = serde_json::from_value(
        serde_json::json!({"slug": "fablab", "name": "Fablab", "kind": "fablab"}),
    )
    .unwrap();
    let territory = Territory::new(draft.validate("Europe/Paris").unwrap());
    store.insert_territory(&territory).await.unwrap();
    for i in 0..N {
        let port = receiver.ports[i % SERVERS];
        let actor = format!("http://localhost:{port}/users/u{i}");
        let inbox = if shared_inboxes {
            format!("http://localhost:{port}/inbox")
        } else {
            format!("{actor}/inbox")
        };
        store
            .upsert_follower(
                &Follower {
                    territory_id: territory.id,
                    actor_id: actor.clone(),
                    inbox,
                    state: FollowState::Accepted,
                    follow_activity_id: actor,
                    created_at: rhizome_node::now(),
                },
                None,
            )
            .await
            .unwrap();
    }
    fed.keys.local(territory.id).await.unwrap(); // key generation is not part of fan-out
    let body = PublicationBody::from_draft(
        PublicationKind::Event,
        serde_json::json!({"title": "Repair café", "starts_at": "2031-12-02T18:00", "ends_at": "2031-12-02T21:00", "place": {"name": "Fablab", "address": "Poitiers"}}),
        &territory,
    )
    .unwrap();
    let publication = Publication::new(territory.id, body);
    receiver.take_count();

    let split0 = cpu_split();
    let start = Instant::now();
    fed.actions()
        .store_new(&territory, &publication)
        .await
        .unwrap();
    while store.pending_deliveries().await.unwrap() > 0 {
        delivery::run_once(&fed).await.unwrap();
    }
    let wall = start.elapsed().as_secs_f64();
    let split1 = cpu_split();
    let (user, system) = (split1.0 - split0.0, split1.1 - split0.1);
    Run {
        requests: receiver.take_count(),
        wall,
        cpu: user + system,
        user,
        system,
    }
}

async fn bench() {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut receiver = Receiver::start();
    let _warm_up = fan_out(&mut receiver, true).await;
    let sign = report::one_signature_seconds();
    let own = fan_out(&mut receiver, false).await;
    let shared = fan_out(&mut receiver, true).await;
    let _ = receiver.child.kill();

    let floor_own = own.requests as f64 * sign;
    let floor_shared = shared.requests as f64 * sign;
    let row = |name: &str, r: &Run, floor: f64| {
        format!(
            "| {name} | {} | {:.0} ms | {:.0} ms | {:.0} ms ({:.0} user + {:.0} system) | {:.2} | {:.2} | {:.2} |",
            r.requests,
            floor * 1e3,
            r.wall * 1e3,
            r.cpu * 1e3,
            r.user * 1e3,
            r.system * 1e3,
            r.wall / floor,
            r.cpu / floor,
            r.user / floor
        )
    };
    let report = format!(
        "## Fan-out: one event to {N} followers\n\n\
         Command: `cargo bench -p rhizome-federation --bench fanout` (release build, {cores} cores, SQLite,\n\
         receivers in a separate process on loopback). Floor = requests x one RSA-2048 signature\n\
         measured in the same run ({:.3} ms). Ratios are to that floor; targets: CPU <= 1.2, wall <= 1.3.\n\n\
         | case | requests | floor | wall | CPU | wall / floor | CPU / floor | user CPU / floor |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n\
         {}\n{}\n\n\
         Reading: user CPU beyond the floor is Rhizome's own work per delivery (claiming,\n\
         building and recording requests); system CPU is the kernel's share of {N} loopback\n\
         HTTP exchanges (connects, reads, writes, wake-ups). Parallelism: 32 requests in\n\
         flight, 8 per server. Measured {}.\n",
        sign * 1e3,
        row(&format!("{N} inboxes, one per follower"), &own, floor_own),
        row(
            &format!("{N} followers on {SERVERS} servers (shared inboxes)"),
            &shared,
            floor_shared
        ),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
    );
    println!("{report}");
    assert_eq!(own.requests, N, "every inbox got exactly one request");
    assert_eq!(shared.requests, SERVERS, "one request per server");
    report::write_section("fanout", &report);
}
