//! Partnerships between territories on the pages: the management page where a territory's
//! editors offer a partnership (to a territory of this node or elsewhere), accept, refuse
//! and end them (`/manage/t/{slug}/partnerships`). Each change is a POST form answered
//! with a redirect, doing what the JSON API does. The territory page's list of partners
//! is built by `api::partnerships::partnerships_view`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::Territory;
use rhizome_node::action::ActionError;
use rhizome_node::partnership::{PartnershipDraft, PartnershipRefusal};
use rhizome_node::theme::Theme;
use serde::Deserialize;
use uuid::Uuid;

use super::Page;
use super::access::{Editor, Posted};
use super::error::{PageError, internal, not_found};
use super::public::territory_card;
use crate::AppState;
use crate::api::partnerships::partnerships_view;

/// The catalogue key of a partnership refusal's message.
pub fn refusal_key(refusal: &PartnershipRefusal) -> &'static str {
    match refusal {
        PartnershipRefusal::OwnTerritory => "partnerships-refused-own-territory",
        PartnershipRefusal::AlreadyPartners => "partnerships-refused-already-partners",
        PartnershipRefusal::NotOffered => "partnerships-refused-not-offered",
        PartnershipRefusal::AlreadyDecided => "partnerships-refused-already-decided",
        PartnershipRefusal::AlreadyEnded => "partnerships-refused-already-ended",
    }
}

/// What the page says after a change, by the `done` query parameter: only known keys.
const NOTICES: &[&str] = &["offered", "accepted", "refused", "ended"];

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn back(slug: &str, done: &str) -> Response {
    Redirect::to(&format!("/manage/t/{slug}/partnerships?done={done}")).into_response()
}

/// The offer form as posted: the partner, themes (one field per theme ticked) and a
/// description.
#[derive(Default)]
pub struct OfferForm {
    partner: String,
    themes: Vec<String>,
    description: String,
}

impl OfferForm {
    /// Reads the posted fields; others are ignored.
    fn read(pairs: Vec<(String, String)>) -> OfferForm {
        let mut form = OfferForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "partner" => form.partner = value,
                "themes" => form.themes.push(value),
                "description" => form.description = value,
                _ => {}
            }
        }
        form
    }
}

/// The page, with the offer form showing `form` and, beside its field, `error`.
async fn render(
    page: Page,
    state: &AppState,
    territory: &Territory,
    form: &OfferForm,
    error: Option<(String, String)>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let partnerships = partnerships_view(state, territory, true)
        .await
        .map_err(internal)?;
    let known = super::territory_refs::known(state, territory).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = page.render(
        state,
        "manage/partnerships.html",
        context! {
            territory => territory_card(state, territory),
            partnerships,
            known => known.territories,
            themes => Theme::ALL.iter().map(|t| t.slug()).collect::<Vec<_>>(),
            form => context! { partner => form.partner, themes => form.themes, description => form.description },
            error => error.map(|(field, rule)| context! { field, rule }),
            notice,
        },
    );
    *response.status_mut() = status;
    Ok(response)
}

pub async fn manage(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let notice = done
        .done
        .as_deref()
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("partnerships-done-{d}"));
    render(
        page,
        &state,
        &territory,
        &OfferForm::default(),
        None,
        notice,
    )
    .await
}

/// Offers a partnership; a broken rule shows the form again with the reason beside it.
pub async fn offer(
    Editor {
        page,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = OfferForm::read(pairs);
    let mut themes = Vec::new();
    for name in &form.themes {
        match Theme::from_slug(name) {
            Some(theme) => themes.push(theme),
            None => {
                let error = Some(("themes".to_owned(), "unknown theme".to_owned()));
                return render(page, &state, &territory, &form, error, None).await;
            }
        }
    }
    let draft = PartnershipDraft {
        partner: form.partner.clone(),
        themes,
        description: Some(form.description.clone()),
    };
    match (state.actions)
        .offer_partnership(&viewer.principal, &slug, draft)
        .await
    {
        Ok(_) => Ok(back(&slug, "offered")),
        Err(ActionError::Invalid(e)) => {
            render(
                page,
                &state,
                &territory,
                &form,
                Some((e.field, e.rule)),
                None,
            )
            .await
        }
        Err(ActionError::Unreachable(reason)) => {
            tracing::info!(%reason, partner = %form.partner, "partner unreachable");
            let error = ("partner".to_owned(), "unreachable".to_owned());
            render(page, &state, &territory, &form, Some(error), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    partnership: String,
    /// `accept`, `refuse` or `end`.
    change: String,
}

/// Accepts, refuses or ends one of the territory's partnerships.
pub async fn change(
    Editor {
        page: _, viewer, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<ChangeForm>,
) -> Result<Response, PageError> {
    let id: Uuid = form.partnership.parse().map_err(|_| not_found())?;
    let who = &viewer.principal;
    let done = match form.change.as_str() {
        "accept" => {
            state
                .actions
                .answer_partnership(who, &slug, id, true)
                .await?;
            "accepted"
        }
        "refuse" => {
            state
                .actions
                .answer_partnership(who, &slug, id, false)
                .await?;
            "refused"
        }
        "end" => {
            state.actions.end_partnership(who, &slug, id).await?;
            "ended"
        }
        _ => return Err(super::error::bad_form("partnerships-bad-change")),
    };
    Ok(back(&slug, done))
}
