//! [`MatchingStore`], one table family of [`super::Store`]: the candidates matching ranks
//! for a call (listings of the other direction, territories' inventories); its SQL, shared
//! by both backends, is in `sql/matching.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use serde_json::Value;

use crate::inventory::Inventory;
use crate::listing::Listing;
use crate::store::StoreError;
use crate::theme::Theme;

/// What a call's candidates are fetched by: its direction, its search terms (any of them,
/// by prefix) or its themes (any), and its reach.
#[derive(Debug, Clone, Default)]
pub struct CandidateQuery {
    /// `true` for a call that asks (offers and resources wanted), `false` for an offer
    /// (needs, partners and projects wanted).
    pub wants_offers: bool,
    /// Normalised words (see `matching::Need::search_terms`); any of them, as prefixes.
    pub terms: Vec<String>,
    /// Those of `terms` that are forms of the call's concepts
    /// (`matching::Need::concept_terms`): looked for within a larger budget than the
    /// others (see `match_candidates`).
    pub concept_terms: Vec<String>,
    /// Theme bits (see `listing::theme_bits`); sharing any is enough.
    pub themes: i64,
    /// (latitude, longitude, km): only what lies in that box (or has no place).
    pub near: Option<(f64, f64, f64)>,
    /// Only what is open and not past its deadline at this moment.
    pub at: Option<DateTime<Utc>>,
    /// The call itself, left out.
    pub exclude: Option<String>,
    pub limit: i64,
}

/// A territory this node knows, local or listed in a peer's directory, with its inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryOwner {
    /// Its page: a local territory's slug, a remote one's URL.
    pub id: String,
    pub name: String,
    /// The host it lives on; `None` for a local territory.
    pub node: Option<String>,
    pub position: Option<(f64, f64)>,
    pub themes: Vec<Theme>,
    pub languages: Vec<String>,
    pub inventory: Inventory,
}

/// Candidates for matching, straight from the index and the directory.
#[async_trait]
pub trait MatchingStore: Send + Sync {
    /// At most `limit` open listings of the other direction, within the call's box, that
    /// name one of its telling terms (by prefix): of its concepts' forms and of its other
    /// words, the rarest in the index as long as the listings they name stay within a
    /// budget (larger for the forms; the rarest form always, the rarest word when it
    /// names no concept), so that a word every listing says does not make it read the
    /// whole index; only when it has no terms, those sharing a theme. Newest first.
    async fn match_candidates(&self, query: &CandidateQuery) -> Result<Vec<Listing>, StoreError>;

    /// One row of the index by its id (a local uuid as text, a remote object's URL).
    async fn listing_by_id(&self, id: &str) -> Result<Option<Listing>, StoreError>;

    /// Every open call that asks (needs, partners, projects), local or remote, not past its
    /// deadline at `at`; newest first.
    async fn open_needs(&self, at: DateTime<Utc>, limit: i64) -> Result<Vec<Listing>, StoreError>;

    /// Local territories and verified peers' directory entries with a non-empty inventory
    /// (unreadable ones left out, with a log line). Kept in memory between calls: each
    /// call reads only a fingerprint of the territories and peers (how many, when last
    /// changed) and reads them again when it differs, so the same list (the same `Arc`)
    /// comes back as long as nothing changed, whoever changed it.
    async fn inventory_owners(&self) -> Result<Arc<[InventoryOwner]>, StoreError>;
}

/// The territories a peer's directory lists with a non-empty inventory that holds (see
/// `Inventory::from_directory`), as [`InventoryOwner`]s; entries without an address are
/// left out.
pub fn directory_owners(host: &str, directory: &Value) -> Vec<InventoryOwner> {
    let listed = directory
        .get("territories")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut owners = Vec::new();
    for entry in listed {
        let Some(id) = entry["url"].as_str().or(entry["id"].as_str()) else {
            continue;
        };
        let inventory = Inventory::from_directory(host, &entry["inventory"]);
        if inventory.is_empty() {
            continue;
        }
        owners.push(InventoryOwner {
            id: id.to_owned(),
            name: entry["name"].as_str().unwrap_or(id).to_owned(),
            node: Some(host.to_owned()),
            position: entry["place"]["latitude"]
                .as_f64()
                .zip(entry["place"]["longitude"].as_f64()),
            themes: strings(&entry["themes"])
                .iter()
                .filter_map(|t| serde_json::from_value::<Theme>(Value::String(t.clone())).ok())
                .collect(),
            languages: strings(&entry["languages"]),
            inventory,
        });
    }
    owners
}

/// Term counts older than this are counted again.
const TERM_COUNT_TTL: Duration = Duration::from_secs(15 * 60);
/// At most this many term counts are kept (all are dropped past it).
const TERM_COUNTS_KEPT: usize = 50_000;

/// What a store keeps in memory for matching: the inventories it read last with the
/// fingerprint of the rows they came from, and how many listings name each search term
/// (counted again after a quarter of an hour), by which a call's candidates are fetched
/// by its most telling words; network search keeps its capped counts of a whole query
/// there too, under `search <query>`, to choose how its rows are found.
#[derive(Debug, Default)]
pub struct MatchingCache {
    inventories: Mutex<Option<(String, Arc<[InventoryOwner]>)>>,
    term_counts: Mutex<HashMap<String, (i64, Instant)>>,
}

impl MatchingCache {
    /// The owners read under `fingerprint`, if that is the one kept.
    pub fn inventories(&self, fingerprint: &str) -> Option<Arc<[InventoryOwner]>> {
        let kept = self.inventories.lock().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|(f, _)| f == fingerprint)
            .map(|(_, owners)| owners.clone())
    }

    /// Keeps `owners`, read under `fingerprint`.
    pub fn keep_inventories(&self, fingerprint: String, owners: Arc<[InventoryOwner]>) {
        *self.inventories.lock().unwrap_or_else(|e| e.into_inner()) = Some((fingerprint, owners));
    }

    /// How many listings named `term` when last counted, if that was recently.
    pub fn term_count(&self, term: &str) -> Option<i64> {
        let counts = self.term_counts.lock().unwrap_or_else(|e| e.into_inner());
        counts
            .get(term)
            .filter(|(_, at)| at.elapsed() < TERM_COUNT_TTL)
            .map(|(n, _)| *n)
    }

    /// Keeps how many listings name `term`.
    pub fn keep_term_count(&self, term: &str, count: i64) {
        let mut counts = self.term_counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.len() >= TERM_COUNTS_KEPT {
            counts.clear();
        }
        counts.insert(term.to_owned(), (count, Instant::now()));
    }
}
