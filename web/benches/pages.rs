//! Public pages and JSON at speed: one node on SQLite in a temporary folder, filled the
//! way its users fill it (territories, a busy one with 200 upcoming events, past ones and
//! weekly series, resources, calls, publications from remote nodes), served in this
//! process by the library's own server (`server::serve_on`, the store opened as `serve`
//! opens it) on loopback; then `wrk` with 16 connections on each route, as a ratio to a
//! static asset of the same server measured in the same run (the floor).
//!
//!     cargo bench -p rhizome-web --bench pages
//!     PAGES_SECONDS=2 PAGES_ONLY=territory cargo bench -p rhizome-web --bench pages
//!
//! `PAGES_ONLY` (a route's name, several with commas) measures only those routes and the
//! floor and writes nothing to BENCHMARKS.md; `PAGES_HOLD=SECONDS` keeps the node up that
//! long after filling it, its URLs printed, for `perf record -p`.

#[path = "../../federation/benches/section.rs"]
mod section;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, Utc};
use reqwest::Method;
use rhizome_node::network::RemotePublication;
use rhizome_node::store::prelude::*;
use rhizome_node::{ApiToken, Config, Member, PublicationKind};
use serde_json::{Value, json};

/// wrk's connections and threads, as issue 15 measures.
const CONNECTIONS: usize = 16;
const THREADS: usize = 2;

/// Upcoming events of the busy territory (single ones; its two weekly series add theirs).
const BUSY_UPCOMING: usize = 200;
const BUSY_PAST: usize = 60;
const REMOTE_ACTORS: usize = 10;
const REMOTE_PER_ACTOR: usize = 30;

const ACTIVITY_JSON: &str = "application/activity+json";

/// One measured route: what it is, its path, the `Accept` it asks with, its target as a
/// share of the floor's requests per second (`None` for the floor).
struct Route {
    name: &'static str,
    path: String,
    accept: Option<&'static str>,
    target: Option<f64>,
}

/// What wrk saw on a route.
struct Measure {
    bytes: usize,
    per_second: f64,
    p99_ms: f64,
    errors: u64,
}

fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk is not installed: `apt-get install wrk` (or build it from its sources)");
        std::process::exit(1);
    }
    let seconds: u64 = std::env::var("PAGES_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let only: Option<Vec<String>> = std::env::var("PAGES_ONLY")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());
    let hold: u64 = std::env::var("PAGES_HOLD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (base, filled) = runtime.block_on(start_and_fill(dir.path()));
    let routes = routes(&filled);
    if hold > 0 {
        for r in &routes {
            println!("{:<14} {base}{}", r.name, r.path);
        }
        println!("holding for {hold} s (pid {})", std::process::id());
        std::thread::sleep(Duration::from_secs(hold));
    }
    let selected: Vec<&Route> = routes
        .iter()
        .filter(|r| {
            r.target.is_none()
                || only
                    .as_ref()
                    .is_none_or(|names| names.iter().any(|n| n == r.name))
        })
        .collect();
    let mut rows = Vec::new();
    for route in &selected {
        let bytes = runtime.block_on(body_size(&base, route));
        let measure = wrk(&base, route, seconds, bytes, false);
        // The same route with every answer made afresh (`Cache-Control: no-cache`): what
        // a page costs when the database has just changed.
        let afresh = route
            .target
            .map(|_| wrk(&base, route, seconds, bytes, true));
        eprintln!(
            "{:<14} {:>7} B {:>9.0} req/s  p99 {:>6.2} ms  afresh {:>9.0} req/s",
            route.name,
            measure.bytes,
            measure.per_second,
            measure.p99_ms,
            afresh.as_ref().map_or(f64::NAN, |a| a.per_second)
        );
        rows.push((route, measure, afresh));
    }
    let floor = rows[0].1.per_second;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut table = String::from(
        "| route | path | bytes | req/s | p99 | ratio to floor | target | met? | req/s afresh | p99 afresh | afresh / floor |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for (route, m, afresh) in &rows {
        let ratio = m.per_second / floor;
        let (target, met) = match route.target {
            None => ("floor".to_owned(), String::new()),
            Some(t) => (
                format!(">= {t}"),
                if ratio >= t && m.errors == 0 {
                    "yes".to_owned()
                } else if m.errors > 0 {
                    format!("no ({} errors)", m.errors)
                } else {
                    "no".to_owned()
                },
            ),
        };
        let afresh = match afresh {
            Some(a) => format!(
                "{:.0} | {:.2} ms | {:.3}",
                a.per_second,
                a.p99_ms,
                a.per_second / floor
            ),
            None => "- | - | -".to_owned(),
        };
        table.push_str(&format!(
            "| {} | `{}` | {} | {:.0} | {:.2} ms | {:.3} | {} | {} | {afresh} |\n",
            route.name, route.path, m.bytes, m.per_second, m.p99_ms, ratio, target, met
        ));
    }
    let text = format!(
        "## Public pages and JSON\n\n\
         Command: `cargo bench -p rhizome-web --bench pages` (release build, {cores} cores shared by\n\
         the server and wrk). One node in the bench's process (the library's `serve_on`, the store\n\
         opened as `serve` opens it, SQLite in a temporary folder), filled through the API's use cases:\n\
         {} territories; `{}` has {} upcoming events, two weekly series, {} past events, 30\n\
         resources and 8 calls; {} publications from {} remote actors. Each route: `wrk -t{THREADS}\n\
         -c{CONNECTIONS} -d{seconds}s --latency` on loopback; the floor is a static asset of the same\n\
         server in the same run; ratio = route's req/s / floor's req/s. Answers for visitors without\n\
         a session are kept until the database changes (`page_cache_bytes`): the first columns are what\n\
         visitors get while nothing is written; the afresh columns send `Cache-Control: no-cache`,\n\
         so every answer is rendered from the database, as right after a write.\n\n{table}\n",
        filled.territories,
        filled.busy,
        filled.busy_upcoming,
        BUSY_PAST,
        REMOTE_ACTORS * REMOTE_PER_ACTOR,
        REMOTE_ACTORS,
    );
    println!("{text}");
    if only.is_none() {
        section::write_section("pages", &text);
    }
    drop(runtime);
}

/// The routes measured, the floor first.
fn routes(filled: &Filled) -> Vec<Route> {
    let busy = &filled.busy;
    let route = |name, path: String, accept, target| Route {
        name,
        path,
        accept,
        target,
    };
    vec![
        route("static asset", "/assets/rhizome.css".into(), None, None),
        route("home", "/".into(), None, Some(0.15)),
        route("agenda", "/events".into(), None, Some(0.15)),
        route("territory", format!("/t/{busy}"), None, Some(0.15)),
        route("event", filled.event.clone(), None, Some(0.15)),
        route(
            "actor json",
            format!("/t/{busy}"),
            Some(ACTIVITY_JSON),
            Some(0.5),
        ),
        route(
            "event json",
            filled.event.clone(),
            Some(ACTIVITY_JSON),
            Some(0.5),
        ),
        route(
            "outbox page",
            format!("/t/{busy}/outbox?page=1"),
            Some(ACTIVITY_JSON),
            Some(0.25),
        ),
        route(
            "api list",
            "/api/v1/events?limit=20".into(),
            None,
            Some(0.25),
        ),
    ]
}

/// What the filling made that the routes name.
struct Filled {
    territories: usize,
    busy: String,
    busy_upcoming: usize,
    /// An event page's path (`/events/ID`) of the busy territory.
    event: String,
}

/// Starts the node in this process and fills it; gives its base URL.
async fn start_and_fill(dir: &std::path::Path) -> (String, Filled) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = Config {
        domain: format!("localhost:{port}"),
        data_dir: dir.to_owned(),
        listen: listener.local_addr().unwrap(),
        ..Config::default()
    };
    let store = rhizome_web::server::open_store(&config).await.unwrap();
    let admin = Member::new("admin", "a long enough password", true).unwrap();
    store.insert_member(&admin).await.unwrap();
    let (token, record) = ApiToken::issue(admin.id, "bench");
    store.insert_token(&record).await.unwrap();
    let state = rhizome_web::AppState::new(store.clone(), config);
    tokio::spawn(async move {
        rhizome_web::server::serve_on(listener, state, std::future::pending())
            .await
            .unwrap()
    });
    let base = format!("http://localhost:{port}");
    let api = Api {
        base: base.clone(),
        token,
        http: reqwest::Client::new(),
    };
    let filled = fill(&api, &store).await;
    (base, filled)
}

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .request(Method::POST, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path}: {status} {body}");
        body
    }
}

const CITIES: &[(&str, f64, f64)] = &[
    ("Poitiers", 46.58, 0.34),
    ("Lyon", 45.76, 4.84),
    ("Nantes", 47.22, -1.55),
    ("Lille", 50.63, 3.06),
    ("Toulouse", 43.60, 1.44),
    ("Rennes", 48.11, -1.68),
];
const KINDS: &[&str] = &[
    "fablab",
    "tiers_lieu",
    "learning_city",
    "living_lab",
    "association",
    "learning_territory",
];
const THEMES: &[&str] = &[
    "climate",
    "science_digital",
    "food_health",
    "culture",
    "urban_life",
];

async fn fill(api: &Api, store: &Arc<dyn Store>) -> Filled {
    let today = Utc::now().date_naive();
    let mut busy_event = String::new();
    for (t, (city, lat, lon)) in CITIES.iter().enumerate() {
        let slug = format!("tiers-lieu-{}", city.to_lowercase());
        api.post(
            "/api/v1/territories",
            json!({"slug": slug, "name": format!("Tiers-lieu de {city}"), "kind": KINDS[t],
                   "place": {"address": city, "latitude": lat, "longitude": lon},
                   "description": format!("Un **tiers-lieu** à {city} : ateliers, fablab, repair café.\n\nOuvert à toutes et à tous."),
                   "themes": [THEMES[t % THEMES.len()], THEMES[(t + 1) % THEMES.len()]], "languages": ["fr"]}),
        )
        .await;
        let busy = t == 0;
        let (upcoming, past, resources, calls) = if busy {
            (BUSY_UPCOMING, BUSY_PAST, 30, 8)
        } else {
            (10, 5, 5, 2)
        };
        let events = format!("/api/v1/territories/{slug}/events");
        for i in 0..upcoming + past {
            let day = if i < upcoming {
                today + Days::new(1 + (i as u64 * 300) / upcoming as u64)
            } else {
                today - Days::new(2 + (i - upcoming) as u64 * 3)
            };
            let created = api
                .post(
                    &events,
                    json!({
                        "title": format!("Atelier {} n°{i}", ["réparation", "couture", "code", "compost"][i % 4]),
                        "description": format!("Apportez vos **objets** cassés : on répare ensemble.\n\n- outils fournis\n- café offert\n\nAtelier n°{i} à {city}."),
                        "starts_at": format!("{day}T18:00"), "ends_at": format!("{day}T21:00"),
                        "place": {"name": "La Fabrique", "address": format!("{} rue de la Paix, {city}", i % 40 + 1), "latitude": lat, "longitude": lon},
                        "capacity": 20, "registration": {"mode": "open"},
                        "themes": [THEMES[i % THEMES.len()]]
                    }),
                )
                .await;
            if busy && i == 3 {
                busy_event = format!("/events/{}", created["id"].as_str().unwrap());
            }
        }
        if busy {
            for (weekday, title) in [
                ("tuesday", "Permanence numérique"),
                ("saturday", "Repair café"),
            ] {
                api.post(
                    &events,
                    json!({
                        "title": title, "description": "Chaque semaine, sans inscription.",
                        "starts_at": format!("{}T18:00", today + Days::new(1)),
                        "ends_at": format!("{}T20:00", today + Days::new(1)),
                        "place": {"name": "La Fabrique", "address": format!("1 rue de la Paix, {city}")},
                        "recurrence": {"frequency": "weekly", "weekdays": [weekday]}
                    }),
                )
                .await;
            }
        }
        for i in 0..resources {
            api.post(
                &format!("/api/v1/territories/{slug}/resources"),
                json!({"title": format!("Guide n°{i} du repair café"), "type": "guide",
                       "summary": "Comment lancer un repair café dans son quartier.",
                       "body": "# Étapes\n\n1. Trouver un lieu\n2. Réunir des bénévoles\n3. Annoncer la date"}),
            )
            .await;
        }
        for i in 0..calls {
            api.post(
                &format!("/api/v1/territories/{slug}/calls"),
                json!({"title": format!("Cherche bénévoles n°{i}"), "type": "need",
                       "description": "Pour animer les ateliers du samedi.",
                       "deadline": (today + Days::new(60)).to_string(), "skills_wanted": ["électronique", "couture"]}),
            )
            .await;
        }
    }
    for a in 0..REMOTE_ACTORS {
        let actor = format!("https://node{a}.example/t/lieu{a}");
        for i in 0..REMOTE_PER_ACTOR {
            let start = Utc::now() + chrono::Duration::hours(6 + (i * 24 + a * 5) as i64);
            let end = start + chrono::Duration::hours(2);
            let id = format!("{actor}/events/{i}");
            let (city, lat, lon) = CITIES[(a + i) % CITIES.len()];
            let object = json!({
                "id": id, "type": "Event", "name": format!("Rencontre {a}-{i}"),
                "summary": "<p>Une rencontre du réseau.</p>", "content": "<p>Venez nombreux.</p>",
                "startTime": start.to_rfc3339(), "endTime": end.to_rfc3339(), "inLanguage": "fr",
                "attributedTo": actor, "url": id,
                "location": {"type": "Place", "name": city, "latitude": lat, "longitude": lon},
            });
            let facts = rhizome_federation::astointernal::facts::remote_facts(&object);
            store
                .upsert_remote_publication(&RemotePublication {
                    id,
                    actor_id: actor.clone(),
                    kind: PublicationKind::Event,
                    title: format!("Rencontre {a}-{i}"),
                    starts_at: Some(start),
                    ends_at: Some(end),
                    object,
                    published: Utc::now(),
                    updated: Utc::now(),
                    deleted_at: None,
                    facts,
                })
                .await
                .unwrap();
        }
    }
    let busy = format!("tiers-lieu-{}", CITIES[0].0.to_lowercase());
    let busy_id = store.territory_by_slug(&busy).await.unwrap().unwrap().id;
    let counts = store
        .current_counts(busy_id, rhizome_node::now())
        .await
        .unwrap();
    Filled {
        territories: CITIES.len(),
        busy,
        busy_upcoming: counts.upcoming_events as usize,
        event: busy_event,
    }
}

/// The body's size as a client gets it, checking the route answers 200.
async fn body_size(base: &str, route: &Route) -> usize {
    let mut request = reqwest::Client::new().get(format!("{base}{}", route.path));
    if let Some(accept) = route.accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.bytes().await.unwrap();
    assert_eq!(status, 200, "{} answered {status}", route.path);
    body.len()
}

/// Runs wrk on one route (every answer made afresh with `afresh`) and reads its requests per
/// second and 99th percentile.
fn wrk(base: &str, route: &Route, seconds: u64, bytes: usize, afresh: bool) -> Measure {
    let mut command = Command::new("wrk");
    command.args([
        &format!("-t{THREADS}"),
        &format!("-c{CONNECTIONS}"),
        &format!("-d{seconds}s"),
        "--latency",
    ]);
    if let Some(accept) = route.accept {
        command.args(["-H", &format!("Accept: {accept}")]);
    }
    if afresh {
        command.args(["-H", "Cache-Control: no-cache"]);
    }
    let output = command
        .arg(format!("{base}{}", route.path))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "wrk failed: {text}");
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(|v| v.trim().to_owned())
    };
    let per_second = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in wrk's output: {text}"));
    let p99_ms = field("99%").map(|v| milliseconds(&v)).unwrap_or(f64::NAN);
    let errors = field("Non-2xx or 3xx responses:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        + field("Socket errors:")
            .map(|v| {
                v.split(',')
                    .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                    .sum()
            })
            .unwrap_or(0);
    Measure {
        bytes,
        per_second,
        p99_ms,
        errors,
    }
}

/// wrk's durations (`812.00us`, `3.21ms`, `1.02s`) in milliseconds.
fn milliseconds(value: &str) -> f64 {
    let split = value
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => number / 1e3,
        "ms" => number,
        "s" => number * 1e3,
        "m" => number * 60e3,
        _ => f64::NAN,
    }
}
