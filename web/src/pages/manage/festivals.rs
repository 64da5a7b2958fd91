//! The admins' festivals page (`/manage/festivals`): the festivals and collections of this
//! node, and the form that creates one (what `POST /api/v1/festivals` and `rhizome
//! festival create` do). A refused form is drawn again with what was typed and the
//! field named.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::action::ActionError;
use rhizome_node::festival::{GatheringDraft, Perimeter};
use rhizome_node::territory::ActorRole;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::pages::Page;
use crate::pages::access::{Admin, Posted};
use crate::pages::error::PageError;

/// The form as typed: every field text, an empty one meaning "none".
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FestivalForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    /// `open`, `region` or `territories`.
    #[serde(default)]
    perimeter: String,
    #[serde(default)]
    latitude: String,
    #[serde(default)]
    longitude: String,
    #[serde(default)]
    radius_km: String,
    /// Slugs or actor URLs, separated by commas.
    #[serde(default)]
    territories: String,
    #[serde(default)]
    auto_accept: Option<String>,
    /// Usernames, separated by commas.
    #[serde(default)]
    curators: String,
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl FestivalForm {
    fn draft(&self) -> Result<GatheringDraft, rhizome_node::ValidationError> {
        let number = |field: &str, text: &str| {
            text.trim()
                .replace(',', ".")
                .parse::<f64>()
                .map_err(|_| rhizome_node::ValidationError::new(field, "must be a number"))
        };
        let perimeter = match self.perimeter.as_str() {
            "region" => Perimeter::Region {
                latitude: number("perimeter.latitude", &self.latitude)?,
                longitude: number("perimeter.longitude", &self.longitude)?,
                radius_km: number("perimeter.radius_km", &self.radius_km)?,
            },
            "territories" => Perimeter::Territories {
                actors: list(&self.territories),
            },
            _ => Perimeter::Open,
        };
        let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        Ok(GatheringDraft {
            slug: self.slug.trim().to_owned(),
            name: self.name.clone(),
            description: self.description.clone(),
            role: given(&self.role),
            starts_on: given(&self.starts_on),
            ends_on: given(&self.ends_on),
            banner: None,
            perimeter,
            auto_accept_in_perimeter: self.auto_accept.is_some(),
            timezone: None,
            curators: list(&self.curators),
            place: Default::default(),
        })
    }
}

async fn render(
    page: &Page,
    state: &AppState,
    status: StatusCode,
    form: &FestivalForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let mut gatherings = Vec::new();
    for role in [ActorRole::Festival, ActorRole::Collection] {
        for g in state.store.actors_with_role(role).await? {
            gatherings.push(
                context! { slug => g.profile.slug, name => g.profile.name, role => role.as_str() },
            );
        }
    }
    Ok(page.render_status(
        state,
        status,
        "manage/festivals.html",
        context! { gatherings, form, error },
    ))
}

pub async fn festivals(
    Admin(page): Admin,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    render(
        &page,
        &state,
        StatusCode::OK,
        &FestivalForm::default(),
        None,
    )
    .await
}

pub async fn create(
    Admin(page): Admin,
    State(state): State<AppState>,
    Posted(form): Posted<FestivalForm>,
) -> Result<Response, PageError> {
    let viewer = page.require_login()?.clone();
    let created = match form.draft() {
        Ok(draft) => {
            (state.actions)
                .create_gathering(&viewer.principal, draft, &state.config.default_timezone)
                .await
        }
        Err(e) => Err(ActionError::Invalid(e)),
    };
    match created {
        Ok((g, _)) => Ok(Redirect::to(&format!("/t/{}", g.profile.slug)).into_response()),
        Err(ActionError::Invalid(e)) => {
            let error = format!("{}: {}", e.field, e.rule);
            render(
                &page,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Some(error),
            )
            .await
        }
        Err(ActionError::Store(rhizome_node::StoreError::Conflict(field))) => {
            let error = format!("{field}: already taken");
            render(
                &page,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                Some(error),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
