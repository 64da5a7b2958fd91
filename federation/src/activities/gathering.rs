//! Festivals and collections between nodes: a territory's `Add{object: publication,
//! target: gathering}` to the gathering's inbox, answered by `Accept{Add}` or `Reject{Add}`;
//! `Remove` (or `Undo{Add}`) withdraws it; the gathering `Announce`s what it accepts to its
//! followers (Mastodon shows a boost) and `Undo`es that announce when the item leaves.
//! Receiving goes through the use cases (`rhizome_node::action::gathering`); the sending
//! side builds what they queue.

use rhizome_node::action::{ActionError, GatheringTarget};
use rhizome_node::answer::Refusal;
use rhizome_node::gathering::GatheredItem;
use rhizome_node::outbox::Outgoing;
use rhizome_node::social::RemoteActor;
use rhizome_node::{Territory, ValidationError};
use serde_json::Value;

use super::{Address, outgoing, outgoing_extended, territory_actor};
use crate::Federation;
use crate::astointernal;
use crate::error::FederationError;
use crate::fetch::FetchError;
use crate::protocol::outbound::{AddRef, Embedded, Extensions};
use crate::protocol::{Verb, ids_of, inbound};

fn forged(reason: &str) -> FederationError {
    FederationError::Forbidden(Refusal::Forged(reason.into()).to_string())
}

/// Scheme, host and port of a URL: ids must be on their sender's own server.
fn origin(url: &str) -> Option<url::Origin> {
    url::Url::parse(url).ok().map(|u| u.origin())
}

/// The gathering actor of this node an activity's `target` names, if it names one.
async fn local_gathering(
    fed: &Federation,
    target: &str,
) -> Result<Option<Territory>, FederationError> {
    let Some(slug) = fed.urls.parse_territory(target) else {
        return Ok(None);
    };
    Ok(fed
        .store
        .territory_by_slug(&slug)
        .await?
        .filter(|t| t.role.gathers()))
}

/// `Add{object, target}`: a territory elsewhere submits its publication to one of our
/// festivals or collections. The object is fetched from its origin; it must be on the
/// sender's server and attributed to it. An `Add` to anything else (Mastodon's featured
/// posts, say) is ignored.
pub async fn receive_add(
    fed: &Federation,
    add: inbound::Gathered,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let Some(gathering) = local_gathering(fed, &add.target).await? else {
        tracing::debug!(target = %add.target, id = %add.id, "Add to something that is not one of our gatherings ignored");
        return Ok(());
    };
    if fed.urls.is_local(&add.object) {
        return Err(forged(
            "this node's own publications are not submitted from elsewhere",
        ));
    }
    if origin(&add.object).is_none() || origin(&add.object) != origin(&actor.id) {
        tracing::info!(gathering = %gathering.profile.slug, object = %add.object, sender = %actor.id, "submission of an object on another server refused");
        return Err(forged("the submitted object is not on its sender's server"));
    }
    let object = match fed.fetch_json(&add.object).await {
        Ok(object) => object,
        Err(FetchError::Gone(_)) => return Err(FederationError::Gone),
        Err(e) => return Err(e.into()),
    };
    if !ids_of(object.get("attributedTo").unwrap_or(&Value::Null)).contains(&actor.id.as_str()) {
        tracing::info!(gathering = %gathering.profile.slug, object = %add.object, sender = %actor.id, "submission of someone else's publication refused");
        return Err(forged(
            "the submitted object is not attributed to its sender",
        ));
    }
    let parsed = astointernal::publication(&object, &actor.id).map_err(|reason| {
        tracing::info!(gathering = %gathering.profile.slug, object = %add.object, %reason, "submission of a non-publication refused");
        FederationError::Malformed(reason)
    })?;
    fed.actions()
        .receive_submission(
            gathering,
            &actor.id,
            add.id.as_str(),
            parsed.publication,
            parsed.position,
        )
        .await
        .map_err(|e| {
            tracing::info!(object = %add.object, sender = %actor.id, error = %e, "submission refused");
            FederationError::from(e)
        })?;
    Ok(())
}

/// `Remove{object, target}` or `Undo{Add}`: the territory that submitted a publication to
/// one of our gatherings withdraws it.
pub async fn receive_remove(
    fed: &Federation,
    remove: inbound::Gathered,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let Some(gathering) = local_gathering(fed, &remove.target).await? else {
        return Ok(());
    };
    match fed
        .actions()
        .receive_withdrawal(&gathering, &remove.object, &actor.id)
        .await
    {
        Ok(()) | Err(ActionError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// `Accept{Add}` or `Reject{Add}` of one of our submissions, from the gathering.
pub async fn receive_decision(
    fed: &Federation,
    decision: inbound::SubmissionDecision,
    actor: &RemoteActor,
    accepted: bool,
) -> Result<(), FederationError> {
    fed.actions()
        .receive_submission_decision(&decision.add, &actor.id, accepted)
        .await
        .map_err(FederationError::from)
}

/// A publication of a gathering's programme was deleted at its origin: it leaves.
pub async fn receive_delete(
    fed: &Federation,
    delete: &inbound::Delete,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    fed.actions()
        .gathered_object_gone(&delete.object, &actor.id)
        .await
        .map_err(FederationError::from)
}

/// An `Update` (or `Create`) of a publication in one of our gatherings, by its author: our
/// copy is refreshed even when no territory here follows the author.
pub async fn receive_update(
    fed: &Federation,
    object: &Value,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let Some(id) = crate::protocol::id_of(object) else {
        return Ok(());
    };
    let gathered = fed
        .store
        .items_of_object(id)
        .await?
        .into_iter()
        .any(|item| item.gathering_id.is_some() && item.submitter == actor.id);
    if !gathered {
        return Ok(());
    }
    let parsed =
        astointernal::publication(object, &actor.id).map_err(FederationError::Malformed)?;
    fed.store
        .upsert_remote_publication(&parsed.publication)
        .await?;
    Ok(())
}

impl Federation {
    /// A gathering named by slug, handle or URL: ours, or an actor elsewhere (fetched).
    pub(crate) async fn find_gathering(
        &self,
        target: &str,
    ) -> Result<GatheringTarget, ActionError> {
        let target = target.trim();
        let invalid =
            |reason: String| ActionError::Invalid(ValidationError::new("gathering", reason));
        if target.is_empty() {
            return Err(invalid("name the festival or collection".into()));
        }
        let local_handle = target
            .trim_start_matches('@')
            .split_once('@')
            .filter(|(_, host)| *host == self.config.domain)
            .map(|(slug, _)| slug.to_owned());
        if let Some(slug) = local_handle.or_else(|| self.urls.parse_territory(target)) {
            return Ok(GatheringTarget::Local(slug));
        }
        if !target.contains('@') && !target.contains('/') {
            return Ok(GatheringTarget::Local(target.to_owned()));
        }
        let actor_id = self
            .resolve(target)
            .await
            .map_err(|e| invalid(e.public_reason()))?;
        if self.urls.is_local(&actor_id) {
            return match self.urls.parse_territory(&actor_id) {
                Some(slug) => Ok(GatheringTarget::Local(slug)),
                None => Err(invalid("not a festival or collection of this node".into())),
            };
        }
        let actor = self
            .actor(&actor_id, false)
            .await
            .map_err(|e| ActionError::Unreachable(e.public_reason()))?;
        Ok(GatheringTarget::Remote(actor))
    }

    /// The `Add` or `Remove` of `object_id` by `territory`, for the gathering's inbox.
    pub(crate) fn submission(
        &self,
        territory: &Territory,
        object_id: &str,
        gathering: &RemoteActor,
        withdraw: bool,
    ) -> Outgoing {
        let me = territory_actor(self, territory);
        outgoing_extended(
            self,
            territory.id,
            if withdraw { Verb::Remove } else { Verb::Add },
            &me,
            object_id,
            Extensions {
                scope: None,
                target: Some(gathering.id.clone()),
            },
            Address::only(gathering),
        )
    }

    /// The `Accept` or `Reject` of a remote territory's `Add`, for that territory alone.
    pub(crate) async fn submission_decided(
        &self,
        gathering: &Territory,
        item: &GatheredItem,
        accepted: bool,
    ) -> Result<Outgoing, ActionError> {
        let submitter = self
            .actor(&item.submitter, false)
            .await
            .map_err(|e| ActionError::Unreachable(e.public_reason()))?;
        let me = territory_actor(self, gathering);
        let add = AddRef {
            id: item.submission_id.clone(),
            kind: Verb::Add,
            actor: submitter.id.clone(),
            object: item.object_id.clone(),
            target: me.clone(),
        };
        Ok(outgoing(
            self,
            gathering.id,
            if accepted { Verb::Accept } else { Verb::Reject },
            &me,
            add,
            Address::only(&submitter),
        ))
    }

    /// The public `Announce` of an accepted item, to the gathering's followers.
    pub(crate) fn announced(&self, gathering: &Territory, item: &GatheredItem) -> Outgoing {
        let me = territory_actor(self, gathering);
        outgoing(
            self,
            gathering.id,
            Verb::Announce,
            &me,
            item.object_id.as_str(),
            Address::followers(self, gathering, vec![]),
        )
    }

    /// The `Undo{Announce}` of an item that left the gathering.
    pub(crate) fn unannounced(
        &self,
        gathering: &Territory,
        item: &GatheredItem,
        announce_id: &str,
    ) -> Outgoing {
        let me = territory_actor(self, gathering);
        let announce = Embedded {
            id: announce_id.to_owned(),
            kind: Verb::Announce,
            actor: me.clone(),
            object: item.object_id.clone(),
        };
        outgoing(
            self,
            gathering.id,
            Verb::Undo,
            &me,
            announce,
            Address::followers(self, gathering, vec![]),
        )
    }

    /// The inboxes of gatherings elsewhere that hold (or consider) one of our
    /// publications: its `Update` and `Delete` go there too.
    pub(crate) async fn gathering_inboxes(
        &self,
        object_id: &str,
    ) -> Result<Vec<String>, rhizome_node::StoreError> {
        use rhizome_node::gathering::ItemState;
        Ok(self
            .store
            .items_of_object(object_id)
            .await?
            .into_iter()
            .filter(|i| {
                i.gathering_id.is_none()
                    && matches!(i.state, ItemState::Pending | ItemState::Accepted)
            })
            .filter_map(|i| i.gathering_inbox)
            .collect())
    }
}
