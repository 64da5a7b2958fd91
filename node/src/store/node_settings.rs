//! [`NodeSettingsStore`], one table family of [`super::Store`]; its SQL, shared by both
//! backends, is in `sql/node_settings.rs`.

use async_trait::async_trait;

use crate::store::StoreError;

/// Node settings made from the pages.
#[async_trait]
pub trait NodeSettingsStore: Send + Sync {
    /// Node settings made from the pages, by key (`name`, `about`).
    async fn node_settings(&self)
    -> Result<std::collections::BTreeMap<String, String>, StoreError>;

    /// Sets (or, with an empty value, clears) one node setting.
    async fn set_node_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;
}
