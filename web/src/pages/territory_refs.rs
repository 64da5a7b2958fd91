//! Territories that publications name (an event's partners): the ones a form offers, and
//! how a page names and links each, local or remote.

use rhizome_node::publication::partner::TerritoryRef;
use rhizome_node::store::{PublicationQuery, StoreError};
use rhizome_node::{Publication, PublicationBody, PublicationKind, Territory};
use serde::Serialize;

use crate::AppState;
use crate::pages::manage::Known;

/// A named territory on a page: its name and where it lives.
#[derive(Debug, Serialize)]
pub struct NamedTerritory {
    pub name: String,
    pub href: String,
    pub remote: bool,
}

/// How a page names a referenced territory: a local one by its name and page; a remote
/// one by the name its actor gave, else its id.
pub async fn named(
    state: &AppState,
    refs: &[TerritoryRef],
) -> Result<Vec<NamedTerritory>, StoreError> {
    let mut named = Vec::with_capacity(refs.len());
    for r in refs {
        named.push(match r {
            TerritoryRef::Local(id) => match state.store.territory(*id).await? {
                Some(t) => NamedTerritory {
                    name: t.profile.name,
                    href: format!("/t/{}", t.profile.slug),
                    remote: false,
                },
                // A territory since deleted: said by its id, linking nowhere useful.
                None => NamedTerritory {
                    name: id.to_string(),
                    href: format!("/t/{id}"),
                    remote: false,
                },
            },
            // One of ours, named by its actor id (as another node sends it back).
            TerritoryRef::Remote(url) if local_slug(state, url).is_some() => {
                let slug = local_slug(state, url).unwrap_or_default();
                let territory = state.store.territory_by_slug(&slug).await?;
                NamedTerritory {
                    name: territory.map_or_else(|| slug.clone(), |t| t.profile.name),
                    href: format!("/t/{slug}"),
                    remote: false,
                }
            }
            TerritoryRef::Named(name) => NamedTerritory {
                name: name.clone(),
                href: String::new(),
                remote: false,
            },
            TerritoryRef::Remote(url) => {
                let actor = state.store.remote_actor(url.as_str()).await?;
                let name = actor.as_ref().and_then(|a| a.name.clone());
                let href = actor.and_then(|a| a.url).unwrap_or_else(|| url.to_string());
                NamedTerritory {
                    name: name.unwrap_or_else(|| url.to_string()),
                    href,
                    remote: true,
                }
            }
        });
    }
    Ok(named)
}

/// The slug of the local territory an actor id names, if it names one of ours.
fn local_slug(state: &AppState, url: &url::Url) -> Option<String> {
    state.federation.urls.parse_territory(url.as_str())
}

/// The most events a resource form offers to relate it to.
const EVENTS_OFFERED: i64 = 200;

/// What the publication forms of `territory` offer beyond fixed values: the other
/// territories of this node and those it follows (partners), its events (a resource's
/// related event).
pub async fn known(state: &AppState, territory: &Territory) -> Result<Known, StoreError> {
    let mut territories: Vec<(String, String)> = (state.store.territories().await?)
        .into_iter()
        .filter(|t| t.id != territory.id)
        .map(|t| (t.id.to_string(), t.profile.name))
        .collect();
    for following in state.store.followings(territory.id).await? {
        let actor = state.store.remote_actor(&following.target_id).await?;
        let label = match actor.as_ref().and_then(|a| a.name.clone()) {
            Some(name) => format!("{name} ({})", following.target_id),
            None => following.target_id.clone(),
        };
        territories.push((following.target_id, label));
    }
    let events = state
        .store
        .publications(&PublicationQuery {
            kind: Some(PublicationKind::Event),
            territory_id: Some(territory.id),
            limit: EVENTS_OFFERED,
            ..Default::default()
        })
        .await?;
    let events = events
        .into_iter()
        .filter(|p| p.deleted_at.is_none())
        .map(|p: Publication| {
            let label = match &p.body {
                PublicationBody::Event(e) => {
                    format!(
                        "{} ({})",
                        e.title,
                        e.starts_at.with_timezone(&e.tz()).format("%Y-%m-%d")
                    )
                }
                other => other.title().to_owned(),
            };
            (p.id.to_string(), label)
        })
        .collect();
    Ok(Known {
        territories,
        events,
    })
}
