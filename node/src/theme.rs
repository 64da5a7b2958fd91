//! The seven theme families that learning-territory networks use.

use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum Theme {
    /// Climate, environment, energy transition.
    Climate,
    /// Mobility, behaviour change, new jobs, mediation.
    Mobility,
    /// Food, health, producing differently.
    FoodHealth,
    /// Urban life, living together, citizenship, heritage.
    UrbanLife,
    /// Entrepreneurship, social and solidarity economy.
    SocialEconomy,
    /// Arts, culture, creativity, living heritage.
    Culture,
    /// Science, innovative technology, digital.
    ScienceDigital,
}

impl Theme {
    pub const ALL: [Theme; 7] = [
        Theme::Climate,
        Theme::Mobility,
        Theme::FoodHealth,
        Theme::UrbanLife,
        Theme::SocialEconomy,
        Theme::Culture,
        Theme::ScienceDigital,
    ];

    /// The wire and URL name, as serde writes it.
    pub fn slug(self) -> &'static str {
        match self {
            Theme::Climate => "climate",
            Theme::Mobility => "mobility",
            Theme::FoodHealth => "food_health",
            Theme::UrbanLife => "urban_life",
            Theme::SocialEconomy => "social_economy",
            Theme::Culture => "culture",
            Theme::ScienceDigital => "science_digital",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.slug() == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_matches_serde_name() {
        for t in Theme::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), t.slug());
            assert!(<Theme as strum::VariantNames>::VARIANTS.contains(&t.slug()));
            assert_eq!(Theme::from_slug(t.slug()), Some(t));
        }
    }
}
