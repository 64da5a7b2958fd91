//! [`NetworkStore`](super::NetworkStore) in the SQL both backends share; see `sql.rs`.

macro_rules! network_sql_store {
    ($store:ty, $db:ty) => {
        mod network_sql {
            use async_trait::async_trait;
            use chrono::{DateTime, Utc};
            use sqlx::Row;
            use sqlx::types::Json;
            use uuid::Uuid;

            use super::enqueue_in;
            use $crate::network::{Backfill, Following, PEER_MAX_FAILURES, Peer, RemotePublication, Scope};
            use $crate::outbox::Outgoing;
            use $crate::publication::PublicationKind;
            use $crate::social::FollowState;
            use $crate::store::StoreError;
            use $crate::store::network::{NetworkStore, RemoteQuery};

            type DbRow = <$db as sqlx::Database>::Row;

            fn following_from_row(row: &DbRow) -> Result<Following, sqlx::Error> {
                Ok(Following {
                    territory_id: row.try_get("territory_id")?,
                    target_id: row.try_get("target_id")?,
                    state: FollowState::parse(row.try_get::<&str, _>("state")?),
                    follow_activity_id: row.try_get("follow_activity_id")?,
                    scope: row.try_get::<Json<Scope>, _>("scope")?.0,
                    created_at: row.try_get("created_at")?,
                })
            }

            fn remote_from_row(row: &DbRow) -> Result<RemotePublication, sqlx::Error> {
                let kind: &str = row.try_get("kind")?;
                Ok(RemotePublication {
                    id: row.try_get("id")?,
                    actor_id: row.try_get("actor_id")?,
                    kind: PublicationKind::parse(kind).unwrap_or(PublicationKind::Resource),
                    title: row.try_get("title")?,
                    starts_at: row.try_get("starts_at")?,
                    ends_at: row.try_get("ends_at")?,
                    object: row.try_get::<Json<serde_json::Value>, _>("object")?.0,
                    published: row.try_get("published")?,
                    updated: row.try_get("updated")?,
                    deleted_at: row.try_get("deleted_at")?,
                })
            }

            fn subscription_from_row(row: &DbRow) -> Result<Following, sqlx::Error> {
                Ok(Following {
                    territory_id: Uuid::nil(),
                    target_id: row.try_get("target_id")?,
                    state: FollowState::parse(row.try_get::<&str, _>("state")?),
                    follow_activity_id: row.try_get("follow_activity_id")?,
                    scope: row.try_get::<Json<Scope>, _>("scope")?.0,
                    created_at: row.try_get("created_at")?,
                })
            }

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
                    let rows = sqlx::query(
                        "SELECT * FROM peers WHERE last_checked IS NULL OR last_checked < $1
                         ORDER BY last_checked IS NOT NULL, last_checked, host LIMIT $2",
                    )
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
                    let rows = sqlx::query("SELECT * FROM peers WHERE verified = TRUE AND failures < $1 ORDER BY host LIMIT $2")
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
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO following (territory_id, target_id, state, follow_activity_id, scope, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (territory_id, target_id) DO UPDATE
                         SET state = $3, follow_activity_id = $4, scope = $5",
                    )
                    .bind(f.territory_id)
                    .bind(&f.target_id)
                    .bind(f.state.as_str())
                    .bind(&f.follow_activity_id)
                    .bind(Json(&f.scope))
                    .bind(f.created_at)
                    .execute(&mut *tx)
                    .await?;
                    if let Some(follow) = follow {
                        enqueue_in(&mut tx, follow).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn following_by_activity(&self, follow_activity_id: &str) -> Result<Option<Following>, StoreError> {
                    let row = sqlx::query("SELECT * FROM following WHERE follow_activity_id = $1")
                        .bind(follow_activity_id)
                        .fetch_optional(&self.pool)
                        .await?;
                    Ok(row.as_ref().map(following_from_row).transpose()?)
                }

                async fn set_following_state(&self, territory_id: Uuid, target_id: &str, state: FollowState) -> Result<bool, StoreError> {
                    let done = sqlx::query("UPDATE following SET state = $3 WHERE territory_id = $1 AND target_id = $2")
                        .bind(territory_id)
                        .bind(target_id)
                        .bind(state.as_str())
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
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
                    let rows = sqlx::query("SELECT * FROM following WHERE territory_id = $1 ORDER BY created_at, target_id")
                        .bind(territory_id)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(rows.iter().map(following_from_row).collect::<Result<_, _>>()?)
                }

                async fn followings_of(&self, target_id: &str) -> Result<Vec<Following>, StoreError> {
                    let rows = sqlx::query("SELECT * FROM following WHERE target_id = $1 AND state = 'accepted'")
                        .bind(target_id)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(rows.iter().map(following_from_row).collect::<Result<_, _>>()?)
                }

                async fn upsert_remote_publication(&self, p: &RemotePublication) -> Result<bool, StoreError> {
                    let done = sqlx::query(
                        "INSERT INTO remote_publications
                           (id, actor_id, kind, title, starts_at, ends_at, object, published, updated, deleted_at, received_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                         ON CONFLICT (id) DO UPDATE
                         SET kind = $3, title = $4, starts_at = $5, ends_at = $6, object = $7, updated = $9, received_at = $11
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
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_remote_publication(&self, id: &str, actor_id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
                    let done = sqlx::query(
                        "UPDATE remote_publications SET deleted_at = $3 WHERE id = $1 AND actor_id = $2 AND deleted_at IS NULL",
                    )
                    .bind(id)
                    .bind(actor_id)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn remote_publication(&self, id: &str) -> Result<Option<RemotePublication>, StoreError> {
                    let row = sqlx::query("SELECT * FROM remote_publications WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
                    Ok(row.as_ref().map(remote_from_row).transpose()?)
                }

                async fn remote_publications(&self, q: &RemoteQuery) -> Result<Vec<RemotePublication>, StoreError> {
                    let mut sql = sqlx::QueryBuilder::<$db>::new("SELECT * FROM remote_publications WHERE deleted_at IS NULL");
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
                    Ok(rows.iter().map(remote_from_row).collect::<Result<_, _>>()?)
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
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO node_subscriptions (target_id, state, follow_activity_id, scope, created_at, relay) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (target_id) DO UPDATE SET state = $2, follow_activity_id = $3, scope = $4, relay = $6",
                    )
                    .bind(&f.target_id)
                    .bind(f.state.as_str())
                    .bind(&f.follow_activity_id)
                    .bind(Json(&f.scope))
                    .bind(f.created_at)
                    .bind(relay)
                    .execute(&mut *tx)
                    .await?;
                    if let Some(follow) = follow {
                        enqueue_in(&mut tx, follow).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn node_subscription_by_activity(&self, follow_activity_id: &str) -> Result<Option<Following>, StoreError> {
                    let row = sqlx::query("SELECT * FROM node_subscriptions WHERE follow_activity_id = $1")
                        .bind(follow_activity_id)
                        .fetch_optional(&self.pool)
                        .await?;
                    Ok(row.as_ref().map(subscription_from_row).transpose()?)
                }

                async fn set_node_subscription_state(&self, target_id: &str, state: FollowState) -> Result<bool, StoreError> {
                    let done = sqlx::query("UPDATE node_subscriptions SET state = $2 WHERE target_id = $1")
                        .bind(target_id)
                        .bind(state.as_str())
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn node_subscriptions(&self) -> Result<Vec<Following>, StoreError> {
                    let rows = sqlx::query("SELECT * FROM node_subscriptions ORDER BY created_at, target_id").fetch_all(&self.pool).await?;
                    Ok(rows.iter().map(subscription_from_row).collect::<Result<_, _>>()?)
                }

                async fn backfill(&self, actor_id: &str) -> Result<Option<Backfill>, StoreError> {
                    let row = sqlx::query("SELECT * FROM backfills WHERE actor_id = $1").bind(actor_id).fetch_optional(&self.pool).await?;
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
