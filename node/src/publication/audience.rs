//! Who a publication is for: age groups and situations, as networks describe them.

use serde::{Deserialize, Serialize};

use crate::validation::{self as v, Validated};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantNames,
    strum::VariantArray,
    utoipa::ToSchema,
)]
pub enum AgeGroup {
    #[serde(rename = "0-6")]
    #[strum(serialize = "0-6")]
    Under6,
    #[serde(rename = "6-11")]
    #[strum(serialize = "6-11")]
    Children,
    #[serde(rename = "12-17")]
    #[strum(serialize = "12-17")]
    Teenagers,
    #[serde(rename = "18-25")]
    #[strum(serialize = "18-25")]
    YoungAdults,
    #[serde(rename = "adults")]
    #[strum(serialize = "adults")]
    Adults,
    #[serde(rename = "seniors")]
    #[strum(serialize = "seniors")]
    Seniors,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Audience {
    #[serde(default)]
    pub age_groups: Vec<AgeGroup>,
    /// Situations such as "families", "job seekers", "professionals".
    #[serde(default)]
    pub publics: Vec<String>,
}

impl Audience {
    pub fn validate(self, field: &str) -> Validated<Audience> {
        Ok(Audience {
            age_groups: v::unique(self.age_groups),
            publics: v::text_list(&format!("{field}.publics"), self.publics)?,
        })
    }

    /// Open to everyone: no group or situation named.
    pub fn is_everyone(&self) -> bool {
        self.age_groups.is_empty() && self.publics.is_empty()
    }
}
