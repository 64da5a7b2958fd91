//! Matching needs with offers: for an open need, the open offers, resources and territory
//! inventory entries that could serve it, and for an offer, the needs it could serve;
//! ranked by shared concepts (through a French/English skill vocabulary), text
//! similarity, themes, distance and language, with the reasons a page can show.
//!
//! No store and no network here: storage fetches candidates (with [`Need::search_terms`]
//! as its full-text prefilter, themes and a bounding box) and this module ranks them.

pub mod quality;
mod rank;
pub mod vocabulary;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::listing::Origin;
use crate::publication::call::{Call, CallStatus, CallType};
use crate::theme::Theme;

pub(crate) use rank::eligible;
pub use rank::{Matcher, Prepared, Suggestion, Weights};
pub use vocabulary::{ConceptId, Vocabulary, VocabularyError};

/// What a suggestion can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateKind {
    /// A call of the given type.
    Call(CallType),
    /// A learning resource (a guide, a tool): no place of its own.
    Resource,
    /// An entry of a territory's inventory (a room, a machine, equipment to lend).
    Inventory,
}

impl CandidateKind {
    /// Asks for something: needs, partners wanted, calls for projects.
    pub fn asks(self) -> bool {
        matches!(
            self,
            CandidateKind::Call(CallType::Need | CallType::Partners | CallType::Project)
        )
    }
}

/// Anything that can be matched: a call, a resource, an inventory entry, local or
/// remote. Everything storage keeps of it that matching uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// A local publication's uuid as text, a remote one's URL, an inventory entry's id.
    pub id: String,
    pub kind: CandidateKind,
    pub title: String,
    /// Plain text (description, summary, tags).
    pub text: String,
    /// Skills wanted or offered, as written.
    pub skills: Vec<String>,
    pub themes: Vec<Theme>,
    /// BCP 47 tag of its text, when known.
    pub language: Option<String>,
    /// (latitude, longitude).
    pub position: Option<(f64, f64)>,
    /// How far from `position` it applies (a need's scope, an offer's reach).
    pub radius_km: Option<f64>,
    /// Last day it holds.
    pub deadline: Option<NaiveDate>,
    pub status: CallStatus,
    /// Who published it: one of our territories, or a remote actor.
    pub origin: Option<Origin>,
}

impl Candidate {
    /// A call as a candidate (or query); `position` is its scope's place, else where its
    /// territory is, as storage knows it.
    pub fn from_call(
        id: String,
        call: &Call,
        position: Option<(f64, f64)>,
        origin: Option<Origin>,
    ) -> Candidate {
        let scope_position = call
            .scope
            .place
            .as_ref()
            .and_then(|p| p.latitude.zip(p.longitude));
        let text = [
            crate::listing::markdown_text(&call.description),
            call.objectives.join(" "),
            call.tags.join(" "),
        ]
        .join(" ");
        Candidate {
            id,
            kind: CandidateKind::Call(call.call_type),
            title: call.title.clone(),
            text,
            skills: call.skills_wanted.clone(),
            themes: call.themes.clone(),
            language: Some(call.language.clone()).filter(|l| !l.is_empty()),
            position: scope_position.or(position),
            radius_km: call.scope.radius_km,
            deadline: call.deadline,
            status: call.status,
            origin,
        }
    }
}

/// A need (or any call that asks) read once, to rank candidates for it and to prefilter
/// them in storage.
#[derive(Debug, Clone)]
pub struct Need<'v> {
    pub prepared: Prepared,
    vocabulary: &'v Vocabulary,
}

impl<'v> Need<'v> {
    pub fn new(call: Candidate, vocabulary: &'v Vocabulary) -> Need<'v> {
        Need {
            prepared: Prepared::new(call, vocabulary),
            vocabulary,
        }
    }

    /// Normalised words for a full-text prefilter (any of them): the need's own
    /// meaningful words, and every French and English form of the concepts it names
    /// (prefix forms as their prefix). Sorted, without repetitions.
    pub fn search_terms(&self) -> Vec<String> {
        let mut terms = self.concept_terms();
        terms.extend(self.prepared.reading_words().map(str::to_owned));
        terms.sort();
        terms.dedup();
        terms
    }

    /// The French and English forms of the concepts it names (prefix forms as their
    /// prefix), sorted, without repetitions: the part of [`Self::search_terms`] a
    /// prefilter must keep whatever their frequency, for they carry its meaning across
    /// languages.
    pub fn concept_terms(&self) -> Vec<String> {
        let mut terms: Vec<String> = self
            .prepared
            .concept_ids()
            .flat_map(|c| self.vocabulary.surface_words(c))
            .collect();
        terms.sort();
        terms.dedup();
        terms
    }
}

/// Offers, resources and inventory entries for a need, best first, with the shipped
/// vocabulary and default weights.
pub fn suggest_offers(
    need: &Candidate,
    candidates: &[Candidate],
    today: NaiveDate,
) -> Vec<Suggestion> {
    Matcher::builtin().suggest(need, candidates, today)
}

/// Needs (and calls for partners or projects) an offer could serve, best first.
pub fn suggest_needs(
    offer: &Candidate,
    candidates: &[Candidate],
    today: NaiveDate,
) -> Vec<Suggestion> {
    Matcher::builtin().suggest(offer, candidates, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_becomes_a_candidate_with_its_scope() {
        let call: Call = serde_json::from_value(serde_json::json!({
            "type": "need",
            "title": "Apiculture urbaine",
            "description": "Deux **ruches** sur le toit",
            "skills_wanted": ["apiculture"],
            "deadline": "2027-01-31",
            "scope": {"place": {"latitude": 45.76, "longitude": 4.83}, "radius_km": 25.0},
            "language": "fr",
            "themes": ["climate"],
            "tags": ["abeilles"]
        }))
        .unwrap();
        let c = Candidate::from_call("id".into(), &call, Some((1.0, 2.0)), None);
        assert_eq!(c.kind, CandidateKind::Call(CallType::Need));
        assert!(c.kind.asks());
        assert_eq!(c.position, Some((45.76, 4.83)));
        assert_eq!(c.radius_km, Some(25.0));
        assert!(c.text.contains("Deux ruches sur le toit") && c.text.contains("abeilles"));
        assert_eq!(c.language.as_deref(), Some("fr"));
        let mut placeless = call.clone();
        placeless.scope = Default::default();
        let c = Candidate::from_call("id".into(), &placeless, Some((1.0, 2.0)), None);
        assert_eq!((c.position, c.radius_km), (Some((1.0, 2.0)), None));
    }
}
