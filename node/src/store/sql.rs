//! The SQL both backends share. SQLite and PostgreSQL agree on this subset (numbered
//! `$n` parameters, `RETURNING`, `ON CONFLICT`), and sqlx maps the same Rust types to each
//! backend's native columns (uuid/blob, timestamptz/text, jsonb/text), so the statements
//! are written once and instantiated per backend by this macro.

use crate::store::StoreError;

/// What differs between the backends' SQL, handed to the shared statements explicitly
/// (each backend's file defines its own).
pub(super) struct Dialect {
    /// The full-text condition on `listings l`, written around the bound query text.
    pub text_match: (&'static str, &'static str),
    /// A user's words (see `listing::query_words`) as the engine's query text.
    pub text_query: fn(&[String]) -> String,
    /// Ends the row selection of a delivery claim: rows another worker is claiming at the
    /// same moment are skipped rather than waited for (PostgreSQL; SQLite has one writer).
    pub skip_locked: &'static str,
}

/// Turns a unique-constraint violation into a conflict on `field`.
pub(super) fn conflict_on(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(field),
        _ => StoreError::Database(e),
    }
}

/// Reads a stored enum value with `parse`: a value this version does not know is
/// `Corrupt`, naming the table and column, never a default.
pub(super) fn decode<T>(
    table: &'static str,
    column: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| StoreError::Corrupt {
        table,
        column,
        reason: format!("unknown value {value:?}"),
    })
}

/// Fails with `NotFound` when a statement touched no row.
pub(super) fn touched(rows: u64) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

macro_rules! shared_sql_store {
    ($store:ty, $db:ty, $name:literal) => {
        use async_trait::async_trait;
        use chrono::{DateTime, Utc};
        use sqlx::Row;
        use sqlx::types::Json;
        use uuid::Uuid;

        use $crate::listing::ListingRow;
        use $crate::member::{ApiToken, LinkPurpose, Member, OneTimeLink, Principal, Session};
        use $crate::outbox::{Outgoing, Recipients};
        use $crate::publication::{Publication, PublicationBody, PublicationKind};
        use $crate::store::sql::{conflict_on, decode, touched};
        use $crate::store::{CurrentCounts, NetworkStore, Order, PublicationQuery, Store};
        use $crate::territory::{Territory, TerritoryProfile};

        type DbRow = <$db as sqlx::Database>::Row;

        const TERRITORY_COLUMNS: &str = "id, data, created_at, updated_at";
        const MEMBER_COLUMNS: &str = "m.id, m.username, m.password_hash, m.is_admin, m.created_at";
        const PUBLICATION_COLUMNS: &str = "id, territory_id, data, created_at, updated_at, deleted_at";

        fn territory_from_row(row: &DbRow) -> Result<Territory, sqlx::Error> {
            Ok(Territory {
                id: row.try_get("id")?,
                profile: row.try_get::<Json<TerritoryProfile>, _>("data")?.0,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        fn member_from_row(row: &DbRow) -> Result<Member, sqlx::Error> {
            Ok(Member {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                password_hash: row.try_get("password_hash")?,
                is_admin: row.try_get("is_admin")?,
                created_at: row.try_get("created_at")?,
            })
        }

        fn link_from_row(row: &DbRow) -> Result<OneTimeLink, StoreError> {
            let purpose: String = row.try_get("purpose")?;
            let purpose = match purpose.as_str() {
                "password_reset" => LinkPurpose::PasswordReset {
                    member_id: row.try_get::<Option<Uuid>, _>("member_id")?.ok_or_else(|| StoreError::Corrupt {
                        table: "one_time_links",
                        column: "member_id",
                        reason: "a password reset link without member".into(),
                    })?,
                },
                "invitation" => LinkPurpose::Invitation {
                    territory_id: row.try_get("territory_id")?,
                    admin: row.try_get("is_admin")?,
                },
                other => {
                    return Err(StoreError::Corrupt {
                        table: "one_time_links",
                        column: "purpose",
                        reason: format!("unknown value {other:?}"),
                    });
                }
            };
            Ok(OneTimeLink {
                token_hash: row.try_get("token_hash")?,
                purpose,
                created_at: row.try_get("created_at")?,
                expires_at: row.try_get("expires_at")?,
                used_at: row.try_get("used_at")?,
            })
        }

        fn publication_from_row(row: &DbRow) -> Result<Publication, sqlx::Error> {
            Ok(Publication {
                id: row.try_get("id")?,
                territory_id: row.try_get("territory_id")?,
                body: row.try_get::<Json<PublicationBody>, _>("data")?.0,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
                deleted_at: row.try_get("deleted_at")?,
            })
        }

        /// Writes an activity and its deliveries inside the caller's transaction: one row
        /// per distinct inbox, so followers sharing an inbox cost one request.
        async fn enqueue_in(tx: &mut sqlx::Transaction<'_, $db>, o: &Outgoing) -> Result<(), sqlx::Error> {
            let now = $crate::now();
            sqlx::query(
                "INSERT INTO outbox_activities (id, activity_id, sender, body, public, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(o.id)
            .bind(&o.activity_id)
            .bind(o.sender)
            .bind(Json(&o.body))
            .bind(o.public)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            match &o.recipients {
                Recipients::FollowersOf { territory, scoped } => {
                    sqlx::query(
                        "INSERT INTO deliveries (activity_id, inbox, host, attempts, next_attempt_at)
                         SELECT DISTINCT $1, inbox, host, 0, $2 FROM (
                             SELECT inbox, host FROM followers WHERE territory_id = $3 AND state = 'accepted' AND scope IS NULL
                             UNION SELECT inbox, host FROM node_followers) AS f",
                    )
                    .bind(o.id)
                    .bind(now)
                    .bind(territory)
                    .execute(&mut **tx)
                    .await?;
                    insert_inboxes(tx, o.id, scoped, now).await?;
                }
                Recipients::Inboxes(inboxes) => insert_inboxes(tx, o.id, inboxes, now).await?,
            }
            Ok(())
        }

        /// Writes (or rewrites) a publication's row of the network index in the caller's
        /// transaction.
        async fn upsert_listing_in(tx: &mut sqlx::Transaction<'_, $db>, l: &ListingRow) -> Result<(), sqlx::Error> {
            sqlx::query(
                "INSERT INTO listings (id, territory_id, actor_id, kind, title, summary, search, language,
                                       themes, latitude, longitude, starts_at, ends_at, published, current_until,
                                       status, timezone, place)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                 ON CONFLICT (id) DO UPDATE
                 SET territory_id = $2, actor_id = $3, kind = $4, title = $5, summary = $6, search = $7,
                     language = $8, themes = $9, latitude = $10, longitude = $11, starts_at = $12,
                     ends_at = $13, published = $14, current_until = $15, status = $16, timezone = $17,
                     place = $18",
            )
            .bind(&l.id)
            .bind(l.territory_id)
            .bind(&l.actor_id)
            .bind(l.kind.as_str())
            .bind(&l.title)
            .bind(&l.summary)
            .bind(&l.search)
            .bind(&l.language)
            .bind(l.themes)
            .bind(l.latitude)
            .bind(l.longitude)
            .bind(l.starts_at)
            .bind(l.ends_at)
            .bind(l.published)
            .bind(l.ends_at.unwrap_or($crate::listing::NEVER_ENDS))
            .bind(l.event.status.map(|s| s.as_str()))
            .bind(&l.event.timezone)
            .bind(&l.event.place)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn delete_listing_in(tx: &mut sqlx::Transaction<'_, $db>, id: &str) -> Result<(), sqlx::Error> {
            sqlx::query("DELETE FROM listings WHERE id = $1").bind(id).execute(&mut **tx).await?;
            Ok(())
        }

        /// Indexes a local publication with its territory as the transaction sees it.
        async fn index_local_in(tx: &mut sqlx::Transaction<'_, $db>, p: &Publication) -> Result<(), StoreError> {
            let sql = format!("SELECT {TERRITORY_COLUMNS} FROM territories WHERE id = $1");
            let row = sqlx::query(&sql).bind(p.territory_id).fetch_optional(&mut **tx).await?;
            let Some(territory) = row.as_ref().map(territory_from_row).transpose()? else {
                return Err(StoreError::NotFound);
            };
            upsert_listing_in(tx, &ListingRow::local(p, &territory)).await?;
            Ok(())
        }

        async fn insert_inboxes(
            tx: &mut sqlx::Transaction<'_, $db>,
            activity: Uuid,
            inboxes: &[String],
            now: DateTime<Utc>,
        ) -> Result<(), sqlx::Error> {
            for inbox in inboxes {
                sqlx::query(
                    "INSERT INTO deliveries (activity_id, inbox, host, attempts, next_attempt_at)
                     VALUES ($1, $2, $3, 0, $4) ON CONFLICT DO NOTHING",
                )
                .bind(activity)
                .bind(inbox)
                .bind($crate::social::host_of(inbox).unwrap_or_default())
                .bind(now)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn migrate(&self) -> Result<(), StoreError> {
                MIGRATOR.run(&self.pool).await?;
                // A node upgraded from before the index has publications and no listings.
                let row = sqlx::query(
                    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM listings LIMIT 1) AS l) AS listed,
                            (SELECT COUNT(*) FROM (SELECT 1 FROM publications WHERE deleted_at IS NULL LIMIT 1) AS p)
                          + (SELECT COUNT(*) FROM (SELECT 1 FROM remote_publications WHERE deleted_at IS NULL LIMIT 1) AS r) AS live",
                )
                .fetch_one(&self.pool)
                .await?;
                if row.try_get::<i64, _>("listed")? == 0 && row.try_get::<i64, _>("live")? > 0 {
                    let n = self.rebuild_listings().await?;
                    tracing::info!(listings = n, "network index rebuilt");
                }
                Ok(())
            }

            async fn insert_territory(&self, t: &Territory) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO territories (id, slug, name, data, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(t.id)
                .bind(&t.profile.slug)
                .bind(&t.profile.name)
                .bind(Json(&t.profile))
                .bind(t.created_at)
                .bind(t.updated_at)
                .execute(&self.pool)
                .await
                .map_err(conflict_on("slug"))?;
                Ok(())
            }

            async fn update_territory(&self, t: &Territory, announce: Option<&Outgoing>) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE territories SET name = $2, data = $3, updated_at = $4 WHERE id = $1",
                )
                .bind(t.id)
                .bind(&t.profile.name)
                .bind(Json(&t.profile))
                .bind(t.updated_at)
                .execute(&mut *tx)
                .await?;
                touched(done.rows_affected())?;
                // Its publications without a place of their own are where it is.
                let sql = format!(
                    "SELECT {PUBLICATION_COLUMNS} FROM publications WHERE territory_id = $1 AND deleted_at IS NULL"
                );
                let rows = sqlx::query(&sql).bind(t.id).fetch_all(&mut *tx).await?;
                for row in &rows {
                    upsert_listing_in(&mut tx, &ListingRow::local(&publication_from_row(row)?, t)).await?;
                }
                if let Some(a) = announce {
                    enqueue_in(&mut tx, a).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn territory(&self, id: Uuid) -> Result<Option<Territory>, StoreError> {
                let sql = format!("SELECT {TERRITORY_COLUMNS} FROM territories WHERE id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                Ok(row.as_ref().map(territory_from_row).transpose()?)
            }

            async fn territory_by_slug(&self, slug: &str) -> Result<Option<Territory>, StoreError> {
                let sql = format!("SELECT {TERRITORY_COLUMNS} FROM territories WHERE slug = $1");
                let row = sqlx::query(&sql).bind(slug).fetch_optional(&self.pool).await?;
                Ok(row.as_ref().map(territory_from_row).transpose()?)
            }

            async fn territories(&self) -> Result<Vec<Territory>, StoreError> {
                let sql = format!("SELECT {TERRITORY_COLUMNS} FROM territories ORDER BY name, slug");
                let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
                Ok(rows.iter().map(territory_from_row).collect::<Result<_, _>>()?)
            }

            async fn insert_member(&self, m: &Member) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO members (id, username, password_hash, is_admin, created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(m.id)
                .bind(&m.username)
                .bind(&m.password_hash)
                .bind(m.is_admin)
                .bind(m.created_at)
                .execute(&self.pool)
                .await
                .map_err(conflict_on("username"))?;
                Ok(())
            }

            async fn member_by_username(&self, username: &str) -> Result<Option<Member>, StoreError> {
                let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.username = $1");
                let row = sqlx::query(&sql).bind(username).fetch_optional(&self.pool).await?;
                Ok(row.as_ref().map(member_from_row).transpose()?)
            }

            async fn member(&self, id: Uuid) -> Result<Option<Member>, StoreError> {
                let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                Ok(row.as_ref().map(member_from_row).transpose()?)
            }

            async fn set_password_hash(&self, member_id: Uuid, hash: &str) -> Result<(), StoreError> {
                let done = sqlx::query("UPDATE members SET password_hash = $2 WHERE id = $1")
                    .bind(member_id)
                    .bind(hash)
                    .execute(&self.pool)
                    .await?;
                touched(done.rows_affected())
            }

            async fn member_count(&self) -> Result<i64, StoreError> {
                let row = sqlx::query("SELECT COUNT(*) AS n FROM members").fetch_one(&self.pool).await?;
                Ok(row.try_get("n")?)
            }

            async fn grant_editor(&self, member_id: Uuid, territory_id: Uuid) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO territory_editors (member_id, territory_id) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(member_id)
                .bind(territory_id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn principal(&self, member: Member) -> Result<Principal, StoreError> {
                let rows = sqlx::query("SELECT territory_id FROM territory_editors WHERE member_id = $1")
                    .bind(member.id)
                    .fetch_all(&self.pool)
                    .await?;
                let editor_of = rows
                    .iter()
                    .map(|r| r.try_get::<Uuid, _>("territory_id"))
                    .collect::<Result<_, _>>()?;
                Ok(Principal { member, editor_of })
            }

            async fn insert_token(&self, t: &ApiToken) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO api_tokens (id, member_id, name, token_hash, created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(t.id)
                .bind(t.member_id)
                .bind(&t.name)
                .bind(&t.token_hash)
                .bind(t.created_at)
                .execute(&self.pool)
                .await
                .map_err(conflict_on("token"))?;
                Ok(())
            }

            async fn member_by_token_hash(&self, hash: &str) -> Result<Option<Member>, StoreError> {
                let sql = format!(
                    "SELECT {MEMBER_COLUMNS} FROM api_tokens t JOIN members m ON m.id = t.member_id
                     WHERE t.token_hash = $1"
                );
                let row = sqlx::query(&sql).bind(hash).fetch_optional(&self.pool).await?;
                Ok(row.as_ref().map(member_from_row).transpose()?)
            }

            async fn node_settings(&self) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
                let rows = sqlx::query("SELECT key, value FROM node_settings").fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|row| Ok((row.try_get("key")?, row.try_get("value")?)))
                    .collect()
            }

            async fn set_node_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
                if value.is_empty() {
                    sqlx::query("DELETE FROM node_settings WHERE key = $1").bind(key).execute(&self.pool).await?;
                } else {
                    sqlx::query(
                        "INSERT INTO node_settings (key, value) VALUES ($1, $2)
                         ON CONFLICT (key) DO UPDATE SET value = $2",
                    )
                    .bind(key)
                    .bind(value)
                    .execute(&self.pool)
                    .await?;
                }
                Ok(())
            }

            async fn insert_session(&self, s: &Session) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                    .bind(s.created_at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO sessions (id_hash, member_id, csrf, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&s.id_hash)
                .bind(s.member_id)
                .bind(&s.csrf)
                .bind(s.created_at)
                .bind(s.expires_at)
                .execute(&mut *tx)
                .await
                .map_err(conflict_on("session"))?;
                tx.commit().await?;
                Ok(())
            }

            async fn session(&self, id_hash: &str) -> Result<Option<(Session, Member)>, StoreError> {
                let sql = format!(
                    "SELECT {MEMBER_COLUMNS}, s.id_hash, s.csrf, s.created_at AS s_created, s.expires_at
                     FROM sessions s JOIN members m ON m.id = s.member_id
                     WHERE s.id_hash = $1 AND s.expires_at > $2"
                );
                let row = sqlx::query(&sql).bind(id_hash).bind($crate::now()).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let member = member_from_row(&row)?;
                let session = Session {
                    id_hash: row.try_get("id_hash")?,
                    member_id: member.id,
                    csrf: row.try_get("csrf")?,
                    created_at: row.try_get("s_created")?,
                    expires_at: row.try_get("expires_at")?,
                };
                Ok(Some((session, member)))
            }

            async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn delete_sessions_of(&self, member_id: Uuid, keep: Option<&str>) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE member_id = $1 AND id_hash <> $2")
                    .bind(member_id)
                    .bind(keep.unwrap_or(""))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn insert_link(&self, l: &OneTimeLink) -> Result<(), StoreError> {
                let (member_id, territory_id, admin) = match &l.purpose {
                    LinkPurpose::Invitation { territory_id, admin } => (None, *territory_id, *admin),
                    LinkPurpose::PasswordReset { member_id } => (Some(*member_id), None, false),
                };
                sqlx::query(
                    "INSERT INTO one_time_links
                       (token_hash, purpose, member_id, territory_id, is_admin, created_at, expires_at, used_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&l.token_hash)
                .bind(l.purpose.as_str())
                .bind(member_id)
                .bind(territory_id)
                .bind(admin)
                .bind(l.created_at)
                .bind(l.expires_at)
                .bind(l.used_at)
                .execute(&self.pool)
                .await
                .map_err(conflict_on("link"))?;
                Ok(())
            }

            async fn link(&self, token_hash: &str) -> Result<Option<OneTimeLink>, StoreError> {
                let row = sqlx::query(
                    "SELECT token_hash, purpose, member_id, territory_id, is_admin, created_at, expires_at, used_at
                     FROM one_time_links WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(link_from_row).transpose()
            }

            async fn accept_invitation(&self, token_hash: &str, m: &Member) -> Result<Member, StoreError> {
                let now = $crate::now();
                let mut tx = self.pool.begin().await?;
                // Writing first takes the row (PostgreSQL) or the database (SQLite) lock, so a
                // concurrent use of the same link waits, then finds it used.
                let row = sqlx::query(
                    "UPDATE one_time_links SET used_at = $2
                     WHERE token_hash = $1 AND purpose = 'invitation' AND used_at IS NULL AND expires_at > $2
                     RETURNING territory_id, is_admin",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else { return Err(StoreError::NotFound) };
                let territory_id: Option<Uuid> = row.try_get("territory_id")?;
                let member = Member { is_admin: row.try_get("is_admin")?, ..m.clone() };
                sqlx::query(
                    "INSERT INTO members (id, username, password_hash, is_admin, created_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(member.id)
                .bind(&member.username)
                .bind(&member.password_hash)
                .bind(member.is_admin)
                .bind(member.created_at)
                .execute(&mut *tx)
                .await
                .map_err(conflict_on("username"))?;
                if let Some(territory_id) = territory_id {
                    sqlx::query("INSERT INTO territory_editors (member_id, territory_id) VALUES ($1, $2)")
                        .bind(member.id)
                        .bind(territory_id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(member)
            }

            async fn reset_password(&self, token_hash: &str, password_hash: &str) -> Result<Member, StoreError> {
                let now = $crate::now();
                let mut tx = self.pool.begin().await?;
                let row = sqlx::query(
                    "UPDATE one_time_links SET used_at = $2
                     WHERE token_hash = $1 AND purpose = 'password_reset' AND used_at IS NULL AND expires_at > $2
                     RETURNING member_id",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else { return Err(StoreError::NotFound) };
                let member_id: Uuid = row.try_get("member_id")?;
                let done = sqlx::query("UPDATE members SET password_hash = $2 WHERE id = $1")
                    .bind(member_id)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await?;
                touched(done.rows_affected())?;
                sqlx::query("UPDATE one_time_links SET used_at = $2 WHERE member_id = $1 AND used_at IS NULL")
                    .bind(member_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM sessions WHERE member_id = $1")
                    .bind(member_id)
                    .execute(&mut *tx)
                    .await?;
                let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = $1");
                let row = sqlx::query(&sql).bind(member_id).fetch_one(&mut *tx).await?;
                let member = member_from_row(&row)?;
                tx.commit().await?;
                Ok(member)
            }

            async fn insert_publication(&self, p: &Publication, announce: Option<&Outgoing>) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO publications
                       (id, territory_id, kind, title, language, starts_at, ends_at, data, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(p.id)
                .bind(p.territory_id)
                .bind(p.body.kind().as_str())
                .bind(p.body.title())
                .bind(p.body.language())
                .bind(p.body.starts_at())
                .bind(p.body.ends_at())
                .bind(Json(&p.body))
                .bind(p.created_at)
                .bind(p.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(conflict_on("id"))?;
                index_local_in(&mut tx, p).await?;
                if let Some(a) = announce {
                    enqueue_in(&mut tx, a).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn update_publication(&self, p: &Publication, announce: Option<&Outgoing>) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE publications
                     SET title = $2, language = $3, starts_at = $4, ends_at = $5, data = $6, updated_at = $7
                     WHERE id = $1 AND deleted_at IS NULL",
                )
                .bind(p.id)
                .bind(p.body.title())
                .bind(p.body.language())
                .bind(p.body.starts_at())
                .bind(p.body.ends_at())
                .bind(Json(&p.body))
                .bind(p.updated_at)
                .execute(&mut *tx)
                .await?;
                touched(done.rows_affected())?;
                index_local_in(&mut tx, p).await?;
                if let Some(a) = announce {
                    enqueue_in(&mut tx, a).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn delete_publication(&self, id: Uuid, at: DateTime<Utc>, announce: Option<&Outgoing>) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE publications SET deleted_at = $2, updated_at = $2
                     WHERE id = $1 AND deleted_at IS NULL",
                )
                .bind(id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                touched(done.rows_affected())?;
                delete_listing_in(&mut tx, &id.to_string()).await?;
                if let Some(a) = announce {
                    enqueue_in(&mut tx, a).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn publication(&self, id: Uuid) -> Result<Option<Publication>, StoreError> {
                let sql = format!("SELECT {PUBLICATION_COLUMNS} FROM publications WHERE id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                Ok(row.as_ref().map(publication_from_row).transpose()?)
            }

            async fn publication_count(&self) -> Result<i64, StoreError> {
                let row = sqlx::query("SELECT COUNT(*) AS n FROM publications WHERE deleted_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(row.try_get("n")?)
            }

            async fn current_counts(&self, territory_id: Uuid, now: DateTime<Utc>) -> Result<CurrentCounts, StoreError> {
                let rows = sqlx::query(
                    "SELECT kind, COUNT(*) AS n FROM publications
                     WHERE territory_id = $1 AND deleted_at IS NULL
                       AND (kind = 'resource' OR ends_at IS NULL OR ends_at >= $2)
                     GROUP BY kind",
                )
                .bind(territory_id)
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                let mut counts = CurrentCounts::default();
                for row in &rows {
                    let n: i64 = row.try_get("n")?;
                    let kind = decode("publications", "kind", row.try_get("kind")?, PublicationKind::parse)?;
                    match kind {
                        PublicationKind::Event => counts.upcoming_events = n,
                        PublicationKind::Resource => counts.resources = n,
                        PublicationKind::Call => counts.open_calls = n,
                    }
                }
                Ok(counts)
            }

            async fn publications(&self, q: &PublicationQuery) -> Result<Vec<Publication>, StoreError> {
                let mut sql = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {PUBLICATION_COLUMNS} FROM publications WHERE deleted_at IS NULL"
                ));
                if let Some(kind) = q.kind {
                    sql.push(" AND kind = ").push_bind(kind.as_str());
                }
                if let Some(territory_id) = q.territory_id {
                    sql.push(" AND territory_id = ").push_bind(territory_id);
                }
                if let Some(at) = q.current_at {
                    sql.push(" AND (ends_at IS NULL OR ends_at >= ").push_bind(at).push(")");
                }
                sql.push(match q.order {
                    Order::Newest => " ORDER BY created_at DESC, id DESC",
                    Order::Soonest => " ORDER BY starts_at ASC, id ASC",
                });
                sql.push(" LIMIT ").push_bind(q.limit.clamp(0, 1000));
                sql.push(" OFFSET ").push_bind(q.offset.max(0));
                let rows = sql.build().fetch_all(&self.pool).await?;
                Ok(rows.iter().map(publication_from_row).collect::<Result<_, _>>()?)
            }
        }
    };
}

pub(super) use shared_sql_store;
