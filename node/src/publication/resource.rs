//! Learning resources: guides, recordings, toolkits, lessons learned.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::audience::Audience;
use super::image::{Image, validate_image};
use super::{Common, Draft, Link, PublicationBody, validate_links};
use crate::territory::Territory;
use crate::theme::Theme;
use crate::validation::{self as v, Validated};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum ResourceType {
    Guide,
    Recording,
    Proceedings,
    Toolkit,
    Dataset,
    /// *Retour d'expérience*: what worked and what did not.
    LessonsLearned,
    Course,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Attachment {
    pub url: url::Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Where this node serves documents attached to resources: `/files/<uuid>.<ext>`.
pub const FILES_PREFIX: &str = "/files/";

/// The documents a resource may carry as uploaded files, by extension and media type:
/// PDF, OpenDocument and Office files, audio and video. Their type is read from their
/// bytes when they are uploaded, never from their name.
pub const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("odp", "application/vnd.oasis.opendocument.presentation"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("mp3", "audio/mpeg"),
    ("ogg", "audio/ogg"),
    ("opus", "audio/opus"),
    ("m4a", "audio/mp4"),
    ("mp4", "video/mp4"),
    ("webm", "video/webm"),
];

/// The media type of a stored document's name (`<uuid>.pdf`); `None` for anything else.
pub fn document_file(name: &str) -> Option<&'static str> {
    super::image::stored_file(name, DOCUMENT_TYPES)
}

/// Knowledge commons are shared under Creative Commons unless said otherwise.
pub const DEFAULT_LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// The Creative Commons licences offered in forms, by their URL; people read them as
/// [`licence_label`](crate::text::sentences::licence_label) names them. Any other licence
/// is given by its URL.
pub const CC_LICENCES: &[&str] = &[
    DEFAULT_LICENSE,
    "https://creativecommons.org/licenses/by-sa/4.0/",
    "https://creativecommons.org/licenses/by-nc/4.0/",
    "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "https://creativecommons.org/licenses/by-nd/4.0/",
    "https://creativecommons.org/publicdomain/zero/1.0/",
];

fn default_license() -> url::Url {
    DEFAULT_LICENSE.parse().expect("constant URL")
}

/// A resource is its own draft: every field is already in its stored form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Resource {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    #[serde(rename = "type")]
    pub resource_type: ResourceType,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default = "default_license")]
    pub license: url::Url,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default)]
    pub level: Option<Level>,
    /// Empty in a draft means the territory's first language.
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub themes: Vec<Theme>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The event this resource came out of (proceedings, recording).
    #[serde(default)]
    pub related_event: Option<Uuid>,
    /// A picture shown with it; its text alternative is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

impl Draft for Resource {
    fn validate(self, territory: &Territory) -> Validated<PublicationBody> {
        let common = Common::validate(
            &self.title,
            Some(&self.language),
            self.themes,
            self.tags,
            territory,
        )?;
        v::web_url("license", &self.license)?;
        v::max_items("attachments", &self.attachments)?;
        let attachments = self
            .attachments
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                v::web_url(&format!("attachments[{i}].url"), &a.url)?;
                Ok(Attachment {
                    media_type: v::optional_text(
                        &format!("attachments[{i}].media_type"),
                        a.media_type,
                        v::MAX_SHORT,
                        v::Lines::One,
                    )?,
                    name: v::optional_text(
                        &format!("attachments[{i}].name"),
                        a.name,
                        v::MAX_SHORT,
                        v::Lines::One,
                    )?,
                    url: a.url,
                })
            })
            .collect::<Validated<Vec<_>>>()?;
        Ok(PublicationBody::Resource(Resource {
            title: common.title,
            summary: v::bounded_text("summary", &self.summary, v::MAX_SHORT * 4, v::Lines::Many)?,
            body: v::bounded_text("body", &self.body, v::MAX_LONG, v::Lines::Many)?,
            resource_type: self.resource_type,
            links: validate_links("links", self.links)?,
            attachments,
            license: self.license,
            audience: self.audience.validate("audience")?,
            level: self.level,
            language: common.language,
            themes: common.themes,
            tags: common.tags,
            related_event: self.related_event,
            image: validate_image("image", self.image)?,
        }))
    }
}
