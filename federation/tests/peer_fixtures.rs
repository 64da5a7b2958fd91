//! What Rhizome reads from real Mastodon, Mobilizon and Gancio documents
//! (`tests/fixtures/`, provenance in its README): each activity goes through the inbound
//! types ([`Inbound::parse`]) and each actor and event through the converters that read
//! them, and the values Rhizome keeps are checked one by one.

use rhizome_federation::astointernal::publication as read_publication;
use rhizome_federation::fetch::remote_actor_from_json;
use rhizome_federation::keys::parse_public;
use rhizome_federation::protocol::{Activity, ActivityType, Inbound, RemoteActorJson, id_of};
use rhizome_node::PublicationKind;
use rhizome_node::publication::event::EventStatus;
use serde_json::Value;

fn fixture(path: &str) -> Value {
    let file = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Parses an activity fixture as the inbox does and reads what it means, as from its
/// `actor`. Also checks the verb serialises back to the name it was read from.
fn inbound(path: &str) -> (Activity, Inbound) {
    let doc = fixture(path);
    let activity: Activity = serde_json::from_value(doc.clone()).unwrap();
    if let ActivityType::Verb(verb) = &activity.kind {
        assert_eq!(serde_json::to_value(verb).unwrap(), doc["type"], "{path}");
    }
    let meaning = Inbound::parse(&activity, activity.actor.as_str()).unwrap();
    (activity, meaning)
}

#[test]
fn mastodon_activities_read_as_what_rhizome_does_with_them() {
    let (activity, Inbound::Follow(follow)) = inbound("mastodon/follow.json") else {
        panic!("Follow");
    };
    assert_eq!(follow.id, activity.id);
    assert_eq!(follow.target, "https://node.example/t/fablab");
    assert!(follow.scope.is_none());

    let (_, Inbound::UndoFollow(undo)) = inbound("mastodon/undo_follow.json") else {
        panic!("Undo{{Follow}}");
    };
    assert_eq!(undo.target, "https://node.example/t/fablab");

    let (_, Inbound::CreateNote(note)) = inbound("mastodon/create_note.json") else {
        panic!("Create{{Note}}");
    };
    assert!(note.is_public());
    assert_eq!(
        id_of(&note.in_reply_to),
        Some("https://node.example/events/EVENT_ID")
    );
    assert!(note.html().unwrap().contains("Merci"));

    let (_, Inbound::CreateNote(reply)) = inbound("mastodon/note_reply.json") else {
        panic!("Create{{Note}} with media");
    };
    assert_eq!(
        reply.id.as_str(),
        "https://mastodon.example/users/kde/statuses/113306831140126616"
    );
    assert!(reply.is_public());
    assert!(reply.html().unwrap().contains("hashtag"));
    assert!(reply.published.is_some());

    for (path, object) in [
        ("mastodon/like.json", "https://node.example/events/EVENT_ID"),
        (
            "mastodon/announce.json",
            "https://node.example/events/EVENT_ID",
        ),
    ] {
        match inbound(path) {
            (activity, Inbound::Like(r) | Inbound::Announce(r)) => {
                assert_eq!(r.id, activity.id, "{path}");
                assert_eq!(r.object.as_deref(), Some(object), "{path}");
            }
            (_, other) => panic!("{path}: {other:?}"),
        }
    }
    assert!(matches!(inbound("mastodon/like.json").1, Inbound::Like(_)));
    assert!(matches!(
        inbound("mastodon/announce.json").1,
        Inbound::Announce(_)
    ));

    assert!(matches!(
        inbound("mastodon/delete_actor.json").1,
        Inbound::DeleteActor
    ));
    let (_, Inbound::Delete(delete)) = inbound("mastodon/delete_note.json") else {
        panic!("Delete{{Tombstone}}");
    };
    assert_eq!(
        delete.object,
        "https://mastodon.example/users/alice/statuses/113551234567890123"
    );

    let (activity, Inbound::Flag(flag)) = inbound("mastodon/flag.json") else {
        panic!("Flag");
    };
    assert_eq!(flag.id, activity.id);
    assert_eq!(
        flag.objects,
        [
            "https://node.example/t/fablab",
            "https://node.example/events/EVENT_ID",
            "https://elsewhere.example/notes/1"
        ]
    );
    assert!(!flag.content.unwrap_or_default().is_empty());

    let (_, Inbound::Join(join)) = inbound("mastodon/join.json") else {
        panic!("Join");
    };
    assert_eq!(
        join.event.as_deref(),
        Some("https://node.example/events/EVENT_ID")
    );

    // Account migration (FEP-7628): who moved, and where to.
    let (activity, Inbound::Move(moved)) = inbound("mastodon/move.json") else {
        panic!("Move");
    };
    assert_eq!(moved.id, activity.id);
    assert_eq!(moved.origin, "https://mastodon.example/users/alice");
    assert_eq!(
        moved.target,
        "https://newhome.example/users/109835986274379"
    );
}

#[test]
fn mastodon_profile_update_carries_the_new_actor() {
    let mut doc = fixture("mastodon/update_person.json");
    doc["object"] = fixture("mastodon/actor.json");
    let activity: Activity = serde_json::from_value(doc).unwrap();
    let Inbound::UpdateActor(object) = Inbound::parse(&activity, activity.actor.as_str()).unwrap()
    else {
        panic!("Update{{Person}}");
    };
    let actor = remote_actor_from_json(object).unwrap();
    assert_eq!(actor.id, "https://mastodon.example/users/alice");
    assert_eq!(actor.username.as_deref(), Some("alice"));
}

#[test]
fn a_malformed_known_activity_names_what_is_missing() {
    let mut doc = fixture("mastodon/follow.json");
    doc.as_object_mut().unwrap().remove("object");
    let activity: Activity = serde_json::from_value(doc).unwrap();
    let error = Inbound::parse(&activity, activity.actor.as_str()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "malformed activity: Follow without object"
    );

    // An Undo of someone else's Follow.
    let doc = fixture("mastodon/undo_follow.json");
    let activity: Activity = serde_json::from_value(doc).unwrap();
    let error = Inbound::parse(&activity, "https://mastodon.example/users/bob").unwrap_err();
    assert!(error.to_string().contains("not the sender's"), "{error}");
}

#[test]
fn actors_of_every_peer_read_with_their_keys() {
    for (path, id, username, shared_inbox) in [
        (
            "mastodon/actor.json",
            "https://mastodon.example/users/alice",
            "alice",
            Some("https://mastodon.example/inbox"),
        ),
        (
            "mastodon/person.json",
            "https://mastodon.example/users/Gargron",
            "Gargron",
            Some("https://mastodon.example/inbox"),
        ),
        (
            "mobilizon/group.json",
            "https://mobilizon.example/@framasoft",
            "framasoft",
            Some("https://mobilizon.example/inbox"),
        ),
        (
            "gancio/instance_actor.json",
            "https://gancio.example/federation/u/relay",
            "relay",
            Some("https://gancio.example/federation/u/relay/inbox"),
        ),
    ] {
        let doc = fixture(path);
        let parsed: RemoteActorJson = serde_json::from_value(doc.clone()).unwrap();
        assert_eq!(serde_json::to_value(&parsed.kind).unwrap(), doc["type"]);
        let actor = remote_actor_from_json(doc).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(actor.id, id, "{path}");
        assert_eq!(actor.username.as_deref(), Some(username), "{path}");
        assert_eq!(actor.shared_inbox.as_deref(), shared_inbox, "{path}");
        assert!(
            parse_public(&actor.public_key_pem).is_some(),
            "{path}: key does not parse"
        );
    }
    // Mobilizon writes its keys as PKCS#1.
    let group = fixture("mobilizon/group.json");
    assert!(
        group["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .contains("BEGIN RSA PUBLIC KEY")
    );
}

#[test]
fn mobilizon_activities_read_as_what_rhizome_does_with_them() {
    let (activity, Inbound::Join(join)) = inbound("mobilizon/join.json") else {
        panic!("Join");
    };
    assert_eq!(join.id, activity.id);
    assert_eq!(
        join.event.as_deref(),
        Some("https://node.example/events/EVENT_ID")
    );
    // An Accept of a Join: Rhizome sends no Join, so there is nothing to do.
    let (_, Inbound::Other { kind }) = inbound("mobilizon/accept_join.json") else {
        panic!("Accept{{Join}}");
    };
    assert_eq!(kind, "Accept");
    let (_, Inbound::Announce(announce)) = inbound("mobilizon/announce_from_group.json") else {
        panic!("Announce");
    };
    assert_eq!(
        announce.object.as_deref(),
        Some("https://mobilizon.example/events/252d5816-00a3-4a89-a66f-15bf65c33e39")
    );
    let (_, Inbound::CreateOrUpdatePublication(event)) = inbound("mobilizon/create_event.json")
    else {
        panic!("Create{{Event}}");
    };
    assert_eq!(event["name"], "Mobilizon Launching Party");
}

#[test]
fn gancio_activities_read_as_publications() {
    for path in ["gancio/create_event.json", "gancio/create_event_2021.json"] {
        let (_, meaning) = inbound(path);
        let Inbound::CreateOrUpdatePublication(object) = meaning else {
            panic!("{path}: {meaning:?}");
        };
        let author = id_of(&object["attributedTo"]).unwrap().to_owned();
        let parsed = read_publication(&object, &author).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(parsed.publication.kind, PublicationKind::Event, "{path}");
        assert!(parsed.publication.starts_at.is_some(), "{path}");
    }
}

fn at(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    Some(text.parse().unwrap())
}

#[test]
fn a_mobilizon_event_reads_status_zone_place_and_capacity() {
    let object = fixture("mobilizon/event.json");
    // A group's event: the group is its author (its member sends the Create).
    let parsed = read_publication(&object, "https://mobilizon.example/@framasoft").unwrap();
    let p = &parsed.publication;
    assert_eq!(p.kind, PublicationKind::Event);
    assert_eq!(p.title, "Mobilizon Launching Party");
    assert_eq!(p.starts_at, at("2019-12-18T13:00:00Z"));
    assert_eq!(p.ends_at, at("2019-12-18T14:00:00Z"));
    assert_eq!(p.published, at("2019-12-17T11:33:56Z").unwrap());
    assert_eq!(p.updated, at("2019-12-17T12:25:01Z").unwrap());
    assert_eq!(p.facts.status, Some(EventStatus::Scheduled));
    assert_eq!(p.facts.timezone.as_deref(), Some("Europe/Paris"));
    assert_eq!(p.facts.language.as_deref(), Some("en"));
    assert_eq!(
        p.facts.place.as_deref(),
        Some("Cour du Château des Ducs de Bretagne, 4 Place Marc Elder 44000 Nantes")
    );
    let (lat, lon) = parsed.position.unwrap();
    assert!(
        (lat - 47.2).abs() < 0.1 && (lon + 1.5).abs() < 0.1,
        "{lat},{lon}"
    );
    assert_eq!(object["joinMode"], "free");
    assert_eq!(object["maximumAttendeeCapacity"], 200);
}

#[test]
fn a_mobilizon_online_event_is_postponed_and_has_no_place() {
    let object = fixture("mobilizon/event_online.json");
    let parsed = read_publication(&object, "https://mobilizon.example/@tcit").unwrap();
    let p = &parsed.publication;
    assert_eq!(
        p.title,
        "Atelier en ligne : publier ses événements sur le Fédivers"
    );
    assert_eq!(p.starts_at, at("2024-03-14T17:30:00Z"));
    assert_eq!(p.ends_at, at("2024-03-14T19:00:00Z"));
    // ical:status TENTATIVE
    assert_eq!(p.facts.status, Some(EventStatus::Postponed));
    assert_eq!(p.facts.timezone.as_deref(), Some("Europe/Paris"));
    assert_eq!(p.facts.place, None);
    assert_eq!(parsed.position, None);
    // The online address is an attachment Link named "Website"; Rhizome keeps the object
    // as sent but does not read it into the index yet.
    let website = object["attachment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == "Link" && a["name"] == "Website")
        .unwrap();
    assert_eq!(website["href"], "https://meet.example/AtelierFedivers");
    assert_eq!(p.object["joinMode"], "restricted");
}

#[test]
fn a_legacy_mobilizon_event_still_reads() {
    let object = fixture("mobilizon/event_legacy_2019.json");
    let author = id_of(&object["attributedTo"]).unwrap().to_owned();
    let parsed = read_publication(&object, &author).unwrap();
    assert_eq!(parsed.publication.kind, PublicationKind::Event);
    assert_eq!(parsed.publication.title, "Mobilizon Launching Party");
    assert!(parsed.publication.starts_at.is_some());
}

#[test]
fn a_gancio_event_reads_its_place_out_of_a_location_array() {
    let object = fixture("gancio/event.json");
    let parsed = read_publication(&object, "https://gancio.example/federation/u/relay").unwrap();
    let p = &parsed.publication;
    assert_eq!(p.title, "Cena benefit e concerto");
    // Milliseconds and an offset, as Gancio writes them.
    assert_eq!(p.starts_at, at("2025-01-25T19:00:00Z"));
    assert_eq!(p.ends_at, at("2025-01-25T22:30:00Z"));
    // `location` is [VirtualLocation, Place]: the place is the first with a name.
    assert_eq!(
        p.facts.place.as_deref(),
        Some("Circolo Arci, Via Roma 1, Torino")
    );
    assert_eq!(parsed.position, Some((45.0705, 7.6868)));
    // Gancio names no zone and no status.
    assert_eq!(p.facts.timezone, None);
    assert_eq!(p.facts.status, None);
}

#[test]
fn a_remote_event_outside_the_years_window_is_refused_with_the_reason() {
    for (field, date) in [
        ("startTime", "2201-01-01T10:00:00+01:00"),
        ("startTime", "1899-12-31T10:00:00Z"),
        ("endTime", "2201-01-01T10:00:00Z"),
    ] {
        let mut object = fixture("gancio/event.json");
        object[field] = date.into();
        let error =
            read_publication(&object, "https://gancio.example/federation/u/relay").unwrap_err();
        assert_eq!(
            error,
            format!("{field}: must be between the years 1900 and 2200"),
            "{date}"
        );
    }
}

#[test]
fn activities_about_unknown_object_types_are_ignored() {
    for (path, kind) in [
        ("mastodon/undo_follow.json", "Undo"),
        ("mobilizon/accept_join.json", "Accept"),
        ("mastodon/create_note.json", "Create"),
    ] {
        let mut doc = fixture(path);
        doc["object"]["type"] = "EmojiReact".into();
        let activity: Activity = serde_json::from_value(doc).unwrap();
        match Inbound::parse(&activity, activity.actor.as_str()).unwrap() {
            Inbound::Other { kind: ignored } => assert_eq!(ignored, kind, "{path}"),
            other => panic!("{path}: {other:?}"),
        }
    }
}

#[test]
fn a_mobilizon_groups_event_is_sent_by_a_member_and_attributed_to_the_group() {
    let group = "https://mobilizon.example/@framasoft";
    let member = "https://mobilizon.example/@tcit";
    let member_doc = fixture("mobilizon/person.json");
    let actor = remote_actor_from_json(member_doc).unwrap();
    assert_eq!(actor.id, member);
    assert_eq!(actor.username.as_deref(), Some("tcit"));
    assert!(parse_public(&actor.public_key_pem).is_some());

    let (create, Inbound::CreateOrUpdatePublication(event)) =
        inbound("mobilizon/group_create_event.json")
    else {
        panic!("Create{{Event}}");
    };
    assert_eq!(create.actor.as_str(), member);
    assert_eq!(event["attributedTo"], group);
    // Read as the group's; as the member's own it is someone else's.
    let parsed = read_publication(&event, group).unwrap();
    assert_eq!(parsed.publication.title, "Atelier de réparation de vélos");
    assert_eq!(parsed.publication.actor_id, group);
    assert_eq!(parsed.publication.starts_at, at("2031-05-17T12:00:00Z"));
    assert_eq!(
        read_publication(&event, member).unwrap_err(),
        "the object is attributed to someone else"
    );

    // The Update reuses the Create's id; only the object's `updated` tells them apart.
    let (update, Inbound::CreateOrUpdatePublication(edited)) =
        inbound("mobilizon/group_update_event.json")
    else {
        panic!("Update{{Event}}");
    };
    assert_eq!(update.id, create.id);
    assert_eq!(
        create.id.as_str(),
        format!("{}/activity", event["id"].as_str().unwrap())
    );
    let edited = read_publication(&edited, group).unwrap().publication;
    assert!(edited.updated > parsed.publication.updated);
    assert_eq!(
        edited.title,
        "Atelier de réparation de vélos et de trottinettes"
    );

    // The group's Announce embeds the event it passes on.
    let (announce, Inbound::Announce(reaction)) = inbound("mobilizon/group_announce_create.json")
    else {
        panic!("Announce");
    };
    assert_eq!(announce.actor.as_str(), group);
    assert_eq!(reaction.object.as_deref(), event["id"].as_str());
    assert_eq!(reaction.embedded.unwrap()["attributedTo"], group);

    // The member deletes it with a Tombstone.
    let (delete, Inbound::Delete(deleted)) = inbound("mobilizon/member_delete_event.json") else {
        panic!("Delete{{Tombstone}}");
    };
    assert_eq!(delete.actor.as_str(), member);
    assert_eq!(Some(deleted.object.as_str()), event["id"].as_str());

    // The group accepts a follow.
    let (_, Inbound::Accept(accept)) = inbound("mobilizon/accept_follow.json") else {
        panic!("Accept{{Follow}}");
    };
    assert_eq!(accept.follow, "https://node.example/activities/FOLLOW_ID");
}

#[test]
fn gancio_updates_and_deletes_read_as_what_rhizome_does_with_them() {
    let relay = "https://gancio.example/federation/u/relay";
    let (update, Inbound::CreateOrUpdatePublication(object)) = inbound("gancio/update_event.json")
    else {
        panic!("Update{{Event}}");
    };
    assert!(update.id.as_str().contains("#Update-"));
    let parsed = read_publication(&object, relay).unwrap().publication;
    assert_eq!(parsed.starts_at, at("2025-02-04T17:30:00Z"));
    assert_eq!(parsed.updated, at("2025-01-13T09:20:00Z").unwrap());
    // Gancio deletes with the whole Event embedded.
    let (_, Inbound::Delete(delete)) = inbound("gancio/delete_event.json") else {
        panic!("Delete{{Event}}");
    };
    assert_eq!(delete.object, "https://gancio.example/federation/m/43");
    let (_, Inbound::Accept(accept)) = inbound("gancio/accept_follow.json") else {
        panic!("Accept{{Follow}}");
    };
    assert_eq!(accept.follow, "https://node.example/activities/FOLLOW_ID");
}
