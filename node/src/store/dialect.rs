//! What differs between the backends' SQL: the one place the dialects part, each backend
//! (`sqlite.rs`, `postgres.rs`) defining its own and the shared SQL importing it by name.

/// What differs between the backends' SQL, handed to the shared statements explicitly.
pub(super) struct Dialect {
    /// The full-text condition on `listings l`, written around the bound query text.
    pub text_match: (&'static str, &'static str),
    /// A user's words (see `listing::query_words`) as the engine's query text.
    pub text_query: fn(&[String]) -> String,
    /// Words as the engine's query text where any of them (as a prefix) is enough.
    pub text_query_any: fn(&[String]) -> String,
    /// Ends the row selection of a delivery claim: rows another worker is claiming at the
    /// same moment are skipped rather than waited for (PostgreSQL; SQLite has one writer).
    pub skip_locked: &'static str,
}
