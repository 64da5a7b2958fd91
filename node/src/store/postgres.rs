//! PostgreSQL, for coordinators and for several processes sharing one database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres};

use super::StoreError;

pub struct PostgresStore {
    pool: Pool<Postgres>,
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
        Ok(PostgresStore { pool })
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

const DIALECT: super::sql::Dialect = super::sql::Dialect {
    // Its generated `tsvector` (GIN-indexed).
    text_match: ("l.search_words @@ to_tsquery('simple', ", ")"),
    text_query,
    skip_locked: "FOR UPDATE SKIP LOCKED",
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

super::sql::shared_sql_store!(PostgresStore, Postgres, "postgres");
super::federation_sql::federation_sql_store!(super::PostgresStore, sqlx::Postgres, super::DIALECT);
super::network_sql::network_sql_store!(super::PostgresStore, sqlx::Postgres, super::DIALECT);
