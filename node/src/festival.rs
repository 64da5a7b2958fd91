//! Festival and collection settings: the dates of a festival (none for a collection), its
//! banner, its perimeter (who may submit: anyone, some territories, or events held in a
//! region) and whether submissions inside the perimeter are accepted without a curator.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::publication::image::Image;
use crate::territory::ActorRole;
use crate::validation::{Validated, ValidationError};

/// Who may submit to a gathering.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Perimeter {
    /// Any territory, on any node.
    #[default]
    Open,
    /// These territories only, by their actor ids (a local territory's is its URL).
    Territories { actors: Vec<String> },
    /// Events held within `radius_km` of a point (an event without coordinates is outside).
    Region {
        latitude: f64,
        longitude: f64,
        radius_km: f64,
    },
}

/// What the perimeter check reads of a submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<'a> {
    /// The submitting territory's actor id.
    pub submitter: &'a str,
    pub position: Option<(f64, f64)>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

impl Perimeter {
    /// Why `candidate` is outside the perimeter, if it is.
    pub fn refuses(&self, candidate: &Candidate<'_>) -> Option<String> {
        match self {
            Perimeter::Open => None,
            Perimeter::Territories { actors } => (!actors.iter().any(|a| a == candidate.submitter))
                .then(|| "the submitting territory is not in the festival's perimeter".into()),
            Perimeter::Region {
                latitude,
                longitude,
                radius_km,
            } => match candidate.position {
                None => Some("the event has no coordinates: the festival takes events held in its region only".into()),
                Some((lat, lon)) => {
                    let km = crate::network::distance_km(*latitude, *longitude, lat, lon);
                    (km > *radius_km).then(|| {
                        format!("the event is {km:.0} km from the festival's region (at most {radius_km} km)")
                    })
                }
            },
        }
    }

    fn validate(self, field: &str) -> Validated<Perimeter> {
        match self {
            Perimeter::Region {
                latitude,
                longitude,
                radius_km,
            } => {
                if !(-90.0..=90.0).contains(&latitude) {
                    return Err(ValidationError::new(
                        format!("{field}.latitude"),
                        "must be between -90 and 90",
                    ));
                }
                if !(-180.0..=180.0).contains(&longitude) {
                    return Err(ValidationError::new(
                        format!("{field}.longitude"),
                        "must be between -180 and 180",
                    ));
                }
                if !(radius_km > 0.0 && radius_km <= 20_000.0) {
                    return Err(ValidationError::new(
                        format!("{field}.radius_km"),
                        "must be more than 0 and at most 20000",
                    ));
                }
                Ok(Perimeter::Region {
                    latitude,
                    longitude,
                    radius_km,
                })
            }
            Perimeter::Territories { actors } => {
                if actors.is_empty() {
                    return Err(ValidationError::new(
                        format!("{field}.actors"),
                        "name at least one territory",
                    ));
                }
                crate::validation::max_items(&format!("{field}.actors"), &actors)?;
                for (i, actor) in actors.iter().enumerate() {
                    match url::Url::parse(actor) {
                        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                        _ => {
                            return Err(ValidationError::new(
                                format!("{field}.actors[{i}]"),
                                "must be a territory's slug on this node or its actor URL",
                            ));
                        }
                    }
                }
                Ok(Perimeter::Territories {
                    actors: crate::validation::unique(actors),
                })
            }
            Perimeter::Open => Ok(Perimeter::Open),
        }
    }
}

/// What is stored beside a festival's or collection's actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatheringSettings {
    /// First and last day (in the festival's zone); none for a collection.
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner: Option<Image>,
    #[serde(default)]
    pub perimeter: Perimeter,
    /// Accept what is inside the perimeter without waiting for a curator.
    #[serde(default)]
    pub auto_accept_in_perimeter: bool,
}

impl GatheringSettings {
    /// Why an event with these times falls outside the festival's days (`tz` its zone).
    pub fn refuses_dates(
        &self,
        tz: chrono_tz::Tz,
        starts_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
    ) -> Option<String> {
        let (Some(first), Some(last)) = (self.starts_on, self.ends_on) else {
            return None;
        };
        let Some(starts_at) = starts_at else {
            return Some("only events (with a start) can join a festival".into());
        };
        let opens = tz
            .from_local_datetime(&first.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc));
        let closes = last.succ_opt().and_then(|day| {
            tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        });
        let ends_at = ends_at.unwrap_or(starts_at);
        let inside = opens.is_none_or(|o| starts_at >= o) && closes.is_none_or(|c| ends_at <= c);
        (!inside)
            .then(|| format!("the event is not within the festival's days ({first} to {last})"))
    }
}

/// What an admin sends to create a festival or a collection.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatheringDraft {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `festival` (the default) or `collection`.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub starts_on: Option<String>,
    #[serde(default)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub banner: Option<Image>,
    #[serde(default)]
    pub perimeter: Perimeter,
    #[serde(default)]
    pub auto_accept_in_perimeter: bool,
    #[serde(default)]
    pub timezone: Option<String>,
    /// Members (usernames) who curate it: editors of the festival's actor.
    #[serde(default)]
    pub curators: Vec<String>,
    #[serde(default)]
    pub place: crate::place::Place,
}

fn date(field: &str, value: Option<&str>) -> Validated<Option<NaiveDate>> {
    value
        .map(|s| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| ValidationError::new(field, "must be a date, YYYY-MM-DD"))
                .and_then(|d| {
                    crate::validation::year_in_range(field, d)?;
                    Ok(d)
                })
        })
        .transpose()
}

impl GatheringDraft {
    /// The role asked for: a festival unless `collection` is named.
    pub fn role(&self) -> Validated<ActorRole> {
        match self.role.as_deref() {
            None | Some("festival") => Ok(ActorRole::Festival),
            Some("collection") => Ok(ActorRole::Collection),
            Some(_) => Err(ValidationError::new(
                "role",
                "must be festival or collection",
            )),
        }
    }

    /// The settings: a festival needs both dates (in order), a collection has none.
    /// `local_actor` turns a local territory's slug in the perimeter into its actor id.
    pub fn settings(&self, local_actor: impl Fn(&str) -> String) -> Validated<GatheringSettings> {
        let role = self.role()?;
        let starts_on = date("starts_on", self.starts_on.as_deref())?;
        let ends_on = date("ends_on", self.ends_on.as_deref())?;
        match role {
            ActorRole::Festival => {
                let first = starts_on.ok_or_else(|| {
                    ValidationError::new("starts_on", "a festival needs its first day")
                })?;
                let last = ends_on.ok_or_else(|| {
                    ValidationError::new("ends_on", "a festival needs its last day")
                })?;
                if last < first {
                    return Err(ValidationError::new(
                        "ends_on",
                        "must not be before starts_on",
                    ));
                }
            }
            _ => {
                if starts_on.is_some() || ends_on.is_some() {
                    return Err(ValidationError::new(
                        if starts_on.is_some() {
                            "starts_on"
                        } else {
                            "ends_on"
                        },
                        "a collection has no dates",
                    ));
                }
            }
        }
        let perimeter = match self.perimeter.clone() {
            Perimeter::Territories { actors } => Perimeter::Territories {
                actors: actors
                    .into_iter()
                    .map(|a| {
                        if a.starts_with("http://") || a.starts_with("https://") {
                            a
                        } else {
                            local_actor(a.trim())
                        }
                    })
                    .collect(),
            },
            other => other,
        };
        Ok(GatheringSettings {
            starts_on,
            ends_on,
            banner: self
                .banner
                .clone()
                .map(|b| b.validate("banner"))
                .transpose()?,
            perimeter: perimeter.validate("perimeter")?,
            auto_accept_in_perimeter: self.auto_accept_in_perimeter,
        })
    }

    /// The actor's profile, as a territory draft of kind `network` would give.
    pub fn profile(&self, default_timezone: &str) -> Validated<crate::territory::TerritoryProfile> {
        crate::territory::TerritoryDraft {
            slug: self.slug.clone(),
            name: self.name.clone(),
            kind: crate::territory::TerritoryKind::Network,
            description: self.description.clone(),
            place: self.place.clone(),
            scale: None,
            themes: vec![],
            tags: vec![],
            languages: vec![],
            website: None,
            contact: None,
            timezone: self.timezone.clone(),
            manually_approves_followers: false,
            inventory: Default::default(),
        }
        .validate(default_timezone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(v: serde_json::Value) -> GatheringDraft {
        serde_json::from_value(v).unwrap()
    }

    fn local(slug: &str) -> String {
        format!("https://a.example/t/{slug}")
    }

    #[test]
    fn a_festival_needs_ordered_dates_and_a_collection_none() {
        let d = draft(serde_json::json!({"slug": "f", "name": "F", "starts_on": "2031-03-10"}));
        assert_eq!(d.settings(local).unwrap_err().field, "ends_on");
        let d = draft(
            serde_json::json!({"slug": "f", "name": "F", "starts_on": "2031-03-10", "ends_on": "2031-03-09"}),
        );
        assert_eq!(d.settings(local).unwrap_err().field, "ends_on");
        let d = draft(
            serde_json::json!({"slug": "c", "name": "C", "role": "collection", "starts_on": "2031-03-10"}),
        );
        assert_eq!(d.settings(local).unwrap_err().field, "starts_on");
        let d = draft(serde_json::json!({"slug": "c", "name": "C", "role": "collection"}));
        assert_eq!(d.settings(local).unwrap().starts_on, None);
    }

    #[test]
    fn perimeters_are_checked_by_path_and_slugs_become_actors() {
        let d = draft(
            serde_json::json!({"slug": "f", "name": "F", "starts_on": "2031-03-10", "ends_on": "2031-03-12",
            "perimeter": {"kind": "region", "latitude": 95.0, "longitude": 0.0, "radius_km": 10.0}}),
        );
        assert_eq!(d.settings(local).unwrap_err().field, "perimeter.latitude");
        let d = draft(
            serde_json::json!({"slug": "f", "name": "F", "starts_on": "2031-03-10", "ends_on": "2031-03-12",
            "perimeter": {"kind": "territories", "actors": ["fablab", "https://b.example/t/ville"]}}),
        );
        let s = d.settings(local).unwrap();
        assert_eq!(
            s.perimeter,
            Perimeter::Territories {
                actors: vec![
                    "https://a.example/t/fablab".into(),
                    "https://b.example/t/ville".into()
                ]
            }
        );
    }

    #[test]
    fn the_perimeter_admits_by_territory_or_distance_and_the_days_bound_events() {
        let region = Perimeter::Region {
            latitude: 46.58,
            longitude: 0.34,
            radius_km: 50.0,
        };
        let near = Candidate {
            submitter: "https://b.example/t/x",
            position: Some((46.6, 0.3)),
            starts_at: None,
            ends_at: None,
        };
        assert_eq!(region.refuses(&near), None);
        let paris = Candidate {
            position: Some((48.85, 2.35)),
            ..near.clone()
        };
        assert!(region.refuses(&paris).unwrap().contains("km"));
        let nowhere = Candidate {
            position: None,
            ..near.clone()
        };
        assert!(region.refuses(&nowhere).is_some());
        let listed = Perimeter::Territories {
            actors: vec!["https://b.example/t/x".into()],
        };
        assert_eq!(listed.refuses(&near), None);
        assert!(
            listed
                .refuses(&Candidate {
                    submitter: "https://c.example/t/y",
                    ..near
                })
                .is_some()
        );
        let settings = GatheringSettings {
            starts_on: NaiveDate::from_ymd_opt(2031, 3, 10),
            ends_on: NaiveDate::from_ymd_opt(2031, 3, 12),
            banner: None,
            perimeter: Perimeter::Open,
            auto_accept_in_perimeter: false,
        };
        let at = |s: &str| Some(s.parse::<DateTime<Utc>>().unwrap());
        let tz = chrono_tz::Europe::Paris;
        assert_eq!(
            settings.refuses_dates(tz, at("2031-03-12T20:00:00Z"), at("2031-03-12T22:00:00Z")),
            None
        );
        assert!(
            settings
                .refuses_dates(tz, at("2031-03-13T18:00:00Z"), at("2031-03-13T19:00:00Z"))
                .is_some()
        );
        assert!(settings.refuses_dates(tz, None, None).is_some());
    }
}
