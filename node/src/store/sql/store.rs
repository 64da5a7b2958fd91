//! [`Store`] itself: which backend, and its migrations.

use async_trait::async_trait;
use sqlx::Row;

use super::backend::{MIGRATOR, NAME, SqlStore};
use crate::store::{ListingStore, Store, StoreError};

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
}
