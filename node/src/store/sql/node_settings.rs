//! [`NodeSettingsStore`] in the SQL both backends share (mounted once per backend, see
//! `mod.rs`).

use async_trait::async_trait;
use sqlx::Row;

use super::backend::SqlStore;
use crate::store::{NodeSettingsStore, StoreError};

#[async_trait]
impl NodeSettingsStore for SqlStore {
    async fn node_settings(
        &self,
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let rows = sqlx::query("SELECT key, value FROM node_settings")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("key")?, row.try_get("value")?)))
            .collect()
    }

    async fn set_node_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        if value.is_empty() {
            sqlx::query("DELETE FROM node_settings WHERE key = $1")
                .bind(key)
                .execute(&self.pool)
                .await?;
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
}
