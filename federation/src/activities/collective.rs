//! Collectives between nodes. Sent by the collective's node to its member territories:
//! `Update{Group}` (rules and members), `Add`/`Remove` of a member (target: its `members`
//! collection), `Create{Question}` (a proposal) and `Update{Question}` (its tally). Sent
//! by a member territory to the collective: its vote, `Create{Note}` named `approve` or
//! `refuse` replying to the `Question` (as Mastodon answers polls), and its proposals,
//! `Offer{Question}`. Every vote is checked on the collective's node (see
//! `Actions::receive_vote`); refusals are `403` with the reason, nothing stored.

use rhizome_node::Territory;
use rhizome_node::action::ActionError;
use rhizome_node::action::collective::CollectiveNews;
use rhizome_node::collective::{Collective, DecisionKind, host_of};
use rhizome_node::outbox::{Outgoing, Recipients};
use rhizome_node::social::RemoteActor;
use rhizome_node::text::Lang;
use serde_json::Value;
use uuid::Uuid;

use super::{Address, outgoing, outgoing_extended, territory_actor};
use crate::Federation;
use crate::error::FederationError;
use crate::internaltoas::actor::territory_object;
use crate::internaltoas::as_json;
use crate::internaltoas::collective::{
    APPROVE, REFUSE, group_fields, group_from_json, members_collection_id, offered_question,
    proposal_from_question, question, question_name, vote_note,
};
use crate::protocol::outbound::Extensions;
use crate::protocol::{NoteJson, Verb, id_of};

impl Federation {
    /// The language a collective writes its questions in: its first, else the default.
    fn collective_lang(collective: &Territory) -> Lang {
        collective
            .profile
            .languages
            .iter()
            .find_map(|l| Lang::offered(l))
            .unwrap_or_default()
    }

    /// See `Wire::collective_told`. Members whose actor cannot be fetched are skipped
    /// (logged): one node down does not stop the others hearing a decision.
    pub(crate) async fn collective_news(
        &self,
        collective: &Territory,
        news: CollectiveNews<'_>,
        to: &[String],
    ) -> Result<Option<Outgoing>, ActionError> {
        let mut inboxes: Vec<String> = Vec::new();
        for id in to {
            match self.actor(id, false).await {
                Ok(actor) if !inboxes.contains(&actor.inbox) => inboxes.push(actor.inbox),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(collective = %collective.profile.slug, member = %id, error = %e, "member unreachable: not told")
                }
            }
        }
        if inboxes.is_empty() {
            return Ok(None);
        }
        let me = territory_actor(self, collective);
        let address = Address {
            to: to.to_vec(),
            cc: vec![],
            recipients: Recipients::Inboxes(inboxes),
        };
        let lang = Self::collective_lang(collective);
        let (verb, object, target) = match news {
            CollectiveNews::Group(c, members) => {
                let key = self
                    .keys
                    .local(collective.id)
                    .await
                    .map_err(|e| ActionError::Unreachable(e.to_string()))?;
                let moves = self.moves(collective).await?;
                let mut actor = as_json(&territory_object(&self.urls, collective, &key, moves));
                if let Value::Object(fields) = &mut actor {
                    fields.extend(group_fields(c, members));
                }
                (Verb::Update, actor, None)
            }
            CollectiveNews::Admitted(id) => {
                (Verb::Add, Value::from(id), Some(members_collection_id(&me)))
            }
            CollectiveNews::Removed(id) => (
                Verb::Remove,
                Value::from(id),
                Some(members_collection_id(&me)),
            ),
            CollectiveNews::Opened(p) => (
                Verb::Create,
                question(p, &question_name(lang, p.kind, &p.subject), to),
                None,
            ),
            CollectiveNews::Tallied(p) => (
                Verb::Update,
                question(p, &question_name(lang, p.kind, &p.subject), to),
                None,
            ),
        };
        Ok(Some(outgoing_extended(
            self,
            collective.id,
            verb,
            &me,
            object,
            Extensions {
                scope: None,
                target,
            },
            address,
        )))
    }

    /// See `Wire::vote_cast`.
    pub(crate) async fn collective_vote(
        &self,
        territory: &Territory,
        collective: &str,
        proposal: &rhizome_node::collective::Proposal,
        approve: bool,
    ) -> Result<Outgoing, ActionError> {
        let group = self
            .actor(collective, false)
            .await
            .map_err(|e| ActionError::Unreachable(e.to_string()))?;
        let me = territory_actor(self, territory);
        let note_id = format!("{}/votes/{}", self.urls.base, Uuid::now_v7());
        let note = vote_note(&note_id, &me, &proposal.id, &group.id, approve);
        Ok(outgoing(
            self,
            territory.id,
            Verb::Create,
            &me,
            note,
            Address::only(&group),
        ))
    }

    /// See `Wire::proposal_offered`.
    pub(crate) async fn collective_proposal(
        &self,
        territory: &Territory,
        collective: &str,
        kind: DecisionKind,
        subject: &str,
    ) -> Result<Outgoing, ActionError> {
        let group = self
            .actor(collective, false)
            .await
            .map_err(|e| ActionError::Unreachable(e.to_string()))?;
        let me = territory_actor(self, territory);
        Ok(outgoing_extended(
            self,
            territory.id,
            Verb::Offer,
            &me,
            offered_question(&me, kind, subject, &group.id),
            Extensions {
                scope: None,
                target: Some(group.id.clone()),
            },
            Address::only(&group),
        ))
    }
}

/// A `Create{Note}` that may be a vote: named, replying to one of this node's
/// proposals. `false` when it is not one (then it may be a comment).
pub async fn receive_vote(
    fed: &Federation,
    activity_id: &str,
    note: &NoteJson,
    actor: &RemoteActor,
) -> Result<bool, FederationError> {
    let Some(proposal) = id_of(&note.in_reply_to) else {
        return Ok(false);
    };
    if note.name.is_none() || !fed.urls.is_local(proposal) {
        return Ok(false);
    }
    if fed.store.proposal(proposal).await?.is_none() {
        return Ok(false);
    }
    if id_of(&note.attributed_to) != Some(actor.id.as_str()) {
        return Err(FederationError::Forbidden(
            "refused: a vote must be attributed to the territory that sends it".into(),
        ));
    }
    let approve = match note.name.as_deref() {
        Some(APPROVE) => true,
        Some(REFUSE) => false,
        _ => {
            return Err(FederationError::Malformed(format!(
                "object.name: a vote is {APPROVE:?} or {REFUSE:?}"
            )));
        }
    };
    fed.actions()
        .receive_vote(proposal, &actor.id, approve, activity_id)
        .await
        .inspect_err(
            |e| tracing::info!(%proposal, voter = %actor.id, error = %e, "vote refused"),
        )?;
    Ok(true)
}

/// `Create{Question}` or `Update{Question}` from a collective elsewhere.
pub async fn receive_question(
    fed: &Federation,
    object: &Value,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let proposal = proposal_from_question(object)
        .map_err(|e| FederationError::Malformed(format!("object: {e}")))?;
    if host_of(&proposal.id).is_none() || host_of(&proposal.id) != host_of(&actor.id) {
        return Err(FederationError::Forbidden(
            "refused: a proposal's id must be on the collective's host".into(),
        ));
    }
    fed.actions()
        .receive_proposal_news(&actor.id, proposal)
        .await
        .inspect_err(|e| tracing::info!(actor = %actor.id, error = %e, "proposal refused"))?;
    Ok(())
}

/// `Update{Group}` of a collective (its rules and members): this node's copy follows.
/// Any other actor's update is not ours to handle here.
pub async fn receive_group(
    fed: &Federation,
    object: &Value,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    if object.get("type").and_then(Value::as_str) != Some("Group") {
        return Ok(());
    }
    let Some(parsed) = group_from_json(object) else {
        return Ok(());
    };
    let state = parsed.map_err(|e| FederationError::Malformed(format!("object.{e}")))?;
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(&actor.id)
        .to_owned();
    let collective = Collective {
        actor_id: actor.id.clone(),
        territory_id: None,
        name,
        rules: state.rules,
        updated_at: state.updated,
    };
    fed.actions()
        .receive_collective(collective, state.members)
        .await
        .inspect_err(|e| tracing::info!(actor = %actor.id, error = %e, "collective refused"))?;
    Ok(())
}

/// `Add` or `Remove` of a member by a collective whose copy this node keeps (ignored
/// when it keeps none: the `Update{Group}` that follows brings it).
pub async fn receive_membership(
    fed: &Federation,
    member: &str,
    added: bool,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    if fed.store.collective(&actor.id).await?.is_none() {
        tracing::debug!(actor = %actor.id, %member, "membership change of a collective we keep no copy of");
        return Ok(());
    }
    fed.actions()
        .receive_membership(&actor.id, member, added)
        .await?;
    Ok(())
}

/// `Offer{Question}`: a member territory elsewhere proposes to one of our collectives.
pub async fn receive_offered_question(
    fed: &Federation,
    object: &Value,
    target: &str,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let kind: DecisionKind = object
        .get("proposalKind")
        .cloned()
        .and_then(|k| serde_json::from_value(k).ok())
        .ok_or_else(|| {
            FederationError::Malformed(
                "object.proposalKind: admit, remove, accept_submission or change_rules".into(),
            )
        })?;
    let subject = object
        .get("subject")
        .and_then(|s| s.as_str().or_else(|| id_of(s)))
        .ok_or_else(|| FederationError::Malformed("object.subject: missing".into()))?;
    fed.actions()
        .receive_proposal(target, &actor.id, kind, subject)
        .await
        .inspect_err(
            |e| tracing::info!(actor = %actor.id, %target, error = %e, "proposal refused"),
        )?;
    Ok(())
}
