//! Partnerships between territories: an editor offers one for their territory (to another
//! territory here, or elsewhere through an `Offer{Partnership}`), the other territory's
//! editors accept or refuse it, and an editor of either side ends it. What other servers
//! say about partnerships arrives through the inbox and the `receive_*` use cases here,
//! which check that the sender is the territory entitled to say it.

use uuid::Uuid;

use super::{ActionError, Actions};
use crate::Principal;
use crate::Territory;
use crate::answer::Refusal;
use crate::partnership::{
    Partnership, PartnershipDraft, PartnershipRefusal, PartnershipState, PartnershipTerms,
};
use crate::publication::partner::TerritoryRef;
use crate::store::StoreError;
use crate::validation::ValidationError;

/// A second live partnership between the same two territories is a refusal, not a
/// storage failure.
fn refused_if_twice(e: StoreError) -> ActionError {
    match e {
        StoreError::Conflict(_) => PartnershipRefusal::AlreadyPartners.into(),
        other => other.into(),
    }
}

fn forged(reason: &str) -> ActionError {
    Refusal::Forged(reason.into()).into()
}

impl Actions {
    /// `partner` as an editor names it: a territory of this node by its slug or id, or one
    /// elsewhere (`@name@host`, its actor URL) as the network resolves it.
    /// A name that leads to no territory is refused on the field (`partner`), not as a
    /// missing page.
    async fn partner_ref(&self, partner: &str) -> Result<TerritoryRef, ActionError> {
        let found = if let Ok(id) = partner.parse::<Uuid>() {
            match self.store.territory(id).await? {
                Some(t) => Ok(TerritoryRef::Local(t.id)),
                None => Err(ActionError::NotFound),
            }
        } else if !partner.contains(['@', '/', ':']) {
            self.territory(partner)
                .await
                .map(|t| TerritoryRef::Local(t.id))
        } else {
            self.wire.territory_ref(partner).await
        };
        found.map_err(|e| match e {
            ActionError::NotFound => ValidationError::new("partner", "no such territory").into(),
            other => other,
        })
    }

    /// Offers a partnership for the territory `slug` (which `who` edits) to the territory
    /// the draft names. Between two territories of this node it waits for the other's
    /// editors; to a territory elsewhere, the `Offer` is queued with it.
    pub async fn offer_partnership(
        &self,
        who: &Principal,
        slug: &str,
        draft: PartnershipDraft,
    ) -> Result<Partnership, ActionError> {
        let territory = self.editable_territory(who, slug).await?;
        let terms = draft.terms()?;
        let partner = self.partner_ref(draft.partner()?).await?;
        if partner == TerritoryRef::Local(territory.id) {
            return Err(PartnershipRefusal::OwnTerritory.into());
        }
        let mut partnership = Partnership::new(TerritoryRef::Local(territory.id), partner, terms);
        let offer = match &partnership.partner {
            TerritoryRef::Local(_) => None,
            _ => {
                partnership.object_id =
                    Some(self.wire.link(&format!("/partnerships/{}", partnership.id)));
                let offer = self
                    .wire
                    .partnership_offered(&territory, &partnership)
                    .await?;
                partnership.offer_id = Some(offer.activity_id.clone());
                Some(offer)
            }
        };
        self.store
            .insert_partnership(&partnership, offer.as_ref())
            .await
            .map_err(refused_if_twice)?;
        if offer.is_some() {
            self.wire.queued();
        }
        tracing::info!(partnership = %partnership.id, territory = %slug, partner = %partnership.partner, by = %who.member.username, "partnership offered");
        Ok(partnership)
    }

    /// A partnership the territory `slug` (which `who` edits) is a side of.
    pub async fn editable_partnership(
        &self,
        who: &Principal,
        slug: &str,
        id: Uuid,
    ) -> Result<(Territory, Partnership), ActionError> {
        let territory = self.editable_territory(who, slug).await?;
        let partnership = (self.store.partnership(id).await?)
            .filter(|p| p.involves(territory.id))
            .ok_or(ActionError::NotFound)?;
        Ok((territory, partnership))
    }

    /// Accepts (`accept`) or refuses a partnership offered to the territory `slug`, which
    /// `who` edits. A territory elsewhere hears it (`Accept` or `Reject` of its `Offer`).
    pub async fn answer_partnership(
        &self,
        who: &Principal,
        slug: &str,
        id: Uuid,
        accept: bool,
    ) -> Result<Partnership, ActionError> {
        let (territory, partnership) = self.editable_partnership(who, slug, id).await?;
        if partnership.partner.local() != Some(territory.id) {
            return Err(PartnershipRefusal::NotOffered.into());
        }
        if partnership.state != PartnershipState::Offered {
            return Err(PartnershipRefusal::AlreadyDecided.into());
        }
        let state = if accept {
            PartnershipState::Active
        } else {
            PartnershipState::Refused
        };
        let reply = match partnership.offerer {
            TerritoryRef::Local(_) => None,
            _ => Some(
                self.wire
                    .partnership_answered(&territory, &partnership, accept)
                    .await?,
            ),
        };
        let at = crate::now();
        match self
            .store
            .change_partnership(id, PartnershipState::Offered, state, at, reply.as_ref())
            .await
        {
            Err(StoreError::NotFound) => return Err(PartnershipRefusal::AlreadyDecided.into()),
            other => other?,
        }
        if reply.is_some() {
            self.wire.queued();
        }
        tracing::info!(partnership = %id, territory = %slug, state = state.as_str(), by = %who.member.username, "partnership answered");
        Ok(Partnership {
            state,
            decided_at: Some(at),
            ..partnership
        })
    }

    /// Ends a partnership of the territory `slug` (which `who` edits), active or still
    /// offered, whichever side offered it. A territory elsewhere hears it (`Delete` of the
    /// partnership).
    pub async fn end_partnership(
        &self,
        who: &Principal,
        slug: &str,
        id: Uuid,
    ) -> Result<Partnership, ActionError> {
        let (territory, partnership) = self.editable_partnership(who, slug, id).await?;
        if !partnership.state.is_live() {
            return Err(PartnershipRefusal::AlreadyEnded.into());
        }
        let notice = match partnership.other_side(territory.id) {
            TerritoryRef::Local(_) => None,
            _ => Some(
                self.wire
                    .partnership_ended(&territory, &partnership)
                    .await?,
            ),
        };
        let at = crate::now();
        match self
            .store
            .change_partnership(
                id,
                partnership.state,
                PartnershipState::Ended,
                at,
                notice.as_ref(),
            )
            .await
        {
            Err(StoreError::NotFound) => return Err(PartnershipRefusal::AlreadyEnded.into()),
            other => other?,
        }
        if notice.is_some() {
            self.wire.queued();
        }
        tracing::info!(partnership = %id, territory = %slug, by = %who.member.username, "partnership ended");
        Ok(Partnership {
            state: PartnershipState::Ended,
            ended_at: Some(at),
            ..partnership
        })
    }

    /// A partnership offered by `actor_id` (a territory elsewhere, already verified as the
    /// sender of `offer_id`) to our territory `territory_id`; it waits for its editors.
    /// The same `Offer` again is no new partnership.
    pub async fn receive_partnership_offer(
        &self,
        territory_id: Uuid,
        actor_id: &url::Url,
        offer_id: &str,
        object_id: &str,
        terms: PartnershipTerms,
    ) -> Result<Partnership, ActionError> {
        let offerer = TerritoryRef::Remote(actor_id.clone());
        let partner = TerritoryRef::Local(territory_id);
        for id in [offer_id, object_id] {
            if let Some(known) = self.store.partnership_by_ap_id(id).await? {
                if known.offerer == offerer && known.partner == partner {
                    return Ok(known);
                }
                return Err(forged("this Offer names another partnership"));
            }
        }
        if self.store.territory(territory_id).await?.is_none() {
            return Err(ActionError::NotFound);
        }
        let mut partnership = Partnership::new(offerer, partner, terms);
        partnership.offer_id = Some(offer_id.to_owned());
        partnership.object_id = Some(object_id.to_owned());
        self.store
            .insert_partnership(&partnership, None)
            .await
            .map_err(refused_if_twice)?;
        tracing::info!(partnership = %partnership.id, territory = %territory_id, actor = %actor_id, "partnership offered from elsewhere");
        Ok(partnership)
    }

    /// The territory elsewhere that our `Offer` `offer_id` went to accepted (`accepted`) or
    /// refused it; `sender` must be that territory. Told twice, nothing changes.
    pub async fn receive_partnership_answer(
        &self,
        offer_id: &str,
        sender: &str,
        accepted: bool,
    ) -> Result<(), ActionError> {
        let partnership =
            (self.store.partnership_by_ap_id(offer_id).await?).ok_or(ActionError::NotFound)?;
        let (TerritoryRef::Local(_), TerritoryRef::Remote(partner)) =
            (&partnership.offerer, &partnership.partner)
        else {
            return Err(forged("this Offer is not one of ours"));
        };
        if partner.as_str() != sender {
            return Err(forged(
                "only the territory a partnership was offered to may accept or reject it",
            ));
        }
        let state = if accepted {
            PartnershipState::Active
        } else {
            PartnershipState::Refused
        };
        if partnership.state == state {
            return Ok(());
        }
        if partnership.state != PartnershipState::Offered {
            return Err(PartnershipRefusal::AlreadyDecided.into());
        }
        self.store
            .change_partnership(
                partnership.id,
                PartnershipState::Offered,
                state,
                crate::now(),
                None,
            )
            .await?;
        tracing::info!(partnership = %partnership.id, actor = %sender, state = state.as_str(), "partnership answered elsewhere");
        Ok(())
    }

    /// The territory elsewhere on the other side of a partnership (`ap_id`: its `Offer` or
    /// its object) ends it; `sender` must be that side. Told twice, nothing changes.
    pub async fn receive_partnership_end(
        &self,
        ap_id: &str,
        sender: &str,
    ) -> Result<(), ActionError> {
        let partnership =
            (self.store.partnership_by_ap_id(ap_id).await?).ok_or(ActionError::NotFound)?;
        let remote_side = [&partnership.offerer, &partnership.partner]
            .into_iter()
            .find(|side| side.local().is_none());
        if remote_side.map(|side| side.to_string()).as_deref() != Some(sender) {
            return Err(forged(
                "only one of a partnership's two territories may end it",
            ));
        }
        if !partnership.state.is_live() {
            return Ok(());
        }
        self.store
            .change_partnership(
                partnership.id,
                partnership.state,
                PartnershipState::Ended,
                crate::now(),
                None,
            )
            .await?;
        tracing::info!(partnership = %partnership.id, actor = %sender, "partnership ended elsewhere");
        Ok(())
    }

    /// A territory's partnerships as the public sees them: the active ones, newest first.
    pub async fn public_partnerships(
        &self,
        territory_id: Uuid,
    ) -> Result<Vec<Partnership>, ActionError> {
        let mut all = self.store.partnerships_of(territory_id).await?;
        all.retain(|p| p.state == PartnershipState::Active);
        Ok(all)
    }
}
