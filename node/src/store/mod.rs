//! Storage: one object, [`Store`], made of one trait per table family, with two
//! implementations (SQLite embedded, PostgreSQL for coordinators).
//!
//! Each family's trait is in its own file here (`territories.rs`, `members.rs`...); its
//! SQL, written once for both backends, in the file of the same name under `sql/`, which
//! `sqlite.rs` and `postgres.rs` each mount with their own `backend` names. Each backend
//! keeps its own migrations under `migrations/<backend>/` with the same meaning.

mod dialect;
mod postgres;
mod results;
mod sqlite;

pub mod actors;
pub mod answers;
pub mod calendars;
pub mod collectives;
pub mod comments;
pub mod deliveries;
pub mod followers;
pub mod gatherings;
pub mod listings;
pub mod mail;
pub mod matching;
pub mod members;
pub mod moderation;
pub mod moving;
pub mod node_settings;
pub mod notices;
pub mod partnerships;
pub mod peers;
pub mod publications;
pub mod reactions;
pub mod remote_publications;
pub mod rsvps;
pub mod series;
pub mod subscriptions;
pub mod territories;
// Appended by the deploy work (scheduled work shared by processes).
pub mod leases;

use std::sync::Arc;

use async_trait::async_trait;

pub use actors::{ActorStore, Keypair};
pub use answers::AnswerStore;
pub use calendars::CalendarStore;
pub use collectives::{CollectiveChange, CollectiveStore};
pub use comments::CommentStore;
pub use deliveries::DeliveryStore;
pub use followers::FollowerStore;
pub use gatherings::GatheringStore;
pub use leases::LeaseStore;
pub use listings::ListingStore;
pub use mail::MailStore;
pub use matching::{CandidateQuery, InventoryOwner, MatchingStore};
pub use members::MemberStore;
pub use moderation::ModerationStore;
pub use moving::{MovingStore, TerritoryImport, TerritoryMove};
pub use node_settings::NodeSettingsStore;
pub use notices::{MatchNotice, NoticeStore};
pub use partnerships::PartnershipStore;
pub use peers::PeerStore;
pub use postgres::PostgresStore;
pub use publications::{CurrentCounts, Order, PublicationQuery, PublicationStore};
pub use reactions::ReactionStore;
pub use remote_publications::{RemotePublicationStore, RemoteQuery};
pub use rsvps::{Admission, Change, JoinAnswer, Reminder, RsvpStore};
pub use series::SeriesStore;
pub use sqlite::SqliteStore;
pub use subscriptions::SubscriptionStore;
pub use territories::TerritoryStore;

/// Every storage trait, for callers: `use rhizome_node::store::prelude::*;`.
pub mod prelude {
    pub use super::GatheringStore;
    pub use super::LeaseStore;
    pub use super::PartnershipStore;
    pub use super::{
        ActorStore, AnswerStore, CalendarStore, CollectiveStore, CommentStore, DeliveryStore,
        FollowerStore, ListingStore, MailStore, MatchingStore, MemberStore, ModerationStore,
        MovingStore, NodeSettingsStore, NoticeStore, PeerStore, PublicationStore, ReactionStore,
        RemotePublicationStore, RsvpStore, SeriesStore, Store, SubscriptionStore, TerritoryStore,
    };
}

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
    /// The database has a migration this binary does not know: a newer version upgraded
    /// it (a downgrade). Nothing is changed.
    #[error(
        "the database has migration {applied}, which this rhizome (migrations up to {known}) does not know: a newer version upgraded it; run that version again, or restore the backup made before the upgrade"
    )]
    NewerDatabase { applied: i64, known: i64 },
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

/// Everything the domain persists: one object holding every table family. Implementations
/// must behave identically; the conformance suite in `node/tests/conformance.rs` holds
/// them to it.
#[async_trait]
pub trait Store:
    TerritoryStore
    + MemberStore
    + NodeSettingsStore
    + PublicationStore
    + ActorStore
    + FollowerStore
    + CommentStore
    + ReactionStore
    + RsvpStore
    + ModerationStore
    + DeliveryStore
    + ListingStore
    + MailStore
    + MatchingStore
    + NoticeStore
    + RemotePublicationStore
    + PeerStore
    + SubscriptionStore
    + AnswerStore
    + CalendarStore
    + SeriesStore
    + PartnershipStore
    + LeaseStore
    + MovingStore
    + GatheringStore
    + CollectiveStore
    + Send
    + Sync
    + 'static
{
    /// "sqlite" or "postgres", for logs and diagnostics.
    fn backend(&self) -> &'static str;
    /// Applies pending migrations; safe to run at every start.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// The migrations this build has that the database has not applied (`0031 allowed
    /// domains`), none when it is up to date; an error when the database does not answer.
    async fn pending_migrations(&self) -> Result<Vec<String>, StoreError>;

    /// The connection pool as it is now, for metrics.
    fn pool_usage(&self) -> PoolUsage;
    /// The newest migration applied to this database; `None` when it has never been
    /// migrated (an empty database).
    async fn migration_level(&self) -> Result<Option<i64>, StoreError>;
    /// A number that changes whenever something is committed to the database (by this
    /// process for SQLite; by any process sharing it for PostgreSQL, whose WAL position
    /// it is). Equal numbers read at two instants mean nothing was committed between
    /// them; the number may move first and the commit be seen a moment later. `None`
    /// when the database cannot tell (then nothing read from it may be reused).
    async fn data_version(&self) -> Option<u64>;
    /// SQLite: writes a consistent copy of the whole database to `file` (which must not
    /// exist yet) while others go on writing (`VACUUM INTO`). PostgreSQL databases are
    /// copied with `pg_dump` instead: an error here.
    async fn copy_database_to(&self, file: &std::path::Path) -> Result<(), StoreError>;
}

/// Connections of a store's pool: open ones, idle ones among them, and the most it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
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

/// The newest migration this binary knows for a backend (`sqlite` or `postgres`): a
/// database whose level is higher was written by a newer version.
pub fn known_migration_level(backend: &str) -> i64 {
    let migrator = if backend == "postgres" {
        &postgres::MIGRATOR
    } else {
        &sqlite::MIGRATOR
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
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
