//! Matching at 100 000 publications and 1000 known territories: the index filled through
//! the store's write path with a realistic mix (French and English needs, offers,
//! partners wanted, resources and events, local and remote), 200 local territories and
//! 800 peers' directory entries with inventories; then `suggestions_for_call` timed for
//! needs and offers against a floor measured in the same run on the same pool (one
//! primary-key lookup). SQLite always; PostgreSQL too when `RHIZOME_TEST_DATABASE_URL`
//! is set. Writes the `matching-speed` section of BENCHMARKS.md.
//!
//! `cargo bench -p rhizome-node --bench matching` (`MATCHING_N` changes the size;
//! `MATCHING_KEEP=1` keeps the filled stores in the temporary directory and a named
//! PostgreSQL schema for the next run, and then writes nothing to BENCHMARKS.md).

#[path = "../../federation/benches/section.rs"]
mod section;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rhizome_node::action::matching::{BoardFilter, Matchmaker};
use rhizome_node::listing::{RemoteDetails, RemoteFacts};
use rhizome_node::matching::Matcher;
use rhizome_node::network::RemotePublication;
use rhizome_node::publication::call::{CallStatus, CallType};
use rhizome_node::social::RemoteActor;
use rhizome_node::store::prelude::*;
use rhizome_node::store::{PostgresStore, SqliteStore};
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::theme::Theme;
use rhizome_node::{Publication, PublicationBody, PublicationKind, Territory};
use serde_json::{Value, json};

const CITIES: &[(&str, f64, f64)] = &[
    ("Paris", 48.857, 2.352),
    ("Lyon", 45.764, 4.836),
    ("Marseille", 43.296, 5.370),
    ("Toulouse", 43.605, 1.444),
    ("Nantes", 47.218, -1.554),
    ("Bordeaux", 44.838, -0.579),
    ("Lille", 50.629, 3.057),
    ("Rennes", 48.117, -1.678),
    ("Strasbourg", 48.573, 7.752),
    ("Montpellier", 43.611, 3.877),
    ("Poitiers", 46.580, 0.340),
    ("Grenoble", 45.188, 5.724),
    ("Dijon", 47.322, 5.041),
    ("Brest", 48.390, -4.486),
    ("Limoges", 45.834, 1.262),
];

/// (French, English) ways of saying what is needed or offered.
const TOPICS: &[(&str, &str)] = &[
    ("réparation de vélos", "bike repair"),
    ("impression 3D", "3D printing"),
    ("découpe laser", "laser cutting"),
    ("salle de réunion", "meeting room"),
    ("cuisine partagée", "shared kitchen"),
    (
        "accompagnement numérique des seniors",
        "digital help for seniors",
    ),
    ("création de site web", "website building"),
    ("mentorat d'entrepreneurs", "mentoring entrepreneurs"),
    ("bénévoles pour un festival", "festival volunteers"),
    ("prêt de matériel son", "sound equipment loan"),
    ("animation d'ateliers jeunesse", "youth workshops"),
    ("ruches et apiculture", "beekeeping"),
    ("compost collectif", "community composting"),
    ("jardin partagé", "shared garden"),
    ("menuiserie", "woodworking"),
    ("tournage vidéo", "video shooting"),
    ("traduction de documents", "document translation"),
    ("cours de français", "French lessons"),
    ("initiation au code", "coding for beginners"),
    ("comptabilité associative", "bookkeeping for associations"),
    ("panneaux solaires", "solar panels"),
    ("montage de dossier européen", "EU funding application"),
    ("couture et retouches", "sewing and alterations"),
    ("photographie", "photography"),
];
const SHARES: &[&str] = &[
    "Découpeuse laser #fablab",
    "Imprimante 3D #fablab",
    "Salle 30 places #salle",
    "Cuisine équipée #cuisine",
    "Sono portable #matériel",
    "Vidéoprojecteur #matériel",
    "Atelier vélo #réparation",
    "Médiation numérique #numérique",
    "Espace de coworking #bureau",
    "Jardin partagé #jardin",
    "Outils de menuiserie #atelier",
    "Studio vidéo #audiovisuel",
    "Laser cutter #fablab",
    "Meeting room for 20 #room",
];
const PHRASES_FR: &[&str] = &[
    "Nous cherchons des personnes motivées près de chez nous.",
    "Projet soutenu par la commune, démarrage au printemps.",
    "Contactez-nous pour en parler autour d'un café.",
    "Ouvert aux associations et aux habitants du quartier.",
];
const PHRASES_EN: &[&str] = &[
    "We are looking for motivated people nearby.",
    "Backed by the town, starting in spring.",
    "Get in touch for a chat over coffee.",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One publication as a territory of the network would write it.
struct Item {
    kind: PublicationKind,
    call_type: CallType,
    title: String,
    description: String,
    skills: Vec<String>,
    language: &'static str,
    themes: Vec<&'static str>,
    lat: f64,
    lon: f64,
    radius_km: Option<f64>,
    /// A call's deadline, an event's start.
    date: DateTime<Utc>,
}

fn item(rng: &mut StdRng, now: DateTime<Utc>) -> Item {
    let kind = match rng.random_range(0..20) {
        0..8 => PublicationKind::Event,
        8..13 => PublicationKind::Resource,
        _ => PublicationKind::Call,
    };
    let call_type = match rng.random_range(0..10) {
        0..5 => CallType::Need,
        5..9 => CallType::Offer,
        _ => CallType::Partners,
    };
    let english = rng.random_range(0..10) < 3;
    let (fr, en) = *pick(rng, TOPICS);
    let topic = if english { en } else { fr };
    let title = match (kind, call_type, english) {
        (PublicationKind::Event, _, false) => format!("Atelier {topic}"),
        (PublicationKind::Event, _, true) => format!("Workshop: {topic}"),
        (PublicationKind::Resource, _, false) => format!("Guide : {topic}"),
        (PublicationKind::Resource, _, true) => format!("Guide: {topic}"),
        (_, CallType::Offer, false) => format!("Nous proposons : {topic}"),
        (_, CallType::Offer, true) => format!("We offer {topic}"),
        (_, _, false) => format!("Besoin : {topic}"),
        (_, _, true) => format!("Looking for {topic}"),
    };
    let phrases = if english { PHRASES_EN } else { PHRASES_FR };
    let description = (0..rng.random_range(1..3))
        .map(|_| *pick(rng, phrases))
        .collect::<Vec<_>>()
        .join(" ");
    let city = *pick(rng, CITIES);
    Item {
        kind,
        call_type,
        title,
        description,
        skills: vec![topic.to_owned()],
        language: if english { "en" } else { "fr" },
        themes: (0..rng.random_range(1..3))
            .map(|_| pick(rng, &Theme::ALL).slug())
            .collect(),
        lat: city.1 + rng.random_range(-0.25..0.25),
        lon: city.2 + rng.random_range(-0.35..0.35),
        radius_km: (rng.random_range(0..3) == 0).then(|| rng.random_range(20.0..150.0)),
        // A third past: closed to matching by their deadline.
        date: (now.date_naive() + chrono::Duration::days(rng.random_range(-180..365)))
            .and_hms_opt(12, 0, 0)
            .unwrap_or_default()
            .and_utc(),
    }
}

fn inventory(rng: &mut StdRng) -> Value {
    let shares: Vec<Value> = (0..rng.random_range(1..5))
        .map(|_| {
            let line: &&str = pick(rng, SHARES);
            let e = rhizome_node::inventory::InventoryEntry::from_line(line).unwrap();
            json!(e)
        })
        .collect();
    json!({"shares": shares, "seeks": []})
}

fn territory(i: usize, rng: &mut StdRng) -> Territory {
    let city = CITIES[i % CITIES.len()];
    let draft: TerritoryDraft = serde_json::from_value(json!({
        "slug": format!("lieu-{i}"), "name": format!("Tiers-lieu {i} de {}", city.0), "kind": "tiers_lieu",
        "languages": ["fr"], "themes": [pick(rng, &Theme::ALL).slug()],
        "place": {"address": city.0, "latitude": city.1, "longitude": city.2},
        "inventory": inventory(rng),
    }))
    .unwrap();
    Territory::new(draft.validate("Europe/Paris").unwrap())
}

fn local(t: &Territory, it: &Item) -> Publication {
    let draft = match it.kind {
        PublicationKind::Event => json!({
            "title": it.title, "description": it.description, "language": it.language, "themes": it.themes,
            "starts_at": it.date.format("%Y-%m-%dT%H:00").to_string(),
            "ends_at": (it.date + chrono::Duration::hours(2)).format("%Y-%m-%dT%H:00").to_string(),
            "place": {"name": "Salle", "latitude": it.lat, "longitude": it.lon},
        }),
        PublicationKind::Resource => json!({
            "title": it.title, "summary": it.description, "type": "guide", "language": it.language,
            "themes": it.themes,
        }),
        PublicationKind::Call => json!({
            "title": it.title, "description": it.description, "type": it.call_type, "language": it.language,
            "themes": it.themes, "deadline": it.date.date_naive().to_string(), "skills_wanted": it.skills,
            "scope": {"place": {"latitude": it.lat, "longitude": it.lon}, "radius_km": it.radius_km},
        }),
    };
    let body = PublicationBody::from_draft(it.kind, draft, t).expect("a valid draft");
    Publication::new(t.id, body)
}

fn remote(actor: &str, i: usize, it: &Item) -> RemotePublication {
    let id = format!("{actor}/objects/{i}");
    let call = it.kind == PublicationKind::Call;
    RemotePublication {
        id: id.clone(),
        actor_id: actor.to_owned(),
        kind: it.kind,
        title: it.title.clone(),
        starts_at: (it.kind == PublicationKind::Event).then_some(it.date),
        ends_at: (it.kind != PublicationKind::Resource).then_some(it.date),
        published: it.date - chrono::Duration::days(30),
        updated: it.date - chrono::Duration::days(30),
        deleted_at: None,
        // What the federation side reads from such an object.
        facts: RemoteFacts {
            summary: it.description.clone(),
            language: Some(it.language.to_owned()),
            themes: it
                .themes
                .iter()
                .filter_map(|t| Theme::from_slug(t))
                .collect(),
            position: Some((it.lat, it.lon)),
            details: RemoteDetails {
                call_type: call.then_some(it.call_type),
                call_status: call.then_some(CallStatus::Open),
                skills_wanted: if call { it.skills.clone() } else { Vec::new() },
                radius_km: if call { it.radius_km } else { None },
                ..Default::default()
            },
            ..Default::default()
        },
        object: json!({"id": id, "type": "Page", "name": it.title}),
    }
}

/// Fills the store: half local publications (200 territories with inventories), half
/// from 40 remote actors, 8 writers at a time; 20 peers list 40 territories each.
async fn fill(store: &Arc<dyn Store>, n: usize, now: DateTime<Utc>) -> Duration {
    let mut rng = StdRng::seed_from_u64(7);
    let territories: Vec<Territory> = (0..200).map(|i| territory(i, &mut rng)).collect();
    for t in &territories {
        store.insert_territory(t).await.unwrap();
    }
    for p in 0..20 {
        let host = format!("peer{p}.example");
        store.learn_peer(&host, "seed", now).await.unwrap();
        let entries: Vec<Value> = (0..40)
            .map(|i| {
                let city = *pick(&mut rng, CITIES);
                json!({"url": format!("https://{host}/t/lieu-{i}"), "name": format!("Lieu {i} ({host})"),
                       "themes": [pick(&mut rng, &Theme::ALL).slug()], "languages": ["fr"],
                       "place": {"latitude": city.1, "longitude": city.2},
                       "inventory": inventory(&mut rng)})
            })
            .collect();
        store
            .record_peer_check(&host, Some(&json!({"territories": entries})), now)
            .await
            .unwrap();
    }
    let actors: Vec<String> = (0..40)
        .map(|i| format!("https://node{}.example/t/lieu-{i}", i % 10))
        .collect();
    for (i, a) in actors.iter().enumerate() {
        store
            .upsert_remote_actor(&RemoteActor {
                id: a.clone(),
                inbox: format!("{a}/inbox"),
                shared_inbox: None,
                public_key_id: format!("{a}#main-key"),
                public_key_pem: "PEM".into(),
                username: Some(format!("lieu-{i}")),
                name: Some(format!("Lieu distant {i}")),
                url: None,
                fetched_at: now,
                assertion_keys: vec![],
            })
            .await
            .unwrap();
    }
    let (territories, actors) = (Arc::new(territories), Arc::new(actors));
    let started = Instant::now();
    let writers = 8;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (store, territories, actors) = (store.clone(), territories.clone(), actors.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(42 + w as u64);
            for i in (w..n).step_by(writers) {
                let it = item(&mut rng, now);
                if i % 2 == 0 {
                    let t = &territories[i / 2 % territories.len()];
                    store
                        .insert_publication(&local(t, &it), None)
                        .await
                        .unwrap();
                } else {
                    let a = &actors[i / 2 % actors.len()];
                    store
                        .upsert_remote_publication(&remote(a, i, &it))
                        .await
                        .unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed()
}

/// Median and 95th percentile in ms of `samples`.
fn percentiles(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    (
        samples[samples.len() / 2],
        samples[samples.len() * 95 / 100],
    )
}

/// PostgreSQL's statistics and its full-text index's pending entries brought up to date
/// after the fill, as autovacuum does on a live node within a minute of such a load.
async fn analyze(url: &str, schema: &str) {
    use sqlx::ConnectOptions;
    let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
    let mut conn = options
        .options([("search_path", schema)])
        .connect()
        .await
        .unwrap();
    sqlx::query("VACUUM ANALYZE")
        .execute(&mut conn)
        .await
        .unwrap();
}

async fn run(store: Arc<dyn Store>, backend: &str, n: usize, pg: Option<(&str, &str)>) -> String {
    let now = rhizome_node::now();
    // `MATCHING_KEEP` reuses a store filled by an earlier run the same day.
    let fill_time = if store.territories().await.unwrap().is_empty() {
        eprintln!("{backend}: filling {n} publications…");
        fill(&store, n, now).await
    } else {
        eprintln!("{backend}: reusing the filled store");
        Duration::ZERO
    };
    if let Some((url, schema)) = pg {
        analyze(url, schema).await;
    }
    let owners = store.inventory_owners().await.unwrap();
    let entries: usize = owners.iter().map(|o| o.inventory.shares.len()).sum();
    let matcher = Matcher::builtin();
    let matchmaker = Matchmaker {
        store: &*store,
        matcher: &matcher,
    };
    let floor_id = store.territories().await.unwrap()[0].id;
    let mut floor = Vec::new();
    for _ in 0..1000 {
        let start = Instant::now();
        std::hint::black_box(store.territory(floor_id).await.unwrap());
        floor.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let (floor_median, floor_p95) = percentiles(floor);
    let needs = store.open_needs(now, 5000).await.unwrap();
    let offers: Vec<String> = {
        let q = rhizome_node::store::CandidateQuery {
            wants_offers: true,
            terms: vec!["propos".into(), "offer".into()],
            at: Some(now),
            limit: 200,
            ..Default::default()
        };
        store
            .match_candidates(&q)
            .await
            .unwrap()
            .into_iter()
            .filter(|l| l.kind == PublicationKind::Call)
            .map(|l| l.id)
            .collect()
    };
    let mut rows = String::new();
    let mut p95s = Vec::new();
    for (name, ids) in [
        (
            "a need's suggestions (offers, resources, inventories), top 10",
            needs
                .iter()
                .map(|l| l.id.clone())
                .take(200)
                .collect::<Vec<_>>(),
        ),
        (
            "an offer's needs, top 10",
            offers.into_iter().take(200).collect(),
        ),
    ] {
        let (mut samples, mut found, mut pool) = (Vec::new(), 0, 0);
        for id in ids.iter().take(20) {
            matchmaker.suggestions_for_call(id, now, 10).await.unwrap();
        }
        for round in 0..2 {
            for id in &ids {
                let start = Instant::now();
                let s = matchmaker.suggestions_for_call(id, now, 10).await.unwrap();
                samples.push(start.elapsed().as_secs_f64() * 1000.0);
                if round == 0 {
                    found += s.suggestions.len();
                    pool += 1;
                }
            }
        }
        let (median, p95) = percentiles(samples);
        p95s.push(p95);
        eprintln!("{backend}: {name}: median {median:.2} ms, p95 {p95:.2} ms");
        rows.push_str(&format!(
            "| {name} | {} | {:.1} | {median:.2} | {p95:.2} | {:.0} | {:.0} |\n",
            ids.len(),
            found as f64 / pool.max(1) as f64,
            median / floor_median,
            p95 / floor_median,
        ));
    }
    // The parts: reading every inventory, and one candidate query.
    let mut parts = String::new();
    let mut samples = Vec::new();
    for _ in 0..50 {
        let start = Instant::now();
        std::hint::black_box(store.inventory_owners().await.unwrap());
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let (median, p95) = percentiles(samples);
    eprintln!("{backend}: inventory owners: median {median:.2} ms, p95 {p95:.2} ms");
    parts.push_str(&format!(
        "Reading every inventory: median {median:.2} ms, p95 {p95:.2} ms. "
    ));
    let board_start = Instant::now();
    let board = matchmaker
        .matching_board(
            &BoardFilter {
                per_need: 3,
                limit: 20,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    let board_time = board_start.elapsed().as_secs_f64() * 1000.0;
    format!(
        "### {backend}\n\nFilled through the store's write path (8 writers): {:.1} s. {} open needs \
         read for the board (at most 5000); {} territories known with an inventory ({entries} entries shared). Floor \
         (one primary-key lookup on the same pool): median {floor_median:.3} ms, p95 {floor_p95:.3} ms.\n\n\
         | case | calls | suggestions (mean) | median ms | p95 ms | median / floor | p95 / floor |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n{rows}\n\
         {parts}Matching board, first page (20 needs, 3 suggestions each, {} needs shown): {board_time:.0} ms. \
         Target p95 within 50 ms: {}.\n\n",
        fill_time.as_secs_f64(),
        needs.len(),
        owners.len(),
        board.len(),
        if p95s.iter().all(|p| *p <= 50.0) {
            "met"
        } else {
            "**missed**"
        },
    )
}

fn main() {
    let n: usize = std::env::var("MATCHING_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let keep = std::env::var_os("MATCHING_KEEP").is_some();
        let dir = tempfile::tempdir().unwrap();
        let path = if keep {
            std::env::temp_dir().join(format!("rhizome-matching-{n}.db"))
        } else {
            dir.path().join("rhizome.db")
        };
        let sqlite = SqliteStore::open(&path).await.unwrap();
        sqlite.migrate().await.unwrap();
        let mut text = format!(
            "## Matching: {n} publications, 1000 territories\n\n\
             Command: `cargo bench -p rhizome-node --bench matching` (release build, 2 shared cores; \
             PostgreSQL when `RHIZOME_TEST_DATABASE_URL` is set, on the same machine). Half local, half \
             remote; 40% events, 25% resources, 35% calls (half needs, 40% offers, 10% partners \
             wanted), 30% in English, deadlines from six months ago to a year ahead, a third with a \
             radius; 200 local territories and 20 peers listing 40 each, every one with an inventory. \
             Each call timed twice over up to 200 calls after a warm-up, `Matchmaker::suggestions_for_call` \
             end to end (the call read, candidates fetched, inventories read, ranked). PostgreSQL is \
             vacuumed and analysed after the fill, as autovacuum would be on a live node.\n\n"
        );
        text.push_str(&run(Arc::new(sqlite), "SQLite", n, None).await);
        if let Ok(url) = std::env::var("RHIZOME_TEST_DATABASE_URL") {
            let schema = if keep {
                format!("bench_matching_{n}")
            } else {
                format!("bench_{}", uuid::Uuid::new_v4().simple())
            };
            let pg = PostgresStore::connect(&url, Some(&schema)).await.unwrap();
            pg.migrate().await.unwrap();
            text.push_str(&run(Arc::new(pg), "PostgreSQL", n, Some((&url, &schema))).await);
        }
        text.push_str(&format!(
            "Measured {}.\n",
            Utc::now().format("%Y-%m-%d %H:%M UTC")
        ));
        if n == 100_000 && !keep {
            section::write_section("matching-speed", &text);
        } else {
            println!("{text}");
        }
    });
}
