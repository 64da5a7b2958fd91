//! Network search at 100 000 publications (and more, for the curve): the index filled
//! through the store's own write path, then representative network-view queries timed
//! against a floor measured in the same run on the same pool (one primary-key lookup). SQLite always; PostgreSQL too when
//! `RHIZOME_TEST_DATABASE_URL` is set. Writes the `search` section of BENCHMARKS.md.
//!
//! `cargo bench -p rhizome-node --bench search`; `SEARCH_PUBLICATIONS=100000,1000000` fills on
//! to each size in turn and reports the p95 curve across them.

#[path = "../../federation/benches/section.rs"]
mod section;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rhizome_node::listing::{ListingQuery, Origin, RemoteFacts};
use rhizome_node::network::{Near, RemotePublication};
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
    ("Clermont-Ferrand", 45.778, 3.087),
    ("Brest", 48.390, -4.486),
    ("Limoges", 45.834, 1.262),
    ("Tours", 47.394, 0.685),
    ("Nancy", 48.692, 6.184),
    ("Rouen", 49.443, 1.099),
    ("Pau", 43.295, -0.371),
];

const FORMATS_FR: &[&str] = &[
    "Atelier",
    "Rencontre",
    "Conférence",
    "Balade",
    "Formation",
    "Repair café",
    "Soirée",
    "Chantier participatif",
    "Visite",
    "Café-débat",
];
const FORMATS_EN: &[&str] = &[
    "Workshop",
    "Meetup",
    "Talk",
    "Walk",
    "Training",
    "Hackathon",
    "Open day",
];
const TOPICS: &[&str] = &[
    "compost",
    "réparation de vélos",
    "jardin partagé",
    "énergie solaire",
    "couture et upcycling",
    "électronique libre",
    "cuisine locale",
    "biodiversité urbaine",
    "impression 3D",
    "mobilité douce",
    "économie sociale et solidaire",
    "éducation populaire",
    "patrimoine vivant",
    "logiciels libres",
    "sobriété numérique",
    "permaculture",
    "théâtre forum",
    "fresque du climat",
    "circuits courts",
    "rénovation thermique",
];
const PHRASES: &[&str] = &[
    "Ouvert à toutes et à tous, débutants bienvenus.",
    "Apportez vos objets cassés, on répare ensemble.",
    "Un moment convivial pour apprendre en faisant.",
    "Inscription conseillée, places limitées.",
    "Open to everyone, no experience needed.",
    "Bring your own tools and curiosity.",
    "Animé par des bénévoles de l'association.",
    "Goûter partagé à la fin de la séance.",
    "Accessible aux personnes à mobilité réduite.",
    "En partenariat avec la médiathèque du quartier.",
];
const LANGUAGES: &[(&str, u32)] = &[("fr", 70), ("en", 20), ("de", 4), ("es", 4), ("oc", 2)];

/// One in this many publications carries the rare word.
const RARE_EVERY: usize = 20_000;
const RARE: &str = "xylophone";

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn language(rng: &mut StdRng) -> &'static str {
    let mut n = rng.random_range(0..100);
    for (l, w) in LANGUAGES {
        if n < *w {
            return l;
        }
        n -= w;
    }
    "fr"
}

/// A title, a description and where, as a territory of the network would write them.
struct Item {
    kind: PublicationKind,
    title: String,
    description: String,
    language: &'static str,
    themes: Vec<&'static str>,
    city: (&'static str, f64, f64),
    lat: f64,
    lon: f64,
    start: DateTime<Utc>,
    hours: i64,
}

fn item(rng: &mut StdRng, i: usize, now: DateTime<Utc>) -> Item {
    let kind = match rng.random_range(0..10) {
        0..5 => PublicationKind::Event,
        5..8 => PublicationKind::Resource,
        _ => PublicationKind::Call,
    };
    let language = language(rng);
    let english = language == "en";
    let format = if english {
        pick(rng, FORMATS_EN)
    } else {
        pick(rng, FORMATS_FR)
    };
    let topic = pick(rng, TOPICS);
    let city = *pick(rng, CITIES);
    let title = match kind {
        PublicationKind::Event => format!("{format} {topic} à {}", city.0),
        PublicationKind::Resource => format!("Guide : {topic}"),
        PublicationKind::Call => format!("Appel à partenaires : {topic}"),
    };
    let mut description = (0..rng.random_range(2..5))
        .map(|_| *pick(rng, PHRASES))
        .collect::<Vec<_>>()
        .join(" ");
    if i % RARE_EVERY == 7 {
        description.push_str(&format!(" Avec un {RARE} géant."));
    }
    let themes: Vec<&str> = (0..rng.random_range(1..3))
        .map(|_| pick(rng, &Theme::ALL).slug())
        .collect();
    Item {
        kind,
        title,
        description,
        language,
        themes,
        city,
        lat: city.1 + rng.random_range(-0.25..0.25),
        lon: city.2 + rng.random_range(-0.35..0.35),
        // Daytime, so no start or end falls in a daylight-saving gap.
        start: (now.date_naive() + chrono::Duration::days(rng.random_range(-365..365)))
            .and_hms_opt(rng.random_range(8..18), 0, 0)
            .unwrap_or_default()
            .and_utc(),
        hours: rng.random_range(1..5),
    }
}

fn territory(i: usize) -> Territory {
    let city = CITIES[i % CITIES.len()];
    let draft: TerritoryDraft = serde_json::from_value(json!({
        "slug": format!("lieu-{i}"), "name": format!("Tiers-lieu {i} de {}", city.0), "kind": "tiers_lieu",
        "languages": ["fr"], "place": {"address": city.0, "latitude": city.1, "longitude": city.2}
    }))
    .unwrap();
    Territory::new(draft.validate("Europe/Paris").unwrap())
}

fn local(t: &Territory, it: &Item) -> Publication {
    let draft = match it.kind {
        PublicationKind::Event => json!({
            "title": it.title, "description": it.description, "language": it.language, "themes": it.themes,
            "starts_at": it.start.format("%Y-%m-%dT%H:00").to_string(),
            "ends_at": (it.start + chrono::Duration::hours(it.hours)).format("%Y-%m-%dT%H:00").to_string(),
            "place": {"name": "Salle des fêtes", "address": it.city.0, "latitude": it.lat, "longitude": it.lon},
        }),
        PublicationKind::Resource => json!({
            "title": it.title, "summary": it.description, "type": "guide", "language": it.language,
            "themes": it.themes,
        }),
        PublicationKind::Call => json!({
            "title": it.title, "description": it.description, "type": "partners", "language": it.language,
            "themes": it.themes, "deadline": it.start.date_naive().to_string(),
        }),
    };
    let body = PublicationBody::from_draft(it.kind, draft, t).expect("a valid draft");
    Publication::new(t.id, body)
}

fn remote(actor: &str, i: usize, it: &Item) -> RemotePublication {
    let id = format!("{actor}/objects/{i}");
    let end = it.start + chrono::Duration::hours(it.hours);
    let object: Value = match it.kind {
        PublicationKind::Event => json!({
            "id": id, "type": "Event", "name": it.title, "summary": format!("<p>{}</p>", it.description),
            "startTime": it.start.to_rfc3339(), "endTime": end.to_rfc3339(), "inLanguage": it.language,
            "themes": it.themes, "location": {"type": "Place", "name": it.city.0, "latitude": it.lat, "longitude": it.lon},
        }),
        PublicationKind::Resource => json!({
            "id": id, "type": "Page", "name": it.title, "summary": it.description, "inLanguage": it.language,
            "themes": it.themes,
        }),
        PublicationKind::Call => json!({
            "id": id, "type": "Page", "callType": "partners", "name": it.title, "summary": it.description,
            "inLanguage": it.language, "themes": it.themes, "endTime": end.to_rfc3339(),
        }),
    };
    RemotePublication {
        id,
        actor_id: actor.to_owned(),
        kind: it.kind,
        title: it.title.clone(),
        starts_at: (it.kind == PublicationKind::Event).then_some(it.start),
        ends_at: (it.kind != PublicationKind::Resource).then_some(end),
        published: it.start - chrono::Duration::days(30),
        updated: it.start - chrono::Duration::days(30),
        deleted_at: None,
        // What the federation side reads from such an object.
        facts: RemoteFacts {
            summary: rhizome_node::listing::cut(
                &it.description,
                rhizome_node::listing::MAX_SUMMARY_CHARS,
            ),
            language: Some(it.language.to_owned()),
            themes: it
                .themes
                .iter()
                .filter_map(|t| Theme::from_slug(t))
                .collect(),
            position: (it.kind == PublicationKind::Event).then_some((it.lat, it.lon)),
            keywords: if it.kind == PublicationKind::Event {
                it.city.0.to_owned()
            } else {
                String::new()
            },
            ..Default::default()
        },
        object,
    }
}

/// The territories and remote actors publishing, stored once per backend.
async fn publishers(
    store: &Arc<dyn Store>,
    now: DateTime<Utc>,
) -> (Arc<Vec<Territory>>, Arc<Vec<String>>) {
    let territories: Vec<Territory> = (0..60).map(territory).collect();
    for t in &territories {
        store.insert_territory(t).await.unwrap();
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
    (Arc::new(territories), Arc::new(actors))
}

/// Fills publications `from..to`: even ones local (60 territories), odd ones from 40
/// remote actors, through the ordinary write path, 8 writers at a time.
async fn fill(
    store: &Arc<dyn Store>,
    (territories, actors): &(Arc<Vec<Territory>>, Arc<Vec<String>>),
    (from, to): (usize, usize),
    now: DateTime<Utc>,
) -> Duration {
    let started = Instant::now();
    let writers = 8;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (store, territories, actors) = (store.clone(), territories.clone(), actors.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64((42 + w + from) as u64);
            for i in (from + w..to).step_by(writers) {
                let it = item(&mut rng, i, now);
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

struct Timing {
    median: f64,
    p95: f64,
}

/// Median and 95th percentile in ms over `runs`, after a warm-up.
async fn time<F, Fut>(runs: usize, mut f: F) -> Timing
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    for _ in 0..runs / 10 {
        f().await;
    }
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f().await);
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    Timing {
        median: samples[runs / 2],
        p95: samples[runs * 95 / 100],
    }
}

/// The queries timed, each named as its table row.
fn cases(territories: &[Territory], now: DateTime<Utc>) -> Vec<(&'static str, ListingQuery)> {
    let events = ListingQuery {
        kind: Some(PublicationKind::Event),
        current_at: Some(now),
        limit: 20,
        ..Default::default()
    };
    vec![
        ("upcoming events, first page", events.clone()),
        (
            "upcoming events, page 50 (offset 1000)",
            ListingQuery {
                offset: 1000,
                ..events.clone()
            },
        ),
        (
            "resources, newest first",
            ListingQuery {
                kind: Some(PublicationKind::Resource),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "events, q one word (\"velo\")",
            ListingQuery {
                q: Some("velo".into()),
                ..events.clone()
            },
        ),
        (
            "events, q two words + theme (\"atelier repar\", climate)",
            ListingQuery {
                q: Some("atelier repar".into()),
                theme: Some(Theme::Climate),
                ..events.clone()
            },
        ),
        (
            "events near Lyon, 30 km",
            ListingQuery {
                near: Some(Near {
                    latitude: 45.764,
                    longitude: 4.836,
                    km: 30.0,
                }),
                ..events.clone()
            },
        ),
        (
            "events of one territory",
            ListingQuery {
                origin: Some(Origin::Territory(territories[3].id)),
                ..events.clone()
            },
        ),
        (
            "resources, rare word",
            ListingQuery {
                kind: Some(PublicationKind::Resource),
                q: Some(RARE.into()),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "all kinds, rare word",
            ListingQuery {
                q: Some(RARE.into()),
                limit: 20,
                ..Default::default()
            },
        ),
    ]
}

/// One size's figures on one backend.
struct Measured {
    n: usize,
    /// Publications this size added to the previous one.
    added: usize,
    fill: Duration,
    reindex: Duration,
    floor: Timing,
    /// Each query's name, rows found and timing.
    queries: Vec<(&'static str, usize, Timing)>,
}

/// Fills the store up to each size in turn (the next size adds to the previous one),
/// re-indexes, and times the floor and every query.
async fn run(store: Arc<dyn Store>, backend: &str, sizes: &[usize]) -> Vec<Measured> {
    let now = rhizome_node::now();
    let publishers = publishers(&store, now).await;
    let mut measured = Vec::new();
    let mut filled = 0;
    for &n in sizes {
        eprintln!("{backend}: filling {filled}..{n} publications…");
        let fill_time = fill(&store, &publishers, (filled, n), now).await;
        let added = n - filled;
        filled = n;
        let rebuild_start = Instant::now();
        let indexed = store.rebuild_listings().await.unwrap();
        let rebuild_time = rebuild_start.elapsed();
        assert_eq!(indexed as usize, n);

        let runs = 200;
        let probe = publishers.0[0].id;
        let floor = time(runs * 5, || {
            let store = store.clone();
            async move { store.territory(probe).await.unwrap().is_some() as usize }
        })
        .await;
        let mut queries = Vec::new();
        for (name, query) in cases(&publishers.0, now) {
            let found = store.listings(&query).await.unwrap().len();
            let t = time(runs, || {
                let (store, query) = (store.clone(), query.clone());
                async move { store.listings(&query).await.unwrap().len() }
            })
            .await;
            eprintln!(
                "{backend} {n}: {name}: {found} rows, median {:.2} ms, p95 {:.2} ms",
                t.median, t.p95
            );
            queries.push((name, found, t));
        }
        measured.push(Measured {
            n,
            added,
            fill: fill_time,
            reindex: rebuild_time,
            floor,
            queries,
        });
    }
    measured
}

/// A backend's tables: one per size, then the p95 curve across sizes when there are several.
fn render(backend: &str, measured: &[Measured]) -> String {
    let mut text = format!("### {backend}\n\n");
    for m in measured {
        let mut rows = String::new();
        for (name, found, t) in &m.queries {
            rows.push_str(&format!(
                "| {name} | {found} | {:.2} | {:.2} | {:.1} | {:.1} |\n",
                t.median,
                t.p95,
                t.median / m.floor.median,
                t.p95 / m.floor.median
            ));
        }
        text.push_str(&format!(
            "#### {} publications\n\nFilled through the store's write path (8 writers): {:.1} s for the {} added \
             ({:.0} publications/s); full re-index of {} (`rhizome admin reindex`, \
             which ends with `ANALYZE listings` on PostgreSQL): {:.1} s; the queries run after it. Floor (one \
             primary-key lookup on the same pool): median {:.3} ms, p95 {:.3} ms.\n\n\
             | query (limit 20) | rows | median ms | p95 ms | median / floor | p95 / floor |\n\
             | --- | --- | --- | --- | --- | --- |\n{rows}\n",
            m.n,
            m.fill.as_secs_f64(),
            m.added,
            m.added as f64 / m.fill.as_secs_f64(),
            m.n,
            m.reindex.as_secs_f64(),
            m.floor.median,
            m.floor.p95,
        ));
    }
    if measured.len() > 1 {
        let head: String = measured
            .iter()
            .map(|m| format!(" p95 ms at {} |", m.n))
            .collect();
        let rule: String = measured.iter().map(|_| " --- |").collect();
        text.push_str(&format!(
            "#### The curve: p95 by size (floor's median in brackets)\n\n| query |{head}\n| --- |{rule}\n"
        ));
        for (i, (name, _, _)) in measured[0].queries.iter().enumerate() {
            let cells: String = measured
                .iter()
                .map(|m| format!(" {:.2} |", m.queries[i].2.p95))
                .collect();
            text.push_str(&format!("| {name} |{cells}\n"));
        }
        let floors: String = measured
            .iter()
            .map(|m| format!(" ({:.3}) |", m.floor.median))
            .collect();
        text.push_str(&format!("| floor |{floors}\n\n"));
    }
    text
}

/// The sizes to measure, ascending: `SEARCH_PUBLICATIONS`, comma-separated (default
/// 100 000; `100000,1000000` for the curve).
fn sizes() -> Vec<usize> {
    let mut sizes: Vec<usize> = std::env::var("SEARCH_PUBLICATIONS")
        .unwrap_or_else(|_| "100000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .replace('_', "")
                .parse()
                .expect("SEARCH_PUBLICATIONS: sizes such as 100000,1000000")
        })
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

fn main() {
    let sizes = sizes();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = SqliteStore::open(&dir.path().join("rhizome.db"))
            .await
            .unwrap();
        sqlite.migrate().await.unwrap();
        let listed = sizes.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" and ");
        let mut text = format!(
            "## Network search: {listed} publications\n\n\
             Command: `SEARCH_PUBLICATIONS={} cargo bench -p rhizome-node --bench search` (release build, 2 shared cores; \
             PostgreSQL when `RHIZOME_TEST_DATABASE_URL` is set, on the same machine). Half local, half \
             remote; 50% events over two years around today, 30% resources, 20% calls; French and \
             English titles and descriptions, 20 French cities. Each size adds to the previous one in the \
             same database. Each query 200 runs after a warm-up; the floor is measured in the same run.\n\n",
            sizes.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(","),
        );
        // `SEARCH_SQLITE=0`: PostgreSQL only (the section is then printed, not written).
        let with_sqlite = std::env::var("SEARCH_SQLITE").map_or(true, |v| v != "0");
        if with_sqlite {
            let measured = run(Arc::new(sqlite), "SQLite", &sizes).await;
            text.push_str(&render("SQLite", &measured));
        }
        if let Ok(url) = std::env::var("RHIZOME_TEST_DATABASE_URL") {
            let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
            let pg = PostgresStore::connect(&url, Some(&schema)).await.unwrap();
            pg.migrate().await.unwrap();
            let measured = run(Arc::new(pg), "PostgreSQL", &sizes).await;
            text.push_str(&render("PostgreSQL", &measured));
        }
        text.push_str(&format!(
            "Measured {}.\n",
            Utc::now().format("%Y-%m-%d %H:%M UTC")
        ));
        if sizes.first() == Some(&100_000) && with_sqlite {
            section::write_section("search", &text);
        }
        println!("{text}");
    });
}
