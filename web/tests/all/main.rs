//! Every web test in one binary, so that `cargo test` links them once: each suite is a
//! module (`cargo test -p rhizome-web --test all pages::` runs one), sharing the set-up
//! in `common` (a node on SQLite or PostgreSQL, members, territories, a Mastodon-shaped
//! peer).

mod common;

mod admin_pages;
mod allowlist;
mod answers;
mod api;
mod backup;
mod calendars;
mod cli;
mod collectives;
mod cors;
mod discovery;
mod durability;
mod federation;
mod feeds;
mod festivals;
mod fields;
mod filters;
mod geocode;
mod hardening;
mod logs;
mod mail;
mod matching;
mod media;
mod media_s3;
mod metrics;
mod mobilizon;
mod moving;
mod network;
mod open_data;
mod openapi;
mod page_cache;
mod pages;
mod partnerships;
mod preview;
mod proofs;
mod registrations;
mod series;
mod simulation;
mod use_cases;
