//! Management pages beyond publishing: a territory's followers and subscriptions, its
//! comments to moderate and its profile (editors), and the node's federation state and
//! domain blocks (node admins). Every change is a POST form with the session's CSRF token,
//! answered with a redirect back to the page; each does what the JSON API does.

mod comments;
mod federation;
mod followers;
mod node_settings;
mod reports;
pub(crate) mod territory_settings;

pub use comments::{comments, hide_comment};
pub use federation::{block, federation, hide_remote, unblock};
pub use followers::{decide, follow, followers, unfollow};
pub use node_settings::{node_settings_form, save_node_settings};
pub use reports::resolve_report;
pub use territory_settings::{save_settings, settings_form};

use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use minijinja::context;
use serde::Deserialize;

/// What a page shows after a change, by the `done` query parameter: only known keys.
const NOTICES: &[&str] = &[
    "approved",
    "refused",
    "followed",
    "unfollowed",
    "hidden",
    "saved",
    "blocked",
    "unblocked",
    "resolved",
    "calendar-added",
    "calendar-removed",
    "calendar-fetched",
    "calendar-imported",
];

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn notice(done: &Done) -> Option<String> {
    done.done
        .as_deref()
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("admin-done-{d}"))
}

/// Shown as a `<time>`: machine-readable, and a date the reader can take in at once.
pub(crate) fn when(t: Option<DateTime<Utc>>) -> Option<minijinja::Value> {
    t.map(|t| {
        context! {
            iso => t.to_rfc3339(),
            text => t.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    })
}

fn back(path: &str, done: &str) -> Response {
    Redirect::to(&format!("{path}?done={done}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_notices_are_shown() {
        let done = |d: &str| Done {
            done: Some(d.into()),
        };
        assert_eq!(notice(&done("saved")).as_deref(), Some("admin-done-saved"));
        assert_eq!(notice(&done("<script>")), None);
    }
}
