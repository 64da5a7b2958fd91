//! The node's own name and description, set by its admins.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use rhizome_node::validation::Lines;
use serde::Deserialize;

use crate::AppState;
use crate::pages::Page;
use crate::pages::access::Admin;
use crate::pages::access::Posted;
use crate::pages::error::{PageError, internal};

use super::{Done, back, notice};

#[derive(Deserialize, Default)]
pub struct NodeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    about: String,
}

/// What each node setting may hold: its form field, at most so many characters, on one
/// line or several.
const NODE_SETTINGS: [(&str, usize, Lines); 2] =
    [("name", 100, Lines::One), ("about", 5000, Lines::Many)];

fn render_node_settings(
    page: &Page,
    state: &AppState,
    form: &NodeForm,
    error: Option<(&str, String)>,
    done: &Done,
) -> Response {
    page.render_status(
        state,
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "manage/node.html",
        context! {
            name => form.name,
            about => form.about,
            default_name => state.config.display_name(),
            error => error.map(|(field, message)| context! { field, message }),
            notice => notice(done),
        },
    )
}

pub async fn node_settings_form(
    Admin(page): Admin,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    let form = NodeForm {
        name: page.settings.get("name").cloned().unwrap_or_default(),
        about: page.settings.get("about").cloned().unwrap_or_default(),
    };
    render_node_settings(&page, &state, &form, None, &done)
}

pub async fn save_node_settings(
    Admin(page): Admin,
    State(state): State<AppState>,
    Posted(form): Posted<NodeForm>,
) -> Result<Response, PageError> {
    let values = [form.name.trim(), form.about.trim()];
    for ((key, max, lines), value) in NODE_SETTINGS.iter().zip(values) {
        if let Err(e) = rhizome_node::validation::bounded_text(key, value, *max, *lines) {
            let message = page.lang.rule(&e.rule);
            let error = Some((*key, message));
            let done = Done::default();
            return Ok(render_node_settings(&page, &state, &form, error, &done));
        }
    }
    for ((key, _, _), value) in NODE_SETTINGS.iter().zip(values) {
        (state.set_node_setting(key, value).await).map_err(internal)?;
    }
    tracing::info!("node settings saved from the web");
    Ok(back("/manage/node", "saved"))
}
