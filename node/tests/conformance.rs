//! One behaviour, two databases: every test here runs on SQLite, and on PostgreSQL when
//! `RHIZOME_TEST_DATABASE_URL` is set (each test in its own schema, so they run in parallel).

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use rhizome_node::publication::PublicationKind;
use rhizome_node::store::{Order, PostgresStore, PublicationQuery, SqliteStore};
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::{ApiToken, Member, Publication, PublicationBody, Store, StoreError, Territory};
use serde_json::json;

struct Fixture {
    store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("rhizome.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    Fixture {
        store: Arc::new(store),
        _dir: Some(dir),
    }
}

async fn postgres() -> Option<Fixture> {
    let Ok(url) = std::env::var("RHIZOME_TEST_DATABASE_URL") else {
        eprintln!("RHIZOME_TEST_DATABASE_URL is not set: PostgreSQL case not run");
        return None;
    };
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let store = PostgresStore::connect(&url, Some(&schema)).await.unwrap();
    store.migrate().await.unwrap();
    Some(Fixture {
        store: Arc::new(store),
        _dir: None,
    })
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::$name(&*super::sqlite().await.store).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() {
                if let Some(f) = super::postgres().await { super::$name(&*f.store).await }
            } )*
        }
    };
}

conformance!(
    migrations_are_idempotent,
    territories_round_trip_and_slugs_are_unique,
    members_editors_and_tokens,
    publications_round_trip,
    deletion_leaves_a_tombstone,
    listing_filters_and_orders,
    publication_needs_an_existing_territory,
);

fn territory(slug: &str, name: &str) -> Territory {
    let draft: TerritoryDraft = serde_json::from_value(json!({
        "slug": slug, "name": name, "kind": "tiers_lieu", "languages": ["fr", "en"],
        "themes": ["climate", "culture"], "tags": ["repair"],
        "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
        "website": "https://example.org/"
    }))
    .unwrap();
    Territory::new(draft.validate("Europe/Paris").unwrap())
}

fn event(t: &Territory, title: &str, start: &str, end: &str) -> Publication {
    let body = PublicationBody::from_draft(
        PublicationKind::Event,
        json!({"title": title, "starts_at": start, "ends_at": end, "place": {"name": "Salle"},
               "themes": ["climate"], "capacity": 12}),
        t,
    )
    .unwrap();
    Publication::new(t.id, body)
}

fn resource(t: &Territory, title: &str) -> Publication {
    let body = PublicationBody::from_draft(
        PublicationKind::Resource,
        json!({"title": title, "type": "guide", "links": [{"url": "https://example.org/g.pdf"}]}),
        t,
    )
    .unwrap();
    Publication::new(t.id, body)
}

fn call(t: &Territory, title: &str, deadline: &str) -> Publication {
    let body = PublicationBody::from_draft(
        PublicationKind::Call,
        json!({"title": title, "type": "partners", "deadline": deadline, "skills_wanted": ["soudure"]}),
        t,
    )
    .unwrap();
    Publication::new(t.id, body)
}

async fn migrations_are_idempotent(store: &dyn Store) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.member_count().await.unwrap(), 0);
}

async fn territories_round_trip_and_slugs_are_unique(store: &dyn Store) {
    let b = territory("fablab-b", "Beta fablab");
    let a = territory("fablab-a", "Alpha fablab");
    store.insert_territory(&b).await.unwrap();
    store.insert_territory(&a).await.unwrap();
    assert_eq!(store.territory(a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(
        store.territory_by_slug("fablab-b").await.unwrap(),
        Some(b.clone())
    );
    assert_eq!(store.territory_by_slug("nope").await.unwrap(), None);

    let duplicate = territory("fablab-a", "Another");
    assert!(matches!(
        store.insert_territory(&duplicate).await,
        Err(StoreError::Conflict("slug"))
    ));

    let mut renamed = a.clone();
    renamed.profile.name = "Zeta fablab".into();
    renamed.updated_at += Duration::seconds(5);
    store.update_territory(&renamed).await.unwrap();
    let names: Vec<_> = store
        .territories()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.profile.name)
        .collect();
    assert_eq!(names, vec!["Beta fablab", "Zeta fablab"]);
    assert_eq!(store.territory(a.id).await.unwrap(), Some(renamed));

    let ghost = territory("ghost", "Ghost");
    assert!(matches!(
        store.update_territory(&ghost).await,
        Err(StoreError::NotFound)
    ));
}

async fn members_editors_and_tokens(store: &dyn Store) {
    let t = territory("lab", "Lab");
    store.insert_territory(&t).await.unwrap();
    let alice = Member::new("alice", "a long enough password", false).unwrap();
    store.insert_member(&alice).await.unwrap();
    let clash = Member::new("alice", "another long password", true).unwrap();
    assert!(matches!(
        store.insert_member(&clash).await,
        Err(StoreError::Conflict("username"))
    ));
    assert_eq!(store.member_count().await.unwrap(), 1);
    assert_eq!(
        store.member_by_username("alice").await.unwrap(),
        Some(alice.clone())
    );

    store.grant_editor(alice.id, t.id).await.unwrap();
    store.grant_editor(alice.id, t.id).await.unwrap();
    let principal = store.principal(alice.clone()).await.unwrap();
    assert_eq!(principal.editor_of, vec![t.id]);

    let (secret, token) = ApiToken::issue(alice.id, "script");
    store.insert_token(&token).await.unwrap();
    let found = store
        .member_by_token_hash(&rhizome_node::member::hash_token(&secret))
        .await
        .unwrap();
    assert_eq!(found.map(|m| m.id), Some(alice.id));
    assert_eq!(store.member_by_token_hash("0000").await.unwrap(), None);

    let new_hash = rhizome_node::member::hash_password("a brand new password").unwrap();
    store.set_password_hash(alice.id, &new_hash).await.unwrap();
    let alice = store.member_by_username("alice").await.unwrap().unwrap();
    assert!(alice.check_password("a brand new password"));
}

async fn publications_round_trip(store: &dyn Store) {
    let t = territory("lab", "Lab");
    store.insert_territory(&t).await.unwrap();
    for p in [
        event(&t, "Repair café", "2026-12-01T18:00", "2026-12-01T21:00"),
        resource(&t, "Guide du repair café"),
        call(&t, "Cherche partenaires", "2027-01-31"),
    ] {
        store.insert_publication(&p).await.unwrap();
        assert_eq!(store.publication(p.id).await.unwrap(), Some(p.clone()));
        let mut edited = p.clone();
        edited.body = p
            .body
            .patched(&json!({"title": "Nouveau titre"}), &t)
            .unwrap();
        edited.updated_at = p.updated_at + Duration::seconds(1);
        store.update_publication(&edited).await.unwrap();
        assert_eq!(store.publication(p.id).await.unwrap(), Some(edited));
    }
}

async fn deletion_leaves_a_tombstone(store: &dyn Store) {
    let t = territory("lab", "Lab");
    store.insert_territory(&t).await.unwrap();
    let p = resource(&t, "Guide");
    store.insert_publication(&p).await.unwrap();
    let at = rhizome_node::now();
    store.delete_publication(p.id, at).await.unwrap();
    let tomb = store.publication(p.id).await.unwrap().unwrap();
    assert_eq!(tomb.deleted_at, Some(at));
    assert!(matches!(
        store.delete_publication(p.id, at).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.update_publication(&p).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .publications(&PublicationQuery {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .is_empty()
    );
    // The id is never reused.
    assert!(matches!(
        store.insert_publication(&p).await,
        Err(StoreError::Conflict("id"))
    ));
}

async fn listing_filters_and_orders(store: &dyn Store) {
    let a = territory("ta", "A");
    let b = territory("tb", "B");
    store.insert_territory(&a).await.unwrap();
    store.insert_territory(&b).await.unwrap();
    let past = event(&a, "Past", "2020-01-01T10:00", "2020-01-01T12:00");
    let later = event(&b, "Later", "2030-06-01T10:00", "2030-06-01T12:00");
    let soon = event(&a, "Soon", "2030-01-01T10:00", "2030-01-01T12:00");
    let guide = resource(&a, "Guide");
    let closed_call = call(&a, "Old call", "2020-02-01");
    for p in [&past, &later, &soon, &guide, &closed_call] {
        store.insert_publication(p).await.unwrap();
    }
    let titles = |ps: Vec<Publication>| {
        ps.into_iter()
            .map(|p| p.body.title().to_owned())
            .collect::<Vec<_>>()
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();

    let agenda = PublicationQuery {
        kind: Some(PublicationKind::Event),
        current_at: Some(now),
        order: Order::Soonest,
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        titles(store.publications(&agenda).await.unwrap()),
        vec!["Soon", "Later"]
    );
    let of_a = PublicationQuery {
        territory_id: Some(a.id),
        ..agenda.clone()
    };
    assert_eq!(
        titles(store.publications(&of_a).await.unwrap()),
        vec!["Soon"]
    );
    let page2 = PublicationQuery {
        offset: 1,
        limit: 1,
        ..agenda.clone()
    };
    assert_eq!(
        titles(store.publications(&page2).await.unwrap()),
        vec!["Later"]
    );

    let current_of_a = PublicationQuery {
        territory_id: Some(a.id),
        current_at: Some(now),
        limit: 10,
        ..Default::default()
    };
    let mut current = titles(store.publications(&current_of_a).await.unwrap());
    current.sort();
    assert_eq!(current, vec!["Guide", "Soon"]);

    let everything = PublicationQuery {
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.publications(&everything).await.unwrap().len(), 5);
    let newest_first = titles(store.publications(&everything).await.unwrap());
    assert_eq!(newest_first.first().map(String::as_str), Some("Old call"));
}

async fn publication_needs_an_existing_territory(store: &dyn Store) {
    let t = territory("lab", "Lab");
    let p = resource(&t, "Orphan");
    assert!(matches!(
        store.insert_publication(&p).await,
        Err(StoreError::Database(_))
    ));
    assert_eq!(store.publication(p.id).await.unwrap(), None);
}
