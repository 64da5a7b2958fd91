//! The editor's home, and the territories and publications an editor may change.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::store::{Order, PublicationQuery};
use rhizome_node::{Publication, Territory};
use uuid::Uuid;

use crate::AppState;
use crate::api::kind_of_collection;
use crate::pages::Page;
use crate::pages::access::{Editor, Posted};
use crate::pages::error::{PageError, forbidden, not_found, shown};
use crate::pages::matching::listing_href;
use crate::pages::public::{items, territory_card};
use crate::session::Viewer;
use rhizome_node::action::matching::INVENTORY_NOTICE;

/// The territory `slug`, if the viewer edits it.
pub(in crate::pages) async fn editable_territory(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
) -> Result<Territory, PageError> {
    let territory = (state.store.territory_by_slug(slug).await?)
        .ok_or_else(|| shown(StatusCode::NOT_FOUND, "error-no-territory"))?;
    viewer
        .principal
        .require_editor(territory.id)
        .map_err(|_| forbidden())?;
    Ok(territory)
}

/// A live publication the viewer may edit, with its territory.
pub(super) async fn editable_publication(
    state: &AppState,
    viewer: &Viewer,
    collection: &str,
    id: &str,
) -> Result<(Publication, Territory), PageError> {
    let (Ok(kind), Ok(id)) = (kind_of_collection(collection), id.parse::<Uuid>()) else {
        return Err(not_found());
    };
    let publication = (state.store.publication(id).await?)
        .filter(|p| p.body.kind() == kind && p.deleted_at.is_none())
        .ok_or_else(not_found)?;
    let territory =
        (state.store.territory(publication.territory_id).await?).ok_or_else(not_found)?;
    viewer
        .principal
        .require_editor(territory.id)
        .map_err(|_| forbidden())?;
    Ok((publication, territory))
}

/// How many notices of new matches the dashboard shows for one territory.
const NOTICES_SHOWN: i64 = 5;

/// How many the territory's notices page shows.
const NOTICES_LISTED: i64 = 100;

/// The newest notices of publications (or inventory entries) that matched one of the
/// territory's open calls, each with the call it matched, links to both and whether an
/// editor saw it; one whose publication was since deleted is left out.
async fn match_notices(
    state: &AppState,
    territory: &Territory,
    limit: i64,
) -> Result<Vec<minijinja::Value>, PageError> {
    let mut shown = Vec::new();
    for n in state
        .store
        .match_notices(territory.id, false, limit)
        .await?
    {
        let Some(call) = state.store.listing_by_id(&n.call_id.to_string()).await? else {
            continue;
        };
        // An inventory entry links to its territory's page (a peer's by its address); a
        // publication to its own.
        let (matched, matched_href) = match n.matched_id.strip_prefix(INVENTORY_NOTICE) {
            Some(entry) => {
                let owner = entry.rsplit_once('#').map_or(entry, |(o, _)| o);
                let href = if owner.starts_with("https://") || owner.starts_with("http://") {
                    owner.to_owned()
                } else {
                    format!("/t/{owner}")
                };
                (n.matched_title.clone(), href)
            }
            None => match state.store.listing_by_id(&n.matched_id).await? {
                Some(l) => (l.title.clone(), listing_href(&l)),
                None => continue,
            },
        };
        shown.push(context! {
            call => call.title,
            call_href => listing_href(&call),
            matched,
            matched_href,
            at => n.created_at.to_rfc3339(),
            new => n.seen_at.is_none(),
        });
    }
    Ok(shown)
}

/// A territory's notices of new matches, newest first (`/manage/t/{slug}/notices`):
/// opening it marks them seen, those new until now marked as such on the page.
pub async fn notices(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let now = rhizome_node::now();
    let notices = match_notices(&state, &territory, NOTICES_LISTED).await?;
    state
        .store
        .mark_match_notices_seen(territory.id, now)
        .await?;
    Ok(page.render(
        &state,
        "manage/notices.html",
        context! { territory => territory_card(&state, &territory), notices },
    ))
}

/// Marks every notice of the territory seen, from the dashboard's button.
pub async fn mark_notices_seen(
    Editor { territory, .. }: Editor,
    State(state): State<AppState>,
    Posted(_): Posted<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let seen = state
        .store
        .mark_match_notices_seen(territory.id, rhizome_node::now())
        .await?;
    tracing::info!(territory = %territory.profile.slug, seen, "notices marked seen");
    Ok(Redirect::to("/manage").into_response())
}

/// The editor's home: their territories, each with its publications and a way to add one.
pub async fn dashboard(page: Page, State(state): State<AppState>) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let territories = (state.store.territories().await?)
        .into_iter()
        .filter(|t| viewer.principal.require_editor(t.id).is_ok())
        .collect::<Vec<_>>();
    let mut sections = Vec::new();
    for t in &territories {
        let query = PublicationQuery {
            territory_id: Some(t.id),
            order: Order::Newest,
            limit: 100,
            ..Default::default()
        };
        let list = state.store.publications(&query).await?;
        sections.push(context! {
            territory => territory_card(&state, t),
            publications => items(&page, &list, std::slice::from_ref(t)),
            notices => match_notices(&state, t, NOTICES_SHOWN).await?,
            unseen => state.store.unseen_match_notices(t.id).await?,
        });
    }
    Ok(page.render(&state, "manage/dashboard.html", context! { sections }))
}
