//! The page of a publication from another node, drawn from what was read of it when it
//! arrived (its facts, never its raw object): title, summary and the fields Rhizome nodes
//! send (a call's skills and outcome, an event's organisers and partners, a resource's
//! licence), with a link to its own page.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use rhizome_node::PublicationKind;
use rhizome_node::publication::call::CallStatus;
use rhizome_node::publication::partner::TerritoryRef;
use rhizome_node::text::sentences::{licence_label, serde_name};
use serde::Deserialize;

use super::Page;
use super::preview::{Preview, share};
use super::territory_refs;
use crate::AppState;

#[derive(Deserialize)]
pub struct RemoteQuery {
    id: String,
}

/// `GET /network/publication?id=<object id>`.
pub async fn remote_publication(
    page: Page,
    State(state): State<AppState>,
    Query(RemoteQuery { id }): Query<RemoteQuery>,
) -> Response {
    let publication = match state.store.remote_publication(&id).await {
        Ok(Some(p)) if p.deleted_at.is_none() => p,
        Ok(_) => return page.error(&state, StatusCode::NOT_FOUND, "error-not-found"),
        Err(e) => return page.failed(&state, e),
    };
    let partner_refs: Vec<TerritoryRef> = (publication.facts.details.partners.iter())
        .filter_map(|p| TerritoryRef::parse(p))
        .collect();
    let looked_up = async {
        let actor = state.store.remote_actor(&publication.actor_id).await?;
        let partners = territory_refs::named(&state, &partner_refs).await?;
        Ok::<_, rhizome_node::StoreError>((actor, partners))
    };
    let (actor, partners) = match looked_up.await {
        Ok(found) => found,
        Err(e) => return page.failed(&state, e),
    };
    let details = &publication.facts.details;
    let suggestions = match (publication.kind, details.call_status) {
        (PublicationKind::Call, Some(CallStatus::Open) | None) => {
            super::matching::section(&page, &state, &publication.id).await
        }
        _ => None,
    };
    let origin_name = actor
        .as_ref()
        .and_then(|a| a.name.clone())
        .unwrap_or_else(|| publication.actor_id.clone());
    let origin_url = actor
        .and_then(|a| a.url)
        .unwrap_or_else(|| publication.actor_id.clone());
    let web = |u: &str| u.starts_with("https://") || u.starts_with("http://");
    page.render(
        &state,
        "remote_publication.html",
        context! {
            share => share(Preview::remote(&page, &state, &publication)),
            kind => publication.kind.as_str(),
            title => publication.title,
            summary => publication.facts.summary,
            url => web(&publication.id).then_some(&publication.id),
            origin_name,
            origin_url => web(&origin_url).then_some(origin_url),
            place => publication.facts.place,
            call_type => details.call_type.as_ref().map(serde_name),
            call_status => details.call_status.as_ref().map(serde_name),
            objectives => details.objectives,
            skills_wanted => details.skills_wanted,
            outcome => details.outcome,
            organisers => details.organisers,
            partners,
            related_event => details.related_event.as_deref().filter(|u| web(u)),
            licence => details.license.as_deref().filter(|u| web(u)).map(|u| context! {
                url => u, label => licence_label(u),
            }),
            level => details.level.as_ref().map(serde_name),
            audience => details.audience,
            suggestions,
        },
    )
}
