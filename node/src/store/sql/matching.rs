//! [`MatchingStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::backend::{DIALECT, Db, SqlStore};
use super::rows::{
    LISTING_COLUMNS, PEER_COLUMNS, TERRITORY_COLUMNS, listing_from_row, peer_from_row,
    territory_from_row,
};
use crate::listing::Listing;
use crate::network::PEER_MAX_FAILURES;
use crate::store::matching::{CandidateQuery, InventoryOwner, directory_owners};
use crate::store::{MatchingStore, StoreError};

/// A prefilter probes the index with at most this many terms.
const MAX_TERMS: usize = 64;
/// The listings a call's plain words may name together before its commonest words are
/// left out of the full-text side (see `telling_words`).
const TERM_BUDGET: i64 = 1000;
/// The same for the forms of its concepts: they carry its meaning across languages, so
/// they get more room; only a concept most listings name (a "project", a "neighbourhood")
/// loses its commonest forms.
const CONCEPT_BUDGET: i64 = 6000;
/// The call types that ask; the others offer.
const ASKING: &str = "('need', 'partners', 'project')";

/// The search terms as index words: letters and digits only, bounded.
fn index_words(terms: &[String]) -> Vec<String> {
    let mut words: Vec<String> = terms
        .iter()
        .flat_map(|t| {
            crate::listing::normalize(t)
                .split(' ')
                .filter(|w| w.chars().count() >= 2)
                .map(|w| w.chars().take(40).collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    words.truncate(MAX_TERMS);
    words
}

#[async_trait]
impl MatchingStore for SqlStore {
    async fn match_candidates(&self, q: &CandidateQuery) -> Result<Vec<Listing>, StoreError> {
        let mut sql = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {LISTING_COLUMNS} FROM listings l LEFT JOIN remote_actors a ON a.id = l.actor_id WHERE "
        ));
        let kind = DIALECT.candidate_kind;
        if q.wants_offers {
            sql.push(format!(
                "({kind} = 'resource' OR ({kind} = 'call' AND l.call_type NOT IN {ASKING}
                  AND l.call_status = 'open'))"
            ));
        } else {
            sql.push(format!(
                "{kind} = 'call' AND l.call_type IN {ASKING} AND l.call_status = 'open'"
            ));
        }
        if let Some(at) = q.at {
            sql.push(" AND l.current_until >= ").push_bind(at);
        }
        if let Some(id) = &q.exclude {
            sql.push(" AND l.id <> ").push_bind(id.clone());
        }
        // The full-text index drives the query when the call has words: only what names
        // one of them (or of their other-language forms) is read. A candidate sharing a
        // theme and no word scores nothing in the ranker, so themes select only for a
        // call without words.
        let words = index_words(&q.terms);
        if !words.is_empty() {
            let forms = index_words(&q.concept_terms);
            let others = words.into_iter().filter(|w| !forms.contains(w)).collect();
            let forms = self.telling_words(forms, true, CONCEPT_BUDGET).await?;
            let mut words = self
                .telling_words(others, forms.is_empty(), TERM_BUDGET)
                .await?;
            words.extend(forms);
            if words.is_empty() {
                // No listing names any of them.
                return Ok(Vec::new());
            }
            sql.push(" AND ")
                .push(DIALECT.text_match.0)
                .push_bind((DIALECT.text_query_any)(&words))
                .push(DIALECT.text_match.1);
        } else if q.themes != 0 {
            sql.push(" AND (l.themes & ")
                .push_bind(q.themes)
                .push(") <> 0");
        } else {
            return Ok(Vec::new());
        }
        if let Some((lat, lon, km)) = q.near {
            let ((lat0, lat1), lons) = crate::listing::bounding_box(lat, lon, km);
            sql.push(" AND (l.latitude IS NULL OR (l.latitude BETWEEN ")
                .push_bind(lat0)
                .push(" AND ")
                .push_bind(lat1);
            if let Some((lon0, lon1)) = lons {
                sql.push(" AND l.longitude BETWEEN ")
                    .push_bind(lon0)
                    .push(" AND ")
                    .push_bind(lon1);
            }
            sql.push("))");
        }
        sql.push(" ORDER BY l.published DESC, l.id DESC");
        sql.push(" LIMIT ").push_bind(q.limit.clamp(0, 5000));
        let rows = sql.build().fetch_all(&self.pool).await?;
        rows.iter().map(listing_from_row).collect()
    }

    async fn listing_by_id(&self, id: &str) -> Result<Option<Listing>, StoreError> {
        let sql = format!(
            "SELECT {LISTING_COLUMNS} FROM listings l LEFT JOIN remote_actors a ON a.id = l.actor_id WHERE l.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(listing_from_row).transpose()
    }

    async fn open_needs(&self, at: DateTime<Utc>, limit: i64) -> Result<Vec<Listing>, StoreError> {
        let sql = format!(
            "SELECT {LISTING_COLUMNS} FROM listings l LEFT JOIN remote_actors a ON a.id = l.actor_id
             WHERE l.kind = 'call' AND l.call_type IN {ASKING} AND l.call_status = 'open'
               AND l.current_until >= $1
             ORDER BY l.published DESC, l.id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(at)
            .bind(limit.clamp(0, 5000))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(listing_from_row).collect()
    }

    async fn inventory_owners(&self) -> Result<Arc<[InventoryOwner]>, StoreError> {
        // What any change of an inventory moves: a territory saved (its `updated_at`),
        // added or deleted; a peer's directory read again (`last_success`), a peer
        // verified or given up on (the count).
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM territories) AS territories,
                    (SELECT CAST(MAX(updated_at) AS TEXT) FROM territories) AS changed,
                    (SELECT COUNT(*) FROM peers
                      WHERE verified = TRUE AND failures < $1 AND directory IS NOT NULL) AS peers,
                    (SELECT CAST(MAX(last_success) AS TEXT) FROM peers) AS checked",
        )
        .bind(PEER_MAX_FAILURES)
        .fetch_one(&self.pool)
        .await?;
        let fingerprint = format!(
            "{}|{}|{}|{}",
            row.try_get::<i64, _>("territories")?,
            row.try_get::<Option<String>, _>("changed")?
                .unwrap_or_default(),
            row.try_get::<i64, _>("peers")?,
            row.try_get::<Option<String>, _>("checked")?
                .unwrap_or_default(),
        );
        if let Some(owners) = self.matching.inventories(&fingerprint) {
            return Ok(owners);
        }
        let owners: Arc<[InventoryOwner]> = self.read_inventory_owners().await?.into();
        self.matching.keep_inventories(fingerprint, owners.clone());
        Ok(owners)
    }
}

impl SqlStore {
    /// Of `words`, those a call's candidates are fetched by: the rarest in the index
    /// first, as long as the listings they name add up to `budget` (the rarest always
    /// when `keep_one`). A word most listings name (a "we are looking for" of every call)
    /// tells little and would make the full-text side read most of the index; the ranker
    /// weighs such words little anyway. A word no listing names is left out.
    async fn telling_words(
        &self,
        words: Vec<String>,
        keep_one: bool,
        budget: i64,
    ) -> Result<Vec<String>, StoreError> {
        let mut counted = Vec::with_capacity(words.len());
        for word in words {
            let count = match self.matching.term_count(&word) {
                Some(n) => n,
                None => {
                    let sql = format!(
                        "SELECT COUNT(*) FROM listings l WHERE {}$1{}",
                        DIALECT.text_match.0, DIALECT.text_match.1
                    );
                    let mut tx = self.pool.begin().await?;
                    if !DIALECT.before_word_count.is_empty() {
                        sqlx::query(DIALECT.before_word_count)
                            .execute(&mut *tx)
                            .await?;
                    }
                    let n: i64 = sqlx::query_scalar(&sql)
                        .bind((DIALECT.text_query_any)(std::slice::from_ref(&word)))
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    self.matching.keep_term_count(&word, n);
                    n
                }
            };
            if count > 0 {
                counted.push((count, word));
            }
        }
        counted.sort();
        let mut total = 0;
        let mut telling = Vec::new();
        for (count, word) in counted {
            if (!keep_one || !telling.is_empty()) && total + count > budget {
                continue;
            }
            total += count;
            telling.push(word);
        }
        Ok(telling)
    }

    /// Every inventory, read from the rows (see [`MatchingStore::inventory_owners`]).
    async fn read_inventory_owners(&self) -> Result<Vec<InventoryOwner>, StoreError> {
        let sql = format!("SELECT {TERRITORY_COLUMNS} FROM territories ORDER BY slug");
        let mut owners: Vec<InventoryOwner> = Vec::new();
        for row in sqlx::query(&sql).fetch_all(&self.pool).await? {
            let p = territory_from_row(&row)?.profile;
            if p.inventory.is_empty() {
                continue;
            }
            owners.push(InventoryOwner {
                id: p.slug,
                name: p.name,
                node: None,
                position: p.place.latitude.zip(p.place.longitude),
                themes: p.themes,
                languages: p.languages,
                inventory: p.inventory,
            });
        }
        let sql = format!(
            "SELECT {PEER_COLUMNS} FROM peers WHERE verified = TRUE AND failures < $1 AND directory IS NOT NULL ORDER BY host"
        );
        let rows = sqlx::query(&sql)
            .bind(PEER_MAX_FAILURES)
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let peer = peer_from_row(&row)?;
            if let Some(directory) = &peer.directory {
                owners.extend(directory_owners(&peer.host, directory));
            }
        }
        Ok(owners)
    }
}
