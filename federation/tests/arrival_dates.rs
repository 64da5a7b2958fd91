//! A remote event arrives at a real SQLite-backed node through the dispatcher (`receive`):
//! kept when its dates are within `rhizome_node::validation::YEARS`, refused with a reason
//! naming the field when they are not, and then nothing of it is stored.

mod common;

use rhizome_federation::protocol::Activity;
use rhizome_federation::{Federation, FederationError, activities};
use rhizome_node::social::RemoteActor;
use serde_json::{Value, json};

/// Gancio's instance actor, which publishes every event of its node.
const GANCIO: &str = "https://gancio.example/federation/u/relay";

fn create_event() -> Value {
    let file = format!(
        "{}/tests/fixtures/gancio/create_event.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// A node with one territory that follows the Gancio actor.
async fn node(dir: &std::path::Path) -> (Federation, RemoteActor) {
    let (fed, store, territory) = common::lab_node(dir, "arrival.db", "Europe/Rome").await;
    let actor = common::sender(GANCIO, "relay", "Gancio");
    common::follow_sender(&fed, &*store, &territory, &actor, "gancio").await;
    (fed, actor)
}

async fn deliver(fed: &Federation, actor: &RemoteActor, doc: Value) -> Result<(), FederationError> {
    let activity: Activity = serde_json::from_value(doc).unwrap();
    activities::receive(fed, &activity, actor).await
}

#[tokio::test]
async fn a_remote_event_outside_the_years_window_is_refused_at_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let (fed, actor) = node(dir.path()).await;

    let kept = create_event();
    let kept_id = kept["object"]["id"].as_str().unwrap().to_owned();
    deliver(&fed, &actor, kept).await.unwrap();
    let stored = fed.store.remote_publication(&kept_id).await.unwrap();
    assert_eq!(stored.unwrap().title, "Assemblea di quartiere");

    for (n, (field, date)) in [
        ("startTime", "2201-02-03T18:00:00.000+01:00"),
        ("startTime", "1899-02-03T18:00:00.000+01:00"),
        ("endTime", "2201-02-03T20:00:00.000+01:00"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut far = create_event();
        let id = format!("https://gancio.example/federation/m/{}", 100 + n);
        far["id"] = json!(format!("{id}#Create"));
        far["object"]["id"] = json!(id);
        far["object"][field] = json!(date);
        match deliver(&fed, &actor, far).await {
            Err(FederationError::Malformed(reason)) => {
                assert_eq!(
                    reason,
                    format!("{field}: must be between the years 1900 and 2200")
                )
            }
            other => panic!("{field} {date}: {other:?}"),
        }
        assert!(
            fed.store.remote_publication(&id).await.unwrap().is_none(),
            "{date} stored"
        );
    }
}
