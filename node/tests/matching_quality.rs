//! Matching quality on the labelled set's held-out part (every third need by id, never
//! tuned on): the issue's targets, and no suggestion outside a local need's radius.

use rhizome_node::matching::quality::{LabelledSet, Split, evaluate, word_overlap};
use rhizome_node::matching::{Candidate, Matcher};

const SET: &str = include_str!("data/matching/set.json");

fn ours(set: &LabelledSet) -> impl FnMut(&Candidate, &[Candidate]) -> Vec<String> + '_ {
    let matcher = Matcher::builtin();
    move |need, all| {
        matcher
            .suggest(need, all, set.reference_date)
            .into_iter()
            .map(|s| s.id)
            .collect()
    }
}

#[test]
fn the_set_is_large_enough_and_bilingual() {
    let set = LabelledSet::parse(SET).unwrap();
    assert!(set.items.len() >= 200);
    for lang in ["fr", "en"] {
        assert!(set.items.iter().filter(|i| i.language == lang).count() >= 50);
    }
    let held_out = set.needs(Split::HeldOut).len();
    assert_eq!(held_out, set.needs(Split::All).len() / 3);
}

#[test]
fn held_out_part_meets_the_targets() {
    let set = LabelledSet::parse(SET).unwrap();
    let f = evaluate(&set, Split::HeldOut, ours(&set));
    assert!(f.precision_at_5 >= 0.9, "precision at 5: {f:?}");
    assert!(f.ndcg_at_5 >= 0.85, "nDCG at 5: {f:?}");
    assert!(
        f.cross_language_strong_share() >= 0.9,
        "cross-language: {f:?}"
    );
    assert!(f.trap_share <= 0.1, "traps: {f:?}");
    assert_eq!(f.radius_violations, 0, "{f:?}");
}

#[test]
fn never_outside_a_local_needs_radius() {
    let set = LabelledSet::parse(SET).unwrap();
    let f = evaluate(&set, Split::All, ours(&set));
    assert_eq!(f.radius_violations, 0, "{f:?}");
    // The measure sees violations: the plain ranker, which ignores radii, has some.
    let plain = evaluate(&set, Split::All, |n, all| {
        word_overlap(n, all, set.reference_date, false)
    });
    assert!(plain.radius_violations > 0);
}

#[test]
fn better_than_word_overlap() {
    let set = LabelledSet::parse(SET).unwrap();
    let f = evaluate(&set, Split::HeldOut, ours(&set));
    let plain = evaluate(&set, Split::HeldOut, |n, all| {
        word_overlap(n, all, set.reference_date, false)
    });
    assert!(f.ndcg_at_5 > plain.ndcg_at_5 + 0.1, "{f:?} vs {plain:?}");
    assert!(
        f.cross_language_share() > plain.cross_language_share(),
        "{f:?} vs {plain:?}"
    );
    let reach = evaluate(&set, Split::HeldOut, |n, all| {
        word_overlap(n, all, set.reference_date, true)
    });
    assert!(f.ndcg_at_5 > reach.ndcg_at_5, "{f:?} vs {reach:?}");
}

#[test]
fn bad_labels_are_named() {
    let e = LabelledSet::parse(r#"{"reference_date": "2026-12-01", "items": [{"id": 3}]}"#)
        .unwrap_err();
    assert!(e.contains("items[0]"), "{e}");
    let item = r#"{"id":"n","kind":"need","language":"fr","title":"t","text":"","skills":[],
        "themes":[],"town":null,"position":null,"radius_km":null,"deadline":null,"status":"open",
        "strong":["nowhere"]}"#;
    let e = LabelledSet::parse(&format!(
        r#"{{"reference_date":"2026-12-01","items":[{item}]}}"#
    ))
    .unwrap_err();
    assert!(e.contains("nowhere"), "{e}");
}
