//! The embedded default: one SQLite file in WAL mode, foreign keys on.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// Transactions that changed rows, committed through the pool (counted by every
    /// connection's hooks).
    commits: Arc<AtomicU64>,
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
        let commits = Arc::new(AtomicU64::new(0));
        let counted = commits.clone();
        let pool = SqlitePoolOptions::new()
            .max_connections(connections.max(1))
            .after_connect(move |connection, _| {
                let counted = counted.clone();
                Box::pin(async move {
                    // A row changed in the transaction (the update hook, on this
                    // connection's thread) makes its commit count; a claim that found
                    // nothing to update does not.
                    let changed = Arc::new(AtomicBool::new(false));
                    let (on_change, on_rollback) = (changed.clone(), changed.clone());
                    let mut handle = connection.lock_handle().await?;
                    handle.set_update_hook(move |_| on_change.store(true, Ordering::Relaxed));
                    handle.set_rollback_hook(move || on_rollback.store(false, Ordering::Relaxed));
                    handle.set_commit_hook(move || {
                        if changed.swap(false, Ordering::Relaxed) {
                            counted.fetch_add(1, Ordering::Release);
                        }
                        true
                    });
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| fail(e.to_string()))?;
        Ok(SqliteStore {
            pool,
            matching: Default::default(),
            group_commit: Default::default(),
            commits,
        })
    }

    /// The commits counted so far (see [`super::Store::data_version`]): no query needed,
    /// since only this process writes the file.
    async fn read_data_version(&self) -> Option<u64> {
        Some(self.commits.load(Ordering::Acquire))
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
