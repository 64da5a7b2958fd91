//! Who may see a page or post a form, as extractors: [`Editor`], the logged-in editor of
//! the territory named by the path's `{slug}`; [`Admin`], a node admin; [`Posted`], a form
//! sent from this node's own pages (CSRF token and origin checked). Anyone else gets the
//! login form or an error page, before the handler runs.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use rhizome_node::Territory;
use serde::de::DeserializeOwned;

use super::Page;
use super::error::{PageError, forbidden, internal, not_found, shown};
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

/// A form posted from one of this node's pages: its `csrf` field matched the session's
/// token and the request came from our origin, else the handler never runs (403). The
/// `csrf` field is taken out before the rest is read into `F`; a body that does not read
/// is refused with 422.
pub struct Posted<F>(pub F);

impl<F: DeserializeOwned> FromRequest<AppState> for Posted<F> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let page = Page::from_request_parts(&mut parts, state).await?;
        let headers = parts.headers.clone();
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| {
                tracing::info!(error = %e, "form body unreadable");
                shown(StatusCode::BAD_REQUEST, "admin-bad-form")
            })?;
        let unreadable = |e: serde_urlencoded::de::Error| {
            tracing::info!(error = %e, path = %page.here, "form refused: it does not read");
            shown(StatusCode::UNPROCESSABLE_ENTITY, "admin-bad-form")
        };
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(unreadable)?;
        let csrf = pairs
            .iter()
            .position(|(k, _)| k == "csrf")
            .map(|at| pairs.remove(at).1);
        page.check_form(state, &headers, csrf.as_deref())?;
        let rest = serde_urlencoded::to_string(&pairs).map_err(|e| internal(e.to_string()))?;
        Ok(Posted(
            serde_urlencoded::from_str(&rest).map_err(unreadable)?,
        ))
    }
}
