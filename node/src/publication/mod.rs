//! What territories publish: events, learning resources and calls for collaboration.
//!
//! Each kind has a draft (what an editor sends) and a validated form (what is stored and
//! federated). Drafts are checked here, not in handlers, so the API, the CLI and the web
//! forms refuse the same things with the same words.

pub mod audience;
pub mod call;
pub mod event;
pub mod image;
pub mod partner;
pub mod resource;
pub mod series;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

use crate::territory::Territory;
use crate::theme::Theme;
use crate::validation::{self as v, Validated, ValidationError};

pub use call::Call;
pub use event::Event;
pub use image::Image;
pub use resource::Resource;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationKind {
    Event,
    Resource,
    Call,
}

impl PublicationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PublicationKind::Event => "event",
            PublicationKind::Resource => "resource",
            PublicationKind::Call => "call",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub const ALL: [PublicationKind; 3] = [Self::Event, Self::Resource, Self::Call];

    /// The URL segment of this kind's collection (`/events/ID`, `/api/v1/events`): the
    /// one place it is spelled, for the pages, the API and the ActivityPub ids alike.
    pub fn segment(self) -> &'static str {
        match self {
            PublicationKind::Event => "events",
            PublicationKind::Resource => "resources",
            PublicationKind::Call => "calls",
        }
    }

    /// The kind a URL segment names.
    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.segment() == segment)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum PublicationBody {
    Event(Event),
    Resource(Resource),
    Call(Call),
}

/// A stored publication. Its id becomes its public URL and is never reused: deleting
/// keeps a tombstone (`deleted_at`) so the URL can answer "gone".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Publication {
    pub id: Uuid,
    pub territory_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
    /// The series an event occurrence belongs to (see [`series`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<series::SeriesLink>,
    #[serde(flatten)]
    pub body: PublicationBody,
}

/// A draft kind: parsed from JSON and validated in the context of its territory.
pub trait Draft: DeserializeOwned {
    fn validate(self, territory: &Territory) -> Validated<PublicationBody>;
}

impl PublicationBody {
    pub fn kind(&self) -> PublicationKind {
        match self {
            PublicationBody::Event(_) => PublicationKind::Event,
            PublicationBody::Resource(_) => PublicationKind::Resource,
            PublicationBody::Call(_) => PublicationKind::Call,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            PublicationBody::Event(e) => &e.title,
            PublicationBody::Resource(r) => &r.title,
            PublicationBody::Call(c) => &c.title,
        }
    }

    pub fn language(&self) -> &str {
        match self {
            PublicationBody::Event(e) => &e.language,
            PublicationBody::Resource(r) => &r.language,
            PublicationBody::Call(c) => &c.language,
        }
    }

    /// The publication's picture, if it has one.
    pub fn image(&self) -> Option<&Image> {
        match self {
            PublicationBody::Event(e) => e.image.as_ref(),
            PublicationBody::Resource(r) => r.image.as_ref(),
            PublicationBody::Call(c) => c.image.as_ref(),
        }
    }

    pub fn themes(&self) -> &[Theme] {
        match self {
            PublicationBody::Event(e) => &e.themes,
            PublicationBody::Resource(r) => &r.themes,
            PublicationBody::Call(c) => &c.themes,
        }
    }

    /// When it starts (events); used to order the agenda.
    pub fn starts_at(&self) -> Option<DateTime<Utc>> {
        match self {
            PublicationBody::Event(e) => Some(e.starts_at),
            _ => None,
        }
    }

    /// When it stops being current: an event's end, a call's deadline.
    pub fn ends_at(&self) -> Option<DateTime<Utc>> {
        match self {
            PublicationBody::Event(e) => Some(e.ends_at),
            PublicationBody::Call(c) => c.deadline_end(),
            PublicationBody::Resource(_) => None,
        }
    }

    /// A draft typed into the publication form: as [`from_draft`](Self::from_draft), and an
    /// event must not be over already (almost always a typing mistake). The API keeps
    /// accepting past events, for territories importing their history; editing a past
    /// event, to add its recording say, stays possible.
    pub fn new_from_draft(
        kind: PublicationKind,
        json: serde_json::Value,
        territory: &Territory,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Validated<PublicationBody> {
        let body = PublicationBody::from_draft(kind, json, territory)?;
        if body.ends_at().is_some_and(|end| end < now) && kind == PublicationKind::Event {
            return Err(ValidationError::new("ends_at", "must not be in the past"));
        }
        Ok(body)
    }

    /// Parses and validates a draft of the given kind from JSON. Errors name the field by
    /// its JSON path, whether the JSON had the wrong shape or broke a rule.
    pub fn from_draft(
        kind: PublicationKind,
        json: serde_json::Value,
        territory: &Territory,
    ) -> Validated<PublicationBody> {
        match kind {
            PublicationKind::Event => parse_draft::<event::EventDraft>(json)?.validate(territory),
            PublicationKind::Resource => parse_draft::<Resource>(json)?.validate(territory),
            PublicationKind::Call => parse_draft::<Call>(json)?.validate(territory),
        }
    }

    /// Applies a JSON merge patch (RFC 7386) to this publication and validates the result
    /// as a new draft: an edit obeys exactly the rules of a creation.
    pub fn patched(
        &self,
        patch: &serde_json::Value,
        territory: &Territory,
    ) -> Validated<PublicationBody> {
        let mut json =
            serde_json::to_value(self).map_err(|e| ValidationError::new("", e.to_string()))?;
        if let Some(obj) = json.as_object_mut() {
            obj.remove("kind");
        }
        json_patch::merge(&mut json, patch);
        PublicationBody::from_draft(self.kind(), json, territory)
    }
}

/// Deserialises a draft, turning serde's complaint into a [`ValidationError`] on its path.
pub fn parse_draft<T: DeserializeOwned>(json: serde_json::Value) -> Validated<T> {
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde reports a missing field at its parent's path; name the field itself.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let field = match (path.as_str(), missing) {
            (".", Some(name)) => name.to_owned(),
            (".", None) => String::new(),
            (parent, Some(name)) => format!("{parent}.{name}"),
            (path, None) => path.to_owned(),
        };
        ValidationError::new(field, message)
    })
}

impl Publication {
    pub fn new(territory_id: Uuid, body: PublicationBody) -> Publication {
        let now = crate::now();
        Publication {
            id: Uuid::now_v7(),
            territory_id,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            series: None,
            body,
        }
    }
}

/// The text fields every kind shares, validated the same way.
pub(crate) struct Common {
    pub title: String,
    pub language: String,
    pub themes: Vec<Theme>,
    pub tags: Vec<String>,
}

impl Common {
    pub fn validate(
        title: &str,
        language: Option<&str>,
        themes: Vec<Theme>,
        tags: Vec<String>,
        territory: &Territory,
    ) -> Validated<Common> {
        let language = match language.filter(|l| !l.is_empty()) {
            Some(l) => v::language("language", l)?,
            None => territory
                .profile
                .languages
                .first()
                .cloned()
                .unwrap_or_else(|| "fr".to_owned()),
        };
        Ok(Common {
            title: v::required_text("title", title, v::MAX_TITLE)?,
            language,
            themes: v::unique(themes),
            tags: v::tags("tags", tags)?,
        })
    }
}

/// Links carried by resources and events: where to read more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Link {
    pub url: url::Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

pub(crate) fn validate_links(field: &str, links: Vec<Link>) -> Validated<Vec<Link>> {
    v::max_items(field, &links)?;
    links
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            v::web_url(&format!("{field}[{i}].url"), &l.url)?;
            Ok(Link {
                title: v::optional_text(
                    &format!("{field}[{i}].title"),
                    l.title,
                    v::MAX_SHORT,
                    v::Lines::One,
                )?,
                url: l.url,
            })
        })
        .collect()
}
