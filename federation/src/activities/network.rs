//! Territories following territories on other nodes: `Follow` with an optional scope
//! (a Rhizome extension; other servers ignore it and we filter on arrival), `Accept` /
//! `Reject` of our follows, and the followed actors' `Create`/`Update`/`Delete` of events,
//! resources and calls, kept with attribution. Backfill lives in `backfill.rs`.

use chrono::{DateTime, Utc};
use rhizome_node::network::{Following, Scope};
use rhizome_node::social::{FollowState, RemoteActor};
use rhizome_node::{Territory, now};
use serde_json::Value;

use super::{Address, outgoing, outgoing_extended, territory_actor};
use crate::Federation;
use crate::astointernal;
use crate::error::FederationError;
use crate::fetch::{FetchError, check_url};
use crate::protocol::outbound::{Embedded, Extensions};
use crate::protocol::{ObjectType, Verb, id_of, ids_of, inbound};

impl Federation {
    /// Resolves `@name@host`, `name@host` or an actor URL to an actor id, via WebFinger.
    pub async fn resolve(&self, target: &str) -> Result<String, FetchError> {
        let target = target.trim();
        if target.starts_with("http://") || target.starts_with("https://") {
            return Ok(target.to_owned());
        }
        let acct = target.trim_start_matches('@');
        let Some((_, host)) = acct.split_once('@') else {
            return Err(FetchError::Unsafe(
                target.to_owned(),
                "expected @name@host or a URL",
            ));
        };
        // The WebFinger lookup itself is talking to that server: refused like a fetch.
        if self.is_blocked(host).await {
            return Err(FetchError::Blocked(host.to_lowercase()));
        }
        let scheme = if self.config.development_mode {
            "http"
        } else {
            "https"
        };
        let url = format!("{scheme}://{host}/.well-known/webfinger?resource=acct:{acct}");
        let parsed = check_url(&url, self.config.development_mode)?;
        let response = self
            .http
            .get(parsed)
            .header("accept", "application/jrd+json, application/json")
            .send()
            .await
            .map_err(|e| FetchError::Http(url.clone(), e.to_string()))?;
        if !response.status().is_success() {
            return Err(FetchError::Status(url, response.status().as_u16()));
        }
        let doc: Value = response
            .json()
            .await
            .map_err(|e| FetchError::Invalid(url.clone(), e.to_string()))?;
        doc["links"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| {
                l["rel"] == "self"
                    && l["type"]
                        .as_str()
                        .is_some_and(|t| t.contains("activity+json") || t.contains("ld+json"))
            })
            .and_then(|l| l["href"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| {
                FetchError::Invalid(url, "no ActivityPub actor in the WebFinger answer".into())
            })
    }

    /// The `Follow` of a remote actor by a territory, and the pending subscription, for
    /// `Actions::follow` to store together (`Wire::follow_request`).
    pub(crate) async fn follow_remote(
        &self,
        territory: &Territory,
        target: &str,
        scope: Scope,
    ) -> Result<(Following, rhizome_node::outbox::Outgoing), FederationError> {
        let target_id = self
            .resolve(target)
            .await
            .map_err(|e| FederationError::Malformed(e.to_string()))?;
        if self.urls.is_local(&target_id) {
            return Err(FederationError::Malformed(
                "that actor is on this node: its publications are already in the node's agenda"
                    .into(),
            ));
        }
        let actor = self
            .actor(&target_id, false)
            .await
            .map_err(|e| FederationError::Malformed(e.to_string()))?;
        let (following, follow) = self.follow_actor(territory, &actor, scope);
        if let Some(host) = rhizome_node::social::host_of(&actor.id) {
            self.learn_peer(&host, "contact").await;
        }
        Ok((following, follow))
    }

    /// The `Follow` of `actor` by `territory`, asking for `scope`, and the pending
    /// subscription it opens (stored together by the caller).
    pub(crate) fn follow_actor(
        &self,
        territory: &Territory,
        actor: &RemoteActor,
        scope: Scope,
    ) -> (Following, rhizome_node::outbox::Outgoing) {
        let me = territory_actor(self, territory);
        let address = Address::only(actor);
        let wanted =
            (scope != Scope::default()).then(|| serde_json::to_value(&scope).unwrap_or_default());
        let follow = outgoing_extended(
            self,
            territory.id,
            Verb::Follow,
            &me,
            &actor.id,
            Extensions {
                scope: wanted,
                target: None,
            },
            address,
        );
        let following = Following {
            territory_id: territory.id,
            target_id: actor.id.clone(),
            state: FollowState::Pending,
            follow_activity_id: follow.activity_id.clone(),
            scope,
            created_at: now(),
        };
        (following, follow)
    }

    /// This node's instance actor follows another node (`host`, `acct:host@host` or an actor
    /// URL): everything public from all its territories then arrives, filtered by `scope`.
    /// With `relay`, the target is an ActivityPub relay (Mastodon and LitePub protocols):
    /// the `Follow` is of the public collection, and once accepted the relay also receives
    /// this node's public activities to pass on.
    pub async fn subscribe_node(
        &self,
        target: &str,
        scope: Scope,
        relay: bool,
    ) -> Result<Following, FederationError> {
        let target = if target.starts_with("http") || target.contains('@') {
            target.to_owned()
        } else {
            let host = target.trim_end_matches('/');
            format!("{host}@{host}")
        };
        let target_id = self
            .resolve(&target)
            .await
            .map_err(|e| FederationError::Malformed(e.to_string()))?;
        if self.urls.is_local(&target_id) {
            return Err(FederationError::Malformed(
                "a node cannot subscribe to itself".into(),
            ));
        }
        let actor = self
            .actor(&target_id, false)
            .await
            .map_err(|e| FederationError::Malformed(e.to_string()))?;
        let me = self.urls.instance_actor();
        let object = if relay {
            crate::protocol::PUBLIC
        } else {
            actor.id.as_str()
        };
        let follow = outgoing(
            self,
            uuid::Uuid::nil(),
            Verb::Follow,
            &me,
            object,
            Address::only(&actor),
        );
        let subscription = Following {
            territory_id: uuid::Uuid::nil(),
            target_id: actor.id.clone(),
            state: FollowState::Pending,
            follow_activity_id: follow.activity_id.clone(),
            scope,
            created_at: now(),
        };
        self.store
            .upsert_node_subscription(&subscription, relay, Some(&follow))
            .await?;
        self.wake_delivery();
        if let Some(host) = rhizome_node::social::host_of(&actor.id) {
            self.learn_peer(&host, "contact").await;
        }
        tracing::info!(target = %actor.id, relay, "node subscription sent");
        Ok(subscription)
    }

    /// The `Undo{Follow}` that ends `following`, for the followed actor; `None` when that
    /// actor was never fetched (nowhere to send it).
    pub(crate) async fn undo_following(
        &self,
        territory: &Territory,
        following: &Following,
    ) -> Result<Option<rhizome_node::outbox::Outgoing>, rhizome_node::StoreError> {
        let target_id = following.target_id.as_str();
        let me = territory_actor(self, territory);
        Ok(match self.store.remote_actor(target_id).await? {
            Some(actor) => {
                let follow = Embedded {
                    id: following.follow_activity_id.clone(),
                    kind: Verb::Follow,
                    actor: me.clone(),
                    object: target_id.to_owned(),
                };
                Some(outgoing(
                    self,
                    territory.id,
                    Verb::Undo,
                    &me,
                    follow,
                    Address::only(&actor),
                ))
            }
            None => None,
        })
    }
}

/// `Accept{Follow}` of one of our follows: the subscription is live, and past
/// publications are fetched from the actor's outbox.
pub async fn receive_accept(
    fed: &Federation,
    accept: inbound::Answer,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let follow_id = accept.follow.as_str();
    let Some(following) = fed.store.following_by_activity(follow_id).await? else {
        if let Some(subscription) = fed.store.node_subscription_by_activity(follow_id).await?
            && subscription.target_id == actor.id
        {
            fed.store
                .set_node_subscription_state(&actor.id, FollowState::Accepted)
                .await?;
            if fed.store.relays().await?.contains(&actor.id) {
                // A relay passes on what we publish: deliver our public activities to it.
                fed.store
                    .upsert_node_follower(&actor.id, actor.delivery_inbox(), follow_id, None)
                    .await?;
                tracing::info!(target = %actor.id, "relay subscription accepted");
            } else {
                tracing::info!(target = %actor.id, "node subscription accepted; backfilling its territories");
                let fed = fed.clone();
                let node = actor.id.clone();
                tokio::spawn(async move {
                    match crate::backfill::run_node(&fed, &node).await {
                        Ok((territories, imported)) => {
                            tracing::info!(%node, territories, imported, "node backfill finished")
                        }
                        Err(e) => tracing::info!(%node, error = %e, "node backfill not possible"),
                    }
                });
            }
        }
        return Ok(());
    };
    if following.target_id != actor.id {
        return Err(FederationError::Forbidden(
            "only the followed actor may accept".into(),
        ));
    }
    fed.store
        .set_following_state(following.territory_id, &actor.id, FollowState::Accepted)
        .await?;
    tracing::info!(target = %actor.id, "follow accepted; backfilling");
    let fed = fed.clone();
    let actor_id = actor.id.clone();
    tokio::spawn(async move {
        match crate::backfill::run(&fed, &actor_id).await {
            Ok(b) => {
                tracing::info!(actor = %actor_id, pages = b.pages, imported = b.imported, "backfill finished")
            }
            Err(e) => tracing::warn!(actor = %actor_id, error = %e, "backfill stopped"),
        }
    });
    Ok(())
}

pub async fn receive_reject(
    fed: &Federation,
    reject: inbound::Answer,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    if let Some(following) = fed.store.following_by_activity(&reject.follow).await?
        && following.target_id == actor.id
    {
        fed.store
            .remove_following(following.territory_id, &actor.id, None)
            .await?;
        tracing::info!(target = %actor.id, "follow refused");
    }
    Ok(())
}

/// `Create`/`Update` of an Event or Page by an actor we follow (directly, or through a
/// subscription to its node); a hub passes what it keeps on to its other subscribers. An
/// object attributed to another actor (a Mobilizon group's event, sent by the member who
/// wrote it) is kept as the attributed actor's, when the sender speaks for it
/// ([`author_spoken_for`]).
pub async fn receive_publication(
    fed: &Federation,
    object: &Value,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let author = author_spoken_for(fed, object, actor).await?;
    if keep(fed, object, &author, None).await? {
        relay(fed, Relayed::Object(object), &author).await?;
    }
    Ok(())
}

/// Who publishes `object`, sent by `sender`: the sender itself, or the actor the object is
/// attributedTo when that actor is on the sender's own server. That is how Mobilizon
/// publishes a group's events: a member's `Person` sends the `Create`/`Update`, the
/// object is attributedTo the `Group`. Only the group's own server holds the group's key
/// and could sign as the group anyway, so a sender on that server speaking for it claims
/// nothing its server could not; a sender on any other server is refused (`403`, logged,
/// nothing stored). The group's `members` collection cannot vouch instead: Mobilizon
/// shows it to members only. The object's id must be on that server too
/// (`astointernal::publication`).
async fn author_spoken_for(
    fed: &Federation,
    object: &Value,
    sender: &RemoteActor,
) -> Result<RemoteActor, FederationError> {
    let attributed = ids_of(object.get("attributedTo").unwrap_or(&Value::Null));
    let Some(&author) = attributed.first() else {
        return Ok(sender.clone());
    };
    if attributed.contains(&sender.id.as_str()) {
        return Ok(sender.clone());
    }
    let same_server = rhizome_node::social::host_of(author).is_some()
        && rhizome_node::social::host_of(author) == rhizome_node::social::host_of(&sender.id);
    if !same_server || attributed.len() > 1 {
        tracing::warn!(
            sender = %sender.id,
            attributed_to = ?attributed,
            object = id_of(object).unwrap_or_default(),
            "publication attributed to an actor of another server refused"
        );
        return Err(FederationError::Forbidden(format!(
            "the object is attributed to {}, which {} does not speak for: only an actor on \
             the attributed actor's own server may publish in its name",
            attributed.join(", "),
            sender.id
        )));
    }
    Ok(fed.actor(author, false).await?)
}

/// Stores a publication from a followed actor if some subscription's scope wants it:
/// territory follows of this actor, and subscriptions to its node. `min_published` bounds
/// backfills by age. Returns whether it was stored.
pub async fn keep(
    fed: &Federation,
    object: &Value,
    actor: &RemoteActor,
    min_published: Option<DateTime<Utc>>,
) -> Result<bool, FederationError> {
    let scopes = scopes_following(fed, &actor.id).await?;
    keep_within(fed, object, actor, min_published, &scopes).await
}

/// The scopes of every subscription that brings `actor_id`'s publications here: the
/// territories following it, and accepted subscriptions to its node.
async fn scopes_following(fed: &Federation, actor_id: &str) -> Result<Vec<Scope>, FederationError> {
    let mut scopes: Vec<Scope> = fed
        .store
        .followings_of(actor_id)
        .await?
        .into_iter()
        .map(|f| f.scope)
        .collect();
    let host = rhizome_node::social::host_of(actor_id);
    scopes.extend(
        fed.store
            .node_subscriptions()
            .await?
            .into_iter()
            .filter(|s| {
                s.state == FollowState::Accepted
                    && rhizome_node::social::host_of(&s.target_id) == host
            })
            .map(|s| s.scope),
    );
    Ok(scopes)
}

/// Stores a publication if one of `scopes` wants it.
async fn keep_within(
    fed: &Federation,
    object: &Value,
    actor: &RemoteActor,
    min_published: Option<DateTime<Utc>>,
    scopes: &[Scope],
) -> Result<bool, FederationError> {
    if scopes.is_empty() {
        tracing::debug!(actor = %actor.id, "publication from an actor nobody here follows ignored");
        return Ok(false);
    }
    let item = astointernal::publication(object, &actor.id).map_err(FederationError::Malformed)?;
    keep_parsed(fed, item, min_published, scopes).await
}

/// Stores a publication already read, if one of `scopes` wants it.
async fn keep_parsed(
    fed: &Federation,
    item: astointernal::Parsed,
    min_published: Option<DateTime<Utc>>,
    scopes: &[Scope],
) -> Result<bool, FederationError> {
    if let Some(min) = min_published
        && item.publication.published < min
        && item.publication.ends_at.is_none_or(|end| end < now())
    {
        return Ok(false);
    }
    if !scopes
        .iter()
        .any(|s| s.admits(item.publication.kind, &item.themes, item.position))
    {
        return Ok(false);
    }
    let kept = fed
        .store
        .upsert_remote_publication(&item.publication)
        .await?;
    if kept {
        crate::Stats::count(&fed.stats.publications_stored, 1);
    }
    // Matching reads calls and resources, never events (`candidate_of`).
    if kept && item.publication.kind != rhizome_node::publication::PublicationKind::Event {
        // Off the inbox's path: matching reads the index and ranks.
        let (actions, id) = (fed.actions(), item.publication.id.clone());
        tokio::spawn(async move { actions.notice_matches(&id).await });
    }
    Ok(kept)
}

/// What a hub passes on: an object as it arrived, or only an id (a deletion).
pub enum Relayed<'a> {
    Object(&'a Value),
    Id(&'a str),
}

impl Relayed<'_> {
    /// What the `Announce` carries: an object with an integrity proof (FEP-8b32) whole,
    /// the very JSON value received, which receivers check against its author's key
    /// ([`receive_relayed`]); anything else by id, which receivers fetch from its origin.
    /// Either way the hub cannot alter it.
    fn announced(&self) -> Option<Value> {
        match self {
            Relayed::Object(object) if object.get("proof").is_some() => Some((*object).clone()),
            Relayed::Object(object) => id_of(object).map(Value::from),
            Relayed::Id(id) => Some(Value::from(*id)),
        }
    }
}

/// A hub passes what one subscriber published on to the other subscribers, as an
/// `Announce` ([`Relayed::announced`]).
pub async fn relay(
    fed: &Federation,
    relayed: Relayed<'_>,
    origin: &RemoteActor,
) -> Result<(), FederationError> {
    if !fed.config.hub {
        return Ok(());
    }
    let Some(announced) = relayed.announced() else {
        return Ok(());
    };
    let origin_host = rhizome_node::social::host_of(&origin.id);
    let inboxes: std::collections::BTreeSet<String> = fed
        .store
        .node_followers()
        .await?
        .into_iter()
        .filter(|(actor, _)| rhizome_node::social::host_of(actor) != origin_host)
        .map(|(_, inbox)| inbox)
        .collect();
    if inboxes.is_empty() {
        return Ok(());
    }
    let me = fed.urls.instance_actor();
    let address = Address {
        to: vec![crate::protocol::PUBLIC.into()],
        cc: vec![],
        recipients: rhizome_node::outbox::Recipients::Inboxes(inboxes.into_iter().collect()),
    };
    fed.store
        .enqueue(&outgoing(
            fed,
            uuid::Uuid::nil(),
            Verb::Announce,
            &me,
            announced,
            address,
        ))
        .await?;
    fed.wake_delivery();
    Ok(())
}

/// `Announce` by a node this node subscribes to (a hub) of a publication from elsewhere,
/// kept if the subscription's scope wants it. Embedded with an integrity proof by its
/// author ([`verified_relayed`]), it is kept as it came, with no request to its origin;
/// otherwise (by id, no proof, or a proof that does not hold: logged) it is fetched from
/// its origin, and an embedded copy is never stored. `false` when the announcer is not a
/// node we subscribe to (then it is an ordinary boost).
pub async fn receive_relayed(
    fed: &Federation,
    announced: Option<&str>,
    embedded: Option<&Value>,
    announcer: &RemoteActor,
) -> Result<bool, FederationError> {
    let Some(subscription) = fed
        .store
        .node_subscriptions()
        .await?
        .into_iter()
        .find(|s| s.state == FollowState::Accepted && s.target_id == announcer.id)
    else {
        return Ok(false);
    };
    let Some(id) = announced else {
        return Ok(true);
    };
    if fed.urls.is_local(id)
        || fed
            .store
            .remote_publication(id)
            .await?
            .is_some_and(|p| p.deleted_at.is_some())
    {
        return Ok(true);
    }
    let scopes = std::slice::from_ref(&subscription.scope);
    if let Some(object) = embedded {
        match verified_relayed(fed, id, object).await {
            Ok(author) => {
                crate::Stats::count(&fed.stats.relayed_verified, 1);
                keep_within(fed, object, &author, None, scopes).await?;
                return Ok(true);
            }
            Err(reason) => {
                crate::Stats::count(&fed.stats.relayed_unverified, 1);
                tracing::info!(object = id, hub = %announcer.id, %reason, "relayed object not taken as it came: fetched from its origin");
            }
        }
    }
    let object = match fed.fetch_json(id).await {
        Ok(object) => object,
        // Deleted at its origin: drop our copy, whoever published it.
        Err(FetchError::Gone(_)) => {
            if let Some(copy) = fed.store.remote_publication(id).await? {
                fed.store
                    .delete_remote_publication(id, &copy.actor_id, now())
                    .await?;
            }
            return Ok(true);
        }
        Err(e) => return Err(e.into()),
    };
    let Some(author) = ids_of(object.get("attributedTo").unwrap_or(&Value::Null))
        .first()
        .map(|a| a.to_string())
    else {
        return Ok(true);
    };
    let origin = fed.actor(&author, false).await?;
    keep_within(fed, &object, &origin, None, scopes).await?;
    Ok(true)
}

/// The author of a relayed object, when the object's integrity proof shows that author
/// wrote it as it is: one `attributedTo` actor, on the object id's own server, whose
/// assertion keys (its actor document, cached; fetched again once when the key is
/// unknown, for a rotated key) include the proof's `verificationMethod`, and a proof that
/// verifies with that key. Otherwise why not.
async fn verified_relayed(
    fed: &Federation,
    id: &str,
    object: &Value,
) -> Result<RemoteActor, String> {
    use rhizome_node::social::host_of;
    if object.get("proof").is_none() {
        return Err(crate::proofs::ProofError::Missing.to_string());
    }
    let attributed = ids_of(object.get("attributedTo").unwrap_or(&Value::Null));
    let [author] = attributed.as_slice() else {
        return Err(format!(
            "attributed to {} actors, not one",
            attributed.len()
        ));
    };
    if host_of(author).is_none() || host_of(author) != host_of(id) {
        return Err(format!("its author {author} is not on the server of {id}"));
    }
    let method = crate::proofs::verification_method(object)
        .ok_or("the proof names no verificationMethod")?;
    let key_of = |actor: &RemoteActor| {
        actor
            .assertion_keys
            .iter()
            .find(|k| k.id == method)
            .map(|k| k.multibase.clone())
    };
    let mut actor = fed.actor(author, false).await.map_err(|e| e.to_string())?;
    let key = match key_of(&actor) {
        Some(key) => key,
        None => {
            actor = fed.actor(author, true).await.map_err(|e| e.to_string())?;
            key_of(&actor).ok_or_else(|| format!("{method} is not an assertion key of {author}"))?
        }
    };
    crate::proofs::verify(object, &key).map_err(|e| e.to_string())?;
    Ok(actor)
}

/// An `Announce` that is a followed actor publishing rather than a boost: a hub or relay
/// we subscribe to passing on a publication ([`receive_relayed`]), or a followed actor
/// announcing an Event or Page attributed to itself (a Mobilizon group announces each
/// event its members write, embedded; for a `Create`/`Update` embedded, its object).
/// `false` when it is neither: an ordinary boost.
pub async fn receive_announce(
    fed: &Federation,
    announce: &inbound::Reaction,
    announcer: &RemoteActor,
) -> Result<bool, FederationError> {
    if receive_relayed(
        fed,
        announce.object.as_deref(),
        announce.embedded.as_ref(),
        announcer,
    )
    .await?
    {
        return Ok(true);
    }
    let Some(embedded) = &announce.embedded else {
        return Ok(false);
    };
    let object = match ObjectType::of(embedded) {
        Some(ObjectType::Other) if embedded.get("object").is_some_and(Value::is_object) => {
            &embedded["object"]
        }
        _ => embedded,
    };
    let attributed_to_announcer =
        ids_of(object.get("attributedTo").unwrap_or(&Value::Null)).contains(&announcer.id.as_str());
    let publication = ObjectType::of(object).is_some_and(ObjectType::is_publication);
    let Some(id) = id_of(object).filter(|_| attributed_to_announcer && publication) else {
        return Ok(false);
    };
    if fed.urls.is_local(id) {
        return Ok(false);
    }
    let scopes = scopes_following(fed, &announcer.id).await?;
    if scopes.is_empty() {
        return Ok(false);
    }
    let item = if rhizome_node::social::host_of(id) == rhizome_node::social::host_of(&announcer.id)
    {
        // Its own server's word, as good as a Create signed by the announcer.
        astointernal::publication(object, &announcer.id).map_err(FederationError::Malformed)?
    } else {
        // Written on another server (a Mobilizon group's member elsewhere): read from its
        // origin, which must attribute it to the announcer too.
        let fetched = match fed.fetch_json(id).await {
            Ok(fetched) => fetched,
            Err(FetchError::Gone(_)) => {
                fed.store
                    .delete_remote_publication(id, &announcer.id, now())
                    .await?;
                return Ok(true);
            }
            Err(e) => return Err(e.into()),
        };
        astointernal::announced_publication(&fetched, &announcer.id)
            .map_err(FederationError::Malformed)?
    };
    if keep_parsed(fed, item, None, &scopes).await? {
        relay(fed, Relayed::Object(object), announcer).await?;
    }
    Ok(true)
}

/// `Delete` of a publication we keep: honoured from its author, or from an actor on the
/// author's own server when the object is on that server too (a Mobilizon group's event
/// deleted by a member, see [`author_spoken_for`]). Anyone else is refused (`403`).
pub async fn receive_delete(
    fed: &Federation,
    delete: &inbound::Delete,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let id = delete.object.as_str();
    let mut deleted = fed
        .store
        .delete_remote_publication(id, &actor.id, now())
        .await?;
    if !deleted
        && let Some(copy) = fed.store.remote_publication(id).await?
        && copy.deleted_at.is_none()
    {
        let host = |url: &str| rhizome_node::social::host_of(url);
        let sender_host = host(&actor.id);
        if sender_host.is_none() || host(&copy.actor_id) != sender_host || host(id) != sender_host {
            tracing::warn!(sender = %actor.id, author = %copy.actor_id, object = id, "Delete of a publication by an actor of another server refused");
            return Err(FederationError::Forbidden(format!(
                "{id} is {}'s: only its author or an actor on its server may delete it",
                copy.actor_id
            )));
        }
        deleted = fed
            .store
            .delete_remote_publication(id, &copy.actor_id, now())
            .await?;
    }
    if deleted {
        // A hub passes deletions on too: receivers find the origin answering 410.
        relay(fed, Relayed::Id(id), actor).await?;
    }
    Ok(())
}
