//! Reports (`Flag`) received from other servers, which admins resolve.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::AppState;
use crate::pages::access::Admin;
use crate::pages::error::{PageError, not_found};

use super::back;

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

/// An admin has dealt with a report (removed the content, blocked the sender, or found
/// nothing wrong): it leaves the list.
pub async fn resolve_report(
    Admin(page): Admin,
    State(state): State<AppState>,
    Path(id): Path<uuid::Uuid>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    if !state.store.resolve_report(id, rhizome_node::now()).await? {
        return Err(not_found());
    }
    Ok(back("/manage/federation", "resolved"))
}
