//! The network: a territory follows other territories (on any node), and keeps what they
//! publish, filtered by the scope of the subscription.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::publication::PublicationKind;
use crate::social::FollowState;
use crate::theme::Theme;
use crate::validation::{Validated, ValidationError};

/// What a subscription lets through; empty lists mean "everything".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<PublicationKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<Theme>,
    /// Only what happens within `km` of a point (items without coordinates pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<Near>,
}

/// A point and a radius: "within `km` of here", for subscriptions' scopes and for every
/// view's `near` filter. Built only through [`Near::checked`] or [`Near::parse`], which
/// hold every caller to the same limits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub km: f64,
}

/// How `near` is written, said by every refusal of one.
const NEAR_FORM: &str = "must be lat,lon,km: three numbers, latitude -90 to 90, longitude -180 to 180, radius above 0 and at most 20000 km (for example 46.58,0.34,20)";

impl Near {
    /// The widest radius, in kilometres: half the Earth's circumference.
    pub const MAX_KM: f64 = 20_000.0;

    /// Checks the point and radius: finite numbers, latitude -90 to 90, longitude -180 to
    /// 180, radius above 0 and at most [`Near::MAX_KM`]. `field` names the value in the
    /// error; the radius's error names `field.km`.
    pub fn checked(self, field: &str) -> Validated<Near> {
        let position_ok = self.latitude.is_finite()
            && self.longitude.is_finite()
            && (-90.0..=90.0).contains(&self.latitude)
            && (-180.0..=180.0).contains(&self.longitude);
        if !position_ok {
            return Err(ValidationError::new(
                field,
                "latitude or longitude out of range",
            ));
        }
        if !(self.km.is_finite() && self.km > 0.0 && self.km <= Near::MAX_KM) {
            return Err(ValidationError::new(
                format!("{field}.km"),
                "must be between 0 and 20000",
            ));
        }
        Ok(self)
    }

    /// `lat,lon,km` as a query string carries it: exactly three numbers.
    pub fn parse(field: &str, text: &str) -> Validated<Near> {
        match text.split(',').collect::<Vec<_>>()[..] {
            [lat, lon, km] => Near::parse_parts(field, [lat, lon, km]),
            _ => Err(ValidationError::new(field, NEAR_FORM)),
        }
    }

    /// The three numbers as typed in three boxes (latitude, longitude, radius).
    pub fn parse_parts(field: &str, [lat, lon, km]: [&str; 3]) -> Validated<Near> {
        let number = |s: &str| s.trim().parse::<f64>().ok();
        let (Some(latitude), Some(longitude), Some(km)) = (number(lat), number(lon), number(km))
        else {
            return Err(ValidationError::new(field, NEAR_FORM));
        };
        Near {
            latitude,
            longitude,
            km,
        }
        .checked(field)
        .map_err(|_| ValidationError::new(field, NEAR_FORM))
    }

    /// Whether a point lies within the radius.
    pub fn contains(&self, latitude: f64, longitude: f64) -> bool {
        distance_km(self.latitude, self.longitude, latitude, longitude) <= self.km
    }
}

/// `lat,lon,km`, as [`Near::parse`] reads it back.
impl std::fmt::Display for Near {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{},{}", self.latitude, self.longitude, self.km)
    }
}

impl Scope {
    pub fn validate(self) -> Validated<Scope> {
        if let Some(near) = self.near {
            near.checked("scope.near")?;
        }
        Ok(Scope {
            kinds: crate::validation::unique(
                self.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
            .into_iter()
            .filter_map(PublicationKind::parse)
            .collect(),
            themes: crate::validation::unique(self.themes),
            near: self.near,
        })
    }

    /// Whether an item with these properties is wanted.
    pub fn admits(
        &self,
        kind: PublicationKind,
        themes: &[Theme],
        position: Option<(f64, f64)>,
    ) -> bool {
        let kind_ok = self.kinds.is_empty() || self.kinds.contains(&kind);
        let theme_ok = self.themes.is_empty() || themes.iter().any(|t| self.themes.contains(t));
        let place_ok = match (&self.near, position) {
            (Some(near), Some((lat, lon))) => near.contains(lat, lon),
            _ => true,
        };
        kind_ok && theme_ok && place_ok
    }
}

/// Great-circle distance (haversine), in kilometres.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * a.sqrt().atan2((1.0 - a).sqrt())
}

/// One of our territories following a remote actor.
#[derive(Debug, Clone, PartialEq)]
pub struct Following {
    pub territory_id: Uuid,
    pub target_id: String,
    pub state: FollowState,
    pub follow_activity_id: String,
    pub scope: Scope,
    pub created_at: DateTime<Utc>,
}

/// A publication from another server, kept as received (sanitised when shown) with the
/// fields the network views sort and filter on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemotePublication {
    /// Its ActivityPub id.
    pub id: String,
    /// Who published it.
    pub actor_id: String,
    pub kind: PublicationKind,
    pub title: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub object: serde_json::Value,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// What the network views filter on, read from `object` by the federation side when it
    /// arrived; storage keeps `object` as it came and never reads it.
    pub facts: crate::listing::RemoteFacts,
}

/// How far the walk through a followed actor's outbox has gone; lets it resume.
#[derive(Debug, Clone, PartialEq)]
pub struct Backfill {
    pub actor_id: String,
    pub next_page: Option<String>,
    pub pages: i32,
    pub imported: i32,
    pub done: bool,
}

/// Another node, as discovery knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peer {
    pub host: String,
    /// How we learnt of it: `contact`, `seed`, or `list:HOST`.
    pub source: String,
    /// Its own directory was fetched and named this host: only verified peers are listed.
    pub verified: bool,
    /// Its territories, from its directory.
    pub directory: Option<serde_json::Value>,
    pub failures: i32,
    pub last_checked: Option<DateTime<Utc>>,
}

/// A peer that failed this many checks in a row is no longer listed.
pub const PEER_MAX_FAILURES: i32 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_is_three_finite_numbers_in_range() {
        let near = Near::parse("near", " 46.5, 0.3,20").unwrap();
        assert_eq!((near.latitude, near.longitude, near.km), (46.5, 0.3, 20.0));
        assert_eq!(Near::parse("near", &near.to_string()).unwrap(), near);
        for bad in [
            "NaN,NaN,NaN",
            "1,x,2,3",
            "46,x,0.3,20",
            "46.5,0.3",
            "46.5,0.3,20,",
            "a,b,c",
            "91,0,1",
            "0,181,1",
            "0,0,-1",
            "0,0,0",
            "0,0,20001",
            "NaN,0,1",
            "0,inf,1",
            "0,0,inf",
            "",
        ] {
            assert_eq!(
                Near::parse("near", bad).unwrap_err().field,
                "near",
                "{bad:?}"
            );
        }
        assert!(Near::parse_parts("near", ["46.5", "0.3", "NaN"]).is_err());
        let scope_error = |near| {
            Scope {
                near: Some(near),
                ..Scope::default()
            }
            .validate()
            .unwrap_err()
            .field
        };
        let at = |latitude, longitude, km| Near {
            latitude,
            longitude,
            km,
        };
        assert_eq!(scope_error(at(f64::NAN, 0.0, 1.0)), "scope.near");
        assert_eq!(scope_error(at(0.0, 0.0, f64::INFINITY)), "scope.near.km");
    }

    #[test]
    fn scope_filters_kind_theme_and_distance() {
        let poitiers = (46.58, 0.34);
        let paris = (48.86, 2.35);
        let scope = Scope {
            kinds: vec![PublicationKind::Event],
            themes: vec![Theme::Climate],
            near: Some(Near {
                latitude: poitiers.0,
                longitude: poitiers.1,
                km: 50.0,
            }),
        };
        assert!(scope.admits(PublicationKind::Event, &[Theme::Climate], Some(poitiers)));
        assert!(!scope.admits(PublicationKind::Resource, &[Theme::Climate], Some(poitiers)));
        assert!(!scope.admits(PublicationKind::Event, &[Theme::Culture], Some(poitiers)));
        assert!(!scope.admits(PublicationKind::Event, &[Theme::Climate], Some(paris)));
        assert!(scope.admits(PublicationKind::Event, &[Theme::Climate], None));
        assert!(Scope::default().admits(PublicationKind::Call, &[], None));
        let d = distance_km(poitiers.0, poitiers.1, paris.0, paris.1);
        assert!((280.0..300.0).contains(&d), "{d}");
    }
}
