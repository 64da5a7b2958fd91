//! Telling followers about our publications: `Create`, `Update` and `Delete` (with a
//! `Tombstone`), built here and written to the outbox by the use cases (`rhizome_node::action`)
//! in the same transaction as the change; and a territory's `Update` when its profile changes.

use rhizome_node::action::{ActionError, Actions, GatheringTarget, Wire};
use rhizome_node::answer::{Answer, RemoteCall};
use rhizome_node::gathering::GatheredItem;
use rhizome_node::network::{Following, Scope};
use rhizome_node::outbox::Outgoing;
use rhizome_node::publication::partner::TerritoryRef;
use rhizome_node::social::{Follower, JoinReply, RemoteActor};
use rhizome_node::{Publication, PublicationBody, StoreError, Territory, ValidationError};

use super::{Address, outgoing, territory_actor};
use crate::Federation;
use crate::error::FederationError;
use crate::internaltoas::actor::territory_object;
use crate::internaltoas::publication::{EventContext, object, tombstone};
use crate::keys::KeyError;
use crate::protocol::Verb;
use crate::urls::Urls;
use serde_json::Value;

#[async_trait::async_trait]
impl Wire for Federation {
    async fn publication_created(
        &self,
        territory: &Territory,
        p: &Publication,
    ) -> Result<Outgoing, StoreError> {
        let scoped = self.scoped_inboxes(territory, Some(p)).await?;
        let event = self.event_context(p).await?;
        let object = self
            .proofed(territory, object(&self.urls, territory, p, event))
            .await?;
        Ok(self.to_followers(territory, Verb::Create, object, scoped))
    }

    async fn publication_updated(
        &self,
        territory: &Territory,
        p: &Publication,
    ) -> Result<Outgoing, StoreError> {
        let event = self.event_context(p).await?;
        let mut scoped = self.scoped_inboxes(territory, Some(p)).await?;
        // The festivals and collections elsewhere that hold it keep their copy current.
        let id = self.urls.publication(p.body.kind(), p.id);
        scoped.extend(self.gathering_inboxes(&id).await?);
        let object = self
            .proofed(territory, object(&self.urls, territory, p, event))
            .await?;
        Ok(self.to_followers(territory, Verb::Update, object, scoped))
    }

    async fn publication_deleted(
        &self,
        territory: &Territory,
        gone: &Publication,
    ) -> Result<Outgoing, StoreError> {
        // Everyone hears of a deletion, whatever their scope.
        let mut scoped = self.scoped_inboxes(territory, None).await?;
        let id = self.urls.publication(gone.body.kind(), gone.id);
        scoped.extend(self.gathering_inboxes(&id).await?);
        Ok(self.to_followers(territory, Verb::Delete, tombstone(&self.urls, gone), scoped))
    }

    /// The actor's `Update`, so that Mastodon shows the new profile at once.
    async fn territory_updated(
        &self,
        territory: &Territory,
    ) -> Result<Option<Outgoing>, StoreError> {
        match self.keys.local(territory.id).await {
            Ok(key) => {
                let scoped = self.scoped_inboxes(territory, None).await?;
                let moves = self.moves(territory).await?;
                let actor = territory_object(&self.urls, territory, &key, moves);
                Ok(Some(self.to_followers(
                    territory,
                    Verb::Update,
                    actor,
                    scoped,
                )))
            }
            Err(KeyError::Store(e)) => Err(e),
            Err(KeyError::Corrupt(reason)) => {
                tracing::error!(territory = %territory.profile.slug, %reason, "territory key unreadable: profile saved without an Update");
                Ok(None)
            }
        }
    }

    fn follow_answered(
        &self,
        territory: &Territory,
        follower: &Follower,
        actor: &RemoteActor,
        accepted: bool,
    ) -> Outgoing {
        let verb = if accepted { Verb::Accept } else { Verb::Reject };
        super::follow::answer(self, territory, follower, actor, verb)
    }

    fn registration_answered(
        &self,
        territory: &Territory,
        event: &Publication,
        actor: &RemoteActor,
        join_id: &str,
        reply: JoinReply,
    ) -> Outgoing {
        super::rsvp::answer(self, territory, event, actor, join_id, reply)
    }

    fn participants_messaged(
        &self,
        territory: &Territory,
        event: &Publication,
        actors: &[RemoteActor],
        text: &str,
    ) -> Outgoing {
        super::rsvp::message(self, territory, event, actors, text)
    }

    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.urls.base)
    }

    async fn follow_request(
        &self,
        territory: &Territory,
        target: &str,
        scope: Scope,
    ) -> Result<(Following, Outgoing), ActionError> {
        self.follow_remote(territory, target, scope)
            .await
            .map_err(|e| match e {
                FederationError::Malformed(reason) => {
                    ActionError::Invalid(ValidationError::new("target", reason))
                }
                FederationError::NotFound => ActionError::NotFound,
                other => ActionError::Unreachable(other.to_string()),
            })
    }

    async fn following_ended(
        &self,
        territory: &Territory,
        following: &Following,
    ) -> Result<Option<Outgoing>, StoreError> {
        self.undo_following(territory, following).await
    }

    async fn remote_call(&self, id: &str) -> Result<RemoteCall, ActionError> {
        match self.known_remote_call(id).await {
            Ok(Some(call)) => Ok(call),
            Ok(None) => Err(ActionError::NotFound),
            Err(e) => Err(ActionError::Unreachable(e.to_string())),
        }
    }

    async fn answer_offered(
        &self,
        territory: &Territory,
        answer: &Answer,
        call: &RemoteCall,
    ) -> Result<Outgoing, ActionError> {
        self.offer(territory, answer, call).await
    }

    async fn answer_decided(
        &self,
        territory: &Territory,
        call: &Publication,
        answer: &Answer,
        accepted: bool,
    ) -> Result<Outgoing, ActionError> {
        self.offer_decided(territory, call, answer, accepted).await
    }

    async fn territory_ref(&self, target: &str) -> Result<TerritoryRef, ActionError> {
        self.partner_territory(target).await
    }

    async fn partnership_offered(
        &self,
        territory: &Territory,
        partnership: &rhizome_node::partnership::Partnership,
    ) -> Result<Outgoing, ActionError> {
        self.partnership_offer(territory, partnership).await
    }

    async fn partnership_answered(
        &self,
        territory: &Territory,
        partnership: &rhizome_node::partnership::Partnership,
        accepted: bool,
    ) -> Result<Outgoing, ActionError> {
        self.partnership_answer(territory, partnership, accepted)
            .await
    }

    async fn partnership_ended(
        &self,
        territory: &Territory,
        partnership: &rhizome_node::partnership::Partnership,
    ) -> Result<Outgoing, ActionError> {
        self.partnership_end(territory, partnership).await
    }

    fn actor_id(&self, actor: &Territory) -> String {
        territory_actor(self, actor)
    }

    fn object_id(&self, p: &Publication) -> String {
        self.urls.publication(p.body.kind(), p.id)
    }

    async fn find_gathering(&self, target: &str) -> Result<GatheringTarget, ActionError> {
        Federation::find_gathering(self, target).await
    }

    fn submission_sent(
        &self,
        territory: &Territory,
        object_id: &str,
        gathering: &RemoteActor,
        withdraw: bool,
    ) -> Outgoing {
        self.submission(territory, object_id, gathering, withdraw)
    }

    async fn submission_answered(
        &self,
        gathering: &Territory,
        item: &GatheredItem,
        accepted: bool,
    ) -> Result<Outgoing, ActionError> {
        self.submission_decided(gathering, item, accepted).await
    }

    fn gathered_announced(&self, gathering: &Territory, item: &GatheredItem) -> Outgoing {
        self.announced(gathering, item)
    }

    fn gathered_unannounced(
        &self,
        gathering: &Territory,
        item: &GatheredItem,
        announce_id: &str,
    ) -> Outgoing {
        self.unannounced(gathering, item, announce_id)
    }

    async fn collective_told(
        &self,
        collective: &Territory,
        news: rhizome_node::action::collective::CollectiveNews<'_>,
        to: &[String],
    ) -> Result<Option<Outgoing>, ActionError> {
        self.collective_news(collective, news, to).await
    }

    async fn vote_cast(
        &self,
        territory: &Territory,
        collective: &str,
        proposal: &rhizome_node::collective::Proposal,
        approve: bool,
    ) -> Result<Outgoing, ActionError> {
        self.collective_vote(territory, collective, proposal, approve)
            .await
    }

    async fn proposal_offered(
        &self,
        territory: &Territory,
        collective: &str,
        kind: rhizome_node::collective::DecisionKind,
        subject: &str,
    ) -> Result<Outgoing, ActionError> {
        self.collective_proposal(territory, collective, kind, subject)
            .await
    }

    async fn blocks_changed(&self) {
        Federation::blocks_changed(self).await;
    }

    fn queued(&self) {
        self.wake_delivery();
    }

    async fn move_target(
        &self,
        territory: &Territory,
        target: &str,
    ) -> Result<String, ActionError> {
        self.check_move_target(territory, target).await
    }

    /// `Move{actor: old, object: old, target: new}` to every follower, as Mastodon sends it.
    async fn territory_moved(
        &self,
        territory: &Territory,
        target: &str,
    ) -> Result<Outgoing, StoreError> {
        let scoped = self.scoped_inboxes(territory, None).await?;
        let me = territory_actor(self, territory);
        Ok(super::outgoing_extended(
            self,
            territory.id,
            Verb::Move,
            &me,
            &me,
            crate::protocol::outbound::Extensions {
                scope: None,
                target: Some(target.to_owned()),
            },
            Address::followers(self, territory, scoped),
        ))
    }
}

impl Federation {
    /// The use cases, with this node's federation as their wire.
    pub fn actions(&self) -> Actions {
        Actions::new(self.store.clone(), std::sync::Arc::new(self.clone()))
            .with_mailing(rhizome_node::mail::Mailing::of(&self.config))
    }

    /// What an event's object needs from storage: its participants, and its partners'
    /// actor ids (a local territory's by its slug; one since deleted is left out).
    pub async fn event_context(&self, p: &Publication) -> Result<EventContext, StoreError> {
        let PublicationBody::Event(e) = &p.body else {
            return Ok(EventContext::default());
        };
        let mut partners = Vec::with_capacity(e.partners.len());
        for partner in &e.partners {
            match partner {
                TerritoryRef::Local(id) => {
                    if let Some(t) = self.store.territory(*id).await? {
                        partners.push(self.urls.territory(&t.profile.slug));
                    }
                }
                TerritoryRef::Remote(url) => partners.push(url.to_string()),
                // Known by name only: nothing to point to on the wire.
                TerritoryRef::Named(_) => {}
            }
        }
        Ok(EventContext {
            participants: self.store.participant_count(p.id).await?,
            partners,
        })
    }

    /// `object` with the territory's integrity proof (FEP-8b32), signed once here, when
    /// its `Create`/`Update` is queued, not per delivery: a hub can then pass the object
    /// on whole and its receivers check it without a GET to this node. An unreadable key
    /// sends it without a proof (receivers fetch it, as from any server without proofs).
    async fn proofed(&self, territory: &Territory, mut object: Value) -> Result<Value, StoreError> {
        let key = match self.keys.local(territory.id).await {
            Ok(key) => key,
            Err(KeyError::Store(e)) => return Err(e),
            Err(KeyError::Corrupt(reason)) => {
                tracing::error!(territory = %territory.profile.slug, %reason, "territory key unreadable: publication sent without an integrity proof");
                return Ok(object);
            }
        };
        let key_id = Urls::assertion_key_id(&territory_actor(self, territory));
        if let Err(e) = crate::proofs::sign(&mut object, &key_id, &key.proof) {
            tracing::error!(territory = %territory.profile.slug, error = %e, "publication sent without an integrity proof");
        }
        Ok(object)
    }

    fn to_followers(
        &self,
        territory: &Territory,
        verb: Verb,
        object: impl serde::Serialize,
        scoped: Vec<String>,
    ) -> Outgoing {
        let actor = territory_actor(self, territory);
        outgoing(
            self,
            territory.id,
            verb,
            &actor,
            object,
            Address::followers(self, territory, scoped),
        )
    }

    /// Inboxes of followers who asked for a scope (Rhizome's `scope` extension) and whose
    /// scope admits `p`; all of them when `p` is `None`. The sender filters, so a scoped
    /// follower on a Rhizome node is not sent what it would throw away.
    async fn scoped_inboxes(
        &self,
        territory: &Territory,
        p: Option<&Publication>,
    ) -> Result<Vec<String>, StoreError> {
        let place = match p.map(|p| &p.body) {
            Some(PublicationBody::Event(e)) => e
                .place
                .clone()
                .unwrap_or_else(|| territory.profile.place.clone()),
            _ => territory.profile.place.clone(),
        };
        let position = place.latitude.zip(place.longitude);
        let inboxes: std::collections::BTreeSet<String> = self
            .store
            .scoped_followers(territory.id)
            .await?
            .into_iter()
            .filter(|(_, scope)| {
                p.is_none_or(|p| scope.admits(p.body.kind(), p.body.themes(), position))
            })
            .map(|(inbox, _)| inbox)
            .collect();
        Ok(inboxes.into_iter().collect())
    }
}
