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

    async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        let applied: Vec<i64> =
            match sqlx::query("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await
            {
                Ok(rows) => rows
                    .iter()
                    .map(|r| r.try_get("version"))
                    .collect::<Result<_, _>>()?,
                // No migration table: a database never migrated, if it answers at all.
                Err(_) => {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Vec::new()
                }
            };
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
}
