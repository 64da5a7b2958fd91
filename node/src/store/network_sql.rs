//! [`NetworkStore`](super::NetworkStore) in the SQL both backends share; see `sql.rs`.

macro_rules! network_sql_store {
    ($store:ty, $db:ty, $dialect:path) => {
        mod network_sql {
            use async_trait::async_trait;
            use chrono::{DateTime, Utc};
            use sqlx::Row;
            use sqlx::types::Json;
            use uuid::Uuid;

            use super::{delete_listing_in, enqueue_in, upsert_listing_in};
            use $crate::listing::{Listing, ListingQuery, ListingRow, Origin, RemoteFacts};
            use $crate::network::{Backfill, Following, PEER_MAX_FAILURES, Peer, RemotePublication, Scope};
            use $crate::outbox::Outgoing;
            use $crate::publication::PublicationKind;
            use $crate::social::FollowState;
            use $crate::store::StoreError;
            use $crate::store::network::{NetworkStore, RemoteQuery};

            type DbRow = <$db as sqlx::Database>::Row;

            /// A remote publication's columns, in the order `remote_from_row` reads them.
            const REMOTE_COLUMNS: &str =
                "id, actor_id, kind, title, starts_at, ends_at, object, facts, published, updated, deleted_at";

            fn remote_from_row(row: &DbRow) -> Result<RemotePublication, StoreError> {
                let kind: &str = row.try_get("kind")?;
                let facts = match row.try_get::<Option<Json<RemoteFacts>>, _>("facts") {
                    Ok(Some(facts)) => facts.0,
                    Ok(None) => {
                        return Err(StoreError::Corrupt {
                            table: "remote_publications",
                            column: "facts",
                            reason: "not converted yet (the node converts them when it opens the database)".into(),
                        });
                    }
                    Err(e) => {
                        return Err(StoreError::Corrupt {
                            table: "remote_publications",
                            column: "facts",
                            reason: e.to_string(),
                        });
                    }
                };
                Ok(RemotePublication {
                    id: row.try_get("id")?,
                    actor_id: row.try_get("actor_id")?,
                    kind: super::decode("remote_publications", "kind", kind, PublicationKind::parse)?,
                    title: row.try_get("title")?,
                    starts_at: row.try_get("starts_at")?,
                    ends_at: row.try_get("ends_at")?,
                    facts,
                    object: row.try_get::<Json<serde_json::Value>, _>("object")?.0,
                    published: row.try_get("published")?,
                    updated: row.try_get("updated")?,
                    deleted_at: row.try_get("deleted_at")?,
                })
            }

            fn listing_from_row(row: &DbRow) -> Result<Listing, StoreError> {
                let kind: &str = row.try_get("kind")?;
                Ok(Listing {
                    id: row.try_get("id")?,
                    territory_id: row.try_get("territory_id")?,
                    actor_id: row.try_get("actor_id")?,
                    actor_name: row.try_get("actor_name")?,
                    actor_username: row.try_get("actor_username")?,
                    kind: super::decode("listings", "kind", kind, PublicationKind::parse)?,
                    title: row.try_get("title")?,
                    summary: row.try_get("summary")?,
                    language: row.try_get("language")?,
                    themes: $crate::listing::themes_of(row.try_get("themes")?),
                    latitude: row.try_get("latitude")?,
                    longitude: row.try_get("longitude")?,
                    starts_at: row.try_get("starts_at")?,
                    ends_at: row.try_get("ends_at")?,
                    published: row.try_get("published")?,
                    event: $crate::listing::EventFacts {
                        status: row
                            .try_get::<Option<&str>, _>("status")?
                            .map(|s| super::decode("listings", "status", s, $crate::publication::event::EventStatus::parse))
                            .transpose()?,
                        timezone: row.try_get("timezone")?,
                        place: row.try_get("place")?,
                    },
                })
            }

            /// One page of the index in SQL order, every filter applied but the exact
            /// distance (a bounding box stands in for it).
            async fn listings_page(
                pool: &sqlx::Pool<$db>,
                q: &ListingQuery,
                limit: i64,
                offset: i64,
            ) -> Result<Vec<Listing>, StoreError> {
                let mut sql = sqlx::QueryBuilder::<$db>::new(
                    "SELECT l.id, l.territory_id, l.actor_id, a.name AS actor_name, a.username AS actor_username,
                            l.kind, l.title, l.summary, l.language, l.themes, l.latitude, l.longitude,
                            l.starts_at, l.ends_at, l.published, l.status, l.timezone, l.place
                     FROM listings l LEFT JOIN remote_actors a ON a.id = l.actor_id WHERE TRUE",
                );
                if let Some(kind) = q.kind {
                    sql.push(" AND l.kind = ").push_bind(kind.as_str());
                }
                if let Some(at) = q.current_at {
                    sql.push(" AND l.current_until >= ").push_bind(at);
                }
                let words = $crate::listing::query_words(q.q.as_deref().unwrap_or_default());
                if !words.is_empty() {
                    sql.push(" AND ")
                        .push($dialect.text_match.0)
                        .push_bind(($dialect.text_query)(&words))
                        .push($dialect.text_match.1);
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
                    None => {}
                }
                if let Some(theme) = q.theme {
                    sql.push(" AND (l.themes & ")
                        .push_bind($crate::listing::theme_bits(&[theme]))
                        .push(") <> 0");
                }
                if let Some(language) = &q.language {
                    sql.push(" AND l.language = ").push_bind(language.clone());
                }
                if let Some(near) = q.near {
                    let ((lat0, lat1), lons) =
                        $crate::listing::bounding_box(near.latitude, near.longitude, near.km);
                    sql.push(" AND l.latitude BETWEEN ").push_bind(lat0).push(" AND ").push_bind(lat1);
                    match lons {
                        Some((lon0, lon1)) => {
                            sql.push(" AND l.longitude BETWEEN ").push_bind(lon0).push(" AND ").push_bind(lon1);
                        }
                        None => {
                            sql.push(" AND l.longitude IS NOT NULL");
                        }
                    }
                }
                sql.push(if q.agenda_order() {
                    " ORDER BY l.starts_at ASC, l.id ASC"
                } else {
                    " ORDER BY l.published DESC, l.id DESC"
                });
                sql.push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
                let rows = sql.build().fetch_all(pool).await?;
                rows.iter().map(listing_from_row).collect()
            }

            /// Our subscriptions are kept in two tables: territories' follows (`following`)
            /// and the node's own, to other nodes and relays (`node_subscriptions`, without
            /// territory: the nil uuid in [`Following`]). One set of statements serves both.
            #[derive(Clone, Copy)]
            enum Subscriptions {
                OfTerritories,
                OfNode,
            }

            impl Subscriptions {
                fn table(self) -> &'static str {
                    match self {
                        Subscriptions::OfTerritories => "following",
                        Subscriptions::OfNode => "node_subscriptions",
                    }
                }

                fn columns(self) -> &'static str {
                    match self {
                        Subscriptions::OfTerritories => "territory_id, target_id, state, follow_activity_id, scope, created_at",
                        Subscriptions::OfNode => "target_id, state, follow_activity_id, scope, created_at",
                    }
                }

                fn read_row(self, row: &DbRow) -> Result<Following, StoreError> {
                    Ok(Following {
                        territory_id: match self {
                            Subscriptions::OfTerritories => row.try_get("territory_id")?,
                            Subscriptions::OfNode => Uuid::nil(),
                        },
                        target_id: row.try_get("target_id")?,
                        state: super::decode(self.table(), "state", row.try_get("state")?, FollowState::parse)?,
                        follow_activity_id: row.try_get("follow_activity_id")?,
                        scope: row.try_get::<Json<Scope>, _>("scope")?.0,
                        created_at: row.try_get("created_at")?,
                    })
                }

                /// The rows `filter` keeps (conditions pushed after `WHERE TRUE`), in the
                /// order they were made.
                async fn select(
                    self,
                    pool: &sqlx::Pool<$db>,
                    filter: impl FnOnce(&mut sqlx::QueryBuilder<'_, $db>),
                ) -> Result<Vec<Following>, StoreError> {
                    let mut sql = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {} FROM {} WHERE TRUE",
                        self.columns(),
                        self.table()
                    ));
                    filter(&mut sql);
                    sql.push(" ORDER BY created_at, target_id");
                    let rows = sql.build().fetch_all(pool).await?;
                    rows.iter().map(|row| self.read_row(row)).collect()
                }

                async fn by_activity(self, pool: &sqlx::Pool<$db>, follow_activity_id: &str) -> Result<Option<Following>, StoreError> {
                    let id = follow_activity_id.to_owned();
                    let found = self
                        .select(pool, |sql| {
                            sql.push(" AND follow_activity_id = ").push_bind(id);
                        })
                        .await?;
                    Ok(found.into_iter().next())
                }

                /// Sets the state of the subscription to `target_id` (a territory's, when
                /// `territory_id` is given).
                async fn set_state(
                    self,
                    pool: &sqlx::Pool<$db>,
                    territory_id: Option<Uuid>,
                    target_id: &str,
                    state: FollowState,
                ) -> Result<bool, StoreError> {
                    let mut sql = sqlx::QueryBuilder::<$db>::new(format!("UPDATE {} SET state = ", self.table()));
                    sql.push_bind(state.as_str()).push(" WHERE target_id = ").push_bind(target_id);
                    if let Some(territory_id) = territory_id {
                        sql.push(" AND territory_id = ").push_bind(territory_id);
                    }
                    Ok(sql.build().execute(pool).await?.rows_affected() > 0)
                }

                /// Records a subscription and the `Follow` asking for it, in one transaction;
                /// `relay` is kept for the node's own.
                async fn upsert(
                    self,
                    pool: &sqlx::Pool<$db>,
                    f: &Following,
                    relay: bool,
                    follow: Option<&Outgoing>,
                ) -> Result<(), StoreError> {
                    let (sixth, key, set_sixth) = match self {
                        Subscriptions::OfTerritories => ("territory_id", "territory_id, target_id", ""),
                        Subscriptions::OfNode => ("relay", "target_id", ", relay = $6"),
                    };
                    let sql = format!(
                        "INSERT INTO {} (target_id, state, follow_activity_id, scope, created_at, {sixth})
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT ({key}) DO UPDATE
                         SET state = $2, follow_activity_id = $3, scope = $4{set_sixth}",
                        self.table()
                    );
                    let query = sqlx::query(&sql)
                        .bind(&f.target_id)
                        .bind(f.state.as_str())
                        .bind(&f.follow_activity_id)
                        .bind(Json(&f.scope))
                        .bind(f.created_at);
                    let query = match self {
                        Subscriptions::OfTerritories => query.bind(f.territory_id),
                        Subscriptions::OfNode => query.bind(relay),
                    };
                    let mut tx = pool.begin().await?;
                    query.execute(&mut *tx).await?;
                    if let Some(follow) = follow {
                        enqueue_in(&mut tx, follow).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }
            }

            const PEER_COLUMNS: &str = "host, source, verified, directory, failures, last_checked";

            fn peer_from_row(row: &DbRow) -> Result<Peer, sqlx::Error> {
                Ok(Peer {
                    host: row.try_get("host")?,
                    source: row.try_get("source")?,
                    verified: row.try_get("verified")?,
                    directory: row.try_get::<Option<Json<serde_json::Value>>, _>("directory")?.map(|j| j.0),
                    failures: row.try_get("failures")?,
                    last_checked: row.try_get("last_checked")?,
                })
            }

            #[async_trait]
            impl NetworkStore for $store {
                async fn listings(&self, q: &ListingQuery) -> Result<Vec<Listing>, StoreError> {
                    let (limit, offset) = (q.limit.clamp(0, 1000), q.offset.clamp(0, 100_000));
                    let Some(near) = q.near else {
                        return listings_page(&self.pool, q, limit, offset).await;
                    };
                    // The box holds corners farther than `km`: page on until `limit` rows
                    // within the circle are found (or the box is exhausted).
                    let batch = (limit + offset).clamp(50, 2000);
                    let (mut found, mut skipped, mut from) = (Vec::new(), 0, 0);
                    loop {
                        let page = listings_page(&self.pool, q, batch, from).await?;
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
                    sqlx::query("DELETE FROM listings").execute(&mut *tx).await?;
                    let sql = format!("SELECT {} FROM territories", super::TERRITORY_COLUMNS);
                    let territories = sqlx::query(&sql)
                        .fetch_all(&mut *tx)
                        .await?
                        .iter()
                        .map(super::territory_from_row)
                        .collect::<Result<Vec<_>, _>>()?;
                    let by_id: std::collections::HashMap<Uuid, &$crate::Territory> =
                        territories.iter().map(|t| (t.id, t)).collect();
                    let sql = format!("SELECT {} FROM publications WHERE deleted_at IS NULL", super::PUBLICATION_COLUMNS);
                    let mut n = 0;
                    for row in sqlx::query(&sql).fetch_all(&mut *tx).await? {
                        let p = super::publication_from_row(&row)?;
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
                    Ok(n)
                }

                async fn remote_actor_id_by_handle(&self, username: &str, host: &str) -> Result<Option<String>, StoreError> {
                    let rows = sqlx::query("SELECT id FROM remote_actors WHERE username = $1")
                        .bind(username)
                        .fetch_all(&self.pool)
                        .await?;
                    for row in rows {
                        let id: String = row.try_get("id")?;
                        if $crate::social::host_of(&id).is_some_and(|h| h.eq_ignore_ascii_case(host)) {
                            return Ok(Some(id));
                        }
                    }
                    Ok(None)
                }

                async fn learn_peer(&self, host: &str, source: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
                    let done = sqlx::query("INSERT INTO peers (host, source, first_seen) VALUES ($1, $2, $3) ON CONFLICT (host) DO NOTHING")
                        .bind(host)
                        .bind(source)
                        .bind(at)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn peers_due(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<Peer>, StoreError> {
                    let sql = format!(
                        "SELECT {PEER_COLUMNS} FROM peers WHERE last_checked IS NULL OR last_checked < $1
                         ORDER BY last_checked IS NOT NULL, last_checked, host LIMIT $2"
                    );
                    let rows = sqlx::query(&sql)
                    .bind(before)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows.iter().map(peer_from_row).collect::<Result<_, _>>()?)
                }

                async fn record_peer_check(&self, host: &str, directory: Option<&serde_json::Value>, at: DateTime<Utc>) -> Result<(), StoreError> {
                    match directory {
                        Some(d) => sqlx::query(
                            "UPDATE peers SET verified = TRUE, directory = $2, failures = 0, last_checked = $3, last_success = $3 WHERE host = $1",
                        )
                        .bind(host)
                        .bind(Json(d))
                        .bind(at)
                        .execute(&self.pool)
                        .await?,
                        None => sqlx::query("UPDATE peers SET failures = failures + 1, last_checked = $2 WHERE host = $1")
                            .bind(host)
                            .bind(at)
                            .execute(&self.pool)
                            .await?,
                    };
                    Ok(())
                }

                async fn verified_peers(&self, limit: i64) -> Result<Vec<Peer>, StoreError> {
                    let sql = format!("SELECT {PEER_COLUMNS} FROM peers WHERE verified = TRUE AND failures < $1 ORDER BY host LIMIT $2");
                    let rows = sqlx::query(&sql)
                        .bind(PEER_MAX_FAILURES)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(rows.iter().map(peer_from_row).collect::<Result<_, _>>()?)
                }

                async fn peer_count(&self) -> Result<i64, StoreError> {
                    let row = sqlx::query("SELECT COUNT(*) AS n FROM peers").fetch_one(&self.pool).await?;
                    Ok(row.try_get("n")?)
                }

                async fn upsert_following(&self, f: &Following, follow: Option<&Outgoing>) -> Result<(), StoreError> {
                    Subscriptions::OfTerritories.upsert(&self.pool, f, false, follow).await
                }

                async fn following_by_activity(&self, follow_activity_id: &str) -> Result<Option<Following>, StoreError> {
                    Subscriptions::OfTerritories.by_activity(&self.pool, follow_activity_id).await
                }

                async fn set_following_state(&self, territory_id: Uuid, target_id: &str, state: FollowState) -> Result<bool, StoreError> {
                    Subscriptions::OfTerritories
                        .set_state(&self.pool, Some(territory_id), target_id, state)
                        .await
                }

                async fn remove_following(&self, territory_id: Uuid, target_id: &str, undo: Option<&Outgoing>) -> Result<bool, StoreError> {
                    let mut tx = self.pool.begin().await?;
                    let done = sqlx::query("DELETE FROM following WHERE territory_id = $1 AND target_id = $2")
                        .bind(territory_id)
                        .bind(target_id)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() > 0
                        && let Some(undo) = undo
                    {
                        enqueue_in(&mut tx, undo).await?;
                    }
                    tx.commit().await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn followings(&self, territory_id: Uuid) -> Result<Vec<Following>, StoreError> {
                    Subscriptions::OfTerritories
                        .select(&self.pool, |sql| {
                            sql.push(" AND territory_id = ").push_bind(territory_id);
                        })
                        .await
                }

                async fn followings_of(&self, target_id: &str) -> Result<Vec<Following>, StoreError> {
                    let target_id = target_id.to_owned();
                    Subscriptions::OfTerritories
                        .select(&self.pool, |sql| {
                            sql.push(" AND state = 'accepted' AND target_id = ").push_bind(target_id);
                        })
                        .await
                }

                async fn upsert_remote_publication(&self, p: &RemotePublication) -> Result<bool, StoreError> {
                    let mut tx = self.pool.begin().await?;
                    let done = sqlx::query(
                        "INSERT INTO remote_publications
                           (id, actor_id, kind, title, starts_at, ends_at, object, published, updated, deleted_at, received_at, facts)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                         ON CONFLICT (id) DO UPDATE
                         SET kind = $3, title = $4, starts_at = $5, ends_at = $6, object = $7, updated = $9, received_at = $11,
                             facts = $12
                         WHERE remote_publications.actor_id = $2 AND remote_publications.deleted_at IS NULL
                           AND remote_publications.updated <= $9",
                    )
                    .bind(&p.id)
                    .bind(&p.actor_id)
                    .bind(p.kind.as_str())
                    .bind(&p.title)
                    .bind(p.starts_at)
                    .bind(p.ends_at)
                    .bind(Json(&p.object))
                    .bind(p.published)
                    .bind(p.updated)
                    .bind(p.deleted_at)
                    .bind($crate::now())
                    .bind(Json(&p.facts))
                    .execute(&mut *tx)
                    .await?;
                    let written = done.rows_affected() > 0;
                    if written && p.deleted_at.is_none() {
                        upsert_listing_in(&mut tx, &ListingRow::remote(p)).await?;
                    }
                    tx.commit().await?;
                    Ok(written)
                }

                async fn delete_remote_publication(&self, id: &str, actor_id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
                    let mut tx = self.pool.begin().await?;
                    let done = sqlx::query(
                        "UPDATE remote_publications SET deleted_at = $3 WHERE id = $1 AND actor_id = $2 AND deleted_at IS NULL",
                    )
                    .bind(id)
                    .bind(actor_id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    let deleted = done.rows_affected() > 0;
                    if deleted {
                        delete_listing_in(&mut tx, id).await?;
                    }
                    tx.commit().await?;
                    Ok(deleted)
                }

                async fn remote_publication(&self, id: &str) -> Result<Option<RemotePublication>, StoreError> {
                    let sql = format!("SELECT {REMOTE_COLUMNS} FROM remote_publications WHERE id = $1");
                    let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                    row.as_ref().map(remote_from_row).transpose()
                }

                async fn remote_objects_without_facts(&self, limit: i64) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
                    let rows = sqlx::query("SELECT id, object FROM remote_publications WHERE facts IS NULL ORDER BY id LIMIT $1")
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter()
                        .map(|r| Ok((r.try_get("id")?, r.try_get::<Json<serde_json::Value>, _>("object")?.0)))
                        .collect()
                }

                async fn set_remote_facts(&self, id: &str, facts: &RemoteFacts) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin().await?;
                    let done = sqlx::query("UPDATE remote_publications SET facts = $2 WHERE id = $1")
                        .bind(id)
                        .bind(Json(facts))
                        .execute(&mut *tx)
                        .await?;
                    super::touched(done.rows_affected())?;
                    let sql = format!("SELECT {REMOTE_COLUMNS} FROM remote_publications WHERE id = $1 AND deleted_at IS NULL");
                    if let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(&mut *tx).await? {
                        upsert_listing_in(&mut tx, &ListingRow::remote(&remote_from_row(&row)?)).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn remote_publications(&self, q: &RemoteQuery) -> Result<Vec<RemotePublication>, StoreError> {
                    let mut sql = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {REMOTE_COLUMNS} FROM remote_publications WHERE deleted_at IS NULL"
                    ));
                    if let Some(kind) = q.kind {
                        sql.push(" AND kind = ").push_bind(kind.as_str());
                    }
                    if let Some(actor) = &q.actor_id {
                        sql.push(" AND actor_id = ").push_bind(actor.clone());
                    }
                    if let Some(at) = q.current_at {
                        sql.push(" AND (ends_at IS NULL OR ends_at >= ").push_bind(at).push(")");
                    }
                    sql.push(if q.kind == Some(PublicationKind::Event) {
                        " ORDER BY starts_at ASC, id ASC"
                    } else {
                        " ORDER BY published DESC, id DESC"
                    });
                    sql.push(" LIMIT ").push_bind(q.limit.clamp(0, 1000));
                    let rows = sql.build().fetch_all(&self.pool).await?;
                    rows.iter().map(remote_from_row).collect()
                }

                async fn upsert_node_follower(&self, actor_id: &str, inbox: &str, follow_activity_id: &str, accept: Option<&Outgoing>) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO node_followers (actor_id, inbox, host, follow_activity_id, created_at) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (actor_id) DO UPDATE SET inbox = $2, host = $3, follow_activity_id = $4",
                    )
                    .bind(actor_id)
                    .bind(inbox)
                    .bind($crate::social::host_of(inbox).unwrap_or_default())
                    .bind(follow_activity_id)
                    .bind($crate::now())
                    .execute(&mut *tx)
                    .await?;
                    if let Some(accept) = accept {
                        enqueue_in(&mut tx, accept).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn remove_node_follower(&self, actor_id: &str) -> Result<bool, StoreError> {
                    let done = sqlx::query("DELETE FROM node_followers WHERE actor_id = $1").bind(actor_id).execute(&self.pool).await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn node_followers(&self) -> Result<Vec<(String, String)>, StoreError> {
                    let rows = sqlx::query("SELECT actor_id, inbox FROM node_followers ORDER BY actor_id").fetch_all(&self.pool).await?;
                    rows.iter().map(|r| Ok((r.try_get("actor_id")?, r.try_get("inbox")?))).collect()
                }

                async fn relays(&self) -> Result<Vec<String>, StoreError> {
                    let rows = sqlx::query("SELECT target_id FROM node_subscriptions WHERE relay = TRUE").fetch_all(&self.pool).await?;
                    Ok(rows.iter().map(|r| r.try_get("target_id")).collect::<Result<_, _>>()?)
                }

                async fn upsert_node_subscription(&self, f: &Following, relay: bool, follow: Option<&Outgoing>) -> Result<(), StoreError> {
                    Subscriptions::OfNode.upsert(&self.pool, f, relay, follow).await
                }

                async fn node_subscription_by_activity(&self, follow_activity_id: &str) -> Result<Option<Following>, StoreError> {
                    Subscriptions::OfNode.by_activity(&self.pool, follow_activity_id).await
                }

                async fn set_node_subscription_state(&self, target_id: &str, state: FollowState) -> Result<bool, StoreError> {
                    Subscriptions::OfNode.set_state(&self.pool, None, target_id, state).await
                }

                async fn node_subscriptions(&self) -> Result<Vec<Following>, StoreError> {
                    Subscriptions::OfNode.select(&self.pool, |_| {}).await
                }

                async fn backfill(&self, actor_id: &str) -> Result<Option<Backfill>, StoreError> {
                    let row = sqlx::query("SELECT actor_id, next_page, pages, imported, done FROM backfills WHERE actor_id = $1")
                        .bind(actor_id)
                        .fetch_optional(&self.pool)
                        .await?;
                    Ok(match row {
                        Some(r) => Some(Backfill {
                            actor_id: r.try_get("actor_id")?,
                            next_page: r.try_get("next_page")?,
                            pages: r.try_get("pages")?,
                            imported: r.try_get("imported")?,
                            done: r.try_get("done")?,
                        }),
                        None => None,
                    })
                }

                async fn save_backfill(&self, b: &Backfill) -> Result<(), StoreError> {
                    sqlx::query(
                        "INSERT INTO backfills (actor_id, next_page, pages, imported, done, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (actor_id) DO UPDATE SET next_page = $2, pages = $3, imported = $4, done = $5, updated_at = $6",
                    )
                    .bind(&b.actor_id)
                    .bind(&b.next_page)
                    .bind(b.pages)
                    .bind(b.imported)
                    .bind(b.done)
                    .bind($crate::now())
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }
            }
        }
    };
}

pub(super) use network_sql_store;
