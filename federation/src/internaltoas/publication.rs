//! Publications on the wire. Mastodon shows an `Event` or `Page` as its `name`, its
//! `summary` and a link, so the summary must say on its own what and when and where.

use chrono::SecondsFormat;
use rhizome_node::markdown::{self, escape};
use rhizome_node::publication::audience::Audience;
use rhizome_node::publication::call::{Call, CallStatus, CallType};
use rhizome_node::publication::event::{Event, EventFormat, EventStatus, RegistrationMode};
use rhizome_node::publication::resource::{Level, Resource, ResourceType};
use rhizome_node::publication::{Image, Link};
use rhizome_node::text::Lang;
use rhizome_node::theme::Theme;
use rhizome_node::{Publication, PublicationBody, PublicationKind, Territory};
use serde::Serialize;
use serde_json::{Value, json};

use super::{as_json, hashtags, place_json};
use crate::protocol::outbound::Tombstone;
use crate::protocol::{ObjectType, PUBLIC};
use crate::urls::Urls;

/// What an event's object says that its body alone does not: live counts (places
/// left) and its partner territories' actor ids, read from storage.
#[derive(Debug, Clone, Default)]
pub struct EventContext {
    pub participants: i64,
    pub partners: Vec<String>,
}

/// A publication as an AS object: the fields every kind has, then its kind's own
/// ([`KindFields`]), then its attachments.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicationObject<'a> {
    pub id: String,
    pub url: String,
    pub attributed_to: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub published: String,
    pub updated: String,
    pub name: &'a str,
    pub summary: String,
    pub media_type: &'static str,
    pub in_language: &'a str,
    pub tag: Vec<Value>,
    pub themes: &'a [Theme],
    pub comments_enabled: bool,
    #[serde(flatten)]
    pub fields: KindFields<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Vec<Value>>,
    /// The recurring series an event occurrence belongs to, by its URL (Rhizome; other
    /// servers ignore the term and see an ordinary event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
}

/// What each kind adds: an `Event`, or a `Page` for a resource or a call.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum KindFields<'a> {
    Event(EventFields<'a>),
    Resource(ResourceFields<'a>),
    Call(CallFields<'a>),
}

/// An event as FEP-8a8e and Mobilizon write it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventFields<'a> {
    #[serde(rename = "type")]
    pub kind: ObjectType,
    pub content: String,
    pub start_time: String,
    pub end_time: String,
    pub timezone: &'a str,
    pub is_online: bool,
    pub format: EventFormat,
    pub join_mode: &'static str,
    /// A term of the context, which expands to schema.org's IRI; the plain name is what
    /// Mobilizon sends and what JSON readers compare.
    pub event_status: &'static str,
    #[serde(rename = "ical:status")]
    pub ical_status: &'static str,
    pub participant_count: i64,
    pub audience_type: Vec<Value>,
    /// A `Place`, a `VirtualLocation`, or both in a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_attendee_capacity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_attendee_capacity: Option<i64>,
    /// People or bodies running it, as text (Rhizome).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub organisers: &'a [String],
    /// Partner territories' actor ids (Rhizome).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceFields<'a> {
    #[serde(rename = "type")]
    pub kind: ObjectType,
    pub content: String,
    pub learning_resource_type: &'a ResourceType,
    pub educational_level: &'a Option<Level>,
    pub license: &'a url::Url,
    pub audience_type: Vec<Value>,
    /// The event it came out of, by its object id (Rhizome).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related_event: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallFields<'a> {
    #[serde(rename = "type")]
    pub kind: ObjectType,
    pub content: String,
    pub call_type: &'a CallType,
    pub call_status: &'a CallStatus,
    pub objectives: &'a [String],
    pub skills_wanted: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    /// What came of it, as HTML (Rhizome).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// The AS object of a publication, without `@context` (embedded in activities).
pub fn object(urls: &Urls, territory: &Territory, p: &Publication, event: EventContext) -> Value {
    as_json(&publication_object(urls, territory, p, event))
}

/// [`object`], typed.
pub fn publication_object<'a>(
    urls: &Urls,
    territory: &Territory,
    p: &'a Publication,
    event: EventContext,
) -> PublicationObject<'a> {
    let id = urls.publication(p.body.kind(), p.id);
    let (fields, mut attachment) = match &p.body {
        PublicationBody::Event(e) => event_fields(e, event),
        PublicationBody::Resource(r) => resource_fields(urls, r),
        PublicationBody::Call(c) => (call_fields(c), None),
    };
    if let Some(image) = p.body.image() {
        // First among the attachments: Mastodon shows it as the post's picture, with
        // `name` as its description.
        attachment
            .get_or_insert_with(Vec::new)
            .insert(0, image_attachment(urls, image));
    }
    PublicationObject {
        url: id.clone(),
        id,
        attributed_to: urls.territory(&territory.profile.slug),
        to: vec![PUBLIC.into()],
        cc: vec![urls.followers(&territory.profile.slug)],
        published: p.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        updated: p.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        name: p.body.title(),
        summary: summary(&p.body),
        media_type: "text/html",
        in_language: p.body.language(),
        tag: hashtags(urls, p.body.themes(), tags(&p.body)),
        themes: p.body.themes(),
        comments_enabled: true,
        fields,
        attachment,
        series: p.series.map(|s| urls.series(s.id)),
    }
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

fn audience_type(audience: &Audience) -> Vec<Value> {
    audience
        .age_groups
        .iter()
        .map(|g| serde_json::to_value(g).unwrap_or_default())
        .chain(audience.publics.iter().map(|p| json!(p)))
        .collect()
}

fn link(l: &Link) -> Value {
    json!({"type": "Link", "href": l.url, "name": l.title})
}

fn event_fields(e: &Event, event: EventContext) -> (KindFields<'_>, Option<Vec<Value>>) {
    let counts = &event;
    let tz = e.tz();
    let mut locations = Vec::new();
    if let Some(place) = &e.place {
        locations.push(place_json(place));
    }
    if let Some(url) = &e.online_url {
        locations.push(json!({"type": "VirtualLocation", "url": url}));
    }
    let location = match locations.len() {
        0 => None,
        1 => Some(locations.remove(0)),
        _ => Some(json!(locations)),
    };
    let mut attachments: Vec<Value> = e.links.iter().map(link).collect();
    if let Some(url) = &e.registration.url {
        attachments.push(json!({"type": "Link", "href": url, "name": "Inscription"}));
    }
    let fields = EventFields {
        kind: ObjectType::Event,
        content: markdown::to_html(&e.description),
        start_time: e
            .starts_at
            .with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        end_time: e
            .ends_at
            .with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        timezone: &e.timezone,
        is_online: e.format == EventFormat::Online,
        format: e.format,
        join_mode: match e.registration.mode {
            // FEP-8a8e: no registration, just come; a `Join` gets `Ignore`.
            RegistrationMode::None => "none",
            RegistrationMode::Open => "free",
            RegistrationMode::Approval => "restricted",
            RegistrationMode::External => "external",
        },
        event_status: match e.status {
            EventStatus::Scheduled => "EventScheduled",
            EventStatus::Cancelled => "EventCancelled",
            EventStatus::Postponed => "EventPostponed",
        },
        ical_status: match e.status {
            EventStatus::Scheduled => "CONFIRMED",
            EventStatus::Cancelled => "CANCELLED",
            EventStatus::Postponed => "TENTATIVE",
        },
        participant_count: counts.participants,
        audience_type: audience_type(&e.audience),
        location,
        maximum_attendee_capacity: e.capacity,
        remaining_attendee_capacity: e
            .capacity
            .map(|capacity| (i64::from(capacity) - counts.participants).max(0)),
        organisers: &e.organisers,
        partners: event.partners,
    };
    (
        KindFields::Event(fields),
        (!attachments.is_empty()).then_some(attachments),
    )
}

fn resource_fields<'a>(urls: &Urls, r: &'a Resource) -> (KindFields<'a>, Option<Vec<Value>>) {
    let mut attachments: Vec<Value> = r.links.iter().map(link).collect();
    attachments.extend(r.attachments.iter().map(
        |a| json!({"type": "Document", "url": a.url, "mediaType": a.media_type, "name": a.name}),
    ));
    let fields = ResourceFields {
        kind: ObjectType::Page,
        content: markdown::to_html(&r.body),
        learning_resource_type: &r.resource_type,
        educational_level: &r.level,
        license: &r.license,
        audience_type: audience_type(&r.audience),
        related_event: r
            .related_event
            .map(|id| urls.publication(PublicationKind::Event, id)),
    };
    // Always there for a resource, even empty.
    (KindFields::Resource(fields), Some(attachments))
}

fn call_fields(c: &Call) -> KindFields<'_> {
    KindFields::Call(CallFields {
        kind: ObjectType::Page,
        content: markdown::to_html(&c.description),
        call_type: &c.call_type,
        call_status: &c.status,
        objectives: &c.objectives,
        skills_wanted: &c.skills_wanted,
        end_time: c
            .deadline_end()
            .map(|end| end.to_rfc3339_opts(SecondsFormat::Secs, true)),
        location: c.scope.place.as_ref().map(place_json),
        radius_km: c.scope.radius_km,
        outcome: c.outcome.as_deref().map(markdown::to_html),
    })
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
        let o = object(
            &urls,
            &t,
            &p,
            EventContext {
                participants: 5,
                ..Default::default()
            },
        );
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
        let o = object(&urls, &t, &p, EventContext::default());
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
        let plain = object(&urls, &t, &event(json!({})), EventContext::default());
        assert!(plain.get("attachment").is_none());
    }
}
