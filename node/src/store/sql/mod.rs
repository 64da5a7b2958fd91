//! The SQL both backends share, one file per table family. SQLite and PostgreSQL agree on
//! this subset (numbered `$n` parameters, `RETURNING`, `ON CONFLICT`), and sqlx maps the
//! same Rust types to each backend's native columns (uuid/blob, timestamptz/text,
//! jsonb/text), so the statements are written once, as ordinary Rust, against the names
//! each backend's `backend` module gives (`Db`, `DbRow`, `SqlStore`, `DIALECT`,
//! `MIGRATOR`, `NAME`), and this module is mounted twice: by `sqlite.rs` and by
//! `postgres.rs` (`store/mod.rs` does not declare it).

use super::backend;

mod rows;
mod transaction;

mod actors;
mod answers;
mod calendars;
mod collectives;
mod comments;
mod deliveries;
mod followers;
mod gatherings;
pub(super) mod group_commit;
mod listings;
mod mail;
mod matching;
mod members;
mod moderation;
mod moving;
mod node_settings;
mod notices;
mod partnerships;
mod peers;
mod publications;
mod reactions;
mod remote_publications;
mod rsvps;
mod series;
mod store;
mod subscriptions;
mod territories;
// Appended by the deploy work.
mod leases;
