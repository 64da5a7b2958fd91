//! Turning what the database answers into [`StoreError`]s, the same way for both backends.

use crate::store::StoreError;

/// Turns a unique-constraint violation into a conflict on `field`.
pub(super) fn conflict_on(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(field),
        _ => StoreError::Database(e),
    }
}

/// Reads a stored enum value with `parse`: a value this version does not know is
/// `Corrupt`, naming the table and column, never a default.
pub(super) fn decode<T>(
    table: &'static str,
    column: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| StoreError::Corrupt {
        table,
        column,
        reason: format!("unknown value {value:?}"),
    })
}

/// Fails with `NotFound` when a statement touched no row.
pub(super) fn touched(rows: u64) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
