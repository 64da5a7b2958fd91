//! Partnerships between territories on different nodes: `Offer{Partnership}` from the
//! offering territory to the territory offered, answered by `Accept{Offer}` or
//! `Reject{Offer}`, ended by either side with `Delete{Partnership}`. Receiving goes through
//! the use cases (`Actions::receive_partnership_*`), which check who may say what; the
//! sending side builds what the use cases queue.

use chrono::SecondsFormat;
use rhizome_node::action::ActionError;
use rhizome_node::answer::Refusal;
use rhizome_node::listing::html_text;
use rhizome_node::partnership::{Partnership, remote_terms};
use rhizome_node::publication::partner::TerritoryRef;
use rhizome_node::social::RemoteActor;
use rhizome_node::{Territory, ValidationError};

use super::{Address, outgoing, outgoing_extended, territory_actor};
use crate::Federation;
use crate::error::FederationError;
use crate::internaltoas::answer::paragraphs;
use crate::protocol::outbound::{Extensions, OfferRef, PartnershipObject};
use crate::protocol::{ObjectType, Verb, id_of, ids_of, inbound};

fn forged(reason: &str) -> FederationError {
    FederationError::Forbidden(Refusal::Forged(reason.into()).to_string())
}

/// `Offer{Partnership}` from a territory elsewhere to one of ours: stored, waiting for
/// its editors. Refused, storing nothing, when the object is not the sender's, when the
/// territory offered is not one of this node's, or for what the use case refuses.
pub async fn receive_offer(
    fed: &Federation,
    offer: inbound::PartnershipOffer,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let object = &offer.partnership;
    let sender = url::Url::parse(&actor.id)
        .map_err(|e| FederationError::Malformed(format!("actor: {e}")))?;
    if activitypub_federation::protocol::verification::verify_domains_match(&object.id, &sender)
        .is_err()
    {
        return Err(forged("the Partnership is on another host than its sender"));
    }
    if !ids_of(&object.attributed_to).contains(&actor.id.as_str()) {
        return Err(forged("the Partnership is not attributed to its sender"));
    }
    let partner = id_of(&object.partner);
    if partner.is_some() && offer.target.is_some() && partner != offer.target.as_deref() {
        return Err(FederationError::Malformed(
            "target and object.partner name different territories".into(),
        ));
    }
    let Some(slug) = partner
        .or(offer.target.as_deref())
        .and_then(|id| fed.urls.parse_territory(id))
    else {
        return Err(forged("the territory offered is not one of this node's"));
    };
    let Some(territory) = fed.store.territory_by_slug(&slug).await? else {
        return Err(FederationError::NotFound);
    };
    let description = object.content.as_deref().map(html_text);
    let terms = remote_terms(&object.theme_names(), description.as_deref());
    fed.actions()
        .receive_partnership_offer(
            territory.id,
            &sender,
            offer.id.as_str(),
            object.id.as_str(),
            terms,
        )
        .await?;
    Ok(())
}

/// Whether `offer_id` names a partnership this node keeps (so that its `Accept` or
/// `Reject` is about the partnership, not an answer to a call).
pub async fn is_partnership(fed: &Federation, offer_id: &str) -> Result<bool, FederationError> {
    Ok(fed.store.partnership_by_ap_id(offer_id).await?.is_some())
}

/// `Accept{Offer}` or `Reject{Offer}` of one of our partnership offers, from the territory
/// it was offered to.
pub async fn receive_decision(
    fed: &Federation,
    decision: inbound::OfferDecision,
    actor: &RemoteActor,
    accepted: bool,
) -> Result<(), FederationError> {
    fed.actions()
        .receive_partnership_answer(&decision.offer, &actor.id, accepted)
        .await
        .map_err(FederationError::from)
}

/// `Delete{Partnership}` from the territory on the other side.
pub async fn receive_end(
    fed: &Federation,
    end: inbound::PartnershipEnd,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    fed.actions()
        .receive_partnership_end(&end.partnership, &actor.id)
        .await
        .map_err(FederationError::from)
}

fn unreachable(e: impl std::fmt::Display) -> ActionError {
    ActionError::Unreachable(e.to_string())
}

impl Federation {
    /// What an editor typed as a partner, as a territory: one of ours, or an actor
    /// elsewhere (fetched and kept).
    pub(crate) async fn partner_territory(
        &self,
        target: &str,
    ) -> Result<TerritoryRef, ActionError> {
        let invalid =
            |reason: String| ActionError::Invalid(ValidationError::new("partner", reason));
        let id = self
            .resolve(target)
            .await
            .map_err(|e| invalid(e.to_string()))?;
        let local_slug = self.urls.parse_territory(&id).or_else(|| {
            // `@slug@this-node` resolves to our own actor URL through WebFinger; say it here
            // without asking ourselves.
            let acct = target.trim().trim_start_matches('@');
            let (slug, host) = acct.split_once('@')?;
            host.eq_ignore_ascii_case(&self.config.domain)
                .then(|| slug.to_owned())
        });
        if let Some(slug) = local_slug {
            return match self.store.territory_by_slug(&slug).await {
                Ok(Some(t)) => Ok(TerritoryRef::Local(t.id)),
                Ok(None) => Err(ActionError::NotFound),
                Err(e) => Err(e.into()),
            };
        }
        if self.urls.is_local(&id) {
            return Err(invalid("is not a territory of this node".into()));
        }
        let actor = self.actor(&id, false).await.map_err(unreachable)?;
        let url = url::Url::parse(&actor.id).map_err(|e| invalid(e.to_string()))?;
        Ok(TerritoryRef::Remote(url))
    }

    /// The partnership as the wire carries it, between the actors `offerer` and `partner`.
    fn partnership_object(
        &self,
        p: &Partnership,
        (offerer, partner): (String, String),
    ) -> Result<PartnershipObject, ActionError> {
        Ok(PartnershipObject {
            id: p.object_id.clone().ok_or(ActionError::NotFound)?,
            kind: ObjectType::Partnership,
            attributed_to: offerer,
            partner,
            themes: p.terms.themes.iter().map(|t| t.slug().to_owned()).collect(),
            content: p.terms.description.as_deref().map(paragraphs),
            published: p.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        })
    }

    /// Both sides' actor ids: `territory` (ours) for its side, the remote actor for the
    /// other.
    fn sides(&self, territory: &Territory, p: &Partnership) -> (String, String) {
        let me = territory_actor(self, territory);
        let side = |r: &TerritoryRef| match r {
            TerritoryRef::Local(_) => me.clone(),
            other => other.to_string(),
        };
        (side(&p.offerer), side(&p.partner))
    }

    /// The remote actor on the other side of `p` from `territory`.
    async fn other_actor(
        &self,
        territory: &Territory,
        p: &Partnership,
    ) -> Result<RemoteActor, ActionError> {
        let TerritoryRef::Remote(other) = p.other_side(territory.id) else {
            return Err(ActionError::NotFound);
        };
        self.actor(other.as_str(), false).await.map_err(unreachable)
    }

    /// The `Offer{Partnership}` of `p` by `territory`, to the partner alone.
    pub(crate) async fn partnership_offer(
        &self,
        territory: &Territory,
        p: &Partnership,
    ) -> Result<rhizome_node::outbox::Outgoing, ActionError> {
        let partner = self.other_actor(territory, p).await?;
        let (offerer, partner_id) = self.sides(territory, p);
        let object = self.partnership_object(p, (offerer.clone(), partner_id.clone()))?;
        Ok(outgoing_extended(
            self,
            territory.id,
            Verb::Offer,
            &offerer,
            object,
            Extensions {
                scope: None,
                target: Some(partner_id),
            },
            Address::only(&partner),
        ))
    }

    /// The `Accept` or `Reject` by `territory` of `p`'s `Offer`, for the offerer alone.
    pub(crate) async fn partnership_answer(
        &self,
        territory: &Territory,
        p: &Partnership,
        accepted: bool,
    ) -> Result<rhizome_node::outbox::Outgoing, ActionError> {
        let offerer = self.other_actor(territory, p).await?;
        let (_, me) = self.sides(territory, p);
        let offer = OfferRef {
            id: p.offer_id.clone().ok_or(ActionError::NotFound)?,
            kind: Verb::Offer,
            actor: offerer.id.clone(),
            target: me.clone(),
        };
        let verb = if accepted { Verb::Accept } else { Verb::Reject };
        Ok(outgoing(
            self,
            territory.id,
            verb,
            &me,
            offer,
            Address::only(&offerer),
        ))
    }

    /// The `Delete{Partnership}` by `territory`, for the other side alone.
    pub(crate) async fn partnership_end(
        &self,
        territory: &Territory,
        p: &Partnership,
    ) -> Result<rhizome_node::outbox::Outgoing, ActionError> {
        let other = self.other_actor(territory, p).await?;
        let object = self.partnership_object(p, self.sides(territory, p))?;
        let me = territory_actor(self, territory);
        Ok(outgoing(
            self,
            territory.id,
            Verb::Delete,
            &me,
            object,
            Address::only(&other),
        ))
    }
}
