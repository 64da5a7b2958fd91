//! iCalendar (RFC 5545) agendas: a node's, a territory's, and one event's "add to
//! calendar" file. Times are written in the event's own zone with its TZID, and each zone
//! used is defined by a VTIMEZONE (see `vtimezone`), so every client shows the right hour.
//!
//! A recurring series is written as calendar apps write one: ONE VEVENT with its RRULE
//! and its skipped dates as EXDATE (with TZID), whose UID is the series' URL, plus one
//! VEVENT with the same UID and a RECURRENCE-ID for each occurrence edited or cancelled
//! on its own. A cancelled occurrence stays, `STATUS:CANCELLED`, rather than becoming an
//! EXDATE: Google Calendar, Nextcloud and Thunderbird then show it struck out, so
//! subscribers learn it is off (an EXDATE would make it vanish silently), and it agrees
//! with what followers received (an `Update` with `EventCancelled`) and with its page.

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, LocalResult, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarDateTime, Component, EventLike, EventStatus as IcalStatus, Property,
};
use rhizome_node::markdown;
use rhizome_node::publication::event::{EventFormat, EventStatus};
use rhizome_node::publication::series::Series;
use rhizome_node::validation::{self, Lines};
use rhizome_node::{PublicationBody, Territory};
use uuid::Uuid;

use super::{AgendaParams, Listed, Loaded, event_url, vtimezone};
use crate::AppState;
use crate::error::ApiError;

/// Recent past kept in calendars, so a subscriber still sees last week's workshop.
const PAST: Duration = Duration::days(30);
const DEFAULT_LIMIT: usize = 1000;
const MAX_LIMIT: usize = 5000;

/// `GET /calendar.ics`: every event of this node (or of `?territory=`).
pub async fn node_calendar(
    State(state): State<AppState>,
    params: Result<Query<AgendaParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let params = AgendaParams::read(params)?;
    let selection = params.selection(DEFAULT_LIMIT, MAX_LIMIT, PAST)?;
    let territory = match &params.territory {
        Some(slug) => Some(find(&state, slug).await?),
        None => None,
    };
    let loaded = selection.load(&state, territory.as_ref()).await?;
    let name = match &territory {
        Some(t) => t.profile.name.clone(),
        None => format!("Rhizome · {}", state.config.domain),
    };
    let zone = territory.as_ref().map(Territory::tz);
    let items = selection.apply(&loaded);
    let series = series_of(&state, &items).await?;
    Ok(ics(render(&state, &name, zone, &items, &series)))
}

/// `GET /t/{slug}/calendar.ics`: a territory's events.
pub async fn territory_calendar(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    params: Result<Query<AgendaParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let params = AgendaParams::read(params)?;
    if params.territory.is_some() {
        return Err(ApiError::BadRequest(
            "territory is given by the path here".into(),
        ));
    }
    let selection = params.selection(DEFAULT_LIMIT, MAX_LIMIT, PAST)?;
    let territory = find(&state, &slug).await?;
    if territory.role.gathers() {
        return festival_calendar(&state, &territory).await;
    }
    let loaded = selection.load(&state, Some(&territory)).await?;
    let items = selection.apply(&loaded);
    let series = series_of(&state, &items).await?;
    Ok(ics(render(
        &state,
        &territory.profile.name,
        Some(territory.tz()),
        &items,
        &series,
    )))
}

/// `GET /events/{id}/event.ics`: one event, past or future, to add to a calendar.
pub async fn single_event(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let publication = match state.store.publication(id).await? {
        Some(p) if matches!(p.body, PublicationBody::Event(_)) => p,
        _ => return Err(ApiError::NotFound),
    };
    if publication.deleted_at.is_some() {
        return Err(ApiError::Gone);
    }
    let territory = state
        .store
        .territory(publication.territory_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let title = publication.body.title().to_owned();
    let loaded = Loaded {
        publications: vec![publication],
        territories: vec![territory],
    };
    let selection = AgendaParams::default().selection(1, 1, PAST)?;
    let items = selection.apply(&loaded);
    // `apply` filters nothing without parameters, whatever the dates. One occurrence of a
    // series is added to a calendar as the event it is.
    Ok(ics(render(&state, &title, None, &items, &BTreeMap::new())))
}

/// `GET /network/calendar.ics`: the network agenda (this node's events and those of the
/// territories and nodes it follows), with the network view's filters. Each event says
/// what it says of itself: its status, its place, and its times in its own zone (in UTC
/// for a remote event that names no zone).
pub async fn network_calendar(
    State(state): State<AppState>,
    params: Result<Query<crate::api::NetworkParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let items =
        crate::api::network_items(&state, rhizome_node::PublicationKind::Event, params).await?;
    Ok(listed_calendar(
        &format!("{} · réseau", state.config.display_name()),
        &items,
    ))
}

/// A calendar of network items as the API lists them (local and remote events alike):
/// the network's calendar, and a festival's.
fn listed_calendar(name: &str, items: &[serde_json::Value]) -> Response {
    let mut calendar = calendar_named(name);
    let mut zones = Zones::new();
    let now = rhizome_node::now();
    for item in items {
        let text = |key: &str| item[key].as_str().unwrap_or_default();
        let instant = |key: &str| text(key).parse::<DateTime<Utc>>().ok();
        let (Some(starts), Some(ends)) = (instant("starts_at"), instant("ends_at")) else {
            continue;
        };
        let origin = &item["origin"];
        let from = [origin["name"].as_str(), origin["node"].as_str()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        let mut event = icalendar::Event::new();
        event
            .uid(text("id"))
            .timestamp(now)
            .summary(text("title"))
            .description(&format!("{}\n\n{from}\n{}", text("summary"), text("id")));
        match text("timezone").parse::<Tz>() {
            Ok(tz) => {
                zone_used(&mut zones, tz, (starts, ends));
                event
                    .starts(local_time(starts, tz))
                    .ends(local_time(ends, tz));
            }
            Err(_) => {
                event
                    .starts(CalendarDateTime::Utc(starts))
                    .ends(CalendarDateTime::Utc(ends));
            }
        }
        if let Some(status) = item["status"].as_str().and_then(EventStatus::parse) {
            event.status(ical_status(status));
        }
        if !text("place").is_empty() {
            event.location(text("place"));
        }
        if text("id").starts_with("https://") || text("id").starts_with("http://") {
            event.url(text("id"));
        }
        calendar.push(event.done());
    }
    ics(with_timezones(&calendar, zones))
}

/// A festival's or collection's calendar: its accepted events, local or not.
async fn festival_calendar(state: &AppState, gathering: &Territory) -> Result<Response, ApiError> {
    let among: std::collections::HashSet<String> =
        crate::api::festivals::programme(state, gathering)
            .await?
            .into_iter()
            .map(|e| e.item.object_id)
            .collect();
    let params = crate::api::NetworkParams {
        limit: 500,
        ..Default::default()
    };
    let mut items =
        crate::api::network_items(state, rhizome_node::PublicationKind::Event, params).await?;
    items.retain(|i| i["id"].as_str().is_some_and(|id| among.contains(id)));
    Ok(listed_calendar(&gathering.profile.name, &items))
}

async fn find(state: &AppState, slug: &str) -> Result<Territory, ApiError> {
    state
        .store
        .territory_by_slug(slug)
        .await?
        .ok_or(ApiError::NotFound)
}

fn ics(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        well_formed_ics(&body),
    )
        .into_response()
}

/// The serialised calendar without what RFC 5545 text cannot hold, even if an old row
/// holds it: control characters other than tab and the CRLF ending each line. The writer
/// escapes line feeds inside values but not carriage returns, so a CR not followed by LF
/// is one from a value.
fn well_formed_ics(text: &str) -> String {
    let text = validation::strip_control(text, Lines::Many);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\r' || chars.peek() == Some(&'\n') {
            out.push(c);
        }
    }
    out
}

/// When an event starts and ends.
type Span = (DateTime<Utc>, DateTime<Utc>);

/// The whole VCALENDAR text.
/// An empty calendar with Rhizome's header, named `name`, refreshed hourly.
fn calendar_named(name: &str) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new(
            "PRODID",
            format!("-//Rhizome//Rhizome {}//FR", env!("CARGO_PKG_VERSION")),
        ))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("X-WR-CALNAME", name));
    calendar.ttl(&Duration::hours(1));
    calendar
}

/// The zones a calendar's events use, with their spans, to write their VTIMEZONEs.
type Zones = BTreeMap<&'static str, (Tz, Vec<Span>)>;

fn zone_used(zones: &mut Zones, tz: Tz, span: Span) {
    zones
        .entry(tz.name())
        .or_insert_with(|| (tz, Vec::new()))
        .1
        .push(span);
}

/// The live series the listed occurrences belong to, by id.
async fn series_of(state: &AppState, items: &[Listed<'_>]) -> Result<SeriesById, ApiError> {
    let mut found = SeriesById::new();
    for link in items.iter().filter_map(|i| i.publication.series) {
        if found.contains_key(&link.id) {
            continue;
        }
        if let Some(s) = state.store.series(link.id).await?
            && s.deleted_at.is_none()
        {
            found.insert(link.id, s);
        }
    }
    Ok(found)
}

/// Series by id.
pub type SeriesById = BTreeMap<Uuid, Series>;

/// How far a series' VTIMEZONE observances reach: its rule goes on past the occurrences
/// stored, and calendar apps expand it themselves.
const SERIES_ZONE_REACH: Duration = Duration::days(3 * 366);

/// The calendar: plain events as they are; an occurrence of a live series in `series` as
/// that series' one VEVENT (written once), and as an override of it when edited or
/// cancelled on its own.
pub fn render(
    state: &AppState,
    name: &str,
    zone: Option<Tz>,
    items: &[Listed],
    series: &SeriesById,
) -> String {
    let mut calendar = calendar_named(name);
    if let Some(zone) = zone {
        calendar.append_property(Property::new("X-WR-TIMEZONE", zone.name()));
    }
    let mut zones = Zones::new();
    let mut written = std::collections::HashSet::new();
    for item in items {
        zone_used(
            &mut zones,
            item.event.tz(),
            (item.event.starts_at, item.event.ends_at),
        );
        let link = item.publication.series;
        let Some((link, s)) = link.and_then(|l| Some((l, series.get(&l.id)?))) else {
            calendar.push(vevent(state, item));
            continue;
        };
        if written.insert(s.id) {
            let start = s.template.starts_at;
            zone_used(
                &mut zones,
                s.template.tz(),
                (start, start + SERIES_ZONE_REACH),
            );
            calendar.push(series_vevent(state, s, item));
        }
        if link.exception {
            let mut ev = vevent(state, item);
            ev.uid(&series_url(state, s))
                .recurrence_id(local_time(link.recurrence_id, s.template.tz()));
            calendar.push(ev.done());
        }
    }
    with_timezones(&calendar, zones)
}

fn series_url(state: &AppState, s: &Series) -> String {
    state.federation.urls.series(s.id)
}

/// A series as one VEVENT: its first date, its RRULE and EXDATEs, what every occurrence
/// says (from the series' template), the series' page as its URL.
fn series_vevent(state: &AppState, s: &Series, item: &Listed) -> icalendar::Event {
    let template = Listed {
        publication: item.publication,
        event: &s.template,
        territory: item.territory,
    };
    let mut ev = vevent(state, &template);
    let url = series_url(state, s);
    let tz = s.template.tz();
    ev.uid(&url)
        .url(&url)
        .timestamp(s.updated_at)
        .created(s.created_at)
        .last_modified(s.updated_at)
        .sequence(sequence(s.created_at, s.updated_at))
        .description(&description(&s.template.description, &url))
        .add_property("RRULE", &s.recurrence.rule);
    if !s.recurrence.exdates.is_empty() {
        let dates: Vec<String> = s
            .recurrence
            .exdates
            .iter()
            .map(|t| t.format("%Y%m%dT%H%M%S").to_string())
            .collect();
        let mut exdate = Property::new("EXDATE", dates.join(","));
        exdate.add_parameter("TZID", tz.name());
        ev.append_multi_property(exdate.done());
    }
    ev.done()
}

/// The calendar's text with a VTIMEZONE for each zone used.
fn with_timezones(calendar: &Calendar, zones: Zones) -> String {
    let timezones: String = zones
        .into_values()
        .map(|(tz, spans)| vtimezone::vtimezone(tz, spans))
        .collect();
    // `icalendar` cannot write a VTIMEZONE (it would add DTSTAMP and UID): it goes in as
    // text, before the first event as clients expect.
    let text = calendar.to_string();
    let at = text
        .find("BEGIN:VEVENT\r\n")
        .or_else(|| text.rfind("END:VCALENDAR"))
        .unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + timezones.len());
    out.push_str(&text[..at]);
    out.push_str(&timezones);
    out.push_str(&text[at..]);
    out
}

fn vevent(state: &AppState, item: &Listed) -> icalendar::Event {
    let (p, e) = (item.publication, item.event);
    let url = event_url(state, p);
    let mut ev = icalendar::Event::new();
    ev.uid(&url)
        .timestamp(p.updated_at)
        .created(p.created_at)
        .last_modified(p.updated_at)
        .sequence(sequence(p.created_at, p.updated_at))
        .summary(&e.title)
        .description(&description(&e.description, &url))
        .starts(local_time(e.starts_at, e.tz()))
        .ends(local_time(e.ends_at, e.tz()))
        .url(&url)
        .status(ical_status(e.status));
    if !e.themes.is_empty() {
        ev.categories(e.themes.iter().map(|t| t.slug()));
    }
    let place = e
        .place
        .as_ref()
        .map(|p| p.label())
        .filter(|l| !l.is_empty());
    let online = match e.format {
        EventFormat::OnSite => None,
        _ => e.online_url.as_ref().map(url::Url::to_string),
    };
    let location: Vec<String> = place.into_iter().chain(online).collect();
    if !location.is_empty() {
        ev.location(&location.join(" · "));
    }
    if let Some((lat, lon)) = e.place.as_ref().and_then(|p| p.latitude.zip(p.longitude)) {
        ev.add_property("GEO", format!("{lat};{lon}"));
    }
    ev.done()
}

/// An event's status in iCalendar's words.
fn ical_status(status: EventStatus) -> IcalStatus {
    match status {
        EventStatus::Scheduled => IcalStatus::Confirmed,
        EventStatus::Postponed => IcalStatus::Tentative,
        EventStatus::Cancelled => IcalStatus::Cancelled,
    }
}

/// Local time with the event's TZID. The rare instant whose local time happens twice
/// (the hour repeated when clocks go back) and is the second one is written in UTC,
/// since a TZID local time means the first.
fn local_time(at: DateTime<Utc>, tz: Tz) -> CalendarDateTime {
    let local = at.with_timezone(&tz).naive_local();
    match tz.from_local_datetime(&local) {
        LocalResult::Ambiguous(first, _) if first.with_timezone(&Utc) != at => {
            CalendarDateTime::Utc(at)
        }
        _ => CalendarDateTime::WithTimezone {
            date_time: local,
            tzid: tz.name().to_owned(),
        },
    }
}

/// Seconds between creation and last change: grows with every edit, as SEQUENCE must.
fn sequence(created: DateTime<Utc>, updated: DateTime<Utc>) -> u32 {
    u32::try_from((updated - created).num_seconds().max(0)).unwrap_or(u32::MAX)
}

/// The description as plain text, then the page for everything else.
fn description(markdown_text: &str, url: &str) -> String {
    let text = markdown::to_text(markdown_text);
    if text.is_empty() {
        url.to_owned()
    } else {
        format!("{text}\n\n{url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_hour_second_pass_is_written_in_utc() {
        let paris = chrono_tz::Europe::Paris;
        // 2026-10-25 02:30 happens twice in Paris: at 00:30Z and at 01:30Z.
        let first: DateTime<Utc> = "2026-10-25T00:30:00Z".parse().unwrap();
        let second: DateTime<Utc> = "2026-10-25T01:30:00Z".parse().unwrap();
        assert!(matches!(
            local_time(first, paris),
            CalendarDateTime::WithTimezone { .. }
        ));
        assert_eq!(local_time(second, paris), CalendarDateTime::Utc(second));
    }

    #[test]
    fn calendar_text_keeps_only_line_endings() {
        assert_eq!(
            well_formed_ics("SUMMARY:a\u{0}b\r\\nc\u{1b}\r\n d\tx\r\nEND"),
            "SUMMARY:ab\\nc\r\n d\tx\r\nEND"
        );
    }

    #[test]
    fn sequence_grows_with_edits() {
        let t: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(sequence(t, t), 0);
        assert!(sequence(t, t + Duration::minutes(5)) > sequence(t, t + Duration::minutes(1)));
    }
}
