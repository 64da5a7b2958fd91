//! [`ListingStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use uuid::Uuid;

use super::backend::{DIALECT, Db, SqlStore};
use super::rows::{
    PUBLICATION_COLUMNS, REMOTE_COLUMNS, TERRITORY_COLUMNS, listing_from_row, publication_from_row,
    remote_from_row, territory_from_row,
};
use super::transaction::upsert_listing_in;
use crate::listing::{Listing, ListingQuery, ListingRow, Origin};
use crate::store::{ListingStore, StoreError};

/// A query whose words name at most this many listings reads those rows first (by the
/// full-text index) and filters and orders them; one whose words name more walks the
/// view's order and tests each row, finding its page long before the end.
const FEW_NAMED: i64 = 2000;

/// How a query's words select its rows.
enum Words {
    None,
    /// Few listings have them (see [`FEW_NAMED`]): read first, by the full-text index.
    Few(String),
    /// Many have them: tested on each row of the view's order.
    Many(String),
}

impl SqlStore {
    /// How `q`'s words are best found: by how many listings they name, counted up to
    /// [`FEW_NAMED`] by the full-text index alone (PostgreSQL's planner cannot tell a rare
    /// prefix from a common one, and walking a kind's order for a word five rows have
    /// reads the whole kind). The count is kept a while with matching's term counts: it
    /// only chooses how rows are found, never which (a common word's count reads every
    /// listing it names: a third of a second at a million on PostgreSQL).
    async fn words_of(&self, q: &ListingQuery) -> Result<Words, StoreError> {
        let words = crate::listing::query_words(q.q.as_deref().unwrap_or_default());
        if words.is_empty() {
            return Ok(Words::None);
        }
        let text = (DIALECT.text_query)(&words);
        let kept_as = format!("search {text}");
        let named = match self.matching.term_count(&kept_as) {
            Some(named) => named,
            None => {
                let named = self.count_named(&text).await?;
                self.matching.keep_term_count(&kept_as, named);
                named
            }
        };
        Ok(if named <= FEW_NAMED {
            Words::Few(text)
        } else {
            Words::Many(text)
        })
    }

    /// How many listings the full-text query `text` names, counted up to one more than
    /// [`FEW_NAMED`].
    async fn count_named(&self, text: &str) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM listings l WHERE {}$1{} LIMIT $2) named",
            DIALECT.text_match.0, DIALECT.text_match.1
        );
        let mut tx = self.pool.begin().await?;
        if !DIALECT.before_word_count.is_empty() {
            sqlx::query(DIALECT.before_word_count)
                .execute(&mut *tx)
                .await?;
        }
        let named: i64 = sqlx::query_scalar(&sql)
            .bind(text)
            .bind(FEW_NAMED + 1)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(named)
    }
}

/// One page of the index in SQL order, every filter applied but the exact
/// distance (a bounding box stands in for it).
async fn listings_page(
    pool: &sqlx::Pool<Db>,
    q: &ListingQuery,
    words: &Words,
    limit: i64,
    offset: i64,
) -> Result<Vec<Listing>, StoreError> {
    let mut sql = sqlx::QueryBuilder::<Db>::new("");
    if let Words::Few(text) = words {
        sql.push("WITH named AS MATERIALIZED (SELECT * FROM listings l WHERE ")
            .push(DIALECT.text_match.0)
            .push_bind(text.clone())
            .push(DIALECT.text_match.1)
            .push(") ");
    }
    sql.push(
        "SELECT l.id, l.territory_id, l.actor_id, a.name AS actor_name, a.username AS actor_username,
                l.kind, l.title, l.summary, l.language, l.themes, l.latitude, l.longitude,
                l.starts_at, l.ends_at, l.published, l.status, l.timezone, l.place,
                l.call_type, l.call_status, l.skills, l.radius_km, l.outcome, l.age_groups, l.publics
         FROM ",
    )
    .push(match words {
        Words::Few(_) => "named l",
        _ => "listings l",
    })
    .push(" LEFT JOIN remote_actors a ON a.id = l.actor_id WHERE TRUE");
    if let Some(kind) = q.kind {
        sql.push(" AND l.kind = ").push_bind(kind.as_str());
    }
    if let Some(at) = q.current_at {
        sql.push(" AND l.current_until >= ").push_bind(at);
    }
    if let Words::Many(text) = words {
        sql.push(" AND ")
            .push(DIALECT.text_match.0)
            .push_bind(text.clone())
            .push(DIALECT.text_match.1);
    }
    if let Some(from) = q.from {
        sql.push(" AND l.starts_at >= ").push_bind(from);
    }
    if let Some(to) = q.to {
        sql.push(" AND l.starts_at < ").push_bind(to);
    }
    match &q.origin {
        Some(Origin::Territory(id)) => {
            sql.push(" AND l.territory_id = ").push_bind(*id);
        }
        Some(Origin::Actor(id)) => {
            sql.push(" AND l.actor_id = ").push_bind(id.clone());
        }
        Some(Origin::Among {
            territories,
            actors,
        }) => {
            sql.push(" AND (FALSE");
            for id in territories {
                sql.push(" OR l.territory_id = ").push_bind(*id);
            }
            for id in actors {
                sql.push(" OR l.actor_id = ").push_bind(id.clone());
            }
            sql.push(")");
        }
        None => {}
    }
    if q.local {
        sql.push(" AND l.territory_id IS NOT NULL");
    }
    if let Some(theme) = q.theme {
        sql.push(" AND (l.themes & ")
            .push_bind(crate::listing::theme_bits(&[theme]))
            .push(") <> 0");
    }
    if let Some(language) = &q.language {
        sql.push(" AND l.language = ").push_bind(language.clone());
    }
    if let Some(near) = q.near {
        let ((lat0, lat1), lons) =
            crate::listing::bounding_box(near.latitude, near.longitude, near.km);
        sql.push(" AND l.latitude BETWEEN ")
            .push_bind(lat0)
            .push(" AND ")
            .push_bind(lat1);
        match lons {
            Some((lon0, lon1)) => {
                sql.push(" AND l.longitude BETWEEN ")
                    .push_bind(lon0)
                    .push(" AND ")
                    .push_bind(lon1);
            }
            None => {
                sql.push(" AND l.longitude IS NOT NULL");
            }
        }
    }
    push_audience_and_call_filters(&mut sql, q);
    sql.push(if q.agenda_order() {
        " ORDER BY l.starts_at ASC, l.id ASC"
    } else if q.archive_at.is_some() {
        " ORDER BY COALESCE(l.starts_at, l.published) DESC, l.id DESC"
    } else {
        " ORDER BY l.published DESC, l.id DESC"
    });
    sql.push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    // Planned for its values each time: a plan cached for any values (PostgreSQL's,
    // after five runs of a prepared statement) cannot know a page's offset, how many
    // rows are still current or how rare a word is.
    let query = sql.build().persistent(false);
    let rows = if let (Words::Few(_), false) = (words, DIALECT.before_word_count.is_empty()) {
        let mut tx = pool.begin().await?;
        sqlx::query(DIALECT.before_word_count)
            .execute(&mut *tx)
            .await?;
        let rows = query.fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows
    } else {
        query.fetch_all(pool).await?
    };
    rows.iter().map(listing_from_row).collect()
}

/// Who it is for, what a call says of itself, and the archive (see [`ListingQuery`]).
/// The `|`-joined columns hold only letters, digits, spaces and `|` (see
/// [`crate::listing::joined_words`]), as do the normalised values bound here, so no
/// `LIKE` wildcard can come from either.
fn push_audience_and_call_filters(sql: &mut sqlx::QueryBuilder<'_, Db>, q: &ListingQuery) {
    if let Some(group) = q.age_group {
        sql.push(" AND (l.age_groups = 0 OR (l.age_groups & ")
            .push_bind(crate::listing::age_bits(&[group]))
            .push(") <> 0)");
    }
    let words = |v: &Option<String>| {
        v.as_deref()
            .map(crate::listing::normalize)
            .filter(|w| !w.is_empty())
    };
    if let Some(public) = words(&q.public) {
        sql.push(" AND (l.publics = '' OR ('|' || l.publics) LIKE ")
            .push_bind(format!("%|{public}%"))
            .push(" OR (' ' || l.publics) LIKE ")
            .push_bind(format!("% {public}%"))
            .push(")");
    }
    if let Some(call_type) = q.call_type {
        sql.push(" AND l.call_type = ")
            .push_bind(<&str>::from(call_type));
    }
    if let Some(status) = q.call_status {
        sql.push(" AND l.call_status = ")
            .push_bind(<&str>::from(status));
    }
    if let Some(skills) = words(&q.skills) {
        sql.push(" AND (('|' || l.skills) LIKE ")
            .push_bind(format!("%|{skills}%"))
            .push(" OR (' ' || l.skills) LIKE ")
            .push_bind(format!("% {skills}%"))
            .push(")");
    }
    if let Some(before) = q.deadline_before {
        sql.push(" AND l.ends_at <= ").push_bind(before);
    }
    if let Some(after) = q.deadline_after {
        sql.push(" AND l.current_until > ").push_bind(after);
    }
    if let Some(at) = q.archive_at {
        sql.push(" AND ((l.kind = 'event' AND l.ends_at < ")
            .push_bind(at)
            .push(") OR (l.kind = 'call' AND l.call_status = 'closed'))");
    }
}

#[async_trait]
impl ListingStore for SqlStore {
    async fn listings(&self, q: &ListingQuery) -> Result<Vec<Listing>, StoreError> {
        let (limit, offset) = (q.limit.clamp(0, 1000), q.offset.clamp(0, 100_000));
        let words = self.words_of(q).await?;
        let Some(near) = q.near else {
            return listings_page(&self.pool, q, &words, limit, offset).await;
        };
        // The box holds corners farther than `km`: page on until `limit` rows
        // within the circle are found (or the box is exhausted).
        let batch = (limit + offset).clamp(50, 2000);
        let (mut found, mut skipped, mut from) = (Vec::new(), 0, 0);
        loop {
            let page = listings_page(&self.pool, q, &words, batch, from).await?;
            let last = (page.len() as i64) < batch;
            for l in page {
                let within = l
                    .latitude
                    .zip(l.longitude)
                    .is_some_and(|(a, b)| near.contains(a, b));
                if !within {
                    continue;
                }
                if skipped < offset {
                    skipped += 1;
                } else if (found.len() as i64) < limit {
                    found.push(l);
                }
            }
            if last || found.len() as i64 >= limit {
                return Ok(found);
            }
            from += batch;
        }
    }

    async fn rebuild_listings(&self) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM listings")
            .execute(&mut *tx)
            .await?;
        let sql = format!("SELECT {} FROM territories", TERRITORY_COLUMNS);
        let territories = sqlx::query(&sql)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(territory_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let by_id: std::collections::HashMap<Uuid, &crate::Territory> =
            territories.iter().map(|t| (t.id, t)).collect();
        let sql = format!(
            "SELECT {} FROM publications WHERE deleted_at IS NULL",
            PUBLICATION_COLUMNS
        );
        let mut n = 0;
        for row in sqlx::query(&sql).fetch_all(&mut *tx).await? {
            let p = publication_from_row(&row)?;
            if let Some(t) = by_id.get(&p.territory_id) {
                upsert_listing_in(&mut tx, &ListingRow::local(&p, t)).await?;
                n += 1;
            }
        }
        // Rows not converted yet are listed when they get their facts.
        let sql = format!(
            "SELECT {REMOTE_COLUMNS} FROM remote_publications WHERE deleted_at IS NULL AND facts IS NOT NULL"
        );
        for row in sqlx::query(&sql).fetch_all(&mut *tx).await? {
            upsert_listing_in(&mut tx, &ListingRow::remote(&remote_from_row(&row)?)).await?;
            n += 1;
        }
        tx.commit().await?;
        if !DIALECT.after_rebuild.is_empty() {
            sqlx::query(DIALECT.after_rebuild)
                .execute(&self.pool)
                .await?;
        }
        Ok(n)
    }
}
