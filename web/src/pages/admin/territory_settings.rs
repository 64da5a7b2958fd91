//! A territory's profile, edited by its editors through the API's own merge-patch rules,
//! and the calendars it mirrors (their section: `crate::calendars::pages`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use rhizome_node::Territory;
use serde_json::Value;

use crate::AppState;
use crate::pages::Page;
use crate::pages::access::Editor;
use crate::pages::access::Posted;
use crate::pages::error::PageError;
use crate::pages::geocode;
use crate::pages::labels::{LANGUAGES, THEMES};
use crate::pages::manage::{
    Field, Known, Values, Widget, family, field, form_json, form_view, required, values_of_json,
};
use crate::pages::public::territory_card;

use super::{Done, back, notice};

const TERRITORY_FIELDS: &[Field] = &[
    required(field("name", "field-name", Widget::Text)),
    field("description", "field-description", Widget::Textarea),
    field("place.name", "field-place-name", Widget::Text),
    field("place.address", "field-place-address", Widget::Text),
    field("place.latitude", "field-latitude", Widget::Number),
    field("place.longitude", "field-longitude", Widget::Number),
    family(
        field("themes", "field-themes", Widget::Choices(THEMES)),
        "theme",
    ),
    family(
        field("languages", "field-languages", Widget::Choices(LANGUAGES)),
        "language",
    ),
    field("website", "field-website", Widget::Url),
    field("contact", "field-contact", Widget::Text),
    field(
        "inventory.shares",
        "field-inventory-shares",
        Widget::Entries,
    ),
    field("inventory.seeks", "field-inventory-seeks", Widget::Entries),
    field(
        "manually_approves_followers",
        "field-manually-approves",
        Widget::Checkbox,
    ),
];

/// The form values showing the territory's profile as it is.
fn profile_values(territory: &Territory) -> Values {
    let json = serde_json::to_value(&territory.profile).unwrap_or_default();
    values_of_json(TERRITORY_FIELDS, &json)
}

// Everything the settings page draws: the profile form, the geocoder's finds and the
// calendars each have their part.
#[allow(clippy::too_many_arguments)]
fn render_settings(
    page: &Page,
    state: &AppState,
    territory: &Territory,
    values: &Values,
    error: Option<(&str, &str)>,
    done: &Done,
    geocode: Option<minijinja::Value>,
    (calendars, calendar_error): (minijinja::Value, bool),
) -> Response {
    let status = if error.is_some() || calendar_error {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        state,
        status,
        "manage/settings.html",
        context! {
            territory => territory_card(state, territory),
            fields => form_view(TERRITORY_FIELDS, values, &Known::default(), error),
            notice => notice(done),
            geocoder => geocode::form_context(page, state),
            geocode,
            calendars,
            error => error.map(|(field, message)| context! {
                field, message,
                anchor => field.split('[').next().unwrap_or(field).replace('.', "-"),
            }),
        },
    )
}

pub async fn settings_form(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, PageError> {
    let calendars = crate::calendars::pages::section(&state, &territory, None).await?;
    Ok(render_settings(
        &page,
        &state,
        &territory,
        &profile_values(&territory),
        None,
        &done,
        None,
        (calendars, false),
    ))
}

/// The settings page as it is, with an error in its calendar section (422).
pub(crate) async fn settings_with_calendar_error(
    page: &Page,
    state: &AppState,
    territory: &Territory,
    error: Option<(&str, String)>,
) -> Result<Response, PageError> {
    let failed = error.is_some();
    let calendars = crate::calendars::pages::section(state, territory, error).await?;
    Ok(render_settings(
        page,
        state,
        territory,
        &profile_values(territory),
        None,
        &Done::default(),
        None,
        (calendars, failed),
    ))
}

/// Saves the profile through the API's own merge-patch validation.
pub async fn save_settings(
    Editor {
        page,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(values): Posted<Values>,
) -> Result<Response, PageError> {
    let member = viewer.principal.member.id;
    if let Some((values, found)) = geocode::in_form(&page, &state, member, &values).await {
        let done = Done::default();
        let calendars = crate::calendars::pages::section(&state, &territory, None).await?;
        return Ok(render_settings(
            &page,
            &state,
            &territory,
            &values,
            None,
            &done,
            Some(found),
            (calendars, false),
        ));
    }
    let patch = form_json(TERRITORY_FIELDS, &values, Some(Value::Null));
    let profile = match crate::api::patched_profile(&state, &territory, &patch) {
        Ok(profile) => profile,
        Err(e) => {
            let error = Some((e.field.as_str(), page.lang.rule(&e.rule)));
            let error = error
                .as_ref()
                .map(|(field, message)| (*field, message.as_str()));
            let done = Done::default();
            let calendars = crate::calendars::pages::section(&state, &territory, None).await?;
            return Ok(render_settings(
                &page,
                &state,
                &territory,
                &values,
                error,
                &done,
                None,
                (calendars, false),
            ));
        }
    };
    (state.actions)
        .edit_territory(&viewer.principal, &territory, profile)
        .await?;
    Ok(back(&format!("/manage/t/{slug}/settings"), "saved"))
}
