//! One behaviour, two databases: every test here runs on SQLite, and on PostgreSQL when
//! `RHIZOME_TEST_DATABASE_URL` is set (each test in its own schema, so they run in parallel).

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use rhizome_node::member::{LinkPurpose, OneTimeLink, Session, hash_token};
use rhizome_node::publication::PublicationKind;
use rhizome_node::store::prelude::*;
use rhizome_node::store::{Order, PostgresStore, PublicationQuery, SqliteStore};
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::{ApiToken, Member, Publication, PublicationBody, StoreError, Territory};
use serde_json::json;

struct Fixture {
    store: Arc<dyn Store>,
    raw: Raw,
    _dir: Option<tempfile::TempDir>,
}

/// The fixture's database, reached around the store: for writing what a store never
/// writes (an older version's rows, a damaged value).
enum Raw {
    Sqlite(std::path::PathBuf),
    Postgres { url: String, schema: String },
}

impl Raw {
    async fn execute(&self, sql: &str) {
        match self {
            Raw::Sqlite(path) => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Raw::Postgres { url, schema } => {
                use std::str::FromStr;
                let options = sqlx::postgres::PgConnectOptions::from_str(url)
                    .unwrap()
                    .options([("search_path", schema.as_str())]);
                let pool = sqlx::PgPool::connect_with(options).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    /// Runs `sql` past the CHECK constraint on `table.column`, as damage or an older or
    /// newer version could have left it.
    async fn execute_unchecked(&self, table: &str, column: &str, sql: &str) {
        let bypass = match self {
            Raw::Sqlite(_) => "PRAGMA ignore_check_constraints = ON".to_owned(),
            Raw::Postgres { .. } => {
                format!("ALTER TABLE {table} DROP CONSTRAINT {table}_{column}_check")
            }
        };
        self.execute(&format!("{bypass}; {sql}")).await;
    }
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("rhizome.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    Fixture {
        store: Arc::new(store),
        raw: Raw::Sqlite(dir.path().join("rhizome.db")),
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
        raw: Raw::Postgres { url, schema },
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

/// Like `conformance!`, for tests that also write around the store.
macro_rules! conformance_raw {
    ($($name:ident),* $(,)?) => {
        mod sqlite_raw {
            $( #[tokio::test] async fn $name() { super::$name(&super::sqlite().await).await } )*
        }
        mod postgres_raw {
            $( #[tokio::test] async fn $name() {
                if let Some(f) = super::postgres().await { super::$name(&f).await }
            } )*
        }
    };
}

conformance!(
    migrations_are_idempotent,
    territories_round_trip_and_slugs_are_unique,
    gathering_actors_share_slugs_but_not_territory_lists,
    gathered_items_are_decided_once_with_their_activities,
    members_editors_and_tokens,
    publications_round_trip,
    deletion_leaves_a_tombstone,
    listing_filters_and_orders,
    publication_needs_an_existing_territory,
    invitations_are_single_use,
    password_resets_end_sessions_and_are_single_use,
);

conformance_raw!(
    remote_rows_without_facts_wait_for_their_facts,
    unknown_stored_values_are_errors_not_defaults,
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

/// A remote publication stored before facts were kept: reading it is an error naming the
/// column, it is not listed, it is handed out with its object for the federation side to
/// read, and once given its facts it is readable and listed.
async fn remote_rows_without_facts_wait_for_their_facts(f: &Fixture) {
    use rhizome_node::listing::{ListingQuery, RemoteFacts};
    use rhizome_node::network::RemotePublication;
    let store = &*f.store;
    let p = RemotePublication {
        id: "https://other.example/resources/1".into(),
        actor_id: "https://other.example/t/lab".into(),
        kind: PublicationKind::Resource,
        title: "Verger".into(),
        starts_at: None,
        ends_at: None,
        object: json!({"type": "Page", "name": "Verger", "summary": "Avant"}),
        published: rhizome_node::now(),
        updated: rhizome_node::now(),
        deleted_at: None,
        facts: RemoteFacts::default(),
    };
    store.upsert_remote_publication(&p).await.unwrap();
    f.raw
        .execute("UPDATE remote_publications SET facts = NULL")
        .await;
    match store.remote_publication(&p.id).await {
        Err(StoreError::Corrupt { table, column, .. }) => {
            assert_eq!((table, column), ("remote_publications", "facts"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.rebuild_listings().await.unwrap(), 0, "not listed yet");
    assert_eq!(
        store.remote_objects_without_facts(10).await.unwrap(),
        vec![(p.id.clone(), p.object.clone())]
    );
    let facts = RemoteFacts {
        summary: "Converti".into(),
        ..Default::default()
    };
    store.set_remote_facts(&p.id, &facts).await.unwrap();
    assert!(
        store
            .remote_objects_without_facts(10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .remote_publication(&p.id)
            .await
            .unwrap()
            .unwrap()
            .facts,
        facts
    );
    let listed = store
        .listings(&ListingQuery {
            q: Some("verger".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].summary, "Converti");
    assert!(matches!(
        store
            .set_remote_facts("https://other.example/none", &facts)
            .await,
        Err(StoreError::NotFound)
    ));
}

/// Expects a `Corrupt` error naming `table.column` and the value found.
fn assert_corrupt<T: std::fmt::Debug>(
    result: Result<T, StoreError>,
    at: (&str, &str),
    value: &str,
) {
    match result {
        Err(StoreError::Corrupt {
            table,
            column,
            reason,
        }) => {
            assert_eq!((table, column), at);
            assert!(reason.contains(value), "{reason}");
        }
        other => panic!("expected a corrupt {at:?}, got {other:?}"),
    }
}

/// A stored enum value this version does not know is an error naming where it is, not
/// silently some default (a link of unknown purpose is no invitation).
async fn unknown_stored_values_are_errors_not_defaults(f: &Fixture) {
    use rhizome_node::social::{FollowState, Follower};
    let store = &*f.store;
    let (_, link) = OneTimeLink::issue(LinkPurpose::Invitation {
        territory_id: None,
        admin: false,
    });
    store.insert_link(&link).await.unwrap();
    f.raw
        .execute_unchecked(
            "one_time_links",
            "purpose",
            "UPDATE one_time_links SET purpose = 'magic'",
        )
        .await;
    assert_corrupt(
        store.link(&link.token_hash).await,
        ("one_time_links", "purpose"),
        "magic",
    );

    let t = territory("lab", "Lab");
    store.insert_territory(&t).await.unwrap();
    let follower = Follower {
        territory_id: t.id,
        actor_id: "https://other.example/u/ana".into(),
        inbox: "https://other.example/u/ana/inbox".into(),
        state: FollowState::Pending,
        follow_activity_id: "https://other.example/follows/1".into(),
        created_at: rhizome_node::now(),
    };
    store.upsert_follower(&follower, None).await.unwrap();
    f.raw
        .execute_unchecked(
            "followers",
            "state",
            "UPDATE followers SET state = 'paused'",
        )
        .await;
    assert_corrupt(
        store.followers(t.id, 10, 0).await,
        ("followers", "state"),
        "paused",
    );

    let subscription = rhizome_node::network::Following {
        territory_id: uuid::Uuid::nil(),
        target_id: "https://hub.example/actor".into(),
        state: FollowState::Accepted,
        follow_activity_id: "https://here.example/follows/1".into(),
        scope: Default::default(),
        created_at: rhizome_node::now(),
    };
    store
        .upsert_node_subscription(&subscription, false, None)
        .await
        .unwrap();
    f.raw
        .execute_unchecked(
            "node_subscriptions",
            "state",
            "UPDATE node_subscriptions SET state = 'asleep'",
        )
        .await;
    assert_corrupt(
        store.node_subscriptions().await,
        ("node_subscriptions", "state"),
        "asleep",
    );

    store
        .insert_publication(&resource(&t, "Guide"), None)
        .await
        .unwrap();
    f.raw
        .execute_unchecked("listings", "kind", "UPDATE listings SET kind = 'poem'")
        .await;
    assert_corrupt(
        store
            .listings(&rhizome_node::listing::ListingQuery {
                limit: 10,
                ..Default::default()
            })
            .await,
        ("listings", "kind"),
        "poem",
    );
}

async fn migrations_are_idempotent(store: &dyn Store) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.member_count().await.unwrap(), 0);
}

async fn gathering_actors_share_slugs_but_not_territory_lists(store: &dyn Store) {
    use rhizome_node::territory::ActorRole;
    let fablab = territory("fablab", "Fablab");
    let festival = Territory::with_role(
        ActorRole::Festival,
        territory("festival-2027", "Festival des apprentissages").profile,
    );
    store.insert_territory(&fablab).await.unwrap();
    store.insert_territory(&festival).await.unwrap();
    // Found by id and slug like any local actor, with its role...
    let found = store.territory_by_slug("festival-2027").await.unwrap();
    assert_eq!(found.as_ref().map(|t| t.role), Some(ActorRole::Festival));
    assert_eq!(
        store.territory(festival.id).await.unwrap(),
        Some(festival.clone())
    );
    // ...sharing the one namespace of handles...
    let clash = Territory::with_role(ActorRole::Collective, territory("fablab", "Clash").profile);
    assert!(matches!(
        store.insert_territory(&clash).await,
        Err(StoreError::Conflict("slug"))
    ));
    // ...but listed apart from territories.
    let slugs = |ts: Vec<Territory>| ts.into_iter().map(|t| t.profile.slug).collect::<Vec<_>>();
    assert_eq!(slugs(store.territories().await.unwrap()), vec!["fablab"]);
    assert_eq!(
        slugs(store.actors_with_role(ActorRole::Festival).await.unwrap()),
        vec!["festival-2027"]
    );
    assert!(
        store
            .actors_with_role(ActorRole::Collective)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn gathered_items_are_decided_once_with_their_activities(store: &dyn Store) {
    use rhizome_node::festival::{GatheringSettings, Perimeter};
    use rhizome_node::gathering::{GatheredItem, ItemState, Participation, Settlement};
    use rhizome_node::outbox::{Outgoing, Recipients};
    use rhizome_node::territory::ActorRole;
    let festival = Territory::with_role(
        ActorRole::Festival,
        territory("festival", "Festival des apprentissages").profile,
    );
    store.insert_territory(&festival).await.unwrap();
    let settings = GatheringSettings {
        starts_on: chrono::NaiveDate::from_ymd_opt(2031, 3, 10),
        ends_on: chrono::NaiveDate::from_ymd_opt(2031, 3, 16),
        banner: None,
        perimeter: Perimeter::Region {
            latitude: 46.58,
            longitude: 0.34,
            radius_km: 80.0,
        },
        auto_accept_in_perimeter: true,
    };
    store
        .save_gathering_settings(festival.id, &settings)
        .await
        .unwrap();
    assert_eq!(
        store.gathering_settings(festival.id).await.unwrap(),
        Some(settings)
    );
    let actor = "https://a.example/t/festival";
    let mut item = GatheredItem::submitted(
        actor.into(),
        "https://b.example/events/1".into(),
        "https://b.example/t/fablab".into(),
        "https://b.example/activities/add-1".into(),
    );
    item.gathering_id = Some(festival.id);
    store.insert_gathered_item(&item, &[]).await.unwrap();
    // The same publication twice in one gathering is refused, nothing stored.
    let twice = GatheredItem::submitted(
        actor.into(),
        "https://b.example/events/1".into(),
        "https://b.example/t/fablab".into(),
        "https://b.example/activities/add-2".into(),
    );
    assert!(matches!(
        store.insert_gathered_item(&twice, &[]).await,
        Err(StoreError::Conflict("submission"))
    ));
    assert_eq!(
        store.gathered_item(item.id).await.unwrap(),
        Some(item.clone())
    );
    assert_eq!(
        store
            .gathered_item_by_submission("https://b.example/activities/add-1")
            .await
            .unwrap()
            .map(|i| i.id),
        Some(item.id)
    );
    let announce_id = uuid::Uuid::now_v7();
    let announce = Outgoing {
        id: announce_id,
        activity_id: format!("https://a.example/activities/{announce_id}"),
        sender: festival.id,
        body: json!({"type": "Announce"}),
        recipients: Recipients::Inboxes(vec!["https://m.example/inbox".into()]),
        public: true,
    };
    let before = store.pending_deliveries().await.unwrap();
    let accepted = Settlement {
        state: ItemState::Accepted,
        from: &[ItemState::Pending],
        decided_by: Some("curator".into()),
        at: rhizome_node::now(),
        announce_id: Some(announce.activity_id.clone()),
    };
    store
        .settle_gathered_item(item.id, &accepted, std::slice::from_ref(&announce))
        .await
        .unwrap();
    assert_eq!(store.pending_deliveries().await.unwrap(), before + 1);
    // Decided once: a second decision changes nothing and queues nothing.
    assert!(matches!(
        store
            .settle_gathered_item(item.id, &accepted, std::slice::from_ref(&announce))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.pending_deliveries().await.unwrap(), before + 1);
    let stored = store.gathered_item(item.id).await.unwrap().unwrap();
    assert_eq!(stored.state, ItemState::Accepted);
    assert_eq!(stored.decided_by.as_deref(), Some("curator"));
    assert_eq!(stored.announce_id, Some(announce.activity_id.clone()));
    assert_eq!(
        store
            .gathered_items(actor, Some(ItemState::Accepted))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .gathered_items(actor, Some(ItemState::Pending))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.participations().await.unwrap(),
        vec![Participation {
            gathering_id: festival.id,
            participant: "https://b.example/t/fablab".into(),
            kind: ActorRole::Festival,
        }]
    );
    // Withdrawn: out of the programme and of the participations, the announce id kept.
    let withdrawn = Settlement {
        state: ItemState::Withdrawn,
        from: &[ItemState::Pending, ItemState::Accepted],
        decided_by: None,
        at: rhizome_node::now(),
        announce_id: None,
    };
    store
        .settle_gathered_item(item.id, &withdrawn, &[])
        .await
        .unwrap();
    let stored = store.gathered_item(item.id).await.unwrap().unwrap();
    assert_eq!(stored.state, ItemState::Withdrawn);
    assert_eq!(stored.announce_id, Some(announce.activity_id));
    assert!(store.participations().await.unwrap().is_empty());
    assert_eq!(
        store
            .items_of_object("https://b.example/events/1")
            .await
            .unwrap()
            .len(),
        1
    );
    // Our own submissions elsewhere are listed by territory.
    let fablab = territory("fablab", "Fablab");
    store.insert_territory(&fablab).await.unwrap();
    let mut ours = GatheredItem::submitted(
        "https://c.example/t/fete".into(),
        "https://a.example/events/9".into(),
        "https://a.example/t/fablab".into(),
        "https://a.example/activities/add-9".into(),
    );
    ours.submitter_territory = Some(fablab.id);
    ours.gathering_inbox = Some("https://c.example/t/fete/inbox".into());
    store.insert_gathered_item(&ours, &[]).await.unwrap();
    assert_eq!(store.submissions_by(fablab.id).await.unwrap(), vec![ours]);
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
    store.update_territory(&renamed, None).await.unwrap();
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
        store.update_territory(&ghost, None).await,
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

fn invitation(territory_id: Option<uuid::Uuid>, admin: bool) -> (String, OneTimeLink) {
    let (token, link) = OneTimeLink::issue(LinkPurpose::Invitation {
        territory_id,
        admin,
    });
    (hash_token(&token), link)
}

fn newcomer(name: &str) -> Member {
    // Asks to be admin: only the invitation decides that.
    Member::new(name, "a long enough password", true).unwrap()
}

async fn invitations_are_single_use(store: &dyn Store) {
    let t = territory("lab", "Lab");
    store.insert_territory(&t).await.unwrap();
    let (hash, link) = invitation(Some(t.id), false);
    store.insert_link(&link).await.unwrap();
    let found = store.link(&hash).await.unwrap().unwrap();
    assert_eq!(found, link);
    assert!(found.is_live(rhizome_node::now()));
    assert_eq!(store.link("0000").await.unwrap(), None);

    let camille = store
        .accept_invitation(&hash, &newcomer("camille"))
        .await
        .unwrap();
    assert!(!camille.is_admin);
    assert_eq!(
        store.member_by_username("camille").await.unwrap(),
        Some(camille.clone())
    );
    assert_eq!(
        store.principal(camille).await.unwrap().editor_of,
        vec![t.id]
    );
    assert!(store.link(&hash).await.unwrap().unwrap().used_at.is_some());
    assert!(matches!(
        store.accept_invitation(&hash, &newcomer("dominique")).await,
        Err(StoreError::NotFound)
    ));

    // A taken username leaves the link usable.
    let (hash, link) = invitation(None, true);
    store.insert_link(&link).await.unwrap();
    assert!(matches!(
        store.accept_invitation(&hash, &newcomer("camille")).await,
        Err(StoreError::Conflict("username"))
    ));
    let admin = store
        .accept_invitation(&hash, &newcomer("root"))
        .await
        .unwrap();
    assert!(admin.is_admin);
    assert!(store.principal(admin).await.unwrap().editor_of.is_empty());

    // Two uses at once: exactly one wins.
    let (hash, link) = invitation(Some(t.id), false);
    store.insert_link(&link).await.unwrap();
    let (first, second) = (newcomer("first"), newcomer("second"));
    let (a, b) = tokio::join!(
        store.accept_invitation(&hash, &first),
        store.accept_invitation(&hash, &second),
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    assert!(matches!(a.err().or(b.err()), Some(StoreError::NotFound)));
    assert_eq!(store.member_count().await.unwrap(), 3);

    // Expired: known, not live, refused.
    let (hash, mut link) = invitation(None, false);
    link.expires_at = rhizome_node::now() - Duration::minutes(1);
    store.insert_link(&link).await.unwrap();
    assert!(
        !store
            .link(&hash)
            .await
            .unwrap()
            .unwrap()
            .is_live(rhizome_node::now())
    );
    assert!(matches!(
        store.accept_invitation(&hash, &newcomer("late")).await,
        Err(StoreError::NotFound)
    ));
}

async fn password_resets_end_sessions_and_are_single_use(store: &dyn Store) {
    let alice = Member::new("alice", "a long enough password", false).unwrap();
    store.insert_member(&alice).await.unwrap();
    let bob = Member::new("bob", "a long enough password", false).unwrap();
    store.insert_member(&bob).await.unwrap();
    let (_, s1) = Session::issue(alice.id);
    let (_, s2) = Session::issue(alice.id);
    let (_, s3) = Session::issue(bob.id);
    for s in [&s1, &s2, &s3] {
        store.insert_session(s).await.unwrap();
    }
    // Changing one's password keeps the current session only.
    store
        .delete_sessions_of(alice.id, Some(&s1.id_hash))
        .await
        .unwrap();
    assert!(store.session(&s1.id_hash).await.unwrap().is_some());
    assert!(store.session(&s2.id_hash).await.unwrap().is_none());

    let issue = || {
        let (token, link) = OneTimeLink::issue(LinkPurpose::PasswordReset {
            member_id: alice.id,
        });
        (hash_token(&token), link)
    };
    let (hash, link) = issue();
    let (other, other_link) = issue();
    store.insert_link(&link).await.unwrap();
    store.insert_link(&other_link).await.unwrap();
    assert_eq!(store.link(&hash).await.unwrap(), Some(link));
    // An invitation's operation does not take a reset link, nor the reverse.
    assert!(matches!(
        store.accept_invitation(&hash, &newcomer("intruder")).await,
        Err(StoreError::NotFound)
    ));
    let (invite, invite_link) = invitation(None, false);
    store.insert_link(&invite_link).await.unwrap();
    let new_hash = rhizome_node::member::hash_password("a brand new password").unwrap();
    assert!(matches!(
        store.reset_password(&invite, &new_hash).await,
        Err(StoreError::NotFound)
    ));

    let member = store.reset_password(&hash, &new_hash).await.unwrap();
    assert_eq!(member.id, alice.id);
    assert!(member.check_password("a brand new password"));
    assert!(
        store.session(&s1.id_hash).await.unwrap().is_none(),
        "sessions ended"
    );
    assert!(
        store.session(&s3.id_hash).await.unwrap().is_some(),
        "not bob's"
    );
    assert!(matches!(
        store.reset_password(&hash, &new_hash).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        matches!(
            store.reset_password(&other, &new_hash).await,
            Err(StoreError::NotFound)
        ),
        "the member's other pending resets are spent too"
    );

    let (hash, mut link) = issue();
    link.expires_at = rhizome_node::now() - Duration::seconds(1);
    store.insert_link(&link).await.unwrap();
    assert!(matches!(
        store.reset_password(&hash, &new_hash).await,
        Err(StoreError::NotFound)
    ));
}

async fn publications_round_trip(store: &dyn Store) {
    let t = territory("lab", "Lab");
    store.insert_territory(&t).await.unwrap();
    for p in [
        event(&t, "Repair café", "2026-12-01T18:00", "2026-12-01T21:00"),
        resource(&t, "Guide du repair café"),
        call(&t, "Cherche partenaires", "2027-01-31"),
    ] {
        store.insert_publication(&p, None).await.unwrap();
        assert_eq!(store.publication(p.id).await.unwrap(), Some(p.clone()));
        let mut edited = p.clone();
        edited.body = p
            .body
            .patched(&json!({"title": "Nouveau titre"}), &t)
            .unwrap();
        edited.updated_at = p.updated_at + Duration::seconds(1);
        store.update_publication(&edited, None).await.unwrap();
        assert_eq!(store.publication(p.id).await.unwrap(), Some(edited));
    }
}

async fn deletion_leaves_a_tombstone(store: &dyn Store) {
    let t = territory("lab", "Lab");
    store.insert_territory(&t).await.unwrap();
    let p = resource(&t, "Guide");
    store.insert_publication(&p, None).await.unwrap();
    let at = rhizome_node::now();
    store.delete_publication(p.id, at, None).await.unwrap();
    let tomb = store.publication(p.id).await.unwrap().unwrap();
    assert_eq!(tomb.deleted_at, Some(at));
    // Read by id with others, the tombstone too; an unknown id is no row.
    let live = resource(&t, "Fiche");
    store.insert_publication(&live, None).await.unwrap();
    let mut found = store
        .publications_by_id(&[p.id, uuid::Uuid::new_v4(), live.id])
        .await
        .unwrap();
    found.sort_by_key(|f| f.body.title().to_owned());
    assert_eq!(found, vec![live.clone(), tomb.clone()]);
    assert!(store.publications_by_id(&[]).await.unwrap().is_empty());
    store.delete_publication(live.id, at, None).await.unwrap();
    assert!(matches!(
        store.delete_publication(p.id, at, None).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.update_publication(&p, None).await,
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
        store.insert_publication(&p, None).await,
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
        store.insert_publication(p, None).await.unwrap();
    }
    let titles = |ps: Vec<Publication>| {
        ps.into_iter()
            .map(|p| p.body.title().to_owned())
            .collect::<Vec<_>>()
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
    assert_eq!(
        store.current_counts(a.id, now).await.unwrap(),
        rhizome_node::store::CurrentCounts {
            upcoming_events: 1,
            resources: 1,
            open_calls: 0,
        }
    );

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

    // Past events, the latest first; every event by latest start.
    let past_events = PublicationQuery {
        kind: Some(PublicationKind::Event),
        over_at: Some(now),
        order: Order::Latest,
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        titles(store.publications(&past_events).await.unwrap()),
        vec!["Past"]
    );
    let latest_first = PublicationQuery {
        over_at: None,
        ..past_events.clone()
    };
    assert_eq!(
        titles(store.publications(&latest_first).await.unwrap()),
        vec!["Later", "Soon", "Past"]
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
        store.insert_publication(&p, None).await,
        Err(StoreError::Database(_))
    ));
    assert_eq!(store.publication(p.id).await.unwrap(), None);
}

mod federation {
    //! The federation half of the store: followers, the durable outbox, replies, RSVPs.

    use super::*;
    use rhizome_node::outbox::{Outgoing, Recipients};
    use rhizome_node::social::{Comment, FollowState, Follower, ReactionKind, RemoteActor};
    use rhizome_node::store::Keypair;
    use uuid::Uuid;

    conformance!(
        keypairs_are_stored_once,
        followers_fan_out_to_distinct_inboxes,
        deliveries_are_leased_retried_and_counted,
        claims_are_bounded_per_server_and_stale_ones_undo_nothing,
        comments_reactions_and_forgetting_an_actor,
        activities_are_deduplicated,
        domain_blocks_are_listed,
        allowed_domains_are_listed,
        delivery_and_mail_counts_for_metrics,
        scoped_followers_are_left_to_the_caller,
        reports_are_kept_once_and_resolved,
    );

    async fn reports_are_kept_once_and_resolved(store: &dyn Store) {
        let report = rhizome_node::social::Report {
            id: Uuid::now_v7(),
            activity_id: "https://m.example/flags/1".into(),
            reporter: "https://m.example/actor".into(),
            content: "spam".into(),
            objects: vec!["https://node.example/events/1".into()],
            created_at: rhizome_node::now(),
            resolved_at: None,
        };
        assert!(store.insert_report(&report).await.unwrap());
        let again = rhizome_node::social::Report {
            id: Uuid::now_v7(),
            ..report.clone()
        };
        assert!(!store.insert_report(&again).await.unwrap(), "same activity");
        let open = store.reports(true, 10).await.unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].objects, report.objects);
        assert!(
            store
                .resolve_report(report.id, rhizome_node::now())
                .await
                .unwrap()
        );
        assert!(
            !store
                .resolve_report(report.id, rhizome_node::now())
                .await
                .unwrap()
        );
        assert!(store.reports(true, 10).await.unwrap().is_empty());
        assert_eq!(store.reports(false, 10).await.unwrap().len(), 1);
    }

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    fn follower(t: &Territory, actor: &str, inbox: &str, state: FollowState) -> Follower {
        Follower {
            territory_id: t.id,
            actor_id: actor.into(),
            inbox: inbox.into(),
            state,
            follow_activity_id: format!("{actor}#follow"),
            created_at: rhizome_node::now(),
        }
    }

    fn outgoing(sender: Uuid, recipients: Recipients) -> Outgoing {
        let id = Uuid::now_v7();
        Outgoing {
            id,
            activity_id: format!("https://here.example/activities/{id}"),
            sender,
            body: json!({"type": "Create", "id": format!("https://here.example/activities/{id}")}),
            recipients,
            public: true,
        }
    }

    async fn keypairs_are_stored_once(store: &dyn Store) {
        let owner = Uuid::now_v7();
        assert_eq!(store.keypair(owner).await.unwrap(), None);
        let first = Keypair {
            public_pem: "pub1".into(),
            private_pem: "priv1".into(),
        };
        let second = Keypair {
            public_pem: "pub2".into(),
            private_pem: "priv2".into(),
        };
        assert_eq!(store.insert_keypair(owner, &first).await.unwrap(), first);
        assert_eq!(store.insert_keypair(owner, &second).await.unwrap(), first);
        // The Ed25519 key beside it: stored once too, concurrent first uses agree.
        assert_eq!(store.ed25519_key(owner).await.unwrap(), None);
        assert_eq!(store.insert_ed25519_key(owner, "ed1").await.unwrap(), "ed1");
        assert_eq!(store.insert_ed25519_key(owner, "ed2").await.unwrap(), "ed1");
        assert_eq!(
            store.ed25519_key(owner).await.unwrap().as_deref(),
            Some("ed1")
        );
        assert_eq!(store.keypair(owner).await.unwrap(), Some(first));
    }

    async fn followers_fan_out_to_distinct_inboxes(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        for i in 0..5 {
            let f = follower(
                &t,
                &format!("https://masto.example/users/u{i}"),
                "https://masto.example/inbox",
                FollowState::Accepted,
            );
            store.upsert_follower(&f, None).await.unwrap();
        }
        store
            .upsert_follower(
                &follower(
                    &t,
                    "https://other.example/u/a",
                    "https://other.example/u/a/inbox",
                    FollowState::Accepted,
                ),
                None,
            )
            .await
            .unwrap();
        store
            .upsert_follower(
                &follower(
                    &t,
                    "https://third.example/u/p",
                    "https://third.example/inbox",
                    FollowState::Pending,
                ),
                None,
            )
            .await
            .unwrap();
        assert_eq!(store.follower_count(t.id).await.unwrap(), 6);
        assert_eq!(store.followers(t.id, 100, 0).await.unwrap().len(), 7);

        let p = resource(&t, "Guide");
        let create = outgoing(
            t.id,
            Recipients::FollowersOf {
                territory: t.id,
                scoped: vec![],
            },
        );
        store.insert_publication(&p, Some(&create)).await.unwrap();
        // 6 accepted followers on 2 servers: 2 deliveries; the pending follower gets nothing.
        assert_eq!(store.pending_deliveries().await.unwrap(), 2);
        assert_eq!(
            store.outbox(t.id, 10, 0).await.unwrap(),
            vec![create.body.clone()]
        );
        assert_eq!(store.outbox_count(t.id).await.unwrap(), 1);

        // A change that fails writes no activity either.
        let broken = resource(&territory("ghost", "Ghost"), "Orphan");
        assert!(
            store
                .insert_publication(
                    &broken,
                    Some(&outgoing(
                        t.id,
                        Recipients::FollowersOf {
                            territory: t.id,
                            scoped: vec![]
                        }
                    ))
                )
                .await
                .is_err()
        );
        assert_eq!(store.pending_deliveries().await.unwrap(), 2);
        assert_eq!(store.outbox_count(t.id).await.unwrap(), 1);

        assert!(
            store
                .remove_follower(t.id, "https://other.example/u/a")
                .await
                .unwrap()
        );
        assert!(
            !store
                .remove_follower(t.id, "https://other.example/u/a")
                .await
                .unwrap()
        );
        assert_eq!(store.follower_count(t.id).await.unwrap(), 5);
    }

    async fn deliveries_are_leased_retried_and_counted(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let inboxes: Vec<String> = (0..3)
            .map(|i| format!("https://s{i}.example/inbox"))
            .collect();
        store
            .enqueue(&outgoing(t.id, Recipients::Inboxes(inboxes)))
            .await
            .unwrap();
        let now = rhizome_node::now();
        let lease = Duration::seconds(60);
        let claimed = store.claim_deliveries(now, lease, 10, 10).await.unwrap();
        assert_eq!(claimed.len(), 3);
        assert_eq!(claimed[0].body["type"], "Create");
        // Leased rows are not handed out twice...
        assert!(
            store
                .claim_deliveries(now, lease, 10, 10)
                .await
                .unwrap()
                .is_empty()
        );
        // ...until the lease runs out (a crashed worker); the new claim is the one whose
        // outcomes count.
        let mut claimed = store
            .claim_deliveries(now + Duration::seconds(61), lease, 10, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 3);
        claimed.sort_by(|a, b| a.inbox.cmp(&b.inbox));

        let later = now + Duration::seconds(120);
        store
            .deliveries_succeeded(&claimed[..1], later)
            .await
            .unwrap();
        store
            .delivery_failed(&claimed[1], later, "connection refused")
            .await
            .unwrap();
        store.drop_delivery(&claimed[2]).await.unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);
        // The failed one waits for its backoff.
        assert!(
            store
                .claim_deliveries(later + Duration::seconds(5), lease, 10, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let retry = store
            .claim_deliveries(later + Duration::seconds(11), lease, 10, 10)
            .await
            .unwrap();
        assert_eq!((retry.len(), retry[0].attempts), (1, 1));

        let servers = store.servers().await.unwrap();
        let s0 = servers.iter().find(|s| s.host == "s0.example").unwrap();
        assert_eq!(
            (s0.queued, s0.consecutive_failures, s0.last_success),
            (0, 0, Some(later))
        );
        let s1 = servers.iter().find(|s| s.host == "s1.example").unwrap();
        assert_eq!((s1.queued, s1.consecutive_failures), (1, 1));
        assert_eq!(s1.last_error.as_deref(), Some("connection refused"));
        assert!(s1.next_attempt.is_some());
    }

    async fn claims_are_bounded_per_server_and_stale_ones_undo_nothing(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let inboxes: Vec<String> = ["a", "a", "a", "b", "b"]
            .iter()
            .enumerate()
            .map(|(i, host)| format!("https://{host}.example/u{i}/inbox"))
            .collect();
        store
            .enqueue(&outgoing(t.id, Recipients::Inboxes(inboxes)))
            .await
            .unwrap();
        let per_host = |claimed: &[rhizome_node::outbox::Delivery], host: &str| {
            claimed.iter().filter(|d| d.host == host).count()
        };
        let now = rhizome_node::now();
        let lease = Duration::seconds(60);
        // At most two rows from any one server, under one claim token and lease.
        let first = store.claim_deliveries(now, lease, 10, 2).await.unwrap();
        assert_eq!(
            (per_host(&first, "a.example"), per_host(&first, "b.example")),
            (2, 2)
        );
        assert!(first.iter().all(|d| d.claim == first[0].claim));
        assert!(first.iter().all(|d| d.leased_until == now + lease));
        let rest = store
            .claim_deliveries(now + Duration::seconds(30), lease, 10, 2)
            .await
            .unwrap();
        assert_eq!((rest.len(), per_host(&rest, "a.example")), (1, 1));
        assert_ne!(rest[0].claim, first[0].claim);

        // The first claim's lease runs out (not the second's) and another worker takes its
        // rows: the first worker's late failure and drop leave them alone.
        let later = now + Duration::seconds(61);
        let retaken = store.claim_deliveries(later, lease, 10, 10).await.unwrap();
        assert_eq!(retaken.len(), 4);
        store
            .delivery_failed(&first[0], later, "timed out")
            .await
            .unwrap();
        store.drop_delivery(&first[1]).await.unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 5);

        // What a claim hands back is due at once for anyone, untouched (no attempt counted).
        assert_eq!(store.release_claim(retaken[0].claim).await.unwrap(), 4);
        assert_eq!(store.release_claim(retaken[0].claim).await.unwrap(), 0);
        let again = store.claim_deliveries(later, lease, 10, 10).await.unwrap();
        assert_eq!(again.len(), 4);
        assert!(again.iter().all(|d| d.attempts == 0));

        // A delivery that went through is done, even if its worker's claim had run out.
        store.deliveries_succeeded(&first, later).await.unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);
    }

    async fn comments_reactions_and_forgetting_an_actor(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let p = resource(&t, "Guide");
        store.insert_publication(&p, None).await.unwrap();
        let author = "https://masto.example/users/alice";
        store
            .upsert_remote_actor(&RemoteActor {
                id: author.into(),
                inbox: format!("{author}/inbox"),
                shared_inbox: Some("https://masto.example/inbox".into()),
                public_key_id: format!("{author}#main-key"),
                public_key_pem: "PEM".into(),
                username: Some("alice".into()),
                name: Some("Alice".into()),
                url: Some("https://masto.example/@alice".into()),
                fetched_at: rhizome_node::now(),
                assertion_keys: vec![rhizome_node::social::AssertionKey {
                    id: format!("{author}#ed25519-key"),
                    multibase: "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2".into(),
                }],
            })
            .await
            .unwrap();
        let stored = store.remote_actor(author).await.unwrap().unwrap();
        assert_eq!(stored.handle(), "@alice@masto.example");
        assert_eq!(stored.assertion_keys.len(), 1);
        assert_eq!(stored.assertion_keys[0].id, format!("{author}#ed25519-key"));
        let comment = Comment {
            id: Uuid::now_v7(),
            publication_id: p.id,
            ap_id: "https://masto.example/users/alice/statuses/1".into(),
            author_id: author.into(),
            author_name: "Alice".into(),
            author_url: None,
            content_html: "<p>Merci !</p>".into(),
            published: rhizome_node::now(),
            hidden: false,
        };
        assert!(store.insert_comment(&comment).await.unwrap());
        assert!(
            !store
                .insert_comment(&Comment {
                    id: Uuid::now_v7(),
                    ..comment.clone()
                })
                .await
                .unwrap()
        );
        assert_eq!(
            store.comments(p.id, false).await.unwrap(),
            vec![comment.clone()]
        );
        assert_eq!(
            store.territory_comments(t.id, 10).await.unwrap(),
            vec![comment.clone()]
        );
        assert!(store.hide_comment(comment.id).await.unwrap());
        assert!(store.comments(p.id, false).await.unwrap().is_empty());
        assert!(store.territory_comments(t.id, 10).await.unwrap().is_empty());
        assert_eq!(store.comments(p.id, true).await.unwrap().len(), 1);
        assert!(
            !store
                .delete_comment(&comment.ap_id, "https://evil.example/u/x")
                .await
                .unwrap()
        );
        assert!(store.delete_comment(&comment.ap_id, author).await.unwrap());

        assert!(
            store
                .insert_reaction("like-1", p.id, author, ReactionKind::Like)
                .await
                .unwrap()
        );
        assert!(
            !store
                .insert_reaction("like-2", p.id, author, ReactionKind::Like)
                .await
                .unwrap()
        );
        assert!(
            store
                .insert_reaction("boost-1", p.id, author, ReactionKind::Announce)
                .await
                .unwrap()
        );
        let counts = store.reaction_counts(p.id).await.unwrap();
        assert_eq!((counts.likes, counts.announces), (1, 1));
        assert!(store.remove_reaction("like-1", author).await.unwrap());
        assert_eq!(store.reaction_counts(p.id).await.unwrap().likes, 0);

        store
            .upsert_follower(
                &follower(
                    &t,
                    author,
                    "https://masto.example/inbox",
                    FollowState::Accepted,
                ),
                None,
            )
            .await
            .unwrap();
        store.forget_remote_actor(author).await.unwrap();
        assert_eq!(store.remote_actor(author).await.unwrap(), None);
        assert_eq!(store.follower_count(t.id).await.unwrap(), 0);
        assert_eq!(store.reaction_counts(p.id).await.unwrap().announces, 0);
    }

    async fn scoped_followers_are_left_to_the_caller(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        store
            .upsert_follower(
                &follower(
                    &t,
                    "https://a.example/u/a",
                    "https://a.example/inbox",
                    FollowState::Accepted,
                ),
                None,
            )
            .await
            .unwrap();
        store
            .upsert_follower(
                &follower(
                    &t,
                    "https://b.example/u/b",
                    "https://b.example/inbox",
                    FollowState::Accepted,
                ),
                None,
            )
            .await
            .unwrap();
        let scope = rhizome_node::network::Scope {
            kinds: vec![PublicationKind::Event],
            ..Default::default()
        };
        store
            .set_follower_scope(t.id, "https://b.example/u/b", Some(&scope))
            .await
            .unwrap();
        assert_eq!(
            store.scoped_followers(t.id).await.unwrap(),
            vec![("https://b.example/inbox".to_owned(), scope)]
        );
        // Unscoped followers always; scoped ones only when the caller names them.
        store
            .enqueue(&outgoing(
                t.id,
                Recipients::FollowersOf {
                    territory: t.id,
                    scoped: vec![],
                },
            ))
            .await
            .unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);
        store
            .enqueue(&outgoing(
                t.id,
                Recipients::FollowersOf {
                    territory: t.id,
                    scoped: vec!["https://b.example/inbox".into()],
                },
            ))
            .await
            .unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 3);
        store
            .set_follower_scope(t.id, "https://b.example/u/b", None)
            .await
            .unwrap();
        assert!(store.scoped_followers(t.id).await.unwrap().is_empty());
    }

    async fn activities_are_deduplicated(store: &dyn Store) {
        let now = rhizome_node::now();
        assert!(
            store
                .mark_received("https://m.example/a/1", now)
                .await
                .unwrap()
        );
        assert!(
            !store
                .mark_received("https://m.example/a/1", now)
                .await
                .unwrap()
        );
    }

    async fn domain_blocks_are_listed(store: &dyn Store) {
        store.block_domain("Spam.example", "spam").await.unwrap();
        store
            .block_domain("spam.example", "still spam")
            .await
            .unwrap();
        assert_eq!(store.blocked_domains().await.unwrap(), vec!["spam.example"]);
        assert!(store.unblock_domain("spam.example").await.unwrap());
        assert!(store.blocked_domains().await.unwrap().is_empty());
    }

    async fn allowed_domains_are_listed(store: &dyn Store) {
        store.allow_domain("Partner.example").await.unwrap();
        store.allow_domain("partner.example").await.unwrap();
        store.allow_domain("other.example:8443").await.unwrap();
        assert_eq!(
            store.allowed_domains().await.unwrap(),
            vec!["other.example:8443", "partner.example"]
        );
        assert!(store.disallow_domain("PARTNER.example").await.unwrap());
        assert!(!store.disallow_domain("partner.example").await.unwrap());
        assert_eq!(
            store.allowed_domains().await.unwrap(),
            vec!["other.example:8443"]
        );
        // Blocks are a list of their own.
        assert!(store.blocked_domains().await.unwrap().is_empty());
    }

    async fn delivery_and_mail_counts_for_metrics(store: &dyn Store) {
        assert!(store.pending_migrations().await.unwrap().is_empty());
        let usage = store.pool_usage();
        assert!(usage.open >= 1 && usage.open <= usage.max, "{usage:?}");
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let inboxes = || {
            Recipients::Inboxes(vec![
                "https://a.example/inbox".into(),
                "https://b.example/inbox".into(),
            ])
        };
        store.enqueue(&outgoing(t.id, inboxes())).await.unwrap();
        store.enqueue(&outgoing(t.id, inboxes())).await.unwrap();
        // Due from their enqueueing on.
        let now = rhizome_node::now();
        let counts = store.deliveries_by_server(now).await.unwrap();
        assert_eq!(counts.len(), 2, "{counts:?}");
        assert!(
            counts
                .iter()
                .all(|c| c.queued == 2 && c.in_flight == 0 && c.failed == 0),
            "{counts:?}"
        );
        // One claimed (in flight), then failed once: waiting again, counted as failed.
        let claimed = store
            .claim_deliveries(now, Duration::seconds(60), 1, 1)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        let host = claimed[0].host.clone();
        let of = |counts: &[rhizome_node::outbox::ServerDeliveries], host: &str| {
            counts.iter().find(|c| c.host == host).cloned().unwrap()
        };
        let counts = store.deliveries_by_server(now).await.unwrap();
        assert_eq!(
            (of(&counts, &host).in_flight, of(&counts, &host).failed),
            (1, 0)
        );
        store
            .delivery_failed(&claimed[0], now, "503")
            .await
            .unwrap();
        let counts = store.deliveries_by_server(now).await.unwrap();
        let server = of(&counts, &host);
        assert_eq!((server.queued, server.in_flight, server.failed), (2, 0, 1));

        let letter = rhizome_node::mail::Letter {
            kind: "test".into(),
            to: "someone@example.org".into(),
            subject: "Hello".into(),
            body: "Hi".into(),
        };
        assert_eq!(store.mail_queue_counts().await.unwrap().waiting, 0);
        store.queue_letter(&letter, now).await.unwrap();
        store.queue_letter(&letter, now).await.unwrap();
        let counts = store.mail_queue_counts().await.unwrap();
        assert_eq!((counts.waiting, counts.given_up), (2, 0));
    }
}

mod network {
    //! Subscriptions to remote actors, their publications, backfill progress.

    use super::*;
    use rhizome_node::network::{Backfill, Following, RemotePublication, Scope};
    use rhizome_node::outbox::{Outgoing, Recipients};
    use rhizome_node::social::FollowState;
    use rhizome_node::store::RemoteQuery;
    use uuid::Uuid;

    conformance!(
        subscriptions_round_trip,
        remote_publications_keep_the_newest_from_their_author,
        backfill_progress_is_kept
    );

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    async fn subscriptions_round_trip(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let target = "https://other.example/t/fablab";
        let following = Following {
            territory_id: t.id,
            target_id: target.into(),
            state: FollowState::Pending,
            follow_activity_id: "https://here.example/activities/1".into(),
            scope: Scope {
                kinds: vec![PublicationKind::Event],
                ..Scope::default()
            },
            created_at: rhizome_node::now(),
        };
        let follow = Outgoing {
            id: Uuid::now_v7(),
            activity_id: "https://here.example/activities/1".into(),
            sender: t.id,
            body: json!({"type": "Follow"}),
            recipients: Recipients::Inboxes(vec!["https://other.example/t/fablab/inbox".into()]),
            public: false,
        };
        store
            .upsert_following(&following, Some(&follow))
            .await
            .unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);
        assert_eq!(
            store
                .following_by_activity(&following.follow_activity_id)
                .await
                .unwrap(),
            Some(following.clone())
        );
        assert!(
            store.followings_of(target).await.unwrap().is_empty(),
            "pending subscriptions bring nothing yet"
        );
        assert!(
            store
                .set_following_state(t.id, target, FollowState::Accepted)
                .await
                .unwrap()
        );
        assert_eq!(store.followings_of(target).await.unwrap().len(), 1);
        assert_eq!(
            store.followings(t.id).await.unwrap()[0].scope.kinds,
            vec![PublicationKind::Event]
        );
        assert!(store.remove_following(t.id, target, None).await.unwrap());
        assert!(store.followings(t.id).await.unwrap().is_empty());
    }

    fn remote(
        id: &str,
        actor: &str,
        title: &str,
        updated: &str,
        starts: Option<&str>,
    ) -> RemotePublication {
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&Utc)
        };
        RemotePublication {
            id: id.into(),
            actor_id: actor.into(),
            kind: if starts.is_some() {
                PublicationKind::Event
            } else {
                PublicationKind::Resource
            },
            title: title.into(),
            starts_at: starts.map(at),
            ends_at: starts.map(|s| at(s) + Duration::hours(2)),
            object: json!({"id": id, "name": title}),
            published: at("2026-01-01T00:00:00Z"),
            updated: at(updated),
            deleted_at: None,
            facts: Default::default(),
        }
    }

    async fn remote_publications_keep_the_newest_from_their_author(store: &dyn Store) {
        let actor = "https://other.example/t/fablab";
        let v1 = remote(
            "https://other.example/events/1",
            actor,
            "V1",
            "2026-01-01T00:00:00Z",
            Some("2030-01-01T10:00:00Z"),
        );
        assert!(store.upsert_remote_publication(&v1).await.unwrap());
        let v2 = RemotePublication {
            title: "V2".into(),
            updated: v1.updated + Duration::hours(1),
            ..v1.clone()
        };
        assert!(store.upsert_remote_publication(&v2).await.unwrap());
        assert!(
            !store.upsert_remote_publication(&v1).await.unwrap(),
            "an older version never wins"
        );
        let forged = RemotePublication {
            actor_id: "https://evil.example/u/x".into(),
            title: "Forged".into(),
            updated: v2.updated + Duration::hours(1),
            ..v1.clone()
        };
        assert!(
            !store.upsert_remote_publication(&forged).await.unwrap(),
            "only its author updates it"
        );
        assert_eq!(
            store
                .remote_publication(&v1.id)
                .await
                .unwrap()
                .unwrap()
                .title,
            "V2"
        );

        let later = remote(
            "https://other.example/events/2",
            actor,
            "Later",
            "2026-01-01T00:00:00Z",
            Some("2031-01-01T10:00:00Z"),
        );
        let past = remote(
            "https://other.example/events/3",
            actor,
            "Past",
            "2026-01-01T00:00:00Z",
            Some("2020-01-01T10:00:00Z"),
        );
        let guide = remote(
            "https://other.example/resources/1",
            actor,
            "Guide",
            "2026-01-01T00:00:00Z",
            None,
        );
        for p in [&later, &past, &guide] {
            store.upsert_remote_publication(p).await.unwrap();
        }
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap();
        let agenda = RemoteQuery {
            kind: Some(PublicationKind::Event),
            current_at: Some(now),
            limit: 10,
            ..Default::default()
        };
        let titles: Vec<_> = store
            .remote_publications(&agenda)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect();
        assert_eq!(titles, vec!["V2", "Later"]);
        assert!(
            !store
                .delete_remote_publication(&v1.id, "https://evil.example/u/x", now)
                .await
                .unwrap()
        );
        assert!(
            store
                .delete_remote_publication(&v1.id, actor, now)
                .await
                .unwrap()
        );
        let titles: Vec<_> = store
            .remote_publications(&agenda)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect();
        assert_eq!(titles, vec!["Later"]);
        let resources = RemoteQuery {
            kind: Some(PublicationKind::Resource),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(
            store.remote_publications(&resources).await.unwrap().len(),
            1
        );
    }

    async fn backfill_progress_is_kept(store: &dyn Store) {
        let actor = "https://other.example/t/fablab";
        assert_eq!(store.backfill(actor).await.unwrap(), None);
        let mut b = Backfill {
            actor_id: actor.into(),
            next_page: Some(format!("{actor}/outbox?page=2")),
            pages: 1,
            imported: 20,
            done: false,
        };
        store.save_backfill(&b).await.unwrap();
        assert_eq!(store.backfill(actor).await.unwrap(), Some(b.clone()));
        b.done = true;
        b.next_page = None;
        store.save_backfill(&b).await.unwrap();
        assert_eq!(store.backfill(actor).await.unwrap(), Some(b));
    }
}

/// The network index: kept in step with every write, searched and filtered in SQL.
mod listings {
    use super::*;
    use rhizome_node::listing::{Listing, ListingQuery, Origin, RemoteFacts};
    use rhizome_node::network::{Near, RemotePublication};
    use rhizome_node::social::RemoteActor;
    use rhizome_node::theme::Theme;

    conformance!(
        the_index_follows_every_write,
        search_ignores_case_and_accents_and_matches_prefixes,
        rare_and_common_words_find_the_same_pages,
        every_filter_applies_in_the_database,
        hostile_queries_never_fail,
        rebuilding_gives_the_same_index,
        events_are_listed_with_their_status_zone_and_place,
        remote_facts_are_kept_not_read_from_the_object,
        calls_and_audiences_are_indexed,
        audience_call_and_archive_filters_apply_in_the_database,
    );

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    const ACTOR: &str = "https://other.example/t/fablab";

    /// A remote object and the facts the federation side read from it.
    fn remote(id: &str, object: serde_json::Value, facts: RemoteFacts) -> RemotePublication {
        let at = |field: &str| {
            object[field].as_str().map(|s| {
                chrono::DateTime::parse_from_rfc3339(s)
                    .unwrap()
                    .with_timezone(&Utc)
            })
        };
        RemotePublication {
            id: id.into(),
            actor_id: ACTOR.into(),
            kind: if object["type"] == "Event" {
                PublicationKind::Event
            } else {
                PublicationKind::Resource
            },
            title: object["name"].as_str().unwrap().into(),
            starts_at: at("startTime"),
            ends_at: at("endTime"),
            published: at("published").unwrap_or_else(rhizome_node::now),
            updated: at("updated").unwrap_or_else(rhizome_node::now),
            deleted_at: None,
            facts,
            object,
        }
    }

    async fn find(store: &dyn Store, query: ListingQuery) -> Vec<Listing> {
        store
            .listings(&ListingQuery { limit: 50, ..query })
            .await
            .unwrap()
    }

    async fn titles(store: &dyn Store, query: ListingQuery) -> Vec<String> {
        find(store, query)
            .await
            .into_iter()
            .map(|l| l.title)
            .collect()
    }

    fn words(q: &str) -> ListingQuery {
        ListingQuery {
            q: Some(q.into()),
            ..Default::default()
        }
    }

    async fn the_index_follows_every_write(store: &dyn Store) {
        let mut t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let mut p = resource(&t, "Guide du compost");
        store.insert_publication(&p, None).await.unwrap();
        assert_eq!(titles(store, words("compost")).await, ["Guide du compost"]);
        let listed = &find(store, words("compost")).await[0];
        assert_eq!(listed.territory_id, Some(t.id));
        assert_eq!(listed.latitude, Some(46.58), "where its territory is");

        p.body = resource(&t, "Guide du lombricompost").body;
        store.update_publication(&p, None).await.unwrap();
        assert_eq!(
            titles(store, words("lombricompost")).await,
            ["Guide du lombricompost"]
        );
        assert!(titles(store, words("compost")).await.is_empty());

        // The territory moves: its resource moves with it, an event with a place of its
        // own stays where it is.
        let own = event(&t, "Atelier", "2030-03-01T10:00", "2030-03-01T12:00");
        let own = Publication {
            body: PublicationBody::from_draft(
                PublicationKind::Event,
                json!({"title": "Atelier", "starts_at": "2030-03-01T10:00", "ends_at": "2030-03-01T12:00",
                       "place": {"name": "Gare", "latitude": 45.0, "longitude": 1.0}}),
                &t,
            )
            .unwrap(),
            ..own
        };
        store.insert_publication(&own, None).await.unwrap();
        t.profile.place.latitude = Some(48.85);
        t.profile.place.longitude = Some(2.35);
        t.profile.place.address = Some("Montmartre".into());
        store.update_territory(&t, None).await.unwrap();
        let paris = ListingQuery {
            near: Some(Near {
                latitude: 48.85,
                longitude: 2.35,
                km: 5.0,
            }),
            ..Default::default()
        };
        assert_eq!(titles(store, paris).await, ["Guide du lombricompost"]);
        assert_eq!(
            titles(store, words("montmartre")).await,
            ["Guide du lombricompost"]
        );
        let gare = ListingQuery {
            near: Some(Near {
                latitude: 45.0,
                longitude: 1.0,
                km: 5.0,
            }),
            ..Default::default()
        };
        assert_eq!(titles(store, gare).await, ["Atelier"]);

        store
            .delete_publication(p.id, rhizome_node::now(), None)
            .await
            .unwrap();
        assert!(titles(store, words("lombricompost")).await.is_empty());

        // Remote: upsert, a newer version, deletion.
        let object = |name: &str, updated: &str| {
            json!({"id": "https://other.example/events/1", "type": "Event", "name": name,
                   "summary": "<p>Ouvert &amp; gratuit</p>", "inLanguage": "fr",
                   "startTime": "2030-05-01T10:00:00Z", "endTime": "2030-05-01T12:00:00Z",
                   "updated": updated, "themes": ["mobility"],
                   "location": {"type": "Place", "name": "Hangar", "latitude": 46.0, "longitude": 0.5}})
        };
        let facts = RemoteFacts {
            summary: "Ouvert & gratuit".into(),
            language: Some("fr".into()),
            themes: vec![Theme::Mobility],
            position: Some((46.0, 0.5)),
            keywords: "Hangar".into(),
            ..Default::default()
        };
        let v1 = remote(
            "https://other.example/events/1",
            object("Balade à vélo", "2026-01-01T00:00:00Z"),
            facts.clone(),
        );
        assert!(store.upsert_remote_publication(&v1).await.unwrap());
        let listed = find(store, words("balade")).await;
        assert_eq!(listed.len(), 1);
        let l = &listed[0];
        assert_eq!(l.id, v1.id);
        assert_eq!(l.summary, "Ouvert & gratuit");
        assert_eq!(l.themes, [Theme::Mobility]);
        assert_eq!((l.latitude, l.longitude), (Some(46.0), Some(0.5)));
        assert_eq!(l.language.as_deref(), Some("fr"));
        assert_eq!(l.actor_name, None, "the author is not known yet");
        assert_eq!(titles(store, words("hangar")).await, ["Balade à vélo"]);

        let v2 = remote(
            "https://other.example/events/1",
            object("Balade en roller", "2026-02-01T00:00:00Z"),
            facts,
        );
        assert!(store.upsert_remote_publication(&v2).await.unwrap());
        assert!(titles(store, words("balade velo")).await.is_empty());
        assert_eq!(titles(store, words("roller")).await, ["Balade en roller"]);
        assert!(
            !store.upsert_remote_publication(&v1).await.unwrap(),
            "an older version is refused"
        );
        assert_eq!(titles(store, words("balade")).await, ["Balade en roller"]);

        store
            .upsert_remote_actor(&RemoteActor {
                id: ACTOR.into(),
                inbox: format!("{ACTOR}/inbox"),
                shared_inbox: None,
                public_key_id: format!("{ACTOR}#main-key"),
                public_key_pem: "PEM".into(),
                username: Some("fablab".into()),
                name: Some("Fablab".into()),
                url: None,
                fetched_at: rhizome_node::now(),
                assertion_keys: vec![],
            })
            .await
            .unwrap();
        let l = &find(store, words("roller")).await[0];
        assert_eq!(l.actor_name.as_deref(), Some("Fablab"));
        assert_eq!(l.actor_handle().as_deref(), Some("@fablab@other.example"));

        let now = rhizome_node::now();
        assert!(
            !store
                .delete_remote_publication(&v2.id, "https://evil.example/u", now)
                .await
                .unwrap()
        );
        assert_eq!(titles(store, words("roller")).await.len(), 1);
        assert!(
            store
                .delete_remote_publication(&v2.id, ACTOR, now)
                .await
                .unwrap()
        );
        assert!(titles(store, words("roller")).await.is_empty());
        assert!(
            !store.upsert_remote_publication(&v2).await.unwrap(),
            "a deleted object stays deleted"
        );
        assert!(titles(store, words("roller")).await.is_empty());
    }

    async fn search_ignores_case_and_accents_and_matches_prefixes(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        for title in ["Réparation de vélos", "Café réparation", "Écoles ouvertes"] {
            store
                .insert_publication(&resource(&t, title), None)
                .await
                .unwrap();
        }
        let remote_one = remote(
            "https://other.example/resources/1",
            json!({"type": "Page", "name": "Forêt nourricière"}),
            RemoteFacts {
                summary: "Une ÉCOLOGIE du quotidien".into(),
                ..Default::default()
            },
        );
        store.upsert_remote_publication(&remote_one).await.unwrap();
        let mut found = titles(store, words("reparation")).await;
        found.sort();
        assert_eq!(found, ["Café réparation", "Réparation de vélos"]);
        assert_eq!(
            titles(store, words("RÉPAR velo")).await,
            ["Réparation de vélos"]
        );
        assert_eq!(titles(store, words("vél")).await, ["Réparation de vélos"]);
        assert_eq!(titles(store, words("ecoles")).await, ["Écoles ouvertes"]);
        assert_eq!(titles(store, words("foret")).await, ["Forêt nourricière"]);
        assert_eq!(titles(store, words("ecolog")).await, ["Forêt nourricière"]);
        assert!(
            titles(store, words("reparation zzz")).await.is_empty(),
            "every word is required"
        );
        assert!(
            titles(store, words("elos")).await.is_empty(),
            "words match by their start"
        );
        assert_eq!(
            titles(store, words("  ")).await.len(),
            4,
            "no words: no filter"
        );
    }

    /// A search whose words name few listings reads those first, one whose words name
    /// many walks the view's order (more than 2000: `FEW_NAMED` in `sql/listings.rs`);
    /// both give the page the filters and the order say.
    async fn rare_and_common_words_find_the_same_pages(store: &dyn Store) {
        let now = rhizome_node::now();
        let mut expected = Vec::new();
        for i in 0..2100_i64 {
            let start = now + chrono::Duration::hours(i * 7 % 2100 - 300);
            let word = if i % 700 == 3 {
                "rarissime commun"
            } else {
                "commun"
            };
            let id = format!("https://other.example/events/{i:05}");
            let p = remote(
                &id,
                json!({"type": if i % 5 == 0 { "Page" } else { "Event" }, "name": format!("Rencontre {i}"),
                       "startTime": start.to_rfc3339(), "endTime": (start + chrono::Duration::hours(2)).to_rfc3339()}),
                RemoteFacts {
                    summary: format!("Un moment {word}"),
                    ..Default::default()
                },
            );
            store.upsert_remote_publication(&p).await.unwrap();
            if i % 5 != 0 && start + chrono::Duration::hours(2) >= now {
                expected.push((start, id, word.contains("rarissime")));
            }
        }
        expected.sort();
        let page = |q: &str, offset: i64| ListingQuery {
            kind: Some(PublicationKind::Event),
            current_at: Some(now),
            q: Some(q.into()),
            limit: 20,
            offset,
            ..Default::default()
        };
        for offset in [0, 40] {
            let found: Vec<String> = store
                .listings(&page("commun", offset))
                .await
                .unwrap()
                .into_iter()
                .map(|l| l.id)
                .collect();
            let wanted: Vec<String> = expected
                .iter()
                .skip(offset as usize)
                .take(20)
                .map(|(_, id, _)| id.clone())
                .collect();
            assert_eq!(found, wanted, "a common word, from {offset}");
        }
        let found: Vec<String> = store
            .listings(&page("commun rarissime", 0))
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect();
        let wanted: Vec<String> = expected
            .iter()
            .filter(|(_, _, rare)| *rare)
            .map(|(_, id, _)| id.clone())
            .collect();
        assert!(!wanted.is_empty());
        assert_eq!(found, wanted, "a rare word among common ones");
    }

    async fn every_filter_applies_in_the_database(store: &dyn Store) {
        let t = territory("lab", "Lab");
        let other = territory("ville", "Ville");
        store.insert_territory(&t).await.unwrap();
        store.insert_territory(&other).await.unwrap();
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let past = event(&t, "Passé", "2029-06-01T10:00", "2029-06-01T12:00");
        let soon = event(&t, "Bientôt", "2030-02-01T10:00", "2030-02-01T12:00");
        let later = event(&other, "Plus tard", "2030-03-01T10:00", "2030-03-01T12:00");
        let running = event(&t, "En cours", "2029-12-01T10:00", "2030-01-10T12:00");
        for p in [&past, &soon, &later, &running] {
            store.insert_publication(p, None).await.unwrap();
        }
        let english = PublicationBody::from_draft(
            PublicationKind::Resource,
            json!({"title": "Guide", "type": "guide", "language": "en", "themes": ["culture"]}),
            &t,
        )
        .unwrap();
        store
            .insert_publication(&Publication::new(t.id, english), None)
            .await
            .unwrap();
        store
            .insert_publication(&call(&t, "Appel", "2029-12-30"), None)
            .await
            .unwrap();
        store
            .upsert_remote_publication(&remote(
                "https://other.example/events/far",
                json!({"type": "Event", "name": "Lointain", "startTime": "2030-02-15T10:00:00Z",
                       "endTime": "2030-02-15T12:00:00Z"}),
                RemoteFacts {
                    language: Some("en".into()),
                    themes: vec![Theme::Mobility],
                    position: Some((43.6, 1.44)),
                    ..Default::default()
                },
            ))
            .await
            .unwrap();
        let events = |q: ListingQuery| ListingQuery {
            kind: Some(PublicationKind::Event),
            current_at: Some(now),
            ..q
        };
        assert_eq!(
            titles(store, events(Default::default())).await,
            ["En cours", "Bientôt", "Lointain", "Plus tard"],
            "current events, soonest first"
        );
        assert_eq!(
            titles(
                store,
                ListingQuery {
                    kind: Some(PublicationKind::Call),
                    current_at: Some(now),
                    ..Default::default()
                }
            )
            .await,
            Vec::<String>::new(),
            "a call past its deadline"
        );
        assert_eq!(
            titles(
                store,
                ListingQuery {
                    kind: Some(PublicationKind::Resource),
                    current_at: Some(now),
                    ..Default::default()
                }
            )
            .await,
            ["Guide"]
        );
        let feb = events(ListingQuery {
            from: Some(Utc.with_ymd_and_hms(2030, 2, 1, 0, 0, 0).unwrap()),
            to: Some(Utc.with_ymd_and_hms(2030, 3, 1, 0, 0, 0).unwrap()),
            ..Default::default()
        });
        assert_eq!(titles(store, feb).await, ["Bientôt", "Lointain"]);
        let theirs = events(ListingQuery {
            origin: Some(Origin::Territory(other.id)),
            ..Default::default()
        });
        assert_eq!(titles(store, theirs).await, ["Plus tard"]);
        let remote_only = events(ListingQuery {
            origin: Some(Origin::Actor(ACTOR.into())),
            ..Default::default()
        });
        assert_eq!(titles(store, remote_only).await, ["Lointain"]);
        let mobility = ListingQuery {
            theme: Some(Theme::Mobility),
            ..Default::default()
        };
        assert_eq!(titles(store, mobility).await, ["Lointain"]);
        let culture = ListingQuery {
            theme: Some(Theme::Culture),
            ..Default::default()
        };
        assert_eq!(titles(store, culture).await, ["Guide"]);
        let english = ListingQuery {
            language: Some("en".into()),
            ..Default::default()
        };
        let mut found = titles(store, english).await;
        found.sort();
        assert_eq!(found, ["Guide", "Lointain"]);
        // Poitiers (the territories) to Toulouse is about 300 km.
        let near_toulouse = |km: f64| {
            events(ListingQuery {
                near: Some(Near {
                    latitude: 43.6,
                    longitude: 1.44,
                    km,
                }),
                ..Default::default()
            })
        };
        assert_eq!(titles(store, near_toulouse(10.0)).await, ["Lointain"]);
        assert_eq!(titles(store, near_toulouse(400.0)).await.len(), 4);
        // A point inside the bounding box of a 20 km circle but outside the circle.
        let corner = events(ListingQuery {
            near: Some(Near {
                latitude: 43.6 + 0.13,
                longitude: 1.44 + 0.18,
                km: 20.0,
            }),
            ..Default::default()
        });
        assert!(titles(store, corner).await.is_empty(), "distance is exact");
        let page = |offset: i64| {
            events(ListingQuery {
                limit: 2,
                offset,
                ..Default::default()
            })
        };
        let first = store.listings(&page(0)).await.unwrap();
        let second = store.listings(&page(2)).await.unwrap();
        let names: Vec<_> = first
            .iter()
            .chain(&second)
            .map(|l| l.title.as_str())
            .collect();
        assert_eq!(names, ["En cours", "Bientôt", "Lointain", "Plus tard"]);
        let near_page = ListingQuery {
            limit: 1,
            offset: 1,
            ..near_toulouse(400.0)
        };
        let near_second = store.listings(&near_page).await.unwrap();
        assert_eq!(near_second.len(), 1);
        assert_eq!(near_second[0].title, "Bientôt");
    }

    async fn hostile_queries_never_fail(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        store
            .insert_publication(&resource(&t, "Atelier NEAR the OR"), None)
            .await
            .unwrap();
        for q in [
            "\"",
            "\"\"",
            "*",
            "-",
            ":",
            "(",
            ")",
            "&",
            "|",
            "!",
            "'",
            "''",
            "\\",
            "NEAR",
            "NEAR(a b)",
            "a OR b",
            "a AND NOT b",
            "title:x",
            "^a",
            "a*b",
            "{a b}",
            "a:*",
            "'; DROP TABLE listings; --",
            "!(a | b) & c:*",
            "\u{0}",
            "é\u{301}",
            "ﬁ ß İ",
            "日本語",
            "a-b-c",
            "--",
            "+-*/",
            "NOT",
            "and",
            "x\"y",
            "%_",
            "$1",
        ] {
            let query = ListingQuery {
                q: Some(q.into()),
                limit: 10,
                ..Default::default()
            };
            assert!(store.listings(&query).await.is_ok(), "q = {q:?}");
        }
        assert_eq!(titles(store, words("near")).await, ["Atelier NEAR the OR"]);
        assert_eq!(
            titles(store, words("\"OR\"*")).await,
            ["Atelier NEAR the OR"]
        );
        assert_eq!(titles(store, words("-atel")).await, ["Atelier NEAR the OR"]);
    }

    async fn rebuilding_gives_the_same_index(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        store
            .insert_publication(&resource(&t, "Guide"), None)
            .await
            .unwrap();
        let gone = resource(&t, "Supprimé");
        store.insert_publication(&gone, None).await.unwrap();
        store
            .delete_publication(gone.id, rhizome_node::now(), None)
            .await
            .unwrap();
        store
            .upsert_remote_publication(&remote(
                "https://other.example/resources/1",
                json!({"type": "Page", "name": "Forêt"}),
                RemoteFacts {
                    themes: vec![Theme::Climate],
                    ..Default::default()
                },
            ))
            .await
            .unwrap();
        let before = find(store, Default::default()).await;
        assert_eq!(before.len(), 2);
        assert_eq!(store.rebuild_listings().await.unwrap(), 2);
        assert_eq!(find(store, Default::default()).await, before);
        assert_eq!(titles(store, words("foret")).await, ["Forêt"]);
    }

    /// Storage keeps the facts the federation side read and never looks into the object:
    /// what the object says otherwise is not what is listed, read back or rebuilt.
    async fn remote_facts_are_kept_not_read_from_the_object(store: &dyn Store) {
        let facts = RemoteFacts {
            summary: "Des faits".into(),
            language: Some("fr".into()),
            themes: vec![Theme::Culture],
            keywords: "verger".into(),
            ..Default::default()
        };
        let p = remote(
            "https://other.example/resources/9",
            json!({"type": "Page", "name": "Verger", "summary": "Dans l'objet", "inLanguage": "de",
                   "themes": ["mobility"]}),
            facts.clone(),
        );
        store.upsert_remote_publication(&p).await.unwrap();
        let stored = store.remote_publication(&p.id).await.unwrap().unwrap();
        assert_eq!(stored.facts, facts);
        assert_eq!(stored.object, p.object, "the object is kept as it came");
        let listed = || async {
            let l = find(store, words("verger")).await;
            assert_eq!(l.len(), 1);
            (
                l[0].summary.clone(),
                l[0].language.clone(),
                l[0].themes.clone(),
            )
        };
        let expected = (
            "Des faits".to_owned(),
            Some("fr".to_owned()),
            vec![Theme::Culture],
        );
        assert_eq!(listed().await, expected);
        store.rebuild_listings().await.unwrap();
        assert_eq!(listed().await, expected, "rebuilt from the stored facts");
    }

    /// The index keeps what a call says of itself (type, status, skills, reach, outcome)
    /// and who a publication is for, for local and remote ones alike, through a rebuild.
    async fn calls_and_audiences_are_indexed(store: &dyn Store) {
        use rhizome_node::listing::{
            AudienceFacts, CallFacts, RemoteDetails, RemoteFacts, age_bits,
        };
        use rhizome_node::publication::audience::AgeGroup;
        use rhizome_node::publication::call::{CallStatus, CallType};
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let body = PublicationBody::from_draft(
            PublicationKind::Call,
            json!({"title": "Besoin de soudeurs", "type": "need", "status": "closed",
                   "skills_wanted": ["Soudure à l'arc", "Électricité"], "outcome": "Deux **ateliers**",
                   "scope": {"place": {"name": "Poitiers", "latitude": 46.58, "longitude": 0.34}, "radius_km": 30}}),
            &t,
        )
        .unwrap();
        store
            .insert_publication(&Publication::new(t.id, body), None)
            .await
            .unwrap();
        let kids = PublicationBody::from_draft(
            PublicationKind::Resource,
            json!({"title": "Guide soudure enfants", "type": "guide",
                   "audience": {"age_groups": ["6-11", "12-17"], "publics": ["Familles"]}}),
            &t,
        )
        .unwrap();
        store
            .insert_publication(&Publication::new(t.id, kids), None)
            .await
            .unwrap();
        let remote_offer = remote(
            "https://other.example/calls/7",
            json!({"type": "Page", "name": "Offre soudure", "callType": "offer"}),
            RemoteFacts {
                keywords: "soudure".into(),
                details: RemoteDetails {
                    call_type: Some(CallType::Offer),
                    call_status: Some(CallStatus::Open),
                    skills_wanted: vec!["Soudure".into()],
                    radius_km: Some(50.0),
                    audience: vec!["adults".into(), "demandeurs d'emploi".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
        );
        let remote_offer = RemotePublication {
            kind: PublicationKind::Call,
            ..remote_offer
        };
        store
            .upsert_remote_publication(&remote_offer)
            .await
            .unwrap();
        for pass in ["written", "rebuilt"] {
            let mut listed = find(store, words("soudure")).await;
            listed.sort_by(|a, b| a.title.cmp(&b.title));
            let facts: Vec<(&str, &CallFacts, &AudienceFacts)> = listed
                .iter()
                .map(|l| (l.title.as_str(), &l.call, &l.audience))
                .collect();
            assert_eq!(
                facts,
                vec![
                    (
                        "Besoin de soudeurs",
                        &CallFacts {
                            call_type: Some(CallType::Need),
                            status: Some(CallStatus::Closed),
                            skills: "soudure a l arc|electricite".into(),
                            radius_km: Some(30.0),
                            outcome: Some("Deux ateliers".into()),
                        },
                        &AudienceFacts::default()
                    ),
                    (
                        "Guide soudure enfants",
                        &CallFacts::default(),
                        &AudienceFacts {
                            age_groups: age_bits(&[AgeGroup::Children, AgeGroup::Teenagers]),
                            publics: "familles".into(),
                        }
                    ),
                    (
                        "Offre soudure",
                        &CallFacts {
                            call_type: Some(CallType::Offer),
                            status: Some(CallStatus::Open),
                            skills: "soudure".into(),
                            radius_km: Some(50.0),
                            outcome: None,
                        },
                        &AudienceFacts {
                            age_groups: age_bits(&[AgeGroup::Adults]),
                            publics: "demandeurs d emploi".into(),
                        }
                    ),
                ],
                "{pass}"
            );
            store.rebuild_listings().await.unwrap();
        }
    }

    /// Age group and situation (open-to-everyone matches), call type, status, skills,
    /// deadline, and the archive (past events, closed calls, searchable, most recent first),
    /// on local and remote rows alike, and again after a rebuild.
    async fn audience_call_and_archive_filters_apply_in_the_database(store: &dyn Store) {
        use rhizome_node::listing::RemoteDetails;
        use rhizome_node::publication::audience::AgeGroup;
        use rhizome_node::publication::call::{CallStatus, CallType};
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let publish = |kind, draft| {
            Publication::new(t.id, PublicationBody::from_draft(kind, draft, &t).unwrap())
        };
        for p in [
            publish(
                PublicationKind::Call,
                json!({"title": "Besoin de soudeurs", "type": "need",
                "skills_wanted": ["Soudure à l'arc"], "deadline": "2030-06-30"}),
            ),
            publish(
                PublicationKind::Call,
                json!({"title": "Fête des voisins préparée", "type": "project",
                "status": "closed", "outcome": "Deux ateliers"}),
            ),
            publish(
                PublicationKind::Resource,
                json!({"title": "Guide enfants", "type": "guide",
                "audience": {"age_groups": ["6-11"], "publics": ["Familles monoparentales"]}}),
            ),
            publish(
                PublicationKind::Resource,
                json!({"title": "Guide seniors", "type": "guide",
                "audience": {"age_groups": ["seniors"]}}),
            ),
            publish(
                PublicationKind::Resource,
                json!({"title": "Guide pour tous", "type": "guide"}),
            ),
            event(&t, "Fête passée", "2020-01-01T10:00", "2020-01-01T12:00"),
            event(&t, "Fête future", "2030-01-01T10:00", "2030-01-01T12:00"),
        ] {
            store.insert_publication(&p, None).await.unwrap();
        }
        let offer = remote(
            "https://other.example/calls/7",
            json!({"type": "Page", "name": "Offre de soudure"}),
            RemoteFacts {
                details: RemoteDetails {
                    call_type: Some(CallType::Offer),
                    call_status: Some(CallStatus::Open),
                    skills_wanted: vec!["Soudure".into()],
                    audience: vec!["adults".into(), "demandeurs d'emploi".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
        );
        store
            .upsert_remote_publication(&RemotePublication {
                kind: PublicationKind::Call,
                ..offer
            })
            .await
            .unwrap();
        let day = |d: &str| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
        };
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        let calls = |q: ListingQuery| ListingQuery {
            kind: Some(PublicationKind::Call),
            ..q
        };
        let resources = |q: ListingQuery| ListingQuery {
            kind: Some(PublicationKind::Resource),
            ..q
        };
        for pass in ["written", "rebuilt"] {
            let age = |g| ListingQuery {
                age_group: Some(g),
                ..Default::default()
            };
            assert_eq!(
                sorted(titles(store, resources(age(AgeGroup::Children))).await),
                ["Guide enfants", "Guide pour tous"],
                "{pass}"
            );
            assert_eq!(
                sorted(titles(store, calls(age(AgeGroup::Adults))).await),
                [
                    "Besoin de soudeurs",
                    "Fête des voisins préparée",
                    "Offre de soudure"
                ],
                "{pass}: local calls name no age group, so are for everyone"
            );
            assert_eq!(
                titles(store, calls(age(AgeGroup::Seniors))).await.len(),
                2,
                "{pass}"
            );
            let public = |p: &str| ListingQuery {
                public: Some(p.into()),
                ..Default::default()
            };
            assert_eq!(
                sorted(titles(store, resources(public("Familles"))).await),
                ["Guide enfants", "Guide pour tous", "Guide seniors"],
                "{pass}"
            );
            assert_eq!(
                sorted(titles(store, resources(public("monoparentales"))).await),
                ["Guide enfants", "Guide pour tous", "Guide seniors"],
                "{pass}: a word of a situation"
            );
            assert_eq!(
                titles(store, calls(public("étudiants"))).await.len(),
                2,
                "{pass}: the remote offer is for job seekers only"
            );
            let of_type = |c| ListingQuery {
                call_type: Some(c),
                ..Default::default()
            };
            assert_eq!(
                titles(store, of_type(CallType::Need)).await,
                ["Besoin de soudeurs"],
                "{pass}"
            );
            assert_eq!(
                titles(store, of_type(CallType::Offer)).await,
                ["Offre de soudure"],
                "{pass}"
            );
            assert!(
                titles(store, of_type(CallType::Partners)).await.is_empty(),
                "{pass}"
            );
            let status = |s| ListingQuery {
                call_status: Some(s),
                ..Default::default()
            };
            assert_eq!(
                titles(store, status(CallStatus::Closed)).await,
                ["Fête des voisins préparée"],
                "{pass}"
            );
            assert_eq!(
                titles(store, status(CallStatus::Open)).await.len(),
                2,
                "{pass}"
            );
            let skills = |s: &str| ListingQuery {
                skills: Some(s.into()),
                ..Default::default()
            };
            assert_eq!(
                sorted(titles(store, skills("SOUD")).await),
                ["Besoin de soudeurs", "Offre de soudure"],
                "{pass}"
            );
            assert_eq!(
                titles(store, skills("arc")).await,
                ["Besoin de soudeurs"],
                "{pass}"
            );
            assert!(
                titles(store, skills("rc")).await.is_empty(),
                "{pass}: starts of words only"
            );
            assert_eq!(
                titles(store, skills("%")).await.len(),
                8,
                "{pass}: nothing to match is no filter"
            );
            let before = |d| ListingQuery {
                deadline_before: Some(d),
                ..Default::default()
            };
            assert_eq!(
                titles(store, calls(before(day("2030-07-01")))).await,
                ["Besoin de soudeurs"],
                "{pass}"
            );
            assert!(
                titles(store, calls(before(day("2030-06-30"))))
                    .await
                    .is_empty(),
                "{pass}"
            );
            let after = |d| ListingQuery {
                deadline_after: Some(d),
                ..Default::default()
            };
            assert_eq!(
                titles(store, calls(after(day("2030-06-30")))).await.len(),
                3,
                "{pass}"
            );
            assert_eq!(
                sorted(titles(store, calls(after(day("2030-07-01")))).await),
                ["Fête des voisins préparée", "Offre de soudure"],
                "{pass}: without deadline"
            );
            let archive = ListingQuery {
                archive_at: Some(rhizome_node::now()),
                ..Default::default()
            };
            assert_eq!(
                titles(store, archive.clone()).await,
                ["Fête des voisins préparée", "Fête passée"],
                "{pass}: most recent first"
            );
            assert_eq!(
                titles(
                    store,
                    ListingQuery {
                        q: Some("passee".into()),
                        ..archive.clone()
                    }
                )
                .await,
                ["Fête passée"],
                "{pass}"
            );
            let closed = find(
                store,
                ListingQuery {
                    kind: Some(PublicationKind::Call),
                    ..archive
                },
            )
            .await;
            assert_eq!(closed.len(), 1);
            assert_eq!(
                closed[0].call.outcome.as_deref(),
                Some("Deux ateliers"),
                "{pass}"
            );
            store.rebuild_listings().await.unwrap();
        }
    }

    /// The index keeps what an event says of itself (status, zone, place), for local and remote
    /// events alike, through edits and a rebuild.
    async fn events_are_listed_with_their_status_zone_and_place(store: &dyn Store) {
        use rhizome_node::listing::{EventFacts, ListingQuery, RemoteFacts};
        use rhizome_node::network::RemotePublication;
        use rhizome_node::publication::event::EventStatus;
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let mut own = event(&t, "Atelier", "2030-03-01T10:00", "2030-03-01T12:00");
        store.insert_publication(&own, None).await.unwrap();
        own.body = own
            .body
            .patched(
                &json!({"status": "cancelled", "timezone": "America/Montreal",
                        "place": {"name": "Salle", "address": "1 rue Haute"}}),
                &t,
            )
            .unwrap();
        store.update_publication(&own, None).await.unwrap();
        let object = json!({"type": "Event", "name": "Fête"});
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&Utc)
        };
        store
            .upsert_remote_publication(&RemotePublication {
                id: "https://other.example/events/1".into(),
                actor_id: "https://other.example/t/parc".into(),
                kind: PublicationKind::Event,
                title: "Fête".into(),
                starts_at: Some(at("2030-04-01T10:00:00+02:00")),
                ends_at: Some(at("2030-04-01T12:00:00+02:00")),
                published: rhizome_node::now(),
                updated: rhizome_node::now(),
                deleted_at: None,
                facts: RemoteFacts {
                    status: Some(EventStatus::Postponed),
                    timezone: Some("Europe/Brussels".into()),
                    place: Some("Parc, 2 allée Liège".into()),
                    ..Default::default()
                },
                object,
            })
            .await
            .unwrap();
        let query = ListingQuery {
            kind: Some(PublicationKind::Event),
            limit: 10,
            ..Default::default()
        };
        let expected = [
            EventFacts {
                status: Some(EventStatus::Cancelled),
                timezone: Some("America/Montreal".into()),
                place: Some("Salle, 1 rue Haute".into()),
            },
            EventFacts {
                status: Some(EventStatus::Postponed),
                timezone: Some("Europe/Brussels".into()),
                place: Some("Parc, 2 allée Liège".into()),
            },
        ];
        let facts = |listed: Vec<rhizome_node::listing::Listing>| {
            listed.into_iter().map(|l| l.event).collect::<Vec<_>>()
        };
        assert_eq!(facts(store.listings(&query).await.unwrap()), expected);
        store.rebuild_listings().await.unwrap();
        assert_eq!(facts(store.listings(&query).await.unwrap()), expected);
    }
}

/// A node upgraded from before the index: `migrate` finds publications and no listings,
/// and rebuilds them.
#[tokio::test]
async fn migrate_rebuilds_an_empty_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rhizome.db");
    let store = SqliteStore::open(&path).await.unwrap();
    store.migrate().await.unwrap();
    let t = territory("lab", "Lab");
    store.insert_territory(&t).await.unwrap();
    store
        .insert_publication(&resource(&t, "Guide"), None)
        .await
        .unwrap();
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("DELETE FROM listings")
        .execute(&raw)
        .await
        .unwrap();
    raw.close().await;
    let all = rhizome_node::listing::ListingQuery {
        limit: 10,
        ..Default::default()
    };
    assert!(store.listings(&all).await.unwrap().is_empty());
    store.migrate().await.unwrap();
    let listed = store.listings(&all).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title, "Guide");
}

mod answers {
    //! Answers to calls: one per call and responder, decided once, with the `Offer` or the
    //! `Accept` queued in the same transaction.

    use super::*;
    use rhizome_node::answer::{Answer, AnswerState, AnswerText, CallRef, Responder};
    use rhizome_node::outbox::{Outgoing, Recipients};
    use uuid::Uuid;

    conformance!(answers_are_unique_per_responder_and_decided_once);

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    fn text(message: &str) -> AnswerText {
        AnswerText {
            message: message.into(),
            offers: Some("Un barnum".into()),
            contact: None,
        }
    }

    fn offer(sender: Uuid) -> Outgoing {
        let id = Uuid::now_v7();
        Outgoing {
            id,
            activity_id: format!("https://here.example/activities/{id}"),
            sender,
            body: json!({"type": "Offer", "id": format!("https://here.example/activities/{id}")}),
            recipients: Recipients::Inboxes(vec!["https://there.example/inbox".into()]),
            public: false,
        }
    }

    async fn answers_are_unique_per_responder_and_decided_once(store: &dyn Store) {
        let ville = territory("ville", "Ville");
        let fablab = territory("fablab", "Fablab");
        store.insert_territory(&ville).await.unwrap();
        store.insert_territory(&fablab).await.unwrap();
        let need = call(&ville, "Besoin", "2031-01-01");
        store.insert_publication(&need, None).await.unwrap();
        let here = CallRef::Local(need.id);

        // A visitor, a territory elsewhere (its Offer's id kept), and a local territory
        // answering a call elsewhere with its Offer queued.
        let visitor = Answer::new(
            here.clone(),
            Responder::Visitor {
                name: "Ana".into(),
                email: "Ana@Example.org".into(),
            },
            text("Je viens"),
        );
        store.insert_answer(&visitor, None).await.unwrap();
        let mut remote = Answer::new(
            here.clone(),
            Responder::RemoteTerritory("https://there.example/t/x".into()),
            text("Nous aussi"),
        );
        remote.ap_id = Some("https://there.example/activities/1".into());
        store.insert_answer(&remote, None).await.unwrap();
        let elsewhere = CallRef::Remote("https://there.example/calls/9".into());
        let mut ours = Answer::new(
            elsewhere.clone(),
            Responder::LocalTerritory(fablab.id),
            text("Avec plaisir"),
        );
        let queued = offer(fablab.id);
        ours.ap_id = Some(queued.activity_id.clone());
        store.insert_answer(&ours, Some(&queued)).await.unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);

        assert_eq!(
            store.answer(visitor.id).await.unwrap().as_ref(),
            Some(&visitor)
        );
        assert_eq!(
            store.answers_to(&here).await.unwrap(),
            vec![visitor.clone(), remote.clone()]
        );
        assert_eq!(
            store
                .answer_by_ap_id("https://there.example/activities/1")
                .await
                .unwrap(),
            Some(remote.clone())
        );
        assert_eq!(
            store.answers_by(fablab.id).await.unwrap(),
            vec![ours.clone()]
        );

        // The same responder twice (an address whatever its case), nothing stored, no Offer.
        let twice = Answer::new(
            here.clone(),
            Responder::Visitor {
                name: "A.".into(),
                email: "ana@example.org".into(),
            },
            text("Encore"),
        );
        assert!(matches!(
            store.insert_answer(&twice, None).await,
            Err(StoreError::Conflict("answer"))
        ));
        let again = Answer::new(
            elsewhere.clone(),
            Responder::LocalTerritory(fablab.id),
            text("Encore"),
        );
        assert!(matches!(
            store.insert_answer(&again, Some(&offer(fablab.id))).await,
            Err(StoreError::Conflict("answer"))
        ));
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);
        assert_eq!(store.answers_to(&here).await.unwrap().len(), 2);

        // Decided once; the partners of both territories are the accepted answers.
        let at = rhizome_node::now();
        let accept = offer(ville.id);
        store
            .decide_answer(remote.id, AnswerState::Accepted, at, false, Some(&accept))
            .await
            .unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 2);
        assert!(matches!(
            store
                .decide_answer(
                    remote.id,
                    AnswerState::Declined,
                    at,
                    false,
                    Some(&offer(ville.id))
                )
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.pending_deliveries().await.unwrap(), 2);
        store
            .decide_answer(visitor.id, AnswerState::Declined, at, true, None)
            .await
            .unwrap();
        let decided = store.answer(visitor.id).await.unwrap().unwrap();
        assert_eq!(
            (decided.state, decided.decided_at, decided.tell_by_mail),
            (AnswerState::Declined, Some(at), true)
        );
        store
            .decide_answer(ours.id, AnswerState::Accepted, at, false, None)
            .await
            .unwrap();
        let ville_partners: Vec<Uuid> = (store.partnerships(ville.id).await.unwrap())
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ville_partners, vec![remote.id]);
        let fablab_partners: Vec<Uuid> = (store.partnerships(fablab.id).await.unwrap())
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(fablab_partners, vec![ours.id]);
    }
}

mod matching {
    //! Matching's candidates: the other direction only, open and current, by any term or
    //! theme, within the need's box; inventories from local territories and peers.

    use super::*;
    use rhizome_node::store::CandidateQuery;

    conformance!(
        candidates_are_the_other_direction_by_term_theme_and_box,
        a_word_most_listings_say_does_not_bring_them_all
    );

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    fn a_call(t: &Territory, kind: &str, title: &str, extra: serde_json::Value) -> Publication {
        let mut draft = json!({"title": title, "type": kind, "deadline": "2027-06-30"});
        for (k, v) in extra.as_object().unwrap() {
            draft[k] = v.clone();
        }
        let body = PublicationBody::from_draft(PublicationKind::Call, draft, t).unwrap();
        Publication::new(t.id, body)
    }

    /// A call's words that name more listings together than the budget are left out of
    /// the full-text side, the commonest first, the rarest always kept; its concepts'
    /// forms have a larger budget: a call saying "atelier" and "soudure" is matched by
    /// "soudure", not by the thousand "atelier", unless "atelier" is one of its concepts.
    async fn a_word_most_listings_say_does_not_bring_them_all(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        for i in 0..1005 {
            let p = a_call(&t, "offer", &format!("Atelier ouvert {i}"), json!({}));
            store.insert_publication(&p, None).await.unwrap();
        }
        let welding = a_call(&t, "offer", "Atelier de soudure", json!({}));
        store.insert_publication(&welding, None).await.unwrap();
        let query = CandidateQuery {
            wants_offers: true,
            terms: vec!["atelier".into(), "soudure".into()],
            at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()),
            limit: 100,
            ..Default::default()
        };
        let found = store.match_candidates(&query).await.unwrap();
        assert_eq!(
            found.iter().map(|l| l.title.as_str()).collect::<Vec<_>>(),
            ["Atelier de soudure"]
        );
        // Alone, the common word is the rarest there is: it is kept.
        let common = store
            .match_candidates(&CandidateQuery {
                terms: vec!["atelier".into()],
                ..query.clone()
            })
            .await
            .unwrap();
        assert_eq!(common.len(), 100);
        // A form of one of the call's concepts has a larger budget: it is looked for.
        let concept = store
            .match_candidates(&CandidateQuery {
                concept_terms: vec!["atelier".into()],
                ..query.clone()
            })
            .await
            .unwrap();
        assert_eq!(concept.len(), 100);
        // A word no listing names brings nothing, and costs nothing.
        let unknown = store
            .match_candidates(&CandidateQuery {
                terms: vec!["zeppelin".into()],
                ..query
            })
            .await
            .unwrap();
        assert!(unknown.is_empty());
    }

    async fn candidates_are_the_other_direction_by_term_theme_and_box(store: &dyn Store) {
        let mut t = territory("lab", "Lab");
        t.profile.inventory = serde_json::from_value(
            json!({"shares": [{"label": "Découpeuse laser", "tags": ["fablab"]}]}),
        )
        .unwrap();
        store.insert_territory(&t).await.unwrap();
        let need = a_call(
            &t,
            "need",
            "Cherche apiculteur",
            json!({"skills_wanted": ["apiculture"]}),
        );
        let offer = a_call(&t, "offer", "Apiculteur disponible", json!({}));
        let themed = a_call(&t, "offer", "Prêt de vélos", json!({"themes": ["climate"]}));
        let unrelated = a_call(&t, "offer", "Cours de guitare", json!({}));
        let closed = a_call(
            &t,
            "offer",
            "Apiculture fermée",
            json!({"status": "closed"}),
        );
        let past = a_call(
            &t,
            "offer",
            "Apiculture passée",
            json!({"deadline": "2026-01-01"}),
        );
        let far = a_call(
            &t,
            "offer",
            "Apiculture à Lille",
            json!({"scope": {"place": {"latitude": 50.63, "longitude": 3.06}}}),
        );
        let other_need = a_call(&t, "need", "Apiculture aussi", json!({}));
        let guide = resource(&t, "Guide d'apiculture");
        for p in [
            &need,
            &offer,
            &themed,
            &unrelated,
            &closed,
            &past,
            &far,
            &other_need,
            &guide,
        ] {
            store.insert_publication(p, None).await.unwrap();
        }
        let query = CandidateQuery {
            wants_offers: true,
            terms: vec!["apicul".into(), "ruche".into()],
            concept_terms: vec!["apicul".into()],
            themes: rhizome_node::listing::theme_bits(&[rhizome_node::theme::Theme::Climate]),
            near: Some((46.58, 0.34, 50.0)),
            at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()),
            exclude: Some(need.id.to_string()),
            limit: 100,
        };
        let found = store.match_candidates(&query).await.unwrap();
        let ids: Vec<String> = found.iter().map(|l| l.id.clone()).collect();
        let by_id = store
            .listing_by_id(&guide.id.to_string())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_id, found[0]);
        assert_eq!(store.listing_by_id("nope").await.unwrap(), None);
        // What names a term, newest first; a theme alone does not bring a candidate when
        // the call has words (the ranker would give it nothing).
        assert_eq!(
            ids,
            vec![guide.id.to_string(), offer.id.to_string()],
            "{:?}",
            found.iter().map(|l| &l.title).collect::<Vec<_>>()
        );
        // A call without words is matched by its themes.
        let by_theme = store
            .match_candidates(&CandidateQuery {
                terms: vec![],
                ..query.clone()
            })
            .await
            .unwrap();
        assert!(
            by_theme.iter().any(|l| l.id == themed.id.to_string()),
            "{by_theme:?}"
        );
        let limited = store
            .match_candidates(&CandidateQuery {
                limit: 1,
                ..query.clone()
            })
            .await
            .unwrap();
        assert_eq!(limited.len(), 1);
        let wide = store
            .match_candidates(&CandidateQuery {
                near: None,
                ..query.clone()
            })
            .await
            .unwrap();
        assert!(wide.iter().any(|l| l.id == far.id.to_string()));
        // For an offer: the needs.
        let needs = store
            .match_candidates(&CandidateQuery {
                wants_offers: false,
                exclude: Some(offer.id.to_string()),
                ..query.clone()
            })
            .await
            .unwrap();
        let ids: Vec<String> = needs.iter().map(|l| l.id.clone()).collect();
        assert_eq!(ids, vec![other_need.id.to_string(), need.id.to_string()]);
        // Nothing to look by: nothing.
        let none = store
            .match_candidates(&CandidateQuery {
                terms: vec![" ".into()],
                themes: 0,
                ..query.clone()
            })
            .await
            .unwrap();
        assert!(none.is_empty());
        // Every open need.
        let open = store.open_needs(query.at.unwrap(), 10).await.unwrap();
        assert_eq!(open.len(), 2);
        // Inventories: the local territory, and a peer's entry (a broken one left out).
        store
            .learn_peer("peer.example", "seed", Utc::now())
            .await
            .unwrap();
        let directory = json!({"territories": [
            {"url": "https://peer.example/t/ruche", "name": "La Ruche", "themes": ["climate", "nonsense"],
             "place": {"latitude": 46.6, "longitude": 0.3},
             "inventory": {"shares": [{"label": "Extracteur de miel"}]}},
            {"url": "https://peer.example/t/broken", "name": "Broken",
             "inventory": {"shares": [{"label": ""}]}},
            {"url": "https://peer.example/t/empty", "name": "Empty"}
        ]});
        store
            .record_peer_check("peer.example", Some(&directory), Utc::now())
            .await
            .unwrap();
        let owners = store.inventory_owners().await.unwrap();
        assert_eq!(owners.len(), 2, "{owners:?}");
        assert_eq!(
            (owners[0].id.as_str(), owners[0].node.as_deref()),
            ("lab", None)
        );
        assert_eq!(owners[1].id, "https://peer.example/t/ruche");
        assert_eq!(owners[1].node.as_deref(), Some("peer.example"));
        assert_eq!(owners[1].themes, vec![rhizome_node::theme::Theme::Climate]);
        assert_eq!(owners[1].position, Some((46.6, 0.3)));
        assert_eq!(owners[1].inventory.shares[0].label, "Extracteur de miel");
        // Kept in memory while nothing changed; read again after any change, whoever
        // made it: a territory saved, a peer's directory read again.
        let again = store.inventory_owners().await.unwrap();
        assert!(Arc::ptr_eq(&owners, &again), "the same inventories kept");
        t.profile.inventory = serde_json::from_value(json!({"shares": [
            {"label": "Découpeuse laser", "tags": ["fablab"]}, {"label": "Imprimante 3D"}
        ]}))
        .unwrap();
        t.updated_at = Utc::now() + Duration::seconds(1);
        store.update_territory(&t, None).await.unwrap();
        let edited = store.inventory_owners().await.unwrap();
        assert!(!Arc::ptr_eq(&owners, &edited));
        assert_eq!(edited[0].inventory.shares[1].label, "Imprimante 3D");
        let mut directory = directory;
        directory["territories"][2]["inventory"] = json!({"shares": [{"label": "Sono"}]});
        store
            .record_peer_check(
                "peer.example",
                Some(&directory),
                Utc::now() + Duration::seconds(2),
            )
            .await
            .unwrap();
        let listed = store.inventory_owners().await.unwrap();
        assert_eq!(
            listed.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
            [
                "lab",
                "https://peer.example/t/ruche",
                "https://peer.example/t/empty"
            ]
        );
        assert!(Arc::ptr_eq(
            &listed,
            &store.inventory_owners().await.unwrap()
        ));
    }
}

mod notices {
    //! Notices of new matches: one per call and matched publication, newest first, per
    //! territory.

    use super::*;
    use rhizome_node::store::MatchNotice;

    conformance!(
        a_match_is_noticed_once_per_call,
        notices_are_seen_up_to_the_moment_they_were_shown
    );

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    async fn a_match_is_noticed_once_per_call(store: &dyn Store) {
        let lab = territory("lab", "Lab");
        let other = territory("autre", "Autre");
        for t in [&lab, &other] {
            store.insert_territory(t).await.unwrap();
        }
        let need = call(&lab, "Besoin de soudeurs", "2031-01-01");
        store.insert_publication(&need, None).await.unwrap();
        let at = |minute: u32| Utc.with_ymd_and_hms(2030, 1, 1, 10, minute, 0).unwrap();
        let notice = |matched: &str, minute: u32| MatchNotice {
            call_id: need.id,
            territory_id: lab.id,
            matched_id: matched.into(),
            matched_title: format!("Offre {matched}"),
            created_at: at(minute),
            seen_at: None,
        };
        let first = [
            notice("https://other.example/calls/1", 1),
            notice("local-2", 2),
        ];
        assert_eq!(store.add_match_notices(&first).await.unwrap(), 2);
        // The same match again, and a new one: only the new one is kept.
        let again = [
            notice("https://other.example/calls/1", 5),
            notice("local-3", 3),
        ];
        assert_eq!(store.add_match_notices(&again).await.unwrap(), 1);
        let kept = store.match_notices(lab.id, false, 10).await.unwrap();
        let ids: Vec<&str> = kept.iter().map(|n| n.matched_id.as_str()).collect();
        assert_eq!(ids, ["local-3", "local-2", "https://other.example/calls/1"]);
        assert_eq!(
            kept[2].created_at,
            at(1),
            "the first notice stays as it was"
        );
        assert_eq!(
            store.match_notices(lab.id, false, 1).await.unwrap().len(),
            1
        );
        assert!(
            store
                .match_notices(other.id, false, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    /// Seen is per territory and up to a moment: what arrives afterwards stays unseen, and
    /// a notice seen keeps when it was seen.
    async fn notices_are_seen_up_to_the_moment_they_were_shown(store: &dyn Store) {
        let lab = territory("lab", "Lab");
        let other = territory("autre", "Autre");
        for t in [&lab, &other] {
            store.insert_territory(t).await.unwrap();
        }
        let need = call(&lab, "Besoin de soudeurs", "2031-01-01");
        let theirs = call(&other, "Besoin de bras", "2031-01-01");
        for p in [&need, &theirs] {
            store.insert_publication(p, None).await.unwrap();
        }
        let at = |minute: u32| Utc.with_ymd_and_hms(2030, 1, 1, 10, minute, 0).unwrap();
        let notice = |call: &rhizome_node::Publication, matched: &str, minute: u32| MatchNotice {
            call_id: call.id,
            territory_id: call.territory_id,
            matched_id: matched.into(),
            matched_title: format!("Offre {matched}"),
            created_at: at(minute),
            seen_at: None,
        };
        let notices = [
            notice(&need, "a", 1),
            notice(&need, "b", 2),
            notice(&theirs, "c", 2),
        ];
        store.add_match_notices(&notices).await.unwrap();
        assert_eq!(store.unseen_match_notices(lab.id).await.unwrap(), 2);
        assert_eq!(
            store.mark_match_notices_seen(lab.id, at(3)).await.unwrap(),
            2
        );
        assert_eq!(store.unseen_match_notices(lab.id).await.unwrap(), 0);
        assert_eq!(
            store.unseen_match_notices(other.id).await.unwrap(),
            1,
            "another territory's notices are not seen"
        );
        store
            .add_match_notices(&[notice(&need, "d", 4)])
            .await
            .unwrap();
        let unseen = store.match_notices(lab.id, true, 10).await.unwrap();
        assert_eq!(
            unseen
                .iter()
                .map(|n| n.matched_id.as_str())
                .collect::<Vec<_>>(),
            ["d"],
            "what came after is still new"
        );
        assert_eq!(
            store.mark_match_notices_seen(lab.id, at(3)).await.unwrap(),
            0
        );
        let all = store.match_notices(lab.id, false, 10).await.unwrap();
        let seen: Vec<(&str, Option<_>)> = all
            .iter()
            .map(|n| (n.matched_id.as_str(), n.seen_at))
            .collect();
        assert_eq!(seen, [("d", None), ("b", Some(at(3))), ("a", Some(at(3)))]);
        assert_eq!(
            store.mark_match_notices_seen(lab.id, at(9)).await.unwrap(),
            1
        );
        let all = store.match_notices(lab.id, false, 10).await.unwrap();
        assert_eq!(
            all[2].seen_at,
            Some(at(3)),
            "seen once, seen when first seen"
        );
        assert_eq!(all[0].seen_at, Some(at(9)));
    }
}

mod mail {
    //! The mail queue's claims and outcomes, members' mail choices, digests.

    use super::*;
    use rhizome_node::mail::{DigestItem, Letter, MailChoices};

    conformance!(
        letters_are_claimed_once_and_marked_by_their_claim_only,
        failed_letters_wait_then_are_given_up_and_kept,
        mail_choices_round_trip_and_addresses_are_unique_without_case,
        a_digest_takes_a_members_news_once_into_one_letter,
        an_invitation_keeps_the_address_it_was_mailed_to,
    );

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    fn letter(to: &str, subject: &str) -> Letter {
        Letter {
            kind: "new-answer".into(),
            to: to.into(),
            subject: subject.into(),
            body: "Corps du message, accentué.".into(),
        }
    }

    fn at(hour: u32, minute: u32) -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, 1, hour, minute, 0).unwrap()
    }

    async fn letters_are_claimed_once_and_marked_by_their_claim_only(store: &dyn Store) {
        let first = store
            .queue_letter(&letter("a@example.org", "Un"), at(10, 0))
            .await
            .unwrap();
        let second = store
            .queue_letter(&letter("b@example.org", "Deux"), at(10, 1))
            .await
            .unwrap();
        // Not due yet.
        assert!(
            store
                .claim_letters(at(9, 0), Duration::minutes(5), 10)
                .await
                .unwrap()
                .is_empty()
        );
        let claimed = store
            .claim_letters(at(10, 2), Duration::minutes(5), 10)
            .await
            .unwrap();
        assert_eq!(
            claimed.iter().map(|c| c.queued.id).collect::<Vec<_>>(),
            vec![first, second]
        );
        assert_eq!(claimed[0].queued.letter, letter("a@example.org", "Un"));
        // Held: a second worker gets nothing until the lease runs out.
        assert!(
            store
                .claim_letters(at(10, 3), Duration::minutes(5), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .letter_sent(first, claimed[0].claim, at(10, 3))
                .await
                .unwrap()
        );
        // The lease ran out: the unsent one is claimed again, under a new claim; the old
        // claim can no longer mark it.
        let again = store
            .claim_letters(at(10, 8), Duration::minutes(5), 10)
            .await
            .unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].queued.id, second);
        assert_ne!(again[0].claim, claimed[1].claim);
        assert!(
            !store
                .letter_sent(second, claimed[1].claim, at(10, 9))
                .await
                .unwrap()
        );
        assert!(
            store
                .letter_sent(second, again[0].claim, at(10, 9))
                .await
                .unwrap()
        );
        assert!(store.unsent_letters(10).await.unwrap().is_empty());
        assert!(
            store
                .claim_letters(at(23, 0), Duration::minutes(5), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    async fn failed_letters_wait_then_are_given_up_and_kept(store: &dyn Store) {
        let id = store
            .queue_letter(&letter("a@example.org", "Un"), at(10, 0))
            .await
            .unwrap();
        let claimed = store
            .claim_letters(at(10, 0), Duration::minutes(5), 10)
            .await
            .unwrap();
        assert!(
            store
                .letter_failed(
                    id,
                    claimed[0].claim,
                    at(10, 0),
                    "connection refused",
                    Some(at(10, 1))
                )
                .await
                .unwrap()
        );
        // Released at once, but not due before the retry.
        assert!(
            store
                .claim_letters(at(10, 0), Duration::minutes(5), 10)
                .await
                .unwrap()
                .is_empty()
        );
        let retried = store
            .claim_letters(at(10, 1), Duration::minutes(5), 10)
            .await
            .unwrap();
        assert_eq!(retried.len(), 1);
        assert_eq!(retried[0].queued.attempts, 1);
        assert!(
            store
                .letter_failed(id, retried[0].claim, at(10, 1), "550 no such mailbox", None)
                .await
                .unwrap()
        );
        // Given up: never claimed again, and still there.
        assert!(
            store
                .claim_letters(at(23, 0), Duration::days(1), 10)
                .await
                .unwrap()
                .is_empty()
        );
        let kept = store.unsent_letters(10).await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].attempts, 2);
    }

    async fn mail_choices_round_trip_and_addresses_are_unique_without_case(store: &dyn Store) {
        let lab = territory("lab", "Lab");
        store.insert_territory(&lab).await.unwrap();
        let ana = newcomer("ana");
        let bob = newcomer("bob");
        let cyd = newcomer("cyd");
        for m in [&ana, &bob, &cyd] {
            store.insert_member(m).await.unwrap();
            store.grant_editor(m.id, lab.id).await.unwrap();
        }
        assert_eq!(
            store.member_mail(ana.id).await.unwrap(),
            Some(MailChoices::default())
        );
        assert_eq!(store.member_mail(uuid::Uuid::now_v7()).await.unwrap(), None);
        let choices = MailChoices {
            email: Some("Ana@Example.org".into()),
            language: Some("en".into()),
            digest: true,
            refused: ["new-answer".to_owned(), "new-match".to_owned()].into(),
        };
        store.set_member_mail(ana.id, &choices).await.unwrap();
        assert_eq!(
            store.member_mail(ana.id).await.unwrap(),
            Some(choices.clone())
        );
        let taken = MailChoices {
            email: Some("ana@example.ORG".into()),
            ..MailChoices::default()
        };
        assert!(matches!(
            store.set_member_mail(bob.id, &taken).await,
            Err(StoreError::Conflict("email"))
        ));
        let fewer = MailChoices {
            refused: ["new-match".to_owned()].into(),
            ..choices.clone()
        };
        store.set_member_mail(ana.id, &fewer).await.unwrap();
        assert_eq!(store.member_mail(ana.id).await.unwrap(), Some(fewer));
        assert!(matches!(
            store.set_member_mail(uuid::Uuid::now_v7(), &taken).await,
            Err(StoreError::NotFound)
        ));
        // Only editors with an address are recipients.
        store
            .set_member_mail(
                bob.id,
                &MailChoices {
                    email: Some("bob@example.org".into()),
                    ..MailChoices::default()
                },
            )
            .await
            .unwrap();
        let recipients = store.territory_recipients(lab.id).await.unwrap();
        assert_eq!(
            recipients.iter().map(|r| r.member_id).collect::<Vec<_>>(),
            vec![ana.id, bob.id]
        );
        assert!(recipients[0].choices.refused.contains("new-match"));
    }

    async fn a_digest_takes_a_members_news_once_into_one_letter(store: &dyn Store) {
        let ana = newcomer("ana");
        let bob = newcomer("bob");
        for m in [&ana, &bob] {
            store.insert_member(m).await.unwrap();
        }
        store
            .add_digest_item(ana.id, &letter("ana@example.org", "Première"), at(9, 0))
            .await
            .unwrap();
        store
            .add_digest_item(ana.id, &letter("ana@example.org", "Seconde"), at(8, 0))
            .await
            .unwrap();
        store
            .add_digest_item(ana.id, &letter("ana@example.org", "Demain"), at(23, 0))
            .await
            .unwrap();
        store
            .add_digest_item(bob.id, &letter("bob@example.org", "Pour Bob"), at(23, 30))
            .await
            .unwrap();
        assert_eq!(store.digests_due(at(12, 0)).await.unwrap(), vec![ana.id]);
        let seen = std::sync::Mutex::new(Vec::<DigestItem>::new());
        let write = |items: &[DigestItem]| {
            seen.lock().unwrap().extend_from_slice(items);
            Some(Letter {
                kind: "digest".into(),
                to: "ana@example.org".into(),
                subject: format!("{} nouvelles", items.len()),
                body: items
                    .iter()
                    .map(|i| i.subject.clone())
                    .collect::<Vec<_>>()
                    .join("\n"),
            })
        };
        assert_eq!(
            store
                .gather_digest(ana.id, at(12, 0), at(12, 0), &write)
                .await
                .unwrap(),
            2
        );
        let subjects: Vec<String> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|i| i.subject.clone())
            .collect();
        assert_eq!(subjects, vec!["Seconde", "Première"], "oldest first");
        // Taken once: a second gathering finds nothing and queues nothing.
        assert_eq!(
            store
                .gather_digest(ana.id, at(12, 0), at(12, 0), &write)
                .await
                .unwrap(),
            0
        );
        let queued = store.unsent_letters(10).await.unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].letter.subject, "2 nouvelles");
        assert_eq!(queued[0].letter.body, "Seconde\nPremière");
        // Dropped news (no address any more) queues nothing.
        assert_eq!(
            store
                .gather_digest(bob.id, at(23, 59), at(23, 59), &|_| None)
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.unsent_letters(10).await.unwrap().len(), 1);
        assert_eq!(store.digests_due(at(23, 59)).await.unwrap(), vec![ana.id]);
    }

    async fn an_invitation_keeps_the_address_it_was_mailed_to(store: &dyn Store) {
        let (hash, link) = invitation(None, false);
        store.insert_link(&link).await.unwrap();
        assert_eq!(store.invited_address(&hash).await.unwrap(), None);
        store
            .set_invited_address(&hash, "rita@example.org")
            .await
            .unwrap();
        store
            .set_invited_address(&hash, "Rita@Example.org")
            .await
            .unwrap();
        assert_eq!(
            store.invited_address(&hash).await.unwrap().as_deref(),
            Some("Rita@Example.org")
        );
        // Only for a link that exists.
        assert!(
            store
                .set_invited_address("0000", "x@example.org")
                .await
                .is_err()
        );
    }
}

/// Registrations: places counted, the waitlist in order and moved up in the same
/// transaction as the change that frees a place, decisions, cancel links, reminders.
mod registrations {
    use super::*;
    use rhizome_node::outbox::{Outgoing, Recipients};
    use rhizome_node::social::{JoinReply, RemoteActor, RsvpState};
    use rhizome_node::store::Admission;
    use uuid::Uuid;

    conformance!(
        registrations_respect_capacity_and_wait_in_line,
        a_freed_place_goes_to_the_first_in_line_with_its_accept,
        two_requests_for_the_last_place_take_it_once,
        decisions_are_made_once_and_refusals_free_places,
        cancel_links_work_once,
        reminders_are_taken_once,
    );

    const OPEN: Admission = Admission {
        capacity: Some(2),
        needs_approval: false,
        open: true,
    };

    async fn actor(store: &dyn Store, name: &str) -> RemoteActor {
        let id = format!("https://m.example/users/{name}");
        let actor = RemoteActor {
            id: id.clone(),
            inbox: format!("{id}/inbox"),
            shared_inbox: None,
            public_key_id: format!("{id}#main-key"),
            public_key_pem: "PEM".into(),
            username: Some(name.into()),
            name: None,
            url: None,
            fetched_at: rhizome_node::now(),
            assertion_keys: vec![],
        };
        store.upsert_remote_actor(&actor).await.unwrap();
        actor
    }

    /// The answer as the tests read it back: `{type, to, object}`, to the actor alone.
    fn answer(sender: Uuid) -> impl Fn(&RemoteActor, &str, JoinReply) -> Outgoing + Send + Sync {
        move |actor: &RemoteActor, join: &str, reply: JoinReply| {
            let id = Uuid::now_v7();
            Outgoing {
                id,
                activity_id: format!("https://here.example/activities/{id}"),
                sender,
                body: json!({"type": format!("{reply:?}"), "to": actor.id, "object": join}),
                recipients: Recipients::Inboxes(vec![actor.inbox.clone()]),
                public: false,
            }
        }
    }

    /// Answers queued since the last call: `(type, to)`, in order.
    async fn told(store: &dyn Store) -> Vec<(String, String)> {
        let now = rhizome_node::now();
        let claimed = store
            .claim_deliveries(now, Duration::seconds(60), 100, 100)
            .await
            .unwrap();
        store.deliveries_succeeded(&claimed, now).await.unwrap();
        let mut told: Vec<_> = claimed
            .iter()
            .map(|d| {
                (
                    d.activity_id,
                    d.body["type"].as_str().unwrap().to_owned(),
                    d.body["to"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        told.sort();
        told.into_iter().map(|(_, t, to)| (t, to)).collect()
    }

    async fn an_event(store: &dyn Store) -> (Territory, Publication) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let e = event(&t, "Atelier", "2030-01-01T10:00", "2030-01-01T12:00");
        store.insert_publication(&e, None).await.unwrap();
        (t, e)
    }

    fn states(list: &[rhizome_node::social::Registration]) -> Vec<(String, RsvpState)> {
        list.iter()
            .map(|r| {
                (
                    r.participant.rsplit('/').next().unwrap().to_owned(),
                    r.state,
                )
            })
            .collect()
    }

    async fn registrations_respect_capacity_and_wait_in_line(store: &dyn Store) {
        let (t, e) = an_event(store).await;
        let answer = answer(t.id);
        let now = rhizome_node::now();
        let mut who = Vec::new();
        for name in ["a", "b", "c", "d"] {
            who.push(actor(store, name).await);
        }
        let join = |i: usize| {
            let (who, answer) = (&who, &answer);
            async move {
                store
                    .rsvp(
                        e.id,
                        &who[i],
                        &format!("{}#join", who[i].id),
                        OPEN,
                        now,
                        answer,
                    )
                    .await
                    .unwrap()
            }
        };
        assert_eq!(join(0).await, RsvpState::Accepted);
        assert_eq!(
            join(0).await,
            RsvpState::Accepted,
            "a repeated Join keeps its state"
        );
        assert_eq!(join(1).await, RsvpState::Accepted);
        assert_eq!(join(2).await, RsvpState::Waitlisted);
        assert_eq!(join(3).await, RsvpState::Waitlisted);
        assert_eq!(store.participant_count(e.id).await.unwrap(), 2);
        // One Accept each for a and b (the repeat gets none); nothing yet for c and d.
        assert_eq!(
            told(store).await,
            vec![
                ("Accept".into(), who[0].id.clone()),
                ("Accept".into(), who[1].id.clone())
            ]
        );
        let list = store.registrations(e.id).await.unwrap();
        assert_eq!(
            states(&list),
            vec![
                ("a".into(), RsvpState::Accepted),
                ("b".into(), RsvpState::Accepted),
                ("c".into(), RsvpState::Waitlisted),
                ("d".into(), RsvpState::Waitlisted)
            ]
        );
        // A visitor with the same address twice: refused; the case of it is ignored.
        let visitor = |email: &'static str| async move {
            store
                .register_visitor(
                    e.id,
                    email,
                    "Zoé",
                    OPEN,
                    &format!("hash-{email}"),
                    "fr",
                    now,
                )
                .await
        };
        assert_eq!(
            visitor("zoe@example.org").await.unwrap(),
            RsvpState::Waitlisted
        );
        assert!(matches!(
            visitor(" ZOE@example.org").await,
            Err(StoreError::Conflict("email"))
        ));
        // Approval mode: pending, no answer; closed: rejected at once.
        let f = event(&t, "Autre", "2030-01-02T10:00", "2030-01-02T12:00");
        store.insert_publication(&f, None).await.unwrap();
        let approval = Admission {
            capacity: None,
            needs_approval: true,
            open: true,
        };
        let state = store
            .rsvp(f.id, &who[0], "a#join2", approval, now, &answer)
            .await
            .unwrap();
        assert_eq!(state, RsvpState::Pending);
        let closed = Admission {
            open: false,
            ..approval
        };
        let state = store
            .rsvp(f.id, &who[1], "b#join2", closed, now, &answer)
            .await
            .unwrap();
        assert_eq!(state, RsvpState::Rejected);
        assert_eq!(
            told(store).await,
            vec![("Reject".into(), who[1].id.clone())]
        );
        assert_eq!(
            store.outbox_count(t.id).await.unwrap(),
            0,
            "answers are not public"
        );
    }

    async fn a_freed_place_goes_to_the_first_in_line_with_its_accept(store: &dyn Store) {
        let (t, e) = an_event(store).await;
        let answer = answer(t.id);
        let now = rhizome_node::now();
        let mut who = Vec::new();
        for name in ["a", "b", "c", "d"] {
            let a = actor(store, name).await;
            store
                .rsvp(e.id, &a, &format!("{}#join", a.id), OPEN, now, &answer)
                .await
                .unwrap();
            who.push(a);
        }
        store
            .register_visitor(e.id, "zoe@example.org", "Zoé", OPEN, "hash-zoe", "es", now)
            .await
            .unwrap();
        told(store).await;
        // a leaves: c, first in line, takes the place and hears its Accept.
        let change = store
            .cancel_rsvp(e.id, &who[0].id, OPEN, &answer)
            .await
            .unwrap();
        assert!(change.done);
        assert_eq!(
            states(&change.promoted),
            vec![("c".into(), RsvpState::Accepted)]
        );
        assert_eq!(
            told(store).await,
            vec![("Accept".into(), who[2].id.clone())]
        );
        // Leaving twice changes nothing and promotes nobody.
        let again = store
            .cancel_rsvp(e.id, &who[0].id, OPEN, &answer)
            .await
            .unwrap();
        assert_eq!(again, Default::default());
        // An organiser removes b: b hears a Reject, d takes the place with an Accept.
        let change = store
            .remove_rsvp(e.id, &who[1].id, OPEN, &answer)
            .await
            .unwrap();
        assert_eq!(
            states(&change.promoted),
            vec![("d".into(), RsvpState::Accepted)]
        );
        assert_eq!(
            told(store).await,
            vec![
                ("Reject".into(), who[1].id.clone()),
                ("Accept".into(), who[3].id.clone())
            ]
        );
        // More places: the visitor is next, promoted with nothing on the wire (their
        // letter is the caller's), and keeps the language they registered in.
        let more = Admission {
            capacity: Some(5),
            ..OPEN
        };
        let promoted = store.promote_waitlist(e.id, more, &answer).await.unwrap();
        assert_eq!(promoted.len(), 1);
        assert_eq!(promoted[0].email(), Some("zoe@example.org"));
        assert_eq!(promoted[0].language.as_deref(), Some("es"));
        assert_eq!(told(store).await, vec![]);
        assert_eq!(store.participant_count(e.id).await.unwrap(), 3);
        // A closed event moves nobody up.
        let x = actor(store, "x").await;
        let full = Admission {
            capacity: Some(3),
            ..OPEN
        };
        store
            .rsvp(e.id, &x, "x#join", full, now, &answer)
            .await
            .unwrap();
        let closed = Admission {
            open: false,
            ..more
        };
        assert!(
            store
                .promote_waitlist(e.id, closed, &answer)
                .await
                .unwrap()
                .is_empty()
        );
    }

    async fn two_requests_for_the_last_place_take_it_once(store: &dyn Store) {
        let (t, e) = an_event(store).await;
        let answer = answer(t.id);
        let now = rhizome_node::now();
        let one = Admission {
            capacity: Some(1),
            ..OPEN
        };
        let (a, b) = (actor(store, "a").await, actor(store, "b").await);
        let (ra, rb) = tokio::join!(
            store.rsvp(e.id, &a, "a#join", one, now, &answer),
            store.register_visitor(e.id, "zoe@example.org", "Zoé", one, "hash", "fr", now),
        );
        let mut got = vec![ra.unwrap(), rb.unwrap()];
        got.sort_by_key(|s| s.as_str());
        assert_eq!(got, vec![RsvpState::Accepted, RsvpState::Waitlisted]);
        assert_eq!(store.participant_count(e.id).await.unwrap(), 1);
        // Two leaving at once with two in line: each place goes to one of them, once.
        let c = actor(store, "c").await;
        store
            .rsvp(e.id, &b, "b#join", one, now, &answer)
            .await
            .unwrap();
        store
            .rsvp(e.id, &c, "c#join", one, now, &answer)
            .await
            .unwrap();
        let two = Admission {
            capacity: Some(2),
            ..OPEN
        };
        let filled = store.promote_waitlist(e.id, two, &answer).await.unwrap();
        assert_eq!(filled.len(), 1);
        let holders: Vec<String> = store
            .registrations(e.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.state == RsvpState::Accepted)
            .map(|r| r.participant)
            .collect();
        let (x, y) = (holders[0].clone(), holders[1].clone());
        let (cx, cy) = tokio::join!(
            store.cancel_rsvp(e.id, &x, two, &answer),
            store.cancel_rsvp(e.id, &y, two, &answer),
        );
        let promoted = cx.unwrap().promoted.len() + cy.unwrap().promoted.len();
        assert_eq!(promoted, 2, "both left in line are in, once each");
        assert_eq!(store.participant_count(e.id).await.unwrap(), 2);
    }

    async fn decisions_are_made_once_and_refusals_free_places(store: &dyn Store) {
        let (t, e) = an_event(store).await;
        let answer = answer(t.id);
        let now = rhizome_node::now();
        let approval = Admission {
            capacity: Some(1),
            needs_approval: true,
            open: true,
        };
        let (a, b) = (actor(store, "a").await, actor(store, "b").await);
        assert_eq!(
            store
                .rsvp(e.id, &a, "a#join", approval, now, &answer)
                .await
                .unwrap(),
            RsvpState::Pending
        );
        assert_eq!(
            store
                .rsvp(e.id, &b, "b#join", approval, now, &answer)
                .await
                .unwrap(),
            RsvpState::Waitlisted,
            "a pending registration holds its place"
        );
        // Refused: a hears a Reject; b moves up to pending (organisers approve each one).
        let change = store
            .decide_rsvp(e.id, &a.id, false, "new", approval, &answer)
            .await
            .unwrap();
        assert!(change.done);
        assert_eq!(
            states(&change.promoted),
            vec![("b".into(), RsvpState::Pending)]
        );
        assert_eq!(told(store).await, vec![("Reject".into(), a.id.clone())]);
        // Deciding again is harmless: nothing changes, nothing is sent.
        let again = store
            .decide_rsvp(e.id, &a.id, true, "new", approval, &answer)
            .await
            .unwrap();
        assert!(!again.done);
        // Approved: b hears its Accept, once.
        assert!(
            store
                .decide_rsvp(e.id, &b.id, true, "new", approval, &answer)
                .await
                .unwrap()
                .done
        );
        assert!(
            !store
                .decide_rsvp(e.id, &b.id, true, "new", approval, &answer)
                .await
                .unwrap()
                .done
        );
        assert_eq!(told(store).await, vec![("Accept".into(), b.id.clone())]);
        assert!(matches!(
            store
                .decide_rsvp(
                    e.id,
                    "https://m.example/users/nobody",
                    true,
                    "new",
                    approval,
                    &answer
                )
                .await,
            Err(StoreError::NotFound)
        ));
        // An approved visitor's cancel link is the new one.
        let f = event(&t, "Autre", "2030-01-02T10:00", "2030-01-02T12:00");
        store.insert_publication(&f, None).await.unwrap();
        store
            .register_visitor(f.id, "zoe@example.org", "Zoé", approval, "first", "fr", now)
            .await
            .unwrap();
        store
            .decide_rsvp(
                f.id,
                "mailto:zoe@example.org",
                true,
                "second",
                approval,
                &answer,
            )
            .await
            .unwrap();
        assert!(
            store
                .registration_by_cancel_token("first")
                .await
                .unwrap()
                .is_none()
        );
        let (event_id, r) = store
            .registration_by_cancel_token("second")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((event_id, r.state), (f.id, RsvpState::Accepted));
    }

    async fn cancel_links_work_once(store: &dyn Store) {
        let (t, e) = an_event(store).await;
        let answer = answer(t.id);
        let now = rhizome_node::now();
        let one = Admission {
            capacity: Some(1),
            ..OPEN
        };
        store
            .register_visitor(e.id, "zoe@example.org", "Zoé", one, "zoe-hash", "fr", now)
            .await
            .unwrap();
        let a = actor(store, "a").await;
        store
            .rsvp(e.id, &a, "a#join", one, now, &answer)
            .await
            .unwrap();
        told(store).await;
        let (event_id, r) = store
            .registration_by_cancel_token("zoe-hash")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(event_id, e.id);
        assert_eq!(r.display_name.as_deref(), Some("Zoé"));
        let change = store
            .cancel_rsvp(e.id, &r.participant, one, &answer)
            .await
            .unwrap();
        assert_eq!(
            states(&change.promoted),
            vec![("a".into(), RsvpState::Accepted)]
        );
        assert_eq!(told(store).await, vec![("Accept".into(), a.id.clone())]);
        assert!(
            store
                .registration_by_cancel_token("zoe-hash")
                .await
                .unwrap()
                .is_none(),
            "used once"
        );
        assert!(
            store
                .registration_by_cancel_token("unknown")
                .await
                .unwrap()
                .is_none()
        );
    }

    async fn reminders_are_taken_once(store: &dyn Store) {
        let (_, e) = an_event(store).await; // starts 2030-01-01T10:00 (Europe/Paris)
        let now = rhizome_node::now();
        store
            .register_visitor(e.id, "zoe@example.org", "Zoé", OPEN, "h1", "fr", now)
            .await
            .unwrap();
        let start = match &e.body {
            PublicationBody::Event(ev) => ev.starts_at,
            _ => unreachable!(),
        };
        // The window is of start times: one that ends before the start takes nothing, one
        // around it takes the reminder, once.
        let before = store
            .take_reminders(start - Duration::hours(12), start, now)
            .await
            .unwrap();
        assert!(before.is_empty());
        let (from, to) = (start - Duration::hours(1), start + Duration::hours(1));
        let due = store.take_reminders(from, to, now).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].publication_id, e.id);
        assert_eq!(due[0].registration.email(), Some("zoe@example.org"));
        assert!(
            store
                .take_reminders(from, to, now)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

mod series {
    //! Recurring series and the links of their occurrences.

    use super::*;
    use rhizome_node::publication::series::{RecurrenceDraft, Series, SeriesLink};

    conformance!(series_round_trip_and_occurrences_are_unique_per_start);

    /// A series is stored and read back whole, is found by the periodic task until its
    /// window is reached, and two occurrences of one series cannot share a start: the
    /// materialisation may run twice without doubling an event.
    async fn series_round_trip_and_occurrences_are_unique_per_start(store: &dyn Store) {
        let t = territory("lab", "Lab");
        store.insert_territory(&t).await.unwrap();
        let first = event(&t, "Permanence", "2030-03-05T14:00", "2030-03-05T17:00");
        let PublicationBody::Event(template) = first.body.clone() else {
            unreachable!()
        };
        let recurrence: RecurrenceDraft =
            serde_json::from_value(json!({"weekdays": ["tuesday"], "skip": ["2030-03-12"]}))
                .unwrap();
        let now = rhizome_node::now();
        let mut s = Series {
            id: uuid::Uuid::now_v7(),
            territory_id: t.id,
            recurrence: recurrence
                .validate(template.starts_at, template.tz())
                .unwrap(),
            template,
            materialised_until: Utc.with_ymd_and_hms(2030, 3, 1, 0, 0, 0).unwrap(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        store.insert_series(&s).await.unwrap();
        assert_eq!(store.series(s.id).await.unwrap().as_ref(), Some(&s));
        let horizon = Utc.with_ymd_and_hms(2030, 6, 1, 0, 0, 0).unwrap();
        let due = store.series_to_extend(horizon, 10).await.unwrap();
        assert_eq!(due.iter().map(|s| s.id).collect::<Vec<_>>(), [s.id]);

        let starts = s.starts_between(s.template.starts_at, horizon);
        assert_eq!(starts[1] - starts[0], Duration::days(14), "the skip holds");
        let occurrence = |start| Publication {
            series: Some(SeriesLink {
                id: s.id,
                recurrence_id: start,
                exception: false,
            }),
            ..Publication::new(t.id, PublicationBody::Event(s.occurrence_at(start)))
        };
        let one = occurrence(starts[0]);
        store.insert_publication(&one, None).await.unwrap();
        let again = store.insert_publication(&occurrence(starts[0]), None).await;
        assert!(
            matches!(again, Err(StoreError::Conflict("recurrence_id"))),
            "{again:?}"
        );
        let two = occurrence(starts[1]);
        store.insert_publication(&two, None).await.unwrap();
        assert_eq!(store.publication(one.id).await.unwrap(), Some(one.clone()));

        // Edited on its own: the mark is kept.
        let mut edited = two.clone();
        edited.series.as_mut().unwrap().exception = true;
        store.update_publication(&edited, None).await.unwrap();

        // A territory's page: each live series once, by its next date, and the other
        // events without the series' dates.
        let single = event(&t, "Atelier", "2030-03-06T10:00", "2030-03-06T12:00");
        store.insert_publication(&single, None).await.unwrap();
        let ids = |ps: Vec<Publication>| ps.into_iter().map(|p| p.id).collect::<Vec<_>>();
        let before = Utc.with_ymd_and_hms(2030, 3, 1, 0, 0, 0).unwrap();
        let next = store.next_occurrences(t.id, before).await.unwrap();
        assert_eq!(ids(next), [one.id]);
        let after_first = starts[0] + Duration::days(1);
        let next = store.next_occurrences(t.id, after_first).await.unwrap();
        assert_eq!(ids(next), [two.id]);
        let elsewhere = territory("other", "Other");
        store.insert_territory(&elsewhere).await.unwrap();
        assert!(
            store
                .next_occurrences(elsewhere.id, before)
                .await
                .unwrap()
                .is_empty()
        );
        let singles = PublicationQuery {
            kind: Some(PublicationKind::Event),
            territory_id: Some(t.id),
            current_at: Some(before),
            without_live_series: true,
            order: Order::Soonest,
            limit: 10,
            ..Default::default()
        };
        assert_eq!(
            ids(store.publications(&singles).await.unwrap()),
            [single.id]
        );

        store.delete_publication(one.id, now, None).await.unwrap();
        let all = store.occurrences(s.id).await.unwrap();
        assert_eq!(all.len(), 2, "tombstones included");
        assert!(all[0].deleted_at.is_some());
        assert_eq!(all[1].series, edited.series);

        s.materialised_until = horizon;
        s.template.title = "Permanence numérique".into();
        store.update_series(&s).await.unwrap();
        assert_eq!(
            store.series(s.id).await.unwrap().unwrap().template.title,
            "Permanence numérique"
        );
        assert!(
            store
                .series_to_extend(horizon, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(store.live_series(Some(t.id)).await.unwrap().len(), 1);
        assert_eq!(store.live_series(None).await.unwrap().len(), 1);
        store.delete_series(s.id, now).await.unwrap();
        assert!(store.live_series(Some(t.id)).await.unwrap().is_empty());
        // What is left of a deleted series is listed as ordinary events.
        assert!(
            store
                .next_occurrences(t.id, before)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            ids(store.publications(&singles).await.unwrap()),
            [single.id, two.id]
        );
        assert!(matches!(
            store.delete_series(s.id, now).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.update_series(&s).await,
            Err(StoreError::NotFound)
        ));
    }
}

mod calendars {
    //! External calendars a territory mirrors, and their mirrored events.

    use super::*;
    use rhizome_node::calendar_import::ImportReport;
    use rhizome_node::store::calendars::{CalendarMirror, CalendarSubscription, CalendarSuccess};

    conformance!(calendar_subscriptions_record_fetches_and_mirrors);

    /// A subscription is unique per territory and URL; a success keeps its validators and
    /// report, a failure keeps them too and only notes the attempt and its error; mirror
    /// rows are keyed by UID and RECURRENCE-ID, found from their publication, counted, and
    /// go with their subscription. Uploaded files (no URL) are never due for a fetch.
    async fn calendar_subscriptions_record_fetches_and_mirrors(store: &dyn Store) {
        let t = territory("grange", "La Grange");
        store.insert_territory(&t).await.unwrap();
        let url = "https://cloud.example/remote.php/dav/public-calendars/grange?export";
        let s = CalendarSubscription::new(t.id, Some(url.into()), None);
        store.insert_calendar_subscription(&s).await.unwrap();
        let again = CalendarSubscription::new(t.id, Some(url.into()), None);
        assert!(matches!(
            store.insert_calendar_subscription(&again).await,
            Err(StoreError::Conflict("url"))
        ));
        let uploads = CalendarSubscription::new(t.id, None, None);
        store.insert_calendar_subscription(&uploads).await.unwrap();
        assert_eq!(
            store.calendar_subscription(s.id).await.unwrap(),
            Some(s.clone())
        );
        let listed = store.calendar_subscriptions(t.id).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[1].url, None);

        let now = rhizome_node::now();
        let due = store.calendar_subscriptions_due(now, 10).await.unwrap();
        assert_eq!(
            due.iter().map(|d| d.id).collect::<Vec<_>>(),
            [s.id],
            "never fetched"
        );
        let report = ImportReport {
            read: 3,
            created: 2,
            malformed: 1,
            unknown_zones: vec!["Mars/Olympus_Mons".into()],
            ..ImportReport::default()
        };
        let success = CalendarSuccess {
            at: now,
            etag: Some("\"v1\"".into()),
            last_modified: Some("Tue, 01 Dec 2026 10:00:00 GMT".into()),
            report: Some(report.clone()),
        };
        store.record_calendar_success(s.id, &success).await.unwrap();
        assert!(
            store
                .calendar_subscriptions_due(now, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let later = now + Duration::minutes(5);
        store
            .record_calendar_failure(
                s.id,
                later,
                "unreachable",
                "cloud.example could not be reached",
            )
            .await
            .unwrap();
        let read = store.calendar_subscription(s.id).await.unwrap().unwrap();
        assert_eq!(read.fetched_at, Some(later));
        assert_eq!(read.succeeded_at, Some(now));
        assert_eq!(read.etag.as_deref(), Some("\"v1\""));
        assert_eq!(read.report, Some(report.clone()));
        assert_eq!(read.last_error.as_deref(), Some("unreachable"));
        // Not modified: the report stays, the error goes.
        let not_modified = CalendarSuccess {
            report: None,
            at: later,
            ..success
        };
        store
            .record_calendar_success(s.id, &not_modified)
            .await
            .unwrap();
        let read = store.calendar_subscription(s.id).await.unwrap().unwrap();
        assert_eq!((read.report, read.last_error), (Some(report), None));
        assert_eq!(
            store
                .calendar_subscriptions_due(later + Duration::seconds(1), 10)
                .await
                .unwrap()
                .len(),
            1,
            "the uploads are never due"
        );

        let p = event(&t, "Repair café", "2026-12-08T18:00", "2026-12-08T21:00");
        store.insert_publication(&p, None).await.unwrap();
        let q = event(&t, "Permanence", "2026-12-03T14:00", "2026-12-03T17:00");
        store.insert_publication(&q, None).await.unwrap();
        let mirror = CalendarMirror {
            subscription_id: s.id,
            uid: "repair@grange".into(),
            recurrence_id: String::new(),
            publication_id: p.id,
            digest: "d1".into(),
            starts_at: p.body.starts_at().unwrap(),
            synced_at: now,
        };
        store.put_calendar_mirror(&mirror).await.unwrap();
        let occurrence = CalendarMirror {
            uid: "permanence@grange".into(),
            recurrence_id: "20261203T130000Z".into(),
            publication_id: q.id,
            starts_at: q.body.starts_at().unwrap(),
            ..mirror.clone()
        };
        store.put_calendar_mirror(&occurrence).await.unwrap();
        let replaced = CalendarMirror {
            digest: "d2".into(),
            synced_at: later,
            ..mirror.clone()
        };
        store.put_calendar_mirror(&replaced).await.unwrap();
        let mirrors = store.calendar_mirrors(s.id).await.unwrap();
        assert_eq!(mirrors, [occurrence.clone(), replaced.clone()], "by start");
        assert_eq!(
            store.calendar_mirror_of(p.id).await.unwrap(),
            Some((replaced, Some(url.to_owned())))
        );
        assert_eq!(
            store
                .calendar_subscription(s.id)
                .await
                .unwrap()
                .unwrap()
                .mirrored,
            2
        );
        store
            .delete_calendar_mirror(s.id, "repair@grange", "")
            .await
            .unwrap();
        assert_eq!(store.calendar_mirrors(s.id).await.unwrap(), [occurrence]);
        store.delete_calendar_subscription(s.id).await.unwrap();
        assert_eq!(store.calendar_subscription(s.id).await.unwrap(), None);
        assert_eq!(store.calendar_mirror_of(q.id).await.unwrap(), None);
        assert!(
            store.publication(q.id).await.unwrap().is_some(),
            "publications are the caller's"
        );
    }
}

mod partnerships {
    //! Partnerships between territories: one live partnership per pair whichever side
    //! offered, found by their `Offer` or object id, moved from one state to the next once,
    //! with the activity queued in the same transaction.

    use super::*;
    use rhizome_node::outbox::{Outgoing, Recipients};
    use rhizome_node::partnership::{Partnership, PartnershipState, PartnershipTerms};
    use rhizome_node::publication::partner::TerritoryRef;
    use rhizome_node::theme::Theme;
    use uuid::Uuid;

    conformance!(partnerships_are_one_per_pair_and_change_state_once);

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    fn activity(sender: Uuid) -> Outgoing {
        let id = Uuid::now_v7();
        Outgoing {
            id,
            activity_id: format!("https://here.example/activities/{id}"),
            sender,
            body: json!({"type": "Offer", "id": format!("https://here.example/activities/{id}")}),
            recipients: Recipients::Inboxes(vec!["https://there.example/inbox".into()]),
            public: false,
        }
    }

    async fn partnerships_are_one_per_pair_and_change_state_once(store: &dyn Store) {
        let ville = territory("ville", "Ville");
        let fablab = territory("fablab", "Fablab");
        store.insert_territory(&ville).await.unwrap();
        store.insert_territory(&fablab).await.unwrap();
        let terms = PartnershipTerms {
            themes: vec![Theme::Climate, Theme::Culture],
            description: Some("Ateliers communs".into()),
        };

        // Between two territories of this node: no activity.
        let local = Partnership::new(
            TerritoryRef::Local(ville.id),
            TerritoryRef::Local(fablab.id),
            terms.clone(),
        );
        store.insert_partnership(&local, None).await.unwrap();
        assert_eq!(
            store.partnership(local.id).await.unwrap(),
            Some(local.clone())
        );
        // The same pair again, from the other side, while the first is live: refused.
        let reverse = Partnership::new(
            TerritoryRef::Local(fablab.id),
            TerritoryRef::Local(ville.id),
            PartnershipTerms::default(),
        );
        assert!(matches!(
            store.insert_partnership(&reverse, None).await,
            Err(StoreError::Conflict("partnership"))
        ));

        // With a territory elsewhere: the Offer queued with it, found by both its ids.
        let remote = TerritoryRef::parse("https://there.example/t/lab").unwrap();
        let mut offered = Partnership::new(
            TerritoryRef::Local(ville.id),
            remote.clone(),
            PartnershipTerms::default(),
        );
        let offer = activity(ville.id);
        offered.offer_id = Some(offer.activity_id.clone());
        offered.object_id = Some(format!("https://here.example/partnerships/{}", offered.id));
        store
            .insert_partnership(&offered, Some(&offer))
            .await
            .unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);
        for id in [&offered.offer_id, &offered.object_id] {
            let found = store
                .partnership_by_ap_id(id.as_deref().unwrap())
                .await
                .unwrap();
            assert_eq!(found.as_ref().map(|p| p.id), Some(offered.id));
        }
        // A second row with the same Offer id is refused, nothing queued.
        let mut replayed = Partnership::new(
            remote.clone(),
            TerritoryRef::Local(fablab.id),
            PartnershipTerms::default(),
        );
        replayed.offer_id = offered.offer_id.clone();
        assert!(matches!(
            store
                .insert_partnership(&replayed, Some(&activity(fablab.id)))
                .await,
            Err(StoreError::Conflict("partnership"))
        ));
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);

        // Accepted once; a second decision changes nothing and queues nothing.
        let at = rhizome_node::now();
        store
            .change_partnership(
                local.id,
                PartnershipState::Offered,
                PartnershipState::Active,
                at,
                None,
            )
            .await
            .unwrap();
        assert!(matches!(
            store
                .change_partnership(
                    local.id,
                    PartnershipState::Offered,
                    PartnershipState::Refused,
                    at,
                    Some(&activity(ville.id)),
                )
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);
        let active = store.partnership(local.id).await.unwrap().unwrap();
        assert_eq!(
            (active.state, active.decided_at, active.terms),
            (PartnershipState::Active, Some(at), terms)
        );
        let listed: Vec<Uuid> = (store.active_partnerships().await.unwrap())
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(listed, vec![local.id]);
        let of_ville: Vec<Uuid> = (store.partnerships_of(ville.id).await.unwrap())
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(of_ville, vec![offered.id, local.id], "newest first");
        assert_eq!(store.partnerships_of(fablab.id).await.unwrap().len(), 1);

        // Ended with its notice queued; then the pair may start again.
        let end = rhizome_node::now();
        store
            .change_partnership(
                local.id,
                PartnershipState::Active,
                PartnershipState::Ended,
                end,
                Some(&activity(fablab.id)),
            )
            .await
            .unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 2);
        let ended = store.partnership(local.id).await.unwrap().unwrap();
        assert_eq!(
            (ended.state, ended.ended_at),
            (PartnershipState::Ended, Some(end))
        );
        assert!(store.active_partnerships().await.unwrap().is_empty());
        store.insert_partnership(&reverse, None).await.unwrap();
    }
}

mod leases {
    //! The named leases under which the processes of one node take turns at scheduled
    //! work, and what a start does with a database that a newer version migrated.

    use super::*;

    conformance!(a_lease_has_one_holder_until_it_ends_or_is_released);
    conformance_raw!(a_database_migrated_by_a_newer_version_is_refused_untouched);

    /// One holder at a time: others (and the holder itself) are refused until the lease
    /// ends; only its holder extends it, and not once it has run out; a release lets
    /// anyone take it at once. `runs` counts the takes.
    async fn a_lease_has_one_holder_until_it_ends_or_is_released(store: &dyn Store) {
        let t0 = Utc.with_ymd_and_hms(2031, 1, 1, 10, 0, 0).unwrap();
        let hour = Duration::hours(1);
        assert!(
            store
                .take_lease("reminders", "a", t0, t0 + hour)
                .await
                .unwrap()
        );
        assert!(
            !store
                .take_lease("reminders", "b", t0, t0 + hour)
                .await
                .unwrap()
        );
        let later = t0 + Duration::minutes(30);
        assert!(
            !store
                .take_lease("reminders", "a", later, later + hour)
                .await
                .unwrap()
        );
        // Another task's lease is another row.
        assert!(
            store
                .take_lease("series", "b", t0, t0 + hour * 3)
                .await
                .unwrap()
        );
        // Extended by its holder only.
        assert!(
            !store
                .extend_lease("reminders", "b", later, later + hour)
                .await
                .unwrap()
        );
        assert!(
            store
                .extend_lease("reminders", "a", later, later + hour)
                .await
                .unwrap()
        );
        let after_first_hour = t0 + hour + Duration::minutes(1);
        assert!(
            !store
                .take_lease("reminders", "b", after_first_hour, after_first_hour + hour)
                .await
                .unwrap(),
            "extended past the first hour"
        );
        // Once it has run out, the next to ask gets it, and the old holder cannot extend it.
        let expired = later + hour;
        assert!(
            store
                .take_lease("reminders", "b", expired, expired + hour)
                .await
                .unwrap()
        );
        assert!(
            !store
                .extend_lease("reminders", "a", expired, expired + hour)
                .await
                .unwrap()
        );
        // A release hands everything `b` holds over at once.
        assert_eq!(store.release_leases("b", expired).await.unwrap(), 2);
        assert!(
            !store
                .extend_lease("series", "b", expired, expired + hour)
                .await
                .unwrap()
        );
        assert!(
            store
                .take_lease("series", "a", expired, expired + hour)
                .await
                .unwrap()
        );
        let leases = store.leases().await.unwrap();
        let summary: Vec<(&str, &str, i64)> = leases
            .iter()
            .map(|l| (l.name.as_str(), l.holder.as_str(), l.runs))
            .collect();
        assert_eq!(summary, [("reminders", "b", 2), ("series", "a", 2)]);
        assert_eq!(leases[1].taken_at, expired);
        assert_eq!(leases[1].expires_at, expired + hour);
    }

    /// A binary older than the database (a downgrade) does not start: `migrate` fails
    /// naming the migration it does not know, and changes nothing.
    async fn a_database_migrated_by_a_newer_version_is_refused_untouched(f: &Fixture) {
        let store = &*f.store;
        store.migrate().await.unwrap();
        let t = territory("fablab", "Fablab");
        store.insert_territory(&t).await.unwrap();
        let checksum = match f.raw {
            Raw::Sqlite(_) => "X'00'",
            Raw::Postgres { .. } => "'\\x00'::bytea",
        };
        f.raw
            .execute(&format!(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (9999, 'from a newer version', TRUE, {checksum}, 0)"
            ))
            .await;
        assert_eq!(store.migration_level().await.unwrap(), Some(9999));
        let err = store.migrate().await.unwrap_err();
        assert!(
            matches!(err, StoreError::NewerDatabase { applied: 9999, known } if known >= 32),
            "{err:?}"
        );
        assert!(err.to_string().contains("9999"), "{err}");
        assert_eq!(store.migration_level().await.unwrap(), Some(9999));
        assert_eq!(
            store.territory_by_slug("fablab").await.unwrap().unwrap().id,
            t.id
        );
    }
}

mod moving {
    //! Moving territories: an import stored whole or not at all, the move recorded once
    //! with its `Move`, and a moved subscription replaced in one transaction.

    use super::*;
    use rhizome_node::network::{Following, Scope};
    use rhizome_node::outbox::{Outgoing, Recipients};
    use rhizome_node::social::FollowState;
    use rhizome_node::store::{TerritoryImport, TerritoryMove};
    use rhizome_node::territory_archive::ArchivedFollower;
    use uuid::Uuid;

    conformance!(
        an_import_is_stored_whole_or_not_at_all,
        a_move_is_recorded_once_with_its_activity,
        a_moved_subscription_is_replaced_with_its_activities,
    );

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    fn outgoing(sender: Uuid, inbox: &str) -> Outgoing {
        let id = Uuid::now_v7();
        Outgoing {
            id,
            activity_id: format!("https://here.example/activities/{id}"),
            sender,
            body: json!({"type": "Move", "id": format!("https://here.example/activities/{id}")}),
            recipients: Recipients::Inboxes(vec![inbox.into()]),
            public: true,
        }
    }

    fn import(slug: &str, old: &str) -> TerritoryImport {
        let t = territory(slug, "Fablab");
        let e = event(&t, "Atelier", "2031-03-03T18:00", "2031-03-03T20:00");
        let r = resource(&t, "Guide");
        TerritoryImport {
            publications: vec![
                (format!("{old}/events/1"), e),
                (format!("{old}/resources/2"), r),
            ],
            aliases: vec![format!("{old}/t/fablab")],
            followers: vec![ArchivedFollower {
                actor_id: "https://m.example/users/alice".into(),
                inbox: "https://m.example/inbox".into(),
                state: FollowState::Accepted,
                follow_activity_id: "https://m.example/follows/1".into(),
                scope: Some(Scope {
                    kinds: vec![PublicationKind::Event],
                    ..Scope::default()
                }),
            }],
            series: vec![],
            territory: t,
            restore: false,
        }
    }

    async fn an_import_is_stored_whole_or_not_at_all(store: &dyn Store) {
        let first = import("fablab", "https://a.example");
        store.import_territory(&first).await.unwrap();
        let t = &first.territory;
        assert_eq!(
            store.territory_by_slug("fablab").await.unwrap().as_ref(),
            Some(t)
        );
        assert_eq!(
            store.territory_aliases(t.id).await.unwrap(),
            vec!["https://a.example/t/fablab"]
        );
        assert_eq!(
            store.imported_followers(t.id).await.unwrap(),
            first.followers
        );
        assert_eq!(
            store.follower_count(t.id).await.unwrap(),
            0,
            "information only"
        );
        let (old, p) = &first.publications[0];
        assert_eq!(
            store.moved_publication(old).await.unwrap().as_ref(),
            Some(p)
        );
        assert_eq!(
            store
                .moved_publication("https://a.example/events/9")
                .await
                .unwrap(),
            None
        );
        assert_eq!(store.territory_publications(t.id).await.unwrap().len(), 2);
        // Indexed like any publication.
        let listed = store
            .publications(&PublicationQuery {
                territory_id: Some(t.id),
                limit: 10,
                ..PublicationQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(listed.len(), 2);

        // The same old ids again, under another slug: nothing of it is stored.
        let again = import("fablab-bis", "https://a.example");
        assert!(matches!(
            store.import_territory(&again).await,
            Err(StoreError::Conflict("publications"))
        ));
        assert_eq!(store.territory_by_slug("fablab-bis").await.unwrap(), None);
        assert_eq!(
            store
                .territory_publications(again.territory.id)
                .await
                .unwrap(),
            vec![]
        );
        // A taken slug: refused as such.
        let taken = import("fablab", "https://b.example");
        assert!(matches!(
            store.import_territory(&taken).await,
            Err(StoreError::Conflict("slug"))
        ));

        // A restore: its followers follow it again, scopes included.
        let restored = TerritoryImport {
            restore: true,
            ..import("restored", "https://c.example")
        };
        store.import_territory(&restored).await.unwrap();
        let id = restored.territory.id;
        assert_eq!(store.follower_count(id).await.unwrap(), 1);
        assert_eq!(
            store.archived_followers(id).await.unwrap(),
            restored.followers
        );
        assert!(store.imported_followers(id).await.unwrap().is_empty());
    }

    async fn a_move_is_recorded_once_with_its_activity(store: &dyn Store) {
        let t = territory("fablab", "Fablab");
        store.insert_territory(&t).await.unwrap();
        assert_eq!(store.territory_move(t.id).await.unwrap(), None);
        let moved = TerritoryMove {
            moved_to: "https://b.example/t/fablab".into(),
            moved_at: rhizome_node::now(),
        };
        store
            .record_move(t.id, &moved, &outgoing(t.id, "https://m.example/inbox"))
            .await
            .unwrap();
        assert_eq!(
            store.territory_move(t.id).await.unwrap(),
            Some(moved.clone())
        );
        let queued = |servers: Vec<rhizome_node::outbox::ServerState>| {
            servers.iter().map(|s| s.queued).sum::<i64>()
        };
        assert_eq!(queued(store.servers().await.unwrap()), 1);
        let elsewhere = TerritoryMove {
            moved_to: "https://c.example/t/fablab".into(),
            ..moved.clone()
        };
        assert!(matches!(
            store
                .record_move(t.id, &elsewhere, &outgoing(t.id, "https://m.example/inbox"))
                .await,
            Err(StoreError::Conflict("moved_to"))
        ));
        assert_eq!(store.territory_move(t.id).await.unwrap(), Some(moved));
        assert_eq!(
            queued(store.servers().await.unwrap()),
            1,
            "nothing queued on refusal"
        );
    }

    async fn a_moved_subscription_is_replaced_with_its_activities(store: &dyn Store) {
        let t = territory("ville", "Ville");
        store.insert_territory(&t).await.unwrap();
        let scope = Scope {
            kinds: vec![PublicationKind::Call],
            ..Scope::default()
        };
        let old = Following {
            territory_id: t.id,
            target_id: "https://a.example/t/fablab".into(),
            state: FollowState::Accepted,
            follow_activity_id: "https://here.example/activities/f1".into(),
            scope: scope.clone(),
            created_at: rhizome_node::now(),
        };
        store.upsert_following(&old, None).await.unwrap();
        let new = Following {
            target_id: "https://b.example/t/fablab".into(),
            state: FollowState::Pending,
            follow_activity_id: "https://here.example/activities/f2".into(),
            ..old.clone()
        };
        store
            .replace_following(
                &old,
                Some(&outgoing(t.id, "https://a.example/inbox")),
                &new,
                &outgoing(t.id, "https://b.example/inbox"),
            )
            .await
            .unwrap();
        let now = store.followings(t.id).await.unwrap();
        assert_eq!(now.len(), 1);
        assert_eq!(now[0].target_id, new.target_id);
        assert_eq!(now[0].state, FollowState::Pending);
        assert_eq!(now[0].scope, scope);
        let hosts: Vec<String> = store
            .servers()
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.host)
            .collect();
        assert!(
            hosts.contains(&"a.example".to_owned()) && hosts.contains(&"b.example".to_owned()),
            "{hosts:?}"
        );
    }
}

mod collectives {
    use super::*;
    use chrono::Duration;
    use rhizome_node::collective::{
        Collective, DecisionKind, Proposal, ProposalState, Rules, Share, Vote,
    };
    use rhizome_node::outbox::{Outgoing, Recipients};
    use rhizome_node::store::CollectiveChange;
    use rhizome_node::territory::ActorRole;
    use uuid::Uuid;

    conformance!(
        collectives_keep_members_proposals_and_one_vote_per_territory,
        a_territory_voting_twice_at_once_is_counted_once,
    );

    async fn sqlite() -> Fixture {
        super::sqlite().await
    }

    async fn postgres() -> Option<Fixture> {
        super::postgres().await
    }

    const COLL: &str = "https://a.example/t/alliance";

    fn news(sender: Uuid) -> Outgoing {
        let id = Uuid::now_v7();
        Outgoing {
            id,
            activity_id: format!("https://a.example/activities/{id}"),
            sender,
            body: json!({"type": "Update", "id": format!("https://a.example/activities/{id}")}),
            recipients: Recipients::Inboxes(vec!["https://b.example/inbox".into()]),
            public: false,
        }
    }

    async fn hosted_collective(store: &dyn Store) -> (Territory, Collective) {
        let t = Territory::with_role(
            ActorRole::Collective,
            territory("alliance", "Alliance").profile,
        );
        store.insert_territory(&t).await.unwrap();
        let c = Collective {
            actor_id: COLL.into(),
            territory_id: Some(t.id),
            name: "Alliance".into(),
            rules: Rules::default(),
            updated_at: rhizome_node::now(),
        };
        let members = [
            ("https://a.example/t/a1", "a.example"),
            ("https://a.example/t/a2", "a.example"),
            ("https://b.example/t/b1", "b.example"),
        ]
        .map(|(a, h)| (a.to_owned(), h.to_owned()));
        store
            .save_collective(&c, &members, rhizome_node::now(), &[news(t.id)])
            .await
            .unwrap();
        (t, c)
    }

    fn proposal(id: &str) -> Proposal {
        let at = rhizome_node::now();
        Proposal {
            id: id.into(),
            collective: COLL.into(),
            kind: DecisionKind::Admit,
            subject: "https://c.example/t/d4".into(),
            proposer: "https://a.example/t/a1".into(),
            opened_at: at,
            closes_at: at + Duration::days(14),
            state: ProposalState::Open,
            approvals: 0,
            refusals: 0,
            decided_at: None,
        }
    }

    fn vote(proposal: &str, voter: &str, n: u32) -> Vote {
        Vote {
            proposal: proposal.into(),
            voter: voter.into(),
            approve: true,
            activity_id: format!("{voter}/votes/{n}"),
            cast_at: rhizome_node::now(),
        }
    }

    async fn collectives_keep_members_proposals_and_one_vote_per_territory(store: &dyn Store) {
        let (t, c) = hosted_collective(store).await;
        assert_eq!(
            store.pending_deliveries().await.unwrap(),
            1,
            "queued with it"
        );
        assert_eq!(store.collective(COLL).await.unwrap(), Some(c.clone()));
        assert_eq!(store.collective_of(t.id).await.unwrap(), Some(c.clone()));
        assert!(
            store
                .is_member(COLL, "https://b.example/t/b1")
                .await
                .unwrap()
        );
        assert!(
            !store
                .is_member(COLL, "https://c.example/t/d4")
                .await
                .unwrap()
        );
        let with_b1 = store
            .collectives_with_member("https://b.example/t/b1")
            .await
            .unwrap();
        assert_eq!(with_b1, vec![c.clone()]);
        // Saving again with a shorter list removes the missing member, keeping its row.
        let two = [
            ("https://a.example/t/a1", "a.example"),
            ("https://a.example/t/a2", "a.example"),
        ]
        .map(|(a, h)| (a.to_owned(), h.to_owned()));
        store
            .save_collective(&c, &two, rhizome_node::now(), &[])
            .await
            .unwrap();
        let members = store.collective_members(COLL).await.unwrap();
        assert_eq!(members.len(), 3);
        assert!(
            members
                .iter()
                .any(|m| m.actor_id.ends_with("/b1") && m.removed_at.is_some())
        );
        assert!(
            !store
                .is_member(COLL, "https://b.example/t/b1")
                .await
                .unwrap()
        );
        assert!(
            store
                .collectives_with_member("https://b.example/t/b1")
                .await
                .unwrap()
                .is_empty()
        );

        // A proposal, stored once.
        let p = proposal("https://a.example/proposals/1");
        store.insert_proposal(&p, &[news(t.id)]).await.unwrap();
        assert!(matches!(
            store.insert_proposal(&p, &[news(t.id)]).await,
            Err(StoreError::Conflict("proposal"))
        ));
        assert_eq!(
            store.pending_deliveries().await.unwrap(),
            2,
            "nothing queued on refusal"
        );
        assert_eq!(store.proposal(&p.id).await.unwrap(), Some(p.clone()));
        assert_eq!(store.proposals(COLL).await.unwrap(), vec![p.clone()]);

        // One vote per territory; the same activity id twice is no second vote either.
        store
            .insert_vote(&vote(&p.id, "https://a.example/t/a1", 1), &[])
            .await
            .unwrap();
        assert!(matches!(
            store
                .insert_vote(&vote(&p.id, "https://a.example/t/a1", 2), &[])
                .await,
            Err(StoreError::Conflict("vote"))
        ));
        assert!(matches!(
            store
                .insert_vote(&vote(&p.id, "https://a.example/t/a2", 1), &[])
                .await
                .and(Ok(()))
                .and(
                    store
                        .insert_vote(
                            &Vote {
                                voter: "https://a.example/t/other".into(),
                                ..vote(&p.id, "https://a.example/t/a2", 1)
                            },
                            &[]
                        )
                        .await
                ),
            Err(StoreError::Conflict("vote"))
        ));
        assert_eq!(store.votes(&p.id).await.unwrap().len(), 2);

        // Passing it admits the candidate in the same transaction; decided once.
        let passed = Proposal {
            state: ProposalState::Passed,
            approvals: 2,
            decided_at: Some(rhizome_node::now()),
            ..p.clone()
        };
        let admit = CollectiveChange::Admit {
            actor_id: "https://c.example/t/d4".into(),
            host: "c.example".into(),
        };
        store
            .record_tally(&passed, Some(&admit), &[news(t.id)])
            .await
            .unwrap();
        assert!(
            store
                .is_member(COLL, "https://c.example/t/d4")
                .await
                .unwrap()
        );
        assert_eq!(store.proposal(&p.id).await.unwrap(), Some(passed.clone()));
        assert!(matches!(
            store.record_tally(&passed, Some(&admit), &[]).await,
            Err(StoreError::NotFound)
        ));
        // New rules, by a passed proposal of its own.
        let mut rules = Rules::default();
        rules.change_rules.share = Share::Unanimity;
        let q = proposal("https://a.example/proposals/2");
        store.insert_proposal(&q, &[]).await.unwrap();
        let q_passed = Proposal {
            state: ProposalState::Passed,
            decided_at: Some(rhizome_node::now()),
            ..q
        };
        store
            .record_tally(&q_passed, Some(&CollectiveChange::Rules(rules)), &[])
            .await
            .unwrap();
        assert_eq!(store.collective(COLL).await.unwrap().unwrap().rules, rules);
        // Removing.
        let r = proposal("https://a.example/proposals/3");
        store.insert_proposal(&r, &[]).await.unwrap();
        let remove = CollectiveChange::Remove {
            actor_id: "https://c.example/t/d4".into(),
        };
        store
            .record_tally(
                &Proposal {
                    state: ProposalState::Passed,
                    decided_at: Some(rhizome_node::now()),
                    ..r
                },
                Some(&remove),
                &[],
            )
            .await
            .unwrap();
        assert!(
            !store
                .is_member(COLL, "https://c.example/t/d4")
                .await
                .unwrap()
        );
        // Every activity queued with its change, and none with a refusal.
        assert_eq!(store.pending_deliveries().await.unwrap(), 3);
    }

    async fn a_territory_voting_twice_at_once_is_counted_once(store: &dyn Store) {
        hosted_collective(store).await;
        let p = proposal("https://a.example/proposals/race");
        store.insert_proposal(&p, &[]).await.unwrap();
        let votes: Vec<Vote> = (0..4)
            .map(|n| vote(&p.id, "https://b.example/t/b1", n))
            .collect();
        let (r0, r1, r2, r3) = tokio::join!(
            store.insert_vote(&votes[0], &[]),
            store.insert_vote(&votes[1], &[]),
            store.insert_vote(&votes[2], &[]),
            store.insert_vote(&votes[3], &[]),
        );
        let results = [r0, r1, r2, r3];
        let stored = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(stored, 1, "{results:?}");
        assert!(
            results
                .iter()
                .all(|r| r.is_ok() || matches!(r, Err(StoreError::Conflict("vote"))))
        );
        assert_eq!(store.votes(&p.id).await.unwrap().len(), 1);
    }
}
