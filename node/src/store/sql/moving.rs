//! [`MovingStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::SqlStore;
use super::rows::{PUBLICATION_COLUMNS, publication_from_row};
use super::transaction::{enqueue_in, index_local_in, insert_publication_row, insert_series_row};
use crate::network::{Following, Scope};
use crate::outbox::Outgoing;
use crate::publication::Publication;
use crate::social::FollowState;
use crate::store::StoreError;
use crate::store::moving::{MovingStore, TerritoryImport, TerritoryMove};
use crate::store::results::{conflict_on, decode};
use crate::territory_archive::ArchivedFollower;

#[async_trait]
impl MovingStore for SqlStore {
    async fn import_territory(&self, import: &TerritoryImport) -> Result<(), StoreError> {
        let t = &import.territory;
        let mut tx = self.pool.begin().await?;
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
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("slug"))?;
        for s in &import.series {
            insert_series_row(&mut *tx, s)
                .await
                .map_err(conflict_on("publications"))?;
        }
        for (old_id, p) in &import.publications {
            insert_publication_row(&mut *tx, p)
                .await
                .map_err(conflict_on("publications"))?;
            index_local_in(&mut tx, p).await?;
            sqlx::query(
                "INSERT INTO moved_publications (old_id, publication_id, territory_id) VALUES ($1, $2, $3)",
            )
            .bind(old_id)
            .bind(p.id)
            .bind(t.id)
            .execute(&mut *tx)
            .await
            .map_err(conflict_on("publications"))?;
        }
        for alias in &import.aliases {
            sqlx::query(
                "INSERT INTO territory_aliases (territory_id, alias) VALUES ($1, $2)
                 ON CONFLICT (territory_id, alias) DO NOTHING",
            )
            .bind(t.id)
            .bind(alias)
            .execute(&mut *tx)
            .await?;
        }
        let now = crate::now();
        for f in import.followers.iter().filter(|_| import.restore) {
            sqlx::query(
                "INSERT INTO followers (territory_id, actor_id, inbox, host, state, follow_activity_id, created_at, scope)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (territory_id, actor_id) DO NOTHING",
            )
            .bind(t.id)
            .bind(&f.actor_id)
            .bind(&f.inbox)
            .bind(crate::social::host_of(&f.inbox).unwrap_or_default())
            .bind(f.state.as_str())
            .bind(&f.follow_activity_id)
            .bind(now)
            .bind(f.scope.as_ref().map(Json))
            .execute(&mut *tx)
            .await?;
        }
        for f in import.followers.iter().filter(|_| !import.restore) {
            sqlx::query(
                "INSERT INTO imported_followers (territory_id, actor_id, inbox, state, scope, imported_at, follow_activity_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (territory_id, actor_id) DO NOTHING",
            )
            .bind(t.id)
            .bind(&f.actor_id)
            .bind(&f.inbox)
            .bind(f.state.as_str())
            .bind(f.scope.as_ref().map(Json))
            .bind(now)
            .bind(&f.follow_activity_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn territory_aliases(&self, territory_id: Uuid) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT alias FROM territory_aliases WHERE territory_id = $1 ORDER BY alias",
        )
        .bind(territory_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get("alias"))
            .collect::<Result<_, _>>()?)
    }

    async fn territory_move(
        &self,
        territory_id: Uuid,
    ) -> Result<Option<TerritoryMove>, StoreError> {
        let row =
            sqlx::query("SELECT moved_to, moved_at FROM territory_moves WHERE territory_id = $1")
                .bind(territory_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(r) => Some(TerritoryMove {
                moved_to: r.try_get("moved_to")?,
                moved_at: r.try_get("moved_at")?,
            }),
            None => None,
        })
    }

    async fn record_move(
        &self,
        territory_id: Uuid,
        moved: &TerritoryMove,
        announce: &Outgoing,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO territory_moves (territory_id, moved_to, moved_at) VALUES ($1, $2, $3)",
        )
        .bind(territory_id)
        .bind(&moved.moved_to)
        .bind(moved.moved_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_on("moved_to"))?;
        enqueue_in(&mut tx, announce).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn moved_publication(&self, old_id: &str) -> Result<Option<Publication>, StoreError> {
        let sql = format!(
            "SELECT {PUBLICATION_COLUMNS} FROM publications
             WHERE id = (SELECT publication_id FROM moved_publications WHERE old_id = $1)"
        );
        let row = sqlx::query(&sql)
            .bind(old_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(publication_from_row).transpose()?)
    }

    async fn imported_followers(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<ArchivedFollower>, StoreError> {
        followers_of(self, "imported_followers", territory_id).await
    }

    async fn archived_followers(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<ArchivedFollower>, StoreError> {
        followers_of(self, "followers", territory_id).await
    }

    async fn territory_publications(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<Publication>, StoreError> {
        let sql = format!(
            "SELECT {PUBLICATION_COLUMNS} FROM publications
             WHERE territory_id = $1 AND deleted_at IS NULL ORDER BY created_at, id"
        );
        let rows = sqlx::query(&sql)
            .bind(territory_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(publication_from_row)
            .collect::<Result<_, _>>()?)
    }

    async fn replace_following(
        &self,
        old: &Following,
        undo: Option<&Outgoing>,
        new: &Following,
        follow: &Outgoing,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM following WHERE territory_id = $1 AND target_id = $2")
            .bind(old.territory_id)
            .bind(&old.target_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO following (target_id, state, follow_activity_id, scope, created_at, territory_id)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (territory_id, target_id) DO UPDATE
             SET state = $2, follow_activity_id = $3, scope = $4",
        )
        .bind(&new.target_id)
        .bind(new.state.as_str())
        .bind(&new.follow_activity_id)
        .bind(Json(&new.scope))
        .bind(new.created_at)
        .bind(new.territory_id)
        .execute(&mut *tx)
        .await?;
        if let Some(undo) = undo {
            enqueue_in(&mut tx, undo).await?;
        }
        enqueue_in(&mut tx, follow).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The followers a table lists for a territory (`followers` or `imported_followers`,
/// which share these columns).
async fn followers_of(
    store: &SqlStore,
    table: &'static str,
    territory_id: Uuid,
) -> Result<Vec<ArchivedFollower>, StoreError> {
    let sql = format!(
        "SELECT actor_id, inbox, state, scope, follow_activity_id FROM {table} WHERE territory_id = $1 ORDER BY actor_id"
    );
    let rows = sqlx::query(&sql)
        .bind(territory_id)
        .fetch_all(&store.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let state: String = r.try_get("state")?;
            Ok(ArchivedFollower {
                actor_id: r.try_get("actor_id")?,
                inbox: r.try_get("inbox")?,
                follow_activity_id: r.try_get("follow_activity_id")?,
                state: decode(table, "state", &state, FollowState::parse)?,
                scope: r.try_get::<Option<Json<Scope>>, _>("scope")?.map(|s| s.0),
            })
        })
        .collect()
}
