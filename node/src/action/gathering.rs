//! Festivals and collections: an admin creates one (an actor with curators); an editor
//! submits one of their territory's publications to a gathering here or elsewhere (`Add`);
//! submissions from elsewhere arrive through the inbox; the gathering's rule decides
//! (curators, or automatic inside the perimeter; a collective's vote calls
//! [`Actions::settle_submission`]); accepted items are announced to the gathering's
//! followers; withdrawing or deleting the publication takes it out again.

use uuid::Uuid;

use super::{ActionError, Actions, GatheringTarget};
use crate::answer::Refusal;
use crate::festival::{Candidate, GatheringDraft, GatheringSettings};
use crate::gathering::{DecidingRule, GatheredItem, ItemState, Settlement};
use crate::member::Forbidden;
use crate::network::RemotePublication;
use crate::outbox::Outgoing;
use crate::store::StoreError;
use crate::territory::ActorRole;
use crate::validation::ValidationError;
use crate::{Principal, Publication, PublicationBody, PublicationKind, Territory};

/// Who decided, when nobody had to.
pub const AUTOMATIC: &str = "automatic";

/// A second submission of the same publication to the same gathering is a refusal.
fn refused_if_twice(e: StoreError) -> ActionError {
    match e {
        StoreError::Conflict(_) => {
            Refusal::Forged("this publication was already submitted to this gathering".into())
                .into()
        }
        other => other.into(),
    }
}

/// What the perimeter and the days read of one of this node's publications.
fn local_candidate<'a>(
    submitter: &'a str,
    territory: &Territory,
    p: &Publication,
) -> Candidate<'a> {
    match &p.body {
        PublicationBody::Event(e) => {
            let place = e.place.as_ref().unwrap_or(&territory.profile.place);
            Candidate {
                submitter,
                position: place.latitude.zip(place.longitude),
                starts_at: Some(e.starts_at),
                ends_at: Some(e.ends_at),
            }
        }
        _ => Candidate {
            submitter,
            position: territory
                .profile
                .place
                .latitude
                .zip(territory.profile.place.longitude),
            starts_at: None,
            ends_at: None,
        },
    }
}

impl Actions {
    /// Creates a festival or a collection (node admins): its actor, its settings, and its
    /// curators (members named by username) as editors of that actor.
    pub async fn create_gathering(
        &self,
        who: &Principal,
        draft: GatheringDraft,
        default_timezone: &str,
    ) -> Result<(Territory, GatheringSettings), ActionError> {
        who.require_admin()?;
        self.install_gathering(draft, default_timezone, &who.member.username)
            .await
    }

    /// Creates a festival or a collection for the node's operator (the CLI, which needs
    /// no account; `by` is only logged). [`Actions::create_gathering`] is the members' way.
    pub async fn install_gathering(
        &self,
        draft: GatheringDraft,
        default_timezone: &str,
        by: &str,
    ) -> Result<(Territory, GatheringSettings), ActionError> {
        let role = draft.role()?;
        let profile = draft.profile(default_timezone)?;
        let settings = draft.settings(|slug| self.wire.link(&format!("/t/{slug}")))?;
        let mut curators = Vec::with_capacity(draft.curators.len());
        for (i, name) in draft.curators.iter().enumerate() {
            let member = self
                .store
                .member_by_username(name.trim())
                .await?
                .ok_or_else(|| ValidationError::new(format!("curators[{i}]"), "no such member"))?;
            curators.push(member.id);
        }
        let gathering = Territory::with_role(role, profile);
        self.store.insert_territory(&gathering).await?;
        self.store
            .save_gathering_settings(gathering.id, &settings)
            .await?;
        for member in curators {
            self.store.grant_editor(member, gathering.id).await?;
        }
        tracing::info!(slug = %gathering.profile.slug, role = role.as_str(), %by, "gathering created");
        Ok((gathering, settings))
    }

    /// A festival or collection of this node, by slug, with its settings.
    pub async fn gathering(
        &self,
        slug: &str,
    ) -> Result<(Territory, GatheringSettings), ActionError> {
        let gathering = self.territory(slug).await?;
        self.gathering_of(gathering).await
    }

    async fn gathering_of(
        &self,
        gathering: Territory,
    ) -> Result<(Territory, GatheringSettings), ActionError> {
        if !gathering.role.gathers() {
            return Err(ActionError::NotFound);
        }
        let settings = self
            .store
            .gathering_settings(gathering.id)
            .await?
            .unwrap_or(GatheringSettings {
                starts_on: None,
                ends_on: None,
                banner: None,
                perimeter: Default::default(),
                auto_accept_in_perimeter: false,
            });
        Ok((gathering, settings))
    }

    /// Why `candidate` (of `kind`) may not join `gathering`, if it may not.
    fn refusal(
        gathering: &Territory,
        settings: &GatheringSettings,
        kind: PublicationKind,
        candidate: &Candidate<'_>,
    ) -> Option<String> {
        if gathering.role == ActorRole::Festival && kind != PublicationKind::Event {
            return Some("a festival takes events only".into());
        }
        settings.perimeter.refuses(candidate).or_else(|| {
            settings.refuses_dates(gathering.tz(), candidate.starts_at, candidate.ends_at)
        })
    }

    /// Submits one of `who`'s territories' publications (`publication_id`) to the
    /// gathering `target` names: one of this node's (decided here, no wire) or one
    /// elsewhere (the `Add` is queued with the pending submission).
    pub async fn submit_to_gathering(
        &self,
        who: &Principal,
        publication_id: Uuid,
        target: &str,
    ) -> Result<GatheredItem, ActionError> {
        let publication = self
            .store
            .publication(publication_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        if publication.deleted_at.is_some() {
            return Err(ActionError::Gone);
        }
        let territory = self
            .store
            .territory(publication.territory_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        who.require_editor(territory.id)?;
        let me = self.wire.actor_id(&territory);
        let object_id = self.wire.object_id(&publication);
        let submission_id = self.wire.link(&format!("/activities/{}", Uuid::now_v7()));
        match self.wire.find_gathering(target).await? {
            GatheringTarget::Local(slug) => {
                let (gathering, settings) = self.gathering(&slug).await.map_err(|e| match e {
                    ActionError::NotFound => {
                        ValidationError::new("gathering", "no festival or collection of that name")
                            .into()
                    }
                    other => other,
                })?;
                let candidate = local_candidate(&me, &territory, &publication);
                if let Some(reason) =
                    Self::refusal(&gathering, &settings, publication.body.kind(), &candidate)
                {
                    tracing::info!(gathering = %gathering.profile.slug, publication = %publication.id, %reason, "submission refused");
                    return Err(ValidationError::new("gathering", reason).into());
                }
                let mut item = GatheredItem::submitted(
                    self.wire.actor_id(&gathering),
                    object_id,
                    me.clone(),
                    submission_id,
                );
                item.gathering_id = Some(gathering.id);
                item.publication_id = Some(publication.id);
                item.submitter_territory = Some(territory.id);
                self.enter(&gathering, &settings, item).await
            }
            GatheringTarget::Remote(actor) => {
                let add = self
                    .wire
                    .submission_sent(&territory, &object_id, &actor, false);
                let mut item = GatheredItem::submitted(
                    actor.id.clone(),
                    object_id,
                    me,
                    add.activity_id.clone(),
                );
                item.gathering_inbox = Some(actor.inbox.clone());
                item.publication_id = Some(publication.id);
                item.submitter_territory = Some(territory.id);
                self.store
                    .insert_gathered_item(&item, std::slice::from_ref(&add))
                    .await
                    .map_err(refused_if_twice)?;
                self.wire.queued();
                tracing::info!(gathering = %actor.id, publication = %publication.id, by = %who.member.username, "submitted to a gathering elsewhere");
                Ok(item)
            }
        }
    }

    /// A submission from elsewhere: `submitter` (verified by the inbox as the author of
    /// `object`, fetched from its origin) asks, by its `Add` `add_id`, for `object` to
    /// join `gathering`. Refused (nothing stored) outside the perimeter or the festival's
    /// days; the same `Add` again is no second submission.
    pub async fn receive_submission(
        &self,
        gathering: Territory,
        submitter: &str,
        add_id: &str,
        object: RemotePublication,
        position: Option<(f64, f64)>,
    ) -> Result<GatheredItem, ActionError> {
        if let Some(known) = self.store.gathered_item_by_submission(add_id).await? {
            if known.submitter == submitter {
                return Ok(known);
            }
            return Err(Refusal::Forged("this Add id belongs to another submission".into()).into());
        }
        let (gathering, settings) = self.gathering_of(gathering).await?;
        let candidate = Candidate {
            submitter,
            position,
            starts_at: object.starts_at,
            ends_at: object.ends_at,
        };
        if let Some(reason) = Self::refusal(&gathering, &settings, object.kind, &candidate) {
            tracing::info!(gathering = %gathering.profile.slug, object = %object.id, %submitter, %reason, "submission from elsewhere refused");
            return Err(Refusal::Forged(reason).into());
        }
        let gathering_actor = self.wire.actor_id(&gathering);
        if self
            .store
            .gathered_item_of(&gathering_actor, &object.id)
            .await?
            .is_some()
        {
            return Err(refused_if_twice(StoreError::Conflict("submission")));
        }
        self.store.upsert_remote_publication(&object).await?;
        let mut item = GatheredItem::submitted(
            gathering_actor,
            object.id.clone(),
            submitter.to_owned(),
            add_id.to_owned(),
        );
        item.gathering_id = Some(gathering.id);
        self.enter(&gathering, &settings, item).await
    }

    /// Stores a new item of one of our gatherings: pending, or accepted at once (with its
    /// `Accept` and `Announce`) when the gathering accepts what is inside its perimeter.
    async fn enter(
        &self,
        gathering: &Territory,
        settings: &GatheringSettings,
        mut item: GatheredItem,
    ) -> Result<GatheredItem, ActionError> {
        let automatic = settings.auto_accept_in_perimeter
            && DecidingRule::of(gathering.role) == DecidingRule::Curators;
        let mut sends = Vec::new();
        if automatic {
            sends = self.acceptance(gathering, &item, true).await?;
            item.state = ItemState::Accepted;
            item.decided_by = Some(AUTOMATIC.into());
            item.decided_at = Some(crate::now());
            item.announce_id = sends.last().map(|a| a.activity_id.clone());
        }
        self.store
            .insert_gathered_item(&item, &sends)
            .await
            .map_err(refused_if_twice)?;
        if !sends.is_empty() {
            self.wire.queued();
        }
        tracing::info!(gathering = %gathering.profile.slug, object = %item.object_id, submitter = %item.submitter, state = item.state.as_str(), "submission received");
        if DecidingRule::of(gathering.role) == DecidingRule::CollegialVote {
            return self.put_to_the_members(gathering, item).await;
        }
        Ok(item)
    }

    /// What deciding `item` sends: the answer to a submitter elsewhere, then (accepted)
    /// the `Announce` to the gathering's followers, last.
    async fn acceptance(
        &self,
        gathering: &Territory,
        item: &GatheredItem,
        accepted: bool,
    ) -> Result<Vec<Outgoing>, ActionError> {
        let mut sends = Vec::new();
        if item.submitter_territory.is_none() {
            sends.push(
                self.wire
                    .submission_answered(gathering, item, accepted)
                    .await?,
            );
        }
        if accepted {
            sends.push(self.wire.gathered_announced(gathering, item));
        }
        Ok(sends)
    }

    /// An item of one of our gatherings, with the gathering, for its curators.
    pub async fn item_for_curator(
        &self,
        who: &Principal,
        item_id: Uuid,
    ) -> Result<(GatheredItem, Territory), ActionError> {
        let item = self
            .store
            .gathered_item(item_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        let gathering_id = item.gathering_id.ok_or(ActionError::NotFound)?;
        let gathering = self
            .store
            .territory(gathering_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        who.require_editor(gathering.id)?;
        Ok((item, gathering))
    }

    /// A curator accepts or refuses a pending submission. A collective decides by vote,
    /// never by one member: its vote's outcome calls [`Actions::settle_submission`].
    pub async fn decide_submission(
        &self,
        who: &Principal,
        item_id: Uuid,
        accept: bool,
    ) -> Result<GatheredItem, ActionError> {
        let (item, gathering) = self.item_for_curator(who, item_id).await?;
        if DecidingRule::of(gathering.role) != DecidingRule::Curators {
            return Err(Forbidden("a collective decides by its members' vote").into());
        }
        self.settle_submission(item.id, accept, &who.member.username)
            .await
    }

    /// Decides a pending item of one of our gatherings, whoever's rule it is (a curator's
    /// decision, a collective's vote): the submitter elsewhere hears `Accept` or `Reject`,
    /// and an accepted item is announced to the gathering's followers, in one transaction.
    pub async fn settle_submission(
        &self,
        item_id: Uuid,
        accept: bool,
        decided_by: &str,
    ) -> Result<GatheredItem, ActionError> {
        let item = self
            .store
            .gathered_item(item_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        let gathering = self
            .store
            .territory(item.gathering_id.ok_or(ActionError::NotFound)?)
            .await?
            .ok_or(ActionError::NotFound)?;
        if item.state != ItemState::Pending {
            return Err(Refusal::AlreadyDecided.into());
        }
        let sends = self.acceptance(&gathering, &item, accept).await?;
        let settlement = Settlement {
            state: if accept {
                ItemState::Accepted
            } else {
                ItemState::Refused
            },
            from: &[ItemState::Pending],
            decided_by: Some(decided_by.to_owned()),
            at: crate::now(),
            announce_id: accept
                .then(|| sends.last().map(|a| a.activity_id.clone()))
                .flatten(),
        };
        match self
            .store
            .settle_gathered_item(item.id, &settlement, &sends)
            .await
        {
            Err(StoreError::NotFound) => return Err(Refusal::AlreadyDecided.into()),
            other => other?,
        }
        if !sends.is_empty() {
            self.wire.queued();
        }
        tracing::info!(gathering = %gathering.profile.slug, object = %item.object_id, state = settlement.state.as_str(), by = %decided_by, "submission decided");
        Ok(GatheredItem {
            state: settlement.state,
            decided_by: settlement.decided_by,
            decided_at: Some(settlement.at),
            announce_id: settlement.announce_id.or(item.announce_id.clone()),
            ..item
        })
    }

    /// The gathering elsewhere accepted or refused (`accepted`) our `Add` `submission_id`;
    /// `sender` must be that gathering.
    pub async fn receive_submission_decision(
        &self,
        submission_id: &str,
        sender: &str,
        accepted: bool,
    ) -> Result<(), ActionError> {
        let item = self
            .store
            .gathered_item_by_submission(submission_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        if item.submitter_territory.is_none() || item.gathering_id.is_some() {
            return Err(Refusal::Forged("this Add is not one of ours".into()).into());
        }
        if item.gathering_actor != sender {
            return Err(Refusal::Forged(
                "only the gathering may accept or reject what is submitted to it".into(),
            )
            .into());
        }
        let state = if accepted {
            ItemState::Accepted
        } else {
            ItemState::Refused
        };
        if item.state == state {
            return Ok(());
        }
        if item.state != ItemState::Pending {
            return Err(Refusal::AlreadyDecided.into());
        }
        let settlement = Settlement {
            state,
            from: &[ItemState::Pending],
            decided_by: Some(sender.to_owned()),
            at: crate::now(),
            announce_id: None,
        };
        self.store
            .settle_gathered_item(item.id, &settlement, &[])
            .await?;
        tracing::info!(gathering = %sender, object = %item.object_id, state = state.as_str(), "submission decided elsewhere");
        Ok(())
    }

    /// The submitting territory's editor withdraws a submission (pending or accepted): a
    /// gathering elsewhere hears `Remove`; one of ours takes it out of its programme.
    pub async fn withdraw_submission(
        &self,
        who: &Principal,
        item_id: Uuid,
    ) -> Result<GatheredItem, ActionError> {
        let item = self
            .store
            .gathered_item(item_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        let territory_id = item.submitter_territory.ok_or(ActionError::NotFound)?;
        who.require_editor(territory_id)?;
        if let Some(gathering_id) = item.gathering_id {
            let gathering = self
                .store
                .territory(gathering_id)
                .await?
                .ok_or(ActionError::NotFound)?;
            return self.take_out(&gathering, item, &who.member.username).await;
        }
        let territory = self
            .store
            .territory(territory_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        let gathering = self
            .store
            .remote_actor(&item.gathering_actor)
            .await?
            .ok_or_else(|| ActionError::Unreachable("the gathering's actor is unknown".into()))?;
        let remove = self
            .wire
            .submission_sent(&territory, &item.object_id, &gathering, true);
        let settlement = Settlement {
            state: ItemState::Withdrawn,
            from: &[ItemState::Pending, ItemState::Accepted],
            decided_by: Some(who.member.username.clone()),
            at: crate::now(),
            announce_id: None,
        };
        match self
            .store
            .settle_gathered_item(item.id, &settlement, std::slice::from_ref(&remove))
            .await
        {
            Err(StoreError::NotFound) => return Err(Refusal::AlreadyDecided.into()),
            other => other?,
        }
        self.wire.queued();
        tracing::info!(gathering = %item.gathering_actor, object = %item.object_id, by = %who.member.username, "submission withdrawn");
        Ok(GatheredItem {
            state: ItemState::Withdrawn,
            ..item
        })
    }

    /// `sender` withdraws its publication `object_id` from our `gathering` (`Remove` or
    /// `Undo{Add}`); only the territory that submitted it may.
    pub async fn receive_withdrawal(
        &self,
        gathering: &Territory,
        object_id: &str,
        sender: &str,
    ) -> Result<(), ActionError> {
        let gathering_actor = self.wire.actor_id(gathering);
        let item = self
            .store
            .gathered_item_of(&gathering_actor, object_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        if item.submitter != sender {
            return Err(Refusal::Forged(
                "only the territory that submitted it may withdraw it".into(),
            )
            .into());
        }
        if matches!(item.state, ItemState::Withdrawn | ItemState::Refused) {
            return Ok(());
        }
        self.take_out(gathering, item, sender).await?;
        Ok(())
    }

    /// A publication in our gatherings was deleted by its author (`author`, its actor id):
    /// it leaves every programme it was in.
    pub async fn gathered_object_gone(
        &self,
        object_id: &str,
        author: &str,
    ) -> Result<(), ActionError> {
        for item in self.store.items_of_object(object_id).await? {
            let (Some(gathering_id), true) = (
                item.gathering_id,
                matches!(item.state, ItemState::Pending | ItemState::Accepted),
            ) else {
                continue;
            };
            if item.submitter != author {
                continue;
            }
            if let Some(gathering) = self.store.territory(gathering_id).await? {
                self.take_out(&gathering, item, author).await?;
            }
        }
        Ok(())
    }

    /// One of this node's publications was deleted: it leaves our gatherings, and our
    /// submissions elsewhere are marked withdrawn (its `Delete` reaches them).
    pub async fn gathered_publication_deleted(
        &self,
        territory: &Territory,
        p: &Publication,
    ) -> Result<(), ActionError> {
        let object_id = self.wire.object_id(p);
        self.gathered_object_gone(&object_id, &self.wire.actor_id(territory))
            .await?;
        for item in self.store.items_of_object(&object_id).await? {
            if item.gathering_id.is_none()
                && matches!(item.state, ItemState::Pending | ItemState::Accepted)
            {
                let settlement = Settlement {
                    state: ItemState::Withdrawn,
                    from: &[ItemState::Pending, ItemState::Accepted],
                    decided_by: None,
                    at: crate::now(),
                    announce_id: None,
                };
                self.store
                    .settle_gathered_item(item.id, &settlement, &[])
                    .await?;
            }
        }
        Ok(())
    }

    /// Takes an item out of one of our gatherings, with the `Undo{Announce}` when it had
    /// been announced.
    async fn take_out(
        &self,
        gathering: &Territory,
        item: GatheredItem,
        by: &str,
    ) -> Result<GatheredItem, ActionError> {
        let sends: Vec<Outgoing> = match (&item.state, &item.announce_id) {
            (ItemState::Accepted, Some(announce)) => {
                vec![self.wire.gathered_unannounced(gathering, &item, announce)]
            }
            _ => vec![],
        };
        let settlement = Settlement {
            state: ItemState::Withdrawn,
            from: &[ItemState::Pending, ItemState::Accepted],
            decided_by: Some(by.to_owned()),
            at: crate::now(),
            announce_id: None,
        };
        match self
            .store
            .settle_gathered_item(item.id, &settlement, &sends)
            .await
        {
            Err(StoreError::NotFound) => return Err(Refusal::AlreadyDecided.into()),
            other => other?,
        }
        if !sends.is_empty() {
            self.wire.queued();
        }
        tracing::info!(gathering = %gathering.profile.slug, object = %item.object_id, %by, "taken out of the gathering");
        Ok(GatheredItem {
            state: ItemState::Withdrawn,
            ..item
        })
    }
}
