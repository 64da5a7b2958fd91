//! Publications on the wire. Mastodon shows an `Event` or `Page` as its `name`, its
//! `summary` and a link, so the summary must say on its own what and when and where.

use chrono::SecondsFormat;
use rhizome_node::markdown::{self, escape};
use rhizome_node::publication::Image;
use rhizome_node::publication::call::Call;
use rhizome_node::publication::event::{Event, EventFormat, EventStatus, RegistrationMode};
use rhizome_node::publication::resource::Resource;
use rhizome_node::text::Lang;
use rhizome_node::{Publication, PublicationBody, Territory};
use serde_json::{Value, json};

use super::{hashtags, place_json};
use crate::protocol::outbound::Tombstone;
use crate::protocol::{ObjectType, PUBLIC};
use crate::urls::Urls;

/// Live counts shown with an event (places left).
#[derive(Debug, Clone, Copy, Default)]
pub struct EventCounts {
    pub participants: i64,
}

/// The AS object of a publication, without `@context` (embedded in activities).
pub fn object(urls: &Urls, territory: &Territory, p: &Publication, counts: EventCounts) -> Value {
    let id = urls.publication(p.body.kind(), p.id);
    let actor = urls.territory(&territory.profile.slug);
    let mut object = json!({
        "id": id,
        "url": id,
        "attributedTo": actor,
        "to": [PUBLIC],
        "cc": [urls.followers(&territory.profile.slug)],
        "published": p.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "updated": p.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "name": p.body.title(),
        "summary": summary(&p.body),
        "mediaType": "text/html",
        "inLanguage": p.body.language(),
        "tag": hashtags(urls, p.body.themes(), tags(&p.body)),
        "themes": p.body.themes(),
        "commentsEnabled": true,
    });
    let extra = match &p.body {
        PublicationBody::Event(e) => event_fields(e, counts),
        PublicationBody::Resource(r) => resource_fields(r),
        PublicationBody::Call(c) => call_fields(c),
    };
    if let (Some(o), Value::Object(extra)) = (object.as_object_mut(), extra) {
        o.extend(extra);
    }
    if let Some(image) = p.body.image() {
        // First among the attachments: Mastodon shows it as the post's picture, with
        // `name` as its description.
        let attachment = image_attachment(urls, image);
        match object.get_mut("attachment") {
            Some(Value::Array(list)) => list.insert(0, attachment),
            _ => object["attachment"] = json!([attachment]),
        }
    }
    object
}

/// A publication's picture as an AS `Image` attachment.
pub fn image_attachment(urls: &Urls, image: &Image) -> Value {
    let mut attachment = json!({
        "type": "Image",
        "url": image.absolute_url(&urls.base),
        "name": image.alt,
    });
    if let Some(media_type) = image.media_type() {
        attachment["mediaType"] = json!(media_type);
    }
    attachment
}

fn tags(body: &PublicationBody) -> &[String] {
    match body {
        PublicationBody::Event(e) => &e.tags,
        PublicationBody::Resource(r) => &r.tags,
        PublicationBody::Call(c) => &c.tags,
    }
}

fn event_fields(e: &Event, counts: EventCounts) -> Value {
    let tz = e.tz();
    let mut fields = json!({
        "type": "Event",
        "content": markdown::to_html(&e.description),
        "startTime": e.starts_at.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, true),
        "endTime": e.ends_at.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, true),
        "timezone": e.timezone,
        "isOnline": e.format == EventFormat::Online,
        "format": e.format,
        "joinMode": match e.registration.mode {
            RegistrationMode::None | RegistrationMode::Open => "free",
            RegistrationMode::Approval => "restricted",
            RegistrationMode::External => "external",
        },
        // Terms of the context, which expand to schema.org's IRIs; the plain names are
        // what Mobilizon sends and what JSON readers compare.
        "eventStatus": match e.status {
            EventStatus::Scheduled => "EventScheduled",
            EventStatus::Cancelled => "EventCancelled",
            EventStatus::Postponed => "EventPostponed",
        },
        "ical:status": match e.status {
            EventStatus::Scheduled => "CONFIRMED",
            EventStatus::Cancelled => "CANCELLED",
            EventStatus::Postponed => "TENTATIVE",
        },
        "participantCount": counts.participants,
        "audienceType": e.audience.age_groups.iter().map(|g| serde_json::to_value(g).unwrap_or_default()).chain(e.audience.publics.iter().map(|p| json!(p))).collect::<Vec<_>>(),
    });
    let mut locations = Vec::new();
    if let Some(place) = &e.place {
        locations.push(place_json(place));
    }
    if let Some(url) = &e.online_url {
        locations.push(json!({"type": "VirtualLocation", "url": url}));
    }
    match locations.len() {
        0 => {}
        1 => fields["location"] = locations.remove(0),
        _ => fields["location"] = json!(locations),
    }
    if let Some(capacity) = e.capacity {
        fields["maximumAttendeeCapacity"] = json!(capacity);
        fields["remainingAttendeeCapacity"] =
            json!((i64::from(capacity) - counts.participants).max(0));
    }
    let mut attachments: Vec<Value> = e
        .links
        .iter()
        .map(|l| json!({"type": "Link", "href": l.url, "name": l.title}))
        .collect();
    if let Some(url) = &e.registration.url {
        attachments.push(json!({"type": "Link", "href": url, "name": "Inscription"}));
    }
    if !attachments.is_empty() {
        fields["attachment"] = json!(attachments);
    }
    fields
}

fn resource_fields(r: &Resource) -> Value {
    let mut attachments: Vec<Value> = r
        .links
        .iter()
        .map(|l| json!({"type": "Link", "href": l.url, "name": l.title}))
        .collect();
    attachments.extend(r.attachments.iter().map(
        |a| json!({"type": "Document", "url": a.url, "mediaType": a.media_type, "name": a.name}),
    ));
    json!({
        "type": "Page",
        "content": markdown::to_html(&r.body),
        "learningResourceType": r.resource_type,
        "educationalLevel": r.level,
        "license": r.license,
        "audienceType": r.audience.age_groups.iter().map(|g| serde_json::to_value(g).unwrap_or_default()).chain(r.audience.publics.iter().map(|p| json!(p))).collect::<Vec<_>>(),
        "attachment": attachments,
    })
}

fn call_fields(c: &Call) -> Value {
    let mut fields = json!({
        "type": "Page",
        "content": markdown::to_html(&c.description),
        "callType": c.call_type,
        "callStatus": c.status,
        "objectives": c.objectives,
        "skillsWanted": c.skills_wanted,
    });
    if let Some(end) = c.deadline_end() {
        fields["endTime"] = json!(end.to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    if let Some(place) = &c.scope.place {
        fields["location"] = place_json(place);
    }
    if let Some(radius) = c.scope.radius_km {
        fields["radiusKm"] = json!(radius);
    }
    fields
}

/// One short HTML paragraph that reads well alone in a Mastodon timeline, in the
/// publication's language.
pub fn summary(body: &PublicationBody) -> String {
    let line = Lang::for_content(body.language()).summary(body);
    format!("<p>{}</p>", escape(&line))
}

/// What a deleted publication's URL serves, and what `Delete` carries.
pub fn tombstone(urls: &Urls, p: &Publication) -> Tombstone {
    Tombstone {
        former_type: Some(match p.body {
            PublicationBody::Event(_) => ObjectType::Event,
            _ => ObjectType::Page,
        }),
        deleted: Some(
            p.deleted_at
                .unwrap_or(p.updated_at)
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        ..Tombstone::bare(urls.publication(p.body.kind(), p.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhizome_node::PublicationKind;
    use rhizome_node::territory::TerritoryDraft;

    fn territory() -> Territory {
        let d: TerritoryDraft = serde_json::from_value(
            json!({"slug": "fablab", "name": "Fablab", "kind": "fablab", "languages": ["fr"]}),
        )
        .unwrap();
        Territory::new(d.validate("Europe/Paris").unwrap())
    }

    fn event(extra: Value) -> Publication {
        let t = territory();
        let mut draft = json!({"title": "Repair café <b>", "starts_at": "2026-12-01T18:00", "ends_at": "2026-12-01T21:00",
            "place": {"name": "Fablab <script>alert(1)</script>", "address": "1 rue de la Paix, Poitiers", "latitude": 46.58, "longitude": 0.34},
            "capacity": 12, "tags": ["repair"], "themes": ["climate"]});
        json_patch_merge(&mut draft, extra);
        Publication::new(
            t.id,
            PublicationBody::from_draft(PublicationKind::Event, draft, &t).unwrap(),
        )
    }

    fn json_patch_merge(target: &mut Value, patch: Value) {
        if let (Some(t), Value::Object(p)) = (target.as_object_mut(), patch) {
            t.extend(p);
        }
    }

    #[test]
    fn event_summary_says_when_and_where_in_its_own_zone_safely() {
        let p = event(json!({}));
        let s = summary(&p.body);
        assert_eq!(
            s,
            "<p>mardi 1 décembre 2026, 18:00–21:00 (Europe/Paris) · Fablab &lt;script&gt;alert(1)&lt;/script&gt;, 1 rue de la Paix, Poitiers</p>"
        );
        let p =
            event(json!({"timezone": "America/Montreal", "language": "en", "status": "cancelled"}));
        assert!(
            summary(&p.body).starts_with(
                "<p>CANCELLED · Tuesday 1 December 2026, 18:00–21:00 (America/Montreal)"
            ),
            "{}",
            summary(&p.body)
        );
        let p = event(
            json!({"format": "online", "place": null, "online_url": "https://visio.example/x"}),
        );
        assert!(summary(&p.body).ends_with(" · en ligne</p>"));
    }

    #[test]
    fn event_object_has_fep_8a8e_fields() {
        let t = territory();
        let p = event(json!({}));
        let urls = Urls {
            base: "https://node.example".into(),
        };
        let o = object(&urls, &t, &p, EventCounts { participants: 5 });
        assert_eq!(o["type"], "Event");
        assert_eq!(o["startTime"], "2026-12-01T18:00:00+01:00");
        assert_eq!(o["timezone"], "Europe/Paris");
        assert_eq!(o["location"]["type"], "Place");
        assert_eq!(
            o["location"]["address"]["streetAddress"],
            "1 rue de la Paix, Poitiers"
        );
        assert_eq!(o["location"]["latitude"], 46.58);
        assert_eq!(o["remainingAttendeeCapacity"], 7);
        assert_eq!(o["attributedTo"], "https://node.example/t/fablab");
        assert_eq!(o["tag"][1]["name"], "#repair");
        assert_eq!(o["cc"][0], "https://node.example/t/fablab/followers");
    }

    #[test]
    fn a_picture_is_the_first_attachment_with_its_description() {
        let t = territory();
        let urls = Urls {
            base: "https://node.example".into(),
        };
        let p = event(json!({
            "image": {"url": "/media/0191d5a0-0000-7000-8000-000000000001.jpg", "alt": "Des vélos réparés"},
            "links": [{"url": "https://example.org/programme"}]
        }));
        let o = object(&urls, &t, &p, EventCounts::default());
        assert_eq!(
            o["attachment"][0],
            json!({
                "type": "Image",
                "mediaType": "image/jpeg",
                "url": "https://node.example/media/0191d5a0-0000-7000-8000-000000000001.jpg",
                "name": "Des vélos réparés"
            })
        );
        assert_eq!(o["attachment"][1]["type"], "Link");
        let plain = object(&urls, &t, &event(json!({})), EventCounts::default());
        assert!(plain.get("attachment").is_none());
    }
}
