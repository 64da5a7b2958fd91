//! A territory's archive and its move, for its editors: `/manage/t/{slug}/export`
//! downloads the archive (the backup, and the way to leave: `rhizome territory import`
//! reads it on the new node), `/manage/t/{slug}/move` shows where the territory also is
//! and where it went, and moves it (FEP-7628) once the new actor names this one.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::action::ActionError;
use serde::Deserialize;

use super::super::Page;
use super::super::access::{Editor, Posted};
use super::super::error::PageError;
use super::super::public::territory_card;
use crate::AppState;

/// `GET /manage/t/{slug}/export`: the territory's archive, as a download.
pub async fn export(
    Editor { territory, .. }: Editor,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let (manifest, files) = state.actions.export_territory(&territory).await?;
    let mut bytes = Vec::new();
    if let Err(e) =
        crate::moving::write_archive(&state.storage, &manifest, &files, &mut bytes).await
    {
        tracing::error!(territory = %territory.profile.slug, error = %e, "territory export failed");
        return Ok((StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")).into_response());
    }
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/gzip"),
    );
    let name = format!(
        "attachment; filename=\"{}-{}.tar.gz\"",
        territory.profile.slug,
        rhizome_node::now().format("%Y-%m-%d")
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /manage/t/{slug}/move`.
pub async fn moving_page(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    Ok(render(&page, &state, &territory, "", None).await)
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    target: String,
}

/// `POST /manage/t/{slug}/move`: moves the territory to `target`.
pub async fn move_territory(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<MoveForm>,
) -> Result<Response, PageError> {
    let target = form.target.trim();
    let error = if target.is_empty() {
        page.lang
            .text("moving-target-required", &Default::default())
    } else {
        match state.actions.move_territory(&territory, target).await {
            Ok(_) => return Ok(Redirect::to(&format!("/manage/t/{slug}/move")).into_response()),
            Err(ActionError::Invalid(e)) => e.rule,
            Err(e) => {
                tracing::warn!(error = %e, target, "move from the web failed");
                page.lang
                    .text("moving-target-unreachable", &Default::default())
            }
        }
    };
    Ok(render(&page, &state, &territory, target, Some(error)).await)
}

async fn render(
    page: &Page,
    state: &AppState,
    territory: &rhizome_node::Territory,
    target: &str,
    error: Option<String>,
) -> Response {
    let loaded = async {
        Ok::<_, rhizome_node::StoreError>((
            state.store.territory_move(territory.id).await?,
            state.store.territory_aliases(territory.id).await?,
            state.store.imported_followers(territory.id).await?.len(),
        ))
    };
    let (moved, aliases, imported) = match loaded.await {
        Ok(found) => found,
        Err(e) => return page.failed(state, e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        state,
        status,
        "manage/moving.html",
        context! {
            territory => territory_card(state, territory),
            actor => state.federation.urls.territory(&territory.profile.slug),
            moved_to => moved.map(|m| m.moved_to),
            aliases,
            imported,
            form => context! { target, error },
        },
    )
}
