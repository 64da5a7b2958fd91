//! What the federation suites share: a real SQLite-backed node with one territory, `lab`,
//! and a remote sender it knows and follows.

use std::path::Path;
use std::sync::Arc;

use rhizome_federation::Federation;
use rhizome_node::network::{Following, Scope};
use rhizome_node::social::{FollowState, RemoteActor};
use rhizome_node::store::SqliteStore;
use rhizome_node::store::prelude::*;
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::{Config, Territory};
use serde_json::json;

/// A node on SQLite (the database file `db` in `dir`), in development mode, with one
/// territory, `lab`, in `timezone`.
pub async fn lab_node(
    dir: &Path,
    db: &str,
    timezone: &str,
) -> (Federation, Arc<dyn Store>, Territory) {
    let store = SqliteStore::open(&dir.join(db)).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let config = Config {
        domain: "localhost:9".into(),
        data_dir: dir.to_owned(),
        development_mode: true,
        ..Config::default()
    };
    let fed = Federation::new(store.clone(), Arc::new(config));
    let draft: TerritoryDraft =
        serde_json::from_value(json!({"slug": "lab", "name": "Lab", "kind": "fablab"})).unwrap();
    let territory = Territory::new(draft.validate(timezone).unwrap());
    store.insert_territory(&territory).await.unwrap();
    (fed, store, territory)
}

/// A remote actor `id` with an empty key, its inbox at `{id}/inbox`, no shared inbox and
/// no profile page.
pub fn sender(id: &str, username: &str, name: &str) -> RemoteActor {
    RemoteActor {
        id: id.into(),
        inbox: format!("{id}/inbox"),
        shared_inbox: None,
        public_key_id: format!("{id}#main-key"),
        public_key_pem: "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n".into(),
        username: Some(username.into()),
        name: Some(name.into()),
        url: None,
        fetched_at: rhizome_node::now(),
        assertion_keys: vec![],
    }
}

/// Stores `actor` and has `territory` follow it, accepted, so that what it sends is kept;
/// `follow` names the follow activity after the territory's URL.
pub async fn follow_sender(
    fed: &Federation,
    store: &dyn Store,
    territory: &Territory,
    actor: &RemoteActor,
    follow: &str,
) {
    store.upsert_remote_actor(actor).await.unwrap();
    store
        .upsert_following(
            &Following {
                territory_id: territory.id,
                target_id: actor.id.clone(),
                state: FollowState::Accepted,
                follow_activity_id: format!(
                    "{}#follows/{follow}",
                    fed.urls.territory(&territory.profile.slug)
                ),
                scope: Scope::default(),
                created_at: rhizome_node::now(),
            },
            None,
        )
        .await
        .unwrap();
}
