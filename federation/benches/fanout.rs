//! Fan-out benchmark: one event to many followers over loopback, through the real path
//! (outbox rows written with the event, the delivery worker, aws-lc-rs signatures, HTTP).
//! Two cases at N followers (one inbox each; shared inboxes on a few servers), then the
//! cost curve: 1 000, 10 000 and 100 000 followers on 50, 500 and 5 000 servers with shared
//! inboxes. Reports wall and CPU time as ratios to floors measured in the same run
//! (requests x the time of one signature; for wall, divided by the cores), and how much
//! the sending process's resident memory grew during the fan-out. Receivers run in a child
//! process so their CPU is not counted (it is shown apart). Writes its figures to
//! BENCHMARKS.md.
//!
//!     cargo bench -p rhizome-federation --bench fanout
//!
//! Smaller while developing: `FANOUT_N=200` (the two first cases) and
//! `FANOUT_CURVE=1000:50,10000:500` (followers:servers, comma-separated).

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

/// Followers in the two first cases, unless `FANOUT_N` says otherwise.
const N: usize = 1000;
/// Servers those followers are spread over.
const SERVERS: usize = 50;
/// The cost curve, unless `FANOUT_CURVE` says otherwise: (followers, servers).
const CURVE: [(usize, usize); 3] = [(1_000, 50), (10_000, 500), (100_000, 5_000)];

fn main() {
    if let Ok(servers) = std::env::var("FANOUT_RECEIVER") {
        return receiver(
            servers
                .parse()
                .expect("FANOUT_RECEIVER is a number of servers"),
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench());
}

/// Child process: `servers` listeners answering 202 to any POST, counting requests; prints
/// its ports, then, when asked on stdin ("count"), the requests since the last time and
/// its own user and system CPU seconds so far.
fn receiver(servers: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let count = Arc::new(AtomicUsize::new(0));
        let mut ports = Vec::new();
        for _ in 0..servers {
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
                let (user, system) = cpu_split();
                println!("{} {user} {system}", count.swap(0, Ordering::Relaxed));
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

/// A `kB` figure of this process from /proc/self/status (`VmRSS`, `VmHWM`).
fn memory_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Starts a new peak: the kernel sets `VmHWM` back to the current resident size.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct Receiver {
    child: std::process::Child,
    ports: Vec<u16>,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Receiver {
    fn start(servers: usize) -> Receiver {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env("FANOUT_RECEIVER", servers.to_string())
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

    /// Requests received since the last call, and the receivers' CPU seconds so far.
    fn take_count(&mut self) -> (usize, f64) {
        writeln!(self.child.stdin.as_mut().unwrap(), "count").unwrap();
        let line = self.lines.next().unwrap().unwrap();
        let mut fields = line.split(' ');
        let count = fields.next().unwrap().parse().unwrap();
        let cpu: f64 = fields.map(|f| f.parse::<f64>().unwrap()).sum();
        (count, cpu)
    }
}

/// One fan-out: `followers` followers spread over the first `servers` receivers, each with
/// its own inbox or with their server's shared one.
#[derive(Clone, Copy)]
struct Case {
    followers: usize,
    servers: usize,
    shared_inboxes: bool,
}

impl Case {
    fn name(&self) -> String {
        if self.shared_inboxes {
            format!(
                "{} followers on {} servers (shared inboxes)",
                self.followers, self.servers
            )
        } else {
            format!(
                "{} inboxes on {} servers, one per follower",
                self.followers, self.servers
            )
        }
    }

    fn expected_requests(&self) -> usize {
        if self.shared_inboxes {
            self.servers.min(self.followers)
        } else {
            self.followers
        }
    }
}

struct Run {
    case: Case,
    requests: usize,
    wall: f64,
    cpu: f64,
    user: f64,
    system: f64,
    receiver_cpu: f64,
    /// Resident memory before the fan-out, and its peak growth during it (kB).
    rss_before_kb: u64,
    rss_growth_kb: u64,
}

/// Publishes one event to the case's followers and runs the delivery worker until the
/// outbox is empty.
async fn fan_out(receiver: &mut Receiver, case: Case) -> Run {
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
    for i in 0..case.followers {
        let port = receiver.ports[i % case.servers];
        let actor = format!("http://localhost:{port}/users/u{i}");
        let inbox = if case.shared_inboxes {
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
    let (_, receiver_cpu0) = receiver.take_count();

    let rss_before_kb = memory_kb("VmRSS");
    reset_peak_memory();
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
    let rss_growth_kb = memory_kb("VmHWM").saturating_sub(rss_before_kb);
    let (user, system) = (split1.0 - split0.0, split1.1 - split0.1);
    let (requests, receiver_cpu1) = receiver.take_count();
    Run {
        case,
        requests,
        wall,
        cpu: user + system,
        user,
        system,
        receiver_cpu: receiver_cpu1 - receiver_cpu0,
        rss_before_kb,
        rss_growth_kb,
    }
}

/// The number in `name`, or `default` when it is unset.
fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.parse().unwrap_or_else(|_| panic!("{name} is a number")))
        .unwrap_or(default)
}

/// `FANOUT_CURVE` (`followers:servers,...`), or [`CURVE`].
fn curve() -> Vec<(usize, usize)> {
    match std::env::var("FANOUT_CURVE") {
        Ok(spec) => spec
            .split(',')
            .map(|point| {
                let (followers, servers) = point
                    .split_once(':')
                    .expect("FANOUT_CURVE is followers:servers,...");
                (
                    followers.trim().parse().unwrap(),
                    servers.trim().parse().unwrap(),
                )
            })
            .collect(),
        Err(_) => CURVE.to_vec(),
    }
}

async fn bench() {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let n = knob("FANOUT_N", N);
    let curve = curve();
    let most_servers = curve
        .iter()
        .map(|&(_, servers)| servers)
        .chain([SERVERS])
        .max()
        .unwrap();
    let mut receiver = Receiver::start(most_servers);
    let warm_up = Case {
        followers: n,
        servers: SERVERS,
        shared_inboxes: true,
    };
    let _warm_up = fan_out(&mut receiver, warm_up).await;
    let sign = report::one_signature_seconds();
    let mut runs = vec![
        fan_out(
            &mut receiver,
            Case {
                shared_inboxes: false,
                ..warm_up
            },
        )
        .await,
        fan_out(&mut receiver, warm_up).await,
    ];
    for &(followers, servers) in &curve {
        let case = Case {
            followers,
            servers,
            shared_inboxes: true,
        };
        runs.push(fan_out(&mut receiver, case).await);
    }
    let _ = receiver.child.kill();

    let row = |r: &Run| {
        let floor = r.requests as f64 * sign;
        format!(
            "| {} | {} | {:.0} ms | {:.0} ms | {:.0} ms | {:.0} ms ({:.0} user + {:.0} system) | {:.0} ms | **{:.2}** | **{:.2}** | {:.2} | {:.0} µs | {:.1} MB (from {:.0} MB) |",
            r.case.name(),
            r.requests,
            floor * 1e3,
            floor / cores as f64 * 1e3,
            r.wall * 1e3,
            r.cpu * 1e3,
            r.user * 1e3,
            r.system * 1e3,
            r.receiver_cpu * 1e3,
            r.wall / (floor / cores as f64),
            r.cpu / floor,
            r.user / floor,
            (r.cpu - floor) / r.requests.max(1) as f64 * 1e6,
            r.rss_growth_kb as f64 / 1024.0,
            r.rss_before_kb as f64 / 1024.0,
        )
    };
    let rows: Vec<String> = runs.iter().map(row).collect();
    let command = match (std::env::var("FANOUT_N"), std::env::var("FANOUT_CURVE")) {
        (Err(_), Err(_)) => "cargo bench -p rhizome-federation --bench fanout".to_owned(),
        _ => format!(
            "FANOUT_N={n} FANOUT_CURVE={} cargo bench -p rhizome-federation --bench fanout",
            curve
                .iter()
                .map(|(f, s)| format!("{f}:{s}"))
                .collect::<Vec<_>>()
                .join(",")
        ),
    };
    let report = format!(
        "## Fan-out: one event to {n} followers, and the curve to {} followers\n\n\
         Command: `{command}` (release build, {cores} cores, SQLite,\n\
         receivers in a separate process on loopback). One signature (RSA-2048, measured in\n\
         the same run) takes {:.3} ms. CPU floor = requests x one signature; wall floor = the\n\
         same divided by the {cores} cores. Targets: one fan-out to {n} inboxes wall <= 1.1,\n\
         CPU <= 1.2; the curve (shared inboxes) <= 1.3, its ratios the same at every size\n\
         (linear) and its memory flat.\n\n\
         | case | requests | CPU floor | wall floor | wall | CPU | receivers' CPU | wall / floor | CPU / floor | user CPU / floor | CPU per request beyond its signature | peak RSS growth during the fan-out |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n\
         {}\n\n\
         Reading: each server is a listener of its own on 127.0.0.1 (a distinct host:port,\n\
         which the delivery engine groups by and development mode lets through), so N servers\n\
         mean N connections. CPU beyond the floor is Rhizome's own work per delivery\n\
         (queuing, claiming, building, sending and recording requests) and the kernel's share\n\
         of the loopback HTTP exchanges. The receivers share the same cores: the wall floor\n\
         leaves no room for their CPU (shown apart). Memory: resident size of the sending\n\
         process before the fan-out, and how far its peak (VmHWM, reset just before) rose\n\
         above it while queuing and delivering. Parallelism: {} requests in flight, {} per\n\
         server. Measured {}.\n",
        curve.iter().map(|&(f, _)| f).max().unwrap_or(n),
        sign * 1e3,
        rows.join("\n"),
        Settings::from_config(&Config::default()).concurrency,
        Settings::from_config(&Config::default()).per_server,
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
    );
    println!("{report}");
    for r in &runs {
        assert_eq!(
            r.requests,
            r.case.expected_requests(),
            "{}: one request per distinct inbox",
            r.case.name()
        );
    }
    report::write_section("fanout", &report);
}
