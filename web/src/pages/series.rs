//! Recurring series on the pages: a series' own page (`/series/ID`, the URL each
//! occurrence names on the wire) with its rule in one line and its coming dates, and the
//! "regular activities" of a territory's page, where a series reads better once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use minijinja::context;
use rhizome_node::action::ActionError;
use rhizome_node::publication::series::Series;
use rhizome_node::{Publication, PublicationBody, StoreError, Territory};
use serde::Serialize;
use uuid::Uuid;

use super::Page;
use super::public::{items, territory_card};
use crate::AppState;

/// A series shown once: what, how it repeats, when next, where.
#[derive(Serialize)]
pub struct Regular {
    pub title: String,
    pub rule: String,
    pub path: String,
    pub next: String,
    pub next_path: String,
    #[serde(rename = "where")]
    pub place: String,
}

/// The territory's live series that have a coming date at `now`, each once with its next
/// date (the territory's page leaves their occurrences out of its upcoming list; the agenda
/// keeps every date). Two queries, however many series and dates.
pub async fn regular(
    page: &Page,
    state: &AppState,
    territory: &Territory,
    now: DateTime<Utc>,
) -> Result<Vec<Regular>, StoreError> {
    let series = state.store.live_series(Some(territory.id)).await?;
    if series.is_empty() {
        return Ok(Vec::new());
    }
    let next = state.store.next_occurrences(territory.id, now).await?;
    let mut shown = Vec::new();
    for s in series {
        let next = next
            .iter()
            .find(|p| p.series.is_some_and(|l| l.id == s.id))
            .and_then(|p| match &p.body {
                PublicationBody::Event(e) => Some((p.id, e)),
                _ => None,
            });
        let Some((next_id, next)) = next else {
            continue;
        };
        shown.push(Regular {
            title: s.template.title.clone(),
            rule: page.lang.repeats(&s),
            path: format!("/series/{}", s.id),
            next: page.lang.when(next),
            next_path: format!("/events/{next_id}"),
            place: page.lang.where_(&s.template),
        });
    }
    Ok(shown)
}

/// `GET /series/{id}`: the series, its rule and its coming dates; 410 once deleted.
pub async fn series_page(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return page.error(&state, StatusCode::NOT_FOUND, "error-not-found");
    };
    let (series, territory): (Series, Territory) = match state.actions.series(id).await {
        Ok(found) => found,
        Err(ActionError::Gone) => return page.error(&state, StatusCode::GONE, "error-gone"),
        Err(ActionError::NotFound) => {
            return page.error(&state, StatusCode::NOT_FOUND, "error-not-found");
        }
        Err(e) => return page.failed(&state, e),
    };
    let now = rhizome_node::now();
    let dates: Vec<Publication> = match state.store.occurrences(series.id).await {
        Ok(all) => all
            .into_iter()
            .filter(|p| p.deleted_at.is_none() && p.body.ends_at().is_some_and(|e| e >= now))
            .collect(),
        Err(e) => return page.failed(&state, e),
    };
    page.render(
        &state,
        "series.html",
        context! {
            title => series.template.title,
            rule => page.lang.repeats(&series),
            place => page.lang.where_(&series.template),
            territory => territory_card(&state, &territory),
            dates => items(&page, &dates, std::slice::from_ref(&territory)),
            ical => format!("/t/{}/calendar.ics", territory.profile.slug),
        },
    )
}

/// On an occurrence's page: how its series repeats, linking to the series' page; `None`
/// for an event of no live series.
pub async fn part_of(page: &Page, state: &AppState, p: &Publication) -> Option<minijinja::Value> {
    let link = p.series?;
    let (series, _) = state.actions.series(link.id).await.ok()?;
    Some(context! {
        rule => page.lang.repeats(&series),
        path => format!("/series/{}", series.id),
    })
}
