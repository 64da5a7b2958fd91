//! What answers need of other servers' objects: a remote call's state from this node's
//! copy of it, and the text of an answer that arrived in an `Offer`.

use rhizome_node::answer::{AnswerText, RemoteCall, remote_text};
use rhizome_node::listing::html_text;
use rhizome_node::network::RemotePublication;
use rhizome_node::publication::PublicationKind;

use crate::protocol::first_href;
use crate::protocol::inbound::AnswerNote;

/// A stored remote publication read as a call, from the facts read on its arrival
/// (`facts::remote_facts`); `None` when it is something else or gone. An unknown or
/// missing `callStatus` reads as open (servers that do not say).
pub fn remote_call(p: &RemotePublication) -> Option<RemoteCall> {
    if p.kind != PublicationKind::Call || p.deleted_at.is_some() {
        return None;
    }
    let details = &p.facts.details;
    let status = details.call_status.unwrap_or_default();
    let outcome = details.outcome.clone().filter(|o| !o.is_empty());
    Some(RemoteCall {
        id: p.id.clone(),
        actor_id: p.actor_id.clone(),
        title: p.title.clone(),
        status,
        outcome,
        deadline_end: p.ends_at,
        url: p
            .object
            .get("url")
            .and_then(first_href)
            .filter(|u| crate::protocol::web_url(u).is_some())
            .map(str::to_owned),
    })
}

/// An answer's text as it arrived, cleaned.
pub fn answer_text(note: &AnswerNote) -> AnswerText {
    remote_text(
        &html_text(note.note.html().unwrap_or_default()),
        note.offers.as_deref(),
        note.contact.as_deref(),
    )
}
