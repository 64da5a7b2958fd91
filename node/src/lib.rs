//! Rhizome's domain: what learning territories publish, who may publish it, and where it
//! is stored. No HTTP and no ActivityPub here: `federation` and `web` build on this crate.

pub mod action;
pub mod answer;
pub mod calendar_import;
pub mod collective;
pub mod config;
pub mod festival;
pub mod gathering;
pub mod inventory;
pub mod links;
pub mod listing;
pub mod mail;
pub mod markdown;
pub mod matching;
pub mod member;
pub mod network;
pub mod outbox;
pub mod partnership;
pub mod place;
pub mod publication;
pub mod scheduled;
pub mod social;
pub mod store;
pub mod territory;
pub mod territory_archive;
pub mod text;
pub mod theme;
pub mod validation;

pub use config::Config;
pub use member::{ApiToken, Member, Principal};
pub use publication::{Publication, PublicationBody, PublicationKind};
pub use store::{Store, StoreError};
pub use territory::Territory;
pub use validation::ValidationError;

/// Timestamps are kept to the microsecond, the precision both databases store, so a value
/// read back equals the value written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
