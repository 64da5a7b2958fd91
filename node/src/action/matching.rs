//! Matching as the pages and the API ask for it: for a call the node stores (local or
//! remote), the offers, resources and territories' inventory entries that could answer
//! it, or for an offer the needs it could serve, ranked with their reasons; and the
//! matching board, every open need the node knows with its best suggestions.
//!
//! Storage fetches a bounded set of candidates ([`MatchingStore`]); the engine
//! (`crate::matching`) ranks them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};

use chrono::{DateTime, NaiveDate, Utc};

use super::{ActionError, Actions};
use crate::Territory;
use crate::inventory::{Inventory, InventoryEntry};
use crate::listing::{Listing, NEVER_ENDS, Origin, normalize};
use crate::matching::{Candidate, CandidateKind, Matcher, Need, Prepared, Suggestion, Weights};
use crate::network::Near;
use crate::publication::PublicationKind;
use crate::publication::call::CallStatus;
use crate::store::Store;
use crate::store::{CandidateQuery, InventoryOwner, MatchNotice};
use crate::theme::Theme;

/// Storage hands the ranker at most this many listings for one call.
pub const MAX_CANDIDATES: i64 = 500;

/// A new publication is noticed by the calls among its best this many matches.
pub const NOTICED_AMONG: usize = 5;

/// How a notice names an inventory entry that matched: `inventory:<slug>#<label>`.
pub const INVENTORY_NOTICE: &str = "inventory:";

/// What a suggestion points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Suggested {
    /// A publication of the index, local or remote.
    Listing(Box<Listing>),
    /// One entry of what a territory (local or a peer's) shares.
    Inventory {
        owner: Box<InventoryOwner>,
        entry: InventoryEntry,
    },
}

/// One ranked suggestion: what it is, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub suggested: Suggested,
    pub why: Suggestion,
}

/// A call (or resource) and what could answer it, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSuggestions {
    pub call: Listing,
    /// `true` when the call asks (the suggestions are offers, resources, inventories);
    /// `false` for an offer or a resource (the suggestions are needs).
    pub asks: bool,
    pub suggestions: Vec<Match>,
}

/// The matching board's filters.
#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    pub theme: Option<Theme>,
    /// Needs for this age group (or for everyone).
    pub age_group: Option<crate::publication::audience::AgeGroup>,
    pub near: Option<Near>,
    pub language: Option<String>,
    /// Suggestions shown for each need.
    pub per_need: usize,
    /// Needs shown.
    pub limit: usize,
}

/// A listing as the engine sees it; `None` for what matching does not read (events).
pub fn candidate_of(l: &Listing) -> Option<Candidate> {
    let kind = match l.kind {
        PublicationKind::Call => CandidateKind::Call(l.call.call_type?),
        PublicationKind::Resource => CandidateKind::Resource,
        PublicationKind::Event => return None,
    };
    let origin = match (&l.territory_id, &l.actor_id) {
        (Some(t), _) => Some(Origin::Territory(*t)),
        (None, Some(a)) => Some(Origin::Actor(a.clone())),
        _ => None,
    };
    Some(Candidate {
        id: l.id.clone(),
        kind,
        title: l.title.clone(),
        text: l.summary.clone(),
        skills: l
            .call
            .skills
            .split('|')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        themes: l.themes.clone(),
        language: l.language.clone(),
        position: l.latitude.zip(l.longitude),
        radius_km: l.call.radius_km,
        deadline: l
            .ends_at
            .filter(|e| *e < NEVER_ENDS)
            .map(|e| e.date_naive()),
        status: l.call.status.unwrap_or(CallStatus::Open),
        origin,
    })
}

/// What a territory shares, one candidate per entry; the id is `owner#index`.
fn inventory_candidates(owners: &[InventoryOwner]) -> Vec<Candidate> {
    owners
        .iter()
        .flat_map(|o| {
            o.inventory
                .shares
                .iter()
                .enumerate()
                .map(|(i, e)| Candidate {
                    id: format!("{}#{i}", o.id),
                    kind: CandidateKind::Inventory,
                    title: e.label.clone(),
                    text: e.tags.join(" "),
                    skills: Vec::new(),
                    themes: o.themes.clone(),
                    language: None,
                    position: o.position,
                    radius_km: None,
                    deadline: None,
                    status: CallStatus::Open,
                    origin: None,
                })
        })
        .collect()
}

/// Every inventory entry read once through the vocabulary, with the words
/// [`mentions_any`] looks at: what the ranker compares, for as long as the store hands
/// back the same inventories (the same `Arc`) and the matcher is the same.
struct ReadInventories {
    owners: Weak<[InventoryOwner]>,
    matcher: (usize, Weights),
    entries: Arc<[(Prepared, Vec<String>)]>,
}

/// The inventories read last (one set: a node has one store and one vocabulary).
static READ_INVENTORIES: Mutex<Option<ReadInventories>> = Mutex::new(None);

/// `owners`' entries read through `matcher`, from memory when they were already.
fn read_inventories(
    owners: &Arc<[InventoryOwner]>,
    matcher: &Matcher<'_>,
) -> Arc<[(Prepared, Vec<String>)]> {
    let key = (
        std::ptr::from_ref(matcher.vocabulary) as usize,
        matcher.weights,
    );
    let mut kept = READ_INVENTORIES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(read) = kept.as_ref()
        && read.matcher == key
        && read
            .owners
            .upgrade()
            .is_some_and(|o| Arc::ptr_eq(&o, owners))
    {
        return read.entries.clone();
    }
    let entries: Arc<[(Prepared, Vec<String>)]> = inventory_candidates(owners)
        .into_iter()
        .map(|c| {
            let words = words_of(&c);
            (matcher.prepare(c), words)
        })
        .collect();
    *kept = Some(ReadInventories {
        owners: Arc::downgrade(owners),
        matcher: key,
        entries: entries.clone(),
    });
    entries
}

/// The notices `matched` (by its id and title) gives the local calls of other territories
/// than `from` among `suggestions`.
fn notices_of(
    suggestions: &[Match],
    from: Option<uuid::Uuid>,
    matched_id: &str,
    matched_title: &str,
    now: DateTime<Utc>,
) -> Vec<MatchNotice> {
    suggestions
        .iter()
        .filter_map(|m| match &m.suggested {
            Suggested::Listing(l)
                if l.kind == PublicationKind::Call
                    && l.territory_id.is_some()
                    && l.territory_id != from =>
            {
                Some(MatchNotice {
                    call_id: l.id.parse().ok()?,
                    territory_id: l.territory_id?,
                    matched_id: matched_id.to_owned(),
                    matched_title: matched_title.to_owned(),
                    created_at: now,
                    seen_at: None,
                })
            }
            _ => None,
        })
        .collect()
}

/// Matching on a store, for [`Actions`] and for whatever holds only a store (benchmarks).
pub struct Matchmaker<'a> {
    pub store: &'a dyn Store,
    pub matcher: &'a Matcher<'a>,
}

impl Matchmaker<'_> {
    /// What could answer the call `id` (a local publication's uuid or a remote object's
    /// URL, as the index keys it): for a call that asks, offers, resources and inventory
    /// entries; for an offer or a resource, the needs it could serve. At most `limit`.
    pub async fn suggestions_for_call(
        &self,
        id: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<CallSuggestions, ActionError> {
        let call = self
            .store
            .listing_by_id(id)
            .await?
            .ok_or(ActionError::NotFound)?;
        let owners = self.store.inventory_owners().await?;
        self.suggest(call, &owners, now, limit).await
    }

    /// The needs an offer (or a resource) could serve: [`Self::suggestions_for_call`] for
    /// what offers; `NotFound` for a call that asks.
    pub async fn needs_for(
        &self,
        offer: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<CallSuggestions, ActionError> {
        let found = self.suggestions_for_call(offer, now, limit).await?;
        if found.asks {
            return Err(ActionError::NotFound);
        }
        Ok(found)
    }

    /// Tells the editors of this node's open calls (in `/manage`) that the publication
    /// `id`, just indexed, is among their best matches: an offer or a resource for the
    /// needs it could serve, a need for the offers that could answer it. Calls of its own
    /// territory are not told; each call hears of a publication once. Returns the
    /// notices of the territories that got new ones; a publication matching does not read
    /// (an event) gives none.
    pub async fn notice_matches(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<MatchNotice>, ActionError> {
        let found = match self.suggestions_for_call(id, now, NOTICED_AMONG).await {
            Ok(found) => found,
            Err(ActionError::NotFound) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let notices = notices_of(
            &found.suggestions,
            found.call.territory_id,
            &found.call.id,
            &found.call.title,
            now,
        );
        let added = self.add_notices(notices).await?;
        if !added.is_empty() {
            tracing::info!(publication = %id, added = added.len(), "new match noticed by open calls");
        }
        Ok(added)
    }

    /// Tells the editors of this node's open needs (in `/manage`) that `territory` now
    /// shares something among their best matches: each entry of its inventory's `shares`
    /// that `before` did not hold is ranked like an offer. Its own calls are not told.
    pub async fn notice_inventory(
        &self,
        territory: &Territory,
        before: &Inventory,
        now: DateTime<Utc>,
    ) -> Result<Vec<MatchNotice>, ActionError> {
        let slug = &territory.profile.slug;
        let owner = InventoryOwner {
            id: slug.clone(),
            name: territory.profile.name.clone(),
            node: None,
            position: territory
                .profile
                .place
                .latitude
                .zip(territory.profile.place.longitude),
            themes: territory.profile.themes.clone(),
            languages: territory.profile.languages.clone(),
            inventory: territory.profile.inventory.clone(),
        };
        let notices = self
            .shares_noticed(&owner, &before.shares, Some(territory.id), now)
            .await?;
        let added = self.add_notices(notices).await?;
        if !added.is_empty() {
            tracing::info!(territory = %slug, added = added.len(), "new inventory entries noticed by open calls");
        }
        Ok(added)
    }

    /// Stores `notices`, one territory at a time; returns those of the territories that
    /// got at least one new notice (their editors are told, once for the batch).
    async fn add_notices(
        &self,
        notices: Vec<MatchNotice>,
    ) -> Result<Vec<MatchNotice>, ActionError> {
        let mut territories: Vec<uuid::Uuid> = notices.iter().map(|n| n.territory_id).collect();
        territories.sort();
        territories.dedup();
        let mut added = Vec::new();
        for territory in territories {
            let batch: Vec<MatchNotice> = notices
                .iter()
                .filter(|n| n.territory_id == territory)
                .cloned()
                .collect();
            if self.store.add_match_notices(&batch).await? > 0 {
                added.extend(batch);
            }
        }
        Ok(added)
    }

    /// [`Self::notice_inventory`] for a peer's directory read again: each entry of what a
    /// territory it lists shares that `before` (the directory read last time, if any) did
    /// not list for that territory is ranked like an offer, and the open needs of this
    /// node it fits are told.
    pub async fn notice_directory(
        &self,
        host: &str,
        before: Option<&serde_json::Value>,
        after: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<Vec<MatchNotice>, ActionError> {
        let before = before
            .map(|d| crate::store::matching::directory_owners(host, d))
            .unwrap_or_default();
        let mut notices = Vec::new();
        for owner in crate::store::matching::directory_owners(host, after) {
            let known = before
                .iter()
                .find(|b| b.id == owner.id)
                .map(|b| b.inventory.shares.as_slice())
                .unwrap_or_default();
            notices.extend(self.shares_noticed(&owner, known, None, now).await?);
        }
        let added = self.add_notices(notices).await?;
        if !added.is_empty() {
            tracing::info!(peer = %host, added = added.len(), "a peer's new inventory entries noticed by open calls");
        }
        Ok(added)
    }

    /// The notices `owner`'s shared entries not among `known` (by their label) give the
    /// local open needs of other territories than `from` among whose best matches they are.
    async fn shares_noticed(
        &self,
        owner: &InventoryOwner,
        known: &[InventoryEntry],
        from: Option<uuid::Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Vec<MatchNotice>, ActionError> {
        let mut notices = Vec::new();
        for (entry, query) in owner
            .inventory
            .shares
            .iter()
            .zip(inventory_candidates(std::slice::from_ref(owner)))
        {
            if known
                .iter()
                .any(|b| normalize(&b.label) == normalize(&entry.label))
            {
                continue;
            }
            let exclude = query.id.clone();
            let (_, found) = self
                .rank_for(query, exclude, &Arc::from([]), now, NOTICED_AMONG)
                .await?;
            notices.extend(notices_of(
                &found,
                from,
                &format!("{INVENTORY_NOTICE}{}#{}", owner.id, normalize(&entry.label)),
                &format!("{} · {}", owner.name, entry.label),
                now,
            ));
        }
        Ok(notices)
    }

    /// Every open need the node knows that passes `filter`, newest first, each with its
    /// best suggestions.
    pub async fn matching_board(
        &self,
        filter: &BoardFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<CallSuggestions>, ActionError> {
        let owners = self.store.inventory_owners().await?;
        let needs = self.store.open_needs(now, MAX_CANDIDATES).await?;
        let mut board = Vec::new();
        for need in needs {
            if board.len() >= filter.limit {
                break;
            }
            let kept = filter.theme.is_none_or(|t| need.themes.contains(&t))
                && filter.age_group.is_none_or(|g| need.audience.welcomes(g))
                && filter
                    .language
                    .as_deref()
                    .is_none_or(|l| need.language.as_deref() == Some(l))
                && filter.near.is_none_or(|near| {
                    need.latitude
                        .zip(need.longitude)
                        .is_some_and(|(a, b)| near.contains(a, b))
                });
            if kept {
                board.push(self.suggest(need, &owners, now, filter.per_need).await?);
            }
        }
        Ok(board)
    }

    async fn suggest(
        &self,
        call: Listing,
        owners: &Arc<[InventoryOwner]>,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<CallSuggestions, ActionError> {
        let query = self.query_of(&call).await?;
        let exclude = call.id.clone();
        let suggestions = self.rank_for(query, exclude, owners, now, limit).await?;
        Ok(CallSuggestions {
            asks: suggestions.0,
            call,
            suggestions: suggestions.1,
        })
    }

    /// What could answer `query` (or what it could serve), `exclude` left out: whether it
    /// asks, and the best `limit` matches.
    async fn rank_for(
        &self,
        query: Candidate,
        exclude: String,
        owners: &Arc<[InventoryOwner]>,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(bool, Vec<Match>), ActionError> {
        let asks = query.kind.asks();
        let need = Need::new(query, self.matcher.vocabulary);
        let q = &need.prepared.candidate;
        let found = self
            .store
            .match_candidates(&CandidateQuery {
                wants_offers: asks,
                terms: need.search_terms(),
                concept_terms: need.concept_terms(),
                themes: crate::listing::theme_bits(&q.themes),
                near: q.position.zip(q.radius_km).map(|((a, b), r)| (a, b, r)),
                at: Some(now),
                exclude: Some(exclude),
                limit: MAX_CANDIDATES,
            })
            .await?;
        let today: NaiveDate = now.date_naive();
        // Reading a candidate through the vocabulary is most of the cost: only those that
        // name one of the call's words or concepts (or a related one) can score.
        let words = self.reachable_words(&need);
        let prepared: Vec<Prepared> = found
            .iter()
            .filter_map(candidate_of)
            .filter(|c| {
                crate::matching::eligible(q, c, today).is_some()
                    && mentions_any(&words_of(c), &words)
            })
            .map(|c| self.matcher.prepare(c))
            .collect();
        let inventories = if asks {
            read_inventories(owners, self.matcher)
        } else {
            Arc::from([])
        };
        let inventories = inventories.iter().filter(|(p, said)| {
            crate::matching::eligible(q, &p.candidate, today).is_some()
                && mentions_any(said, &words)
        });
        let pool: Vec<&Prepared> = prepared.iter().chain(inventories.map(|(p, _)| p)).collect();
        let ranked = self
            .matcher
            .rank(&need.prepared, pool.iter().copied(), today);
        let mut by_id: std::collections::HashMap<String, Listing> =
            found.into_iter().map(|l| (l.id.clone(), l)).collect();
        let suggestions = ranked
            .into_iter()
            .take(limit)
            .filter_map(|why| {
                let suggested = match by_id.remove(&why.id) {
                    Some(l) => Suggested::Listing(Box::new(l)),
                    None => {
                        let (owner, i) = why.id.rsplit_once('#')?;
                        let owner = owners.iter().find(|o| o.id == owner)?;
                        let entry = owner.inventory.shares.get(i.parse::<usize>().ok()?)?;
                        Suggested::Inventory {
                            owner: Box::new(owner.clone()),
                            entry: entry.clone(),
                        }
                    }
                };
                Some(Match { suggested, why })
            })
            .collect();
        Ok((asks, suggestions))
    }

    /// Every word a candidate must start one of its words with to share anything with
    /// `need`: its search terms and the forms of the concepts related to its own.
    fn reachable_words(&self, need: &Need<'_>) -> HashSet<String> {
        let vocabulary = self.matcher.vocabulary;
        let mut words: HashSet<String> = HashSet::new();
        let related = need
            .prepared
            .concept_ids()
            .flat_map(|c| vocabulary.concept(c).related.iter().copied());
        let forms = related.flat_map(|c| vocabulary.surface_words(c));
        for term in need.search_terms().into_iter().chain(forms) {
            words.extend(
                normalize(&term)
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            );
        }
        words
    }

    /// The call as the engine's query: a local one read whole from its publication, a
    /// remote one from what the index keeps.
    async fn query_of(&self, call: &Listing) -> Result<Candidate, ActionError> {
        let local = match call.territory_id {
            Some(_) => match uuid::Uuid::parse_str(&call.id) {
                Ok(id) => self.store.publication(id).await?,
                Err(_) => None,
            },
            None => None,
        };
        if let Some(p) = local
            && let crate::PublicationBody::Call(c) = &p.body
        {
            return Ok(Candidate::from_call(
                call.id.clone(),
                c,
                call.latitude.zip(call.longitude),
                Some(Origin::Territory(p.territory_id)),
            ));
        }
        candidate_of(call).ok_or(ActionError::NotFound)
    }
}

/// The normalised words of a candidate's title, text and skills.
fn words_of(c: &Candidate) -> Vec<String> {
    normalize(&format!("{} {} {}", c.title, c.text, c.skills.join(" ")))
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether one of `said` (a candidate's [`words_of`]) starts with one of `words`.
fn mentions_any(said: &[String], words: &HashSet<String>) -> bool {
    said.iter().any(|w| {
        w.char_indices()
            .map(|(i, ch)| &w[..i + ch.len_utf8()])
            .any(|prefix| words.contains(prefix))
    })
}

impl Actions {
    /// Matching on this node's store with `matcher`.
    pub fn matchmaker<'a>(&'a self, matcher: &'a Matcher<'a>) -> Matchmaker<'a> {
        Matchmaker {
            store: &*self.store,
            matcher,
        }
    }

    /// See [`Matchmaker::suggestions_for_call`].
    pub async fn suggestions_for_call(
        &self,
        matcher: &Matcher<'_>,
        id: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<CallSuggestions, ActionError> {
        self.matchmaker(matcher)
            .suggestions_for_call(id, now, limit)
            .await
    }

    /// See [`Matchmaker::needs_for`].
    pub async fn needs_for(
        &self,
        matcher: &Matcher<'_>,
        offer: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<CallSuggestions, ActionError> {
        self.matchmaker(matcher).needs_for(offer, now, limit).await
    }

    /// [`Matchmaker::notice_matches`] with the node's vocabulary, for what was just
    /// published here or arrived from elsewhere. A failure is logged, never passed on: the
    /// publication itself is stored.
    pub async fn notice_matches(&self, id: &str) {
        let matcher = Matcher::new(crate::matching::Vocabulary::node());
        match self
            .matchmaker(&matcher)
            .notice_matches(id, crate::now())
            .await
        {
            Ok(added) => self.tell_of_matches(&added).await,
            Err(e) => {
                tracing::warn!(publication = %id, error = %e, "matches of a new publication not noticed")
            }
        }
    }

    /// [`Matchmaker::notice_inventory`] with the node's vocabulary, after `territory`'s
    /// profile was saved; a failure is logged, never passed on.
    pub async fn notice_inventory(&self, territory: &Territory, before: &Inventory) {
        let matcher = Matcher::new(crate::matching::Vocabulary::node());
        match self
            .matchmaker(&matcher)
            .notice_inventory(territory, before, crate::now())
            .await
        {
            Ok(added) => self.tell_of_matches(&added).await,
            Err(e) => {
                tracing::warn!(territory = %territory.profile.slug, error = %e, "matches of a new inventory entry not noticed")
            }
        }
    }

    /// [`Matchmaker::notice_directory`] with the node's vocabulary, after a peer's
    /// directory was read again; a failure is logged, never passed on.
    pub async fn notice_directory(
        &self,
        host: &str,
        before: Option<&serde_json::Value>,
        after: &serde_json::Value,
    ) {
        let matcher = Matcher::new(crate::matching::Vocabulary::node());
        match self
            .matchmaker(&matcher)
            .notice_directory(host, before, after, crate::now())
            .await
        {
            Ok(added) => self.tell_of_matches(&added).await,
            Err(e) => {
                tracing::warn!(peer = %host, error = %e, "matches of a peer's new inventory entries not noticed");
            }
        }
    }

    /// See [`Matchmaker::matching_board`].
    pub async fn matching_board(
        &self,
        matcher: &Matcher<'_>,
        filter: &BoardFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<CallSuggestions>, ActionError> {
        self.matchmaker(matcher).matching_board(filter, now).await
    }
}
