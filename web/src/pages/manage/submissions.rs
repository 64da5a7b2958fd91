//! Submissions to festivals and collections (`/manage/t/{slug}/submissions`): for a
//! festival's curators, every submission with accept and refuse; for a territory's
//! editors, where its submissions stand (withdraw) and a form to submit one of its
//! publications to a festival here (listed) or elsewhere (`@name@node`). Each change is a
//! POST form answered with a redirect, doing what the JSON API does.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::store::{Order, PublicationQuery};
use rhizome_node::territory::ActorRole;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::api::festivals::item_view;
use crate::pages::access::{Editor, Posted};
use crate::pages::error::{PageError, internal, not_found};
use crate::pages::public::territory_card;

/// What the page says after a change, by the `done` query parameter: only known keys.
const NOTICES: &[&str] = &["accepted", "refused", "submitted", "withdrawn"];

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn back(slug: &str, done: &str) -> Response {
    Redirect::to(&format!("/manage/t/{slug}/submissions?done={done}")).into_response()
}

pub async fn submissions(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let mut items = Vec::new();
    let mut publications = Vec::new();
    let mut festivals = Vec::new();
    if territory.role.gathers() {
        let actor = state.federation.urls.territory(&territory.profile.slug);
        for item in state.store.gathered_items(&actor, None).await? {
            items.push(item_view(&state, &item).await.map_err(internal)?);
        }
    } else {
        for item in state.store.submissions_by(territory.id).await? {
            items.push(item_view(&state, &item).await.map_err(internal)?);
        }
        let query = PublicationQuery {
            territory_id: Some(territory.id),
            order: Order::Newest,
            limit: 100,
            ..Default::default()
        };
        for p in state.store.publications(&query).await? {
            publications.push(context! { id => p.id, title => p.body.title() });
        }
        for role in [ActorRole::Festival, ActorRole::Collection] {
            for g in state.store.actors_with_role(role).await? {
                festivals.push(context! { slug => g.profile.slug, name => g.profile.name });
            }
        }
    }
    let notice = done
        .done
        .as_deref()
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("festival-done-{d}"));
    Ok(page.render(
        &state,
        "manage/submissions.html",
        context! {
            territory => territory_card(&state, &territory),
            curating => territory.role.gathers(),
            items,
            publications,
            festivals,
            notice,
        },
    ))
}

#[derive(Deserialize)]
pub struct Decide {
    item: String,
    /// `accept` or `refuse`.
    decision: String,
}

pub async fn decide(
    Editor { viewer, .. }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<Decide>,
) -> Result<Response, PageError> {
    let id: Uuid = form.item.parse().map_err(|_| not_found())?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "refuse" => false,
        _ => return Err(crate::pages::error::bad_form("festival-bad-decision")),
    };
    (state.actions)
        .decide_submission(&viewer.principal, id, accept)
        .await?;
    Ok(back(&slug, if accept { "accepted" } else { "refused" }))
}

#[derive(Deserialize)]
pub struct Submit {
    publication: String,
    gathering: String,
}

pub async fn submit(
    Editor { viewer, .. }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<Submit>,
) -> Result<Response, PageError> {
    let id: Uuid = form.publication.parse().map_err(|_| not_found())?;
    match (state.actions)
        .submit_to_gathering(&viewer.principal, id, &form.gathering)
        .await
    {
        Ok(_) => Ok(back(&slug, "submitted")),
        Err(rhizome_node::action::ActionError::Invalid(e)) => {
            tracing::info!(%slug, field = %e.field, rule = %e.rule, "submission refused");
            Err(crate::pages::error::shown(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "festival-submit-refused",
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct Withdraw {
    item: String,
}

pub async fn withdraw(
    Editor { viewer, .. }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<Withdraw>,
) -> Result<Response, PageError> {
    let id: Uuid = form.item.parse().map_err(|_| not_found())?;
    (state.actions)
        .withdraw_submission(&viewer.principal, id)
        .await?;
    Ok(back(&slug, "withdrawn"))
}
