//! Storage: one trait, two implementations (SQLite embedded, PostgreSQL for coordinators).
//!
//! Both run the same plain SQL where the dialects agree (see `sql.rs`); each backend keeps
//! its own migrations under `migrations/<backend>/` with the same meaning.

pub mod federation;
mod federation_sql;
pub mod network;
mod network_sql;
mod postgres;
mod sql;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::member::{ApiToken, Member, OneTimeLink, Principal, Session};
use crate::outbox::Outgoing;
use crate::publication::{Publication, PublicationKind};
use crate::territory::Territory;

pub use federation::{FederationStore, Keypair};
pub use network::{NetworkStore, RemoteQuery};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is taken; names the field.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    #[error("cannot open the database {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value this version cannot read (an unknown enum value, a record that does
    /// not decode): names the table and column, and says what was found.
    #[error("unreadable {table}.{column}: {reason}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        reason: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// How much a territory has on offer now (see [`Store::current_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CurrentCounts {
    pub upcoming_events: i64,
    pub resources: i64,
    pub open_calls: i64,
}

/// Which publications to list, and in what order.
#[derive(Debug, Clone, Default)]
pub struct PublicationQuery {
    pub kind: Option<PublicationKind>,
    pub territory_id: Option<Uuid>,
    /// Only what is still current at this instant: events not yet over, calls not past
    /// their deadline (resources are always current).
    pub current_at: Option<DateTime<Utc>>,
    pub order: Order,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Most recently published first.
    #[default]
    Newest,
    /// Soonest start first: the agenda order.
    Soonest,
}

/// Everything the domain persists. Implementations must behave identically; the
/// conformance suite in `node/tests/conformance.rs` holds them to it.
#[async_trait]
pub trait Store: FederationStore + NetworkStore + Send + Sync + 'static {
    /// "sqlite" or "postgres", for logs and diagnostics.
    fn backend(&self) -> &'static str;
    /// Applies pending migrations; safe to run at every start.
    async fn migrate(&self) -> Result<(), StoreError>;

    async fn insert_territory(&self, territory: &Territory) -> Result<(), StoreError>;
    /// Saves a territory's profile; `announce` (its actor's `Update`) is queued in the
    /// same transaction.
    async fn update_territory(
        &self,
        territory: &Territory,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError>;
    async fn territory(&self, id: Uuid) -> Result<Option<Territory>, StoreError>;
    async fn territory_by_slug(&self, slug: &str) -> Result<Option<Territory>, StoreError>;
    /// All territories, by name.
    async fn territories(&self) -> Result<Vec<Territory>, StoreError>;

    async fn insert_member(&self, member: &Member) -> Result<(), StoreError>;
    async fn member_by_username(&self, username: &str) -> Result<Option<Member>, StoreError>;
    async fn member(&self, id: Uuid) -> Result<Option<Member>, StoreError>;
    async fn set_password_hash(&self, member_id: Uuid, hash: &str) -> Result<(), StoreError>;
    async fn member_count(&self) -> Result<i64, StoreError>;
    async fn grant_editor(&self, member_id: Uuid, territory_id: Uuid) -> Result<(), StoreError>;
    async fn principal(&self, member: Member) -> Result<Principal, StoreError>;

    async fn insert_token(&self, token: &ApiToken) -> Result<(), StoreError>;
    /// The member a token belongs to, looked up by the token's hash.
    async fn member_by_token_hash(&self, hash: &str) -> Result<Option<Member>, StoreError>;

    /// Node settings made from the pages, by key (`name`, `about`).
    async fn node_settings(&self)
    -> Result<std::collections::BTreeMap<String, String>, StoreError>;
    /// Sets (or, with an empty value, clears) one node setting.
    async fn set_node_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;

    /// Stores a new browser session, and forgets expired ones.
    async fn insert_session(&self, session: &Session) -> Result<(), StoreError>;
    /// A live session and its member, by the hash of the cookie's secret.
    async fn session(&self, id_hash: &str) -> Result<Option<(Session, Member)>, StoreError>;
    async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of a member but `keep` (the one changing its password).
    async fn delete_sessions_of(
        &self,
        member_id: Uuid,
        keep: Option<&str>,
    ) -> Result<(), StoreError>;

    /// Stores a one-time link (invitation or password reset).
    async fn insert_link(&self, link: &OneTimeLink) -> Result<(), StoreError>;
    /// A one-time link by the hash of its secret, used and expired ones included: check
    /// [`OneTimeLink::is_live`].
    async fn link(&self, token_hash: &str) -> Result<Option<OneTimeLink>, StoreError>;
    /// Uses a live invitation, in one transaction: marks it used, creates `member` (a node
    /// admin if and only if the invitation says so) and makes them an editor of the
    /// invitation's territory. Returns the member as stored. `NotFound` if the link is
    /// unknown, used (even concurrently) or expired; on `Conflict("username")` the link
    /// stays unused.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        member: &Member,
    ) -> Result<Member, StoreError>;
    /// Uses a live password reset link, in one transaction: marks it (and the member's
    /// other pending resets) used, sets the new password hash and ends all the member's
    /// sessions. Returns the member. `NotFound` if the link is unknown, used or expired.
    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Member, StoreError>;

    /// Stores a publication and, in the same transaction, the activity announcing it.
    async fn insert_publication(
        &self,
        publication: &Publication,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError>;
    /// Replaces the body and `updated_at` of a live publication (same transaction rule).
    async fn update_publication(
        &self,
        publication: &Publication,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError>;
    /// Leaves a tombstone; `NotFound` if absent or already deleted (same transaction rule).
    async fn delete_publication(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        announce: Option<&Outgoing>,
    ) -> Result<(), StoreError>;
    /// A publication, tombstones included (check `deleted_at`).
    async fn publication(&self, id: Uuid) -> Result<Option<Publication>, StoreError>;
    /// Live publications on this node.
    async fn publication_count(&self) -> Result<i64, StoreError>;
    /// What a territory has on offer at `now`, counted in one query: events not over,
    /// resources, calls still open.
    async fn current_counts(
        &self,
        territory_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<CurrentCounts, StoreError>;
    /// Live publications matching the query.
    async fn publications(&self, query: &PublicationQuery) -> Result<Vec<Publication>, StoreError>;
}

/// Opens the database a URL names, without migrating it.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::connect(url, None).await?))
    } else if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        Ok(Arc::new(
            SqliteStore::open(std::path::Path::new(path)).await?,
        ))
    } else {
        Err(StoreError::UnsupportedUrl(redact(url)))
    }
}

/// Hides a password in a database URL before it reaches a log or an error.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
    }
}
