//! Bounded fuzzing of the inbound side, run with the other tests: arbitrary JSON shaped
//! like activities (random types, nested objects, text with control characters, huge
//! numbers, wrong types for known fields) and raw bytes go through the inbox's parser and,
//! when that accepts them as from the verified sender, through the dispatcher (`receive`)
//! against a real SQLite-backed node. Nothing panics; each ends Ok or in a clean error,
//! never one of ours (`Internal`). Every URL points at a closed loopback port, so the
//! fetches some activities cause fail at once without leaving the machine.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config as Cases, TestCaseError, TestRunner};
use rhizome_federation::protocol::{Activity, NoteJson, RemoteActorJson};
use rhizome_federation::{Federation, FederationError, activities};
use rhizome_node::social::RemoteActor;
use rhizome_node::{Publication, PublicationBody, PublicationKind};
use serde_json::{Map, Value, json};

/// Cases per test: a second or two in a debug build.
const CASES: u32 = 1000;

/// The sender, on a loopback address whose port 9 refuses connections.
const ACTOR: &str = "http://127.0.0.2:9/users/ann";
/// Someone else's server.
const THIRD: &str = "http://127.0.0.3:9";

const KINDS: &[&str] = &[
    "Create", "Update", "Delete", "Follow", "Accept", "Reject", "Undo", "Like", "Announce", "Flag",
    "Join", "Leave", "Add", "Remove", "Offer", "Move", "", "create",
];
const OBJECT_KINDS: &[&str] = &[
    "Note",
    "Event",
    "Page",
    "Article",
    "Person",
    "Service",
    "Group",
    "Organization",
    "Application",
    "Tombstone",
    "Follow",
    "Like",
    "Announce",
    "Join",
    "Image",
    "Place",
    "Question",
    "Partnership",
    "Add",
    "Offer",
];
const KEYS: &[&str] = &[
    "id",
    "type",
    "actor",
    "object",
    "to",
    "cc",
    "content",
    "contentMap",
    "inReplyTo",
    "attributedTo",
    "name",
    "summary",
    "startTime",
    "endTime",
    "published",
    "updated",
    "url",
    "href",
    "tag",
    "attachment",
    "location",
    "latitude",
    "longitude",
    "inbox",
    "endpoints",
    "sharedInbox",
    "publicKey",
    "publicKeyPem",
    "owner",
    "preferredUsername",
    "rhizome:scope",
    "scope",
    "mediaType",
    "timezone",
    "target",
    "partner",
    "alsoKnownAs",
    "rules",
    "members",
];
const TIMES: &[&str] = &[
    "2031-01-01T10:00:00Z",
    "2031-01-01T12:00:00+02:00",
    "1970-01-01T00:00:00Z",
    "2031-02-30T10:00:00Z",
    "+275760-09-13T00:00:00Z",
    "yesterday",
];

/// Ids the generated activities point at: the sender's, its objects, ours (existing or
/// not) and a third server's; plus strings that are not URLs at all.
fn ids(local: &Local) -> Vec<String> {
    let mut ids = vec![ACTOR.to_owned(), format!("{ACTOR}#main-key")];
    ids.extend((0..3).map(|n| format!("http://127.0.0.2:9/notes/{n}")));
    ids.extend([
        local.territory.clone(),
        local.publication.clone(),
        local.missing_publication.clone(),
        local.instance_actor.clone(),
        format!("{THIRD}/objects/1"),
        format!("{THIRD}/users/bob"),
        "as:Public".to_owned(),
        "not a url".to_owned(),
        "javascript:alert(1)".to_owned(),
        "http://".to_owned(),
    ]);
    ids
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        select(vec![
            1e308,
            -1e308,
            5e-324,
            1.8446744073709552e19,
            46.58,
            91.0
        ])
        .prop_map(Value::from),
    ]
    .boxed()
}

/// Text with control characters, markup, bidi overrides and astral characters mixed in.
fn text() -> impl Strategy<Value = String> {
    "[\\x00-\\x1f\\x7fa-zA-Z0-9 éü<>&\"'/:.#@\\-\u{202e}\u{200b}\u{feff}\u{1F600}]{0,30}"
}

fn scalar(ids: Arc<Vec<String>>) -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        text().prop_map(Value::from),
        select(KINDS).prop_map(Value::from),
        select(OBJECT_KINDS).prop_map(Value::from),
        select(TIMES).prop_map(Value::from),
        select((*ids).clone()).prop_map(Value::from),
        Just(Value::from("<p>Hello <script>alert(1)</script></p>")),
    ]
    .boxed()
}

/// Any JSON value a few levels deep, its object keys mostly ActivityStreams' own.
fn any_json(ids: Arc<Vec<String>>) -> BoxedStrategy<Value> {
    let key = prop_oneof![4 => select(KEYS).prop_map(str::to_owned), 1 => "[a-z@:]{1,8}"];
    scalar(ids)
        .prop_recursive(3, 24, 5, move |inner| {
            prop_oneof![
                vec(inner.clone(), 0..4).prop_map(Value::Array),
                btree_map(key.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

/// An object of a known type with known fields, some of a wrong type.
fn object(ids: Arc<Vec<String>>) -> BoxedStrategy<Value> {
    let id = select((*ids).clone());
    let field = prop_oneof![
        3 => scalar(ids.clone()),
        1 => any_json(ids.clone()),
    ];
    (
        select(OBJECT_KINDS),
        id.clone(),
        btree_map(select(KEYS), field, 0..8),
        prop::option::of(id),
    )
        .prop_map(|(kind, id, fields, object)| {
            let mut o: Map<String, Value> =
                fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            o.insert("type".into(), kind.into());
            o.entry("id").or_insert(id.into());
            if let Some(object) = object {
                o.entry("object").or_insert(object.into());
            }
            Value::Object(o)
        })
        .boxed()
}

fn addressing() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(json!(["https://www.w3.org/ns/activitystreams#Public"])),
        Just(json!("as:Public")),
        Just(json!([format!("{ACTOR}/followers")])),
        Just(Value::Null),
        Just(json!(42)),
    ]
    .boxed()
}

/// What a well-behaved server sends (a reply, a publication, a reaction, a follow, a
/// registration and their undoing), with up to three fields of the object changed to
/// anything at all.
fn plausible(ids: Arc<Vec<String>>, local: &Local) -> BoxedStrategy<Value> {
    let public = json!(["https://www.w3.org/ns/activitystreams#Public"]);
    let templates = vec![
        (
            "Create",
            json!({"type": "Note", "attributedTo": ACTOR, "inReplyTo": local.publication, "to": public, "published": "2031-01-01T10:00:00Z"}),
        ),
        (
            "Create",
            json!({"type": "Event", "attributedTo": ACTOR, "startTime": "2031-01-01T10:00:00Z", "endTime": "2031-01-01T12:00:00Z", "to": public,
                   "location": {"type": "Place", "name": "Lab", "latitude": 46.58, "longitude": 0.34}}),
        ),
        (
            "Update",
            json!({"type": "Page", "attributedTo": ACTOR, "to": public, "published": "2031-01-01T10:00:00Z"}),
        ),
        ("Like", json!(local.publication)),
        ("Announce", json!(local.publication)),
        ("Join", json!(local.publication)),
        ("Leave", json!(local.publication)),
        ("Follow", json!(local.territory)),
        ("Flag", json!([local.publication, ACTOR])),
        (
            "Undo",
            json!({"type": "Like", "actor": ACTOR, "object": local.publication}),
        ),
        (
            "Delete",
            json!({"type": "Tombstone", "id": "http://127.0.0.2:9/notes/1"}),
        ),
    ];
    (
        select(templates),
        0u32..3,
        text(),
        btree_map(select(KEYS), any_json(ids), 0..3),
        0u32..1_000_000,
    )
        .prop_map(|((kind, mut object), note, words, changes, n)| {
            if let Value::Object(o) = &mut object {
                o.entry("id")
                    .or_insert(format!("http://127.0.0.2:9/notes/{note}").into());
                o.insert("name".into(), words.clone().into());
                o.insert("content".into(), format!("<p>{words}</p>").into());
                for (key, value) in changes {
                    o.insert(key.to_owned(), value);
                }
            }
            json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{ACTOR}/activities/{n}"), "type": kind, "actor": ACTOR,
                "object": object, "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "content": words,
            })
        })
        .boxed()
}

/// An activity from the sender, now and then with a field changed to anything at all;
/// or any JSON value.
fn activity(ids: Arc<Vec<String>>) -> BoxedStrategy<Value> {
    let object = prop_oneof![
        2 => object(ids.clone()),
        1 => select((*ids).clone()).prop_map(Value::from),
        1 => any_json(ids.clone()),
    ];
    let overrides = btree_map(select(KEYS), any_json(ids.clone()), 0..2);
    let shaped = (
        select(KINDS),
        0u32..1_000_000,
        object,
        addressing(),
        addressing(),
        overrides,
    )
        .prop_map(|(kind, n, object, to, cc, overrides)| {
            let mut a = Map::new();
            a.insert(
                "@context".into(),
                "https://www.w3.org/ns/activitystreams".into(),
            );
            a.insert("id".into(), format!("{ACTOR}/activities/{n}").into());
            a.insert("type".into(), kind.into());
            a.insert("actor".into(), ACTOR.into());
            a.insert("object".into(), object);
            a.insert("to".into(), to);
            a.insert("cc".into(), cc);
            for (key, value) in overrides {
                a.insert(key.to_owned(), value);
            }
            Value::Object(a)
        });
    prop_oneof![8 => shaped, 1 => any_json(ids)].boxed()
}

/// What the node has for activities to point at.
struct Local {
    publication_id: uuid::Uuid,
    territory: String,
    publication: String,
    missing_publication: String,
    instance_actor: String,
}

async fn node(dir: &std::path::Path) -> (Federation, RemoteActor, Local) {
    let (fed, store, territory) = common::lab_node(dir, "fuzz.db", "Europe/Paris").await;
    let body = PublicationBody::from_draft(
        PublicationKind::Event,
        json!({"title": "Repair café", "starts_at": "2031-01-01T10:00", "ends_at": "2031-01-01T12:00", "place": {"name": "Lab"}, "capacity": 2, "registration": {"mode": "open"}}),
        &territory,
    )
    .unwrap();
    let publication = Publication::new(territory.id, body);
    store.insert_publication(&publication, None).await.unwrap();
    let actor = RemoteActor {
        shared_inbox: Some("http://127.0.0.2:9/inbox".into()),
        url: Some(ACTOR.into()),
        ..common::sender(ACTOR, "ann", "Ann")
    };
    // The territory follows the sender, so its publications are kept and converted.
    common::follow_sender(&fed, &*store, &territory, &actor, "ann").await;
    let local = Local {
        publication_id: publication.id,
        territory: fed.urls.territory("lab"),
        publication: fed.urls.publication(PublicationKind::Event, publication.id),
        missing_publication: fed
            .urls
            .publication(PublicationKind::Event, uuid::Uuid::nil()),
        instance_actor: fed.urls.instance_actor(),
    };
    (fed, actor, local)
}

/// Parses `bytes` as the inbox does and, if they make an activity of the verified sender
/// (same host for the activity and its actor, as the inbox requires), dispatches it.
async fn deliver(
    fed: &Federation,
    sender: &RemoteActor,
    bytes: &[u8],
) -> Result<Option<String>, TestCaseError> {
    let activity: Activity = match serde_json::from_slice(bytes) {
        Ok(a) => a,
        Err(e) => return Ok(Some(format!("unparsed ({:?})", e.classify()))),
    };
    if activity.actor.as_str() != sender.id || activity.id.host() != activity.actor.host() {
        return Ok(Some("not the sender's".into()));
    }
    match activities::receive(fed, &activity, sender).await {
        Ok(()) => Ok(None),
        Err(FederationError::Internal(e)) => Err(TestCaseError::fail(format!(
            "internal error on {}: {e}",
            String::from_utf8_lossy(bytes)
        ))),
        Err(e) => Ok(Some(format!("{:?}", e.status()))),
    }
}

/// The runtime the fuzzing tests block on, as `#[tokio::test]` would make it.
fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn fuzzed_activities_never_panic_and_end_in_a_clean_answer() {
    let runtime = current_thread_runtime();
    let dir = tempfile::tempdir().unwrap();
    let (fed, sender, local) = runtime.block_on(node(dir.path()));
    let ids = Arc::new(ids(&local));
    let outcomes: std::sync::Mutex<BTreeMap<String, usize>> = Default::default();
    let mut runner = TestRunner::new(Cases {
        cases: CASES,
        failure_persistence: None,
        ..Cases::default()
    });
    runner
        .run(
            &prop_oneof![activity(ids.clone()), plausible(ids, &local)],
            |value| {
                // Each envelope shape the handlers read, on any object, never panics either.
                let object = value.get("object").cloned().unwrap_or_default();
                let _ = serde_json::from_value::<NoteJson>(object.clone());
                let _ = serde_json::from_value::<RemoteActorJson>(object);
                let bytes = serde_json::to_vec(&value).unwrap();
                let outcome = runtime.block_on(deliver(&fed, &sender, &bytes))?;
                *outcomes
                    .lock()
                    .unwrap()
                    .entry(outcome.unwrap_or_else(|| "handled".into()))
                    .or_default() += 1;
                Ok(())
            },
        )
        .unwrap();
    let outcomes = outcomes.into_inner().unwrap();
    let (kept, comments, reactions) = runtime.block_on(async {
        let mut kept = 0;
        for n in 0..3 {
            let id = format!("http://127.0.0.2:9/notes/{n}");
            kept += fed.store.remote_publication(&id).await.unwrap().is_some() as usize;
        }
        let comments = fed
            .store
            .comments(local.publication_id, true)
            .await
            .unwrap();
        let reactions = fed
            .store
            .reaction_counts(local.publication_id)
            .await
            .unwrap();
        (kept, comments.len(), reactions)
    });
    println!(
        "{CASES} activities: {outcomes:?}; kept {kept} remote publications, {comments} comments, {reactions:?}"
    );
    // The generator reaches the dispatcher, not only the parser's refusals.
    assert!(
        outcomes
            .get("handled")
            .is_some_and(|n| *n > CASES as usize / 10)
    );
}

#[test]
fn fuzzed_bytes_never_panic_the_inbox_parser() {
    let runtime = current_thread_runtime();
    let dir = tempfile::tempdir().unwrap();
    let (fed, sender, _) = runtime.block_on(node(dir.path()));
    let mut runner = TestRunner::new(Cases {
        cases: CASES,
        failure_persistence: None,
        ..Cases::default()
    });
    let bytes = prop_oneof![
        vec(any::<u8>(), 0..200),
        "[{}\\[\\]\":,a-z0-9 .\\\\\\-]{0,80}".prop_map(String::into_bytes),
    ];
    runner
        .run(&bytes, |bytes| {
            runtime.block_on(deliver(&fed, &sender, &bytes))?;
            Ok(())
        })
        .unwrap();
}
