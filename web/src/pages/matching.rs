//! Matching on the pages: the "who could help" section of a call's page (offers,
//! resources and territories' inventory entries for a need; needs for an offer), and the
//! coordinators' matching board `/network/matching`, every open need the node knows with
//! its best suggestions.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use rhizome_node::action::matching::{CallSuggestions, Match, Suggested};
use rhizome_node::listing::Listing;
use rhizome_node::text::sentences::serde_name;

use super::Page;
use super::labels::{LANGUAGES, THEMES};
use crate::AppState;
use crate::api::matching::{BoardParams, DEFAULT_SUGGESTIONS};

/// The section a call's page includes (`_suggestions.html`); `None` when matching fails
/// (logged: the page shows without it).
pub async fn section(page: &Page, state: &AppState, id: &str) -> Option<Value> {
    match state
        .actions
        .suggestions_for_call(
            &state.matcher(),
            id,
            rhizome_node::now(),
            DEFAULT_SUGGESTIONS,
        )
        .await
    {
        Ok(found) => Some(view(page, state, &found)),
        Err(e) => {
            tracing::warn!(call = id, error = %e, "suggestions unavailable");
            None
        }
    }
}

/// `GET /network/matching`: the matching board, filtered by theme, place and language.
pub async fn board(
    page: Page,
    State(state): State<AppState>,
    params: Result<Query<BoardParams>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(p)) => p,
        Err(e) => {
            tracing::info!(error = %e.body_text(), "matching board: bad filters");
            return page.error(&state, StatusCode::BAD_REQUEST, "matchboard-bad-filter");
        }
    };
    let filter = match params.filter() {
        Ok(f) => f,
        Err(e) => {
            tracing::info!(error = %e, "matching board: bad filters");
            return page.error(&state, StatusCode::BAD_REQUEST, "matchboard-bad-filter");
        }
    };
    let board = match state
        .actions
        .matching_board(&state.matcher(), &filter, rhizome_node::now())
        .await
    {
        Ok(b) => b,
        Err(e) => return page.failed(&state, e),
    };
    let needs: Vec<Value> = board.iter().map(|c| view(&page, &state, c)).collect();
    page.render(
        &state,
        "matching_board.html",
        context! {
            needs,
            themes => THEMES,
            age_groups => super::labels::AGE_GROUPS,
            languages_offered => LANGUAGES,
            params => context! {
                theme => params.theme, language => params.language, near => params.near,
                age_group => params.age_group,
            },
        },
    )
}

/// A call with its suggestions, as `_suggestions.html` shows them.
fn view(page: &Page, state: &AppState, found: &CallSuggestions) -> Value {
    let items: Vec<Value> = found
        .suggestions
        .iter()
        .map(|m| match_view(page, state, m))
        .collect();
    let call = &found.call;
    context! {
        asks => found.asks,
        call => context! { title => call.title, href => listing_href(call), summary => call.summary },
        // Unique on a page listing several calls: the id's letters and digits.
        anchor => call.id.chars().filter(char::is_ascii_alphanumeric).collect::<String>(),
        items,
    }
}

fn match_view(page: &Page, state: &AppState, m: &Match) -> Value {
    let vocabulary = state.matcher().vocabulary;
    let why = &m.why;
    let concepts: Vec<&str> = why
        .shared_concepts
        .iter()
        .map(|c| vocabulary.label(*c, Some(page.lang.tag())))
        .collect();
    let reasons = context! {
        concepts => concepts.join(", "),
        themes => why.shared_themes.iter().map(|t| page.lang.label("theme", &serde_name(t))).collect::<Vec<_>>().join(", "),
        km => why.distance_km.map(|d| d.round() as i64),
        other_language => !why.same_language && matches!(&m.suggested, Suggested::Listing(l) if l.language.is_some()),
    };
    match &m.suggested {
        Suggested::Listing(l) => context! {
            kind => l.kind.as_str(),
            call_type => l.call.call_type.as_ref().map(serde_name),
            title => l.title,
            href => listing_href(l),
            remote => !l.local(),
            from => l.actor_name.clone().or_else(|| l.actor_handle()),
            summary => l.summary,
            reasons,
        },
        Suggested::Inventory { owner, entry } => context! {
            kind => "inventory",
            title => entry.label,
            href => match &owner.node {
                Some(_) => owner.id.clone(),
                None => format!("/t/{}", owner.id),
            },
            remote => owner.node.is_some(),
            from => owner.name,
            tags => entry.tags,
            reasons,
        },
    }
}

/// A listing's page on this node: its own for a local publication, the remote view else.
pub(in crate::pages) fn listing_href(l: &Listing) -> String {
    if l.local() {
        format!("/{}/{}", l.kind.segment(), l.id)
    } else {
        format!(
            "/network/publication?id={}",
            url::form_urlencoded::byte_serialize(l.id.as_bytes()).collect::<String>()
        )
    }
}
