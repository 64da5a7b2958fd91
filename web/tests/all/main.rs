//! Every web test in one binary, so that `cargo test` links them once: each suite is a
//! module (`cargo test -p rhizome-web --test all pages::` runs one), sharing the set-up
//! in `common` (a node on SQLite or PostgreSQL, members, territories, a Mastodon-shaped
//! peer).

mod common;

mod admin_pages;
mod answers;
mod api;
mod calendars;
mod cli;
mod collectives;
mod discovery;
mod durability;
mod federation;
mod feeds;
mod fields;
mod filters;
mod geocode;
mod hardening;
mod mail;
mod matching;
mod media;
mod network;
mod pages;
mod preview;
mod registrations;
mod series;
mod simulation;
mod use_cases;
