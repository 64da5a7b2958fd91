//! [`MatchingStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::backend::{DIALECT, Db, SqlStore};
use super::rows::{
    LISTING_COLUMNS, PEER_COLUMNS, TERRITORY_COLUMNS, listing_from_row, peer_from_row,
    territory_from_row,
};
use crate::inventory::Inventory;
use crate::listing::Listing;
use crate::network::PEER_MAX_FAILURES;
use crate::store::matching::{CandidateQuery, InventoryOwner};
use crate::store::{MatchingStore, StoreError};
use crate::theme::Theme;

/// A prefilter probes the index with at most this many terms.
const MAX_TERMS: usize = 64;
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
        if q.wants_offers {
            sql.push(format!(
                "(l.kind = 'resource' OR (l.kind = 'call' AND l.call_type NOT IN {ASKING}
                  AND l.call_status = 'open'))"
            ));
        } else {
            sql.push(format!(
                "l.kind = 'call' AND l.call_type IN {ASKING} AND l.call_status = 'open'"
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

    async fn inventory_owners(&self) -> Result<Vec<InventoryOwner>, StoreError> {
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
            let listed = peer
                .directory
                .as_ref()
                .and_then(|d| d.get("territories"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for entry in listed {
                let inventory = Inventory::from_directory(&peer.host, &entry["inventory"]);
                let Some(id) = entry["url"].as_str().or(entry["id"].as_str()) else {
                    continue;
                };
                if inventory.is_empty() {
                    continue;
                }
                let strings = |v: &Value| -> Vec<String> {
                    v.as_array()
                        .map(|l| {
                            l.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                owners.push(InventoryOwner {
                    id: id.to_owned(),
                    name: entry["name"].as_str().unwrap_or(id).to_owned(),
                    node: Some(peer.host.clone()),
                    position: entry["place"]["latitude"]
                        .as_f64()
                        .zip(entry["place"]["longitude"].as_f64()),
                    themes: strings(&entry["themes"])
                        .iter()
                        .filter_map(|t| {
                            serde_json::from_value::<Theme>(Value::String(t.clone())).ok()
                        })
                        .collect(),
                    languages: strings(&entry["languages"]),
                    inventory,
                });
            }
        }
        Ok(owners)
    }
}
