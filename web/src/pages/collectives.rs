//! Collectives in the pages: a collective's own page (`/t/{slug}` of a collective: its
//! rules in words, its members with their nodes, its proposals with their counts, and the
//! shared agenda, library and calls board of its members), and, for an editor of a member
//! territory on any node, `/manage/t/{slug}/collectives`: the collectives it belongs to,
//! their open proposals with approve and refuse buttons, and a form to propose admitting
//! a territory. Each change is a POST form answered with a redirect, doing what the API does.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::collective::{Collective, DecisionKind, ProposalState};
use rhizome_node::listing::{ListingQuery, Origin};
use rhizome_node::text::{Args, FluentValue};
use rhizome_node::{PublicationKind, Territory};
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::api::collectives::collective_view;
use crate::pages::Page;
use crate::pages::access::{Editor, Posted};
use crate::pages::error::{PageError, bad_form, internal};
use crate::pages::public::territory_card;

/// The rules of a collective, one sentence per kind of decision.
fn rules_in_words(page: &Page, c: &Collective) -> Vec<String> {
    DecisionKind::ALL
        .iter()
        .map(|kind| {
            let rule = c.rules.rule(*kind);
            let mut args = Args::new();
            let empty = Args::new();
            args.insert(
                "kind".into(),
                FluentValue::from(
                    page.lang
                        .text(&format!("collectives-kind-{}", kind.as_str()), &empty),
                ),
            );
            args.insert(
                "share".into(),
                FluentValue::from(page.lang.text(
                    &format!("collectives-share-{}", rule.share.as_str()),
                    &empty,
                )),
            );
            args.insert("nodes".into(), FluentValue::from(rule.min_nodes));
            page.lang.text("collectives-rule", &args)
        })
        .collect()
}

/// The members' publications of one kind from the listings index, as the lists show them.
async fn members_items(
    page: &Page,
    state: &AppState,
    c: &Collective,
    kind: PublicationKind,
) -> Result<Vec<crate::pages::lists::Line>, PageError> {
    let territories = state.store.territories().await?;
    let mut local = Vec::new();
    let mut actors = Vec::new();
    for m in state.store.collective_members(&c.actor_id).await? {
        if !m.is_current() {
            continue;
        }
        match state.federation.urls.parse_territory(&m.actor_id) {
            Some(slug) => local.extend(
                territories
                    .iter()
                    .filter(|t| t.profile.slug == slug)
                    .map(|t| t.id),
            ),
            None => actors.push(m.actor_id),
        }
    }
    let query = ListingQuery {
        kind: Some(kind),
        current_at: (kind != PublicationKind::Resource).then(rhizome_node::now),
        origin: Some(Origin::Among {
            territories: local,
            actors,
        }),
        limit: 20,
        ..Default::default()
    };
    let items: Vec<Value> = state
        .store
        .listings(&query)
        .await?
        .iter()
        .filter_map(|l| crate::api::network::item_json(state, &territories, l))
        .collect();
    Ok(items
        .iter()
        .map(|i| crate::pages::lists::line(page, state, i))
        .collect())
}

/// The page of a collective hosted here.
pub async fn collective_page(page: &Page, state: &AppState, territory: &Territory) -> Response {
    let shown = async {
        let collective = state
            .store
            .collective_of(territory.id)
            .await?
            .ok_or_else(crate::pages::error::not_found)?;
        let view = collective_view(state, &collective)
            .await
            .map_err(internal)?;
        let agenda = members_items(page, state, &collective, PublicationKind::Event).await?;
        let library = members_items(page, state, &collective, PublicationKind::Resource).await?;
        let calls = members_items(page, state, &collective, PublicationKind::Call).await?;
        Ok::<_, PageError>(page.render(
            state,
            "collective.html",
            context! {
                territory => territory_card(state, territory),
                description_html => rhizome_node::markdown::to_html(&territory.profile.description),
                rules => rules_in_words(page, &collective),
                collective => view,
                agenda,
                library,
                calls,
                actor => collective.actor_id,
            },
        ))
    };
    shown.await.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// The collectives a territory belongs to, for its editors.
pub async fn memberships(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let actor = state.actions.actor_id_of(&territory);
    let mut collectives = Vec::new();
    for c in state.store.collectives_with_member(&actor).await? {
        let mut view = collective_view(&state, &c).await.map_err(internal)?;
        let mut open = Vec::new();
        for p in state.store.proposals(&c.actor_id).await? {
            if p.state != ProposalState::Open {
                continue;
            }
            let voted = state
                .store
                .votes(&p.id)
                .await?
                .iter()
                .any(|v| v.voter == actor);
            let mut args = Args::new();
            args.insert("subject".into(), FluentValue::from(p.subject.clone()));
            let question = page
                .lang
                .text(&format!("collectives-question-{}", p.kind.as_str()), &args);
            open.push(context! { id => p.id, question, voted, approvals => p.approvals, refusals => p.refusals });
        }
        view["open"] = serde_json::to_value(open).unwrap_or_default();
        view["rules_in_words"] =
            serde_json::to_value(rules_in_words(&page, &c)).unwrap_or_default();
        collectives.push(view);
    }
    let notice = done
        .done
        .as_deref()
        .filter(|d| ["voted", "proposed"].contains(d))
        .map(|d| format!("collectives-done-{d}"));
    Ok(page.render(
        &state,
        "manage/collectives.html",
        context! {
            territory => territory_card(&state, &territory),
            collectives,
            notice,
        },
    ))
}

#[derive(Deserialize)]
pub struct VoteForm {
    proposal: String,
    /// `approve` or `refuse`.
    vote: String,
}

pub async fn vote(
    Editor { viewer, .. }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<VoteForm>,
) -> Result<Response, PageError> {
    let approve = match form.vote.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return Err(bad_form("collectives-bad-vote")),
    };
    state
        .actions
        .vote(&viewer.principal, &form.proposal, &slug, approve)
        .await?;
    Ok(Redirect::to(&format!("/manage/t/{slug}/collectives?done=voted")).into_response())
}

#[derive(Deserialize)]
pub struct ProposeForm {
    collective: String,
    /// The candidate territory's actor URL.
    candidate: String,
}

pub async fn propose(
    Editor { viewer, .. }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<ProposeForm>,
) -> Result<Response, PageError> {
    state
        .actions
        .propose(
            &viewer.principal,
            &form.collective,
            &slug,
            DecisionKind::Admit,
            &form.candidate,
        )
        .await?;
    Ok(Redirect::to(&format!("/manage/t/{slug}/collectives?done=proposed")).into_response())
}

/// A collective hosted here, for its local admins (`/manage/t/{slug}/collective`): its
/// rules, members and every proposal with its full tally (approving nodes and the nodes
/// required), as this node counts them.
pub async fn hosted(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let collective = state
        .store
        .collective_of(territory.id)
        .await?
        .ok_or_else(crate::pages::error::not_found)?;
    let view = collective_view(&state, &collective)
        .await
        .map_err(internal)?;
    Ok(page.render(
        &state,
        "manage/collective.html",
        context! {
            territory => territory_card(&state, &territory),
            rules => rules_in_words(&page, &collective),
            collective => view,
        },
    ))
}
