//! [`Store`] itself: which backend, and its migrations.

use async_trait::async_trait;
use sqlx::Row;

use super::backend::{MIGRATOR, NAME, SqlStore};
use crate::store::{ListingStore, PoolUsage, Store, StoreError};

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        NAME
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match MIGRATOR.run(&self.pool).await {
            Ok(()) => {}
            Err(sqlx::migrate::MigrateError::VersionMissing(applied)) => {
                return Err(StoreError::NewerDatabase {
                    applied,
                    known: crate::store::known_migration_level(NAME),
                });
            }
            Err(e) => return Err(e.into()),
        }
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

    async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        let applied = applied_migrations(self).await?.unwrap_or_default();
        Ok(MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .map(|m| format!("{:04} {}", m.version, m.description))
            .collect())
    }

    fn pool_usage(&self) -> PoolUsage {
        PoolUsage {
            open: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max: self.pool.options().get_max_connections(),
        }
    }

    async fn migration_level(&self) -> Result<Option<i64>, StoreError> {
        Ok(applied_migrations(self)
            .await?
            .and_then(|applied| applied.into_iter().max()))
    }

    async fn data_version(&self) -> Option<u64> {
        self.read_data_version().await
    }

    async fn copy_database_to(&self, file: &std::path::Path) -> Result<(), StoreError> {
        if NAME != "sqlite" {
            return Err(StoreError::Database(sqlx::Error::Protocol(
                "only a SQLite database is copied from inside the node: use pg_dump".into(),
            )));
        }
        // One read transaction: every commit before it, none after, whatever writes
        // while it runs.
        sqlx::query("VACUUM INTO $1")
            .bind(file.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The versions of the migrations applied to this database; `None` when it was never
/// migrated (no migration table). The one reader of `_sqlx_migrations`, for `/ready` and
/// for backups.
async fn applied_migrations(store: &SqlStore) -> Result<Option<Vec<i64>>, StoreError> {
    let exists = if NAME == "sqlite" {
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
    } else {
        "SELECT COUNT(*) AS n FROM information_schema.tables
         WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()"
    };
    let row = sqlx::query(exists).fetch_one(&store.pool).await?;
    if row.try_get::<i64, _>("n")? == 0 {
        return Ok(None);
    }
    let rows = sqlx::query("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
        .fetch_all(&store.pool)
        .await?;
    let versions = rows
        .iter()
        .map(|r| r.try_get("version"))
        .collect::<Result<_, _>>()?;
    Ok(Some(versions))
}
