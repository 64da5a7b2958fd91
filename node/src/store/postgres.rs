//! PostgreSQL, for coordinators and for several processes sharing one database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres};

use super::StoreError;
use super::dialect::Dialect;

pub struct PostgresStore {
    pool: Pool<Postgres>,
    /// What matching keeps in memory (see `MatchingStore`).
    matching: super::matching::MatchingCache,
    /// The inbox's writes, grouped into shared transactions.
    group_commit: sql::group_commit::GroupCommit,
}

impl PostgresStore {
    /// Connects to `url`. With `schema`, everything lives in that schema (created if
    /// missing): the test suites give each test its own.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<PostgresStore, StoreError> {
        let fail = |reason: String| StoreError::Connect {
            url: super::redact(url),
            reason,
        };
        let mut options = PgConnectOptions::from_str(url).map_err(|e| fail(e.to_string()))?;
        if let Some(schema) = schema {
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options.clone())
                .await
                .map_err(|e| fail(e.to_string()))?;
            sqlx::query(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                schema.replace('"', "")
            ))
            .execute(&admin)
            .await?;
            admin.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| fail(e.to_string()))?;
        Ok(PostgresStore {
            pool,
            matching: Default::default(),
            group_commit: Default::default(),
        })
    }

    /// The server's WAL insert position (see [`super::Store::data_version`]): it moves
    /// with every commit of any process, and also with writes elsewhere on the server
    /// (which only make it look changed more often than it is).
    async fn read_data_version(&self) -> Option<u64> {
        let lsn: Result<i64, _> =
            sqlx::query_scalar("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")
                .persistent(true)
                .fetch_one(&self.pool)
                .await;
        match lsn {
            Ok(lsn) => u64::try_from(lsn).ok(),
            Err(e) => {
                tracing::debug!(error = %e, "the WAL position is unknown");
                None
            }
        }
    }
}

pub(super) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

const DIALECT: Dialect = Dialect {
    // Its generated `tsvector` (GIN-indexed).
    text_match: ("l.search_words @@ to_tsquery('simple', ", ")"),
    text_query,
    text_query_any,
    skip_locked: "FOR UPDATE SKIP LOCKED",
    candidate_kind: "l.kind",
    before_word_count: "SET LOCAL enable_seqscan = off",
    after_rebuild: "ANALYZE listings",
};

/// tsquery: each word a quoted prefix (`'velo':*`), all required (`&`). The words are
/// letters and digits only (`listing::query_words`); quoting is a second guard.
fn text_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{}':*", w.replace('\'', "''").replace('\\', "")))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// tsquery where any word (as a prefix) is enough: `'velo':* | 'atelier':*`.
fn text_query_any(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{}':*", w.replace('\'', "''").replace('\\', "")))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The names the shared SQL (`sql/`) is written against, for this backend.
mod backend {
    pub(super) use super::{DIALECT, MIGRATOR, PostgresStore as SqlStore};
    pub(super) type Db = sqlx::Postgres;
    pub(super) type DbRow = sqlx::postgres::PgRow;
    pub(super) const NAME: &str = "postgres";
}

// The same files are mounted by the other backend, with its own `backend`.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
