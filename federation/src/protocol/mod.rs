//! Wire shapes: what Rhizome reads from other servers, and the JSON-LD context it writes.
//! Outgoing objects are built in `internaltoas/`; these types parse what Mastodon, Mobilizon
//! and others send, accepting the variations they actually use.

pub mod inbound;
pub mod outbound;

pub use inbound::Inbound;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
pub const CONTENT_TYPE: &str = "application/activity+json";
/// Rhizome's own terms, for what ActivityStreams and schema.org do not name. See
/// `docs/FEDERATION.md`.
pub const RHIZOME_NS: &str = "https://w3id.org/rhizome/ns#";

/// The `@context` of everything Rhizome publishes.
pub fn context() -> Value {
    json!([
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
            "https://w3id.org/security/data-integrity/v1",
            "https://w3id.org/security/multikey/v1",
            {
                "sc": "http://schema.org/",
                "rhizome": RHIZOME_NS,
                "toot": "http://joinmastodon.org/ns#",
                "mz": "https://joinmobilizon.org/ns#",
                "ical": "http://www.w3.org/2002/12/cal/ical#",
                "pt": "https://joinpeertube.org/ns#",
                "Hashtag": "as:Hashtag",
                "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
                "assertionMethod": {"@id": "https://w3id.org/security#assertionMethod", "@type": "@id", "@container": "@set"},
                "discoverable": "toot:discoverable",
                "indexable": "toot:indexable",
                "PropertyValue": "sc:PropertyValue",
                "value": "sc:value",
                "PostalAddress": "sc:PostalAddress",
                "address": {"@id": "sc:address", "@type": "sc:PostalAddress"},
                "streetAddress": "sc:streetAddress",
                "timezone": {"@id": "mz:timezone", "@type": "sc:Text"},
                "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
                "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
                "remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
                "participantCount": {"@id": "mz:participantCount", "@type": "sc:Integer"},
                "isOnline": {"@id": "mz:isOnline", "@type": "sc:Boolean"},
                "eventStatus": {"@id": "sc:eventStatus", "@type": "@vocab"},
                "EventScheduled": "sc:EventScheduled",
                "EventCancelled": "sc:EventCancelled",
                "EventPostponed": "sc:EventPostponed",
                "VirtualLocation": "sc:VirtualLocation",
                "commentsEnabled": {"@id": "pt:commentsEnabled", "@type": "sc:Boolean"},
                "inLanguage": "sc:inLanguage",
                "category": "sc:category",
                "license": {"@id": "sc:license", "@type": "@id"},
                "learningResourceType": "sc:learningResourceType",
                "educationalLevel": "sc:educationalLevel",
                "audienceType": "sc:audienceType",
                "offers": "rhizome:offers",
                "contact": "rhizome:contact",
                "kind": "rhizome:kind",
                "themes": "rhizome:themes",
                "callType": "rhizome:callType",
                "objectives": "rhizome:objectives",
                "skillsWanted": "rhizome:skillsWanted",
                "radiusKm": "rhizome:radiusKm",
                "callStatus": "rhizome:callStatus",
                "outcome": "rhizome:outcome",
                "organisers": "rhizome:organisers",
                "partners": {"@id": "rhizome:partners", "@type": "@id"},
                "relatedEvent": {"@id": "rhizome:relatedEvent", "@type": "@id"},
                "series": {"@id": "rhizome:series", "@type": "@id"},
                "format": "rhizome:format",
                "shares": "rhizome:shares",
                "seeks": "rhizome:seeks",
                "keywords": "sc:keywords",
                "scope": {"@id": "rhizome:scope", "@type": "@json"},
                "Partnership": "rhizome:Partnership",
                "partner": {"@id": "rhizome:partner", "@type": "@id"},
                "movedTo": {"@id": "as:movedTo", "@type": "@id"},
                "perimeter": {"@id": "rhizome:perimeter", "@type": "@json"},
                "autoAccept": {"@id": "rhizome:autoAccept", "@type": "sc:Boolean"}
    ,
                "votersCount": "toot:votersCount",
                "rules": {"@id": "rhizome:rules", "@type": "@json"},
                "members": {"@id": "rhizome:members", "@type": "@id"},
                "proposalKind": "rhizome:proposalKind",
                "subject": "rhizome:subject",
                "proposer": {"@id": "rhizome:proposer", "@type": "@id"},
                "decision": "rhizome:decision"
            }
        ])
}

/// Whether an addressing field (`to`, `cc`) includes the public collection, in any of the
/// forms servers write it (Fedify writes the compact `as:Public`).
pub fn is_public(field: &Value) -> bool {
    ids_of(field)
        .iter()
        .any(|id| matches!(*id, PUBLIC | "as:Public" | "Public"))
}

/// An id given as a string or as an object carrying it, as ActivityStreams allows.
pub fn id_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Every id in a field that may be one value or an array (`to`, `attributedTo`...).
pub fn ids_of(value: &Value) -> Vec<&str> {
    match value {
        Value::Array(items) => items.iter().filter_map(id_of).collect(),
        other => id_of(other).into_iter().collect(),
    }
}

fn one_id<'de, D: Deserializer<'de>>(d: D) -> Result<url::Url, D::Error> {
    let value = Value::deserialize(d)?;
    let id = id_of(&value)
        .ok_or_else(|| serde::de::Error::custom("expected an id or an object with an id"))?;
    id.parse().map_err(serde::de::Error::custom)
}

/// The activity types Rhizome reads or sends, by their ActivityStreams names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verb {
    Follow,
    Accept,
    Reject,
    Create,
    Update,
    Delete,
    Like,
    Announce,
    Flag,
    Join,
    Leave,
    Undo,
    /// The answer to a `Join` of an event that takes no registration (FEP-8a8e).
    Ignore,
    /// An answer to a call for collaboration (see `docs/FEDERATION.md`), or a member
    /// territory's proposal to a collective (`Offer{Question}`).
    Offer,
    /// An actor moved to another (FEP-7628, as Mastodon moves accounts).
    Move,
    /// A territory submits one of its publications to a festival or collection
    /// (`target`), or a collective admits a member to its `members`.
    Add,
    /// A territory withdraws its publication from a festival or collection (`target`),
    /// or a collective removes a member from its `members`.
    Remove,
}

/// The object types Rhizome tells apart, by their ActivityStreams names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectType {
    Note,
    Event,
    Page,
    Article,
    Person,
    Service,
    Organization,
    Group,
    Application,
    Follow,
    Like,
    Announce,
    Join,
    Offer,
    Add,
    Tombstone,
    /// `rhizome:Partnership`, between two territories (see `docs/FEDERATION.md`).
    Partnership,
    /// A collective's proposal, shaped as a Mastodon poll.
    Question,
    /// Any other type: read, never sent.
    #[serde(other)]
    Other,
}

impl ObjectType {
    /// The type of an embedded object; `None` for an object given by id or without a
    /// `type`, [`ObjectType::Other`] for a type Rhizome does not tell apart.
    pub fn of(object: &Value) -> Option<ObjectType> {
        let name = object.get("type")?.as_str()?;
        ObjectType::deserialize(
            serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name),
        )
        .ok()
    }

    /// What Rhizome keeps as a remote event, resource or call.
    pub fn is_publication(self) -> bool {
        matches!(
            self,
            ObjectType::Event | ObjectType::Page | ObjectType::Article
        )
    }

    /// The actor types Mastodon, Mobilizon and others use.
    pub fn is_actor(self) -> bool {
        matches!(
            self,
            ObjectType::Person
                | ObjectType::Service
                | ObjectType::Organization
                | ObjectType::Group
                | ObjectType::Application
        )
    }
}

/// An activity's `type`: one Rhizome knows, or any other name (kept for the logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityType {
    Verb(Verb),
    Other(String),
}

impl<'de> Deserialize<'de> for ActivityType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        let known = Verb::deserialize(
            serde::de::value::StrDeserializer::<serde::de::value::Error>::new(&name),
        );
        Ok(match known {
            Ok(verb) => ActivityType::Verb(verb),
            Err(_) => ActivityType::Other(name),
        })
    }
}

impl std::fmt::Display for ActivityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActivityType::Verb(verb) => write!(f, "{verb:?}"),
            ActivityType::Other(name) => f.write_str(name),
        }
    }
}

/// The envelope of any inbound activity; [`Inbound::parse`] reads what it means.
#[derive(Debug, Clone, Deserialize)]
pub struct Activity {
    pub id: url::Url,
    #[serde(rename = "type")]
    pub kind: ActivityType,
    #[serde(deserialize_with = "one_id")]
    pub actor: url::Url,
    #[serde(default)]
    pub object: Value,
    /// Rhizome's extension on `Follow`: what the follower wants (`rhizome:scope`).
    #[serde(default)]
    pub scope: Option<Value>,
    /// What a `Flag` says about the reported objects.
    #[serde(default)]
    pub content: Option<String>,
    /// What an `Offer` answers (a call), or the gathering an `Add` or `Remove` is for.
    #[serde(default)]
    pub target: Value,
}

/// A remote actor as Mastodon (Person, Service, Group, Organization, Application) and
/// Mobilizon describe it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteActorJson {
    pub id: url::Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub inbox: url::Url,
    #[serde(default)]
    pub endpoints: Option<Endpoints>,
    pub public_key: PublicKeyJson,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub url: Option<Value>,
    /// Its assertion keys (FEP-521a Multikeys), one object or a list.
    #[serde(default)]
    pub assertion_method: Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default)]
    pub shared_inbox: Option<url::Url>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyJson {
    pub id: String,
    pub owner: url::Url,
    pub public_key_pem: String,
}

/// A reply, as Mastodon and others send it inside `Create`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteJson {
    pub id: url::Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub attributed_to: Value,
    #[serde(default)]
    pub in_reply_to: Value,
    #[serde(default)]
    pub content: Option<String>,
    /// The option chosen, when the Note answers a poll (a collective's `Question`).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub content_map: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    pub published: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub url: Option<Value>,
    #[serde(default)]
    pub to: Value,
    #[serde(default)]
    pub cc: Value,
}

impl NoteJson {
    /// Public or unlisted: addressed to the public collection. Anything else (followers
    /// only, mentioned people only) is a private message and is never shown as a comment.
    pub fn is_public(&self) -> bool {
        is_public(&self.to) || is_public(&self.cc)
    }

    /// The text, from `content` or else the first language of `contentMap`.
    pub fn html(&self) -> Option<&str> {
        self.content
            .as_deref()
            .or_else(|| self.content_map.as_ref()?.values().next()?.as_str())
    }
}

/// Removes control characters (all but newline and tab) from every string of a remote
/// document, keys included, before anything reads or stores it: NUL alone makes
/// PostgreSQL refuse the row. Returns how many characters were removed.
pub fn strip_control(value: &mut Value) -> usize {
    fn clean(text: &mut String) -> usize {
        let removed = text.chars().filter(|c| is_stripped(*c)).count();
        if removed > 0 {
            text.retain(|c| !is_stripped(c));
        }
        removed
    }
    fn is_stripped(c: char) -> bool {
        c.is_control() && c != '\n' && c != '\t'
    }
    match value {
        Value::String(text) => clean(text),
        Value::Array(items) => items.iter_mut().map(strip_control).sum(),
        Value::Object(map) => {
            let mut removed = 0;
            if map.keys().any(|k| k.chars().any(is_stripped)) {
                let entries = std::mem::take(map);
                for (mut key, value) in entries {
                    removed += clean(&mut key);
                    map.insert(key, value);
                }
            }
            removed + map.values_mut().map(strip_control).sum::<usize>()
        }
        _ => 0,
    }
}

/// A URL from another server that we may link to, fetch or POST to: `http` or `https`
/// with a host. `javascript:`, `data:` and the like give `None`.
pub fn web_url(url: &str) -> Option<url::Url> {
    let parsed = url::Url::parse(url).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some()).then_some(parsed)
}

/// A link field that may be a string, a Link object or an array of them.
pub fn first_href(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("href").and_then(Value::as_str),
        Value::Array(items) => items.iter().find_map(first_href),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_actor_fixture_parses() {
        let actor: RemoteActorJson =
            serde_json::from_str(include_str!("../../tests/fixtures/mastodon/actor.json")).unwrap();
        assert_eq!(actor.preferred_username.as_deref(), Some("alice"));
        assert_eq!(
            actor.endpoints.unwrap().shared_inbox.unwrap().as_str(),
            "https://mastodon.example/inbox"
        );
        assert!(actor.public_key.public_key_pem.contains("BEGIN PUBLIC KEY"));
        assert_eq!(
            first_href(actor.url.as_ref().unwrap()),
            Some("https://mastodon.example/@alice")
        );
    }

    #[test]
    fn control_characters_are_stripped_everywhere_but_newlines_and_tabs() {
        let mut doc = json!({
            "content": "a\u{0}b\u{7}c\r\n\td\u{1b}[31m\u{7f}\u{85}é",
            "tag": [{"name": "#x\u{0}"}, 1, null],
            "k\u{0}ey": true
        });
        assert_eq!(strip_control(&mut doc), 8);
        assert_eq!(
            doc,
            json!({"content": "abc\n\td[31mé", "tag": [{"name": "#x"}, 1, null], "key": true})
        );
        assert_eq!(strip_control(&mut doc), 0);
    }

    #[test]
    fn only_web_urls_are_kept() {
        assert!(web_url("https://mastodon.example/@alice").is_some());
        assert!(web_url("http://localhost:8080/t/x").is_some());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "ftp://example.org/x",
            "/relative",
            "",
        ] {
            assert!(web_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn mastodon_reply_fixture_parses() {
        let create: Activity = serde_json::from_str(include_str!(
            "../../tests/fixtures/mastodon/create_note.json"
        ))
        .unwrap();
        assert_eq!(create.kind, ActivityType::Verb(Verb::Create));
        let note: NoteJson = serde_json::from_value(create.object).unwrap();
        assert_eq!(note.kind, "Note");
        assert!(note.html().unwrap().contains("Merci"));
        assert!(id_of(&note.in_reply_to).unwrap().contains("/events/"));
        assert_eq!(
            ids_of(&note.attributed_to),
            vec!["https://mastodon.example/users/alice"]
        );
    }
}
