//! A territory: the learning territory, tiers-lieu, living lab... that publishes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::inventory::Inventory;
use crate::place::Place;
use crate::theme::Theme;
use crate::validation::{self as v, Validated, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum TerritoryKind {
    LearningTerritory,
    LearningCity,
    TiersLieu,
    LivingLab,
    Fablab,
    EducationalCity,
    Association,
    /// A network coordinator.
    Network,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum Scale {
    Neighbourhood,
    City,
    Metropolis,
    Region,
    Country,
}

/// What a local actor is. Every local actor is a row of `territories` with a slug, a
/// profile, keys, followers and an inbox; most are territories, the others gather what
/// territories publish: a festival (dated), a collection (undated) or a collective (a
/// `Group` of member territories with collegial rules). Set at creation, never changed.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::VariantNames,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ActorRole {
    #[default]
    Territory,
    Festival,
    Collection,
    Collective,
}

impl ActorRole {
    /// Its name in storage and on the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRole::Territory => "territory",
            ActorRole::Festival => "festival",
            ActorRole::Collection => "collection",
            ActorRole::Collective => "collective",
        }
    }

    pub fn parse(s: &str) -> Option<ActorRole> {
        [
            ActorRole::Territory,
            ActorRole::Festival,
            ActorRole::Collection,
            ActorRole::Collective,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// Festivals, collections and collectives gather others' publications.
    pub fn gathers(self) -> bool {
        self != ActorRole::Territory
    }
}

/// What an admin or editor sends to create or change a territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerritoryDraft {
    /// The handle: `slug@domain` on the fediverse, `/t/slug` on the web. Never changes.
    pub slug: String,
    pub name: String,
    pub kind: TerritoryKind,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub place: Place,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    #[serde(default)]
    pub themes: Vec<Theme>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<url::Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// IANA zone; events default to it. The node's default zone when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Hold fediverse follow requests until an editor approves them.
    #[serde(default)]
    pub manually_approves_followers: bool,
    /// What it shares and what it seeks.
    #[serde(default, skip_serializing_if = "Inventory::is_empty")]
    pub inventory: Inventory,
}

/// The validated, stored form of a territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Territory {
    pub id: Uuid,
    /// Territory, or a festival, collection or collective (see [`ActorRole`]).
    #[serde(default)]
    pub role: ActorRole,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(flatten)]
    pub profile: TerritoryProfile,
}

/// Everything about a territory that its editors can change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TerritoryProfile {
    pub slug: String,
    pub name: String,
    pub kind: TerritoryKind,
    pub description: String,
    pub place: Place,
    pub scale: Option<Scale>,
    pub themes: Vec<Theme>,
    pub tags: Vec<String>,
    pub languages: Vec<String>,
    pub website: Option<url::Url>,
    pub contact: Option<String>,
    pub timezone: String,
    #[serde(default)]
    pub manually_approves_followers: bool,
    #[serde(default, skip_serializing_if = "Inventory::is_empty")]
    pub inventory: Inventory,
}

/// Slugs become handles and URLs: lower-case ASCII, digits, `-` and `_`, 2 to 64 long.
pub fn validate_slug(field: &str, slug: &str) -> Validated<String> {
    let ok_len = (2..=64).contains(&slug.len());
    let ok_chars = slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let ok_ends = !slug.starts_with(['-', '_']) && !slug.ends_with(['-', '_']);
    if ok_len && ok_chars && ok_ends {
        Ok(slug.to_owned())
    } else {
        Err(ValidationError::new(
            field,
            "must be 2 to 64 characters of a-z, 0-9, '-' or '_', starting and ending with a letter or digit",
        ))
    }
}

impl TerritoryDraft {
    /// `default_timezone` is the node's zone, used when the draft names none.
    pub fn validate(self, default_timezone: &str) -> Validated<TerritoryProfile> {
        let timezone = self.timezone.as_deref().unwrap_or(default_timezone);
        v::timezone("timezone", timezone)?;
        if let Some(url) = &self.website {
            v::web_url("website", url)?;
        }
        let languages = self
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| v::language(&format!("languages[{i}]"), l))
            .collect::<Validated<Vec<_>>>()?;
        v::max_items("languages", &languages)?;
        Ok(TerritoryProfile {
            slug: validate_slug("slug", &self.slug)?,
            name: v::required_text("name", &self.name, v::MAX_TITLE)?,
            kind: self.kind,
            description: v::bounded_text(
                "description",
                &self.description,
                v::MAX_LONG,
                v::Lines::Many,
            )?,
            place: self.place.validate("place")?,
            scale: self.scale,
            themes: v::unique(self.themes),
            tags: v::tags("tags", self.tags)?,
            languages,
            website: self.website,
            contact: v::optional_text("contact", self.contact, v::MAX_SHORT, v::Lines::One)?,
            timezone: timezone.to_owned(),
            manually_approves_followers: self.manually_approves_followers,
            inventory: self.inventory.validate("inventory")?,
        })
    }
}

impl From<TerritoryProfile> for TerritoryDraft {
    fn from(p: TerritoryProfile) -> Self {
        TerritoryDraft {
            slug: p.slug,
            name: p.name,
            kind: p.kind,
            description: p.description,
            place: p.place,
            scale: p.scale,
            themes: p.themes,
            tags: p.tags,
            languages: p.languages,
            website: p.website,
            contact: p.contact,
            timezone: Some(p.timezone),
            manually_approves_followers: p.manually_approves_followers,
            inventory: p.inventory,
        }
    }
}

impl Territory {
    pub fn new(profile: TerritoryProfile) -> Territory {
        Territory::with_role(ActorRole::Territory, profile)
    }

    /// A new local actor of another role: a festival, a collection or a collective.
    pub fn with_role(role: ActorRole, profile: TerritoryProfile) -> Territory {
        let now = crate::now();
        Territory {
            id: Uuid::now_v7(),
            role,
            created_at: now,
            updated_at: now,
            profile,
        }
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.profile.timezone.parse().unwrap_or(chrono_tz::UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_serde_names() {
        for name in <ActorRole as strum::VariantNames>::VARIANTS {
            let role = ActorRole::parse(name).unwrap();
            assert_eq!(serde_json::to_value(role).unwrap(), *name);
            assert_eq!(role.as_str(), *name);
        }
        assert_eq!(ActorRole::parse("nation"), None);
    }

    #[test]
    fn offered_kind_names_are_serde_names() {
        let names = <TerritoryKind as strum::VariantNames>::VARIANTS;
        assert_eq!(names.len(), 8);
        for name in names {
            let kind: TerritoryKind = serde_json::from_value(serde_json::json!(name)).unwrap();
            assert_eq!(serde_json::to_value(kind).unwrap(), *name);
        }
    }

    fn draft() -> TerritoryDraft {
        serde_json::from_value(serde_json::json!({
            "slug": "fablab-poitiers", "name": "Fablab de Poitiers", "kind": "fablab",
            "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34},
            "themes": ["science_digital", "climate", "climate"], "languages": ["fr"]
        }))
        .unwrap()
    }

    #[test]
    fn valid_draft_is_normalised() {
        let p = draft().validate("Europe/Paris").unwrap();
        assert_eq!(p.themes, vec![Theme::Climate, Theme::ScienceDigital]);
        assert_eq!(p.timezone, "Europe/Paris");
    }

    #[test]
    fn bad_slug_and_zone_are_named() {
        let mut d = draft();
        d.slug = "Fab Lab".into();
        assert_eq!(d.validate("Europe/Paris").unwrap_err().field, "slug");
        let mut d = draft();
        d.timezone = Some("Mars/Olympus".into());
        assert_eq!(d.validate("Europe/Paris").unwrap_err().field, "timezone");
    }
}
