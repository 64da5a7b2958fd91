//! Events: workshops, meetups, festivals, with their time in their own zone.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::audience::Audience;
use super::image::{Image, validate_image};
use super::partner::{TerritoryRef, validate_partners};
use super::{Common, Draft, Link, PublicationBody, validate_links};
use crate::place::Place;
use crate::territory::Territory;
use crate::theme::Theme;
use crate::validation::{self as v, Validated, ValidationError};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum EventFormat {
    #[default]
    OnSite,
    Online,
    Hybrid,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum EventStatus {
    #[default]
    Scheduled,
    Cancelled,
    Postponed,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[derive(utoipa::ToSchema)]
pub enum RegistrationMode {
    /// Just come.
    #[default]
    None,
    /// Register here; accepted while places remain.
    Open,
    /// Register here; an editor approves each request.
    Approval,
    /// Register on another site.
    External,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Registration {
    #[serde(default)]
    pub mode: RegistrationMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<url::Url>,
}

/// A validated event. Times are instants; `timezone` says how to show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    pub format: EventFormat,
    pub place: Option<Place>,
    pub online_url: Option<url::Url>,
    pub audience: Audience,
    pub free: bool,
    pub price: Option<String>,
    pub capacity: Option<u32>,
    pub registration: Registration,
    pub status: EventStatus,
    pub links: Vec<Link>,
    pub language: String,
    pub themes: Vec<Theme>,
    pub tags: Vec<String>,
    /// People or bodies running the event.
    pub organisers: Vec<String>,
    /// Partner territories: of this node, or elsewhere in the network.
    #[schema(value_type = Vec<String>)]
    pub partners: Vec<TerritoryRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

/// What an editor sends. Times may carry an offset (`2026-12-01T18:00:00+01:00`) or be
/// local to the event's zone (`2026-12-01T18:00`), which is how a volunteer thinks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDraft {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub starts_at: TimeInput,
    pub ends_at: TimeInput,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub format: EventFormat,
    #[serde(default)]
    pub place: Option<Place>,
    #[serde(default)]
    pub online_url: Option<url::Url>,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default = "yes")]
    pub free: bool,
    #[serde(default)]
    pub price: Option<String>,
    #[serde(default)]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub registration: Registration,
    #[serde(default)]
    pub status: EventStatus,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub themes: Vec<Theme>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub organisers: Vec<String>,
    #[serde(default)]
    pub partners: Vec<TerritoryRef>,
    #[serde(default)]
    pub image: Option<Image>,
}

fn yes() -> bool {
    true
}

/// A date-time as typed: with an offset, or local to the event's zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeInput {
    Exact(DateTime<FixedOffset>),
    Local(NaiveDateTime),
}

impl<'de> Deserialize<'de> for TimeInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeInput::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not a date-time: use 2026-12-01T18:00 (local to the event's timezone) or 2026-12-01T18:00:00+01:00"
            ))
        })
    }
}

impl TimeInput {
    pub fn parse(s: &str) -> Option<TimeInput> {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(TimeInput::Exact(t));
        }
        [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(TimeInput::Local)
    }

    /// The instant meant, reading a local time in `tz`. A local time that a daylight-saving
    /// change skips is refused; one that happens twice is taken the first time.
    pub fn resolve(self, field: &str, tz: chrono_tz::Tz) -> Validated<DateTime<Utc>> {
        match self {
            TimeInput::Exact(t) => Ok(t.with_timezone(&Utc)),
            TimeInput::Local(naive) => match tz.from_local_datetime(&naive) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
                LocalResult::None => Err(ValidationError::new(
                    field,
                    format!("{naive} does not exist in {tz} (daylight saving change)"),
                )),
            },
        }
    }
}

/// The longest event we accept; festivals last weeks, not years.
const MAX_DURATION_DAYS: i64 = 366;

impl Draft for EventDraft {
    fn validate(self, territory: &Territory) -> Validated<PublicationBody> {
        let common = Common::validate(
            &self.title,
            self.language.as_deref(),
            self.themes,
            self.tags,
            territory,
        )?;
        let timezone = self
            .timezone
            .unwrap_or_else(|| territory.profile.timezone.clone());
        let tz = v::timezone("timezone", &timezone)?;
        let starts_at = self.starts_at.resolve("starts_at", tz)?;
        let ends_at = self.ends_at.resolve("ends_at", tz)?;
        v::year_in_range("starts_at", starts_at)?;
        v::year_in_range("ends_at", ends_at)?;
        if ends_at <= starts_at {
            return Err(ValidationError::new("ends_at", "must be after starts_at"));
        }
        if (ends_at - starts_at).num_days() > MAX_DURATION_DAYS {
            return Err(ValidationError::new(
                "ends_at",
                format!("an event may last at most {MAX_DURATION_DAYS} days"),
            ));
        }
        let place = self
            .place
            .map(|p| p.validate("place"))
            .transpose()?
            .filter(|p| !p.is_empty());
        if let Some(url) = &self.online_url {
            v::web_url("online_url", url)?;
        }
        match self.format {
            EventFormat::OnSite | EventFormat::Hybrid if place.is_none() => {
                return Err(ValidationError::new(
                    "place",
                    "is required for an on-site or hybrid event",
                ));
            }
            EventFormat::Online | EventFormat::Hybrid if self.online_url.is_none() => {
                return Err(ValidationError::new(
                    "online_url",
                    "is required for an online or hybrid event",
                ));
            }
            _ => {}
        }
        if self.capacity == Some(0) {
            return Err(ValidationError::new(
                "capacity",
                "must be at least 1 when given",
            ));
        }
        match (&self.registration.mode, &self.registration.url) {
            (RegistrationMode::External, None) => {
                return Err(ValidationError::new(
                    "registration.url",
                    "is required for external registration",
                ));
            }
            (_, Some(url)) => v::web_url("registration.url", url)?,
            _ => {}
        }
        let price = v::optional_text("price", self.price, v::MAX_SHORT, v::Lines::One)?;
        Ok(PublicationBody::Event(Event {
            title: common.title,
            description: v::bounded_text(
                "description",
                &self.description,
                v::MAX_LONG,
                v::Lines::Many,
            )?,
            starts_at,
            ends_at,
            timezone,
            format: self.format,
            place,
            online_url: self.online_url,
            audience: self.audience.validate("audience")?,
            price: if self.free { None } else { price },
            free: self.free,
            capacity: self.capacity,
            registration: self.registration,
            status: self.status,
            links: validate_links("links", self.links)?,
            language: common.language,
            themes: common.themes,
            tags: common.tags,
            organisers: v::text_list("organisers", self.organisers)?,
            partners: validate_partners("partners", self.partners)?,
            image: validate_image("image", self.image)?,
        }))
    }
}

impl Event {
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::TerritoryDraft;
    use crate::text::Lang;
    use serde_json::json;

    fn territory() -> Territory {
        let d: TerritoryDraft = serde_json::from_value(json!({
            "slug": "fablab", "name": "Fablab", "kind": "fablab", "languages": ["fr"]
        }))
        .unwrap();
        Territory::new(d.validate("Europe/Paris").unwrap())
    }

    fn draft(extra: serde_json::Value) -> serde_json::Value {
        let mut base = json!({
            "title": "Repair café", "starts_at": "2026-12-01T18:00", "ends_at": "2026-12-01T21:00",
            "place": {"name": "Fablab", "address": "1 rue de la Paix, Poitiers"}
        });
        json_patch::merge(&mut base, &extra);
        base
    }

    fn event(extra: serde_json::Value) -> Validated<Event> {
        match PublicationBody::from_draft(
            super::super::PublicationKind::Event,
            draft(extra),
            &territory(),
        )? {
            PublicationBody::Event(e) => Ok(e),
            _ => unreachable!(),
        }
    }

    #[test]
    fn local_times_are_read_in_the_event_zone() {
        let e = event(json!({})).unwrap();
        assert_eq!(e.starts_at.to_rfc3339(), "2026-12-01T17:00:00+00:00");
        assert_eq!(e.timezone, "Europe/Paris");
        assert_eq!(e.language, "fr");
        let e = event(json!({"timezone": "America/Montreal"})).unwrap();
        assert_eq!(e.starts_at.to_rfc3339(), "2026-12-01T23:00:00+00:00");
    }

    #[test]
    fn years_outside_the_window_are_refused_whatever_the_notation() {
        for (start, end, field) in [
            // Year 10000 in UTC, written as 9999 with an offset.
            (
                "9999-12-31T20:00:00-05:00",
                "9999-12-31T23:30:00-05:00",
                "starts_at",
            ),
            ("2200-12-31T22:00", "2201-01-01T10:00", "ends_at"),
            ("0001-01-01T10:00", "0001-01-01T12:00", "starts_at"),
            ("10000-01-01T10:00", "2030-01-01T12:00", "starts_at"),
        ] {
            let e = event(json!({"starts_at": start, "ends_at": end})).unwrap_err();
            assert_eq!(e.field, field, "{start}: {e}");
        }
        assert!(
            event(json!({"starts_at": "2200-12-31T10:00", "ends_at": "2200-12-31T12:00"})).is_ok()
        );
    }

    #[test]
    fn rules_name_their_field() {
        let field = |extra| event(extra).unwrap_err().field;
        assert_eq!(field(json!({"ends_at": "2026-12-01T17:00"})), "ends_at");
        assert_eq!(field(json!({"timezone": "Europe/Poitiers"})), "timezone");
        assert_eq!(field(json!({"starts_at": "tomorrow"})), "starts_at");
        assert_eq!(field(json!({"place": null})), "place");
        assert_eq!(field(json!({"format": "online"})), "online_url");
        assert_eq!(field(json!({"title": "x".repeat(201)})), "title");
        assert_eq!(
            field(json!({"place": {"latitude": 123.0, "longitude": 1.0}})),
            "place.latitude"
        );
        assert_eq!(
            field(json!({"registration": {"mode": "external"}})),
            "registration.url"
        );
        assert_eq!(field(json!({"colour": "red"})), "colour");
        // A local time skipped by the spring-forward change.
        assert_eq!(field(json!({"starts_at": "2027-03-28T02:30"})), "starts_at");
    }

    #[test]
    fn when_and_where_read_well_alone() {
        let e = event(json!({})).unwrap();
        assert_eq!(
            Lang("fr").when(&e),
            "mardi 1 décembre 2026, 18:00–21:00 (Europe/Paris)"
        );
        assert_eq!(
            Lang("en").when(&e),
            "Tuesday 1 December 2026, 18:00–21:00 (Europe/Paris)"
        );
        assert_eq!(Lang("fr").where_(&e), "Fablab, 1 rue de la Paix, Poitiers");
        let e = event(json!({"ends_at": "2026-12-02T10:00", "format": "hybrid", "online_url": "https://visio.example/x"})).unwrap();
        assert_eq!(
            Lang("fr").when(&e),
            "mardi 1 décembre 2026 18:00 – mercredi 2 décembre 2026 10:00 (Europe/Paris)"
        );
        assert_eq!(
            Lang("en").where_(&e),
            "Fablab, 1 rue de la Paix, Poitiers + online"
        );
        assert_eq!(
            Lang("es").where_(&e),
            "Fablab, 1 rue de la Paix, Poitiers + en línea"
        );
        let e = event(json!({})).unwrap();
        assert_eq!(
            Lang("es").when(&e),
            "martes, 1 de diciembre de 2026, 18:00–21:00 (Europe/Paris)"
        );
        assert_eq!(
            Lang("ar").when(&e),
            "الثلاثاء 1 ديسمبر 2026، \u{2066}18:00–21:00 (Europe/Paris)\u{2069}"
        );
    }

    #[test]
    fn patch_round_trips_through_the_draft() {
        let t = territory();
        let body = PublicationBody::Event(event(json!({})).unwrap());
        let patched = body
            .patched(&json!({"title": "Repair café de Noël"}), &t)
            .unwrap();
        assert_eq!(patched.title(), "Repair café de Noël");
        assert_eq!(patched.starts_at(), body.starts_at());
        assert!(
            body.patched(&json!({"ends_at": "2026-11-30T10:00"}), &t)
                .is_err()
        );
    }
}
