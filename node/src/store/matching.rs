//! [`MatchingStore`], one table family of [`super::Store`]: the candidates matching ranks
//! for a call (listings of the other direction, territories' inventories); its SQL, shared
//! by both backends, is in `sql/matching.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

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
    /// name one of its terms (by prefix); only when it has no terms, those sharing a theme.
    /// Newest first.
    async fn match_candidates(&self, query: &CandidateQuery) -> Result<Vec<Listing>, StoreError>;

    /// One row of the index by its id (a local uuid as text, a remote object's URL).
    async fn listing_by_id(&self, id: &str) -> Result<Option<Listing>, StoreError>;

    /// Every open call that asks (needs, partners, projects), local or remote, not past its
    /// deadline at `at`; newest first.
    async fn open_needs(&self, at: DateTime<Utc>, limit: i64) -> Result<Vec<Listing>, StoreError>;

    /// Local territories and verified peers' directory entries with a non-empty inventory
    /// (unreadable ones left out, with a log line).
    async fn inventory_owners(&self) -> Result<Vec<InventoryOwner>, StoreError>;
}
