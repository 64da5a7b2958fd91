//! Calls for collaboration: needs, offers, partners wanted, calls for projects.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::image::{Image, validate_image};
use super::{Common, Draft, PublicationBody};
use crate::place::Place;
use crate::territory::Territory;
use crate::theme::Theme;
use crate::validation::{self as v, Validated, ValidationError};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::VariantNames,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum CallType {
    Need,
    Offer,
    Partners,
    Project,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::VariantNames,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum CallStatus {
    #[default]
    Open,
    InProgress,
    Closed,
}

/// Where answers are welcome: around a place, or the whole network when `place` is absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
}

/// A call is its own draft: every field is already in its stored form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Call {
    #[serde(rename = "type")]
    pub call_type: CallType,
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub objectives: Vec<String>,
    #[serde(default)]
    pub skills_wanted: Vec<String>,
    /// Last day to answer, in the territory's zone.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    pub scope: Scope,
    #[serde(default)]
    pub status: CallStatus,
    /// What came of it, once closed.
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub themes: Vec<Theme>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// A picture shown with it; its text alternative is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

impl Draft for Call {
    fn validate(self, territory: &Territory) -> Validated<PublicationBody> {
        let common = Common::validate(
            &self.title,
            Some(&self.language),
            self.themes,
            self.tags,
            territory,
        )?;
        if let Some(deadline) = self.deadline {
            v::year_in_range("deadline", deadline)?;
        }
        let place = self
            .scope
            .place
            .map(|p| p.validate("scope.place"))
            .transpose()?
            .filter(|p| !p.is_empty());
        if let Some(radius) = self.scope.radius_km {
            if !(radius > 0.0 && radius <= 20_000.0) {
                return Err(ValidationError::new(
                    "scope.radius_km",
                    "must be between 0 and 20000",
                ));
            }
            if place.as_ref().and_then(|p| p.latitude).is_none() {
                return Err(ValidationError::new(
                    "scope.place",
                    "needs latitude and longitude when a radius is given",
                ));
            }
        }
        Ok(PublicationBody::Call(Call {
            call_type: self.call_type,
            title: common.title,
            description: v::bounded_text(
                "description",
                &self.description,
                v::MAX_LONG,
                v::Lines::Many,
            )?,
            objectives: v::text_list("objectives", self.objectives)?,
            skills_wanted: v::text_list("skills_wanted", self.skills_wanted)?,
            deadline: self.deadline,
            scope: Scope {
                place,
                radius_km: self.scope.radius_km,
            },
            status: self.status,
            outcome: v::optional_text("outcome", self.outcome, v::MAX_LONG, v::Lines::Many)?,
            language: common.language,
            themes: common.themes,
            tags: common.tags,
            image: validate_image("image", self.image)?,
        }))
    }
}

impl Call {
    /// The end of the deadline day; calls without one stay current.
    pub fn deadline_end(&self) -> Option<DateTime<Utc>> {
        self.deadline
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    }
}
