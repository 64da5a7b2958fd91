//! A territory's followers (approve, refuse) and the territories it follows (follow,
//! unfollow), for its editors; each does what the JSON API does.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use rhizome_node::Territory;
use rhizome_node::action::ActionError;
use rhizome_node::network::Scope;
use rhizome_node::social::FollowState;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::pages::Page;
use crate::pages::access::Editor;
use crate::pages::access::Posted;
use crate::pages::error::{PageError, bad_form, shown};
use crate::pages::labels::THEMES;
use crate::pages::manage::Values;
use crate::pages::public::territory_card;

use super::{Done, back, notice, when};

/// The follow form as typed, and what was wrong with it.
#[derive(Default)]
struct FollowForm {
    target: String,
    kinds: Vec<String>,
    themes: Vec<String>,
    error: Option<String>,
}

pub async fn followers(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    render_followers(&page, &state, &territory, &FollowForm::default(), &done).await
}

async fn render_followers(
    page: &Page,
    state: &AppState,
    territory: &Territory,
    form: &FollowForm,
    done: &Done,
) -> Response {
    let loaded = async {
        let followers = state.store.followers(territory.id, 1000, 0).await?;
        let mut accepted = Vec::new();
        let mut pending = Vec::new();
        for f in &followers {
            let actor = state.store.remote_actor(&f.actor_id).await?;
            let view = context! {
                actor_id => f.actor_id,
                handle => actor.as_ref().map(|a| a.handle()).unwrap_or_else(|| f.actor_id.clone()),
                name => actor.as_ref().and_then(|a| a.name.clone()),
                url => actor.as_ref().and_then(|a| a.url.clone()),
                since => when(Some(f.created_at)),
            };
            match f.state {
                FollowState::Accepted => accepted.push(view),
                FollowState::Pending => pending.push(view),
            }
        }
        let following: Vec<_> = state
            .store
            .followings(territory.id)
            .await?
            .into_iter()
            .map(|f| {
                context! {
                    target => f.target_id,
                    state => f.state.as_str(),
                    kinds => f.scope.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                    themes => f.scope.themes.iter().map(rhizome_node::text::sentences::serde_name).collect::<Vec<_>>(),
                    since => when(Some(f.created_at)),
                }
            })
            .collect();
        Ok::<_, rhizome_node::StoreError>((accepted, pending, following))
    };
    let (accepted, pending, following) = match loaded.await {
        Ok(found) => found,
        Err(e) => return page.failed(state, e),
    };
    let status = if form.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        state,
        status,
        "manage/followers.html",
        context! {
            territory => territory_card(state, territory),
            manual => territory.profile.manually_approves_followers,
            accepted, pending, following,
            notice => notice(done),
            kinds => ["event", "resource", "call"],
            themes => THEMES,
            form => context! {
                target => form.target,
                kinds => form.kinds,
                themes => form.themes,
                error => form.error,
            },
        },
    )
}

#[derive(Deserialize)]
pub struct Decision {
    actor: String,
    decision: String,
}

/// Approves or refuses a pending follow request, as `POST /api/v1/territories/{slug}/followers`.
pub async fn decide(
    Editor {
        page: _,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<Decision>,
) -> Result<Response, PageError> {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return Err(bad_form("admin-bad-form")),
    };
    match (state.actions)
        .decide_follower(&viewer.principal, &territory, &form.actor, approve)
        .await
    {
        Ok(()) => Ok(back(
            &format!("/manage/t/{slug}/followers"),
            if approve { "approved" } else { "refused" },
        )),
        Err(ActionError::NotFound) => Err(shown(StatusCode::NOT_FOUND, "admin-no-such-follower")),
        Err(e) => Err(e.into()),
    }
}

/// Follows another territory, as `POST /api/v1/territories/{slug}/following`; the scope
/// is the kinds and themes ticked (none: everything).
pub async fn follow(
    Editor {
        page,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(values): Posted<Values>,
) -> Result<Response, PageError> {
    let all = |name: &str| -> Vec<String> {
        values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let mut form = FollowForm {
        target: all("target").into_iter().next().unwrap_or_default(),
        kinds: all("kinds"),
        themes: all("themes"),
        error: None,
    };
    let scope =
        serde_json::from_value::<Scope>(json!({"kinds": form.kinds, "themes": form.themes}))
            .map_err(|e| e.to_string())
            .and_then(|s| s.validate().map_err(|e| page.lang.rule(&e.rule)));
    let outcome = match scope {
        Err(message) => Err(message),
        Ok(_) if form.target.is_empty() => {
            Err(page.lang.text("admin-target-required", &Default::default()))
        }
        Ok(scope) => match (state.actions)
            .follow(&viewer.principal, &territory, &form.target, scope)
            .await
        {
            Ok(_) => Ok(()),
            Err(ActionError::Invalid(e)) => Err(e.rule),
            Err(ActionError::NotFound) => Err(page
                .lang
                .text("admin-target-not-found", &Default::default())),
            Err(e) => {
                tracing::warn!(error = %e, target = %form.target, "follow from the web failed");
                Err(page
                    .lang
                    .text("admin-target-unreachable", &Default::default()))
            }
        },
    };
    Ok(match outcome {
        Ok(()) => back(&format!("/manage/t/{slug}/followers"), "followed"),
        Err(message) => {
            form.error = Some(message);
            render_followers(&page, &state, &territory, &form, &Done::default()).await
        }
    })
}

#[derive(Deserialize)]
pub struct Target {
    target: String,
}

pub async fn unfollow(
    Editor {
        page: _,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<Target>,
) -> Result<Response, PageError> {
    (state.actions)
        .unfollow(&viewer.principal, &territory, &form.target)
        .await?;
    Ok(back(&format!("/manage/t/{slug}/followers"), "unfollowed"))
}
