//! The node's federation for its admins: delivery state per server, domain blocks, and
//! publications from other servers taken out of this node's views.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use rhizome_node::action::moderation::typed_domain;

use crate::AppState;
use crate::pages::Page;
use crate::pages::access::Admin;
use crate::pages::access::Posted;
use crate::pages::error::PageError;

use super::{Done, back, notice, when};

pub async fn federation(
    Admin(page): Admin,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    render_federation(&page, &state, &done, "", "", None).await
}

async fn render_federation(
    page: &Page,
    state: &AppState,
    done: &Done,
    domain: &str,
    reason: &str,
    error: Option<String>,
) -> Response {
    let loaded = async {
        Ok::<_, rhizome_node::StoreError>((
            state.store.pending_deliveries().await?,
            state.store.servers().await?,
            state.store.blocked_domains().await?,
            state.store.peer_count().await?,
            state.store.verified_peers(100_000).await?.len(),
            state.store.reports(true, 100).await?,
        ))
    };
    let (pending, servers, blocked, peers, verified, reports) = match loaded.await {
        Ok(found) => found,
        Err(e) => return page.failed(state, e),
    };
    let now = rhizome_node::now();
    let servers: Vec<_> = servers
        .iter()
        .map(|s| {
            context! {
                host => s.host,
                queued => s.queued,
                failures => s.consecutive_failures,
                last_success => when(s.last_success),
                last_failure => when(s.last_failure),
                last_error => s.last_error,
                next_attempt => when(s.next_attempt),
                dead => s.is_dead(now),
            }
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        state,
        status,
        "manage/federation.html",
        context! {
            pending, servers, blocked, peers, verified,
            reports => reports.iter().map(|r| context! {
                id => r.id,
                reporter => r.reporter,
                host => rhizome_node::social::host_of(&r.reporter),
                content => r.content,
                objects => r.objects,
                received => when(Some(r.created_at)),
            }).collect::<Vec<_>>(),
            configured => state.config.blocked_domains,
            notice => notice(done),
            form => context! { domain, reason, error },
        },
    )
}

#[derive(Deserialize)]
pub struct BlockForm {
    domain: String,
    #[serde(default)]
    reason: String,
}

pub async fn block(
    Admin(page): Admin,
    State(state): State<AppState>,
    Posted(form): Posted<BlockForm>,
) -> Result<Response, PageError> {
    let Some(domain) = typed_domain(&form.domain) else {
        let message = page.lang.text("admin-bad-domain", &Default::default());
        let (typed, reason) = (&form.domain, &form.reason);
        let done = Done::default();
        return Ok(render_federation(&page, &state, &done, typed, reason, Some(message)).await);
    };
    let admin = page.require_login()?;
    (state.actions)
        .block_domain(&admin.principal, &domain, &form.reason)
        .await?;
    Ok(back("/manage/federation", "blocked"))
}

#[derive(Deserialize)]
pub struct UnblockForm {
    domain: String,
}

pub async fn unblock(
    Admin(page): Admin,
    State(state): State<AppState>,
    Posted(form): Posted<UnblockForm>,
) -> Result<Response, PageError> {
    let admin = page.require_login()?;
    (state.actions)
        .unblock_domain(&admin.principal, &form.domain)
        .await?;
    Ok(back("/manage/federation", "unblocked"))
}

#[derive(Deserialize)]
pub struct HideForm {
    /// The remote publication's id (its URL).
    id: String,
    /// The list to go back to.
    back: Option<String>,
}

/// An admin takes a publication from another server out of this node's network views
/// (`Actions::hide_remote_publication`), then goes back to the list.
pub async fn hide_remote(
    Admin(page): Admin,
    State(state): State<AppState>,
    Posted(form): Posted<HideForm>,
) -> Result<Response, PageError> {
    let admin = page.require_login()?;
    (state.actions)
        .hide_remote_publication(&admin.principal, &form.id)
        .await?;
    let back_to =
        crate::pages::account::redirect_target(&state.config, form.back.as_deref(), "/events");
    Ok(Redirect::to(&back_to).into_response())
}
