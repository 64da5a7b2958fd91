//! Who may see a page, as extractors: [`Editor`], the logged-in editor of the territory
//! named by the path's `{slug}`, and [`Admin`], a node admin. Anyone else gets the login
//! form or an error page, before the handler runs.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use rhizome_node::Territory;

use super::Page;
use super::error::{PageError, forbidden, not_found};
use super::manage::editable_territory;
use crate::AppState;
use crate::session::Viewer;

/// The logged-in editor of the territory `{slug}`, with the page they asked for.
pub struct Editor {
    pub page: Page,
    pub viewer: Viewer,
    pub territory: Territory,
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let page = Page::from_request_parts(parts, state).await?;
        let viewer = page.require_login()?.clone();
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        let slug = params
            .iter()
            .find_map(|(name, value)| (name == "slug").then_some(value))
            .ok_or_else(not_found)?;
        let territory = editable_territory(state, &viewer, slug).await?;
        Ok(Editor {
            page,
            viewer,
            territory,
        })
    }
}

/// A node admin, with the page they asked for.
pub struct Admin(pub Page);

impl FromRequestParts<AppState> for Admin {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let page = Page::from_request_parts(parts, state).await?;
        let viewer = page.require_login()?;
        viewer.principal.require_admin().map_err(|_| forbidden())?;
        Ok(Admin(page))
    }
}
