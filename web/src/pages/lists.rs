//! The network's agenda, library and calls board, and its directory: the API's views
//! with a filter form. Filters travel in the query string, so a filtered list can be
//! bookmarked or shared.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use minijinja::context;
use rhizome_node::PublicationKind;
use rhizome_node::inventory::Inventory;
use rhizome_node::network::{Near, distance_km};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Page;
use super::labels::{AGE_GROUPS, CALL_STATUSES, CALL_TYPES, LANGUAGES, TERRITORY_KINDS, THEMES};
use super::preview::{Preview, share};
use crate::AppState;
use crate::api::{DirectoryParams, NetworkParams, archive_items, directory_items, network_items};
use crate::error::ApiError;

/// Items per page.
const PAGE_SIZE: usize = 20;

/// The filter form as submitted: every field is text, and an empty one means "any".
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Filters {
    q: Option<String>,
    theme: Option<String>,
    language: Option<String>,
    territory: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    km: Option<String>,
    /// `lat,lon,km` in one value, as the API and the calendars take it (the form sends
    /// `lat`, `lon` and `km`).
    near: Option<String>,
    // --- Audience and call filters (branch `filters`): the API's parameters. ---
    age_group: Option<String>,
    public: Option<String>,
    #[serde(rename = "type")]
    call_type: Option<String>,
    status: Option<String>,
    skills: Option<String>,
    deadline_before: Option<String>,
    deadline_after: Option<String>,
    // --- End of the `filters` block. ---
    #[serde(default)]
    offset: usize,
}

/// Which network list a page shows: one kind's view, or the archive of every kind.
#[derive(Clone, Copy, PartialEq)]
enum ListView {
    Kind(PublicationKind),
    Archive,
}

impl ListView {
    /// Whether the call filters (type, status, skills, deadline) apply.
    fn has_calls(self) -> bool {
        matches!(
            self,
            ListView::Kind(PublicationKind::Call) | ListView::Archive
        )
    }
}

/// Why a filter cannot be used: a catalogue key.
struct BadFilter(&'static str);

impl Filters {
    fn given(value: &Option<String>) -> Option<String> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    fn is_empty(&self) -> bool {
        [
            &self.q,
            &self.theme,
            &self.language,
            &self.territory,
            &self.kind,
            &self.from,
            &self.to,
            &self.lat,
            &self.lon,
            &self.km,
            &self.near,
            &self.age_group,
            &self.public,
            &self.call_type,
            &self.status,
            &self.skills,
            &self.deadline_before,
            &self.deadline_after,
        ]
        .iter()
        .all(|v| Filters::given(v).is_none())
    }

    /// `lat,lon,km` when all three are given; an error when only some are.
    fn near(&self) -> Result<Option<String>, BadFilter> {
        Ok(self.near_point()?.map(|near| near.to_string()))
    }

    /// The point and radius, from `near` or from the three boxes (where a decimal comma
    /// is read as a point), checked as everywhere else by [`Near`].
    fn near_point(&self) -> Result<Option<Near>, BadFilter> {
        let bad = |_| BadFilter("filter-bad-near");
        let boxes = [&self.lat, &self.lon, &self.km].map(Filters::given);
        match (Filters::given(&self.near), boxes) {
            (None, [None, None, None]) => Ok(None),
            (Some(near), [None, None, None]) => Near::parse("near", &near).map(Some).map_err(bad),
            (None, [Some(lat), Some(lon), Some(km)]) => {
                let [lat, lon, km] = [lat, lon, km].map(|v| v.replace(',', "."));
                Near::parse_parts("near", [&lat, &lon, &km])
                    .map(Some)
                    .map_err(bad)
            }
            _ => Err(BadFilter("filter-bad-near")),
        }
    }

    fn date(value: &Option<String>) -> Result<Option<chrono::NaiveDate>, BadFilter> {
        Filters::given(value)
            .map(|d| d.parse().map_err(|_| BadFilter("filter-bad-date")))
            .transpose()
    }

    /// A choice among an enum's wire names (the form's options), or the error to show.
    fn choice(value: &Option<String>, offered: &[&str]) -> Result<Option<String>, BadFilter> {
        match Filters::given(value) {
            Some(v) if !offered.contains(&v.as_str()) => Err(BadFilter("filter-bad-choice")),
            v => Ok(v),
        }
    }

    fn network_params(&self, view: ListView, limit: usize) -> Result<NetworkParams, BadFilter> {
        let calls = view.has_calls();
        let for_calls = |v: Result<Option<String>, BadFilter>| v.map(|v| v.filter(|_| calls));
        Ok(NetworkParams {
            age_group: Filters::choice(&self.age_group, AGE_GROUPS)?,
            public: Filters::given(&self.public),
            call_type: for_calls(Filters::choice(&self.call_type, CALL_TYPES))?,
            status: for_calls(Filters::choice(&self.status, CALL_STATUSES))?,
            skills: Filters::given(&self.skills).filter(|_| calls),
            deadline_before: Filters::date(&self.deadline_before)?.filter(|_| calls),
            deadline_after: Filters::date(&self.deadline_after)?.filter(|_| calls),
            q: Filters::given(&self.q),
            from: Filters::date(&self.from)?,
            to: Filters::date(&self.to)?,
            territory: Filters::given(&self.territory),
            theme: Filters::given(&self.theme).filter(|t| THEMES.contains(&t.as_str())),
            language: Filters::given(&self.language),
            near: self.near()?,
            limit,
            offset: self.offset,
        })
    }

    /// The network calendar with these filters, for the agenda's "subscribe" link.
    fn calendar_url(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", Filters::given(&self.q)),
            ("theme", Filters::given(&self.theme)),
            ("language", Filters::given(&self.language)),
            ("territory", Filters::given(&self.territory)),
            ("from", Filters::given(&self.from)),
            ("to", Filters::given(&self.to)),
            ("near", self.near().ok().flatten()),
            ("age_group", Filters::given(&self.age_group)),
            ("public", Filters::given(&self.public)),
        ] {
            if let Some(v) = value {
                query.append_pair(name, &v);
            }
        }
        let query = query.finish();
        if query.is_empty() {
            "/network/calendar.ics".to_owned()
        } else {
            format!("/network/calendar.ics?{query}")
        }
    }

    /// This list's URL at another offset, with the same filters.
    fn at_offset(&self, path: &str, offset: usize) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", &self.q),
            ("theme", &self.theme),
            ("language", &self.language),
            ("territory", &self.territory),
            ("from", &self.from),
            ("to", &self.to),
            ("lat", &self.lat),
            ("lon", &self.lon),
            ("km", &self.km),
            ("near", &self.near),
            ("age_group", &self.age_group),
            ("public", &self.public),
            ("type", &self.call_type),
            ("status", &self.status),
            ("skills", &self.skills),
            ("deadline_before", &self.deadline_before),
            ("deadline_after", &self.deadline_after),
        ] {
            if let Some(v) = Filters::given(value) {
                query.append_pair(name, &v);
            }
        }
        if offset > 0 {
            query.append_pair("offset", &offset.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }
}

/// One line of a network list.
#[derive(Serialize)]
pub(crate) struct Line {
    url: String,
    title: String,
    when: Option<String>,
    starts_at: Option<String>,
    summary: String,
    /// An event's status, as its own page says it (`cancelled`, `postponed`).
    status: Option<String>,
    /// `event`, `resource` or `call` (the archive mixes them).
    kind: String,
    /// A call's type, status, deadline (`YYYY-MM-DD`) and outcome, by their wire names.
    call_type: Option<String>,
    call_status: Option<String>,
    deadline: Option<String>,
    outcome: Option<String>,
    local: bool,
    slug: String,
    origin_name: String,
    node: String,
}

pub(crate) fn line(page: &Page, state: &AppState, item: &Value) -> Line {
    let origin = &item["origin"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let starts_at = item["starts_at"]
        .as_str()
        .and_then(|s| s.parse::<DateTime<Utc>>().ok());
    let zone: chrono_tz::Tz = state
        .config
        .default_timezone
        .parse()
        .unwrap_or(chrono_tz::UTC);
    let locale = page.lang.date_locale();
    let handle = text(&origin["handle"]);
    Line {
        url: text(&item["id"]),
        title: text(&item["title"]),
        when: starts_at.map(|s| {
            s.with_timezone(&zone)
                .format_localized("%A %-d %B %Y, %H:%M", locale)
                .to_string()
        }),
        starts_at: starts_at.map(|s| s.to_rfc3339()),
        summary: text(&item["summary"]),
        status: (item["kind"] == "event")
            .then(|| item["status"].as_str().map(str::to_owned))
            .flatten(),
        kind: text(&item["kind"]),
        call_type: item["type"].as_str().map(str::to_owned),
        call_status: (item["kind"] == "call")
            .then(|| item["status"].as_str().map(str::to_owned))
            .flatten(),
        deadline: item["deadline"].as_str().map(str::to_owned),
        outcome: item["outcome"].as_str().map(str::to_owned),
        local: origin["local"].as_bool().unwrap_or(false),
        slug: handle
            .trim_start_matches('@')
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned(),
        origin_name: origin["name"].as_str().map(str::to_owned).unwrap_or(handle),
        node: text(&origin["node"]),
    }
}

async fn list(page: Page, state: AppState, view: ListView, filters: Filters) -> Response {
    let (kind, collection) = match view {
        ListView::Kind(kind) => (kind.as_str(), kind.segment()),
        ListView::Archive => ("archive", "archive"),
    };
    let path = format!("/{collection}");
    let (items, error) = match filters.network_params(view, PAGE_SIZE + 1) {
        Ok(params) => match match view {
            ListView::Kind(kind) => network_items(&state, kind, params).await,
            ListView::Archive => archive_items(&state, params).await,
        } {
            Ok(items) => (items, None),
            Err(ApiError::BadRequest(_) | ApiError::Validation(_)) => {
                (Vec::new(), Some("filter-bad-near"))
            }
            Err(e) => return page.failed(&state, e),
        },
        Err(BadFilter(key)) => (Vec::new(), Some(key)),
    };
    let more = items.len() > PAGE_SIZE;
    let lines: Vec<Line> = items
        .iter()
        .take(PAGE_SIZE)
        .map(|i| line(&page, &state, i))
        .collect();
    let previous = (filters.offset > 0)
        .then(|| filters.at_offset(&path, filters.offset.saturating_sub(PAGE_SIZE)));
    let next = more.then(|| filters.at_offset(&path, filters.offset + PAGE_SIZE));
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page.render_status(
        &state,
        status,
        "list.html",
        context! {
            share => share(Preview::described(
                &page,
                &state,
                &page.lang.text(&format!("list-title-{kind}"), &Default::default()),
                &format!("list-{kind}"),
                None,
            )),
            kind,
            collection,
            items => lines,
            filtered => !filters.is_empty(),
            params => filters,
            themes => THEMES,
            age_groups => AGE_GROUPS,
            with_calls => view.has_calls(),
            call_types => CALL_TYPES,
            call_statuses => CALL_STATUSES,
            languages_offered => LANGUAGES,
            error => error.map(|key| page.lang.text(key, &Default::default())),
            previous,
            next,
            calendar => filters.calendar_url(),
        },
    )
}

pub async fn events(
    page: Page,
    State(state): State<AppState>,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Response {
    list(
        page,
        state,
        ListView::Kind(PublicationKind::Event),
        filters.map(|q| q.0).unwrap_or_default(),
    )
    .await
}

pub async fn resources(
    page: Page,
    State(state): State<AppState>,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Response {
    list(
        page,
        state,
        ListView::Kind(PublicationKind::Resource),
        filters.map(|q| q.0).unwrap_or_default(),
    )
    .await
}

pub async fn calls(
    page: Page,
    State(state): State<AppState>,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Response {
    list(
        page,
        state,
        ListView::Kind(PublicationKind::Call),
        filters.map(|q| q.0).unwrap_or_default(),
    )
    .await
}

/// The archive: past events and closed calls, with their outcome.
pub async fn archive(
    page: Page,
    State(state): State<AppState>,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Response {
    list(
        page,
        state,
        ListView::Archive,
        filters.map(|q| q.0).unwrap_or_default(),
    )
    .await
}

/// One territory of the directory.
#[derive(Serialize)]
struct Entry {
    id: String,
    name: String,
    kind: String,
    place: String,
    handle: String,
    node: String,
    local: bool,
    slug: String,
    distance: Option<i64>,
    /// What it shares and seeks, as `directory_items` checked it.
    inventory: Inventory,
}

pub async fn directory(
    page: Page,
    State(state): State<AppState>,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Response {
    let filters = filters.map(|q| q.0).unwrap_or_default();
    let near = filters.near();
    let params = DirectoryParams {
        q: Filters::given(&filters.q),
        kind: Filters::given(&filters.kind),
        theme: Filters::given(&filters.theme),
        language: Filters::given(&filters.language),
        near: near.as_ref().ok().cloned().flatten(),
    };
    let entries = match directory_items(&state, &params).await {
        Ok(entries) => entries,
        Err(e) => return page.failed(&state, e),
    };
    let point = filters
        .near_point()
        .ok()
        .flatten()
        .map(|near| (near.latitude, near.longitude));
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut items: Vec<Entry> = entries
        .iter()
        .map(|e| {
            let handle = text(&e["handle"]);
            let place = &e["place"];
            let position = place["latitude"].as_f64().zip(place["longitude"].as_f64());
            Entry {
                id: text(&e["id"]),
                name: text(&e["name"]),
                kind: text(&e["kind"]),
                place: [&place["name"], &place["address"]]
                    .iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                local: e["node"].as_str() == Some(state.config.domain.as_str()),
                slug: handle
                    .trim_start_matches('@')
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                handle,
                node: text(&e["node"]),
                distance: point
                    .zip(position)
                    .map(|((a, b), (c, d))| distance_km(a, b, c, d).round() as i64),
                inventory: serde_json::from_value(e["inventory"].clone()).unwrap_or_default(),
            }
        })
        .collect();
    if point.is_some() {
        items.sort_by_key(|e| e.distance);
    }
    page.render_status(
        &state,
        if near.is_err() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        "network.html",
        context! {
            share => share(Preview::described(
                &page,
                &state,
                &page.lang.text("network-title", &Default::default()),
                "network",
                None,
            )),
            items,
            filtered => !filters.is_empty(),
            params => filters,
            themes => THEMES,
            kinds => TERRITORY_KINDS,
            languages_offered => LANGUAGES,
            error => near.err().map(|BadFilter(key)| page.lang.text(key, &Default::default())),
        },
    )
}

// --- Festivals (branch `festivals`): a festival's programme is the agenda, filtered by
// the agenda's own filters, restricted to the festival's accepted events. ---

/// What a festival page shows of its programme: the agenda's lines among `among` (the
/// festival's accepted object ids) grouped by day in `zone`, with the agenda's filter
/// form (`action` its path), as template context; and the ids of the events shown.
pub async fn programme_among(
    page: &Page,
    state: &AppState,
    uri: &axum::http::Uri,
    action: &str,
    zone: chrono_tz::Tz,
    among: &std::collections::HashSet<String>,
) -> Result<(minijinja::Value, std::collections::HashSet<String>), ApiError> {
    let filters: Filters = Query::try_from_uri(uri).map(|q| q.0).unwrap_or_default();
    let view = ListView::Kind(PublicationKind::Event);
    let (items, error) = match filters.network_params(view, 500) {
        Ok(params) => match network_items(state, PublicationKind::Event, params).await {
            Ok(items) => (items, None),
            Err(ApiError::BadRequest(_) | ApiError::Validation(_)) => {
                (Vec::new(), Some("filter-bad-near"))
            }
            Err(e) => return Err(e),
        },
        Err(BadFilter(key)) => (Vec::new(), Some(key)),
    };
    let locale = page.lang.date_locale();
    let mut days: Vec<(String, Vec<Line>)> = Vec::new();
    let mut shown = std::collections::HashSet::new();
    for item in items
        .iter()
        .filter(|i| i["id"].as_str().is_some_and(|id| among.contains(id)))
    {
        let day = item["starts_at"]
            .as_str()
            .and_then(|s| s.parse::<DateTime<Utc>>().ok())
            .map(|s| {
                s.with_timezone(&zone)
                    .format_localized("%A %-d %B %Y", locale)
                    .to_string()
            })
            .unwrap_or_default();
        let line = line(page, state, item);
        shown.insert(line.url.clone());
        match days.last_mut() {
            Some((last, lines)) if *last == day => lines.push(line),
            _ => days.push((day, vec![line])),
        }
    }
    let context = minijinja::context! {
        days => days.into_iter().map(|(day, items)| minijinja::context! { day, items }).collect::<Vec<_>>(),
        action,
        filtered => !filters.is_empty(),
        params => filters,
        themes => THEMES,
        age_groups => AGE_GROUPS,
        with_calls => false,
        with_territory => true,
        with_dates => true,
        kinds => minijinja::Value::from(()),
        call_types => CALL_TYPES,
        call_statuses => CALL_STATUSES,
        languages_offered => LANGUAGES,
        error => error.map(|key| page.lang.text(key, &Default::default())),
    };
    Ok((context, shown))
}
// --- End of the `festivals` block. ---
