//! Measuring matching against a labelled set (`node/tests/data/matching/set.json`):
//! precision at 5, recall at 10, nDCG at 5, needs with a trap in their top 5,
//! cross-language pairs found, suggestions outside a need's radius; and the plain
//! word-overlap ranker they are compared with. Used by the quality test and the
//! `matching_quality` example.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Candidate, CandidateKind, vocabulary};
use crate::listing::normalize;
use crate::network::distance_km;
use crate::publication::call::{CallStatus, CallType};
use crate::theme::Theme;

/// The set as written.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledSet {
    /// "Today" for deadlines.
    pub reference_date: NaiveDate,
    pub items: Vec<LabelledItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledItem {
    pub id: String,
    /// need, offer, partners, project, resource, inventory.
    pub kind: String,
    pub language: String,
    pub title: String,
    pub text: String,
    pub skills: Vec<String>,
    pub themes: Vec<Theme>,
    pub town: Option<String>,
    pub position: Option<(f64, f64)>,
    pub radius_km: Option<f64>,
    pub deadline: Option<NaiveDate>,
    /// open, in_progress, closed.
    pub status: CallStatus,
    /// A need's expected matches and traps.
    #[serde(default)]
    pub strong: Vec<String>,
    #[serde(default)]
    pub plausible: Vec<String>,
    #[serde(default)]
    pub traps: Vec<String>,
}

impl LabelledItem {
    pub fn candidate(&self) -> Result<Candidate, String> {
        let kind = match self.kind.as_str() {
            "need" => CandidateKind::Call(CallType::Need),
            "offer" => CandidateKind::Call(CallType::Offer),
            "partners" => CandidateKind::Call(CallType::Partners),
            "project" => CandidateKind::Call(CallType::Project),
            "resource" => CandidateKind::Resource,
            "inventory" => CandidateKind::Inventory,
            other => {
                return Err(format!(
                    "items[id={}].kind: unknown kind `{other}`",
                    self.id
                ));
            }
        };
        Ok(Candidate {
            id: self.id.clone(),
            kind,
            title: self.title.clone(),
            text: self.text.clone(),
            skills: self.skills.clone(),
            themes: self.themes.clone(),
            language: Some(self.language.clone()),
            position: self.position,
            radius_km: self.radius_km,
            deadline: self.deadline,
            status: self.status,
            origin: None,
        })
    }

    fn gain(&self, id: &str) -> f64 {
        if self.strong.iter().any(|s| s == id) {
            2.0
        } else if self.plausible.iter().any(|s| s == id) {
            1.0
        } else {
            0.0
        }
    }
}

/// Which needs are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Two needs in three: what tuning may look at.
    Tuning,
    /// Every third need by id (0-based index `i % 3 == 2` once sorted): never tuned on.
    HeldOut,
    All,
}

impl LabelledSet {
    /// Reads the set, checking that every label names an item.
    pub fn parse(json: &str) -> Result<LabelledSet, String> {
        let de = &mut serde_json::Deserializer::from_str(json);
        let set: LabelledSet = serde_path_to_error::deserialize(de)
            .map_err(|e| format!("{}: {}", e.path(), e.inner()))?;
        let ids: HashSet<&str> = set.items.iter().map(|i| i.id.as_str()).collect();
        for i in &set.items {
            i.candidate()?;
            for label in i.strong.iter().chain(&i.plausible).chain(&i.traps) {
                if !ids.contains(label.as_str()) {
                    return Err(format!("items[id={}]: label `{label}` names no item", i.id));
                }
            }
        }
        Ok(set)
    }

    pub fn needs(&self, split: Split) -> Vec<&LabelledItem> {
        let mut needs: Vec<&LabelledItem> =
            self.items.iter().filter(|i| i.kind == "need").collect();
        needs.sort_by(|a, b| a.id.cmp(&b.id));
        needs
            .into_iter()
            .enumerate()
            .filter(|(i, _)| match split {
                Split::Tuning => i % 3 != 2,
                Split::HeldOut => i % 3 == 2,
                Split::All => true,
            })
            .map(|(_, n)| n)
            .collect()
    }

    /// Every item as a candidate.
    pub fn candidates(&self) -> Vec<Candidate> {
        self.items
            .iter()
            .map(|i| i.candidate().expect("checked by parse"))
            .collect()
    }
}

/// What a ranker is measured on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub needs: usize,
    pub precision_at_5: f64,
    pub recall_at_10: f64,
    pub ndcg_at_5: f64,
    /// Share of needs with a trap among their first 5 suggestions.
    pub trap_share: f64,
    /// Labelled pairs whose two sides are in different languages, and how many of them
    /// are in the need's first 10 suggestions.
    pub cross_language_pairs: usize,
    pub cross_language_found: usize,
    /// The same for strong pairs only: a need whose best match is in the other language.
    pub cross_language_strong_pairs: usize,
    pub cross_language_strong_found: usize,
    /// Suggestions (any rank) outside the radius of a need that has one.
    pub radius_violations: usize,
    /// The needs whose first 5 hold a trap, with the trap.
    pub trapped: Vec<(String, String)>,
    /// Of those, the needs whose first trap is ranked above one of their expected matches
    /// (or that miss an expected match altogether); the others hold traps only below all
    /// their expected matches, in slots left when a need has fewer than 5.
    pub trapped_above_match: usize,
}

impl Figures {
    pub fn cross_language_share(&self) -> f64 {
        share(self.cross_language_found, self.cross_language_pairs)
    }

    pub fn cross_language_strong_share(&self) -> f64 {
        share(
            self.cross_language_strong_found,
            self.cross_language_strong_pairs,
        )
    }
}

fn share(found: usize, of: usize) -> f64 {
    if of == 0 {
        1.0
    } else {
        found as f64 / of as f64
    }
}

/// Runs `rank` (a need and every item; ids best first) over the split's needs.
///
/// Precision at 5 counts relevant suggestions among the first 5 over `min(5, relevant)`,
/// so a need with two expected matches that finds both scores 1; nDCG at 5 uses gains
/// 2 (strong) and 1 (plausible).
pub fn evaluate(
    set: &LabelledSet,
    split: Split,
    mut rank: impl FnMut(&Candidate, &[Candidate]) -> Vec<String>,
) -> Figures {
    let candidates = set.candidates();
    let by_id: HashMap<&str, &LabelledItem> =
        set.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let needs = set.needs(split);
    let mut f = Figures {
        needs: needs.len(),
        ..Figures::default()
    };
    let (mut p5, mut r10, mut ndcg, mut trapped) = (0.0, 0.0, 0.0, 0);
    for need in &needs {
        let query = need.candidate().expect("checked by parse");
        let ranked = rank(&query, &candidates);
        let relevant: Vec<&String> = need.strong.iter().chain(&need.plausible).collect();
        let top = |k: usize| ranked.iter().take(k);
        let hits5 = top(5).filter(|id| need.gain(id) > 0.0).count();
        let hits10 = top(10).filter(|id| need.gain(id) > 0.0).count();
        if !relevant.is_empty() {
            p5 += hits5 as f64 / relevant.len().min(5) as f64;
            r10 += hits10 as f64 / relevant.len() as f64;
        }
        let dcg: f64 = top(5)
            .enumerate()
            .map(|(i, id)| need.gain(id) / (i as f64 + 2.0).log2())
            .sum();
        let mut ideal: Vec<f64> = relevant.iter().map(|id| need.gain(id)).collect();
        ideal.sort_by(|a, b| b.total_cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, g)| g / (i as f64 + 2.0).log2())
            .sum();
        if idcg > 0.0 {
            ndcg += dcg / idcg;
        }
        if let Some(at) = top(5).position(|id| need.traps.contains(id)) {
            trapped += 1;
            f.trapped.push((need.id.clone(), ranked[at].clone()));
            let below = |id: &&String| ranked.iter().position(|r| r == *id).is_none_or(|r| r > at);
            if relevant.iter().any(below) {
                f.trapped_above_match += 1;
            }
        }
        for id in &relevant {
            if by_id[id.as_str()].language != need.language {
                let found = usize::from(top(10).any(|r| r == *id));
                f.cross_language_pairs += 1;
                f.cross_language_found += found;
                if need.gain(id) == 2.0 {
                    f.cross_language_strong_pairs += 1;
                    f.cross_language_strong_found += found;
                }
            }
        }
        if let (Some((lat, lon)), Some(radius)) = (need.position, need.radius_km) {
            f.radius_violations += ranked
                .iter()
                .filter_map(|id| by_id.get(id.as_str()))
                .filter(|c| match c.position {
                    Some((la, lo)) => distance_km(lat, lon, la, lo) > radius,
                    None => c.kind != "resource",
                })
                .count();
        }
    }
    let n = needs.len().max(1) as f64;
    f.precision_at_5 = p5 / n;
    f.recall_at_10 = r10 / n;
    f.ndcg_at_5 = ndcg / n;
    f.trap_share = trapped as f64 / n;
    f
}

/// The plain ranker matching is compared with: offers (for a need) that are open and
/// current, by the number of distinct words they share with it (stop words aside; no
/// vocabulary, no distance); ties by id. With `within_reach`, it also keeps only what the
/// matcher's hard filters keep (radii), so that what remains is the ranking's part.
pub fn word_overlap(
    query: &Candidate,
    candidates: &[Candidate],
    today: NaiveDate,
    within_reach: bool,
) -> Vec<String> {
    let words = |c: &Candidate| -> HashSet<String> {
        let text = format!("{} {} {}", c.title, c.text, c.skills.join(" "));
        normalize(&text)
            .split(' ')
            .filter(|w| !w.is_empty() && !vocabulary::is_stop_word(w))
            .map(str::to_owned)
            .collect()
    };
    let q = words(query);
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .filter(|c| {
            if within_reach {
                super::rank::eligible(query, c, today).is_some()
            } else {
                c.kind.asks() != query.kind.asks()
                    && c.status == CallStatus::Open
                    && c.deadline.is_none_or(|d| d >= today)
            }
        })
        .map(|c| (words(c).intersection(&q).count(), c.id.as_str()))
        .filter(|(n, _)| *n > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().map(|(_, id)| id.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: &str = include_str!("../../tests/data/matching/set.json");
    const SECOND_AUTHOR: &str = include_str!("../../tests/data/matching/second_author.json");

    /// Labels that break the sets' rule: a relevant candidate is open, current and within
    /// both the need's and its own radius.
    fn unreachable_labels(set: &LabelledSet) -> Vec<String> {
        let by_id: HashMap<&str, &LabelledItem> =
            set.items.iter().map(|i| (i.id.as_str(), i)).collect();
        let mut bad = Vec::new();
        for need in set.needs(Split::All) {
            for id in need.strong.iter().chain(&need.plausible) {
                let c = by_id[id.as_str()];
                let current = c.status == CallStatus::Open
                    && c.deadline.is_none_or(|d| d >= set.reference_date);
                let within = match (need.position, c.position) {
                    (Some((la, lo)), Some((cla, clo))) => {
                        let d = distance_km(la, lo, cla, clo);
                        need.radius_km.is_none_or(|r| d <= r) && c.radius_km.is_none_or(|r| d <= r)
                    }
                    _ => true,
                };
                if !current || !within {
                    bad.push(format!("{} -> {id}", need.id));
                }
            }
        }
        bad
    }

    #[test]
    fn second_authors_set_is_large_bilingual_and_graded() {
        let set = LabelledSet::parse(SECOND_AUTHOR).unwrap();
        assert!(set.items.len() >= 120, "{} items", set.items.len());
        let needs = set.needs(Split::All);
        assert!(needs.len() >= 40, "{} needs", needs.len());
        for lang in ["fr", "en"] {
            assert!(needs.iter().filter(|n| n.language == lang).count() >= 10);
        }
        assert!(needs.iter().all(|n| !n.strong.is_empty()));
        assert!(needs.iter().filter(|n| !n.traps.is_empty()).count() >= needs.len() / 2);
        let f = evaluate(&set, Split::All, |_, _| Vec::new());
        assert!(f.cross_language_strong_pairs >= 10, "{f:?}");
    }

    #[test]
    fn relevant_labels_are_open_current_and_within_reach() {
        for (name, json) in [("set.json", SET), ("second_author.json", SECOND_AUTHOR)] {
            let set = LabelledSet::parse(json).unwrap();
            assert_eq!(unreachable_labels(&set), Vec::<String>::new(), "{name}");
        }
        // The check sees a label out of reach.
        let mut set = LabelledSet::parse(SECOND_AUTHOR).unwrap();
        let need = set
            .items
            .iter_mut()
            .find(|i| i.id == "n2-repar-lyon")
            .unwrap();
        need.strong.push("i2-soudure-grenoble".into());
        assert_eq!(
            unreachable_labels(&set),
            ["n2-repar-lyon -> i2-soudure-grenoble"]
        );
    }

    #[test]
    fn a_trap_above_an_expected_match_is_told_from_one_below_them_all() {
        let set = LabelledSet::parse(SECOND_AUTHOR).unwrap();
        let ranking = |order: &'static [&'static str]| {
            move |need: &Candidate, _: &[Candidate]| -> Vec<String> {
                if need.id == "n2-code-marseille" {
                    order.iter().map(|s| s.to_string()).collect()
                } else {
                    Vec::new()
                }
            }
        };
        let above: &'static [&str] = &[
            "o2-coding-marseille",
            "o2-code-route-marseille",
            "o2-coderdojo-aubagne",
            "o2-stem-marseille-en",
        ];
        let f = evaluate(&set, Split::All, ranking(above));
        assert_eq!(f.trapped.len(), 1);
        assert_eq!(f.trapped_above_match, 1);
        let below: &'static [&str] = &[
            "o2-coding-marseille",
            "o2-coderdojo-aubagne",
            "o2-stem-marseille-en",
            "o2-code-route-marseille",
        ];
        let f = evaluate(&set, Split::All, ranking(below));
        assert_eq!(
            f.trapped,
            [(
                "n2-code-marseille".to_owned(),
                "o2-code-route-marseille".to_owned()
            )]
        );
        assert_eq!(f.trapped_above_match, 0);
    }
}
