//! [`FederationStore`](super::FederationStore) in the SQL both backends share; see `sql.rs`.

macro_rules! federation_sql_store {
    ($store:ty, $db:ty, $dialect:path) => {
        mod federation_sql {
            use async_trait::async_trait;
            use chrono::{DateTime, Duration, Utc};
            use sqlx::Row;
            use sqlx::types::Json;
            use uuid::Uuid;

            use super::enqueue_in;
            use $crate::outbox::{self, Delivery, Outgoing, ServerState};
            use $crate::social::{Comment, FollowState, Follower, ReactionCounts, ReactionKind, Registration, RemoteActor, Report, RsvpState};
            use $crate::store::StoreError;
            use $crate::store::federation::{FederationStore, Keypair, RsvpReply};

            type DbRow = <$db as sqlx::Database>::Row;

            const ACTOR_COLUMNS: &str =
                "id, inbox, shared_inbox, public_key_id, public_key_pem, username, name, url, fetched_at";
            const FOLLOWER_COLUMNS: &str = "territory_id, actor_id, inbox, state, follow_activity_id, created_at";
            /// A comment's columns, on `comments c`.
            const COMMENT_COLUMNS: &str =
                "c.id, c.publication_id, c.ap_id, c.author_id, c.author_name, c.author_url, c.content_html, c.published, c.hidden";
            const REPORT_COLUMNS: &str = "id, activity_id, reporter, content, objects, created_at, resolved_at";

            fn actor_from_row(row: &DbRow) -> Result<RemoteActor, sqlx::Error> {
                Ok(RemoteActor {
                    id: row.try_get("id")?,
                    inbox: row.try_get("inbox")?,
                    shared_inbox: row.try_get("shared_inbox")?,
                    public_key_id: row.try_get("public_key_id")?,
                    public_key_pem: row.try_get("public_key_pem")?,
                    username: row.try_get("username")?,
                    name: row.try_get("name")?,
                    url: row.try_get("url")?,
                    fetched_at: row.try_get("fetched_at")?,
                })
            }

            /// Registers a participant inside the caller's transaction; returns the state
            /// and whether the registration is new (a repeated one keeps its state).
            #[allow(clippy::too_many_arguments)]
            async fn rsvp_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                publication_id: Uuid,
                actor_id: &str,
                activity_id: &str,
                display_name: Option<&str>,
                capacity: Option<u32>,
                needs_approval: bool,
                at: DateTime<Utc>,
            ) -> Result<(RsvpState, bool), StoreError> {
                // Take the write lock first (SQLite) / lock the event row (PostgreSQL), so
                // concurrent registrations see each other's places.
                sqlx::query("UPDATE publications SET updated_at = updated_at WHERE id = $1")
                    .bind(publication_id)
                    .execute(&mut **tx)
                    .await?;
                let existing = sqlx::query("SELECT state FROM rsvps WHERE publication_id = $1 AND actor_id = $2")
                    .bind(publication_id)
                    .bind(actor_id)
                    .fetch_optional(&mut **tx)
                    .await?;
                if let Some(row) = existing {
                    let state = super::decode("rsvps", "state", row.try_get("state")?, RsvpState::parse)?;
                    if state != RsvpState::Rejected {
                        return Ok((state, false));
                    }
                }
                let taken: i64 = sqlx::query("SELECT COUNT(*) AS n FROM rsvps WHERE publication_id = $1 AND state IN ('accepted', 'pending')")
                    .bind(publication_id)
                    .fetch_one(&mut **tx)
                    .await?
                    .try_get("n")?;
                let state = match capacity {
                    Some(c) if taken >= i64::from(c) => RsvpState::Rejected,
                    _ if needs_approval => RsvpState::Pending,
                    _ => RsvpState::Accepted,
                };
                sqlx::query(
                    "INSERT INTO rsvps (publication_id, actor_id, activity_id, state, created_at, display_name) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (publication_id, actor_id) DO UPDATE SET activity_id = $3, state = $4, display_name = $6",
                )
                .bind(publication_id)
                .bind(actor_id)
                .bind(activity_id)
                .bind(state.as_str())
                .bind(at)
                .bind(display_name)
                .execute(&mut **tx)
                .await?;
                Ok((state, true))
            }

            fn follower_from_row(row: &DbRow) -> Result<Follower, StoreError> {
                Ok(Follower {
                    territory_id: row.try_get("territory_id")?,
                    actor_id: row.try_get("actor_id")?,
                    inbox: row.try_get("inbox")?,
                    state: super::decode("followers", "state", row.try_get("state")?, FollowState::parse)?,
                    follow_activity_id: row.try_get("follow_activity_id")?,
                    created_at: row.try_get("created_at")?,
                })
            }

            fn comment_from_row(row: &DbRow) -> Result<Comment, sqlx::Error> {
                Ok(Comment {
                    id: row.try_get("id")?,
                    publication_id: row.try_get("publication_id")?,
                    ap_id: row.try_get("ap_id")?,
                    author_id: row.try_get("author_id")?,
                    author_name: row.try_get("author_name")?,
                    author_url: row.try_get("author_url")?,
                    content_html: row.try_get("content_html")?,
                    published: row.try_get("published")?,
                    hidden: row.try_get("hidden")?,
                })
            }

            #[async_trait]
            impl FederationStore for $store {
                async fn keypair(&self, owner: Uuid) -> Result<Option<Keypair>, StoreError> {
                    let row = sqlx::query("SELECT public_pem, private_pem FROM keypairs WHERE owner = $1")
                        .bind(owner)
                        .fetch_optional(&self.pool)
                        .await?;
                    Ok(match row {
                        Some(r) => Some(Keypair { public_pem: r.try_get("public_pem")?, private_pem: r.try_get("private_pem")? }),
                        None => None,
                    })
                }

                async fn insert_keypair(&self, owner: Uuid, keypair: &Keypair) -> Result<Keypair, StoreError> {
                    sqlx::query(
                        "INSERT INTO keypairs (owner, public_pem, private_pem, created_at) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (owner) DO NOTHING",
                    )
                    .bind(owner)
                    .bind(&keypair.public_pem)
                    .bind(&keypair.private_pem)
                    .bind($crate::now())
                    .execute(&self.pool)
                    .await?;
                    self.keypair(owner).await?.ok_or(StoreError::NotFound)
                }

                async fn upsert_remote_actor(&self, a: &RemoteActor) -> Result<(), StoreError> {
                    sqlx::query(
                        "INSERT INTO remote_actors
                           (id, inbox, shared_inbox, public_key_id, public_key_pem, username, name, url, fetched_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                         ON CONFLICT (id) DO UPDATE SET inbox = $2, shared_inbox = $3, public_key_id = $4,
                           public_key_pem = $5, username = $6, name = $7, url = $8, fetched_at = $9",
                    )
                    .bind(&a.id)
                    .bind(&a.inbox)
                    .bind(&a.shared_inbox)
                    .bind(&a.public_key_id)
                    .bind(&a.public_key_pem)
                    .bind(&a.username)
                    .bind(&a.name)
                    .bind(&a.url)
                    .bind(a.fetched_at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn remote_actor(&self, id: &str) -> Result<Option<RemoteActor>, StoreError> {
                    let sql = format!("SELECT {ACTOR_COLUMNS} FROM remote_actors WHERE id = $1");
                    let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                    Ok(row.as_ref().map(actor_from_row).transpose()?)
                }

                async fn forget_remote_actor(&self, id: &str) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin().await?;
                    for sql in [
                        "DELETE FROM followers WHERE actor_id = $1",
                        "DELETE FROM comments WHERE author_id = $1",
                        "DELETE FROM reactions WHERE actor_id = $1",
                        "DELETE FROM rsvps WHERE actor_id = $1",
                        "DELETE FROM remote_actors WHERE id = $1",
                    ] {
                        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn upsert_follower(&self, f: &Follower, reply: Option<&Outgoing>) -> Result<(), StoreError> {
                    let host = $crate::social::host_of(&f.inbox).unwrap_or_default();
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO followers (territory_id, actor_id, inbox, host, state, follow_activity_id, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)
                         ON CONFLICT (territory_id, actor_id) DO UPDATE
                         SET inbox = $3, host = $4, state = $5, follow_activity_id = $6",
                    )
                    .bind(f.territory_id)
                    .bind(&f.actor_id)
                    .bind(&f.inbox)
                    .bind(host)
                    .bind(f.state.as_str())
                    .bind(&f.follow_activity_id)
                    .bind(f.created_at)
                    .execute(&mut *tx)
                    .await?;
                    if let Some(reply) = reply {
                        enqueue_in(&mut tx, reply).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_follower_scope(&self, territory_id: Uuid, actor_id: &str, scope: Option<&$crate::network::Scope>) -> Result<(), StoreError> {
                    sqlx::query("UPDATE followers SET scope = $3 WHERE territory_id = $1 AND actor_id = $2")
                        .bind(territory_id)
                        .bind(actor_id)
                        .bind(scope.map(Json))
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn scoped_followers(&self, territory_id: Uuid) -> Result<Vec<(String, $crate::network::Scope)>, StoreError> {
                    let rows = sqlx::query(
                        "SELECT inbox, scope FROM followers WHERE territory_id = $1 AND state = 'accepted' AND scope IS NOT NULL",
                    )
                    .bind(territory_id)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| Ok((r.try_get("inbox")?, r.try_get::<Json<$crate::network::Scope>, _>("scope")?.0)))
                        .collect()
                }

                async fn remove_follower(&self, territory_id: Uuid, actor_id: &str) -> Result<bool, StoreError> {
                    let done = sqlx::query("DELETE FROM followers WHERE territory_id = $1 AND actor_id = $2")
                        .bind(territory_id)
                        .bind(actor_id)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn followers(&self, territory_id: Uuid, limit: i64, offset: i64) -> Result<Vec<Follower>, StoreError> {
                    let sql = format!(
                        "SELECT {FOLLOWER_COLUMNS} FROM followers WHERE territory_id = $1
                         ORDER BY created_at, actor_id LIMIT $2 OFFSET $3"
                    );
                    let rows = sqlx::query(&sql)
                    .bind(territory_id)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(follower_from_row).collect()
                }

                async fn follower_count(&self, territory_id: Uuid) -> Result<i64, StoreError> {
                    let row = sqlx::query("SELECT COUNT(*) AS n FROM followers WHERE territory_id = $1 AND state = 'accepted'")
                        .bind(territory_id)
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(row.try_get("n")?)
                }

                async fn insert_comment(&self, c: &Comment) -> Result<bool, StoreError> {
                    let done = sqlx::query(
                        "INSERT INTO comments
                           (id, publication_id, ap_id, author_id, author_name, author_url, content_html, published, hidden)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (ap_id) DO NOTHING",
                    )
                    .bind(c.id)
                    .bind(c.publication_id)
                    .bind(&c.ap_id)
                    .bind(&c.author_id)
                    .bind(&c.author_name)
                    .bind(&c.author_url)
                    .bind(&c.content_html)
                    .bind(c.published)
                    .bind(c.hidden)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn comments(&self, publication_id: Uuid, include_hidden: bool) -> Result<Vec<Comment>, StoreError> {
                    let sql = format!(
                        "SELECT {COMMENT_COLUMNS} FROM comments c WHERE c.publication_id = $1 AND (c.hidden = FALSE OR $2)
                         ORDER BY c.published, c.id"
                    );
                    let rows = sqlx::query(&sql)
                    .bind(publication_id)
                    .bind(include_hidden)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows.iter().map(comment_from_row).collect::<Result<_, _>>()?)
                }

                async fn territory_comments(&self, territory_id: Uuid, limit: i64) -> Result<Vec<Comment>, StoreError> {
                    let sql = format!(
                        "SELECT {COMMENT_COLUMNS} FROM comments c JOIN publications p ON p.id = c.publication_id
                         WHERE p.territory_id = $1 AND p.deleted_at IS NULL AND c.hidden = FALSE
                         ORDER BY c.published DESC, c.id DESC LIMIT $2"
                    );
                    let rows = sqlx::query(&sql)
                    .bind(territory_id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows.iter().map(comment_from_row).collect::<Result<_, _>>()?)
                }

                async fn delete_comment(&self, ap_id: &str, author_id: &str) -> Result<bool, StoreError> {
                    let done = sqlx::query("DELETE FROM comments WHERE ap_id = $1 AND author_id = $2")
                        .bind(ap_id)
                        .bind(author_id)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn hide_comment(&self, id: Uuid) -> Result<bool, StoreError> {
                    let done = sqlx::query("UPDATE comments SET hidden = TRUE WHERE id = $1").bind(id).execute(&self.pool).await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn insert_reaction(
                    &self,
                    activity_id: &str,
                    publication_id: Uuid,
                    actor_id: &str,
                    kind: ReactionKind,
                ) -> Result<bool, StoreError> {
                    let done = sqlx::query(
                        "INSERT INTO reactions (activity_id, publication_id, actor_id, kind) VALUES ($1, $2, $3, $4)
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(activity_id)
                    .bind(publication_id)
                    .bind(actor_id)
                    .bind(kind.as_str())
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn remove_reaction(&self, activity_id: &str, actor_id: &str) -> Result<bool, StoreError> {
                    let done = sqlx::query("DELETE FROM reactions WHERE activity_id = $1 AND actor_id = $2")
                        .bind(activity_id)
                        .bind(actor_id)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn reaction_counts(&self, publication_id: Uuid) -> Result<ReactionCounts, StoreError> {
                    let row = sqlx::query(
                        "SELECT COALESCE(SUM(CASE WHEN kind = 'like' THEN 1 ELSE 0 END), 0) AS likes,
                                COALESCE(SUM(CASE WHEN kind = 'announce' THEN 1 ELSE 0 END), 0) AS announces
                         FROM reactions WHERE publication_id = $1",
                    )
                    .bind(publication_id)
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(ReactionCounts { likes: row.try_get("likes")?, announces: row.try_get("announces")? })
                }

                async fn rsvp(
                    &self,
                    publication_id: Uuid,
                    actor_id: &str,
                    activity_id: &str,
                    capacity: Option<u32>,
                    needs_approval: bool,
                    at: DateTime<Utc>,
                    reply: RsvpReply<'_>,
                ) -> Result<RsvpState, StoreError> {
                    let mut tx = self.pool.begin().await?;
                    let (state, new) = rsvp_in(&mut tx, publication_id, actor_id, activity_id, None, capacity, needs_approval, at).await?;
                    if new && state != RsvpState::Pending {
                        enqueue_in(&mut tx, &reply(state)).await?;
                    }
                    tx.commit().await?;
                    Ok(state)
                }

                async fn register_visitor(
                    &self,
                    publication_id: Uuid,
                    email: &str,
                    name: &str,
                    capacity: Option<u32>,
                    needs_approval: bool,
                    at: DateTime<Utc>,
                ) -> Result<RsvpState, StoreError> {
                    let mut tx = self.pool.begin().await?;
                    let participant = format!("mailto:{}", email.trim().to_lowercase());
                    let activity = format!("urn:rhizome:registration:{}", Uuid::now_v7());
                    let (state, registered) = rsvp_in(&mut tx, publication_id, &participant, &activity, Some(name), capacity, needs_approval, at).await?;
                    if !registered {
                        // One registration per address and event (the primary key holds
                        // the lower-cased address): a second one is refused, not merged.
                        return Err(StoreError::Conflict("email"));
                    }
                    tx.commit().await?;
                    Ok(state)
                }

                async fn cancel_rsvp(&self, publication_id: Uuid, actor_id: &str) -> Result<bool, StoreError> {
                    let done = sqlx::query("DELETE FROM rsvps WHERE publication_id = $1 AND actor_id = $2")
                        .bind(publication_id)
                        .bind(actor_id)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn insert_report(&self, r: &Report) -> Result<bool, StoreError> {
                    let done = sqlx::query(
                        "INSERT INTO reports (id, activity_id, reporter, content, objects, created_at, resolved_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (activity_id) DO NOTHING",
                    )
                    .bind(r.id)
                    .bind(&r.activity_id)
                    .bind(&r.reporter)
                    .bind(&r.content)
                    .bind(Json(&r.objects))
                    .bind(r.created_at)
                    .bind(r.resolved_at)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn reports(&self, open_only: bool, limit: i64) -> Result<Vec<Report>, StoreError> {
                    let sql = format!(
                        "SELECT {REPORT_COLUMNS} FROM reports WHERE (resolved_at IS NULL OR NOT $1)
                         ORDER BY created_at DESC, id DESC LIMIT $2"
                    );
                    let rows = sqlx::query(&sql)
                    .bind(open_only)
                    .bind(limit.clamp(0, 1000))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(Report {
                                id: row.try_get("id")?,
                                activity_id: row.try_get("activity_id")?,
                                reporter: row.try_get("reporter")?,
                                content: row.try_get("content")?,
                                objects: row.try_get::<Json<Vec<String>>, _>("objects")?.0,
                                created_at: row.try_get("created_at")?,
                                resolved_at: row.try_get("resolved_at")?,
                            })
                        })
                        .collect()
                }

                async fn resolve_report(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError> {
                    let done = sqlx::query("UPDATE reports SET resolved_at = $2 WHERE id = $1 AND resolved_at IS NULL")
                        .bind(id)
                        .bind(at)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn registrations(&self, publication_id: Uuid) -> Result<Vec<Registration>, StoreError> {
                    let rows = sqlx::query(
                        "SELECT actor_id, display_name, state, created_at FROM rsvps
                         WHERE publication_id = $1 ORDER BY created_at, actor_id",
                    )
                    .bind(publication_id)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(Registration {
                                participant: row.try_get("actor_id")?,
                                display_name: row.try_get("display_name")?,
                                state: super::decode("rsvps", "state", row.try_get("state")?, RsvpState::parse)?,
                                created_at: row.try_get("created_at")?,
                            })
                        })
                        .collect()
                }

                async fn participant_count(&self, publication_id: Uuid) -> Result<i64, StoreError> {
                    let row = sqlx::query("SELECT COUNT(*) AS n FROM rsvps WHERE publication_id = $1 AND state = 'accepted'")
                        .bind(publication_id)
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(row.try_get("n")?)
                }

                async fn mark_received(&self, activity_id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
                    let done = sqlx::query("INSERT INTO received_activities (id, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(activity_id)
                        .bind(at)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn forget_received(&self, activity_id: &str) -> Result<(), StoreError> {
                    sqlx::query("DELETE FROM received_activities WHERE id = $1").bind(activity_id).execute(&self.pool).await?;
                    Ok(())
                }

                async fn enqueue(&self, outgoing: &Outgoing) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin().await?;
                    enqueue_in(&mut tx, outgoing).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn outbox(&self, sender: Uuid, limit: i64, offset: i64) -> Result<Vec<serde_json::Value>, StoreError> {
                    let rows = sqlx::query(
                        "SELECT body FROM outbox_activities WHERE sender = $1 AND public = TRUE
                         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                    )
                    .bind(sender)
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .iter()
                        .map(|r| r.try_get::<Json<serde_json::Value>, _>("body").map(|j| j.0))
                        .collect::<Result<_, _>>()?)
                }

                async fn outbox_count(&self, sender: Uuid) -> Result<i64, StoreError> {
                    let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox_activities WHERE sender = $1 AND public = TRUE")
                        .bind(sender)
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(row.try_get("n")?)
                }

                async fn claim_deliveries(&self, now: DateTime<Utc>, lease: Duration, limit: i64, per_host: i64) -> Result<Vec<Delivery>, StoreError> {
                    // Due rows ranked within their server, so one server's backlog cannot
                    // fill the claim with more than can be sent to it within the lease.
                    // PostgreSQL skips rows another claim is taking instead of queueing
                    // behind it; SQLite has one writer at a time anyway.
                    let skip_locked = $dialect.skip_locked;
                    let sql = format!(
                        "UPDATE deliveries SET locked_until = $1, claim = $4
                         WHERE (activity_id, inbox) IN (
                             SELECT activity_id, inbox FROM deliveries
                             WHERE (activity_id, inbox) IN (
                                 SELECT activity_id, inbox FROM (
                                     SELECT activity_id, inbox, next_attempt_at,
                                            ROW_NUMBER() OVER (PARTITION BY host ORDER BY next_attempt_at) AS rank_in_host
                                     FROM deliveries
                                     WHERE next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until < $2)) due
                                 WHERE rank_in_host <= $5
                                 ORDER BY next_attempt_at LIMIT $3)
                               AND (locked_until IS NULL OR locked_until < $2)
                             {skip_locked})
                           AND (locked_until IS NULL OR locked_until < $2)
                         RETURNING activity_id, inbox, host, attempts"
                    );
                    let claim = Uuid::new_v4();
                    let leased_until = now + lease;
                    let rows = sqlx::query(&sql)
                        .bind(leased_until)
                        .bind(now)
                        .bind(limit)
                        .bind(claim)
                        .bind(per_host)
                        .fetch_all(&self.pool)
                        .await?;
                    let mut bodies: std::collections::HashMap<Uuid, (Uuid, std::sync::Arc<serde_json::Value>)> = Default::default();
                    let mut deliveries = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let activity_id: Uuid = row.try_get("activity_id")?;
                        if !bodies.contains_key(&activity_id) {
                            let a = sqlx::query("SELECT sender, body FROM outbox_activities WHERE id = $1")
                                .bind(activity_id)
                                .fetch_one(&self.pool)
                                .await?;
                            let body = std::sync::Arc::new(a.try_get::<Json<serde_json::Value>, _>("body")?.0);
                            bodies.insert(activity_id, (a.try_get("sender")?, body));
                        }
                        let (sender, body) = bodies[&activity_id].clone();
                        deliveries.push(Delivery {
                            activity_id,
                            inbox: row.try_get("inbox")?,
                            host: row.try_get("host")?,
                            attempts: row.try_get("attempts")?,
                            sender,
                            body,
                            claim,
                            leased_until,
                        });
                    }
                    Ok(deliveries)
                }

                async fn deliveries_succeeded(&self, deliveries: &[Delivery], at: DateTime<Utc>) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin().await?;
                    let hosts: std::collections::BTreeSet<&str> = deliveries.iter().map(|d| d.host.as_str()).collect();
                    // One statement per chunk rather than one per delivery.
                    for chunk in deliveries.chunks(200) {
                        let mut delete = sqlx::QueryBuilder::<$db>::new("DELETE FROM deliveries WHERE (activity_id, inbox) IN (");
                        let mut list = delete.separated(", ");
                        for d in chunk {
                            list.push("(");
                            list.push_bind_unseparated(d.activity_id);
                            list.push_unseparated(", ");
                            list.push_bind_unseparated(&d.inbox);
                            list.push_unseparated(")");
                        }
                        delete.push(")");
                        delete.build().execute(&mut *tx).await?;
                    }
                    for host in hosts {
                        sqlx::query(
                            "INSERT INTO remote_servers (host, consecutive_failures, last_success) VALUES ($1, 0, $2)
                             ON CONFLICT (host) DO UPDATE SET consecutive_failures = 0, last_success = $2",
                        )
                        .bind(host)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn delivery_failed(&self, d: &Delivery, at: DateTime<Utc>, error: &str) -> Result<(), StoreError> {
                    let error: String = error.chars().take(500).collect();
                    let mut tx = self.pool.begin().await?;
                    let server = sqlx::query(
                        "INSERT INTO remote_servers (host, consecutive_failures, last_failure, last_error) VALUES ($1, 1, $2, $3)
                         ON CONFLICT (host) DO UPDATE SET consecutive_failures = remote_servers.consecutive_failures + 1,
                           last_failure = $2, last_error = $3
                         RETURNING consecutive_failures, last_success",
                    )
                    .bind(&d.host)
                    .bind(at)
                    .bind(&error)
                    .fetch_one(&mut *tx)
                    .await?;
                    let failures: i32 = server.try_get("consecutive_failures")?;
                    let last_success: Option<DateTime<Utc>> = server.try_get("last_success")?;
                    let attempts = d.attempts + 1;
                    let dead = failures >= outbox::DEAD_AFTER_FAILURES
                        && last_success.is_none_or(|t| at - t > Duration::days(1));
                    if attempts >= outbox::MAX_ATTEMPTS {
                        sqlx::query("DELETE FROM deliveries WHERE activity_id = $1 AND inbox = $2 AND claim = $3")
                            .bind(d.activity_id)
                            .bind(&d.inbox)
                            .bind(d.claim)
                            .execute(&mut *tx)
                            .await?;
                        tracing::warn!(inbox = %d.inbox, attempts, "delivery abandoned after too many failures");
                    } else {
                        let wait = if dead { Duration::days(1) } else { outbox::backoff(attempts) };
                        sqlx::query(
                            "UPDATE deliveries SET attempts = $3, next_attempt_at = $4, locked_until = NULL, claim = NULL, last_error = $5
                             WHERE activity_id = $1 AND inbox = $2 AND claim = $6",
                        )
                        .bind(d.activity_id)
                        .bind(&d.inbox)
                        .bind(attempts)
                        .bind(at + wait)
                        .bind(&error)
                        .bind(d.claim)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn drop_delivery(&self, d: &Delivery) -> Result<(), StoreError> {
                    sqlx::query("DELETE FROM deliveries WHERE activity_id = $1 AND inbox = $2 AND claim = $3")
                        .bind(d.activity_id)
                        .bind(&d.inbox)
                        .bind(d.claim)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn release_claim(&self, claim: Uuid) -> Result<u64, StoreError> {
                    let done = sqlx::query("UPDATE deliveries SET locked_until = NULL, claim = NULL WHERE claim = $1")
                        .bind(claim)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected())
                }

                async fn pending_deliveries(&self) -> Result<i64, StoreError> {
                    let row = sqlx::query("SELECT COUNT(*) AS n FROM deliveries").fetch_one(&self.pool).await?;
                    Ok(row.try_get("n")?)
                }

                async fn servers(&self) -> Result<Vec<ServerState>, StoreError> {
                    let rows = sqlx::query(
                        "SELECT h.host, COALESCE(d.queued, 0) AS queued, d.next_attempt,
                                COALESCE(s.consecutive_failures, 0) AS consecutive_failures,
                                s.last_success, s.last_failure, s.last_error
                         FROM (SELECT host FROM remote_servers UNION SELECT host FROM deliveries) h
                         LEFT JOIN remote_servers s ON s.host = h.host
                         LEFT JOIN (SELECT host, COUNT(*) AS queued, MIN(next_attempt_at) AS next_attempt
                                    FROM deliveries GROUP BY host) d ON d.host = h.host
                         ORDER BY h.host",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(ServerState {
                                host: r.try_get("host")?,
                                queued: r.try_get("queued")?,
                                consecutive_failures: r.try_get("consecutive_failures")?,
                                last_success: r.try_get("last_success")?,
                                last_failure: r.try_get("last_failure")?,
                                last_error: r.try_get("last_error")?,
                                next_attempt: r.try_get("next_attempt")?,
                            })
                        })
                        .collect()
                }

                async fn block_domain(&self, domain: &str, reason: &str) -> Result<(), StoreError> {
                    sqlx::query(
                        "INSERT INTO blocked_domains (domain, reason, created_at) VALUES ($1, $2, $3)
                         ON CONFLICT (domain) DO UPDATE SET reason = $2",
                    )
                    .bind(domain.to_lowercase())
                    .bind(reason)
                    .bind($crate::now())
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn unblock_domain(&self, domain: &str) -> Result<bool, StoreError> {
                    let done = sqlx::query("DELETE FROM blocked_domains WHERE domain = $1")
                        .bind(domain.to_lowercase())
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn blocked_domains(&self) -> Result<Vec<String>, StoreError> {
                    let rows = sqlx::query("SELECT domain FROM blocked_domains ORDER BY domain").fetch_all(&self.pool).await?;
                    Ok(rows.iter().map(|r| r.try_get("domain")).collect::<Result<_, _>>()?)
                }
            }
        }
    };
}

pub(super) use federation_sql_store;
