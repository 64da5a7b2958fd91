//! Registrations the way Mobilizon and FEP-8a8e do them: `Join` an event, answered by
//! `Accept` (a place is yours), `Reject` (refused, cancelled or over), `Ignore` (the
//! event takes no registration) or nothing yet (approval needed, or waiting on the
//! waitlist: the `Accept` comes when a place frees); `Leave` gives the place back. The
//! organisers' message to the participants goes as a direct `Note`.

use chrono::SecondsFormat;
use rhizome_node::action::{ActionError, Closed, Registrant};
use rhizome_node::outbox::{Outgoing, Recipients};
use rhizome_node::social::{JoinReply, RemoteActor};
use rhizome_node::{Publication, Territory};
use uuid::Uuid;

use super::{Address, local_publication, outgoing, territory_actor};
use crate::Federation;
use crate::error::FederationError;
use crate::internaltoas::answer::paragraphs;
use crate::protocol::outbound::{DirectNote, Embedded, Mention};
use crate::protocol::{ObjectType, Verb, inbound};

pub async fn receive_join(
    fed: &Federation,
    activity: inbound::Participation,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    let Some((publication, _)) = local_publication(fed, activity.event.as_deref()).await? else {
        return Err(FederationError::NotFound);
    };
    let who = Registrant::Account {
        actor,
        join_id: activity.id.as_str(),
    };
    match fed.actions().register(publication.id, who).await {
        // Answered with `Ignore`: the event takes no registration.
        Ok(_) | Err(ActionError::Closed(Closed::NotTaken)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The `Accept` (a place is theirs), `Reject` or `Ignore` of `actor`'s `Join` of
/// `event`, sent to that actor alone.
pub(crate) fn answer(
    fed: &Federation,
    territory: &Territory,
    event: &Publication,
    actor: &RemoteActor,
    join_id: &str,
    reply: JoinReply,
) -> Outgoing {
    let join = Embedded {
        id: join_id.to_owned(),
        kind: Verb::Join,
        actor: actor.id.clone(),
        object: fed.urls.publication(event.body.kind(), event.id),
    };
    let verb = match reply {
        JoinReply::Accept => Verb::Accept,
        JoinReply::Reject => Verb::Reject,
        JoinReply::Ignore => Verb::Ignore,
    };
    outgoing(
        fed,
        territory.id,
        verb,
        &territory_actor(fed, territory),
        join,
        Address::only(actor),
    )
}

pub async fn receive_leave(
    fed: &Federation,
    activity: inbound::Participation,
    actor: &RemoteActor,
) -> Result<(), FederationError> {
    // `Leave{event}` (Mobilizon) or `Undo{Join{event}}`.
    if let Some((publication, _)) = local_publication(fed, activity.event.as_deref()).await? {
        match fed.actions().leave(publication.id, &actor.id).await {
            // Not an event: there was no place to give back.
            Ok(_) | Err(ActionError::Invalid(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The organisers' message `text` about `event` to its participants `actors`: a
/// `Create{Note}` mentioning each, addressed to them alone (no public, no followers).
pub(crate) fn message(
    fed: &Federation,
    territory: &Territory,
    event: &Publication,
    actors: &[RemoteActor],
    text: &str,
) -> Outgoing {
    let author = territory_actor(fed, territory);
    let mentions: String = actors
        .iter()
        .map(|a| {
            format!(
                r#"<span class="h-card"><a href="{}" class="u-url mention">{}</a></span> "#,
                rhizome_node::markdown::escape(a.url.as_deref().unwrap_or(&a.id)),
                rhizome_node::markdown::escape(&a.handle()),
            )
        })
        .collect();
    let to: Vec<String> = actors.iter().map(|a| a.id.clone()).collect();
    let note = DirectNote {
        id: format!("{}/activities/{}#note", fed.urls.base, Uuid::now_v7()),
        kind: ObjectType::Note,
        attributed_to: author.clone(),
        content: format!("<p>{}</p>{}", mentions.trim_end(), paragraphs(text)),
        context: fed.urls.publication(event.body.kind(), event.id),
        to: to.clone(),
        cc: vec![],
        tag: actors
            .iter()
            .map(|a| Mention {
                kind: "Mention",
                href: a.id.clone(),
                name: a.handle(),
            })
            .collect(),
        published: rhizome_node::now().to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let mut inboxes: Vec<String> = actors.iter().map(|a| a.inbox.clone()).collect();
    inboxes.sort();
    inboxes.dedup();
    let address = Address {
        to,
        cc: vec![],
        recipients: Recipients::Inboxes(inboxes),
    };
    outgoing(fed, territory.id, Verb::Create, &author, note, address)
}
