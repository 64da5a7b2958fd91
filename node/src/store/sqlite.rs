//! The embedded default: one SQLite file in WAL mode, foreign keys on.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite};

use super::StoreError;
use super::dialect::Dialect;

pub struct SqliteStore {
    pool: Pool<Sqlite>,
    /// What matching keeps in memory (see `MatchingStore`).
    matching: super::matching::MatchingCache,
    /// The inbox's writes, grouped into shared transactions.
    group_commit: sql::group_commit::GroupCommit,
}

impl SqliteStore {
    /// Connections [`SqliteStore::open`] keeps at most.
    pub const DEFAULT_CONNECTIONS: u32 = 8;

    /// Opens (creating if needed) the database file and its directory.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with_pool(path, SqliteStore::DEFAULT_CONNECTIONS).await
    }

    /// Like [`SqliteStore::open`] with at most `connections` connections (each holds three
    /// files: many nodes in one process, as in the network simulation, need few).
    pub async fn open_with_pool(path: &Path, connections: u32) -> Result<SqliteStore, StoreError> {
        let fail = |reason: String| StoreError::Connect {
            url: format!("sqlite://{}", path.display()),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(connections.max(1))
            .connect_with(options)
            .await
            .map_err(|e| fail(e.to_string()))?;
        Ok(SqliteStore {
            pool,
            matching: Default::default(),
            group_commit: Default::default(),
        })
    }
}

pub(super) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

const DIALECT: Dialect = Dialect {
    // Its rowids in the FTS5 table.
    text_match: (
        "l.seq IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH ",
        ")",
    ),
    text_query,
    text_query_any,
    skip_locked: "",
    // An expression: no index of `kind` is used for it.
    candidate_kind: "(l.kind || '')",
    before_word_count: "",
    after_rebuild: "",
};

/// FTS5 query: each word a quoted prefix (`"velo"*`), all required. The words are
/// letters and digits only (`listing::query_words`); quoting is a second guard.
fn text_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// FTS5 query where any word (as a prefix) is enough: `"velo"* OR "atelier"*`.
fn text_query_any(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The names the shared SQL (`sql/`) is written against, for this backend.
mod backend {
    pub(super) use super::{DIALECT, MIGRATOR, SqliteStore as SqlStore};
    pub(super) type Db = sqlx::Sqlite;
    pub(super) type DbRow = sqlx::sqlite::SqliteRow;
    pub(super) const NAME: &str = "sqlite";
}

// The same files are mounted by the other backend, with its own `backend`.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
