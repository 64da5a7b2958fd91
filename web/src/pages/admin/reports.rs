//! Reports (`Flag`) received from other servers, which admins resolve.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use crate::AppState;
use crate::pages::access::Admin;
use crate::pages::access::Posted;
use crate::pages::error::{PageError, not_found};

use super::back;

#[derive(Deserialize)]
pub struct CsrfForm {}

/// An admin has dealt with a report (removed the content, blocked the sender, or found
/// nothing wrong): it leaves the list.
pub async fn resolve_report(
    Admin(_page): Admin,
    State(state): State<AppState>,
    Path(id): Path<uuid::Uuid>,
    Posted(_form): Posted<CsrfForm>,
) -> Result<Response, PageError> {
    if !state.store.resolve_report(id, rhizome_node::now()).await? {
        return Err(not_found());
    }
    Ok(back("/manage/federation", "resolved"))
}
