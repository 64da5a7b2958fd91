//! Partnerships between territories: offered by one territory, accepted (or refused) by
//! the other, ended by either. Both territories may live on this node (one row, no wire)
//! or one of them elsewhere (an `Offer{Partnership}` between the nodes, each keeping its
//! own row, the same `offer_id` on both sides).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::publication::partner::TerritoryRef;
use crate::theme::Theme;
use crate::validation::{self as v, Validated, ValidationError};

/// Where a partnership stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnershipState {
    /// Offered, waiting for the other territory.
    Offered,
    /// Accepted: a public link between the two territories.
    Active,
    /// Refused by the territory offered.
    Refused,
    /// Ended by either territory after it was active (or withdrawn while offered).
    Ended,
}

impl PartnershipState {
    pub fn as_str(self) -> &'static str {
        match self {
            PartnershipState::Offered => "offered",
            PartnershipState::Active => "active",
            PartnershipState::Refused => "refused",
            PartnershipState::Ended => "ended",
        }
    }

    pub fn parse(value: &str) -> Option<PartnershipState> {
        Some(match value {
            "offered" => PartnershipState::Offered,
            "active" => PartnershipState::Active,
            "refused" => PartnershipState::Refused,
            "ended" => PartnershipState::Ended,
            _ => return None,
        })
    }

    /// Offered or active: the two territories have one such partnership at most.
    pub fn is_live(self) -> bool {
        matches!(self, PartnershipState::Offered | PartnershipState::Active)
    }
}

/// What a partnership says: its themes and a short description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartnershipTerms {
    pub themes: Vec<Theme>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partnership {
    pub id: Uuid,
    /// The territory that offered it.
    pub offerer: TerritoryRef,
    /// The territory it was offered to.
    pub partner: TerritoryRef,
    pub state: PartnershipState,
    pub terms: PartnershipTerms,
    /// The `Offer` that carries it between nodes (minted by the offerer's node); none when
    /// both territories are on this node.
    pub offer_id: Option<String>,
    /// The id of the `Partnership` object the `Offer` carries (minted by the offerer's
    /// node), which a `Delete` names to end it.
    pub object_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it was accepted or refused.
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl Partnership {
    pub fn new(offerer: TerritoryRef, partner: TerritoryRef, terms: PartnershipTerms) -> Self {
        Partnership {
            id: Uuid::now_v7(),
            offerer,
            partner,
            state: PartnershipState::Offered,
            terms,
            offer_id: None,
            object_id: None,
            created_at: crate::now(),
            decided_at: None,
            ended_at: None,
        }
    }

    /// Whether `territory` (one of this node's) is one of its two sides.
    pub fn involves(&self, territory: Uuid) -> bool {
        self.offerer.local() == Some(territory) || self.partner.local() == Some(territory)
    }

    /// The other side, seen from `territory` (one of the two).
    pub fn other_side(&self, territory: Uuid) -> &TerritoryRef {
        if self.offerer.local() == Some(territory) {
            &self.partner
        } else {
            &self.offerer
        }
    }

    /// The one text both sides agree on for a pair, whichever offered: two territories
    /// have one live partnership at most.
    pub fn pair_key(&self) -> String {
        let mut keys = [self.offerer.to_string(), self.partner.to_string()];
        keys.sort();
        keys.join(" ")
    }
}

/// Why a partnership (or a change to one) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnershipRefusal {
    #[error("a territory is not its own partner")]
    OwnTerritory,
    #[error("these territories already have a partnership, offered or active")]
    AlreadyPartners,
    #[error("only the territory it was offered to may accept or refuse a partnership")]
    NotOffered,
    #[error("this partnership is no longer waiting for an answer")]
    AlreadyDecided,
    #[error("this partnership has already ended")]
    AlreadyEnded,
}

/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 1_000;

/// What an editor sends to offer a partnership: the API's body, or the form's fields.
/// `partner`: a territory of this node (its slug or id) or elsewhere (`@name@host`, or its
/// actor URL).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnershipDraft {
    #[serde(default)]
    pub partner: String,
    #[serde(default)]
    pub themes: Vec<Theme>,
    #[serde(default)]
    pub description: Option<String>,
}

impl PartnershipDraft {
    /// Reads a draft from JSON; a wrong shape names its field like a broken rule does.
    pub fn parse(json: serde_json::Value) -> Validated<PartnershipDraft> {
        crate::publication::parse_draft(json)
    }

    /// The partner as given, required.
    pub fn partner(&self) -> Validated<&str> {
        let partner = self.partner.trim();
        if partner.is_empty() {
            return Err(ValidationError::new(
                "partner",
                "name the partner territory: a territory of this node, @name@host or its URL",
            ));
        }
        v::clean_text("partner", partner, v::Lines::One)?;
        Ok(partner)
    }

    /// Themes and description, checked once for every caller.
    pub fn terms(&self) -> Validated<PartnershipTerms> {
        v::max_items("themes", &self.themes)?;
        Ok(PartnershipTerms {
            themes: v::unique(self.themes.clone()),
            description: v::optional_text(
                "description",
                self.description.clone(),
                MAX_DESCRIPTION,
                v::Lines::Many,
            )?,
        })
    }
}

/// Terms from another server, cleaned rather than refused: unknown themes dropped,
/// control characters removed, the description cut to what a local one may hold.
pub fn remote_terms(themes: &[String], description: Option<&str>) -> PartnershipTerms {
    let mut known: Vec<Theme> = themes.iter().filter_map(|t| Theme::from_slug(t)).collect();
    known.truncate(v::MAX_LIST);
    let description = description
        .map(|d| {
            v::strip_control(d, v::Lines::Many)
                .trim()
                .chars()
                .take(MAX_DESCRIPTION)
                .collect::<String>()
        })
        .filter(|d| !d.is_empty());
    PartnershipTerms {
        themes: v::unique(known),
        description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_names_the_field_it_breaks() {
        let draft = PartnershipDraft {
            partner: "  ".into(),
            ..Default::default()
        };
        assert_eq!(draft.partner().unwrap_err().field, "partner");
        let draft = PartnershipDraft {
            partner: "lab".into(),
            description: Some("x".repeat(MAX_DESCRIPTION + 1)),
            ..Default::default()
        };
        assert_eq!(draft.terms().unwrap_err().field, "description");
        let err =
            PartnershipDraft::parse(serde_json::json!({"partner": "lab", "themes": ["nope"]}))
                .unwrap_err();
        assert_eq!(err.field, "themes[0]");
        let draft = PartnershipDraft::parse(
            serde_json::json!({"partner": "lab", "themes": ["culture", "climate", "culture"], "description": " "}),
        )
        .unwrap();
        assert_eq!(
            draft.terms().unwrap(),
            PartnershipTerms {
                themes: vec![Theme::Climate, Theme::Culture],
                description: None
            }
        );
    }

    #[test]
    fn one_pair_key_whichever_side_offered() {
        let a = TerritoryRef::Local(Uuid::now_v7());
        let b = TerritoryRef::parse("https://other.example/t/lab").unwrap();
        let one = Partnership::new(a.clone(), b.clone(), PartnershipTerms::default());
        let other = Partnership::new(b.clone(), a.clone(), PartnershipTerms::default());
        assert_eq!(one.pair_key(), other.pair_key());
        let id = a.local().unwrap();
        assert_eq!(one.other_side(id), &b);
        assert_eq!(other.other_side(id), &b);
        assert!(one.involves(id));
    }

    #[test]
    fn remote_terms_are_cleaned_not_refused() {
        let terms = remote_terms(
            &["culture".into(), "bogus".into()],
            Some("  ensemble\u{0} "),
        );
        assert_eq!(terms.themes, vec![Theme::Culture]);
        assert_eq!(terms.description.as_deref(), Some("ensemble"));
        assert_eq!(remote_terms(&[], Some(" ")).description, None);
    }
}
