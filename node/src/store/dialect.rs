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
    /// The kind column of `listings l` as matching's candidate query tests it: SQLite
    /// would otherwise walk every listing of the kind by its index and test each against
    /// the full-text list, where reading the (few) rows the full text names is faster;
    /// PostgreSQL's planner weighs both with its statistics.
    pub candidate_kind: &'static str,
    /// Run before reading listings by the full-text index alone (counting those one word
    /// names, reading the few a search's words name, and counting those), in the same transaction:
    /// PostgreSQL's planner, misled by prefix queries, would read the whole table.
    pub before_word_count: &'static str,
    /// Run after the index is rebuilt: fresh planner statistics for it. PostgreSQL plans
    /// by them (without, after a rebuild or wherever autovacuum is off, it takes every
    /// upcoming event for a few hundred and sorts them all for one page); SQLite's
    /// planner does well without, and its statistics are left as they are.
    pub after_rebuild: &'static str,
}
