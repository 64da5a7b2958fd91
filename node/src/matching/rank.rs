//! The ranker: hard filters (open, not past its deadline, the other direction, inside
//! both radii), then a score from shared concepts and shared words (BM25 over the
//! candidates at hand), themes, distance and language. Deterministic: ties go to the
//! smaller id.

use chrono::NaiveDate;

use super::vocabulary::{ConceptId, Reading, Vocabulary};
use super::{Candidate, CandidateKind};
use crate::network::distance_km;
use crate::publication::call::CallStatus;
use crate::theme::Theme;

/// How much each part of the score counts, and the BM25 constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Shared concepts (BM25 over concepts, 0..1).
    pub concepts: f64,
    /// Shared plain words (BM25 over words, 0..1).
    pub words: f64,
    /// Share of themes in common (Jaccard, 0..1).
    pub themes: f64,
    /// Closeness, `1 / (1 + km / distance_scale_km)`.
    pub distance: f64,
    pub distance_scale_km: f64,
    /// Same language as the query.
    pub language: f64,
    /// A concept related to one of the query's counts this much of it.
    pub related: f64,
    /// Title and skills count this many times the text.
    pub title_boost: f64,
    pub skills_boost: f64,
    /// BM25's term saturation and length normalisation.
    pub k1: f64,
    pub b: f64,
    /// Suggestions scoring less are dropped.
    pub min_score: f64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            concepts: 1.0,
            words: 0.5,
            themes: 0.1,
            distance: 0.1,
            distance_scale_km: 30.0,
            language: 0.05,
            related: 0.3,
            title_boost: 2.0,
            skills_boost: 2.0,
            k1: 1.2,
            b: 0.5,
            min_score: 0.05,
        }
    }
}

/// A candidate read once through the vocabulary: what ranking compares. Storage may keep
/// these for the candidates it serves often; reading is most of the cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub candidate: Candidate,
    /// Weighted term frequencies, sorted by term.
    concepts: Vec<(ConceptId, f64)>,
    words: Vec<(String, f64)>,
    /// Sums of the weights: the lengths BM25 normalises by.
    concepts_len: f64,
    words_len: f64,
}

impl Prepared {
    pub fn new(candidate: Candidate, vocabulary: &Vocabulary) -> Prepared {
        Prepared::with_weights(candidate, vocabulary, &Weights::default())
    }

    fn with_weights(candidate: Candidate, vocabulary: &Vocabulary, w: &Weights) -> Prepared {
        let lang = candidate.language.as_deref();
        let mut concepts: Vec<(ConceptId, f64)> = Vec::new();
        let mut words: Vec<(String, f64)> = Vec::new();
        let mut add = |reading: Reading, weight: f64| {
            concepts.extend(reading.concepts.into_iter().map(|c| (c, weight)));
            words.extend(reading.words.into_iter().map(|t| (t, weight)));
        };
        add(vocabulary.read(&candidate.title, lang), w.title_boost);
        add(vocabulary.read(&candidate.text, lang), 1.0);
        for skill in &candidate.skills {
            add(vocabulary.read(skill, lang), w.skills_boost);
        }
        let concepts = sum_sorted(concepts);
        let words = sum_sorted(words);
        Prepared {
            concepts_len: concepts.iter().map(|t| t.1).sum(),
            words_len: words.iter().map(|t| t.1).sum(),
            concepts,
            words,
            candidate,
        }
    }

    /// The concepts it names.
    pub fn concept_ids(&self) -> impl Iterator<Item = ConceptId> + '_ {
        self.concepts.iter().map(|t| t.0)
    }

    /// Its meaningful words (normalised, plurals folded).
    pub fn reading_words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|t| t.0.as_str())
    }
}

/// Terms with their weights summed, sorted by term.
fn sum_sorted<T: Ord>(mut terms: Vec<(T, f64)>) -> Vec<(T, f64)> {
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(T, f64)> = Vec::with_capacity(terms.len());
    for (t, w) in terms {
        match out.last_mut() {
            Some(last) if last.0 == t => last.1 += w,
            _ => out.push((t, w)),
        }
    }
    out
}

fn weight_of<T: Ord + ?Sized, U: std::borrow::Borrow<T>>(terms: &[(U, f64)], t: &T) -> f64 {
    terms
        .binary_search_by(|probe| probe.0.borrow().cmp(t))
        .map(|i| terms[i].1)
        .unwrap_or(0.0)
}

/// One suggestion and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub id: String,
    pub score: f64,
    /// Concepts both name, the most telling first.
    pub shared_concepts: Vec<ConceptId>,
    pub shared_themes: Vec<Theme>,
    /// From the query's position, when both have one.
    pub distance_km: Option<f64>,
    pub same_language: bool,
}

/// A vocabulary and weights: what ranks.
#[derive(Debug, Clone)]
pub struct Matcher<'v> {
    pub vocabulary: &'v Vocabulary,
    pub weights: Weights,
}

impl Matcher<'static> {
    /// The shipped vocabulary, default weights.
    pub fn builtin() -> Matcher<'static> {
        Matcher::new(Vocabulary::builtin())
    }
}

impl<'v> Matcher<'v> {
    pub fn new(vocabulary: &'v Vocabulary) -> Matcher<'v> {
        Matcher {
            vocabulary,
            weights: Weights::default(),
        }
    }

    pub fn prepare(&self, candidate: Candidate) -> Prepared {
        Prepared::with_weights(candidate, self.vocabulary, &self.weights)
    }

    /// For a query that asks (a need), the offers, resources and inventory entries; for
    /// one that offers, the needs. Best first.
    pub fn suggest(
        &self,
        query: &Candidate,
        candidates: &[Candidate],
        today: NaiveDate,
    ) -> Vec<Suggestion> {
        let query = self.prepare(query.clone());
        let prepared: Vec<Prepared> = candidates
            .iter()
            .filter(|c| eligible(&query.candidate, c, today).is_some())
            .map(|c| self.prepare(c.clone()))
            .collect();
        self.rank(&query, &prepared, today)
    }

    /// The same on candidates read beforehand.
    pub fn rank<'c>(
        &self,
        query: &Prepared,
        candidates: impl IntoIterator<Item = &'c Prepared>,
        today: NaiveDate,
    ) -> Vec<Suggestion> {
        let q = &query.candidate;
        if q.status != CallStatus::Open || q.deadline.is_some_and(|d| d < today) {
            return Vec::new();
        }
        let pool: Vec<(&Prepared, Option<f64>)> = candidates
            .into_iter()
            .filter_map(|c| eligible(q, &c.candidate, today).map(|d| (c, d)))
            .collect();
        if pool.is_empty() {
            return Vec::new();
        }
        let w = &self.weights;
        // The query's concepts, and those related to them at a fraction of their weight.
        let mut query_concepts: Vec<(ConceptId, f64)> = query.concepts.clone();
        for &(c, weight) in &query.concepts {
            for &r in &self.vocabulary.concept(c).related {
                if weight_of(&query.concepts, &r) == 0.0 {
                    query_concepts.push((r, weight * w.related));
                }
            }
        }
        let query_concepts = max_sorted(query_concepts);
        let n = pool.len() as f64;
        let concepts_bm25 = Bm25::new(
            &query_concepts,
            pool.iter().map(|(p, _)| (&p.concepts[..], p.concepts_len)),
            n,
            w,
        );
        let words_bm25 = Bm25::new(
            &query.words,
            pool.iter().map(|(p, _)| (&p.words[..], p.words_len)),
            n,
            w,
        );
        let query_lang = q.language.as_deref().map(primary);
        let mut out: Vec<Suggestion> = pool
            .iter()
            .filter_map(|&(p, distance)| {
                let c = &p.candidate;
                let (concept_score, shared) = concepts_bm25.score(&p.concepts, p.concepts_len);
                let (word_score, _) = words_bm25.score(&p.words, p.words_len);
                if concept_score == 0.0 && word_score == 0.0 {
                    return None;
                }
                let shared_themes: Vec<Theme> = q
                    .themes
                    .iter()
                    .copied()
                    .filter(|t| c.themes.contains(t))
                    .collect();
                let union = q.themes.len() + c.themes.len() - shared_themes.len();
                let themes = if union == 0 {
                    0.0
                } else {
                    shared_themes.len() as f64 / union as f64
                };
                let closeness = distance.map_or(0.0, |d| 1.0 / (1.0 + d / w.distance_scale_km));
                let same_language =
                    query_lang.is_some() && query_lang == c.language.as_deref().map(primary);
                let score = w.concepts * concept_score
                    + w.words * word_score
                    + w.themes * themes
                    + w.distance * closeness
                    + w.language * f64::from(u8::from(same_language));
                (score >= w.min_score).then(|| Suggestion {
                    id: c.id.clone(),
                    score,
                    shared_concepts: shared
                        .into_iter()
                        .filter(|c| weight_of(&query.concepts, c) > 0.0)
                        .collect(),
                    shared_themes,
                    distance_km: distance,
                    same_language,
                })
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// Terms with the largest of their weights, sorted by term.
fn max_sorted<T: Ord>(mut terms: Vec<(T, f64)>) -> Vec<(T, f64)> {
    terms.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    terms.dedup_by(|a, b| a.0 == b.0);
    terms
}

/// Whether `c` may be suggested for `query`, and if so its distance (when both have a
/// position). A query that asks gets what offers; one that offers gets what asks. A query
/// with a radius gets nothing outside it, nor anything placeless but resources; a
/// candidate with a radius is not suggested outside it either.
pub(crate) fn eligible(query: &Candidate, c: &Candidate, today: NaiveDate) -> Option<Option<f64>> {
    if c.id == query.id
        || c.kind.asks() == query.kind.asks()
        || c.status != CallStatus::Open
        || c.deadline.is_some_and(|d| d < today)
    {
        return None;
    }
    match (query.position, c.position) {
        (Some((lat1, lon1)), Some((lat2, lon2))) => {
            let d = distance_km(lat1, lon1, lat2, lon2);
            let within = |r: Option<f64>| r.is_none_or(|r| d <= r);
            (within(query.radius_km) && within(c.radius_km)).then_some(Some(d))
        }
        (Some(_), None) if query.radius_km.is_some() => {
            (c.kind == CandidateKind::Resource).then_some(None)
        }
        _ => Some(None),
    }
}

/// BM25 of one query over a pool, normalised so that a candidate holding every query
/// term at saturation scores about 1.
struct Bm25<'q, T> {
    /// Query terms with their weight times idf.
    terms: Vec<(&'q T, f64)>,
    avg_len: f64,
    total: f64,
    k1: f64,
    b: f64,
}

impl<'q, T: Ord + Clone> Bm25<'q, T> {
    fn new<'p>(
        query: &'q [(T, f64)],
        pool: impl Iterator<Item = (&'p [(T, f64)], f64)> + Clone,
        n: f64,
        w: &Weights,
    ) -> Bm25<'q, T>
    where
        T: 'p,
    {
        let mut df = vec![0u32; query.len()];
        let mut total_len = 0.0;
        for (terms, len) in pool {
            total_len += len;
            for (i, (t, _)) in query.iter().enumerate() {
                if weight_of(terms, t) > 0.0 {
                    df[i] += 1;
                }
            }
        }
        let terms: Vec<(&T, f64)> = query
            .iter()
            .zip(&df)
            .map(|((t, qw), &df)| {
                let idf = (1.0 + (n - f64::from(df) + 0.5) / (f64::from(df) + 0.5)).ln();
                (t, qw.ln_1p() * idf)
            })
            .collect();
        let total = terms.iter().map(|t| t.1).sum::<f64>() * (w.k1 + 1.0) * 0.5;
        Bm25 {
            terms,
            avg_len: (total_len / n).max(1e-9),
            total: total.max(1e-9),
            k1: w.k1,
            b: w.b,
        }
    }

    /// The score and the shared terms, most telling first.
    fn score(&self, doc: &[(T, f64)], len: f64) -> (f64, Vec<T>) {
        let norm = self.k1 * (1.0 - self.b + self.b * len / self.avg_len);
        let mut shared: Vec<(&T, f64)> = Vec::new();
        for &(t, qw) in &self.terms {
            let tf = weight_of(doc, t);
            if tf > 0.0 {
                shared.push((t, qw * tf * (self.k1 + 1.0) / (tf + norm)));
            }
        }
        let score = shared.iter().map(|s| s.1).sum::<f64>() / self.total;
        shared.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        (score, shared.into_iter().map(|s| s.0.clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::{suggest_needs, suggest_offers};
    use crate::publication::call::CallType;

    fn call(id: &str, kind: CallType, lang: &str, title: &str, at: (f64, f64)) -> Candidate {
        Candidate {
            id: id.into(),
            kind: CandidateKind::Call(kind),
            title: title.into(),
            text: String::new(),
            skills: Vec::new(),
            themes: Vec::new(),
            language: Some(lang.into()),
            position: Some(at),
            radius_km: None,
            deadline: None,
            status: CallStatus::Open,
            origin: None,
        }
    }

    const LYON: (f64, f64) = (45.764, 4.8357);
    const VILLEURBANNE: (f64, f64) = (45.7719, 4.8902);
    const STRASBOURG: (f64, f64) = (48.5734, 7.7521);

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn french_need_finds_english_offer_with_reasons() {
        let mut need = call(
            "n",
            CallType::Need,
            "fr",
            "Apiculture urbaine sur notre toit",
            LYON,
        );
        need.radius_km = Some(25.0);
        let offers = [
            call(
                "a",
                CallType::Offer,
                "en",
                "Urban beekeeping support",
                VILLEURBANNE,
            ),
            call(
                "b",
                CallType::Offer,
                "en",
                "Urban beekeeping support",
                STRASBOURG,
            ),
            call("c", CallType::Need, "en", "Urban beekeeping", VILLEURBANNE),
            call("d", CallType::Offer, "fr", "Cours de couture", VILLEURBANNE),
        ];
        let s = suggest_offers(&need, &offers, today());
        assert_eq!(s.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["a"]);
        let v = Vocabulary::builtin();
        let reasons: Vec<&str> = s[0]
            .shared_concepts
            .iter()
            .map(|&c| v.label(c, Some("fr")))
            .collect();
        assert!(reasons.contains(&"apiculture"), "{reasons:?}");
        assert!((3.0..6.0).contains(&s[0].distance_km.unwrap()));
        assert!(!s[0].same_language);
    }

    #[test]
    fn hard_filters() {
        let mut need = call("n", CallType::Need, "fr", "Prêt de vidéoprojecteur", LYON);
        let mut closed = call(
            "closed",
            CallType::Offer,
            "fr",
            "Prêt de vidéoprojecteur",
            LYON,
        );
        closed.status = CallStatus::Closed;
        let mut expired = call(
            "expired",
            CallType::Offer,
            "fr",
            "Prêt de vidéoprojecteur",
            LYON,
        );
        expired.deadline = NaiveDate::from_ymd_opt(2026, 11, 30);
        let mut short_reach = call(
            "reach",
            CallType::Offer,
            "fr",
            "Prêt de vidéoprojecteur",
            VILLEURBANNE,
        );
        short_reach.radius_km = Some(1.0);
        let mut placeless = call(
            "placeless",
            CallType::Offer,
            "fr",
            "Prêt de vidéoprojecteur",
            LYON,
        );
        placeless.position = None;
        let open = call(
            "open",
            CallType::Offer,
            "fr",
            "Prêt de vidéoprojecteur",
            STRASBOURG,
        );
        let all = [closed, expired, short_reach, placeless, open];
        let ids = |s: Vec<Suggestion>| s.into_iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(
            ids(suggest_offers(&need, &all, today())),
            ["open", "placeless"]
        );
        need.radius_km = Some(50.0);
        assert!(ids(suggest_offers(&need, &all, today())).is_empty());
        need.status = CallStatus::Closed;
        assert!(suggest_offers(&need, &all, today()).is_empty());
    }

    #[test]
    fn senses_keep_traps_out() {
        let need = call(
            "n",
            CallType::Need,
            "fr",
            "Prêt de vidéoprojecteur et de sono",
            LYON,
        );
        let offers = [
            call(
                "ready",
                CallType::Offer,
                "fr",
                "Animatrice prête à intervenir, sono en main",
                LYON,
            ),
            call("loan", CallType::Offer, "en", "Projector to lend", LYON),
        ];
        let s = suggest_offers(&need, &offers, today());
        assert_eq!(s[0].id, "loan");
    }

    #[test]
    fn offers_find_needs_deterministically() {
        let offer = call("o", CallType::Offer, "en", "Bike repair workshop", LYON);
        let needs = [
            call(
                "n2",
                CallType::Need,
                "fr",
                "Atelier de réparation de vélos",
                VILLEURBANNE,
            ),
            call(
                "n1",
                CallType::Need,
                "fr",
                "Atelier de réparation de vélos",
                VILLEURBANNE,
            ),
            call(
                "o2",
                CallType::Offer,
                "fr",
                "Atelier de réparation de vélos",
                VILLEURBANNE,
            ),
        ];
        let s = suggest_needs(&offer, &needs, today());
        assert_eq!(
            s.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["n1", "n2"]
        );
        assert_eq!(s[0].score, s[1].score);
    }

    #[test]
    fn search_terms_cross_languages() {
        let need = crate::matching::Need::new(
            call("n", CallType::Need, "fr", "Apiculture urbaine", LYON),
            Vocabulary::builtin(),
        );
        let terms = need.search_terms();
        for t in ["apiculture", "urbaine", "beekeep", "bee", "hive", "urban"] {
            assert!(terms.iter().any(|x| x == t), "{t} in {terms:?}");
        }
    }
}
