//! Collectives' use cases: an admin creates one (its founding members and rules); an
//! editor of a member territory, on any node, proposes and votes for its territory; the
//! collective's own node counts (the one tally rule, `collective::tally`) and, when a
//! proposal passes, applies it and tells every member node, which applies it the same way
//! to its copy. Votes and proposals from elsewhere arrive through the inbox.

use chrono::Duration;
use uuid::Uuid;

use super::{ActionError, Actions};
use crate::Principal;
use crate::answer::Refusal;
use crate::collective::{
    Collective, DecisionKind, Member, Outcome, Proposal, ProposalState, Rules, Vote, host_of,
    nodes_spanned, tally,
};
use crate::network::Scope;
use crate::outbox::Outgoing;
use crate::store::StoreError;
use crate::store::collectives::CollectiveChange;
use crate::territory::{ActorRole, Territory, TerritoryProfile};
use crate::validation::ValidationError;

/// How long members have to vote.
pub const VOTING_DAYS: i64 = 14;

/// What a collective tells its member nodes (built into activities by [`super::Wire`]).
#[derive(Debug, Clone, Copy)]
pub enum CollectiveNews<'a> {
    /// Its rules and members (`Update{Group}`), after creation and every decision.
    Group(&'a Collective, &'a [Member]),
    /// A territory admitted (`Add` to its members).
    Admitted(&'a str),
    /// A member removed (`Remove` from its members).
    Removed(&'a str),
    /// A new proposal (`Create{Question}`).
    Opened(&'a Proposal),
    /// A proposal's tally (`Update{Question}`).
    Tallied(&'a Proposal),
}

/// What an admin sends to create a collective (its profile is validated by the caller).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectiveDraft {
    #[serde(default)]
    pub rules: Rules,
    /// Founding members: slugs of this node's territories or actor ids of territories on
    /// any node (a local territory's actor id is accepted too).
    pub members: Vec<String>,
}

/// A forgery or a vote that may not be: refused with the reason.
fn refused(reason: &str) -> ActionError {
    Refusal::Forged(reason.to_owned()).into()
}

impl Actions {
    /// This node's actor id of a local territory.
    pub fn actor_id_of(&self, territory: &Territory) -> String {
        self.wire.link(&format!("/t/{}", territory.profile.slug))
    }

    /// This node's host, as member hosts are written.
    fn own_host(&self) -> String {
        host_of(&self.wire.link("/")).unwrap_or_default()
    }

    /// A founding member or candidate: a local slug or an actor URL, as (actor id, host).
    async fn member_ref(&self, field: &str, value: &str) -> Result<(String, String), ActionError> {
        let value = value.trim();
        if !value.contains('/') {
            let territory = (self.store.territory_by_slug(value).await?)
                .filter(|t| t.role == ActorRole::Territory)
                .ok_or_else(|| ValidationError::new(field, "no such territory on this node"))?;
            return Ok((self.actor_id_of(&territory), self.own_host()));
        }
        let url = url::Url::parse(value)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| ValidationError::new(field, "must be a territory's actor id (URL)"))?;
        let host = host_of(url.as_str())
            .ok_or_else(|| ValidationError::new(field, "must be a territory's actor id (URL)"))?;
        if host == self.own_host() {
            let slug = value
                .strip_prefix(&self.wire.link("/t/"))
                .filter(|s| !s.is_empty() && !s.contains('/'))
                .ok_or_else(|| ValidationError::new(field, "no such territory on this node"))?;
            return Box::pin(self.member_ref(field, slug)).await;
        }
        Ok((value.to_owned(), host))
    }

    /// The collective `slug` hosted here.
    pub async fn local_collective(
        &self,
        slug: &str,
    ) -> Result<(Territory, Collective), ActionError> {
        let territory = self.territory(slug).await?;
        let collective =
            (self.store.collective_of(territory.id).await?).ok_or(ActionError::NotFound)?;
        Ok((territory, collective))
    }

    /// Creates a collective hosted here (node admins): its actor (role `collective`), its
    /// rules and founding members, each counted at once. The collective follows every
    /// founding member elsewhere, so their publications arrive, and tells their nodes
    /// (`Update{Group}`). Rules that would let one node decide alone are refused.
    pub async fn create_collective(
        &self,
        who: &Principal,
        profile: TerritoryProfile,
        draft: CollectiveDraft,
    ) -> Result<(Territory, Collective), ActionError> {
        who.require_admin()?;
        if draft.members.is_empty() {
            return Err(
                ValidationError::new("members", "name at least one member territory").into(),
            );
        }
        let mut members: Vec<(String, String)> = Vec::new();
        for (i, m) in draft.members.iter().enumerate() {
            let found = self.member_ref(&format!("members[{i}]"), m).await?;
            if !members.iter().any(|(id, _)| *id == found.0) {
                members.push(found);
            }
        }
        let at = crate::now();
        let as_members: Vec<Member> = members
            .iter()
            .map(|(actor_id, host)| Member {
                actor_id: actor_id.clone(),
                host: host.clone(),
                admitted_at: at,
                removed_at: None,
            })
            .collect();
        draft.rules.validate("rules", nodes_spanned(&as_members))?;
        let territory = Territory::with_role(ActorRole::Collective, profile);
        let collective = Collective {
            actor_id: self.actor_id_of(&territory),
            territory_id: Some(territory.id),
            name: territory.profile.name.clone(),
            rules: draft.rules,
            updated_at: at,
        };
        self.store.insert_territory(&territory).await?;
        let mut follows = Vec::new();
        for m in as_members.iter().filter(|m| m.host != self.own_host()) {
            follows.push(
                self.wire
                    .follow_request(&territory, &m.actor_id, Scope::default())
                    .await?,
            );
        }
        let remote = self.remote_members(&as_members, &[]);
        let news = self
            .wire
            .collective_told(
                &territory,
                CollectiveNews::Group(&collective, &as_members),
                &remote,
            )
            .await?;
        self.store
            .save_collective(&collective, &members, at, news.as_slice())
            .await?;
        for (following, follow) in follows {
            self.store
                .upsert_following(&following, Some(&follow))
                .await?;
        }
        self.wire.queued();
        tracing::info!(collective = %territory.profile.slug, members = members.len(), by = %who.member.username, "collective created");
        Ok((territory, collective))
    }

    /// The actor ids of the members on other nodes, and `also`.
    fn remote_members(&self, members: &[Member], also: &[&str]) -> Vec<String> {
        let own = self.own_host();
        let mut ids: Vec<String> = members
            .iter()
            .filter(|m| m.is_current() && m.host != own)
            .map(|m| m.actor_id.clone())
            .collect();
        for extra in also {
            if host_of(extra).is_some_and(|h| h != own) && !ids.iter().any(|i| i == extra) {
                ids.push((*extra).to_owned());
            }
        }
        ids
    }

    /// A collective this node knows (its own or a copy) and its members.
    async fn known_collective(
        &self,
        actor_id: &str,
    ) -> Result<(Collective, Vec<Member>), ActionError> {
        let collective = (self.store.collective(actor_id).await?).ok_or(ActionError::NotFound)?;
        let members = self.store.collective_members(actor_id).await?;
        Ok((collective, members))
    }

    /// The local member territory `slug` the member `who` edits, in `members`.
    async fn voice_of(
        &self,
        who: &Principal,
        slug: &str,
        members: &[Member],
    ) -> Result<(Territory, String), ActionError> {
        let territory = self.editable_territory(who, slug).await?;
        let actor_id = self.actor_id_of(&territory);
        if !members
            .iter()
            .any(|m| m.is_current() && m.actor_id == actor_id)
        {
            return Err(crate::member::Forbidden(
                "this territory is not a member of the collective",
            )
            .into());
        }
        Ok((territory, actor_id))
    }

    /// Checks what a proposal of `kind` names: a candidate who is not a member yet, a
    /// current member, or rules no node could use to decide alone.
    async fn checked_subject(
        &self,
        kind: DecisionKind,
        subject: &str,
        members: &[Member],
    ) -> Result<String, ActionError> {
        let current = |id: &str| members.iter().any(|m| m.is_current() && m.actor_id == id);
        match kind {
            DecisionKind::Admit => {
                let (actor_id, _) = self.member_ref("subject", subject).await?;
                if current(&actor_id) {
                    return Err(ValidationError::new("subject", "is already a member").into());
                }
                Ok(actor_id)
            }
            DecisionKind::Remove => {
                let (actor_id, _) = self.member_ref("subject", subject).await?;
                if !current(&actor_id) {
                    return Err(ValidationError::new("subject", "is not a member").into());
                }
                Ok(actor_id)
            }
            DecisionKind::AcceptSubmission => {
                url::Url::parse(subject)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| {
                        ValidationError::new("subject", "must be the submission's id (URL)")
                    })?;
                Ok(subject.to_owned())
            }
            DecisionKind::ChangeRules => {
                let rules: Rules = serde_json::from_str(subject)
                    .map_err(|e| ValidationError::new("subject", format!("rules: {e}")))?;
                rules.validate("subject", nodes_spanned(members))?;
                serde_json::to_string(&rules)
                    .map_err(|e| ValidationError::new("subject", e.to_string()).into())
            }
        }
    }

    /// Opens a proposal on a collective hosted here, by `proposer` (a current member):
    /// stored with the `Create{Question}` that puts it to the member nodes.
    async fn open_proposal(
        &self,
        collective: &Collective,
        members: &[Member],
        proposer: &str,
        kind: DecisionKind,
        subject: &str,
    ) -> Result<Proposal, ActionError> {
        let territory_id = collective.territory_id.ok_or(ActionError::NotFound)?;
        let territory = (self.store.territory(territory_id).await?).ok_or(ActionError::NotFound)?;
        let subject = self.checked_subject(kind, subject, members).await?;
        let at = crate::now();
        let proposal = Proposal {
            id: self.wire.link(&format!("/proposals/{}", Uuid::now_v7())),
            collective: collective.actor_id.clone(),
            kind,
            subject,
            proposer: proposer.to_owned(),
            opened_at: at,
            closes_at: at + Duration::days(VOTING_DAYS),
            state: ProposalState::Open,
            approvals: 0,
            refusals: 0,
            decided_at: None,
        };
        let remote = self.remote_members(members, &[]);
        let news = self
            .wire
            .collective_told(&territory, CollectiveNews::Opened(&proposal), &remote)
            .await?;
        self.store
            .insert_proposal(&proposal, news.as_slice())
            .await?;
        self.wire.queued();
        tracing::info!(collective = %collective.actor_id, proposal = %proposal.id, kind = kind.as_str(), %proposer, "proposal opened");
        Ok(proposal)
    }

    /// An editor of member territory `territory` proposes a decision to the collective
    /// `collective` (its actor id): opened here when the collective is hosted here, else
    /// offered to its node (`Offer{Question}`), which opens it and puts it to everyone.
    /// Answers the proposal when opened here, `None` when sent.
    pub async fn propose(
        &self,
        who: &Principal,
        collective: &str,
        territory: &str,
        kind: DecisionKind,
        subject: &str,
    ) -> Result<Option<Proposal>, ActionError> {
        let (collective, members) = self.known_collective(collective).await?;
        let (territory, proposer) = self.voice_of(who, territory, &members).await?;
        if collective.territory_id.is_some() {
            return Ok(Some(
                self.open_proposal(&collective, &members, &proposer, kind, subject)
                    .await?,
            ));
        }
        let subject = self.checked_subject(kind, subject, &members).await?;
        let offer = self
            .wire
            .proposal_offered(&territory, &collective.actor_id, kind, &subject)
            .await?;
        self.store.enqueue(&offer).await?;
        self.wire.queued();
        tracing::info!(collective = %collective.actor_id, kind = kind.as_str(), %proposer, by = %who.member.username, "proposal offered");
        Ok(None)
    }

    /// A proposal from a member territory elsewhere (`sender`, already verified as the
    /// `Offer`'s signer) to a collective hosted here.
    pub async fn receive_proposal(
        &self,
        collective: &str,
        sender: &str,
        kind: DecisionKind,
        subject: &str,
    ) -> Result<Proposal, ActionError> {
        let (collective, members) = self.known_collective(collective).await?;
        if collective.territory_id.is_none() {
            return Err(refused("this collective is not hosted on this node"));
        }
        let member = members
            .iter()
            .find(|m| m.is_current() && m.actor_id == sender)
            .ok_or_else(|| refused("only a member territory may propose"))?;
        if host_of(sender).as_deref() != Some(member.host.as_str()) {
            return Err(refused("a member proposes from its own node"));
        }
        self.open_proposal(&collective, &members, sender, kind, subject)
            .await
    }

    /// An editor casts the one vote of member territory `territory` on `proposal`: counted
    /// at once when the collective is hosted here, else sent to it (`Create{Note}` named
    /// `approve` or `refuse`, as a Mastodon poll answer) and kept here as the territory's.
    pub async fn vote(
        &self,
        who: &Principal,
        proposal: &str,
        territory: &str,
        approve: bool,
    ) -> Result<Proposal, ActionError> {
        let p = (self.store.proposal(proposal).await?).ok_or(ActionError::NotFound)?;
        let (collective, members) = self.known_collective(&p.collective).await?;
        let (territory, voter) = self.voice_of(who, territory, &members).await?;
        if p.state != ProposalState::Open || p.closes_at <= crate::now() {
            return Err(ValidationError::new("proposal", "voting on it is over").into());
        }
        if collective.territory_id.is_some() {
            let vote = Vote {
                proposal: p.id.clone(),
                voter,
                approve,
                activity_id: self.wire.link(&format!("/votes/{}", Uuid::now_v7())),
                cast_at: crate::now(),
            };
            self.store.insert_vote(&vote, &[]).await?;
            tracing::info!(proposal = %p.id, voter = %vote.voter, approve, by = %who.member.username, "vote cast");
            return self.settle(&collective, &p).await;
        }
        let note = self
            .wire
            .vote_cast(&territory, &collective.actor_id, &p, approve)
            .await?;
        let vote = Vote {
            proposal: p.id.clone(),
            voter,
            approve,
            activity_id: note.activity_id.clone(),
            cast_at: crate::now(),
        };
        self.store
            .insert_vote(&vote, std::slice::from_ref(&note))
            .await?;
        self.wire.queued();
        tracing::info!(proposal = %p.id, voter = %vote.voter, approve, by = %who.member.username, "vote sent");
        Ok(p)
    }

    /// A vote from elsewhere (`activity_id`, by `voter`, already verified as its signer)
    /// on a proposal of a collective hosted here. Refused, with nothing stored, unless the
    /// voter is a member territory that could vote when it opened, on the sending node,
    /// voting once, while the proposal is open.
    pub async fn receive_vote(
        &self,
        proposal: &str,
        voter: &str,
        approve: bool,
        activity_id: &str,
    ) -> Result<Proposal, ActionError> {
        let p = (self.store.proposal(proposal).await?).ok_or(ActionError::NotFound)?;
        let (collective, members) = self.known_collective(&p.collective).await?;
        if collective.territory_id.is_none() {
            return Err(refused("votes go to the collective's own node"));
        }
        let member = members
            .iter()
            .find(|m| m.is_current() && m.actor_id == voter)
            .ok_or_else(|| refused("only a member territory may vote"))?;
        if member.admitted_at > p.opened_at {
            return Err(refused(
                "this territory was admitted after the proposal opened",
            ));
        }
        if host_of(voter).as_deref() != Some(member.host.as_str()) {
            return Err(refused("a territory votes from its own node"));
        }
        if p.state != ProposalState::Open || p.closes_at <= crate::now() {
            return Err(refused("voting on this proposal is over"));
        }
        let vote = Vote {
            proposal: p.id.clone(),
            voter: voter.to_owned(),
            approve,
            activity_id: activity_id.to_owned(),
            cast_at: crate::now(),
        };
        match self.store.insert_vote(&vote, &[]).await {
            Err(StoreError::Conflict(_)) => {
                return Err(refused("this territory already voted on this proposal"));
            }
            other => other?,
        }
        tracing::info!(proposal = %p.id, %voter, approve, "vote received");
        self.settle(&collective, &p).await
    }

    /// Counts a proposal of a collective hosted here and records the tally; when it
    /// passes, applies it (admit: the territory becomes a member and is followed; remove;
    /// new rules) and tells every member node, all in one transaction.
    async fn settle(&self, collective: &Collective, p: &Proposal) -> Result<Proposal, ActionError> {
        let territory_id = collective.territory_id.ok_or(ActionError::NotFound)?;
        let territory = (self.store.territory(territory_id).await?).ok_or(ActionError::NotFound)?;
        let members = self.store.collective_members(&collective.actor_id).await?;
        let votes = self.store.votes(&p.id).await?;
        let now = crate::now();
        let count = tally(&collective.rules, p, &members, &votes, now);
        let decided = count.outcome != Outcome::Open;
        let settled = Proposal {
            state: count.outcome.state(),
            approvals: count.approvals as i64,
            refusals: count.refusals as i64,
            decided_at: decided.then_some(now),
            ..p.clone()
        };
        let mut recipients = self.remote_members(&members, &[]);
        let mut outgoing: Vec<Outgoing> = Vec::new();
        let mut change = None;
        let mut follow = None;
        if count.outcome == Outcome::Passed {
            let mut after = members.clone();
            let mut rules = collective.rules;
            match p.kind {
                DecisionKind::Admit => {
                    let host = host_of(&p.subject).unwrap_or_default();
                    after.retain(|m| m.actor_id != p.subject);
                    after.push(Member {
                        actor_id: p.subject.clone(),
                        host: host.clone(),
                        admitted_at: now,
                        removed_at: None,
                    });
                    recipients = self.remote_members(&after, &[]);
                    outgoing.extend(
                        self.wire
                            .collective_told(
                                &territory,
                                CollectiveNews::Admitted(&p.subject),
                                &recipients,
                            )
                            .await?,
                    );
                    if host != self.own_host() {
                        follow = Some(
                            self.wire
                                .follow_request(&territory, &p.subject, Scope::default())
                                .await?,
                        );
                    }
                    change = Some(CollectiveChange::Admit {
                        actor_id: p.subject.clone(),
                        host,
                    });
                }
                DecisionKind::Remove => {
                    for m in after.iter_mut().filter(|m| m.actor_id == p.subject) {
                        m.removed_at = Some(now);
                    }
                    recipients = self.remote_members(&members, &[]);
                    outgoing.extend(
                        self.wire
                            .collective_told(
                                &territory,
                                CollectiveNews::Removed(&p.subject),
                                &recipients,
                            )
                            .await?,
                    );
                    change = Some(CollectiveChange::Remove {
                        actor_id: p.subject.clone(),
                    });
                }
                DecisionKind::ChangeRules => {
                    rules = serde_json::from_str(&p.subject).map_err(|e| StoreError::Corrupt {
                        table: "collective_proposals",
                        column: "subject",
                        reason: e.to_string(),
                    })?;
                    change = Some(CollectiveChange::Rules(rules));
                }
                DecisionKind::AcceptSubmission => {
                    self.submission_accepted(&territory, &p.subject).await?;
                }
            }
            let current: Vec<Member> = after.into_iter().filter(Member::is_current).collect();
            let updated = Collective {
                rules,
                updated_at: now,
                ..collective.clone()
            };
            outgoing.extend(
                self.wire
                    .collective_told(
                        &territory,
                        CollectiveNews::Group(&updated, &current),
                        &recipients,
                    )
                    .await?,
            );
        }
        if settled.approvals != p.approvals || settled.refusals != p.refusals || decided {
            let told = self
                .wire
                .collective_told(&territory, CollectiveNews::Tallied(&settled), &recipients)
                .await?;
            outgoing.splice(0..0, told);
            match self
                .store
                .record_tally(&settled, change.as_ref(), &outgoing)
                .await
            {
                // Another count decided it first: the vote is stored, the decision made.
                Err(StoreError::NotFound) => {
                    return (self.store.proposal(&p.id).await?).ok_or(ActionError::NotFound);
                }
                other => other?,
            }
            if let Some((following, follow)) = follow {
                self.store
                    .upsert_following(&following, Some(&follow))
                    .await?;
            }
            self.wire.queued();
            tracing::info!(proposal = %p.id, state = settled.state.as_str(), approvals = settled.approvals, refusals = settled.refusals, approving_nodes = count.approving_nodes, required_nodes = count.required_nodes, "proposal counted");
        }
        Ok(settled)
    }

    /// A vote accepted the submission of `object_id` (the proposal's subject) into the
    /// collective `collective`: the gathering machinery accepts it (its `Accept`, and the
    /// `Announce` to the collective's followers), as a festival's curator would.
    async fn submission_accepted(
        &self,
        collective: &Territory,
        object_id: &str,
    ) -> Result<(), ActionError> {
        let actor = self.wire.actor_id(collective);
        match self.store.gathered_item_of(&actor, object_id).await? {
            Some(item) if item.state == crate::gathering::ItemState::Pending => {
                self.settle_submission(item.id, true, &actor).await?;
                tracing::info!(collective = %collective.profile.slug, object = %object_id, "submission accepted by vote");
            }
            Some(_) => {}
            None => {
                tracing::warn!(collective = %collective.profile.slug, object = %object_id, "a vote accepted a submission that is no longer here");
            }
        }
        Ok(())
    }

    /// A publication submitted to a collective hosted here: a member's is accepted at once
    /// (members publish to their collective); anyone else's is put to the members' vote
    /// (`accept_submission`, proposed by the collective itself), which accepts it through
    /// [`Actions::submission_accepted`] when it passes.
    pub(crate) async fn put_to_the_members(
        &self,
        gathering: &Territory,
        item: crate::gathering::GatheredItem,
    ) -> Result<crate::gathering::GatheredItem, ActionError> {
        let collective =
            (self.store.collective_of(gathering.id).await?).ok_or(ActionError::NotFound)?;
        if self
            .store
            .is_member(&collective.actor_id, &item.submitter)
            .await?
        {
            return self.settle_submission(item.id, true, &item.submitter).await;
        }
        let members = self.store.collective_members(&collective.actor_id).await?;
        self.open_proposal(
            &collective,
            &members,
            &collective.actor_id,
            DecisionKind::AcceptSubmission,
            &item.object_id,
        )
        .await?;
        Ok(item)
    }

    /// Whether `actor_id` is a current member of the collective `collective` (its actor
    /// id): a member's publication to it is accepted without a vote.
    pub async fn is_member(&self, collective: &str, actor_id: &str) -> Result<bool, ActionError> {
        Ok(self.store.is_member(collective, actor_id).await?)
    }

    /// Keeps this node's copy of a collective elsewhere from its `Update{Group}` (sent by
    /// the collective itself, `collective.actor_id`): its rules and current members. Only
    /// kept while one of this node's territories is a member (or was: it learns it left).
    pub async fn receive_collective(
        &self,
        collective: Collective,
        members: Vec<String>,
    ) -> Result<(), ActionError> {
        let known = self.store.collective(&collective.actor_id).await?;
        if known.as_ref().is_some_and(|k| k.territory_id.is_some()) {
            return Err(refused("this collective is hosted here"));
        }
        if known
            .as_ref()
            .is_some_and(|k| k.updated_at > collective.updated_at)
        {
            return Ok(());
        }
        let own = self.own_host();
        let members: Vec<(String, String)> = members
            .into_iter()
            .filter_map(|m| host_of(&m).map(|h| (m, h)))
            .collect();
        if known.is_none() && !members.iter().any(|(_, h)| *h == own) {
            return Err(refused(
                "no territory of this node is a member of this collective",
            ));
        }
        collective.rules.validate("rules", {
            let mut hosts: Vec<&str> = members.iter().map(|(_, h)| h.as_str()).collect();
            hosts.sort_unstable();
            hosts.dedup();
            hosts.len()
        })?;
        let count = members.len();
        self.store
            .save_collective(&collective, &members, crate::now(), &[])
            .await?;
        tracing::info!(collective = %collective.actor_id, members = count, "collective copy updated");
        Ok(())
    }

    /// A member admitted to (`Add`) or removed from (`Remove`) a collective elsewhere
    /// whose copy this node keeps, as its node decided.
    pub async fn receive_membership(
        &self,
        collective: &str,
        actor_id: &str,
        admitted: bool,
    ) -> Result<(), ActionError> {
        let (known, members) = self.known_collective(collective).await?;
        if known.territory_id.is_some() {
            return Err(refused("this collective is hosted here"));
        }
        let mut current: Vec<(String, String)> = members
            .into_iter()
            .filter(|m| m.is_current() && m.actor_id != actor_id)
            .map(|m| (m.actor_id, m.host))
            .collect();
        if admitted {
            let host =
                host_of(actor_id).ok_or_else(|| refused("the member must be an actor id"))?;
            current.push((actor_id.to_owned(), host));
        }
        self.store
            .save_collective(&known, &current, crate::now(), &[])
            .await?;
        tracing::info!(%collective, member = %actor_id, admitted, "collective membership changed elsewhere");
        Ok(())
    }

    /// A proposal (`Create{Question}`) or its tally (`Update{Question}`) from a collective
    /// elsewhere whose copy this node keeps; `sender` must be the collective.
    pub async fn receive_proposal_news(
        &self,
        sender: &str,
        proposal: Proposal,
    ) -> Result<(), ActionError> {
        if proposal.collective != sender {
            return Err(refused("only the collective puts its proposals"));
        }
        let known = (self.store.collective(sender).await?)
            .ok_or_else(|| refused("this node keeps no copy of this collective"))?;
        if known.territory_id.is_some() {
            return Err(refused("this collective is hosted here"));
        }
        match self.store.proposal(&proposal.id).await? {
            None => self.store.insert_proposal(&proposal, &[]).await?,
            Some(p) if p.state == ProposalState::Open => {
                self.store.record_tally(&proposal, None, &[]).await?
            }
            Some(_) => return Ok(()),
        }
        tracing::info!(proposal = %proposal.id, state = proposal.state.as_str(), approvals = proposal.approvals, refusals = proposal.refusals, "proposal copy updated");
        Ok(())
    }

    /// The tally of a proposal as this node counts it (the collective's own node) or as
    /// it was last told (a member node's copy).
    pub async fn proposal_tally(
        &self,
        p: &Proposal,
    ) -> Result<Option<crate::collective::Tally>, ActionError> {
        let Some(collective) = self.store.collective(&p.collective).await? else {
            return Ok(None);
        };
        if collective.territory_id.is_none() {
            return Ok(None);
        }
        let members = self.store.collective_members(&p.collective).await?;
        let votes = self.store.votes(&p.id).await?;
        Ok(Some(tally(
            &collective.rules,
            p,
            &members,
            &votes,
            crate::now(),
        )))
    }
}
