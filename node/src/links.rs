//! The map of links: the public links between territories of the network (partnerships,
//! accepted partners of calls, co-organised events, follows; festivals and collectives
//! when they exist), gathered from this node's store and from what its verified peers'
//! directories say, each end named by its ActivityPub actor id. Only public links: an
//! active partnership, an accepted answer by a territory, a published event's partners,
//! an accepted follow of a territory.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::action::{ActionError, Actions};
use crate::answer::{AnswerState, CallRef, Responder};
use crate::network::Peer;
use crate::publication::partner::TerritoryRef;
use crate::social::FollowState;
use crate::store::PublicationQuery;
use crate::territory::ActorRole;
use crate::theme::Theme;
use crate::{PublicationBody, PublicationKind};

/// What ties two territories.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LinkKind {
    /// A partnership both territories agreed to.
    Partnership,
    /// A territory accepted as a partner of another's call for collaboration.
    CallPartner,
    /// An event naming another territory among its partners.
    CoOrganised,
    /// A territory following another.
    Follows,
    /// A territory taking part in a festival.
    Festival,
    /// A territory member of a collective.
    Collective,
}

impl LinkKind {
    pub const ALL: [LinkKind; 6] = [
        LinkKind::Partnership,
        LinkKind::CallPartner,
        LinkKind::CoOrganised,
        LinkKind::Follows,
        LinkKind::Festival,
        LinkKind::Collective,
    ];

    /// The wire and URL name, as serde writes it.
    pub fn slug(self) -> &'static str {
        match self {
            LinkKind::Partnership => "partnership",
            LinkKind::CallPartner => "call_partner",
            LinkKind::CoOrganised => "co_organised",
            LinkKind::Follows => "follows",
            LinkKind::Festival => "festival",
            LinkKind::Collective => "collective",
        }
    }

    pub fn from_slug(slug: &str) -> Option<LinkKind> {
        LinkKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// Whether the link has no direction (a partnership is the same seen from either end).
    fn mutual(self) -> bool {
        matches!(self, LinkKind::Partnership)
    }
}

/// One link between two territories, by their actor ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub kind: LinkKind,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub themes: Vec<Theme>,
    /// What it is about, for people: a partnership's description, a call's or an event's
    /// title.
    #[serde(default)]
    pub label: Option<String>,
}

impl Link {
    /// The same link, whoever reports it: kind and ends (in order, for a mutual link).
    fn key(&self) -> (LinkKind, String, String) {
        let (a, b) = (self.from.clone(), self.to.clone());
        if self.kind.mutual() && b < a {
            (self.kind, b, a)
        } else {
            (self.kind, a, b)
        }
    }
}

/// Which links a reader asks for: one kind, one theme, or all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkFilter {
    pub kind: Option<LinkKind>,
    pub theme: Option<Theme>,
}

impl LinkFilter {
    pub fn admits(&self, link: &Link) -> bool {
        self.kind.is_none_or(|k| k == link.kind)
            && self.theme.is_none_or(|t| link.themes.contains(&t))
    }
}

/// A territory at an end of a link: its name, page and place when known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkEnd {
    pub id: String,
    pub name: String,
    pub url: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// The links the filter admits, with what is known of every territory they join.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NetworkLinks {
    pub links: Vec<Link>,
    pub territories: BTreeMap<String, LinkEnd>,
}

/// Links read at most from one peer's directory.
pub const MAX_PEER_LINKS: usize = 5_000;

/// The host of an actor id, port included (`localhost:8001` in development).
fn host(id: &str) -> Option<String> {
    crate::social::host_of(id)
}

/// The links a peer's stored directory lists, kept only when one end is on that peer (a
/// node speaks for its own territories, never for two others).
pub fn peer_links(peer: &Peer) -> Vec<Link> {
    let listed = peer
        .directory
        .as_ref()
        .and_then(|d| d.get("links"))
        .and_then(serde_json::Value::as_array);
    listed
        .into_iter()
        .flatten()
        .take(MAX_PEER_LINKS)
        .filter_map(|l| serde_json::from_value::<Link>(l.clone()).ok())
        .filter(|l| {
            let on_peer = |id: &str| host(id).as_deref() == Some(peer.host.as_str());
            (on_peer(&l.from) || on_peer(&l.to)) && l.from != l.to
        })
        .map(|l| Link {
            label: l.label.map(|t| {
                crate::validation::strip_control(&t, crate::validation::Lines::One)
                    .chars()
                    .take(crate::validation::MAX_SHORT)
                    .collect()
            }),
            ..l
        })
        .collect()
}

impl Actions {
    /// A local territory's actor id.
    fn actor_of(&self, slug: &str) -> String {
        self.wire.link(&format!("/t/{slug}"))
    }

    /// A territory reference as an actor id; `None` for a territory named in free text or
    /// since deleted.
    async fn actor_id(&self, side: &TerritoryRef) -> Result<Option<String>, ActionError> {
        Ok(match side {
            TerritoryRef::Local(id) => {
                (self.store.territory(*id).await?).map(|t| self.actor_of(&t.profile.slug))
            }
            TerritoryRef::Remote(url) => Some(url.to_string()),
            TerritoryRef::Named(_) => None,
        })
    }

    /// Active partnerships of this node's territories.
    pub async fn partnership_links(&self) -> Result<Vec<Link>, ActionError> {
        let mut links = Vec::new();
        for p in self.store.active_partnerships().await? {
            let (Some(from), Some(to)) = (
                self.actor_id(&p.offerer).await?,
                self.actor_id(&p.partner).await?,
            ) else {
                continue;
            };
            links.push(Link {
                kind: LinkKind::Partnership,
                from,
                to,
                themes: p.terms.themes,
                label: p.terms.description,
            });
        }
        Ok(links)
    }

    /// Accepted answers by territories: from the call's territory to its partner.
    pub async fn call_partner_links(&self) -> Result<Vec<Link>, ActionError> {
        let mut links = Vec::new();
        for territory in self.store.territories().await? {
            for answer in self.store.partnerships(territory.id).await? {
                if answer.state != AnswerState::Accepted {
                    continue;
                }
                let (from, title, themes) = match &answer.call {
                    CallRef::Local(id) => match self.store.publication(*id).await? {
                        Some(p) if p.deleted_at.is_none() => {
                            let Some(owner) = self.store.territory(p.territory_id).await? else {
                                continue;
                            };
                            (
                                self.actor_of(&owner.profile.slug),
                                p.body.title().to_owned(),
                                p.body.themes().to_vec(),
                            )
                        }
                        _ => continue,
                    },
                    CallRef::Remote(id) => match self.wire.remote_call(id).await {
                        Ok(call) => (call.actor_id, call.title, Vec::new()),
                        Err(_) => continue,
                    },
                };
                let to = match &answer.responder {
                    Responder::LocalTerritory(id) => {
                        match self.actor_id(&TerritoryRef::Local(*id)).await? {
                            Some(to) => to,
                            None => continue,
                        }
                    }
                    Responder::RemoteTerritory(actor) => actor.clone(),
                    Responder::Visitor { .. } => continue,
                };
                links.push(Link {
                    kind: LinkKind::CallPartner,
                    from,
                    to,
                    themes,
                    label: Some(title),
                });
            }
        }
        Ok(links)
    }

    /// Events of this node's territories naming other territories as partners.
    pub async fn co_organised_links(&self) -> Result<Vec<Link>, ActionError> {
        let events = self
            .store
            .publications(&PublicationQuery {
                kind: Some(PublicationKind::Event),
                limit: MAX_PEER_LINKS as i64,
                ..Default::default()
            })
            .await?;
        let mut links = Vec::new();
        for p in events.into_iter().filter(|p| p.deleted_at.is_none()) {
            let PublicationBody::Event(event) = &p.body else {
                continue;
            };
            if event.partners.is_empty() {
                continue;
            }
            let Some(from) = self.actor_id(&TerritoryRef::Local(p.territory_id)).await? else {
                continue;
            };
            for partner in &event.partners {
                let Some(to) = self.actor_id(partner).await? else {
                    continue;
                };
                if to != from {
                    links.push(Link {
                        kind: LinkKind::CoOrganised,
                        from: from.clone(),
                        to,
                        themes: event.themes.clone(),
                        label: Some(event.title.clone()),
                    });
                }
            }
        }
        Ok(links)
    }

    /// Accepted follows by this node's territories of territories elsewhere (`known`: the
    /// territories the network's directories list; other accounts are not territories).
    pub async fn follow_links(&self, known: &BTreeSet<String>) -> Result<Vec<Link>, ActionError> {
        let mut links = Vec::new();
        for territory in self.store.territories().await? {
            for following in self.store.followings(territory.id).await? {
                if following.state == FollowState::Accepted && known.contains(&following.target_id)
                {
                    links.push(Link {
                        kind: LinkKind::Follows,
                        from: self.actor_of(&territory.profile.slug),
                        to: following.target_id,
                        themes: Vec::new(),
                        label: None,
                    });
                }
            }
        }
        Ok(links)
    }

    /// Territories taking part in this node's festivals and collections: from each
    /// territory with an accepted submission to the gathering, named after it.
    pub async fn festival_links(&self) -> Result<Vec<Link>, ActionError> {
        let mut links = Vec::new();
        for p in self.store.participations().await? {
            if !matches!(p.kind, ActorRole::Festival | ActorRole::Collection) {
                continue;
            }
            let Some(gathering) = self.store.territory(p.gathering_id).await? else {
                continue;
            };
            links.push(Link {
                kind: LinkKind::Festival,
                from: p.participant,
                to: self.actor_of(&gathering.profile.slug),
                themes: gathering.profile.themes.clone(),
                label: Some(gathering.profile.name.clone()),
            });
        }
        Ok(links)
    }

    /// Territories members of this node's collectives: from each current member to the
    /// collective, named after it.
    pub async fn collective_links(&self) -> Result<Vec<Link>, ActionError> {
        let mut links = Vec::new();
        for collective in self.store.actors_with_role(ActorRole::Collective).await? {
            let actor = self.actor_of(&collective.profile.slug);
            for member in self.store.collective_members(&actor).await? {
                if member.is_current() {
                    links.push(Link {
                        kind: LinkKind::Collective,
                        from: member.actor_id,
                        to: actor.clone(),
                        themes: collective.profile.themes.clone(),
                        label: Some(collective.profile.name.clone()),
                    });
                }
            }
        }
        Ok(links)
    }

    /// Every public link this node knows of its own territories, each once: what its
    /// directory publishes for peers.
    pub async fn local_links(&self) -> Result<Vec<Link>, ActionError> {
        let peers = self.store.verified_peers(MAX_PEER_LINKS as i64).await?;
        let known = self.known_territories(&peers).await?;
        self.gathered_links(&known).await
    }

    async fn gathered_links(
        &self,
        known: &BTreeMap<String, LinkEnd>,
    ) -> Result<Vec<Link>, ActionError> {
        let ids: BTreeSet<String> = known.keys().cloned().collect();
        let mut links = self.partnership_links().await?;
        links.extend(self.call_partner_links().await?);
        links.extend(self.co_organised_links().await?);
        links.extend(self.follow_links(&ids).await?);
        links.extend(self.festival_links().await?);
        links.extend(self.collective_links().await?);
        Ok(dedup(links))
    }

    /// The territories of this node and those the verified peers' directories list.
    async fn known_territories(
        &self,
        peers: &[Peer],
    ) -> Result<BTreeMap<String, LinkEnd>, ActionError> {
        let mut known = BTreeMap::new();
        // Territories, and the festivals, collections and collectives they join.
        let mut actors = self.store.territories().await?;
        for role in [
            ActorRole::Festival,
            ActorRole::Collection,
            ActorRole::Collective,
        ] {
            actors.extend(self.store.actors_with_role(role).await?);
        }
        for t in actors {
            let id = self.actor_of(&t.profile.slug);
            known.insert(
                id.clone(),
                LinkEnd {
                    url: id.clone(),
                    id,
                    name: t.profile.name.clone(),
                    latitude: t.profile.place.latitude,
                    longitude: t.profile.place.longitude,
                },
            );
        }
        for peer in peers {
            let listed = peer
                .directory
                .as_ref()
                .and_then(|d| d.get("territories"))
                .and_then(serde_json::Value::as_array);
            for entry in listed.into_iter().flatten() {
                let Some(id) = entry["id"].as_str() else {
                    continue;
                };
                if host(id).as_deref() != Some(peer.host.as_str()) {
                    continue;
                }
                let place = &entry["place"];
                known.entry(id.to_owned()).or_insert_with(|| LinkEnd {
                    id: id.to_owned(),
                    name: entry["name"].as_str().unwrap_or(id).to_owned(),
                    url: entry["url"].as_str().unwrap_or(id).to_owned(),
                    latitude: place["latitude"].as_f64(),
                    longitude: place["longitude"].as_f64(),
                });
            }
        }
        Ok(known)
    }

    /// The network's public links the filter admits: this node's own, and those its
    /// verified peers list. A partnership between territories of two peers shows only when
    /// both peers list it (neither node can claim the other's agreement).
    pub async fn network_links(&self, filter: &LinkFilter) -> Result<NetworkLinks, ActionError> {
        let peers = self.store.verified_peers(MAX_PEER_LINKS as i64).await?;
        let mut known = self.known_territories(&peers).await?;
        let mut links = self.gathered_links(&known).await?;
        let by_peer: BTreeMap<&str, BTreeSet<(LinkKind, String, String)>> = peers
            .iter()
            .map(|p| {
                (
                    p.host.as_str(),
                    peer_links(p).iter().map(Link::key).collect(),
                )
            })
            .collect();
        for peer in &peers {
            for link in peer_links(peer) {
                // Each end's node must list it: the reporting peer, or the other peer.
                let confirmed = !link.kind.mutual()
                    || [&link.from, &link.to]
                        .into_iter()
                        .all(|end| match host(end) {
                            Some(h) if h == peer.host => true,
                            Some(h) => by_peer
                                .get(h.as_str())
                                .is_some_and(|listed| listed.contains(&link.key())),
                            None => false,
                        });
                if confirmed {
                    links.push(link);
                }
            }
        }
        let mut links = dedup(links);
        links.retain(|l| filter.admits(l));
        for link in &links {
            for end in [&link.from, &link.to] {
                known.entry(end.clone()).or_insert_with(|| LinkEnd {
                    id: end.clone(),
                    name: end.clone(),
                    url: end.clone(),
                    latitude: None,
                    longitude: None,
                });
            }
        }
        let joined: BTreeSet<&String> = links.iter().flat_map(|l| [&l.from, &l.to]).collect();
        let territories = known
            .into_iter()
            .filter(|(id, _)| joined.contains(id))
            .collect();
        Ok(NetworkLinks { links, territories })
    }
}

/// Each link once, the first report kept.
fn dedup(links: Vec<Link>) -> Vec<Link> {
    let mut seen = BTreeSet::new();
    links.into_iter().filter(|l| seen.insert(l.key())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(kind: LinkKind, from: &str, to: &str) -> Link {
        Link {
            kind,
            from: from.into(),
            to: to.into(),
            themes: vec![Theme::Culture],
            label: None,
        }
    }

    #[test]
    fn a_partnership_is_one_link_from_either_end_a_follow_has_a_direction() {
        let links = dedup(vec![
            link(
                LinkKind::Partnership,
                "https://b.example/t/x",
                "https://c.example/t/y",
            ),
            link(
                LinkKind::Partnership,
                "https://c.example/t/y",
                "https://b.example/t/x",
            ),
            link(
                LinkKind::Follows,
                "https://b.example/t/x",
                "https://c.example/t/y",
            ),
            link(
                LinkKind::Follows,
                "https://c.example/t/y",
                "https://b.example/t/x",
            ),
        ]);
        assert_eq!(links.len(), 3);
    }

    #[test]
    fn a_peer_speaks_only_for_links_of_its_own_territories() {
        let peer = Peer {
            host: "b.example".into(),
            source: "contact".into(),
            verified: true,
            directory: Some(serde_json::json!({"links": [
                {"kind": "partnership", "from": "https://b.example/t/x", "to": "https://c.example/t/y", "label": "a\u{0}b"},
                {"kind": "partnership", "from": "https://c.example/t/y", "to": "https://d.example/t/z"},
                {"kind": "unknown", "from": "https://b.example/t/x", "to": "https://c.example/t/y"},
                "garbage"
            ]})),
            failures: 0,
            last_checked: None,
        };
        let links = peer_links(&peer);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].label.as_deref(), Some("ab"));
    }

    #[test]
    fn filters_by_kind_and_theme() {
        let l = link(
            LinkKind::Follows,
            "https://b.example/t/x",
            "https://c.example/t/y",
        );
        assert!(LinkFilter::default().admits(&l));
        assert!(
            LinkFilter {
                kind: Some(LinkKind::Follows),
                theme: Some(Theme::Culture)
            }
            .admits(&l)
        );
        assert!(
            !LinkFilter {
                kind: Some(LinkKind::Partnership),
                theme: None
            }
            .admits(&l)
        );
        assert!(
            !LinkFilter {
                kind: None,
                theme: Some(Theme::Climate)
            }
            .admits(&l)
        );
        for k in LinkKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.slug());
            assert_eq!(LinkKind::from_slug(k.slug()), Some(k));
        }
    }
}
