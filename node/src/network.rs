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

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub km: f64,
}

impl Scope {
    pub fn validate(self) -> Validated<Scope> {
        if let Some(n) = &self.near {
            if !(-90.0..=90.0).contains(&n.latitude) || !(-180.0..=180.0).contains(&n.longitude) {
                return Err(ValidationError::new(
                    "scope.near",
                    "latitude or longitude out of range",
                ));
            }
            if !(n.km > 0.0 && n.km <= 20_000.0) {
                return Err(ValidationError::new(
                    "scope.near.km",
                    "must be between 0 and 20000",
                ));
            }
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
            (Some(near), Some((lat, lon))) => {
                distance_km(near.latitude, near.longitude, lat, lon) <= near.km
            }
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
    /// What the network views filter on, read from `object`.
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
