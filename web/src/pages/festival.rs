//! A festival's or collection's page at `/t/{slug}`: banner, days, description, counts
//! (events, territories, places offered), the programme by day with the agenda's filters,
//! a map of its events, and its iCal, Atom and widget links.

use axum::http::Uri;
use axum::response::Response;
use minijinja::context;
use rhizome_node::{Territory, markdown};

use super::Page;
use super::map::Point;
use crate::AppState;
use crate::api::festivals::{counts, gathering_view, programme};

pub async fn festival_page(
    page: Page,
    state: &AppState,
    gathering: Territory,
    uri: &Uri,
) -> Response {
    let loaded = async {
        let (gathering, settings) = state.actions.gathering(&gathering.profile.slug).await?;
        let entries = programme(state, &gathering).await?;
        Ok::<_, crate::error::ApiError>((gathering, settings, entries))
    };
    let (gathering, settings, entries) = match loaded.await {
        Ok(loaded) => loaded,
        Err(e) => return page.failed(state, e),
    };
    let slug = &gathering.profile.slug;
    let among = entries.iter().map(|e| e.item.object_id.clone()).collect();
    let path = format!("/t/{slug}");
    let (listed, shown) =
        match super::lists::programme_among(&page, state, uri, &path, gathering.tz(), &among).await
        {
            Ok(listed) => listed,
            Err(e) => return page.failed(state, e),
        };
    // Resources and calls of a collection have no day: listed as they came.
    let undated: Vec<_> = entries
        .iter()
        .filter(|e| e.starts_at.is_none())
        .map(|e| context! { title => e.title, url => e.url, origin => e.origin })
        .collect();
    let points: Vec<Point> = entries
        .iter()
        .filter(|e| shown.contains(&e.item.object_id))
        .filter_map(|e| {
            let (lat, lon) = e.position?;
            Some(Point::new(
                lat,
                lon,
                e.title.clone(),
                e.place.clone().unwrap_or_default(),
                e.url.clone(),
            ))
        })
        .collect();
    let base = state.config.base_url();
    let locale = page.lang.date_locale();
    let day = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format_localized("%-d %B %Y", locale).to_string())
    };
    page.render(
        state,
        "festival.html",
        context! {
            ..listed,
            ..context! {
                festival => gathering_view(state, &gathering, &settings),
                starts_on => day(settings.starts_on),
                ends_on => day(settings.ends_on),
                banner => settings.banner.as_ref().map(|b| context! { url => b.absolute_url(&base), alt => b.alt }),
                description_html => markdown::to_html(&gathering.profile.description),
                counts => counts(&entries),
                undated,
                points => serde_json::to_string(&points).unwrap_or_else(|_| "[]".into()),
                has_points => !points.is_empty(),
                actor => state.federation.urls.territory(slug),
                widget => format!("{base}/widget/agenda?territory={slug}"),
            }
        },
    )
}
