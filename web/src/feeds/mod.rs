//! Feeds for other software: iCalendar agendas (`.ics`) and an Atom feed per territory.
//!
//! Calendars take the filters of the network views (`theme`, `language`, `from`, `to`,
//! `near`, `q`); the embeddable widget (`crate::widget`) takes the same ones, so both
//! select events here.

pub mod atom;
pub mod ical;
pub mod vtimezone;

use axum::Router;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::routing::get;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rhizome_node::network::Near;
use rhizome_node::publication::Event;
use rhizome_node::store::{Order, PublicationQuery};
use rhizome_node::theme::Theme;
use rhizome_node::{Publication, PublicationBody, PublicationKind, Territory};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar.ics", get(ical::node_calendar))
        .route("/network/calendar.ics", get(ical::network_calendar))
        .route("/t/{slug}/calendar.ics", get(ical::territory_calendar))
        .route("/events/{id}/event.ics", get(ical::single_event))
        .route("/t/{slug}/feed.atom", get(atom::territory_feed))
}

/// The query string of a calendar or widget, as sent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgendaParams {
    /// A territory of this node, by slug (where the path does not name one).
    pub territory: Option<String>,
    pub theme: Option<String>,
    pub language: Option<String>,
    /// Events starting on or after this day, and on or before `to` (days in the event's
    /// own zone).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `lat,lon,km`.
    pub near: Option<String>,
    /// Words that must all appear in the title, any case.
    pub q: Option<String>,
    pub limit: Option<usize>,
}

/// Which events to list, checked.
#[derive(Debug, Clone)]
pub struct Selection {
    pub theme: Option<Theme>,
    pub language: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub near: Option<Near>,
    pub words: Vec<String>,
    pub limit: usize,
    /// Without `from`, events that ended up to this long ago are still listed.
    pub past: Duration,
}

impl AgendaParams {
    /// Reads the query string, refusing what cannot be read with a 400 saying why.
    pub fn read(params: Result<Query<AgendaParams>, QueryRejection>) -> Result<Self, ApiError> {
        params
            .map(|Query(p)| p)
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }

    /// Checks every filter; `default_limit` and `max_limit` bound the number of events.
    pub fn selection(
        &self,
        default_limit: usize,
        max_limit: usize,
        past: Duration,
    ) -> Result<Selection, ApiError> {
        let bad = |m: String| ApiError::BadRequest(m);
        let theme = match self.theme.as_deref() {
            Some(t) => Some(Theme::from_slug(t).ok_or_else(|| {
                bad(format!(
                    "unknown theme {t:?}: use one of {}",
                    Theme::ALL.map(Theme::slug).join(", ")
                ))
            })?),
            None => None,
        };
        if let Some(l) = &self.language
            && (l.is_empty()
                || l.len() > 35
                || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return Err(bad(format!(
                "language {l:?} is not a language tag (fr, en, br...)"
            )));
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to < from
        {
            return Err(bad(format!("to ({to}) is before from ({from})")));
        }
        let limit = self.limit.unwrap_or(default_limit);
        if limit == 0 || limit > max_limit {
            return Err(bad(format!("limit must be between 1 and {max_limit}")));
        }
        Ok(Selection {
            theme,
            language: self.language.clone(),
            from: self.from,
            to: self.to,
            near: near_param(self.near.as_deref())?,
            words: self
                .q
                .as_deref()
                .unwrap_or_default()
                .to_lowercase()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            limit,
            past,
        })
    }
}

/// The `near` parameter of a view, a calendar or the directory: a 400 saying how to write
/// it when it is not a point and radius (see [`Near::parse`]).
pub fn near_param(near: Option<&str>) -> Result<Option<Near>, ApiError> {
    near.map(|text| {
        Near::parse("near", text).map_err(|e| {
            tracing::info!(near = text, "refused near filter");
            ApiError::BadRequest(e.to_string())
        })
    })
    .transpose()
}

/// A listed event with what a calendar or widget shows about it.
pub struct Listed<'a> {
    pub publication: &'a Publication,
    pub event: &'a Event,
    pub territory: &'a Territory,
}

/// Live events of this node (or of one territory), with their territories, as loaded.
pub struct Loaded {
    pub publications: Vec<Publication>,
    pub territories: Vec<Territory>,
}

/// At most this many events are read from the store for one feed.
const MAX_LOADED: i64 = 5000;

impl Selection {
    /// Loads the candidate events: those not over before the window opens.
    pub async fn load(
        &self,
        state: &AppState,
        territory: Option<&Territory>,
    ) -> Result<Loaded, ApiError> {
        let now = rhizome_node::now();
        let window_start = match self.from {
            // A day's slack: `from` is a day in the event's zone, which may be ahead of UTC.
            Some(from) => from
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc() - Duration::days(1)),
            None => Some(now - self.past),
        };
        let publications = state
            .store
            .publications(&PublicationQuery {
                kind: Some(PublicationKind::Event),
                territory_id: territory.map(|t| t.id),
                current_at: window_start,
                order: Order::Soonest,
                limit: MAX_LOADED,
                ..Default::default()
            })
            .await?;
        let territories = match territory {
            Some(t) => vec![t.clone()],
            None => state.store.territories().await?,
        };
        Ok(Loaded {
            publications,
            territories,
        })
    }

    /// The loaded events this selection keeps, soonest first, at most `limit`.
    pub fn apply<'a>(&self, loaded: &'a Loaded) -> Vec<Listed<'a>> {
        loaded
            .publications
            .iter()
            .filter_map(|p| {
                let PublicationBody::Event(event) = &p.body else {
                    return None;
                };
                let territory = loaded.territories.iter().find(|t| t.id == p.territory_id)?;
                Some(Listed {
                    publication: p,
                    event,
                    territory,
                })
            })
            .filter(|l| self.keeps(l))
            .take(self.limit)
            .collect()
    }

    fn keeps(&self, l: &Listed) -> bool {
        let e = l.event;
        let day = e.starts_at.with_timezone(&e.tz()).date_naive();
        let title = e.title.to_lowercase();
        let place = e
            .place
            .as_ref()
            .filter(|p| p.latitude.is_some())
            .unwrap_or(&l.territory.profile.place);
        self.words.iter().all(|w| title.contains(w.as_str()))
            && self.theme.is_none_or(|t| e.themes.contains(&t))
            && self
                .language
                .as_deref()
                .is_none_or(|lang| e.language == lang)
            && self.from.is_none_or(|from| day >= from)
            && self.to.is_none_or(|to| day <= to)
            && self.near.is_none_or(|near| {
                place
                    .latitude
                    .zip(place.longitude)
                    .is_some_and(|(a, b)| near.contains(a, b))
            })
    }
}

/// The public URL of an event's page, which is also its ActivityPub id.
pub fn event_url(state: &AppState, publication: &Publication) -> String {
    state
        .federation
        .urls
        .publication(PublicationKind::Event, publication.id)
}

/// The latest change among the listed events, for feed-level timestamps.
pub fn latest_update<'a>(
    items: impl IntoIterator<Item = &'a Publication>,
) -> Option<DateTime<Utc>> {
    items.into_iter().map(|p| p.updated_at).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_is_checked() {
        let near = near_param(Some("46.5, 0.3,20")).unwrap().unwrap();
        assert_eq!((near.latitude, near.longitude, near.km), (46.5, 0.3, 20.0));
        assert!(near_param(None).unwrap().is_none());
        for bad in ["46.5,0.3", "NaN,NaN,NaN", "1,x,2,3", "0,0,inf"] {
            assert!(
                matches!(near_param(Some(bad)), Err(ApiError::BadRequest(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn filters_are_checked() {
        let week = Duration::days(7);
        let params = |f: fn(&mut AgendaParams)| {
            let mut p = AgendaParams::default();
            f(&mut p);
            p.selection(10, 100, week)
        };
        assert!(params(|_| {}).is_ok());
        assert!(params(|p| p.theme = Some("cooking".into())).is_err());
        assert!(params(|p| p.language = Some("fr\"><".into())).is_err());
        assert!(params(|p| p.limit = Some(0)).is_err());
        assert!(params(|p| p.limit = Some(101)).is_err());
        assert!(
            params(|p| {
                p.from = NaiveDate::from_ymd_opt(2026, 5, 2);
                p.to = NaiveDate::from_ymd_opt(2026, 5, 1);
            })
            .is_err()
        );
        let s = params(|p| p.q = Some("Repair  CAFÉ".into())).unwrap();
        assert_eq!(s.words, ["repair", "café"]);
    }
}
