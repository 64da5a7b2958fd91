//! Bounded fuzzing of publication drafts, run with the other tests: arbitrary JSON drafts
//! of events, resources and calls (right and wrong types, control characters, huge
//! numbers, unknown fields) never panic the parser or its validation, every refusal names
//! a JSON path of the draft, and every accepted draft is stored in SQLite and reads back
//! equal.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config as Cases, TestCaseError, TestRunner};
use rhizome_node::store::SqliteStore;
use rhizome_node::store::prelude::*;
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::{Publication, PublicationBody, PublicationKind, Territory};
use serde_json::{Map, Value, json};

/// Cases per kind: enough to reach every field's rules, a few seconds in a debug build.
const CASES: u32 = 1000;

const EVENT_FIELDS: &[&str] = &[
    "title",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "format",
    "place",
    "online_url",
    "audience",
    "free",
    "price",
    "capacity",
    "registration",
    "status",
    "links",
    "language",
    "themes",
    "tags",
    "organisers",
    "partners",
    "image",
];
const RESOURCE_FIELDS: &[&str] = &[
    "title",
    "summary",
    "body",
    "type",
    "links",
    "attachments",
    "license",
    "audience",
    "level",
    "language",
    "themes",
    "tags",
    "related_event",
    "image",
];
const CALL_FIELDS: &[&str] = &[
    "type",
    "title",
    "description",
    "objectives",
    "skills_wanted",
    "deadline",
    "scope",
    "status",
    "outcome",
    "language",
    "themes",
    "tags",
    "image",
];

/// Words the drafts' fields accept, and near misses.
const WORDS: &[&str] = &[
    "on_site",
    "online",
    "hybrid",
    "none",
    "open",
    "approval",
    "external",
    "scheduled",
    "cancelled",
    "postponed",
    "guide",
    "recording",
    "toolkit",
    "other",
    "need",
    "offer",
    "partners",
    "project",
    "in_progress",
    "closed",
    "beginner",
    "adults",
    "0-6",
    "12-17",
    "climate",
    "science_digital",
    "fr",
    "en",
    "pt-BR",
    "FR",
    "Europe/Paris",
    "America/Montreal",
    "Mars/Olympus",
    "UTC",
    "",
    " ",
    "Repair café",
];
const TIMES: &[&str] = &[
    "2031-01-01T10:00",
    "2031-01-01T12:00",
    "2031-01-01T10:00:00+02:00",
    "2031-01-01T12:00:00Z",
    "2031-03-30T02:30",
    "2031-02-30T10:00",
    "2031-01-01",
    "1900-01-01T00:00",
    "+275760-09-13T00:00",
    "tomorrow",
];
const URLS: &[&str] = &[
    "https://example.org/a",
    "http://example.org/b?c=d#e",
    "/media/0190b1b2-7c4f-7d2a-9e1a-1b2c3d4e5f60.jpg",
    "javascript:alert(1)",
    "mailto:a@example.org",
    "http://",
    "not a url",
];

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u32..100).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        select(vec![
            1e308,
            -1e308,
            5e-324,
            4_294_967_296.0,
            1.8446744073709552e19,
            46.58,
            -0.34,
            91.0,
            -181.0
        ])
        .prop_map(Value::from),
    ]
    .boxed()
}

/// Text with control characters, markup, bidi overrides and astral characters mixed in.
fn text() -> impl Strategy<Value = String> {
    "[\\x00-\\x1f\\x7fa-zA-Z0-9 éü<>&\"'/:.#*_\\-\u{202e}\u{200b}\u{feff}\u{1F600}]{0,30}"
}

fn scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        text().prop_map(Value::from),
        select(WORDS).prop_map(Value::from),
        select(TIMES).prop_map(Value::from),
        select(URLS).prop_map(Value::from),
    ]
    .boxed()
}

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        select(EVENT_FIELDS).prop_map(str::to_owned),
        select(vec![
            "name",
            "address",
            "latitude",
            "longitude",
            "url",
            "alt",
            "mode",
            "age_groups",
            "publics",
            "place",
            "radius_km",
            "media_type",
            "title"
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
    .boxed()
}

/// Any JSON value, a few levels deep.
fn any_json() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..4).prop_map(Value::Array),
                btree_map(key(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

fn words(pool: &'static [&'static str]) -> BoxedStrategy<Value> {
    vec(select(pool), 0..4).prop_map(|w| json!(w)).boxed()
}

fn place() -> BoxedStrategy<Value> {
    (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(number()),
        prop::option::of(number()),
    )
        .prop_map(|(name, address, latitude, longitude)| {
            let mut place = Map::new();
            for (key, value) in [
                ("name", name.map(Value::from)),
                ("address", address.map(Value::from)),
                ("latitude", latitude),
                ("longitude", longitude),
            ] {
                if let Some(value) = value {
                    place.insert(key.into(), value);
                }
            }
            Value::Object(place)
        })
        .boxed()
}

/// A value of the shape `field` expects, more often than not a valid one.
fn shaped(field: &str) -> BoxedStrategy<Value> {
    match field {
        "title" => prop_oneof![
            4 => select(vec!["Repair café", "Atelier vélo", "  Fresque du climat  "]).prop_map(Value::from),
            1 => text().prop_map(Value::from),
        ]
        .boxed(),
        "starts_at" | "ends_at" => select(TIMES).prop_map(Value::from).boxed(),
        "deadline" => select(vec!["2031-06-01", "2031-02-30", "2031-06-01T10:00", "1999-12-31"])
            .prop_map(Value::from)
            .boxed(),
        "place" => place(),
        "scope" => (prop::option::of(place()), prop::option::of(number()))
            .prop_map(|(place, radius)| {
                let mut scope = Map::new();
                if let Some(place) = place {
                    scope.insert("place".into(), place);
                }
                if let Some(radius) = radius {
                    scope.insert("radius_km".into(), radius);
                }
                Value::Object(scope)
            })
            .boxed(),
        "online_url" | "license" => select(URLS).prop_map(Value::from).boxed(),
        "links" | "attachments" => vec(
            (select(URLS), prop::option::of(text())).prop_map(|(url, title)| match title {
                Some(title) => json!({"url": url, "title": title}),
                None => json!({"url": url}),
            }),
            0..3,
        )
        .prop_map(Value::Array)
        .boxed(),
        "image" => (select(URLS), text())
            .prop_map(|(url, alt)| json!({"url": url, "alt": alt}))
            .boxed(),
        "audience" => (words(&["adults", "0-6", "12-17", "seniors", "babies"]), vec(text(), 0..3))
            .prop_map(|(ages, publics)| json!({"age_groups": ages, "publics": publics}))
            .boxed(),
        "registration" => (select(WORDS), prop::option::of(select(URLS)))
            .prop_map(|(mode, url)| match url {
                Some(url) => json!({"mode": mode, "url": url}),
                None => json!({"mode": mode}),
            })
            .boxed(),
        "themes" => words(&["climate", "science_digital", "arts", "nonsense"]),
        "tags" | "organisers" | "partners" | "objectives" | "skills_wanted" => {
            vec(text(), 0..4).prop_map(|t| json!(t)).boxed()
        }
        "free" => any::<bool>().prop_map(Value::from).boxed(),
        "capacity" | "related_event" => number(),
        _ => prop_oneof![select(WORDS).prop_map(Value::from), text().prop_map(Value::from)].boxed(),
    }
}

/// A draft of `fields`: a valid `base` with fields changed (to a value of their shape or
/// of any other) or removed; or each field present or not, plus now and then an unknown
/// field; and sometimes not an object at all.
fn draft(base: Value, fields: &'static [&'static str]) -> BoxedStrategy<Value> {
    let field_value = move |field: &'static str| {
        prop_oneof![4 => shaped(field), 1 => any_json()].prop_map(move |v| (field.to_owned(), v))
    };
    let changed = (
        vec(select(fields).prop_flat_map(field_value), 0..4),
        vec(select(fields), 0..2),
    )
        .prop_map(move |(changes, removals)| {
            let mut draft = base.as_object().cloned().unwrap_or_default();
            for field in removals {
                draft.remove(field);
            }
            draft.extend(changes);
            Value::Object(draft)
        });
    let entries: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|&field| prop::option::weighted(0.6, field_value(field)).boxed())
        .collect();
    let sparse = (
        entries,
        prop::option::weighted(0.2, ("[a-z]{1,6}", any_json())),
    )
        .prop_map(|(entries, unknown)| {
            let mut draft: Map<String, Value> = entries.into_iter().flatten().collect();
            if let Some((key, value)) = unknown {
                draft.entry(key).or_insert(value);
            }
            Value::Object(draft)
        });
    prop_oneof![12 => changed, 6 => sparse, 1 => any_json()].boxed()
}

/// The path's segments: `links[0].url` is `links`, `0`, `url`.
fn segments(path: &str) -> Vec<String> {
    path.split('.')
        .flat_map(|part| {
            let mut out = Vec::new();
            let mut rest = part;
            if let Some(open) = rest.find('[') {
                out.push(rest[..open].to_owned());
                rest = &rest[open..];
                while let Some(close) = rest.find(']') {
                    out.push(rest[1..close].to_owned());
                    rest = &rest[close + 1..];
                }
            } else {
                out.push(rest.to_owned());
            }
            out.into_iter().filter(|s| !s.is_empty())
        })
        .collect()
}

/// Whether `path` points into `draft`: every segment is there, except perhaps the last
/// one (a missing field), and the first is a field of the kind or of the
/// draft. An empty path is only right for a draft that is not an object at all.
fn names_a_path(draft: &Value, path: &str, fields: &[&str]) -> bool {
    let segments = segments(path);
    let Some(first) = segments.first() else {
        return !draft.is_object();
    };
    if draft.is_object() && !fields.contains(&first.as_str()) && draft.get(first).is_none() {
        return false;
    }
    let mut at = draft;
    for (i, segment) in segments.iter().enumerate() {
        let next = match at {
            Value::Object(o) => o.get(segment),
            Value::Array(a) => segment.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(next) => at = next,
            // serde also reads a struct from an array of its fields in order, so a
            // missing field may sit under an array too.
            None => return i == segments.len() - 1 && (at.is_object() || at.is_array()),
        }
    }
    true
}

fn check_kind(kind: PublicationKind, base: Value, fields: &'static [&'static str]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, territory) = runtime.block_on(async {
        let store = SqliteStore::open(&dir.path().join("fuzz.db"))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let draft: TerritoryDraft = serde_json::from_value(
            json!({"slug": "lab", "name": "Lab", "kind": "fablab", "languages": ["fr"]}),
        )
        .unwrap();
        let territory = Territory::new(draft.validate("Europe/Paris").unwrap());
        store.insert_territory(&territory).await.unwrap();
        (store, territory)
    });
    assert!(
        PublicationBody::from_draft(kind, base.clone(), &territory).is_ok(),
        "the base {kind:?} draft is valid"
    );
    let accepted = AtomicUsize::new(0);
    let refused_at: std::sync::Mutex<BTreeSet<String>> = Default::default();
    let mut runner = TestRunner::new(Cases {
        cases: CASES,
        failure_persistence: None,
        ..Cases::default()
    });
    runner
        .run(&draft(base.clone(), fields), |draft| {
            match PublicationBody::from_draft(kind, draft.clone(), &territory) {
                Err(e) => {
                    prop_assert!(
                        names_a_path(&draft, &e.field, fields),
                        "error {e:?} names no path of the draft {draft}"
                    );
                    let field = segments(&e.field).into_iter().next().unwrap_or_default();
                    refused_at.lock().unwrap().insert(field);
                }
                Ok(body) => {
                    accepted.fetch_add(1, Ordering::Relaxed);
                    let publication = Publication::new(territory.id, body);
                    let read = runtime.block_on(async {
                        store.insert_publication(&publication, None).await?;
                        store.publication(publication.id).await
                    });
                    let read = read.map_err(|e| {
                        TestCaseError::fail(format!("accepted draft {draft} not stored: {e}"))
                    })?;
                    prop_assert_eq!(read.as_ref(), Some(&publication), "draft {}", draft);
                }
            }
            Ok(())
        })
        .unwrap();
    let accepted = accepted.into_inner();
    let refused_at = refused_at.into_inner().unwrap();
    println!("{kind:?}: {accepted} of {CASES} drafts accepted; refusals named {refused_at:?}");
    // The generator reaches both sides: valid drafts and each kind's rules.
    assert!(accepted > 0, "no {kind:?} draft was ever accepted");
    assert!(
        refused_at.len() > 3,
        "{kind:?} refusals too few kinds: {refused_at:?}"
    );
}

#[test]
fn fuzzed_event_drafts_never_panic_and_round_trip() {
    let base = json!({"title": "Repair café", "starts_at": "2031-01-01T10:00", "ends_at": "2031-01-01T12:00", "place": {"name": "Lab"}});
    check_kind(PublicationKind::Event, base, EVENT_FIELDS);
}

#[test]
fn fuzzed_resource_drafts_never_panic_and_round_trip() {
    let base = json!({"title": "Guide du compost", "type": "guide"});
    check_kind(PublicationKind::Resource, base, RESOURCE_FIELDS);
}

#[test]
fn fuzzed_call_drafts_never_panic_and_round_trip() {
    let base = json!({"type": "need", "title": "Bénévoles pour le repair café"});
    check_kind(PublicationKind::Call, base, CALL_FIELDS);
}
